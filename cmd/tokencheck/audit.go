package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/tokencheck/tokencheck/pkg/audit"
)

func init() {
	register(&command{name: "audit",
		usage:   "audit [--format table|json|jsonl] [--keyring F] [--now T] [--workers N] [FILE…|-]",
		summary: "check many tokens (one per line) on all cores: JSON Lines or a summary", run: runAudit})
}

// maxLoggedBadLines bounds the warnings logged for unreadable input lines.
const maxLoggedBadLines = 20

// progressAfter is how long a run must last before progress is shown.
const progressAfter = 2 * time.Second

func runAudit(e *env, args []string) int {
	const use = "audit [--format table|json|jsonl] [--cert C|--cert-file F] [--keyring F] [--app-id A] [--channel X] [--uid N|--account S] [--for rtc|rtm|chat] [--now T] [--leeway D] [--strict] [--workers N] [--output FILE] [--log-level L] [FILE…|-]"
	fs := newFlags(e, "audit", use)
	format := fs.String("format", "table", "output: table (summary for people), json (the summary as one JSON object) or jsonl (one verify object per input line, in input order)")
	workers := intFlag(fs, "workers", runtime.GOMAXPROCS(0), fmt.Sprintf("goroutines checking tokens (1..%d)", audit.MaxWorkers))
	output := fs.String("output", "", "write the output to this file: a regular file atomically (a temporary file renamed when complete), a device or FIFO directly; - is stdout")
	logLevel := fs.String("log-level", "warn", "structured logs on stderr at this level: debug, info, warn, error")
	var x expectFlags
	x.certs.add(fs)
	x.add(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if emptyOutputFlag(e, fs.Changed, "output", *output) {
		return exitUsage
	}
	switch *format {
	case "table", "json", "jsonl":
	default:
		errorf(e, "--format %q: want table, json or jsonl", *format)
		return exitUsage
	}
	if *workers < 1 || *workers > audit.MaxWorkers {
		errorf(e, "--workers %d: want 1..%d (the default, %d, is one per CPU)", *workers, audit.MaxWorkers, runtime.GOMAXPROCS(0))
		return exitUsage
	}
	lvl, err := zapcore.ParseLevel(*logLevel)
	if err != nil {
		errorf(e, "--log-level %q: want debug, info, warn or error", *logLevel)
		return exitUsage
	}
	log := newLogger(e.stderr, lvl).Named("audit")
	defer func() { _ = log.Sync() }()
	exp, err := x.expectations(e, fs.Changed)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	srcs, closeAll, err := openSources(e, fs.Args())
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	defer closeAll()
	withFile := len(srcs) > 1

	out, err := openOutput(e, "--output", *output, 256<<10)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = sourceName(s.Name)
	}
	log.Info("audit started", zap.Strings("inputs", names), zap.Int("workers", *workers), zap.String("format", *format),
		zap.Int("certificates", len(exp.Certificates)), zap.Bool("keyring", exp.Keyring != nil), zap.Time("now", exp.Now))

	var done atomic.Int64
	stopProgress := startProgress(e, &done)
	opt := audit.Options{Workers: *workers, Base: *exp, Progress: &done}
	if *format == "jsonl" {
		opt.AppendEncode = func(dst []byte, r *audit.Result) ([]byte, error) { return audit.AppendLine(dst, r, withFile) }
	}
	var sum audit.Summary
	badLogged := 0
	start := time.Now()
	runErr := audit.Run(context.Background(), srcs, opt, func(r *audit.Result) error {
		sum.Add(r)
		if r.Err != nil {
			if badLogged < maxLoggedBadLines {
				log.Warn("unreadable input line", zap.String("file", sourceName(r.File)), zap.Int("line", r.Line), zap.Error(r.Err))
			} else if badLogged == maxLoggedBadLines {
				log.Warn("further unreadable input lines are not logged")
			}
			badLogged++
		}
		if ce := log.Check(zapcore.DebugLevel, "checked"); ce != nil {
			ce.Write(zap.String("file", sourceName(r.File)), zap.Int("line", r.Line), zap.String("verdict", r.Report.Verdict))
		}
		if r.Encoded != nil {
			if _, err := out.Write(r.Encoded); err != nil {
				return &outputError{err: err}
			}
		}
		return nil
	})
	stopProgress()
	sum.Finish()
	elapsed := time.Since(start)
	if runErr == nil {
		if err := writeSummary(out, *format, &sum); err != nil {
			runErr = &outputError{err: err}
		}
	}
	if runErr == nil && sum.Lines == 0 {
		// Nothing was checked: exit 2 below, and an --output FILE is left
		// as it was, as for any failed run.
		out.Abort()
		errorf(e, "no token lines were read (the input is empty or holds only blank lines): nothing was checked")
		return exitUsage
	}
	var outErr *outputError
	if runErr != nil && !errors.As(runErr, &outErr) && !out.Atomic() && *format != "jsonl" {
		// The input broke off: the summary of the lines read before the
		// damage still goes out (jsonl has written their results), saying
		// so; an --output FILE is left as it was, as for any failed run.
		sum.Error = "the input was not read to its end (" + runErr.Error() + "): these counts cover the lines before the damage"
		if err := writeSummary(out, *format, &sum); err != nil {
			log.Error("writing the summary failed", zap.Error(err))
		}
	}
	if runErr != nil {
		out.Abort()
		log.Error("audit failed", zap.Error(runErr), zap.Int("lines_done", sum.Lines))
		errorf(e, "%v", runErr)
		return exitUsage
	}
	if err := out.Commit(); err != nil {
		log.Error("writing output failed", zap.Error(err))
		errorf(e, "writing output: %v", err)
		return exitUsage
	}
	rate := 0.0
	if elapsed > 0 {
		rate = float64(sum.Lines) / elapsed.Seconds()
	}
	log.Info("audit finished", zap.Int("lines", sum.Lines), zap.Int("ok", sum.OK), zap.Int("bad", sum.Bad),
		zap.Duration("elapsed", elapsed), zap.Float64("tokens_per_second", rate))
	switch {
	case sum.Bad > 0:
		return exitBad
	case sum.Unchecked > 0:
		// Nothing bad was found, but some signatures could not be checked.
		return exitUsage
	}
	return exitOK
}

// sourceName is the name of an input in logs, results and examples: the
// file name, or audit.StdinName ("-") for stdin.
func sourceName(name string) string {
	if name == "" {
		return audit.StdinName
	}
	return name
}

// plural renders a count with its noun, "1 line" or "2 lines".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// openSources opens the input files ("-" or none: stdin) before anything is
// checked, so that a missing file is a usage error.
func openSources(e *env, args []string) ([]audit.Source, func(), error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	if len(args) == 0 {
		return []audit.Source{{R: e.stdin}}, closeAll, nil
	}
	srcs := make([]audit.Source, 0, len(args))
	stdin := false
	for _, a := range args {
		if a == "-" {
			if stdin {
				closeAll()
				return nil, nil, errors.New(`stdin ("-") given twice`)
			}
			stdin = true
			srcs = append(srcs, audit.Source{R: e.stdin})
			continue
		}
		f, err := os.Open(a)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		files = append(files, f)
		// A directory opens but cannot be read: refuse it before any
		// line of the other inputs is checked.
		if st, err := f.Stat(); err != nil {
			closeAll()
			return nil, nil, err
		} else if st.IsDir() {
			closeAll()
			return nil, nil, fmt.Errorf("%s: is a directory, not a file of tokens", a)
		}
		srcs = append(srcs, audit.Source{Name: a, R: f})
	}
	return srcs, closeAll, nil
}

// startProgress shows the number of lines checked on stderr, once a second,
// when stderr is a terminal and the run lasts longer than progressAfter.
func startProgress(e *env, done *atomic.Int64) (stop func()) {
	if !e.stderrTTY {
		return func() {}
	}
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		shown := false
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-quit:
				if shown {
					fmt.Fprint(e.stderr, "\r\033[K")
				}
				return
			case now := <-t.C:
				if now.Sub(start) < progressAfter {
					continue
				}
				n := done.Load()
				fmt.Fprintf(e.stderr, "\rtokencheck: %s checked (%.0f/s)\033[K", plural(int(n), "line"), float64(n)/now.Sub(start).Seconds())
				shown = true
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
	}
}

// printSummary renders the summary for people: totals, then counts by
// verdict and by finding with the first examples of each.
// writeSummary writes the summary of --format json or table (jsonl has
// none: its lines are the results).
func writeSummary(w io.Writer, format string, s *audit.Summary) error {
	switch format {
	case "json":
		return writeJSON(w, s)
	case "table":
		return printSummary(w, s)
	}
	return nil
}

func printSummary(w io.Writer, s *audit.Summary) error {
	if s.Error != "" {
		fmt.Fprintf(w, "incomplete: %s\n", s.Error)
	}
	fmt.Fprintf(w, "lines: %d   ok: %d   bad: %d   unchecked: %d   signatures: %s\n", s.Lines, s.OK, s.Bad, s.Unchecked, signatureCounts(s.Signatures))
	if s.Lines == 0 {
		return nil
	}
	rows := make([][]string, 0, len(s.Verdicts))
	for _, c := range s.Verdicts {
		rows = append(rows, []string{c.Code, strconv.Itoa(c.Count), examples(c.Examples)})
	}
	if err := renderTable(w, []string{"verdict", "lines", "first examples"}, rows); err != nil {
		return err
	}
	if len(s.Findings) == 0 {
		return nil
	}
	rows = rows[:0]
	for _, c := range s.Findings {
		rows = append(rows, []string{c.Code, c.Severity, strconv.Itoa(c.Count), examples(c.Examples)})
	}
	return renderTable(w, []string{"finding", "severity", "lines", "first examples"}, rows)
}

func signatureCounts(m map[string]int) string {
	var parts []string
	for _, k := range []string{"valid", "invalid", "unchecked"} {
		if m[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", m[k], k))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func examples(ex []audit.Example) string {
	var b strings.Builder
	for i, x := range ex {
		if i > 0 {
			b.WriteByte('\n')
		}
		loc := "line " + strconv.Itoa(x.Line)
		if x.File != "" {
			loc = x.File + ":" + strconv.Itoa(x.Line)
		}
		if x.ID != nil {
			loc += " id " + string(x.ID)
		}
		msg := x.Message
		if len(msg) > 100 {
			// Cut at a character's start: half of "é" would make the
			// table invalid UTF-8.
			cut := 97
			for cut > 0 && !utf8.RuneStart(msg[cut]) {
				cut--
			}
			msg = msg[:cut] + "…"
		}
		b.WriteString(loc + ": " + msg)
	}
	return b.String()
}
