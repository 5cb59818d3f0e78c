package verify_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/verify"
)

// TestIdentity runs testdata/verify/identity.json, cases in the
// schema of testdata/audit/rules.json.
func TestIdentity(t *testing.T) {
	b, err := os.ReadFile("../../testdata/verify/identity.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Comment string     `json:"comment"`
		Cases   []ruleCase `json:"cases"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range f.Cases {
		t.Run(c.Kind+"/"+c.ID, func(t *testing.T) {
			raw := c.Token
			if c.Build != nil {
				raw = c.Build.build(t)
			}
			r := verify.Inspect(raw, c.expectations(t))
			for _, w := range c.Want {
				if !hasFinding(r.Findings, w) {
					t.Errorf("%s: want %s/%s/sdk %v; got:\n%s", c.Comment, w.Code, w.Severity, sdkString(w.SDKError), dump(r.Findings))
				}
			}
			for _, code := range c.Absent {
				if r.Has(code) {
					t.Errorf("%s: finding %s should be absent; got:\n%s", c.Comment, code, dump(r.Findings))
				}
			}
			if c.Matched != "" && (r.Signature != verify.SigValid || r.MatchedCertificate != c.Matched) {
				t.Errorf("signature %s with %q, want valid with %q", r.Signature, r.MatchedCertificate, c.Matched)
			}
			if c.Verdict != "" && r.Verdict != c.Verdict {
				t.Errorf("verdict %s, want %s; findings:\n%s", r.Verdict, c.Verdict, dump(r.Findings))
			}
		})
	}
}
