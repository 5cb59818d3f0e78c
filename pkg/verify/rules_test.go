package verify_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// ruleCase is one case of testdata/audit/rules.json: a token (given or
// built), what the caller knows, and the findings it must give.
type ruleCase struct {
	ID        string     `json:"id"`
	Kind      string     `json:"kind"`
	Comment   string     `json:"comment"`
	Token     string     `json:"token"`
	Build     *buildSpec `json:"build"`
	Transform string     `json:"transform"`
	Cert      *string    `json:"cert"`
	Keyring   string     `json:"keyring"`
	AppID     string     `json:"app_id"`
	Channel   *string    `json:"channel"`
	UID       *string    `json:"uid"`
	Numeric   bool       `json:"uid_numeric"`
	Account   *string    `json:"account"`
	For       string     `json:"for"`
	Now       int64      `json:"now"`
	Leeway    string     `json:"leeway"`
	Strict    bool       `json:"strict"`
	Want      []wantF    `json:"want"`
	Absent    []string   `json:"absent"`
	Verdict   string     `json:"verdict"`
	// Matched is the certificate label that must verify ("" = not checked).
	Matched string `json:"matched"`
}

type wantF struct {
	Code     string `json:"code"`
	Severity string `json:"severity"`
	SDKError *int   `json:"sdk_error"`
	// Contains are substrings the message must hold, HintContains those of
	// the hint.
	Contains     []string `json:"contains"`
	HintContains []string `json:"hint_contains"`
	// Offset and Layer, when given, are where the finding must locate it.
	Offset *int   `json:"offset"`
	Layer  string `json:"layer"`
	// Only: no other finding of the code may appear.
	Only bool `json:"only"`
}

type buildSpec struct {
	Version string      `json:"version"`
	AppID   string      `json:"app_id"`
	Cert    string      `json:"cert"`
	IssueTs uint32      `json:"issue_ts"`
	Expire  uint32      `json:"expire"`
	Ts      uint32      `json:"ts"`
	Salt    uint32      `json:"salt"`
	Channel string      `json:"channel"`
	UID     string      `json:"uid"`
	Privs   [][2]uint32 `json:"privileges"`
	// UnknownService appends a record of this type (no known layout) after
	// the services, and signs the result.
	UnknownService uint16 `json:"unknown_service"`
	Services       []struct {
		Type    uint16      `json:"type"`
		Channel string      `json:"channel"`
		UID     string      `json:"uid"`
		UserID  string      `json:"user_id"`
		Privs   [][2]uint32 `json:"privileges"`
	} `json:"services"`
}

func privs(p [][2]uint32) []token.Privilege {
	out := make([]token.Privilege, len(p))
	for i, e := range p {
		out[i] = token.Privilege{ID: uint16(e[0]), Expire: e[1]}
	}
	return out
}

func (b *buildSpec) build(t *testing.T) string {
	t.Helper()
	app, cert := b.AppID, b.Cert
	if app == "" {
		app = verify.SampleAppID
	}
	if cert == "" {
		cert = verify.SampleCertificate
	}
	switch b.Version {
	case "006":
		m := &token.Token006{AppID: app, Salt: b.Salt, Ts: b.Ts, Privileges: privs(b.Privs)}
		s, err := encode.Token006(m, cert, b.Channel, b.UID)
		if err != nil {
			t.Fatal(err)
		}
		return s
	case "007":
		m := &token.Token007{AppID: app, IssueTs: b.IssueTs, Expire: b.Expire, Salt: b.Salt}
		for _, s := range b.Services {
			m.Services = append(m.Services, token.Service{Type: s.Type, Channel: s.Channel, Account: s.UID, UserID: s.UserID, Privileges: privs(s.Privs), Role: -1})
		}
		if b.UnknownService != 0 {
			info, err := encode.SigningInfo007(m)
			if err != nil {
				t.Fatal(err)
			}
			// Service count: after the app ID (2+len), issue_ts, expire and salt.
			at := 2 + len(app) + 12
			binary.LittleEndian.PutUint16(info[at:], uint16(len(m.Services)+1))
			info = binary.LittleEndian.AppendUint16(info, b.UnknownService)
			info = append(info, 1, 2, 3, 4)
			sig := verify.Signature007(cert, m.IssueTs, m.Salt, info)
			payload := append([]byte{32, 0}, sig[:]...)
			return encode.String007(append(payload, info...))
		}
		s, err := encode.Token007(m, cert)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Fatalf("build: version %q", b.Version)
	return ""
}

func transform(t *testing.T, s, how string) string {
	switch {
	case how == "":
		return s
	case strings.HasPrefix(how, "cut:"):
		var n int
		for _, c := range how[4:] {
			n = n*10 + int(c-'0')
		}
		return s[:len(s)-n]
	case strings.HasPrefix(how, "cut_raw:"):
		// The last N bytes of the compressed 007 payload dropped, the rest
		// re-encoded (a token whose base64 was cut on a byte boundary).
		n, err := strconv.Atoi(how[len("cut_raw:"):])
		if err != nil {
			t.Fatal(err)
		}
		raw, err := base64.StdEncoding.DecodeString(s[3:])
		if err != nil {
			t.Fatal(err)
		}
		return s[:3] + base64.StdEncoding.EncodeToString(raw[:len(raw)-n])
	case strings.HasPrefix(how, "prepend:"):
		return how[len("prepend:"):] + s
	case strings.HasPrefix(how, "reprefix:"):
		// Write another version prefix over the token's own.
		return how[len("reprefix:"):] + s[3:]
	case strings.HasPrefix(how, "insert_space:"):
		// A space inserted before character N.
		n, err := strconv.Atoi(how[len("insert_space:"):])
		if err != nil {
			t.Fatal(err)
		}
		return s[:n] + " " + s[n:]
	case how == "quotes":
		return `"` + s + `"`
	case how == "whitespace":
		return "  " + s + "\r\n"
	case how == "urlencode":
		return url.QueryEscape(s)
	case how == "plus_space":
		return strings.ReplaceAll(s, "+", " ")
	case how == "json_slash":
		return strings.ReplaceAll(s, "/", `\/`)
	case how == "noncanonical":
		// Set an unused bit of the last base64 character before the padding.
		i := strings.IndexByte(s, '=') - 1
		if i < 0 {
			t.Fatal("noncanonical: the token has no padding")
		}
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		return s[:i] + string(alphabet[strings.IndexByte(alphabet, s[i])+1]) + s[i+1:]
	case strings.HasPrefix(how, "zlib_level:"):
		// Recompress the 007 payload with compress/zlib at another level
		// (0 stores it uncompressed, with the header 78 01).
		level, err := strconv.Atoi(how[len("zlib_level:"):])
		if err != nil {
			t.Fatal(err)
		}
		tok, err := decode.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		payload := tok.T007.Payload
		var buf bytes.Buffer
		zw, err := zlib.NewWriterLevel(&buf, level)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := zw.Write(payload); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return "007" + base64.StdEncoding.EncodeToString(buf.Bytes())
	case how == "flip_signature_006":
		// The signature starts at content byte 2: base64 character 3 of the content.
		b := []byte(s)
		i := 35 + 4
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	t.Fatalf("unknown transform %q", how)
	return ""
}

// loadRuleCases reads a file of cases in the schema of
// testdata/audit/rules.json.
func loadRuleCases(t *testing.T, path string) []ruleCase {
	t.Helper()
	b, err := os.ReadFile(path)
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
	return f.Cases
}

func (c *ruleCase) expectations(t *testing.T) *verify.Expectations {
	exp := &verify.Expectations{AppID: c.AppID, Channel: c.Channel, UID: c.UID, UIDNumeric: c.Numeric, Account: c.Account, For: c.For, Strict: c.Strict}
	cert := verify.SampleCertificate
	if c.Cert != nil {
		cert = *c.Cert
	}
	if cert != "" {
		exp.Certificates = []verify.Certificate{{Label: "primary", Value: cert}}
	}
	if c.Keyring != "" {
		kr, err := verify.ParseKeyring(strings.NewReader(c.Keyring))
		if err != nil {
			t.Fatal(err)
		}
		exp.Keyring = kr
	}
	if c.Now != 0 {
		exp.Now = time.Unix(c.Now, 0)
	}
	if c.Leeway != "" {
		d, err := time.ParseDuration(c.Leeway)
		if err != nil {
			t.Fatal(err)
		}
		exp.Leeway = d
	}
	return exp
}

// TestRules runs every case of testdata/audit/rules.json and checks code,
// severity and SDK error of each finding it names.
func TestRules(t *testing.T) {
	cases := loadRuleCases(t, "../../testdata/audit/rules.json")
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.Kind+"/"+c.ID, func(t *testing.T) {
			raw := c.Token
			if c.Build != nil {
				raw = c.Build.build(t)
			}
			raw = transform(t, raw, c.Transform)
			r := verify.Inspect(raw, c.expectations(t))
			for _, w := range c.Want {
				seen[w.Code] = true
			}
			c.check(t, r)
			for _, f := range r.Findings {
				if strings.Contains(f.Message, verify.SampleCertificate) || strings.Contains(f.Hint, verify.SampleCertificate) {
					t.Errorf("finding %s reveals the certificate", f.Code)
				}
			}
		})
	}
	// Every code of the catalog has a case, except bad_input (audit only) and
	// trailing_data and too_large, which need tokens this schema cannot
	// build: TestStructuralDetail asserts them on tampered.json tokens.
	skip := map[string]bool{verify.CodeTrailingData: true, verify.CodeTooLarge: true, verify.CodeBadInput: true}
	for _, ci := range verify.Catalog {
		if !seen[ci.Code] && !skip[ci.Code] {
			t.Errorf("no case in testdata/audit/rules.json asserts code %s", ci.Code)
		}
	}
}

// check asserts what the case wants of the report: the findings wanted and
// absent, the certificate matched and the verdict.
func (c *ruleCase) check(t *testing.T, r *verify.Report) {
	t.Helper()
	for _, w := range c.Want {
		if !hasFinding(r.Findings, w) {
			t.Errorf("%s: want %s/%s/sdk %v; got:\n%s", c.Comment, w.Code, w.Severity, sdkString(w.SDKError), dump(r.Findings))
		}
		if n := countCode(r.Findings, w.Code); w.Only && n != 1 {
			t.Errorf("%s: want one %s finding, got %d:\n%s", c.Comment, w.Code, n, dump(r.Findings))
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
}

func countCode(fs []verify.Finding, code string) int {
	n := 0
	for _, f := range fs {
		if f.Code == code {
			n++
		}
	}
	return n
}

func hasFinding(fs []verify.Finding, w wantF) bool {
	for _, f := range fs {
		if f.Code != w.Code || string(f.Severity) != w.Severity {
			continue
		}
		if (f.SDKError == nil) != (w.SDKError == nil) || f.SDKError != nil && *f.SDKError != *w.SDKError {
			continue
		}
		if w.Offset != nil && (f.Offset == nil || *f.Offset != *w.Offset || f.Layer != w.Layer) {
			continue
		}
		ok := true
		for _, s := range w.Contains {
			if !strings.Contains(f.Message, s) {
				ok = false
			}
		}
		for _, s := range w.HintContains {
			if !strings.Contains(f.Hint, s) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func sdkString(p *int) string {
	if p == nil {
		return "null"
	}
	b, _ := json.Marshal(*p)
	return string(b)
}

func dump(fs []verify.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("  " + f.Code + "/" + string(f.Severity) + "/sdk " + sdkString(f.SDKError) + ": " + f.Message + "\n")
	}
	return b.String()
}
