package verify

import "strings"

// Audit rules.
//
// Each rule looks at a report whose token, signature and structural findings
// are settled and adds findings. Every finding carries a stable code, a
// severity, one sentence naming the values involved, a hint, and the SDK
// error it explains.
//
// SDK errors (Finding.SDKError). The value names the error the SDK the token
// is used with reports:
//
//	101 ERR_INVALID_APP_ID        app ID not 32 hex characters, other app, sample app ID
//	102 ERR_INVALID_CHANNEL_NAME  channel outside the 89-character set or over 64 bytes
//	109 ERR_TOKEN_EXPIRED         token or privilege expired, stale or implausible expiry
//	110 ERR_INVALID_TOKEN         malformed, truncated, bad signature, identity mismatch,
//	                              not yet valid, missing service
//	  2 ERR_INVALID_ARGUMENT      user account outside the character set, over 255 bytes, empty
//
// When the caller says the token is for RTM login (Expectations.For ==
// "rtm"), the RTM login error codes replace the RTC ones: 109 becomes 6
// (LOGIN_ERR_TOKEN_EXPIRED), 110 becomes 5 (LOGIN_ERR_INVALID_TOKEN) and 101
// becomes 4 (LOGIN_ERR_INVALID_APP_ID) and 2 becomes 3
// (LOGIN_ERR_INVALID_ARGUMENT); see ServiceErrors. Findings about an RTM
// service itself (an empty or over-long RTM user id) carry 3 in any case.

// SDK error codes beyond those in finding.go.
const (
	SDKInvalidArgument = 2 // ERR_INVALID_ARGUMENT (joinChannelWithUserAccount)

	RTMLoginInvalidArgument = 3 // RTM LOGIN_ERR_INVALID_ARGUMENT
	RTMLoginInvalidAppID    = 4 // RTM LOGIN_ERR_INVALID_APP_ID
	RTMLoginInvalidToken    = 5 // RTM LOGIN_ERR_INVALID_TOKEN
	RTMLoginTokenExpired    = 6 // RTM LOGIN_ERR_TOKEN_EXPIRED
)

// Codes added by the audit rules beyond the ARCHITECTURE list.
const (
	// CodeExpireZero: an expire or privilege value of 0, with its meaning in
	// the token's version (007 token: expires when issued; 007 privilege: no
	// separate limit; 006 privilege: no limit of its own, 24 h at most).
	CodeExpireZero = "expire_zero"
	// CodeBadInput: an audit input line that could not be read (bad JSON, a
	// missing token, a uid that is not a uint32); the line still gets a result.
	CodeBadInput = "bad_input"
)

// Sample credentials: Agora's published placeholder app ID and certificate
// of the reference samples and tests (AgoraIO/Tools). Compared ignoring case.
const (
	SampleAppID       = "970CA35de60c44645bbae8a215061b33"
	SampleCertificate = "5CFd2fd1755d40ecb72977518be15d3b"
)

// CodeInfo describes one finding code for documentation and tests.
type CodeInfo struct {
	Code string
	// Kind groups codes: structure, signature, identity, app, service, time, charset, input.
	Kind string
	// Summary says in a few words what the code means.
	Summary string
}

// Catalog lists every finding code tokencheck emits, by kind. Codes are a
// contract: add, never rename.
var Catalog = []CodeInfo{
	{CodeMalformed, "structure", "the token cannot be decoded"},
	{CodeUnsupportedVersion, "structure", "the version prefix is not 006 or 007"},
	{CodeUnsupportedService, "structure", "a 007 service type without a known layout"},
	{CodeTrailingData, "structure", "bytes after the last field (a sub-code of malformed in the decode error view)"},
	{CodeTooLarge, "structure", "over a hard size limit (a sub-code of malformed in the decode error view)"},
	{CodeTruncated, "structure", "the token ends early (by how much, when it can be told)"},
	{CodeNonCanonicalEncoding, "structure", "base64 padding bits or zlib framing no builder writes"},
	{CodeTokenCleaned, "structure", "transport damage repaired before decoding"},
	{CodeLegacyFormat, "structure", "a pre-006 dynamic key or signaling token"},
	{CodeUnknownPrivilege, "structure", "a privilege id the service does not define"},
	{CodeDuplicateService, "structure", "a 007 service type that appears more than once"},
	{CodeBadSignature, "signature", "the signature does not match under any certificate tried"},
	{CodeSignatureUnchecked, "signature", "no certificate (or for 006 no channel/uid) to check with"},
	{CodeCRCMismatch, "signature", "a 006 CRC field altered after signing"},
	{CodeAppIDMismatch, "app", "the token is for another app ID"},
	{CodeBadAppIDFormat, "app", "an app ID that is not 32 hexadecimal characters"},
	{CodeSampleCredentials, "app", "Agora's published sample app ID or certificate"},
	{CodeChannelMismatch, "identity", "the token is for another channel"},
	{CodeUIDMismatch, "identity", "the token is for another uid or account"},
	{CodeUIDZero, "identity", "uid 0: any uid may join"},
	{CodeUIDLiteralZero, "identity", `the text "0": an account named "0", not uid 0`},
	{CodeUIDIsAccount, "identity", "the uid field is not a canonical decimal number"},
	{CodeUIDOutOfRange, "identity", "a decimal uid above 2^32-1"},
	{CodeUIDNegative, "identity", "a negative uid: a signed 32-bit conversion"},
	{CodeServiceMissing, "service", "the token lacks the service the caller needs"},
	{CodeExpired, "time", "the token expired"},
	{CodePrivilegeExpired, "time", "a privilege expired before the token"},
	{CodeNotYetValid, "time", "issued in the future beyond the leeway"},
	{CodeExpiryOver24h, "time", "a lifetime over 24 hours, which the server cuts"},
	{CodePrivilegeOutlivesToken, "time", "a 007 privilege longer than the token"},
	{CodeLifetimeTooShort, "time", "too short for the SDK's 30-second renewal warning"},
	{CodeExpiryImplausible, "time", "a unit mix-up in an expiry field"},
	{CodeExpiryBeforeIssue, "time", "a 006 privilege that ended before the token was built"},
	{CodeClockOffsetHours, "time", "issue time off from now by a whole number of hours or a half-hour zone's offset"},
	{CodeExpireZero, "time", "an expire or privilege value of 0 and its meaning"},
	{CodeBadChannelCharset, "charset", "a channel character outside the 89-character set"},
	{CodeChannelTooLong, "charset", "a channel name over 64 bytes"},
	{CodeBadAccountCharset, "charset", "an account character outside the 89-character set"},
	{CodeAccountTooLong, "charset", "an account over 255 bytes (RTM user id over 64)"},
	{CodeEmptyAccount, "charset", "an empty user account or RTM user id"},
	{CodeBadInput, "input", "an audit input line that could not be read"},
}

func init() {
	Rules = append(Rules, ruleTimes, ruleIdentity, ruleApp, ruleService, ruleCharset)
}

// ServiceErrors rewrites the SDK errors of r's findings for the SDK named by
// exp.For: for "rtm", the RTM login codes replace the RTC ones (109 → 6,
// 110 → 5, 101 → 4, 2 → 3). Inspect calls it last.
func ServiceErrors(r *Report, exp *Expectations) {
	if exp == nil || exp.For != "rtm" {
		return
	}
	for i := range r.Findings {
		p := r.Findings[i].SDKError
		if p == nil {
			continue
		}
		switch *p {
		case SDKTokenExpired:
			r.Findings[i].SDKError = SDK(RTMLoginTokenExpired)
		case SDKInvalidToken:
			r.Findings[i].SDKError = SDK(RTMLoginInvalidToken)
		case SDKInvalidAppID:
			r.Findings[i].SDKError = SDK(RTMLoginInvalidAppID)
		case SDKInvalidArgument:
			r.Findings[i].SDKError = SDK(RTMLoginInvalidArgument)
		}
	}
}

// isSample reports whether s is a sample credential, ignoring case.
func isSample(s, sample string) bool { return strings.EqualFold(s, sample) }
