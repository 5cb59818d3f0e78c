package legacy

import "github.com/tokencheck/tokencheck/pkg/token"

// KeyKind is what a legacy key is for. DK4 and DK5 keys exist in several
// kinds (FORMATS §13.5); DK1–DK3 keys are media channel keys; the signaling
// token is its own kind. The zero value is KindUnknown.
type KeyKind int

// The key kinds.
const (
	// KindUnknown: not known, e.g. a DK4 key whose signature was not checked
	// (the DK4 service string is signed but not stored).
	KindUnknown KeyKind = iota
	// KindMediaChannel: joining a channel (DK4 "ACS", DK5 service type 1, DK1–DK3).
	KindMediaChannel
	// KindRecording: the ARS recording server (DK4 "ARS", DK5 service type 2).
	KindRecording
	// KindPublicSharing: public sharing (DK4 "APSS", DK5 service type 3).
	KindPublicSharing
	// KindInChannelPermission: upload permission inside a channel (DK5 service type 4 only).
	KindInChannelPermission
	// KindSignaling: the signaling token ("1:…").
	KindSignaling
)

// String returns the snake_case name of k, e.g. "media_channel".
func (k KeyKind) String() string {
	switch k {
	case KindMediaChannel:
		return "media_channel"
	case KindRecording:
		return "recording"
	case KindPublicSharing:
		return "public_sharing"
	case KindInChannelPermission:
		return "in_channel_permission"
	case KindSignaling:
		return "signaling"
	}
	return "unknown"
}

// DK4Service returns the service string that DK4 signs for k ("APSS", "ARS"
// or "ACS") and whether k is one of the three DK4 kinds.
func (k KeyKind) DK4Service() (string, bool) {
	switch k {
	case KindPublicSharing:
		return "APSS", true
	case KindRecording:
		return "ARS", true
	case KindMediaChannel:
		return "ACS", true
	}
	return "", false
}

// DK5ServiceType returns the DK5 service_type field for k (1–4) and whether k
// is one of the four DK5 kinds.
func (k KeyKind) DK5ServiceType() (uint16, bool) {
	switch k {
	case KindMediaChannel:
		return 1, true
	case KindRecording:
		return 2, true
	case KindPublicSharing:
		return 3, true
	case KindInChannelPermission:
		return 4, true
	}
	return 0, false
}

// KindOfDK5ServiceType maps a DK5 service_type field to its kind; values
// outside 1–4 give KindUnknown.
func KindOfDK5ServiceType(t uint16) KeyKind {
	switch t {
	case 1:
		return KindMediaChannel
	case 2:
		return KindRecording
	case 3:
		return KindPublicSharing
	case 4:
		return KindInChannelPermission
	}
	return KindUnknown
}

// dk4Kinds is the order in which Verify tries the DK4 service strings.
var dk4Kinds = [...]KeyKind{KindPublicSharing, KindRecording, KindMediaChannel}

// KindOf returns the kind a decoded key states by itself: DK1–DK3 are media
// channel keys, DK5 carries its service type, a signaling token is
// KindSignaling. A DK4 key does not store its kind: KindOf returns
// KindUnknown for it, and [Verify] tells it once the signature matches.
func KindOf(l *token.Legacy) KeyKind {
	if l == nil {
		return KindUnknown
	}
	switch l.Format {
	case token.VDK1, token.VDK2, token.V003:
		return KindMediaChannel
	case token.V005:
		return KindOfDK5ServiceType(l.ServiceType)
	case token.VSignal:
		return KindSignaling
	}
	return KindUnknown
}

// DK5Permission is the value of the DK5 extra map entry 1
// (ALLOW_UPLOAD_IN_CHANNEL) of an in-channel permission key.
type DK5Permission string

// The two permissions the reference defines (FORMATS §7.1, §13.5).
const (
	// DK5NoUpload forbids uploading in the channel.
	DK5NoUpload DK5Permission = "0"
	// DK5AudioVideoUpload allows audio and video upload.
	DK5AudioVideoUpload DK5Permission = "3"
)

// DK5ExtraAllowUpload is the extra-map key of the in-channel permission.
const DK5ExtraAllowUpload uint16 = 1
