//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"
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
