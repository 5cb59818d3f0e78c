package verify

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// Keyring holds App Certificates by app ID: a primary and a secondary
// certificate per app, or any number with labels.
type Keyring struct {
	// byFold holds the certificates under the lowercase app ID.
	byFold map[string][]Certificate
	n      int
}

// For returns the certificates registered for appID, in file order. App IDs
// are hexadecimal and written in either case: every line whose app ID
// differs from appID at most in letter case applies. (The signature is
// still computed over the token's own spelling.)
func (k *Keyring) For(appID string) []Certificate {
	if k == nil {
		return nil
	}
	return k.byFold[strings.ToLower(appID)]
}

// Len is the number of certificates in the keyring.
func (k *Keyring) Len() int { return k.n }

// ParseKeyring reads lines of "app_id certificate [label]". Blank lines and
// lines starting with "#" are skipped, and so is a UTF-8 byte order mark at
// the start of the file. Without a label, the first certificate
// of an app (its ID in any letter case) is "primary", the second
// "secondary", later ones "certificate-N". A label holding 32
// hexadecimal characters in a row, a certificate in the wrong place, is
// refused.
// Errors name the line; they never contain a certificate.
func ParseKeyring(r io.Reader) (*Keyring, error) {
	k := &Keyring{byFold: map[string][]Certificate{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxKeyringLine)
	line, entries := 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			// A file saved by a Windows editor may start with a UTF-8 byte order mark.
			text = strings.TrimPrefix(text, "\ufeff")
		}
		text = strings.TrimSpace(text)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.Fields(text)
		if len(fields) < 2 || len(fields) > 3 {
			return nil, fmt.Errorf("keyring line %d: want \"app_id certificate [label]\", found %d fields", line, len(fields))
		}
		app, cert := fields[0], fields[1]
		if !decode.IsHex32(app) {
			return nil, fmt.Errorf("keyring line %d: app ID is not 32 hexadecimal characters", line)
		}
		if !decode.IsHex32(cert) {
			return nil, fmt.Errorf("keyring line %d: certificate is not 32 hexadecimal characters", line)
		}
		if len(fields) == 3 && holdsCertificate(fields[2]) {
			// Never shown as a label: it is most likely a second
			// certificate written on the first one's line ("CERT2,",
			// "secondary=CERT2").
			return nil, fmt.Errorf("keyring line %d: the label holds 32 hexadecimal characters in a row, a certificate where a label belongs: give each certificate its own line (\"app_id certificate [label]\")", line)
		}
		if entries++; entries > MaxKeyringEntries {
			return nil, fmt.Errorf("keyring line %d: more than %d certificates: a keyring holds at most that many", line, MaxKeyringEntries)
		}
		fold := strings.ToLower(app)
		n := len(k.byFold[fold])
		label := ""
		switch {
		case len(fields) == 3:
			label = fields[2]
		case n == 0:
			label = "primary"
		case n == 1:
			label = "secondary"
		default:
			label = fmt.Sprintf("certificate-%d", n+1)
		}
		c := Certificate{Label: label, Value: cert}
		k.byFold[fold] = append(k.byFold[fold], c)
		k.n++
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return nil, fmt.Errorf("keyring line %d: longer than %d bytes: not a keyring line (\"app_id certificate [label]\")", line+1, maxKeyringLine)
	case err != nil && line == 0:
		// Nothing was read: the error is the file's, not a line's.
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("keyring line %d: %w", line+1, err)
	}
	return k, nil
}

// holdsCertificate reports whether s holds 32 hexadecimal characters in a
// row: what a certificate looks like.
func holdsCertificate(s string) bool {
	run := 0
	for i := 0; i < len(s); i++ {
		if !decode.IsHexDigit(s[i]) {
			run = 0
			continue
		}
		if run++; run >= 32 {
			return true
		}
	}
	return false
}

// MaxKeyringEntries bounds the certificates of a keyring (some 100 bytes of
// memory each): a file that holds more is no keyring of a project's apps.
const MaxKeyringEntries = 100000

// maxKeyringLine is the longest keyring line read.
const maxKeyringLine = 1 << 20

// CertificateShape says what a certificate c that is not 32 hexadecimal
// characters is instead, without quoting it (a certificate is a secret,
// even mistyped): hexadecimal but for surrounding whitespace, its length,
// or the place of its first character that is not hexadecimal.
func CertificateShape(c string) string {
	const rule = "an App Certificate is 32 hexadecimal characters"
	if t := strings.TrimSpace(c); t != c && decode.IsHex32(t) {
		return rule + ", without surrounding whitespace"
	}
	if n := utf8.RuneCountInString(c); n != 32 {
		return rule + "; this one has " + token.Plural(n, "character")
	}
	for i, r := range []rune(c) {
		if r >= utf8.RuneSelf || !decode.IsHexDigit(byte(r)) {
			return fmt.Sprintf("%s; this one has 32, and character %d is not hexadecimal", rule, i+1)
		}
	}
	return rule
}
