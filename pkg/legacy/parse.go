package legacy

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Error layers used in *token.ParseError values.
const (
	// LayerToken is the token string itself.
	LayerToken = "token"
	// LayerContent is the base64-decoded content of a DK5 key.
	LayerContent = "content"
)

// Field widths of the hex-text keys (FORMATS §3–6).
const (
	sigHexLen = 40 // hex text of a 20-byte HMAC-SHA1
	appIDLen  = 32
	dec10Len  = 10
	hex8Len   = 8
	md5HexLen = 32
	dk5AppLen = 16 // raw bytes of the hex-decoded App ID
)

// Parse decodes a DK1, DK2, DK3 (003), DK4 (004), DK5 (005) key or a
// signaling token ("1:…") into a token.Legacy. It checks the structure
// strictly and verifies nothing: use [Verify] for the signature.
//
// Strictness, beyond the layouts of FORMATS §3–8:
//   - DK1–DK4: the signature and randomInt are lowercase hex, the App ID is 32
//     hex characters of either case (copied verbatim), every dec10 field is 10
//     decimal digits whose value fits in 32 bits.
//   - DK5: the text after "005" is canonical standard base64 with padding (no
//     line breaks, no URL-safe alphabet, zero padding bits); service_type is
//     1–4; the signature is 40 bytes of uppercase hex; the App ID is 16 bytes;
//     the extra map has ascending keys, is empty for service types 1–3 and is
//     exactly {1: "0" or "3"} for type 4 (FORMATS §7.1, §14); nothing follows it.
//   - signaling: version "1", a 32-hex App ID, the expiry in plain decimal
//     (no sign, no leading zeros, at most 2^32-1), a 32-character lowercase MD5.
//
// A string that is no legacy shape gives an error that says which format it
// looks closest to and why it is not (see [Recognize]): token.ErrTruncated
// when it is too short, token.ErrTrailingData when it is too long,
// token.ErrMalformed otherwise, token.ErrUnsupportedVersion when it resembles
// no legacy format or is a 006/007 token. Strings longer than
// token.MaxTokenLength give token.ErrTooLarge. On error the result is nil.
func Parse(s string) (*token.Legacy, error) {
	l, err := ParsePartial(s)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// ParsePartial is Parse, but on an error of a key whose format is known it
// also returns the partial model: the fields decoded before the one at
// fault, with token.Legacy.StoppedAt naming that field (see
// token.Legacy.Read). A key read whole but followed by more text is
// returned whole with its token.ErrTrailingData error.
func ParsePartial(s string) (*token.Legacy, error) {
	if len(s) > token.MaxTokenLength {
		return nil, token.Errorf(LayerToken, token.MaxTokenLength, "token", token.ErrTooLarge,
			"%d bytes exceed the limit of %d", len(s), token.MaxTokenLength)
	}
	r := Recognize(s)
	switch r.Format {
	case token.VDK1, token.VDK2, token.V003, token.V004:
		return parseHexKey(s, r.Format)
	case token.V005:
		return parseDK5(s)
	case token.VSignal:
		return parseSignaling(s)
	case token.V006, token.V007:
		return nil, token.Errorf(LayerToken, 0, "version", token.ErrUnsupportedVersion,
			"%s is not a legacy key; it is decoded by the %s decoder", describe(r.Format), r.Format)
	}
	err := recognitionError(s, r)
	if _, ok := layoutOf(r.Closest); ok && (r.Mismatch == MismatchAlphabet || r.Mismatch == MismatchLength) {
		// A hex key with a bad character or of the wrong length: the
		// fields before the fault are decoded (a partial model).
		var pe *token.ParseError
		if errors.As(err, &pe) && !errors.Is(err, token.ErrUnsupportedVersion) {
			l, _ := readHexFields(s, r.Closest, pe.Offset)
			return l, err
		}
	}
	return nil, err
}

// partial marks l as decoded up to field (a name of token.LegacyFields, or a
// sub-field of one such as "extra[0].key"; any other name, such as the
// base64 "content" of DK5, stops before the first field) and returns it with
// err.
func partial(l *token.Legacy, field string, err error) (*token.Legacy, error) {
	fields := token.LegacyFields(l.Format)
	l.StoppedAt = fields[0]
	for _, f := range fields {
		if field == f || strings.HasPrefix(field, f+".") || strings.HasPrefix(field, f+"[") {
			l.StoppedAt = f
		}
	}
	return l, err
}

// recognitionError turns an unrecognised shape into a ParseError.
func recognitionError(s string, r Recognition) error {
	sentinel := token.ErrMalformed
	switch {
	case len(s) < 3: // too short to carry any version: malformed, as in tampered.json
	case r.Closest == token.VUnknown || r.Closest == token.V006 || r.Closest == token.V007:
		sentinel = token.ErrUnsupportedVersion
		if r.Closest == token.V006 {
			sentinel = token.ErrTruncated
		}
	case r.Mismatch == MismatchLength && firstNot(s, 0, isHex) < 0:
		if want := fixedLen(r.Closest); len(s) < want {
			sentinel = token.ErrTruncated
		} else if len(s) > want {
			sentinel = token.ErrTrailingData
		}
	}
	off := r.Offset
	if off < 0 {
		off = 0
	}
	field := "token"
	switch {
	case sentinel == token.ErrUnsupportedVersion:
		field = "version"
	case sentinel == token.ErrTrailingData:
		// After the last field.
	case r.Mismatch == MismatchAlphabet || r.Mismatch == MismatchLength:
		// The field of the fixed layout the offset falls in: the bad
		// character's, or the one the string ends inside.
		if f := hexFieldAt(r.Closest, off); f != "" {
			field = f
		}
	}
	return token.Errorf(LayerToken, off, field, sentinel, "%s", r.Reason)
}

// hexFieldAt names the field of a DK1–DK4 key (FORMATS §3–§6) at character
// offset off, or "" when off is outside the key or v is no such key.
func hexFieldAt(v token.Version, off int) string {
	h, ok := layoutOf(v)
	if !ok || off < 0 {
		return ""
	}
	type field struct {
		name string
		n    int
	}
	fields := []field{{"version", len(h.prefix)}, {"signature", sigHexLen}, {"app_id", appIDLen}, {"unix_ts", dec10Len}, {"random_int", hex8Len}}
	if h.hasUID {
		fields = append(fields, field{"uid", dec10Len})
	}
	if h.hasExpired {
		fields = append(fields, field{"expired_ts", dec10Len})
	}
	for _, f := range fields {
		if off < f.n {
			return f.name
		}
		off -= f.n
	}
	return ""
}

func fixedLen(v token.Version) int {
	switch v {
	case token.VDK1:
		return LenDK1
	case token.VDK2:
		return LenDK2
	case token.V003:
		return LenDK3
	case token.V004:
		return LenDK4
	}
	return 0
}

// hexLayout describes the fields of a DK1–DK4 key after its prefix.
type hexLayout struct {
	prefix     string
	hasUID     bool
	hasExpired bool
}

func layoutOf(v token.Version) (hexLayout, bool) {
	switch v {
	case token.VDK1:
		return hexLayout{}, true
	case token.VDK2:
		return hexLayout{hasUID: true, hasExpired: true}, true
	case token.V003:
		return hexLayout{prefix: "003", hasUID: true, hasExpired: true}, true
	case token.V004:
		return hexLayout{prefix: "004", hasExpired: true}, true
	}
	return hexLayout{}, false
}

func (h hexLayout) length() int {
	n := len(h.prefix) + sigHexLen + appIDLen + dec10Len + hex8Len
	if h.hasUID {
		n += dec10Len
	}
	if h.hasExpired {
		n += dec10Len
	}
	return n
}

// textCursor walks the fixed-width fields of a hex-text key.
type textCursor struct {
	s   string
	off int
}

func (c *textCursor) take(n int) (string, int) {
	start := c.off
	c.off += n
	return c.s[start:c.off], start
}

func (c *textCursor) lowerHex(field string, n int) (string, error) {
	v, start := c.take(n)
	if i := firstNot(v, 0, isLowerHex); i >= 0 {
		return "", token.Errorf(LayerToken, start+i, field, token.ErrMalformed,
			"%q is not lowercase hex (the builders write lowercase)", v[i])
	}
	return v, nil
}

func (c *textCursor) dec10(field string) (uint32, error) {
	v, start := c.take(dec10Len)
	if i := firstNot(v, 0, isDigit); i >= 0 {
		return 0, token.Errorf(LayerToken, start+i, field, token.ErrMalformed, "%q is not a decimal digit", v[i])
	}
	var x uint64
	for i := 0; i < len(v); i++ {
		x = x*10 + uint64(v[i]-'0')
	}
	if x > 0xFFFFFFFF {
		return 0, token.Errorf(LayerToken, start, field, token.ErrMalformed, "%s exceeds 4294967295", v)
	}
	return uint32(x), nil
}

func parseHexKey(s string, v token.Version) (*token.Legacy, error) {
	h, ok := layoutOf(v)
	if !ok || len(s) != h.length() || !strings.HasPrefix(s, h.prefix) {
		return nil, token.Errorf(LayerToken, 0, "token", token.ErrMalformed, "not %s", describe(v))
	}
	return readHexFields(s, v, len(s))
}

// readHexFields decodes the fields of the DK1-DK4 key s (of version v) that
// end at or before character stop; the model is partial (StoppedAt) when a
// field reaches past stop or fails to decode.
func readHexFields(s string, v token.Version, stop int) (*token.Legacy, error) {
	h, _ := layoutOf(v)
	c := &textCursor{s: s, off: len(h.prefix)}
	l := &token.Legacy{Format: v}
	fits := func(field string, n int) bool {
		if c.off+n > stop || c.off+n > len(s) {
			l.StoppedAt = field
			return false
		}
		return true
	}
	var err error
	if !fits("signature", sigHexLen) {
		return l, nil
	}
	if l.Signature, err = c.lowerHex("signature", sigHexLen); err != nil {
		return partial(l, "signature", err)
	}
	if !fits("app_id", appIDLen) {
		return l, nil
	}
	var start int
	l.AppID, start = c.take(appIDLen)
	if i := firstNot(l.AppID, 0, isHex); i >= 0 {
		l.AppID = ""
		return partial(l, "app_id", token.Errorf(LayerToken, start+i, "app_id", token.ErrMalformed, "%q is not hex", s[start+i]))
	}
	if !fits("unix_ts", dec10Len) {
		return l, nil
	}
	if l.UnixTs, err = c.dec10("unix_ts"); err != nil {
		return partial(l, "unix_ts", err)
	}
	if !fits("random_int", hex8Len) {
		return l, nil
	}
	salt, err := c.lowerHex("random_int", hex8Len)
	if err != nil {
		return partial(l, "random_int", err)
	}
	for i := 0; i < len(salt); i++ {
		l.Salt = l.Salt<<4 | uint32(unhex(salt[i]))
	}
	if h.hasUID {
		if !fits("uid", dec10Len) {
			return l, nil
		}
		if l.UID, err = c.dec10("uid"); err != nil {
			return partial(l, "uid", err)
		}
		l.HasUID = true
	}
	if h.hasExpired {
		if !fits("expired_ts", dec10Len) {
			return l, nil
		}
		if l.ExpiredTs, err = c.dec10("expired_ts"); err != nil {
			return partial(l, "expired_ts", err)
		}
		l.HasExpired = true
	}
	return l, nil
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

func parseDK5(s string) (*token.Legacy, error) {
	const pre = len("005")
	if !strings.HasPrefix(s, "005") {
		return nil, token.Errorf(LayerToken, 0, "version", token.ErrMalformed, "not a 005 key")
	}
	b64 := s[pre:]
	content, err := base64.StdEncoding.Strict().DecodeString(b64)
	if err != nil {
		off := 0
		if ce, ok := err.(base64.CorruptInputError); ok {
			off = int(ce)
		}
		return partial(&token.Legacy{Format: token.V005}, "content", token.Errorf(LayerToken, pre+off, "content", token.ErrMalformed,
			"not canonical standard base64 with padding: %v", err))
	}
	// The decoder skips line breaks; the only accepted text is the canonical
	// encoding of the decoded bytes.
	if canon := base64.StdEncoding.EncodeToString(content); canon != b64 {
		i := 0
		for i < len(b64) && i < len(canon) && b64[i] == canon[i] {
			i++
		}
		return partial(&token.Legacy{Format: token.V005}, "content", token.Errorf(LayerToken, pre+i, "content", token.ErrMalformed,
			"not canonical standard base64 (line break or other skipped character)"))
	}
	return decodeDK5Content(content)
}

// decodeDK5Content decodes the content of a DK5 key; on an error the model
// holds the fields before the one at fault (token.Legacy.StoppedAt).
func decodeDK5Content(content []byte) (*token.Legacy, error) {
	l := &token.Legacy{Format: token.V005}
	fail := func(err error) (*token.Legacy, error) {
		var pe *token.ParseError
		field := ""
		if errors.As(err, &pe) {
			field = pe.Field
		}
		return partial(l, field, err)
	}
	r := token.NewReader(content, LayerContent)
	st, err := r.U16("service_type")
	if err != nil {
		return fail(err)
	}
	if st < 1 || st > 4 {
		return fail(token.Errorf(LayerContent, 0, "service_type", token.ErrMalformed, "%d is not a DK5 service type (1-4)", st))
	}
	l.ServiceType = st
	off := r.Offset()
	sig, err := r.Bytes16("signature")
	if err != nil {
		return fail(err)
	}
	if len(sig) != sigHexLen {
		return fail(token.Errorf(LayerContent, off, "signature", token.ErrMalformed, "length %d, not 40", len(sig)))
	}
	if i := firstNot(string(sig), 0, isUpperHex); i >= 0 {
		return fail(token.Errorf(LayerContent, off+2+i, "signature", token.ErrMalformed,
			"%q is not uppercase hex (the builders write uppercase)", sig[i]))
	}
	l.Signature = string(sig)
	off = r.Offset()
	app, err := r.Bytes16("app_id")
	if err != nil {
		return fail(err)
	}
	if len(app) != dk5AppLen {
		return fail(token.Errorf(LayerContent, off, "app_id", token.ErrMalformed, "length %d, not 16", len(app)))
	}
	l.AppID = hex.EncodeToString(app)
	if l.UnixTs, err = r.U32("unix_ts"); err != nil {
		return fail(err)
	}
	if l.Salt, err = r.U32("random_int"); err != nil {
		return fail(err)
	}
	if l.ExpiredTs, err = r.U32("expired_ts"); err != nil {
		return fail(err)
	}
	l.HasExpired = true
	off = r.Offset()
	// An entry is at least a u16 key and a u16 length: bound the declared
	// count by the bytes left before allocating for it.
	count, err := r.U16("extra.count")
	if err != nil {
		return fail(err)
	}
	n := int(count)
	if n*4 > r.Len() {
		return fail(token.Errorf(LayerContent, off, "extra", token.ErrTruncated,
			"count %d needs at least %s, %d left", n, token.Plural(n*4, "byte"), r.Len()))
	}
	var extra []token.LegacyExtra
	if n > 0 {
		extra = make([]token.LegacyExtra, 0, n)
	}
	for i := 0; i < n; i++ {
		at := r.Offset()
		k, err := r.U16(extraField(i, "key"))
		if err != nil {
			return fail(err)
		}
		v, err := r.String16(extraField(i, "value"))
		if err != nil {
			return fail(err)
		}
		if i > 0 && k <= extra[i-1].Key {
			return fail(token.Errorf(LayerContent, at, extraField(i, "key"), token.ErrMalformed,
				"key %d after key %d: keys must be strictly ascending", k, extra[i-1].Key))
		}
		extra = append(extra, token.LegacyExtra{Key: k, Value: v})
	}
	if r.Len() > 0 {
		// Every field was read: the model is whole, the bytes after it
		// are the error.
		l.Extra = extra
		return l, token.Errorf(LayerContent, r.Offset(), "extra", token.ErrTrailingData,
			"%s after the extra map", token.Plural(r.Len(), "byte"))
	}
	if field, detail := checkDK5Extra(st, extra); detail != "" {
		return fail(token.Errorf(LayerContent, off, field, token.ErrMalformed, "%s", detail))
	}
	l.Extra = extra
	l.Content = content
	return l, nil
}

func extraField(i int, name string) string {
	return "extra[" + itoa(i) + "]." + name
}

// checkDK5Extra applies FORMATS §7.1 and §14: no extra for service types 1–3,
// exactly {1: "0" or "3"} for type 4. It returns the field and a description
// of the first problem, or "" when the map is right.
func checkDK5Extra(st uint16, extra []token.LegacyExtra) (field, detail string) {
	if st != 4 {
		if len(extra) != 0 {
			return "extra", "service type " + itoa(int(st)) + " carries no extra entries, found " + itoa(len(extra))
		}
		return "", ""
	}
	if len(extra) != 1 || extra[0].Key != DK5ExtraAllowUpload {
		return "extra", "an in-channel permission key carries exactly one entry, key 1 (allow upload in channel)"
	}
	switch DK5Permission(extra[0].Value) {
	case DK5NoUpload, DK5AudioVideoUpload:
		return "", ""
	}
	return "extra[0].value", "permission " + quote(extra[0].Value) + " is neither \"0\" (no upload) nor \"3\" (audio and video upload)"
}

// PartialSignaling decodes what it can of a "1:" string that does not have
// the 4 ':'-separated fields of a signaling token (FORMATS §8): the fields
// that are there and well formed, up to the first missing or bad one
// (token.Legacy.StoppedAt); with more than 4 fields, the first 4. It returns
// nil for a string that does not start with "1:".
func PartialSignaling(s string) *token.Legacy {
	if !strings.HasPrefix(s, "1:") {
		return nil
	}
	parts := strings.SplitN(s, ":", 5)
	for len(parts) < 4 {
		parts = append(parts, "")
	}
	l, _ := parseSignaling(strings.Join(parts[:4], ":"))
	return l
}

func parseSignaling(s string) (*token.Legacy, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 4 || parts[0] != "1" {
		return nil, token.Errorf(LayerToken, 0, "version", token.ErrMalformed, "not a signaling token")
	}
	l := &token.Legacy{Format: token.VSignal}
	off := 2
	app := parts[1]
	if len(app) != appIDLen {
		return partial(l, "app_id", token.Errorf(LayerToken, off, "app_id", token.ErrMalformed, "%s, not 32", token.Plural(len(app), "character")))
	}
	if i := firstNot(app, 0, isHex); i >= 0 {
		return partial(l, "app_id", token.Errorf(LayerToken, off+i, "app_id", token.ErrMalformed, "%q is not hex", app[i]))
	}
	l.AppID = app
	off += len(app) + 1
	e := parts[2]
	exp, detail := parseDecimal(e)
	if detail != "" {
		return partial(l, "expired_ts", token.Errorf(LayerToken, off, "expired_ts", token.ErrMalformed, "%s", detail))
	}
	l.ExpiredTs, l.HasExpired = exp, true
	off += len(e) + 1
	sig := parts[3]
	if len(sig) != md5HexLen {
		return partial(l, "signature", token.Errorf(LayerToken, off, "signature", token.ErrMalformed, "%s, not 32 (an MD5 in hex)", token.Plural(len(sig), "character")))
	}
	if i := firstNot(sig, 0, isLowerHex); i >= 0 {
		return partial(l, "signature", token.Errorf(LayerToken, off+i, "signature", token.ErrMalformed,
			"%q is not lowercase hex (the builders write lowercase)", sig[i]))
	}
	l.Signature = sig
	return l, nil
}

// parseDecimal reads a plain decimal uint32 (no sign, no leading zeros); the
// second result describes why s is not one, or is "".
func parseDecimal(s string) (uint32, string) {
	switch {
	case s == "":
		return 0, "empty"
	case s[0] == '-':
		return 0, quote(s) + " is negative (a signed 32-bit writer: FORMATS §16 Q11)"
	case len(s) > 1 && s[0] == '0':
		return 0, quote(s) + " has a leading zero"
	case len(s) > 10:
		return 0, quote(s) + " exceeds 4294967295"
	}
	var x uint64
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, quote(s) + " is not a decimal number"
		}
		x = x*10 + uint64(s[i]-'0')
	}
	if x > 0xFFFFFFFF {
		return 0, quote(s) + " exceeds 4294967295"
	}
	return uint32(x), ""
}
