// Package encode serialises and signs tokens bit-exactly as the reference
// builders do, and holds the builders themselves.
//
// Encoders write the model as given: services and privileges in model order.
// The builders sort them the way the reference builders do.
package encode

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"sync"
	"unsafe"

	"github.com/tokencheck/tokencheck/pkg/gozlib"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// SigningInfo007 serialises the signed part of a 007 token (app ID, times,
// salt, services) from the model. It refuses a token with an unknown service
// type, whose layout is unknown, any string or list over 65535, and a model
// decode would judge malformed (app ID not 32 hexadecimal characters, no
// service, a repeated privilege).
func SigningInfo007(t *token.Token007) ([]byte, error) {
	w := &token.Writer{Buf: make([]byte, 0, 128)}
	if err := writeSigningInfo007(w, t); err != nil {
		return nil, err
	}
	return w.Buf, nil
}

// writeSigningInfo007 appends the signing info of t to w. It refuses, with
// a *token.InputError naming the field, a model that would not decode as a
// well-formed token.
func writeSigningInfo007(w *token.Writer, t *token.Token007) error {
	if err := checkModel007(t); err != nil {
		return err
	}
	w.String16("app_id", t.AppID)
	w.U32(t.IssueTs)
	w.U32(t.Expire)
	w.U32(t.Salt)
	w.Len16("services", len(t.Services))
	for i := range t.Services {
		if err := writeService(w, &t.Services[i]); err != nil {
			return fmt.Errorf("services[%d]: %w", i, err)
		}
	}
	return w.Err()
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
// field ‖ signing info). It also sets t.Signature, a view of the payload.
func Payload007(t *token.Token007, cert string) ([]byte, error) {
	p, err := appendPayload007(make([]byte, 0, 2+token.SigLength+128+64*len(t.Services)), t, cert)
	if err != nil {
		return nil, err
	}
	// The model's signature is a view of the payload, as decoding gives it.
	t.Signature = p[2 : 2+token.SigLength : 2+token.SigLength]
	return p, nil
}

// appendPayload007 appends the signed payload of t to dst.
func appendPayload007(dst []byte, t *token.Token007, cert string) ([]byte, error) {
	// The payload is written in place: the signature field first (its value
	// patched in once computed), then the signing info, which is signed where
	// it lies.
	start := len(dst)
	head := start + 2 + token.SigLength
	w := &token.Writer{Buf: append(dst, token.SigLength, 0)}
	w.Buf = append(w.Buf, make([]byte, token.SigLength)...)
	if err := writeSigningInfo007(w, t); err != nil {
		return nil, err
	}
	sig := verify.Signature007(cert, t.IssueTs, t.Salt, w.Buf[head:])
	copy(w.Buf[start+2:head], sig[:])
	return w.Buf, nil
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

// String007 compresses a payload as Go's compress/zlib does at the default
// level (the compressor of the Go reference builder, whose token strings this
// reproduces exactly; see package gozlib) and returns "007" ‖ base64.
func String007(payload []byte) string {
	s := scratch007.Get().(*scratch)
	out := s.string007(payload)
	s.put()
	return out
}

// scratch is the reusable space of one 007 build: the payload, and the zlib
// stream between compression and base64.
type scratch struct{ payload, zlib []byte }

var scratch007 = sync.Pool{New: func() any {
	return &scratch{payload: make([]byte, 0, 512), zlib: make([]byte, 0, 512)}
}}

// put returns s to the pool, unless a huge build grew it.
func (s *scratch) put() {
	if cap(s.payload) <= 64<<10 && cap(s.zlib) <= 64<<10 {
		scratch007.Put(s)
	}
}

// string007 is String007 with s's zlib buffer.
func (s *scratch) string007(payload []byte) string {
	z := gozlib.AppendCompress(s.zlib[:0], payload)
	s.zlib = z
	out := make([]byte, 3+base64.StdEncoding.EncodedLen(len(z)))
	copy(out, "007")
	encodeBase64(out[3:], z)
	// out is never written again: the string can own it.
	return unsafe.String(&out[0], len(out))
}

// Token007 signs the model with cert and returns the token string. Unlike
// Payload007 it leaves the model as it is, so one model may be built from
// several goroutines at once.
func Token007(t *token.Token007, cert string) (string, error) {
	s := scratch007.Get().(*scratch)
	defer s.put()
	p, err := appendPayload007(s.payload[:0], t, cert)
	if err != nil {
		return "", err
	}
	s.payload = p
	return s.string007(p), nil
}

// Message006 serialises the signed 006 message (salt, ts, privileges). It
// refuses a repeated privilege, which decode judges malformed.
func Message006(t *token.Token006) ([]byte, error) {
	if err := checkPrivileges(t.Privileges, -1); err != nil {
		return nil, err
	}
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
	out := make([]byte, len006(appID, len(content)))
	render006(out, appID, content)
	// out is never written again: the string can own it.
	return unsafe.String(&out[0], len(out))
}

// len006 is the length of the 006 string of appID and n bytes of content.
func len006(appID string, n int) int {
	return 3 + len(appID) + base64.StdEncoding.EncodedLen(n)
}

// render006 writes the 006 string of appID and content to out (len006
// bytes).
func render006(out []byte, appID string, content []byte) {
	copy(out, "006")
	copy(out[3:], appID)
	encodeBase64(out[3+len(appID):], content)
}

// Token006 signs the model for channel and uid text (uid 0 is "") with cert,
// sets the CRCs and signature in t, and returns the token string. It refuses,
// with a *token.InputError, a model decode would judge malformed (app ID not
// 32 hexadecimal characters, a repeated privilege).
func Token006(t *token.Token006, cert, channel, uid string) (string, error) {
	if err := checkModel006(t); err != nil {
		return "", err
	}
	// One buffer holds the content; the message is written in place after
	// its length prefix and signed where it lies. Signature, Message and
	// Content of t are views of it, as decoding gives them.
	const head = 2 + token.SigLength + 4 + 4 + 2
	// The token string is rendered into the same allocation, after the
	// content (which is capped before it, so that nothing written through
	// the model reaches the string).
	size := head + 10 + 6*len(t.Privileges)
	w := token.Writer{Buf: make([]byte, head, size+len006(t.AppID, size))}
	w.U32(t.Salt)
	w.U32(t.Ts)
	writePrivileges(&w, t.Privileges)
	if err := w.Err(); err != nil {
		return "", err
	}
	c := w.Buf[:len(w.Buf):len(w.Buf)]
	msg := c[head:]
	sig := verify.Signature006(cert, t.AppID, channel, uid, msg)
	binary.LittleEndian.PutUint16(c[0:], token.SigLength)
	copy(c[2:], sig[:])
	t.CRCChannel = verify.CRC32(channel)
	t.CRCUID = verify.CRC32(uid)
	t.Signature = c[2 : 2+token.SigLength : 2+token.SigLength]
	t.Message = msg
	if len(msg) > 0xFFFF {
		return "", &token.InputError{Field: "message", Rule: "at most 65535 bytes or entries (uint16 length prefix)", Detail: "has " + strconv.Itoa(len(msg))}
	}
	binary.LittleEndian.PutUint32(c[34:], t.CRCChannel)
	binary.LittleEndian.PutUint32(c[38:], t.CRCUID)
	binary.LittleEndian.PutUint16(c[42:], uint16(len(msg)))
	t.Content = c
	strLen := len006(t.AppID, len(c))
	if cap(w.Buf)-len(c) < strLen {
		// Not reached (the room is computed from the same layout); the
		// string then gets an allocation of its own.
		return String006(t.AppID, c), nil
	}
	out := w.Buf[len(c) : len(c)+strLen]
	render006(out, t.AppID, c)
	// out is never written again: the string can own it.
	return unsafe.String(&out[0], len(out)), nil
}
