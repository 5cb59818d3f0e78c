package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(e *env, name, usage string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.SortFlags = false
	// pflag calls Usage only for --help, which was asked for: it goes to
	// stdout, as the top-level help does; errors stay on stderr.
	fs.Usage = func() {
		// The help shows the flags' own values (defaults), not the
		// wrappers of parseFlags.
		fs.VisitAll(func(f *pflag.Flag) {
			if o, ok := f.Value.(interface{ unwrap() pflag.Value }); ok {
				f.Value = o.unwrap()
			}
		})
		fs.SetOutput(e.stdout)
		defer fs.SetOutput(e.stderr)
		fmt.Fprintf(e.stdout, "Usage: tokencheck %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; the bool result is false when the command should
// stop with the returned code (help or a usage error). A single-valued flag
// given twice with different values keeps the last, as is usual (scripts add
// an override to default arguments), with a warning on stderr naming both.
func parseFlags(e *env, fs *pflag.FlagSet, args []string) (int, bool) {
	var once []*onceValue
	fs.VisitAll(func(f *pflag.Flag) {
		switch t := f.Value.Type(); {
		case strings.HasSuffix(t, "Slice"), strings.HasSuffix(t, "Array"), t == "count":
			// Repeatable by design.
		case isBoolFlag(f.Value):
			o := &onceBoolValue{onceValue{Value: f.Value, name: f.Name}}
			f.Value, once = o, append(once, &o.onceValue)
		default:
			o := &onceValue{Value: f.Value, name: f.Name}
			f.Value, once = o, append(once, o)
		}
	})
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, false
		}
		errorf(e, "%v", explainFlagError(err))
		return exitUsage, false
	}
	for _, o := range once {
		if o.changed {
			fmt.Fprintf(e.stderr, "tokencheck: warning: %s\n", o.replacement())
		}
	}
	return 0, true
}

// onceValue wraps the value of a single-valued flag to notice a second,
// different value, which replaces the first.
type onceValue struct {
	pflag.Value
	name string
	// last is the value set last, replaced the value a different one
	// replaced last (changed: one did).
	last, replaced string
	set, changed   bool
}

func (o *onceValue) Set(s string) error {
	if err := o.Value.Set(s); err != nil {
		return err
	}
	if o.set && s != o.last {
		// The value replaced last: the warning names it and the one used.
		o.replaced, o.changed = o.last, true
	}
	o.set, o.last = true, s
	return nil
}

func (o *onceValue) unwrap() pflag.Value { return o.Value }

// replacement says which value of a repeated flag is used.
func (o *onceValue) replacement() string {
	if strings.Contains(o.name, "cert") && !strings.HasSuffix(o.name, "-file") {
		// Certificates are never printed.
		return fmt.Sprintf("--%s given more than once with different values: the last is used", o.name)
	}
	return fmt.Sprintf("--%s given more than once (%q, then %q): the last, %q, is used", o.name, o.replaced, o.last, o.last)
}

// onceBoolValue is onceValue for a flag that takes no argument.
type onceBoolValue struct{ onceValue }

func (o *onceBoolValue) IsBoolFlag() bool { return true }

// isBoolFlag reports whether v is a flag value that takes no argument.
func isBoolFlag(v pflag.Value) bool {
	b, ok := v.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// explainFlagError rewrites pflag's "must be a non-negative integer" for
// the 32-bit unsigned fields of the token formats into what is wrong with the
// value: out of range (a time in milliseconds, typically), negative, or not
// a whole number.
func explainFlagError(err error) error {
	var iv *pflag.InvalidValueError
	if !errors.As(err, &iv) || iv.GetFlag() == nil || iv.GetFlag().Value.Type() != "uint32" {
		return err
	}
	name, raw := iv.GetFlag().Name, iv.GetValue()
	v := strings.TrimSpace(raw)
	const want = "a whole number from 0 to 4294967295 (the token field is 32 bits, unsigned)"
	if n, perr := strconv.ParseUint(v, 10, 64); perr == nil && n > token.MaxUnixSeconds {
		msg := fmt.Sprintf("--%s %s: too large for the token field: give %s", name, v, want)
		if unit, s, ok := token.FinerTimeUnit(n); ok {
			msg += fmt.Sprintf("; %s looks like a unix time in %s: the token formats take seconds (%d)", v, unit, s)
		}
		return errors.New(msg)
	}
	if strings.HasPrefix(v, "-") {
		return fmt.Errorf("--%s %s: negative: give %s", name, v, want)
	}
	// The value as given: --uid " 42 " is not a number because of its
	// spaces, which a trimmed "42" would hide.
	return fmt.Errorf("--%s %q: not a number: give %s", name, raw, want)
}

// maxStdin is the most readToken reads from stdin. It is well above
// token.MaxTokenLength, so that an oversized token is still decoded and
// judged too large (exit 1) rather than refused unread; beyond it the input
// is not read in full and nothing is checked (exit 2).
const maxStdin = 16 << 20

// readToken takes the token from the single argument, or from stdin when
// the argument is "-" or absent. Input is read through a size limit. Empty
// stdin is an error only without "-" (nothing was given).
func readToken(e *env, args []string) (string, error) {
	if len(args) > 1 {
		return "", fmt.Errorf("expected one token, got %d arguments (quote the token if it contains spaces)", len(args))
	}
	if len(args) == 1 && args[0] != "-" {
		return args[0], nil
	}
	b, err := io.ReadAll(io.LimitReader(e.stdin, maxStdin+1))
	if err != nil {
		return "", fmt.Errorf("reading the token from stdin: %w", err)
	}
	if len(b) > maxStdin {
		return "", fmt.Errorf("stdin holds more than %d bytes: not a token (tokens are at most %d bytes)", maxStdin, token.MaxTokenLength)
	}
	s := string(b)
	if strings.TrimSpace(s) == "" && len(args) == 0 {
		// With "-" the caller says the token is on stdin: an empty one is
		// then judged (malformed), as an empty argument is.
		return "", errors.New("no token given: pass it as an argument or on stdin")
	}
	// A single trailing newline from echo or a file is not transport damage.
	s = strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r")
	return s, nil
}

// certFlags are the ways to give App Certificates.
type certFlags struct {
	cert     string
	certFile string
	keyring  string
	fs       *pflag.FlagSet // the flags they are part of
}

func (c *certFlags) add(fs *pflag.FlagSet) {
	c.fs = fs
	fs.StringVar(&c.cert, "cert", "", "App Certificate (visible in ps: prefer --cert-file or TOKENCHECK_CERT)")
	fs.StringVar(&c.certFile, "cert-file", "", "file holding the App Certificate")
	fs.StringVar(&c.keyring, "keyring", "", `file of "app_id certificate [label]" lines (primary and secondary certificates)`)
}

// certValue returns the App Certificate given by --cert, --cert-file or the
// TOKENCHECK_CERT environment variable, with surrounding whitespace and a
// byte order mark removed, and the name of its source for messages ("--cert",
// "--cert-file F", "TOKENCHECK_CERT"). changed says whether a flag was
// given at all: --cert "" or --cert-file "" (an unset shell variable,
// typically) is an error, as a source that holds nothing but whitespace is. v is "" when no source
// is given. The value is never part of an error: it is a secret, even when
// mistyped.
func certValue(e *env, cert, certFile string, changed func(string) bool) (v, source string, err error) {
	var raw string
	certGiven, fileGiven := changed("cert"), changed("cert-file")
	switch {
	case (cert != "" || certGiven) && (certFile != "" || fileGiven):
		return "", "", fmt.Errorf("give the certificate once: --cert or --cert-file, not both")
	case certGiven && cert == "":
		return "", "--cert", errors.New(`--cert "": empty (is the variable it was given from set?); give the App Certificate, or leave --cert out`)
	case fileGiven && certFile == "":
		return "", "--cert-file", errors.New(`--cert-file "": empty file name; give the file holding the App Certificate, or leave --cert-file out`)
	case cert != "":
		raw, source = cert, "--cert"
	case certFile != "":
		b, err := readSmallFile(certFile)
		if err != nil {
			return "", "", fmt.Errorf("--cert-file: %w", err)
		}
		raw, source = string(b), "--cert-file "+certFile
	default:
		// Set but empty (TOKENCHECK_CERT= in a script or an env file) is
		// refused by name, as --cert "" is.
		var set bool
		if raw, set = e.lookupEnv("TOKENCHECK_CERT"); !set {
			return "", "", nil
		}
		source = "TOKENCHECK_CERT"
	}
	v = strings.TrimSpace(strings.TrimPrefix(raw, "\ufeff"))
	if v == "" {
		return "", source, fmt.Errorf("%s is empty", source)
	}
	return v, source, nil
}

// changed reports whether the flag name was given.
func (c *certFlags) changed(name string) bool { return c.fs != nil && c.fs.Changed(name) }

// load returns the certificates and keyring given; none is not an error.
func (c *certFlags) load(e *env) ([]verify.Certificate, *verify.Keyring, error) {
	var certs []verify.Certificate
	v, source, err := certValue(e, c.cert, c.certFile, c.changed)
	if err != nil {
		return nil, nil, err
	}
	if v != "" {
		if !decode.IsHex32(v) {
			// Never echo the value: it is a secret, even when mistyped.
			return nil, nil, fmt.Errorf("%s: %s", source, verify.CertificateShape(v))
		}
		certs = append(certs, verify.Certificate{Label: "primary", Value: v})
	}
	var kr *verify.Keyring
	if c.keyring == "" && c.changed("keyring") {
		return nil, nil, errors.New(`--keyring "": empty file name; give the keyring file, or leave --keyring out`)
	}
	if c.keyring != "" {
		f, err := os.Open(c.keyring)
		if err != nil {
			return nil, nil, fmt.Errorf("--keyring: %w", err)
		}
		defer f.Close()
		kr, err = verify.ParseKeyring(f)
		if err != nil {
			return nil, nil, fmt.Errorf("--keyring %s: %w", c.keyring, pathErr(err))
		}
	}
	return certs, kr, nil
}

func readSmallFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSmallFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSmallFile {
		return nil, fmt.Errorf("%s: over %d KiB, not a file holding one App Certificate (32 hexadecimal characters)", path, maxSmallFile>>10)
	}
	return b, nil
}

// maxSmallFile is the most readSmallFile reads.
const maxSmallFile = 64 << 10

// parseNow reads --now: unix seconds or RFC 3339; the clock when the flag
// was not given (given is false). An empty --now is an error, not the clock.
// Unix seconds are those of the tokens' 32-bit time fields: a negative
// number, or one past them (a time in milliseconds, typically, said so as
// the builders' time flags do), is refused rather than judged against.
func parseNow(e *env, s string, given bool) (time.Time, error) {
	if !given {
		return e.now(), nil
	}
	if strings.TrimSpace(s) == "" {
		return time.Time{}, errors.New(`--now "": want unix seconds or RFC 3339 (2026-12-03T10:00:00Z); leave --now out to use the clock`)
	}
	const want = "give unix seconds from 0 to 4294967295 (the tokens' 32-bit times) or RFC 3339 (2026-12-03T10:00:00Z)"
	digits, negative := s, false
	if s[0] == '-' || s[0] == '+' {
		digits, negative = s[1:], s[0] == '-'
	}
	if digits != "" && strings.Trim(digits, "0123456789") == "" {
		if negative && strings.Trim(digits, "0") != "" {
			return time.Time{}, fmt.Errorf("--now %s: negative: %s", s, want)
		}
		n, err := strconv.ParseUint(digits, 10, 64)
		if err != nil || n > token.MaxUnixSeconds {
			msg := fmt.Sprintf("--now %s: too large: %s", s, want)
			if unit, secs, ok := token.FinerTimeUnit(n); err == nil && ok {
				msg += fmt.Sprintf("; %s looks like a unix time in %s: --now takes seconds (%d)", s, unit, secs)
			}
			return time.Time{}, errors.New(msg)
		}
		return time.Unix(int64(n), 0), nil
	}
	// RFC 3339 (§5.6) lets "T" and "Z" be written in lower case and the
	// date and time be separated by a space; time.RFC3339 takes neither.
	norm := strings.ToUpper(s)
	if len(norm) > 10 && norm[10] == ' ' {
		norm = norm[:10] + "T" + norm[11:]
	}
	t, err := time.Parse(time.RFC3339, norm)
	if err != nil {
		msg := fmt.Sprintf("--now %q: want unix seconds or RFC 3339 (2026-12-03T10:00:00Z)", s)
		if _, err := time.Parse("2006-01-02T15:04:05.999999999", norm); err == nil {
			msg += ": the time has no zone offset (Z for UTC, or one such as +02:00)"
		}
		return time.Time{}, errors.New(msg)
	}
	if u := t.Unix(); u < 0 || u > token.MaxUnixSeconds {
		return time.Time{}, fmt.Errorf("--now %s: outside the tokens' 32-bit times (1970-01-01T00:00:00Z to 2106-02-07T06:28:15Z): %s", s, want)
	}
	return t, nil
}

// parseUID reads --uid: a decimal uint32; 0 becomes the empty text.
func parseUID(s string) (string, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return "", fmt.Errorf("--uid %q: want a number 0..4294967295 (use --account for a user account)", s)
	}
	return token.UIDText(uint32(n)), nil
}

// decimalUint32 is a uint32 flag that reads decimal digits only. pflag's
// own uint32 flag reads Go literals, so "010" would be octal 8 and "0x10"
// hexadecimal 16: a uid, expiry or salt typed with a leading zero would go
// into the token as another number without a word.
type decimalUint32 uint32

func (d *decimalUint32) Set(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return errors.New("must be a non-negative decimal integer")
		}
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return errors.New("must be a non-negative decimal integer")
	}
	*d = decimalUint32(v)
	return nil
}

// Type is "uint32", as for pflag's flag, so help and explainFlagError treat
// it as the token's 32-bit field it is.
func (d *decimalUint32) Type() string { return "uint32" }

func (d *decimalUint32) String() string { return strconv.FormatUint(uint64(*d), 10) }

// uint32Var defines a decimal uint32 flag, as fs.Uint32Var does otherwise.
func uint32Var(fs *pflag.FlagSet, p *uint32, name string, value uint32, usage string) {
	*p = value
	fs.Var((*decimalUint32)(p), name, usage)
}

// decimalUint64 is a uint64 flag (a generator's seed) that reads decimal
// digits only, as decimalUint32 does: pflag's Uint64 reads "010" as octal 8,
// and the seed recorded in the file would not be the one typed.
type decimalUint64 uint64

func (d *decimalUint64) Set(s string) error {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return errors.New("must be a non-negative decimal integer")
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return errors.New("must be a decimal integer from 0 to 18446744073709551615")
	}
	*d = decimalUint64(v)
	return nil
}

// Type is "uint64", as for pflag's flag.
func (d *decimalUint64) Type() string { return "uint64" }

func (d *decimalUint64) String() string { return strconv.FormatUint(uint64(*d), 10) }

// uint64Flag defines a decimal uint64 flag, as fs.Uint64 does otherwise.
func uint64Flag(fs *pflag.FlagSet, name string, value uint64, usage string) *uint64 {
	p := new(uint64)
	*p = value
	fs.Var((*decimalUint64)(p), name, usage)
	return p
}

// decimalInt is an int flag that reads decimal digits only (optionally
// signed), unlike pflag's Int, which reads "010" as octal 8.
type decimalInt int

func (d *decimalInt) Set(s string) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v != int64(int(v)) {
		return errors.New("must be a decimal integer")
	}
	*d = decimalInt(v)
	return nil
}

// Type is "int", as for pflag's flag.
func (d *decimalInt) Type() string { return "int" }

func (d *decimalInt) String() string { return strconv.Itoa(int(*d)) }

// intFlag defines a decimal int flag, as fs.Int does otherwise.
func intFlag(fs *pflag.FlagSet, name string, value int, usage string) *int {
	p := new(int)
	*p = value
	fs.Var((*decimalInt)(p), name, usage)
	return p
}
