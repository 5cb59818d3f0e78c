package verify_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// TestFindingsPerCodeCapped: a signed token declaring thousands of unknown
// privileges, or of privileges that outlive it, lists at most
// MaxFindingsPerCode findings of each code, the last saying how many more
// there were, so that one token cannot make a report of megabytes.
func TestFindingsPerCodeCapped(t *testing.T) {
	cases := []struct {
		name   string
		privs  func(i int) token.Privilege
		code   string
		strict bool
	}{
		{"unknown privileges", func(i int) token.Privilege { return token.Privilege{ID: uint16(100 + i), Expire: 600} }, verify.CodeUnknownPrivilege, false},
		{"privileges outliving the token", func(i int) token.Privilege { return token.Privilege{ID: uint16(100 + i), Expire: 7200} }, verify.CodePrivilegeOutlivesToken, false},
		{"unknown privileges, strict", func(i int) token.Privilege { return token.Privilege{ID: uint16(100 + i), Expire: 600} }, verify.CodeUnknownPrivilege, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const n = 4000
			ps := make([]token.Privilege, n)
			for i := range ps {
				ps[i] = c.privs(i)
			}
			m := &token.Token007{AppID: verify.SampleAppID, IssueTs: 1700000000, Expire: 3600, Salt: 1,
				Services: []token.Service{{Type: token.ServiceRTC, Channel: "c", Account: "1", Privileges: ps}}}
			s, err := encode.Token007(m, verify.SampleCertificate)
			if err != nil {
				t.Fatal(err)
			}
			cert := verify.SampleCertificate
			r := verify.Inspect(s, &verify.Expectations{Certificates: []verify.Certificate{{Label: "primary", Value: cert}},
				Now: time.Unix(1700000100, 0), Strict: c.strict})
			if r.Signature != verify.SigValid {
				t.Fatalf("signature %s", r.Signature)
			}
			per := map[string]int{}
			for _, f := range r.Findings {
				per[f.Code+"/"+string(f.Severity)]++
			}
			for k, v := range per {
				if v > verify.MaxFindingsPerCode {
					t.Errorf("%d findings %s, over %d", v, k, verify.MaxFindingsPerCode)
				}
			}
			last := ""
			for _, f := range r.Findings {
				if f.Code == c.code {
					last = f.Message
				}
			}
			if want := "(and 3984 more " + c.code + " findings like it, not listed)"; !strings.HasSuffix(last, want) {
				t.Errorf("last %s finding %q, want it to end %q", c.code, last, want)
			}
			b, err := json.Marshal(r.Findings)
			if err != nil || len(b) > 64<<10 {
				t.Errorf("findings are %d bytes of JSON (%v)", len(b), err)
			}
		})
	}
}
