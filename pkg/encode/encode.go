// Package encode serialises and signs tokens bit-exactly as the reference
// builders do, and holds the builders themselves.
//
// Encoders write the model as given: services and privileges in model order.
// The builders sort them the way the reference builders do.
package encode

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"sync"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// SigningInfo007 serialises the signed part of a 007 token (app ID, times,
// salt, services) from the model. It refuses a token with an unknown service
// type, whose layout is unknown, and any string or list over 65535.
func SigningInfo007(t *token.Token007) ([]byte, error) {
	w := &token.Writer{Buf: make([]byte, 0, 128)}
	w.String16("app_id", t.AppID)
	w.U32(t.IssueTs)
	w.U32(t.Expire)
	w.U32(t.Salt)
	w.Len16("services", len(t.Services))
	for i := range t.Services {
		if err := writeService(w, &t.Services[i]); err != nil {
			return nil, fmt.Errorf("services[%d]: %w", i, err)
		}
	}
	if err := w.Err(); err != nil {
		return nil, err
	}
	return w.Buf, nil
}

func writePrivileges(w *token.Writer, p []token.Privilege) {
	w.Len16("privileges", len(p))
	for _, e := range p {
		w.U16(e.ID)
		w.U32(e.Expire)
	}
}

func writeService(w *token.Writer, s *token.Service) error {
	if !token.KnownService(s.Type) {
		return &token.InputError{Field: "type", Rule: "a service type with a known layout (1..10)", Detail: fmt.Sprint(s.Type)}
	}
	w.U16(s.Type)
	writePrivileges(w, s.Privileges)
	switch s.Type {
	case token.ServiceRTC:
		w.String16("channel", s.Channel)
		w.String16("uid", s.Account)
	case token.ServiceStreaming, token.ServiceFCDN:
		w.String16("channel", s.Channel)
		w.String16("account", s.Account)
	case token.ServiceRTM, token.ServiceChat:
		w.String16("user_id", s.UserID)
	case token.ServiceAPaaS:
		w.String16("room_uuid", s.RoomUUID)
		w.String16("user_uuid", s.UserUUID)
		w.U16(uint16(s.Role))
	case token.ServiceRTM2:
		w.String16("user_id", s.UserID)
		w.Len16("permissions", len(s.Permissions))
		for _, r := range s.Permissions {
			w.U16(r.ResourceType)
			w.Len16("permissions", len(r.Permissions))
			for _, p := range r.Permissions {
				w.U16(p.PermissionType)
				w.Len16("resources", len(p.Resources))
				for _, x := range p.Resources {
					w.String16("resource", x)
				}
			}
		}
	}
	return nil
}

// Payload007 signs the model with cert and returns the payload (signature
// field ‖ signing info). It also stores the signature in t.Signature.
func Payload007(t *token.Token007, cert string) ([]byte, error) {
	info, err := SigningInfo007(t)
	if err != nil {
		return nil, err
	}
	sig := verify.Signature007(cert, t.IssueTs, t.Salt, info)
	t.Signature = sig[:]
	return assemble007(sig[:], info), nil
}

// Marshal007 serialises the model with the signature it carries (no signing):
// decode → Marshal007 reproduces the payload of a well-formed token.
func Marshal007(t *token.Token007) ([]byte, error) {
	info, err := SigningInfo007(t)
	if err != nil {
		return nil, err
	}
	return assemble007(t.Signature, info), nil
}

func assemble007(sig, info []byte) []byte {
	w := &token.Writer{Buf: make([]byte, 0, 2+len(sig)+len(info))}
	w.Bytes16("signature", sig)
	w.Buf = append(w.Buf, info...)
	return w.Buf
}

var zwriters = sync.Pool{New: func() any { return zlib.NewWriter(nil) }}

// String007 compresses a payload with Go's compress/zlib at the default level
// (the compressor of the Go reference builder, whose token strings this
// reproduces exactly) and returns "007" ‖ base64.
func String007(payload []byte) string {
	var buf bytes.Buffer
	buf.Grow(len(payload) + 16)
	zw := zwriters.Get().(*zlib.Writer)
	zw.Reset(&buf)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = zw.Write(payload)
	_ = zw.Close()
	zwriters.Put(zw)
	out := make([]byte, 3+base64.StdEncoding.EncodedLen(buf.Len()))
	copy(out, "007")
	base64.StdEncoding.Encode(out[3:], buf.Bytes())
	return string(out)
}

// Token007 signs the model with cert and returns the token string.
func Token007(t *token.Token007, cert string) (string, error) {
	p, err := Payload007(t, cert)
	if err != nil {
		return "", err
	}
	return String007(p), nil
}

// Message006 serialises the signed 006 message (salt, ts, privileges).
func Message006(t *token.Token006) ([]byte, error) {
	w := &token.Writer{Buf: make([]byte, 0, 16+6*len(t.Privileges))}
	w.U32(t.Salt)
	w.U32(t.Ts)
	writePrivileges(w, t.Privileges)
	return w.Buf, w.Err()
}

// Content006 serialises the 006 content with the signature the model carries.
func Content006(t *token.Token006) ([]byte, error) {
	msg, err := Message006(t)
	if err != nil {
		return nil, err
	}
	w := &token.Writer{Buf: make([]byte, 0, 2+len(t.Signature)+8+2+len(msg))}
	w.Bytes16("signature", t.Signature)
	w.U32(t.CRCChannel)
	w.U32(t.CRCUID)
	w.Bytes16("message", msg)
	return w.Buf, w.Err()
}

// String006 renders "006" ‖ app ID ‖ base64(content).
func String006(appID string, content []byte) string {
	out := make([]byte, 3+len(appID)+base64.StdEncoding.EncodedLen(len(content)))
	copy(out, "006")
	copy(out[3:], appID)
	base64.StdEncoding.Encode(out[3+len(appID):], content)
	return string(out)
}

// Token006 signs the model for channel and uid text (uid 0 is "") with cert,
// sets the CRCs and signature in t, and returns the token string.
func Token006(t *token.Token006, cert, channel, uid string) (string, error) {
	msg, err := Message006(t)
	if err != nil {
		return "", err
	}
	sig := verify.Signature006(cert, t.AppID, channel, uid, msg)
	t.Signature = sig[:]
	t.CRCChannel = verify.CRC32(channel)
	t.CRCUID = verify.CRC32(uid)
	t.Message = msg
	c, err := Content006(t)
	if err != nil {
		return "", err
	}
	t.Content = c
	return String006(t.AppID, c), nil
}
