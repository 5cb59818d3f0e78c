//go:build unix

package main

import (
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOutputSignal: a run ended by SIGINT, SIGTERM or SIGHUP while its
// --output is being written removes its temporary file, leaves the target
// as it was, and dies of the signal (the shell's 128+N).
func TestOutputSignal(t *testing.T) {
	line := strings.TrimSpace(readFile(t, example007)) + "\n"
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			if signal.Ignored(sig) {
				// The run inherits the disposition (nohup ignores SIGHUP)
				// and, as documented, keeps a signal it was started
				// ignoring ignored: it would wait for input forever.
				t.Skipf("%v is ignored by this process and the run it starts", sig)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "report.jsonl")
			if err := os.WriteFile(file, []byte("earlier report\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			cmd := cliCommand("audit", "--format", "jsonl", "--now", "1661270100", "--output", file, "-")
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// A line is written, and the run waits for more input: the
			// temporary file exists.
			if _, err := stdin.Write([]byte(line)); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(20 * time.Second)
			for !hasTempFile(t, dir) {
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					t.Fatal("no temporary file appeared")
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			err = cmd.Wait()
			ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
			if !ok || !ws.Signaled() || ws.Signal() != sig {
				t.Errorf("run ended with %v (%v), want death by %v", cmd.ProcessState, err, sig)
			}
			noTempFiles(t, dir)
			if got := readFile(t, file); got != "earlier report\n" {
				t.Errorf("target now holds %q", got)
			}
		})
	}
}

// hasTempFile reports whether dir holds a temporary output file.
func hasTempFile(t *testing.T, dir string) bool {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			return true
		}
	}
	return false
}
