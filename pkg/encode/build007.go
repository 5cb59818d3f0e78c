package encode

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// RTCRole is the role argument of the 007 RTC builders (RtcTokenBuilder2).
type RTCRole uint16

// 007 RTC roles. A publisher gets the join and the three publish privileges, a
// subscriber join only.
const (
	RolePublisher  RTCRole = 1
	RoleSubscriber RTCRole = 2
)

// RTCPrivileges gives each RTC privilege its own lifetime (relative seconds,
// 0 = the token's lifetime).
type RTCPrivileges struct {
	Join         uint32
	PublishAudio uint32
	PublishVideo uint32
	PublishData  uint32
}

// RTCOptions are the inputs of BuildRTC (RtcTokenBuilder2.buildTokenWithUid,
// buildTokenWithUserAccount and their AndPrivilege variants).
type RTCOptions struct {
	Common
	// Channel is the channel name.
	Channel string
	// UID is the numeric user id; 0 means any user (written as "").
	UID uint32
	// Account, when not nil, is the user account used instead of UID (UID must
	// then be 0). An empty account is refused unless AllowNonstandard is set:
	// the SDK documents accounts as non-empty, and "" is the uid-0 wildcard.
	Account *string
	// Role selects the privileges: RolePublisher or RoleSubscriber. It is
	// ignored when Privileges is set.
	Role RTCRole
	// TokenExpire is the token lifetime in seconds (at most 86400).
	TokenExpire uint32
	// PrivilegeExpire is the lifetime of every privilege the role grants, in
	// seconds; 0 (the SDK default) lets the token lifetime govern.
	PrivilegeExpire uint32
	// Privileges, when not nil, selects the AndPrivilege form: all four
	// privileges, each with its own lifetime, whatever the role.
	Privileges *RTCPrivileges
}

// RTCWithRTMOptions are the inputs of BuildRTCWithRTM
// (RtcTokenBuilder2.buildTokenWithRtm).
type RTCWithRTMOptions struct {
	Common
	Channel string
	// Account is both the RTC user account and the RTM user ID.
	Account         string
	Role            RTCRole
	TokenExpire     uint32
	PrivilegeExpire uint32
}

// RTCAndRTMOptions are the inputs of BuildRTCWithRTM2
// (RtcTokenBuilder2.buildTokenWithRtm2), BuildConvoAI and BuildSTT.
type RTCAndRTMOptions struct {
	Common
	Channel string
	// RTCAccount is the RTC user account.
	RTCAccount string
	RTCRole    RTCRole
	// RTCTokenExpire is the token lifetime.
	RTCTokenExpire uint32
	// Privilege lifetimes; the publish ones are used for RolePublisher only.
	Join         uint32
	PublishAudio uint32
	PublishVideo uint32
	PublishData  uint32
	// RTMUserID and RTMTokenExpire describe the RTM service.
	RTMUserID      string
	RTMTokenExpire uint32
}

// RTM2 resource and permission types (FORMATS §13.2).
const (
	RTM2MessageChannels uint16 = 0
	RTM2StreamChannels  uint16 = 1
	RTM2GroupChannels   uint16 = 2
	RTM2ServerGroups    uint16 = 3
	RTM2Users           uint16 = 4
	RTM2Read            uint16 = 0
	RTM2Write           uint16 = 1
)

// RTMPermission grants one permission type on a list of resources. Resources
// keep their order and duplicates; a later grant for the same resource and
// permission type replaces an earlier one, as in every reference.
type RTMPermission struct {
	ResourceType   uint16
	PermissionType uint16
	Resources      []string
}

// RTMOptions are the inputs of BuildRTM and BuildRTMWithPermissions
// (RtmTokenBuilder2).
type RTMOptions struct {
	Common
	// UserID is the RTM user ID (at most 64 bytes).
	UserID string
	// Expire is the token and login lifetime in seconds.
	Expire uint32
	// Permissions are used by BuildRTMWithPermissions only.
	Permissions []RTMPermission
}

// ChatOptions are the inputs of BuildChatUser and BuildChatApp (ChatTokenBuilder2).
type ChatOptions struct {
	Common
	// UserID is the chat user (BuildChatUser only; empty for an app token).
	UserID string
	Expire uint32
}

// APaaSOptions are the inputs of the APaaS and Education builders
// (ApaasTokenBuilder, EducationTokenBuilder2).
type APaaSOptions struct {
	Common
	// RoomUUID is used by the room-user token only.
	RoomUUID string
	// UserUUID is used by the room-user and user tokens.
	UserUUID string
	// Role is the application-defined room role of the room-user token; the
	// user and app tokens always write -1 (no role) and ignore it.
	Role   int16
	Expire uint32
}

// FPAOptions are the inputs of BuildFPA (FpaTokenBuilder.buildToken).
type FPAOptions struct {
	Common
}

// AccessToken2Options build a 007 token from explicit services (AccessToken2
// used directly).
type AccessToken2Options struct {
	Common
	// Expire is the token lifetime in seconds.
	Expire uint32
	// Services are added in this order. They are packed stable-sorted by type;
	// inside each, a repeated privilege id keeps its last value and privileges
	// are packed by id ascending (unsigned); RTM2 permissions are merged and
	// sorted as RTMPermission describes. Only the fields the type carries may be
	// set. An RTC, Streaming or FCDN Account is the uid text ("" = any user).
	Services []token.Service
}

func rtcPrivileges(role RTCRole, join, audio, video, data uint32) []token.Privilege {
	p := []token.Privilege{{ID: token.PrivRTCJoinChannel, Expire: join}}
	if role == RolePublisher {
		p = append(p,
			token.Privilege{ID: token.PrivRTCPublishAudio, Expire: audio},
			token.Privilege{ID: token.PrivRTCPublishVideo, Expire: video},
			token.Privilege{ID: token.PrivRTCPublishData, Expire: data})
	}
	return p
}

func (k *checker) role(field string, r RTCRole) {
	if r != RolePublisher && r != RoleSubscriber {
		k.hard(field, "publisher (1) or subscriber (2)", fmt.Sprintf("is %d", r))
	}
}

// BuildRTC builds an RTC token (RtcTokenBuilder2.buildTokenWithUid,
// buildTokenWithUserAccount, or with Privileges set their AndPrivilege
// variants) and verifies it before returning it.
func BuildRTC(o RTCOptions) (*Result, error) {
	k := newChecker(&o.Common)
	k.channel("channel", o.Channel)
	k.fieldLength("channel", o.Channel)
	uid := token.UIDText(o.UID)
	if o.Account != nil {
		if o.UID != 0 {
			k.hard("account", "either a uid or an account, not both", fmt.Sprintf("uid is %d", o.UID))
		}
		k.explicitAccount("account", *o.Account)
		k.fieldLength("account", *o.Account)
		uid = *o.Account
	}
	k.tokenLifetime("token_expire", o.TokenExpire)
	var privs []token.Privilege
	if p := o.Privileges; p != nil {
		k.lifetime("join_channel_privilege_expire", p.Join)
		k.lifetime("pub_audio_privilege_expire", p.PublishAudio)
		k.lifetime("pub_video_privilege_expire", p.PublishVideo)
		k.lifetime("pub_data_stream_privilege_expire", p.PublishData)
		privs = rtcPrivileges(RolePublisher, p.Join, p.PublishAudio, p.PublishVideo, p.PublishData)
	} else {
		k.role("role", o.Role)
		k.lifetime("privilege_expire", o.PrivilegeExpire)
		e := o.PrivilegeExpire
		privs = rtcPrivileges(o.Role, e, e, e, e)
	}
	return build007(&o.Common, k, o.TokenExpire, []token.Service{
		{Type: token.ServiceRTC, Channel: o.Channel, Account: uid, Privileges: privs},
	})
}

// BuildRTCWithRTM builds an RTC + RTM token for one account
// (RtcTokenBuilder2.buildTokenWithRtm): the RTC privileges last
// PrivilegeExpire, the RTM login lasts TokenExpire (as in the reference).
func BuildRTCWithRTM(o RTCWithRTMOptions) (*Result, error) {
	k := newChecker(&o.Common)
	k.channel("channel", o.Channel)
	k.fieldLength("channel", o.Channel)
	k.explicitAccount("account", o.Account)
	if o.Account != "" {
		// The account is also the RTM user ID.
		k.userID("account", o.Account, MaxRTMUserIDLength)
	}
	k.fieldLength("account", o.Account)
	k.role("role", o.Role)
	k.tokenLifetime("token_expire", o.TokenExpire)
	k.lifetime("privilege_expire", o.PrivilegeExpire)
	e := o.PrivilegeExpire
	return build007(&o.Common, k, o.TokenExpire, []token.Service{
		{Type: token.ServiceRTC, Channel: o.Channel, Account: o.Account, Privileges: rtcPrivileges(o.Role, e, e, e, e)},
		{Type: token.ServiceRTM, UserID: o.Account, Privileges: []token.Privilege{{ID: token.PrivRTMLogin, Expire: o.TokenExpire}}},
	})
}

// rtcAndRTM checks the inputs shared by BuildRTCWithRTM2, BuildConvoAI and
// BuildSTT and returns their RTC and RTM services.
func rtcAndRTM(o *RTCAndRTMOptions) (*checker, []token.Service) {
	k := newChecker(&o.Common)
	k.channel("channel", o.Channel)
	k.fieldLength("channel", o.Channel)
	k.explicitAccount("rtc_account", o.RTCAccount)
	k.fieldLength("rtc_account", o.RTCAccount)
	k.role("rtc_role", o.RTCRole)
	k.tokenLifetime("rtc_token_expire", o.RTCTokenExpire)
	k.lifetime("join_channel_privilege_expire", o.Join)
	if o.RTCRole == RolePublisher {
		k.lifetime("pub_audio_privilege_expire", o.PublishAudio)
		k.lifetime("pub_video_privilege_expire", o.PublishVideo)
		k.lifetime("pub_data_stream_privilege_expire", o.PublishData)
	}
	k.userID("rtm_user_id", o.RTMUserID, MaxRTMUserIDLength)
	k.fieldLength("rtm_user_id", o.RTMUserID)
	k.lifetime("rtm_token_expire", o.RTMTokenExpire)
	return k, []token.Service{
		{Type: token.ServiceRTC, Channel: o.Channel, Account: o.RTCAccount,
			Privileges: rtcPrivileges(o.RTCRole, o.Join, o.PublishAudio, o.PublishVideo, o.PublishData)},
		{Type: token.ServiceRTM, UserID: o.RTMUserID, Privileges: []token.Privilege{{ID: token.PrivRTMLogin, Expire: o.RTMTokenExpire}}},
	}
}

// BuildRTCWithRTM2 builds an RTC + RTM token with separate RTC and RTM
// identities and lifetimes (RtcTokenBuilder2.buildTokenWithRtm2). The token
// lifetime is RTCTokenExpire.
func BuildRTCWithRTM2(o RTCAndRTMOptions) (*Result, error) {
	k, svcs := rtcAndRTM(&o)
	return build007(&o.Common, k, o.RTCTokenExpire, svcs)
}

// BuildConvoAI builds a conversational-AI agent token
// (ConvoAITokenBuilder.buildToken, npm agora-token 2.0.6): the services of
// BuildRTCWithRTM2 plus an empty ConvoAI service (type 9).
func BuildConvoAI(o RTCAndRTMOptions) (*Result, error) {
	k, svcs := rtcAndRTM(&o)
	return build007(&o.Common, k, o.RTCTokenExpire, append(svcs, token.Service{Type: token.ServiceConvoAI}))
}

// BuildSTT builds a speech-to-text agent token (SttTokenBuilder.buildToken,
// npm agora-token 2.0.6): the services of BuildRTCWithRTM2 plus an empty STT
// service (type 10).
func BuildSTT(o RTCAndRTMOptions) (*Result, error) {
	k, svcs := rtcAndRTM(&o)
	return build007(&o.Common, k, o.RTCTokenExpire, append(svcs, token.Service{Type: token.ServiceSTT}))
}

// BuildRTM builds an RTM login token (RtmTokenBuilder2.buildToken).
// Permissions must be empty.
func BuildRTM(o RTMOptions) (*Result, error) {
	k := newChecker(&o.Common)
	k.userID("user_id", o.UserID, MaxRTMUserIDLength)
	k.fieldLength("user_id", o.UserID)
	if len(o.Permissions) > 0 {
		k.hard("permissions", "only with BuildRTMWithPermissions (an RTM2 service)", fmt.Sprintf("%d given", len(o.Permissions)))
	}
	k.tokenLifetime("expire", o.Expire)
	return build007(&o.Common, k, o.Expire, []token.Service{
		{Type: token.ServiceRTM, UserID: o.UserID, Privileges: []token.Privilege{{ID: token.PrivRTMLogin, Expire: o.Expire}}},
	})
}

// BuildRTMWithPermissions builds an RTM2 token carrying resource permissions
// (RtmTokenBuilder2.buildTokenWithPermissions, "a special interface that
// requires Agora assistance").
func BuildRTMWithPermissions(o RTMOptions) (*Result, error) {
	k := newChecker(&o.Common)
	k.userID("user_id", o.UserID, MaxRTMUserIDLength)
	k.fieldLength("user_id", o.UserID)
	k.tokenLifetime("expire", o.Expire)
	perms := mergePermissions(k, o.Permissions)
	return build007(&o.Common, k, o.Expire, []token.Service{
		{Type: token.ServiceRTM2, UserID: o.UserID, Permissions: perms,
			Privileges: []token.Privilege{{ID: token.PrivRTM2Login, Expire: o.Expire}}},
	})
}

// mergePermissions applies grants in order (a later grant for the same pair
// replaces the earlier one) and returns them sorted by resource type, then
// permission type.
func mergePermissions(k *checker, grants []RTMPermission) []token.RTM2Resource {
	m := map[[2]uint16][]string{}
	for i, g := range grants {
		f := fmt.Sprintf("permissions[%d]", i)
		if token.RTM2ResourceName(g.ResourceType) == "unknown" {
			k.soft("unknown_privilege", f+".resource_type", "0 message channels, 1 stream channels, 2 group channels, 3 server groups or 4 users", fmt.Sprintf("is %d", g.ResourceType))
		}
		if token.RTM2PermissionName(g.PermissionType) == "unknown" {
			k.soft("unknown_privilege", f+".permission_type", "0 read or 1 write", fmt.Sprintf("is %d", g.PermissionType))
		}
		for j, r := range g.Resources {
			k.fieldLength(fmt.Sprintf("%s.resources[%d]", f, j), r)
		}
		m[[2]uint16{g.ResourceType, g.PermissionType}] = append([]string(nil), g.Resources...)
	}
	keys := make([][2]uint16, 0, len(m))
	for key := range m {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var out []token.RTM2Resource
	for _, key := range keys {
		if len(out) == 0 || out[len(out)-1].ResourceType != key[0] {
			out = append(out, token.RTM2Resource{ResourceType: key[0]})
		}
		last := &out[len(out)-1]
		last.Permissions = append(last.Permissions, token.RTM2Permission{PermissionType: key[1], Resources: m[key]})
	}
	return out
}

// BuildChatUser builds a Chat user token (ChatTokenBuilder2.buildUserToken).
func BuildChatUser(o ChatOptions) (*Result, error) {
	k := newChecker(&o.Common)
	k.nonEmpty("empty_user_id", "user_id", o.UserID)
	k.fieldLength("user_id", o.UserID)
	k.tokenLifetime("expire", o.Expire)
	return build007(&o.Common, k, o.Expire, []token.Service{
		{Type: token.ServiceChat, UserID: o.UserID, Privileges: []token.Privilege{{ID: token.PrivChatUser, Expire: o.Expire}}},
	})
}

// BuildChatApp builds a Chat app token (ChatTokenBuilder2.buildAppToken).
// UserID must be empty.
func BuildChatApp(o ChatOptions) (*Result, error) {
	k := newChecker(&o.Common)
	if o.UserID != "" {
		k.hard("user_id", "empty for an app token", "")
	}
	k.tokenLifetime("expire", o.Expire)
	return build007(&o.Common, k, o.Expire, []token.Service{
		{Type: token.ServiceChat, Privileges: []token.Privilege{{ID: token.PrivChatApp, Expire: o.Expire}}},
	})
}

// ChatUserID derives the Chat user id the room-user token carries: the
// lowercase hex MD5 of the user uuid's UTF-8 bytes.
func ChatUserID(userUUID string) string {
	sum := md5.Sum([]byte(userUUID))
	return hex.EncodeToString(sum[:])
}

// BuildAPaaSRoomUser builds a room-user token (ApaasTokenBuilder and
// EducationTokenBuilder2 buildRoomUserToken): RTM login for the user uuid,
// Chat user for md5hex(user uuid) and the APaaS room-user privilege, all
// lasting Expire.
func BuildAPaaSRoomUser(o APaaSOptions) (*Result, error) {
	k := newChecker(&o.Common)
	k.nonEmpty("empty_room_uuid", "room_uuid", o.RoomUUID)
	k.fieldLength("room_uuid", o.RoomUUID)
	// The user uuid is the RTM user ID of the token.
	k.userID("user_uuid", o.UserUUID, MaxRTMUserIDLength)
	k.fieldLength("user_uuid", o.UserUUID)
	k.tokenLifetime("expire", o.Expire)
	e := o.Expire
	return build007(&o.Common, k, e, []token.Service{
		{Type: token.ServiceAPaaS, RoomUUID: o.RoomUUID, UserUUID: o.UserUUID, Role: o.Role,
			Privileges: []token.Privilege{{ID: token.PrivAPaaSRoomUser, Expire: e}}},
		{Type: token.ServiceRTM, UserID: o.UserUUID, Privileges: []token.Privilege{{ID: token.PrivRTMLogin, Expire: e}}},
		{Type: token.ServiceChat, UserID: ChatUserID(o.UserUUID), Privileges: []token.Privilege{{ID: token.PrivChatUser, Expire: e}}},
	})
}

// BuildAPaaSUser builds a user token (buildUserToken): APaaS("", user uuid,
// role -1) with the user privilege. RoomUUID must be empty; Role is ignored.
func BuildAPaaSUser(o APaaSOptions) (*Result, error) {
	k := newChecker(&o.Common)
	if o.RoomUUID != "" {
		k.hard("room_uuid", "empty for a user token", "")
	}
	k.nonEmpty("empty_user_id", "user_uuid", o.UserUUID)
	k.fieldLength("user_uuid", o.UserUUID)
	k.tokenLifetime("expire", o.Expire)
	return build007(&o.Common, k, o.Expire, []token.Service{
		{Type: token.ServiceAPaaS, UserUUID: o.UserUUID, Role: -1,
			Privileges: []token.Privilege{{ID: token.PrivAPaaSUser, Expire: o.Expire}}},
	})
}

// BuildAPaaSApp builds an app token (buildAppToken): APaaS("", "", role -1)
// with the app privilege. RoomUUID and UserUUID must be empty; Role is ignored.
func BuildAPaaSApp(o APaaSOptions) (*Result, error) {
	k := newChecker(&o.Common)
	if o.RoomUUID != "" {
		k.hard("room_uuid", "empty for an app token", "")
	}
	if o.UserUUID != "" {
		k.hard("user_uuid", "empty for an app token", "")
	}
	k.tokenLifetime("expire", o.Expire)
	return build007(&o.Common, k, o.Expire, []token.Service{
		{Type: token.ServiceAPaaS, Role: -1, Privileges: []token.Privilege{{ID: token.PrivAPaaSApp, Expire: o.Expire}}},
	})
}

// The Education builders are the APaaS builders: the references are identical
// in every language.
var (
	// BuildEducationRoomUser is EducationTokenBuilder2.buildRoomUserToken (= BuildAPaaSRoomUser).
	BuildEducationRoomUser = BuildAPaaSRoomUser
	// BuildEducationUser is EducationTokenBuilder2.buildUserToken (= BuildAPaaSUser).
	BuildEducationUser = BuildAPaaSUser
	// BuildEducationApp is EducationTokenBuilder2.buildAppToken (= BuildAPaaSApp).
	BuildEducationApp = BuildAPaaSApp
)

// BuildFPA builds an FPA token (FpaTokenBuilder.buildToken): lifetime 86400
// seconds and the login privilege with value 0.
func BuildFPA(o FPAOptions) (*Result, error) {
	k := newChecker(&o.Common)
	return build007(&o.Common, k, FPAExpire, []token.Service{
		{Type: token.ServiceFPA, Privileges: []token.Privilege{{ID: token.PrivFPALogin, Expire: 0}}},
	})
}

// BuildAccessToken2 builds a 007 token from explicit services (the reference
// AccessToken2 object used directly).
func BuildAccessToken2(o AccessToken2Options) (*Result, error) {
	k := newChecker(&o.Common)
	k.tokenLifetime("expire", o.Expire)
	if len(o.Services) == 0 {
		k.hard("services", "at least one service", "none given")
	}
	svcs := make([]token.Service, len(o.Services))
	for i := range o.Services {
		svcs[i] = explicitService(k, fmt.Sprintf("services[%d]", i), &o.Services[i])
	}
	return build007(&o.Common, k, o.Expire, svcs)
}

// explicitService checks one service given to BuildAccessToken2 and returns
// a normalised copy: privileges de-duplicated (last value wins) and sorted,
// RTM2 permissions merged and sorted.
func explicitService(k *checker, f string, s *token.Service) token.Service {
	out := token.Service{Type: s.Type}
	if !token.KnownService(s.Type) {
		k.hard(f+".type", "a service type with a known layout (1..10)", fmt.Sprintf("is %d", s.Type))
		return out
	}
	type field struct {
		name  string
		set   bool
		allow bool
	}
	t := s.Type
	carriesChannel := t == token.ServiceRTC || t == token.ServiceStreaming || t == token.ServiceFCDN
	carriesUser := t == token.ServiceRTM || t == token.ServiceChat || t == token.ServiceRTM2
	for _, x := range []field{
		{"channel", s.Channel != "", carriesChannel},
		{"account", s.Account != "", carriesChannel},
		{"user_id", s.UserID != "", carriesUser},
		{"room_uuid", s.RoomUUID != "", t == token.ServiceAPaaS},
		{"user_uuid", s.UserUUID != "", t == token.ServiceAPaaS},
		{"role", s.Role != 0, t == token.ServiceAPaaS},
		{"permissions", len(s.Permissions) > 0, t == token.ServiceRTM2},
	} {
		if x.set && !x.allow {
			k.hard(f+"."+x.name, "not carried by a "+token.ServiceName(t)+" service", "")
		}
	}
	switch {
	case carriesChannel:
		k.channel(f+".channel", s.Channel)
		k.fieldLength(f+".channel", s.Channel)
		if s.Account != "" {
			k.account(f+".account", s.Account)
		}
		k.fieldLength(f+".account", s.Account)
		out.Channel, out.Account = s.Channel, s.Account
	case carriesUser:
		if t == token.ServiceChat {
			k.fieldLength(f+".user_id", s.UserID)
		} else {
			k.userID(f+".user_id", s.UserID, MaxRTMUserIDLength)
			k.fieldLength(f+".user_id", s.UserID)
		}
		out.UserID = s.UserID
	case t == token.ServiceAPaaS:
		k.fieldLength(f+".room_uuid", s.RoomUUID)
		k.fieldLength(f+".user_uuid", s.UserUUID)
		out.RoomUUID, out.UserUUID, out.Role = s.RoomUUID, s.UserUUID, s.Role
	}
	if t == token.ServiceRTM2 {
		var grants []RTMPermission
		for _, r := range s.Permissions {
			for _, p := range r.Permissions {
				grants = append(grants, RTMPermission{ResourceType: r.ResourceType, PermissionType: p.PermissionType, Resources: p.Resources})
			}
		}
		out.Permissions = mergePermissions(k, grants)
	}
	last := map[uint16]uint32{}
	for j, p := range s.Privileges {
		k.privilegeID(fmt.Sprintf("%s.privileges[%d]", f, j), t, p.ID)
		k.lifetime(fmt.Sprintf("%s.privileges[%d]", f, j), p.Expire)
		last[p.ID] = p.Expire
	}
	out.Privileges = sortedPrivileges(last)
	return out
}

// sortedPrivileges packs a privilege map by id ascending (unsigned), the order
// of every reference but Java for ids >= 32768 (FORMATS §16 Q2).
func sortedPrivileges(m map[uint16]uint32) []token.Privilege {
	out := make([]token.Privilege, 0, len(m))
	for id, v := range m {
		out = append(out, token.Privilege{ID: id, Expire: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// build007 finishes a 007 build: refuses on the first violation, fixes the
// issue time and salt, packs the services stable-sorted by type, signs,
// compresses with the chosen profile and verifies the result.
func build007(c *Common, k *checker, expire uint32, svcs []token.Service) (*Result, error) {
	if k.err != nil {
		return nil, k.err
	}
	issue, err := c.issueTime()
	if err != nil {
		return nil, err
	}
	salt, err := c.salt()
	if err != nil {
		return nil, err
	}
	sort.SliceStable(svcs, func(i, j int) bool { return svcs[i].Type < svcs[j].Type })
	t := &token.Token007{AppID: c.AppID, IssueTs: issue, Expire: expire, Salt: salt,
		ServiceCount: uint16(len(svcs)), Services: svcs}
	payload, err := Payload007(t, c.Certificate)
	if err != nil {
		return nil, err
	}
	t.Payload = payload
	t.SigningInfo = payload[2+len(t.Signature):]
	str, err := String007With(c.Compressor, payload)
	if err != nil {
		return nil, err
	}
	res := &Result{Token: str, Warnings: k.warns}
	if c.SkipSelfCheck {
		res.Model = &token.Token{Version: token.V007, T007: t}
		return res, nil
	}
	if res.Model, err = selfCheck007(res.Token, t, c.Certificate); err != nil {
		return nil, err
	}
	// The decoder names only the framing family ("zlib-compatible" for C
	// zlib); the builder knows the exact profile it used, which is what
	// decode and verify name after re-compressing (IdentifyCompressor).
	res.Model.Encoding.Compressor, res.Model.Encoding.CompressorExact = exactCompressor(c.Compressor), true
	return res, nil
}

// exactCompressor is the name IdentifyCompressor gives the strings of a
// compression profile.
func exactCompressor(c Compressor) string {
	if c == CompressorZlib {
		return "zlib"
	}
	return "go"
}
