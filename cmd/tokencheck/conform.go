package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/conform"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

func init() {
	register(&command{name: "conform",
		usage:   "conform --exec COMMAND [--cases FILE… | --count N --seed S] [--json] [--junit FILE]",
		summary: "drive an external token builder and compare it with tokencheck", run: runConform})
}

// maxConformCount bounds --count: the generated cases and their results
// are held in memory (a few kilobytes a case).
const maxConformCount = 100_000

func runConform(e *env, args []string) int {
	const use = "conform --exec COMMAND [--cases FILE… | --count N --seed S [--format 006|007|all]] [--no-parse] [--allow CAUSE,…] [--timeout D] [--json] [--junit FILE]"
	fs := newFlags(e, "conform", use)
	command := fs.String("exec", "", "the external builder, run with sh -c; speaks the JSON-lines protocol on stdin/stdout (see README)")
	cases := fs.StringSlice("cases", nil, "vector files whose cases are sent (instead of generated ones)")
	count := intFlag(fs, "count", 100, "generated cases per format (at most 100000)")
	seed := uint64Flag(fs, "seed", 1, "seed of the generated cases")
	format := fs.String("format", "all", "generated formats: 006, 007 or all")
	noParse := fs.Bool("no-parse", false, "do not send tokencheck's tokens to the builder's parser")
	allow := fs.StringSlice("allow", nil, "documented divergences (e.g. roomuser_no_apaas_privilege) reported as divergent, not failed")
	timeout := fs.Duration("timeout", 10*time.Second, "time allowed for each answer")
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
	if *command == "" {
		errorf(e, "--exec COMMAND is required")
		hintf(e, "tokencheck conform --exec 'node examples/conformance/node-agora-token/adapter.js' --count 100")
		return exitUsage
	}
	if fs.NArg() > 0 {
		errorf(e, "unexpected arguments: %s (quote the --exec command)", strings.Join(fs.Args(), " "))
		return exitUsage
	}
	if *timeout <= 0 {
		errorf(e, "--timeout %s: want a positive duration, e.g. 10s", *timeout)
		return exitUsage
	}
	if len(*cases) > 0 {
		// The given cases are sent as they are: the flags of generated ones
		// would change nothing.
		for _, n := range []string{"count", "seed", "format"} {
			if fs.Changed(n) {
				errorf(e, "--%s is for generated cases: give --cases FILE… or --count N --seed S, not both", n)
				return exitUsage
			}
		}
	}
	allowed, err := allowedCauses(*allow)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	reg := conform.DefaultRegistry()
	type named struct {
		name string
		file *vectors.File
	}
	var sets []named
	if len(*cases) > 0 {
		for _, p := range *cases {
			f, err := vectors.LoadFile(p)
			if err != nil {
				errorf(e, "%v", err)
				return exitUsage
			}
			sets = append(sets, named{p, f})
		}
	} else {
		// Generated cases and their results are held in memory.
		if *count < 0 || *count > maxConformCount {
			errorf(e, "--count %d: want 0..%d cases per format", *count, maxConformCount)
			return exitUsage
		}
		var formats []string
		switch *format {
		case "all":
			formats = []string{"006", "007"}
		case "006", "007":
			formats = []string{*format}
		default:
			errorf(e, "--format %q: want 006, 007 or all", *format)
			return exitUsage
		}
		for _, ft := range formats {
			f, err := conform.Generate(ft, *count, *seed, reg)
			if err != nil {
				errorf(e, "%v", err)
				return exitUsage
			}
			sets = append(sets, named{fmt.Sprintf("generated-%s-seed%d", ft, *seed), f})
		}
	}
	opts := conform.Options{Command: *command, Timeout: *timeout, Parse: !*noParse, Allow: allowed, Stderr: e.stderr}
	var results []conform.Result
	var files []fileInfo
	for _, s := range sets {
		rs, err := conform.Run(context.Background(), s.file, reg, opts)
		if err != nil {
			errorf(e, "%v", err)
			return exitUsage
		}
		for i := range rs {
			rs[i].File = s.name
		}
		results = append(results, rs...)
		files = append(files, fileInfo{Path: s.name, Format: s.file.Format, Cases: len(s.file.Cases), results: len(rs)})
	}
	return reportResults(e, o, "tokencheck conform", files, results)
}

// allowedCauses checks the --allow names against the divergence causes
// conform knows (a misspelt name would otherwise allow nothing, silently).
func allowedCauses(names []string) (map[string]bool, error) {
	allowed := map[string]bool{}
	for _, a := range names {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !conform.IsCause(a) {
			msg := fmt.Sprintf("--allow %q: unknown divergence cause; want one of %s", a, strings.Join(conform.Causes, ", "))
			if c, ok := conform.CauseCodes[strings.ToUpper(a)]; ok {
				msg += fmt.Sprintf(" (the cause code %s is the divergence %s)", strings.ToUpper(a), c)
			}
			return nil, errors.New(msg)
		}
		allowed[a] = true
	}
	return allowed, nil
}
