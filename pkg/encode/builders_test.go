package encode_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// The inputs every reference unit test uses (FORMATS §18).
const (
	kaAppID   = "970CA35de60c44645bbae8a215061b33"
	kaCert    = "5CFd2fd1755d40ecb72977518be15d3b"
	kaChannel = "7d72365eb983485397e3e3f9d460bdda"
	kaUID     = 2882341273
	kaPriv006 = 1446455471
)

func kaCommon() encode.Common {
	// The reference fixtures date from 2015 with ts 1111111 (1970): under the
	// SDK rules their 006 expiries are "before the issue time".
	return encode.Common{AppID: kaAppID, Certificate: kaCert, IssueTs: new(uint32(1111111)), Salt: new(uint32(1)), AllowNonstandard: true}
}

func kaRTC006(role encode.Role006, uid uint32, account *string) (*encode.Result, error) {
	return encode.BuildRTC006(encode.RTC006Options{Common: kaCommon(), Channel: kaChannel, UID: uid, Account: account, Role: role,
		PrivilegeExpireTs: kaPriv006, Ts: new(uint32(1111111))})
}

func kaRTC(uid uint32) (*encode.Result, error) {
	c := kaCommon()
	c.AllowNonstandard = false
	return encode.BuildRTC(encode.RTCOptions{Common: c, Channel: kaChannel, UID: uid, Role: encode.RoleSubscriber, TokenExpire: 600, PrivilegeExpire: 600})
}

func kaRoomUser(build func(encode.APaaSOptions) (*encode.Result, error)) func() (*encode.Result, error) {
	return func() (*encode.Result, error) {
		return build(encode.APaaSOptions{Common: kaCommon(), RoomUUID: "123", UserUUID: "2882341273", Role: 1, Expire: 600})
	}
}

// knownAnswerBuilds maps known-answer vectors to the builder call that
// produces their payload (FORMATS §18, "same payload as …").
var knownAnswerBuilds = map[string]func() (*encode.Result, error){
	"007-rtc-uid":  func() (*encode.Result, error) { return kaRTC(kaUID) },
	"007-rtc-uid0": func() (*encode.Result, error) { return kaRTC(0) },
	"007-rtm-uidstr": func() (*encode.Result, error) {
		return encode.BuildRTM(encode.RTMOptions{Common: kaCommon(), UserID: "2882341273", Expire: 600})
	},
	"007-rtm-testuser": func() (*encode.Result, error) {
		return encode.BuildRTM(encode.RTMOptions{Common: kaCommon(), UserID: "test_user", Expire: 600})
	},
	"007-chat-user": func() (*encode.Result, error) {
		return encode.BuildChatUser(encode.ChatOptions{Common: kaCommon(), UserID: "2882341273", Expire: 600})
	},
	"007-chat-app": func() (*encode.Result, error) {
		return encode.BuildChatApp(encode.ChatOptions{Common: kaCommon(), Expire: 600})
	},
	"007-apaas-roomuser": kaRoomUser(encode.BuildAPaaSRoomUser),
	"007-apaas-user": func() (*encode.Result, error) {
		return encode.BuildAPaaSUser(encode.APaaSOptions{Common: kaCommon(), UserUUID: "2882341273", Expire: 600})
	},
	"007-apaas-app": func() (*encode.Result, error) {
		return encode.BuildAPaaSApp(encode.APaaSOptions{Common: kaCommon(), Expire: 600})
	},
	"007-rtc4-rtm": func() (*encode.Result, error) {
		return encode.BuildRTCWithRTM2(encode.RTCAndRTMOptions{Common: kaCommon(), Channel: kaChannel, RTCAccount: "2882341273",
			RTCRole: encode.RolePublisher, RTCTokenExpire: 600, Join: 600, PublishAudio: 600, PublishVideo: 600, PublishData: 600,
			RTMUserID: "test_user", RTMTokenExpire: 600})
	},
	"006-rtc-join-uid":  func() (*encode.Result, error) { return kaRTC006(encode.Role006Subscriber, kaUID, nil) },
	"006-rtc-join-uid0": func() (*encode.Result, error) { return kaRTC006(encode.Role006Subscriber, 0, nil) },
	// An account "0" is kept as the text "0" (PHP's string uid).
	"006-rtc-join-uidstr0":  func() (*encode.Result, error) { return kaRTC006(encode.Role006Subscriber, 0, new("0")) },
	"006-rtc-publisher-uid": func() (*encode.Result, error) { return kaRTC006(encode.Role006Publisher, kaUID, nil) },
	"006-rtm-login": func() (*encode.Result, error) {
		return encode.BuildRTM006(encode.RTM006Options{Common: kaCommon(), UserAccount: "test_user", PrivilegeExpireTs: kaPriv006, Ts: new(uint32(1111111))})
	},
}

// knownAnswerBuild finds the builder of a known-answer id: the id itself or
// the id without its compressor suffix (-zlib, -go, -node, -csharp, -rust).
func knownAnswerBuild(id string) func() (*encode.Result, error) {
	if f, ok := knownAnswerBuilds[id]; ok {
		return f
	}
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return knownAnswerBuilds[id[:i]]
	}
	return nil
}

// TestKnownAnswerBuilders rebuilds the known answers that a reference builder
// produces: 006 strings exactly; 007 payloads exactly, and the string exactly
// for the vectors made by Go's compress/zlib.
func TestKnownAnswerBuilders(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers(knownAnswersPath)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	n := 0
	for _, v := range ka.Vectors {
		build := knownAnswerBuild(v.ID)
		if build == nil || v.Kind == "parse" {
			continue
		}
		n++
		t.Run(v.ID, func(t *testing.T) {
			res, err := build()
			if err != nil {
				t.Fatal(err)
			}
			switch v.Format {
			case "006":
				if res.Token != v.Expected {
					t.Fatalf("got  %s\nwant %s", res.Token, v.Expected)
				}
			case "007":
				want, _ := hex.DecodeString(v.PayloadHex)
				if !bytes.Equal(res.Model.T007.Payload, want) {
					t.Fatalf("payload differs\n got %x\nwant %x", res.Model.T007.Payload, want)
				}
				if strings.HasSuffix(v.ID, "-go") && res.Token != v.Expected {
					t.Fatalf("got  %s\nwant %s", res.Token, v.Expected)
				}
			}
		})
		for k := range knownAnswerBuilds {
			if build != nil && (v.ID == k || strings.HasPrefix(v.ID, k+"-")) {
				used[k] = true
			}
		}
	}
	for k := range knownAnswerBuilds {
		if !used[k] {
			t.Errorf("no known answer for %s", k)
		}
	}
	if n < 20 {
		t.Fatalf("only %d known answers rebuilt", n)
	}
}

// TestKnownAnswerDivergences: where a reference was observed to diverge from
// the majority, tokencheck builds the majority's token, not the divergent one.
func TestKnownAnswerDivergences(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers(knownAnswersPath)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]vectors.KnownAnswer{}
	for _, v := range ka.Vectors {
		byID[v.ID] = v
	}
	// PHP packs the 006 publisher privileges 1,3,2,4; we pack 1,2,3,4, and the
	// deprecated Attendee and Admin roles grant what Publisher grants.
	for _, role := range []encode.Role006{encode.Role006Attendee, encode.Role006Publisher, encode.Role006Admin} {
		res, err := kaRTC006(role, kaUID, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Token == byID["divergence-php-006-publisher-order"].Expected || res.Token != byID["006-rtc-publisher-uid"].Expected {
			t.Errorf("role %d: not the majority's publisher token", role)
		}
	}
	// PHP writes uid 0 as "0"; we write "".
	res, err := kaRTC(0)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(res.Model.T007.Payload) == byID["divergence-php-007-uid0"].PayloadHex || res.Model.T007.Services[0].Account != "" {
		t.Errorf("uid 0 not written as the empty string")
	}
	// Node.js replaces APaaS role 0 by -1; we keep 0.
	res, err = encode.BuildAPaaSRoomUser(encode.APaaSOptions{Common: kaCommon(), RoomUUID: "123", UserUUID: "2882341273", Role: 0, Expire: 600})
	if err != nil {
		t.Fatal(err)
	}
	apaas := res.Model.T007.Services[2]
	if apaas.Type != token.ServiceAPaaS || apaas.Role != 0 || len(apaas.Privileges) != 1 {
		t.Errorf("room-user APaaS service %+v, want role 0 with the room-user privilege", apaas)
	}
	// Java puts the Chat privilege on the RTM service; we put it on Chat.
	chat := res.Model.T007.Services[1]
	if chat.Type != token.ServiceChat || chat.UserID != encode.ChatUserID("2882341273") || len(chat.Privileges) != 1 {
		t.Errorf("room-user Chat service %+v", chat)
	}
}

func TestChatUserID(t *testing.T) {
	for in, want := range map[string]string{
		"2882341273": "6063383428a36fba3fb6030becf8094e",
		// Java's Utils.md5 drops the leading zero of this one (§16 Q5).
		"168": "006f52e9102a8d3be2fe5614f42ba989",
	} {
		if got := encode.ChatUserID(in); got != want {
			t.Errorf("ChatUserID(%q) = %s, want %s", in, got, want)
		}
	}
}

// nonstandard is set while TestRefusals replays its cases under
// AllowNonstandard (the tests of this package do not run in parallel).
var nonstandard bool

func strictCommon() encode.Common {
	return encode.Common{AppID: kaAppID, Certificate: kaCert, AllowNonstandard: nonstandard,
		Now: func() time.Time { return time.Unix(1700000000, 0) }}
}

// TestRefusals: every kind of invalid input is refused with a
// *token.InputError that names the field, the rule and, for characters, the
// character and its byte position.
func TestRefusals(t *testing.T) {
	const now = 1700000000
	rtc := func(mod func(*encode.RTCOptions)) func() (*encode.Result, error) {
		return func() (*encode.Result, error) {
			o := encode.RTCOptions{Common: strictCommon(), Channel: "room", UID: 7, Role: encode.RolePublisher, TokenExpire: 3600}
			mod(&o)
			return encode.BuildRTC(o)
		}
	}
	rtc006 := func(mod func(*encode.RTC006Options)) func() (*encode.Result, error) {
		return func() (*encode.Result, error) {
			o := encode.RTC006Options{Common: strictCommon(), Channel: "room", UID: 7, Role: encode.Role006Publisher, PrivilegeExpireTs: now + 3600}
			mod(&o)
			return encode.BuildRTC006(o)
		}
	}
	big := strings.Repeat("a", 65536)
	tests := []struct {
		name        string
		build       func() (*encode.Result, error)
		field, rule string
		detail      string // substring of the detail
		code        string // warning code under AllowNonstandard; "" = refused even then
	}{
		{"app id length", rtc(func(o *encode.RTCOptions) { o.AppID = "abc" }), "app_id", "32 hexadecimal", "is 3 bytes", ""},
		{"app id character", rtc(func(o *encode.RTCOptions) { o.AppID = "970CAg5de60c44645bbae8a215061b33" }), "app_id", "32 hexadecimal", `character "g" (U+0067) at byte 5`, ""},
		{"certificate character not echoed", rtc(func(o *encode.RTCOptions) { o.Certificate = "5CFd2fd1755d40ecb72977518be15d3z" }), "app_certificate", "32 hexadecimal", "not hexadecimal at byte 31", ""},
		{"channel too long", rtc(func(o *encode.RTCOptions) { o.Channel = strings.Repeat("c", 65) }), "channel", "at most 64 bytes", "is 65 bytes", "channel_too_long"},
		{"channel empty", rtc(func(o *encode.RTCOptions) { o.Channel = "" }), "channel", "non-empty", "", "empty_channel"},
		{"channel non-ASCII", rtc(func(o *encode.RTCOptions) { o.Channel = "caf\u00e9" }), "channel", "only a-z", `character "é" (U+00E9) at byte 3`, "bad_channel_charset"},
		{"channel slash", rtc(func(o *encode.RTCOptions) { o.Channel = "a/b" }), "channel", "only a-z", `character "/" (U+002F) at byte 1`, "bad_channel_charset"},
		{"channel control", rtc(func(o *encode.RTCOptions) { o.Channel = "a\nb" }), "channel", "only a-z", "control character U+000A at byte 1", "bad_channel_charset"},
		{"channel invalid UTF-8", rtc(func(o *encode.RTCOptions) { o.Channel = "ab\xff" }), "channel", "only a-z", "byte 0xFF at byte 2 is not valid UTF-8", "bad_channel_charset"},
		{"channel over 65535", rtc(func(o *encode.RTCOptions) { o.Channel = big }), "channel", "65535", "is 65536 bytes", ""},
		{"account empty", rtc(func(o *encode.RTCOptions) { o.UID = 0; o.Account = new("") }), "account", "non-empty", "", "empty_account"},
		{"account too long", rtc(func(o *encode.RTCOptions) { o.UID = 0; o.Account = new(strings.Repeat("u", 256)) }), "account", "at most 255 bytes", "is 256 bytes", "account_too_long"},
		{"account character", rtc(func(o *encode.RTCOptions) { o.UID = 0; o.Account = new("a\"b") }), "account", "only a-z", `character "\"" (U+0022) at byte 1`, "bad_account_charset"},
		{"uid and account", rtc(func(o *encode.RTCOptions) { o.Account = new("bob") }), "account", "either a uid or an account", "uid is 7", ""},
		{"role", rtc(func(o *encode.RTCOptions) { o.Role = 3 }), "role", "publisher (1) or subscriber (2)", "is 3", ""},
		{"token expire over 24h", rtc(func(o *encode.RTCOptions) { o.TokenExpire = 86401 }), "token_expire", "at most 86400 seconds", "is 86401", "expiry_over_24h"},
		{"token expire 0", rtc(func(o *encode.RTCOptions) { o.TokenExpire = 0 }), "token_expire", "at least 1 second", "is 0", "lifetime_too_short"},
		{"privilege expire over 24h", rtc(func(o *encode.RTCOptions) { o.PrivilegeExpire = 604800 }), "privilege_expire", "at most 86400", "604800", "expiry_over_24h"},
		{"publish privilege over 24h", rtc(func(o *encode.RTCOptions) { o.Privileges = &encode.RTCPrivileges{Join: 60, PublishVideo: 90000} }), "pub_video_privilege_expire", "at most 86400", "90000", "expiry_over_24h"},
		{"006 role", rtc006(func(o *encode.RTC006Options) { o.Role = 5 }), "role", "attendee (0), publisher (1), subscriber (2) or admin (101)", "is 5", ""},
		{"006 privilege as a duration", rtc006(func(o *encode.RTC006Options) { o.PrivilegeExpireTs = 3600 }), "privilege_expired_ts", "absolute unix time", "not a plausible unix time", "expiry_implausible"},
		{"006 privilege as an enum", rtc006(func(o *encode.RTC006Options) { o.PrivilegeExpireTs = 2 }), "privilege_expired_ts", "absolute unix time", "not a plausible unix time", "expiry_implausible"},
		{"006 privilege stale", rtc006(func(o *encode.RTC006Options) { o.PrivilegeExpireTs = now - 3600 }), "privilege_expired_ts", "absolute unix time", "not after the issue time", "expiry_before_issue"},
		{"006 privilege over 24h", rtc006(func(o *encode.RTC006Options) { o.PrivilegeExpireTs = now + 86401 }), "privilege_expired_ts", "at most 24 h", "24h0m1s after", "expiry_over_24h"},
		{"006 ts over 24h", rtc006(func(o *encode.RTC006Options) { o.Ts = new(uint32(now + 2*86400)) }), "ts", "at most 24 h", "48h0m0s", "expiry_over_24h"},
		{"006 channel character", rtc006(func(o *encode.RTC006Options) { o.Channel = "x\u4e2d" }), "channel", "only a-z", `character "中" (U+4E2D) at byte 1`, "bad_channel_charset"},
		{"006 rtm empty account", func() (*encode.Result, error) {
			return encode.BuildRTM006(encode.RTM006Options{Common: strictCommon(), PrivilegeExpireTs: now + 60})
		}, "user_account", "non-empty", "", "empty_account"},
		{"006 rtm account over the 64 bytes of an RTM user id", func() (*encode.Result, error) {
			return encode.BuildRTM006(encode.RTM006Options{Common: strictCommon(), UserAccount: strings.Repeat("u", 65), PrivilegeExpireTs: now + 60})
		}, "user_account", "at most 64 bytes (an RTM user id)", "is 65 bytes", "account_too_long"},
		{"006 rtm account character", func() (*encode.Result, error) {
			return encode.BuildRTM006(encode.RTM006Options{Common: strictCommon(), UserAccount: "u\u00e9", PrivilegeExpireTs: now + 60})
		}, "user_account", "only a-z", `character "é" (U+00E9) at byte 1`, "bad_account_charset"},
		{"006 unknown privilege", func() (*encode.Result, error) {
			return encode.BuildAccessToken006(encode.AccessToken006Options{Common: strictCommon(), Channel: "c", Privileges: []token.Privilege{{ID: 9, Expire: now + 60}}})
		}, "privileges[0]", "a 006 privilege", "id 9", "unknown_privilege"},
		{"rtm user id too long", func() (*encode.Result, error) {
			return encode.BuildRTM(encode.RTMOptions{Common: strictCommon(), UserID: strings.Repeat("u", 65), Expire: 60})
		}, "user_id", "at most 64 bytes", "is 65 bytes", "user_id_too_long"},
		{"rtm user id empty", func() (*encode.Result, error) {
			return encode.BuildRTM(encode.RTMOptions{Common: strictCommon(), Expire: 60})
		}, "user_id", "non-empty", "", "empty_user_id"},
		{"rtm user id over 65535", func() (*encode.Result, error) {
			return encode.BuildRTM(encode.RTMOptions{Common: strictCommon(), UserID: big, Expire: 60})
		}, "user_id", "65535", "is 65536 bytes", ""},
		{"rtm permissions on the plain builder", func() (*encode.Result, error) {
			return encode.BuildRTM(encode.RTMOptions{Common: strictCommon(), UserID: "u", Expire: 60, Permissions: []encode.RTMPermission{{}}})
		}, "permissions", "BuildRTMWithPermissions", "1 given", ""},
		{"rtm2 resource type", func() (*encode.Result, error) {
			return encode.BuildRTMWithPermissions(encode.RTMOptions{Common: strictCommon(), UserID: "u", Expire: 60,
				Permissions: []encode.RTMPermission{{ResourceType: 7, Resources: []string{"x"}}}})
		}, "permissions[0].resource_type", "4 users", "is 7", "unknown_privilege"},
		{"chat app with a user", func() (*encode.Result, error) {
			return encode.BuildChatApp(encode.ChatOptions{Common: strictCommon(), UserID: "u", Expire: 60})
		}, "user_id", "empty for an app token", "", ""},
		{"chat user empty", func() (*encode.Result, error) {
			return encode.BuildChatUser(encode.ChatOptions{Common: strictCommon(), Expire: 60})
		}, "user_id", "non-empty", "", "empty_user_id"},
		{"apaas room user empty room", func() (*encode.Result, error) {
			return encode.BuildAPaaSRoomUser(encode.APaaSOptions{Common: strictCommon(), UserUUID: "u", Expire: 60})
		}, "room_uuid", "non-empty", "", "empty_room_uuid"},
		{"apaas user with a room", func() (*encode.Result, error) {
			return encode.BuildAPaaSUser(encode.APaaSOptions{Common: strictCommon(), RoomUUID: "r", UserUUID: "u", Expire: 60})
		}, "room_uuid", "empty for a user token", "", ""},
		{"at2 no services", func() (*encode.Result, error) {
			return encode.BuildAccessToken2(encode.AccessToken2Options{Common: strictCommon(), Expire: 60})
		}, "services", "at least one service", "none given", ""},
		{"at2 unknown type", func() (*encode.Result, error) {
			return encode.BuildAccessToken2(encode.AccessToken2Options{Common: strictCommon(), Expire: 60, Services: []token.Service{{Type: 11}}})
		}, "services[0].type", "known layout", "is 11", ""},
		{"at2 field the type does not carry", func() (*encode.Result, error) {
			return encode.BuildAccessToken2(encode.AccessToken2Options{Common: strictCommon(), Expire: 60,
				Services: []token.Service{{Type: token.ServiceFPA, UserID: "u"}}})
		}, "services[0].user_id", "not carried by a fpa service", "", ""},
		{"at2 unknown privilege", func() (*encode.Result, error) {
			return encode.BuildAccessToken2(encode.AccessToken2Options{Common: strictCommon(), Expire: 60,
				Services: []token.Service{{Type: token.ServiceChat, UserID: "u", Privileges: []token.Privilege{{ID: 3, Expire: 60}}}}})
		}, "services[0].privileges[0]", "a privilege the Chat service defines", "id 3", "unknown_privilege"},
		{"rtc+rtm empty account", func() (*encode.Result, error) {
			return encode.BuildRTCWithRTM(encode.RTCWithRTMOptions{Common: strictCommon(), Channel: "c", Role: encode.RolePublisher, TokenExpire: 60})
		}, "account", "non-empty", "", "empty_account"},
		{"rtc+rtm2 rtm user id too long", func() (*encode.Result, error) {
			return encode.BuildRTCWithRTM2(encode.RTCAndRTMOptions{Common: strictCommon(), Channel: "c", RTCAccount: "a", RTCRole: encode.RoleSubscriber,
				RTCTokenExpire: 60, RTMUserID: strings.Repeat("u", 70), RTMTokenExpire: 60})
		}, "rtm_user_id", "at most 64 bytes", "is 70 bytes", "user_id_too_long"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.build()
			if err == nil {
				t.Fatalf("built %s", res.Token)
			}
			var ie *token.InputError
			if !errors.As(err, &ie) || !errors.Is(err, token.ErrInvalidInput) {
				t.Fatalf("%v is not a *token.InputError", err)
			}
			if ie.Field != tc.field || !strings.Contains(ie.Rule, tc.rule) || !strings.Contains(ie.Detail, tc.detail) {
				t.Fatalf("got field %q rule %q detail %q\nwant field %q rule ~%q detail ~%q", ie.Field, ie.Rule, ie.Detail, tc.field, tc.rule, tc.detail)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tc.field+": ") || (tc.detail != "" && !strings.Contains(msg, tc.detail)) {
				t.Errorf("message %q does not name the field and detail", msg)
			}
			if strings.Contains(msg, kaCert[:8]) {
				t.Errorf("message %q leaks the certificate", msg)
			}
		})
	}
	// The same inputs under AllowNonstandard: SDK rules become warnings, what
	// the format cannot carry stays refused.
	nonstandard = true
	defer func() { nonstandard = false }()
	for _, tc := range tests {
		t.Run("nonstandard/"+tc.name, func(t *testing.T) {
			res, err := tc.build()
			if tc.code == "" {
				if err == nil {
					t.Fatalf("built %s", res.Token)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			found := false
			for _, w := range res.Warnings {
				if w.Code == tc.code && w.Field == tc.field {
					found = true
				}
			}
			if !found {
				t.Errorf("warnings %v lack %s on %s", res.Warnings, tc.code, tc.field)
			}
		})
	}
}

// zeroReader yields zero bytes: the smallest draw, salt 1.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("entropy exhausted") }

// TestDefaults: the issue time comes from the injected clock, the salt from
// the injected reader in 1..99999999, 006 ts is the issue time + 24 h, and
// fixed zero values are honoured.
func TestDefaults(t *testing.T) {
	clock := func() time.Time { return time.Unix(1700000000, 999) }
	c := encode.Common{AppID: kaAppID, Certificate: kaCert, Now: clock, Rand: zeroReader{}}
	res, err := encode.BuildChatApp(encode.ChatOptions{Common: c, Expire: 600})
	if err != nil {
		t.Fatal(err)
	}
	if tk := res.Model.T007; tk.IssueTs != 1700000000 || tk.Salt != 1 || tk.Expire != 600 {
		t.Errorf("issue_ts %d salt %d expire %d", tk.IssueTs, tk.Salt, tk.Expire)
	}
	res, err = encode.BuildRTM006(encode.RTM006Options{Common: c, UserAccount: "alice", PrivilegeExpireTs: 1700000600})
	if err != nil {
		t.Fatal(err)
	}
	if tk := res.Model.T006; tk.Ts != 1700000000+86400 || tk.Salt != 1 {
		t.Errorf("ts %d salt %d", tk.Ts, tk.Salt)
	}

	// crypto/rand by default: every salt in range.
	c.Rand = nil
	for range 50 {
		res, err := encode.BuildFPA(encode.FPAOptions{Common: c})
		if err != nil {
			t.Fatal(err)
		}
		if s := res.Model.T007.Salt; s < 1 || s > encode.MaxSalt {
			t.Fatalf("salt %d out of 1..%d", s, encode.MaxSalt)
		}
	}

	c.Rand = failReader{}
	if _, err := encode.BuildFPA(encode.FPAOptions{Common: c}); err == nil || !strings.Contains(err.Error(), "entropy exhausted") {
		t.Errorf("failing reader: %v", err)
	}

	// Fixed zeros are values, not "unset".
	c.IssueTs, c.Salt, c.AllowNonstandard = new(uint32(0)), new(uint32(0)), true
	res, err = encode.BuildFPA(encode.FPAOptions{Common: c})
	if err != nil {
		t.Fatal(err)
	}
	if tk := res.Model.T007; tk.IssueTs != 0 || tk.Salt != 0 || tk.Expire != encode.FPAExpire {
		t.Errorf("issue_ts %d salt %d expire %d", tk.IssueTs, tk.Salt, tk.Expire)
	}

	// A clock before 1970 cannot be written.
	c = encode.Common{AppID: kaAppID, Certificate: kaCert, Now: func() time.Time { return time.Unix(-5, 0) }}
	if _, err := encode.BuildFPA(encode.FPAOptions{Common: c}); !errors.Is(err, token.ErrInvalidInput) {
		t.Errorf("clock before 1970: %v", err)
	}
}

// TestSelfCheck: a built token decodes to its inputs and verifies; the
// self-check refuses a token that does not verify with the certificate or
// whose fields differ from what was asked.
func TestSelfCheck(t *testing.T) {
	res, err := encode.BuildRTC(encode.RTCOptions{Common: strictCommon(), Channel: "room", Account: new("alice"),
		Role: encode.RolePublisher, TokenExpire: 3600, PrivilegeExpire: 600})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := decode.Parse(res.Token)
	if err != nil {
		t.Fatal(err)
	}
	got := tok.T007
	sig := verify.Signature007(kaCert, got.IssueTs, got.Salt, got.SigningInfo)
	if !bytes.Equal(sig[:], got.Signature) {
		t.Fatal("signature does not verify")
	}
	if s := got.Services[0]; s.Channel != "room" || s.Account != "alice" || len(s.Privileges) != 4 {
		t.Fatalf("decoded %+v", s)
	}

	want := *res.Model.T007
	if _, err := encode.SelfCheck007(res.Token, &want, "00000000000000000000000000000000"); !errors.Is(err, encode.ErrSelfCheck) || !errors.Is(err, token.ErrSignatureInvalid) {
		t.Errorf("wrong certificate: %v", err)
	}
	want.Salt++
	if _, err := encode.SelfCheck007(res.Token, &want, kaCert); !errors.Is(err, encode.ErrSelfCheck) || !strings.Contains(err.Error(), "salt") {
		t.Errorf("salt mismatch: %v", err)
	}
	if _, err := encode.SelfCheck007("007AAAA", &want, kaCert); !errors.Is(err, encode.ErrSelfCheck) {
		t.Errorf("undecodable: %v", err)
	}

	r6, err := encode.BuildRTC006(encode.RTC006Options{Common: strictCommon(), Channel: "room", UID: 42, Role: encode.Role006Subscriber, PrivilegeExpireTs: 1700000600})
	if err != nil {
		t.Fatal(err)
	}
	w6 := *r6.Model.T006
	if _, err := encode.SelfCheck006(r6.Token, &w6, kaCert, "room", "43"); !errors.Is(err, encode.ErrSelfCheck) || !strings.Contains(err.Error(), "crc_uid") {
		t.Errorf("uid mismatch: %v", err)
	}
	if _, err := encode.SelfCheck006(r6.Token, &w6, kaCert, "room", "42"); err != nil {
		t.Errorf("valid 006: %v", err)
	}

	// SkipSelfCheck still returns the model that was serialised.
	c := strictCommon()
	c.SkipSelfCheck = true
	r, err := encode.BuildChatApp(encode.ChatOptions{Common: c, Expire: 60})
	if err != nil || r.Model == nil || r.Model.T007 == nil || len(r.Model.T007.Payload) == 0 {
		t.Fatalf("skip self-check: %v %+v", err, r)
	}
}

// TestAccessToken2Normalises: services are stable-sorted by type, repeated
// privilege ids keep their last value, privileges are sorted unsigned.
func TestAccessToken2Normalises(t *testing.T) {
	c := strictCommon()
	c.AllowNonstandard = true // privilege 65535 is not an RTC privilege
	res, err := encode.BuildAccessToken2(encode.AccessToken2Options{Common: c, Expire: 600, Services: []token.Service{
		{Type: token.ServiceRTM, UserID: "b", Privileges: []token.Privilege{{ID: 1, Expire: 5}, {ID: 1, Expire: 6}}},
		{Type: token.ServiceRTC, Channel: "c", Privileges: []token.Privilege{{ID: 65535, Expire: 1}, {ID: 4, Expire: 2}, {ID: 1, Expire: 3}}},
		{Type: token.ServiceRTM, UserID: "a", Privileges: []token.Privilege{{ID: 1, Expire: 7}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Model.T007.Services
	if s[0].Type != token.ServiceRTC || s[1].UserID != "b" || s[2].UserID != "a" {
		t.Fatalf("order %+v", s)
	}
	if p := s[0].Privileges; p[0].ID != 1 || p[1].ID != 4 || p[2].ID != 65535 {
		t.Errorf("privileges %+v", p)
	}
	if p := s[1].Privileges; len(p) != 1 || p[0].Expire != 6 {
		t.Errorf("repeated privilege %+v", p)
	}
}
