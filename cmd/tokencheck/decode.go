package main

import (
	"fmt"
	"slices"
	"time"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

func init() {
	register(&command{name: "decode", usage: "decode [--json] [--now T] [TOKEN|-]",
		summary: "show what a token holds (no signature check)", run: runDecode})
}

func runDecode(e *env, args []string) int {
	const use = "decode [--json] [--now T] [TOKEN|-]"
	fs := newFlags(e, "decode", use)
	asJSON := fs.Bool("json", false, "print the decode object as JSON")
	nowFlag := fs.String("now", "", "judge times against this instant (unix seconds or RFC 3339) instead of the clock")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	raw, err := readToken(e, fs.Args())
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	now, err := parseNow(e, *nowFlag, fs.Changed("now"))
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	s, repairs := decode.Clean(raw)
	tok, perr := decode.ParsePartial(s)
	if perr != nil && slices.Contains(repairs, decode.RepairPlusSpace) {
		// Spaces read as a lost "+" that do not decode, where the token
		// decodes without them, were inserted: say so, where the first
		// one is, and do not claim the repair.
		if at, n, ok := verify.InsertedSpaces(raw, s); ok {
			perr = token.Errorf("token", at, "token", token.ErrMalformed, "%s", verify.InsertedSpacesMessage(n, perr.Error()))
			repairs = slices.DeleteFunc(repairs, func(rp decode.Repair) bool { return rp == decode.RepairPlusSpace })
		}
	}
	// A partial 007 token that inflated has its whole payload: its
	// compressor can be named as well.
	encode.RefineCompressor(tok, s)
	if *asJSON {
		v := report.Token(tok, perr)
		for _, r := range repairs {
			v.Repairs = append(v.Repairs, string(r))
		}
		if err := writeJSON(e.stdout, v); err != nil {
			return writeFailed(e, err)
		}
	} else if err := printDecoded(e, tok, perr, repairs, now); err != nil {
		return writeFailed(e, err)
	}
	if perr != nil {
		errorf(e, "%v", perr)
		if f := verify.Inspect(raw, &verify.Expectations{}); len(f.Findings) > 0 {
			for _, x := range f.Findings {
				if x.Hint != "" && x.Severity == verify.SevError {
					hintf(e, "%s", x.Hint)
					break
				}
			}
		}
		return exitBad
	}
	return exitOK
}

// printDecoded renders a decoded token for people: the field table and the
// repairs undone before decoding. It returns the first write error.
func printDecoded(e *env, tok *token.Token, perr error, repairs []decode.Repair, now time.Time) error {
	if tok != nil {
		status := "signature: not verified (use tokencheck verify)"
		if perr != nil {
			status = "decoded only up to the error below"
		}
		if _, err := fmt.Fprintf(e.stdout, "Token %s (%s), %s\n", tok.Version, versionTitle[tok.Version], status); err != nil {
			return err
		}
		if err := renderTable(e.stdout, []string{"field", "value", "meaning"}, tokenRows(tok, now, legacy.KindUnknown)); err != nil {
			return err
		}
	}
	for _, r := range repairs {
		if _, err := fmt.Fprintf(e.stdout, "repaired before decoding: %s\n", r); err != nil {
			return err
		}
	}
	return outputErr(e)
}
