package conform

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"time"
)

// Request is one line sent to an external builder: either a build
// (Builder and Inputs, the vector schema) or a parse (Parse holds a token
// built by tokencheck).
type Request struct {
	ID      string          `json:"id"`
	Builder string          `json:"builder,omitempty"`
	Inputs  json.RawMessage `json:"inputs,omitempty"`
	Parse   string          `json:"parse,omitempty"`
}

// Response is one line answered by an external builder: {"id","token"} or
// {"id","error"} to a build; {"id","ok":true,"fields":{…}}, {"id","ok":false}
// or {"id","error"} to a parse. An error starting with "unsupported" means
// the builder has no such builder key or cannot parse that format: the case
// is skipped, not failed.
type Response struct {
	ID     string                     `json:"id"`
	Token  *string                    `json:"token,omitempty"`
	Error  *string                    `json:"error,omitempty"`
	OK     *bool                      `json:"ok,omitempty"`
	Fields map[string]json.RawMessage `json:"fields,omitempty"`
}

// Unsupported reports whether an error answer says the request is outside
// what the builder implements.
func (r *Response) Unsupported() bool {
	return r.Error != nil && len(*r.Error) >= 11 && (*r.Error)[:11] == "unsupported"
}

// MaxLine is the length of the longest response line accepted, newline not
// counted (a token is at most 512 KiB).
const MaxLine = 4 << 20

// ErrProcess is wrapped by every error about the external process itself:
// it could not start, died, closed its output, timed out or answered
// something that is not a response to the request.
var ErrProcess = errors.New("external builder")

// ErrNoAnswer is wrapped (with ErrProcess) by the error of a request that
// got no answer within the timeout.
var ErrNoAnswer = errors.New("no answer in time")

// Process is an external builder started with `sh -c COMMAND`, spoken to one
// request at a time.
type Process struct {
	command string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	lines   chan []byte
	done    chan struct{}
	waitErr error
	readErr error // why the output stopped before EOF; set before lines is closed
	stderr  *tail
	// answered counts the lines received, so that a process that never
	// answered can be told from one that died later.
	answered int
}

// tail keeps the last bytes written to it (the process's stderr), for error
// messages, and copies everything to w when w is not nil.
type tail struct {
	mu  sync.Mutex
	buf []byte
	w   io.Writer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 2048 {
		t.buf = t.buf[len(t.buf)-2048:]
	}
	if t.w != nil {
		_, _ = t.w.Write(p)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.buf))
}

// Start runs command through sh -c. The process's stderr is copied to
// stderr (nil: kept only for error messages).
func Start(command string, stderr io.Writer) (*Process, error) {
	p := &Process{command: command, lines: make(chan []byte, 1), done: make(chan struct{}), stderr: &tail{w: stderr}}
	p.cmd = exec.Command("sh", "-c", command)
	ownGroup(p.cmd)
	p.cmd.Stderr = p.stderr
	in, err := p.cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProcess, err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProcess, err)
	}
	p.stdin = in
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: starting %q: %v", ErrProcess, command, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), MaxLine+1) // +1: the newline
		for sc.Scan() {
			line := append([]byte(nil), sc.Bytes()...)
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			p.lines <- line
		}
		p.readErr = sc.Err()
		close(p.lines)
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Call sends a request and waits up to timeout for the answer with the same
// id. Lines that are not JSON objects are an error (adapters must keep
// stdout for the protocol and log to stderr).
func (p *Process) Call(ctx context.Context, req Request, timeout time.Duration) (*Response, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		return nil, p.died("writing the request", err)
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case line, ok := <-p.lines:
		if !ok {
			if errors.Is(p.readErr, bufio.ErrTooLong) {
				return nil, fmt.Errorf("%w: answer to request %s is longer than %d bytes", ErrProcess, req.ID, MaxLine)
			}
			return nil, p.died("reading the answer", io.EOF)
		}
		p.answered++
		var r Response
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("%w: answer to %s is not a response object (%v): %s", ErrProcess, req.ID, err, short(string(line)))
		}
		if r.ID != req.ID {
			return nil, fmt.Errorf("%w: answer has id %q, want %q", ErrProcess, r.ID, req.ID)
		}
		return &r, nil
	case <-timer.C:
		return nil, fmt.Errorf("%w: no answer to %s within %s (%w)", ErrProcess, req.ID, timeout, ErrNoAnswer)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// died describes the process after a failed exchange, with its exit status
// and the end of its stderr.
func (p *Process) died(doing string, err error) error {
	select {
	case <-p.done:
		msg := fmt.Sprintf("%v: the process exited", doing)
		if p.waitErr != nil {
			msg += " (" + p.waitErr.Error() + ")"
		}
		if s := p.stderr.String(); s != "" {
			msg += "; stderr: " + short2(s)
		}
		return fmt.Errorf("%w: %s", ErrProcess, msg)
	case <-time.After(2 * time.Second):
		return fmt.Errorf("%w: %s: %v", ErrProcess, doing, err)
	}
}

// exited reports whether the process has exited (and its output is closed).
func (p *Process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// notStarted describes a process that exited before answering anything:
// the command, its exit status and the end of its stderr.
func (p *Process) notStarted() error {
	status := "exit status 0"
	if p.waitErr != nil {
		status = p.waitErr.Error()
	}
	tail := ""
	if s := p.stderr.String(); s != "" {
		tail = "; stderr: " + short2(s)
	}
	return fmt.Errorf("%w: the command %q could not be started: it exited before answering the first request (%s)%s", ErrProcess, p.command, status, tail)
}

func short2(s string) string {
	if len(s) > 400 {
		return "…" + s[len(s)-400:]
	}
	return s
}

// Close ends the process: stdin is closed (a well-behaved adapter exits at
// EOF) and the process is killed if it has not exited within a second.
func (p *Process) Close() error {
	_ = p.stdin.Close()
	go func() {
		for range p.lines {
		}
	}()
	select {
	case <-p.done:
	case <-time.After(time.Second):
		killGroup(p.cmd)
		<-p.done
	}
	if p.waitErr != nil {
		var ee *exec.ExitError
		if errors.As(p.waitErr, &ee) && !ee.Exited() {
			return nil // killed by us
		}
		return fmt.Errorf("%w: %v", ErrProcess, p.waitErr)
	}
	return nil
}
