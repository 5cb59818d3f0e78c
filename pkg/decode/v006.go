package decode

import (
	"github.com/tokencheck/tokencheck/pkg/token"
)

// 006 layout: "006" ‖ app ID (32 characters) ‖ B64(content).
const prefix006Len = 3 + 32

func parse006(s string) (*token.Token, error) {
	if len(s) < prefix006Len {
		return nil, token.Errorf("token", len(s), "app_id", token.ErrTruncated,
			"token ends after %d characters, inside the 32-character app ID (ends %d characters early at least)", len(s), prefix006Len+4-len(s))
	}
	t := &token.Token006{AppID: s[3:prefix006Len]}
	tok := &token.Token{Version: token.V006, T006: t}
	if err := checkAppID(t.AppID, "token", 3, "app_id"); err != nil {
		return tok, err
	}
	content, nonCanon, err := decodeBase64(s[prefix006Len:], prefix006Len, "content")
	if err != nil {
		return tok, err
	}
	tok.Encoding.Base64NonCanonical = nonCanon
	t.Content = content
	r := token.NewReader(content, "content")
	if t.Signature, err = readSignature(r); err != nil {
		return tok, err
	}
	if t.CRCChannel, err = r.U32("crc_channel"); err != nil {
		return tok, err
	}
	if t.CRCUID, err = r.U32("crc_uid"); err != nil {
		return tok, err
	}
	msgOff := r.Offset() + 2
	msg, err := r.Bytes16("message")
	if err != nil {
		return tok, err
	}
	if r.Len() > 0 {
		return tok, token.Errorf("content", r.Offset(), "", token.ErrTrailingData, "%d bytes after the message", r.Len())
	}
	t.Message = msg
	m := token.NewReader(msg, "content")
	// Offsets inside the message are reported relative to the content (shift).
	if t.Salt, err = m.U32(".salt"); err != nil {
		return tok, within(shift(err, msgOff), "message")
	}
	if t.Ts, err = m.U32(".ts"); err != nil {
		return tok, within(shift(err, msgOff), "message")
	}
	if t.Privileges, err = readPrivileges(m); err != nil {
		return tok, within(shift(err, msgOff), "message")
	}
	if m.Len() > 0 {
		return tok, token.Errorf("content", msgOff+m.Offset(), "message", token.ErrTrailingData, "%d bytes after the privilege map inside the signed message", m.Len())
	}
	return tok, nil
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
