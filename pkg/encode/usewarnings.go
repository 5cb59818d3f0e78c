package encode

import (
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Rules of the warnings UseWarnings adds.
const (
	ruleExpiredWhenBuilt  = "already expired when built, by the clock"
	ruleNotYetValidBuilt  = "not yet valid when built, by the clock"
	ruleAcceptedButAudits = "accepted, but the audit flags it"
)

// useWarningCodes are the audit findings a build warns about: lifetimes and
// uid texts that build fine but fail or surprise when the token is used.
var useWarningCodes = map[string]bool{
	verify.CodeLifetimeTooShort: true, verify.CodeExpiryImplausible: true, verify.CodePrivilegeOutlivesToken: true,
	verify.CodeUIDNegative: true, verify.CodeUIDOutOfRange: true, verify.CodeUIDLiteralZero: true, verify.CodeUIDIsAccount: true,
}

// UseWarnings returns what a freshly built token tok will meet when used at
// now, as warnings to add to the builder's own (given): expired or
// privilege_expired (a fixed issue time or expiry in the past), not_yet_valid
// (a fixed issue time in the future), and the audit's warnings about lifetimes
// and uid texts (lifetime_too_short, expiry_implausible,
// privilege_outlives_token, uid_negative, …), once per code and only for codes
// given does not hold already. The build succeeds, as the SDK's does; the
// warnings say why the token would fail or surprise.
//
// account is the user account the token was built for, or nil (a uid). A 006
// token holds it only as a CRC-32, so it is named to let the audit judge its
// text as it judges a 007 uid field; a 007 token carries it and the argument
// is not needed.
//
// The build command and the server's POST /api/build both call it, so the
// two report the same warnings for the same token.
func UseWarnings(tok string, now time.Time, account *string, given []Warning) []Warning {
	exp := &verify.Expectations{Now: now}
	if account != nil && strings.HasPrefix(tok, string(token.V006)) {
		exp.Account = account
	}
	rep := verify.Inspect(tok, exp)
	var ws []Warning
	seen := map[string]bool{}
	for _, w := range given {
		seen[w.Code] = true
	}
	for _, f := range rep.Findings {
		switch {
		case f.Code == verify.CodeExpired || f.Code == verify.CodePrivilegeExpired:
			ws = append(ws, Warning{Code: f.Code, Field: f.Field, Rule: ruleExpiredWhenBuilt, Detail: f.Message})
		case f.Code == verify.CodeNotYetValid:
			ws = append(ws, Warning{Code: f.Code, Field: f.Field, Rule: ruleNotYetValidBuilt, Detail: f.Message})
		case useWarningCodes[f.Code] && f.Severity == verify.SevWarning && !seen[f.Code]:
			// Inputs the SDK accepts but the audit flags: say so once per code.
			seen[f.Code] = true
			ws = append(ws, Warning{Code: f.Code, Field: f.Field, Rule: ruleAcceptedButAudits, Detail: f.Message})
		}
	}
	return ws
}

// nameWarningCodes are the audit findings about the text of a channel name
// or an account.
var nameWarningCodes = map[string]bool{
	verify.CodeBadChannelCharset: true, verify.CodeChannelTooLong: true,
	verify.CodeBadAccountCharset: true, verify.CodeAccountTooLong: true, verify.CodeEmptyAccount: true,
}

// NameWarnings returns the audit's findings about the channel name or the
// account a legacy key tok was built for (channel and account, either may
// be nil) as warnings, once per code and only for codes given does not hold
// already. The legacy builders take any text, as their SDKs did; a client
// joining with a name the SDK refuses fails all the same, and the warning
// says why.
func NameWarnings(tok string, channel, account *string, given []Warning) []Warning {
	rep := verify.Inspect(tok, &verify.Expectations{Channel: channel, Account: account})
	seen := map[string]bool{}
	for _, w := range given {
		seen[w.Code] = true
	}
	var ws []Warning
	for _, f := range rep.Findings {
		if nameWarningCodes[f.Code] && !seen[f.Code] {
			seen[f.Code] = true
			ws = append(ws, Warning{Code: f.Code, Field: f.Field, Rule: ruleAcceptedButAudits, Detail: f.Message})
		}
	}
	return ws
}
