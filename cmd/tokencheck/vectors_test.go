package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/conform"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

const vectorDir = "../../testdata/vectors"

// flipped writes a copy of a vector file holding its first n cases, with
// one character of case k's token (or of disagree[impl] when impl is set)
// replaced at offset off, and returns its path and the case id.
func flipped(t *testing.T, name string, n, k, off int, impl string) (string, string) {
	t.Helper()
	f, err := vectors.LoadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatal(err)
	}
	f.Cases = f.Cases[:n]
	c := &f.Cases[k]
	s := *c.Token
	if impl != "" {
		s = c.Disagree[impl]
	}
	r := byte('A')
	if s[off] == 'A' {
		r = 'B'
	}
	s = s[:off] + string(r) + s[off+1:]
	if impl != "" {
		c.Disagree[impl] = s
	} else {
		c.Token = &s
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "flipped-"+name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p, c.ID
}

func TestVectorsCheckCLI(t *testing.T) {
	flip006, id006 := flipped(t, "006.json", 5, 2, 60, "")
	flip007, id007 := flipped(t, "007.json", 5, 1, 50, "")
	flipGo, idGo := flipped(t, "007.json", 5, 3, 70, "go")
	bad := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	format009 := bad("009.json", `{"format": "009", "cases": [{"id": "a", "builder": "rtc_uid", "inputs": {"app_id": "x"}}]}`)
	empty := bad("empty.json", "")
	array := bad("array.json", `[{"format": "006", "cases": []}]`)
	syntax := bad("syntax.json", "{\n  \"format\": \"006\",\n  \"cases\": [\n    {\"id\": \"a\" \"builder\": \"rtc_uid\"}\n  ]\n}\n")
	badInputs := bad("inputs.json", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": {"salt": "5"}}]}`)
	one, oneID := flipped(t, "006.json", 1, 0, 60, "")
	// The flipped 006 file again, under the base name of the clean one.
	flipBody, err := os.ReadFile(flip006)
	if err != nil {
		t.Fatal(err)
	}
	same := filepath.Join(t.TempDir(), "006.json")
	if err := os.WriteFile(same, flipBody, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"006 and 007 files", []string{"vectors", "check", vectorDir + "/006.json", vectorDir + "/007.json"}, 0,
			[]string{"006.json (006): 195 cases, 195 passed, 0 failed", "007.json (007): 268 cases, 268 passed, 0 failed"}, nil},
		{"tampered file", []string{"vectors", "check", vectorDir + "/tampered.json"}, 0,
			[]string{"67 cases, 67 passed"}, nil},
		{"006 flipped character", []string{"vectors", "check", flip006}, 1,
			[]string{"1 failed"}, []string{id006, "token byte 60", "content byte"}},
		{"007 flipped character", []string{"vectors", "check", flip007}, 1,
			[]string{"1 failed"}, []string{id007, "token byte 50", "C-zlib"}},
		{"007 Go string flipped", []string{"vectors", "check", flipGo}, 1,
			[]string{"1 failed"}, []string{idGo, "disagree[go]", "token byte 70"}},
		{"json", []string{"vectors", "check", "--json", flip006}, 1,
			[]string{`"status": "fail"`, `"offset": 60`, `"failed": 1`}, []string{id006}},
		{"two files of one base name", []string{"vectors", "check", vectorDir + "/006.json", same}, 1,
			[]string{vectorDir + "/006.json (006): 195 cases, 195 passed, 0 failed", same + " (006): 5 cases, 4 passed, 1 failed"},
			[]string{"first: " + same + " " + id006}},
		{"no arguments", []string{"vectors", "check"}, 2, nil, []string{"no vector file"}},
		{"missing file", []string{"vectors", "check", "nonexistent.json"}, 2, nil, []string{"nonexistent.json"}},
		{"unknown subcommand", []string{"vectors", "frob"}, 2, nil, []string{"unknown vectors subcommand"}},
		{"unknown format", []string{"vectors", "check", format009}, 2, nil,
			[]string{`unknown format "009" in ` + format009 + `: want 003, 004, 005, 006, 007, signaling or tampered`}},
		{"empty file", []string{"vectors", "check", empty}, 2, nil,
			[]string{empty + `: empty file, want a vector file object {"format", "cases"}`}},
		{"JSON array", []string{"vectors", "check", array}, 2, nil,
			[]string{array + `: a vector file is a JSON object with "format" and "cases", found an array`}},
		{"syntax error", []string{"vectors", "check", syntax}, 2, nil,
			[]string{syntax + `: invalid JSON at line 4, column 16: invalid character '"' after object key:value pair`}},
		{"inputs of the wrong type", []string{"vectors", "check", badInputs}, 2, nil,
			[]string{badInputs + `: case a: inputs.salt: found a JSON string, want a number in the range of uint32`}},
		{"one case", []string{"vectors", "check", one}, 1,
			[]string{"(006): 1 case, 0 passed, 1 failed", "total: 1 case, 0 passed, 1 failed, 0 divergent, 0 skipped (5 checks)"},
			[]string{"1 of 1 case failed; first: ", oneID}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", nil, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %.2000s\nstderr: %s", code, c.code, out, errs)
			}
			for _, s := range c.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q: %.2000s", s, out)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q: %s", s, errs)
				}
			}
		})
	}
}

func TestVectorsCheckJUnit(t *testing.T) {
	flip006, id006 := flipped(t, "006.json", 4, 1, 60, "")
	junit := filepath.Join(t.TempDir(), "report.xml")
	code, _, _ := runCLI(t, "", nil, "vectors", "check", "--junit", junit, flip006)
	if code != 1 {
		t.Fatalf("exit %d", code)
	}
	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`<testsuites name="tokencheck vectors check" tests="4" failures="1"`, `<testcase name="` + id006 + `"`, `<failure message="string token: token byte 60`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("JUnit lacks %q:\n%s", s, b)
		}
	}
}

func TestVectorsGen(t *testing.T) {
	dir := t.TempDir()
	gen := func(format, seed, count string) []byte {
		t.Helper()
		p := filepath.Join(dir, format+"-"+seed+"-"+count+".json")
		code, _, errs := runCLI(t, "", nil, "vectors", "gen", "--format", format, "--count", count, "--seed", seed, "--output", p)
		if code != 0 {
			t.Fatalf("gen: exit %d: %s", code, errs)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, format := range []string{"006", "007"} {
		a, b := gen(format, "42", "60"), gen(format, "42", "60")
		if string(a) != string(b) {
			t.Errorf("%s: the same seed gave different files", format)
		}
		if string(gen(format, "43", "60")) == string(a) {
			t.Errorf("%s: different seeds gave the same file", format)
		}
		p := filepath.Join(dir, format+"-42-60.json")
		code, out, errs := runCLI(t, "", nil, "vectors", "check", p)
		if code != 0 || !strings.Contains(out, "60 cases, 60 passed") {
			t.Errorf("%s: generated file does not pass: exit %d\n%s\n%s", format, code, out, errs)
		}
		f, err := vectors.LoadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		cats := map[string]bool{}
		for _, c := range f.Cases {
			cats[c.Category] = true
			in, err := vectors.ParseInputs(c.Inputs)
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			if format == "007" && in.IssueTs == 0 || in.Salt == 0 {
				t.Errorf("%s: issue_ts/salt not fixed", c.ID)
			}
		}
		want := []string{"uid_0", "uid_1", "uid_2p31", "uid_2p32m1", "empty_account", "len255", "charset89", "expire_0", "expire_gt_24h", "random"}
		if format == "007" {
			for i := 1; i <= 10; i++ {
				want = append(want, "service_type_"+strconv.Itoa(i))
			}
		}
		for _, w := range want {
			if !cats[w] {
				t.Errorf("%s: no %s case", format, w)
			}
		}
	}
	if code, _, errs := runCLI(t, "", nil, "vectors", "gen", "--format", "005"); code != 2 || !strings.Contains(errs, "want 006 or 007") {
		t.Errorf("format 005: exit %d %s", code, errs)
	}
}

// TestVectorsGenFlags: the seed used is on stderr when --seed is not given
// (so a run can be reproduced); usage errors write nothing.
func TestVectorsGenFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "gen.json")
	cases := []struct {
		name     string
		args     []string
		code     int
		stderr   string
		noStderr string
		stdout   string
	}{
		{"no seed", []string{"--format", "007", "--count", "3"}, 0,
			"tokencheck: note: no --seed given: using seed 1 (pass --seed 1 to reproduce this file)", "", `"seed": 1`},
		{"seed given", []string{"--format", "007", "--count", "3", "--seed", "9"}, 0, "", "note", `"seed": 9`},
		{"seed 1 given", []string{"--format", "006", "--count", "3", "--seed", "1"}, 0, "", "note", `"seed": 1`},
		{"count 0: an empty file vectors check would refuse", []string{"--format", "006", "--count", "0", "--seed", "1"}, 2, "--count 0: want 1 to 200000 cases", "", ""},
		{"negative count", []string{"--format", "006", "--count", "-1", "--seed", "1"}, 2, "--count -1: want 1 to 200000 cases", "", ""},
		{"count over what vectors check reads", []string{"--format", "007", "--count", "200001", "--seed", "1"}, 2, "--count 200001: want 1 to 200000 cases", "", ""},
		{"bad format", []string{"--format", "009", "--count", "3"}, 2, `format "009": want 006 or 007`, "note", ""},
		{"output directory missing", []string{"--format", "006", "--count", "3", "--seed", "1", "--output", filepath.Join(out, "x", "y.json")}, 2,
			"--output " + filepath.Join(out, "x", "y.json") + ": cannot create a file in ", ".y.json.", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, errs := runCLI(t, "", nil, append([]string{"vectors", "gen"}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errs)
			}
			if !strings.Contains(errs, c.stderr) || c.noStderr != "" && strings.Contains(errs, c.noStderr) {
				t.Errorf("stderr %q: want %q, not %q", errs, c.stderr, c.noStderr)
			}
			if !strings.Contains(stdout, c.stdout) || c.code != 0 && stdout != "" {
				t.Errorf("stdout lacks %q: %.300s", c.stdout, stdout)
			}
		})
	}
	// --output: the same bytes as stdout, and no temporary file left.
	_, stdout, _ := runCLI(t, "", nil, "vectors", "gen", "--format", "007", "--count", "25", "--seed", "4")
	if code, _, errs := runCLI(t, "", nil, "vectors", "gen", "--format", "007", "--count", "25", "--seed", "4", "--output", out); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if got := readFile(t, out); got != stdout {
		t.Errorf("--output and stdout differ")
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestCharset89 pins the generator's character set to the one the vectors
// README lists.
func TestCharset89(t *testing.T) {
	if len(conform.Charset89) != 89 {
		t.Fatalf("%d characters", len(conform.Charset89))
	}
}

func TestCountOf(t *testing.T) {
	cases := []struct {
		n    int
		noun string
		want string
	}{
		{0, "case", "0 cases"},
		{1, "case", "1 case"},
		{2, "case", "2 cases"},
		{1, "check", "1 check"},
		{195, "check", "195 checks"},
	}
	for _, c := range cases {
		if got := countOf(c.n, c.noun); got != c.want {
			t.Errorf("countOf(%d, %q) = %q, want %q", c.n, c.noun, got, c.want)
		}
	}
}

// TestVectorsCheckDirectory: in a directory, a JSON file that is not a
// vector file (another object, an array) is skipped with a note, but a vector
// file that cannot be read (cut short, empty, not JSON, too large) is an
// error, never skipped: a broken file must not pass unnoticed.
func TestVectorsCheckDirectory(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(vectorDir, "003.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		body   []byte
		size   int64 // when set, the file is made this large (sparse)
		code   int
		stderr string
	}{
		{"another JSON object", []byte(`{"vectors": []}`), 0, 0, `note: DIR/x.json is not a vector file (no "format"/"cases"): skipped`},
		{"a JSON array", []byte(`[1, 2]`), 0, 0, `note: DIR/x.json is not a vector file (no "format"/"cases"): skipped`},
		{"cut short", good[:5000], 0, 2, "DIR/x.json: invalid JSON at line "},
		{"empty", nil, 0, 2, `DIR/x.json: empty file, want a vector file object {"format", "cases"}`},
		{"not JSON", []byte("format: 006\n"), 0, 2, "DIR/x.json: invalid JSON at line 1, column 2"},
		{"too large", []byte(`{"format": "006", "cases": [`), vectors.MaxFileBytes + 1, 2, "DIR/x.json: 268435457 bytes: a vector file is at most"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "003.json"), good, 0o644); err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "x.json")
			if err := os.WriteFile(p, c.body, 0o644); err != nil {
				t.Fatal(err)
			}
			if c.size > 0 {
				if err := os.Truncate(p, c.size); err != nil {
					t.Fatal(err)
				}
			}
			code, out, errs := runCLI(t, "", nil, "vectors", "check", dir)
			errs = strings.ReplaceAll(errs, dir, "DIR")
			if code != c.code || !strings.Contains(errs, c.stderr) {
				t.Errorf("exit %d, want %d; stderr %q, want it to hold %q\nstdout: %.500s", code, c.code, errs, c.stderr, out)
			}
		})
	}
}

// TestVectorsCheckControlCharacters: case ids, builder keys and messages come
// from the file (or an external builder); in the table and on stderr their
// control characters are escaped, so that they can neither drive the
// terminal (ESC sequences) nor break the table's rows.
func TestVectorsCheckControlCharacters(t *testing.T) {
	f, err := vectors.LoadFile(filepath.Join(vectorDir, "006.json"))
	if err != nil {
		t.Fatal(err)
	}
	f.Cases = f.Cases[:3]
	ids := []string{"esc\x1b[31mred", "nl\nnext\rcr\ttab", "nul\x00del\x7fc1\u0085ls\u2028"}
	for i := range f.Cases {
		f.Cases[i].ID = ids[i]
	}
	broken := *f.Cases[0].Token + "A"
	f.Cases[0].Token = &broken
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ids.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "", nil, "vectors", "check", p)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, errs)
	}
	for name, s := range map[string]string{"stdout": out, "stderr": errs} {
		for i, r := range s {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' {
				t.Errorf("%s holds the control character %U at byte %d", name, r, i)
			}
		}
	}
	for _, want := range []string{`esc\x1b[31mred`, `nl\nnext\rcr\ttab`, `nul\x00del\x7fc1\u0085ls\u2028`} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %s:\n%s", want, out)
		}
	}
	if !strings.Contains(errs, `/ids.json esc\x1b[31mred: `) {
		t.Errorf("stderr does not name the case: %s", errs)
	}
}

// TestJUnitTargetCheckedFirst: a --junit FILE whose directory is missing is
// a usage error before any case runs, not after a long run whose results
// are then lost.
func TestJUnitTargetCheckedFirst(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "report.xml")
	cases := []struct {
		name string
		args []string
	}{
		{"vectors check", []string{"vectors", "check", "--junit", missing, vectorDir + "/003.json"}},
		{"conform", []string{"conform", "--exec", "exit 3", "--count", "1", "--junit", missing}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", nil, c.args...)
			want := "--junit " + missing + ": the directory " + filepath.Dir(missing) + " does not exist"
			if code != 2 || out != "" || !strings.Contains(errs, want) {
				t.Errorf("exit %d, want 2 with no output; stderr %q, want %q; stdout %.200s", code, errs, want, out)
			}
		})
	}
}
