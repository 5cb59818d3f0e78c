package decode

import (
	"errors"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// 006 layout: "006" ‖ app ID (32 characters) ‖ B64(content).
const prefix006Len = 3 + 32

// Min006Length is the length of the shortest well-formed 006 token: the
// prefix and the base64 of the smallest content (signature field 2+32,
// two CRCs, the message length, and a message of salt, ts and an empty
// privilege map: 54 bytes).
const Min006Length = prefix006Len + (54+2)/3*4

// tok006 holds a Token and its Token006 in one allocation, with room for
// the content and privileges of a typical token (the four RTC privileges,
// or two more for a longer content), so that Parse allocates once.
type tok006 struct {
	tok     token.Token
	t6      token.Token006
	priv    [6]token.Privilege
	content [128]byte
}

func parse006(s string) (*token.Token, error) {
	if len(s) < prefix006Len {
		// Cut inside the app ID: the prefix still says what it is.
		return &token.Token{Version: token.V006}, truncated006(s)
	}
	x := new(tok006)
	x.tok.T006 = &x.t6
	// Decoded into the buffers of x (as ParseInto reuses a token's); a
	// token that needs more gets them allocated.
	x.t6.Content, x.t6.Privileges = x.content[:0], x.priv[:0]
	return &x.tok, parse006Into(s, &x.tok, true)
}

func truncated006(s string) error {
	return token.Errorf("token", len(s), "app_id", token.ErrTruncated,
		"token ends after %d characters, inside the 32-character app ID (at least %d characters are missing)", len(s), Min006Length-len(s))
}

// parse006Into decodes s (at least prefix006Len long) into tok, whose T006 is
// set. With reuse, the content and privilege buffers T006 holds are reused.
func parse006Into(s string, tok *token.Token, reuse bool) error {
	t := tok.T006
	var oldContent []byte
	var oldPriv []token.Privilege
	if reuse {
		oldContent, oldPriv = t.Content[:0], t.Privileges
	}
	*t = token.Token006{AppID: s[3:prefix006Len]}
	*tok = token.Token{Version: token.V006, T006: t}
	if err := checkAppID(t.AppID, "token", 3, "app_id"); err != nil {
		return err
	}
	content, nonCanon, err := decodeBase64Into(oldContent, s[prefix006Len:], prefix006Len, "content")
	if err != nil {
		return err
	}
	tok.Encoding.Base64NonCanonical = nonCanon
	t.Content = content
	r := token.NewReader(content, "content")
	if t.Signature, err = readSignature(r); err != nil {
		return err
	}
	if t.CRCChannel, err = r.U32("crc_channel"); err != nil {
		return err
	}
	if t.CRCUID, err = r.U32("crc_uid"); err != nil {
		return err
	}
	msgOff := r.Offset() + 2
	msg, err := r.Bytes16("message")
	if err != nil {
		return err
	}
	t.Message = msg
	// The message is decoded before the bytes after it are judged: reading
	// left to right, a problem inside it comes first, and its fields are
	// then known whatever follows.
	if err := message006(t, msg, msgOff, oldPriv, reuse); err != nil {
		var pe *token.ParseError
		if r.Len() > 0 && errors.Is(err, token.ErrTruncated) && errors.As(err, &pe) {
			// Bytes follow the message: the token was not cut short, the
			// message's length field is too small for its fields.
			return token.Errorf(pe.Layer, pe.Offset, pe.Field, token.ErrMalformed,
				"%s, yet %s follow the message: its length field (%d) is shorter than its fields",
				pe.Detail, token.Plural(r.Len(), "byte"), len(msg))
		}
		return err
	}
	if r.Len() > 0 {
		return token.Errorf("content", r.Offset(), "message", token.ErrTrailingData, "%s after the message", token.Plural(r.Len(), "byte"))
	}
	return nil
}

// message006 decodes the signed message msg, which starts at msgOff in the
// content, into t.
func message006(t *token.Token006, msg []byte, msgOff int, oldPriv []token.Privilege, reuse bool) error {
	var err error
	m := token.NewReader(msg, "content")
	// Offsets inside the message are reported relative to the content (shift).
	if t.Salt, err = m.U32(".salt"); err != nil {
		return within(shift(err, msgOff), "message")
	}
	if t.Ts, err = m.U32(".ts"); err != nil {
		return within(shift(err, msgOff), "message")
	}
	if t.Privileges, err = readPrivilegesInto(m, oldPriv, reuse); err != nil {
		return within(shift(err, msgOff), "message")
	}
	if m.Len() > 0 {
		return token.Errorf("content", msgOff+m.Offset(), "message", token.ErrTrailingData, "%s after the privilege map inside the signed message", token.Plural(m.Len(), "byte"))
	}
	return nil
}

// shift moves a ParseError's offset by base (used for nested readers).
func shift(err error, base int) error {
	if pe, ok := err.(*token.ParseError); ok {
		c := *pe
		c.Offset += base
		return &c
	}
	return err
}
