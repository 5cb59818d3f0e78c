package encode

import (
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Rule texts, shared by errors and warnings.
const (
	ruleHex32       = "32 hexadecimal characters"
	ruleCharset     = "only a-z A-Z 0-9 space and ! # $ % & ( ) + - : ; < = . > ? @ [ ] ^ _ { } | ~ ,"
	ruleNonEmpty    = "non-empty"
	ruleFieldLength = "at most 65535 bytes (the format's uint16 length prefix)"
	ruleLifetime    = "at most 86400 seconds (24 h), the longest lifetime the server honours"
	ruleLifetimeMin = "at least 1 second (0 makes the token expire the moment it is issued)"
)

// charset89 marks the 89 characters allowed in channel names and accounts.
var charset89 = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range " !#$%&()+-:;<=.>?@[]^_{}|~," {
		t[c] = true
	}
	return t
}()

// checker collects rule violations. Without allow, the first violation is the
// error; with allow, violations become warnings. Hard violations (what the
// format cannot carry, or what makes the token unverifiable) are errors always
// and take precedence over an SDK-rule violation met earlier.
type checker struct {
	allow bool
	warns []Warning
	err   error
	// hardErr: err is a hard violation.
	hardErr bool
}

// newChecker starts the checks of one build with the credentials.
func newChecker(c *Common) *checker {
	k := &checker{allow: c.AllowNonstandard}
	k.credentials(c)
	return k
}

// soft records a violation that AllowNonstandard turns into a warning.
func (k *checker) soft(code, field, rule, detail string) {
	if k.allow {
		k.warns = append(k.warns, Warning{Code: code, Field: field, Rule: rule, Detail: detail})
		return
	}
	if k.err == nil {
		k.err = &token.InputError{Field: field, Rule: rule, Detail: detail}
	}
}

// hard records a violation that is an error whatever the policy.
func (k *checker) hard(field, rule, detail string) {
	if !k.hardErr {
		k.err = &token.InputError{Field: field, Rule: rule, Detail: detail}
		k.hardErr = true
	}
}

// credentials checks the app ID and certificate.
func (k *checker) credentials(c *Common) {
	k.hex32("app_id", c.AppID, false)
	k.hex32("app_certificate", c.Certificate, true)
}

func (k *checker) hex32(field, s string, secret bool) {
	if len(s) != 32 {
		k.hard(field, ruleHex32, "is "+token.Plural(len(s), "byte"))
		return
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			continue
		}
		if secret {
			// Never echo a character of a secret.
			k.hard(field, ruleHex32, fmt.Sprintf("a character that is not hexadecimal at byte %d", i))
		} else {
			k.hard(field, ruleHex32, describeChar(s, i))
		}
		return
	}
}

// describeChar names the character that starts at byte i of s.
func describeChar(s string, i int) string {
	r, size := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("byte 0x%02X at byte %d is not valid UTF-8", s[i], i)
	}
	if r < 0x20 || r == 0x7F {
		return fmt.Sprintf("control character U+%04X at byte %d", r, i)
	}
	return fmt.Sprintf("character %q (U+%04X) at byte %d", string(r), r, i)
}

// firstOutside returns the byte index of the first character outside the
// 89-character set, or -1.
func firstOutside(s string) int {
	for i := 0; i < len(s); i++ {
		if !charset89[s[i]] {
			return i
		}
	}
	return -1
}

// fieldLength refuses strings the format cannot carry.
func (k *checker) fieldLength(field, s string) {
	if len(s) > MaxFieldLength {
		k.hard(field, ruleFieldLength, fmt.Sprintf("is %d bytes", len(s)))
	}
}

// channel applies the channel-name rules of the SDK.
func (k *checker) channel(field, s string) {
	if s == "" {
		k.soft("empty_channel", field, ruleNonEmpty, "")
		return
	}
	if len(s) > MaxChannelLength {
		k.soft("channel_too_long", field, "at most 64 bytes", fmt.Sprintf("is %d bytes", len(s)))
	}
	if i := firstOutside(s); i >= 0 {
		k.soft("bad_channel_charset", field, ruleCharset, describeChar(s, i))
	}
}

// account applies the user-account rules of the SDK to a non-empty account.
func (k *checker) account(field, s string) {
	k.accountWithin(field, s, MaxAccountLength, "")
}

// accountWithin applies the account rules with a length limit of maxLen
// bytes; what, when not "", says whose limit it is.
func (k *checker) accountWithin(field, s string, maxLen int, what string) {
	if len(s) > maxLen {
		rule := "at most " + strconv.Itoa(maxLen) + " bytes"
		if what != "" {
			rule += " (" + what + ")"
		}
		k.soft("account_too_long", field, rule, fmt.Sprintf("is %d bytes", len(s)))
	}
	if i := firstOutside(s); i >= 0 {
		k.soft("bad_account_charset", field, ruleCharset, describeChar(s, i))
	}
}

// explicitAccount applies the account rules to an account given as such: an
// empty one is refused (it would be the uid-0 wildcard, not an account).
func (k *checker) explicitAccount(field, s string) {
	if s == "" {
		k.soft("empty_account", field, ruleNonEmpty+" (an empty account is the uid-0 wildcard; use uid 0 to mean any user)", "")
		return
	}
	k.account(field, s)
}

// userID applies the RTM user-ID rules.
func (k *checker) userID(field, s string, maxLen int) {
	if s == "" {
		k.soft("empty_user_id", field, ruleNonEmpty, "")
		return
	}
	if maxLen > 0 && len(s) > maxLen {
		k.soft("user_id_too_long", field, "at most "+strconv.Itoa(maxLen)+" bytes", fmt.Sprintf("is %d bytes", len(s)))
	}
}

// nonEmpty refuses an empty identifier.
func (k *checker) nonEmpty(code, field, s string) {
	if s == "" {
		k.soft(code, field, ruleNonEmpty, "")
	}
}

// tokenLifetime checks a 007 token expire (relative seconds).
func (k *checker) tokenLifetime(field string, v uint32) {
	if v == 0 {
		k.soft("lifetime_too_short", field, ruleLifetimeMin, "is 0")
	}
	k.lifetime(field, v)
}

// lifetime checks a 007 privilege expire (relative seconds; 0 = the token's lifetime).
func (k *checker) lifetime(field string, v uint32) {
	if v > MaxLifetime {
		k.soft("expiry_over_24h", field, ruleLifetime, fmt.Sprintf("is %d (%s)", v, time.Duration(v)*time.Second))
	}
}

// absolute checks a 006 absolute expiry against the issue time. A privilege of
// 0 means "the token's lifetime" and passes when zeroOK.
func (k *checker) absolute(field string, v, issue uint32, zeroOK bool) {
	if v == 0 && zeroOK {
		return
	}
	const rule = "an absolute unix time after the issue time and at most 24 h after it"
	when := time.Unix(int64(v), 0).UTC().Format(time.RFC3339)
	switch {
	case verify.ExpiryImplausible(v, true):
		k.soft("expiry_implausible", field, rule,
			fmt.Sprintf("%d is %s, not a plausible unix time; 006 takes absolute timestamps (issue time + lifetime), not durations", v, when))
	case v <= issue:
		k.soft("expiry_before_issue", field, rule,
			fmt.Sprintf("%d is %s, not after the issue time %d; 006 takes absolute timestamps, not durations", v, when, issue))
	case uint64(v)-uint64(issue) > MaxLifetime:
		k.soft("expiry_over_24h", field, rule,
			fmt.Sprintf("%d is %s, %s after the issue time %d", v, when, time.Duration(v-issue)*time.Second, issue))
	}
}

// privilegeID flags a privilege id the service does not define.
func (k *checker) privilegeID(field string, service, id uint16) {
	info, ok := token.LookupService(service)
	if !ok {
		return
	}
	if _, known := info.Privileges[id]; !known {
		k.soft("unknown_privilege", field, "a privilege the "+info.Title+" service defines", fmt.Sprintf("id %d", id))
	}
}
