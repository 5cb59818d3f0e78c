package report

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// oddStrings are texts every escaping rule of encoding/json applies to.
func oddStrings() []string {
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	return []string{"", "plain", string(all), "<script>&amp;</script>", "\u2028 \u2029 \u2027 \u202a",
		"\b\f\n\r\t\"\\/", "\xe2\x80", "\xe2\x80\xa8\xff", "\xed\xa0\x80 surrogate", "\xf4\x90\x80\x80 too high",
		"é 中 🙂 \U0010ffff", "\x7f\x80\xbf\xc0\xc1\xf5"}
}

func TestAppendStringMatchesMarshal(t *testing.T) {
	for _, s := range oddStrings() {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("%q:\n got %s\nwant %s", s, got, want)
		}
	}
}

func TestAppendAnyMatchesMarshal(t *testing.T) {
	ids := []any{json.RawMessage(`"a<b>&c\u2028"`), json.RawMessage(" \n\t12 "), json.RawMessage(`"x` + "\u2028\u2029" + `"`),
		json.RawMessage(`{"k" : [1, "<", true, null]}`), json.RawMessage(`"\"<"`), json.RawMessage(nil), "s<", 7, int64(-3), 1.5, []int{1}}
	for _, id := range ids {
		want, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendAny(nil, id)
		if err != nil {
			t.Fatalf("%v: %v", id, err)
		}
		if string(got) != string(want) {
			t.Errorf("%#v:\n got %s\nwant %s", id, got, want)
		}
	}
	if _, err := appendAny(nil, json.RawMessage(`{"a":`)); err == nil {
		t.Error("invalid raw JSON accepted")
	}
}

// TestAppendReportMatchesMarshal covers the parts of a 007 report that the
// vectors do not reach: an unknown service after known ones, non-canonical
// base64, a partial token with its decode error, odd strings everywhere.
func TestAppendReportMatchesMarshal(t *testing.T) {
	perr := token.Errorf("payload", 93, "services[2].type", token.ErrUnknownService, "type %d", 99)
	for _, s := range oddStrings() {
		for _, unknown := range []bool{false, true} {
			t7 := &token.Token007{Signature: []byte{0xde, 0xad}, AppID: s, IssueTs: 4294967295, Expire: 4294967295, Salt: 1, ServiceCount: 3,
				Services: []token.Service{
					{Type: token.ServiceRTC, Channel: s, Account: s, Privileges: []token.Privilege{{ID: 1, Expire: 0}, {ID: 2, Expire: 4294967295}}},
					{Type: token.ServiceRTM2, UserID: s, Permissions: []token.RTM2Resource{{ResourceType: 1, Permissions: []token.RTM2Permission{{PermissionType: 2, Resources: []string{s, ""}}, {PermissionType: 9}}}}},
					{Type: token.ServiceAPaaS, RoomUUID: s, UserUUID: s, Role: -32768},
					{Type: token.ServiceStreaming, Channel: s, Account: s},
					{Type: token.ServiceChat, UserID: s}, {Type: token.ServiceSTT}, {Type: 77}}}
			if unknown {
				t7.UnknownService, t7.UnknownOffset, t7.Undecoded = 99, 93, 12
			}
			tok := &token.Token{Version: token.V007, T007: t7, Encoding: token.Encoding{Base64NonCanonical: unknown, Compressor: s}}
			r := &verify.Report{Token: tok, Signature: s, MatchedCertificate: s, Verdict: s,
				Findings: []verify.Finding{{Code: s, Severity: verify.Severity(s), Message: s, Hint: s, SDKError: verify.SDK(-1), Field: s, Offset: verify.At(0), Layer: s}}}
			if unknown {
				r.ParseErr = perr
			}
			line := 1 << 40
			for _, id := range []any{nil, json.RawMessage(`"<id>"`), json.RawMessage(`-0.5e3`)} {
				v := Verify(r)
				v.Line, v.ID = &line, id
				want, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				got, err := AppendReport(nil, r, &line, id, nil)
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != string(want) {
					t.Fatalf("%q unknown=%v:\n got %s\nwant %s", s, unknown, got, want)
				}
				if got, _ := AppendVerify(nil, v, nil); string(got) != string(want) {
					t.Fatalf("views %q unknown=%v:\n got %s\nwant %s", s, unknown, got, want)
				}
			}
		}
	}
	if !errors.Is(perr, token.ErrUnknownService) {
		t.Fatal("test error does not wrap its sentinel")
	}
}

// TestAppendLegacyAnd006MatchMarshal: the decode objects of every legacy
// key kind (a signaling token has no unix_ts) and of a 006 token with an
// empty privilege map come out as encoding/json writes them.
func TestAppendLegacyAnd006MatchMarshal(t *testing.T) {
	exp := uint32(1446455471)
	st := uint16(4)
	uid := uint32(0)
	toks := []*token.Token{
		{Version: token.VSignal, Legacy: &token.Legacy{Format: token.VSignal, AppID: "a", Signature: "s", ExpiredTs: exp, HasExpired: true}},
		{Version: token.VDK1, Legacy: &token.Legacy{Format: token.VDK1, AppID: "a", Signature: "s", UnixTs: 5, Salt: 6}},
		{Version: token.V003, Legacy: &token.Legacy{Format: token.V003, AppID: "a", Signature: "s", UnixTs: 5, Salt: 6, UID: uid, HasUID: true, ExpiredTs: exp, HasExpired: true}},
		{Version: token.V005, Legacy: &token.Legacy{Format: token.V005, AppID: "a", Signature: "s", UnixTs: 5, Salt: 6, ExpiredTs: exp, HasExpired: true, ServiceType: st,
			Extra: []token.LegacyExtra{{Key: 1, Value: "3"}}}},
		{Version: token.V006, T006: &token.Token006{AppID: "a", Signature: []byte{1}, Message: []byte{0}}},
	}
	for _, tok := range toks {
		r := &verify.Report{Token: tok, Signature: "valid", Verdict: "ok", Findings: []verify.Finding{}}
		v := Verify(r)
		if tok.Version == token.V006 {
			v.Token.Repairs = []string{"surrounding quotes removed", `"\/" <>`}
		}
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := AppendVerify(nil, v, nil)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s:\n got %s\nwant %s", tok.Version, got, want)
		}
	}
}

func TestValidUTF8(t *testing.T) {
	cases := []struct{ in, want string }{
		{`"plain"`, `"plain"`},
		{`12345678901234567890`, `12345678901234567890`},
		{"\"\u00e9\u2028\ufffd\"", "\"\u00e9\u2028\ufffd\""},
		{"\"a\xffb\"", `"a\ufffdb"`},
		{"\"\xe2\x80\"", `"\ufffd\ufffd"`},
		{"\"\xed\xa0\x80\"", `"\ufffd\ufffd\ufffd"`}, // an encoded surrogate
	}
	for _, c := range cases {
		got := ValidUTF8([]byte(c.in))
		if string(got) != c.want {
			t.Errorf("ValidUTF8(%q) = %q, want %q", c.in, got, c.want)
		}
		var a, b any
		if err := json.Unmarshal([]byte(c.in), &a); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(got, &b); err != nil || a != b {
			t.Errorf("ValidUTF8(%q) decodes to %q, the input to %q (%v)", c.in, b, a, err)
		}
	}
}

// TestPartialServiceMatchesMarshal: the record a broken token's decoding
// stopped in (every known type, cut before each of its fields) comes out as
// encoding/json writes its view, without the fields not reached and with
// not_read naming them.
func TestPartialServiceMatchesMarshal(t *testing.T) {
	for _, typ := range []uint16{token.ServiceRTC, token.ServiceRTM, token.ServiceStreaming, token.ServiceFPA, token.ServiceChat,
		token.ServiceFCDN, token.ServiceAPaaS, token.ServiceRTM2, token.ServiceConvoAI, token.ServiceSTT} {
		fields := token.ServiceFields(typ)
		if len(fields) == 0 {
			t.Fatalf("service %d: no fields", typ)
		}
		for cut := 0; cut <= len(fields); cut++ {
			whole := token.Service{Type: token.ServiceRTC, Channel: "c", Account: "1", Privileges: []token.Privilege{{ID: 1, Expire: 60}}}
			last := token.Service{Type: typ, Channel: "ch", Account: "acc", UserID: "u", RoomUUID: "r", UserUUID: "uu", Role: 2,
				Privileges:  []token.Privilege{{ID: 1, Expire: 60}},
				Permissions: []token.RTM2Resource{{ResourceType: 1, Permissions: []token.RTM2Permission{{PermissionType: 1, Resources: []string{"x"}}}}}}
			if cut == len(fields) {
				last.Privileges = nil
			}
			t7 := &token.Token007{Signature: []byte{1}, AppID: "a", ServiceCount: 2, ServiceCut: uint8(cut),
				Services: []token.Service{whole, last}}
			r := &verify.Report{Token: &token.Token{Version: token.V007, T007: t7}, Signature: "unchecked", Verdict: "malformed",
				ParseErr: token.Errorf("payload", 90, "services[1]", token.ErrTruncated, "cut"), Findings: []verify.Finding{}}
			want, err := json.Marshal(Verify(r))
			if err != nil {
				t.Fatal(err)
			}
			got, err := AppendReport(nil, r, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Fatalf("service %d cut %d:\n got %s\nwant %s", typ, cut, got, want)
			}
			var v struct {
				Token struct {
					Services []map[string]json.RawMessage `json:"services"`
				} `json:"token"`
			}
			if err := json.Unmarshal(got, &v); err != nil {
				t.Fatal(err)
			}
			if len(v.Token.Services) != 2 {
				t.Fatalf("service %d cut %d: %d services", typ, cut, len(v.Token.Services))
			}
			if _, ok := v.Token.Services[0]["not_read"]; ok {
				t.Errorf("service %d cut %d: the whole record has not_read", typ, cut)
			}
			notRead := fields[len(fields)-cut:]
			for _, f := range fields {
				_, present := v.Token.Services[1][f]
				missing := slices.Contains(notRead, f)
				switch {
				case f == "privileges" && !present:
					t.Errorf("service %d cut %d: privileges left out (an empty list is kept)", typ, cut)
				case f != "privileges" && present == missing:
					t.Errorf("service %d cut %d: field %s present %v, not read %v", typ, cut, f, present, missing)
				}
			}
			if cut > 0 {
				var nr []string
				if err := json.Unmarshal(v.Token.Services[1]["not_read"], &nr); err != nil || !slices.Equal(nr, notRead) {
					t.Errorf("service %d cut %d: not_read %v (%v), want %v", typ, cut, nr, err, notRead)
				}
			}
		}
	}
}
