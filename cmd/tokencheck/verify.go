package main

import (
	"fmt"
	"time"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

func init() {
	register(&command{name: "verify",
		usage:   "verify [--json] [--cert C|--cert-file F] [--keyring F] [--app-id A] [--channel X] [--uid N|--account S] [--now T] [--leeway D] [TOKEN|-]",
		summary: "check the signature and everything that makes a join fail", run: runVerify})
}

// expectFlags are the flags that say what the caller knows about a token.
type expectFlags struct {
	certs   certFlags
	appID   string
	channel string
	uid     string
	account string
	forSvc  string
	now     string
	leeway  time.Duration
	strict  bool
}

func (x *expectFlags) add(fs interface {
	StringVar(*string, string, string, string)
	DurationVar(*time.Duration, string, time.Duration, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&x.appID, "app-id", "", "expected app ID")
	fs.StringVar(&x.channel, "channel", "", "channel name the client joins (006: needed to check the signature)")
	fs.StringVar(&x.uid, "uid", "", "numeric uid the client joins with (0 is uid 0, written as empty text: the wildcard)")
	fs.StringVar(&x.account, "account", "", "user account the client joins or logs in with")
	fs.StringVar(&x.forSvc, "for", "", "what the token is needed for: rtc, rtm or chat")
	fs.StringVar(&x.now, "now", "", "judge times against this instant (unix seconds or RFC 3339)")
	fs.DurationVar(&x.leeway, "leeway", 0, "clock skew tolerated in time checks (e.g. 30s)")
	fs.BoolVar(&x.strict, "strict", false, "conformance mode: any repair or non-canonical encoding is malformed; time findings are warnings")
}

func (x *expectFlags) expectations(e *env, changed func(string) bool) (*verify.Expectations, error) {
	certs, kr, err := x.certs.load(e)
	if err != nil {
		return nil, err
	}
	now, err := parseNow(e, x.now, changed("now"))
	if err != nil {
		return nil, err
	}
	if x.leeway < 0 || x.leeway > 24*time.Hour {
		return nil, fmt.Errorf("--leeway %s: want a duration from 0 to 24h (e.g. 30s)", x.leeway)
	}
	exp := &verify.Expectations{Certificates: certs, Keyring: kr, AppID: x.appID, Now: now, Leeway: x.leeway, Strict: x.strict}
	switch x.forSvc {
	case "", "rtc", "rtm", "chat":
		exp.For = x.forSvc
	default:
		return nil, fmt.Errorf("--for %q: want rtc, rtm or chat", x.forSvc)
	}
	if changed("channel") {
		exp.Channel = &x.channel
	}
	if changed("uid") && changed("account") {
		return nil, fmt.Errorf("give --uid or --account, not both")
	}
	if changed("uid") {
		t, err := parseUID(x.uid)
		if err != nil {
			// Not a uint32: what the client passes is then a user account
			// (or a signed conversion, which the account text shows).
			fmt.Fprintf(e.stderr, "tokencheck: warning: --uid %q is not a number 0..4294967295: checked as the user account %q (use --account to say so)\n", x.uid, x.uid)
			acct := x.uid
			exp.Account = &acct
		} else {
			exp.UID, exp.UIDNumeric = &t, true
		}
	}
	if changed("account") {
		exp.Account = &x.account
	}
	return exp, nil
}

func runVerify(e *env, args []string) int {
	const use = "verify [--json] [--cert C|--cert-file F] [--keyring F] [--app-id A] [--channel X] [--uid N|--account S] [--for rtc|rtm|chat] [--now T] [--leeway D] [--strict] [TOKEN|-]"
	fs := newFlags(e, "verify", use)
	asJSON := fs.Bool("json", false, "print the verify object as JSON")
	var x expectFlags
	x.certs.add(fs)
	x.add(fs)
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	raw, err := readToken(e, fs.Args())
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	exp, err := x.expectations(e, fs.Changed)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	noCert := len(exp.Certificates) == 0 && exp.Keyring == nil
	// Without a certificate the token is still decoded and audited: the
	// report says signature "unchecked" (a signature_unchecked finding) and
	// the exit code is 2 unless another finding makes it 1, as for a 006
	// token given without its channel.
	r := verify.Inspect(raw, exp)
	encode.RefineCompressor(r.Token, r.Input)
	if *asJSON {
		if err := writeJSON(e.stdout, report.Verify(r)); err != nil {
			return writeFailed(e, err)
		}
	} else if err := printReport(e, r, exp.Now); err != nil {
		return writeFailed(e, err)
	}
	if noCert && r.Signature == verify.SigUnchecked {
		fmt.Fprintln(e.stderr, "tokencheck: warning: no App Certificate given: the signature was not checked")
		hintf(e, "give it with --cert-file FILE, --keyring FILE or the TOKENCHECK_CERT environment variable (or use 'tokencheck decode' to only look inside)")
	} else if r.Signature == verify.SigUnchecked {
		// A certificate was given but could not be used: a 006 token
		// without its channel and uid, or a keyring without the token's
		// app ID. The note says what is missing, as it does without one.
		for _, f := range r.Findings {
			if f.Code == verify.CodeSignatureUnchecked {
				fmt.Fprintf(e.stderr, "tokencheck: warning: %s\n", f.Message)
				hintf(e, "%s", f.Hint)
				break
			}
		}
	}
	return exitCode(r)
}

// exitCode maps a report to the CLI contract: 1 for any error-level verdict,
// 2 when the signature could not be checked, 0 otherwise.
func exitCode(r *verify.Report) int {
	switch {
	case r.Verdict == verify.CodeSignatureUnchecked || r.Verdict == "ok" && r.Signature != verify.SigValid:
		return exitUsage
	case r.Verdict != "ok":
		return exitBad
	}
	return exitOK
}

func printReport(e *env, r *verify.Report, now time.Time) error {
	w := e.stdout
	if r.Token != nil {
		if _, err := fmt.Fprintf(w, "Token %s (%s)\n", r.Token.Version, versionTitle[r.Token.Version]); err != nil {
			return err
		}
		if err := renderTable(w, []string{"field", "value", "meaning"}, tokenRows(r.Token, now, r.LegacyKind)); err != nil {
			return err
		}
	}
	sig := r.Signature
	if r.MatchedCertificate != "" {
		sig += " (" + r.MatchedCertificate + " certificate)"
	}
	if _, err := fmt.Fprintf(w, "signature: %s\nverdict:   %s\n", sig, r.Verdict); err != nil {
		return err
	}
	if len(r.Findings) == 0 {
		_, err := fmt.Fprintln(w, "findings:  none")
		return err
	}
	if err := renderTable(w, []string{"severity", "code", "sdk error", "message"}, findingRows(r.Findings)); err != nil {
		return err
	}
	return outputErr(e)
}
