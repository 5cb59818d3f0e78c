package conform_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/conform"
)

// TestMain lets the test binary play an external builder: with
// CONFORM_TEST_ADAPTER set it serves the protocol (mode "good": tokencheck's
// own builds; "flip": one character of every second 006 token changed;
// "die": exits after two answers; "hang": never answers).
func TestMain(m *testing.M) {
	switch os.Getenv("CONFORM_TEST_ADAPTER") {
	case "":
		os.Exit(m.Run())
	case "good":
		serve(nil)
	case "flip":
		n := 0
		serve(func(_ *conform.Request, tok string) string {
			n++
			if n%2 == 0 && strings.HasPrefix(tok, "006") {
				return tok[:60] + flip(tok[60]) + tok[61:]
			}
			return tok
		})
	case "die":
		n := 0
		serve(func(_ *conform.Request, tok string) string {
			n++
			if n > 2 {
				fmt.Fprintln(os.Stderr, "adapter: giving up")
				os.Exit(3)
			}
			return tok
		})
	case "hang":
		time.Sleep(time.Minute)
	}
	os.Exit(0)
}

func serve(mutate func(_ *conform.Request, tok string) string) {
	if err := conform.Serve(os.Stdin, os.Stdout, conform.DefaultRegistry(), mutate); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

func adapter(mode string) string {
	return "CONFORM_TEST_ADAPTER=" + mode + " " + os.Args[0]
}

func TestRunAgainstSelf(t *testing.T) {
	reg := conform.DefaultRegistry()
	for _, format := range []string{"006", "007"} {
		f, err := conform.Generate(format, 40, 3, reg)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := conform.Run(context.Background(), f, reg, conform.Options{Command: adapter("good"), Parse: true, Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		s := conform.Summarize(rs)
		if s.Passed != 40 || s.Total != 40 {
			for _, r := range rs {
				if r.Status != conform.StatusPass {
					t.Errorf("%s: %s %v %s", r.ID, r.Status, r.Failures, r.Note)
				}
			}
			t.Fatalf("%s: %+v", format, s)
		}
	}
}

func TestRunFaults(t *testing.T) {
	reg := conform.DefaultRegistry()
	f, err := conform.Generate("006", 6, 5, reg)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		mode    string
		timeout time.Duration
		failed  int
		want    string
	}{
		{"flip", 10 * time.Second, 3, "token byte 60"},
		{"die", 10 * time.Second, 2, "exited"},
		{"hang", 300 * time.Millisecond, 6, "no answer"},
		{"nonsense", 10 * time.Second, 6, "not a response object"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			cmd := adapter(c.mode)
			if c.mode == "nonsense" {
				cmd = `while read l; do echo hello; done`
			}
			rs, err := conform.Run(context.Background(), f, reg, conform.Options{Command: cmd, Timeout: c.timeout})
			if err != nil {
				t.Fatal(err)
			}
			s := conform.Summarize(rs)
			if s.Failed != c.failed {
				t.Errorf("%d failed, want %d: %+v", s.Failed, c.failed, rs)
			}
			found := false
			for _, r := range rs {
				if f := r.First(); f != nil && strings.Contains(f.Message, c.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no failure mentions %q: %+v", c.want, rs)
			}
		})
	}
}

// TestRunCannotStart: a process that exits before answering the first
// request is an error of Run (the command cannot be started), naming the
// command, its exit status and the end of its stderr; no case is judged.
func TestRunCannotStart(t *testing.T) {
	reg := conform.DefaultRegistry()
	f, err := conform.Generate("007", 2, 1, reg)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		command string
		want    []string
	}{
		{"exit status", "exit 7", []string{`"exit 7" could not be started`, "exit status 7"}},
		{"not found", "/nonexistent/binary", []string{`"/nonexistent/binary"`, "exit status 127", "not found"}},
		{"not executable", os.DevNull, []string{"exit status 126", os.DevNull}},
		{"exits quietly", "true", []string{"before answering the first request", "exit status 0"}},
		{"fails at start-up", "echo 'adapter: cannot load module' >&2; exit 1", []string{"exit status 1", "stderr: adapter: cannot load module"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, err := conform.Run(context.Background(), f, reg, conform.Options{Command: c.command, Timeout: 5 * time.Second})
			if err == nil {
				t.Fatalf("no error; results %+v", rs)
			}
			if !errors.Is(err, conform.ErrProcess) {
				t.Errorf("error does not wrap ErrProcess: %v", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q: %v", w, err)
				}
			}
		})
	}
}

// TestAnswerTooLong: an answer line over MaxLine fails the case with a
// message saying so (not "EOF").
func TestAnswerTooLong(t *testing.T) {
	reg := conform.DefaultRegistry()
	f, err := conform.Generate("007", 1, 1, reg)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, command, want string
	}{
		{"over the limit", fmt.Sprintf(`read l; head -c %d /dev/zero | tr '\0' a; echo; sleep 5`, conform.MaxLine+1),
			fmt.Sprintf("answer to request %s is longer than %d bytes", f.Cases[0].ID, conform.MaxLine)},
		{"at the limit", fmt.Sprintf(`read l; head -c %d /dev/zero | tr '\0' a; echo`, conform.MaxLine),
			"not a response object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs, err := conform.Run(context.Background(), f, reg, conform.Options{Command: c.command, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Status != conform.StatusFail || !strings.Contains(rs[0].First().Message, c.want) {
				t.Errorf("%+v, want a failure with %q", rs, c.want)
			}
		})
	}
}

// TestRunGivesUpOnSilentBuilder: after MaxSilent requests in a row without
// an answer, the remaining cases fail without being sent, so a hanging
// builder costs MaxSilent timeouts, not one per case.
func TestRunGivesUpOnSilentBuilder(t *testing.T) {
	reg := conform.DefaultRegistry()
	f, err := conform.Generate("006", 20, 5, reg)
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 200 * time.Millisecond
	start := time.Now()
	rs, err := conform.Run(context.Background(), f, reg, conform.Options{Command: adapter("hang"), Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	if s := conform.Summarize(rs); s.Failed != len(f.Cases) {
		t.Fatalf("%d failed, want all %d", s.Failed, len(f.Cases))
	}
	for i, r := range rs {
		want := "no answer"
		if i >= conform.MaxSilent {
			want = "not sent: the builder answered none of the last 3 requests"
		}
		if m := r.First(); m == nil || !strings.Contains(m.Message, want) {
			t.Errorf("case %d: %+v, want a failure mentioning %q", i, r.First(), want)
		}
	}
	// MaxSilent timeouts plus process restarts, far below one per case.
	if d := time.Since(start); d > time.Duration(conform.MaxSilent)*timeout+5*time.Second {
		t.Errorf("took %s", d)
	}
}
