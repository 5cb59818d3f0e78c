package server

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/encode"
)

// EncodeBuilder builds tokens with the reference builders of package encode,
// which verify every token before returning it. The kinds are those of the
// build command: rtc (006 or 007), rtm (006 or 007), chat, apaas,
// education and fpa (007).
type EncodeBuilder struct {
	// Rand draws salts; nil means crypto/rand.
	Rand io.Reader
}

// Build maps a request onto the builder of its kind.
func (b EncodeBuilder) Build(q *BuildRequest, now time.Time) (*Built, error) {
	c := encode.Common{AppID: q.AppID, Certificate: certText(q.Cert),
		IssueTs: q.IssueTs, Salt: q.Salt, Now: func() time.Time { return now }, Rand: b.Rand,
		AllowNonstandard: q.AllowNonstandard}
	version := q.Version
	if version == "" {
		version = "007"
	}
	// An expire given as 0 is passed on, for the builder to refuse (or, with
	// allow_nonstandard, build with a warning) as build --expire 0.
	expire := uint32(DefaultExpire)
	if q.Expire != nil {
		expire = *q.Expire
	}
	var privExpire uint32
	if q.PrivilegeExpire != nil {
		privExpire = *q.PrivilegeExpire
	}
	account := q.Account
	var (
		res *encode.Result
		err error
	)
	switch {
	case q.Kind == "rtc" && version == "006":
		role, rerr := roleNumber(q.Role, roles006)
		if rerr != nil {
			return nil, rerr
		}
		res, err = encode.BuildRTC006(encode.RTC006Options{Common: c, Channel: q.Channel, UID: q.UID.Value, Account: account,
			Role: encode.Role006(role), PrivilegeExpireTs: privExpire})
	case q.Kind == "rtc":
		role, rerr := roleNumber(q.Role, roles007)
		if rerr != nil {
			return nil, rerr
		}
		res, err = encode.BuildRTC(encode.RTCOptions{Common: c, Channel: q.Channel, UID: q.UID.Value, Account: account,
			Role: encode.RTCRole(role), TokenExpire: expire, PrivilegeExpire: privExpire})
	case q.Kind == "rtm" && version == "006":
		res, err = encode.BuildRTM006(encode.RTM006Options{Common: c, UserAccount: text(q.UserID), PrivilegeExpireTs: privExpire})
	case q.Kind == "rtm":
		res, err = encode.BuildRTM(encode.RTMOptions{Common: c, UserID: text(q.UserID), Expire: expire})
	case version != "007":
		return nil, fmt.Errorf("%w: %s tokens are built as 007 only", ErrUnknownKind, q.Kind)
	case q.Kind == "chat":
		// As the build command: a user token when "user_id" is given (even
		// as "", which the builder refuses by name), else the app token.
		o := encode.ChatOptions{Common: c, UserID: text(q.UserID), Expire: expire}
		if q.UserID == nil {
			res, err = encode.BuildChatApp(o)
		} else {
			res, err = encode.BuildChatUser(o)
		}
	case q.Kind == "apaas" || q.Kind == "education":
		res, err = buildAPaaS(q, c, expire)
	case q.Kind == "fpa":
		res, err = encode.BuildFPA(encode.FPAOptions{Common: c})
	default:
		return nil, fmt.Errorf("%w %q: want rtc, rtm, chat, apaas, education or fpa", ErrUnknownKind, q.Kind)
	}
	if err != nil {
		return nil, err
	}
	out := &Built{Token: res.Token}
	for _, w := range res.Warnings {
		out.Warnings = append(out.Warnings, BuildWarning(w))
	}
	return out, nil
}

func buildAPaaS(q *BuildRequest, c encode.Common, expire uint32) (*encode.Result, error) {
	// The token is chosen by the fields given, as the build command chooses
	// it by the flags given: an empty one is passed on for the builder to
	// refuse by name.
	o := encode.APaaSOptions{Common: c, RoomUUID: text(q.RoomUUID), UserUUID: text(q.UserUUID), Expire: expire}
	switch {
	case q.RoomUUID != nil:
		if q.UserUUID == nil || q.Role == "" {
			return nil, badRequest(`a room-user token needs "room_uuid", "user_uuid" and "role"`)
		}
		r, err := strconv.ParseInt(string(q.Role), 10, 16)
		if err != nil {
			return nil, badRequest(`field "role": want a number -32768..32767 (the application's room role)`)
		}
		o.Role = int16(r)
		return encode.BuildAPaaSRoomUser(o)
	case q.Role != "":
		return nil, badRequest(`field "role" is for room-user tokens (with "room_uuid")`)
	case q.UserUUID != nil:
		return encode.BuildAPaaSUser(o)
	}
	return encode.BuildAPaaSApp(o)
}

// text is the string s points at, or "" for nil.
func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

var (
	roles007 = map[string]uint16{"publisher": 1, "subscriber": 2}
	roles006 = map[string]uint16{"attendee": 0, "publisher": 1, "subscriber": 2, "admin": 101}
)

// roleNumber reads an RTC role by name or number; "" is publisher.
func roleNumber(r Role, names map[string]uint16) (uint16, error) {
	s := strings.ToLower(string(r))
	if s == "" {
		return 1, nil
	}
	if v, ok := names[s]; ok {
		return v, nil
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, badRequest(`field "role": want publisher or subscriber, or the role's number`)
	}
	return uint16(n), nil
}
