package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Builder builds a token from the inputs of POST /api/build. now is the issue
// time to use when the request fixes none. An error that wraps
// token.ErrInvalidInput (such as *token.InputError) or ErrUnknownKind is the
// caller's fault and its text is shown to the client; any other error is
// answered as an internal error without its text.
type Builder interface {
	Build(q *BuildRequest, now time.Time) (*Built, error)
}

// Built is a Builder's output.
type Built struct {
	Token string
	// Warnings are the SDK rules the inputs broke under allow_nonstandard.
	// The answer adds to them what the token meets when used now
	// (encode.UseWarnings), as the build command does.
	Warnings []BuildWarning
}

// BuildWarning is an SDK rule broken under allow_nonstandard, or a problem
// the token meets when used now (expired, not_yet_valid, lifetime_too_short,
// uid_negative, …): the audit finding code for the same problem in an
// existing token, the field, the rule and the offending value.
type BuildWarning struct {
	Code   string `json:"code"`
	Field  string `json:"field"`
	Rule   string `json:"rule"`
	Detail string `json:"detail,omitempty"`
}

// ErrUnknownKind is returned by a Builder for a kind or version it does not build.
var ErrUnknownKind = errors.New("unknown token kind")

// BuildRequest is the body of POST /api/build: the inputs of one reference
// builder. Fields a kind does not use must be left out.
type BuildRequest struct {
	// Kind is what to build: "rtc", "rtm", "chat", "apaas", "education" or "fpa".
	Kind string `json:"kind"`
	// Version is "007" (the default) or "006" (rtc and rtm only).
	Version string `json:"version,omitempty"`
	// AppID and Cert are the credentials (required). The App ID is used as
	// given: with whitespace around it, it is refused by name. The
	// certificate's surrounding whitespace is removed.
	AppID string `json:"app_id"`
	Cert  string `json:"cert"`
	// Channel, UID and Account are the RTC identity. An account given as ""
	// is refused, as the build command refuses --account "" (it would be the
	// uid-0 wildcard); nil is no account.
	Channel string  `json:"channel,omitempty"`
	UID     UID     `json:"uid"`
	Account *string `json:"account,omitempty"`
	// UserID is the RTM or Chat user (a chat token without one is an app token).
	UserID *string `json:"user_id,omitempty"`
	// Role is, for RTC, "publisher" (the default) or "subscriber" (006 also
	// "attendee" and "admin") or the role's number; for an APaaS/Education
	// room-user token, the application's room role, a number. A JSON number or
	// a non-empty string, used as given (as the build command's --role).
	Role Role `json:"role,omitempty"`
	// RoomUUID and UserUUID are the APaaS/Education identity: both give a
	// room-user token, UserUUID alone a user token, neither an app token.
	RoomUUID *string `json:"room_uuid,omitempty"`
	UserUUID *string `json:"user_uuid,omitempty"`
	// Expire is the 007 token lifetime in seconds; nil is DefaultExpire. 0 is
	// refused (unless AllowNonstandard), as the build command's --expire 0.
	Expire *uint32 `json:"expire,omitempty"`
	// PrivilegeExpire is, for 007 RTC, the privileges' lifetime in seconds
	// (0 or nil = the token's); for 006, the absolute unix time they end (0
	// or nil = the token's expiry).
	PrivilegeExpire *uint32 `json:"privilege_expire,omitempty"`
	// IssueTs and Salt fix what is otherwise the clock and random.
	IssueTs *uint32 `json:"issue_ts,omitempty"`
	Salt    *uint32 `json:"salt,omitempty"`
	// AllowNonstandard builds from inputs the SDK refuses, reporting each
	// broken rule as a warning (to reproduce an existing token).
	AllowNonstandard bool `json:"allow_nonstandard,omitempty"`

	// fields are the members of the request body, as written.
	fields map[string]json.RawMessage
}

func (q *BuildRequest) setFields(f map[string]json.RawMessage) { q.fields = f }

// has reports whether the body gave the field a value other than null:
// "channel": "" is given, as build --channel "" is.
func (q *BuildRequest) has(name string) bool {
	raw, ok := q.fields[name]
	return ok && string(raw) != "null"
}

// DefaultExpire is the 007 lifetime used when a build request gives none,
// as the build command's default.
const DefaultExpire = 3600

// Role is a role given as a JSON string or number.
type Role string

// UnmarshalJSON accepts a non-empty string or an integer. The string is kept
// as given: the build command refuses --role "" and " publisher" too.
func (r *Role) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		// As for the other fields: null is not given.
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		if s == "" {
			return &fieldError{"role", "want a role name or a number, not an empty string (leave \"role\" out for the default)"}
		}
		*r = Role(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return &fieldError{"role", "want a role name or a number"}
	}
	if _, err := n.Int64(); err != nil {
		return &fieldError{"role", "want a role name or an integer"}
	}
	*r = Role(n.String())
	return nil
}

// BuildResponse is the answer of POST /api/build: the token and the verify
// object of the token checked against the certificate and identity it was
// built for.
type BuildResponse struct {
	Token    string             `json:"token"`
	Warnings []BuildWarning     `json:"warnings"`
	Verify   *report.VerifyView `json:"verify"`
}

// BuildKinds are the values of BuildRequest.Kind, in the order messages list them.
var BuildKinds = []string{"rtc", "rtm", "chat", "apaas", "education", "fpa"}

// check rejects a request missing what every kind needs. The kind and the
// version come first: the other fields mean nothing without them.
func (q *BuildRequest) check() error {
	switch {
	case q.Kind == "":
		return badRequest(`field "kind" is required: one of rtc, rtm, chat, apaas, education, fpa`)
	case !slices.Contains(BuildKinds, q.Kind):
		return badRequest("unknown kind %.40q: want rtc, rtm, chat, apaas, education or fpa", q.Kind)
	case q.Version != "" && q.Version != "007" && q.Version != "006":
		return badRequest(`field "version": want "007" or "006"`)
	case q.Version == "006" && q.Kind != "rtc" && q.Kind != "rtm":
		return badRequest(`field "version": %s tokens are built as 007 only (006 is for rtc and rtm)`, q.Kind)
	case q.AppID == "" && !q.has("app_id"):
		// "app_id": "" is refused by the builder, as build --app-id "" is.
		return badRequest(`field "app_id" is required`)
	case certText(q.Cert) == "":
		return badRequest(`field "cert" is required: a token is signed with the App Certificate`)
	}
	q.Cert = certText(q.Cert)
	if err := q.unused(); err != nil {
		return err
	}
	if err := q.uidDigits(); err != nil {
		return err
	}
	if q.UID.Set && q.Account != nil {
		return badRequest(`give "uid" or "account", not both`)
	}
	// Refused by name, as the build command refuses it: trimming it would
	// build a token for an App ID other than the one given.
	if err := encode.AppIDSpace(q.AppID); err != nil {
		return badRequest("%v", err)
	}
	return nil
}

// buildFields are the fields of a BuildRequest each kind reads besides the
// credentials, salt, issue_ts and allow_nonstandard, by kind and version
// ("" for both). A field given for a kind that does not read it is refused,
// as the build command refuses a flag its builder does not read.
var buildFields = map[string]map[string]string{
	"rtc":       {"channel": "", "uid": "", "account": "", "role": "", "expire": "007", "privilege_expire": ""},
	"rtm":       {"user_id": "", "expire": "007", "privilege_expire": "006"},
	"chat":      {"user_id": "", "expire": ""},
	"apaas":     {"room_uuid": "", "user_uuid": "", "role": "", "expire": ""},
	"education": {"room_uuid": "", "user_uuid": "", "role": "", "expire": ""},
	"fpa":       {},
}

// unused refuses a field the request's kind and version do not read,
// instead of building without it.
func (q *BuildRequest) unused() error {
	version := q.Version
	if version == "" {
		version = "007"
	}
	given := []struct {
		name string
		set  bool
	}{
		{"channel", q.Channel != "" || q.has("channel")}, {"uid", q.UID.Set || q.has("uid")}, {"account", q.Account != nil}, {"user_id", q.UserID != nil},
		{"role", q.Role != ""}, {"room_uuid", q.RoomUUID != nil}, {"user_uuid", q.UserUUID != nil},
		{"expire", q.Expire != nil}, {"privilege_expire", q.PrivilegeExpire != nil},
	}
	fields := buildFields[q.Kind]
	for _, g := range given {
		if !g.set {
			continue
		}
		v, ok := fields[g.name]
		switch {
		case !ok:
			return badRequest(`field %q is not used by %s tokens`, g.name, q.Kind)
		case v != "" && v != version:
			return badRequest(`field %q is for version %s only`, g.name, v)
		}
	}
	return nil
}

// uidDigits refuses a uid given as a string that is not decimal digits
// alone, as build --uid refuses it: UID reads " 42 " as 42 and "" as no uid,
// as the audit's log records need, but a build request is read as the
// command line is.
func (q *BuildRequest) uidDigits() error {
	raw := q.fields["uid"]
	if len(raw) == 0 || raw[0] != '"' {
		return nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil && s != "" && strings.Trim(s, "0123456789") == "" {
		return nil
	}
	return badRequest(`field "uid": %.40q is not a decimal number: want a number 0..4294967295, or its digits alone as a string (give a user account as "account")`, s)
}

// expectations says what the built token must verify against.
func (q *BuildRequest) expectations(now time.Time) *verify.Expectations {
	// The token is judged at now, the clock, as the build command judges it:
	// a fixed issue_ts far from it gives an expired or not_yet_valid token,
	// which the answer must show, not hide by judging at the issue time.
	exp := &verify.Expectations{Certificates: []verify.Certificate{{Label: "primary", Value: certText(q.Cert)}},
		AppID: q.AppID, Now: now}
	if q.Kind == "rtc" {
		// An RTC token is bound to its channel, even an empty one (006 signs it).
		ch := q.Channel
		exp.Channel = &ch
	}
	switch {
	case q.UID.Set:
		t := token.UIDText(q.UID.Value)
		exp.UID, exp.UIDNumeric = &t, true
	case q.Account != nil:
		a := *q.Account
		exp.Account = &a
	case q.Kind == "rtm" && q.UserID != nil:
		u := *q.UserID
		exp.Account, exp.For = &u, "rtm"
	}
	return exp
}

// builtAccount is the user account of an RTC token built for one, which
// encode.UseWarnings needs for a 006 token (it holds the account as a CRC).
func (q *BuildRequest) builtAccount() *string {
	if q.Kind != "rtc" || q.Account == nil {
		return nil
	}
	a := *q.Account
	return &a
}

func toEncode(ws []BuildWarning) []encode.Warning {
	out := make([]encode.Warning, len(ws))
	for i, w := range ws {
		out[i] = encode.Warning(w)
	}
	return out
}

// build serves POST /api/build.
func (s *srv) build(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Builder == nil {
		writeError(w, http.StatusNotImplemented, "building tokens is not available in this server")
		return
	}
	var q BuildRequest
	if err := readJSON(w, r, s.cfg.MaxBodyBytes, &q); err != nil {
		fail(w, err)
		return
	}
	if err := q.check(); err != nil {
		fail(w, err)
		return
	}
	now := s.cfg.Now()
	built, err := s.cfg.Builder.Build(&q, now)
	if err == nil && built == nil {
		err = errors.New("builder returned nothing")
	}
	if err != nil {
		if errors.Is(err, token.ErrInvalidInput) || errors.Is(err, ErrUnknownKind) {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		fail(w, err)
		return
	}
	exp := q.expectations(now)
	rep := verify.Inspect(built.Token, exp)
	if rep.Signature != verify.SigValid {
		// A builder's output that does not verify is a bug, not the client's fault.
		fail(w, errors.New("built token does not verify"))
		return
	}
	v := report.Verify(rep)
	n := exp.Now.Unix()
	v.Now = &n
	ws := append([]BuildWarning{}, built.Warnings...)
	for _, w := range encode.UseWarnings(built.Token, now, q.builtAccount(), toEncode(built.Warnings)) {
		ws = append(ws, BuildWarning(w))
	}
	writeJSON(w, http.StatusOK, BuildResponse{Token: built.Token, Warnings: ws, Verify: v})
}
