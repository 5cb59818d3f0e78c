package verify

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// uidForm classifies uid text as 006 and 007 carry it.
type uidForm int

const (
	uidEmpty     uidForm = iota // "": uid 0, the wildcard
	uidCanonical                // plain decimal 1..2^32-1
	uidZeroText                 // "0": an account named "0"
	uidLeadingZero
	uidOutOfRange
	uidNegative // "-N" within int32: a signed conversion
	// uidNegativeWide: "-N" below -2^31, which no signed 32-bit conversion gives.
	uidNegativeWide
	// uidNumberLike: a uid number written otherwise (" 12", "+12", "12.0",
	// "1e3"): an account, though a number was meant (numberLike says how).
	uidNumberLike
	uidAccount
)

// classifyUID returns the form of uid text and, for uidNegative,
// uidLeadingZero and uidNumberLike, the unsigned value meant.
func classifyUID(s string) (uidForm, uint32) {
	switch {
	case s == "":
		return uidEmpty, 0
	case s == "0":
		return uidZeroText, 0
	}
	if s[0] == '-' && len(s) > 1 && allDigits(s[1:]) {
		if n, err := strconv.ParseInt(s, 10, 32); err == nil {
			return uidNegative, uint32(int32(n))
		}
		return uidNegativeWide, 0
	}
	if !allDigits(s) {
		if n, how := numberLike(s); how != "" {
			return uidNumberLike, n
		}
		return uidAccount, 0
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > 1<<32-1 {
		return uidOutOfRange, 0
	}
	if s[0] == '0' {
		return uidLeadingZero, uint32(n)
	}
	return uidCanonical, uint32(n)
}

// numberLike recognises a uid number in a non-canonical spelling and says
// how it is written: surrounding whitespace, a plus sign, a float ("12.0")
// or exponent ("1e3") notation. how is "" when s is not such a number.
func numberLike(s string) (n uint32, how string) {
	if t := strings.TrimSpace(s); t != s && t != "" {
		v, inner := numberLike(t)
		if inner == "" {
			f, _ := classifyUID(t)
			if f != uidCanonical && f != uidLeadingZero && f != uidZeroText {
				return 0, ""
			}
			u, _ := strconv.ParseUint(t, 10, 32)
			v = uint32(u)
		}
		var where []string
		if lead := s[:strings.Index(s, t)]; lead != "" {
			where = append(where, "leading "+spaceName(lead))
		}
		if trail := s[strings.Index(s, t)+len(t):]; trail != "" {
			where = append(where, "trailing "+spaceName(trail))
		}
		how = "with a " + strings.Join(where, " and a ")
		if inner != "" {
			how = inner + ", " + how
		}
		return v, how
	}
	if len(s) > 1 && s[0] == '+' && allDigits(s[1:]) {
		if u, err := strconv.ParseUint(s[1:], 10, 32); err == nil {
			return uint32(u), "with a plus sign"
		}
		return 0, ""
	}
	if !strings.ContainsAny(s, ".eE") || strings.ContainsAny(s, " \t\n") {
		return 0, ""
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > math.MaxUint32 || f != math.Trunc(f) || strings.ContainsAny(s, "xXpP_") {
		return 0, ""
	}
	if strings.ContainsAny(s, "eE") {
		return uint32(f), "in exponent notation, as a float prints it"
	}
	return uint32(f), "as a float, with a decimal point"
}

// spaceName names a run of whitespace for a message: "space", "tab", "line break".
func spaceName(run string) string {
	switch strings.Trim(run, " ") {
	case "":
		if len(run) == 1 {
			return "space"
		}
		return "spaces"
	}
	if strings.Trim(run, "\t") == "" {
		return "tab"
	}
	if strings.Trim(run, "\r\n") == "" {
		return "line break"
	}
	return "whitespace"
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// uidRelation explains a 007 uid mismatch between the text a token holds and
// the uid text the client joins with (numeric: given as a number): whether
// the token was built for the account form of the value or the other way
// round. It returns "" when there is nothing more to say.
func uidRelation(tok, want string, numeric bool) string {
	form, meant := classifyUID(tok)
	switch {
	case form == uidZeroText && want == "":
		return `: the token was built for the account "0", but uid 0 is written as empty text (the wildcard); join with the account "0" or build the token with the number 0`
	case want == "" && numeric:
		return fmt.Sprintf(": the client joins with uid 0 (written as empty text), but the token is bound to %q; join with that uid or account, or build the token with uid 0, which any uid may join with", tok)
	case (form == uidNegative || form == uidLeadingZero || form == uidNumberLike) && want == strconv.FormatUint(uint64(meant), 10):
		return fmt.Sprintf(": %q is not the canonical text of uid %d, so it acts as an account; build the token with the unsigned decimal text %q", tok, meant, want)
	case form == uidAccount && numeric:
		return fmt.Sprintf(": the token was built for the user account %q, the client joins with a numeric uid; join with joinChannelWithUserAccount(%q)", tok, tok)
	case form == uidCanonical && !numeric:
		return fmt.Sprintf(": the token was built for uid %s (or the account of those digits), not for the account %q", tok, want)
	}
	return ""
}

// uidRelation006 does the same for a 006 token, which holds only the CRC-32
// of the uid text: it tries the forms builders confuse.
func uidRelation006(crc uint32, want string, numeric bool) string {
	switch {
	case want == "" && crc == CRC32("0"):
		return `: the token was built for the account "0" (CRC-32 of "0"), but uid 0 is written as empty text; join with the account "0" or build the token with the number 0`
	case want == "0" && crc == 0:
		return `: the token was built for uid 0 (empty text), not for the account "0"`
	}
	if numeric {
		if n, err := strconv.ParseUint(want, 10, 32); err == nil && n >= 1<<31 {
			signed := strconv.FormatInt(int64(int32(uint32(n))), 10)
			if CRC32(signed) == crc {
				return fmt.Sprintf(": the token was built for %q, the signed 32-bit form of uid %s (Java 006 buildTokenWithUid(int))", signed, want)
			}
		}
	}
	// The other spellings of the same number: the token built for one, the
	// client joining with another.
	for _, alt := range uidSpellings(want) {
		if CRC32(alt) != crc {
			continue
		}
		form, meant := classifyUID(alt)
		switch form {
		case uidCanonical:
			return fmt.Sprintf(": the token was built for uid %s (the text %q), not for the account %q", alt, alt, want)
		case uidLeadingZero:
			return fmt.Sprintf(": the token was built for the account %q (uid %d with leading zeros), not for %q", alt, meant, want)
		case uidNumberLike:
			_, how := numberLike(alt)
			return fmt.Sprintf(": the token was built for the account %q (uid %d written %s), not for %q", alt, meant, how, want)
		}
	}
	return ""
}

// uidSpellings lists the texts a builder may have written for the number in
// uid text s (canonical, leading zeros up to 10 digits, surrounding
// spaces, a plus sign, a float), other than s itself; none when s holds no
// number.
func uidSpellings(s string) []string {
	form, n := classifyUID(s)
	switch form {
	case uidCanonical:
		n64, _ := strconv.ParseUint(s, 10, 32)
		n = uint32(n64)
	case uidLeadingZero, uidNumberLike:
	default:
		return nil
	}
	if n == 0 {
		return nil
	}
	c := strconv.FormatUint(uint64(n), 10)
	alts := []string{c, " " + c, c + " ", c + "\n", "+" + c, c + ".0"}
	for z := "0"; len(z)+len(c) <= 10; z += "0" {
		alts = append(alts, z+c)
	}
	var out []string
	for _, alt := range alts {
		if alt != s {
			out = append(out, alt)
		}
	}
	return out
}

func ruleIdentity(r *Report, exp *Expectations) {
	switch {
	case r.Token == nil:
	case r.Token.T007 != nil:
		identity007(r, exp, r.Token.T007)
	case r.Token.T006 != nil:
		identity006Rules(r, exp, r.Token.T006)
	}
}

func identity007(r *Report, exp *Expectations, t *token.Token007) {
	for i, s := range t.Services {
		if s.Type != token.ServiceRTC {
			continue
		}
		form, meant := classifyUID(s.Account)
		if form == uidCanonical {
			// A plain decimal uid: nothing to say (and no field name to
			// format, on the path every well-formed token takes).
			continue
		}
		field := "services[" + strconv.Itoa(i) + "].uid"
		switch form {
		case uidEmpty:
			r.Add(Finding{Code: CodeUIDZero, Severity: SevInfo, Field: field,
				Message: fmt.Sprintf("the RTC service for channel %q has uid 0 (empty text, the wildcard): any uid may join with this token", s.Channel),
				Hint:    "build the token for the uid the client joins with, unless any user of the channel is meant to share it"})
		case uidZeroText:
			r.Add(Finding{Code: CodeUIDLiteralZero, Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: field,
				Message: `the uid field holds the text "0": that is the user account named "0", not uid 0 (the wildcard, written as empty text), so a client joining with uid 0 is refused`,
				Hint:    `build the token with the number 0 for "any uid" (PHP's RtcTokenBuilder2 writes "0": pass an empty account), or join with the account "0"`})
		case uidNegative, uidNegativeWide, uidOutOfRange, uidLeadingZero, uidNumberLike:
			r.Add(uidTextFinding(s.Account, form, meant, fmt.Sprintf("the uid field holds %q", s.Account), field))
		case uidAccount:
			sev, sdk := SevInfo, (*int)(nil)
			if exp.UIDNumeric {
				sev, sdk = SevWarning, SDK(SDKInvalidToken)
			}
			r.Add(Finding{Code: CodeUIDIsAccount, Severity: sev, SDKError: sdk, Field: field,
				Message: fmt.Sprintf("the uid field holds %q, not a decimal number: the token is bound to that user account, and joining with an int uid fails", s.Account),
				Hint:    "join with joinChannelWithUserAccount and this account, or build the token with the numeric uid"})
		}
	}
	// RTM and Chat carry the user id by value.
	want, ok := "", false
	if exp.Account != nil {
		want, ok = *exp.Account, true
	} else if exp.UID != nil {
		want, ok = *exp.UID, true
	}
	svc := exp.For
	if svc == "" && exp.Channel == nil {
		// Nothing says what the token is for, and no channel asks for an
		// RTC join: a token without an RTC service is checked against the
		// user id it does carry, as a 006 RTM token is.
		svc = userIDService(t)
	}
	if !ok || (svc != "rtm" && svc != "chat") {
		return
	}
	var ids []string
	for _, s := range t.Services {
		if svc == "rtm" && (s.Type == token.ServiceRTM || s.Type == token.ServiceRTM2) ||
			svc == "chat" && s.Type == token.ServiceChat && s.UserID != "" {
			if s.UserID == want {
				return
			}
			ids = append(ids, s.UserID)
		}
	}
	if len(ids) > 0 {
		r.Add(Finding{Code: CodeUIDMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "services.user_id",
			Message: fmt.Sprintf("the token's %s user id is %q, not %q", svc, ids[0], want),
			Hint:    "log in with the user id the token was built for, or build a token for this user id (user ids are case-sensitive)"})
	}
}

// userIDService names the service whose user id a 007 token without an
// RTC service is checked against: "rtm" when it holds an RTM or RTM2
// service, else "chat" for a Chat user token, else "" (nothing to compare).
func userIDService(t *token.Token007) string {
	svc := ""
	for _, s := range t.Services {
		switch {
		case s.Type == token.ServiceRTC:
			return ""
		case s.Type == token.ServiceRTM || s.Type == token.ServiceRTM2:
			svc = "rtm"
		case s.Type == token.ServiceChat && s.UserID != "" && svc == "":
			svc = "chat"
		}
	}
	return svc
}

// writtenAs says how a token writes uid n: "written \"42\"", or, for uid 0
// (the wildcard), "written as empty text".
func writtenAs(n uint32) string {
	if n == 0 {
		return "written as empty text"
	}
	return fmt.Sprintf("written %q", token.UIDText(n))
}

// uidTextFinding explains uid text that reads like a number but is not the
// canonical text of a uid (form is uidNegative, uidNegativeWide,
// uidOutOfRange, uidLeadingZero or uidNumberLike; meant is the value
// classifyUID returned). subject names the text ("the uid field holds
// \"-1\"") and starts the message.
func uidTextFinding(text string, form uidForm, meant uint32, subject, field string) Finding {
	f := Finding{Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: field}
	switch form {
	case uidNegative:
		if meant == 0 {
			// "-0": no conversion writes it.
			f.Code = CodeUIDIsAccount
			f.Message = fmt.Sprintf("%s, uid 0 written with a minus sign: it is the account %q, not uid 0 (%s), so a client joining with uid 0 is refused", subject, text, writtenAs(0))
			f.Hint = "build the token with the number 0 for \"any uid\" (written as empty text)"
			break
		}
		f.Code = CodeUIDNegative
		f.Message = fmt.Sprintf("%s, the signed 32-bit form of uid %d: a client joining with uid %d is refused", subject, meant, meant)
		f.Hint = fmt.Sprintf("convert uids as unsigned 32-bit numbers (Java: Integer.toUnsignedString); build with %d", meant)
	case uidOutOfRange:
		f.Code = CodeUIDOutOfRange
		f.Message = fmt.Sprintf("%s, above 2^32-1 (4294967295): no numeric uid can join with it, only the account of those digits", subject)
		f.Hint = "uids are unsigned 32-bit numbers; use a user account for larger identifiers"
	case uidLeadingZero:
		f.Code = CodeUIDIsAccount
		f.Message = fmt.Sprintf("%s with a leading zero: it is the account %q, not uid %d (%s)", subject, text, meant, writtenAs(meant))
		f.Hint = "write numeric uids as plain decimal text without leading zeros"
	case uidNegativeWide:
		f.Code = CodeUIDNegative
		f.Message = fmt.Sprintf("%s, a negative number below -2^31 (-2147483648): no signed 32-bit conversion gives it and no numeric uid can join with it, only the account of that text", subject)
		f.Hint = "uids are unsigned 32-bit numbers (1 to 4294967295); check how the server computes the uid"
	case uidNumberLike:
		_, how := numberLike(text)
		f.Code = CodeUIDIsAccount
		f.Message = fmt.Sprintf("%s, uid %d written %s: it is the account %q, not uid %d (%s), so a client joining with uid %d is refused", subject, meant, how, text, meant, writtenAs(meant), meant)
		f.Hint = fmt.Sprintf("write numeric uids as plain decimal text (an unsigned integer, not a float, no spaces or sign): build with uid %d", meant)
	}
	return f
}

func identity006Rules(r *Report, exp *Expectations, t *token.Token006) {
	if t.Signature == nil || isRTM006(t) {
		return
	}
	switch t.CRCUID {
	case 0:
		r.Add(Finding{Code: CodeUIDZero, Severity: SevInfo, Field: "crc_uid",
			Message: "crc_uid is 0, the CRC-32 of the empty text: the token was built for uid 0 (the wildcard, \"any uid may join\"); its signature covers the empty text, so a strict check passes for uid 0 only",
			Hint:    "build the token for the uid the client joins with, unless any user of the channel is meant to share it"})
	case CRC32("0"):
		r.Add(Finding{Code: CodeUIDLiteralZero, Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: "crc_uid",
			Message: `crc_uid is the CRC-32 of the text "0": the token was built for the account named "0", not uid 0 (the wildcard, written as empty text), so a client joining with uid 0 is refused`,
			Hint:    `build with the number 0 for "any uid" (Ruby's 006 builder and a string "0" in PHP write "0")`})
	}
	// The uid text given, when the token's CRC shows it was built for it:
	// the same spellings that fail as a 007 uid fail here.
	text, given := "", false
	switch {
	case exp.Account != nil:
		text, given = *exp.Account, true
	case exp.UID != nil && !exp.UIDNumeric:
		text, given = *exp.UID, true
	}
	if given && CRC32(text) == t.CRCUID {
		switch form, meant := classifyUID(text); form {
		case uidNegative, uidNegativeWide, uidOutOfRange, uidLeadingZero, uidNumberLike:
			r.Add(uidTextFinding(text, form, meant, fmt.Sprintf("the token was built for %q (crc_uid is its CRC-32)", text), "crc_uid"))
		}
	}
	if exp.UID != nil && exp.UIDNumeric {
		if n, err := strconv.ParseUint(*exp.UID, 10, 32); err == nil && n >= 1<<31 {
			signed := strconv.FormatInt(int64(int32(uint32(n))), 10)
			if CRC32(signed) == t.CRCUID {
				r.Add(Finding{Code: CodeUIDNegative, Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: "crc_uid",
					Message: fmt.Sprintf("crc_uid is the CRC-32 of %q, the signed 32-bit form of uid %d: the builder converted the uid as a signed int", signed, n),
					Hint:    fmt.Sprintf("Java's 006 RtcTokenBuilder.buildTokenWithUid(int) does this for uids ≥ 2^31: build with buildTokenWithUserAccount(%q) or the 007 builder", *exp.UID)})
			}
		}
	}
}

// isRTM006 reports whether a 006 token is an RTM token (its privileges are
// RTM login only): its channel field holds the RTM user id, its uid is empty.
func isRTM006(t *token.Token006) bool {
	if len(t.Privileges) == 0 {
		return false
	}
	for _, p := range t.Privileges {
		if p.ID != token.Priv006RTMLogin {
			return false
		}
	}
	return true
}
