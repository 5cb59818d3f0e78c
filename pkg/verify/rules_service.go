package verify

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/token"
)

func ruleService(r *Report, exp *Expectations) {
	tok := r.Token
	switch {
	case tok == nil:
	case tok.T007 != nil:
		services007(r, exp, tok.T007)
	case tok.T006 != nil:
		services006(r, exp, tok.T006)
	}
}

func legacyFinding(format string) Finding {
	return Finding{Code: CodeLegacyFormat, Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: "version",
		Message: fmt.Sprintf("this looks like a legacy %s key, a format the current SDKs do not accept for new projects", format),
		Hint:    "build an AccessToken2 (007) with the current token builders (RtcTokenBuilder2, RtmTokenBuilder2)"}
}

// recordName tells a service record from others of its type in a message:
// its channel and user, its user id, or its room and user.
func recordName(s *token.Service) string {
	switch s.Type {
	case token.ServiceRTC, token.ServiceStreaming, token.ServiceFCDN:
		user := "uid 0"
		if s.Account != "" {
			user = strconv.Quote(s.Account)
		}
		return strconv.Quote(s.Channel) + " for " + user
	case token.ServiceAPaaS:
		return "room " + strconv.Quote(s.RoomUUID) + " for " + strconv.Quote(s.UserUUID)
	}
	return strconv.Quote(s.UserID)
}

// serviceNames lists the services of a 007 token, e.g. "rtc, rtm".
func serviceNames(t *token.Token007) string {
	names := make([]string, 0, len(t.Services))
	for _, s := range t.Services {
		names = append(names, token.ServiceName(s.Type))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func hasPrivilege(ps []token.Privilege, id uint16) bool {
	for _, p := range ps {
		if p.ID == id {
			return true
		}
	}
	return false
}

func services007(r *Report, exp *Expectations, t *token.Token007) {
	count := map[uint16]int{}
	for i, s := range t.Services {
		count[s.Type]++
		for _, p := range s.Privileges {
			if token.PrivilegeName(s.Type, p.ID) == "unknown" {
				r.Add(Finding{Code: CodeUnknownPrivilege, Severity: SevWarning, Field: fmt.Sprintf("services[%d].privileges", i),
					Message: fmt.Sprintf("service %s holds privilege id %d (value %d), which no reference builder defines for it", token.ServiceName(s.Type), p.ID, p.Expire),
					Hint:    "check the builder that produced the token; the service ignores privileges it does not know"})
			}
		}
	}
	types := make([]int, 0, len(count))
	for typ, n := range count {
		if n > 1 {
			types = append(types, int(typ))
		}
	}
	sort.Ints(types)
	for _, typ := range types {
		var ids []string
		for _, s := range t.Services {
			if int(s.Type) == typ {
				ids = append(ids, recordName(&s))
			}
		}
		r.Add(Finding{Code: CodeDuplicateService, Severity: SevInfo, Field: "services",
			Message: fmt.Sprintf("service %s appears %d times (%s): one token for several channels or users", token.ServiceName(uint16(typ)), count[uint16(typ)], strings.Join(ids, ", ")),
			Hint:    "build one token per channel and user unless several records are intended"})
	}
	var ok bool
	var why string
	need := neededService(exp)
	if len(t.Services) == 0 {
		need = exp.For
	}
	switch need {
	case "":
		return
	case "rtc":
		var narrowed bool
		ok, narrowed = rtcJoin(t, exp)
		why = "it holds no RTC service with the join_channel privilege"
		switch {
		case narrowed:
			whose := fmt.Sprintf("for channel %q", *exp.Channel)
			if exp.UID != nil || exp.Account != nil {
				whose += " and this user"
			}
			why = fmt.Sprintf("its RTC service %s lacks the join_channel privilege (publish privileges without join do not let a client join; the privileges of another record do not count)", whose)
		case count[token.ServiceRTC] > 0:
			why = "its RTC service lacks the join_channel privilege (publish privileges without join do not let a client join)"
		case count[token.ServiceRTM] > 0 || count[token.ServiceRTM2] > 0:
			why = "it is an RTM login token: it holds no RTC service"
		case count[token.ServiceChat] > 0:
			why = "it is a Chat token: it holds no RTC service"
		}
	case "rtm":
		// An RTM record logs in with its login privilege; one without it
		// cannot, as an RTC record without join cannot join.
		for i := range t.Services {
			if s := &t.Services[i]; s.Type == token.ServiceRTM || s.Type == token.ServiceRTM2 {
				ok = ok || hasPrivilege(s.Privileges, token.PrivRTMLogin)
			}
		}
		why = "it holds no RTM service"
		switch {
		case count[token.ServiceRTM] > 0 || count[token.ServiceRTM2] > 0:
			why = "its RTM service lacks the login privilege"
		case count[token.ServiceRTC] > 0:
			why = "it is an RTC token used for RTM login: it holds no RTM service"
		}
	case "chat":
		for i := range t.Services {
			if s := &t.Services[i]; s.Type == token.ServiceChat {
				ok = ok || hasPrivilege(s.Privileges, token.PrivChatUser) || hasPrivilege(s.Privileges, token.PrivChatApp)
			}
		}
		why = "it holds no Chat service"
		if count[token.ServiceChat] > 0 {
			why = "its Chat service holds neither the user nor the app privilege"
		}
	}
	if !ok {
		what := "needed for " + need
		if need != exp.For {
			what = fmt.Sprintf("checked for channel %q, which a client joins with an RTC token,", *exp.Channel)
		}
		r.Add(Finding{Code: CodeServiceMissing, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "services",
			Message: fmt.Sprintf("the token is %s but %s (services: %s)", what, why, serviceNames(t)),
			Hint:    serviceHint(need)})
	}
}

// neededService is the use the caller checks a token for: exp.For, or
// "rtc" when a channel is given (a channel name is what an RTC join needs);
// "" when neither says.
func neededService(exp *Expectations) string {
	if exp.For == "" && exp.Channel != nil {
		return "rtc"
	}
	return exp.For
}

// rtcSelection picks the RTC records of a 007 token that a join to the
// channel and as the user of exp uses: those for the channel (when one is
// given and some record is for it), and of those the ones for the uid or
// account (or for uid 0, the wildcard) when one is given and some record is
// for it. It allocates nothing (the audit's hot path).
type rtcSelection struct {
	exp               *Expectations
	want              *string
	byChannel, byUser bool
}

func selectRTC(t *token.Token007, exp *Expectations) rtcSelection {
	sel := rtcSelection{exp: exp, want: exp.Account}
	if sel.want == nil {
		sel.want = exp.UID
	}
	for i := range t.Services {
		if s := &t.Services[i]; s.Type == token.ServiceRTC && sel.forChannel(s) {
			sel.byChannel = true
			sel.byUser = sel.byUser || sel.forUser(s)
		}
	}
	return sel
}

func (sel rtcSelection) forChannel(s *token.Service) bool {
	return sel.exp.Channel == nil || s.Channel == *sel.exp.Channel
}

func (sel rtcSelection) forUser(s *token.Service) bool {
	return sel.want == nil || s.Account == *sel.want || s.Account == ""
}

// uses reports whether the join uses record s.
func (sel rtcSelection) uses(s *token.Service) bool {
	return s.Type == token.ServiceRTC && !(sel.byChannel && !sel.forChannel(s)) && !(sel.byUser && !sel.forUser(s))
}

// rtcJoin reports whether a join to the channel and as the user of exp
// finds the join_channel privilege in the RTC records of t it would use
// (selectRTC). narrowed is set when those records are not all the RTC
// records.
func rtcJoin(t *token.Token007, exp *Expectations) (ok, narrowed bool) {
	sel := selectRTC(t, exp)
	all, used := 0, 0
	for i := range t.Services {
		s := &t.Services[i]
		if s.Type != token.ServiceRTC {
			continue
		}
		all++
		if !sel.uses(s) {
			continue
		}
		used++
		ok = ok || hasPrivilege(s.Privileges, token.PrivRTCJoinChannel)
	}
	return ok, exp.Channel != nil && used < all
}

// usedFor007 reports whether record s of a 007 token serves the use need
// (neededService): any record when none is known; for "rtc" the records a
// join uses (sel); for "rtm" the RTM and RTM2 records; for "chat" the Chat
// ones.
func usedFor007(need string, sel rtcSelection, s *token.Service) bool {
	switch need {
	case "rtc":
		return sel.uses(s)
	case "rtm":
		return s.Type == token.ServiceRTM || s.Type == token.ServiceRTM2
	case "chat":
		return s.Type == token.ServiceChat
	}
	return true
}

// usedFor006 reports whether a 006 privilege serves the use need: the RTM
// login privilege serves RTM login, the others an RTC join; any privilege
// when the use is not known.
func usedFor006(need string, id uint16) bool {
	switch need {
	case "rtc":
		return id != token.Priv006RTMLogin
	case "rtm":
		return id == token.Priv006RTMLogin
	}
	return true
}

// useName names a use in a message: "the RTC join checked (channel "x")".
func useName(need string, exp *Expectations) string {
	switch need {
	case "rtc":
		if exp.Channel != nil {
			return fmt.Sprintf("the RTC join checked (channel %q)", *exp.Channel)
		}
		return "the RTC join checked"
	case "rtm":
		return "the RTM login checked"
	}
	return "the " + need + " use checked"
}

func serviceHint(svc string) string {
	switch svc {
	case "rtm":
		return "build an RTM token on your server (RtmTokenBuilder2.buildToken, or RtcTokenBuilder2.buildTokenWithRtm for both)"
	case "chat":
		return "build a Chat token (ChatTokenBuilder2.buildUserToken) on your server"
	}
	return "build an RTC token (RtcTokenBuilder2.buildTokenWithUid) for the channel"
}

func services006(r *Report, exp *Expectations, t *token.Token006) {
	if t.Message == nil {
		return
	}
	for _, p := range t.Privileges {
		if token.Privilege006Name(p.ID) == "unknown" {
			r.Add(Finding{Code: CodeUnknownPrivilege, Severity: SevWarning, Field: "privileges",
				Message: fmt.Sprintf("privilege id %d (value %d) is not a 006 privilege (1-4 RTC, 101 admin, 1000 RTM login)", p.ID, p.Expire),
				Hint:    "check the builder that produced the token; the service ignores privileges it does not know"})
		}
	}
	rtm := isRTM006(t)
	var why string
	need := neededService(exp)
	switch need {
	case "rtc":
		if !hasPrivilege(t.Privileges, token.Priv006JoinChannel) {
			why = "it has no join_channel privilege"
			if rtm {
				why = "it is an RTM token (006 RTM login privilege only) used to join an RTC channel"
			}
		}
	case "rtm":
		if !hasPrivilege(t.Privileges, token.Priv006RTMLogin) {
			why = "it is an RTC token used for RTM login: it has no RTM login privilege (1000)"
			if t.CRCUID == 0 && hasPrivilege(t.Privileges, token.Priv006JoinChannel) {
				why += "; a 006 RTC token bound to uid 0 is what the console's temporary tokens look like, and those are for RTC only"
			}
		}
	case "chat":
		why = "006 tokens carry no Chat service"
		if !rtm && t.CRCUID == 0 {
			why += "; a 006 RTC token bound to uid 0 looks like a console temporary token, which is for RTC only"
		}
	}
	if why != "" {
		what := "needed for " + need
		if need != exp.For {
			what = fmt.Sprintf("checked for channel %q, which a client joins with an RTC token,", *exp.Channel)
		}
		r.Add(Finding{Code: CodeServiceMissing, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "privileges",
			Message: fmt.Sprintf("the token is %s but %s", what, why),
			Hint:    serviceHint(need)})
	}
}
