// Package audit checks streams of tokens: it reads one token per line (a bare
// token, or a JSON object with the token and what the caller knows about it),
// inspects the lines on several goroutines and hands the results back in
// input order, holding only a bounded number of lines in memory however long
// the input is.
//
// The package never logs or prints; the CLI renders and logs the results.
package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// MaxLineLength is the longest input line read, in bytes. A longer line is
// reported as a bad line and skipped; the run goes on.
const MaxLineLength = 4*token.MaxTokenLength + 64<<10

// Errors of ParseLine. A *LineError unwraps to ErrBadLine; a blank line gives
// ErrBlank.
var (
	ErrBadLine = errors.New("bad input line")
	ErrBlank   = errors.New("blank line")
)

// LineError says why an input line could not be read. Its text never holds
// the token or the certificate of the line.
type LineError struct {
	// Field is the JSON key concerned ("" for the whole line).
	Field  string
	Detail string
}

// Error renders the field and the detail.
func (e *LineError) Error() string {
	if e.Field == "" {
		return e.Detail
	}
	return e.Field + ": " + e.Detail
}

// Unwrap returns ErrBadLine.
func (e *LineError) Unwrap() error { return ErrBadLine }

// Input is one input line: the token and what the caller knows about it.
type Input struct {
	// ID is the line's "id" exactly as written, a JSON string or number; nil
	// when absent or null. Any other JSON value makes the line a bad line.
	ID json.RawMessage
	// Token is the token string as given (transport damage is repaired and
	// reported by the verifier).
	Token string
	// Cert is an App Certificate for this line ("" = the run's certificates).
	// ParseLine refuses a cert that is not 32 hexadecimal characters.
	Cert string
	// AppID is the expected app ID ("" = the run's).
	AppID string
	// Channel, UID and Account are nil when the line does not give them. UID
	// is uid text as tokens carry it: the number 0 (or "0") becomes "" (uid
	// 0); a decimal string is read as the number it writes, another string
	// used exactly.
	Channel    *string
	UID        *string
	UIDNumeric bool
	Account    *string
	// For is "rtc", "rtm", "chat" or "" (the run's).
	For string
}

// jsonLine is the closed set of keys an input object may use; other keys
// are ignored, so log records with extra fields can be fed directly.
type jsonLine struct {
	ID      json.RawMessage `json:"id"`
	Token   *string         `json:"token"`
	Cert    *string         `json:"cert"`
	AppID   *string         `json:"app_id"`
	Channel *string         `json:"channel"`
	UID     json.RawMessage `json:"uid"`
	Account *string         `json:"account"`
	For     *string         `json:"for"`
}

// ParseLine reads one input line (without its "\n"; a trailing "\r" is
// dropped). A line whose first non-blank character is "{" is a JSON object
// {"id", "token", "cert", "app_id", "channel", "uid", "account", "for"}; one
// starting with "[" (a JSON array) and the JSON literals null, true and false
// are bad lines; anything else is a bare token, passed on untrimmed so that the verifier
// reports surrounding whitespace. It returns ErrBlank for a blank line and a
// *LineError for a line it cannot read (with the line's id when it could be
// read). It never panics.
func ParseLine(line []byte) (Input, error) {
	return parseLine(line, false)
}

// parseLine is ParseLine; with owned, line is the caller's to give away (it
// is never written again) and a bare token is a string over its bytes, not a
// copy.
func parseLine(line []byte, owned bool) (Input, error) {
	line = bytes.TrimSuffix(line, []byte("\r"))
	trimmed := bytes.TrimSpace(line)
	if len(trimmed) == 0 {
		return Input{}, ErrBlank
	}
	if len(line) > MaxLineLength {
		return Input{}, tooLong(len(line))
	}
	if trimmed[0] == '[' {
		// No token starts with "[": a JSON array (a batch pasted whole, or a
		// log record of another shape) is a bad line, not an unknown version.
		return Input{}, &LineError{Detail: "a JSON array: want a bare token or a JSON object per line"}
	}
	switch string(trimmed) {
	case "null", "true", "false":
		// A JSON literal (a log record with no token) is no token either.
		return Input{}, &LineError{Detail: "a JSON " + string(trimmed) + ": want a bare token or a JSON object per line"}
	}
	if trimmed[0] != '{' {
		if owned {
			return Input{Token: unsafe.String(&line[0], len(line))}, nil
		}
		return Input{Token: string(line)}, nil
	}
	lead := len(line) - len(bytes.TrimLeftFunc(line, unicode.IsSpace))
	var j jsonLine
	err := json.Unmarshal(trimmed, &j)
	in := Input{}
	idKind := ""
	if len(j.ID) > 0 && string(j.ID) != "null" {
		if idKind = jsonKind(j.ID); idKind == "" {
			// Kept on error too (a type error leaves the other keys decoded),
			// so that the result of a bad line still carries its id.
			in.ID = report.ValidUTF8(j.ID)
		}
	}
	if err != nil {
		return in, &LineError{Detail: "bad JSON line: " + jsonErrorText(err, lead)}
	}
	if lerr := checkObject(trimmed, lead); lerr != nil {
		if lerr.Field == "id" {
			// Which of the ids is the line's is the question.
			in.ID = nil
		}
		return in, lerr
	}
	if idKind != "" {
		return in, &LineError{Field: "id", Detail: "got a JSON " + idKind + ", want a string or a number"}
	}
	if j.Token == nil {
		return in, &LineError{Field: "token", Detail: "missing: every JSON line needs a token"}
	}
	in.Token = *j.Token
	if j.Cert != nil && *j.Cert != "" {
		if err := checkCert(*j.Cert); err != nil {
			// Verifying against the run's certificates instead would pass
			// off another certificate's verdict as this line's.
			return in, err
		}
		in.Cert = *j.Cert
	}
	if j.AppID != nil {
		in.AppID = *j.AppID
	}
	in.Channel, in.Account = j.Channel, j.Account
	if j.For != nil {
		switch *j.For {
		case "", "rtc", "rtm", "chat":
			in.For = *j.For
		default:
			return in, &LineError{Field: "for", Detail: quoted(*j.For) + ": want rtc, rtm or chat"}
		}
	}
	// "uid": "" (or blanks) is not given, as a log record writes a missing
	// uid and as the empty cert (uid 0 is 0 or "0").
	if len(j.UID) > 0 && string(j.UID) != "null" && string(j.UID) != `""` {
		// A number, or such a number as a decimal string (the contract's
		// "uid", read as /api/inspect reads it): "0" is uid 0, "042" is
		// 42. Another string is uid text as a log record wrote it (an
		// account in the uid field), used exactly.
		var s string
		if j.UID[0] == '"' {
			if err := json.Unmarshal(j.UID, &s); err != nil {
				return in, &LineError{Field: "uid", Detail: jsonErrorText(err, 0)}
			}
		}
		if j.UID[0] != '"' || strings.TrimSpace(s) != "" {
			if in.Account != nil {
				return in, &LineError{Field: "uid", Detail: "give uid or account, not both"}
			}
			text := string(j.UID)
			if j.UID[0] == '"' {
				text = strings.TrimSpace(s)
			}
			n, err := strconv.ParseUint(text, 10, 32)
			switch {
			case err == nil:
				t := token.UIDText(uint32(n))
				in.UID, in.UIDNumeric = &t, true
			case j.UID[0] == '"':
				in.UID = &s
			default:
				return in, &LineError{Field: "uid", Detail: uidText(j.UID) + " is not a uid: want an integer 0..4294967295 or a string"}
			}
		}
	}
	return in, nil
}

// inputKeys are the keys of an input object (those of jsonLine).
var inputKeys = [...]string{"id", "token", "cert", "app_id", "channel", "uid", "account", "for"}

// checkObject refuses what encoding/json reads otherwise than the text of
// the object line obj says (obj is well-formed JSON, at byte lead of its
// line), as POST /api/inspect refuses it: a byte that is not UTF-8 or an
// escaped half of a UTF-16 surrogate pair (both decoded as U+FFFD, so that
// the token's checks would name a character the line does not hold), an
// input key written in another case ("Token", which encoding/json takes for
// "token"), and an input key given twice (encoding/json keeps the last,
// most other parsers the first). Other keys are ignored, once or twice. The
// error names the byte offset in the line.
func checkObject(obj []byte, lead int) *LineError {
	if !utf8.Valid(obj) {
		at := 0
		for at < len(obj) {
			r, n := utf8.DecodeRune(obj[at:])
			if r == utf8.RuneError && n == 1 {
				break
			}
			at += n
		}
		return &LineError{Detail: fmt.Sprintf("not UTF-8: byte %d is 0x%02x (JSON text is UTF-8; write the token as ASCII text)", lead+at, obj[at])}
	}
	var seen [len(inputKeys)]int // 1 + the offset of each input key met
	depth, isKey := 0, false     // isKey: the next string is a key of obj
	for i := 0; i < len(obj); i++ {
		switch obj[i] {
		case '{':
			depth++
			isKey = depth == 1
		case '[':
			depth++
		case '}', ']':
			depth--
		case ',':
			isKey = depth == 1
		case '"':
			start, escaped := i, false
			for i++; obj[i] != '"'; i++ {
				if obj[i] != '\\' {
					continue
				}
				escaped = true
				if obj[i+1] != 'u' {
					i++
					continue
				}
				r := hex4(obj[i+2 : i+6])
				if utf16.IsSurrogate(r) {
					if r < 0xdc00 && i+12 <= len(obj) && obj[i+6] == '\\' && obj[i+7] == 'u' {
						if lo := hex4(obj[i+8 : i+12]); lo >= 0xdc00 && lo <= 0xdfff {
							i += 11
							continue
						}
					}
					return &LineError{Detail: fmt.Sprintf("not UTF-8: byte %d is the escape %s, half of a UTF-16 surrogate pair, which is no character", lead+i, obj[i:i+6])}
				}
				i += 5
			}
			if !isKey {
				continue
			}
			isKey = false
			name := obj[start+1 : i]
			if escaped {
				var s string
				if json.Unmarshal(obj[start:i+1], &s) == nil {
					name = []byte(s)
				}
			}
			if len(name) == 0 {
				continue
			}
			key := unsafe.String(&name[0], len(name))
			for k, want := range inputKeys {
				if key == want {
					if seen[k] != 0 {
						return &LineError{Field: want, Detail: fmt.Sprintf("given twice (bytes %d and %d): give each key once", seen[k]-1, lead+start)}
					}
					seen[k] = lead + start + 1
					break
				}
				if strings.EqualFold(key, want) {
					return &LineError{Field: want, Detail: fmt.Sprintf("key %q (byte %d): keys are matched exactly: write %q", key, lead+start, want)}
				}
			}
		}
	}
	return nil
}

// hex4 reads the 4 hexadecimal digits of a \u escape.
func hex4(b []byte) rune {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}

// checkCert refuses a line's certificate that is not 32 hexadecimal
// characters, without quoting it (a certificate is a secret, even when
// mistyped).
func checkCert(c string) *LineError {
	if decode.IsHex32(c) {
		return nil
	}
	return &LineError{Field: "cert", Detail: verify.CertificateShape(c) + ": the line is not checked against any other certificate"}
}

// jsonKind returns "" for a JSON string or number (an id as the contract
// allows it) and otherwise the kind of the value: "object", "array",
// "boolean".
func jsonKind(raw json.RawMessage) string {
	switch c := raw[0]; {
	case c == '"' || c == '-' || c >= '0' && c <= '9':
		return ""
	case c == '{':
		return "object"
	case c == '[':
		return "array"
	case c == 't' || c == 'f':
		return "boolean"
	}
	return "value"
}

// jsonErrorText renders a JSON error without quoting the input. A syntax
// error names the byte at fault by its offset in the line (the text decoded
// starts at byte lead), counted from 0 as the other messages of a line
// count.
func jsonErrorText(err error, lead int) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), lead+int(max(se.Offset-1, 0)))
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s: a JSON %s where a %s belongs", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// maxQuoted is the longest value a message quotes: enough for a mistyped
// "for" or uid ("voice", 4294967296), too short to carry a certificate or
// a token given under the wrong key into the logs.
const maxQuoted = 12

// quoted quotes a short string value, or says how long a longer one is.
func quoted(s string) string {
	if len(s) > maxQuoted {
		return "a string of " + token.Plural(utf8.RuneCountInString(s), "character")
	}
	return strconv.Quote(s)
}

// uidText names a uid value that is not a string: a short number as
// written, a longer one by its length, anything else by its JSON kind.
func uidText(raw json.RawMessage) string {
	if k := jsonKind(raw); k != "" {
		if k == "boolean" {
			return string(raw)
		}
		return "a JSON " + k
	}
	if len(raw) > maxQuoted {
		return "a number of " + token.Plural(len(raw), "character")
	}
	return string(raw)
}
