package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/conform"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

func init() {
	register(&command{name: "vectors",
		usage:   "vectors check [--json] [--junit FILE] FILE|DIR|-… | vectors gen --format 006|007 --count N --seed S [--output FILE]",
		summary: "run vector files against tokencheck, or generate edge-case vectors", run: runVectors})
}

func runVectors(e *env, args []string) int {
	if len(args) == 0 {
		errorf(e, "vectors needs a subcommand: check or gen")
		hintf(e, "tokencheck vectors check testdata/vectors; tokencheck vectors gen --format 007 --count 100 --seed 1")
		return exitUsage
	}
	switch args[0] {
	case "check":
		return runVectorsCheck(e, args[1:])
	case "gen":
		return runVectorsGen(e, args[1:])
	case "-h", "--help", "help":
		fmt.Fprintln(e.stdout, "Usage: tokencheck vectors check [--json] [--junit FILE] FILE|DIR|-…")
		fmt.Fprintln(e.stdout, "       tokencheck vectors gen --format 006|007 --count N --seed S [--output FILE]")
		return exitOK
	}
	errorf(e, "unknown vectors subcommand %q: want check or gen", args[0])
	return exitUsage
}

// outputFlags are the report flags shared by vectors check and conform.
type outputFlags struct {
	asJSON bool
	junit  string
	// junitGiven: --junit was given (perhaps as "").
	junitGiven bool
}

// check refuses a --junit FILE that cannot be written because its directory
// is missing (or is not a directory), before any case runs: the report is
// written at the end, and a long run's results would otherwise be lost. An
// empty --junit "" (an unset variable) is refused by name.
func (o outputFlags) check() error {
	if o.junit == "" {
		if o.junitGiven {
			return errors.New(`--junit "": empty file name; give the JUnit XML file, or leave --junit out`)
		}
		return nil
	}
	dir := filepath.Dir(o.junit)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("--junit %s: the directory %s does not exist", o.junit, dir)
	case err != nil:
		return fmt.Errorf("--junit %s: %v", o.junit, err)
	case !st.IsDir():
		return fmt.Errorf("--junit %s: %s is not a directory", o.junit, dir)
	}
	if st, err := os.Stat(o.junit); err == nil && st.IsDir() {
		return fmt.Errorf("--junit %s: is a directory, want a file", o.junit)
	}
	return nil
}

func runVectorsCheck(e *env, args []string) int {
	const use = "vectors check [--json] [--junit FILE] FILE|DIR|-…"
	fs := newFlags(e, "vectors check", use)
	var o outputFlags
	fs.BoolVar(&o.asJSON, "json", false, "print results and summary as JSON")
	fs.StringVar(&o.junit, "junit", "", "also write the results as JUnit XML to FILE")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	o.junitGiven = fs.Changed("junit")
	if err := o.check(); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if fs.NArg() == 0 {
		errorf(e, "no vector file or directory given")
		hintf(e, "tokencheck vectors check testdata/vectors/007.json")
		return exitUsage
	}
	paths, err := vectorPaths(fs.Args())
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	reg := conform.DefaultRegistry()
	var results []conform.Result
	var files []fileInfo
	for _, p := range paths {
		// Each file is read once: it may be a pipe (-, /dev/stdin, <(…)).
		var b []byte
		var err error
		if p.path == "-" {
			b, err = vectors.ReadAll(e.stdin)
			if err != nil {
				err = fmt.Errorf("-: %w", err)
			}
		} else {
			b, err = vectors.ReadBytes(p.path)
		}
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		top, topErr := topKeys(b)
		if _, ok := top["verdicts"]; ok {
			tf, err := vectors.DecodeTampered(p.path, b)
			if err != nil {
				errorf(e, "%v", err)
				return exitUsage
			}
			rs := conform.CheckTampered(filepath.Base(p.path), tf)
			results = append(results, rs...)
			files = append(files, fileInfo{Path: p.path, Format: tf.Format, Cases: len(tf.Cases), results: len(rs)})
			continue
		}
		f, err := vectors.DecodeFile(p.path, b)
		if err != nil {
			if p.fromDir && topErr == nil && !isVectorSchema(top) {
				fmt.Fprintf(e.stderr, "tokencheck: note: %s is not a vector file (no \"format\"/\"cases\"): skipped\n", p.path)
				continue
			}
			errorf(e, "%v", err)
			return exitUsage
		}
		name := filepath.Base(p.path)
		rs := conform.CheckFile(name, f, reg)
		files = append(files, fileInfo{Path: p.path, Format: f.Format, Cases: len(f.Cases), results: len(rs)})
		results = append(results, rs...)
	}
	if len(files) == 0 {
		errorf(e, "no vector file found in %s", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	return reportResults(e, o, "tokencheck vectors check", files, results)
}

// fileInfo describes one file checked, for the JSON output. Its results
// are the next results entries of the run's results, which hold the files'
// results in file order (two files may share a base name, which the
// results' File holds).
type fileInfo struct {
	Path    string `json:"path"`
	Format  string `json:"format"`
	Cases   int    `json:"cases"`
	results int
}

type vectorPath struct {
	path    string
	fromDir bool
}

// vectorPaths expands directories to their *.json files, sorted; "-" is
// stdin.
func vectorPaths(args []string) ([]vectorPath, error) {
	var out []vectorPath
	for _, a := range args {
		if a == "-" {
			out = append(out, vectorPath{path: a})
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, vectorPath{path: a})
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(m)
		for _, p := range m {
			out = append(out, vectorPath{path: p, fromDir: true})
		}
	}
	return out, nil
}

// topKeys returns the top-level keys of a JSON file: an empty map for JSON
// that is not an object, an error when the file is not JSON at all (then it
// may be a broken vector file, which must not be skipped). A tampered-token
// file has "verdicts".
func topKeys(b []byte) (map[string]json.RawMessage, error) {
	if !json.Valid(b) {
		return nil, errors.New("not JSON")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil || top == nil {
		return map[string]json.RawMessage{}, nil
	}
	return top, nil
}

// isVectorSchema reports whether top-level keys are those of a vector file,
// "format" and "cases" (so that in a directory a broken vector file is an
// error, and another kind of JSON file is skipped).
func isVectorSchema(top map[string]json.RawMessage) bool {
	_, f := top["format"]
	_, c := top["cases"]
	return f && c
}

// reportResults prints results (table or JSON), writes JUnit when asked, and returns
// the exit code: 1 when a case failed, naming the first failure on stderr.
func reportResults(e *env, o outputFlags, name string, files []fileInfo, rs []conform.Result) int {
	sum := conform.Summarize(rs)
	if o.junit != "" {
		var buf bytes.Buffer
		if err := conform.WriteJUnit(&buf, name, rs); err != nil {
			errorf(e, "writing JUnit: %v", err)
			return exitUsage
		}
		if err := os.WriteFile(o.junit, buf.Bytes(), 0o644); err != nil {
			errorf(e, "writing JUnit: %v", err)
			return exitUsage
		}
	}
	if o.asJSON {
		out := struct {
			Files   []fileInfo       `json:"files"`
			Results []conform.Result `json:"results"`
			Summary conform.Summary  `json:"summary"`
		}{files, rs, sum}
		if out.Results == nil {
			out.Results = []conform.Result{}
		}
		if err := writeJSON(e.stdout, out); err != nil {
			return writeFailed(e, err)
		}
	} else {
		rows := make([][]string, 0, len(rs))
		for _, r := range rs {
			detail := r.Note
			if f := r.First(); f != nil {
				detail = f.String()
				if len(r.Failures) > 1 {
					detail += fmt.Sprintf(" (+%d more)", len(r.Failures)-1)
				}
			}
			rows = append(rows, []string{escapeControls(r.File), escapeControls(r.ID), escapeControls(r.Builder), r.Status, escapeControls(detail)})
		}
		if err := renderTable(e.stdout, []string{"file", "case", "builder", "status", "detail"}, rows); err != nil {
			return writeFailed(e, err)
		}
		next := 0
		for _, f := range files {
			var s conform.Summary
			for _, r := range rs[next : next+f.results] {
				s = addResult(s, r)
			}
			next += f.results
			if _, err := fmt.Fprintf(e.stdout, "%s (%s): %s, %d passed, %d failed, %d divergent, %d skipped\n",
				escapeControls(f.Path), f.Format, countOf(s.Total, "case"), s.Passed, s.Failed, s.Divergent, s.Skipped); err != nil {
				return writeFailed(e, err)
			}
		}
		if _, err := fmt.Fprintf(e.stdout, "total: %s, %d passed, %d failed, %d divergent, %d skipped (%s)\n",
			countOf(sum.Total, "case"), sum.Passed, sum.Failed, sum.Divergent, sum.Skipped, countOf(sum.Checks, "check")); err != nil {
			return writeFailed(e, err)
		}
	}
	if err := outputErr(e); err != nil {
		return writeFailed(e, err)
	}
	if sum.Failed > 0 {
		// The path of each result's file, as given (results hold the base
		// name, which two files may share).
		paths := make([]string, 0, len(rs))
		for _, f := range files {
			for range f.results {
				paths = append(paths, f.Path)
			}
		}
		for i, r := range rs {
			if r.Status == conform.StatusFail {
				file := r.File
				if i < len(paths) {
					file = paths[i]
				}
				errorf(e, "%d of %s failed; first: %s %s: %s", sum.Failed, countOf(sum.Total, "case"),
					escapeControls(file), escapeControls(r.ID), escapeControls(r.First().String()))
				break
			}
		}
		return exitBad
	}
	if sum.Passed+sum.Divergent == 0 {
		errorf(e, "no case was checked (%d skipped)", sum.Skipped)
		return exitUsage
	}
	return exitOK
}

func addResult(s conform.Summary, r conform.Result) conform.Summary {
	return conform.Summarize(append(make([]conform.Result, 0, 1), r)).Add(s)
}

func runVectorsGen(e *env, args []string) int {
	const use = "vectors gen --format 006|007 --count N --seed S [--output FILE]"
	fs := newFlags(e, "vectors gen", use)
	format := fs.String("format", "", "token format: 006 or 007")
	count := intFlag(fs, "count", 100, "number of cases (the spec's edge cases come first)")
	seed := uint64Flag(fs, "seed", 1, "seed of the generator: the same seed gives the same file (without it, 1, noted on stderr)")
	output := fs.String("output", "", "write the file here instead of stdout: a regular file atomically (a temporary file renamed when complete), a device or FIFO directly; - is stdout")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		errorf(e, "unexpected arguments: %s", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	if emptyOutputFlag(e, fs.Changed, "output", *output) {
		return exitUsage
	}
	reg := conform.DefaultRegistry()
	// Flags first: nothing is written for a usage error.
	if err := conform.WriteGenerated(io.Discard, *format, 0, *seed, reg); err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if *count < 1 || *count > maxGenCount {
		// An empty file is no vector file (vectors check refuses it), and
		// more cases than this would pass the 256 MiB that vectors check
		// reads.
		errorf(e, "--count %d: want 1 to %d cases", *count, maxGenCount)
		return exitUsage
	}
	if !fs.Changed("seed") {
		fmt.Fprintf(e.stderr, "tokencheck: note: no --seed given: using seed %d (pass --seed %d to reproduce this file)\n", *seed, *seed)
	}
	// The file is written case by case; to --output FILE through a
	// temporary file renamed when complete, so that FILE is never left
	// half-written.
	out, err := openOutput(e, "--output", *output, 64<<10)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if err := conform.WriteGenerated(out, *format, *count, *seed, reg); err != nil {
		out.Abort()
		errorf(e, "writing output: %v", err)
		return exitUsage
	}
	if err := out.Commit(); err != nil {
		errorf(e, "writing output: %v", err)
		return exitUsage
	}
	return exitOK
}

// maxGenCount is the most cases vectors gen writes to one file: about
// 220 MB, under the 256 MiB vectors check reads.
const maxGenCount = 200000

// countOf renders a count with its noun: "1 case", "3 cases".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
