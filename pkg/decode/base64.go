package decode

import (
	"encoding/base64"

	"github.com/tokencheck/tokencheck/pkg/token"
)

var b64Alphabet = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") {
		t[c] = true
	}
	return t
}()

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
		return nil, false, token.Errorf("token", base+i, field, token.ErrMalformed, "character %s is not standard base64", quoteByte(c))
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

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	const hex = "0123456789abcdef"
	return "0x" + string([]byte{hex[c>>4], hex[c&15]})
}
