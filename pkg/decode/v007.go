package decode

import (
	"fmt"

	"github.com/tokencheck/tokencheck/pkg/token"
)

func parse007(s string) (*token.Token, error) {
	// On an error in the outer layers only the version is known.
	outer := &token.Token{Version: token.V007}
	raw, nonCanon, err := decodeBase64(s[3:], 3, "body")
	if err != nil {
		return outer, err
	}
	payload, hdr, err := inflate(raw)
	if err != nil {
		return outer, err
	}
	tok, err := Payload007(payload)
	if tok != nil {
		tok.Encoding.Base64NonCanonical = nonCanon
		tok.Encoding.ZlibHeader = hdr
		tok.Encoding.Compressor = compressorFamily(raw)
	}
	return tok, err
}

// Payload007 decodes an inflated 007 payload (signature field ‖ signing info).
// A service type without a known layout ends decoding successfully: the
// result records the type, its offset and the bytes left undecoded. On error
// the partial token is returned with the error.
func Payload007(payload []byte) (*token.Token, error) {
	t := &token.Token007{Payload: payload}
	tok := &token.Token{Version: token.V007, T007: t}
	r := token.NewReader(payload, "payload")
	var err error
	if t.Signature, err = readSignature(r); err != nil {
		return tok, err
	}
	t.SigningInfo = r.Rest()
	appOff := r.Offset() + 2
	if t.AppID, err = r.String16("app_id"); err != nil {
		return tok, err
	}
	if err := checkAppID(t.AppID, "payload", appOff, "app_id"); err != nil {
		return tok, err
	}
	if t.IssueTs, err = r.U32("issue_ts"); err != nil {
		return tok, err
	}
	if t.Expire, err = r.U32("expire"); err != nil {
		return tok, err
	}
	if t.Salt, err = r.U32("salt"); err != nil {
		return tok, err
	}
	countOff := r.Offset()
	n, err := r.Count16("services", 4)
	if err != nil {
		return tok, err
	}
	t.ServiceCount = uint16(n)
	if n == 0 {
		return tok, token.Errorf("payload", countOff, "services", token.ErrMalformed, "no services: a token must carry at least one")
	}
	t.Services = make([]token.Service, 0, n)
	for i := 0; i < n; i++ {
		off := r.Offset()
		typ, err := r.U16(".type")
		if err != nil {
			return tok, within(err, "services[%d]", i)
		}
		if !token.KnownService(typ) {
			t.UnknownService = typ
			t.UnknownOffset = off
			t.Undecoded = len(payload) - off
			return tok, nil
		}
		svc, err := readService(r, typ)
		if err != nil {
			return tok, within(err, "services[%d]", i)
		}
		t.Services = append(t.Services, svc)
	}
	if r.Len() > 0 {
		return tok, token.Errorf("payload", r.Offset(), "", token.ErrTrailingData, "%d bytes after the last service", r.Len())
	}
	return tok, nil
}

func readService(r *token.Reader, typ uint16) (token.Service, error) {
	svc := token.Service{Type: typ}
	var err error
	if svc.Privileges, err = readPrivileges(r); err != nil {
		return svc, err
	}
	switch typ {
	case token.ServiceRTC:
		if svc.Channel, err = r.String16(".channel"); err != nil {
			return svc, err
		}
		svc.Account, err = r.String16(".uid")
	case token.ServiceStreaming, token.ServiceFCDN:
		if svc.Channel, err = r.String16(".channel"); err != nil {
			return svc, err
		}
		svc.Account, err = r.String16(".account")
	case token.ServiceRTM, token.ServiceChat:
		svc.UserID, err = r.String16(".user_id")
	case token.ServiceAPaaS:
		if svc.RoomUUID, err = r.String16(".room_uuid"); err != nil {
			return svc, err
		}
		if svc.UserUUID, err = r.String16(".user_uuid"); err != nil {
			return svc, err
		}
		svc.Role, err = r.I16(".role")
	case token.ServiceRTM2:
		if svc.UserID, err = r.String16(".user_id"); err != nil {
			return svc, err
		}
		svc.Permissions, err = readRTM2(r)
	}
	return svc, err
}

func readRTM2(r *token.Reader) ([]token.RTM2Resource, error) {
	n, err := r.Count16(".permissions", 4)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]token.RTM2Resource, n)
	for i := range out {
		if out[i].ResourceType, err = r.U16(".resource_type"); err != nil {
			return nil, within(err, ".permissions[%d]", i)
		}
		m, err := r.Count16(".permissions", 4)
		if err != nil {
			return nil, within(err, ".permissions[%d]", i)
		}
		if m == 0 {
			continue
		}
		out[i].Permissions = make([]token.RTM2Permission, m)
		for j := range out[i].Permissions {
			pt, err := r.U16(".permission_type")
			if err != nil {
				return nil, within(err, ".permissions[%d].permissions[%d]", i, j)
			}
			k, err := r.Count16(".resources", 2)
			if err != nil {
				return nil, within(err, ".permissions[%d].permissions[%d]", i, j)
			}
			res := make([]string, k)
			for x := range res {
				if res[x], err = r.String16(""); err != nil {
					return nil, within(err, ".permissions[%d].permissions[%d].resources[%d]", i, j, x)
				}
			}
			out[i].Permissions[j] = token.RTM2Permission{PermissionType: pt, Resources: res}
		}
	}
	return out, nil
}

// within prefixes the field path of a *token.ParseError; it formats only on
// the error path, so the happy path does not allocate for field names.
func within(err error, format string, args ...any) error {
	if pe, ok := err.(*token.ParseError); ok {
		c := *pe
		c.Field = fmt.Sprintf(format, args...) + c.Field
		return &c
	}
	return err
}
