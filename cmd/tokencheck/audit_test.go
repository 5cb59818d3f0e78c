package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/internal/auditgen"
	"github.com/tokencheck/tokencheck/pkg/audit"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAuditJSONL: one object per non-blank line, in input order, with line
// and id; bad lines are results; exit 1 when any line is bad.
func TestAuditJSONL(t *testing.T) {
	tok7 := strings.TrimSpace(readFile(t, example007))
	tok6 := strings.TrimSpace(readFile(t, example006))
	in := strings.Join([]string{
		tok7,
		`{"id": "a", "token": "` + tok6 + `", "channel": "7d72365eb983485397e3e3f9d460bdda", "uid": 2882341273}`,
		``,
		`{"id": 3, "token": 5}`,
		`not a token`,
		`{"id": "rtm", "token": "` + tok7 + `", "account": "nobody", "for": "rtm"}`,
	}, "\n")
	code, out, errs := runCLI(t, in, map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate},
		"audit", "--format", "jsonl", "--now", "1661270100", "--log-level", "debug")
	if code != exitBad {
		t.Errorf("exit %d, want 1; stderr %s", code, errs)
	}
	type line struct {
		Line    int             `json:"line"`
		ID      json.RawMessage `json:"id"`
		Verdict string          `json:"verdict"`
		Sig     string          `json:"signature"`
	}
	var got []line
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		got = append(got, l)
	}
	want := []line{{1, nil, "ok", "valid"}, {2, json.RawMessage(`"a"`), "expired", "valid"}, {4, json.RawMessage(`3`), "bad_input", "unchecked"},
		{5, nil, "unsupported_version", "unchecked"}, {6, json.RawMessage(`"rtm"`), "uid_mismatch", "valid"}}
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), out)
	}
	for i := range want {
		if got[i].Line != want[i].Line || string(got[i].ID) != string(want[i].ID) || got[i].Verdict != want[i].Verdict || got[i].Sig != want[i].Sig {
			t.Errorf("line %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if !strings.Contains(out, `"sdk_error":5`) {
		t.Errorf("the RTM line lacks the RTM login error 5:\n%s", out)
	}
	for _, secret := range []string{verify.SampleCertificate, tok7[:40]} {
		if strings.Contains(errs, secret) {
			t.Errorf("stderr logs a secret or a token: %s", errs)
		}
	}
	if !strings.Contains(errs, `"msg":"unreadable input line"`) || !strings.Contains(errs, `"line":4`) {
		t.Errorf("stderr lacks the structured warning for line 4:\n%s", errs)
	}
}

// TestAuditGenerated: the summary of a generated file has the expected
// counts, in table and JSON form, from several files, written atomically.
func TestAuditGenerated(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	total := map[string]int{}
	lines := 0
	for i := 0; i < 2; i++ {
		p := filepath.Join(dir, "in"+string(rune('a'+i))+".txt")
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		exp, err := auditgen.Generate(f, 3000, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
		for k, v := range exp.Verdicts {
			total[k] += v
		}
		lines += exp.Lines
		paths = append(paths, p)
	}
	kr := writeTemp(t, "keyring", auditgen.Keyring())
	outPath := filepath.Join(dir, "summary.json")
	args := append([]string{"audit", "--format", "json", "--keyring", kr, "--now", "1700000000", "--workers", "3", "--output", outPath}, paths...)
	code, out, errs := runCLI(t, "", nil, args...)
	if code != exitBad || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, out, errs)
	}
	var sum struct {
		Lines    int `json:"lines"`
		Verdicts []struct {
			Code  string `json:"code"`
			Count int    `json:"count"`
		} `json:"verdicts"`
	}
	if err := json.Unmarshal([]byte(readFile(t, outPath)), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Lines != lines {
		t.Errorf("%d lines, want %d", sum.Lines, lines)
	}
	got := map[string]int{}
	for _, v := range sum.Verdicts {
		got[v.Code] = v.Count
	}
	for k, v := range total {
		if got[k] != v {
			t.Errorf("verdict %s: %d, want %d", k, got[k], v)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
	// Table form.
	code, out, _ = runCLI(t, "", nil, append([]string{"audit", "--keyring", kr, "--now", "1700000000"}, paths...)...)
	if code != exitBad || !strings.Contains(out, "VERDICT") || !strings.Contains(out, "bad_signature") || !strings.Contains(out, "ina.txt:") {
		t.Errorf("table output:\n%s", out)
	}
}

// TestAuditAtomicFailure: a run that fails leaves the previous output in place.
func TestAuditAtomicFailure(t *testing.T) {
	dir := t.TempDir()
	outPath := filepath.Join(dir, "out.jsonl")
	if err := os.WriteFile(outPath, []byte("previous\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "", nil, "audit", "--format", "jsonl", "--output", outPath, filepath.Join(dir, "missing.txt"))
	if code != exitUsage || !strings.Contains(errs, "tokencheck: error:") {
		t.Errorf("exit %d, stderr %s", code, errs)
	}
	if got := readFile(t, outPath); got != "previous\n" {
		t.Errorf("output replaced: %q", got)
	}
	// A directory as input fails while reading: nothing replaces the output.
	code, _, _ = runCLI(t, "", nil, "audit", "--format", "jsonl", "--output", outPath, dir)
	if code != exitUsage {
		t.Errorf("exit %d for a directory input", code)
	}
	if got := readFile(t, outPath); got != "previous\n" {
		t.Errorf("output replaced after a read error: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the output", len(entries))
	}
}

func TestAuditUsage(t *testing.T) {
	cases := []struct {
		args []string
		msg  string // substring of the error
	}{
		{[]string{"audit", "--format", "xml"}, `--format "xml"`},
		{[]string{"audit", "--workers", "0"}, "--workers 0: want 1..1024"},
		{[]string{"audit", "--workers", "1025"}, "--workers 1025: want 1..1024"},
		{[]string{"audit", "--workers", "100000000"}, "--workers 100000000: want 1..1024"},
		{[]string{"audit", "--log-level", "loud"}, `--log-level "loud"`},
		{[]string{"audit", "--for", "voice"}, `--for "voice"`},
	}
	for _, c := range cases {
		if code, _, errs := runCLI(t, "", nil, c.args...); code != exitUsage || !strings.Contains(errs, "tokencheck: error: "+c.msg) {
			t.Errorf("%v: exit %d, stderr %s", c.args, code, errs)
		}
	}
	// All fine: exit 0.
	tok7 := strings.TrimSpace(readFile(t, example007))
	code, out, errs := runCLI(t, tok7+"\n", map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}, "audit", "--now", "1661270100", "-")
	if code != exitOK || !strings.Contains(out, "lines: 1   ok: 1   bad: 0") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}

// TestAuditOutputTargets: --output writes a regular or new file atomically,
// follows symbolic links to their targets, writes a FIFO (or device) directly
// without replacing it, and refuses a bad path before checking anything,
// naming the path as given.
func TestAuditOutputTargets(t *testing.T) {
	tok7 := strings.TrimSpace(readFile(t, example007))
	certEnv := map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}
	const want = `"verdict":"ok"`
	cases := []struct {
		name string
		// setup prepares dir and returns the --output path and the file that
		// must end up holding the output ("" when the run must fail).
		setup func(t *testing.T, dir string) (out, holder string)
		fifo  string // a FIFO (relative to dir) to read the output from
		code  int
		errs  []string // substrings of stderr
		check func(t *testing.T, dir string)
	}{
		{name: "new file",
			setup: func(t *testing.T, dir string) (string, string) { p := filepath.Join(dir, "out.jsonl"); return p, p }},
		{name: "regular file replaced, its mode kept",
			setup: func(t *testing.T, dir string) (string, string) {
				p := filepath.Join(dir, "out.jsonl")
				if err := os.WriteFile(p, []byte("previous\n"), 0o640); err != nil {
					t.Fatal(err)
				}
				return p, p
			},
			check: func(t *testing.T, dir string) {
				if fi, err := os.Stat(filepath.Join(dir, "out.jsonl")); err != nil || fi.Mode().Perm() != 0o640 {
					t.Errorf("mode %v (%v), want 0640", fi.Mode(), err)
				}
			}},
		{name: "symlink to a regular file: the target is replaced, the link kept",
			setup: func(t *testing.T, dir string) (string, string) {
				target := filepath.Join(dir, "real.jsonl")
				if err := os.WriteFile(target, []byte("previous\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				link := filepath.Join(dir, "link.jsonl")
				if err := os.Symlink("real.jsonl", link); err != nil {
					t.Fatal(err)
				}
				return link, target
			},
			check: func(t *testing.T, dir string) { mustBeSymlink(t, filepath.Join(dir, "link.jsonl")) }},
		{name: "dangling symlink: the target is created",
			setup: func(t *testing.T, dir string) (string, string) {
				link := filepath.Join(dir, "link.jsonl")
				if err := os.Symlink("new.jsonl", link); err != nil {
					t.Fatal(err)
				}
				return link, filepath.Join(dir, "new.jsonl")
			},
			check: func(t *testing.T, dir string) { mustBeSymlink(t, filepath.Join(dir, "link.jsonl")) }},
		{name: "FIFO written directly", fifo: "pipe",
			setup: func(t *testing.T, dir string) (string, string) { return filepath.Join(dir, "pipe"), "" }},
		{name: "symlink to a FIFO", fifo: "pipe",
			setup: func(t *testing.T, dir string) (string, string) {
				link := filepath.Join(dir, "link")
				if err := os.Symlink("pipe", link); err != nil {
					t.Fatal(err)
				}
				return link, ""
			},
			check: func(t *testing.T, dir string) { mustBeSymlink(t, filepath.Join(dir, "link")) }},
		{name: "missing directory", code: exitUsage,
			setup: func(t *testing.T, dir string) (string, string) { return filepath.Join(dir, "nodir", "out.jsonl"), "" },
			errs:  []string{"--output " + "DIR/nodir/out.jsonl: cannot create a file in DIR/nodir: no such file or directory"}},
		{name: "parent is a file", code: exitUsage,
			setup: func(t *testing.T, dir string) (string, string) {
				p := filepath.Join(dir, "file")
				if err := os.WriteFile(p, nil, 0o600); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(p, "out.jsonl"), ""
			},
			errs: []string{"--output DIR/file/out.jsonl: not a directory"}},
		{name: "a directory", code: exitUsage,
			setup: func(t *testing.T, dir string) (string, string) { return dir, "" },
			errs:  []string{"--output DIR: is a directory"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var got chan string
			if c.fifo != "" {
				got = readFIFO(t, filepath.Join(dir, c.fifo))
			}
			out, holder := c.setup(t, dir)
			code, stdout, errs := runCLI(t, tok7+"\n", certEnv, "audit", "--format", "jsonl", "--now", "1661270100", "--output", out, "-")
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, c.code, errs)
			}
			errs = strings.ReplaceAll(errs, dir, "DIR")
			for _, s := range c.errs {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
			if strings.Contains(errs, ".tmp-") {
				t.Errorf("stderr names the temporary file: %s", errs)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			switch {
			case got != nil:
				if s := <-got; !strings.Contains(s, want) {
					t.Errorf("FIFO got %q", s)
				}
				if fi, err := os.Lstat(filepath.Join(dir, c.fifo)); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
					t.Errorf("the FIFO was replaced: %v %v", fi.Mode(), err)
				}
			case holder != "":
				if s := readFile(t, holder); !strings.Contains(s, want) || strings.Contains(s, "previous") {
					t.Errorf("%s holds %q", holder, s)
				}
			}
			if c.check != nil {
				c.check(t, dir)
			}
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if err == nil && strings.Contains(d.Name(), ".tmp-") {
					t.Errorf("temporary file %s left behind", p)
				}
				return nil
			})
		})
	}
}

func mustBeSymlink(t *testing.T, p string) {
	t.Helper()
	if fi, err := os.Lstat(p); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symbolic link (%v, %v)", p, fi.Mode(), err)
	}
}

// TestAuditStdinName: with several inputs every JSON line names its input,
// stdin as "-", as the logs and the summary examples do; an id that is not a
// string or a number makes the line bad_input and is not echoed.
func TestAuditStdinName(t *testing.T) {
	tok7 := strings.TrimSpace(readFile(t, example007))
	file := writeTemp(t, "in.txt", tok7+"\n")
	cases := []struct {
		name  string
		stdin string
		args  []string
		want  []string // per JSON line: file, id and verdict
		logs  []string // substrings of stderr
	}{
		{name: "stdin first", stdin: `{"id":{"x":1},"token":"` + tok7 + `"}` + "\n", args: []string{"-", file},
			want: []string{`- <nil> bad_input`, file + ` <nil> ok`},
			logs: []string{`"file":"-"`, `id: got a JSON object, want a string or a number`}},
		{name: "stdin last", stdin: `{"id":[1],"token":"x"}` + "\n" + `{"id":7,"token":"` + tok7 + `"}` + "\n", args: []string{file, "-"},
			want: []string{file + ` <nil> ok`, `- <nil> bad_input`, `- 7 ok`},
			logs: []string{`"file":"-","line":1`, `id: got a JSON array`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"audit", "--format", "jsonl", "--now", "1661270100"}, c.args...)
			_, out, errs := runCLI(t, c.stdin, map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}, args...)
			var got []string
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var l struct {
					File    *string `json:"file"`
					ID      any     `json:"id"`
					Verdict string  `json:"verdict"`
				}
				if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
					t.Fatal(err)
				}
				if l.File == nil {
					t.Fatalf("line without file: %s", sc.Text())
				}
				got = append(got, fmt.Sprintf("%s %v %s", *l.File, l.ID, l.Verdict))
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
			for _, s := range c.logs {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %s:\n%s", s, errs)
				}
			}
		})
	}
}

// TestAuditLineCertInvalid: a line's cert that is no App Certificate makes
// the line bad_input naming the cert, never quoting it, and the line is not
// verified with the run's certificate instead.
func TestAuditLineCertInvalid(t *testing.T) {
	tok7 := strings.TrimSpace(readFile(t, example007))
	cases := []struct{ name, cert string }{
		{"two characters", "zz"},
		{"32 characters, one not hexadecimal", "5CFd2fd1755d40ecb72977518be15d3z"},
		{"a trailing space", verify.SampleCertificate + " "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line, _ := json.Marshal(map[string]string{"id": "x", "token": tok7, "cert": c.cert})
			code, out, _ := runCLI(t, string(line)+"\n", nil, "audit", "--format", "jsonl", "--cert-file", sampleCert, "--now", "1661271000")
			if code != exitBad {
				t.Errorf("exit %d, want %d", code, exitBad)
			}
			var v struct {
				Signature string           `json:"signature"`
				Verdict   string           `json:"verdict"`
				Findings  []verify.Finding `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			if v.Verdict != verify.CodeBadInput || v.Signature != verify.SigUnchecked {
				t.Errorf("verdict %s, signature %s: want bad_input, unchecked", v.Verdict, v.Signature)
			}
			if len(v.Findings) != 1 || !strings.Contains(v.Findings[0].Message, "cert: an App Certificate is 32 hexadecimal characters") {
				t.Errorf("findings %+v do not name the cert", v.Findings)
			}
			if strings.Contains(out, strings.TrimSpace(c.cert)) {
				t.Errorf("the output quotes the certificate: %s", out)
			}
		})
	}
}

// TestAuditExitUnchecked: the exit code when no line is bad but some
// signatures could not be checked is 2, as the README documents (and as for
// verify); one bad line makes it 1; all lines verified and fine, 0.
func TestAuditExitUnchecked(t *testing.T) {
	tok7 := strings.TrimSpace(readFile(t, example007))
	tok6 := strings.TrimSpace(readFile(t, example006))
	cases := []struct {
		name  string
		input string
		args  []string
		code  int
		table string
	}{
		{"no certificate", tok7 + "\n", []string{"--now", "1661271000"}, exitUsage, "unchecked: 1"},
		{"006 without channel", tok6 + "\n" + `{"token":"` + tok6 + `","channel":"7d72365eb983485397e3e3f9d460bdda","uid":2882341273}` + "\n",
			[]string{"--cert-file", sampleCert, "--now", "1000000"}, exitUsage, "ok: 1   bad: 0   unchecked: 1"},
		{"a bad line wins", tok7 + "\nxyz\n", []string{"--now", "1661271000"}, exitBad, "bad: 1   unchecked: 1"},
		{"all verified", tok7 + "\n", []string{"--cert-file", sampleCert, "--now", "1661271000"}, exitOK, "ok: 1   bad: 0   unchecked: 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, c.input, nil, append([]string{"audit"}, c.args...)...)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, c.code, errs)
			}
			if !strings.Contains(out, c.table) {
				t.Errorf("summary lacks %q:\n%s", c.table, out)
			}
		})
	}
}

// TestAuditExamples: an example's message is cut at 100 bytes at a
// character's start, so the table stays UTF-8.
func TestAuditExamples(t *testing.T) {
	cases := []struct {
		name, msg, want string
	}{
		{"short", "bad", "line 1: bad"},
		{"ASCII cut", strings.Repeat("a", 120), "line 1: " + strings.Repeat("a", 97) + "…"},
		{"two-byte character across the cut", strings.Repeat("a", 96) + strings.Repeat("é", 10), "line 1: " + strings.Repeat("a", 96) + "…"},
		{"four-byte character across the cut", strings.Repeat("a", 95) + strings.Repeat("😀", 5), "line 1: " + strings.Repeat("a", 95) + "…"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := examples([]audit.Example{{Line: 1, Message: c.msg}})
			if got != c.want || !utf8.ValidString(got) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

// TestAuditEmptyInputKeepsOutput: an input without token lines checks
// nothing (exit 2), and, as for any failed run, --output FILE is left as it
// was.
func TestAuditEmptyInputKeepsOutput(t *testing.T) {
	for _, format := range []string{"json", "jsonl", "table"} {
		p := filepath.Join(t.TempDir(), "out")
		if err := os.WriteFile(p, []byte("previous\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCLI(t, "\n \n", nil, "audit", "--format", format, "--output", p, "-")
		if code != exitUsage || !strings.Contains(errs, "nothing was checked") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and nothing was checked", format, code, errs)
		}
		if b, err := os.ReadFile(p); err != nil || string(b) != "previous\n" {
			t.Errorf("%s: --output file now holds %q (%v), want it as it was", format, b, err)
		}
	}
}

// TestAuditCutGzipSummary: a gzip input cut short is a read error (exit 2)
// after the results of the lines before the damage: jsonl has written them,
// and json and table write the summary of those lines, saying it is
// incomplete; an --output FILE is left as it was.
func TestAuditCutGzipSummary(t *testing.T) {
	tok := strings.TrimSpace(readFile(t, example007))
	var plain strings.Builder
	for i := 0; i < 4000; i++ {
		fmt.Fprintf(&plain, "{\"id\": %d, \"token\": %q}\n", i, tok)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	if _, err := zw.Write([]byte(plain.String())); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	cut := writeTemp(t, "cut.gz", z.String()[:z.Len()/2])
	env := map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}
	for _, c := range []struct{ format, want string }{
		{"json", `"error": "the input was not read to its end (reading ` + cut},
		{"table", "incomplete: the input was not read to its end"},
	} {
		code, out, errs := runCLI(t, "", env, "audit", "--now", "1661270100", "--format", c.format, cut)
		if code != exitUsage || !strings.Contains(out, c.want) || !strings.Contains(errs, "unexpected EOF") {
			t.Errorf("%s: exit %d, stdout %.300q, stderr %q", c.format, code, out, errs)
		}
		if c.format == "json" {
			var sum audit.Summary
			if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Lines == 0 || sum.Lines >= 4000 || sum.OK != sum.Lines {
				t.Errorf("summary %+v (%v): want the lines before the damage", sum, err)
			}
		}
	}
	// Cut inside the gzip header: no line was read, the summary says so.
	head := writeTemp(t, "head.gz", z.String()[:10])
	code, out, _ := runCLI(t, "", env, "audit", "--now", "1661270100", "--format", "json", head)
	var sum audit.Summary
	if err := json.Unmarshal([]byte(out), &sum); code != exitUsage || err != nil || sum.Lines != 0 || sum.Error == "" {
		t.Errorf("cut in the header: exit %d, summary %+v (%v)", code, sum, err)
	}
	dst := writeTemp(t, "out.json", "before\n")
	if code, _, _ := runCLI(t, "", env, "audit", "--now", "1661270100", "--format", "json", "--output", dst, cut); code != exitUsage {
		t.Errorf("--output: exit %d, want 2", code)
	}
	if got := readFile(t, dst); got != "before\n" {
		t.Errorf("--output FILE holds %.100q after a failed run, want it as it was", got)
	}
}
