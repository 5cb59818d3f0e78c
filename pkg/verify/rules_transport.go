package verify

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// brokenRules explain a token that could not be decoded: how much of a
// truncated copy is missing, a broken legacy key, a bad app ID. Inspect calls them
// after the structural finding.
func brokenRules(r *Report, exp *Expectations) {
	s := r.Input
	if f, ok := truncation(s); ok {
		r.Add(f)
	} else if f, ok := legacyTruncation(s, r.ParseErr); ok {
		r.Add(f)
	}
	if f, ok := structuralDetail(r.ParseErr); ok {
		r.Add(f)
	}
	// (A 32-hex App ID or certificate is named as one, not as a key.)
	if name := legacyName(s); name != "" && !(decode.IsHex32(s) && errors.Is(r.ParseErr, token.ErrUnsupportedVersion)) {
		r.Add(legacyFinding(name))
	}
	msg, hint, mixup := versionMixup(s)
	if mixup {
		for i := range r.Findings {
			if f := &r.Findings[i]; f.Code == CodeMalformed {
				// The damage is the prefix: locate it there, and keep what
				// the decoder met reading the string as written.
				f.Message = "token byte 0 (version): " + msg + " (read as written: " + f.Message + ")"
				f.Hint = hint
				f.Field, f.Offset, f.Layer = "version", At(0), "token"
				break
			}
		}
	}
	var pe *token.ParseError
	if errors.As(r.ParseErr, &pe) && pe.Field == "app_id" && !errors.Is(pe, token.ErrTruncated) && carriesAppID(r.Token) && !mixup {
		// (With the wrong version prefix, the "app ID" is part of a 007
		// body: the malformed finding says so. A broken legacy key keeps
		// only its version, not the app ID the decoder refused: the
		// malformed finding alone describes that one.)
		if p := AppIDProblem(AppID(r.Token)); p != "" {
			r.Add(Finding{Code: CodeBadAppIDFormat, Severity: SevError, SDKError: SDK(SDKInvalidAppID), Field: "app_id",
				Message: fmt.Sprintf("the token's app ID %q %s", AppID(r.Token), p),
				Hint:    "build tokens with the 32-hexadecimal-character app ID from the console"})
		}
	}
	ruleApp(r, exp)
}

// carriesAppID reports whether the partial token t holds the app ID its
// decoder read (a 006 or 007 model, or a decoded legacy key), rather than
// only its version.
func carriesAppID(t *token.Token) bool {
	return t != nil && (t.T007 != nil || t.T006 != nil || t.Legacy != nil && t.Legacy.Read("app_id"))
}

// structuralDetail names the kind of a structural error that has a code of
// its own besides malformed (the verdict): trailing_data for bytes after the
// last field, too_large for a token or payload past tokencheck's limits.
// (truncated has its own rule, which says by how much.)
func structuralDetail(err error) (Finding, bool) {
	f := Finding{Severity: SevError, SDKError: SDK(SDKInvalidToken)}
	f.locate(err)
	switch SubCode(err) {
	case CodeTrailingData:
		f.Code = CodeTrailingData
		f.Message = "bytes follow the token's last field: " + err.Error()
		f.Hint = "two tokens may have been pasted together, or the builder appends data: check what produced the token"
	case CodeTooLarge:
		f.Code = CodeTooLarge
		f.Message = "the token is past tokencheck's size limits (512 KiB of text, 264 KiB inflated, 4096 service records, 66560 other list entries in all): " + err.Error()
		f.Hint = "real tokens are under 2 KiB: check that the input is one token"
	default:
		return f, false
	}
	return f, true
}

// versionMixup recognises a 006 or 007 token whose version prefix is wrong:
// one written over the other ("007" then a 006 token's app ID and
// content), or pasted in front of a whole token ("007006…", "007007…").
// It says what the string is, for the malformed finding, and how to fix it.
func versionMixup(s string) (msg, hint string, ok bool) {
	if len(s) < 6 || !strings.HasPrefix(s, "006") && !strings.HasPrefix(s, "007") {
		return "", "", false
	}
	if t, err := decode.Parse(s[3:]); err == nil && (t.Version == token.V006 || t.Version == token.V007) {
		return fmt.Sprintf("the text after the first 3 characters is a whole %s token: %q was pasted in front of it", t.Version, s[:3]),
			fmt.Sprintf("remove the leading %q: the token starts at character 3 (%q…)", s[:3], s[3:6]), true
	}
	other := "007"
	if strings.HasPrefix(s, "007") {
		other = "006"
	}
	if _, err := decode.Parse(other + s[3:]); err != nil {
		return "", "", false
	}
	what := "a 32-hexadecimal app ID in clear, then the content, as in a 006 token"
	if other == "007" {
		what = "base64 of a zlib stream, as in a 007 token"
	}
	return fmt.Sprintf("the rest is %s: the prefix %s was written in place of %s", what, s[:3], other),
		fmt.Sprintf("give the token with its own prefix %s, exactly as the token server returned it", other), true
}

// legacyName names a pre-006 format from its look, or "".
func legacyName(s string) string {
	switch {
	case strings.HasPrefix(s, "005"):
		return "005 (DynamicKey5)"
	case strings.HasPrefix(s, "004"):
		return "004 (DynamicKey4)"
	case strings.HasPrefix(s, "003"):
		return "003 (DynamicKey3)"
	case strings.HasPrefix(s, "1:"):
		return "signaling"
	case len(s) == 90 && isHexString(s):
		return "DynamicKey (90 hex characters)"
	case len(s) == 110 && isHexString(s):
		return "DynamicKey2 (110 hex characters)"
	}
	return ""
}

func isHexString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// base64Prefix decodes the longest decodable prefix of unpadded standard
// base64; ok is false when s holds a character outside the alphabet.
func base64Prefix(s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	if len(s)%4 == 1 {
		s = s[:len(s)-1]
	}
	b, err := base64.RawStdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}

// truncation recognises a 006 or 007 token that ends early and says by how
// much when the format allows: 006 declares its message length; 007 is a
// zlib stream that records no length, so only a lower bound can be given.
func truncation(s string) (Finding, bool) {
	f := Finding{Code: CodeTruncated, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "token", Offset: At(len(s)), Layer: "token",
		Hint: "copy the token again in full: a log line, a chat message or a database column may have cut it"}
	switch {
	case s == "":
		// Nothing arrived: the decoder's error is "empty token: truncated".
		f.Message = "the token is empty: no character of it arrived"
		f.Hint = "check the path from the token server to the client: a failed request, an unset variable or a field read under the wrong name gives an empty token"
		return f, true
	case strings.HasPrefix(s, "006"):
		if len(s) < prefix006 {
			f.Message = fmt.Sprintf("the token ends after %d characters, inside the 32-character app ID: at least %d characters are missing", len(s), decode.Min006Length-len(s))
			return f, true
		}
		if !decode.IsHex32(s[3:prefix006]) {
			return f, false // the app ID is damaged: the content offsets mean nothing
		}
		b, ok := base64Prefix(s[prefix006:])
		if !ok {
			return f, false
		}
		// Content: signature (2 + its declared length, 32 when it is
		// not there to read), two CRCs (8), message length (2), message
		// (≥ 10). The offsets follow the signature length as written,
		// as the decoder reads them: a signature of another length is
		// malformed, not a sign that the token was cut.
		sigLen := token.SigLength
		if len(b) >= 2 {
			sigLen = int(binary.LittleEndian.Uint16(b))
		}
		msgAt := 2 + sigLen + 8
		if len(b) < msgAt+2 {
			want := msgAt + 2 + 10
			f.Message = fmt.Sprintf("the token ends after %d characters, %d bytes into its content, before the message length: at least %d characters are missing",
				len(s), len(b), prefix006+base64.StdEncoding.EncodedLen(want)-len(s))
			return f, true
		}
		want := msgAt + 2 + int(binary.LittleEndian.Uint16(b[msgAt:]))
		if len(b) >= want {
			return f, false
		}
		full := prefix006 + base64.StdEncoding.EncodedLen(want)
		if full <= len(s) {
			return f, false // not short: something else is wrong
		}
		f.Message = fmt.Sprintf("the token ends early: its content declares %d bytes but only %d arrived, so %s of its %d are missing",
			want, len(b), plural(full-len(s), "character"), full)
		return f, true
	case strings.HasPrefix(s, "007"):
		raw, ok := base64Prefix(s[3:])
		if !ok {
			return f, false
		}
		if len(raw) < 2 {
			f.Message = fmt.Sprintf("the token ends after %d characters, inside the zlib header: at least %d characters are missing", len(s), 3+base64.StdEncoding.EncodedLen(len(raw)+5)-len(s))
			return f, true
		}
		if !zlibHeader(raw[0], raw[1]) {
			return f, false // no zlib stream to be cut short
		}
		n, rest, err := inflatedLength(raw[2:])
		switch {
		case err == nil && n <= token.MaxPayloadSize:
			if rest >= 4 {
				return f, false
			}
			full := 3 + base64.StdEncoding.EncodedLen(len(raw)+4-rest)
			if full <= len(s) {
				return f, false // not short: something else is wrong
			}
			f.Message = fmt.Sprintf("the token ends early: the compressed payload is complete but its 4-byte checksum lacks %s, about %s of %d", plural(4-rest, "byte"), plural(full-len(s), "character"), full)
			return f, true
		case errors.Is(err, io.ErrUnexpectedEOF):
			least := 3 + base64.StdEncoding.EncodedLen(len(raw)+5) - len(s)
			f.Message = fmt.Sprintf("the token ends early: its zlib stream stops after %d compressed bytes (%d inflated) with at least %d characters missing; a compressed token does not record its full length",
				len(raw), n, least)
			return f, true
		}
	}
	return f, false
}

const prefix006 = 35

// zlibHeader reports whether cmf and flg open a zlib stream a decoder reads
// (RFC 1950 §2.2): deflate with a window of at most 32 KiB, the check bits
// right, and no preset dictionary.
func zlibHeader(cmf, flg byte) bool {
	return cmf&0x0f == 8 && cmf>>4 <= 7 && (uint(cmf)<<8|uint(flg))%31 == 0 && flg&0x20 == 0
}

// legacyTruncation explains a pre-006 key that ends early (the legacy
// decoder's truncated error): how many characters a fixed-length 003 or 004
// key lacks, else what the decoder found missing.
func legacyTruncation(s string, err error) (Finding, bool) {
	if legacyName(s) == "" || !errors.Is(err, token.ErrTruncated) {
		return Finding{}, false
	}
	f := Finding{Code: CodeTruncated, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "token", Offset: At(len(s)), Layer: "token",
		Hint: "copy the key again in full: a log line, a chat message or a database column may have cut it"}
	want := 0
	switch {
	case strings.HasPrefix(s, "003"):
		want = legacy.LenDK3
	case strings.HasPrefix(s, "004"):
		want = legacy.LenDK4
	}
	if want > len(s) && isHexString(s) {
		verb := "are"
		if want-len(s) == 1 {
			verb = "is"
		}
		f.Message = fmt.Sprintf("the key ends early: a %s key is %d characters, this one %d, so %s %s missing",
			s[:3], want, len(s), plural(want-len(s), "character"), verb)
		return f, true
	}
	f.Message = "the key ends early: " + err.Error()
	return f, true
}

// probeInflater is a DEFLATE decoder kept for reuse: a fresh flate reader
// costs about 40 KB, far more than the truncated token it measures.
type probeInflater struct {
	src bytes.Reader
	zr  io.ReadCloser
	buf [512]byte
}

var probeInflaters = sync.Pool{New: func() any {
	p := &probeInflater{}
	p.zr = flate.NewReader(&p.src)
	return p
}}

// inflatedLength inflates the raw DEFLATE data (after a zlib header) into
// nothing, and returns how many bytes it inflated to (at most
// token.MaxPayloadSize+1), how many input bytes follow the stream, and the
// decoder's error.
func inflatedLength(data []byte) (n int64, rest int, err error) {
	p := probeInflaters.Get().(*probeInflater)
	defer probeInflaters.Put(p)
	p.src.Reset(data)
	if err := p.zr.(flate.Resetter).Reset(&p.src, nil); err != nil {
		return 0, 0, err
	}
	for n <= token.MaxPayloadSize {
		k, rerr := p.zr.Read(p.buf[:])
		n += int64(k)
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return n, p.src.Len(), rerr
		}
	}
	return n, p.src.Len(), nil
}

// plural renders a count with its noun: "1 character", "3 characters".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
