//go:build unix

package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/verify"
)

// cliCommand returns the test binary set up to run as tokencheck with args
// (see TestMain), in a process of its own.
func cliCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "TOKENCHECK_TEST_MAIN=1", "TOKENCHECK_CERT="+verify.SampleCertificate)
	return cmd
}

// outputCommands are the commands with an --output flag, each with the
// arguments of a run that writes to FILE and the stdin it reads.
var outputCommands = []struct {
	name  string
	args  func(file string) []string
	stdin func(t *testing.T) string
	want  string // a substring of a complete output
}{
	{"audit",
		func(file string) []string {
			return []string{"audit", "--format", "jsonl", "--now", "1661270100", "--output", file, "-"}
		},
		func(t *testing.T) string { return strings.TrimSpace(readFile(t, example007)) + "\n" },
		`"verdict":"ok"`},
	{"vectors gen",
		func(file string) []string {
			return []string{"vectors", "gen", "--format", "007", "--count", "20", "--seed", "3", "--output", file}
		},
		func(*testing.T) string { return "" },
		`"seed": 3`},
}

// readFIFO makes a FIFO at p and reads it in the background: the channel
// gets what was written once the writer closes it. The test is skipped where
// FIFOs cannot be made.
func readFIFO(t *testing.T, p string) chan string {
	t.Helper()
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("no FIFOs here: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		b, err := os.ReadFile(p) // blocks until the command opens the FIFO
		if err != nil {
			got <- "read error: " + err.Error()
			return
		}
		got <- string(b)
	}()
	return got
}

// noTempFiles fails when dir holds a temporary output file.
func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", p)
		}
		return nil
	})
}

// TestOutputEmpty: an empty --output value is a usage error naming the flag,
// for every command with --output, and nothing goes to stdout.
func TestOutputEmpty(t *testing.T) {
	for _, c := range outputCommands {
		for _, form := range []string{"separate", "equals"} {
			t.Run(c.name+"/"+form, func(t *testing.T) {
				args := c.args("")
				if form == "equals" {
					for i, a := range args {
						if a == "--output" {
							args = append(append(args[:i:i], "--output="), args[i+2:]...)
							break
						}
					}
				}
				code, stdout, errs := runCLI(t, c.stdin(t), map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}, args...)
				if code != exitUsage || !strings.Contains(errs, "tokencheck: error: --output: empty file name") || stdout != "" {
					t.Errorf("%q: exit %d, stdout %.100q, stderr %q", args, code, stdout, errs)
				}
			})
		}
	}
}

// TestOutputDash: --output - is stdout, as - is stdin among the inputs; no
// file named "-" appears.
func TestOutputDash(t *testing.T) {
	if _, err := os.Lstat("-"); err == nil {
		t.Fatal(`a file named "-" is in the package directory`)
	}
	for _, c := range outputCommands {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, errs := runCLI(t, c.stdin(t), map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}, c.args("-")...)
			if code == exitUsage || stdout == "" {
				t.Errorf("exit %d, stdout %.100q, stderr %q", code, stdout, errs)
			}
			if _, err := os.Lstat("-"); err == nil {
				_ = os.Remove("-")
				t.Error(`a file named "-" was written`)
			}
		})
	}
}

// TestOutputNewFileMode: a new output file has mode 0666 less the umask, as
// with shell redirection (not os.CreateTemp's 0600); a replaced file keeps
// its mode whatever the umask.
func TestOutputNewFileMode(t *testing.T) {
	for _, c := range outputCommands {
		for _, umask := range []os.FileMode{0o022, 0o002, 0o027, 0o077, 0o000} {
			for _, existing := range []os.FileMode{0, 0o640, 0o604} {
				t.Run(fmt.Sprintf("%s/umask %03o/existing %03o", c.name, umask, existing), func(t *testing.T) {
					dir := t.TempDir()
					file := filepath.Join(dir, "o.txt")
					want := 0o666 &^ umask
					if existing != 0 {
						if err := os.WriteFile(file, []byte("previous\n"), 0o600); err != nil {
							t.Fatal(err)
						}
						if err := os.Chmod(file, existing); err != nil {
							t.Fatal(err)
						}
						want = existing
					}
					// The shell sets the umask and execs the command.
					self := cliCommand()
					cmd := exec.Command("/bin/sh", append([]string{"-c", fmt.Sprintf(`umask %03o && exec "$0" "$@"`, umask), self.Path}, c.args(file)...)...)
					cmd.Env = self.Env
					cmd.Stdin = strings.NewReader(c.stdin(t))
					var errs bytes.Buffer
					cmd.Stderr = &errs
					if err := cmd.Run(); err != nil {
						t.Fatalf("%v: %s", err, errs.String())
					}
					fi, err := os.Stat(file)
					if err != nil {
						t.Fatal(err)
					}
					if fi.Mode().Perm() != want {
						t.Errorf("mode %03o, want %03o", fi.Mode().Perm(), want)
					}
					if s := readFile(t, file); !strings.Contains(s, c.want) {
						t.Errorf("output %.200q", s)
					}
					noTempFiles(t, dir)
				})
			}
		}
	}
}

// TestOutputTargetsEveryCommand: every command with --output treats its
// target the same way: a directory is refused before any work, a symbolic
// link is followed and kept, a FIFO is written directly.
func TestOutputTargetsEveryCommand(t *testing.T) {
	cases := []struct {
		name string
		// setup returns the --output path and the file that must hold the
		// output ("" when the run must fail or writes a FIFO).
		setup func(t *testing.T, dir string) (out, holder string)
		fifo  string
		code  int
		errs  string
		check func(t *testing.T, dir string)
	}{
		{name: "a directory", code: exitUsage, errs: "tokencheck: error: --output DIR/sub: is a directory",
			setup: func(t *testing.T, dir string) (string, string) {
				p := filepath.Join(dir, "sub")
				if err := os.Mkdir(p, 0o755); err != nil {
					t.Fatal(err)
				}
				return p, ""
			},
			check: func(t *testing.T, dir string) {
				if m, _ := os.ReadDir(filepath.Join(dir, "sub")); len(m) != 0 {
					t.Errorf("the directory holds %d entries", len(m))
				}
			}},
		{name: "a link to a directory", code: exitUsage, errs: "tokencheck: error: --output DIR/link: is a directory",
			setup: func(t *testing.T, dir string) (string, string) {
				if err := os.Symlink(".", filepath.Join(dir, "link")); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "link"), ""
			}},
		{name: "missing directory", code: exitUsage, errs: "--output DIR/no/o.txt: cannot create a file in DIR/no: no such file or directory",
			setup: func(t *testing.T, dir string) (string, string) { return filepath.Join(dir, "no", "o.txt"), "" }},
		{name: "symbolic link kept",
			setup: func(t *testing.T, dir string) (string, string) {
				if err := os.WriteFile(filepath.Join(dir, "real.txt"), []byte("previous\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink("real.txt", filepath.Join(dir, "link.txt")); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "link.txt"), filepath.Join(dir, "real.txt")
			},
			check: func(t *testing.T, dir string) { mustBeSymlink(t, filepath.Join(dir, "link.txt")) }},
		{name: "FIFO written directly", fifo: "pipe",
			setup: func(t *testing.T, dir string) (string, string) { return filepath.Join(dir, "pipe"), "" }},
	}
	for _, oc := range outputCommands {
		for _, c := range cases {
			t.Run(oc.name+"/"+c.name, func(t *testing.T) {
				dir := t.TempDir()
				var got chan string
				if c.fifo != "" {
					got = readFIFO(t, filepath.Join(dir, c.fifo))
				}
				out, holder := c.setup(t, dir)
				code, stdout, errs := runCLI(t, oc.stdin(t), map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}, oc.args(out)...)
				if code != c.code {
					t.Fatalf("exit %d, want %d: %s", code, c.code, errs)
				}
				if errs = strings.ReplaceAll(errs, dir, "DIR"); !strings.Contains(errs, c.errs) || strings.Contains(errs, ".tmp-") {
					t.Errorf("stderr %q, want %q", errs, c.errs)
				}
				if stdout != "" {
					t.Errorf("stdout %.100q", stdout)
				}
				switch {
				case got != nil:
					if s := <-got; !strings.Contains(s, oc.want) {
						t.Errorf("FIFO got %.200q", s)
					}
				case holder != "":
					if s := readFile(t, holder); !strings.Contains(s, oc.want) || strings.Contains(s, "previous") {
						t.Errorf("%s holds %.200q", holder, s)
					}
				}
				if c.check != nil {
					c.check(t, dir)
				}
				noTempFiles(t, dir)
			})
		}
	}
}

// copySelf copies the test binary into dir, for a process run as another
// user (the build directory is private to the user who built it).
func copySelf(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "tokencheck.test")
	if err := os.WriteFile(p, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOutputPermissions: --output replaces only a file its user could open
// for writing (renaming into a writable directory would get past the file's
// own protection), refusing before any input is read, and the replacement
// keeps the file's owner, group and mode; when the owner or group cannot be
// kept, nothing is replaced. The cases run as root and as nobody, so the
// test runs as root.
func TestOutputPermissions(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: the cases give files to other users")
	}
	const nobody, nogroup = 65534, 65534
	cases := []struct {
		name     string
		asNobody bool
		uid, gid int
		mode     os.FileMode
		errs     string // "" when the file must be replaced
	}{
		{"own read-only file", true, nobody, nogroup, 0o444, "--output o.txt: permission denied: the file is not writable, so it is not replaced"},
		{"another user's file, not writable", true, 0, 0, 0o644, "--output o.txt: permission denied"},
		{"another user's file, writable", true, 0, 0, 0o666, "--output o.txt: it belongs to uid 0, gid 0, and a replacement written by uid 65534 cannot keep its owner and group (operation not permitted): the file is left as it was"},
		{"own file in another group", true, nobody, 0, 0o664, "--output o.txt: it belongs to uid 65534, gid 0, and a replacement written by uid 65534 cannot keep its group (operation not permitted)"},
		{"own file", true, nobody, nogroup, 0o640, ""},
		{"root replaces another user's file", false, nobody, nogroup, 0o640, ""},
		{"root replaces a read-only file", false, nobody, nogroup, 0o444, ""},
		{"root replaces a set-gid file", false, nobody, nogroup, 0o2750, ""},
	}
	base, err := os.MkdirTemp("", "outperm")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := copySelf(t, base)
	for _, oc := range outputCommands {
		for i, c := range cases {
			t.Run(oc.name+"/"+c.name, func(t *testing.T) {
				dir := filepath.Join(base, fmt.Sprintf("%s-%d", strings.ReplaceAll(oc.name, " ", "-"), i))
				if err := os.Mkdir(dir, 0o777); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(dir, 0o777); err != nil {
					t.Fatal(err)
				}
				file := filepath.Join(dir, "o.txt")
				if err := os.WriteFile(file, []byte("previous\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chown(file, c.uid, c.gid); err != nil {
					t.Fatal(err)
				}
				mode := c.mode & 0o777
				if c.mode&0o2000 != 0 {
					mode |= os.ModeSetgid
				}
				if err := os.Chmod(file, mode); err != nil {
					t.Fatal(err)
				}
				cmd := cliCommand(oc.args("o.txt")...)
				cmd.Path, cmd.Dir = bin, dir
				if c.asNobody {
					cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nogroup}}
				}
				// A refusal comes before any input is read: stdin stays open.
				r, w, err := os.Pipe()
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				cmd.Stdin = r
				if c.errs == "" {
					go func() {
						w.WriteString(oc.stdin(t))
						w.Close()
					}()
				}
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				cmd.WaitDelay = 10 * time.Second
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				r.Close()
				timer := time.AfterFunc(20*time.Second, func() { cmd.Process.Kill() })
				err = cmd.Wait()
				timer.Stop()
				code := cmd.ProcessState.ExitCode()
				fi, serr := os.Stat(file)
				if serr != nil {
					t.Fatal(serr)
				}
				st := fi.Sys().(*syscall.Stat_t)
				if int(st.Uid) != c.uid || int(st.Gid) != c.gid || fi.Mode() != mode {
					t.Errorf("now uid %d gid %d mode %v, want %d %d %v", st.Uid, st.Gid, fi.Mode(), c.uid, c.gid, mode)
				}
				got := readFile(t, file)
				if c.errs != "" {
					if code != exitUsage || !strings.Contains(stderr.String(), "tokencheck: error: "+c.errs) {
						t.Errorf("exit %d (%v), want 2; stderr %q, want %q", code, err, stderr.String(), c.errs)
					}
					if got != "previous\n" {
						t.Errorf("the file was replaced: %.100q", got)
					}
				} else if code != exitOK || !strings.Contains(got, oc.want) {
					t.Errorf("exit %d (%v): %s; the file holds %.100q", code, err, stderr.String(), got)
				}
				noTempFiles(t, dir)
			})
		}
	}
}

// TestOutputWriteErrorNamesTarget: a write that fails while the run is still
// going (a full disk) is reported with the path given, not the temporary
// file's name, and leaves neither the temporary file nor a changed target.
func TestOutputWriteErrorNamesTarget(t *testing.T) {
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprintf("existing %v", existing), func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "o.txt")
			if existing {
				if err := os.WriteFile(file, []byte("previous\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var errb bytes.Buffer
			e := &env{stdout: &bytes.Buffer{}, stderr: &errb}
			o, err := openOutput(e, "--output", file, 16)
			if err != nil {
				t.Fatal(err)
			}
			// The temporary file stops taking writes, as a full disk does.
			o.tmp.Close()
			_, err = o.Write(bytes.Repeat([]byte("x"), 64))
			if err == nil {
				t.Fatal("write to a closed temporary file succeeded")
			}
			if msg := err.Error(); strings.Contains(msg, ".tmp-") || !strings.HasPrefix(msg, file+": ") {
				t.Errorf("error %q: want it to name %s, not the temporary file", msg, file)
			}
			o.Abort()
			noTempFiles(t, dir)
			if b, err := os.ReadFile(file); existing && (err != nil || string(b) != "previous\n") {
				t.Errorf("target %q, %v after a failed write", b, err)
			} else if !existing && err == nil {
				t.Errorf("target created after a failed write")
			}
		})
	}
}
