package audit

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// StdinName is the name results, examples and logs give standard input: the
// "-" that stands for it on a command line (no file can be named that there).
const StdinName = "-"

// MaxWorkers bounds Options.Workers and MaxWindow bounds Options.Window: Run
// uses at most these many goroutines and lines in flight whatever it is
// asked for, so that a mistyped count cannot exhaust memory.
const (
	MaxWorkers = 1024
	MaxWindow  = 4096
)

// Source is one input stream; Name is reported in results ("" is stdin,
// reported as StdinName).
type Source struct {
	Name string
	R    io.Reader
}

// Options configure a run.
type Options struct {
	// Workers is the number of goroutines inspecting lines (0 = GOMAXPROCS,
	// at most MaxWorkers).
	Workers int
	// Window bounds the lines read but not yet handed to the caller
	// (0 = 64 per worker; at least Workers, at most MaxWindow). Memory use is
	// proportional to it, not to the input.
	Window int
	// Base is what the caller knows about every line; a JSON line overrides
	// the app ID, channel, uid/account and service, and puts its certificate
	// first (label "input").
	Base verify.Expectations
	// Encode, when set, renders each result on the worker that inspected it
	// (e.g. a JSON line); the bytes reach the caller as Result.Encoded.
	Encode func(*Result) ([]byte, error)
	// AppendEncode, when set (and Encode is not), renders each result by
	// appending to a buffer that Run recycles: Result.Encoded is then valid
	// only until emit returns.
	AppendEncode func(dst []byte, r *Result) ([]byte, error)
	// Progress, when set, counts the results handed to the caller.
	Progress *atomic.Int64
}

// Result is the outcome of one input line.
type Result struct {
	// Seq numbers results from 0 across all sources, in input order.
	Seq int
	// File is the source name (StdinName for stdin); Line the 1-based line
	// number in it.
	File string
	Line int
	// Input is the parsed line (zero for a bad line).
	Input Input
	// Err is the input error of a bad line (a *LineError), nil otherwise.
	Err error
	// Report is the verifier's report; for a bad line it holds a single
	// bad_input finding and the verdict bad_input.
	Report *verify.Report
	// Encoded is what Options.Encode or Options.AppendEncode returned.
	Encoded []byte

	buf  *[]byte // the recycled buffer behind Encoded, if any
	held int     // bytes counted in the results' share of the budget
}

// encodeBuffers recycles the buffers of Options.AppendEncode.
var encodeBuffers = sync.Pool{New: func() any {
	b := make([]byte, 0, 4096)
	return &b
}}

// release hands the buffer behind Encoded back for reuse, unless it grew
// too large to keep.
func (r *Result) release() {
	if r.buf == nil {
		return
	}
	if cap(*r.buf) <= 64<<10 {
		encodeBuffers.Put(r.buf)
	}
	r.buf, r.Encoded = nil, nil
}

type job struct {
	seq  int
	file string
	line int
	text []byte
	err  error // a line too long to read
}

// A batch is the unit of work handed between the reader, the workers and
// the collector: one channel operation per batch rather than per line keeps
// every core busy inspecting instead of waking goroutines.
type batch struct {
	seq     int // batches are numbered from 0 in input order
	jobs    []job
	results []*Result
	size    int // bytes of the lines read
	units   int // units of the byte budget held until the batch is emitted
}

// MaxBytesInFlight bounds the bytes of the lines read but not yet handed
// to the caller, besides the window's count of lines: 4096 lines of nearly
// MaxLineLength would otherwise be 8.6 GB when the output is slow. The budget is
// counted in units of budgetUnit bytes, the bytes of a batch rounded down,
// so that batches of tokens of ordinary length never wait for it. It bounds
// as well, separately, what the results not yet handed over hold (their
// rendered bytes and decoded models, see resultBytes): a 295-character line
// may decode to 1 MB.
const (
	MaxBytesInFlight = 64 << 20
	budgetUnit       = 64 << 10
)

// resultBytes estimates the memory a result holds until it is handed to the
// caller beyond its line: the rendered bytes and the decoded model, whose
// lists a short line may declare by the ten thousand (65,000 empty RTM2
// resources in 295 bytes decode to some 1 MB).
func resultBytes(r *Result) int {
	n := len(r.Encoded)
	if r.Report == nil {
		return n
	}
	for _, f := range r.Report.Findings {
		n += len(f.Message) + len(f.Hint) + 64
	}
	if t := r.Report.Token; t != nil && t.T007 != nil {
		t7 := t.T007
		n += len(t7.Payload) + int(unsafe.Sizeof(token.Service{}))*len(t7.Services)
		for i := range t7.Services {
			s := &t7.Services[i]
			n += int(unsafe.Sizeof(token.Privilege{}))*len(s.Privileges) + int(unsafe.Sizeof(token.RTM2Resource{}))*len(s.Permissions)
			for _, rt := range s.Permissions {
				n += int(unsafe.Sizeof(token.RTM2Permission{})) * len(rt.Permissions)
				for _, pm := range rt.Permissions {
					// The names are substrings of the payload: a header each.
					n += int(unsafe.Sizeof("")) * len(pm.Resources)
				}
			}
		}
	} else if t != nil && t.T006 != nil {
		n += len(t.T006.Message) + int(unsafe.Sizeof(token.Privilege{}))*len(t.T006.Privileges)
	}
	return n
}

// resultBudget is the share of MaxBytesInFlight the results not yet handed
// to the caller may hold. A worker starts a line only while the results
// hold less, unless its batch is the next to be handed over (which the
// caller takes next, so waiting for it could only deadlock): the results
// then hold at most this plus a line's result per worker.
type resultBudget struct {
	held atomic.Int64 // bytes of the results not yet handed over
	mu   sync.Mutex
	cond sync.Cond
	next int // the sequence number of the next batch to hand over
	done bool
}

// wait blocks until a line of batch seq may be started.
func (b *resultBudget) wait(seq int) {
	if b.held.Load() < MaxBytesInFlight {
		return // the common case, without the lock
	}
	b.mu.Lock()
	for b.held.Load() >= MaxBytesInFlight && seq != b.next && !b.done {
		b.cond.Wait()
	}
	b.mu.Unlock()
}

func (b *resultBudget) add(n int) { b.held.Add(int64(n)) }

// handed releases n bytes and moves the turn to batch next.
func (b *resultBudget) handed(n, next int) {
	b.held.Add(-int64(n))
	b.mu.Lock()
	b.next = next
	b.mu.Unlock()
	b.cond.Broadcast()
}

// stop lets every waiting worker go (the run is ending).
func (b *resultBudget) stop() {
	b.mu.Lock()
	b.done = true
	b.mu.Unlock()
	b.cond.Broadcast()
}

// MaxBatch is the most lines a batch holds.
const MaxBatch = 64

// batching splits a window of lines in flight into batches: about two per
// worker, at most MaxBatch lines each; slots is how many batches may be in
// flight, so that slots*size never exceeds window.
func batching(window, workers int) (size, slots int) {
	size = min(max(window/(2*workers), 1), MaxBatch)
	return size, max(window/size, 1)
}

// ErrNoEmit is returned by Run when it is given no emit function: the
// results would have nowhere to go.
var ErrNoEmit = errors.New("audit: Run needs an emit function")

// Run reads the sources in order, inspects every non-blank line and calls
// emit for each result in input order, from the calling goroutine. A bad line
// is a result, never the end of the run. Run returns the first read error
// (after emitting the results of the lines before it), the first error of
// emit or Encode, or ctx's error; ErrNoEmit, reading nothing, when emit is
// nil. Once ctx is done or emit has failed, Run returns without waiting for
// a source blocked in Read: the goroutine reading it ends when that Read
// returns (close the source to end it at once).
func Run(ctx context.Context, srcs []Source, opt Options, emit func(*Result) error) error {
	if emit == nil {
		return ErrNoEmit
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, MaxWorkers)
	window := opt.Window
	if window <= 0 {
		window = 64 * workers
	}
	window = min(max(window, workers), MaxWindow)
	size, nslots := batching(window, workers)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	slots := make(chan struct{}, nslots)
	budget := make(chan struct{}, MaxBytesInFlight/budgetUnit)
	jobs := make(chan *batch, workers)
	results := make(chan *batch, workers)
	// readErr and encErr are set by the reader and the workers, which may
	// still run when Run returns early.
	var errMu sync.Mutex
	var readErr, encErr error
	go func() {
		defer close(jobs)
		err := readAll(ctx, srcs, size, slots, budget, jobs)
		errMu.Lock()
		readErr = err
		errMu.Unlock()
	}()
	var wg sync.WaitGroup
	var encOnce sync.Once
	rb := &resultBudget{}
	rb.cond.L = &rb.mu
	defer rb.stop()
	stop := context.AfterFunc(ctx, rb.stop)
	defer stop()
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range jobs {
				b.results = make([]*Result, 0, len(b.jobs))
				for _, j := range b.jobs {
					rb.wait(b.seq)
					res := inspect(j, &opt.Base)
					var enc []byte
					var err error
					switch {
					case opt.Encode != nil:
						enc, err = opt.Encode(res)
					case opt.AppendEncode != nil:
						buf := encodeBuffers.Get().(*[]byte)
						enc, err = opt.AppendEncode((*buf)[:0], res)
						*buf = enc
						res.buf = buf
					}
					if err != nil {
						encOnce.Do(func() {
							errMu.Lock()
							encErr = err
							errMu.Unlock()
							cancel()
						})
					}
					res.Encoded = enc
					res.held = resultBytes(res)
					rb.add(res.held)
					b.results = append(b.results, res)
				}
				b.jobs = nil
				results <- b
			}
		}()
	}
	go func() {
		wg.Wait()
		close(results)
	}()

	ring := make([]*batch, nslots)
	next := 0
	var emitErr error
collect:
	for {
		var b *batch
		select {
		case got, ok := <-results:
			if !ok {
				break collect
			}
			b = got
		case <-ctx.Done():
			// Nothing more is handed over. Run returns without waiting
			// for a source blocked in Read (a pipe gone quiet): the
			// reader ends when that Read returns, and the results still
			// to come are released as they come.
			for _, r := range ring {
				if r != nil {
					for _, res := range r.results {
						res.release()
					}
				}
			}
			go func() {
				for b := range results {
					for _, res := range b.results {
						res.release()
					}
				}
			}()
			break collect
		}
		ring[b.seq%nslots] = b
		for {
			r := ring[next%nslots]
			if r == nil {
				break
			}
			ring[next%nslots] = nil
			next++
			held := 0
			for _, res := range r.results {
				held += res.held
				if emitErr == nil && ctx.Err() == nil {
					if err := emit(res); err != nil {
						emitErr = err
						cancel()
					} else if opt.Progress != nil {
						opt.Progress.Add(1)
					}
				}
				res.release()
			}
			rb.handed(held, next)
			for range r.units {
				<-budget
			}
			<-slots
		}
	}
	errMu.Lock()
	defer errMu.Unlock()
	switch {
	case emitErr != nil:
		return emitErr
	case encErr != nil:
		return encErr
	case readErr != nil:
		return readErr
	}
	return ctx.Err()
}

// readAll splits the sources into lines and queues them in batches of up to
// size lines, waiting for a free slot of the window before each batch. A
// batch is sent early when no more input is buffered, so that the results
// of a slow stream (a pipe, a terminal) are not held back.
func readAll(ctx context.Context, srcs []Source, size int, slots, budget chan struct{}, jobs chan<- *batch) error {
	seq, bseq := 0, 0
	var cur *batch
	flush := func() bool {
		if cur == nil || len(cur.jobs) == 0 {
			return true
		}
		// Wait until the batches before this one hand back enough of the
		// budget (they all will: they are on their way to the caller).
		for cur.units < min(cur.size/budgetUnit, cap(budget)) {
			select {
			case budget <- struct{}{}:
				cur.units++
			case <-ctx.Done():
				return false
			}
		}
		select {
		case jobs <- cur:
		case <-ctx.Done():
			return false
		}
		cur = nil
		return true
	}
	for _, src := range srcs {
		br := bufio.NewReaderSize(src.R, 64<<10)
		file := src.Name
		if file == "" {
			file = StdinName
		}
		// What is read so far goes on before waiting for a slow input's
		// first bytes.
		if !flush() {
			return nil
		}
		if magic, _ := br.Peek(len(gzipMagic)); bytes.Equal(magic, gzipMagic) {
			// A gzip file (a rotated log): no token starts with 0x1f.
			zr, err := gzip.NewReader(br)
			if err != nil {
				return fmt.Errorf("reading %s: %w", readName(src.Name), gzipError(err))
			}
			br = bufio.NewReaderSize(gzipReader{zr}, 64<<10)
		}
		for n := 1; ; n++ {
			if cur != nil && br.Buffered() == 0 && !flush() {
				return nil
			}
			text, long, err := readLine(br)
			if err != nil && err != io.EOF {
				if !flush() {
					return nil
				}
				return fmt.Errorf("reading %s line %d: %w", readName(src.Name), n, err)
			}
			if n == 1 && bytes.HasPrefix(text, utf8BOM) {
				// A byte order mark is the file's (an editor saved it as
				// "UTF-8 with BOM"), not the first token's damage, nor a
				// character before a JSON object.
				text = text[len(utf8BOM):]
			}
			if len(text) == 0 && long == 0 && err == io.EOF {
				break
			}
			j := job{seq: seq, file: file, line: n, text: text}
			if long > 0 {
				j.text = nil
				j.err = tooLong(long)
			} else if isBlank(text) {
				if err == io.EOF {
					break
				}
				continue
			}
			if cur == nil {
				select {
				case slots <- struct{}{}:
				case <-ctx.Done():
					return nil
				}
				cur = &batch{seq: bseq, jobs: make([]job, 0, size)}
				bseq++
			}
			cur.jobs = append(cur.jobs, j)
			cur.size += len(j.text)
			seq++
			if len(cur.jobs) == size && !flush() {
				return nil
			}
			if err == io.EOF {
				break
			}
		}
	}
	flush()
	return nil
}

// gzipMagic starts a gzip stream (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// gzipReader says that its errors are those of a gzip stream ("unexpected
// EOF" alone would not tell a file cut short from a failing disk).
type gzipReader struct{ *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.Reader.Read(p)
	return n, gzipError(err)
}

func gzipError(err error) error {
	if err == nil || err == io.EOF || strings.HasPrefix(err.Error(), "gzip: ") {
		return err
	}
	return fmt.Errorf("gzip: %w", err)
}

// readName is the name of a source in a read error: stdin for "".
func readName(name string) string {
	if name == "" {
		return "stdin"
	}
	return name
}

// utf8BOM is the UTF-8 byte order mark, U+FEFF.
var utf8BOM = []byte("\ufeff")

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '\v' && c != '\f' {
			return false
		}
	}
	return true
}

// readLine returns the next line without its "\n", as a fresh slice. A line
// over MaxLineLength is skipped to its end: the result is nil with its length.
func readLine(br *bufio.Reader) ([]byte, int, error) {
	var line []byte
	total := 0
	for {
		frag, err := br.ReadSlice('\n')
		total += len(frag)
		if total <= MaxLineLength+1 {
			line = append(line, frag...)
		} else {
			line = nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err == nil {
			total-- // the "\n"
		}
		if total > MaxLineLength {
			return nil, total, err
		}
		if err == nil {
			line = line[:len(line)-1]
		}
		return line, 0, err
	}
}

// inspect checks one line.
func inspect(j job, base *verify.Expectations) *Result {
	// The result and its report are one allocation.
	both := &struct {
		res Result
		rep verify.Report
	}{res: Result{Seq: j.seq, File: j.file, Line: j.line}}
	res := &both.res
	in, err := j.input()
	if err != nil {
		res.Input.ID = in.ID
		res.Err = err
		res.Report = badInput(err)
		return res
	}
	res.Input = in
	exp := *base
	if in.AppID != "" {
		exp.AppID = in.AppID
	}
	if in.Channel != nil {
		exp.Channel = in.Channel
	}
	if in.UID != nil || in.Account != nil {
		exp.UID, exp.UIDNumeric, exp.Account = in.UID, in.UIDNumeric, in.Account
	}
	if in.For != "" {
		exp.For = in.For
	}
	if in.Cert != "" {
		certs := make([]verify.Certificate, 0, 1+len(base.Certificates))
		certs = append(certs, verify.Certificate{Label: "input", Value: in.Cert})
		exp.Certificates = append(certs, base.Certificates...)
	}
	verify.InspectInto(&both.rep, in.Token, &exp)
	res.Report = &both.rep
	return res
}

func (j job) input() (Input, error) {
	if j.err != nil {
		return Input{}, j.err
	}
	// The line was read into a slice of its own, which nothing writes
	// again: the token can be a view of it.
	return parseLine(j.text, true)
}

// tooLong is the error of a line of n bytes, over MaxLineLength.
func tooLong(n int) *LineError {
	return &LineError{Detail: fmt.Sprintf("line is %s, over the %d-byte limit", plural(n, "byte"), MaxLineLength)}
}

// plural renders a count with its noun, "1 byte" or "2 bytes".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// badInput is the report of a line that could not be read.
func badInput(err error) *verify.Report {
	r := &verify.Report{Signature: verify.SigUnchecked}
	r.Add(verify.Finding{Code: verify.CodeBadInput, Severity: verify.SevError, Field: "line",
		Message: "the input line could not be read: " + err.Error(),
		Hint:    `give a bare token per line, or a JSON object {"id", "token", "cert", "app_id", "channel", "uid", "account", "for"}`})
	r.Verdict = verify.Verdict(r.Findings)
	return r
}
