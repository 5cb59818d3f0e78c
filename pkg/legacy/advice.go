package legacy

import "github.com/tokencheck/tokencheck/pkg/token"

// FindingLegacyFormat is the audit finding code (ARCHITECTURE.md, stable
// finding codes) for a key in a pre-006 format.
const FindingLegacyFormat = "legacy_format"

// Replacement names the current builder that replaces a legacy key.
type Replacement struct {
	Format token.Version
	Kind   KeyKind
	// Builder is the reference API to use instead, e.g.
	// "007 RtcTokenBuilder2.buildTokenWithUid".
	Builder string
	// Note says how the old inputs map onto the new builder (lowercase, no
	// final period).
	Note string
}

// Message renders the replacement as the message of a legacy_format finding.
func (r Replacement) Message() string {
	s := describe(r.Format)
	if r.Kind != KindUnknown && r.Kind != KindSignaling {
		s += " (" + r.Kind.String() + ")"
	}
	s += " is a legacy format; build a " + r.Builder + " token instead"
	if r.Note != "" {
		s += ": " + r.Note
	}
	return s
}

// Builders named by ReplacementFor.
const (
	BuilderRTCUid          = "007 RtcTokenBuilder2.buildTokenWithUid"             // channel keys of every kind
	BuilderRTCUidPrivilege = "007 RtcTokenBuilder2.buildTokenWithUidAndPrivilege" // DK5 in-channel permission keys
	BuilderRTM             = "007 RtmTokenBuilder2.buildToken"                    // signaling tokens
)

// ReplacementFor says which current builder replaces a legacy key of the
// given format and kind (use [KindOf], or VerifyResult.Kind for DK4, whose
// kind is not stored). It reports false for formats that are not legacy.
//
// Every channel key (DK1–DK5, whatever its kind) is replaced by an RTC token
// of AccessToken2 (007), which binds a channel and a uid and expires within
// 24 hours; the signaling token by an RTM token of 007. The 007 token expire
// is relative (seconds after issue), where the legacy expiredTs is absolute.
func ReplacementFor(format token.Version, kind KeyKind) (Replacement, bool) {
	r := Replacement{Format: format, Kind: kind, Builder: BuilderRTCUid}
	switch format {
	case token.VDK1:
		r.Kind = KindMediaChannel
		r.Note = "uid 0 (a DK1 key binds no uid) and an explicit token expire (a DK1 key never expires)"
		return r, true
	case token.VDK2, token.V003:
		r.Kind = KindMediaChannel
		r.Note = "the same channel and uid; token expire = expiredTs minus the issue time, at most 86400"
		return r, true
	case token.V004, token.V005:
	case token.VSignal:
		r.Kind = KindSignaling
		r.Builder = BuilderRTM
		r.Note = "user id = the signaling account; expire = expiredTs minus the issue time, at most 86400"
		return r, true
	default:
		return Replacement{}, false
	}
	switch kind {
	case KindMediaChannel:
		r.Note = "the same channel and uid, role publisher (1) or subscriber (2)"
	case KindRecording:
		r.Note = "the recorder joins the channel as an ordinary user: use its channel and uid, role subscriber (2)"
	case KindPublicSharing:
		r.Note = "007 has no public-sharing key: the client that publishes needs an RTC token with role publisher (1)"
	case KindInChannelPermission:
		r.Builder = BuilderRTCUidPrivilege
		r.Note = `upload permission "3" becomes the publish-audio and publish-video privileges; "0" grants join only`
	default:
		r.Kind = KindUnknown
		r.Note = "the key kind is not stored in a 004 key; verify it with its certificate, channel and uid to learn it"
	}
	return r, true
}
