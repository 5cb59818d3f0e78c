package legacy

import (
	"crypto/hmac"
	"fmt"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// VerifyInput is what the caller knows besides the key. Channel, UID and
// Account have a Has… flag because their zero values ("" and 0) are
// meaningful: an empty channel and the wildcard uid 0 are valid inputs.
type VerifyInput struct {
	// Certificate is the App Certificate: the HMAC key (DK1–DK4, as text;
	// DK5, hex-decoded, so it must be 32 hex characters) or the MD5 input
	// (signaling). Required.
	Certificate string
	// Channel is the channel name (DK1–DK5).
	Channel    string
	HasChannel bool
	// UID is the user id (DK4, DK5; DK2 and DK3 carry their own).
	UID    uint32
	HasUID bool
	// Account is the signaling account.
	Account    string
	HasAccount bool
}

// Status is the outcome of a signature check.
type Status int

// The statuses.
const (
	// Unchecked: the signature could not be recomputed (an input was missing
	// or unusable, see VerifyResult.Missing and Reason).
	Unchecked Status = iota
	// Valid: the recomputed signature equals the one in the key.
	Valid
	// Invalid: it differs.
	Invalid
)

// String returns "unchecked", "valid" or "invalid", the words of the
// verify --json contract.
func (s Status) String() string {
	switch s {
	case Valid:
		return "valid"
	case Invalid:
		return "invalid"
	}
	return "unchecked"
}

// VerifyResult is the outcome of [Verify].
type VerifyResult struct {
	Status Status
	// Missing names the inputs that the check needs and that were not given,
	// among "certificate", "channel", "uid" and "account".
	Missing []string
	// Reason explains an Unchecked or Invalid status (lowercase, no period).
	Reason string
	// Kind is the kind of the key: for DK4 the service string whose signature
	// matched (KindUnknown unless Valid), otherwise [KindOf].
	Kind KeyKind
	// WildcardUID is set when a DK4 or DK5 key matched with uid 0, i.e. it
	// was built for any user (the DK5 reference verifier tries the given
	// uid, then 0).
	WildcardUID bool
}

// Valid reports whether the signature was checked and matched.
func (r VerifyResult) Valid() bool { return r.Status == Valid }

// Err returns nil unless the status is Invalid, and then an error that wraps
// token.ErrSignatureInvalid.
func (r VerifyResult) Err() error {
	if r.Status != Invalid {
		return nil
	}
	return fmt.Errorf("%s: %w", r.Reason, token.ErrSignatureInvalid)
}

// Verify recomputes the signature of a decoded legacy key following FORMATS
// §15 and compares it in constant time with the one the key carries. It
// checks the signature only: not the expiry, not the App ID against an
// expected one, not the channel or account charset.
//
// What each format needs besides the certificate: DK1–DK3 the channel; DK4
// the channel and the uid (the service string is not stored: APSS, ARS and
// ACS are tried and the one that matches is reported in Kind) and DK5 the
// channel and the uid: like the DK5 reference verifier, the given uid and
// then uid 0 are tried, and without a uid only uid 0 is tried (a match
// proves a wildcard key; no match leaves the key unchecked); signaling the
// account.
func Verify(l *token.Legacy, in VerifyInput) VerifyResult {
	if l == nil {
		return VerifyResult{Reason: "no key"}
	}
	res := VerifyResult{Kind: KindOf(l)}
	var missing []string
	if in.Certificate == "" {
		missing = append(missing, "certificate")
	}
	switch l.Format {
	case token.VDK1, token.VDK2, token.V003, token.V004, token.V005:
		if !in.HasChannel {
			missing = append(missing, "channel")
		}
	case token.VSignal:
		if !in.HasAccount {
			missing = append(missing, "account")
		}
	default:
		res.Reason = "not a legacy format: " + quote(string(l.Format))
		return res
	}
	if len(missing) > 0 {
		res.Missing = missing
		res.Reason = "missing " + strings.Join(missing, ", ")
		return res
	}

	switch l.Format {
	case token.VDK1, token.VDK2, token.V003:
		return compare(res, l.Signature, hexKeySignature(in.Certificate, "", l, in.Channel))
	case token.V004:
		for _, uid := range uidsToTry(in) {
			matched := KindUnknown
			for _, k := range dk4Kinds {
				service, _ := k.DK4Service()
				if equal(l.Signature, hexKeySignature(in.Certificate, service, l, in.Channel, uid)) {
					matched = k
				}
			}
			if matched != KindUnknown {
				res.Status, res.Kind, res.WildcardUID = Valid, matched, uid == 0
				return res
			}
		}
		if !in.HasUID {
			return uidMissing(res)
		}
		res.Status, res.Reason = Invalid, "signature matches none of the DK4 kinds (APSS, ARS, ACS) for this certificate, channel and uid (nor uid 0)"
		return res
	case token.V005:
		return verifyDK5(res, l, in)
	}
	return compare(res, l.Signature, signalingSignature(in.Certificate, l, in.Account))
}

// uidsToTry lists the uids a DK4 or DK5 key is checked for: the given one,
// then uid 0, the wildcard a key built for any user carries (as the DK5
// reference verifier tries both); only uid 0 without a uid.
func uidsToTry(in VerifyInput) []uint32 {
	if in.HasUID && in.UID != 0 {
		return []uint32{in.UID, 0}
	}
	return []uint32{0}
}

// uidMissing is the result of a DK4 or DK5 key checked without a uid that
// does not match uid 0.
func uidMissing(res VerifyResult) VerifyResult {
	res.Missing = []string{"uid"}
	res.Reason = "missing uid (the key does not match uid 0)"
	return res
}

func verifyDK5(res VerifyResult, l *token.Legacy, in VerifyInput) VerifyResult {
	for _, uid := range uidsToTry(in) {
		want, err := dk5Signature(in.Certificate, l, in.Channel, uid)
		if err != nil {
			res.Reason = "cannot recompute the DK5 signature: " + err.Error()
			return res
		}
		if equal(l.Signature, want) {
			res.Status = Valid
			res.WildcardUID = uid == 0
			return res
		}
	}
	if !in.HasUID {
		return uidMissing(res)
	}
	res.Status, res.Reason = Invalid, "signature does not match for this certificate, channel and uid (nor uid 0)"
	return res
}

func compare(res VerifyResult, got, want string) VerifyResult {
	if equal(got, want) {
		res.Status = Valid
		return res
	}
	res.Status, res.Reason = Invalid, "signature does not match"
	return res
}

// equal compares two signature texts in constant time.
func equal(got, want string) bool {
	return hmac.Equal([]byte(got), []byte(want))
}
