package fuzz

import (
	"crypto/hmac"
	"encoding/base64"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Native fuzz targets. Each is seeded from every token of
// testdata/vectors/*.json (loadSeeds fails the target when none is found);
// crashers found by `go test -fuzz` are kept in testdata/fuzz/<FuzzName>/
// and replayed by every `go test` run.
//
// The audit command's input line parser has its own target, FuzzAuditLine in
// pkg/audit beside the parser; fuzz/run.sh finds it with the others. Further
// targets over several packages belong here, seeded with loadSeeds.

// FuzzDecodeString: any string given to Parse returns a nil token and a
// located *token.ParseError wrapping a sentinel, or a token whose
// re-encoding reproduces the signed bytes (see checkParsed).
func FuzzDecodeString(f *testing.F) {
	for _, s := range loadSeeds(f).tokens {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParsed(t, s)
	})
}

// FuzzDecodePayload007 reaches the 007 field parsers directly with raw
// payload bytes, past the base64 and zlib layers.
func FuzzDecodePayload007(f *testing.F) {
	for _, p := range loadSeeds(f).payloads {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		tok, err := decode.Payload007(p)
		if err != nil {
			checkParseError(t, err, "payload", len(p))
			return
		}
		if tok == nil || tok.T007 == nil || string(tok.T007.Payload) != string(p) {
			t.Fatalf("no model for an accepted payload")
		}
		check007(t, tok.T007)
	})
}

// fuzzAppID is the app ID FuzzDecodeContent006 puts in front of the content.
const fuzzAppID = "970CA35de60c44645bbae8a215061b33"

// FuzzDecodeContent006 reaches the 006 field parsers with raw content bytes,
// wrapped as "006" ‖ app ID ‖ base64(content).
func FuzzDecodeContent006(f *testing.F) {
	for _, c := range loadSeeds(f).contents {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, c []byte) {
		s := "006" + fuzzAppID + base64.StdEncoding.EncodeToString(c)
		tok, err := decode.Parse(s)
		if err != nil {
			if len(s) <= token.MaxTokenLength {
				checkParseError(t, err, "content", len(c))
			}
			return
		}
		if string(tok.T006.Content) != string(c) {
			t.Fatalf("content not kept verbatim")
		}
		checkParsed(t, s)
	})
}

// FuzzRoundTrip007 builds a valid 007 model from the fuzzer's bytes (the
// gofuzz generators of gen_test.go) and checks encode → decode → equal →
// re-encode identical, and that signing with cert verifies with cert.
func FuzzRoundTrip007(f *testing.F) {
	s := loadSeeds(f)
	for i, p := range s.payloads {
		f.Add(p, s.verify[i%len(s.verify)].cert)
	}
	f.Fuzz(func(t *testing.T, data []byte, cert string) {
		var m token.Token007
		newGenerator(nil, data).Fuzz(&m)
		roundTrip007(t, &m, cert)
	})
}

// FuzzRoundTrip006 is FuzzRoundTrip007 for 006 models, signed for a fuzzed
// channel and uid.
func FuzzRoundTrip006(f *testing.F) {
	s := loadSeeds(f)
	for i, c := range s.contents {
		v := s.verify[i%len(s.verify)]
		f.Add(c, v.cert, v.channel, v.uid)
	}
	f.Fuzz(func(t *testing.T, data []byte, cert, channel, uid string) {
		var m token.Token006
		newGenerator(nil, data).Fuzz(&m)
		roundTrip006(t, &m, cert, channel, uid)
	})
}

// FuzzVerify gives arbitrary tokens, certificates, channels and uids to the
// signature functions: no panic, and when a token decodes, re-signing its
// model with cert gives a token that verifies with cert.
func FuzzVerify(f *testing.F) {
	for _, v := range loadSeeds(f).verify {
		f.Add(v.token, v.cert, v.channel, v.uid)
	}
	f.Fuzz(func(t *testing.T, s, cert, channel, uid string) {
		// The primitives take any bytes.
		verify.Signature007(cert, uint32(len(s)), uint32(len(cert)), []byte(s))
		verify.Signature006(cert, s, channel, uid, []byte(s))
		tok, err := decode.Parse(s)
		if err != nil {
			return
		}
		switch tok.Version {
		case token.V007:
			m := tok.T007
			// Checking the stored signature must not panic, whatever it is.
			sig := verify.Signature007(cert, m.IssueTs, m.Salt, m.SigningInfo)
			_ = hmac.Equal(sig[:], m.Signature)
			if m.StoppedAtUnknown() {
				return
			}
			mc := *m
			p, err := encode.Payload007(&mc, cert)
			if err != nil {
				t.Fatalf("re-signing a decoded token: %v", err)
			}
			rt, err := decode.Payload007(p)
			if err != nil {
				t.Fatalf("decoding a re-signed token: %v", err)
			}
			want := verify.Signature007(cert, rt.T007.IssueTs, rt.T007.Salt, rt.T007.SigningInfo)
			if !hmac.Equal(want[:], rt.T007.Signature) {
				t.Fatalf("re-signed token does not verify")
			}
		case token.V006:
			m := tok.T006
			// Checking the stored signature must not panic, whatever it is.
			sig := verify.Signature006(cert, m.AppID, channel, uid, m.Message)
			_ = hmac.Equal(sig[:], m.Signature)
			mc := *m
			rs, err := encode.Token006(&mc, cert, channel, uid)
			if err != nil {
				t.Fatalf("re-signing a decoded token: %v", err)
			}
			rt, err := decode.Parse(rs)
			if err != nil {
				t.Fatalf("decoding a re-signed token: %v", err)
			}
			want := verify.Signature006(cert, rt.T006.AppID, channel, uid, rt.T006.Message)
			if !hmac.Equal(want[:], rt.T006.Signature) || rt.T006.CRCChannel != verify.CRC32(channel) || rt.T006.CRCUID != verify.CRC32(uid) {
				t.Fatalf("re-signed token does not verify")
			}
		}
	})
}
