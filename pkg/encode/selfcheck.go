package encode

import (
	"bytes"
	"crypto/hmac"
	"fmt"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// selfCheck007 decodes a freshly built 007 string with the strict parser,
// compares every decoded field with the model it was built from, and verifies
// the signature with the certificate.
func selfCheck007(s string, want *token.Token007, cert string) (*token.Token, error) {
	tok, err := decode.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: the built token does not decode: %w", ErrSelfCheck, err)
	}
	got := tok.T007
	if tok.Version != token.V007 || got == nil {
		return nil, fmt.Errorf("%w: the built token decodes as version %q", ErrSelfCheck, tok.Version)
	}
	switch {
	case got.StoppedAtUnknown():
		return nil, fmt.Errorf("%w: decoding stopped at service type %d", ErrSelfCheck, got.UnknownService)
	case got.AppID != want.AppID:
		return nil, mismatch("app_id")
	case got.IssueTs != want.IssueTs:
		return nil, mismatch("issue_ts")
	case got.Expire != want.Expire:
		return nil, mismatch("expire")
	case got.Salt != want.Salt:
		return nil, mismatch("salt")
	case int(got.ServiceCount) != len(want.Services) || len(got.Services) != len(want.Services):
		return nil, mismatch("services")
	case !bytes.Equal(got.Payload, want.Payload):
		return nil, mismatch("payload")
	}
	for i := range want.Services {
		if f := diffService(&got.Services[i], &want.Services[i]); f != "" {
			return nil, mismatch(fmt.Sprintf("services[%d].%s", i, f))
		}
	}
	sig := verify.Signature007(cert, got.IssueTs, got.Salt, got.SigningInfo)
	if !hmac.Equal(sig[:], got.Signature) {
		return nil, fmt.Errorf("%w: %w", ErrSelfCheck, token.ErrSignatureInvalid)
	}
	return tok, nil
}

// selfCheck006 does the same for 006; channel and uid are the texts signed.
func selfCheck006(s string, want *token.Token006, cert, channel, uid string) (*token.Token, error) {
	tok, err := decode.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: the built token does not decode: %w", ErrSelfCheck, err)
	}
	got := tok.T006
	if tok.Version != token.V006 || got == nil {
		return nil, fmt.Errorf("%w: the built token decodes as version %q", ErrSelfCheck, tok.Version)
	}
	switch {
	case got.AppID != want.AppID:
		return nil, mismatch("app_id")
	case got.Salt != want.Salt:
		return nil, mismatch("salt")
	case got.Ts != want.Ts:
		return nil, mismatch("ts")
	case !samePrivileges(got.Privileges, want.Privileges):
		return nil, mismatch("privileges")
	case got.CRCChannel != verify.CRC32(channel):
		return nil, mismatch("crc_channel")
	case got.CRCUID != verify.CRC32(uid):
		return nil, mismatch("crc_uid")
	case !bytes.Equal(got.Content, want.Content):
		return nil, mismatch("content")
	}
	sig := verify.Signature006(cert, got.AppID, channel, uid, got.Message)
	if !hmac.Equal(sig[:], got.Signature) {
		return nil, fmt.Errorf("%w: %w", ErrSelfCheck, token.ErrSignatureInvalid)
	}
	return tok, nil
}

func mismatch(field string) error {
	return fmt.Errorf("%w: decoded %s differs from the input", ErrSelfCheck, field)
}

// diffService returns the name of the first field in which a and b differ, or
// "". Empty and nil lists are equal.
func diffService(a, b *token.Service) string {
	switch {
	case a.Type != b.Type:
		return "type"
	case !samePrivileges(a.Privileges, b.Privileges):
		return "privileges"
	case a.Channel != b.Channel:
		return "channel"
	case a.Account != b.Account:
		return "uid"
	case a.UserID != b.UserID:
		return "user_id"
	case a.RoomUUID != b.RoomUUID:
		return "room_uuid"
	case a.UserUUID != b.UserUUID:
		return "user_uuid"
	case a.Role != b.Role:
		return "role"
	case len(a.Permissions) != len(b.Permissions):
		return "permissions"
	}
	for i := range a.Permissions {
		ra, rb := &a.Permissions[i], &b.Permissions[i]
		if ra.ResourceType != rb.ResourceType || len(ra.Permissions) != len(rb.Permissions) {
			return "permissions"
		}
		for j := range ra.Permissions {
			pa, pb := &ra.Permissions[j], &rb.Permissions[j]
			if pa.PermissionType != pb.PermissionType || len(pa.Resources) != len(pb.Resources) {
				return "permissions"
			}
			for n := range pa.Resources {
				if pa.Resources[n] != pb.Resources[n] {
					return "permissions"
				}
			}
		}
	}
	return ""
}

func samePrivileges(a, b []token.Privilege) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
