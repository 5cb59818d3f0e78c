// Package verify checks decoded tokens: it recomputes signatures (compared in
// constant time), applies the audit rules, and returns a Report of findings
// with a verdict. The time rules take the clock from Expectations.Now and
// never consult the system clock themselves.
package verify

// Severity ranks a finding.
type Severity string

// Severities, most serious first.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
	SevInfo    Severity = "info"
)

// Stable finding codes. Codes are a contract read by other people's scripts:
// add new ones, never rename.
const (
	CodeMalformed            = "malformed"
	CodeUnsupportedVersion   = "unsupported_version"
	CodeUnsupportedService   = "unsupported_service"
	CodeTrailingData         = "trailing_data"
	CodeTooLarge             = "too_large"
	CodeTruncated            = "truncated"
	CodeNonCanonicalEncoding = "non_canonical_encoding"
	CodeTokenCleaned         = "token_cleaned"
	CodeLegacyFormat         = "legacy_format"
	CodeUnknownPrivilege     = "unknown_privilege"
	CodeDuplicateService     = "duplicate_service"

	CodeBadSignature       = "bad_signature"
	CodeSignatureUnchecked = "signature_unchecked"
	CodeCRCMismatch        = "crc_mismatch"
	CodeAppIDMismatch      = "app_id_mismatch"
	CodeChannelMismatch    = "channel_mismatch"
	CodeUIDMismatch        = "uid_mismatch"
	CodeBadAppIDFormat     = "bad_app_id_format"
	CodeSampleCredentials  = "sample_credentials"
	CodeUIDZero            = "uid_zero"
	CodeUIDLiteralZero     = "uid_literal_zero"
	CodeUIDIsAccount       = "uid_is_account"
	CodeUIDOutOfRange      = "uid_out_of_range"
	CodeUIDNegative        = "uid_negative"
	CodeServiceMissing     = "service_missing"

	CodeExpired                = "expired"
	CodePrivilegeExpired       = "privilege_expired"
	CodeNotYetValid            = "not_yet_valid"
	CodeExpiryOver24h          = "expiry_over_24h"
	CodePrivilegeOutlivesToken = "privilege_outlives_token"
	CodeLifetimeTooShort       = "lifetime_too_short"
	CodeExpiryImplausible      = "expiry_implausible"
	CodeExpiryBeforeIssue      = "expiry_before_issue"
	CodeClockOffsetHours       = "clock_offset_hours"

	CodeBadChannelCharset = "bad_channel_charset"
	CodeChannelTooLong    = "channel_too_long"
	CodeBadAccountCharset = "bad_account_charset"
	CodeAccountTooLong    = "account_too_long"
	CodeEmptyAccount      = "empty_account"
)

// SDK error codes a finding can explain.
const (
	SDKInvalidAppID       = 101 // ERR_INVALID_APP_ID
	SDKInvalidChannelName = 102 // ERR_INVALID_CHANNEL_NAME
	SDKTokenExpired       = 109 // ERR_TOKEN_EXPIRED
	SDKInvalidToken       = 110 // ERR_INVALID_TOKEN
)

// Finding is one observation about a token.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// Message is one sentence naming the values involved.
	Message string `json:"message"`
	// Hint says how to fix it, or that there is nothing to fix. It is always
	// present in JSON (the README's contract), "" only for a finding made
	// outside this package without one.
	Hint string `json:"hint"`
	// SDKError is the Agora SDK error this explains, or nil.
	SDKError *int `json:"sdk_error"`
	// Field is the token field concerned ("" for the whole token).
	Field string `json:"field"`
	// Offset is the byte offset in the layer named by Layer, or nil.
	Offset *int `json:"offset"`
	// Layer names what Offset counts in: "token", "content", "payload", "zlib".
	Layer string `json:"layer,omitempty"`
}

// SDK returns a pointer to code, for Finding.SDKError.
func SDK(code int) *int { return &code }

// At returns a pointer to an offset, for Finding.Offset.
func At(off int) *int { return &off }

// verdictRank orders the verdict codes after the structural ones.
var verdictRank = map[string]int{
	CodeBadSignature:    1,
	CodeCRCMismatch:     2,
	CodeAppIDMismatch:   3,
	CodeChannelMismatch: 4,
	CodeUIDMismatch:     5,
	CodeExpired:         6,
	CodeNotYetValid:     7,
}

// structuralVerdict maps a structural finding to the verdict it gives.
var structuralVerdict = map[string]string{
	CodeMalformed:          CodeMalformed,
	CodeUnsupportedVersion: CodeUnsupportedVersion,
	CodeUnsupportedService: CodeUnsupportedService,
}

// Verdict computes the verdict of a list of findings: "ok" when none is an
// error; otherwise the first structural finding (in the order met), else the
// most serious error by the precedence bad_signature > crc_mismatch >
// app_id_mismatch > channel_mismatch > uid_mismatch > expired >
// not_yet_valid > any other error code (first listed). With no error but a
// signature that could not be checked, the verdict is signature_unchecked:
// "ok" always means the signature was verified.
func Verdict(fs []Finding) string {
	best, bestRank := "", 1<<30
	for _, f := range fs {
		if f.Severity != SevError {
			continue
		}
		if v, ok := structuralVerdict[f.Code]; ok {
			return v
		}
		r, ok := verdictRank[f.Code]
		if !ok {
			r = 100
		}
		if r < bestRank {
			best, bestRank = f.Code, r
		}
	}
	if best != "" {
		return best
	}
	for _, f := range fs {
		if f.Code == CodeSignatureUnchecked {
			return CodeSignatureUnchecked
		}
	}
	return "ok"
}
