package conform

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Check names for Failure.Check.
const (
	CheckBuild   = "build"   // tokencheck could not build (or refused) the inputs
	CheckRefusal = "refusal" // a build that should have been refused was not, or the reverse
	CheckString  = "string"  // token strings differ (006; 007 Go-compressed)
	CheckPayload = "payload" // inflated 007 payloads differ
	CheckDecode  = "decode"  // the strict parser refused the token
	CheckVerify  = "verify"  // signature or another error-level finding
	CheckParse   = "parse"   // the external builder could not parse tokencheck's token
	CheckProcess = "process" // the external builder died, timed out or answered nonsense
)

// Failure is one failed check. Offset and Layer locate the first differing
// byte: layer "token" counts in the token string, "content" in the
// base64-decoded 006 content, "payload" in the inflated 007 payload, "zlib" in
// the base64-decoded 007 bytes.
type Failure struct {
	Check string `json:"check"`
	// Subject names the token checked: "token", "disagree[go]", "answer", …
	Subject string `json:"subject,omitempty"`
	Message string `json:"message"`
	Layer   string `json:"layer,omitempty"`
	Offset  *int   `json:"offset,omitempty"`
	Field   string `json:"field,omitempty"`
}

// String renders the failure on one line.
func (f Failure) String() string {
	s := f.Check
	if f.Subject != "" {
		s += " " + f.Subject
	}
	return s + ": " + f.Message
}

func at(n int) *int { return &n }

// FirstDiff returns the index of the first differing byte of a and b, or -1
// when they are equal. When one is a prefix of the other the index is the
// shorter length.
func FirstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return n
	}
	return -1
}

// nBytes renders a length: "1 byte", "0 bytes", "139 bytes".
func nBytes(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}

func byteAt(b []byte, i int) string {
	if i >= len(b) {
		return "end of data"
	}
	c := b[i]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("%q (0x%02x)", rune(c), c)
	}
	return fmt.Sprintf("0x%02x", c)
}

// CompareStrings compares a token string with the expected one. On a
// difference the failure names the first differing character of the string
// and, for 006 and 005, the byte and field of the content it falls in.
func CompareStrings(subject, got, want string) *Failure {
	i := FirstDiff([]byte(got), []byte(want))
	if i < 0 {
		return nil
	}
	f := &Failure{Check: CheckString, Subject: subject, Layer: "token", Offset: at(i),
		Message: fmt.Sprintf("token byte %d: %s, want %s (strings of %s and %s)", i, byteAt([]byte(got), i), byteAt([]byte(want), i), nBytes(len(got)), nBytes(len(want)))}
	if len(got) > 35 && len(want) > 35 && got[:3] == "006" && want[:3] == "006" && i >= 35 {
		g, err1 := base64.StdEncoding.DecodeString(got[35:])
		w, err2 := base64.StdEncoding.DecodeString(want[35:])
		if err1 == nil && err2 == nil {
			if j := FirstDiff(g, w); j >= 0 {
				f.Field = Field006(j)
				f.Message += fmt.Sprintf("; content byte %d (%s)", j, f.Field)
			}
		}
	} else if len(got) > 3 && len(want) > 3 && got[:3] == "005" && want[:3] == "005" && i >= 3 {
		g, err1 := base64.StdEncoding.DecodeString(got[3:])
		w, err2 := base64.StdEncoding.DecodeString(want[3:])
		if err1 == nil && err2 == nil {
			if j := FirstDiff(g, w); j >= 0 {
				f.Field = Field005(w, j)
				f.Message += fmt.Sprintf("; content byte %d (%s)", j, f.Field)
			}
		}
	} else if i >= 3 && i < 35 && got[:3] == "006" {
		f.Field = "app_id"
		f.Message += " (app_id)"
	}
	return f
}

// Field006 names the field of the 006 content (base64-decoded bytes after
// the app ID) that holds byte off, for a token with a 32-byte signature.
func Field006(off int) string {
	switch {
	case off < 2:
		return "signature length"
	case off < 34:
		return "signature"
	case off < 38:
		return "crc_channel"
	case off < 42:
		return "crc_uid"
	case off < 44:
		return "message length"
	case off < 48:
		return "message.salt"
	case off < 52:
		return "message.ts"
	case off < 54:
		return "message.privileges count"
	}
	e := (off - 54) / 6
	if (off-54)%6 < 2 {
		return fmt.Sprintf("message.privileges[%d].id", e)
	}
	return fmt.Sprintf("message.privileges[%d].expire", e)
}

// Field007 names the field of a 007 payload that holds byte off, by decoding
// the expected payload cut just after that byte: the field being read when
// the bytes run out is the one that holds it.
func Field007(payload []byte, off int) string {
	if off >= len(payload) {
		return "end of payload"
	}
	_, err := decode.Payload007(payload[:off+1])
	var pe *token.ParseError
	if errors.As(err, &pe) {
		return pe.Field
	}
	// The cut ended exactly on a field boundary of the last field.
	return "last field"
}

// Field005 names the field of a DK5 content (the base64-decoded bytes after
// "005") that holds byte off, by decoding the content cut just after that
// byte, as Field007 does.
func Field005(content []byte, off int) string {
	if off >= len(content) {
		return "end of content"
	}
	_, err := legacy.Parse("005" + base64.StdEncoding.EncodeToString(content[:off+1]))
	var pe *token.ParseError
	if errors.As(err, &pe) && pe.Field != "" {
		return pe.Field
	}
	return "last field"
}

// ComparePayloads compares inflated 007 payloads and names the first
// differing byte and its field.
func ComparePayloads(subject string, got, want []byte) *Failure {
	i := FirstDiff(got, want)
	if i < 0 {
		return nil
	}
	field := Field007(want, i)
	return &Failure{Check: CheckPayload, Subject: subject, Layer: "payload", Offset: at(i), Field: field,
		Message: fmt.Sprintf("payload byte %d (%s): %s, want %s (payloads of %s and %s)", i, field, byteAt(got, i), byteAt(want, i), nBytes(len(got)), nBytes(len(want)))}
}

// Expectations returns what verify needs to check a token of this build:
// the certificate and, for 006, the channel and uid text signed. Checks are
// strict (a conformance check of a builder) and judge no times.
func (b *Build) Expectations() *verify.Expectations {
	return &verify.Expectations{
		Certificates: []verify.Certificate{{Label: "primary", Value: b.Cert}},
		Channel:      b.Channel,
		UID:          b.UID,
		Strict:       true,
	}
}

// ConformanceCodes are the finding codes that fail a builder's token: the
// structure, the signature and the identity the token was built for. The
// audit rules about inputs (character sets, lengths, empty accounts, uid 0,
// lifetimes) do not: conformance inputs break them on purpose, and a
// builder is judged by the bytes it writes for them.
var ConformanceCodes = map[string]bool{
	verify.CodeMalformed: true, verify.CodeUnsupportedVersion: true, verify.CodeUnsupportedService: true,
	verify.CodeTrailingData: true, verify.CodeTooLarge: true, verify.CodeTruncated: true,
	verify.CodeBadSignature: true, verify.CodeSignatureUnchecked: true, verify.CodeCRCMismatch: true,
	verify.CodeAppIDMismatch: true, verify.CodeChannelMismatch: true, verify.CodeUIDMismatch: true,
}

// Inspect decodes and verifies tok against the build's expectations and
// returns the report and, when the token is not accepted, the failure that
// explains why (decode errors name their layer, byte and field). A token is
// accepted when its signature is valid and no finding of ConformanceCodes is
// an error.
func Inspect(subject, tok string, b *Build) (*verify.Report, *Failure) {
	r := verify.Inspect(tok, b.Expectations())
	var bad *verify.Finding
	for i, x := range r.Findings {
		if x.Severity == verify.SevError && ConformanceCodes[x.Code] {
			bad = &r.Findings[i]
			break
		}
	}
	if bad == nil && r.Signature == verify.SigValid {
		return r, nil
	}
	check := CheckVerify
	if r.ParseErr != nil || r.Verdict == verify.CodeMalformed || r.Verdict == verify.CodeUnsupportedVersion {
		check = CheckDecode
	}
	f := &Failure{Check: check, Subject: subject, Message: "signature " + r.Signature}
	if bad != nil {
		f.Message = bad.Code + ": " + bad.Message
		f.Field, f.Layer = bad.Field, bad.Layer
		if bad.Offset != nil {
			f.Offset = at(*bad.Offset)
			if bad.Layer == "zlib" {
				// Four base64 characters carry three bytes, after "007".
				c := 3 + *bad.Offset/3*4
				f.Message += fmt.Sprintf(" (token characters %d-%d)", c, c+3)
			}
		}
	}
	return r, f
}

// Compare judges a token (subject) against tokencheck's build of the same
// inputs: a 006 token, or a 007 token when exact is set, must equal the
// build's string; a 007 token must carry the build's payload. Then the token
// must decode strictly and verify. It returns the failures, most telling
// first, and the report of the token (nil when it could not be inspected).
func Compare(subject, tok string, ours *Build, exact bool) ([]Failure, *verify.Report) {
	var fails []Failure
	is007 := len(ours.Token) >= 3 && ours.Token[:3] == "007"
	if exact || !is007 {
		if f := CompareStrings(subject, tok, ours.Token); f != nil {
			fails = append(fails, *f)
		}
	}
	r, ferr := Inspect(subject, tok, ours)
	if is007 && r.Token != nil && r.Token.T007 != nil && r.ParseErr == nil {
		mine, err := decode.Parse(ours.Token)
		if err != nil {
			fails = append(fails, Failure{Check: CheckBuild, Message: "tokencheck's own token does not decode: " + err.Error()})
		} else if f := ComparePayloads(subject, r.Token.T007.Payload, mine.T007.Payload); f != nil {
			if d := DiffModels(r.Token, mine); d != "" {
				f.Message += "; " + d
			}
			fails = append(fails, *f)
		}
	}
	if ferr != nil {
		fails = append(fails, *ferr)
	}
	return fails, r
}

// DiffModels names the first field in which two decoded tokens differ
// (signatures and the unsigned layers are not compared), e.g.
// `services[0].privileges[1].id: 3, want 2`, or "" when they agree.
func DiffModels(got, want *token.Token) string {
	g, w := Flatten(got), Flatten(want)
	for i := 0; i < len(g) || i < len(w); i++ {
		switch {
		case i >= len(g):
			return fmt.Sprintf("%s: missing, want %s", w[i].Path, w[i].Value)
		case i >= len(w):
			return fmt.Sprintf("%s: %s, want nothing", g[i].Path, g[i].Value)
		case g[i] != w[i]:
			if g[i].Path != w[i].Path {
				return fmt.Sprintf("%s=%s, want %s=%s", g[i].Path, g[i].Value, w[i].Path, w[i].Value)
			}
			return fmt.Sprintf("%s: %s, want %s", w[i].Path, g[i].Value, w[i].Value)
		}
	}
	return ""
}

// Entry is one field of a flattened token.
type Entry struct{ Path, Value string }

// Flatten lists the signed fields of a decoded token in token order, with
// dotted paths. Signatures are left out.
func Flatten(t *token.Token) []Entry {
	var out []Entry
	add := func(p, v string) { out = append(out, Entry{p, v}) }
	u := func(v uint32) string { return strconv.FormatUint(uint64(v), 10) }
	q := strconv.Quote
	if t == nil {
		return nil
	}
	privs := func(p string, ps []token.Privilege) {
		add(p+".privileges", strconv.Itoa(len(ps))+" entries")
		for j, e := range ps {
			add(fmt.Sprintf("%s.privileges[%d].id", p, j), u(uint32(e.ID)))
			add(fmt.Sprintf("%s.privileges[%d].expire", p, j), u(e.Expire))
		}
	}
	switch {
	case t.T007 != nil:
		x := t.T007
		add("app_id", q(x.AppID))
		add("issue_ts", u(x.IssueTs))
		add("expire", u(x.Expire))
		add("salt", u(x.Salt))
		add("service_count", u(uint32(x.ServiceCount)))
		for i, s := range x.Services {
			p := fmt.Sprintf("services[%d]", i)
			add(p+".type", u(uint32(s.Type)))
			privs(p, s.Privileges)
			switch s.Type {
			case token.ServiceRTC:
				add(p+".channel", q(s.Channel))
				add(p+".uid", q(s.Account))
			case token.ServiceStreaming, token.ServiceFCDN:
				add(p+".channel", q(s.Channel))
				add(p+".account", q(s.Account))
			case token.ServiceRTM, token.ServiceChat:
				add(p+".user_id", q(s.UserID))
			case token.ServiceAPaaS:
				add(p+".room_uuid", q(s.RoomUUID))
				add(p+".user_uuid", q(s.UserUUID))
				add(p+".role", strconv.Itoa(int(s.Role)))
			case token.ServiceRTM2:
				add(p+".user_id", q(s.UserID))
				for _, r := range s.Permissions {
					for _, pm := range r.Permissions {
						add(fmt.Sprintf("%s.permissions[%d][%d]", p, r.ResourceType, pm.PermissionType), fmt.Sprint(quoteAll(pm.Resources)))
					}
				}
			}
		}
		if x.Undecoded > 0 {
			add("undecoded", strconv.Itoa(x.Undecoded)+" bytes")
		}
	case t.T006 != nil:
		x := t.T006
		add("app_id", q(x.AppID))
		add("crc_channel", u(x.CRCChannel))
		add("crc_uid", u(x.CRCUID))
		add("salt", u(x.Salt))
		add("ts", u(x.Ts))
		privs("message", x.Privileges)
	case t.Legacy != nil:
		l := t.Legacy
		add("format", string(l.Format))
		add("app_id", q(l.AppID))
		add("unix_ts", u(l.UnixTs))
		add("salt", u(l.Salt))
		add("uid", u(l.UID))
		add("expired_ts", u(l.ExpiredTs))
		add("service_type", u(uint32(l.ServiceType)))
		for _, e := range l.Extra {
			add(fmt.Sprintf("extra[%d]", e.Key), q(e.Value))
		}
	}
	return out
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// samePayload reports whether two 007 tokens inflate to the same payload.
func samePayload(a, b string) bool {
	ta, err1 := decode.Parse(a)
	tb, err2 := decode.Parse(b)
	return err1 == nil && err2 == nil && ta.T007 != nil && tb.T007 != nil && bytes.Equal(ta.T007.Payload, tb.T007.Payload)
}
