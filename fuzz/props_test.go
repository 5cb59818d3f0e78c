package fuzz

import (
	"bytes"
	"crypto/hmac"
	"errors"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Properties shared by the fuzz targets, the generator tests and the
// mutation tests.

var sentinels = []error{
	token.ErrMalformed, token.ErrTruncated, token.ErrTrailingData, token.ErrTooLarge,
	token.ErrUnsupportedVersion, token.ErrUnknownService,
}

// checkParseError asserts that err is a located *token.ParseError in a known
// layer, with an offset inside that layer, unwrapping to a sentinel.
// inputLen bounds the offsets of layer; pass -1 when unknown.
func checkParseError(tb testing.TB, err error, layer string, inputLen int) *token.ParseError {
	tb.Helper()
	var pe *token.ParseError
	if !errors.As(err, &pe) {
		tb.Fatalf("error %q (%T) is not a *token.ParseError", err, err)
	}
	ok := false
	for _, s := range sentinels {
		if errors.Is(err, s) {
			ok = true
			break
		}
	}
	if !ok {
		tb.Fatalf("error %q wraps no token sentinel", err)
	}
	if pe.Err == nil || pe.Error() == "" {
		tb.Fatalf("ParseError without sentinel or message: %#v", pe)
	}
	switch pe.Layer {
	case "token", "content", "zlib", "payload":
	default:
		tb.Fatalf("error %q: unknown layer %q", err, pe.Layer)
	}
	max := token.MaxPayloadSize
	if pe.Layer == layer && inputLen >= 0 {
		max = inputLen
	}
	if pe.Offset < 0 || pe.Offset > max {
		tb.Fatalf("error %q: offset %d outside [0, %d] of layer %s", err, pe.Offset, max, pe.Layer)
	}
	return pe
}

// checkParsed states what Parse must guarantee for s: a nil token with a
// located error, or a token whose re-encoding reproduces the signed bytes.
func checkParsed(tb testing.TB, s string) *token.Token {
	tb.Helper()
	tok, err := decode.Parse(s)
	if err != nil {
		if tok != nil {
			tb.Fatalf("Parse returned a token with error %v", err)
		}
		checkParseError(tb, err, "token", len(s))
		// ParsePartial must fail the same way (its partial token may be nil).
		if _, perr := decode.ParsePartial(s); perr == nil || perr.Error() != err.Error() {
			tb.Fatalf("ParsePartial error %v, Parse error %v", perr, err)
		}
		return nil
	}
	if tok == nil {
		tb.Fatalf("Parse returned neither token nor error")
	}
	if len(s) > token.MaxTokenLength {
		tb.Fatalf("token of %d bytes accepted (limit %d)", len(s), token.MaxTokenLength)
	}
	switch tok.Version {
	case token.V007:
		if tok.T007 == nil || tok.T006 != nil {
			tb.Fatalf("007 token with wrong model fields")
		}
		if len(tok.T007.Payload) > token.MaxPayloadSize {
			tb.Fatalf("payload of %d bytes accepted (limit %d)", len(tok.T007.Payload), token.MaxPayloadSize)
		}
		check007(tb, tok.T007)
	case token.V006:
		if tok.T006 == nil || tok.T007 != nil {
			tb.Fatalf("006 token with wrong model fields")
		}
		check006(tb, s, tok)
	default:
		if tok.Legacy == nil {
			tb.Fatalf("version %q without a model", tok.Version)
		}
	}
	return tok
}

// check007 states the properties of a successfully decoded 007 model.
func check007(tb testing.TB, t *token.Token007) {
	tb.Helper()
	if len(t.Signature) != token.SigLength {
		tb.Fatalf("signature of %d bytes accepted", len(t.Signature))
	}
	if !decode.IsHex32(t.AppID) {
		tb.Fatalf("app ID %q accepted", t.AppID)
	}
	if t.ServiceCount == 0 {
		tb.Fatalf("token without services accepted")
	}
	if !bytes.Equal(t.Payload[2+token.SigLength:], t.SigningInfo) {
		tb.Fatalf("signing info is not the payload after the signature field")
	}
	for i := range t.Services {
		seen := map[uint16]bool{}
		for _, p := range t.Services[i].Privileges {
			if seen[p.ID] {
				tb.Fatalf("services[%d]: repeated privilege %d accepted", i, p.ID)
			}
			seen[p.ID] = true
		}
	}
	if t.StoppedAtUnknown() {
		if token.KnownService(t.UnknownService) {
			tb.Fatalf("stopped at known service %d", t.UnknownService)
		}
		if t.UnknownOffset+t.Undecoded != len(t.Payload) || t.UnknownOffset < 2+token.SigLength {
			tb.Fatalf("unknown service at %d with %d undecoded bytes in a %d-byte payload", t.UnknownOffset, t.Undecoded, len(t.Payload))
		}
		return
	}
	if int(t.ServiceCount) != len(t.Services) {
		tb.Fatalf("declared %d services, decoded %d", t.ServiceCount, len(t.Services))
	}
	re, err := encode.Marshal007(t)
	if err != nil {
		tb.Fatalf("re-encoding a decoded token: %v", err)
	}
	if !bytes.Equal(re, t.Payload) {
		tb.Fatalf("decode→encode changed the payload\n got %x\nwant %x", re, t.Payload)
	}
	// Canonical string (Go's compressor) decodes to the same payload.
	s := encode.String007(t.Payload)
	tok2, err := decode.Parse(s)
	if len(s) > token.MaxTokenLength || len(t.Payload) > token.MaxPayloadSize {
		if !errors.Is(err, token.ErrTooLarge) {
			tb.Fatalf("re-encoded string of %d bytes: error %v, want too large", len(s), err)
		}
		return
	}
	if err != nil {
		tb.Fatalf("re-encoded string does not decode: %v", err)
	}
	if !bytes.Equal(tok2.T007.Payload, t.Payload) {
		tb.Fatalf("re-encoded string decodes to another payload")
	}
}

// check006 states the properties of a successfully decoded 006 token.
func check006(tb testing.TB, s string, tok *token.Token) {
	tb.Helper()
	t := tok.T006
	if len(t.Signature) != token.SigLength || !decode.IsHex32(t.AppID) {
		tb.Fatalf("signature of %d bytes or app ID %q accepted", len(t.Signature), t.AppID)
	}
	seen := map[uint16]bool{}
	for _, p := range t.Privileges {
		if seen[p.ID] {
			tb.Fatalf("repeated privilege %d accepted", p.ID)
		}
		seen[p.ID] = true
	}
	c, err := encode.Content006(t)
	if err != nil {
		tb.Fatalf("re-encoding a decoded token: %v", err)
	}
	if !bytes.Equal(c, t.Content) {
		tb.Fatalf("decode→encode changed the content\n got %x\nwant %x", c, t.Content)
	}
	m, err := encode.Message006(t)
	if err != nil || !bytes.Equal(m, t.Message) {
		tb.Fatalf("decode→encode changed the message (%v)", err)
	}
	if !tok.Encoding.Base64NonCanonical {
		if re := encode.String006(t.AppID, c); re != s {
			tb.Fatalf("decode→encode changed the string\n got %s\nwant %s", re, s)
		}
	}
}

// roundTrip007 checks a valid model: encode → decode gives the model back,
// re-encoding is identical, the Go string decodes to the same payload, and a
// signature made with cert verifies with cert.
func roundTrip007(tb testing.TB, m *token.Token007, cert string) {
	tb.Helper()
	info, err := encode.SigningInfo007(m)
	if err != nil {
		tb.Fatalf("SigningInfo007 of a valid model: %v", err)
	}
	payload, err := encode.Marshal007(m)
	if err != nil {
		tb.Fatalf("Marshal007 of a valid model: %v", err)
	}
	if !bytes.Equal(payload[2+token.SigLength:], info) || !bytes.Equal(payload[2:2+token.SigLength], m.Signature) {
		tb.Fatalf("payload is not signature field ‖ signing info")
	}
	tok, err := decode.Payload007(payload)
	if err != nil {
		tb.Fatalf("decoding an encoded valid model: %v", err)
	}
	got := tok.T007
	if got.AppID != m.AppID || got.IssueTs != m.IssueTs || got.Expire != m.Expire || got.Salt != m.Salt ||
		got.ServiceCount != m.ServiceCount || !bytes.Equal(got.Signature, m.Signature) || got.StoppedAtUnknown() {
		tb.Fatalf("header differs: got %s %d %d %d count %d", got.AppID, got.IssueTs, got.Expire, got.Salt, got.ServiceCount)
	}
	if !sameServices(got.Services, m.Services) {
		tb.Fatalf("services differ:\n got %+v\nwant %+v", got.Services, m.Services)
	}
	if !bytes.Equal(got.SigningInfo, info) || !bytes.Equal(got.Payload, payload) {
		tb.Fatalf("signing info or payload not kept verbatim")
	}
	re, err := encode.Marshal007(got)
	if err != nil || !bytes.Equal(re, payload) {
		tb.Fatalf("re-encoding differs (%v)", err)
	}
	s := encode.String007(payload)
	ptok, err := decode.Parse(s)
	switch {
	case len(s) > token.MaxTokenLength || len(payload) > token.MaxPayloadSize:
		if ptok != nil || !errors.Is(err, token.ErrTooLarge) {
			tb.Fatalf("%d-byte string of a %d-byte payload: error %v, want too large", len(s), len(payload), err)
		}
	case err != nil:
		tb.Fatalf("Parse(String007): %v", err)
	case !bytes.Equal(ptok.T007.Payload, payload):
		tb.Fatalf("Parse(String007) gives another payload")
	}
	// Signing: a copy, so that m keeps its signature.
	mc := *m
	signed, err := encode.Payload007(&mc, cert)
	if err != nil {
		tb.Fatalf("Payload007: %v", err)
	}
	stok, err := decode.Payload007(signed)
	if err != nil {
		tb.Fatalf("decoding a signed payload: %v", err)
	}
	want := verify.Signature007(cert, stok.T007.IssueTs, stok.T007.Salt, stok.T007.SigningInfo)
	if !hmac.Equal(want[:], stok.T007.Signature) {
		tb.Fatalf("signature made with the certificate does not verify with it")
	}
}

// roundTrip006 is roundTrip007 for 006: content and string are bit-exact.
func roundTrip006(tb testing.TB, m *token.Token006, cert, channel, uid string) {
	tb.Helper()
	content, err := encode.Content006(m)
	if err != nil {
		tb.Fatalf("Content006 of a valid model: %v", err)
	}
	s := encode.String006(m.AppID, content)
	tok, err := decode.Parse(s)
	if err != nil {
		tb.Fatalf("decoding an encoded valid model: %v", err)
	}
	got := tok.T006
	if got.AppID != m.AppID || !bytes.Equal(got.Signature, m.Signature) || got.CRCChannel != m.CRCChannel ||
		got.CRCUID != m.CRCUID || got.Salt != m.Salt || got.Ts != m.Ts || !samePrivileges(got.Privileges, m.Privileges) {
		tb.Fatalf("model differs:\n got %+v\nwant %+v", got, m)
	}
	if !bytes.Equal(got.Content, content) || tok.Encoding.Base64NonCanonical {
		tb.Fatalf("content not kept verbatim")
	}
	re, err := encode.Content006(got)
	if err != nil || !bytes.Equal(re, content) || encode.String006(got.AppID, re) != s {
		tb.Fatalf("re-encoding differs (%v)", err)
	}
	mc := *m
	signed, err := encode.Token006(&mc, cert, channel, uid)
	if err != nil {
		tb.Fatalf("Token006: %v", err)
	}
	stok, err := decode.Parse(signed)
	if err != nil {
		tb.Fatalf("decoding a signed token: %v", err)
	}
	st := stok.T006
	want := verify.Signature006(cert, st.AppID, channel, uid, st.Message)
	if !hmac.Equal(want[:], st.Signature) || st.CRCChannel != verify.CRC32(channel) || st.CRCUID != verify.CRC32(uid) {
		tb.Fatalf("signature or CRCs made for the channel and uid do not verify with them")
	}
}
