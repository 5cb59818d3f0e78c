//go:build !race

// The race detector makes sync.Pool drop objects at random, so these
// assertions hold only without it.

package verify_test

import (
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// TestVerifyHotPathAllocs asserts that the decode-and-verify hot path
// (ParseInto into a reused Token, then a CertKey check) allocates nothing
// once the token's buffers have grown, for 007 and 006, and that the
// package-level signature functions allocate nothing either.
func TestVerifyHotPathAllocs(t *testing.T) {
	for _, id := range []string{bench007, bench007Big, bench006} {
		in := loadBench(t, id)
		key := verify.NewCertKey(in.cert)
		var tok token.Token
		check := func() {
			if err := decode.ParseInto(in.s, &tok); err != nil {
				t.Fatal(err)
			}
			ok := false
			switch tok.Version {
			case token.V007:
				ok = key.Verify007(tok.T007)
			case token.V006:
				ok = key.Verify006(tok.T006, in.channel, in.uid)
			}
			if !ok {
				t.Fatalf("%s: signature invalid", id)
			}
		}
		check()
		if n := testing.AllocsPerRun(200, check); n != 0 {
			t.Errorf("%s: ParseInto + CertKey: %.1f allocations per token, want 0", id, n)
		}
		if tok.Version == token.V007 {
			t7 := tok.T007
			if n := testing.AllocsPerRun(200, func() { verify.Signature007(in.cert, t7.IssueTs, t7.Salt, t7.SigningInfo) }); n != 0 {
				t.Errorf("%s: Signature007: %.1f allocations, want 0", id, n)
			}
		} else {
			t6 := tok.T006
			if n := testing.AllocsPerRun(200, func() { verify.Signature006(in.cert, t6.AppID, in.channel, in.uid, t6.Message) }); n != 0 {
				t.Errorf("%s: Signature006: %.1f allocations, want 0", id, n)
			}
		}
	}
}
