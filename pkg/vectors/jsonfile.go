package vectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// Formats are the values of "format" a vector file may have: the token
// formats of the cross-language vectors and "tampered" (TamperedFile).
var Formats = []string{"003", "004", "005", "006", "007", "signaling", "tampered"}

// FormatError reports a vector file whose "format" is not one of Formats.
type FormatError struct {
	Format string
	Path   string // "" when the file was read from a reader
}

func (e *FormatError) Error() string {
	in := ""
	if e.Path != "" {
		in = " in " + e.Path
	}
	return fmt.Sprintf("unknown format %q%s: want %s or %s", e.Format, in,
		strings.Join(Formats[:len(Formats)-1], ", "), Formats[len(Formats)-1])
}

// checkFormat returns a *FormatError when format is not one of Formats.
func checkFormat(format string) error {
	for _, f := range Formats {
		if format == f {
			return nil
		}
	}
	return &FormatError{Format: format}
}

// withPath prefixes an error with the file it is about; a *FormatError
// names the file itself.
func withPath(path string, err error) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		fe.Path = path
		return fe
	}
	return fmt.Errorf("%s: %w", path, err)
}

// decodeObject decodes b, which must hold exactly one JSON object, into v
// with unknown keys refused. what names the object in messages ("a vector
// file"). Errors say what was found instead and where (line and column).
func decodeObject(b []byte, v any, what string) error {
	t := bytes.TrimSpace(b)
	if len(t) == 0 {
		return fmt.Errorf("empty file, want %s object {\"format\", \"cases\"}", what)
	}
	// A syntax pass first: it reports truncation and trailing data with
	// their offset, which the decoder does not.
	var raw json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return located(b, err)
	}
	if t[0] != '{' {
		return fmt.Errorf("%s is a JSON object with \"format\" and \"cases\", found %s", what, jsonKind(t[0]))
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return located(b, err)
	}
	return exactKeys(b, reflect.TypeOf(v))
}

// jsonKind names the JSON value starting with c, with its article.
func jsonKind(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// located adds the line and column of a JSON error to its message.
func located(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included.
		line, col := lineCol(b, se.Offset-1)
		return fmt.Errorf("invalid JSON at line %d, column %d: %s", line, col, se.Error())
	case errors.As(err, &te):
		line, col := lineCol(b, te.Offset-1)
		field := te.Field
		if field == "" {
			field = "value"
		}
		return fmt.Errorf("line %d, column %d: %s: found a JSON %s, want %s", line, col, field, te.Value, goKind(te.Type))
	}
	return errors.New(strings.TrimPrefix(err.Error(), "json: "))
}

// goKind names the JSON value a Go type decodes from.
func goKind(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return goKind(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		return "a number in the range of " + t.Kind().String()
	}
	return "a value of Go type " + t.String()
}

// lineCol returns the 1-based line and column (in bytes) of offset off of b.
func lineCol(b []byte, off int64) (int, int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	before := b[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	col := len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// MaxFileBytes bounds a vector file: room for about 200,000 generated 007
// cases ("vectors gen" writes about 1.1 KB a case), far more than the
// cross-language files hold (under 1 MiB each). A file is decoded in memory,
// at several times its size, so a larger one is refused by its size before
// anything is read.
const MaxFileBytes = 256 << 20

// ReadBytes reads a vector file (of any schema) whole, refusing one larger
// than MaxFileBytes with a message naming the file and its size.
func ReadBytes(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s: %w", path, tooLarge(st.Size()))
	}
	b, err := readLimited(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// ReadAll reads a vector file from r (stdin) whole, refusing one larger
// than MaxFileBytes.
func ReadAll(r io.Reader) ([]byte, error) { return readLimited(r) }

// readLimited reads r to its end, at most MaxFileBytes.
func readLimited(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("more than %d bytes: a vector file is at most %d bytes (256 MiB)", MaxFileBytes, MaxFileBytes)
	}
	return b, nil
}

func tooLarge(n int64) error {
	return fmt.Errorf("%d bytes: a vector file is at most %d bytes (256 MiB)", n, MaxFileBytes)
}

// exactKeys reads the JSON value b holds against the Go type t that it is
// decoded into, and refuses what encoding/json would read otherwise than
// written: an object key of a struct that matches a field only in another
// letter case ("Format" for "format", or a Unicode fold such as the Kelvin
// sign, which encoding/json takes), and a key given twice in any object
// (encoding/json keeps the last, most other readers the first). Unknown
// keys are decodeObject's to refuse. b must be valid JSON (decodeObject
// has read it); the error gives the line and column of the key in b.
func exactKeys(b []byte, t reflect.Type) error {
	w := keyWalker{b: b}
	_, err := w.value(w.space(0), t)
	return err
}

// keyWalker scans valid JSON text, allocating only for keys that hold an
// escape and for the key sets of large objects.
type keyWalker struct{ b []byte }

func (w *keyWalker) space(i int) int {
	for i < len(w.b) && (w.b[i] == ' ' || w.b[i] == '\t' || w.b[i] == '\n' || w.b[i] == '\r') {
		i++
	}
	return i
}

// str returns the end of the string starting at i (after its closing
// quote) and whether it holds an escape.
func (w *keyWalker) str(i int) (int, bool) {
	escaped := false
	for i++; w.b[i] != '"'; i++ {
		if w.b[i] == '\\' {
			escaped = true
			i++
		}
	}
	return i + 1, escaped
}

// value checks the value at i against type t (nil: any) and returns where
// it ends.
func (w *keyWalker) value(i int, t reflect.Type) (int, error) {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch w.b[i] {
	case '"':
		end, _ := w.str(i)
		return end, nil
	case '[':
		var elem reflect.Type
		if t != nil && t != rawMessageType && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		i = w.space(i + 1)
		for w.b[i] != ']' {
			var err error
			if i, err = w.value(i, elem); err != nil {
				return 0, err
			}
			i = w.next(i)
		}
		return i + 1, nil
	case '{':
		return w.object(i, t)
	}
	// A number or a literal: up to the next delimiter.
	for i < len(w.b) && !strings.ContainsRune(",]} \t\n\r", rune(w.b[i])) {
		i++
	}
	return i, nil
}

// object checks the object at i against t: a struct's keys exactly, any
// map's or other object's keys once each.
func (w *keyWalker) object(i int, t reflect.Type) (int, error) {
	var elem reflect.Type
	var fields map[string]reflect.Type
	var raws map[string]reflect.Type
	if t != nil && t != rawMessageType {
		switch t.Kind() {
		case reflect.Struct:
			fields, raws = jsonFields(t), rawSchemas[t]
		case reflect.Map:
			elem = t.Elem()
		}
	}
	var few [16]string // the keys seen, while there are few
	seen := few[:0]
	var many map[string]bool
	i = w.space(i + 1)
	for w.b[i] != '}' {
		at := i
		end, escaped := w.str(i)
		key := unsafeString(w.b[i+1 : end-1])
		if escaped {
			if json.Unmarshal(w.b[i:end], &key) != nil {
				return 0, fmt.Errorf("%s: key that is no JSON string", w.pos(at))
			}
		}
		switch {
		case many != nil:
			if many[key] {
				return 0, fmt.Errorf("%s: key %q given twice: give each key once", w.pos(at), key)
			}
			many[key] = true
		case slices.Contains(seen, key):
			return 0, fmt.Errorf("%s: key %q given twice: give each key once", w.pos(at), key)
		case len(seen) < len(few):
			seen = append(seen, key)
		default:
			many = make(map[string]bool, 2*len(few))
			for _, k := range seen {
				many[k] = true
			}
			many[key] = true
		}
		vt := elem
		if fields != nil {
			ft, ok := fields[key]
			if !ok {
				for name := range fields {
					if strings.EqualFold(name, key) {
						return 0, fmt.Errorf("%s: key %q, want %q (keys are case-sensitive)", w.pos(at), key, name)
					}
				}
			}
			if rt, ok := raws[key]; ok {
				// A raw field with a schema of its own (a case's inputs).
				ft = rt
			}
			vt = ft
		}
		i = w.space(w.space(end) + 1) // past the colon
		var err error
		if i, err = w.value(i, vt); err != nil {
			return 0, err
		}
		i = w.next(i)
	}
	return i + 1, nil
}

// next skips the blanks and the comma after an element or member ending at
// i, to the next one or the closing bracket.
func (w *keyWalker) next(i int) int {
	if i = w.space(i); w.b[i] == ',' {
		i = w.space(i + 1)
	}
	return i
}

// pos is the line and column of byte i, for messages.
func (w *keyWalker) pos(i int) string {
	line, col := lineCol(w.b, int64(i))
	return fmt.Sprintf("line %d, column %d", line, col)
}

// unsafeString views b as a string; the walker's keys do not outlive b.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// rawSchemas gives the raw (json.RawMessage) fields that have a schema of
// their own the type to walk them with.
var rawSchemas = map[reflect.Type]map[string]reflect.Type{
	reflect.TypeOf(Case{}): {"inputs": reflect.TypeOf(Inputs{})},
}

var rawMessageType = reflect.TypeOf(json.RawMessage(nil))

// fieldsByType caches jsonFields: a file of many cases would otherwise
// build the same map for each.
var fieldsByType sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields maps the JSON keys of struct type t to their field types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldsByType.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		m[name] = f.Type
	}
	fieldsByType.Store(t, m)
	return m
}
