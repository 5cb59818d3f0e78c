//go:build unix

package main

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// keepOwner gives tmp, the replacement of the file fi describes, that file's
// owner and group. Only root can give a file away, and a user only to a
// group of theirs: when that is refused the replacement would change who
// owns the file, or which group its permissions let in, so the error says so
// and the caller writes nothing.
func keepOwner(tmp *os.File, fi os.FileInfo) error {
	want, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	tfi, err := tmp.Stat()
	if err != nil {
		return err
	}
	have, ok := tfi.Sys().(*syscall.Stat_t)
	if !ok || have.Uid == want.Uid && have.Gid == want.Gid {
		return nil
	}
	uid, gid := -1, -1
	if have.Uid != want.Uid {
		uid = int(want.Uid)
	}
	if have.Gid != want.Gid {
		gid = int(want.Gid)
	}
	if err := tmp.Chown(uid, gid); err != nil {
		what := "owner"
		switch {
		case uid == -1:
			what = "group"
		case gid != -1:
			what = "owner and group"
		}
		return fmt.Errorf("it belongs to uid %d, gid %d, and a replacement written by uid %d cannot keep its %s (%v): the file is left as it was",
			want.Uid, want.Gid, os.Geteuid(), what, pathErr(err))
	}
	return nil
}

// outputSignals are the signals that end a run from outside: the temporary
// file of an atomic --output is removed before the process dies of them.
var outputSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// removeOnSignal removes o's temporary file when the process receives one
// of outputSignals before o is committed or aborted, and then dies of the
// signal as it would have without the handler (so the shell sees 128+N);
// the target is left as it was. The returned function ends the watch.
func removeOnSignal(o *outFile) (stop func()) {
	sigs := make(chan os.Signal, 1)
	for _, sig := range outputSignals {
		// A signal the process was started ignoring (nohup) stays ignored.
		if !signal.Ignored(sig) {
			signal.Notify(sigs, sig)
		}
	}
	quit := make(chan struct{})
	var once sync.Once
	go func() {
		select {
		case sig := <-sigs:
			o.mu.Lock()
			o.abortLocked()
			// Restore the default action and deliver the signal again: the
			// process ends the way the signal ends it. The lock stays held,
			// so nothing commits in between.
			signal.Reset(outputSignals...)
			s, _ := sig.(syscall.Signal)
			_ = syscall.Kill(os.Getpid(), s)
			// Should the signal not end the process, exit as if it had.
			time.Sleep(time.Second)
			os.Exit(128 + int(s))
		case <-quit:
		}
	}()
	return func() {
		once.Do(func() {
			signal.Stop(sigs)
			close(quit)
		})
	}
}
