package conform

import (
	"encoding/hex"
	"fmt"
	"sort"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Case statuses.
const (
	StatusPass      = "pass"
	StatusFail      = "fail"
	StatusSkip      = "skip"
	StatusDivergent = "divergent" // differs from tokencheck by an allowed, documented cause
)

// Result is the outcome of one case.
type Result struct {
	File    string `json:"file,omitempty"`
	ID      string `json:"id"`
	Builder string `json:"builder"`
	Status  string `json:"status"`
	// Checks counts the checks run (comparisons, decodes, verifications).
	Checks int `json:"checks"`
	// Failures, most telling first; empty unless Status is fail.
	Failures []Failure `json:"failures,omitempty"`
	// Divergences lists the classified causes of a difference (see Classify).
	Divergences []string `json:"divergences,omitempty"`
	// Note explains a skip or a divergence.
	Note string `json:"note,omitempty"`
}

// First returns the first failure, or nil.
func (r *Result) First() *Failure {
	if len(r.Failures) == 0 {
		return nil
	}
	return &r.Failures[0]
}

func (r *Result) fail(f ...Failure) {
	r.Failures = append(r.Failures, f...)
}

func (r *Result) settle() {
	if r.Status == "" {
		r.Status = StatusPass
	}
	if len(r.Failures) > 0 {
		r.Status = StatusFail
	}
}

// Summary counts results by status.
type Summary struct {
	Total     int `json:"total"`
	Passed    int `json:"passed"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
	Divergent int `json:"divergent"`
	Checks    int `json:"checks"`
}

// Summarize counts results.
func Summarize(rs []Result) Summary {
	var s Summary
	for _, r := range rs {
		s.Total++
		s.Checks += r.Checks
		switch r.Status {
		case StatusPass:
			s.Passed++
		case StatusFail:
			s.Failed++
		case StatusSkip:
			s.Skipped++
		case StatusDivergent:
			s.Divergent++
		}
	}
	return s
}

// CheckFile runs every case of a vector file; name labels the results.
func CheckFile(name string, f *vectors.File, reg Registry) []Result {
	out := make([]Result, 0, len(f.Cases))
	for i := range f.Cases {
		r := CheckCase(f.Format, &f.Cases[i], reg)
		r.File = name
		out = append(out, r)
	}
	return out
}

// CheckCase runs one vector case:
//
//   - tokencheck builds the inputs with the case's builder key; a case whose
//     correct outcome is a refusal (token null, expected_error) must be refused;
//   - 006 (and any non-007 format): the build equals `token` byte for byte;
//   - 007: the build's payload equals `payload_hex` and the payload of
//     `token`; its string equals disagree["go"] (Go's compress/zlib) and
//     `token` itself when `token` was written by Go's compressor; when
//     `token` was written by a C-zlib reference, encode.String007Zlib of the
//     payload equals it byte for byte;
//   - `token` decodes strictly and verifies with the certificate (006: for
//     the channel and uid text the inputs give);
//   - every output in `disagree` whose payload the file records as equal
//     decodes and verifies too.
func CheckCase(format string, c *vectors.Case, reg Registry) Result {
	r := Result{ID: c.ID, Builder: c.Builder}
	b, ok := reg[c.Builder]
	if !ok {
		r.Status, r.Note = StatusSkip, fmt.Sprintf("no builder registered for key %q (format %s)", c.Builder, format)
		return r
	}
	ours, err := b.Build(c.Inputs)
	r.Checks++
	if c.Token == nil {
		if c.ExpectedError {
			if err == nil {
				r.fail(Failure{Check: CheckRefusal, Message: "the case expects a refusal, but tokencheck built " + short(ours.Token)})
			}
		} else {
			r.Status, r.Note = StatusSkip, "no token recorded and no refusal expected"
		}
		r.settle()
		return r
	}
	if err != nil {
		r.fail(Failure{Check: CheckBuild, Message: "tokencheck refused the inputs: " + err.Error()})
		r.settle()
		return r
	}
	is007 := format == "007"
	if is007 {
		if g, ok := c.Disagree["go"]; ok && !vectors.IsError(g) && c.DisagreePayloadEqual["go"] != nil && *c.DisagreePayloadEqual["go"] {
			r.Checks++
			if f := CompareStrings("disagree[go]", ours.Token, g); f != nil {
				f.Message = "tokencheck's string differs from the Go reference's: " + f.Message
				r.fail(*f)
			}
		}
	}
	if is007 && cZlibCanonical(c) {
		r.Checks++
		if t, err := decode.Parse(ours.Token); err == nil && t.T007 != nil {
			if f := CompareStrings("token", encode.String007Zlib(t.T007.Payload), *c.Token); f != nil {
				f.Message = "tokencheck's C-zlib string (encode.String007Zlib) differs from the recorded one: " + f.Message
				r.fail(*f)
			}
		}
	}
	if c.PayloadHex != nil {
		r.Checks++
		if f := comparePayloadHex(ours.Token, *c.PayloadHex); f != nil {
			r.fail(*f)
		}
	}
	exact := !is007 || isGoStream(*c.Token)
	fails, _ := Compare("token", *c.Token, ours, exact)
	r.Checks += 3
	r.fail(fails...)
	impls := make([]string, 0, len(c.DisagreePayloadEqual))
	for impl, eq := range c.DisagreePayloadEqual {
		if eq != nil && *eq {
			impls = append(impls, impl)
		}
	}
	sort.Strings(impls)
	for _, impl := range impls {
		s, ok := c.Disagree[impl]
		if !ok || vectors.IsError(s) {
			continue
		}
		r.Checks += 2
		if _, f := Inspect("disagree["+impl+"]", s, ours); f != nil {
			r.fail(*f)
		}
		if is007 && !samePayload(s, ours.Token) {
			r.fail(Failure{Check: CheckPayload, Subject: "disagree[" + impl + "]", Message: "recorded as payload-equal, but its payload differs from tokencheck's"})
		}
	}
	r.settle()
	return r
}

// comparePayloadHex compares the build with a recorded payload_hex (007:
// the inflated payload; 006 and 005: the base64-decoded content; the other
// legacy keys are plain text and compared as strings only).
func comparePayloadHex(tok, want string) *Failure {
	w, err := hex.DecodeString(want)
	if err != nil {
		return &Failure{Check: CheckPayload, Subject: "payload_hex", Message: "payload_hex is not hex: " + err.Error()}
	}
	t, err := decode.Parse(tok)
	if err != nil {
		return &Failure{Check: CheckBuild, Message: "tokencheck's own token does not decode: " + err.Error()}
	}
	var got []byte
	switch {
	case t.T007 != nil:
		got = t.T007.Payload
		if f := ComparePayloads("payload_hex", got, w); f != nil {
			return f
		}
	case t.T006 != nil:
		got = t.T006.Content
		if i := FirstDiff(got, w); i >= 0 {
			return &Failure{Check: CheckPayload, Subject: "payload_hex", Layer: "content", Offset: at(i), Field: Field006(i),
				Message: fmt.Sprintf("content byte %d (%s): %s, want %s", i, Field006(i), byteAt(got, i), byteAt(w, i))}
		}
	case t.Legacy != nil && t.Legacy.Format == token.V005:
		got = t.Legacy.Content
		if i := FirstDiff(got, w); i >= 0 {
			field := Field005(w, i)
			return &Failure{Check: CheckPayload, Subject: "payload_hex", Layer: "content", Offset: at(i), Field: field,
				Message: fmt.Sprintf("content byte %d (%s): %s, want %s (contents of %s and %s)", i, field, byteAt(got, i), byteAt(w, i), nBytes(len(got)), nBytes(len(w)))}
		}
	}
	return nil
}

// cZlibImplementations are the references that compress with C zlib 1.2.13
// (CROSS-LANGUAGE.md, "Generators").
var cZlibImplementations = map[string]bool{"python3": true, "cpp": true, "java": true, "php": true, "ruby": true}

// cZlibCanonical reports whether a case's canonical 007 token was written by
// C zlib (one of the C-zlib references produced exactly that string), which
// encode.String007Zlib reproduces.
func cZlibCanonical(c *vectors.Case) bool {
	if c.Token == nil {
		return false
	}
	for _, a := range c.Agree {
		if cZlibImplementations[a] {
			return true
		}
	}
	return false
}

// isGoStream reports whether a 007 string was compressed by Go's
// compress/zlib (which tokencheck reproduces exactly).
func isGoStream(s string) bool {
	t, err := decode.Parse(s)
	return err == nil && t.Encoding.Compressor == "go"
}

func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Add returns the sum of two summaries.
func (s Summary) Add(o Summary) Summary {
	return Summary{Total: s.Total + o.Total, Passed: s.Passed + o.Passed, Failed: s.Failed + o.Failed,
		Skipped: s.Skipped + o.Skipped, Divergent: s.Divergent + o.Divergent, Checks: s.Checks + o.Checks}
}

// CheckTampered judges every token of a tampered-token file strictly, with
// the certificate (and 006 channel and uid) the file gives, and compares the
// verdict with the expected one.
func CheckTampered(name string, f *vectors.TamperedFile) []Result {
	out := make([]Result, 0, len(f.Cases))
	for _, c := range f.Cases {
		r := Result{File: name, ID: c.ID, Builder: c.Tampering, Checks: 1}
		b := &Build{Cert: c.CertForCheck, Channel: c.Channel, UID: c.UID}
		rep := verify.Inspect(c.Token, b.Expectations())
		if rep.Verdict != c.ExpectedVerdict {
			f := Failure{Check: CheckVerify, Subject: "token", Message: fmt.Sprintf("verdict %s, want %s (%s)", rep.Verdict, c.ExpectedVerdict, c.Description)}
			for _, x := range rep.Findings {
				if x.Severity == verify.SevError {
					f.Field, f.Layer, f.Offset = x.Field, x.Layer, x.Offset
					break
				}
			}
			r.fail(f)
		}
		r.settle()
		out = append(out, r)
	}
	return out
}
