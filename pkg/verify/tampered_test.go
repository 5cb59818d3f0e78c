package verify_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

type tamperedFile struct {
	Cases []struct {
		ID               string  `json:"id"`
		Format           string  `json:"format"`
		Tampering        string  `json:"tampering"`
		Description      string  `json:"description"`
		Token            string  `json:"token"`
		CertificateCheck string  `json:"certificate_for_check"`
		Channel          *string `json:"channel"`
		UID              *string `json:"uid"`
		ExpectedVerdict  string  `json:"expected_verdict"`
	} `json:"cases"`
}

// loadTampered reads testdata/vectors/tampered.json, which must hold cases.
func loadTampered(t *testing.T) *tamperedFile {
	t.Helper()
	return loadTamperedFile(t, "../../testdata/vectors/tampered.json")
}

// loadTamperedFile reads a file in the format of tampered.json.
func loadTamperedFile(t *testing.T, path string) *tamperedFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f tamperedFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) == 0 {
		t.Fatal("no cases")
	}
	return &f
}

// TestTampered runs every tampered token through a strict check with the
// certificate, channel and uid text the file gives, and compares verdicts.
// The uid of this file is text exactly as signed ("0" stays "0").
func TestTampered(t *testing.T) {
	f := loadTampered(t)
	more := loadTamperedFile(t, "../../testdata/verify/tampered-more.json")
	for _, c := range append(f.Cases, more.Cases...) {
		t.Run(c.ID, func(t *testing.T) {
			exp := &verify.Expectations{
				Certificates: []verify.Certificate{{Label: "primary", Value: c.CertificateCheck}},
				Channel:      c.Channel,
				UID:          c.UID,
				Strict:       true,
			}
			r := verify.Inspect(c.Token, exp)
			if r.Verdict != c.ExpectedVerdict {
				t.Errorf("%s (%s): verdict %s, want %s; findings %+v", c.Tampering, c.Description, r.Verdict, c.ExpectedVerdict, r.Findings)
			}
			// Without strict mode the verdict is the same: these tokens need no repair.
			exp.Strict = false
			if r2 := verify.Inspect(c.Token, exp); r2.Verdict != c.ExpectedVerdict && len(r2.Repairs) == 0 {
				t.Errorf("non-strict verdict %s, want %s", r2.Verdict, c.ExpectedVerdict)
			}
		})
	}
}

// TestStrictJudgesBytesNotInputs: a builder's token for inputs the SDK would
// refuse (non-ASCII names, expired times) is still "ok" in strict mode, with
// the input and time findings as warnings; without strict mode they are
// errors.
func TestStrictJudgesBytesNotInputs(t *testing.T) {
	b, err := os.ReadFile("../../testdata/vectors/007.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			ID     string `json:"id"`
			Token  string `json:"token"`
			Inputs struct {
				Cert string `json:"app_certificate"`
			} `json:"inputs"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		if c.ID != "007-rtc2_account-non_ascii-001" {
			continue
		}
		exp := &verify.Expectations{Certificates: []verify.Certificate{{Label: "primary", Value: c.Inputs.Cert}}, Strict: true, Now: time.Unix(4000000000, 0)}
		r := verify.Inspect(c.Token, exp)
		if r.Verdict != "ok" || !r.Has(verify.CodeBadChannelCharset) && !r.Has(verify.CodeBadAccountCharset) {
			t.Fatalf("strict: verdict %s, findings %+v", r.Verdict, r.Findings)
		}
		exp.Strict = false
		if r := verify.Inspect(c.Token, exp); r.Verdict == "ok" {
			t.Fatalf("non-strict verdict ok despite %+v", r.Findings)
		}
		return
	}
	t.Fatal("vector not found")
}

// TestNoTruncationForInsertedCharacter: a character inserted into a token
// makes it malformed, never "truncated by -1 characters".
func TestNoTruncationForInsertedCharacter(t *testing.T) {
	for _, path := range []string{"../../testdata/examples/rtc-rtm-chat-apaas-007.token", "../../testdata/examples/rtc-006.token"} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		tok := strings.TrimSpace(string(b))
		for _, bad := range []string{tok[:3] + "\n" + tok[3:], tok[:40] + "\r\n" + tok[40:]} {
			r := verify.Inspect(bad, &verify.Expectations{})
			if r.Verdict != verify.CodeMalformed || r.Has(verify.CodeTruncated) {
				t.Errorf("%s with a line break inside: verdict %s, findings %+v", path, r.Verdict, r.Findings)
			}
		}
	}
}

// TestStructuralDetail: a token with bytes after its last field, or past the
// size limits, keeps the verdict malformed and also carries the finding of
// its kind (trailing_data, too_large), located like the malformed one.
func TestStructuralDetail(t *testing.T) {
	f := loadTampered(t)
	want := map[string]string{
		"bytes_after_zlib_stream": verify.CodeTrailingData, "payload_trailing_bytes": verify.CodeTrailingData,
		"content_trailing_bytes": verify.CodeTrailingData, "message_trailing_bytes_resigned": verify.CodeTrailingData,
	}
	type tc struct{ name, token, code string }
	var cases []tc
	for _, c := range f.Cases {
		if code, ok := want[c.Tampering]; ok {
			cases = append(cases, tc{c.ID, c.Token, code})
		}
	}
	if len(cases) < 4 {
		t.Fatalf("only %d trailing-data cases in tampered.json", len(cases))
	}
	cases = append(cases, tc{"token over the length limit", "007" + strings.Repeat("A", token.MaxTokenLength), verify.CodeTooLarge},
		tc{"006 token over the length limit", "006" + strings.Repeat("a", 32) + strings.Repeat("A", token.MaxTokenLength), verify.CodeTooLarge})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, strict := range []bool{false, true} {
				r := verify.Inspect(c.token, &verify.Expectations{Strict: strict})
				if r.Verdict != verify.CodeMalformed {
					t.Errorf("strict %v: verdict %s, want malformed", strict, r.Verdict)
				}
				var got *verify.Finding
				for i := range r.Findings {
					if r.Findings[i].Code == c.code {
						got = &r.Findings[i]
					}
				}
				if got == nil || got.Severity != verify.SevError || got.Offset == nil || got.Layer == "" {
					t.Errorf("strict %v: no located %s error in %+v", strict, c.code, r.Findings)
				}
			}
		})
	}
}
