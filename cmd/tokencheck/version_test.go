package main

import (
	"strings"
	"testing"
)

func TestVersionCommand(t *testing.T) {
	saved := version
	defer func() { version = saved }()
	cases := []struct {
		name    string
		stamped string // main.version as -ldflags -X sets it
		args    []string
		code    int
		stdout  string // prefix
		stderr  string // substring
	}{
		{name: "stamped", stamped: "v1.2.3", args: []string{"version"}, stdout: "tokencheck v1.2.3 (go"},
		{name: "unstamped", args: []string{"version"}, stdout: "tokencheck "},
		{name: "help", args: []string{"version", "--help"}, stdout: "Usage: tokencheck version"},
		{name: "argument", args: []string{"version", "x"}, code: 2, stderr: `unexpected argument "x"`},
		{name: "unknown flag", args: []string{"version", "--bogus"}, code: 2, stderr: "unknown flag: --bogus"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			version = c.stamped
			code, out, errs := runCLI(t, "", nil, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, c.code, errs)
			}
			if !strings.HasPrefix(out, c.stdout) || c.code != 0 && out != "" {
				t.Errorf("stdout %q, want it to start with %q", out, c.stdout)
			}
			if c.code == 0 && strings.HasPrefix(c.stdout, "tokencheck") && (strings.Count(out, "\n") != 1 || strings.TrimSpace(out) == "tokencheck") {
				t.Errorf("stdout %q is not one line naming a version", out)
			}
			if !strings.Contains(errs, c.stderr) {
				t.Errorf("stderr %q lacks %q", errs, c.stderr)
			}
		})
	}
}
