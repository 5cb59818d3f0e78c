package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// errorBody is the answer to a request that could not be served.
type errorBody struct {
	Error string `json:"error"`
}

// requestError is a problem with a request, answered with its status and
// message as they are.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, msg: fmt.Sprintf(format, args...)}
}

// writeJSON answers v with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"error":"internal error: the answer could not be encoded"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// writeError answers {"error": msg} with the status.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg})
}

// fail answers err: a requestError as it is, anything else as a 500 whose
// message says nothing about the cause.
func fail(w http.ResponseWriter, err error) {
	var re *requestError
	if errors.As(err, &re) {
		writeError(w, re.status, re.msg)
		return
	}
	writeError(w, http.StatusInternalServerError, "internal error")
}

// readJSON decodes the body of r, one JSON object with only known fields,
// into v, reading at most limit bytes.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || mt != "application/json" {
		return &requestError{status: http.StatusUnsupportedMediaType,
			msg: "the request body must be JSON sent with Content-Type: application/json"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return &requestError{status: http.StatusRequestEntityTooLarge,
				msg: fmt.Sprintf("the request body is larger than %s", plural(limit, "byte"))}
		}
		return badRequest("the request body could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("the request body is empty: send a JSON object")
	}
	// encoding/json would replace an invalid byte with U+FFFD, and the
	// token's checks would then name a byte the client never sent.
	if !utf8.Valid(body) {
		at := invalidUTF8(body)
		return badRequest("the request body is not UTF-8: byte %d is 0x%02x (JSON text is UTF-8; send the token as ASCII text)", at, body[at])
	}
	// The same for an escape: encoding/json would decode \ud800 as U+FFFD.
	if at, esc, ok := loneSurrogate(body); ok {
		return badRequest("the request body is not UTF-8: byte %d is the escape %s, half of a UTF-16 surrogate pair, which is no character", at, esc)
	}
	if bytes.HasPrefix(body, []byte("\ufeff")) {
		return badRequest("the request body is not valid JSON (byte 0: a byte order mark; send the JSON without it)")
	}
	fields, err := objectFields(body, reflect.TypeOf(v))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err, body)
	}
	if dec.More() {
		return badRequest("the request body holds more than one JSON value: send one object")
	}
	// dec.More stops at a closing bracket; anything but space after the value is an error.
	if rest, _ := io.ReadAll(dec.Buffered()); len(bytes.TrimSpace(rest)) > 0 {
		return badRequest("the request body has text after the JSON object")
	}
	if g, ok := v.(fieldsSetter); ok {
		g.setFields(fields)
	}
	return nil
}

// fieldsSetter is a request that is told which members its body held, to
// tell a field given as "" or 0 from one left out.
type fieldsSetter interface {
	setFields(map[string]json.RawMessage)
}

// objectFields returns the members of the JSON object body by name, for
// decoding into a value of type t (a pointer to a struct), or refuses a
// member whose name is not one of t's fields exactly, or given twice, naming
// it and its byte offset. encoding/json takes "KIND" for "kind" and the last
// of two members of one name, so {"kind":"rtc","Kind":"fpa"} would build an
// FPA token; other JSON parsers (most take the first member) would read such
// a body differently. A body that is not a well-formed object is left to the
// decoder to describe: the result is then nil, nil.
func objectFields(body []byte, t reflect.Type) (map[string]json.RawMessage, error) {
	names := map[string]string{} // lower case -> as declared
	if t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct {
		for f := range t.Elem().Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "" && name != "-" {
				names[strings.ToLower(name)] = name
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil
	}
	fields := map[string]json.RawMessage{}
	at := map[string]int64{}
	for dec.More() {
		// The member starts after the space and comma before it.
		start := dec.InputOffset()
		for start < int64(len(body)) && strings.IndexByte(" \t\r\n,", body[start]) >= 0 {
			start++
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, nil
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil
		}
		want, known := names[strings.ToLower(key)]
		switch {
		case len(names) > 0 && !known:
			return nil, badRequest("unknown field %q (byte %d)", key, start)
		case known && want != key:
			return nil, badRequest("unknown field %q (byte %d): field names are matched exactly: write %q", key, start, want)
		}
		if first, ok := at[key]; ok {
			return nil, badRequest("field %q is given twice (bytes %d and %d): give each field once", key, first, start)
		}
		at[key], fields[key] = start, raw
	}
	return fields, nil
}

// loneSurrogate finds, in the strings of the JSON text b, the first \u
// escape of a UTF-16 surrogate that is not part of a pair: its offset and
// the escape.
func loneSurrogate(b []byte) (int, string, bool) {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
		return rune(n), err == nil
	}
	inString := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			inString = !inString
		case c == '\\' && inString:
			r, ok := hex4(i)
			switch {
			case !ok:
				i++ // the escaped character
			case utf16.IsSurrogate(r):
				if lo, ok := hex4(i + 6); ok && r < 0xdc00 && lo >= 0xdc00 && lo <= 0xdfff {
					i += 11
					continue
				}
				return i, string(b[i : i+6]), true
			default:
				i += 5
			}
		}
	}
	return 0, "", false
}

// invalidUTF8 is the offset of the first byte of b that is not part of a
// valid UTF-8 sequence; b must hold one.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return 0
}

// jsonError turns a decoding error into a message about the request.
func jsonError(err error, body []byte) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the byte the error was found at: the byte offsets
		// of the other messages start at 0.
		return badRequest("the request body is not valid JSON (byte %d: %s)", max(se.Offset-1, 0), strings.TrimPrefix(se.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("the request body is not valid JSON (it ends early)")
	case errors.As(err, &te):
		if te.Field == "" {
			return badRequest("the request body must be a JSON object, not %s", te.Value)
		}
		return badRequest("field %q: got a JSON %s, want %s", te.Field, te.Value, jsonKind(te.Type.Kind().String()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return badRequest("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	var fe *fieldError
	if errors.As(err, &fe) {
		return badRequest("%s", fe.Error())
	}
	return badRequest("the request body is not a valid request object")
}

// plural renders a count with its noun, "1 byte" or "2 bytes".
func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.FormatInt(n, 10) + " " + noun + "s"
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "int", "int8", "int16", "int32", "int64":
		return "an integer"
	case "uint8":
		return "an integer from 0 to 255"
	case "uint16":
		return "an integer from 0 to 65535"
	case "uint32":
		return "an integer from 0 to 4294967295"
	case "uint", "uint64":
		return "a non-negative integer"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return "another type"
}

// fieldError is a field whose value has the right JSON type but a wrong form.
type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return fmt.Sprintf("field %q: %s", e.field, e.msg) }

// UID is the uid of an audit input object: a JSON number or a decimal
// string, 0..4294967295.
type UID struct {
	// Set says the field was present and not null.
	Set bool
	// Value is the number.
	Value uint32
}

// UnmarshalJSON accepts a number or a decimal string.
func (u *UID) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*u = UID{}
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return &fieldError{"uid", "not a valid JSON string"}
		}
		s = strings.TrimSpace(str)
		if s == "" {
			*u = UID{}
			return nil
		}
	}
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return &fieldError{"uid", "want a number 0..4294967295 or such a number as a decimal string (give a user account as \"account\")"}
	}
	*u = UID{Set: true, Value: uint32(n)}
	return nil
}

// RequestID is the "id" of an inspect request, a JSON string or number kept
// as written (so a large number is echoed exactly). Any other JSON value is
// refused.
type RequestID json.RawMessage

// UnmarshalJSON accepts a string or a number; null is no id.
func (id *RequestID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch c := b[0]; {
	case string(b) == "null":
		*id = nil
		return nil
	case c == '"' || c == '-' || c >= '0' && c <= '9':
		*id = RequestID(report.ValidUTF8(bytes.Clone(b)))
		return nil
	case c == '{':
		return &fieldError{"id", "got a JSON object, want a string or a number"}
	case c == '[':
		return &fieldError{"id", "got a JSON array, want a string or a number"}
	}
	return &fieldError{"id", "want a string or a number"}
}

// MarshalJSON writes the id as it was given (null when there is none).
func (id RequestID) MarshalJSON() ([]byte, error) {
	if len(id) == 0 {
		return []byte("null"), nil
	}
	return id, nil
}

// InspectRequest is the body of POST /api/inspect: the audit input object of
// the JSON contract plus an optional "now", read as audit reads its input
// lines: an empty cert, app_id or uid counts as not given (as a log record
// writes a missing one), an empty channel or account is checked as given
// (the page leaves empty fields out).
type InspectRequest struct {
	// ID is echoed in the answer: a JSON string or number.
	ID RequestID `json:"id,omitempty"`
	// Token is the token string (required).
	Token string `json:"token"`
	// Cert is the App Certificate; without it the signature is unchecked.
	Cert string `json:"cert,omitempty"`
	// AppID, Channel, UID and Account are what the client uses.
	AppID   string  `json:"app_id,omitempty"`
	Channel *string `json:"channel,omitempty"`
	UID     UID     `json:"uid"`
	Account *string `json:"account,omitempty"`
	// For is what the token is needed for: "rtc", "rtm", "chat" or "".
	For string `json:"for,omitempty"`
	// Now is the instant to judge against, unix seconds; nil means the clock.
	Now *int64 `json:"now,omitempty"`
}

// Expectations turns the request into what verify needs; now is used when
// the request gives no "now".
func (q *InspectRequest) Expectations(now time.Time) (*verify.Expectations, error) {
	if strings.TrimSpace(q.Token) == "" {
		return nil, badRequest(`field "token" is required: paste the token to inspect`)
	}
	if len(q.Token) > 2*token.MaxTokenLength {
		return nil, badRequest(`field "token" is longer than %d bytes: not a token`, 2*token.MaxTokenLength)
	}
	exp := &verify.Expectations{AppID: q.AppID, Now: now}
	if c := certText(q.Cert); c != "" {
		if !decode.IsHex32(c) {
			// The value is a secret: its length is told, never its text.
			return nil, badRequest(`field "cert": %s`, verify.CertificateShape(c))
		}
		exp.Certificates = []verify.Certificate{{Label: "primary", Value: c}}
	}
	switch q.For {
	case "", "rtc", "rtm", "chat":
		exp.For = q.For
	default:
		return nil, badRequest(`field "for": want "rtc", "rtm" or "chat"`)
	}
	exp.Channel, exp.Account = q.Channel, q.Account
	if q.UID.Set && q.Account != nil {
		return nil, badRequest(`give "uid" or "account", not both`)
	}
	if q.UID.Set {
		t := token.UIDText(q.UID.Value)
		exp.UID, exp.UIDNumeric = &t, true
	}
	if q.Now != nil {
		// Unix seconds of the tokens' 32-bit time fields; past them is a
		// time in another unit, named as the CLI's --now names it.
		switch n := *q.Now; {
		case n < 0:
			return nil, badRequest(`field "now": want unix seconds (0..%d), not a negative number`, token.MaxUnixSeconds)
		case n > token.MaxUnixSeconds:
			msg := fmt.Sprintf(`field "now": want unix seconds (0..%d)`, token.MaxUnixSeconds)
			if unit, secs, ok := token.FinerTimeUnit(uint64(n)); ok {
				msg += fmt.Sprintf(`; %d looks like a unix time in %s: "now" takes seconds (%d)`, n, unit, secs)
			}
			return nil, badRequest("%s", msg)
		}
		exp.Now = time.Unix(*q.Now, 0)
	}
	return exp, nil
}

// certText is an App Certificate as given in a request, without the
// whitespace and byte order mark around it, as the CLI reads --cert and
// --cert-file (a certificate copied from a file saved with a BOM).
func certText(s string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "\ufeff"))
}

// inspect serves POST /api/inspect.
func (s *srv) inspect(w http.ResponseWriter, r *http.Request) {
	var q InspectRequest
	if err := readJSON(w, r, s.cfg.MaxBodyBytes, &q); err != nil {
		fail(w, err)
		return
	}
	exp, err := q.Expectations(s.cfg.Now())
	if err != nil {
		fail(w, err)
		return
	}
	rep := verify.Inspect(q.Token, exp)
	// As verify --json: the exact reference compressor when re-compression
	// tells it.
	encode.RefineCompressor(rep.Token, rep.Input)
	v := report.Verify(rep)
	now := exp.Now.Unix()
	v.Now = &now
	if len(q.ID) > 0 {
		v.ID = json.RawMessage(q.ID)
	}
	writeJSON(w, http.StatusOK, v)
}
