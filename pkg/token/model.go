// Package token holds the typed model of every Agora token format that
// tokencheck reads and writes, the name tables behind their numbers, and the
// bounds-checked little-endian wire reader and writer they share.
//
// The package performs no I/O, no logging and no verification.
package token

import "slices"

// Version identifies a token format by its prefix.
type Version string

// The formats tokencheck knows.
const (
	V007      Version = "007" // AccessToken2
	V006      Version = "006" // AccessToken
	V005      Version = "005" // DynamicKey5
	V004      Version = "004" // DynamicKey4
	V003      Version = "003" // DynamicKey3
	VDK2      Version = "dk2" // DynamicKey2, unversioned 110 hex characters
	VDK1      Version = "dk1" // DynamicKey, unversioned 90 hex characters
	VSignal   Version = "signaling"
	VUnknown  Version = ""
	SigLength         = 32 // bytes of an HMAC-SHA256 signature
)

// Hard limits that hold whatever a token declares. The decoder refuses input
// beyond them with an error wrapping ErrTooLarge; no declared length or count
// can raise them, since every length and count is checked against the bytes
// actually present before anything is allocated for it.
//
// Together they bound the cost of decoding one token: the heap allocated by
// one decode is at most about 4 bytes per token byte plus 48 bytes per
// inflated payload byte plus 64 KiB (asserted by package fuzz,
// TestHostileInputs); measured, no input costs more than about 1.5 MB and
// 2 ms (BenchmarkHostile): a zlib bomb stops at MaxPayloadSize, a flood of
// empty service records at MaxServices, and one of other entries at
// MaxEntries.
const (
	// MaxTokenLength is the longest token string accepted, in bytes. It is
	// checked first, before any decoding, so an oversized token costs a
	// constant few allocations. Real tokens are under 2 KiB; the limit
	// leaves room for the base64 of a MaxPayloadSize payload that does not
	// compress.
	MaxTokenLength = 512 << 10
	// MaxPayloadSize is the largest inflated 007 payload accepted, in bytes.
	// Inflation stops as soon as it is exceeded, so a zlib bomb costs at
	// most about three times this much memory. Real payloads are a few
	// hundred bytes; the limit leaves room for every field of a service at
	// its largest (a record of four 65535-byte strings and the fixed fields).
	MaxPayloadSize = 264 << 10
	// MaxEntries bounds the list entries one token may declare in all
	// (privileges, RTM2 resource types, permissions and resources; checked
	// by Reader.Count16; 007 services have MaxServices): one list as long
	// as a count can make it (65535) with room for the lists around it.
	// Real tokens declare a few dozen; the limit bounds the model of a small
	// token that inflates to a flood of small entries (8 or 16 bytes each).
	MaxEntries = 1<<16 + 1024
	// MaxServices bounds the 007 service records one token may hold. Real
	// tokens hold at most a few (one per service type); a record costs 144
	// bytes of model, so a short token inflating to 65,000 empty records
	// would cost 10 MB, and an audit holds several such lines at once.
	MaxServices = 4096
)

// 007 service types.
const (
	ServiceRTC       uint16 = 1
	ServiceRTM       uint16 = 2
	ServiceStreaming uint16 = 3
	ServiceFPA       uint16 = 4
	ServiceChat      uint16 = 5
	ServiceFCDN      uint16 = 6
	ServiceAPaaS     uint16 = 7
	ServiceRTM2      uint16 = 8
	ServiceConvoAI   uint16 = 9
	ServiceSTT       uint16 = 10
)

// 007 privilege ids per service.
const (
	PrivRTCJoinChannel      uint16 = 1
	PrivRTCPublishAudio     uint16 = 2
	PrivRTCPublishVideo     uint16 = 3
	PrivRTCPublishData      uint16 = 4
	PrivRTMLogin            uint16 = 1
	PrivStreamingPublishMix uint16 = 1
	PrivStreamingPublishRaw uint16 = 2
	PrivFPALogin            uint16 = 1
	PrivChatUser            uint16 = 1
	PrivChatApp             uint16 = 2
	PrivFCDNPublish         uint16 = 1
	PrivFCDNPlay            uint16 = 2
	PrivAPaaSRoomUser       uint16 = 1
	PrivAPaaSUser           uint16 = 2
	PrivAPaaSApp            uint16 = 3
	PrivRTM2Login           uint16 = 1
)

// 006 privilege ids.
const (
	Priv006JoinChannel  uint16 = 1
	Priv006PublishAudio uint16 = 2
	Priv006PublishVideo uint16 = 3
	Priv006PublishData  uint16 = 4
	Priv006Admin        uint16 = 101
	Priv006RTMLogin     uint16 = 1000
)

// Privilege is one entry of a privilege map, in token order.
// For 007 Expire is relative to the issue time; for 006 it is absolute.
type Privilege struct {
	ID     uint16
	Expire uint32
}

// RTM2Permission lists the resources of one permission type.
type RTM2Permission struct {
	PermissionType uint16
	Resources      []string
}

// RTM2Resource groups the permissions of one resource type.
type RTM2Resource struct {
	ResourceType uint16
	Permissions  []RTM2Permission
}

// Service is one 007 service record. Which string fields are meaningful
// depends on Type (see Layout).
type Service struct {
	Type       uint16
	Privileges []Privilege
	// Channel: RTC, Streaming, FCDN.
	Channel string
	// Account: the uid text of RTC (uid 0 as ""), or the account of Streaming and FCDN.
	Account string
	// UserID: RTM, Chat, RTM2.
	UserID string
	// RoomUUID, UserUUID and Role: APaaS.
	RoomUUID string
	UserUUID string
	Role     int16
	// Permissions: RTM2.
	Permissions []RTM2Resource
}

// Token007 is a decoded AccessToken2.
type Token007 struct {
	Signature []byte
	AppID     string
	IssueTs   uint32
	Expire    uint32
	Salt      uint32
	// ServiceCount is the count declared in the token.
	ServiceCount uint16
	// HeaderCut is the number of the fixed fields at the head of the
	// payload (Field007Signature … Field007ServiceCount) that the decoding
	// of a broken token did not reach, counted from the last: 0 when all
	// were read. A field not read is zero and means nothing (see Read).
	// (Beside ServiceCount, it takes no room of its own.)
	HeaderCut uint8
	// ServiceCut, when not 0, marks the last record of Services as the
	// one a broken token's decoding stopped in: its last ServiceCut
	// fields of ServiceFields(type) were not reached (they are zero and
	// mean nothing; see ServiceFieldRead). 0 when every record is whole.
	// (Like HeaderCut, it takes no room of its own.)
	ServiceCut uint8
	// Services are the records decoded, in token order.
	Services []Service
	// When decoding met a record type without a known layout, UnknownService is
	// that type, UnknownOffset its payload offset and Undecoded the bytes from
	// there to the end of the payload (Undecoded is 0 otherwise).
	UnknownService uint16
	UnknownOffset  int
	Undecoded      int
	// SigningInfo is the verbatim signed part of the payload.
	SigningInfo []byte
	// Payload is the whole inflated payload (signature field + signing info).
	Payload []byte
}

// The fixed fields at the head of a 007 payload, in payload order.
const (
	Field007Signature = iota
	Field007AppID
	Field007IssueTs
	Field007Expire
	Field007Salt
	Field007ServiceCount
	// Fields007 is the number of the fixed fields.
	Fields007
)

// Read reports whether the fixed field f (Field007Signature …
// Field007ServiceCount) was decoded: always for a token decoded without
// error, and up to the field at fault in the partial model of a broken one.
func (t *Token007) Read(f int) bool { return f < Fields007-int(t.HeaderCut) }

// serviceFields lists the fields of each service record after its type,
// in payload order (FORMATS §10), by their JSON names.
var serviceFields = map[uint16][]string{
	ServiceRTC:       {"privileges", "channel", "uid"},
	ServiceRTM:       {"privileges", "user_id"},
	ServiceFPA:       {"privileges"},
	ServiceChat:      {"privileges", "user_id"},
	ServiceAPaaS:     {"privileges", "room_uuid", "user_uuid", "role"},
	ServiceStreaming: {"privileges", "channel", "account"},
	ServiceFCDN:      {"privileges", "channel", "account"},
	ServiceRTM2:      {"privileges", "user_id", "permissions"},
	ServiceConvoAI:   {"privileges"},
	ServiceSTT:       {"privileges"},
}

// ServiceFields lists the fields of a record of service type typ after its
// type, in payload order, by their JSON names ("privileges", "channel",
// "uid", …); nil for a type without a known layout. The slice is shared:
// callers must not modify it.
func ServiceFields(typ uint16) []string { return serviceFields[typ] }

// ServiceFieldRead reports whether the field named field (one of
// ServiceFields) of record i of Services was decoded: always, but for the
// fields a broken token's decoding did not reach in its last record (see
// ServiceCut).
func (t *Token007) ServiceFieldRead(i int, field string) bool {
	return !slices.Contains(t.ServiceNotRead(i), field)
}

// ServiceNotRead lists the fields of record i that were not decoded (see
// ServiceFieldRead), in payload order; nil when the record is whole.
func (t *Token007) ServiceNotRead(i int) []string {
	if t.ServiceCut == 0 || i != len(t.Services)-1 {
		return nil
	}
	fs := ServiceFields(t.Services[i].Type)
	return fs[max(len(fs)-int(t.ServiceCut), 0):]
}

// StoppedAtUnknown reports whether decoding stopped at a service type without
// a known layout (the records after it could not be read).
func (t *Token007) StoppedAtUnknown() bool { return t.Undecoded > 0 }

// ExpireAt is the absolute expiry instant issue_ts + expire.
func (t *Token007) ExpireAt() uint64 { return uint64(t.IssueTs) + uint64(t.Expire) }

// Token006 is a decoded AccessToken.
type Token006 struct {
	AppID      string
	Signature  []byte
	CRCChannel uint32
	CRCUID     uint32
	Salt       uint32
	Ts         uint32
	Privileges []Privilege
	// Message is the verbatim signed message (without its length prefix).
	Message []byte
	// Content is the base64-decoded content.
	Content []byte
}

// Token is a decoded token of any version. Exactly one of the format fields is
// set, matching Version.
type Token struct {
	Version Version
	T007    *Token007
	T006    *Token006
	Legacy  *Legacy
	// Encoding describes the unsigned outer layers (base64, zlib).
	Encoding Encoding
}

// Legacy is a decoded pre-006 key (DK1–DK5) or signaling token.
type Legacy struct {
	Format Version
	// AppID as carried (DK5: hex of the raw bytes).
	AppID string
	// Signature as carried: hex text for DK1–DK5, the MD5 hex for signaling.
	Signature string
	UnixTs    uint32
	Salt      uint32
	// UID is carried by DK2 and DK3 only.
	UID    uint32
	HasUID bool
	// ExpiredTs is absolute (0 = no expiry); DK1 carries none.
	ExpiredTs  uint32
	HasExpired bool
	// ServiceType is the DK5 service type (1..4).
	ServiceType uint16
	// Extra is the DK5 extra map, in token order.
	Extra []LegacyExtra
	// Content is the DK5 base64-decoded content.
	Content []byte
	// StoppedAt, for a key that did not decode whole, is the field of its
	// layout (LegacyFields) at which decoding stopped: the fields before it
	// were read, it and those after it are zero and mean nothing (see
	// Read). It is "" for a key decoded whole.
	StoppedAt string
}

// LegacyFields lists the fields of a legacy format in the order its string
// holds them (FORMATS §3-§8), by the names decode errors use.
func LegacyFields(v Version) []string {
	switch v {
	case VDK1:
		return []string{"signature", "app_id", "unix_ts", "random_int"}
	case VDK2, V003:
		return []string{"signature", "app_id", "unix_ts", "random_int", "uid", "expired_ts"}
	case V004:
		return []string{"signature", "app_id", "unix_ts", "random_int", "expired_ts"}
	case V005:
		return []string{"service_type", "signature", "app_id", "unix_ts", "random_int", "expired_ts", "extra"}
	case VSignal:
		return []string{"app_id", "expired_ts", "signature"}
	}
	return nil
}

// Read reports whether the field (a name of LegacyFields) was decoded:
// always for a key decoded whole, and up to the field at fault in the
// partial model of a broken one.
func (l *Legacy) Read(field string) bool {
	if l.StoppedAt == "" {
		return true
	}
	for _, f := range LegacyFields(l.Format) {
		switch f {
		case l.StoppedAt:
			return false
		case field:
			return true
		}
	}
	return false
}

// LegacyExtra is one entry of the DK5 extra map.
type LegacyExtra struct {
	Key   uint16
	Value string
}

// Encoding records facts about the unsigned layers around the signed bytes:
// they do not affect validity, but they tell which compressor produced a token.
type Encoding struct {
	// Base64NonCanonical: the unused bits of the last base64 character are not zero.
	Base64NonCanonical bool
	// ZlibHeader is the two zlib header bytes (007).
	ZlibHeader [2]byte
	// CompressorExact: re-compressing the payload with the compressor named
	// reproduces the string exactly (set by encode.RefineCompressor);
	// otherwise Compressor is only the family the framing shows.
	CompressorExact bool
	// Compressor names the compressor family that produced the 007 stream, when it
	// can be told: "go" (compress/zlib: a non-final first block and an empty
	// stored block before the checksum), "stored" (uncompressed deflate blocks,
	// e.g. Rust miniz_oxide), "zlib-level-0-1" (header 78 01: zlib at a low
	// level or Dart's package:archive), "zlib-compatible" (header 78 9C: C zlib
	// and the Python, Java, C++, PHP, Ruby builders; Node.js and C# also write
	// this form), "zlib-other-level" (headers 78 5E, 78 DA), or "".
	Compressor string
}
