package legacy

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Fixed lengths of the hex-text keys (FORMATS §2; they assume the 32-character
// App IDs every reference uses).
const (
	LenDK1 = 90  // DK1: signature, App ID, unixTs, randomInt
	LenDK2 = 110 // DK2: DK1 plus uid and expiredTs
	LenDK3 = 113 // DK3: "003" and a DK2 body
	LenDK4 = 103 // DK4: "004", signature, App ID, unixTs, randomInt, expiredTs
	// MinLen006 is the shortest string that FORMATS §2 rule 6 takes for a 006
	// token: the prefix and the 32-character App ID.
	MinLen006 = 35
)

// Mismatch classifies why a string is not the format it looks closest to.
type Mismatch int

// The mismatch kinds.
const (
	// MismatchNone: the string was recognised, or nothing resembles it.
	MismatchNone Mismatch = iota
	// MismatchLength: right prefix and alphabet, wrong length (or empty).
	MismatchLength
	// MismatchAlphabet: a character outside the format's alphabet.
	MismatchAlphabet
	// MismatchPrefix: the shape of a format but another (or no) version prefix.
	MismatchPrefix
	// MismatchFields: a signaling token without exactly 4 ':'-separated fields.
	MismatchFields
	// MismatchWhitespace: a known shape once surrounding whitespace is removed.
	MismatchWhitespace
)

// String returns the snake_case name of m.
func (m Mismatch) String() string {
	switch m {
	case MismatchLength:
		return "wrong_length"
	case MismatchAlphabet:
		return "wrong_alphabet"
	case MismatchPrefix:
		return "wrong_prefix"
	case MismatchFields:
		return "wrong_field_count"
	case MismatchWhitespace:
		return "surrounding_whitespace"
	}
	return "none"
}

// Recognition is the result of [Recognize].
type Recognition struct {
	// Format is the format the string has the shape of, or token.VUnknown.
	// It may be token.V006 or token.V007, which this package does not decode.
	Format token.Version
	// Closest is, when Format is VUnknown, the format the string looks most
	// like, or VUnknown when it resembles none.
	Closest token.Version
	// Mismatch says what kind of difference separates the string from Closest.
	Mismatch Mismatch
	// Offset is the byte offset of the first problem (the first bad character,
	// or where the string ends or should have ended); -1 when recognised.
	Offset int
	// Reason is a lowercase sentence for humans, e.g. "looks like a 004 key but
	// is 101 characters, not 103"; empty when recognised.
	Reason string
}

// Recognized reports whether the string has the shape of a known format.
func (r Recognition) Recognized() bool { return r.Format != token.VUnknown }

// Legacy reports whether the recognised format is one that [Parse] decodes.
func (r Recognition) Legacy() bool { return IsLegacy(r.Format) }

// String returns the format name, or the reason it is none.
func (r Recognition) String() string {
	if r.Recognized() {
		return string(r.Format)
	}
	if r.Reason == "" {
		return "unrecognised"
	}
	return r.Reason
}

// IsLegacy reports whether v is one of the formats of this package.
func IsLegacy(v token.Version) bool {
	switch v {
	case token.VDK1, token.VDK2, token.V003, token.V004, token.V005, token.VSignal:
		return true
	}
	return false
}

// Recognize tells which format s has the shape of, applying the tests of
// FORMATS §2 in their order: 90 hex characters (DK1), 110 hex characters
// (DK2), 113 hex characters starting "003" (DK3), 103 hex characters starting
// "004" (DK4), prefix "007", prefix "006" with at least 35 characters, prefix
// "005", and "1:" with exactly four ':'-separated fields (signaling).
//
// Only the shape is examined; Recognize decodes nothing (a "005" string is
// DK5 by its prefix whatever its base64 holds) and checks no signature. The
// 006 and 007 tests are prefix checks only, so that a caller can dispatch to
// their decoders.
//
// When s has no known shape, the result names the closest format and why s is
// not that one. Two leading characters "003"/"004" weigh more than length:
// DK1 and DK2 begin with random hex, so one starts with "004" only once in
// 4096 keys, while a truncated or padded DK4 key keeps its prefix.
func Recognize(s string) Recognition {
	n := len(s)
	allHex := firstNot(s, 0, isHex) < 0
	switch {
	case n == LenDK1 && allHex:
		return recognised(token.VDK1)
	case n == LenDK2 && allHex:
		return recognised(token.VDK2)
	case n == LenDK3 && allHex && strings.HasPrefix(s, "003"):
		return recognised(token.V003)
	case n == LenDK4 && allHex && strings.HasPrefix(s, "004"):
		return recognised(token.V004)
	case strings.HasPrefix(s, "007"):
		return recognised(token.V007)
	case strings.HasPrefix(s, "006") && n >= MinLen006:
		return recognised(token.V006)
	case strings.HasPrefix(s, "005"):
		return recognised(token.V005)
	case strings.HasPrefix(s, "1:") && strings.Count(s, ":") == 3:
		return recognised(token.VSignal)
	}
	return closest(s, allHex)
}

func recognised(v token.Version) Recognition {
	return Recognition{Format: v, Offset: -1}
}

// describe names a format with its article, as used in reasons.
func describe(v token.Version) string {
	switch v {
	case token.VDK1:
		return "a DK1 key (90 hex characters, no prefix)"
	case token.VDK2:
		return "a DK2 key (110 hex characters, no prefix)"
	case token.V003:
		return "a 003 key"
	case token.V004:
		return "a 004 key"
	case token.V005:
		return "a 005 key"
	case token.V006:
		return "a 006 token"
	case token.V007:
		return "a 007 token"
	case token.VSignal:
		return "a signaling token"
	}
	return "an unknown format"
}

func closest(s string, allHex bool) Recognition {
	n := len(s)
	if n == 0 {
		return Recognition{Mismatch: MismatchLength, Offset: 0, Reason: "empty string"}
	}
	if t := strings.TrimSpace(s); t != s && t != "" {
		if r := Recognize(t); r.Recognized() {
			off := 0 // leading whitespace, else where the trailing whitespace starts
			if strings.HasPrefix(s, t) {
				off = len(t)
			}
			return Recognition{Closest: r.Format, Mismatch: MismatchWhitespace, Offset: off,
				Reason: "looks like " + describe(r.Format) + " but has surrounding whitespace"}
		}
	}
	switch {
	case strings.HasPrefix(s, "003"):
		return fixedMismatch(s, token.V003, LenDK3)
	case strings.HasPrefix(s, "004"):
		return fixedMismatch(s, token.V004, LenDK4)
	case strings.HasPrefix(s, "006"): // shorter than MinLen006
		return Recognition{Closest: token.V006, Mismatch: MismatchLength, Offset: n,
			Reason: fmt.Sprintf("looks like a 006 token but is %d characters; a 006 token has at least %d (prefix and 32-character App ID) before its base64 content", n, MinLen006)}
	case strings.HasPrefix(s, "1:"):
		return Recognition{Closest: token.VSignal, Mismatch: MismatchFields, Offset: n,
			Reason: fmt.Sprintf("looks like a signaling token but has %d ':'-separated fields, not 4", strings.Count(s, ":")+1)}
	}
	if allHex {
		if r, ok := hexMismatch(s); ok {
			return r
		}
	}
	if n == LenDK1 || n == LenDK2 {
		v := token.VDK1
		if n == LenDK2 {
			v = token.VDK2
		}
		bad := firstNot(s, 0, isHex)
		return Recognition{Closest: v, Mismatch: MismatchAlphabet, Offset: bad,
			Reason: "looks like " + describe(v) + " but " + badChar(s, bad) + ", not hex"}
	}
	if strings.Count(s, ":") == 3 {
		first, _, _ := strings.Cut(s, ":")
		return Recognition{Closest: token.VSignal, Mismatch: MismatchPrefix, Offset: 0,
			Reason: fmt.Sprintf("has the four ':'-separated fields of a signaling token but its version is %q, not \"1\"", first)}
	}
	if n >= 3 && s[0] == '0' && s[1] == '0' && isDigit(s[2]) {
		return Recognition{Mismatch: MismatchPrefix, Offset: 0,
			Reason: fmt.Sprintf("version prefix %q is not a known one (003, 004, 005, 006, 007; DK1 and DK2 carry none)", s[:3])}
	}
	if allHex {
		return Recognition{Mismatch: MismatchLength, Offset: n,
			Reason: fmt.Sprintf("%d hex characters match no legacy key (90, 110, or 103/113 with prefix 004/003)", n)}
	}
	return Recognition{Mismatch: MismatchNone, Offset: 0,
		Reason: "no known prefix (003, 004, 005, 006, 007, 1:) and not 90 or 110 hex characters"}
}

// fixedMismatch explains why s, which starts with the prefix of v, is not a
// want-character all-hex key.
func fixedMismatch(s string, v token.Version, want int) Recognition {
	n := len(s)
	bad := firstNot(s, 0, isHex)
	var parts []string
	r := Recognition{Closest: v}
	if n != want {
		parts = append(parts, fmt.Sprintf("is %d characters, not %d", n, want))
		r.Mismatch, r.Offset = MismatchLength, min(n, want)
	}
	if bad >= 0 {
		p := badChar(s, bad) + ", not hex"
		if s[bad] == '-' {
			p += " (a negative decimal, as written by 32-bit signed-int builders: FORMATS §16 Q11)"
		}
		parts = append(parts, p)
		if r.Mismatch == MismatchNone || bad < r.Offset {
			r.Mismatch, r.Offset = MismatchAlphabet, bad
		}
	}
	r.Reason = "looks like " + describe(v) + " but " + strings.Join(parts, " and ")
	return r
}

// hexMismatch explains why an all-hex string is neither DK1 nor DK2 (nor a
// prefixed DK3/DK4, which closest has already ruled out). It reports false
// when the string is too far from every legacy length to resemble one.
func hexMismatch(s string) (Recognition, bool) {
	n := len(s)
	switch n {
	case LenDK3:
		return Recognition{Closest: token.V003, Mismatch: MismatchPrefix, Offset: 0,
			Reason: fmt.Sprintf("is 113 hex characters like a 003 key but starts with %q, not \"003\"", s[:3])}, true
	case LenDK4:
		return Recognition{Closest: token.V004, Mismatch: MismatchPrefix, Offset: 0,
			Reason: fmt.Sprintf("is 103 hex characters like a 004 key but starts with %q, not \"004\"", s[:3])}, true
	case appIDLen:
		return Recognition{Mismatch: MismatchLength, Offset: n,
			Reason: "32 hex characters: an App ID or App Certificate, not a key"}, true
	}
	v, want := token.VDK1, LenDK1
	if abs(n-LenDK2) < abs(n-LenDK1) {
		v, want = token.VDK2, LenDK2
	}
	const near = 16 // beyond this a hex string resembles no key more than another
	if abs(n-want) > near {
		return Recognition{}, false
	}
	return Recognition{Closest: v, Mismatch: MismatchLength, Offset: min(n, want),
		Reason: fmt.Sprintf("looks like %s but is %d characters, not %d", describe(v), n, want)}, true
}

// badChar describes the character at byte offset i of s.
func badChar(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return fmt.Sprintf("the character at offset %d is %q", i, r)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isLowerHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' }

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// firstNot returns the offset of the first byte of s at or after from that
// fails ok, or -1.
func firstNot(s string, from int, ok func(byte) bool) int {
	for i := from; i < len(s); i++ {
		if !ok(s[i]) {
			return i
		}
	}
	return -1
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
