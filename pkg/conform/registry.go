package conform

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// common turns the shared inputs into builder options. Issue time and salt
// are fixed by the inputs. AllowNonstandard is set: vector inputs
// deliberately break SDK rules (non-ASCII names, empty accounts, lifetimes
// over 24 h) to pin down what builders write for them; inputs the format
// cannot carry (strings over 65535 bytes) are refused anyway.
func common(in *vectors.Inputs) encode.Common {
	issue, salt := in.IssueTs, in.Salt
	return encode.Common{
		AppID: in.AppID, Certificate: in.Cert, IssueTs: &issue, Salt: &salt,
		AllowNonstandard: true,
		// 006 inputs fix ts, not the issue time; the clock only decides
		// which warnings are reported.
		Now: func() time.Time { return time.Unix(int64(in.Ts)-86400, 0) },
	}
}

// build007 adapts an encode builder taking the parsed inputs.
func build007(f func(in *vectors.Inputs) (*encode.Result, error)) BuildFunc {
	return func(raw json.RawMessage) (*Build, error) {
		in, err := vectors.ParseInputs(raw)
		if err != nil {
			return nil, err
		}
		res, err := f(in)
		if err != nil {
			return nil, err
		}
		return &Build{Token: res.Token, Cert: in.Cert}, nil
	}
}

// build006 adapts a 006 builder, which also says the channel and uid text it
// signed.
func build006With(f func(in *vectors.Inputs) (*encode.Result, string, string, error)) BuildFunc {
	return func(raw json.RawMessage) (*Build, error) {
		in, err := vectors.ParseInputs(raw)
		if err != nil {
			return nil, err
		}
		res, ch, uid, err := f(in)
		if err != nil {
			return nil, err
		}
		return &Build{Token: res.Token, Cert: in.Cert, Channel: ptr(ch), UID: ptr(uid)}, nil
	}
}

func rtcPrivileges(in *vectors.Inputs) *encode.RTCPrivileges {
	return &encode.RTCPrivileges{Join: in.JoinExpire, PublishAudio: in.PubAudioExpire, PublishVideo: in.PubVideoExpire, PublishData: in.PubDataExpire}
}

func rtcAndRTM(in *vectors.Inputs) encode.RTCAndRTMOptions {
	return encode.RTCAndRTMOptions{Common: common(in), Channel: in.Channel, RTCAccount: in.RTCAccount, RTCRole: encode.RTCRole(in.RTCRole),
		RTCTokenExpire: in.RTCTokenExpire, Join: in.JoinExpire, PublishAudio: in.PubAudioExpire, PublishVideo: in.PubVideoExpire,
		PublishData: in.PubDataExpire, RTMUserID: in.RTMUserID, RTMTokenExpire: in.RTMTokenExpire}
}

func apaas(in *vectors.Inputs) encode.APaaSOptions {
	return encode.APaaSOptions{Common: common(in), RoomUUID: in.RoomUUID, UserUUID: in.UserUUID, Role: int16(in.Role), Expire: in.Expire}
}

func account(in *vectors.Inputs) (*string, error) {
	if in.Account == nil {
		return nil, fmt.Errorf("inputs: no account")
	}
	return in.Account, nil
}

func permissions(in *vectors.Inputs) ([]encode.RTMPermission, error) {
	if len(in.Permissions) == 0 {
		return nil, nil
	}
	var gs []struct {
		ResourceType   uint16   `json:"resource_type"`
		PermissionType uint16   `json:"permission_type"`
		Resources      []string `json:"resources"`
	}
	if err := json.Unmarshal(in.Permissions, &gs); err != nil {
		return nil, fmt.Errorf("inputs: permissions: %w", err)
	}
	out := make([]encode.RTMPermission, 0, len(gs))
	for _, g := range gs {
		out = append(out, encode.RTMPermission{ResourceType: g.ResourceType, PermissionType: g.PermissionType, Resources: g.Resources})
	}
	return out, nil
}

var builders007 = map[string]BuildFunc{
	"at2": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		m, err := in.Model007().Model()
		if err != nil {
			return nil, err
		}
		return encode.BuildAccessToken2(encode.AccessToken2Options{Common: common(in), Expire: in.Expire, Services: m.Services})
	}),
	"rtc2_uid": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		uid, err := in.UIDNumber()
		if err != nil {
			return nil, err
		}
		return encode.BuildRTC(encode.RTCOptions{Common: common(in), Channel: in.Channel, UID: uid, Role: encode.RTCRole(in.Role),
			TokenExpire: in.TokenExpire, PrivilegeExpire: in.PrivilegeExpire})
	}),
	"rtc2_account": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		a, err := account(in)
		if err != nil {
			return nil, err
		}
		return encode.BuildRTC(encode.RTCOptions{Common: common(in), Channel: in.Channel, Account: a, Role: encode.RTCRole(in.Role),
			TokenExpire: in.TokenExpire, PrivilegeExpire: in.PrivilegeExpire})
	}),
	"rtc2_uid_priv": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		uid, err := in.UIDNumber()
		if err != nil {
			return nil, err
		}
		return encode.BuildRTC(encode.RTCOptions{Common: common(in), Channel: in.Channel, UID: uid, TokenExpire: in.TokenExpire, Privileges: rtcPrivileges(in)})
	}),
	"rtc2_account_priv": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		a, err := account(in)
		if err != nil {
			return nil, err
		}
		return encode.BuildRTC(encode.RTCOptions{Common: common(in), Channel: in.Channel, Account: a, TokenExpire: in.TokenExpire, Privileges: rtcPrivileges(in)})
	}),
	"rtc2_rtm": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		a, err := account(in)
		if err != nil {
			return nil, err
		}
		return encode.BuildRTCWithRTM(encode.RTCWithRTMOptions{Common: common(in), Channel: in.Channel, Account: *a, Role: encode.RTCRole(in.Role),
			TokenExpire: in.TokenExpire, PrivilegeExpire: in.PrivilegeExpire})
	}),
	"rtc2_rtm2": build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildRTCWithRTM2(rtcAndRTM(in)) }),
	"convoai":   build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildConvoAI(rtcAndRTM(in)) }),
	"stt":       build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildSTT(rtcAndRTM(in)) }),
	"rtm2_token": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		return encode.BuildRTM(encode.RTMOptions{Common: common(in), UserID: in.UserID, Expire: in.Expire})
	}),
	"rtm2_perm": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		ps, err := permissions(in)
		if err != nil {
			return nil, err
		}
		return encode.BuildRTMWithPermissions(encode.RTMOptions{Common: common(in), UserID: in.UserID, Expire: in.Expire, Permissions: ps})
	}),
	"chat_user": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		return encode.BuildChatUser(encode.ChatOptions{Common: common(in), UserID: in.UserID, Expire: in.Expire})
	}),
	"chat_app": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		return encode.BuildChatApp(encode.ChatOptions{Common: common(in), Expire: in.Expire})
	}),
	"apaas_room_user": build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildAPaaSRoomUser(apaas(in)) }),
	"apaas_user":      build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildAPaaSUser(apaas(in)) }),
	"apaas_app":       build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildAPaaSApp(apaas(in)) }),
	"edu_room_user":   build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildEducationRoomUser(apaas(in)) }),
	"edu_user":        build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildEducationUser(apaas(in)) }),
	"edu_app":         build007(func(in *vectors.Inputs) (*encode.Result, error) { return encode.BuildEducationApp(apaas(in)) }),
	"fpa": build007(func(in *vectors.Inputs) (*encode.Result, error) {
		if in.Expire != encode.FPAExpire {
			return nil, fmt.Errorf("inputs: fpa expire %d: FpaTokenBuilder always writes %d", in.Expire, encode.FPAExpire)
		}
		return encode.BuildFPA(encode.FPAOptions{Common: common(in)})
	}),
}

var builders006 = map[string]BuildFunc{
	"at1": build006With(func(in *vectors.Inputs) (*encode.Result, string, string, error) {
		uid, err := in.UIDText()
		if err != nil {
			return nil, "", "", err
		}
		ps := make([]token.Privilege, 0, len(in.Privileges))
		for _, p := range in.Privileges {
			if p[0] > 0xFFFF {
				return nil, "", "", fmt.Errorf("inputs: privilege key %d out of range", p[0])
			}
			ps = append(ps, token.Privilege{ID: uint16(p[0]), Expire: p[1]})
		}
		res, err := encode.BuildAccessToken006(encode.AccessToken006Options{Common: common(in), Channel: in.Channel, UID: uid, Privileges: ps, Ts: &in.Ts})
		return res, in.Channel, uid, err
	}),
	"rtc1_uid": build006With(func(in *vectors.Inputs) (*encode.Result, string, string, error) {
		uid, err := in.UIDNumber()
		if err != nil {
			return nil, "", "", err
		}
		res, err := encode.BuildRTC006(encode.RTC006Options{Common: common(in), Channel: in.Channel, UID: uid, Role: encode.Role006(in.Role),
			PrivilegeExpireTs: in.PrivilegeExpiredTs, Ts: &in.Ts})
		return res, in.Channel, token.UIDText(uid), err
	}),
	"rtc1_account": build006With(func(in *vectors.Inputs) (*encode.Result, string, string, error) {
		a, err := account(in)
		if err != nil {
			return nil, "", "", err
		}
		res, err := encode.BuildRTC006(encode.RTC006Options{Common: common(in), Channel: in.Channel, Account: a, Role: encode.Role006(in.Role),
			PrivilegeExpireTs: in.PrivilegeExpiredTs, Ts: &in.Ts})
		return res, in.Channel, *a, err
	}),
	// The role argument of RtmTokenBuilder (Rtm_User = 1) is ignored by every reference.
	"rtm1": build006With(func(in *vectors.Inputs) (*encode.Result, string, string, error) {
		a, err := account(in)
		if err != nil {
			return nil, "", "", err
		}
		res, err := encode.BuildRTM006(encode.RTM006Options{Common: common(in), UserAccount: *a, PrivilegeExpireTs: in.PrivilegeExpiredTs, Ts: &in.Ts})
		return res, *a, "", err
	}),
}
