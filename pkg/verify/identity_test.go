package verify_test

import (
	"testing"

	"github.com/tokencheck/tokencheck/pkg/verify"
)

// TestIdentity runs testdata/verify/identity.json, cases in the
// schema of testdata/audit/rules.json.
func TestIdentity(t *testing.T) {
	for _, c := range loadRuleCases(t, "../../testdata/verify/identity.json") {
		t.Run(c.Kind+"/"+c.ID, func(t *testing.T) {
			raw := c.Token
			if c.Build != nil {
				raw = c.Build.build(t)
			}
			c.check(t, verify.Inspect(raw, c.expectations(t)))
		})
	}
}
