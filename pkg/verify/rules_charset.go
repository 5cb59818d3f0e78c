package verify

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Name limits of the Agora documentation and reference comments.
const (
	MaxChannelBytes   = 64
	MaxAccountBytes   = 255
	MaxRTMUserIDBytes = 64
)

// nameChars is the 89-character set of channel names and user accounts:
// a-z A-Z 0-9 space ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,
var nameChars = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range []byte(" !#$%&()+-:;<=.>?@[]^_{}|~,") {
		t[c] = true
	}
	return t
}()

// FirstBadNameChar returns the byte position and the character of the first
// character of s outside the 89-character set, or -1.
func FirstBadNameChar(s string) (int, rune) {
	for i := 0; i < len(s); i++ {
		if !nameChars[s[i]] {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return i, r
		}
	}
	return -1, 0
}

func describeChar(r rune) string {
	if r == utf8.RuneError {
		return "an invalid UTF-8 byte"
	}
	return fmt.Sprintf("%q (U+%04X)", r, r)
}

func ruleCharset(r *Report, exp *Expectations) {
	seenChannel := map[string]bool{}
	// An account is checked once as an RTC account and once as an RTM user
	// id at most: the two have different limits. An empty one, or one too
	// long for either, gets the same finding both ways: once.
	type accountUse struct {
		s   string
		rtm bool
	}
	seenAccount := map[accountUse]bool{}
	useKey := func(s string, rtm bool) accountUse {
		return accountUse{s, rtm && s != "" && len(s) <= MaxAccountBytes}
	}
	channel := func(s string, field fieldName) {
		if seenChannel[s] {
			return
		}
		seenChannel[s] = true
		checkChannel(r, s, field)
	}
	account := func(s string, field fieldName, rtm bool) {
		if seenAccount[useKey(s, rtm)] {
			return
		}
		seenAccount[useKey(s, rtm)] = true
		checkAccount(r, s, field, rtm)
	}
	if t := r.Token; t != nil && t.T007 != nil {
		for i, s := range t.T007.Services {
			switch s.Type {
			case token.ServiceRTC, token.ServiceStreaming, token.ServiceFCDN:
				// Streaming and FCDN records name an RTC channel and
				// user as RTC records do.
				channel(s.Channel, fieldName{index: i, name: ".channel"})
				name := ".uid"
				if s.Type != token.ServiceRTC {
					name = ".account"
				}
				// A uid number is not an account; a text of digits too
				// long for any uid is still held to the account limit.
				if f, _ := classifyUID(s.Account); f == uidAccount || f == uidNumberLike || f == uidNegativeWide || len(s.Account) > MaxAccountBytes {
					account(s.Account, fieldName{index: i, name: name}, false)
				}
			case token.ServiceRTM, token.ServiceRTM2:
				field := fieldName{index: i, name: ".user_id"}
				switch {
				case s.UserID == "":
					seenAccount[useKey("", true)] = true
					r.Add(Finding{Code: CodeEmptyAccount, Severity: SevError, SDKError: SDK(RTMLoginInvalidArgument), Field: field.String(),
						Message: fmt.Sprintf("the %s service's user id is empty: RTM login needs a non-empty user id", token.ServiceName(s.Type)),
						Hint:    "build the RTM token for the user id the client logs in with"})
				case len(s.UserID) > MaxRTMUserIDBytes:
					seenAccount[useKey(s.UserID, true)] = true
					r.Add(Finding{Code: CodeAccountTooLong, Severity: SevError, SDKError: SDK(RTMLoginInvalidArgument), Field: field.String(),
						Message: fmt.Sprintf("the %s user id is %d bytes, over the %d bytes RTM accepts", token.ServiceName(s.Type), len(s.UserID), MaxRTMUserIDBytes),
						Hint:    "use RTM user ids of at most 64 bytes"})
				default:
					// FORMATS §14 bounds an RTM user id by its length only:
					// no character set.
					seenAccount[useKey(s.UserID, true)] = true
				}
			}
		}
	}
	if t := r.Token; t != nil && t.T006 != nil && t.T006.Signature != nil && isRTM006(t.T006) && t.T006.CRCChannel == 0 {
		seenAccount[useKey("", true)] = true
		r.Add(Finding{Code: CodeEmptyAccount, Severity: SevError, SDKError: SDK(RTMLoginInvalidArgument), Field: "crc_channel",
			Message: "this 006 RTM token was built for an empty user id (its channel field, which holds the RTM user id, has the CRC-32 of the empty text)",
			Hint:    "build the RTM token for the user id the client logs in with"})
	}
	if exp.Channel != nil && !(exp.For == "rtm" && r.Token != nil && r.Token.T006 != nil) {
		channel(*exp.Channel, fieldName{index: -1, name: "channel"})
	}
	if exp.Account != nil {
		account(*exp.Account, fieldName{index: -1, name: "account"}, accountForRTM(r.Token, exp))
	}
}

// accountForRTM reports whether the account the caller gave is an RTM user
// id: said so (--for rtm), or, with no use given, the token is for RTM
// login only (a 006 RTM token, a 007 token with an RTM service and no RTC
// one).
func accountForRTM(t *token.Token, exp *Expectations) bool {
	if exp.For != "" || t == nil {
		return exp.For == "rtm"
	}
	switch {
	case t.T006 != nil:
		return t.T006.Signature != nil && isRTM006(t.T006)
	case t.T007 != nil:
		rtm := false
		for _, s := range t.T007.Services {
			switch s.Type {
			case token.ServiceRTC, token.ServiceStreaming, token.ServiceFCDN:
				return false
			case token.ServiceRTM, token.ServiceRTM2:
				rtm = true
			}
		}
		return rtm
	}
	return false
}

// fieldName names a field without building the text until a finding needs
// it: "services[index]" + name, or name alone when index is negative.
type fieldName struct {
	index int
	name  string
}

func (f fieldName) String() string {
	if f.index < 0 {
		return f.name
	}
	return "services[" + strconv.Itoa(f.index) + "]" + f.name
}

func checkChannel(r *Report, s string, fn fieldName) {
	if s != "" && len(s) <= MaxChannelBytes {
		if i, _ := FirstBadNameChar(s); i < 0 {
			return
		}
	}
	field := fn.String()
	switch {
	case s == "":
		r.Add(Finding{Code: CodeBadChannelCharset, Severity: SevError, SDKError: SDK(SDKInvalidChannelName), Field: field,
			Message: "the channel name is empty", Hint: "give a channel name of 1 to 64 bytes"})
	case len(s) > MaxChannelBytes:
		r.Add(Finding{Code: CodeChannelTooLong, Severity: SevError, SDKError: SDK(SDKInvalidChannelName), Field: field,
			Message: fmt.Sprintf("the channel name %q is %d bytes, over the %d the SDK accepts", short(s), len(s), MaxChannelBytes),
			Hint:    "use channel names of at most 64 bytes"})
	}
	if i, c := FirstBadNameChar(s); i >= 0 {
		r.Add(Finding{Code: CodeBadChannelCharset, Severity: SevError, SDKError: SDK(SDKInvalidChannelName), Field: field, Offset: At(i), Layer: "value",
			Message: fmt.Sprintf("the channel name %q has %s at byte %d, outside the 89 characters the SDK accepts", short(s), describeChar(c), i),
			Hint:    "use only a-z A-Z 0-9, space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , in channel names"})
	}
}

// checkAccount checks a user account: an RTC account (non-empty, at most
// 255 bytes of the 89 characters, SDK error 2) or, with rtm, an RTM user
// id (non-empty, at most 64 bytes, RTM error 3; FORMATS §14 gives RTM no
// character set).
func checkAccount(r *Report, s string, fn fieldName, rtm bool) {
	sdk := SDKInvalidArgument
	limit := MaxAccountBytes
	if rtm {
		sdk, limit = RTMLoginInvalidArgument, MaxRTMUserIDBytes
	}
	if s != "" && len(s) <= limit {
		if i, _ := FirstBadNameChar(s); i < 0 || rtm {
			return
		}
	}
	field := fn.String()
	switch {
	case s == "":
		r.Add(Finding{Code: CodeEmptyAccount, Severity: SevError, SDKError: SDK(sdk), Field: field,
			Message: "the user account is empty: joining or logging in with an account needs a non-empty one",
			Hint:    "give the user account the token was built for; for uid 0 join with a numeric uid"})
		return
	case len(s) > limit:
		r.Add(Finding{Code: CodeAccountTooLong, Severity: SevError, SDKError: SDK(sdk), Field: field,
			Message: fmt.Sprintf("the user account %q is %d bytes, over the %d accepted", short(s), len(s), limit),
			Hint:    fmt.Sprintf("use accounts of at most %d bytes", limit)})
	}
	if i, c := FirstBadNameChar(s); i >= 0 && !rtm {
		r.Add(Finding{Code: CodeBadAccountCharset, Severity: SevError, SDKError: SDK(sdk), Field: field, Offset: At(i), Layer: "value",
			Message: fmt.Sprintf("the user account %q has %s at byte %d, outside the 89 characters the SDK accepts", short(s), describeChar(c), i),
			Hint:    "use only a-z A-Z 0-9, space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ , in user accounts"})
	}
}

// short cuts a value for a message.
func short(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:77] + "…"
}
