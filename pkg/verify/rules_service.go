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
				ids = append(ids, strconv.Quote(s.Channel+s.UserID+s.RoomUUID))
			}
		}
		r.Add(Finding{Code: CodeDuplicateService, Severity: SevInfo, Field: "services",
			Message: fmt.Sprintf("service %s appears %d times (%s): one token for several channels or users", token.ServiceName(uint16(typ)), count[uint16(typ)], strings.Join(ids, ", ")),
			Hint:    "build one token per channel and user unless several records are intended"})
	}
	var ok bool
	var why string
	need := exp.For
	if need == "" && exp.Channel != nil && len(t.Services) > 0 {
		// A channel name is what an RTC join needs: a token without an RTC
		// service with the join privilege cannot join it.
		need = "rtc"
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
		ok = count[token.ServiceRTM] > 0 || count[token.ServiceRTM2] > 0
		why = "it holds no RTM service"
		if count[token.ServiceRTC] > 0 {
			why = "it is an RTC token used for RTM login: it holds no RTM service"
		}
	case "chat":
		ok = count[token.ServiceChat] > 0
		why = "it holds no Chat service"
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

// rtcJoin reports whether a join to the channel and as the user of exp
// finds the join_channel privilege in the RTC records of t it would use:
// those for the channel (when one is given and some record is for it), and
// of those the ones for the uid or account (or for uid 0, the wildcard) when
// one is given and some record is for it. narrowed is set when those records
// are not all the RTC records. It allocates nothing (the audit's hot path).
func rtcJoin(t *token.Token007, exp *Expectations) (ok, narrowed bool) {
	want := exp.Account
	if want == nil {
		want = exp.UID
	}
	forChannel := func(s *token.Service) bool { return exp.Channel == nil || s.Channel == *exp.Channel }
	forUser := func(s *token.Service) bool { return want == nil || s.Account == *want || s.Account == "" }
	byChannel, byUser := false, false
	for i := range t.Services {
		if s := &t.Services[i]; s.Type == token.ServiceRTC && forChannel(s) {
			byChannel = true
			byUser = byUser || forUser(s)
		}
	}
	all, used := 0, 0
	for i := range t.Services {
		s := &t.Services[i]
		if s.Type != token.ServiceRTC {
			continue
		}
		all++
		if byChannel && !forChannel(s) || byUser && !forUser(s) {
			continue
		}
		used++
		ok = ok || hasPrivilege(s.Privileges, token.PrivRTCJoinChannel)
	}
	return ok, exp.Channel != nil && used < all
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
	need := exp.For
	if need == "" && exp.Channel != nil {
		// A channel name is what an RTC join needs (see services007).
		need = "rtc"
	}
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
