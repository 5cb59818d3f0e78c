package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// TestPartialDecodeNamesCompressor: a 007 token whose payload inflates but
// ends inside a service is decoded as far as it goes, and the compressor is
// named from the inflated bytes as for a whole token, not guessed wrongly as
// "neither Go nor C zlib".
func TestPartialDecodeNamesCompressor(t *testing.T) {
	// C zlib (Python zlib.compress) of a payload cut inside services[0].privileges.
	const cut = "007eJxTYGhcN0l7l+rSD+82JxqKbD7l7tbeNr/I4ciSrG8/BJayvexQYLA0N3B2NDZNSTUzSDYxMTMxTUpKTLVINDI0NTAzTDI2dv8iwBDBxMDAyADCEBjBBABAZRt/"
	for _, args := range [][]string{
		{"decode", "--json", cut},
		{"verify", "--json", "--cert", "5CFd2fd1755d40ecb72977518be15d3b", cut},
	} {
		code, out, _ := runCLI(t, "", nil, args...)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", args[0], code)
		}
		var v struct {
			Compressor string `json:"compressor"`
			Token      *struct {
				Compressor string `json:"compressor"`
			} `json:"token"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
		got := v.Compressor
		if v.Token != nil {
			got = v.Token.Compressor
		}
		if got != "zlib" {
			t.Errorf("%s: compressor %q, want \"zlib\"", args[0], got)
		}
	}
}

// TestOversizedStdin: a token over token.MaxTokenLength is judged too large
// (exit 1, and verify --json reports it), whatever its size, up to the
// stdin limit; only beyond that is the input refused unread (exit 2).
func TestOversizedStdin(t *testing.T) {
	const cert = "5CFd2fd1755d40ecb72977518be15d3b"
	at := fmt.Sprintf("token byte %d", token.MaxTokenLength)
	for _, n := range []int{token.MaxTokenLength + 1, 2 * token.MaxTokenLength, 8 << 20} {
		tok := "007" + strings.Repeat("A", n)
		code, _, errs := runCLI(t, tok+"\n", nil, "decode")
		if code != 1 || !strings.Contains(errs, at) || !strings.Contains(errs, "too large") {
			t.Errorf("decode of %d bytes: exit %d, stderr %q; want 1 and a too-large error at %s", n, code, errs, at)
		}
		code, out, _ := runCLI(t, tok, nil, "verify", "--json", "--cert", cert)
		var v struct{ Verdict string }
		if err := json.Unmarshal([]byte(out), &v); err != nil || code != 1 || v.Verdict != "malformed" {
			t.Errorf("verify --json of %d bytes: exit %d, verdict %q (%v); want 1 and malformed", n, code, v.Verdict, err)
		}
	}
	code, _, errs := runCLI(t, strings.Repeat("A", maxStdin+1), nil, "decode")
	if code != 2 || !strings.Contains(errs, "stdin holds more than") {
		t.Errorf("decode beyond the stdin limit: exit %d, stderr %q; want 2", code, errs)
	}
}

// TestDecode006PrivilegesAlwaysAnArray: the JSON contract gives a 006 token
// a "privileges" array; a token with an empty privilege map has an empty
// one, not none (as every 007 service has).
func TestDecode006PrivilegesAlwaysAnArray(t *testing.T) {
	const tok = "006970CA35de60c44645bbae8a215061b33IACC9p6IVLDhSMv134Q2eZXFGYlY6K5XvPgdtsULqFqQUvHDYEy379yDCgABAAAAR/QQAAAA"
	code, out, errs := runCLI(t, "", nil, "decode", "--json", tok)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if string(v["privileges"]) != "[]" {
		t.Errorf("privileges = %s, want []", v["privileges"])
	}
	// Other versions still have no top-level privileges.
	_, out, _ = runCLI(t, readFile(t, example007), nil, "decode", "--json")
	if strings.Contains(out, "\n  \"privileges\"") {
		t.Errorf("a 007 token got a top-level privileges field:\n%s", out)
	}
}

// TestDecodeSignalingHasNoUnixTs: a signaling token carries no generation
// time (FORMATS §8), so its decode object shows none rather than 0.
func TestDecodeSignalingHasNoUnixTs(t *testing.T) {
	const tok = "1:970ca35de60c44645bbae8a215061b33:1446455471:4815d52c4fd440bac35b981c12798774"
	code, out, errs := runCLI(t, "", nil, "decode", "--json", tok)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v struct {
		Legacy map[string]json.RawMessage `json:"legacy"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if _, ok := v.Legacy["unix_ts"]; ok || string(v.Legacy["expired_ts"]) != "1446455471" {
		t.Errorf("legacy = %s; want expired_ts 1446455471 and no unix_ts", out)
	}
}

// TestDecodeJSONNamesRepairs: decode --json says which transport damage was
// repaired, as the human output does; an undamaged token has no repairs.
func TestDecodeJSONNamesRepairs(t *testing.T) {
	tok := strings.TrimSpace(readFile(t, example006))
	for _, c := range []struct {
		in   string
		want []string
	}{
		{tok, nil},
		{`"` + tok + `"`, []string{"surrounding quotes removed"}},
		{" " + strings.ReplaceAll(tok, "+", " ") + " ", []string{"surrounding whitespace or newlines removed", `spaces turned back into "+" (a "+" became a space in a URL query)`}},
	} {
		code, out, errs := runCLI(t, "", nil, "decode", "--json", c.in)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var v struct {
			Repairs []string `json:"repairs"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatal(err)
		}
		if strings.Join(v.Repairs, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: repairs %q, want %q", c.in, v.Repairs, c.want)
		}
	}
}

// TestEmptyTokenOnStdin: "-" says the token is on stdin, so an empty one
// there is an empty token (malformed, exit 1, as an empty argument is);
// with no argument at all, empty stdin means no token was given (exit 2).
func TestEmptyTokenOnStdin(t *testing.T) {
	const cert = "5CFd2fd1755d40ecb72977518be15d3b"
	for _, in := range []string{"", "\n", "  \t\r\n"} {
		code, out, _ := runCLI(t, in, nil, "verify", "--json", "--strict", "--cert", cert, "-")
		var v struct{ Verdict string }
		if err := json.Unmarshal([]byte(out), &v); err != nil || code != 1 || v.Verdict != "malformed" {
			t.Errorf("verify - with stdin %q: exit %d, verdict %q (%v); want 1 and malformed", in, code, v.Verdict, err)
		}
		code, _, errs := runCLI(t, in, nil, "decode", "-")
		if code != 1 || !strings.Contains(errs, "empty token") {
			t.Errorf("decode - with stdin %q: exit %d, stderr %q; want 1 and an empty-token error", in, code, errs)
		}
		code, _, errs = runCLI(t, in, nil, "decode")
		if code != 2 || !strings.Contains(errs, "no token given") {
			t.Errorf("decode with stdin %q and no argument: exit %d, stderr %q; want 2", in, code, errs)
		}
	}
}
