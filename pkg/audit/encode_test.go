package audit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/internal/auditgen"
	"github.com/tokencheck/tokencheck/pkg/audit"
	"github.com/tokencheck/tokencheck/pkg/report"
)

// vectorStrings returns every string value of the vector files: tokens,
// expected tokens, disagreeing variants, inputs and names (the last decode
// as malformed or unsupported, which is a report to encode as well).
func vectorStrings(t *testing.T) []string {
	files, err := filepath.Glob("../../testdata/vectors/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no vector files: %v", err)
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			if x != "" && !strings.ContainsAny(x, "\n\r") {
				out = append(out, x)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(v)
	}
	return out
}

// TestEncodeLineMatchesMarshal: the hand-written JSON Lines encoder writes
// exactly what encoding/json writes for the same view, for every vector
// string (as a bare line and as a JSON line with expectations that make
// identity findings quote odd values), generated audit lines, and strings
// with characters JSON escapes.
func TestEncodeLineMatchesMarshal(t *testing.T) {
	var in bytes.Buffer
	if _, err := auditgen.Generate(&in, 3000, 11); err != nil {
		t.Fatal(err)
	}
	odd := []string{"a<b>&c", "\u2028\u2029", "tab\tnl\\q\"", "\x00\x01\x1f\x7f", "\xff\xfe bad utf-8 \xc3", "é中🙂", "</script>"}
	for i, s := range vectorStrings(t) {
		in.WriteString(s)
		in.WriteByte('\n')
		o := map[string]any{"id": i, "token": s, "channel": odd[i%len(odd)], "app_id": odd[(i+1)%len(odd)]}
		switch i % 3 {
		case 0:
			o["uid"] = odd[(i+2)%len(odd)]
		case 1:
			o["account"] = odd[(i+2)%len(odd)]
			o["id"] = "id " + odd[i%len(odd)]
		case 2:
			o["uid"] = i
			o["for"] = []string{"rtc", "rtm", "chat"}[i%3]
		}
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	for _, s := range odd {
		in.WriteString("007" + s + "\n006" + s + "\n" + s + "\n")
	}
	in.WriteString(`{"id": "spaced \u003c id", "token": "x"}` + "\n")
	in.WriteString(`{"id":   12  , "token": "x"}` + "\n")
	n := 0
	opt := audit.Options{Base: baseExpectations(t)}
	err := audit.Run(context.Background(), []audit.Source{{Name: "in<&>.txt", R: &in}}, opt, func(r *audit.Result) error {
		n++
		for _, withFile := range []bool{false, true} {
			got, err := audit.EncodeLine(r, withFile)
			if err != nil {
				t.Fatalf("line %d: %v", r.Line, err)
			}
			want, err := json.Marshal(audit.View(r, withFile))
			if err != nil {
				t.Fatalf("line %d: %v", r.Line, err)
			}
			want = append(want, '\n')
			if !bytes.Equal(got, want) {
				t.Fatalf("line %d (withFile %v):\n got %s\nwant %s", r.Line, withFile, got, want)
			}
			// The view encoder, used for 006 and legacy tokens, must agree
			// for 007 as well.
			v := audit.View(r, withFile)
			var extra func([]byte) []byte
			if v.File != "" {
				extra = func(dst []byte) []byte { return report.AppendMember(dst, "file", v.File) }
			}
			got, err = report.AppendVerify(nil, v.VerifyView, extra)
			if err != nil {
				t.Fatalf("line %d: %v", r.Line, err)
			}
			if !bytes.Equal(append(got, '\n'), want) {
				t.Fatalf("line %d (views, withFile %v):\n got %s\nwant %s", r.Line, withFile, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5000 {
		t.Fatalf("only %d lines compared", n)
	}
}
