//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestVectorsCheckPipe: a vector file that can be read only once (a named
// pipe, /dev/stdin, a shell's <(…)) is read once: its cases are checked,
// not reported as an empty file. "-" reads stdin.
func TestVectorsCheckPipe(t *testing.T) {
	good := readFile(t, filepath.Join(vectorDir, "003.json"))
	tampered := readFile(t, filepath.Join(vectorDir, "tampered.json"))
	cases := []struct {
		name, body, want string
	}{
		{"vector file", good, "(003): 56 cases, 56 passed, 0 failed"},
		{"tampered file", tampered, "(tampered): 67 cases, 67 passed, 0 failed"},
	}
	for _, c := range cases {
		t.Run(c.name+" from a named pipe", func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Skip("mkfifo:", err)
			}
			go func() {
				w, err := os.OpenFile(p, os.O_WRONLY, 0)
				if err != nil {
					return
				}
				defer w.Close()
				_, _ = w.WriteString(c.body)
			}()
			code, out, errs := runCLI(t, "", nil, "vectors", "check", p)
			if code != 0 || !strings.Contains(out, c.want) {
				t.Errorf("exit %d, want 0 and %q\nstderr: %s\nstdout tail: %s", code, c.want, errs, tail(out))
			}
		})
		t.Run(c.name+" from stdin", func(t *testing.T) {
			code, out, errs := runCLI(t, c.body, nil, "vectors", "check", "-")
			if code != 0 || !strings.Contains(out, "- "+c.want) {
				t.Errorf("exit %d, want 0 and %q\nstderr: %s\nstdout tail: %s", code, "- "+c.want, errs, tail(out))
			}
		})
	}
}

func tail(s string) string {
	if len(s) > 400 {
		return s[len(s)-400:]
	}
	return s
}
