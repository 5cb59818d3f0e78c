// Command tokencheck decodes, verifies, audits and builds Agora access tokens
// (AccessToken2 007, AccessToken 006 and the older dynamic keys).
//
// Exit codes: 0 checked and fine (warnings allowed); 1 checked and bad; 2
// usage or I/O error (nothing was checked).
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// Exit codes of the CLI contract.
const (
	exitOK    = 0
	exitBad   = 1
	exitUsage = 2
)

// env is what a command may touch: standard streams, the clock and the
// environment. Tests build their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	now    func() time.Time
	// lookupEnv returns an environment variable and whether it is set
	// (os.LookupEnv).
	lookupEnv func(string) (string, bool)
	// stderrTTY says whether stderr is a terminal (progress output).
	stderrTTY bool
}

// command is one subcommand.
type command struct {
	name    string
	usage   string
	summary string
	run     func(e *env, args []string) int
}

var commands = map[string]*command{}

// register adds a subcommand; each subcommand's file registers itself.
func register(c *command) { commands[c.name] = c }

func main() {
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, now: time.Now, lookupEnv: os.LookupEnv, stderrTTY: isTerminal(os.Stderr)}
	os.Exit(run(e, os.Args[1:]))
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// run dispatches to a subcommand and returns the exit code.
func run(e *env, args []string) int {
	guardStdout(e)
	return finishOutput(e, dispatch(e, args))
}

// dispatch runs the subcommand named by args[0].
func dispatch(e *env, args []string) int {
	if len(args) == 0 {
		_ = usage(e.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "--help", "help":
		if err := usage(e.stdout); err != nil {
			return writeFailed(e, err)
		}
		return exitOK
	}
	c, ok := commands[name]
	if !ok {
		errorf(e, "unknown command %q", name)
		hintf(e, "run 'tokencheck help' for the list of commands")
		return exitUsage
	}
	return c.run(e, args[1:])
}

// usage prints the list of commands; it returns the first write error.
func usage(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintln(&b, "tokencheck: decode, verify, audit and build Agora access tokens")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "Usage:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "  tokencheck %-60s %s\n", commands[n].usage, commands[n].summary)
	}
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "Exit codes: 0 checked and fine, 1 checked and bad, 2 usage or I/O error, nothing to check,")
	fmt.Fprintln(&b, "or (verify, audit) a signature that could not be checked with nothing else wrong.")
	fmt.Fprintln(&b, "Run 'tokencheck COMMAND --help' for a command's flags.")
	_, err := io.WriteString(w, b.String())
	return err
}

func errorf(e *env, format string, args ...any) {
	fmt.Fprintf(e.stderr, "tokencheck: error: %s\n", strings.TrimRight(fmt.Sprintf(format, args...), "\n"))
}

func hintf(e *env, format string, args ...any) {
	fmt.Fprintf(e.stderr, "tokencheck: hint: %s\n", fmt.Sprintf(format, args...))
}
