package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/internal/auditgen"
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
	cases := [][]string{
		{"audit", "--format", "xml"},
		{"audit", "--workers", "0"},
		{"audit", "--log-level", "loud"},
		{"audit", "--for", "voice"},
	}
	for _, args := range cases {
		if code, _, errs := runCLI(t, "", nil, args...); code != exitUsage || !strings.Contains(errs, "tokencheck: error:") {
			t.Errorf("%v: exit %d, stderr %s", args, code, errs)
		}
	}
	// All fine: exit 0.
	tok7 := strings.TrimSpace(readFile(t, example007))
	code, out, errs := runCLI(t, tok7+"\n", map[string]string{"TOKENCHECK_CERT": verify.SampleCertificate}, "audit", "--now", "1661270100", "-")
	if code != exitOK || !strings.Contains(out, "lines: 1   ok: 1   bad: 0") {
		t.Errorf("exit %d\n%s\n%s", code, out, errs)
	}
}
