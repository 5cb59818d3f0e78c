package encode

import (
	"fmt"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Role006 is the role argument of the 006 RtcTokenBuilder.
type Role006 uint16

// 006 RTC roles and the privileges each grants (FORMATS §12.1, the behaviour
// of the Python, Go, C++, Node.js, Deno, PHP and C# references): Attendee,
// Publisher and Admin get join and the three publish privileges, Subscriber
// join only. Attendee and Admin are deprecated aliases of Publisher. Java and
// Ruby swap Attendee and Subscriber (§16 Q4); tokencheck follows the majority.
const (
	Role006Attendee   Role006 = 0
	Role006Publisher  Role006 = 1
	Role006Subscriber Role006 = 2
	Role006Admin      Role006 = 101
)

// RTC006Options are the inputs of BuildRTC006 (RtcTokenBuilder.buildTokenWithUid
// and buildTokenWithAccount).
type RTC006Options struct {
	Common
	Channel string
	// UID is the numeric user id; 0 means any user (written as "").
	UID uint32
	// Account, when not nil, is the user account used instead of UID (UID must
	// then be 0). An empty account is refused unless AllowNonstandard is set.
	Account *string
	// Role selects the privileges; its zero value is the deprecated Attendee,
	// which grants what Publisher grants.
	Role Role006
	// PrivilegeExpireTs is the absolute unix time at which the privileges end;
	// 0 lets the token lifetime govern.
	PrivilegeExpireTs uint32
	// Ts fixes the token's absolute expiry; nil means issue time + 86400, what
	// every reference writes.
	Ts *uint32
}

// RTM006Options are the inputs of BuildRTM006 (RtmTokenBuilder.buildToken).
type RTM006Options struct {
	Common
	// UserAccount is the RTM user (at most 64 bytes, with the characters of
	// an RTC account); 006 signs it in the channel position with an empty uid.
	UserAccount string
	// PrivilegeExpireTs is the absolute expiry of the login privilege (0 = the
	// token lifetime).
	PrivilegeExpireTs uint32
	// Ts fixes the token's absolute expiry; nil means issue time + 86400.
	Ts *uint32
}

// AccessToken006Options build a 006 token from explicit privileges (the
// reference AccessToken object used directly).
type AccessToken006Options struct {
	Common
	Channel string
	// UID is the uid text exactly as signed: "" for any user, "0" stays "0".
	UID string
	// Privileges are added in this order: a repeated id keeps its last value,
	// and the map is packed by id ascending. Values are absolute unix times.
	Privileges []token.Privilege
	// Ts fixes the token's absolute expiry; nil means issue time + 86400.
	Ts *uint32
}

// BuildRTC006 builds a 006 RTC token and verifies it before returning it.
func BuildRTC006(o RTC006Options) (*Result, error) {
	k := newChecker(&o.Common)
	k.channel("channel", o.Channel)
	uid := token.UIDText(o.UID)
	if o.Account != nil {
		if o.UID != 0 {
			k.hard("account", "either a uid or an account, not both", fmt.Sprintf("uid is %d", o.UID))
		}
		k.explicitAccount("account", *o.Account)
		uid = *o.Account
	}
	e := o.PrivilegeExpireTs
	var privs []token.Privilege
	switch o.Role {
	case Role006Attendee, Role006Publisher, Role006Admin:
		privs = []token.Privilege{
			{ID: token.Priv006JoinChannel, Expire: e}, {ID: token.Priv006PublishAudio, Expire: e},
			{ID: token.Priv006PublishVideo, Expire: e}, {ID: token.Priv006PublishData, Expire: e}}
	case Role006Subscriber:
		privs = []token.Privilege{{ID: token.Priv006JoinChannel, Expire: e}}
	default:
		k.hard("role", "attendee (0), publisher (1), subscriber (2) or admin (101)", fmt.Sprintf("is %d", o.Role))
	}
	return build006(&o.Common, k, o.Channel, uid, o.Ts, privs, []expiry{{"privilege_expired_ts", e}})
}

// BuildRTM006 builds a 006 RTM token: the account in the channel position, an
// empty uid and the single privilege 1000 (RTM login).
func BuildRTM006(o RTM006Options) (*Result, error) {
	k := newChecker(&o.Common)
	if o.UserAccount == "" {
		k.soft("empty_account", "user_account", ruleNonEmpty, "")
	} else {
		// The account is the RTM user id the client logs in with: RTM takes
		// at most 64 bytes, as for RtmTokenBuilder2.
		k.accountWithin("user_account", o.UserAccount, MaxRTMUserIDLength, "an RTM user id")
	}
	return build006(&o.Common, k, o.UserAccount, "", o.Ts,
		[]token.Privilege{{ID: token.Priv006RTMLogin, Expire: o.PrivilegeExpireTs}},
		[]expiry{{"privilege_expired_ts", o.PrivilegeExpireTs}})
}

// BuildAccessToken006 builds a 006 token from explicit privileges.
func BuildAccessToken006(o AccessToken006Options) (*Result, error) {
	k := newChecker(&o.Common)
	k.channel("channel", o.Channel)
	if o.UID != "" {
		k.account("uid", o.UID)
	}
	last := map[uint16]uint32{}
	for i, p := range o.Privileges {
		if token.Privilege006Name(p.ID) == "unknown" {
			k.soft("unknown_privilege", fmt.Sprintf("privileges[%d]", i), "a 006 privilege (1, 2, 3, 4, 101 or 1000)", fmt.Sprintf("id %d", p.ID))
		}
		last[p.ID] = p.Expire
	}
	privs := sortedPrivileges(last)
	checks := make([]expiry, len(privs))
	for i, p := range privs {
		checks[i] = expiry{fmt.Sprintf("privileges[id %d]", p.ID), p.Expire}
	}
	return build006(&o.Common, k, o.Channel, o.UID, o.Ts, privs, checks)
}

// build006 finishes a 006 build: fixes the issue time, ts and salt, checks the
// absolute expiries against the issue time, signs and verifies the result.
// checks are the privilege expiries to hold against the issue time.
func build006(c *Common, k *checker, channel, uid string, ts *uint32, privs []token.Privilege, checks []expiry) (*Result, error) {
	if k.err != nil {
		return nil, k.err
	}
	issue, err := c.issueTime()
	if err != nil {
		return nil, err
	}
	var end uint32
	if ts != nil {
		end = *ts
		k.absolute("ts", end, issue, false)
	} else {
		if uint64(issue)+Default006Lifetime > 0xFFFFFFFF {
			return nil, &token.InputError{Field: "ts", Rule: "issue time + 86400 must fit a u32", Detail: fmt.Sprintf("issue time is %d", issue)}
		}
		end = issue + Default006Lifetime
	}
	for _, x := range checks {
		k.absolute(x.field, x.v, issue, true)
	}
	if k.err != nil {
		return nil, k.err
	}
	salt, err := c.salt()
	if err != nil {
		return nil, err
	}
	t := &token.Token006{AppID: c.AppID, Salt: salt, Ts: end, Privileges: privs}
	s, err := Token006(t, c.Certificate, channel, uid)
	if err != nil {
		return nil, err
	}
	res := &Result{Token: s, Warnings: k.warns}
	if c.SkipSelfCheck {
		res.Model = &token.Token{Version: token.V006, T006: t}
		return res, nil
	}
	if res.Model, err = selfCheck006(s, t, c.Certificate, channel, uid); err != nil {
		return nil, err
	}
	return res, nil
}

// expiry is an absolute 006 expiry to check, with the input's name.
type expiry struct {
	field string
	v     uint32
}
