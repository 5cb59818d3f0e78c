package verify

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// noCertificate says why no certificate could be tried for appID.
func noCertificate(exp *Expectations, appID string) string {
	if exp.Keyring != nil {
		return fmt.Sprintf("the keyring holds no certificate for app ID %s (it holds %d for other apps)", appID, exp.Keyring.Len())
	}
	return "no App Certificate was given"
}

// AppIDProblem says what is wrong with an app ID that is not 32 hexadecimal
// characters, naming leading or trailing whitespace as such; "" when it is fine.
func AppIDProblem(s string) string {
	if t := strings.TrimSpace(s); t != s {
		var where []string
		if lead := s[:len(s)-len(strings.TrimLeftFunc(s, isSpace))]; lead != "" {
			where = append(where, fmt.Sprintf("leading whitespace %q", lead))
		}
		if trail := s[len(strings.TrimRightFunc(s, isSpace)):]; trail != "" {
			where = append(where, fmt.Sprintf("trailing whitespace %q", trail))
		}
		msg := "has " + strings.Join(where, " and ")
		if p := AppIDProblem(t); p != "" {
			msg += ", and without it " + p
		}
		return msg
	}
	if len(s) != 32 {
		return fmt.Sprintf("is %d bytes, not 32 hexadecimal characters", len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			r, _ := utf8.DecodeRuneInString(s[i:])
			return fmt.Sprintf("has %q at byte %d, which is not hexadecimal", r, i)
		}
	}
	return ""
}

func isSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == 0x85 || r == 0xA0
}

func ruleApp(r *Report, exp *Expectations) {
	if exp.AppID != "" {
		if p := AppIDProblem(exp.AppID); p != "" {
			if t := strings.TrimFunc(exp.AppID, isSpace); t != exp.AppID && r.Token != nil && t == AppID(r.Token) {
				p += " (without it, it is the token's app ID: the SDK is initialised with the whitespace)"
			}
			r.Add(Finding{Code: CodeBadAppIDFormat, Severity: SevError, SDKError: SDK(SDKInvalidAppID), Field: "app_id",
				Message: fmt.Sprintf("the expected app ID %q %s", exp.AppID, p),
				Hint:    "copy the app ID from the console exactly: 32 hexadecimal characters, no spaces or newlines around it"})
		}
	}
	if r.Token == nil {
		return
	}
	app := AppID(r.Token)
	if isSample(app, SampleAppID) {
		r.Add(Finding{Code: CodeSampleCredentials, Severity: SevWarning, SDKError: SDK(SDKInvalidAppID), Field: "app_id",
			Message: "the token's app ID " + app + " is Agora's published sample app ID from the reference samples, not a project's own",
			Hint:    "replace the placeholder with your project's app ID and certificate from the Agora console"})
	}
	if r.Signature == SigValid {
		for _, c := range certificatesFor(exp, app) {
			if c.Label == r.MatchedCertificate && isSample(c.Value, SampleCertificate) {
				r.Add(Finding{Code: CodeSampleCredentials, Severity: SevWarning, Field: "signature",
					Message: "the token is signed with Agora's published sample App Certificate (the " + c.Label + " certificate tried): anyone can build tokens with it",
					Hint:    "sign with your project's own App Certificate; never ship the samples' placeholder"})
				break
			}
		}
	}
}
