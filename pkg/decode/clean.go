package decode

import (
	"strings"
	"unicode"
)

// Repair names one kind of transport damage that Clean undid.
type Repair string

// The repairs Clean makes, in the order it makes them.
const (
	RepairWhitespace Repair = "surrounding whitespace or newlines removed"
	RepairInvisible  Repair = "byte order mark or zero-width characters removed"
	RepairQuotes     Repair = "surrounding quotes removed"
	RepairJSONSlash  Repair = `JSON-escaped "\/" turned back into "/"`
	RepairURLEncoded Repair = "URL-encoding (%XX) decoded"
	RepairPlusSpace  Repair = `spaces turned back into "+" (a "+" became a space in a URL query)`
)

// Clean undoes the damage a token suffers when pasted from logs, JSON, URLs
// and chat: surrounding whitespace, byte order marks and zero-width
// characters (a file saved by a Windows editor, a copy from a web page), quotes, JSON "\/" escapes,
// percent-encoding and "+" turned into a space. It returns the repaired string
// and the repairs made, in order; a token that needed none comes back
// unchanged with no repairs. Clean never decodes the token itself.
func Clean(s string) (string, []Repair) {
	var done []Repair
	if t := strings.TrimFunc(s, isEdgeJunk); t != s {
		lead := len(s) - len(strings.TrimLeftFunc(s, isEdgeJunk))
		cut := s[:lead] + s[lead+len(t):]
		if strings.IndexFunc(cut, unicode.IsSpace) >= 0 {
			done = append(done, RepairWhitespace)
		}
		if strings.IndexFunc(cut, isInvisible) >= 0 {
			done = append(done, RepairInvisible)
		}
		s = t
	}
	for len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '`' && s[len(s)-1] == '`') {
		s = strings.TrimSpace(s[1 : len(s)-1])
		if len(done) == 0 || done[len(done)-1] != RepairQuotes {
			done = append(done, RepairQuotes)
		}
	}
	if strings.Contains(s, `\/`) {
		s = strings.ReplaceAll(s, `\/`, "/")
		done = append(done, RepairJSONSlash)
	}
	if u, ok := percentDecode(s); ok {
		s = u
		done = append(done, RepairURLEncoded)
	}
	if strings.IndexByte(s, ' ') >= 0 && isVersioned(s) {
		s = strings.ReplaceAll(s, " ", "+")
		done = append(done, RepairPlusSpace)
	}
	return s, done
}

// isInvisible reports the characters that copying adds at a token's edges
// without showing them: the byte order mark and the zero-width space,
// non-joiner, joiner and word joiner.
func isInvisible(r rune) bool {
	switch r {
	case '\ufeff', '\u200b', '\u200c', '\u200d', '\u2060':
		return true
	}
	return false
}

func isEdgeJunk(r rune) bool { return unicode.IsSpace(r) || isInvisible(r) }

// isVersioned reports whether s starts like a base64-bodied token, the only
// kind in which a space can stand for "+".
func isVersioned(s string) bool {
	return strings.HasPrefix(s, "007") || strings.HasPrefix(s, "006") || strings.HasPrefix(s, "005")
}

// percentDecode decodes %XX escapes when s holds at least one and every "%"
// starts a valid escape. "+" is left alone (it is base64, not a space).
func percentDecode(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 {
		return s, false
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b = append(b, s[i])
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return s, false
		}
		b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
		i += 2
	}
	return string(b), true
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}
