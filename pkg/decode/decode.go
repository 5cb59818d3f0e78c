// Package decode turns token strings into the typed model of package token.
//
// Parse is strict: it accepts exactly the canonical form the reference builders
// emit (standard padded base64, one complete zlib stream for 007, no trailing
// bytes, 32-byte signatures, 32-hex app IDs, at least one service, no repeated
// privilege key). It never panics and never allocates more than a small
// multiple of the input, whatever the declared lengths and counts say: for
// 007 the input that counts is the inflated payload, which a short token can
// make as large as token.MaxPayloadSize (see there for the measured bound).
// Inputs over token.MaxTokenLength or inflating past token.MaxPayloadSize are
// refused with token.ErrTooLarge. It does not verify signatures or times: see
// package verify.
//
// Clean undoes the transport damage tokens suffer on their way to a support
// engineer and reports every repair.
package decode

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// Parse decodes a token string of a supported version. On error the result is
// nil and the error is a *token.ParseError (or wraps a token sentinel).
func Parse(s string) (*token.Token, error) {
	t, err := ParsePartial(s)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ParsePartial is Parse that, on error, also returns what was decoded before
// the error (possibly nil), so that a broken token can still be explained.
func ParsePartial(s string) (*token.Token, error) {
	if len(s) == 0 {
		return nil, token.Errorf("token", 0, "token", token.ErrTruncated, "empty token")
	}
	if len(s) > token.MaxTokenLength {
		return nil, token.Errorf("token", token.MaxTokenLength, "token", token.ErrTooLarge,
			"token is %d bytes, the limit is %d", len(s), token.MaxTokenLength)
	}
	if appIDLike(s) {
		// An App ID or App Certificate pasted where the token belongs: it
		// is not quoted, even in part.
		return nil, token.Errorf("token", 0, "version", token.ErrUnsupportedVersion, "32 hex characters: an App ID or App Certificate, not a key")
	}
	if fixedHexKey(s) {
		// FORMATS §2: the all-hex fixed-length keys come first, since DK1
		// and DK2 begin with a random hex signature that may read "006"
		// or "007".
		return parseLegacy(s)
	}
	switch {
	case strings.HasPrefix(s, "007"):
		return parse007(s)
	case strings.HasPrefix(s, "006"):
		return parse006(s)
	}
	return parseLegacy(s)
}

// parseLegacy decodes the pre-006 keys, recognised by shape (FORMATS §2), and
// explains what a string that is no known format looks closest to.
func parseLegacy(s string) (*token.Token, error) {
	rec := legacy.Recognize(s)
	if rec.Legacy() && (rec.Format != token.V005 || looksLikeDK5(s)) {
		l, err := legacy.ParsePartial(s)
		if err != nil {
			return brokenLegacy(rec.Format, l, err)
		}
		return &token.Token{Version: l.Format, Legacy: l}, nil
	}
	if len(s) < 3 {
		return nil, token.Errorf("token", len(s), "version", token.ErrMalformed, "%s is too short for a token", token.Plural(len(s), "character"))
	}
	msg := fmt.Sprintf("prefix %s is not a known token version (007, 006, 005, 004, 003, signaling \"1:\", or the 90/110-character hex keys)", quotePrefix(s[:3]))
	switch {
	case rec.Format == token.V005:
		msg = "prefix \"005\" but the content is not a DynamicKey5 key (it must start with a service type 1-4 and a 40-byte signature length" + dk5Start(s) + "): the version prefix does not match the token"
	case (rec.Closest == token.V003 || rec.Closest == token.V004) &&
		(rec.Mismatch == legacy.MismatchLength || rec.Mismatch == legacy.MismatchAlphabet):
		// The prefix is right; the key itself is damaged. The legacy
		// parser names the kind: an all-hex key cut short is truncated,
		// one too long has trailing data, anything else is malformed.
		l, err := legacy.ParsePartial(s)
		return brokenLegacy(rec.Closest, l, err)
	case rec.Closest == token.VSignal && rec.Mismatch == legacy.MismatchFields:
		// "1:" is the signaling version: the token was cut short or has
		// something after its signature.
		return brokenLegacy(token.VSignal, legacy.PartialSignaling(s), signalingFieldsError(s))
	case rec.Reason != "" && strings.Contains(rec.Reason, s[:3]):
		msg = rec.Reason
	case rec.Reason != "":
		msg = fmt.Sprintf("prefix %s: %s", quotePrefix(s[:3]), rec.Reason)
	}
	return nil, token.Errorf("token", 0, "version", token.ErrUnsupportedVersion, "%s", msg)
}

// broken is the partial result of a key whose version its prefix (or, for
// the unversioned hex keys, its shape) tells but that does not decode: the
// version and nothing else, as a broken 007 token keeps "007". An error
// that says the string is no such key after all leaves no token.
func broken(v token.Version, err error) (*token.Token, error) {
	if v == token.VUnknown || errors.Is(err, token.ErrUnsupportedVersion) {
		return nil, err
	}
	return &token.Token{Version: v}, err
}

// brokenLegacy is broken for a legacy key, keeping the partial model l (the
// fields decoded before the error, token.Legacy.StoppedAt) when there is one.
func brokenLegacy(v token.Version, l *token.Legacy, err error) (*token.Token, error) {
	tok, err := broken(v, err)
	if tok != nil && l != nil && l.Format == v {
		tok.Legacy = l
	}
	return tok, err
}

// signalingFieldsError locates the problem of a "1:" string without the
// four ':'-separated fields of a signaling token (FORMATS §8): where it ends,
// naming the first missing field, or where the fifth field starts.
func signalingFieldsError(s string) error {
	n := strings.Count(s, ":") + 1
	if n > 4 {
		at := 0
		for i := 0; i < 4; i++ {
			at += strings.IndexByte(s[at:], ':') + 1
		}
		return token.Errorf("token", at-1, "signature", token.ErrTrailingData,
			"a signaling token has 4 ':'-separated fields (1:app_id:expired_ts:signature), this one has %d", n)
	}
	missing := "expired_ts"
	if n == 3 {
		missing = "signature"
	}
	return token.Errorf("token", len(s), missing, token.ErrTruncated,
		"a signaling token has 4 ':'-separated fields (1:app_id:expired_ts:signature), this one ends after %d", n)
}

// looksLikeDK5 applies FORMATS §2 rule 7: the decoded content of a 005 key
// starts with a u16 service type 1..4 followed by u16 40.
func looksLikeDK5(s string) bool {
	body := s[3:]
	if len(body) < 8 {
		// Too short to tell, "005" alone included: a key cut short; let
		// the DK5 parser say where it ends.
		return true
	}
	b, err := base64.StdEncoding.DecodeString(body[:8])
	if err != nil || len(b) < 4 {
		return true // not base64: the DK5 parser names the bad character
	}
	return b[0] >= 1 && b[0] <= 4 && b[1] == 0 && b[2] == 40 && b[3] == 0
}

// dk5Start says what the content of a "005" string that looksLikeDK5
// refused starts with, for the error: the service type and signature length
// its first four bytes hold.
func dk5Start(s string) string {
	if len(s) < 11 {
		return ""
	}
	b, err := base64.StdEncoding.DecodeString(s[3:11])
	if err != nil || len(b) < 4 {
		return ""
	}
	return fmt.Sprintf("; content bytes 0-3 read service type %d and length %d", binary.LittleEndian.Uint16(b), binary.LittleEndian.Uint16(b[2:]))
}

// appIDLike reports whether s is 32 hexadecimal characters that are no
// token cut short: no token is 32 characters long, but 003, 004 and 006
// tokens are hexadecimal at their start, so one of those cut to 32 is read
// as what it is (a 007 or 005 body is base64, "eJ…" and the like).
func appIDLike(s string) bool {
	if !IsHex32(s) {
		return false
	}
	switch s[:3] {
	case "003", "004", "006":
		return false
	}
	return true
}

// quotePrefix quotes the first characters of a token; when they hold a byte
// that is no printable ASCII, their bytes follow in hex, since a quoted
// "\x0000" reads as one escape to most eyes (it is a NUL and "00").
func quotePrefix(p string) string {
	q := strconv.Quote(p)
	for i := 0; i < len(p); i++ {
		if p[i] < 0x20 || p[i] >= 0x7f {
			return fmt.Sprintf("%s (bytes % x)", q, p)
		}
	}
	return q
}

// fixedHexKey reports whether s has the shape of a hex-text legacy key
// (FORMATS §2 tests 1-4): 90 (DK1) or 110 (DK2) hexadecimal characters, or
// 113 starting with "003" (DK3) or 103 starting with "004" (DK4).
func fixedHexKey(s string) bool {
	switch len(s) {
	case 90, 110:
	case 113:
		if !strings.HasPrefix(s, "003") {
			return false
		}
	case 103:
		if !strings.HasPrefix(s, "004") {
			return false
		}
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) {
			return false
		}
	}
	return true
}

// IsHex32 reports whether s is exactly 32 hexadecimal characters.
func IsHex32(s string) bool {
	return len(s) == 32 && allHex(s)
}

// allHex reports whether every byte of s is hexadecimal, in one pass
// without branches.
func allHex(s string) bool {
	var bad byte
	for i := 0; i < len(s); i++ {
		bad |= notHex[s[i]]
	}
	return bad == 0
}

// IsHexDigit reports whether c is a hexadecimal digit, in either case.
func IsHexDigit(c byte) bool { return notHex[c] == 0 }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// notHex is 1 for the bytes isHex refuses, 0 for the others.
var notHex = func() (t [256]byte) {
	for c := range t {
		if !isHex(byte(c)) {
			t[c] = 1
		}
	}
	return t
}()

// checkAppID returns a located error when id is not 32 hex characters.
func checkAppID(id string, layer string, base int, field string) error {
	if len(id) != 32 {
		return token.Errorf(layer, base, field, token.ErrMalformed, "app ID is %s, want 32 hexadecimal characters", token.Plural(len(id), "byte"))
	}
	// The loop that names the character runs only on failure.
	if allHex(id) {
		return nil
	}
	for i := 0; i < len(id); i++ {
		if !isHex(id[i]) {
			return token.Errorf(layer, base+i, field, token.ErrMalformed, "app ID character %s at position %d is not hexadecimal", quoteByte(id[i]), i)
		}
	}
	return nil
}

func readSignature(r *token.Reader) ([]byte, error) {
	off := r.Offset()
	sig, err := r.Bytes16("signature")
	if err != nil {
		return nil, err
	}
	if len(sig) != token.SigLength {
		return nil, token.Errorf(r.Layer(), off, "signature", token.ErrMalformed, "signature is %s, want %d", token.Plural(len(sig), "byte"), token.SigLength)
	}
	return sig, nil
}

// readPrivileges reads a map16<u32>, refusing a repeated key. The repeat
// check is linear in the entry count (a bitset over the 16-bit keys beyond a
// few entries), so a map of tens of thousands of keys costs microseconds.
func readPrivileges(r *token.Reader) ([]token.Privilege, error) {
	return readPrivilegesInto(r, nil, false)
}

// readPrivilegesInto is readPrivileges; with reuse the entries go into old
// when it is large enough.
func readPrivilegesInto(r *token.Reader, old []token.Privilege, reuse bool) ([]token.Privilege, error) {
	const field = ".privileges"
	start := r.Offset()
	n, err := r.Count16(field, 6)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	var out []token.Privilege
	if reuse && cap(old) >= n {
		out = old[:n]
	} else {
		out = make([]token.Privilege, n)
	}
	if err := fillPrivileges(r, out, start, field); err != nil {
		return nil, err
	}
	return out, nil
}

// fillPrivileges reads len(out) map entries into out, refusing a repeated
// key; start is the offset of the map's count, for error locations.
func fillPrivileges(r *token.Reader, out []token.Privilege, start int, field string) error {
	// The callers' Count16 has checked that the entries fit: read them
	// straight from the bytes. The field-by-field loop stays for a caller
	// that has not, to locate the end.
	if b := r.Rest(); r.Skip(6 * len(out)) {
		for i := range out {
			e := b[6*i : 6*i+6]
			out[i] = token.Privilege{ID: binary.LittleEndian.Uint16(e), Expire: binary.LittleEndian.Uint32(e[2:])}
		}
		return checkRepeats(r, out, start, field)
	}
	for i := range out {
		k, err := r.U16(".id")
		if err != nil {
			return within(err, "%s[%d]", field, i)
		}
		v, err := r.U32(".expire")
		if err != nil {
			return within(err, "%s[%d]", field, i)
		}
		out[i] = token.Privilege{ID: k, Expire: v}
	}
	return checkRepeats(r, out, start, field)
}

// checkRepeats refuses a privilege map whose entries repeat a key.
func checkRepeats(r *token.Reader, out []token.Privilege, start int, field string) error {
	if i := firstRepeat(out); i >= 0 {
		return token.Errorf(r.Layer(), start+2+6*i, fmt.Sprintf("%s[%d].id", field, i), token.ErrMalformed,
			"privilege %d repeated in the map that starts at byte %d", out[i].ID, start)
	}
	return nil
}

// firstRepeat returns the index of the first entry whose key an earlier
// entry already has, or -1.
func firstRepeat(p []token.Privilege) int {
	if len(p) <= 16 {
		for i := 1; i < len(p); i++ {
			for j := 0; j < i; j++ {
				if p[j].ID == p[i].ID {
					return i
				}
			}
		}
		return -1
	}
	var seen [1 << 16 / 64]uint64 // 8 KiB, on the stack
	for i, e := range p {
		w, b := e.ID/64, uint64(1)<<(e.ID%64)
		if seen[w]&b != 0 {
			return i
		}
		seen[w] |= b
	}
	return -1
}

// ParseInto is Parse that decodes into t and reuses the buffers t holds from
// an earlier ParseInto (payload, content, services, privileges), so that
// decoding a stream of tokens into one Token allocates nothing in the steady
// state. It accepts and refuses exactly what Parse does; on error t holds
// what ParsePartial would return (the zero Token when that is nil, which
// drops the buffers) and the error is the same.
//
// The result aliases those reused buffers: every string and slice in t
// (service channels and accounts, Payload, SigningInfo, Signature, Content,
// Message, Privileges, Services) stays valid only until the next ParseInto
// with the same t, which overwrites them. Copy what must outlive that
// (strings.Clone, slices.Clone, or decode with Parse instead). Do not modify
// Payload or Content: the strings alias them. Pass a zero Token or one only
// ParseInto has filled: the buffers of a token from Parse or Payload007 are
// not ParseInto's to overwrite. A Token must not be used by two goroutines at
// once; ParseInto itself is safe for concurrent use on different Tokens.
func ParseInto(s string, t *token.Token) error {
	if t == nil {
		return token.Errorf("token", 0, "token", token.ErrMalformed, "nil destination token")
	}
	// The strings ParsePartial refuses at once, the all-hex keys (which it
	// recognises first: they may start with "006" or "007") and the legacy
	// formats take its result as it is.
	partial := func() error {
		tok, err := ParsePartial(s)
		if tok == nil {
			*t = token.Token{}
		} else {
			*t = *tok
		}
		return err
	}
	if len(s) == 0 || len(s) > token.MaxTokenLength || len(s) < 3 || fixedHexKey(s) || appIDLike(s) {
		return partial()
	}
	switch s[:3] {
	case "007":
		if t.T007 == nil {
			t.T007 = new(token.Token007)
		}
		t.T006 = nil
		return parse007Into(s, t)
	case "006":
		if len(s) < prefix006Len {
			*t = token.Token{Version: token.V006}
			return truncated006(s)
		}
		if t.T006 == nil {
			t.T006 = new(token.Token006)
		}
		t.T007 = nil
		return parse006Into(s, t, true)
	}
	return partial()
}
