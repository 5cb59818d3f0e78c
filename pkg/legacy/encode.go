package legacy

import (
	"encoding/base64"
	"encoding/hex"
	"strconv"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Encode writes a decoded legacy key back as its string, without signing:
// the signature is copied from l. It is the inverse of [Parse]: for every
// string s that Parse accepts, Encode(Parse(s)) == s, and every string Encode
// returns is accepted by Parse. l.Content and the Has… flags are ignored (the
// format decides which fields are written).
//
// Encode refuses a model that Parse would not produce (wrong signature
// length or case, an App ID that is not 32 hex characters, a DK5 service type
// outside 1–4 or a wrong extra map) with a *token.InputError.
func Encode(l *token.Legacy) (string, error) {
	if l == nil {
		return "", &token.InputError{Field: "token", Rule: "must not be nil"}
	}
	switch l.Format {
	case token.VDK1, token.VDK2, token.V003, token.V004:
		return encodeHexKey(l)
	case token.V005:
		return encodeDK5(l)
	case token.VSignal:
		return encodeSignaling(l)
	}
	return "", &token.InputError{Field: "format", Rule: "must be a legacy format (dk1, dk2, 003, 004, 005, signaling)", Detail: quote(string(l.Format))}
}

func encodeHexKey(l *token.Legacy) (string, error) {
	h, _ := layoutOf(l.Format)
	if err := checkHex("signature", l.Signature, sigHexLen, isLowerHex, "lowercase hex"); err != nil {
		return "", err
	}
	if err := checkAppID(l.AppID); err != nil {
		return "", err
	}
	b := make([]byte, 0, h.length())
	b = append(b, h.prefix...)
	b = append(b, l.Signature...)
	b = append(b, l.AppID...)
	b = appendDec10(b, l.UnixTs)
	b = appendHex8(b, l.Salt)
	if h.hasUID {
		b = appendDec10(b, l.UID)
	}
	if h.hasExpired {
		b = appendDec10(b, l.ExpiredTs)
	}
	return string(b), nil
}

func encodeDK5(l *token.Legacy) (string, error) {
	if l.ServiceType < 1 || l.ServiceType > 4 {
		return "", &token.InputError{Field: "service_type", Rule: "must be 1-4", Detail: "is " + itoa(int(l.ServiceType))}
	}
	if err := checkHex("signature", l.Signature, sigHexLen, isUpperHex, "uppercase hex"); err != nil {
		return "", err
	}
	app, err := dk5Hex("app_id", l.AppID)
	if err != nil {
		return "", err
	}
	for i := 1; i < len(l.Extra); i++ {
		if l.Extra[i].Key <= l.Extra[i-1].Key {
			return "", &token.InputError{Field: "extra", Rule: "keys strictly ascending"}
		}
	}
	if field, detail := checkDK5Extra(l.ServiceType, l.Extra); detail != "" {
		return "", &token.InputError{Field: field, Rule: "DK5 extra map (FORMATS §7.1)", Detail: detail}
	}
	w := &token.Writer{}
	w.U16(l.ServiceType)
	w.String16("signature", l.Signature)
	w.Bytes16("app_id", app)
	w.U32(l.UnixTs)
	w.U32(l.Salt)
	w.U32(l.ExpiredTs)
	putExtra(w, l.Extra)
	if err := w.Err(); err != nil {
		return "", err
	}
	return "005" + base64.StdEncoding.EncodeToString(w.Buf), nil
}

func putExtra(w *token.Writer, extra []token.LegacyExtra) {
	w.Len16("extra", len(extra))
	for _, e := range extra {
		w.U16(e.Key)
		w.String16("extra.value", e.Value)
	}
}

func encodeSignaling(l *token.Legacy) (string, error) {
	if err := checkAppID(l.AppID); err != nil {
		return "", err
	}
	if err := checkHex("signature", l.Signature, md5HexLen, isLowerHex, "lowercase hex"); err != nil {
		return "", err
	}
	return "1:" + l.AppID + ":" + strconv.FormatUint(uint64(l.ExpiredTs), 10) + ":" + l.Signature, nil
}

// checkHex requires s to be n characters accepted by ok.
func checkHex(field, s string, n int, ok func(byte) bool, what string) error {
	if len(s) != n {
		return &token.InputError{Field: field, Rule: itoa(n) + " characters of " + what, Detail: "has " + itoa(len(s))}
	}
	if i := firstNot(s, 0, ok); i >= 0 {
		return &token.InputError{Field: field, Rule: itoa(n) + " characters of " + what, Detail: "offset " + itoa(i) + " is " + quote(s[i:i+1])}
	}
	return nil
}

// checkAppID requires the 32 hex characters (either case) of FORMATS §1.2.
func checkAppID(s string) error {
	return checkHex("app_id", s, appIDLen, isHex, "hex")
}

// dk5Hex decodes a 32-hex App ID or certificate to its 16 bytes (DK5 uses the
// bytes, so letter case does not matter).
func dk5Hex(field, s string) ([]byte, error) {
	if err := checkHex(field, s, appIDLen, isHex, "hex"); err != nil {
		return nil, err
	}
	b, err := hex.DecodeString(s)
	if err != nil { // unreachable after checkHex; kept so no error goes unchecked
		return nil, &token.InputError{Field: field, Rule: "hex", Detail: err.Error()}
	}
	return b, nil
}

// appendDec10 appends v in decimal, left-padded with '0' to 10 digits.
func appendDec10(b []byte, v uint32) []byte {
	var d [dec10Len]byte
	for i := dec10Len - 1; i >= 0; i-- {
		d[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:]...)
}

// appendHex8 appends v in lowercase hex, left-padded with '0' to 8 digits.
func appendHex8(b []byte, v uint32) []byte {
	const digits = "0123456789abcdef"
	var d [hex8Len]byte
	for i := hex8Len - 1; i >= 0; i-- {
		d[i] = digits[v&0xF]
		v >>= 4
	}
	return append(b, d[:]...)
}
