package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// legacyVector is one legacy vector turned into a build command line.
type legacyVector struct {
	name    string
	args    []string // after "build"; no certificate
	cert    string
	token   string
	builder string // the 007 builder the warning must name
}

// xlLegacyFile is the part of a cross-language vector file the CLI test reads.
type xlLegacyFile struct {
	Cases []struct {
		ID       string `json:"id"`
		Builder  string `json:"builder"`
		Category string `json:"category"`
		Inputs   struct {
			AppID      string  `json:"app_id"`
			Cert       string  `json:"app_certificate"`
			Channel    *string `json:"channel"`
			Account    *string `json:"account"`
			Ts         uint32  `json:"ts"`
			Salt       uint32  `json:"salt"`
			UID        uint32  `json:"uid"`
			ExpiredTs  uint32  `json:"expired_ts"`
			Permission string  `json:"permission"`
		} `json:"inputs"`
		Token         *string `json:"token"`
		ExpectedError bool    `json:"expected_error"`
	} `json:"cases"`
}

// xlBuilders maps the vector builder names to the CLI builder and --kind.
var xlBuilders = map[string][2]string{
	"dk3":           {"dk3", ""},
	"dk4_media":     {"dk4", "media"},
	"dk4_recording": {"dk4", "recording"},
	"dk4_public":    {"dk4", "public-sharing"},
	"dk5_media":     {"dk5", "media"},
	"dk5_recording": {"dk5", "recording"},
	"dk5_public":    {"dk5", "public-sharing"},
	"dk5_inchannel": {"dk5", "in-channel"},
	"signaling":     {"signaling", ""},
}

func u32(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// crossLanguageVectors turns every vector of 003, 004, 005 and signaling.json
// into a command line that fixes --unix-ts and --salt from the inputs.
func crossLanguageVectors(t *testing.T) []legacyVector {
	t.Helper()
	var out []legacyVector
	for _, file := range []string{"003.json", "004.json", "005.json", "signaling.json"} {
		raw, err := os.ReadFile(filepath.Join("../../testdata/vectors", file))
		if err != nil {
			t.Fatal(err)
		}
		var f xlLegacyFile
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		n := 0
		for _, c := range f.Cases {
			if c.ExpectedError || c.Token == nil {
				continue
			}
			b, ok := xlBuilders[c.Builder]
			if !ok {
				t.Fatalf("%s %s: unknown builder %q", file, c.ID, c.Builder)
			}
			in := c.Inputs
			args := []string{b[0], "--app-id", in.AppID}
			if b[0] == "signaling" {
				if in.Account == nil {
					t.Fatalf("%s: no account", c.ID)
				}
				args = append(args, "--account", *in.Account, "--expired-ts", u32(in.ExpiredTs))
			} else {
				if in.Channel == nil {
					t.Fatalf("%s: no channel", c.ID)
				}
				args = append(args, "--channel", *in.Channel, "--uid", u32(in.UID), "--expired-ts", u32(in.ExpiredTs),
					"--unix-ts", u32(in.Ts), "--salt", u32(in.Salt))
			}
			if b[1] != "" {
				args = append(args, "--kind", b[1])
			}
			if in.Permission != "" {
				args = append(args, "--permission", in.Permission)
			}
			out = append(out, legacyVector{name: file + "/" + c.ID, args: args, cert: in.Cert, token: *c.Token,
				builder: replacementBuilder(b[0], b[1])})
			n++
		}
		if n < 50 {
			t.Fatalf("%s: only %d vectors", file, n)
		}
	}
	return out
}

// knownAnswerVectors turns the legacy known answers (the only DK1 and DK2
// vectors) into command lines.
func knownAnswerVectors(t *testing.T) []legacyVector {
	t.Helper()
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	dk4 := map[string]string{"APSS": "public-sharing", "ARS": "recording", "ACS": "media"}
	dk5 := map[int]string{1: "media", 2: "recording", 3: "public-sharing", 4: "in-channel"}
	var out []legacyVector
	for _, v := range ka.Vectors {
		if v.Kind != "build" {
			continue
		}
		var in struct {
			AppID       string  `json:"app_id"`
			Cert        string  `json:"app_certificate"`
			Channel     string  `json:"channel_name"`
			Account     string  `json:"account"`
			UnixTs      uint32  `json:"unix_ts"`
			RandomInt   uint32  `json:"random_int"`
			UID         uint32  `json:"uid"`
			ExpiredTs   uint32  `json:"expired_ts"`
			Service     string  `json:"service"`
			ServiceType int     `json:"service_type"`
			Extra       [][]any `json:"extra"`
		}
		name, kind := "", ""
		switch v.Format {
		case "dk1", "dk2", "dk3", "dk4", "dk5", "signaling":
			name = v.Format
		default:
			continue
		}
		if err := json.Unmarshal(v.Inputs, &in); err != nil {
			t.Fatalf("%s: %v", v.ID, err)
		}
		args := []string{name, "--app-id", in.AppID}
		switch name {
		case "signaling":
			args = append(args, "--account", in.Account, "--expired-ts", u32(in.ExpiredTs))
		default:
			args = append(args, "--channel", in.Channel, "--unix-ts", u32(in.UnixTs), "--salt", u32(in.RandomInt))
			if name != "dk1" {
				args = append(args, "--uid", u32(in.UID), "--expired-ts", u32(in.ExpiredTs))
			}
		}
		switch name {
		case "dk4":
			kind = dk4[in.Service]
			args = append(args, "--kind", kind)
		case "dk5":
			kind = dk5[in.ServiceType]
			args = append(args, "--kind", kind)
			if len(in.Extra) == 1 && len(in.Extra[0]) == 2 {
				args = append(args, "--permission", fmt.Sprint(in.Extra[0][1]))
			}
		}
		out = append(out, legacyVector{name: "known-answers/" + v.ID, args: args, cert: in.Cert, token: v.Expected,
			builder: replacementBuilder(name, kind)})
	}
	if len(out) < 16 {
		t.Fatalf("only %d legacy known answers", len(out))
	}
	return out
}

func replacementBuilder(name, kind string) string {
	switch {
	case name == "signaling":
		return legacy.BuilderRTM
	case kind == "in-channel":
		return legacy.BuilderRTCUidPrivilege
	}
	return legacy.BuilderRTCUid
}

// TestBuildLegacyVectors rebuilds every legacy vector from the command line,
// exactly, with the certificate given each of the three ways, and checks the
// legacy_format warning and that the certificate is never printed.
func TestBuildLegacyVectors(t *testing.T) {
	all := append(crossLanguageVectors(t), knownAnswerVectors(t)...)
	certFile := filepath.Join(t.TempDir(), "cert")
	for i, v := range all {
		t.Run(v.name, func(t *testing.T) {
			args := append([]string{"build"}, v.args...)
			var envVars map[string]string
			switch i % 3 {
			case 0:
				envVars = map[string]string{"TOKENCHECK_CERT": v.cert}
			case 1:
				if err := os.WriteFile(certFile, []byte(v.cert+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				args = append(args, "--cert-file", certFile)
			default:
				args = append(args, "--cert", v.cert)
			}
			asJSON := i%4 == 0
			if asJSON {
				args = append(args, "--json")
			}
			code, out, errs := runCLI(t, "", envVars, args...)
			if code != exitOK {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
			}
			lowCert := strings.ToLower(v.cert)
			if strings.Contains(strings.ToLower(out), lowCert) || strings.Contains(strings.ToLower(errs), lowCert) {
				t.Fatalf("the certificate was printed")
			}
			if !asJSON {
				if out != v.token+"\n" {
					t.Fatalf("stdout\n%s\nwant\n%s", out, v.token)
				}
				want := "tokencheck: warning: [legacy_format] version: "
				if !strings.HasPrefix(errs, want) || !strings.Contains(errs, "is a legacy format; build a "+v.builder+" token instead") {
					t.Fatalf("stderr lacks the legacy warning naming %s:\n%s", v.builder, errs)
				}
				return
			}
			var got buildView
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got.Token != v.token || got.Builder != v.args[0] || got.Decoded == nil || got.Decoded.Legacy == nil {
				t.Fatalf("json %+v, want token %s", got, v.token)
			}
			tok, err := decode.Parse(v.token)
			if err != nil || got.Version != string(tok.Version) {
				t.Fatalf("version %q, want %v (%v)", got.Version, tok, err)
			}
			// The kind is the builder's, as verify tells it from the
			// signature (a DK4 key does not state it).
			if kinds := map[string]string{"media": "media_channel", "recording": "recording", "public-sharing": "public_sharing",
				"in-channel": "in_channel_permission"}; v.args[0] == "dk4" || v.args[0] == "dk5" {
				if want := kinds[flagValue(v.args, "--kind")]; got.Decoded.Kind != want {
					t.Errorf("decoded kind %q, want %q", got.Decoded.Kind, want)
				}
			}
			if len(got.Warnings) == 0 || got.Warnings[0].Code != legacy.FindingLegacyFormat ||
				!strings.Contains(got.Warnings[0].Rule, v.builder) {
				t.Fatalf("warnings %+v, want one legacy_format naming %s", got.Warnings, v.builder)
			}
			// The vectors' fixed times are far from the test clock: a key
			// that expired before it says so, and one generated after it
			// (a random unixTs) is not yet valid, or off by whole hours; a
			// channel name or account the SDK refuses (the vectors' edge
			// cases) is named; nothing else is added.
			names := map[string]string{"bad_channel_charset": "channel", "channel_too_long": "channel",
				"empty_account": "account", "bad_account_charset": "account", "account_too_long": "account",
				"expired": "expired_ts", "not_yet_valid": "unix_ts", "clock_offset_hours": "unix_ts"}
			for _, w := range got.Warnings[1:] {
				if names[w.Code] != w.Field {
					t.Errorf("unexpected warning %+v", w)
				}
			}
		})
	}
}

// TestBuildLegacyCLI covers defaults, refusals and usage errors.
func TestBuildLegacyCLI(t *testing.T) {
	const (
		app  = "970ca35de60c44645bbae8a215061b33"
		cert = "5cfd2fd1755d40ecb72977518be15d3b"
		ch   = "7d72365eb983485397e3e3f9d460bdda"
	)
	certEnv := map[string]string{"TOKENCHECK_CERT": cert}
	cases := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noStderr []string
		noStdout []string
	}{
		{name: "dk1 reference fixture", args: []string{"build", "dk1", "--app-id", app, "--channel", ch, "--unix-ts", "1446455472", "--salt", "58964981"},
			stdout: []string{"870588aad271ff47094eb622617e89d6b5b5a615970ca35de60c44645bbae8a215061b3314464554720383bbf5\n"},
			stderr: []string{"[legacy_format]", "a DK1 key", "uid 0 (a DK1 key binds no uid)"}},
		{name: "issue-ts is a synonym of unix-ts", args: []string{"build", "dk1", "--app-id", app, "--channel", ch, "--issue-ts", "1446455472", "--salt", "58964981"},
			stdout: []string{"870588aad271ff47094eb622617e89d6b5b5a615970ca35de60c44645bbae8a215061b3314464554720383bbf5\n"}},
		{name: "defaults: unix-ts from the clock, random salt", args: []string{"build", "dk3", "--json", "--app-id", app, "--channel", "room", "--uid", "7", "--expired-ts", "1700003600"},
			stdout: []string{`"version": "003"`, `"unix_ts": 1700000000`, `"issue_ts": 1700000000`, `"uid": 7`, `"expired_ts": 1700003600`, `"salt": `}},
		{name: "dk2 json", args: []string{"build", "dk2", "--json", "--app-id", app, "--channel", "", "--uid", "1"},
			stdout: []string{`"builder": "dk2"`, `"version": "dk2"`, `"code": "legacy_format"`, `"kind": "media_channel"`}},
		{name: "signaling empty account", args: []string{"build", "signaling", "--app-id", app, "--account", ""},
			stderr: []string{"[legacy_format]", "[empty_account] account: accepted, but the audit flags it"}},
		{name: "dk1 empty channel", args: []string{"build", "dk1", "--app-id", app, "--channel", ""},
			stderr: []string{"[bad_channel_charset] channel: accepted, but the audit flags it (the channel name is empty)"}},
		{name: "dk5 channel outside the SDK's characters", args: []string{"build", "dk5", "--app-id", app, "--channel", "a/b"},
			stderr: []string{"[bad_channel_charset]", "'/' (U+002F) at byte 1"}},
		{name: "dk4 kind in the warning", args: []string{"build", "dk4", "--app-id", app, "--channel", "c", "--kind", "recording"},
			stderr: []string{"a 004 key (recording) is a legacy format", "role subscriber (2)"}},
		{name: "dk5 public sharing", args: []string{"build", "dk5", "--json", "--app-id", strings.ToUpper(app), "--channel", "c", "--kind", "public-sharing"},
			stdout: []string{`"service_type": 3`, `"app_id": "` + app + `"`, "007 has no public-sharing key"}},
		{name: "dk5 in-channel", args: []string{"build", "dk5", "--json", "--app-id", app, "--channel", "c", "--kind", "in-channel", "--permission", "0"},
			stdout: []string{`"service_type": 4`, `"value": "0"`, legacy.BuilderRTCUidPrivilege}},
		{name: "signaling", args: []string{"build", "signaling", "--app-id", app, "--account", "2882341273", "--expired-ts", "1446455471"},
			stdout: []string{"1:970ca35de60c44645bbae8a215061b33:1446455471:e0446c68b746cc05a9cd448d98a32a62\n"}, stderr: []string{legacy.BuilderRTM}},
		{name: "signaling empty account", args: []string{"build", "signaling", "--app-id", app, "--account", ""}, stdout: []string{"1:" + app + ":0:"}},

		{name: "non-hex app id", args: []string{"build", "dk3", "--app-id", "970ca35de60c44645bbae8a215061bzz", "--channel", "c"},
			code: 1, stderr: []string{"tokencheck: error: input refused: app_id: 32 characters of hex", `offset 30 is "z"`}, noStderr: []string{"hint", "warning"}},
		{name: "short app id", args: []string{"build", "signaling", "--app-id", "abc", "--account", "a"},
			code: 1, stderr: []string{"app_id: 32 characters of hex (has 3)"}},
		{name: "dk5 non-hex certificate is not echoed", args: []string{"build", "dk5", "--app-id", app, "--cert", "5cfd2fd1755d40ecb72977518be15dZZ", "--channel", "c"},
			code: 1, stderr: []string{"certificate: 32 characters of hex"}, noStderr: []string{"5cfd2fd1755d40ecb72977518be15dZZ"}},
		{name: "missing channel", args: []string{"build", "dk4", "--app-id", app}, code: 2, stderr: []string{"--channel is required"}},
		{name: "missing channel dk1", args: []string{"build", "dk1", "--app-id", app, "--salt", "1"}, code: 2, stderr: []string{"--channel is required"}},
		{name: "missing account", args: []string{"build", "signaling", "--app-id", app}, code: 2, stderr: []string{"--account is required"}},
		{name: "missing app id", args: []string{"build", "dk3", "--channel", "c"}, code: 2, stderr: []string{"--app-id is required"}},
		{name: "bad kind", args: []string{"build", "dk4", "--app-id", app, "--channel", "c", "--kind", "in-channel"},
			code: 2, stderr: []string{`--kind "in-channel": want media, recording or public-sharing`}},
		{name: "in-channel without permission", args: []string{"build", "dk5", "--app-id", app, "--channel", "c", "--kind", "in-channel"},
			code: 2, stderr: []string{"--kind in-channel needs --permission"}},
		{name: "permission without in-channel", args: []string{"build", "dk5", "--app-id", app, "--channel", "c", "--permission", "3"},
			code: 2, stderr: []string{"--permission is for --kind in-channel only"}},
		{name: "bad permission", args: []string{"build", "dk5", "--app-id", app, "--channel", "c", "--kind", "in-channel", "--permission", "1"},
			code: 1, stderr: []string{`permission: must be "0" (no upload) or "3"`}},
		{name: "dk1 has no uid", args: []string{"build", "dk1", "--app-id", app, "--channel", "c", "--uid", "1"}, code: 2, stderr: []string{"unknown flag: --uid"}},
		{name: "signaling has no salt", args: []string{"build", "signaling", "--app-id", app, "--account", "a", "--salt", "1"},
			code: 2, stderr: []string{"a signaling token has no salt"}},
		{name: "unix-ts and issue-ts", args: []string{"build", "dk3", "--app-id", app, "--channel", "c", "--unix-ts", "1", "--issue-ts", "1"},
			code: 2, stderr: []string{"not both"}},
		{name: "allow-nonstandard refused", args: []string{"build", "dk3", "--app-id", app, "--channel", "c", "--allow-nonstandard"},
			code: 2, stderr: []string{"--allow-nonstandard is for 006/007 tokens"}},
		{name: "no version flag", args: []string{"build", "dk5", "--app-id", app, "--channel", "c", "--version", "005"},
			code: 2, stderr: []string{"unknown flag: --version"}},
		{name: "help lists the legacy builders", args: []string{"build", "--help"}, stdout: []string{"dk1", "dk4", "dk5", "signaling"}},
		{name: "builder help", args: []string{"build", "dk5", "--help"}, stdout: []string{"--unix-ts", "--expired-ts", "--kind", "--permission"}},
		{name: "dk help shows --unix-ts only", args: []string{"build", "dk1", "--help"}, stdout: []string{"--unix-ts", "--salt", "--channel"},
			noStdout: []string{"--issue-ts", "--compressor", "--allow-nonstandard", "--version"}},
		{name: "signaling help shows what it reads", args: []string{"build", "signaling", "--help"}, stdout: []string{"--account", "--expired-ts"},
			noStdout: []string{"--salt", "--issue-ts", "--unix-ts", "--compressor", "--allow-nonstandard"}},
		{name: "no compressor for a legacy key", args: []string{"build", "dk3", "--app-id", app, "--channel", "c", "--compressor", "zlib"},
			code: 2, stderr: []string{"unknown flag: --compressor"}},
		{name: "no compressor for signaling", args: []string{"build", "signaling", "--app-id", app, "--account", "a", "--compressor", "go"},
			code: 2, stderr: []string{"unknown flag: --compressor"}},
		{name: "signaling has no issue time", args: []string{"build", "signaling", "--app-id", app, "--account", "a", "--issue-ts", "1"},
			code: 2, stderr: []string{"no generation time"}},
		{name: "key expired when built warns", args: []string{"build", "dk2", "--json", "--app-id", app, "--channel", "c", "--expired-ts", "1699999999", "--salt", "1"},
			stdout: []string{`"code": "expired"`, `"field": "expired_ts"`}, stderr: []string{"[expired] expired_ts: already expired when built"}},
		{name: "key valid when built does not warn", args: []string{"build", "dk2", "--app-id", app, "--channel", "c", "--expired-ts", "1700000001", "--salt", "1"},
			noStderr: []string{"[expired]"}},
		{name: "app id with a trailing space", args: []string{"build", "dk3", "--app-id", app + " ", "--channel", "c"},
			code: 1, stderr: []string{"app_id: 32 hexadecimal characters, without surrounding whitespace (is 33 bytes: a trailing space)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", certEnv, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			for _, s := range c.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
			for _, s := range c.noStderr {
				if strings.Contains(errs, s) {
					t.Errorf("stderr contains %q:\n%s", s, errs)
				}
			}
			for _, s := range c.noStdout {
				if strings.Contains(out, s) {
					t.Errorf("stdout contains %q:\n%s", s, out)
				}
			}
			if strings.Contains(out, cert) || strings.Contains(errs, cert) {
				t.Errorf("the certificate was printed")
			}
			if code != exitOK && out != "" {
				t.Errorf("stdout on failure: %q", out)
			}
		})
	}
}

// TestBuildLegacySelfCheck proves that a key that fails its self-check is an
// error with exit 1 and is never printed: the generator is replaced by one
// that damages its output in several ways.
func TestBuildLegacySelfCheck(t *testing.T) {
	const app = "970ca35de60c44645bbae8a215061b33"
	certEnv := map[string]string{"TOKENCHECK_CERT": "5cfd2fd1755d40ecb72977518be15d3b"}
	real := buildLegacyKey
	t.Cleanup(func() { buildLegacyKey = real })
	flip := func(tok string, i int) string {
		b := []byte(tok)
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
		return string(b)
	}
	cases := []struct {
		name   string
		args   []string
		damage func(s *legacySpec) (string, error)
		want   string
	}{
		{name: "signature", args: []string{"dk3", "--channel", "c"},
			damage: func(s *legacySpec) (string, error) { tok, err := real(s); return flip(tok, 3), err },
			want:   "signature invalid"},
		{name: "not decodable", args: []string{"dk4", "--channel", "c"},
			damage: func(s *legacySpec) (string, error) { tok, err := real(s); return tok[:len(tok)-1], err },
			want:   "does not decode"},
		{name: "other salt", args: []string{"dk2", "--channel", "c", "--salt", "5"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.salt++; return real(&o) },
			want:   "decoded salt differs"},
		{name: "other uid", args: []string{"dk3", "--channel", "c", "--uid", "5"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.uid++; return real(&o) },
			want:   "decoded uid differs"},
		{name: "other channel", args: []string{"dk5", "--channel", "c", "--uid", "5"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.channel += "x"; return real(&o) },
			want:   "signature invalid"},
		{name: "dk5 wildcard uid instead of the uid", args: []string{"dk5", "--channel", "c", "--uid", "5"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.uid = 0; return real(&o) },
			want:   "matches uid 0, not uid 5"},
		{name: "dk4 other kind", args: []string{"dk4", "--channel", "c", "--kind", "recording"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.kind = legacy.KindPublicSharing; return real(&o) },
			want:   "matches a public_sharing key, not recording"},
		{name: "dk5 other permission", args: []string{"dk5", "--channel", "c", "--kind", "in-channel", "--permission", "3"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.permission = legacy.DK5NoUpload; return real(&o) },
			want:   "decoded extra differs"},
		{name: "other format", args: []string{"dk2", "--channel", "c"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.format = "003"; return real(&o) },
			want:   `decodes as version "003", not "dk2"`},
		{name: "signaling other account", args: []string{"signaling", "--account", "a"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.account = "b"; return real(&o) },
			want:   "signature invalid"},
		{name: "signaling other expiry", args: []string{"signaling", "--account", "a", "--expired-ts", "9"},
			damage: func(s *legacySpec) (string, error) { o := *s; o.expiredTs = 10; return real(&o) },
			want:   "decoded expired_ts differs"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			buildLegacyKey = c.damage
			defer func() { buildLegacyKey = real }()
			args := append([]string{"build", c.args[0], "--app-id", app}, c.args[1:]...)
			code, out, errs := runCLI(t, "", certEnv, args...)
			if code != exitBad || out != "" {
				t.Fatalf("exit %d, stdout %q; want 1 and nothing\nstderr: %s", code, out, errs)
			}
			if !strings.Contains(errs, "tokencheck: error: self-verification failed: ") || !strings.Contains(errs, c.want) {
				t.Fatalf("stderr lacks %q:\n%s", c.want, errs)
			}
			if strings.Contains(errs, "warning") {
				t.Fatalf("a warning for a key that was not output:\n%s", errs)
			}
		})
	}
}

// TestVerifyLegacyKind runs every vector of 003, 004, 005 and
// signaling.json through verify and decode: the token object of verify
// --json carries the kind of the key, for DK4 the one whose service string
// the signature matched (a DK4 key does not store it), and the human output
// shows it; decode, which checks no signature, leaves a DK4 key's kind
// unknown, as verify does when the signature does not match.
func TestVerifyLegacyKind(t *testing.T) {
	kinds := map[string]string{
		"dk3": "media_channel", "dk4_media": "media_channel", "dk4_recording": "recording", "dk4_public": "public_sharing",
		"dk5_media": "media_channel", "dk5_recording": "recording", "dk5_public": "public_sharing",
		"dk5_inchannel": "in_channel_permission", "signaling": "signaling",
	}
	type view struct {
		Token *struct {
			Kind string `json:"kind"`
		} `json:"token"`
		Signature string `json:"signature"`
		Kind      string `json:"kind"`
	}
	seen := map[string]int{}
	for _, file := range []string{"003.json", "004.json", "005.json", "signaling.json"} {
		var f xlLegacyFile
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join("../../testdata/vectors", file))), &f); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, c := range f.Cases {
			if c.ExpectedError || c.Token == nil {
				continue
			}
			want, ok := kinds[c.Builder]
			if !ok {
				t.Fatalf("%s %s: unknown builder %q", file, c.ID, c.Builder)
			}
			seen[c.Builder]++
			in := c.Inputs
			verifyArgs := func(asJSON bool, cert string) []string {
				args := []string{"verify", "--cert", cert}
				if asJSON {
					args = append(args, "--json")
				}
				if in.Account != nil {
					return append(args, "--account", *in.Account, *c.Token)
				}
				return append(args, "--channel", *in.Channel, "--uid", u32(in.UID), *c.Token)
			}
			code, out, errs := runCLI(t, "", nil, verifyArgs(true, in.Cert)...)
			var v view
			if err := json.Unmarshal([]byte(out), &v); err != nil || v.Token == nil {
				t.Fatalf("%s: exit %d, %v\nstdout: %s\nstderr: %s", c.ID, code, err, out, errs)
			}
			if v.Signature != "valid" || v.Token.Kind != want {
				t.Errorf("%s: verify --json: signature %s, kind %q; want valid, %q", c.ID, v.Signature, v.Token.Kind, want)
			}
			dk4 := strings.HasPrefix(c.Builder, "dk4")
			_, out, _ = runCLI(t, "", nil, verifyArgs(false, in.Cert)...)
			if row := "│ kind "; dk4 && (!strings.Contains(out, row) || !strings.Contains(out, "│ "+want+" ")) {
				t.Errorf("%s: verify lacks the kind row for %s:\n%s", c.ID, want, out)
			} else if !dk4 && strings.Contains(out, row) {
				t.Errorf("%s: verify shows a kind row for a key that states its kind:\n%s", c.ID, out)
			}
			decoded := want
			if dk4 {
				decoded = "unknown"
			}
			_, out, _ = runCLI(t, "", nil, "decode", "--json", *c.Token)
			v = view{}
			if err := json.Unmarshal([]byte(out), &v); err != nil || v.Kind != decoded {
				t.Errorf("%s: decode --json kind %q (%v), want %q", c.ID, v.Kind, err, decoded)
			}
			if _, out, _ = runCLI(t, "", nil, "decode", *c.Token); strings.Contains(out, "│ kind ") {
				t.Errorf("%s: decode shows a kind row:\n%s", c.ID, out)
			}
			if !dk4 {
				continue
			}
			_, out, _ = runCLI(t, "", nil, verifyArgs(true, strings.Repeat("0", 32))...)
			v = view{}
			if err := json.Unmarshal([]byte(out), &v); err != nil || v.Signature != "invalid" || v.Token == nil || v.Token.Kind != "unknown" {
				t.Errorf("%s: verify --json with another certificate: signature %s, token %+v (%v); want invalid, kind unknown", c.ID, v.Signature, v.Token, err)
			}
			_, out, _ = runCLI(t, "", nil, "verify", "--json", *c.Token)
			v = view{}
			if err := json.Unmarshal([]byte(out), &v); err != nil || v.Signature != "unchecked" || v.Token == nil || v.Token.Kind != "unknown" {
				t.Errorf("%s: verify --json without a certificate: signature %s, token %+v (%v); want unchecked, kind unknown", c.ID, v.Signature, v.Token, err)
			}
		}
	}
	for b := range kinds {
		if seen[b] == 0 {
			t.Errorf("no vector of builder %s", b)
		}
	}
}

// flagValue is the value following flag in args, or "".
func flagValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}
