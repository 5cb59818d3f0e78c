package decode

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/token"
)

var b64Alphabet = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
		t[c] = true
	}
	return t
}()

// b64Values maps a standard base64 character to its 6-bit value and every
// other byte (padding included) to 0xFF.
var b64Values = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
		t[c] = byte(i)
	}
	return t
}()

// b64Shifted[k] maps a standard base64 character to its 6-bit value shifted
// to its place in a group (18, 12, 6, 0 bits for the group's characters 0 to
// 3), and every other byte to b64Bad, so that a group is four lookups ORed
// together and one test.
var b64Shifted = func() (t [4][256]uint32) {
	for k := range t {
		for c := range t[k] {
			v := b64Values[c]
			if v&0x80 != 0 {
				t[k][c] = b64Bad
			} else {
				t[k][c] = uint32(v) << (18 - 6*k)
			}
		}
	}
	return t
}()

// b64Bad is the b64Shifted entry of a byte outside the alphabet.
const b64Bad = 1 << 31

// decodeBase64Into is decodeBase64 appending to dst[:0]. Well-formed input
// is validated and decoded in one pass without allocating when dst is large
// enough; anything else is handed to decodeBase64, which locates the error
// (or, for input the one-pass decoder does not take, decodes it).
func decodeBase64Into(dst []byte, s string, base int, field string) ([]byte, bool, error) {
	n := len(s)
	if n == 0 || n%4 != 0 {
		return decodeBase64(s, base, field)
	}
	need := n / 4 * 3
	if cap(dst) < need {
		dst = make([]byte, 0, need)
	}
	out := dst[:need]
	// Every group but the last has no padding. Two groups at a time first:
	// their 48 bits are stored as one 8-byte word, whose last two bytes the
	// next groups overwrite (i ≤ n-12 keeps the word within out).
	o, i := 0, 0
	for ; i <= n-12; i += 8 {
		g := s[i : i+8]
		t0, t1, t2, t3 := &b64Shifted[0], &b64Shifted[1], &b64Shifted[2], &b64Shifted[3]
		x := t0[g[0]] | t1[g[1]] | t2[g[2]] | t3[g[3]]
		y := t0[g[4]] | t1[g[5]] | t2[g[6]] | t3[g[7]]
		if (x|y)&b64Bad != 0 {
			return decodeBase64(s, base, field)
		}
		v := uint64(x)<<40 | uint64(y)<<16
		binary.BigEndian.PutUint64(out[o:], v)
		o += 6
	}
	for ; i < n-4; i += 4 {
		a, b, c, d := b64Values[s[i]], b64Values[s[i+1]], b64Values[s[i+2]], b64Values[s[i+3]]
		if (a|b|c|d)&0x80 != 0 {
			return decodeBase64(s, base, field)
		}
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		out[o], out[o+1], out[o+2] = byte(v>>16), byte(v>>8), byte(v)
		o += 3
	}
	l := s[n-4:]
	a, b, c, d := b64Values[l[0]], b64Values[l[1]], b64Values[l[2]], b64Values[l[3]]
	if (a|b)&0x80 != 0 {
		return decodeBase64(s, base, field)
	}
	nonCanon := false
	switch {
	case (c|d)&0x80 == 0:
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6 | uint32(d)
		out[o], out[o+1], out[o+2] = byte(v>>16), byte(v>>8), byte(v)
		o += 3
	case c&0x80 == 0 && l[3] == '=':
		v := uint32(a)<<18 | uint32(b)<<12 | uint32(c)<<6
		out[o], out[o+1] = byte(v>>16), byte(v>>8)
		o += 2
		nonCanon = c&0x03 != 0
	case l[2] == '=' && l[3] == '=':
		v := uint32(a)<<18 | uint32(b)<<12
		out[o] = byte(v >> 16)
		o++
		nonCanon = b&0x0F != 0
	default:
		return decodeBase64(s, base, field)
	}
	return out[:o], nonCanon, nil
}

// decodeBase64 decodes canonical standard base64 with padding. base is the
// offset of s in the token string, for error locations. The second result is
// true when the unused bits of the last character are not zero (a
// non-canonical but unambiguous encoding: the data is still returned).
func decodeBase64(s string, base int, field string) ([]byte, bool, error) {
	if len(s) == 0 {
		return nil, false, token.Errorf("token", base, field, token.ErrTruncated, "no base64 data")
	}
	pad := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if b64Alphabet[c] {
			if pad > 0 {
				return nil, false, token.Errorf("token", base+i, field, token.ErrMalformed, "base64 data after padding")
			}
			continue
		}
		if c == '=' {
			pad++
			if pad > 2 {
				return nil, false, token.Errorf("token", base+i, field, token.ErrMalformed, "more than two base64 padding characters")
			}
			continue
		}
		if c == '-' || c == '_' {
			std := byte('+')
			if c == '_' {
				std = '/'
			}
			return nil, false, token.Errorf("token", base+i, field, token.ErrMalformed,
				"character %s is not standard base64: it is the URL-safe alphabet's %s for '%c', so the token was re-encoded after it was built", quoteByte(c), quoteByte(c), std)
		}
		return nil, false, token.Errorf("token", base+i, field, token.ErrMalformed, "character %s is not standard base64", quoteChar(s[i:]))
	}
	if len(s)%4 != 0 {
		if pad == 0 {
			return nil, false, token.Errorf("token", base+len(s), field, token.ErrMalformed,
				"base64 length %d is not a multiple of 4: padding missing or the token was cut short", len(s))
		}
		return nil, false, token.Errorf("token", base+len(s), field, token.ErrMalformed, "base64 length %d is not a multiple of 4", len(s))
	}
	out := make([]byte, base64.StdEncoding.DecodedLen(len(s)))
	n, err := base64.StdEncoding.Strict().Decode(out, []byte(s))
	if err == nil {
		return out[:n], false, nil
	}
	n, err2 := base64.StdEncoding.Decode(out, []byte(s))
	if err2 != nil {
		if ce, ok := err2.(base64.CorruptInputError); ok {
			return nil, false, token.Errorf("token", base+int(ce), field, token.ErrMalformed, "invalid base64")
		}
		return nil, false, token.Errorf("token", base, field, token.ErrMalformed, "invalid base64")
	}
	return out[:n], true, nil
}

// quoteChar names the character s starts with: a byte as quoteByte does,
// or the Unicode character a UTF-8 sequence encodes (U+200B, with the name
// of the invisible ones a copy picks up).
func quoteChar(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n < 2 {
		return quoteByte(s[0])
	}
	name := invisibleNames[r]
	if name == "" {
		return fmt.Sprintf("%q (U+%04X)", r, r)
	}
	return fmt.Sprintf("U+%04X (%s)", r, name)
}

// invisibleNames names the characters that show as nothing, or as a space,
// and ride along when text is copied from documents and chat messages.
var invisibleNames = map[rune]string{
	0x00A0: "no-break space", 0x00AD: "soft hyphen", 0x200B: "zero-width space", 0x200C: "zero-width non-joiner",
	0x200D: "zero-width joiner", 0x2060: "word joiner", 0xFEFF: "byte order mark, zero-width no-break space",
	0x2028: "line separator", 0x2029: "paragraph separator", 0x202F: "narrow no-break space", 0x3000: "ideographic space",
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	const hex = "0123456789abcdef"
	return "0x" + string([]byte{hex[c>>4], hex[c&15]})
}
