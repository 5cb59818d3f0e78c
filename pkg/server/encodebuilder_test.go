package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestEncodeBuilder builds every kind through POST /api/build and checks
// that the answer's token is the one its verify object describes, valid
// under the certificate it was built with.
func TestEncodeBuilder(t *testing.T) {
	_, cert := sample(t)
	h := New(Config{Now: fixedNow, Builder: EncodeBuilder{}})
	base := func(kv ...any) map[string]any {
		m := map[string]any{"app_id": exampleAppID, "cert": cert, "salt": 7}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	ok := []struct {
		name    string
		q       map[string]any
		version string
		// field=value pairs the decoded token must show, as JSON fragments.
		want []string
	}{
		{"rtc 007 uid", base("kind", "rtc", "channel", "lobby", "uid", 42), "007",
			[]string{`"channel":"lobby"`, `"uid":"42"`, `"name":"publish_audio_stream"`, `"expire":3600`}},
		{"rtc 007 subscriber account", base("kind", "rtc", "channel", "lobby", "account", "ann", "role", "subscriber", "expire", 600), "007",
			[]string{`"uid":"ann"`, `"expire":600`}},
		{"rtc 007 role number", base("kind", "rtc", "channel", "lobby", "role", 2), "007", []string{`"uid":""`}},
		{"rtc 006 uid", base("kind", "rtc", "version", "006", "channel", "lobby", "uid", "42"), "006", []string{`"kind":"rtc"`}},
		{"rtc 006 admin account", base("kind", "rtc", "version", "006", "channel", "lobby", "account", "ann", "role", "admin"), "006", nil},
		{"rtm 007", base("kind", "rtm", "user_id", "ann"), "007", []string{`"user_id":"ann"`}},
		{"rtm 006", base("kind", "rtm", "version", "006", "user_id", "ann"), "006", []string{`"kind":"rtm"`}},
		{"chat user", base("kind", "chat", "user_id", "ann"), "007", []string{`"name":"chat"`, `"user_id":"ann"`}},
		{"chat app", base("kind", "chat"), "007", []string{`"name":"app"`}},
		{"apaas room user", base("kind", "apaas", "room_uuid", "r1", "user_uuid", "u1", "role", 2), "007", []string{`"room_uuid":"r1"`, `"role":2`}},
		{"education user", base("kind", "education", "user_uuid", "u1"), "007", []string{`"user_uuid":"u1"`}},
		{"apaas app", base("kind", "apaas"), "007", []string{`"name":"apaas"`}},
		{"fpa", base("kind", "fpa", "issue_ts", exampleNow), "007", []string{`"name":"fpa"`, `"issue_ts":1661271000`}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			rec := do(h, "POST", "/api/build", "application/json", mustJSON(t, c.q))
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			var out struct {
				Token    string          `json:"token"`
				Warnings []BuildWarning  `json:"warnings"`
				Verify   json.RawMessage `json:"verify"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out.Token, c.version) || out.Warnings == nil || len(out.Warnings) != 0 {
				t.Errorf("token %q warnings %v", out.Token, out.Warnings)
			}
			v := string(out.Verify)
			for _, w := range append([]string{`"signature":"valid"`, `"salt":7`, `"version":"` + c.version + `"`}, c.want...) {
				if !strings.Contains(v, w) {
					t.Errorf("verify object lacks %s: %s", w, v)
				}
			}
			if strings.Contains(rec.Body.String(), cert) {
				t.Error("the answer repeats the certificate")
			}
			// The token inspects as valid through /api/inspect (006 needs the
			// identity it signs).
			iq := map[string]any{"token": out.Token, "cert": cert}
			for _, k := range []string{"channel", "uid", "account"} {
				if v, ok := c.q[k]; ok {
					iq[k] = v
				}
			}
			if c.q["kind"] == "rtm" {
				iq["account"], iq["for"] = c.q["user_id"], "rtm"
			}
			iv, _ := inspectOK(t, h, iq)
			if iv["signature"] != "valid" {
				t.Errorf("inspect of the built token: %v", iv["signature"])
			}
		})
	}

	bad := []struct {
		name   string
		q      map[string]any
		status int
		msg    string
	}{
		{"unknown kind", base("kind", "voice"), 400, `unknown kind "voice": want rtc, rtm, chat, apaas, education or fpa`},
		{"chat as 006", base("kind", "chat", "version", "006"), 400, `chat tokens are built as 007 only`},
		{"app id with a trailing space", base("kind", "rtc", "channel", "x", "app_id", exampleAppID+" "), 400,
			`app_id: 32 hexadecimal characters, without surrounding whitespace (is 33 bytes: a trailing space)`},
		{"app id with a leading tab and trailing spaces", base("kind", "fpa", "app_id", "\t"+exampleAppID+"  "), 400,
			`(is 35 bytes: a leading tab and 2 trailing spaces)`},
		{"app id with a trailing line break", base("kind", "chat", "app_id", exampleAppID+"\r\n"), 400, `(is 34 bytes: a trailing line break)`},
		{"app id of whitespace only", base("kind", "rtm", "user_id", "u", "app_id", " "), 400,
			`app_id: 32 hexadecimal characters, without surrounding whitespace (is 1 byte: a leading space)`},
		{"app id not hex", base("kind", "rtc", "channel", "x", "app_id", "xyz"), 400, `app_id: 32 hexadecimal characters (is 3 bytes)`},
		{"certificate not hex", base("kind", "rtc", "channel", "x", "cert", "zz"), 400, `certificate`},
		{"channel with a slash", base("kind", "rtc", "channel", "a/b"), 400, `channel`},
		{"lifetime over 24h", base("kind", "rtc", "channel", "x", "expire", 90000), 400, `expire`},
		{"bad rtc role", base("kind", "rtc", "channel", "x", "role", "owner"), 400, `field "role": want publisher or subscriber`},
		{"role not a string or number", base("kind", "rtc", "channel", "x", "role", true), 400, `field "role"`},
		{"room user without role", base("kind", "apaas", "room_uuid", "r", "user_uuid", "u"), 400, `needs "room_uuid", "user_uuid" and "role"`},
		{"role without room", base("kind", "apaas", "role", 1), 400, `for room-user tokens`},
		{"channel for fpa", base("kind", "fpa", "channel", "x"), 400, `field "channel" is not used by fpa tokens`},
		{"uid for rtm", base("kind", "rtm", "user_id", "u", "uid", 1), 400, `field "uid" is not used by rtm tokens`},
		{"user id for rtc", base("kind", "rtc", "channel", "x", "user_id", "u"), 400, `field "user_id" is not used by rtc tokens`},
		{"room uuid for chat", base("kind", "chat", "room_uuid", "r"), 400, `field "room_uuid" is not used by chat tokens`},
		{"expire for 006 rtc", base("kind", "rtc", "version", "006", "channel", "x", "expire", 600), 400, `field "expire" is for version 007 only`},
		{"privilege expire for 007 rtm", base("kind", "rtm", "user_id", "u", "privilege_expire", 600), 400, `field "privilege_expire" is for version 006 only`},
		{"empty role", base("kind", "rtc", "channel", "x", "role", ""), 400, `field "role": want a role name or a number, not an empty string`},
		{"uid and account", base("kind", "rtc", "channel", "x", "uid", 1, "account", "a"), 400, `give "uid" or "account", not both`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			rec := do(h, "POST", "/api/build", "application/json", mustJSON(t, c.q))
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body.String())
			}
			if msg := errorOf(t, rec); !strings.Contains(strings.ToLower(msg), strings.ToLower(c.msg)) {
				t.Errorf("error %q lacks %q", msg, c.msg)
			}
		})
	}

	t.Run("allow nonstandard", func(t *testing.T) {
		rec := do(h, "POST", "/api/build", "application/json",
			mustJSON(t, base("kind", "rtc", "channel", "x", "expire", 90000, "allow_nonstandard", true)))
		if rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
		var out BuildResponse
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		if len(out.Warnings) == 0 || out.Warnings[0].Code == "" {
			t.Errorf("no warning for a 25 h lifetime: %s", rec.Body.String())
		}
	})
}

// TestBuildWarnings checks that POST /api/build judges the token it built
// at the clock, not at its own issue time, and lists in "warnings" what the
// token meets when used, as the build command does (encode.UseWarnings).
func TestBuildWarnings(t *testing.T) {
	_, cert := sample(t)
	h := New(Config{Now: fixedNow, Builder: EncodeBuilder{}})
	rtc := func(kv ...any) map[string]any {
		m := map[string]any{"kind": "rtc", "app_id": exampleAppID, "cert": cert, "salt": 7, "channel": "lobby", "uid": 42}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	cases := []struct {
		name    string
		q       map[string]any
		verdict string
		// warnings are the codes and fields of the answer's warnings, in order.
		warnings []string
		// detail is a substring of the first warning's detail.
		detail string
	}{
		{"issued now", rtc("issue_ts", exampleNow), "ok", nil, ""},
		{"issued by the clock", rtc(), "ok", nil, ""},
		{"issue time 0", rtc("issue_ts", 0), "expired", []string{"expired expire"}, "the token expired at 1970-01-01T01:00:00Z"},
		{"issue time 1000000000", rtc("issue_ts", 1000000000), "expired", []string{"expired expire"}, "expired at 2001-09-09T02:46:40Z"},
		{"issue time 4294967295", rtc("issue_ts", 4294967295), "not_yet_valid", []string{"not_yet_valid issue_ts"}, "issued at 2106-02-07T06:28:15Z"},
		{"issue time a month ahead", rtc("issue_ts", exampleNow+30*86400), "not_yet_valid", []string{"not_yet_valid issue_ts"}, "30d00h in the future"},
		{"privilege expired, token not", rtc("issue_ts", exampleNow-700, "expire", 3600, "privilege_expire", 600), "privilege_expired",
			[]string{"privilege_expired services[0].privileges.join_channel", "privilege_expired services[0].privileges.publish_audio_stream",
				"privilege_expired services[0].privileges.publish_video_stream", "privilege_expired services[0].privileges.publish_data_stream"}, "expired at"},
		{"006 expired", rtc("version", "006", "issue_ts", 1600000000), "expired", []string{"expired ts"}, "the token expired at 2020-09-14"},
		{"a 30 s lifetime", rtc("issue_ts", exampleNow, "expire", 30), "ok", []string{"lifetime_too_short expire"}, ""},
		{"a 5 s lifetime", rtc("issue_ts", exampleNow, "expire", 5), "ok", []string{"expiry_implausible expire"}, ""},
		{"privilege outlives the token", rtc("issue_ts", exampleNow, "expire", 600, "privilege_expire", 3600), "ok",
			[]string{"privilege_outlives_token services[0].privileges.join_channel"}, ""},
		{"account -1", rtc("issue_ts", exampleNow, "uid", nil, "account", "-1"), "ok", []string{"uid_negative services[0].uid"}, "4294967295"},
		{"006 account -1", rtc("version", "006", "issue_ts", exampleNow, "uid", nil, "account", "-1"), "ok", []string{"uid_negative crc_uid"}, "4294967295"},
		{"006 account above 2^32-1", rtc("version", "006", "issue_ts", exampleNow, "uid", nil, "account", "9854785632"), "ok",
			[]string{"uid_out_of_range crc_uid"}, `"9854785632"`},
		{"allow nonstandard: the input check's warning, then the audit's", rtc("issue_ts", exampleNow, "expire", 90000, "allow_nonstandard", true), "ok",
			[]string{"expiry_over_24h token_expire", "expiry_implausible expire"}, "is 90000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.q["uid"] == nil {
				delete(c.q, "uid")
			}
			rec := do(h, "POST", "/api/build", "application/json", mustJSON(t, c.q))
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			var out struct {
				Warnings []BuildWarning `json:"warnings"`
				Verify   struct {
					Verdict   string  `json:"verdict"`
					Signature string  `json:"signature"`
					Now       float64 `json:"now"`
				} `json:"verify"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if out.Verify.Verdict != c.verdict || out.Verify.Signature != "valid" || out.Verify.Now != exampleNow {
				t.Errorf("verdict %q signature %q now %v, want %q valid %d", out.Verify.Verdict, out.Verify.Signature, out.Verify.Now, c.verdict, exampleNow)
			}
			var got []string
			for _, w := range out.Warnings {
				got = append(got, w.Code+" "+w.Field)
			}
			if strings.Join(got, "; ") != strings.Join(c.warnings, "; ") {
				t.Errorf("warnings %q, want %q", got, c.warnings)
			}
			if c.detail != "" && (len(out.Warnings) == 0 || !strings.Contains(out.Warnings[0].Detail, c.detail)) {
				t.Errorf("warnings %+v: the first lacks %q", out.Warnings, c.detail)
			}
		})
	}
}
