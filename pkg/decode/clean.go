package decode

import (
	"slices"
	"strings"
	"unicode"
)

// Repair names one kind of transport damage that Clean undid.
type Repair string

// The repairs Clean makes, in the order it makes them.
const (
	RepairWhitespace  Repair = "surrounding whitespace or newlines removed"
	RepairInvisible   Repair = "byte order mark or zero-width characters removed"
	RepairQuotes      Repair = "surrounding quotes removed"
	RepairEscapedEOL  Repair = `an escaped line break ("\n" written as text) at the end removed`
	RepairJSONSlash   Repair = `JSON-escaped "\/" turned back into "/"`
	RepairJSONUnicode Repair = `JSON \u escapes of "=", "+" or "/" (Gson writes "=" as \u003d) decoded`
	RepairURLEncoded  Repair = "URL-encoding (%XX) decoded"
	RepairURLTwice    Repair = "URL-encoding decoded a second time (the token was URL-encoded twice: %252B)"
	RepairPlusSpace   Repair = `spaces turned back into "+" (a "+" became a space in a URL query)`
)

// Clean undoes the damage a token suffers when pasted from logs, JSON, URLs
// and chat: surrounding whitespace, byte order marks and zero-width
// characters (a file saved by a Windows editor, a copy from a web page),
// quotes, an escaped "\n" at the end, JSON "\/" and \u003d escapes,
// percent-encoding (once or twice) and "+" turned into a space. It returns the repaired string
// and the repairs made, in order; a token that needed none comes back
// unchanged with no repairs. Clean never decodes the token itself.
//
// The repairs are applied again to their own result until nothing changes
// (a token both quoted and URL-encoded, %22007…%22, loses its quotes only
// after the URL decoding); each repair is reported once, in the order first
// made.
func Clean(s string) (string, []Repair) {
	var done []Repair
	urlDecoded := false
	for pass := 0; pass < 4; pass++ {
		t, reps := cleanOnce(s, !urlDecoded)
		for _, r := range reps {
			urlDecoded = urlDecoded || r == RepairURLEncoded
			if !slices.Contains(done, r) {
				done = append(done, r)
			}
		}
		if t == s {
			break
		}
		s = t
	}
	return s, done
}

// cleanOnce makes each repair once, in order; URL decoding only when
// decodeURL (a token is URL-decoded in one pass, at most twice over: what
// is left after that is part of the text).
func cleanOnce(s string, decodeURL bool) (string, []Repair) {
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
	if t := trimEscapedEOL(s); t != s && isVersioned(strings.TrimLeft(t, "\"'`")) {
		s = t
		done = append(done, RepairEscapedEOL)
	}
	if strings.Contains(s, `\/`) {
		s = strings.ReplaceAll(s, `\/`, "/")
		done = append(done, RepairJSONSlash)
	}
	if strings.Contains(s, `\u00`) {
		if t := jsonUnicodeEscapes.Replace(s); t != s {
			s = t
			done = append(done, RepairJSONUnicode)
		}
	}
	if u, ok := percentDecode(s); ok && decodeURL {
		s = u
		done = append(done, RepairURLEncoded)
		// A second layer shows as escapes of the characters base64 uses
		// (and only those: a literal "%41" left by the first stays).
		if isVersioned(s) && onlyBase64Escapes(s) {
			if u, ok := percentDecode(s); ok {
				s = u
				done = append(done, RepairURLTwice)
			}
		}
	}
	if strings.IndexByte(s, ' ') >= 0 && isVersioned(s) {
		s = strings.ReplaceAll(s, " ", "+")
		done = append(done, RepairPlusSpace)
	}
	return s, done
}

// jsonUnicodeEscapes undoes the \u escapes a JSON encoder may write for the
// characters of base64 besides letters and digits (Gson escapes "=" by
// default, as \u003d).
var jsonUnicodeEscapes = strings.NewReplacer(
	`\u003d`, "=", `\u003D`, "=", `\u002b`, "+", `\u002B`, "+", `\u002f`, "/", `\u002F`, "/")

// trimEscapedEOL removes the text "\n", "\r\n" or "\r" (backslash escapes,
// as a JSON log line shows a token that ended in a line break) from the end
// of s, with any whitespace before it.
func trimEscapedEOL(s string) string {
	for {
		t := strings.TrimSuffix(strings.TrimSuffix(s, `\n`), `\r`)
		if t == s {
			return s
		}
		s = strings.TrimRightFunc(t, unicode.IsSpace)
	}
}

// onlyBase64Escapes reports whether every %XX escape in s stands for "+",
// "/" or "=": what is left of a token URL-encoded twice after one decoding.
func onlyBase64Escapes(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0; i = strings.IndexByte(s, '%') {
		if len(s) < i+3 {
			return false
		}
		switch strings.ToUpper(s[i+1 : i+3]) {
		case "2B", "2F", "3D":
		default:
			return false
		}
		s = s[i+3:]
	}
	return true
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
