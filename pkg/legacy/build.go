package legacy

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// DK1Options are the inputs of DynamicKey.generate (FORMATS §3).
type DK1Options struct {
	AppID       string
	Certificate string
	Channel     string
	UnixTs      uint32
	Salt        uint32 // randomInt
}

// DK2Options are the inputs of DynamicKey2.generate (FORMATS §4).
type DK2Options struct {
	AppID       string
	Certificate string
	Channel     string
	UnixTs      uint32
	Salt        uint32 // randomInt
	UID         uint32
	ExpiredTs   uint32
}

// DK3Options are the inputs of DynamicKey3.generate (FORMATS §5), the same as DK2's.
type DK3Options struct {
	AppID       string
	Certificate string
	Channel     string
	UnixTs      uint32
	Salt        uint32 // randomInt
	UID         uint32
	ExpiredTs   uint32
}

// DK4Options are the inputs of the DynamicKey4 generators (FORMATS §6).
type DK4Options struct {
	// Kind selects the generator: KindPublicSharing ("APSS"),
	// KindRecording ("ARS") or KindMediaChannel ("ACS").
	Kind        KeyKind
	AppID       string
	Certificate string
	Channel     string
	UnixTs      uint32
	Salt        uint32 // randomInt
	UID         uint32 // signed, not carried
	ExpiredTs   uint32
}

// DK5Options are the inputs of the DynamicKey5 generators (FORMATS §7).
type DK5Options struct {
	// Kind selects the generator and service type: KindMediaChannel (1),
	// KindRecording (2), KindPublicSharing (3) or KindInChannelPermission (4).
	Kind        KeyKind
	AppID       string
	Certificate string
	Channel     string
	UnixTs      uint32
	Salt        uint32 // randomInt
	UID         uint32 // signed, not carried
	ExpiredTs   uint32
	// Permission is required for KindInChannelPermission and must be empty
	// otherwise.
	Permission DK5Permission
}

// SignalingOptions are the inputs of SignalingToken.generateSignalingToken
// (FORMATS §8), in Go order.
type SignalingOptions struct {
	Account     string
	AppID       string
	Certificate string
	// ExpiredTs is the absolute expiry (unix seconds), not a duration.
	ExpiredTs uint32
}

// BuildDK1 builds a DK1 key (90 characters).
func BuildDK1(o DK1Options) (string, error) {
	if err := checkCredentials(o.AppID, o.Certificate); err != nil {
		return "", err
	}
	l := &token.Legacy{Format: token.VDK1, AppID: o.AppID, UnixTs: o.UnixTs, Salt: o.Salt}
	l.Signature = hexKeySignature(o.Certificate, "", l, o.Channel)
	return Encode(l)
}

// BuildDK2 builds a DK2 key (110 characters).
func BuildDK2(o DK2Options) (string, error) {
	return buildDK23(token.VDK2, DK3Options(o))
}

// BuildDK3 builds a DK3 key ("003", 113 characters).
func BuildDK3(o DK3Options) (string, error) {
	return buildDK23(token.V003, o)
}

func buildDK23(v token.Version, o DK3Options) (string, error) {
	if err := checkCredentials(o.AppID, o.Certificate); err != nil {
		return "", err
	}
	l := &token.Legacy{Format: v, AppID: o.AppID, UnixTs: o.UnixTs, Salt: o.Salt,
		UID: o.UID, HasUID: true, ExpiredTs: o.ExpiredTs, HasExpired: true}
	l.Signature = hexKeySignature(o.Certificate, "", l, o.Channel)
	return Encode(l)
}

// BuildDK4 builds a DK4 key ("004", 103 characters) of the kind o.Kind.
func BuildDK4(o DK4Options) (string, error) {
	service, ok := o.Kind.DK4Service()
	if !ok {
		return "", &token.InputError{Field: "kind", Rule: "must be public_sharing, recording or media_channel", Detail: o.Kind.String()}
	}
	if err := checkCredentials(o.AppID, o.Certificate); err != nil {
		return "", err
	}
	l := &token.Legacy{Format: token.V004, AppID: o.AppID, UnixTs: o.UnixTs, Salt: o.Salt,
		ExpiredTs: o.ExpiredTs, HasExpired: true}
	l.Signature = hexKeySignature(o.Certificate, service, l, o.Channel, o.UID)
	return Encode(l)
}

// BuildDK5 builds a DK5 key ("005" and base64) of the kind o.Kind.
func BuildDK5(o DK5Options) (string, error) {
	st, ok := o.Kind.DK5ServiceType()
	if !ok {
		return "", &token.InputError{Field: "kind", Rule: "must be media_channel, recording, public_sharing or in_channel_permission", Detail: o.Kind.String()}
	}
	var extra []token.LegacyExtra
	switch {
	case o.Kind == KindInChannelPermission && (o.Permission == DK5NoUpload || o.Permission == DK5AudioVideoUpload):
		extra = []token.LegacyExtra{{Key: DK5ExtraAllowUpload, Value: string(o.Permission)}}
	case o.Kind == KindInChannelPermission:
		return "", &token.InputError{Field: "permission", Rule: `must be "0" (no upload) or "3" (audio and video upload)`, Detail: quote(string(o.Permission))}
	case o.Permission != "":
		return "", &token.InputError{Field: "permission", Rule: "only for in_channel_permission keys", Detail: "kind is " + o.Kind.String()}
	}
	if err := checkCredentials(o.AppID, o.Certificate); err != nil {
		return "", err
	}
	l := &token.Legacy{Format: token.V005, ServiceType: st, AppID: strings.ToLower(o.AppID),
		UnixTs: o.UnixTs, Salt: o.Salt, ExpiredTs: o.ExpiredTs, HasExpired: true, Extra: extra}
	sig, err := dk5Signature(o.Certificate, l, o.Channel, o.UID)
	if err != nil {
		return "", err
	}
	l.Signature = sig
	return Encode(l)
}

// BuildSignaling builds a signaling token ("1:appID:expiredTs:md5").
func BuildSignaling(o SignalingOptions) (string, error) {
	if err := checkCredentials(o.AppID, o.Certificate); err != nil {
		return "", err
	}
	l := &token.Legacy{Format: token.VSignal, AppID: o.AppID, ExpiredTs: o.ExpiredTs, HasExpired: true}
	l.Signature = signalingSignature(o.Certificate, l, o.Account)
	return Encode(l)
}

func checkCredentials(appID, cert string) error {
	if err := checkAppID(appID); err != nil {
		return err
	}
	return checkHex("certificate", cert, appIDLen, isHex, "hex")
}

// hexKeySignature computes the DK1–DK4 signature (FORMATS §3–6): lowercase
// hex of HMAC-SHA1 keyed with the certificate text over
// service ‖ appID ‖ dec10(unixTs) ‖ hex8(randomInt) ‖ channel [‖ dec10(uid)] [‖ dec10(expiredTs)].
// The uid is l.UID for DK2/DK3; DK4 passes it in uid because the key does not
// carry it. The App ID is used as it is: the reference languages that pad it
// with NUL bytes to 32 characters give the same bytes for 32-character IDs.
func hexKeySignature(cert, service string, l *token.Legacy, channel string, uid ...uint32) string {
	m := make([]byte, 0, len(service)+appIDLen+dec10Len*3+hex8Len+len(channel))
	m = append(m, service...)
	m = append(m, l.AppID...)
	m = appendDec10(m, l.UnixTs)
	m = appendHex8(m, l.Salt)
	m = append(m, channel...)
	switch {
	case len(uid) > 0:
		m = appendDec10(m, uid[0])
	case l.Format == token.VDK2 || l.Format == token.V003:
		m = appendDec10(m, l.UID)
	}
	if l.Format != token.VDK1 {
		m = appendDec10(m, l.ExpiredTs)
	}
	mac := hmac.New(sha1.New, []byte(cert))
	mac.Write(m)
	return hex.EncodeToString(mac.Sum(nil))
}

// dk5Message packs the signed message of FORMATS §7.3. The extra map is
// packed in the order given (Verify passes the token's order; it is not
// re-sorted).
func dk5Message(l *token.Legacy, channel string, uid uint32) ([]byte, error) {
	app, err := dk5Hex("app_id", l.AppID)
	if err != nil {
		return nil, err
	}
	w := &token.Writer{Buf: make([]byte, 0, 64+len(channel))}
	w.U16(l.ServiceType)
	w.Bytes16("app_id", app)
	w.U32(l.UnixTs)
	w.U32(l.Salt)
	w.String16("channel", channel)
	w.U32(uid)
	w.U32(l.ExpiredTs)
	putExtra(w, l.Extra)
	if err := w.Err(); err != nil {
		return nil, err
	}
	return w.Buf, nil
}

// dk5Signature is upper_hex(HMAC-SHA1(hex-decoded certificate, message)).
func dk5Signature(cert string, l *token.Legacy, channel string, uid uint32) (string, error) {
	key, err := dk5Hex("certificate", cert)
	if err != nil {
		return "", err
	}
	m, err := dk5Message(l, channel, uid)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha1.New, key)
	mac.Write(m)
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil))), nil
}

// signalingSignature is md5hex(account ‖ appID ‖ certificate ‖ expiredTs in decimal).
func signalingSignature(cert string, l *token.Legacy, account string) string {
	h := md5.New()
	h.Write([]byte(account))
	h.Write([]byte(l.AppID))
	h.Write([]byte(cert))
	h.Write([]byte(strconv.FormatUint(uint64(l.ExpiredTs), 10)))
	return hex.EncodeToString(h.Sum(nil))
}
