package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

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
	const use = "audit [--format table|json|jsonl] [--cert C|--cert-file F|--keyring F] [--app-id A] [--channel X] [--uid N|--account S] [--for rtc|rtm|chat] [--now T] [--leeway D] [--strict] [--workers N] [--output FILE] [--log-level L] [FILE…|-]"
	fs := newFlags(e, "audit", use)
	format := fs.String("format", "table", "output: table (summary for people), json (the summary as one JSON object) or jsonl (one verify object per input line, in input order)")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines checking tokens")
	output := fs.String("output", "", "write the output to this file, atomically (a temporary file renamed when complete)")
	logLevel := fs.String("log-level", "warn", "structured logs on stderr at this level: debug, info, warn, error")
	var x expectFlags
	x.certs.add(fs)
	x.add(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	switch *format {
	case "table", "json", "jsonl":
	default:
		errorf(e, "--format %q: want table, json or jsonl", *format)
		return exitUsage
	}
	if *workers < 1 {
		errorf(e, "--workers %d: want at least 1", *workers)
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

	out, commit, abort, err := openOutput(e, *output)
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
		opt.Encode = func(r *audit.Result) ([]byte, error) { return audit.EncodeLine(r, withFile) }
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
		log.Debug("checked", zap.String("file", sourceName(r.File)), zap.Int("line", r.Line), zap.String("verdict", r.Report.Verdict))
		if r.Encoded != nil {
			_, err := out.Write(r.Encoded)
			return err
		}
		return nil
	})
	stopProgress()
	sum.Finish()
	elapsed := time.Since(start)
	if runErr == nil {
		switch *format {
		case "json":
			runErr = writeJSON(out, &sum)
		case "table":
			runErr = printSummary(out, &sum)
		}
	}
	if runErr != nil {
		abort()
		log.Error("audit failed", zap.Error(runErr), zap.Int("lines_done", sum.Lines))
		errorf(e, "%v", runErr)
		return exitUsage
	}
	if err := commit(); err != nil {
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

// newLogger builds a zap logger writing JSON records to w at lvl. Records
// never carry certificates or tokens: only file names, line numbers,
// verdicts, counts and input errors (which never quote the line).
func sourceName(name string) string {
	if name == "" {
		return "stdin"
	}
	return name
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
		srcs = append(srcs, audit.Source{Name: a, R: f})
	}
	return srcs, closeAll, nil
}

// openOutput returns the writer for the output and how to finish it: with
// a path, a temporary file in the same directory that commit syncs and
// renames over the path, and abort removes.
func openOutput(e *env, path string) (w io.Writer, commit func() error, abort func(), err error) {
	if path == "" {
		bw := bufio.NewWriterSize(e.stdout, 64<<10)
		return bw, bw.Flush, func() { _ = bw.Flush() }, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("--output: %w", err)
	}
	bw := bufio.NewWriterSize(tmp, 256<<10)
	var once sync.Once
	abort = func() {
		once.Do(func() {
			tmp.Close()
			os.Remove(tmp.Name())
		})
	}
	commit = func() error {
		err := bw.Flush()
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
		return err
	}
	return bw, commit, abort, nil
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
				fmt.Fprintf(e.stderr, "\rtokencheck: %d lines checked (%.0f/s)\033[K", n, float64(n)/now.Sub(start).Seconds())
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
func printSummary(w io.Writer, s *audit.Summary) error {
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
			msg = msg[:97] + "…"
		}
		b.WriteString(loc + ": " + msg)
	}
	return b.String()
}
