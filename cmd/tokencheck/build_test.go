package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

const (
	kaApp     = "970CA35de60c44645bbae8a215061b33"
	kaCertVal = "5CFd2fd1755d40ecb72977518be15d3b"
	kaChan    = "7d72365eb983485397e3e3f9d460bdda"
	// emptyCert is an empty file; bomCert holds the sample certificate
	// after a UTF-8 byte order mark, as some editors save it.
	emptyCert = "../../testdata/cli/empty.cert"
	bomCert   = "../../testdata/cli/bom.cert"
)

func knownAnswer(t *testing.T, id string) string {
	t.Helper()
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range ka.Vectors {
		if v.ID == id {
			return v.Expected
		}
	}
	t.Fatalf("no known answer %s", id)
	return ""
}

func TestBuildCLI(t *testing.T) {
	fixed := []string{"--app-id", kaApp, "--cert-file", sampleCert, "--salt", "1", "--issue-ts", "1111111"}
	with := func(extra ...string) []string { return append(append([]string{}, fixed...), extra...) }
	certEnv := map[string]string{"TOKENCHECK_CERT": kaCertVal}
	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		stdout   []string // substrings
		stderr   []string
		exact    string // whole stdout, token + newline
		noStderr []string
	}{
		{name: "rtc 007 reproduces the Go reference",
			args:  append([]string{"build", "rtc"}, with("--channel", kaChan, "--uid", "2882341273", "--role", "subscriber", "--expire", "600", "--privilege-expire", "600")...),
			exact: knownAnswer(t, "007-rtc-uid-go") + "\n"},
		{name: "rtc 007 uid 0 reproduces the Go reference",
			args:  append([]string{"build", "rtc"}, with("--channel", kaChan, "--role", "2", "--expire", "600", "--privilege-expire", "600")...),
			exact: knownAnswer(t, "007-rtc-uid0-go") + "\n"},
		{name: "rtm 007 reproduces the Go reference", env: certEnv,
			args:  []string{"build", "rtm", "--app-id", kaApp, "--user-id", "test_user", "--expire", "600", "--salt", "1", "--issue-ts", "1111111"},
			exact: knownAnswer(t, "007-rtm-testuser-go") + "\n"},
		{name: "chat user reproduces the Go reference",
			args:  append([]string{"build", "chat"}, with("--user-id", "2882341273", "--expire", "600")...),
			exact: knownAnswer(t, "007-chat-user-go") + "\n"},
		{name: "chat app reproduces the Go reference",
			args:  append([]string{"build", "chat"}, with("--app", "--expire", "600")...),
			exact: knownAnswer(t, "007-chat-app-go") + "\n"},
		{name: "rtc 006 fixture needs allow-nonstandard (privilege years after a 1970 issue time)",
			args: append([]string{"build", "rtc", "--version", "006"}, with("--channel", kaChan, "--uid", "2882341273", "--role", "subscriber",
				"--privilege-expire", "1446455471", "--ts", "1111111")...),
			code: 1, stderr: []string{"tokencheck: error: input refused: ts: ", "tokencheck: hint:", "--allow-nonstandard"}},
		{name: "rtc 006 fixture reproduced with allow-nonstandard",
			args: append([]string{"build", "rtc", "--version", "006", "--allow-nonstandard"}, with("--channel", kaChan, "--uid", "2882341273", "--role", "subscriber",
				"--privilege-expire", "1446455471", "--ts", "1111111")...),
			exact: knownAnswer(t, "006-rtc-join-uid") + "\n", stderr: []string{"tokencheck: warning: [expiry_over_24h] privilege_expired_ts"}},
		{name: "rtc 006 publisher",
			args: append([]string{"build", "rtc", "--version", "006", "--allow-nonstandard"}, with("--channel", kaChan, "--uid", "2882341273",
				"--privilege-expire", "1446455471", "--ts", "1111111")...),
			exact: knownAnswer(t, "006-rtc-publisher-uid") + "\n"},
		{name: "rtm 006",
			args: append([]string{"build", "rtm", "--version", "006", "--allow-nonstandard"}, with("--user-id", "test_user",
				"--privilege-expire", "1446455471", "--ts", "1111111")...),
			exact: knownAnswer(t, "006-rtm-login") + "\n"},
		{name: "rtc json", args: append([]string{"build", "rtc", "--json"}, with("--channel", "room", "--account", "alice", "--expire", "600")...),
			stdout: []string{`"builder": "rtc"`, `"version": "007"`, `"token": "007`, `"uid": "alice"`, `"name": "publish_data_stream"`,
				`"code": "expired"`}}, // the fixed issue time is in 1970

		{name: "rtc explicit privileges", args: append([]string{"build", "rtc", "--json"}, with("--channel", "room", "--uid", "9", "--join", "60", "--pub-audio", "30")...),
			stdout: []string{`"name": "join_channel"`, `"expire": 60`, `"expire": 30`, `"name": "publish_video_stream"`}},
		{name: "rtc with rtm", args: append([]string{"build", "rtc", "--json", "--with-rtm"}, with("--channel", "room", "--account", "alice")...),
			stdout: []string{`"name": "rtm"`, `"user_id": "alice"`}},
		{name: "rtc with rtm2", args: append([]string{"build", "rtc", "--json"}, with("--channel", "room", "--account", "alice", "--user-id", "bob", "--rtm-expire", "120")...),
			stdout: []string{`"name": "rtm"`, `"user_id": "bob"`, `"expire": 120`}},
		{name: "rtm permissions", args: append([]string{"build", "rtm", "--json"}, with("--user-id", "u", "--permission", "message_channels:read:a,b", "--permission", "4:1:x")...),
			stdout: []string{`"name": "rtm2"`, `"a"`, `"x"`}},
		{name: "apaas room user", args: append([]string{"build", "apaas", "--json"}, with("--room-uuid", "123", "--user-uuid", "2882341273", "--role", "1", "--expire", "600")...),
			stdout: []string{`"user_id": "6063383428a36fba3fb6030becf8094e"`, `"room_uuid": "123"`, `"name": "room_user"`}},
		{name: "education user", args: append([]string{"build", "education", "--json"}, with("--user-uuid", "u1")...),
			stdout: []string{`"user_uuid": "u1"`, `"role": -1`}},
		{name: "apaas app", args: append([]string{"build", "apaas", "--json"}, with()...), stdout: []string{`"name": "app"`}},
		{name: "fpa", args: append([]string{"build", "fpa", "--json"}, with()...), stdout: []string{`"name": "fpa"`, `"expire": 86400`}},
		{name: "convoai", args: append([]string{"build", "convoai", "--json"}, with("--channel", "room", "--account", "agent", "--user-id", "agent-rtm")...),
			stdout: []string{`"name": "convoai"`, `"type": 9`}},
		{name: "stt", args: append([]string{"build", "stt", "--json"}, with("--channel", "room", "--account", "agent", "--user-id", "agent-rtm", "--role", "subscriber")...),
			stdout: []string{`"name": "stt"`, `"type": 10`}},
		{name: "default salt and issue time", env: certEnv,
			args: []string{"build", "rtc", "--json", "--app-id", kaApp, "--channel", "room"}, stdout: []string{`"issue_ts": 1700000000`, `"warnings": []`},
			noStderr: []string{"warning"}},
		{name: "rtc without --uid or --account: uid 0 said", env: certEnv,
			args:   []string{"build", "rtc", "--app-id", kaApp, "--channel", "room"},
			stderr: []string{"tokencheck: hint: no --uid or --account: the token is for uid 0, which any user of the channel may join with"}},
		{name: "rtc with --uid 0: nothing to say", env: certEnv,
			args:     []string{"build", "rtc", "--app-id", kaApp, "--channel", "room", "--uid", "0"},
			noStderr: []string{"hint"}},
		{name: "issue time 0: expired when built", env: certEnv,
			args:   []string{"build", "rtc", "--app-id", kaApp, "--channel", "room", "--issue-ts", "0"},
			stderr: []string{"tokencheck: warning: [expired] expire: already expired when built, by the clock (the token expired at 1970-01-01T01:00:00Z"}},
		{name: "issue time in the past: expired in --json warnings", env: certEnv,
			args:   []string{"build", "rtc", "--json", "--app-id", kaApp, "--channel", "room", "--issue-ts", "1699990000", "--expire", "600"},
			stdout: []string{`"code": "expired"`, `"field": "expire"`, `"rule": "already expired when built, by the clock"`}, stderr: []string{"[expired]"}},
		{name: "issue time in the past, still valid: no warning", env: certEnv,
			args:     []string{"build", "rtc", "--app-id", kaApp, "--channel", "room", "--issue-ts", "1699999000"},
			noStderr: []string{"expired"}},
		{name: "issue time 30 days ahead: not yet valid when built", env: certEnv,
			args:   []string{"build", "rtc", "--json", "--app-id", kaApp, "--channel", "room", "--issue-ts", "1702592000"},
			stdout: []string{`"code": "not_yet_valid"`, `"field": "issue_ts"`, `"rule": "not yet valid when built, by the clock"`, "30d00h in the future"},
			stderr: []string{"tokencheck: warning: [not_yet_valid] issue_ts: not yet valid when built, by the clock"}},
		{name: "issue time a second ahead: within no leeway, warned", env: certEnv,
			args:   []string{"build", "fpa", "--app-id", kaApp, "--issue-ts", "1700000001"},
			stderr: []string{"[not_yet_valid]"}},
		{name: "issue time now: no warning", env: certEnv,
			args:     []string{"build", "fpa", "--app-id", kaApp, "--issue-ts", "1700000000"},
			noStderr: []string{"warning"}},
		{name: "006 expired when built", env: certEnv,
			args:   []string{"build", "rtc", "--version", "006", "--app-id", kaApp, "--channel", "room", "--issue-ts", "1600000000"},
			stderr: []string{"[expired] ts: already expired when built"}},
		{name: "expire in milliseconds is named as such", args: append([]string{"build", "rtc"}, with("--channel", "c", "--expire", "1700003600000")...),
			code: 2, stderr: []string{"--expire 1700003600000: too large for the token field", "looks like a unix time in milliseconds", "(1700003600)"}, noStderr: []string{"non-negative"}},
		{name: "issue time in microseconds is named as such", args: append([]string{"build", "rtc"}, with("--channel", "c", "--issue-ts", "1700000000123456")...),
			code: 2, stderr: []string{"--issue-ts 1700000000123456: too large for the token field", "looks like a unix time in microseconds: the token formats take seconds (1700000000)"}},
		{name: "milliseconds past 2106 are not guessed at", args: append([]string{"build", "rtc"}, with("--channel", "c", "--issue-ts", "99999999999999")...),
			code: 2, stderr: []string{"--issue-ts 99999999999999: too large for the token field"}, noStderr: []string{"looks like"}},
		{name: "negative uid is named as such", args: append([]string{"build", "rtc"}, with("--channel", "c", "--uid", "-1")...),
			code: 2, stderr: []string{"--uid -1: negative: give a whole number from 0 to 4294967295"}},
		{name: "non-numeric salt", args: append([]string{"build", "rtc"}, with("--channel", "c", "--salt", "0x1g")...),
			code: 2, stderr: []string{`--salt "0x1g": not a number`}},
		{name: "compressor refused for 006", args: append([]string{"build", "rtc", "--version", "006"}, with("--channel", "c", "--compressor", "zlib")...),
			code: 2, stderr: []string{"--compressor is for --version 007 only: a 006 token is not compressed"}},
		{name: "rtm compressor refused for 006", args: append([]string{"build", "rtm", "--version", "006"}, with("--user-id", "u", "--compressor", "go")...),
			code: 2, stderr: []string{"--compressor is for --version 007 only"}},
		{name: "compressor for 007", args: append([]string{"build", "chat", "--json"}, with("--app", "--compressor", "zlib")...),
			stdout: []string{`"compressor": "zlib"`}},
		{name: "zlib compressor named exactly, as decode names it", args: append([]string{"build", "rtc", "--json"}, with("--channel", "c", "--uid", "1", "--compressor", "zlib")...),
			stdout: []string{"\"compressor\": \"zlib\"\n"}},
		{name: "go compressor named exactly", args: append([]string{"build", "rtc", "--json"}, with("--channel", "c", "--uid", "1")...),
			stdout: []string{`"compressor": "go"`}},
		{name: "app id with a trailing space names it", args: []string{"build", "rtc", "--app-id", kaApp + " ", "--cert-file", sampleCert, "--channel", "c"},
			code: 1, stderr: []string{"input refused: app_id: 32 hexadecimal characters, without surrounding whitespace (is 33 bytes: a trailing space)"}, noStderr: []string{"hint"}},
		{name: "app id with leading and trailing whitespace", args: []string{"build", "rtc", "--app-id", "\t" + kaApp + "  ", "--cert-file", sampleCert, "--channel", "c"},
			code: 1, stderr: []string{"(is 35 bytes: a leading tab and 2 trailing spaces)"}},
		{name: "app id with a trailing line break", args: []string{"build", "fpa", "--app-id", kaApp + "\r\n", "--cert-file", sampleCert},
			code: 1, stderr: []string{"(is 34 bytes: a trailing line break)"}},
		{name: "builder help lists compressor where 007 is built", args: []string{"build", "fpa", "--help"}, stdout: []string{"--compressor", "--issue-ts", "--allow-nonstandard"},
			noStderr: []string{"--unix-ts", "--version"}},
		{name: "bad channel character", args: append([]string{"build", "rtc"}, with("--channel", "caf\u00e9")...),
			code: 1, stderr: []string{`channel: only a-z`, `character "é" (U+00E9) at byte 3`, "--allow-nonstandard"}},
		{name: "channel over 24h and allow", args: append([]string{"build", "rtc", "--allow-nonstandard"}, with("--channel", "room", "--expire", "90000")...),
			stderr: []string{"[expiry_over_24h] token_expire"}, stdout: []string{"007eJ"}},
		{name: "bad app id", args: []string{"build", "rtc", "--app-id", "xyz", "--cert-file", sampleCert, "--channel", "c"},
			code: 1, stderr: []string{"app_id: 32 hexadecimal characters (is 3 bytes)"}, noStderr: []string{"hint"}},
		{name: "bad certificate is not echoed", args: []string{"build", "fpa", "--app-id", kaApp, "--cert", "5CFd2fd1755d40ecb72977518be15dZZ"},
			code: 1, stderr: []string{"app_certificate: 32 hexadecimal characters"}, noStderr: []string{"5CFd2fd1755d40ecb72977518be15dZZ"}},
		{name: "oversize refused even when allowed", args: append([]string{"build", "chat", "--allow-nonstandard"}, with("--user-id", strings.Repeat("x", 70000))...),
			code: 1, stderr: []string{"user_id: at most 65535 bytes"}, noStderr: []string{"hint"}},
		{name: "explicit empty account", args: append([]string{"build", "rtc"}, with("--channel", "c", "--account", "")...),
			code: 1, stderr: []string{"account: non-empty"}},
		{name: "a 5 s token is built with the audit's warning", args: append([]string{"build", "rtc"}, with("--channel", "c", "--uid", "1", "--expire", "5")...),
			stderr: []string{"[expiry_implausible] expire: accepted, but the audit flags it"}, stdout: []string{"007eJ"}},
		{name: "a 30 s token warns that it is too short", args: append([]string{"build", "rtc"}, with("--channel", "c", "--uid", "1", "--expire", "30")...),
			stderr: []string{"[lifetime_too_short] expire:"}},
		{name: "a join privilege of 1 s warns once", args: append([]string{"build", "rtc", "--json"}, with("--channel", "c", "--uid", "1", "--join", "1", "--pub-audio", "1")...),
			stdout: []string{`"code": "expiry_implausible"`}},
		{name: "privilege longer than the token", args: append([]string{"build", "rtc"}, with("--channel", "c", "--uid", "1", "--expire", "600", "--privilege-expire", "3600")...),
			stderr: []string{"[privilege_outlives_token]"}},
		{name: "account -1 is the signed form of a uid", args: append([]string{"build", "rtc"}, with("--channel", "c", "--account", "-1")...),
			stderr: []string{"[uid_negative]", "4294967295"}},
		{name: "006 account -1 warns as 007 does", args: append([]string{"build", "rtc", "--version", "006"}, with("--channel", "c", "--account", "-1")...),
			stderr: []string{"[uid_negative] crc_uid", "4294967295"}},
		{name: "006 account above 2^32-1 warns", args: append([]string{"build", "rtc", "--version", "006"}, with("--channel", "c", "--account", "9854785632")...),
			stderr: []string{"[uid_out_of_range] crc_uid", `"9854785632"`}},
		{name: "006 plain account has no uid warning", args: append([]string{"build", "rtc", "--version", "006"}, with("--channel", "c", "--account", "alice")...),
			noStderr: []string{"[uid_"}},
		{name: "a plain token has no audit warning", args: append([]string{"build", "rtc"}, with("--channel", "c", "--uid", "1", "--expire", "3600")...),
			noStderr: []string{"audit flags"}},
		{name: "no certificate", args: []string{"build", "fpa", "--app-id", kaApp}, code: 2, stderr: []string{"no App Certificate"}},
		{name: "empty certificate file is named as verify names it", args: []string{"build", "rtc", "--app-id", kaApp, "--cert-file", emptyCert, "--channel", "c"},
			code: 2, stderr: []string{"tokencheck: error: --cert-file " + emptyCert + " is empty\n"}, noStderr: []string{"no App Certificate"}},
		{name: "blank TOKENCHECK_CERT is named", args: []string{"build", "fpa", "--app-id", kaApp}, env: map[string]string{"TOKENCHECK_CERT": " \n"},
			code: 2, stderr: []string{"TOKENCHECK_CERT is empty"}},
		{name: "certificate file with a byte order mark", args: []string{"build", "fpa", "--app-id", kaApp, "--cert-file", bomCert, "--salt", "1", "--issue-ts", "1700000000"},
			stdout: []string{"007eJ"}},
		{name: "missing certificate file", args: []string{"build", "fpa", "--app-id", kaApp, "--cert-file", "../../testdata/cli/no-such.cert"},
			code: 2, stderr: []string{"--cert-file: open ../../testdata/cli/no-such.cert"}},
		{name: "empty --cert is named", args: []string{"build", "fpa", "--app-id", kaApp, "--cert", ""}, env: certEnv,
			code: 2, stderr: []string{`--cert "": empty`}},
		{name: "empty --cert-file is named", args: []string{"build", "fpa", "--app-id", kaApp, "--cert-file="}, env: certEnv,
			code: 2, stderr: []string{`--cert-file "": empty file name`}},
		{name: "empty --cert with --cert-file", args: []string{"build", "fpa", "--app-id", kaApp, "--cert", "", "--cert-file", sampleCert},
			code: 2, stderr: []string{"--cert or --cert-file, not both"}},
		{name: "no app id", args: []string{"build", "fpa", "--cert-file", sampleCert}, code: 2, stderr: []string{"--app-id is required"}},
		{name: "unknown builder", args: []string{"build", "dk9"}, code: 2, stderr: []string{`unknown builder "dk9"`}},
		{name: "no builder", args: []string{"build"}, code: 2, stderr: []string{"Builders:"}},
		{name: "help", args: []string{"build", "--help"}, stdout: []string{"convoai", "education"}},
		{name: "builder help", args: []string{"build", "rtc", "--help"}, stdout: []string{"--privilege-expire", "--version"}},
		{name: "bad role", args: append([]string{"build", "rtc"}, with("--channel", "c", "--role", "host")...), code: 2, stderr: []string{`--role "host"`}},
		{name: "numeric role out of range refused", args: append([]string{"build", "rtc"}, with("--channel", "c", "--role", "7")...), code: 1, stderr: []string{"role: publisher (1) or subscriber (2)"}},
		{name: "uid and account", args: append([]string{"build", "rtc"}, with("--channel", "c", "--uid", "1", "--account", "a")...), code: 2, stderr: []string{"not both"}},
		{name: "007 flag with 006", args: append([]string{"build", "rtc", "--version", "006"}, with("--channel", "c", "--expire", "60")...), code: 2, stderr: []string{"--expire is for --version 007 only"}},
		{name: "bad version", args: append([]string{"build", "rtc", "--version", "008"}, with("--channel", "c")...), code: 2, stderr: []string{"--version"}},
		{name: "flag of another builder", args: append([]string{"build", "fpa"}, with("--channel", "c")...), code: 2, stderr: []string{"unknown flag: --channel"}},
		{name: "rtm2 subscriber with a publish lifetime", args: append([]string{"build", "rtc"}, with("--channel", "c", "--account", "a", "--user-id", "u", "--role", "subscriber", "--pub-audio", "60")...),
			code: 2, stderr: []string{"--pub-audio: a subscriber (--role subscriber) gets the join privilege only"}},
		{name: "convoai subscriber with a publish lifetime", args: append([]string{"build", "convoai"}, with("--channel", "c", "--account", "a", "--user-id", "u", "--role", "2", "--pub-data", "60")...),
			code: 2, stderr: []string{"--pub-data: a subscriber (--role 2) gets the join privilege only"}},
		{name: "stt subscriber with a join lifetime", args: append([]string{"build", "stt", "--json"}, with("--channel", "c", "--account", "a", "--user-id", "u", "--role", "subscriber", "--join", "60")...),
			stdout: []string{`"name": "join_channel"`, `"expire": 60`}},
		{name: "room user without role", args: append([]string{"build", "apaas"}, with("--room-uuid", "r", "--user-uuid", "u")...), code: 2, stderr: []string{"--role"}},
		{name: "chat without user or app", args: append([]string{"build", "chat"}, with()...), code: 2, stderr: []string{"--user-id"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", c.env, c.args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			if c.exact != "" && out != c.exact {
				t.Errorf("stdout\n%s\nwant\n%s", out, c.exact)
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
			if strings.Contains(out, kaCertVal) || strings.Contains(errs, kaCertVal) {
				t.Errorf("the certificate was printed")
			}
			if code == 0 && !strings.Contains(c.name, "help") {
				tok := strings.TrimSpace(out)
				if strings.HasPrefix(tok, "{") {
					var v struct{ Token string }
					if err := json.Unmarshal([]byte(out), &v); err != nil {
						t.Fatal(err)
					}
					tok = v.Token
				}
				if _, err := decode.Parse(tok); err != nil {
					t.Errorf("output does not decode: %v", err)
				}
			}
		})
	}
}

// TestCertSourceRefused: an empty --cert or --cert-file, and a certificate
// file too large to be one, are usage errors naming the flag, for every
// command that reads a certificate, before any token is judged.
func TestCertSourceRefused(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.cert")
	if err := os.WriteFile(big, bytes.Repeat([]byte("a"), 70000), 0o600); err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(readFile(t, example007))
	commands := map[string][]string{
		"build":  {"build", "fpa", "--app-id", kaApp},
		"verify": {"verify", tok},
		"audit":  {"audit", example007},
	}
	sources := []struct {
		name string
		args []string
		want string
	}{
		{"empty --cert", []string{"--cert", ""}, `error: --cert "": empty`},
		{"empty --cert=", []string{"--cert="}, `error: --cert "": empty`},
		{"empty --cert-file", []string{"--cert-file", ""}, `error: --cert-file "": empty file name`},
		{"oversized --cert-file", []string{"--cert-file", big}, "error: --cert-file: " + big + ": over 64 KiB"},
	}
	for cmd, args := range commands {
		for _, s := range sources {
			t.Run(cmd+" "+s.name, func(t *testing.T) {
				code, stdout, stderr := runCLI(t, "", map[string]string{"TOKENCHECK_CERT": kaCertVal}, append(append([]string{}, args...), s.args...)...)
				if code != 2 || !strings.Contains(stderr, s.want) || stdout != "" {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no output, %q", code, stdout, stderr, s.want)
				}
			})
		}
	}
	// --keyring "" (verify and audit take a keyring) and --junit "" are
	// refused by name, not taken as no keyring or no report.
	for _, args := range [][]string{
		append(append([]string{}, commands["verify"]...), "--keyring", ""),
		append(append([]string{}, commands["audit"]...), "--keyring="),
		{"vectors", "check", "--junit", "", "../../testdata/vectors/006.json"},
	} {
		code, stdout, stderr := runCLI(t, "", nil, args...)
		if code != 2 || !strings.Contains(stderr, `"": empty file name`) || stdout != "" {
			t.Errorf("%q: exit %d, stdout %.80q, stderr %q", args, code, stdout, stderr)
		}
	}
}
