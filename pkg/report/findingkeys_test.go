package report_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// corpusTokens collects every token string of testdata: the example tokens
// (whole and cut short at a few lengths), and every JSON string under a
// "token" key in the vector, audit, verify, decode and CLI files.
func corpusTokens(t *testing.T) []string {
	t.Helper()
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && (k == "token" || k == "input") {
					out = append(out, s)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	err := filepath.WalkDir("../../testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		switch filepath.Ext(path) {
		case ".token":
			s := strings.TrimSpace(string(b))
			out = append(out, s, " "+s+"\n", s[:100], s[:len(s)-1], s[:len(s)/2], s[:3], s+"AAAA", strings.ReplaceAll(s, "+", " "))
		case ".json":
			var v any
			if json.Unmarshal(b, &v) == nil {
				walk(v)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("only %d tokens in the corpus", len(out))
	}
	return append(out, "", "007", "006", "garbage", "005AQAoAEJERTJDREQ3RTFGNzI5MjUzMjJFMDJBMDFCMzA0QzdFMjk5OUZEQUVYqAAAAAAAAAA")
}

// TestEveryFindingCarriesEveryKey checks the README's promise that each
// finding of the verify object has code, severity, message, hint,
// sdk_error, field and offset, with a non-empty hint, over the whole test
// corpus judged with no certificate, with the sample certificate, and with
// expectations that fail, in both JSON encoders (encoding/json of the view,
// and the appending encoder of audit).
func TestEveryFindingCarriesEveryKey(t *testing.T) {
	channel, uid := "other", "1"
	exps := map[string]*verify.Expectations{
		"no certificate": {Now: time.Unix(1700000000, 0)},
		"sample certificate": {Now: time.Unix(1661271000, 0),
			Certificates: []verify.Certificate{{Label: "primary", Value: verify.SampleCertificate}}},
		"wrong everything": {Now: time.Unix(1, 0), AppID: "00000000000000000000000000000000", Channel: &channel, UID: &uid, UIDNumeric: true, For: "rtm",
			Certificates: []verify.Certificate{{Label: "primary", Value: "0123456789abcdef0123456789abcdef"}}},
		"strict": {Now: time.Unix(1661271000, 0), Strict: true,
			Certificates: []verify.Certificate{{Label: "primary", Value: verify.SampleCertificate}}},
	}
	keys := []string{"code", "severity", "message", "hint", "sdk_error", "field", "offset"}
	missing := map[string]string{}
	for _, tok := range corpusTokens(t) {
		for name, exp := range exps {
			r := verify.Inspect(tok, exp)
			viaView, err := json.Marshal(report.Verify(r))
			if err != nil {
				t.Fatal(err)
			}
			line := 1
			viaAppend, err := report.AppendReport(nil, r, &line, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for enc, b := range map[string][]byte{"view": viaView, "append": viaAppend} {
				var v struct {
					Findings []map[string]json.RawMessage `json:"findings"`
				}
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatalf("%s: %v", enc, err)
				}
				for _, f := range v.Findings {
					code := string(f["code"])
					for _, k := range keys {
						if _, ok := f[k]; !ok {
							missing[code+" "+k+" ("+enc+")"] = name
						}
					}
					var hint string
					if err := json.Unmarshal(f["hint"], &hint); err != nil || hint == "" {
						missing[code+" non-empty hint ("+enc+")"] = name
					}
				}
			}
		}
	}
	for what, exp := range missing {
		t.Errorf("finding %s missing (e.g. with %s)", what, exp)
	}
}
