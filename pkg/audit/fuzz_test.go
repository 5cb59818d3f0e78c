package audit_test

import (
	"bytes"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/audit"
)

// FuzzAuditLine: ParseLine never panics, and a line it accepts has a token.
func FuzzAuditLine(f *testing.F) {
	for _, s := range []string{
		"007eJxTYBBVmOWx", "", "  ", "\r", `{"token":"007x"}`, `{"id":1,"token":"t","uid":0}`,
		`{"token":"t","uid":"0"}`, `{"token":"t","uid":4294967295}`, `{"token":"t","uid":-1}`,
		`{"token":"t","uid":1e3}`, `{"token":"t","account":"a","for":"rtm"}`, `{"token":null}`,
		`{"token":"t","uid":{"a":1}}`, `{`, `{"token":"\u0000"}`, `{"id":[1,2],"token":"t"}`,
		`{"token":"t","Token":"u"}`, `{"token":"t","token":"u"}`, `{"\u0074oken":"t","x":{"token":[1,"}"]}}`,
		`{"token":"t\ud83d\ude00","x":"\ud800\\"}`, "{\"token\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		in, err := audit.ParseLine(line)
		if err != nil {
			// A line is a JSON object when it starts with "{" after
			// surrounding whitespace, as ParseLine reads it.
			if t0 := bytes.TrimSpace(line); in.Token != "" && len(t0) > 0 && t0[0] != '{' {
				t.Errorf("bare line rejected: %v", err)
			}
			return
		}
		if in.UIDNumeric && in.UID == nil {
			t.Error("UIDNumeric without UID")
		}
	})
}
