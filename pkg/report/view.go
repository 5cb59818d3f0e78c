// Package report renders decoded tokens and verification reports in the
// forms of the JSON contract (snake_case objects) for the CLI and the HTTP
// server.
package report

import (
	"encoding/hex"
	"errors"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// PrivilegeView is one privilege in the JSON contract.
type PrivilegeView struct {
	ID     uint16 `json:"id"`
	Name   string `json:"name"`
	Expire uint32 `json:"expire"`
	// ExpireAt is when the privilege ends, absolute: issue_ts + expire, or,
	// for expire 0 ("no separate limit"), the token's own expire_at. (Only
	// the 007 service privileges have it.)
	ExpireAt *uint64 `json:"expire_at,omitempty"`

	expireAt uint64 // storage for ExpireAt
}

// PermissionView is one RTM2 resource/permission list.
type PermissionView struct {
	ResourceType       uint16   `json:"resource_type"`
	ResourceTypeName   string   `json:"resource_type_name"`
	PermissionType     uint16   `json:"permission_type"`
	PermissionTypeName string   `json:"permission_type_name"`
	Resources          []string `json:"resources"`
	// ResourcesHex, when a resource name is not valid UTF-8, gives every
	// name's bytes in hexadecimal ("" for the valid ones), in the order of
	// Resources; nil when all are valid.
	ResourcesHex []string `json:"resources_hex,omitempty"`
}

// ServiceView is one 007 service in the JSON contract.
type ServiceView struct {
	Type     uint16  `json:"type"`
	Name     string  `json:"name"`
	Channel  *string `json:"channel,omitempty"`
	UID      *string `json:"uid,omitempty"`
	UserID   *string `json:"user_id,omitempty"`
	Account  *string `json:"account,omitempty"`
	RoomUUID *string `json:"room_uuid,omitempty"`
	UserUUID *string `json:"user_uuid,omitempty"`
	Role     *int16  `json:"role,omitempty"`
	// Hex holds, in hexadecimal, the bytes of the text fields above that
	// are not valid UTF-8 (JSON text shows such bytes as U+FFFD): nil when
	// every one is valid.
	Hex            *TextHex         `json:"hex,omitempty"`
	Permissions    []PermissionView `json:"permissions,omitempty"`
	Privileges     []PrivilegeView  `json:"privileges"`
	UndecodedBytes *int             `json:"undecoded_bytes,omitempty"`
	Offset         *int             `json:"offset,omitempty"`
	// NotRead names the fields of the record a broken token's decoding
	// stopped in that it did not reach (token.Token007.ServiceNotRead):
	// they are left out above, and privileges is then empty.
	NotRead []string `json:"not_read,omitempty"`
}

// TextHex gives the bytes of a service's text fields that are not valid
// UTF-8, in lowercase hexadecimal; a valid field is left out.
type TextHex struct {
	Channel  string `json:"channel,omitempty"`
	UID      string `json:"uid,omitempty"`
	UserID   string `json:"user_id,omitempty"`
	Account  string `json:"account,omitempty"`
	RoomUUID string `json:"room_uuid,omitempty"`
	UserUUID string `json:"user_uuid,omitempty"`
}

// textHex returns the TextHex of the fields of s that the view shows, or nil
// when all of them are valid UTF-8.
func textHex(s *ServiceView) *TextHex {
	var h TextHex
	bad := false
	set := func(dst *string, v *string) {
		if v != nil && !utf8.ValidString(*v) {
			*dst, bad = hex.EncodeToString([]byte(*v)), true
		}
	}
	set(&h.Channel, s.Channel)
	set(&h.UID, s.UID)
	set(&h.UserID, s.UserID)
	set(&h.Account, s.Account)
	set(&h.RoomUUID, s.RoomUUID)
	set(&h.UserUUID, s.UserUUID)
	if !bad {
		return nil
	}
	return &h
}

// serviceTextHex is the TextHex of the text fields the view of s shows.
func serviceTextHex(s *token.Service) *TextHex {
	var sv ServiceView
	switch s.Type {
	case token.ServiceRTC:
		sv.Channel, sv.UID = &s.Channel, &s.Account
	case token.ServiceStreaming, token.ServiceFCDN:
		sv.Channel, sv.Account = &s.Channel, &s.Account
	case token.ServiceRTM, token.ServiceChat, token.ServiceRTM2:
		sv.UserID = &s.UserID
	case token.ServiceAPaaS:
		sv.RoomUUID, sv.UserUUID = &s.RoomUUID, &s.UserUUID
	}
	return textHex(&sv)
}

// ErrorView locates a decode error.
type ErrorView struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Layer   string `json:"layer,omitempty"`
	Offset  *int   `json:"offset,omitempty"`
}

// TokenView is the decode object of the JSON contract.
type TokenView struct {
	Version string `json:"version"`
	AppID   string `json:"app_id"`
	// AppIDHex gives the bytes of an app ID that is not valid UTF-8 (a
	// broken token's) in hexadecimal; "" otherwise.
	AppIDHex  string  `json:"app_id_hex,omitempty"`
	Salt      *uint32 `json:"salt,omitempty"`
	Signature string  `json:"signature,omitempty"`
	// 007.
	IssueTs      *uint32       `json:"issue_ts,omitempty"`
	Expire       *uint32       `json:"expire,omitempty"`
	ExpireAt     *uint64       `json:"expire_at,omitempty"`
	ServiceCount *uint16       `json:"service_count,omitempty"`
	Services     []ServiceView `json:"services,omitempty"`
	Compressor   string        `json:"compressor,omitempty"`
	// 006.
	Ts         *uint32 `json:"ts,omitempty"`
	CRCChannel *uint32 `json:"crc_channel,omitempty"`
	CRCUID     *uint32 `json:"crc_uid,omitempty"`
	// Privileges is set for 006 only: an array, empty for an empty map.
	Privileges *[]PrivilegeView `json:"privileges,omitempty"`
	Kind       string           `json:"kind,omitempty"`
	// UID is the numeric uid a legacy key carries (DK2, DK3).
	UID *uint32 `json:"uid,omitempty"`
	// Legacy keys.
	Legacy *LegacyView `json:"legacy,omitempty"`
	// NonCanonicalBase64 is set when the base64 padding bits are not zero.
	NonCanonicalBase64 bool `json:"non_canonical_base64,omitempty"`
	// Repairs names the transport damage undone before decoding (decode
	// --json; verify reports it as the token_cleaned finding).
	Repairs []string `json:"repairs,omitempty"`
	// Error is set when the token could not be decoded completely; the other
	// fields then hold what was decoded before the error.
	Error *ErrorView `json:"error,omitempty"`

	expireAt uint64 // storage for ExpireAt
}

// LegacyView holds the fields of a pre-006 key that have no common name.
type LegacyView struct {
	// UnixTs is the generation time (DK1-DK5; a signaling token has none).
	UnixTs      *uint32       `json:"unix_ts,omitempty"`
	UID         *uint32       `json:"uid,omitempty"`
	ExpiredTs   *uint32       `json:"expired_ts,omitempty"`
	ServiceType *uint16       `json:"service_type,omitempty"`
	Extra       []LegacyExtra `json:"extra,omitempty"`
}

// LegacyExtra is a DK5 extra-map entry.
type LegacyExtra struct {
	Key   uint16 `json:"key"`
	Value string `json:"value"`
}

func p[T any](v T) *T { return &v }

// Token builds the decode object of tok. err, when not nil, is the decode
// error; tok may then be partial or nil.
func Token(tok *token.Token, err error) *TokenView {
	v := &TokenView{}
	if err != nil {
		v.Error = errorView(err)
	}
	if tok == nil {
		return v
	}
	v.Version = string(tok.Version)
	v.NonCanonicalBase64 = tok.Encoding.Base64NonCanonical
	switch {
	case tok.T007 != nil:
		t := tok.T007
		v.AppID = t.AppID
		v.Signature = hex.EncodeToString(t.Signature)
		// The pointers alias the decoded model, which views only read; a
		// field a broken token's decoding did not reach is left out.
		if t.Read(token.Field007Salt) {
			v.Salt = &t.Salt
		}
		if t.Read(token.Field007IssueTs) {
			v.IssueTs = &t.IssueTs
		}
		if t.Read(token.Field007Expire) {
			v.Expire = &t.Expire
			v.expireAt = t.ExpireAt()
			v.ExpireAt = &v.expireAt
		}
		if t.Read(token.Field007ServiceCount) {
			v.ServiceCount = &t.ServiceCount
		}
		v.Compressor = tok.Encoding.Compressor
		v.Services = make([]ServiceView, 0, len(t.Services)+1)
		for i := range t.Services {
			v.Services = append(v.Services, service(t, i))
		}
		if t.StoppedAtUnknown() {
			v.Services = append(v.Services, ServiceView{Type: t.UnknownService, Name: "unknown",
				UndecodedBytes: p(t.Undecoded), Offset: p(t.UnknownOffset), Privileges: []PrivilegeView{}})
		}
	case tok.T006 != nil:
		t := tok.T006
		v.AppID = t.AppID
		if t.Signature != nil {
			v.Signature = hex.EncodeToString(t.Signature)
			v.CRCChannel, v.CRCUID = &t.CRCChannel, &t.CRCUID
		}
		if t.Message != nil {
			v.Salt, v.Ts = &t.Salt, &t.Ts
			privs := make([]PrivilegeView, 0, len(t.Privileges))
			for _, pr := range t.Privileges {
				privs = append(privs, PrivilegeView{ID: pr.ID, Name: token.Privilege006Name(pr.ID), Expire: pr.Expire})
			}
			v.Privileges = &privs
			v.Kind = Kind006(t)
		}
	case tok.Legacy != nil:
		// A field a broken key's decoding did not reach is left out.
		l := tok.Legacy
		v.AppID = l.AppID
		v.Signature = l.Signature
		if l.Format != token.VSignal && l.Read("random_int") {
			v.Salt = p(l.Salt)
		}
		lv := &LegacyView{}
		if l.Format != token.VSignal && l.Read("unix_ts") {
			// The generation time means what 007 calls issue_ts.
			lv.UnixTs = p(l.UnixTs)
			v.IssueTs = p(l.UnixTs)
		}
		if l.StoppedAt == "" {
			v.Kind = legacy.KindOf(l).String()
		}
		if l.HasUID {
			lv.UID = p(l.UID)
			v.UID = p(l.UID)
		}
		if l.HasExpired {
			lv.ExpiredTs = p(l.ExpiredTs)
			v.ExpireAt = p(uint64(l.ExpiredTs))
		}
		if l.Format == token.V005 && l.Read("service_type") {
			lv.ServiceType = p(l.ServiceType)
		}
		for _, e := range l.Extra {
			lv.Extra = append(lv.Extra, LegacyExtra(e))
		}
		v.Legacy = lv
	}
	v.AppIDHex = hexIfInvalid(v.AppID)
	return v
}

// Kind006 says what a 006 token is for: "rtm" when its only privilege is RTM
// login, "rtc" otherwise.
func Kind006(t *token.Token006) string {
	if len(t.Privileges) == 1 && t.Privileges[0].ID == token.Priv006RTMLogin {
		return "rtm"
	}
	return "rtc"
}

func service(t *token.Token007, i int) ServiceView {
	s := &t.Services[i]
	sv := ServiceView{Type: s.Type, Name: token.ServiceName(s.Type), Privileges: make([]PrivilegeView, 0, len(s.Privileges))}
	for _, pr := range s.Privileges {
		sv.Privileges = append(sv.Privileges, PrivilegeView{ID: pr.ID, Name: token.PrivilegeName(s.Type, pr.ID), Expire: pr.Expire})
		pv := &sv.Privileges[len(sv.Privileges)-1]
		pv.expireAt = privilegeEnd(t, pr)
		pv.ExpireAt = &pv.expireAt
	}
	// read keeps a field decoded, or leaves it out (nil) when the decoding
	// of a broken token did not reach it.
	read := func(p *string, field string) *string {
		if !t.ServiceFieldRead(i, field) {
			return nil
		}
		return p
	}
	switch s.Type {
	case token.ServiceRTC:
		sv.Channel, sv.UID = read(&s.Channel, "channel"), read(&s.Account, "uid")
	case token.ServiceStreaming, token.ServiceFCDN:
		sv.Channel, sv.Account = read(&s.Channel, "channel"), read(&s.Account, "account")
	case token.ServiceRTM, token.ServiceChat:
		sv.UserID = read(&s.UserID, "user_id")
	case token.ServiceAPaaS:
		sv.RoomUUID, sv.UserUUID = read(&s.RoomUUID, "room_uuid"), read(&s.UserUUID, "user_uuid")
		if t.ServiceFieldRead(i, "role") {
			sv.Role = &s.Role
		}
	case token.ServiceRTM2:
		sv.UserID = read(&s.UserID, "user_id")
		if t.ServiceFieldRead(i, "permissions") {
			sv.Permissions = []PermissionView{}
			for _, r := range s.Permissions {
				for _, pm := range r.Permissions {
					sv.Permissions = append(sv.Permissions, permissionView(r.ResourceType, pm))
				}
			}
		}
	}
	sv.Hex = textHex(&sv)
	sv.NotRead = t.ServiceNotRead(i)
	return sv
}

// privilegeEnd is when a 007 privilege ends: issue_ts + its expire, or the
// token's expire_at for 0, which means no separate limit.
func privilegeEnd(t *token.Token007, p token.Privilege) uint64 {
	if p.Expire == 0 {
		return t.ExpireAt()
	}
	return uint64(t.IssueTs) + uint64(p.Expire)
}

// permissionView is one RTM2 permission list of a resource type.
func permissionView(resourceType uint16, pm token.RTM2Permission) PermissionView {
	return PermissionView{
		ResourceType: resourceType, ResourceTypeName: token.RTM2ResourceName(resourceType),
		PermissionType: pm.PermissionType, PermissionTypeName: token.RTM2PermissionName(pm.PermissionType),
		Resources: nonNil(pm.Resources), ResourcesHex: resourcesHex(pm.Resources)}
}

// resourcesHex is PermissionView.ResourcesHex for the names rs.
func resourcesHex(rs []string) []string {
	var out []string
	for i, r := range rs {
		if utf8.ValidString(r) {
			continue
		}
		if out == nil {
			out = make([]string, len(rs))
		}
		out[i] = hex.EncodeToString([]byte(r))
	}
	return out
}

// hexIfInvalid is the hexadecimal of s when s is not valid UTF-8, else "".
func hexIfInvalid(s string) string {
	if utf8.ValidString(s) {
		return ""
	}
	return hex.EncodeToString([]byte(s))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func errorView(err error) *ErrorView {
	ev := &ErrorView{Message: err.Error(), Code: verify.CodeMalformed}
	if errors.Is(err, token.ErrUnsupportedVersion) {
		ev.Code = verify.CodeUnsupportedVersion
	} else if c := verify.SubCode(err); c != "" {
		ev.Code = c
	}
	var pe *token.ParseError
	if errors.As(err, &pe) {
		ev.Field, ev.Layer, ev.Offset = pe.Field, pe.Layer, p(pe.Offset)
	}
	return ev
}

// VerifyView is the verify object of the JSON contract.
type VerifyView struct {
	Token              *TokenView       `json:"token"`
	Signature          string           `json:"signature"`
	MatchedCertificate *string          `json:"matched_certificate"`
	Verdict            string           `json:"verdict"`
	Findings           []verify.Finding `json:"findings"`
	// Line and ID are set by audit.
	Line *int   `json:"line,omitempty"`
	ID   any    `json:"id,omitempty"`
	Now  *int64 `json:"now,omitempty"`
}

// Verify builds the verify object of a report.
func Verify(r *verify.Report) *VerifyView {
	v := envelope(r)
	if r.Token != nil {
		v.Token = Token(r.Token, r.ParseErr)
		if r.Token.Legacy != nil && r.LegacyKind != legacy.KindUnknown {
			// A DK4 key states no kind; the matching signature told it.
			v.Token.Kind = r.LegacyKind.String()
		}
	}
	return &v
}

// envelope is the verify object of a report without its token.
func envelope(r *verify.Report) VerifyView {
	v := VerifyView{Signature: r.Signature, Verdict: r.Verdict, Findings: r.Findings}
	if v.Findings == nil {
		v.Findings = []verify.Finding{}
	}
	if r.MatchedCertificate != "" {
		v.MatchedCertificate = &r.MatchedCertificate
	}
	return v
}
