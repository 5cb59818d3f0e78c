package verify

import (
	"cmp"
	"crypto/hmac"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// Certificate is an App Certificate with the label reported when it matches.
type Certificate struct {
	Label string
	Value string
}

// String hides the certificate value, so that printing or logging a
// Certificate never reveals it.
func (c Certificate) String() string { return "certificate(" + c.Label + ")" }

// GoString hides the certificate value from %#v as well.
func (c Certificate) GoString() string { return c.String() }

// Expectations is what the caller knows about a token.
type Expectations struct {
	// Certificates to try, in order. Keyring, when set, adds the certificates
	// registered for the token's app ID.
	Certificates []Certificate
	Keyring      *Keyring
	// AppID expected ("" = not checked).
	AppID string
	// Channel expected (nil = not given).
	Channel *string
	// UID is the uid text as 006/007 carry it (numeric 0 already turned into
	// ""), nil when not given. Account is a user account given as such.
	// At most one of them is normally set.
	UID     *string
	Account *string
	// UIDNumeric records that UID was given as a number.
	UIDNumeric bool
	// For names the service the token is needed for: "rtc", "rtm", "chat" or "".
	For string
	// Now is the instant the time rules judge against; Leeway is the clock
	// skew tolerated.
	Now    time.Time
	Leeway time.Duration
	// Strict judges the token as a conformance check of a builder does: every
	// repair of transport damage and any non-canonical encoding is malformed,
	// and only structure, signature and identity (the codes in StrictErrors)
	// stay errors; time, charset and the other audit rules report warnings (a
	// builder's output is judged by its bytes and signature, not by when it is
	// checked or by inputs the caller chose).
	Strict bool
}

// Signature states.
const (
	SigValid     = "valid"
	SigInvalid   = "invalid"
	SigUnchecked = "unchecked"
)

// Report is the result of inspecting one token.
type Report struct {
	// Input is the string inspected after repairs.
	Input string
	// Token is the decoded token, possibly partial when ParseErr is set, or nil.
	Token    *token.Token
	ParseErr error
	Repairs  []decode.Repair
	// Signature is SigValid, SigInvalid or SigUnchecked.
	Signature string
	// MatchedCertificate is the label of the certificate that verified ("" = none).
	MatchedCertificate string
	// LegacyKind is what a pre-006 key is for: the kind the key states
	// (legacy.KindOf) or, for a DK4 key, which stores none, the kind whose
	// service string ("ACS", "ARS", "APSS") the matching signature covers.
	// It is KindUnknown for the other versions, for a key that could not be
	// decoded and for a DK4 key whose signature was not found valid.
	LegacyKind legacy.KeyKind
	Verdict    string
	Findings   []Finding
	// omitted counts the findings left out past MaxFindingsPerCode.
	omitted map[omittedKey]int
}

// Add appends a finding. The first makes room for four: a report with
// findings rarely has fewer, and a clean one (most of an audit) allocates
// none.
func (r *Report) Add(f Finding) {
	if r.Findings == nil {
		r.Findings = make([]Finding, 0, 4)
	}
	if len(r.Findings) >= MaxFindingsPerCode && r.count(f.Code, f.Severity) >= MaxFindingsPerCode {
		// A token declaring thousands of unknown privileges would otherwise
		// give thousands of findings, megabytes per report.
		if r.omitted == nil {
			r.omitted = map[omittedKey]int{}
		}
		r.omitted[omittedKey{f.Code, f.Severity}]++
		return
	}
	r.Findings = append(r.Findings, f)
}

// MaxFindingsPerCode is the most findings of one code and severity a report
// lists; the last one listed says how many more there were.
const MaxFindingsPerCode = 16

// omittedKey is a code and severity whose findings went over
// MaxFindingsPerCode.
type omittedKey struct {
	code     string
	severity Severity
}

// count is the number of findings listed with the code and severity.
func (r *Report) count(code string, sev Severity) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Code == code && r.Findings[i].Severity == sev {
			n++
		}
	}
	return n
}

// settle completes the report: the last finding listed of a code that went
// over MaxFindingsPerCode says how many were left out, and the verdict is
// set from the findings.
func (r *Report) settle() {
	keys := make([]omittedKey, 0, len(r.omitted))
	for k := range r.omitted {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b omittedKey) int {
		return cmp.Or(strings.Compare(a.code, b.code), strings.Compare(string(a.severity), string(b.severity)))
	})
	for _, k := range keys {
		n := r.omitted[k]
		// The last of the code and severity, or of the code (--strict may
		// have lowered the severity since).
		last := -1
		for i := len(r.Findings) - 1; i >= 0; i-- {
			if f := &r.Findings[i]; f.Code == k.code && (f.Severity == k.severity || last < 0) {
				last = i
				if f.Severity == k.severity {
					break
				}
			}
		}
		if last >= 0 {
			r.Findings[last].Message += fmt.Sprintf(" (and %d more %s findings like it, not listed)", n, k.code)
		}
	}
	r.Verdict = Verdict(r.Findings)
}

// Has reports whether a finding with the code is present.
func (r *Report) Has(code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Rule is an audit rule: it looks at a report whose token, signature and
// structural findings are settled and adds findings.
type Rule func(r *Report, exp *Expectations)

// Rules run after the structural and signature checks, in order. Packages add
// to it only at initialisation.
var Rules []Rule

// Inspect repairs, decodes and checks a token string against exp, and
// returns the full report. It never panics; a token that cannot be decoded
// gives a report whose verdict names the structural problem.
func Inspect(raw string, exp *Expectations) *Report {
	r := new(Report)
	InspectInto(r, raw, exp)
	return r
}

// InspectInto is Inspect writing the report to r (whatever r held before),
// for callers that allocate reports along with other data.
func InspectInto(r *Report, raw string, exp *Expectations) {
	if exp == nil {
		exp = &Expectations{}
	}
	*r = Report{Signature: SigUnchecked}
	s, repairs := decode.Clean(raw)
	r.Input, r.Repairs = s, repairs
	if len(repairs) > 0 {
		r.Add(Finding{Code: CodeTokenCleaned, Severity: SevWarning, Field: "token", Message: cleanedMessage(repairs), Hint: repairHint(repairs)})
		if exp.Strict {
			r.Add(Finding{Code: CodeMalformed, Severity: SevError, SDKError: SDK(SDKInvalidToken),
				Message: "strict mode: the token is not exactly as a builder emits it (" + string(repairs[0]) + ")", Field: "token",
				Hint: "a builder must emit the token bare: no surrounding whitespace, quotes or escaping; without --strict the repaired token is judged"})
			r.settle()
			return
		}
	}
	tok, err := decode.ParsePartial(s)
	r.Token = tok
	if err != nil {
		r.ParseErr = err
		r.Token = tok
		r.Add(structuralFinding(err, s))
		brokenRules(r, exp)
		if slices.Contains(repairs, decode.RepairPlusSpace) {
			insertedSpaces(r, raw)
		}
		ServiceErrors(r, exp)
		r.settle()
		return
	}
	checkEncoding(r, exp)
	switch tok.Version {
	case token.V007:
		if tok.T007.StoppedAtUnknown() {
			t := tok.T007
			r.Add(Finding{Code: CodeUnsupportedService, Severity: SevError, SDKError: SDK(SDKInvalidToken),
				Message: fmt.Sprintf("service type %d has no known layout: decoding stopped there with %d bytes undecoded (%d of %d declared services read)",
					t.UnknownService, t.Undecoded, len(t.Services), t.ServiceCount),
				Hint:  "the signature still covers these bytes and can be checked; update tokencheck if this is a new Agora service",
				Field: fmt.Sprintf("services[%d].type", len(t.Services)), Offset: At(t.UnknownOffset), Layer: "payload"})
		}
		checkSignature007(r, exp)
	case token.V006:
		checkSignature006(r, exp)
	}
	if tok.Legacy != nil {
		checkAppID(r, exp)
		checkLegacy(r, exp)
	} else {
		checkIdentity(r, exp)
		checkTimes(r, exp)
	}
	for _, rule := range Rules {
		rule(r, exp)
	}
	ServiceErrors(r, exp)
	if exp.Strict {
		for i := range r.Findings {
			if r.Findings[i].Severity == SevError && !StrictErrors[r.Findings[i].Code] {
				r.Findings[i].Severity = SevWarning
			}
		}
	}
	r.settle()
}

// InsertedSpaces recognises a token raw that does not decode once its inner
// spaces are read as "+" (a "+" lost in a URL query; cleaned is what
// decode.Clean made of raw), but decodes with them left out: the spaces
// were inserted (a wrapped line, a copy that split the token). It returns
// the offset in cleaned of the first space and how many there were.
func InsertedSpaces(raw, cleaned string) (at, n int, ok bool) {
	v, _ := decode.Clean(strings.ReplaceAll(raw, " ", ""))
	if _, err := decode.Parse(v); err != nil {
		return 0, 0, false
	}
	n = len(cleaned) - len(v)
	if n <= 0 {
		return 0, 0, false
	}
	for at < len(v) && cleaned[at] == v[at] {
		at++
	}
	return at, n, true
}

// InsertedSpacesMessage words the error of a token with n spaces inserted
// (InsertedSpaces), whose "+" reading failed with readErr.
func InsertedSpacesMessage(n int, readErr string) string {
	what, them, were := "a space", "it", "the space was"
	if n > 1 {
		what, them, were = plural(n, "space"), "them", "the spaces were"
	}
	return fmt.Sprintf("%s inside the token: read as a \"+\" lost in a URL query the token does not decode (%s), and without %s it does: %s inserted",
		what, readErr, them, were)
}

// insertedSpaces explains a token with spaces inserted (InsertedSpaces):
// the malformed finding names the first space's offset instead of where
// the "+" reading went wrong, a truncated finding, which the extra
// characters cannot justify, is dropped, and so is the claim that spaces
// were turned back into "+" (the repair did not stand).
func insertedSpaces(r *Report, raw string) {
	at, n, ok := InsertedSpaces(raw, r.Input)
	if !ok {
		return
	}
	r.Repairs = slices.DeleteFunc(r.Repairs, func(rp decode.Repair) bool { return rp == decode.RepairPlusSpace })
	kept := r.Findings[:0]
	for _, f := range r.Findings {
		switch f.Code {
		case CodeTruncated:
			continue
		case CodeTokenCleaned:
			if len(r.Repairs) == 0 {
				continue
			}
			f.Message, f.Hint = cleanedMessage(r.Repairs), repairHint(r.Repairs)
		case CodeMalformed:
			f.Message = fmt.Sprintf("token byte %d: %s", at, InsertedSpacesMessage(n, f.Message))
			f.Field, f.Offset, f.Layer = "token", At(at), "token"
			f.Hint = "remove the spaces from inside the token, or copy it again in one piece: a wrapped line or a chat message may have split it"
		}
		kept = append(kept, f)
	}
	r.Findings = kept
}

// cleanedMessage is the token_cleaned message for the repairs made.
func cleanedMessage(repairs []decode.Repair) string {
	msg := "the token was repaired before decoding: "
	for i, rp := range repairs {
		if i > 0 {
			msg += "; "
		}
		msg += string(rp)
	}
	return msg
}

// StrictErrors are the codes that stay errors in strict mode: the verdicts
// of a conformance check (structure, signature, identity).
var StrictErrors = map[string]bool{
	CodeMalformed: true, CodeUnsupportedVersion: true, CodeUnsupportedService: true,
	CodeTrailingData: true, CodeTooLarge: true, CodeTruncated: true,
	CodeBadSignature: true, CodeCRCMismatch: true, CodeAppIDMismatch: true,
	CodeChannelMismatch: true, CodeUIDMismatch: true, CodeServiceMissing: true,
}

// locate sets the field, offset and layer of a finding from a decode error
// that has them (a *token.ParseError).
func (f *Finding) locate(err error) {
	var pe *token.ParseError
	if errors.As(err, &pe) {
		f.Field, f.Offset, f.Layer = pe.Field, At(pe.Offset), pe.Layer
	}
}

// structuralFinding turns a decode error into the finding that explains it.
func structuralFinding(err error, s string) Finding {
	f := Finding{Code: CodeMalformed, Severity: SevError, Message: err.Error(), SDKError: SDK(SDKInvalidToken),
		Hint: "copy the token again exactly as the token server returned it (all of it, nothing around it); if it was built that way, the builder is at fault"}
	f.locate(err)
	switch {
	case errors.Is(err, token.ErrUnsupportedVersion):
		f.Code = CodeUnsupportedVersion
		f.Hint = "tokens start with 007 (AccessToken2) or 006 (AccessToken); check that the whole token was copied"
	case s == "":
		// FORMATS §16 Q7: most builders return "" for an App ID or
		// certificate that is not 32 hexadecimal characters.
		f.Hint = "an empty token is what most token builders return when the App ID or App Certificate is not 32 hexadecimal characters (an unset environment variable, or a quote, space or line break in the value): check the builder's inputs, and that the token reached the client"
	case payloadOverrun(err):
		f.Hint = "the 007 payload arrived whole (its zlib stream is complete and its checksum holds), so the token was not cut on its way: a length or count in it runs past its end, as its builder wrote it; check the builder"
	case errors.Is(err, token.ErrTruncated):
		f.Hint = "the token ends early: copy it again in full (a log line or a chat message may have cut it)"
	case errors.Is(err, token.ErrTrailingData):
		f.Hint = "extra bytes follow the token's last field: two tokens may have been pasted together"
	case errors.Is(err, token.ErrTooLarge):
		f.Hint = "real tokens are under 2 KiB"
	}
	return f
}

// payloadOverrun reports whether err is a length or count of a 007 payload
// running past its end. The payload is only read once its zlib stream is
// complete and its checksum holds, so the token was not cut: the builder
// wrote the length wrong.
func payloadOverrun(err error) bool {
	var pe *token.ParseError
	return errors.Is(err, token.ErrTruncated) && errors.As(err, &pe) && pe.Layer == "payload"
}

// SubCode returns the detailed structural code of a decode error
// (truncated, trailing_data, too_large) or "" when there is none. A 007
// payload whose lengths run past its end is not truncated (payloadOverrun):
// it is malformed as built.
func SubCode(err error) string {
	switch {
	case payloadOverrun(err):
		return ""
	case errors.Is(err, token.ErrTruncated):
		return CodeTruncated
	case errors.Is(err, token.ErrTrailingData):
		return CodeTrailingData
	case errors.Is(err, token.ErrTooLarge):
		return CodeTooLarge
	}
	return ""
}

func checkEncoding(r *Report, exp *Expectations) {
	enc := r.Token.Encoding
	if enc.Base64NonCanonical {
		f := Finding{Code: CodeNonCanonicalEncoding, Severity: SevWarning, Field: "token",
			Message: "the unused bits of the last base64 character are not zero: no reference builder writes this, though the signed bytes are unaffected",
			Hint:    "the token was altered or re-encoded after it was built: use the string the builder returned; a builder should encode with standard padded base64"}
		if exp.Strict {
			f.Code, f.Severity, f.SDKError = CodeMalformed, SevError, SDK(SDKInvalidToken)
			f.Message = "strict mode: " + f.Message
			f.Hint = "a builder must write canonical base64 (standard alphabet, padded, unused bits zero)"
		}
		r.Add(f)
	}
	if r.Token.Version == token.V007 && enc.ZlibHeader != [2]byte{0x78, 0x9c} && enc.ZlibHeader != [2]byte{0x78, 0x01} {
		r.Add(Finding{Code: CodeNonCanonicalEncoding, Severity: SevInfo, Field: "zlib", Offset: At(0), Layer: "zlib",
			Message: fmt.Sprintf("zlib header %02x %02x: %s; the signature covers the inflated payload, so the token stays valid", enc.ZlibHeader[0], enc.ZlibHeader[1], zlibHeaderOddity(enc.ZlibHeader)),
			Hint:    "nothing to fix for a join; a builder that should match the reference strings must compress with zlib at the default level"})
	}
}

// zlibHeaderOddity says how a valid zlib header that no reference builder
// writes differs from theirs (RFC 1950: CINFO, the high nibble of the first
// byte, is the window size as a power of two less 8; FLEVEL, the top two
// bits of the second, the level class): the window, the level class, or
// both.
func zlibHeaderOddity(h [2]byte) string {
	var parts []string
	if cinfo := h[0] >> 4; cinfo != 7 {
		parts = append(parts, fmt.Sprintf("a window of %d bytes (CINFO %d), where every reference builder writes 32768 (CINFO 7, first byte 78)", 1<<(cinfo+8), cinfo))
	}
	if flevel := h[1] >> 6; flevel != 0 && flevel != 2 {
		class := map[byte]string{1: "fast, zlib levels 2-5", 3: "maximum, zlib levels 7-9"}[flevel]
		parts = append(parts, fmt.Sprintf("level class %d (%s), at which no reference builder compresses", flevel, class))
	}
	if len(parts) == 0 {
		return "no reference builder writes this header"
	}
	return strings.Join(parts, ", and ")
}

// certificatesFor lists the certificates to try for an app ID. The result
// may share the keyring's storage: callers only read it.
func certificatesFor(exp *Expectations, appID string) []Certificate {
	certs := exp.Certificates
	if exp.Keyring != nil {
		ring := exp.Keyring.For(appID)
		switch {
		case len(ring) == 0:
		case len(certs) == 0:
			certs = ring[:len(ring):len(ring)] // read only: a full slice, so an append copies
		default:
			certs = append(append(make([]Certificate, 0, len(certs)+len(ring)), certs...), ring...)
		}
	}
	return certs
}

func checkSignature007(r *Report, exp *Expectations) {
	t := r.Token.T007
	certs := certificatesFor(exp, t.AppID)
	if len(certs) == 0 {
		r.Add(Finding{Code: CodeSignatureUnchecked, Severity: SevWarning, Field: "signature",
			Message: "signature not checked: " + noCertificate(exp, t.AppID),
			Hint:    "give the certificate with --cert-file, --keyring or TOKENCHECK_CERT"})
		return
	}
	for _, c := range certs {
		sig := Signature007(c.Value, t.IssueTs, t.Salt, t.SigningInfo)
		if hmac.Equal(sig[:], t.Signature) {
			r.Signature, r.MatchedCertificate = SigValid, c.Label
			return
		}
	}
	r.Signature = SigInvalid
	r.Add(Finding{Code: CodeBadSignature, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "signature", Offset: At(2), Layer: "payload",
		Message: fmt.Sprintf("the signature does not match the token's contents under %s", certPhrase(certs)),
		Hint:    "the token was signed with another App Certificate (check primary and secondary certificates of app " + t.AppID + ") or altered after signing"})
}

func certPhrase(certs []Certificate) string {
	if len(certs) == 1 {
		return "the " + certs[0].Label + " certificate"
	}
	// A keyring may hold many certificates for one app ID: the first few
	// labels are named, the rest counted.
	const named = 8
	labels := make([]string, 0, min(len(certs), named+1))
	for _, c := range certs[:min(len(certs), named)] {
		labels = append(labels, c.Label)
	}
	if len(certs) > named {
		labels = append(labels, fmt.Sprintf("and %d more", len(certs)-named))
	}
	return fmt.Sprintf("any of the %d certificates tried (%s)", len(certs), strings.Join(labels, ", "))
}

// identity006 works out the channel and uid text a 006 signature covers from
// what the caller gave, and says why when it cannot. rtmUser reports that
// the channel position holds the RTM user id the caller gave (as an account
// or as a numeric uid), not a channel name.
func identity006(t *token.Token006, exp *Expectations) (channel, uid string, ok, rtmUser bool, why string) {
	isRTM := len(t.Privileges) > 0 && t.Privileges[0].ID == token.Priv006RTMLogin
	switch {
	case exp.Channel != nil:
		channel = *exp.Channel
	case exp.For == "rtm" && exp.Account != nil:
		// The RTM 006 builder signs the user account in the channel position.
		return *exp.Account, "", true, true, ""
	case isRTM && exp.Account != nil:
		return *exp.Account, "", true, true, ""
	case (exp.For == "rtm" || isRTM) && exp.UID != nil:
		// A numeric RTM user id given as a uid: the same text (FORMATS
		// §12.2), as for 007 RTM.
		return *exp.UID, "", true, true, ""
	case exp.For == "rtm" || isRTM:
		return "", "", false, true, "a 006 RTM token's signature covers the RTM user id, which the token holds only as the CRC-32 of its channel field: give --account (the user id the client logs in with)"
	default:
		return "", "", false, false, "a 006 signature covers the channel name, which the token holds only as a CRC-32: give --channel (and --uid or --account)"
	}
	switch {
	case exp.UID != nil:
		uid = *exp.UID
	case exp.Account != nil:
		uid = *exp.Account
	case t.CRCUID == 0:
		// CRC-32 of the empty text is 0: the token is bound to no uid.
		uid = ""
	default:
		return "", "", false, false, "a 006 signature covers the uid or account, which the token holds only as a CRC-32: give --uid or --account"
	}
	return channel, uid, true, false, ""
}

func checkSignature006(r *Report, exp *Expectations) {
	t := r.Token.T006
	certs := certificatesFor(exp, t.AppID)
	// rtmUser: the channel position holds the RTM user id (006 RtmTokenBuilder).
	channel, uid, ok, rtmUser, why := identity006(t, exp)
	if ok {
		if c := CRC32(channel); c != t.CRCChannel {
			if rtmUser {
				r.Add(Finding{Code: CodeUIDMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "crc_channel", Offset: At(34), Layer: "content",
					Message: fmt.Sprintf("the token was not built for the RTM user id %q: a 006 RTM token holds its user id as the CRC-32 of the channel field, %d, and the CRC-32 of %q is %d", channel, t.CRCChannel, channel, c),
					Hint:    "log in with the user id the token was built for, or build a token for this user id (user ids are case-sensitive)"})
			} else {
				r.Add(Finding{Code: CodeChannelMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "crc_channel", Offset: At(34), Layer: "content",
					Message: fmt.Sprintf("the token was not built for channel %q: its CRC-32 is %d, the token holds %d", channel, c, t.CRCChannel),
					Hint:    "join the channel the token was built for, or build a token for this channel (names are case-sensitive)"})
			}
		}
		if c := CRC32(uid); c != t.CRCUID {
			r.Add(Finding{Code: CodeUIDMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "crc_uid", Offset: At(38), Layer: "content",
				Message: fmt.Sprintf("the token was not built for uid/account %q: its CRC-32 is %d, the token holds %d", uid, c, t.CRCUID) + uidRelation006(t.CRCUID, uid, exp.UIDNumeric),
				Hint:    uidHint(uid, t.CRCUID)})
		}
	}
	if len(certs) == 0 || !ok {
		msg := "signature not checked: " + noCertificate(exp, t.AppID)
		hint := "give the certificate with --cert-file, --keyring or TOKENCHECK_CERT"
		if !ok {
			msg = "signature not checked: " + why
			hint = "give the channel name and the uid or account the client joins with (--channel and --uid or --account), as well as the certificate"
			if rtmUser {
				hint = "give the RTM user id the client logs in with (--account), as well as the certificate"
			}
		}
		r.Add(Finding{Code: CodeSignatureUnchecked, Severity: SevWarning, Field: "signature", Message: msg, Hint: hint})
		return
	}
	for _, c := range certs {
		sig := Signature006(c.Value, t.AppID, channel, uid, t.Message)
		if hmac.Equal(sig[:], t.Signature) {
			r.Signature, r.MatchedCertificate = SigValid, c.Label
			if CRC32(channel) != t.CRCChannel || CRC32(uid) != t.CRCUID {
				// The HMAC holds for this channel/uid but the unsigned CRC fields
				// were altered: the service compares them.
				r.Findings = dropCodes(r.Findings, CodeChannelMismatch, CodeUIDMismatch)
				r.Add(Finding{Code: CodeCRCMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "crc_channel", Offset: At(34), Layer: "content",
					Message: fmt.Sprintf("the signature is valid for channel %q and uid %q, but the token's CRC fields (%d, %d) do not match them (%d, %d): the unsigned CRCs were altered",
						channel, uid, t.CRCChannel, t.CRCUID, CRC32(channel), CRC32(uid)),
					Hint: "rebuild the token; do not edit tokens by hand"})
			}
			return
		}
	}
	r.Signature = SigInvalid
	msg := fmt.Sprintf("the signature does not match app ID, channel %q, uid %q and the token's message under %s", channel, uid, certPhrase(certs))
	if alt, ok := altUID006(t, certs, channel, uid, rtmUser); ok {
		msg += "; it does match uid " + alt
	}
	r.Add(Finding{Code: CodeBadSignature, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "signature", Offset: At(2), Layer: "content",
		Message: msg,
		Hint:    "check the channel name and uid/account the client joins with, and that the token was signed with this app's current certificate"})
}

// altUID006 tries the uid forms that builders confuse ("" vs "0") and, for
// a token bound to uid 0 (a uid CRC of 0, not an RTM token), the empty text
// that uid 0 is written as, and says which one the signature is valid for.
// (The signature covers the uid text: a token built for uid 0 verifies only
// for the empty text, whichever uid the client joins with.)
func altUID006(t *token.Token006, certs []Certificate, channel, uid string, rtmUser bool) (string, bool) {
	var alts []string
	switch {
	case uid == "0":
		alts = []string{""}
	case uid == "":
		alts = []string{"0"}
	case t.CRCUID == 0 && !rtmUser:
		alts = []string{""}
	}
	for _, a := range alts {
		for _, c := range certs {
			sig := Signature006(c.Value, t.AppID, channel, a, t.Message)
			if hmac.Equal(sig[:], t.Signature) {
				switch {
				case a == "0":
					return `"0" (the text "0", an account named "0"): the token was built for the account "0", not for uid 0`, true
				case uid == "0":
					return `"" (uid 0, the wildcard, which builders write as empty text): the token was built for uid 0, not for the account "0"`, true
				default:
					return `"" (uid 0, the wildcard, written as empty text): the token was built for uid 0, and its signature covers the empty text, not the uid or account the client joins with`, true
				}
			}
		}
	}
	return "", false
}

// repairHint says how to stop the transport damage of the first repair that
// points at a cause (a query string, a JSON text), else how to copy a token.
func repairHint(repairs []decode.Repair) string {
	for _, rp := range repairs {
		switch rp {
		case decode.RepairPlusSpace:
			return `the token went through a URL query unencoded, where "+" means a space: URL-encode it (encodeURIComponent, urlencode) when it travels in a query string`
		case decode.RepairURLTwice:
			return "the token was URL-encoded twice on its way: encode it once, and decode it once where it arrives"
		case decode.RepairURLEncoded:
			return "the token reached the client still URL-encoded: decode it once where it arrives (the SDK takes the bare token)"
		case decode.RepairJSONSlash, decode.RepairJSONUnicode:
			return "the token was taken from the raw text of a JSON response: read it from the parsed JSON (JSON.parse, json_decode, response.json()), which undoes the escapes"
		}
	}
	return "copy the token exactly as the server returned it: without quotes or line breaks around it (trim what is read from a file, an environment variable or a response body)"
}

func uidHint(uid string, crc uint32) string {
	if crc == 0 && uid == "0" {
		return `the token is bound to uid 0, written as empty text; the text "0" is the account named "0", not uid 0: join with a numeric uid (any, since uid 0 is the wildcard), or build the token for the account "0"`
	}
	if crc == 0 {
		return "the token was built for uid 0 (the wildcard, written as empty text), whose signature covers the empty text: check it with --uid 0 or without --uid/--account; to bind it to this uid or account, build the token for it"
	}
	if uid == "" {
		return "the token is bound to a specific uid or account; uid 0 does not match it"
	}
	return "join with the uid or account the token was built for; a numeric uid and the same digits as an account give the same text"
}

func dropCodes(fs []Finding, codes ...string) []Finding {
	out := fs[:0]
	for _, f := range fs {
		keep := true
		for _, c := range codes {
			if f.Code == c {
				keep = false
			}
		}
		if keep {
			out = append(out, f)
		}
	}
	return out
}
