package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Options drive Run.
type Options struct {
	// Command is the external builder, run with sh -c.
	Command string
	// Timeout bounds each request (default 10s). A request that times out
	// fails its case and the process is restarted.
	Timeout time.Duration
	// Parse also sends every token tokencheck built to the external builder's
	// parser (the other direction) and compares the fields it reports.
	Parse bool
	// Allow lists divergence causes (see Classify) that make a case
	// "divergent" instead of failed, provided the answer decodes and verifies.
	Allow map[string]bool
	// Stderr receives the process's stderr (nil: discarded, but the end of
	// it is quoted when the process dies).
	Stderr io.Writer
}

// MaxSilent is the number of requests in a row that may go unanswered
// within the timeout before Run stops sending the remaining cases (which
// then fail without being sent).
const MaxSilent = 3

// Run drives an external builder through every case of a vector file: each
// case's inputs are sent as a build request, the answer is compared with
// tokencheck's build of the same inputs (the 006 string exactly, the 007
// payload), decoded strictly and verified; with Options.Parse tokencheck's
// token is sent back to be parsed. The error is non-nil only when the
// process cannot be started at all: sh cannot be run, or the first process
// exits before answering its first request (a command that is not found or
// not executable, sh's exit status 127 or 126, or an adapter that fails at
// start-up); the error names the command, its exit status and the end of
// its stderr. A process that answered and then dies fails the case in
// progress and is started again for the next one.
func Run(ctx context.Context, f *vectors.File, reg Registry, o Options) ([]Result, error) {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	p, err := Start(o.Command, o.Stderr)
	if err != nil {
		return nil, err
	}
	defer func() {
		if p != nil {
			_ = p.Close()
		}
	}()
	var out []Result
	first := true // p is the first process of the run
	silent := 0   // consecutive requests that got no answer in time
	for i := range f.Cases {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if silent >= MaxSilent {
			// A builder that hangs on every request would hold the run for
			// the timeout of each case: the rest fail without being sent.
			r := Result{ID: f.Cases[i].ID, Builder: f.Cases[i].Builder, Checks: 1}
			r.fail(Failure{Check: CheckProcess, Message: fmt.Sprintf("not sent: the builder answered none of the last %d requests within %s", MaxSilent, o.Timeout)})
			r.settle()
			out = append(out, r)
			continue
		}
		if p == nil {
			if p, err = Start(o.Command, o.Stderr); err != nil {
				return out, err
			}
			first = false
		}
		r, perr := runCase(ctx, p, f.Format, &f.Cases[i], reg, o)
		if perr != nil && first && p.answered == 0 && p.exited() {
			return nil, p.notStarted()
		}
		if errors.Is(perr, ErrNoAnswer) {
			silent++
		} else {
			silent = 0
		}
		if perr != nil {
			// The exchange went wrong: start afresh for the next case.
			_ = p.Close()
			p = nil
		}
		out = append(out, r)
	}
	return out, nil
}

func runCase(ctx context.Context, p *Process, format string, c *vectors.Case, reg Registry, o Options) (Result, error) {
	r := Result{ID: c.ID, Builder: c.Builder}
	b, ok := reg[c.Builder]
	if !ok {
		r.Status, r.Note = StatusSkip, fmt.Sprintf("tokencheck has no builder for key %q", c.Builder)
		return r, nil
	}
	ours, berr := b.Build(c.Inputs)
	resp, err := p.Call(ctx, Request{ID: c.ID, Builder: c.Builder, Inputs: c.Inputs}, o.Timeout)
	r.Checks++
	if err != nil {
		r.fail(Failure{Check: CheckProcess, Message: err.Error()})
		r.settle()
		return r, err
	}
	switch {
	case resp.Unsupported():
		r.Status, r.Note = StatusSkip, *resp.Error
		return r, nil
	case berr != nil && resp.Error != nil:
		// Both refuse: agreed.
		r.Note = "refused by both: " + *resp.Error
	case berr != nil:
		r.fail(Failure{Check: CheckRefusal, Subject: "answer", Message: "tokencheck refuses these inputs (" + berr.Error() + ") but the builder answered a token"})
	case resp.Error != nil:
		r.fail(Failure{Check: CheckBuild, Subject: "answer", Message: "the builder answered an error: " + *resp.Error})
	case resp.Token == nil:
		r.fail(Failure{Check: CheckProcess, Subject: "answer", Message: "the answer has neither token nor error"})
	default:
		fails, rep := Compare("answer", *resp.Token, ours, false)
		r.Checks += 3
		judge(&r, fails, rep, ours, o)
	}
	if o.Parse && berr == nil {
		if err := parseBack(ctx, p, &r, ours, o); err != nil {
			r.settle()
			return r, err
		}
	}
	r.settle()
	return r, nil
}

// judge records the failures of an answer. A difference of content (string
// or payload) that Classify fully explains by allowed divergences, in an
// answer that decodes and verifies, makes the case "divergent" instead.
func judge(r *Result, fails []Failure, rep *verify.Report, ours *Build, o Options) {
	content, other := 0, 0
	for _, f := range fails {
		if f.Check == CheckString || f.Check == CheckPayload {
			content++
		} else {
			other++
		}
	}
	if content > 0 && other == 0 && rep != nil && rep.Token != nil {
		if mine, err := decode.Parse(ours.Token); err == nil {
			r.Divergences = Classify(rep.Token, mine, ours.UID)
			allowed := len(r.Divergences) > 0
			for _, d := range r.Divergences {
				allowed = allowed && o.Allow[d]
			}
			if allowed {
				r.Status = StatusDivergent
				r.Note = "differs from tokencheck only by allowed divergences: " + strings.Join(r.Divergences, ", ")
				return
			}
			if len(r.Divergences) > 0 {
				fails[0].Message += " (documented divergence: " + strings.Join(r.Divergences, ", ") + "; allow it with --allow)"
			}
		}
	}
	r.fail(fails...)
}

// parseBack sends tokencheck's token to the builder's parser and compares
// the fields it reports with tokencheck's decoding.
func parseBack(ctx context.Context, p *Process, r *Result, ours *Build, o Options) error {
	resp, err := p.Call(ctx, Request{ID: r.ID + "#parse", Parse: ours.Token}, o.Timeout)
	r.Checks++
	if err != nil {
		r.fail(Failure{Check: CheckProcess, Subject: "parse", Message: err.Error()})
		return err
	}
	switch {
	case resp.Unsupported():
		if r.Note == "" {
			r.Note = "parse: " + *resp.Error
		}
		return nil
	case resp.Error != nil:
		r.fail(Failure{Check: CheckParse, Subject: "tokencheck's token", Message: "the builder's parser failed: " + *resp.Error})
		return nil
	case resp.OK == nil || !*resp.OK:
		r.fail(Failure{Check: CheckParse, Subject: "tokencheck's token", Message: "the builder's parser rejected tokencheck's token"})
		return nil
	}
	want, err := Fields(ours.Token)
	if err != nil {
		r.fail(Failure{Check: CheckBuild, Message: "tokencheck's own token does not decode: " + err.Error()})
		return nil
	}
	keys := make([]string, 0, len(resp.Fields))
	for k := range resp.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w, known := want[k]
		if !known {
			continue
		}
		got := canonJSON(resp.Fields[k])
		if got != w {
			r.fail(Failure{Check: CheckParse, Subject: "tokencheck's token", Field: k,
				Message: fmt.Sprintf("the builder's parser reads %s = %s, tokencheck wrote %s", k, short(got), short(w))})
		}
	}
	return nil
}

// Fields are the fields of a token in the form the protocol's parse answer
// uses, each as canonical JSON. 007: app_id, issue_ts, expire, salt,
// services ([{"type", "privileges": {"id": expire}}] in token order). 006:
// app_id, salt, ts, crc_channel, crc_uid, privileges ({"id": expire}).
func Fields(tok string) (map[string]string, error) {
	t, err := decode.Parse(tok)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	privs := func(ps []token.Privilege) map[string]uint32 {
		out := map[string]uint32{}
		for _, p := range ps {
			out[strconv.Itoa(int(p.ID))] = p.Expire
		}
		return out
	}
	switch {
	case t.T007 != nil:
		x := t.T007
		m["app_id"], m["issue_ts"], m["expire"], m["salt"] = x.AppID, x.IssueTs, x.Expire, x.Salt
		var svcs []map[string]any
		for _, s := range x.Services {
			svcs = append(svcs, map[string]any{"type": s.Type, "privileges": privs(s.Privileges)})
		}
		m["services"] = svcs
	case t.T006 != nil:
		x := t.T006
		m["app_id"], m["salt"], m["ts"], m["crc_channel"], m["crc_uid"] = x.AppID, x.Salt, x.Ts, x.CRCChannel, x.CRCUID
		m["privileges"] = privs(x.Privileges)
	}
	out := map[string]string{}
	for k, v := range m {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out[k] = canonJSON(b)
	}
	return out, nil
}

// canonJSON re-encodes JSON with sorted keys and plain numbers.
func canonJSON(b []byte) string {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(b)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return string(b)
	}
	return string(out)
}
