package verify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Time limits the rules judge by.
const (
	// MaxLifetime is the longest lifetime the service grants (24 hours): a
	// 007 expire or privilege above it, or a 006 privilege more than 24 h after
	// build time, is cut to it.
	MaxLifetime = 86400
	// RenewalWarning is how long before expiry the SDK warns
	// (onTokenPrivilegeWillExpire).
	RenewalWarning = 30
	// MinUsefulLifetime is the shortest lifetime for which the renewal warning
	// leaves the app time to fetch a new token after joining.
	MinUsefulLifetime = 2 * RenewalWarning
	// plausibleAbsolute (2001-09-09) is the earliest absolute time a real
	// token carries; smaller values in an absolute field are relative seconds.
	plausibleAbsolute = 1_000_000_000
	// sumOfTimestamps (2050-01-01): values beyond come from adding two
	// absolute timestamps.
	sumOfTimestamps = 2_524_608_000
	// maxEnum: values up to this in an expiry field are enum values (a role).
	maxEnum = 9
)

// Kinds of expiry value, as classified by classifyRelative and classifyAbsolute.
const (
	valPlausible = iota
	valZero
	valEnum
	valAbsolute // absolute where relative belongs
	valRelative // relative where absolute belongs
	valMillis
	valSum
)

// classifyRelative classifies a 007 value that should be seconds after issue.
func classifyRelative(v uint32) int {
	switch {
	case v == 0:
		return valZero
	case v <= maxEnum:
		return valEnum
	case v >= sumOfTimestamps:
		return valSum
	case v >= plausibleAbsolute:
		return valAbsolute
	case v > MaxLifetime && v%1000 == 0 && v/1000 <= MaxLifetime:
		return valMillis
	}
	return valPlausible
}

// ExpiryImplausible reports whether an expiry value betrays a unit mix-up
// (an enum value, milliseconds, a sum of timestamps, an absolute time where
// seconds belong or the reverse), as the expiry_implausible rule judges it.
// absolute says the field holds a unix time (006) rather than seconds after
// issue (007). 0 is not implausible: it has a meaning of its own.
func ExpiryImplausible(v uint32, absolute bool) bool {
	k := classifyRelative(v)
	if absolute {
		k = classifyAbsolute(v)
	}
	return k != valPlausible && k != valZero
}

// classifyAbsolute classifies a 006 value that should be a unix time.
func classifyAbsolute(v uint32) int {
	switch {
	case v == 0:
		return valZero
	case v <= maxEnum:
		return valEnum
	case v >= sumOfTimestamps:
		return valSum
	case v < plausibleAbsolute && v%1000 == 0 && v >= 60_000 && v/1000 <= 30*MaxLifetime:
		return valMillis
	case v < plausibleAbsolute:
		return valRelative
	}
	return valPlausible
}

// wrappedMillis reports whether v is the low 32 bits of a unix time in
// milliseconds within 30 days of issue (a millisecond timestamp stored in a
// uint32 field by a builder that truncates, such as Go's uint32() or Java's
// (int) cast), and returns that millisecond timestamp.
func wrappedMillis(v uint32, issue int64) (int64, bool) {
	if issue <= 0 {
		return 0, false
	}
	const window = 30 * MaxLifetime
	lo, hi := (issue-window)*1000, (issue+window)*1000
	for k := lo >> 32; k <= hi>>32; k++ {
		ms := k<<32 | int64(v)
		if ms >= lo && ms <= hi && ms%1000 == 0 {
			return ms, true
		}
	}
	return 0, false
}

// implausible explains a value of kind k found in field (what), for the
// finding's message. issue is the reference instant (007 issue time, 006
// build time; 0 when unknown).
func implausible(k int, what string, v uint32, issue int64, relative bool) string {
	if k != valPlausible && k != valZero && k != valEnum {
		if ms, ok := wrappedMillis(v, issue); ok {
			s := fmt.Sprintf("%s is %d, the low 32 bits of the millisecond timestamp %d (%s): a time in milliseconds, cut to 32 bits, where ", what, v, ms, utc(ms/1000))
			if relative {
				return s + fmt.Sprintf("seconds after issue belong; %d s (%s) was probably meant", ms/1000-issue, Ago(ms/1000-issue))
			}
			return s + "a unix time in seconds belongs"
		}
	}
	switch k {
	case valEnum:
		return fmt.Sprintf("%s is %d, an enum value (a role such as 1 publisher or 2 subscriber) passed where the expiry belongs", what, v)
	case valSum:
		if v >= 0xFFFF0000 {
			// Too close to 2^32 to be a sum of real timestamps: a small
			// negative number written as unsigned.
			return fmt.Sprintf("%s is %d (0x%X), %d as a signed 32-bit number: a negative value (-1 is often meant as \"never expires\") written as unsigned; the token formats have no \"never\"", what, v, v, int32(v))
		}
		s := fmt.Sprintf("%s is %d, which as a date is %s: the sum of two timestamps", what, v, utc(int64(v)))
		if issue > 0 && int64(v) > issue {
			s += fmt.Sprintf(" (%d − %d = %d)", v, issue, int64(v)-issue)
		}
		return s
	case valAbsolute:
		s := fmt.Sprintf("%s is %d, an absolute timestamp (%s) where seconds after issue belong: as written it lasts %s", what, v, utc(int64(v)), Ago(int64(v)))
		if issue > 0 && int64(v) > issue && int64(v)-issue <= 30*MaxLifetime {
			s += fmt.Sprintf("; %d s (%s) was probably meant", int64(v)-issue, Ago(int64(v)-issue))
		}
		return s
	case valRelative:
		return fmt.Sprintf("%s is %d, relative seconds (%s) where an absolute unix time belongs: as written it ended at %s", what, v, Ago(int64(v)), utc(int64(v)))
	case valMillis:
		if relative {
			return fmt.Sprintf("%s is %d, milliseconds where seconds belong: %d s (%s) was probably meant, unless %s (over 24 hours, see expiry_over_24h) was", what, v, v/1000, Ago(int64(v/1000)), Ago(int64(v)))
		}
		if v <= 30*MaxLifetime {
			// As seconds it is a lifetime of days, as milliseconds one of
			// minutes: either way a duration, and which unit was meant
			// cannot be told.
			return fmt.Sprintf("%s is %d, a duration (%d s = %s, or %d ms = %s) where an absolute unix time in seconds belongs: as written it ended at %s", what, v, v, Ago(int64(v)), v, Ago(int64(v/1000)), utc(int64(v)))
		}
		return fmt.Sprintf("%s is %d, relative milliseconds where an absolute unix time in seconds belongs: as written it ended at %s", what, v, utc(int64(v)))
	}
	return ""
}

func ruleTimes(r *Report, exp *Expectations) {
	switch {
	case r.Token == nil:
	case r.Token.T007 != nil:
		times007(r, exp, r.Token.T007)
	case r.Token.T006 != nil:
		times006(r, exp, r.Token.T006)
	}
}

func times007(r *Report, exp *Expectations, t *token.Token007) {
	issue := int64(t.IssueTs)
	k := classifyRelative(t.Expire)
	switch k {
	case valZero:
		r.Add(Finding{Code: CodeExpireZero, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: "expire",
			Message: fmt.Sprintf("expire is 0: a 007 token expires at issue_ts + expire, so this one expired the moment it was issued (%s)", utc(issue)),
			Hint:    "pass the token lifetime in seconds (e.g. 3600); 0 means \"no separate limit\" only for privileges"})
	case valPlausible:
		if t.Expire > MaxLifetime {
			r.Add(over24h007(t))
		} else if t.Expire <= MinUsefulLifetime {
			r.Add(shortLifetime("expire", "the token", int64(t.Expire)))
		}
	default:
		r.Add(Finding{Code: CodeExpiryImplausible, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: "expire",
			Message: implausible(k, "expire", t.Expire, issue, true),
			Hint:    "007 expire is a lifetime in seconds relative to issue_ts (e.g. 3600), not a unix time or milliseconds"})
		if t.Expire > MaxLifetime {
			// Read as seconds, as the service reads it, it is over 24 h.
			r.Add(over24h007(t))
		}
	}
	var zero []string
	for i, s := range t.Services {
		for _, p := range s.Privileges {
			// Names are built only for a finding: most privileges have none.
			name := func() string { return token.ServiceName(s.Type) + "." + token.PrivilegeName(s.Type, p.ID) }
			field := func() string {
				return "services[" + strconv.Itoa(i) + "].privileges." + token.PrivilegeName(s.Type, p.ID)
			}
			k := classifyRelative(p.Expire)
			switch k {
			case valZero:
				zero = append(zero, name())
			case valPlausible:
				switch {
				case p.Expire > MaxLifetime:
					r.Add(privilegeOver24h007(t, field(), name(), p))
				case p.Expire <= MinUsefulLifetime:
					r.Add(shortLifetime(field(), "privilege "+name(), int64(p.Expire)))
				}
				if t.Expire != 0 && p.Expire > t.Expire && classifyRelative(t.Expire) == valPlausible {
					r.Add(Finding{Code: CodePrivilegeOutlivesToken, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: field(),
						Message: fmt.Sprintf("privilege %s lasts %d s but the token only %d s: the token's expiry (%s) ends the privilege too", name(), p.Expire, t.Expire, utc(int64(t.ExpireAt()))),
						Hint:    "renew by the token's expiry, not the privilege's; give privileges at most the token's lifetime"})
				}
			default:
				r.Add(Finding{Code: CodeExpiryImplausible, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: field(),
					Message: implausible(k, "privilege "+name(), p.Expire, issue, true),
					Hint:    "007 privilege values are seconds relative to issue_ts (e.g. 3600), or 0 for no separate limit"})
				if p.Expire > MaxLifetime {
					r.Add(privilegeOver24h007(t, field(), name(), p))
				}
			}
		}
	}
	if len(zero) > 0 {
		r.Add(Finding{Code: CodeExpireZero, Severity: SevInfo, Field: "privileges",
			Message: fmt.Sprintf("privilege %s is 0: in 007 that means no separate limit, so the token's expire (%d s, until %s) governs; the reference parse.py shows such a privilege as expired at issue time",
				strings.Join(zero, ", "), t.Expire, utc(int64(t.ExpireAt()))),
			Hint: "nothing to fix: this is how the reference builders write a privilege without its own limit; give it a lifetime in seconds to limit it separately"})
	}
	if !exp.Now.IsZero() {
		clockOffset(r, exp, issue, int64(t.Expire), "issue_ts", "issued")
	}
}

// over24h007 is the expiry_over_24h finding of a 007 token's expire.
func over24h007(t *token.Token007) Finding {
	issue := int64(t.IssueTs)
	return Finding{Code: CodeExpiryOver24h, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: "expire",
		Message: fmt.Sprintf("expire is %d s (%s), over 24 hours: the server ends the token 24 h after issue, at %s, not at %s",
			t.Expire, Ago(int64(t.Expire)), utc(issue+MaxLifetime), utc(int64(t.ExpireAt()))),
		Hint: "give tokens at most 86400 s and renew them when the SDK warns that they will expire"}
}

// privilegeOver24h007 is the expiry_over_24h finding of a 007 privilege
// (field and name name it).
func privilegeOver24h007(t *token.Token007, field, name string, p token.Privilege) Finding {
	return Finding{Code: CodeExpiryOver24h, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: field,
		Message: fmt.Sprintf("privilege %s lasts %d s (%s), over 24 hours: the server ends it 24 h after issue, at %s", name, p.Expire, Ago(int64(p.Expire)), utc(int64(t.IssueTs)+MaxLifetime)),
		Hint:    "give privileges at most 86400 s"}
}

func shortLifetime(field, what string, sec int64) Finding {
	return Finding{Code: CodeLifetimeTooShort, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: field,
		Message: fmt.Sprintf("%s lasts only %d s: the SDK warns %d s before expiry, which leaves no time to fetch and renew a token after joining", what, sec, RenewalWarning),
		Hint:    "give tokens a lifetime of minutes to hours (e.g. 3600 s) and renew on onTokenPrivilegeWillExpire"}
}

func times006(r *Report, exp *Expectations, t *token.Token006) {
	if t.Message == nil {
		return
	}
	ts := int64(t.Ts)
	build := ts - MaxLifetime
	buildKnown := classifyAbsolute(t.Ts) == valPlausible
	if k := classifyAbsolute(t.Ts); k != valPlausible && k != valZero {
		r.Add(Finding{Code: CodeExpiryImplausible, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: "ts",
			Message: implausible(k, "ts", t.Ts, 0, false) + "; builders write build time + 24 h",
			Hint:    "build 006 tokens with a reference builder, which sets ts to the current unix time + 86400"})
	}
	// A build time ts − 24 h after now cannot be: ts was not written as
	// the reference builders write it (build + 24 h), or the token server's
	// clock is ahead. The build time is then not known.
	ahead := false
	if buildKnown && !exp.Now.IsZero() && build > exp.Now.Unix()+int64(exp.Leeway/time.Second) {
		ahead = true
	}
	var zero []string
	for _, p := range t.Privileges {
		name := token.Privilege006Name(p.ID)
		field := "privileges." + name
		k := classifyAbsolute(p.Expire)
		switch {
		case k == valZero:
			zero = append(zero, name)
		case k != valPlausible:
			r.Add(Finding{Code: CodeExpiryImplausible, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: field,
				Message: implausible(k, "privilege "+name, p.Expire, build, false),
				Hint:    "006 privilege values are absolute unix times: pass now + lifetime (e.g. time.Now().Unix() + 3600)"})
		case !buildKnown:
		case int64(p.Expire) < build && !ahead:
			r.Add(Finding{Code: CodeExpiryBeforeIssue, Severity: SevError, SDKError: SDK(SDKTokenExpired), Field: field,
				Message: fmt.Sprintf("privilege %s ended at %s, %s before the token was built (about %s, ts − 24 h): a stale expiry computed once and reused",
					name, utc(int64(p.Expire)), Ago(build-int64(p.Expire)), utc(build)),
				Hint: "compute the privilege expiry (now + lifetime) each time a token is built"})
		case int64(p.Expire) > ts:
			msg := fmt.Sprintf("privilege %s ends at %s, %s after the token's ts (%s), which ends it first", name, utc(int64(p.Expire)), Ago(int64(p.Expire)-ts), utc(ts))
			if !ahead {
				msg += fmt.Sprintf(": with ts written as the reference builders write it (build time + 24 h) the privilege asks for %s from the token's build, over 24 hours", Ago(int64(p.Expire)-build))
			}
			r.Add(Finding{Code: CodeExpiryOver24h, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: field,
				Message: msg,
				Hint:    "give privileges at most 24 h (now + 86400) and renew the token before then"})
		case int64(p.Expire)-build <= MinUsefulLifetime && !ahead:
			r.Add(shortLifetime(field, "privilege "+name, int64(p.Expire)-build))
		}
	}
	if len(zero) > 0 {
		r.Add(Finding{Code: CodeExpireZero, Severity: SevInfo, Field: "privileges",
			Message: fmt.Sprintf("privilege %s is 0: in 006 that means no limit of its own; the service still ends the token 24 h after it was built, at ts %s",
				strings.Join(zero, ", "), utc(ts)),
			Hint: "nothing to fix: give the privilege an absolute unix time (build time + lifetime) to limit it separately"})
	}
	if buildKnown && !exp.Now.IsZero() {
		clockOffset(r, exp, build, MaxLifetime, "ts", "built (ts − 24 h)")
	}
	if ahead && !r.Has(CodeClockOffsetHours) {
		now := exp.Now.Unix()
		r.Add(Finding{Code: CodeExpiryOver24h, Severity: SevWarning, SDKError: SDK(SDKTokenExpired), Field: "ts",
			Message: fmt.Sprintf("ts is %s, %d s (%s) from now (%s): more than 24 h ahead, so the token was built with a lifetime over 24 h (the reference builders write build time + 24 h) or by a server whose clock is ahead; the service ends a 006 token at most 24 h after it was built",
				utc(ts), ts-now, Ago(ts-now), utc(now)),
			Hint: "build 006 tokens with a reference builder (ts = now + 86400) and keep the token server's clock synchronised (NTP)"})
	}
}

// clockOffset reports an issue (006: build) time off from now by a whole
// number of hours (1 to 14): a local time written as UTC. In the future it
// is a warning; in the past only when it explains an expired token (info).
// zoneOffsets are the UTC offsets in use, in minutes: every whole hour
// from 1 to 14, and the zones a half or three quarters of an hour off
// (+3:30 Iran, +4:30 Afghanistan, +5:30 India, +5:45 Nepal, +6:30 Myanmar,
// +8:45 Eucla, +9:30 and +10:30 Australia, +12:45 and +13:45 Chatham;
// −2:30 and −3:30 Newfoundland, −9:30 Marquesas). east lists those ahead
// of UTC, west those behind.
var (
	eastZones = []int64{210, 270, 330, 345, 390, 525, 570, 630, 765, 825}
	westZones = []int64{150, 210, 570}
)

// zoneOffset returns the zone offset in minutes nearest to ad seconds and
// the distance to it in seconds; ok is false when none is within an hour.
func zoneOffset(ad int64, east bool) (mins, off int64, ok bool) {
	best, bestOff := int64(0), int64(1<<62)
	try := func(m int64) {
		o := ad - m*60
		if o < 0 {
			o = -o
		}
		if o < bestOff {
			best, bestOff = m, o
		}
	}
	for h := int64(1); h <= 14; h++ {
		try(h * 60)
	}
	zones := westZones
	if east {
		zones = eastZones
	}
	for _, m := range zones {
		try(m)
	}
	return best, bestOff, bestOff < 3600
}

// zoneName renders a zone offset of mins minutes: "UTC+8", "UTC+5:30", "UTC−3:30".
func zoneName(mins int64, east bool) string {
	sign := "+"
	if !east {
		sign = "−"
	}
	if mins%60 == 0 {
		return fmt.Sprintf("UTC%s%d", sign, mins/60)
	}
	return fmt.Sprintf("UTC%s%d:%02d", sign, mins/60, mins%60)
}

// offsetPhrase says what kind of offset mins is.
func offsetPhrase(mins int64) string {
	if mins%60 == 0 {
		return "a whole number of hours"
	}
	return "a zone's offset from UTC"
}

func clockOffset(r *Report, exp *Expectations, issued, lifetime int64, field, verb string) {
	now := exp.Now.Unix()
	d := issued - now
	ad := d
	if ad < 0 {
		ad = -ad
	}
	if ad < 1800 {
		return
	}
	mins, off, ok := zoneOffset(ad, d > 0)
	if !ok {
		return
	}
	if d > 0 {
		if off > 300 || d <= int64(exp.Leeway/time.Second) {
			return
		}
		r.Add(Finding{Code: CodeClockOffsetHours, Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: field,
			Message: fmt.Sprintf("the token was %s at %s, %s ahead of now (%s): %s, the local time of a %s zone written as UTC",
				verb, utc(issued), Ago(d), utc(now), offsetPhrase(mins), zoneName(mins, true)),
			Hint: "take the token server's time from a UTC clock (Unix time), not from local wall-clock time"})
		return
	}
	if off > 30 || lifetime >= ad {
		return
	}
	r.Add(Finding{Code: CodeClockOffsetHours, Severity: SevInfo, SDKError: SDK(SDKTokenExpired), Field: field,
		Message: fmt.Sprintf("the token was %s at %s, %s before now (%s), and lasts %d s: if it was just built, the server wrote the local time of a %s zone as UTC",
			verb, utc(issued), Ago(-d), utc(now), lifetime, zoneName(mins, false)),
		Hint: "take the token server's time from a UTC clock (Unix time), not from local wall-clock time"})
}
