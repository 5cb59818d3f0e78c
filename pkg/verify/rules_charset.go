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
	seenAccount := map[string]bool{}
	channel := func(s string, field fieldName) {
		if seenChannel[s] {
			return
		}
		seenChannel[s] = true
		checkChannel(r, s, field)
	}
	account := func(s string, field fieldName) {
		if seenAccount[s] {
			return
		}
		seenAccount[s] = true
		checkAccount(r, s, field, exp.For)
	}
	if t := r.Token; t != nil && t.T007 != nil {
		for i, s := range t.T007.Services {
			switch s.Type {
			case token.ServiceRTC:
				channel(s.Channel, fieldName{index: i, name: ".channel"})
				if f, _ := classifyUID(s.Account); f == uidAccount || f == uidNumberLike || f == uidNegativeWide {
					account(s.Account, fieldName{index: i, name: ".uid"})
				}
			case token.ServiceRTM, token.ServiceRTM2:
				field := fieldName{index: i, name: ".user_id"}.String
				switch {
				case s.UserID == "":
					seenAccount[""] = true
					r.Add(Finding{Code: CodeEmptyAccount, Severity: SevError, SDKError: SDK(RTMLoginInvalidArgument), Field: field(),
						Message: fmt.Sprintf("the %s service's user id is empty: RTM login needs a non-empty user id", token.ServiceName(s.Type)),
						Hint:    "build the RTM token for the user id the client logs in with"})
				case len(s.UserID) > MaxRTMUserIDBytes:
					seenAccount[s.UserID] = true
					r.Add(Finding{Code: CodeAccountTooLong, Severity: SevError, SDKError: SDK(RTMLoginInvalidArgument), Field: field(),
						Message: fmt.Sprintf("the %s user id is %d bytes, over the %d bytes RTM accepts", token.ServiceName(s.Type), len(s.UserID), MaxRTMUserIDBytes),
						Hint:    "use RTM user ids of at most 64 bytes"})
				}
			}
		}
	}
	if t := r.Token; t != nil && t.T006 != nil && t.T006.Signature != nil && isRTM006(t.T006) && t.T006.CRCChannel == 0 {
		seenAccount[""] = true
		r.Add(Finding{Code: CodeEmptyAccount, Severity: SevError, SDKError: SDK(RTMLoginInvalidArgument), Field: "crc_channel",
			Message: "this 006 RTM token was built for an empty user id (its channel field, which holds the RTM user id, has the CRC-32 of the empty text)",
			Hint:    "build the RTM token for the user id the client logs in with"})
	}
	if exp.Channel != nil && !(exp.For == "rtm" && r.Token != nil && r.Token.T006 != nil) {
		channel(*exp.Channel, fieldName{index: -1, name: "channel"})
	}
	if exp.Account != nil {
		account(*exp.Account, fieldName{index: -1, name: "account"})
	}
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

func checkAccount(r *Report, s string, fn fieldName, forSvc string) {
	sdk := SDKInvalidArgument
	limit := MaxAccountBytes
	if forSvc == "rtm" {
		sdk, limit = RTMLoginInvalidArgument, MaxRTMUserIDBytes
	}
	if s != "" && len(s) <= limit {
		if i, _ := FirstBadNameChar(s); i < 0 {
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
	if i, c := FirstBadNameChar(s); i >= 0 {
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
