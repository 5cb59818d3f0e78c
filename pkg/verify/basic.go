package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// AppID returns the app ID a decoded token carries.
func AppID(t *token.Token) string {
	switch {
	case t == nil:
		return ""
	case t.T007 != nil:
		return t.T007.AppID
	case t.T006 != nil:
		return t.T006.AppID
	case t.Legacy != nil:
		return t.Legacy.AppID
	}
	return ""
}

// checkAppID compares the token's app ID with the expected one. An expected
// app ID that is in fact one of the certificates given is not echoed.
func checkAppID(r *Report, exp *Expectations) {
	if exp.AppID == "" {
		return
	}
	got := AppID(r.Token)
	same := func(a, b string) bool { return a == b }
	if l := r.Token.Legacy; l != nil && l.Format == token.V005 {
		// DK5 carries and signs the 16 bytes the hex text stands for: its
		// letter case is not part of the key (FORMATS §1.2).
		same = strings.EqualFold
	}
	if same(got, exp.AppID) {
		return
	}
	if t := strings.TrimFunc(exp.AppID, isSpace); same(t, got) && AppIDProblem(got) == "" {
		// The same app ID with whitespace around it: bad_app_id_format (ruleApp)
		// names the whitespace; the token is for this project.
		return
	}
	msg := fmt.Sprintf("the token is for app ID %s, not %s", got, exp.AppID)
	if strings.EqualFold(got, exp.AppID) {
		msg += " (they differ only in letter case, which the signature covers)"
	}
	for _, c := range certificatesFor(exp, got) {
		if strings.EqualFold(c.Value, exp.AppID) {
			msg = fmt.Sprintf("the token is for app ID %s; the expected app ID given is the App Certificate (%s), not an app ID", got, c.Label)
		}
	}
	r.Add(Finding{Code: CodeAppIDMismatch, Severity: SevError, SDKError: SDK(SDKInvalidAppID), Field: "app_id",
		Message: msg, Hint: "initialise the SDK with the app ID the token was built for, or build the token with this app's ID"})
}

func checkIdentity(r *Report, exp *Expectations) {
	tok := r.Token
	checkAppID(r, exp)
	if tok.T007 == nil {
		return
	}
	// 007 carries channel and uid/account: compare by value.
	var rtc []*token.Service
	for i := range tok.T007.Services {
		if tok.T007.Services[i].Type == token.ServiceRTC {
			rtc = append(rtc, &tok.T007.Services[i])
		}
	}
	if exp.Channel != nil && len(rtc) > 0 {
		found := false
		for _, s := range rtc {
			if s.Channel == *exp.Channel {
				found = true
			}
		}
		if !found {
			msg := fmt.Sprintf("the token is for channel %q, not %q", rtc[0].Channel, *exp.Channel)
			switch want := *exp.Channel; {
			case strings.EqualFold(rtc[0].Channel, want):
				msg += " (channel names are case-sensitive)"
			case strings.TrimFunc(rtc[0].Channel, isSpace) == strings.TrimFunc(want, isSpace):
				msg += " (they differ only in whitespace at the start or end, which is part of the name)"
			}
			r.Add(Finding{Code: CodeChannelMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "services.channel",
				Message: msg, Hint: "join the channel the token was built for, or build a token for this channel"})
		}
	}
	// Checked for RTM login or Chat, the uid or account is the user id of
	// those services (identity007), not the RTC record's.
	want, given := "", false
	switch {
	case exp.For == "rtm" || exp.For == "chat":
	case exp.UID != nil:
		want, given = *exp.UID, true
	case exp.Account != nil:
		want, given = *exp.Account, true
	}
	if given && len(rtc) > 0 {
		// A client joins one channel: with several RTC services, the uid
		// must be that of a service for the channel given (when one is).
		cands, where := rtc, ""
		if exp.Channel != nil {
			var same []*token.Service
			for _, s := range rtc {
				if s.Channel == *exp.Channel {
					same = append(same, s)
				}
			}
			if len(same) > 0 {
				cands = same
				if len(same) < len(rtc) {
					where = fmt.Sprintf("'s RTC service for channel %q", *exp.Channel)
				}
			}
		}
		found := false
		for _, s := range cands {
			if s.Account == want || s.Account == "" {
				found = true
			}
		}
		if !found {
			r.Add(Finding{Code: CodeUIDMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "services.uid",
				Message: fmt.Sprintf("the token%s is for uid/account %q, not %q", where, cands[0].Account, want) + uidRelation(cands[0].Account, want, exp.UIDNumeric),
				Hint:    "join with the uid or account the token was built for"})
		}
	}
}

func checkTimes(r *Report, exp *Expectations) {
	if exp.Now.IsZero() {
		return
	}
	now := exp.Now.Unix()
	leeway := int64(exp.Leeway / time.Second)
	switch {
	case r.Token.T007 != nil:
		t := r.Token.T007
		end := int64(t.ExpireAt())
		if t.Expire > MaxLifetime {
			// The server ends a token 24 h after issue whatever its expire
			// says (the expiry_over_24h rule): judge it by that end.
			end = int64(t.IssueTs) + MaxLifetime
		}
		if now > end+leeway {
			msg := fmt.Sprintf("the token expired at %s, %s ago (issued %s, lifetime %ds)", utc(end), Ago(now-end), utc(int64(t.IssueTs)), t.Expire)
			if t.Expire > MaxLifetime {
				msg = fmt.Sprintf("the token expired at %s, %s ago: it was issued %s with expire %d s (%s), but the server ends a token 24 h after issue, whatever its expire says",
					utc(end), Ago(now-end), utc(int64(t.IssueTs)), t.Expire, Ago(int64(t.Expire)))
			}
			r.Add(Finding{Code: CodeExpired, Severity: SevError, SDKError: SDK(SDKTokenExpired), Field: "expire",
				Message: msg,
				Hint:    "request a fresh token; renew it when the SDK reports that it will expire"})
		}
		if int64(t.IssueTs) > now+leeway {
			r.Add(Finding{Code: CodeNotYetValid, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "issue_ts",
				Message: fmt.Sprintf("the token was issued at %s, %s in the future", utc(int64(t.IssueTs)), Ago(int64(t.IssueTs)-now)),
				Hint:    "the token server's clock is ahead: synchronise it (NTP)"})
		}
		// A privilege of a record the checked use does not need is a
		// warning: the join or login checked still succeeds.
		need := neededService(exp)
		var sel rtcSelection
		if need == "rtc" {
			sel = selectRTC(t, exp)
		}
		for i := range t.Services {
			s := &t.Services[i]
			for _, p := range s.Privileges {
				if p.Expire == 0 {
					continue
				}
				pend := int64(t.IssueTs) + int64(p.Expire)
				if now > pend+leeway && now <= end+leeway {
					f := Finding{Code: CodePrivilegeExpired, Severity: SevError, SDKError: SDK(SDKTokenExpired),
						Field:   fmt.Sprintf("services[%d].privileges.%s", i, token.PrivilegeName(s.Type, p.ID)),
						Message: fmt.Sprintf("privilege %s of %s expired at %s, %s ago, before the token itself", token.PrivilegeName(s.Type, p.ID), token.ServiceName(s.Type), utc(pend), Ago(now-pend)),
						Hint:    "request a fresh token; give privileges the same lifetime as the token unless they must end sooner"}
					if !usedFor007(need, sel, s) {
						f.Severity = SevWarning
						f.Message += "; " + useName(need, exp) + " does not use this record"
					}
					r.Add(f)
				}
			}
		}
	case r.Token.T006 != nil:
		t := r.Token.T006
		if now > int64(t.Ts)+leeway {
			r.Add(Finding{Code: CodeExpired, Severity: SevError, SDKError: SDK(SDKTokenExpired), Field: "ts",
				Message: fmt.Sprintf("the token expired at %s, %s ago", utc(int64(t.Ts)), Ago(now-int64(t.Ts))),
				Hint:    "request a fresh token"})
		}
		for _, p := range t.Privileges {
			if p.Expire == 0 {
				continue
			}
			if now > int64(p.Expire)+leeway && now <= int64(t.Ts)+leeway {
				f := Finding{Code: CodePrivilegeExpired, Severity: SevError, SDKError: SDK(SDKTokenExpired), Field: "privileges." + token.Privilege006Name(p.ID),
					Message: fmt.Sprintf("privilege %s expired at %s, %s ago", token.Privilege006Name(p.ID), utc(int64(p.Expire)), Ago(now-int64(p.Expire))),
					Hint:    "request a fresh token with a later privilege expiry"}
				if need := neededService(exp); !usedFor006(need, p.ID) {
					f.Severity = SevWarning
					f.Message += "; " + useName(need, exp) + " does not need it"
				}
				r.Add(f)
			}
		}
	}
}

func utc(unix int64) string { return time.Unix(unix, 0).UTC().Format(time.RFC3339) }

// Ago renders a duration in seconds compactly: "3h0m", "23h59m", "45s", "12d3h".
func Ago(sec int64) string {
	if sec < 0 {
		sec = -sec
	}
	switch {
	case sec < 60:
		return fmt.Sprintf("%ds", sec)
	case sec < 3600:
		return fmt.Sprintf("%dm%02ds", sec/60, sec%60)
	case sec < 86400*2:
		return fmt.Sprintf("%dh%02dm", sec/3600, sec%3600/60)
	default:
		return fmt.Sprintf("%dd%02dh", sec/86400, sec%86400/3600)
	}
}
