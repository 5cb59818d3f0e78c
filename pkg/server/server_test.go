package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// fixedNow is the clock of the tests: the example token is valid then.
func fixedNow() time.Time { return time.Unix(exampleNow, 0) }

// do sends one request to h and returns the recorded answer.
func do(h http.Handler, method, path, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// errorOf decodes an {"error"} answer, failing when the body is anything else.
func errorOf(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want JSON; body %q", ct, rec.Body.String())
	}
	var e map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", rec.Body.String(), err)
	}
	msg, ok := e["error"].(string)
	if !ok || len(e) != 1 || msg == "" {
		t.Fatalf("error body %q, want exactly {\"error\": \"…\"}", rec.Body.String())
	}
	return msg
}

func TestRequestErrors(t *testing.T) {
	tok, cert := sample(t)
	h := New(Config{Now: fixedNow, MaxBodyBytes: 4096})
	const js = "application/json"
	big := `{"token":"` + strings.Repeat("A", 5000) + `"}`
	cases := []struct {
		name         string
		method, path string
		ctype, body  string
		status       int
		msg          string // regexp the error message must match
	}{
		{"wrong method GET", "GET", "/api/inspect", "", "", 405, `method GET is not allowed here: use POST`},
		{"wrong method PUT", "PUT", "/api/inspect", js, `{}`, 405, `use POST`},
		{"wrong method on build", "DELETE", "/api/build", "", "", 405, `use POST`},
		{"wrong method on page", "POST", "/", js, `{}`, 405, `use GET`},
		{"wrong method on healthz", "POST", "/healthz", "", "", 405, `use GET`},
		{"unknown path", "GET", "/api/nothing", "", "", 404, `no such page`},
		{"no content type", "POST", "/api/inspect", "", `{"token":"x"}`, 415, `Content-Type: application/json`},
		{"form content type", "POST", "/api/inspect", "application/x-www-form-urlencoded", `token=x`, 415, `must be JSON`},
		{"text content type", "POST", "/api/inspect", "text/plain", `{"token":"x"}`, 415, `must be JSON`},
		{"empty body", "POST", "/api/inspect", js, ``, 400, `body is empty`},
		{"blank body", "POST", "/api/inspect", js, " \n", 400, `body is empty`},
		{"bad JSON", "POST", "/api/inspect", js, `{"token": }`, 400, `^the request body is not valid JSON \(byte 10: invalid character '}' looking for beginning of value\)$`},
		{"trailing comma", "POST", "/api/inspect", js, `{"token":"a",}`, 400, `^the request body is not valid JSON \(byte 13: invalid character '}'`},
		{"byte order mark", "POST", "/api/inspect", js, "\ufeff{\"token\":\"a\"}", 400, `^the request body is not valid JSON \(byte 0: a byte order mark`},
		{"lone high surrogate escape", "POST", "/api/inspect", js, `{"token":"\ud800007eJx"}`, 400,
			`^the request body is not UTF-8: byte 10 is the escape \\ud800, half of a UTF-16 surrogate pair, which is no character$`},
		{"lone low surrogate escape", "POST", "/api/inspect", js, `{"id":"a\udc00","token":"a"}`, 400, `^the request body is not UTF-8: byte 8 is the escape \\udc00`},
		{"high surrogate before a letter", "POST", "/api/inspect", js, `{"token":"\ud83d\u0041"}`, 400, `byte 10 is the escape \\ud83d`},
		{"field name in another case", "POST", "/api/inspect", js, `{"token":"a", "Token":"b"}`, 400,
			`^unknown field "Token" \(byte 14\): field names are matched exactly: write "token"$`},
		{"field given twice", "POST", "/api/inspect", js, `{"token":"a",` + "\n" + `"token":"b"}`, 400,
			`^field "token" is given twice \(bytes 1 and 14\): give each field once$`},
		{"cert given twice", "POST", "/api/inspect", js, `{"token":"a","cert":"x","cert":"y"}`, 400, `^field "cert" is given twice`},
		{"truncated JSON", "POST", "/api/inspect", js, `{"token": "abc`, 400, `not valid JSON \(it ends early\)`},
		{"array", "POST", "/api/inspect", js, `["007abc"]`, 400, `must be a JSON object, not array`},
		{"bare string", "POST", "/api/inspect", js, `"007abc"`, 400, `must be a JSON object, not string`},
		{"two objects", "POST", "/api/inspect", js, `{"token":"a"} {"token":"b"}`, 400, `more than one JSON value`},
		{"text after object", "POST", "/api/inspect", js, `{"token":"a"}]`, 400, `text after the JSON object`},
		{"unknown field", "POST", "/api/inspect", js, `{"token":"a","appid":"x"}`, 400, `^unknown field "appid" \(byte 13\)$`},
		{"invalid UTF-8 in the token", "POST", "/api/inspect", js, "{\"token\":\"007\xffeJx\"}", 400,
			`^the request body is not UTF-8: byte 13 is 0xff \(JSON text is UTF-8; send the token as ASCII text\)$`},
		{"cut UTF-8 sequence in the id", "POST", "/api/inspect", js, "{\"id\":\"a\xc3\",\"token\":\"a\"}", 400, `^the request body is not UTF-8: byte 8 is 0xc3`},
		{"token not a string", "POST", "/api/inspect", js, `{"token":7}`, 400, `field "token": got a JSON number, want a string`},
		{"now not a number", "POST", "/api/inspect", js, `{"token":"a","now":"soon"}`, 400, `field "now": got a JSON string, want an integer`},
		{"missing token", "POST", "/api/inspect", js, `{"cert":"x"}`, 400, `field "token" is required`},
		{"blank token", "POST", "/api/inspect", js, `{"token":"  "}`, 400, `field "token" is required`},
		{"uid not a number", "POST", "/api/inspect", js, `{"token":"a","uid":"bob"}`, 400, `field "uid": want a number 0\.\.4294967295`},
		{"uid negative", "POST", "/api/inspect", js, `{"token":"a","uid":-1}`, 400, `field "uid"`},
		{"uid too big", "POST", "/api/inspect", js, `{"token":"a","uid":4294967296}`, 400, `field "uid"`},
		{"uid fraction", "POST", "/api/inspect", js, `{"token":"a","uid":1.5}`, 400, `field "uid"`},
		{"uid and account", "POST", "/api/inspect", js, `{"token":"a","uid":1,"account":"bob"}`, 400, `give "uid" or "account", not both`},
		{"bad for", "POST", "/api/inspect", js, `{"token":"a","for":"voice"}`, 400, `field "for": want "rtc", "rtm" or "chat"`},
		{"cert not hexadecimal", "POST", "/api/inspect", js, `{"token":"a","cert":"zz"}`, 400, `^field "cert": an App Certificate is 32 hexadecimal characters; this one has 2 characters$`},
		{"cert of 32 characters, not hexadecimal", "POST", "/api/inspect", js, `{"token":"a","cert":"g0000000000000000000000000000000"}`, 400, `^field "cert": an App Certificate is 32 hexadecimal characters; this one has 32, and character 1 is not hexadecimal$`},
		{"cert too long", "POST", "/api/inspect", js, `{"token":"a","cert":"5CFd2fd1755d40ecb72977518be15d3b0"}`, 400, `this one has 33 characters$`},
		{"negative now", "POST", "/api/inspect", js, `{"token":"a","now":-5}`, 400, `^field "now": want unix seconds \(0\.\.4294967295\), not a negative number$`},
		{"now past 32 bits", "POST", "/api/inspect", js, `{"token":"a","now":4294967296}`, 400, `^field "now": want unix seconds \(0\.\.4294967295\)$`},
		{"now in milliseconds", "POST", "/api/inspect", js, `{"token":"a","now":1700000000000}`, 400,
			`^field "now": want unix seconds \(0\.\.4294967295\); 1700000000000 looks like a unix time in milliseconds: "now" takes seconds \(1700000000\)$`},
		{"now in milliseconds, early 2000s", "POST", "/api/inspect", js, `{"token":"a","now":1050000000000}`, 400, `looks like a unix time in milliseconds: "now" takes seconds \(1050000000\)$`},
		{"now in microseconds", "POST", "/api/inspect", js, `{"token":"a","now":1700000000000000}`, 400, `looks like a unix time in microseconds: "now" takes seconds \(1700000000\)$`},
		{"now in nanoseconds", "POST", "/api/inspect", js, `{"token":"a","now":1700000000000000000}`, 400, `looks like a unix time in nanoseconds: "now" takes seconds \(1700000000\)$`},
		{"id an object", "POST", "/api/inspect", js, `{"token":"a","id":{"x":1}}`, 400, `^field "id": got a JSON object, want a string or a number$`},
		{"id an array", "POST", "/api/inspect", js, `{"token":"a","id":[1]}`, 400, `^field "id": got a JSON array, want a string or a number$`},
		{"id a boolean", "POST", "/api/inspect", js, `{"token":"a","id":true}`, 400, `^field "id": want a string or a number$`},
		{"oversized body", "POST", "/api/inspect", js, big, 413, `larger than 4096 bytes`},
		{"oversized build body", "POST", "/api/build", js, big, 501, `not available`},
		{"one-byte limit is singular", "POST", "/api/inspect", js, `{}`, 413, `^the request body is larger than 1 byte$`},
		{"build without builder", "POST", "/api/build", js, `{"kind":"rtc"}`, 501, `building tokens is not available`},
	}
	tiny := New(Config{Now: fixedNow, MaxBodyBytes: 1})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := h
			if strings.HasPrefix(c.name, "one-byte limit") {
				h = tiny
			}
			rec := do(h, c.method, c.path, c.ctype, c.body)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, c.status, rec.Body.String())
			}
			msg := errorOf(t, rec)
			if !regexp.MustCompile(c.msg).MatchString(msg) {
				t.Errorf("error %q does not match %q", msg, c.msg)
			}
			if strings.Contains(msg, cert) || strings.Contains(msg, tok[:40]) {
				t.Errorf("error %q repeats a secret", msg)
			}
			if c.status == 405 && rec.Header().Get("Allow") == "" {
				t.Error("405 without an Allow header")
			}
		})
	}
}

// TestOversizedDefaultLimit checks the default limit with a body just past it.
func TestOversizedDefaultLimit(t *testing.T) {
	h := New(Config{Now: fixedNow})
	body := `{"token":"` + strings.Repeat("A", DefaultMaxBodyBytes) + `"}`
	rec := do(h, "POST", "/api/inspect", "application/json", body)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", rec.Code)
	}
	if msg := errorOf(t, rec); !strings.Contains(msg, fmt.Sprint(DefaultMaxBodyBytes)) {
		t.Errorf("error %q does not state the limit", msg)
	}
}

// inspectOK posts q and decodes the verify object of a 200 answer.
func inspectOK(t *testing.T, h http.Handler, q any) (map[string]any, string) {
	t.Helper()
	rec := do(h, "POST", "/api/inspect", "application/json; charset=utf-8", mustJSON(t, q))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body.String())
	}
	var v map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	return v, rec.Body.String()
}

func codes(v map[string]any) []string {
	var out []string
	fs, _ := v["findings"].([]any)
	for _, f := range fs {
		if m, ok := f.(map[string]any); ok {
			out = append(out, fmt.Sprint(m["code"]))
		}
	}
	return out
}

func TestInspect(t *testing.T) {
	tok, cert := sample(t)
	h := New(Config{Now: fixedNow})
	cases := []struct {
		name      string
		q         map[string]any
		verdict   string
		signature string
		codes     []string // codes that must be present
	}{
		{"valid with certificate", map[string]any{"token": tok, "cert": cert, "now": exampleNow}, "ok", "valid", nil},
		{"clock from the server", map[string]any{"token": tok, "cert": cert}, "ok", "valid", nil},
		{"no certificate", map[string]any{"token": tok, "now": exampleNow}, "signature_unchecked", "unchecked", []string{"signature_unchecked"}},
		{"expired", map[string]any{"token": tok, "cert": cert, "now": exampleLater}, "expired", "valid", []string{"expired"}},
		{"now at the last 32-bit second", map[string]any{"token": tok, "cert": cert, "now": 4294967295}, "expired", "valid", []string{"expired"}},
		{"now at 0", map[string]any{"token": tok, "cert": cert, "now": 0}, "not_yet_valid", "valid", []string{"not_yet_valid"}},
		{"tampered", map[string]any{"token": tampered(t, tok), "cert": cert, "now": exampleNow}, "bad_signature", "invalid", []string{"bad_signature"}},
		{"wrong certificate", map[string]any{"token": tok, "cert": strings.Repeat("0", 32), "now": exampleNow}, "bad_signature", "invalid", nil},
		{"app id matches", map[string]any{"token": tok, "cert": cert, "app_id": exampleAppID, "now": exampleNow}, "ok", "valid", nil},
		{"app id differs", map[string]any{"token": tok, "cert": cert, "app_id": strings.Repeat("a", 32), "now": exampleNow}, "app_id_mismatch", "valid", []string{"app_id_mismatch"}},
		{"channel matches", map[string]any{"token": tok, "cert": cert, "channel": "7d72365eb983485397e3e3f9d460bdda", "now": exampleNow}, "ok", "valid", nil},
		{"channel differs", map[string]any{"token": tok, "cert": cert, "channel": "lobby", "now": exampleNow}, "channel_mismatch", "valid", []string{"channel_mismatch"}},
		{"uid as number", map[string]any{"token": tok, "cert": cert, "uid": 2882341273, "now": exampleNow}, "ok", "valid", nil},
		{"uid as string", map[string]any{"token": tok, "cert": cert, "uid": "2882341273", "now": exampleNow}, "ok", "valid", nil},
		{"uid differs", map[string]any{"token": tok, "cert": cert, "uid": 7, "now": exampleNow}, "uid_mismatch", "valid", []string{"uid_mismatch"}},
		{"uid null is not given", map[string]any{"token": tok, "cert": cert, "uid": nil, "now": exampleNow}, "ok", "valid", nil},
		{"for rtm", map[string]any{"token": tok, "cert": cert, "for": "rtm", "now": exampleNow}, "ok", "valid", nil},
		{"not a token", map[string]any{"token": "hello", "now": exampleNow}, "unsupported_version", "unchecked", []string{"unsupported_version"}},
		{"cleaned token", map[string]any{"token": "  " + tok + "\n", "cert": cert, "now": exampleNow}, "ok", "valid", []string{"token_cleaned"}},
		{"cert with a byte order mark", map[string]any{"token": tok, "cert": "\ufeff" + cert + "\r\n", "now": exampleNow}, "ok", "valid", nil},
		// Read as audit reads a line: an empty channel or account is given
		// (the page leaves empty fields out), an app ID is not trimmed.
		{"empty channel is given", map[string]any{"token": tok, "cert": cert, "channel": "", "now": exampleNow}, "channel_mismatch", "valid", []string{"channel_mismatch", "bad_channel_charset"}},
		{"empty account is given", map[string]any{"token": tok, "cert": cert, "account": "", "now": exampleNow}, "uid_mismatch", "valid", []string{"uid_mismatch", "empty_account"}},
		{"app id with spaces", map[string]any{"token": tok, "cert": cert, "app_id": " " + exampleAppID + " ", "now": exampleNow}, "bad_app_id_format", "valid", []string{"bad_app_id_format"}},
		{"empty app id is not given", map[string]any{"token": tok, "cert": cert, "app_id": "", "now": exampleNow}, "ok", "valid", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, _ := inspectOK(t, h, c.q)
			if v["verdict"] != c.verdict || v["signature"] != c.signature {
				t.Errorf("verdict %v, signature %v; want %s, %s (findings %v)", v["verdict"], v["signature"], c.verdict, c.signature, codes(v))
			}
			got := strings.Join(codes(v), " ")
			for _, want := range c.codes {
				if !strings.Contains(" "+got+" ", " "+want+" ") {
					t.Errorf("findings %q lack %s", got, want)
				}
			}
			if v["now"] == nil {
				t.Error("answer lacks now")
			}
		})
	}
}

// TestInspectIsVerifyObject checks that the answer is the verify --json
// object of the same inputs, plus "now" and the echoed "id".
func TestInspectIsVerifyObject(t *testing.T) {
	tok, cert := sample(t)
	h := New(Config{Now: fixedNow})
	_, body := inspectOK(t, h, map[string]any{"id": "case-7", "token": tok, "cert": cert, "uid": 2882341273, "app_id": exampleAppID, "now": exampleNow})
	uid := "2882341273"
	r := verify.Inspect(tok, &verify.Expectations{Certificates: []verify.Certificate{{Label: "primary", Value: cert}},
		AppID: exampleAppID, UID: &uid, UIDNumeric: true, Now: time.Unix(exampleNow, 0)})
	// verify --json names the exact reference compressor ("zlib" here, not
	// the framing family "zlib-compatible").
	encode.RefineCompressor(r.Token, r.Input)
	if r.Token.Encoding.Compressor != "zlib" {
		t.Fatalf("compressor %q, want zlib", r.Token.Encoding.Compressor)
	}
	want := report.Verify(r)
	now := int64(exampleNow)
	want.Now, want.ID = &now, "case-7"
	if got, w := strings.TrimSpace(body), mustJSON(t, want); got != w {
		t.Errorf("answer\n%s\nwant\n%s", got, w)
	}
	if strings.Contains(body, cert) {
		t.Error("the answer repeats the certificate")
	}
}

// TestInspectID checks that a string or number id is echoed as written and
// that no id means no "id" in the answer.
func TestInspectID(t *testing.T) {
	tok, _ := sample(t)
	h := New(Config{Now: fixedNow})
	cases := []struct {
		name, id string // id: the JSON text sent ("" = none)
		want     string // the "id" member of the answer ("" = absent)
	}{
		{"string", `"case-7"`, `"id":"case-7"`},
		{"number beyond float64 precision", `12345678901234567890`, `"id":12345678901234567890`},
		{"negative fraction", `-1.5e3`, `"id":-1.5e3`},
		{"null", `null`, ``},
		{"absent", ``, ``},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := `{"token":"` + tok + `"}`
			if c.id != "" {
				body = `{"id":` + c.id + `,"token":"` + tok + `"}`
			}
			rec := do(h, "POST", "/api/inspect", "application/json", body)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			if !utf8.Valid(rec.Body.Bytes()) {
				t.Fatalf("the answer is not valid UTF-8: %q", rec.Body.Bytes())
			}
			var top map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &top); err != nil {
				t.Fatal(err)
			}
			got, has := top["id"]
			if c.want == "" && has || c.want != "" && `"id":`+string(got) != c.want {
				t.Errorf("answer id %s (present %v), want %q", got, has, c.want)
			}
		})
	}
}

// TestUIDZero checks that uid 0, as number or text, is the wildcard.
func TestUIDZero(t *testing.T) {
	for _, raw := range []string{`0`, `"0"`} {
		var q InspectRequest
		if err := json.Unmarshal([]byte(`{"token":"x","uid":`+raw+`}`), &q); err != nil {
			t.Fatal(err)
		}
		exp, err := q.Expectations(fixedNow())
		if err != nil {
			t.Fatal(err)
		}
		if exp.UID == nil || *exp.UID != "" || !exp.UIDNumeric {
			t.Errorf("uid %s: expectations uid %v numeric %v, want \"\" numeric", raw, exp.UID, exp.UIDNumeric)
		}
	}
}

func TestPage(t *testing.T) {
	h := New(Config{})
	rec := do(h, "GET", "/", "", "")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc := rec.Body.String()
	for _, want := range []string{`id="token"`, `id="cert" name="cert" type="password"`, `id="app_id"`, `id="channel"`,
		`id="uid"`, `id="account"`, `id="for"`, `<label for="cert">`, `name="viewport"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	// Self-contained: nothing to load from elsewhere.
	if m := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|\bsrc=|\burl\(|@import|\bhref="[^#]`).FindString(doc); m != "" {
		t.Errorf("page refers to an outside resource: %q", m)
	}
	if strings.Contains(doc, "{{") || strings.Contains(doc, "localStorage") || strings.Contains(doc, "document.cookie") {
		t.Error("page has an unfilled placeholder or uses storage")
	}
	// The policy allows exactly the inlined style and script.
	csp := rec.Header().Get("Content-Security-Policy")
	for _, tag := range []string{"style", "script"} {
		m := regexp.MustCompile(`(?s)<` + tag + `>(.*?)</` + tag + `>`).FindStringSubmatch(doc)
		if m == nil {
			t.Fatalf("no inline %s", tag)
		}
		sum := sha256.Sum256([]byte(m[1]))
		if !strings.Contains(csp, tag+"-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'") {
			t.Errorf("policy %q does not allow the inline %s", csp, tag)
		}
	}
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("policy %q", csp)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Error("page may be cached")
	}
	head := do(h, "HEAD", "/", "", "")
	if head.Code != 200 || head.Body.Len() != 0 {
		t.Errorf("HEAD /: %d, %d bytes", head.Code, head.Body.Len())
	}
}

func TestHealthz(t *testing.T) {
	rec := do(New(Config{}), "GET", "/healthz", "", "")
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "ok" {
		t.Errorf("healthz: %d %q", rec.Code, rec.Body.String())
	}
}

// TestAccessLogHoldsNoSecrets sends tokens and certificates every way a
// client could (body, query string, path, headers) and checks that no log
// entry holds them.
func TestAccessLogHoldsNoSecrets(t *testing.T) {
	tok, cert := sample(t)
	m, err := decode.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	sigHex := fmt.Sprintf("%x", m.T007.Signature)
	var mu sync.Mutex
	var entries []AccessEntry
	h := New(Config{Now: fixedNow, AccessLog: func(a AccessEntry) {
		mu.Lock()
		entries = append(entries, a)
		mu.Unlock()
	}})
	body := mustJSON(t, map[string]any{"token": tok, "cert": cert})
	reqs := []*http.Request{
		httptest.NewRequest("POST", "/api/inspect", strings.NewReader(body)),
		httptest.NewRequest("POST", "/api/inspect?token="+tok[:60]+"&cert="+cert, strings.NewReader(body)),
		httptest.NewRequest("GET", "/"+tok[:80], nil),
		httptest.NewRequest("GET", "/?cert="+cert, nil),
		httptest.NewRequest(cert, "/api/inspect", nil),
	}
	reqs[0].Header.Set("Content-Type", "application/json")
	reqs[1].Header.Set("Content-Type", "application/json")
	reqs[1].Header.Set("Authorization", "Bearer "+tok)
	want := []AccessEntry{
		{Method: "POST", Route: "/api/inspect", Status: 200},
		{Method: "POST", Route: "/api/inspect", Status: 200},
		{Method: "GET", Route: "(other)", Status: 404},
		{Method: "GET", Route: "/", Status: 200},
		{Method: "(other)", Route: "/api/inspect", Status: 405},
	}
	for _, r := range reqs {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if len(entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(entries), len(want))
	}
	for i, e := range entries {
		if e.Method != want[i].Method || e.Route != want[i].Route || e.Status != want[i].Status || e.Bytes <= 0 {
			t.Errorf("entry %d: %+v, want %+v with bytes", i, e, want[i])
		}
	}
	all := fmt.Sprintf("%+v", entries)
	for _, secret := range []string{cert, sigHex, tok[:20], tok[len(tok)-20:]} {
		if strings.Contains(all, secret) {
			t.Errorf("access log holds %q", secret)
		}
	}
}

// fakeBuilder builds the example-like 007 RTC token with encode's primitives.
type fakeBuilder struct {
	err   error
	token string
}

func (b fakeBuilder) Build(q *BuildRequest, now time.Time) (*Built, error) {
	if b.err != nil {
		return nil, b.err
	}
	if b.token != "" {
		return &Built{Token: b.token}, nil
	}
	uid := ""
	if q.UID.Set {
		uid = token.UIDText(q.UID.Value)
	}
	var expire uint32
	if q.Expire != nil {
		expire = *q.Expire
	}
	t := &token.Token007{AppID: q.AppID, IssueTs: uint32(now.Unix()), Expire: expire, Salt: 1,
		Services: []token.Service{{Type: token.ServiceRTC, Channel: q.Channel, Account: uid,
			Privileges: []token.Privilege{{ID: 1, Expire: expire}}}}}
	s, err := encode.Token007(t, q.Cert)
	if err != nil {
		return nil, err
	}
	return &Built{Token: s}, nil
}

func TestBuild(t *testing.T) {
	_, cert := sample(t)
	good := map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": cert, "channel": "lobby", "uid": 42, "expire": 600}
	cases := []struct {
		name    string
		b       Builder
		q       any
		status  int
		errText string
	}{
		{"built and verified", fakeBuilder{}, good, 200, ""},
		{"input error", fakeBuilder{err: &token.InputError{Field: "channel", Rule: "at most 64 bytes"}}, good, 400, "channel: at most 64 bytes"},
		{"unknown kind", fakeBuilder{err: fmt.Errorf("%w %q", ErrUnknownKind, "voice")}, good, 400, `unknown token kind "voice"`},
		{"internal error hidden", fakeBuilder{err: errors.New("zlib: secret internal state")}, good, 500, "internal error"},
		{"output that does not verify", fakeBuilder{token: "007garbage"}, good, 500, "internal error"},
		{"missing kind", fakeBuilder{}, map[string]any{"app_id": exampleAppID, "cert": cert}, 400, `field "kind" is required`},
		{"unknown kind named before missing fields", fakeBuilder{}, map[string]any{"kind": "xyz"}, 400,
			`unknown kind "xyz": want rtc, rtm, chat, apaas, education or fpa`},
		{"bad version named before missing fields", fakeBuilder{}, map[string]any{"kind": "rtc", "version": "008"}, 400, `field "version": want "007" or "006"`},
		{"006 of a 007-only kind", fakeBuilder{}, map[string]any{"kind": "chat", "version": "006"}, 400, `field "version": chat tokens are built as 007 only`},
		{"missing app id", fakeBuilder{}, map[string]any{"kind": "rtc", "cert": cert}, 400, `field "app_id" is required`},
		{"missing cert", fakeBuilder{}, map[string]any{"kind": "rtc", "app_id": exampleAppID}, 400, `field "cert" is required`},
		{"bad version", fakeBuilder{}, map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": cert, "version": "008"}, 400, `field "version"`},
		{"uid and account", fakeBuilder{}, map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": cert, "uid": 1, "account": "a"}, 400, `not both`},
		{"unknown field", fakeBuilder{}, map[string]any{"kind": "rtc", "appid": "x"}, 400, `unknown field "appid"`},
		{"kind in another case", fakeBuilder{}, map[string]any{"kind": "rtc", "KIND": "fpa", "app_id": exampleAppID, "cert": cert}, 400,
			`unknown field "KIND" (byte 1): field names are matched exactly: write "kind"`},
		{"cert with a byte order mark", fakeBuilder{}, map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": "\ufeff" + cert, "channel": "lobby", "uid": 42, "expire": 600}, 200, ""},
		{"role null", fakeBuilder{}, map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": cert, "channel": "lobby", "role": nil, "expire": 600}, 200, ""},
		{"empty channel for fpa", fakeBuilder{}, map[string]any{"kind": "fpa", "app_id": exampleAppID, "cert": cert, "channel": ""}, 400, `field "channel" is not used by fpa tokens`},
		{"negative expire", fakeBuilder{}, map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": cert, "expire": -5}, 400,
			`field "expire": got a JSON number -5, want an integer from 0 to 4294967295`},
		{"expire in milliseconds", fakeBuilder{}, map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": cert, "expire": 1700003600000}, 400,
			`want an integer from 0 to 4294967295`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := New(Config{Now: fixedNow, Builder: c.b})
			rec := do(h, "POST", "/api/build", "application/json", mustJSON(t, c.q))
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, c.status, rec.Body.String())
			}
			if c.status != 200 {
				if msg := errorOf(t, rec); msg != c.errText && !strings.Contains(msg, c.errText) {
					t.Errorf("error %q, want %q", msg, c.errText)
				}
				return
			}
			var out struct {
				Token  string         `json:"token"`
				Verify map[string]any `json:"verify"`
			}
			if err := json.NewDecoder(io.Reader(bytes.NewReader(rec.Body.Bytes()))).Decode(&out); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out.Token, "007") || out.Verify["verdict"] != "ok" || out.Verify["signature"] != "valid" {
				t.Errorf("build answer %s", rec.Body.String())
			}
		})
	}
}

// TestInFlightLimit: API requests beyond MaxInFlight are answered 503 at
// once while the others are read, so that stalled clients cannot make the
// server hold their bodies without bound; a slot freed is used again.
func TestInFlightLimit(t *testing.T) {
	tok, cert := sample(t)
	ts := httptest.NewServer(New(Config{Now: fixedNow, MaxInFlight: 1}))
	defer ts.Close()
	// A request whose body stalls holds the only slot.
	pr, pw := io.Pipe()
	stalled := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/inspect", pr)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			stalled <- nil
			return
		}
		stalled <- resp
	}()
	if _, err := pw.Write([]byte(`{"token":`)); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"token": tok, "cert": cert, "now": exampleNow})
	var resp *http.Response
	for i := 0; i < 100; i++ { // until the stalled request holds the slot
		var err error
		resp, err = http.Post(ts.URL+"/api/inspect", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("with the slot held: status %d, want 503 with Retry-After", resp.StatusCode)
	}
	if _, err := fmt.Fprintf(pw, "%q,\"cert\":%q,\"now\":%d}", tok, cert, exampleNow); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if r := <-stalled; r == nil || r.StatusCode != http.StatusOK {
		t.Fatalf("the stalled request, completed: %v", r)
	} else {
		r.Body.Close()
	}
	resp, err := http.Post(ts.URL+"/api/inspect", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("after the slot is freed: status %d, want 200", resp.StatusCode)
	}
}

// TestUncleanPathsAndConnect: requests ServeMux would answer itself (a
// redirect of a path that is not clean, a plain-text 404 for CONNECT) get
// a JSON error like every other answer.
func TestUncleanPathsAndConnect(t *testing.T) {
	h := New(Config{Now: fixedNow})
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "//api/inspect", http.StatusNotFound},
		{http.MethodPost, "/api/../api/inspect", http.StatusNotFound},
		{http.MethodPost, "/api/inspect/", http.StatusNotFound},
		{http.MethodGet, "/./", http.StatusNotFound},
		{http.MethodConnect, "/", http.StatusMethodNotAllowed},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Method, req.URL.Path = c.method, c.path
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var v struct {
			Error string `json:"error"`
		}
		if rec.Code != c.status || json.Unmarshal(rec.Body.Bytes(), &v) != nil || v.Error == "" {
			t.Errorf("%s %s: status %d, body %q; want %d with a JSON error", c.method, c.path, rec.Code, rec.Body.String(), c.status)
		}
		if c.status == http.StatusMethodNotAllowed && rec.Header().Get("Allow") == "" {
			t.Errorf("%s %s: 405 without Allow", c.method, c.path)
		}
	}
}
