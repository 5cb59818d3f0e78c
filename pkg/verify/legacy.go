package verify

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// checkLegacy verifies a pre-006 key: it always reports legacy_format with
// the builder that replaces it, then checks the signature with each
// certificate, and the absolute expiry.
func checkLegacy(r *Report, exp *Expectations) {
	l := r.Token.Legacy
	in := legacy.VerifyInput{}
	if exp.Channel != nil {
		in.Channel, in.HasChannel = *exp.Channel, true
	}
	switch {
	case exp.UID != nil:
		if *exp.UID == "" {
			in.HasUID = true
		} else if n, err := strconv.ParseUint(*exp.UID, 10, 32); err == nil {
			in.UID, in.HasUID = uint32(n), true
		}
		in.Account, in.HasAccount = *exp.UID, true
	case exp.Account != nil:
		in.Account, in.HasAccount = *exp.Account, true
		if n, err := strconv.ParseUint(*exp.Account, 10, 32); err == nil {
			in.UID, in.HasUID = uint32(n), true
		}
	}
	kind := legacy.KindOf(l)
	certs := certificatesFor(exp, l.AppID)
	var res legacy.VerifyResult
	for _, c := range certs {
		in.Certificate = c.Value
		res = legacy.Verify(l, in)
		if res.Valid() {
			r.Signature, r.MatchedCertificate = SigValid, c.Label
			kind = res.Kind
			break
		}
	}
	r.LegacyKind = kind
	if rep, ok := legacy.ReplacementFor(l.Format, kind); ok {
		r.Add(Finding{Code: CodeLegacyFormat, Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: "version",
			Message: rep.Message(),
			Hint:    "move the token server to AccessToken2 (007); current SDKs may refuse legacy keys"})
	}
	switch {
	case len(certs) == 0:
		r.Add(Finding{Code: CodeSignatureUnchecked, Severity: SevWarning, Field: "signature",
			Message: "signature not checked: no App Certificate was given",
			Hint:    "give the certificate with --cert-file, --keyring or TOKENCHECK_CERT"})
	case r.Signature == SigValid:
	case res.Status == legacy.Invalid:
		r.Signature = SigInvalid
		f := Finding{Code: CodeBadSignature, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "signature",
			Message: fmt.Sprintf("the signature does not match under %s: %s", certPhrase(certs), res.Reason),
			Hint:    "check the certificate and the channel, uid or account the key was built for"}
		f.Offset, f.Layer = legacySignatureAt(l.Format, r.Input)
		r.Add(f)
	default:
		msg := "signature not checked: " + res.Reason
		if in.HasAccount && !in.HasUID {
			msg += fmt.Sprintf("; %q is an account, and %s keys sign a numeric uid (0 to 4294967295)", in.Account, l.Format)
		}
		hint := "give what the key was built for (--channel and --uid) as well as the certificate"
		if l.Format == token.VSignal {
			hint = "give the account the token was built for (--account) as well as the certificate"
		}
		r.Add(Finding{Code: CodeSignatureUnchecked, Severity: SevWarning, Field: "signature",
			Message: msg,
			Hint:    hint})
	}
	checkLegacyUID(r, l, in)
	legacyService(r, exp, l)
	if !exp.Now.IsZero() && l.Format != token.VSignal {
		// unixTs is the generation time (FORMATS.md): one ahead of now is
		// a key server's clock running ahead, as a 007 issue_ts is.
		now := exp.Now.Unix()
		if int64(l.UnixTs) > now+int64(exp.Leeway/time.Second) {
			r.Add(Finding{Code: CodeNotYetValid, Severity: SevWarning, SDKError: SDK(SDKInvalidToken), Field: "unix_ts",
				Message: fmt.Sprintf("the key was generated at %s, %s in the future: the key server's clock is ahead, and a service that checks the generation time refuses the key", utc(int64(l.UnixTs)), Ago(int64(l.UnixTs)-now)),
				Hint:    "synchronise the key server's clock (NTP)"})
		}
		clockOffset(r, exp, int64(l.UnixTs), legacyLifetime(l), "unix_ts", "generated")
	}
	if !exp.Now.IsZero() && l.HasExpired && l.ExpiredTs != 0 {
		now := exp.Now.Unix()
		if now > int64(l.ExpiredTs)+int64(exp.Leeway.Seconds()) {
			r.Add(Finding{Code: CodeExpired, Severity: SevError, SDKError: SDK(SDKTokenExpired), Field: "expired_ts",
				Message: fmt.Sprintf("the key expired at %s, %s ago", utc(int64(l.ExpiredTs)), Ago(now-int64(l.ExpiredTs))),
				Hint:    "request a fresh key, or better an AccessToken2"})
		}
	}
}

// checkLegacyUID compares the uid a DK2 or DK3 key carries with the uid or
// account the client joins with. The key's uid is signed, so a valid
// signature does not make the key good for another uid; uid 0 in the key is
// the wildcard. Nothing is compared when the caller gave neither.
func checkLegacyUID(r *Report, l *token.Legacy, in legacy.VerifyInput) {
	if !l.HasUID || l.UID == 0 || !in.HasUID && !in.HasAccount {
		return
	}
	if in.HasUID && in.UID == l.UID {
		return
	}
	off := 90 // DK2: signature 40, app ID 32, unixTs 10, randomInt 8
	if l.Format == token.V003 {
		off += 3
	}
	given := strconv.Quote(in.Account)
	if in.HasUID && in.Account == "" {
		given = "uid 0 (the empty text)"
	}
	r.Add(Finding{Code: CodeUIDMismatch, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "uid", Offset: At(off), Layer: "token",
		Message: fmt.Sprintf("the key is for uid %d, not %s: %s keys carry the uid they were built for", l.UID, given, uidKeyName(l.Format)),
		Hint:    "join with the uid the key was built for, or build a key (better an AccessToken2) for this uid"})
}

func uidKeyName(v token.Version) string {
	if v == token.V003 {
		return "003"
	}
	return "DK2"
}

// legacySignatureAt locates the signature of a pre-006 key s: the first 40
// hex characters of DK1 and DK2, after the 3-character version of 003 and
// 004, content byte 2 (after the service type) of 005, and the last 32
// characters of a signaling token.
func legacySignatureAt(v token.Version, s string) (*int, string) {
	switch v {
	case token.VDK1, token.VDK2:
		return At(0), "token"
	case token.V003, token.V004:
		return At(3), "token"
	case token.V005:
		return At(2), "content"
	case token.VSignal:
		if len(s) >= 32 {
			return At(len(s) - 32), "token"
		}
	}
	return nil, ""
}

// legacyService applies what the token is for (--for, or an RTC join that a
// --channel asks for) to a legacy key: a signaling token logs in to RTM
// (FORMATS §8), the DK1-DK5 keys are for RTC channels (media, recording,
// sharing, in-channel permission).
func legacyService(r *Report, exp *Expectations, l *token.Legacy) {
	need := exp.For
	if need == "" && exp.Channel != nil {
		need = "rtc"
	}
	what := "needed for " + need
	if need != exp.For {
		what = fmt.Sprintf("checked for channel %q, which a client joins with an RTC token,", *exp.Channel)
	}
	var why string
	switch {
	case need == "":
		return
	case l.Format == token.VSignal && need != "rtm":
		why = "it is a signaling token, which logs in to RTM"
	case l.Format != token.VSignal && need != "rtc":
		why = fmt.Sprintf("it is a %s key, which is for RTC channels", l.Format)
	default:
		return
	}
	r.Add(Finding{Code: CodeServiceMissing, Severity: SevError, SDKError: SDK(SDKInvalidToken), Field: "version",
		Message: fmt.Sprintf("the token is %s but %s", what, why),
		Hint:    serviceHint(need)})
}

// legacyLifetime is how long a legacy key lasts from its generation: to
// its expiredTs when it has one, else the 24 hours of the 006 rule.
func legacyLifetime(l *token.Legacy) int64 {
	if l.HasExpired && l.ExpiredTs != 0 && l.ExpiredTs > l.UnixTs {
		return int64(l.ExpiredTs - l.UnixTs)
	}
	return MaxLifetime
}
