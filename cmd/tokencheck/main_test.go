package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// runCLI runs the CLI in-process with the given stdin and environment.
func runCLI(t *testing.T, stdin string, envVars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		now:       func() time.Time { return time.Unix(1700000000, 0) },
		lookupEnv: func(k string) (string, bool) { v, ok := envVars[k]; return v, ok }}
	code := run(e, args)
	return code, out.String(), errb.String()
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	example007 = "../../testdata/examples/rtc-rtm-chat-apaas-007.token"
	example006 = "../../testdata/examples/rtc-006.token"
	sampleCert = "../../testdata/examples/sample.cert"
)

func TestCLI(t *testing.T) {
	tok7 := readFile(t, example007)
	tok6 := strings.TrimSpace(readFile(t, example006))
	otherKeyring := t.TempDir() + "/keyring.txt"
	if err := os.WriteFile(otherKeyring, []byte("00000000000000000000000000000000 5CFd2fd1755d40ecb72977518be15d3b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		stdin    string
		env      map[string]string
		code     int
		stdout   []string // substrings
		stderr   []string
		noStdout []string
	}{
		{name: "decode from stdin", args: []string{"decode"}, stdin: tok7, code: 0,
			stdout: []string{"AccessToken2", "join_channel", "room_user", "signature: not verified"}},
		{name: "decode json", args: []string{"decode", "--json", tok6}, code: 0,
			stdout: []string{`"version": "006"`, `"crc_channel": 276646071`, `"name": "join_channel"`}},
		{name: "verify example", args: []string{"verify", "--cert-file", sampleCert, "--now", "2022-08-23T16:00:00Z", "-"}, stdin: tok7, code: 0,
			stdout: []string{"verdict:   ok", "valid (primary certificate)"}, noStdout: []string{"5CFd2fd1755d40ecb72977518be15d3b"}},
		{name: "verify env cert json", args: []string{"verify", "--json", "--now", "1661271000"}, stdin: tok7,
			env: map[string]string{"TOKENCHECK_CERT": "5CFd2fd1755d40ecb72977518be15d3b"}, code: 0,
			stdout: []string{`"verdict": "ok"`, `"signature": "valid"`, `"matched_certificate": "primary"`}, noStdout: []string{"5CFd2fd1755d40ecb72977518be15d3b"}},
		{name: "wrong certificate", args: []string{"verify", "--json", "--cert", "00000000000000000000000000000000", "--now", "1661271000"}, stdin: tok7, code: 1,
			stdout: []string{`"verdict": "bad_signature"`, `"sdk_error": 110`}},
		{name: "expired", args: []string{"verify", "--cert-file", sampleCert}, stdin: tok7, code: 1,
			stdout: []string{"verdict:   expired", "109"}},
		{name: "006 wrong channel", args: []string{"verify", "--json", "--cert-file", sampleCert, "--channel", "other", "--uid", "2882341273", "--now", "1000000"}, stdin: tok6, code: 1,
			stdout: []string{`"verdict": "bad_signature"`, `"code": "channel_mismatch"`}},
		{name: "006 right channel", args: []string{"verify", "--json", "--cert-file", sampleCert, "--channel", "7d72365eb983485397e3e3f9d460bdda", "--uid", "2882341273", "--now", "1000000"}, stdin: tok6, code: 0,
			stdout: []string{`"verdict": "ok"`}},
		{name: "decode dk4 json", args: []string{"decode", "--json", "004d0ec5ee3179c964fe7c0485c045541de6bff332b970ca35de60c44645bbae8a215061b3314464554720383bbf51446455471"}, code: 0,
			stdout: []string{`"version": "004"`, `"app_id": "970ca35de60c44645bbae8a215061b33"`, `"salt": 58964981`, `"expire_at": 1446455471`, `"issue_ts": 1446455472`}},
		{name: "verify dk4 media key", args: []string{"verify", "--json", "--cert", "5cfd2fd1755d40ecb72977518be15d3b", "--channel", "7d72365eb983485397e3e3f9d460bdda", "--uid", "2882341273", "--now", "1446455000",
			"004d0ec5ee3179c964fe7c0485c045541de6bff332b970ca35de60c44645bbae8a215061b3314464554720383bbf51446455471"}, code: 0,
			stdout: []string{`"verdict": "ok"`, `"signature": "valid"`, `"code": "legacy_format"`}},
		{name: "build with the C zlib profile reproduces the reference string", args: []string{"build", "rtc", "--app-id", "970CA35de60c44645bbae8a215061b33",
			"--channel", "7d72365eb983485397e3e3f9d460bdda", "--uid", "2882341273", "--role", "subscriber", "--expire", "600", "--privilege-expire", "600",
			"--issue-ts", "1111111", "--salt", "1", "--compressor", "zlib"}, env: map[string]string{"TOKENCHECK_CERT": "5CFd2fd1755d40ecb72977518be15d3b"}, code: 0,
			stdout: []string{"007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj\n"}},
		{name: "unknown compressor", args: []string{"build", "fpa", "--app-id", "970CA35de60c44645bbae8a215061b33", "--compressor", "lz4"},
			env: map[string]string{"TOKENCHECK_CERT": "5CFd2fd1755d40ecb72977518be15d3b"}, code: 2, stderr: []string{"--compressor"}},
		{name: "empty certificate file", args: []string{"verify", "--cert-file", emptyCert}, stdin: tok7, code: 2,
			stderr: []string{"--cert-file " + emptyCert + " is empty"}},
		{name: "a token cut inside issue_ts shows no field it did not read", args: []string{"decode", "--json", "007eJwBRgC5/yAAv6x4c+ya8/1evPhHLv6AA+iNS9UUDOSdtEiz6TItxYsgADk3MENBMzVkZTYwYzQ0NjQ1YmJhZThhMjE1MDYxYjMz//d9rhzH"}, code: 1,
			stdout:   []string{`"app_id": "970CA35de60c44645bbae8a215061b33"`, `"signature": "bfac7873`, `"field": "issue_ts"`},
			noStdout: []string{`"issue_ts":`, `"expire"`, `"salt"`, `"service_count"`}},
		{name: "the same in the table", args: []string{"decode", "007eJwBRgC5/yAAv6x4c+ya8/1evPhHLv6AA+iNS9UUDOSdtEiz6TItxYsgADk3MENBMzVkZTYwYzQ0NjQ1YmJhZThhMjE1MDYxYjMz//d9rhzH"}, code: 1,
			stdout:   []string{"decoded only up to the error below", "│ app_id ", "│ signature "},
			noStdout: []string{"│ issue_ts", "│ expire", "│ salt", "│ services", "1970-01-01"}},
		{name: "a channel that is not valid UTF-8 is also given in hex", args: []string{"decode", "--json", "007eJxTYJi7Nj37WIiq0uQ1tk+2r5Gofzc18HTRe/8IJm8mp5eNVUoKDJbmBs6OxqYpqWYGySYmZiamSUmJqRaJRoamBmaGScbGDB+DUwX4GBjYGRgYGKEQxGdhSPz/L4mJwcQIAA0DHLE="}, code: 0,
			stdout:   []string{`"channel": "a\ufffd\ufffdb"`, `"hex": {`, `"channel": "61fffe62"`},
			noStdout: []string{`"uid": "3432"`}},
		{name: "an RTM2 resource that is not valid UTF-8 is also given in hex", args: []string{"decode", "--json", "007eJxTYKjeHe4le3PhiXLpFSrSUyV9GELP7fH50NQVY64VvezngkMKDJbmBs6OxqYpqWYGySYmZiamSUmJqRaJRoamBmaGScbG/7+zJAvwMTAwMoAwBxAzMoD4LAyJ//8lQUQZGJiAMD+bmaHoZTEAtjUfgw=="}, code: 0,
			stdout: []string{`"resources_hex": [`, `"72e973"`}},
		{name: "a broken DK5 key shows the fields read before the one at fault", args: []string{"decode", "--json", "005AQAoAEJERTJDRDdFNkZDNkU0ODYxNkYxQTYwOUVFNTM1M0U5ODNCQjFDNDQQAJcMo13mDERkW7roohUGGzOwKDdW9buDA68oNw=="}, code: 1,
			stdout:   []string{`"app_id": "970ca35de60c44645bbae8a215061b33"`, `"signature": "BDE2CD7E6FC6E48616F1A609EE5353E983BB1C44"`, `"unix_ts": 1446455472`, `"salt": 58964981`, `"field": "expired_ts"`},
			noStdout: []string{`"expired_ts":`, `"expire_at"`, `"kind"`}},
		{name: "a broken signaling token shows its app ID", args: []string{"decode", "--json", "1:970CA35de60c44645bbae8a215061b33:-5:82539e1f3973bcfe3f0d0c8993e6c051"}, code: 1,
			stdout:   []string{`"app_id": "970CA35de60c44645bbae8a215061b33"`, `"field": "expired_ts"`},
			noStdout: []string{`"expired_ts":`, `"signature":`}},
		{name: "a signaling token of 3 fields shows the two it has", args: []string{"decode", "--json", "1:970CA35de60c44645bbae8a215061b33:1700003600"}, code: 1,
			stdout:   []string{`"app_id": "970CA35de60c44645bbae8a215061b33"`, `"expired_ts": 1700003600`, `"field": "signature"`},
			noStdout: []string{`"signature":`, `"kind"`}},
		{name: "a DK5 key with a byte after it shows every field", args: []string{"decode", "--json", "005BAAoADgyNEQxNDE4M0FGRDkyOEQ4REFFMUU1OTg5NTg2MzA3MTEyNjRGNzQQAJcMo13mDERkW7roohUGGzOwKDdW9buDA68oN1YBAAEAAQAwAA=="}, code: 1,
			stdout: []string{`"kind": "in_channel_permission"`, `"value": "0"`, `"code": "trailing_data"`}},
		{name: "a DK3 key cut short shows the fields before the cut", args: []string{"decode", "0037666966591a93ee5a3f712e22633f31f0cbc8f13970ca35de60c44645bbae8a215061b3314464554720383bbf52882341273144645547"}, code: 1,
			stdout:   []string{"decoded only up to the error below", "│ uid ", "2882341273"},
			noStdout: []string{"│ expired_ts", "│ kind"}},
		{name: "audit of an empty input says so: nothing was checked", args: []string{"audit"}, stdin: "\n\n", code: 2,
			stdout: []string{"lines: 0"}, stderr: []string{"error: no token lines were read", "nothing was checked"}},
		{name: "keyring that is a directory", args: []string{"verify", "--keyring", "."}, stdin: tok7, code: 2,
			stderr: []string{"--keyring .: is a directory\n"}},
		{name: "a flag given twice with different values keeps the last, with a warning", args: []string{"decode", "--now", "2022-08-23T16:00:00Z", "--now", "1661270415"}, stdin: tok7, code: 0,
			stderr: []string{`warning: --now given more than once ("2022-08-23T16:00:00Z", then "1661270415"): the last, "1661270415", is used`}},
		{name: "the warning names the value replaced last", args: []string{"decode", "--now", "1", "--now", "2", "--now", "1"}, stdin: tok7, code: 0,
			stderr: []string{`warning: --now given more than once ("2", then "1"): the last, "1", is used`}},
		{name: "the same value twice is accepted", args: []string{"decode", "--json", "--json"}, stdin: tok7, code: 0,
			stdout: []string{`"version": "007"`}},
		{name: "a certificate given twice is not printed", args: []string{"verify", "--now", "2022-08-23T16:00:00Z", "--cert", "00000000000000000000000000000000", "--cert=5CFd2fd1755d40ecb72977518be15d3b"}, stdin: tok7, code: 0,
			stderr: []string{"warning: --cert given more than once with different values: the last is used"}, noStdout: []string{"5CFd2fd1755d40ecb72977518be15d3b", "00000000000000000000000000000000"}},
		{name: "TOKENCHECK_CERT set but empty is named", args: []string{"verify"}, env: map[string]string{"TOKENCHECK_CERT": ""}, stdin: tok7, code: 2,
			stderr: []string{"TOKENCHECK_CERT is empty"}},
		{name: "certificate of 32 characters, one not hexadecimal", args: []string{"verify", "--cert", "5CFd2fd1755d40ecb72977518be15d3Z"}, stdin: tok7, code: 2,
			stderr: []string{"this one has 32, and character 32 is not hexadecimal"}},
		{name: "certificate given twice", args: []string{"verify", "--cert", "5CFd2fd1755d40ecb72977518be15d3b", "--cert-file", sampleCert}, stdin: tok7, code: 2,
			stderr: []string{"not both"}},
		{name: "certificate not hex is refused without echo", args: []string{"verify", "--cert", "not-a-real-certificate"}, stdin: tok7, code: 2,
			stderr: []string{"32 hexadecimal characters"}, noStdout: []string{"not-a-real-certificate"}},
		{name: "empty --now is refused, not the clock", args: []string{"verify", "--cert-file", sampleCert, "--now", ""}, stdin: tok7, code: 2, stderr: []string{`--now "": want unix seconds`}},
		{name: "decode with empty --now", args: []string{"decode", "--now", " "}, stdin: tok7, code: 2, stderr: []string{`--now "": want unix seconds`}},
		{name: "workers are decimal", args: []string{"audit", "--workers", "0x2", "-"}, stdin: tok7, code: 2, stderr: []string{`invalid argument "0x2" for "--workers" flag: must be a decimal integer`}},
		{name: "a directory among the inputs", args: []string{"audit", "--format", "jsonl", "-", "../../testdata"}, stdin: tok7, code: 2,
			stderr: []string{"../../testdata: is a directory, not a file of tokens"}},
		{name: "negative leeway", args: []string{"verify", "--cert-file", sampleCert, "--leeway", "-5s"}, stdin: tok7, code: 2, stderr: []string{"--leeway"}},
		{name: "app id given as the certificate is not echoed", args: []string{"verify", "--json", "--cert-file", sampleCert, "--app-id", "5CFd2fd1755d40ecb72977518be15d3b", "--now", "1661271000"}, stdin: tok7, code: 1,
			stdout: []string{`"code": "app_id_mismatch"`, "is the App Certificate"}, noStdout: []string{"5CFd2fd1755d40ecb72977518be15d3b"}},
		{name: "unchecked signature is not ok", args: []string{"verify", "--json", "--cert-file", sampleCert, "--now", "1000000"}, stdin: tok6, code: 2,
			stdout: []string{`"verdict": "signature_unchecked"`}, stderr: []string{"tokencheck: warning: signature not checked: a 006 signature covers the channel name", "hint: give the channel name"}},
		{name: "keyring without the token's app ID says so on stderr", args: []string{"verify", "--keyring", otherKeyring, "--now", "2022-08-23T16:00:00Z"}, stdin: tok7, code: 2,
			stdout: []string{"verdict:   signature_unchecked"}, stderr: []string{"tokencheck: warning: signature not checked: the keyring holds no certificate for app ID 970CA35de60c44645bbae8a215061b33"},
			noStdout: []string{"no App Certificate given"}},
		{name: "non-numeric uid is checked as an account", args: []string{"verify", "--json", "--cert-file", sampleCert, "--channel", "7d72365eb983485397e3e3f9d460bdda", "--uid", "alice", "--now", "1000000"}, stdin: tok6, code: 1,
			stdout: []string{`"verdict": "bad_signature"`, `\"alice\"`}, stderr: []string{"checked as the user account"}},
		{name: "verify without certificate", args: []string{"verify"}, stdin: tok7, code: 1,
			stdout: []string{"signature: unchecked", "verdict:   expired", "signature_unchecked"}, stderr: []string{"no App Certificate given"}},
		{name: "verify without certificate, json", args: []string{"verify", "--json", "--now", "2022-08-23T16:00:00Z"}, stdin: tok7, code: 2,
			stdout: []string{`"signature": "unchecked"`, `"verdict": "signature_unchecked"`, `"code": "signature_unchecked"`, `"app_id": "970CA35de60c44645bbae8a215061b33"`},
			stderr: []string{"no App Certificate given"}, noStdout: []string{"tokencheck: error"}},
		{name: "verify without certificate, broken token", args: []string{"verify", "--json"}, stdin: tok7[:100], code: 1,
			stdout: []string{`"verdict": "malformed"`}},
		{name: "decode rtm2 names each permission list by number and name", args: []string{"decode", "--now", "1700000100", "007eJxTYGDh+OnLeX/ui+MC2gzrGBy0ljeycOy/L/SkgHGrtsPzXkEFBktzA2dHY9OUVDODZBMTMxPTpKTEVItEI0NTAzPDJGNjho/BqQJ8DAyMDCDMAcSMDBFMDAysDKXFqUWGzAwQKSYgTDYEYiMWIAskxsRQagiS4QRiAMv8G0U="}, code: 0,
			stdout: []string{"permissions[0][0]", "0 message_channels / 0 read", "4 users / 1 write", "no resources", "permissions[2]", "9 unknown", "resource type with no permission lists"}},
		{name: "decode rtm2 keeps the numbers of unknown types", args: []string{"decode", "--now", "1700000100", "007eJxTYIhbmnyd02va/aQn5S3bGrWSJ60r+z3ttr533bxQsbJ644UKDJbmBs6OxqYpqWYGySYmZiamSUmJqRaJRoamBmaGScbGDB+DUwX4GBgYGUCYA4gZGSKYGBhYGUqLU4sMGRk4gQLsYOEKAG5cHSQ="}, code: 0,
			stdout: []string{"9 unknown / 7 unknown"}},
		{name: "decode dk5 names its extra entry and the age of its generation time", args: []string{"decode", "--now", "1700000100", "005BAAoADM2RTA3NjczRkVCMTRDQkI1REE1QjNGRTlFNjY3NUM5M0FFNDhFNkYQAJcMo13mDERkW7roohUGGzMA8VNlBwAAABD/U2UBAAEAAQAz"}, code: 0,
			stdout: []string{"ALLOW_UPLOAD_IN_CHANNEL: audio and video upload", "generated 1m40s ago"}},
		{name: "decode fcdn says what its account holds", args: []string{"decode", "--now", "1700000100", "007eJxTYNi4wGvx2XqvCW/rl7vInufJ5fJi53Bt3u6TsiR/YuNJtzMKDJbmBs6OxqYpqWYGySYmZiamSUmJqRaJRoamBmaGScbGDB+DUwX4GBgYGUCYjYEJSEYwMQBpCJmcwchgDgApFRq/"}, code: 0,
			stdout: []string{"numeric uid (or an account with the same digits)"}},
		{name: "decode expire 0 dates the instant it expired", args: []string{"decode", "--now", "1700000100", "007eJxTYNhy7t+SctEZsk1TPhqqZOVbPDh8a/EvDXuny2n9awvdzrQrMFiaGzg7GpumpJoZJJuYmJmYJiUlplokGhmaGpgZJhkbM3wMTmUAAkYwhsAIJgYGJobkDCYGEyMAZv8c0Q=="}, code: 0,
			stdout: []string{"0: the token expires at its issue time, 2023-11-14 22:13:20 UTC,", "1m40s ago"}},
		{name: "decode an expire over 24 h gives the end the server enforces", args: []string{"decode", "--now", "1700090000", "007eJxTYHjKuu73tyWq90TOx8W4VjQrOL+eflDzQ/bVqq9P/e1zIucqMFiaGzg7GpumpJoZJJuYmJmYJiUlplokGhmaGpgZJhkbM3wMTmVYzMTAyMAAxBAIAkwMyRlMDCZGAIeaHVg="}, code: 0,
			stdout: []string{"lifetime 2d00h, over 24h: the server ends the token 24h after issue, at", "ended 1h00m ago"}},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: []string{"unknown command"}},
		{name: "bad flag", args: []string{"decode", "--bogus"}, code: 2, stderr: []string{"unknown flag"}},
		{name: "bad now", args: []string{"decode", "--now", "yesterday", tok6}, code: 2, stderr: []string{"--now"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, c.stdin, c.env, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			for _, s := range c.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range c.noStdout {
				if strings.Contains(out, s) || strings.Contains(errs, s) {
					t.Errorf("output contains %q", s)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errs)
				}
			}
		})
	}
}

// TestDecodeBadInput: every bad input gives exit 1 and a located one-line
// error, never a panic or a stack trace.
func TestDecodeBadInput(t *testing.T) {
	var f struct {
		Cases []struct {
			Name, Token, Want, Code string
			Version                 *string
		} `json:"cases"`
	}
	if err := json.Unmarshal([]byte(readFile(t, "../../testdata/cli/decode-bad.json")), &f); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			code, _, errs := runCLI(t, c.Token, nil, "decode")
			if c.Token == "" || strings.TrimSpace(c.Token) == "" {
				if code != 2 {
					t.Errorf("exit %d, want 2 for no token", code)
				}
				return
			}
			if code != 1 {
				t.Errorf("exit %d, want 1; stderr %s", code, errs)
			}
			if !strings.Contains(errs, "tokencheck: error: ") || !strings.Contains(errs, c.Want) {
				t.Errorf("stderr %q lacks %q", errs, c.Want)
			}
			if strings.Contains(errs, "goroutine") || strings.Contains(errs, "panic") {
				t.Errorf("stack trace in stderr: %s", errs)
			}
			if c.Version == nil {
				return
			}
			// The partial model keeps the version the prefix tells, in
			// decode --json and in the token object of verify --json.
			_, out, _ := runCLI(t, "", nil, "decode", "--json", c.Token)
			var d struct {
				Version string
				Error   *struct{ Code string }
			}
			if err := json.Unmarshal([]byte(out), &d); err != nil || d.Version != *c.Version || d.Error == nil {
				t.Errorf("decode --json: version %q, error %+v (%v); want version %q and an error\n%s", d.Version, d.Error, err, *c.Version, out)
			} else if c.Code != "" && d.Error.Code != c.Code {
				t.Errorf("decode --json: error code %q, want %q", d.Error.Code, c.Code)
			}
			_, out, _ = runCLI(t, "", nil, "verify", "--json", c.Token)
			var v struct {
				Token *struct{ Version string }
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("verify --json: %v\n%s", err, out)
			}
			if *c.Version == "" && v.Token != nil && v.Token.Version != "" || *c.Version != "" && (v.Token == nil || v.Token.Version != *c.Version) {
				t.Errorf("verify --json token %+v, want version %q\n%s", v.Token, *c.Version, out)
			}
		})
	}
}

// TestTruncatedEverywhere cuts the example tokens at every length.
func TestTruncatedEverywhere(t *testing.T) {
	for _, path := range []string{example007, example006} {
		tok := strings.TrimSpace(readFile(t, path))
		for n := 1; n < len(tok); n++ {
			code, _, errs := runCLI(t, "", nil, "decode", tok[:n])
			if code != 1 || !strings.HasPrefix(errs, "tokencheck: error: ") {
				t.Fatalf("%s cut to %d: exit %d, stderr %q", path, n, code, errs)
			}
		}
	}
}

// TestNowFlag runs testdata/cli/now.json on every command with a --now
// flag: unix seconds in the range of the tokens' 32-bit times or RFC 3339
// are judged against; a negative number or one past that range (a time in
// milliseconds, typically) is a usage error that names the flag and, for a
// clock's finer unit, the seconds meant.
func TestNowFlag(t *testing.T) {
	var f struct {
		Cases []struct {
			Name, Now, Verdict string
			Code               int
			Stderr             []string
			NotStderr          []string `json:"not_stderr"`
		} `json:"cases"`
	}
	if err := json.Unmarshal([]byte(readFile(t, "../../testdata/cli/now.json")), &f); err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(readFile(t, example007))
	for _, c := range f.Cases {
		for _, cmd := range [][]string{
			{"decode", "--json"},
			{"verify", "--json", "--cert-file", sampleCert},
			{"audit", "--format", "jsonl", "--cert-file", sampleCert},
		} {
			t.Run(c.Name+"/"+cmd[0], func(t *testing.T) {
				args := append(append([]string{}, cmd...), "--now", c.Now)
				stdin := ""
				if cmd[0] == "audit" {
					stdin = tok + "\n"
					args = append(args, "-")
				} else {
					args = append(args, tok)
				}
				code, out, errs := runCLI(t, stdin, nil, args...)
				want := c.Code
				if cmd[0] == "decode" && want == 1 {
					want = 0 // decode judges no time
				}
				if code != want {
					t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, want, out, errs)
				}
				if c.Code == exitUsage {
					if out != "" {
						t.Errorf("stdout on a usage error: %q", out)
					}
					if strings.Count(errs, "\n") != 1 || !strings.HasPrefix(errs, "tokencheck: error: --now ") {
						t.Errorf("stderr %q, want one error line naming --now", errs)
					}
				}
				for _, s := range c.Stderr {
					if !strings.Contains(errs, s) {
						t.Errorf("stderr %q lacks %q", errs, s)
					}
				}
				for _, s := range c.NotStderr {
					if strings.Contains(errs, s) {
						t.Errorf("stderr %q contains %q", errs, s)
					}
				}
				if c.Verdict != "" && cmd[0] != "decode" {
					var v struct{ Verdict string }
					if err := json.Unmarshal([]byte(out), &v); err != nil || v.Verdict != c.Verdict {
						t.Errorf("verdict %q (%v), want %q\n%s", v.Verdict, err, c.Verdict, out)
					}
				}
			})
		}
	}
}
