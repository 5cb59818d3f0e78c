package token

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Every error returned by the decode, encode and verify packages
// wraps one of these, so callers can test the kind with errors.Is.
var (
	// ErrMalformed: the input is not a well-formed token of its version.
	ErrMalformed = errors.New("malformed")
	// ErrTruncated: a field runs past the end of the data.
	ErrTruncated = errors.New("truncated")
	// ErrTrailingData: bytes follow the last field of the structure.
	ErrTrailingData = errors.New("trailing data")
	// ErrTooLarge: the input or its inflated payload exceeds a hard limit.
	ErrTooLarge = errors.New("too large")
	// ErrUnsupportedVersion: the version prefix is not one this package knows.
	ErrUnsupportedVersion = errors.New("unsupported version")
	// ErrUnknownService: a 007 service type without a known layout was met.
	ErrUnknownService = errors.New("unknown service")
	// ErrSignatureInvalid: the recomputed signature differs from the stored one.
	ErrSignatureInvalid = errors.New("signature invalid")
	// ErrExpired: the token or a privilege is past its expiry.
	ErrExpired = errors.New("expired")
	// ErrInvalidInput: a builder input breaks a validation rule.
	ErrInvalidInput = errors.New("invalid input")
)

// ParseError locates a problem inside a token: the layer ("token" for the
// string itself, "content" for the base64-decoded bytes of 006 and 005,
// "payload" for the inflated bytes of 007), the byte offset within that layer,
// and the dotted field path. It unwraps to one of the sentinel errors.
type ParseError struct {
	Layer  string
	Offset int
	Field  string
	Detail string
	Err    error
}

// Error renders the location first, e.g.
// "payload byte 41 (services[0].channel): length 300 exceeds the 10 bytes left: truncated".
func (e *ParseError) Error() string {
	loc := fmt.Sprintf("%s byte %d", e.Layer, e.Offset)
	if e.Field != "" {
		loc += " (" + e.Field + ")"
	}
	if e.Detail == "" {
		return loc + ": " + e.Err.Error()
	}
	return loc + ": " + e.Detail + ": " + e.Err.Error()
}

// Unwrap returns the sentinel error.
func (e *ParseError) Unwrap() error { return e.Err }

// Errorf builds a ParseError.
func Errorf(layer string, offset int, field string, sentinel error, format string, args ...any) *ParseError {
	return &ParseError{Layer: layer, Offset: offset, Field: field, Detail: fmt.Sprintf(format, args...), Err: sentinel}
}

// InputError reports a builder input that breaks a rule. It unwraps to ErrInvalidInput.
type InputError struct {
	Field string // the input's name, e.g. "channel"
	Rule  string // the rule broken, e.g. "at most 64 bytes"
	// Detail names the offending value or character.
	Detail string
}

// Error renders the field, the rule and the detail.
func (e *InputError) Error() string {
	s := e.Field + ": " + e.Rule
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	return s
}

// Unwrap returns ErrInvalidInput.
func (e *InputError) Unwrap() error { return ErrInvalidInput }

// Plural renders a count with its noun for messages: "1 byte", "3 bytes".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
