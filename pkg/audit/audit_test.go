package audit_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/internal/auditgen"
	"github.com/tokencheck/tokencheck/pkg/audit"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

func TestParseLine(t *testing.T) {
	str := func(s string) *string { return &s }
	cases := []struct {
		name    string
		line    string
		want    audit.Input
		err     error
		errText string
	}{
		{name: "bare", line: "007abc", want: audit.Input{Token: "007abc"}},
		{name: "bare crlf", line: "007abc\r", want: audit.Input{Token: "007abc"}},
		{name: "bare untrimmed", line: " 007abc ", want: audit.Input{Token: " 007abc "}},
		{name: "blank", line: "  \t", err: audit.ErrBlank},
		{name: "json full", line: `{"id":"a1","token":"007x","cert":"5CFd2fd1755d40ecb72977518be15d3b","app_id":"A","channel":"ch","uid":"0","for":"rtm"}`,
			want: audit.Input{ID: json.RawMessage(`"a1"`), Token: "007x", Cert: "5CFd2fd1755d40ecb72977518be15d3b", AppID: "A", Channel: str("ch"), UID: str(""), UIDNumeric: true, For: "rtm"}},
		{name: "cert not hexadecimal", line: `{"token":"t","cert":"zz"}`, err: audit.ErrBadLine, errText: "cert: an App Certificate is 32 hexadecimal characters; this one has 2 characters"},
		{name: "cert of 32 characters, not hexadecimal", line: `{"token":"t","cert":"5CFd2fd1755d40ecb72977518be15d3z"}`, err: audit.ErrBadLine, errText: "character 32 is not hexadecimal"},
		{name: "cert with whitespace", line: `{"token":"t","cert":" 5CFd2fd1755d40ecb72977518be15d3b"}`, err: audit.ErrBadLine, errText: "without surrounding whitespace"},
		{name: "cert empty is the run's", line: `{"token":"t","cert":""}`, want: audit.Input{Token: "t"}},
		{name: "cert null is the run's", line: `{"token":"t","cert":null}`, want: audit.Input{Token: "t"}},
		{name: "uid number 0 is empty text", line: `{"token":"t","uid":0}`, want: audit.Input{Token: "t", UID: str(""), UIDNumeric: true}},
		{name: "uid number", line: `{"token":"t","uid":2882341273}`, want: audit.Input{Token: "t", UID: str("2882341273"), UIDNumeric: true}},
		{name: "uid decimal string is the number it writes", line: `{"token":"t","uid":"007"}`, want: audit.Input{Token: "t", UID: str("7"), UIDNumeric: true}},
		{name: "uid string 0 is uid 0", line: `{"token":"t","uid":" 0 "}`, want: audit.Input{Token: "t", UID: str(""), UIDNumeric: true}},
		{name: "uid string of blanks is not given", line: `{"token":"t","uid":"  "}`, want: audit.Input{Token: "t"}},
		{name: "uid string not decimal is uid text used exactly", line: `{"token":"t","uid":" alice"}`, want: audit.Input{Token: "t", UID: str(" alice")}},
		{name: "uid string past 32 bits is uid text", line: `{"token":"t","uid":"4294967296"}`, want: audit.Input{Token: "t", UID: str("4294967296")}},
		{name: "uid string with a sign is uid text", line: `{"token":"t","uid":"+42"}`, want: audit.Input{Token: "t", UID: str("+42")}},
		{name: "uid string beside an account", line: `{"token":"t","uid":"7","account":"bob"}`, err: audit.ErrBadLine, errText: "give uid or account, not both"},
		{name: "uid empty string is not given", line: `{"token":"t","uid":""}`, want: audit.Input{Token: "t"}},
		{name: "uid empty string beside an account", line: `{"token":"t","uid":"","account":"bob"}`, want: audit.Input{Token: "t", Account: str("bob")}},
		{name: "account", line: `{"token":"t","account":"alice","id":7}`, want: audit.Input{Token: "t", Account: str("alice"), ID: json.RawMessage(`7`)}},
		{name: "extra keys ignored", line: `{"token":"t","ts":"2024-01-01"}`, want: audit.Input{Token: "t"}},
		{name: "uid negative", line: `{"token":"t","uid":-1}`, err: audit.ErrBadLine, errText: "uid"},
		{name: "uid too big", line: `{"token":"t","uid":4294967296}`, err: audit.ErrBadLine, errText: "uid"},
		{name: "uid fraction", line: `{"token":"t","uid":1.5}`, err: audit.ErrBadLine, errText: "uid"},
		{name: "uid object is named by its kind, not quoted", line: `{"token":"t","uid":{"cert":"5CFd2fd1755d40ecb72977518be15d3b"}}`, err: audit.ErrBadLine, errText: "uid: a JSON object is not a uid"},
		{name: "uid array is named by its kind", line: `{"token":"t","uid":["007eJxSYFC7rP1D5VLMvddfUwL2bNM"]}`, err: audit.ErrBadLine, errText: "uid: a JSON array is not a uid"},
		{name: "uid long number is named by its length", line: `{"token":"t","uid":33333333333333333333333333333333}`, err: audit.ErrBadLine, errText: "uid: a number of 32 characters is not a uid"},
		{name: "uid boolean", line: `{"token":"t","uid":false}`, err: audit.ErrBadLine, errText: "uid: false is not a uid"},
		{name: "for holding a certificate is not quoted", line: `{"token":"t","for":"5CFd2fd1755d40ecb72977518be15d3b"}`, err: audit.ErrBadLine, errText: "for: a string of 32 characters: want rtc, rtm or chat"},
		{name: "uid and account", line: `{"token":"t","uid":1,"account":"a"}`, err: audit.ErrBadLine, errText: "not both"},
		{name: "no token", line: `{"id":1}`, err: audit.ErrBadLine, errText: "token: missing"},
		{name: "token not a string", line: `{"token":5}`, err: audit.ErrBadLine, errText: "token"},
		{name: "bad for", line: `{"token":"t","for":"voice"}`, err: audit.ErrBadLine, errText: "want rtc, rtm or chat"},
		{name: "broken json", line: `{"token":"t"`, err: audit.ErrBadLine, errText: "bad JSON line"},
		{name: "trailing data", line: `{"token":"t"} x`, err: audit.ErrBadLine},
		{name: "syntax error at its byte of the line", line: "\t {\"token\":\"t\"} // comment", err: audit.ErrBadLine, errText: "invalid character '/' after top-level value (at byte 16)"},
		{name: "syntax error inside the object", line: `{"token":"t","uid":00}`, err: audit.ErrBadLine, errText: "(at byte 20)"},
		{name: "id string", line: `{"token":"t","id":"x"}`, want: audit.Input{Token: "t", ID: json.RawMessage(`"x"`)}},
		{name: "id negative fraction kept as written", line: `{"token":"t","id":-1.50}`, want: audit.Input{Token: "t", ID: json.RawMessage(`-1.50`)}},
		{name: "id with invalid UTF-8 is a bad line", line: "{\"token\":\"t\",\"id\":\"\xff<\xe2\x80\"}", err: audit.ErrBadLine, errText: "not UTF-8: byte 19 is 0xff"},
		{name: "token with invalid UTF-8 is a bad line, not a U+FFFD", line: "  {\"token\":\"007e\xff\"}", err: audit.ErrBadLine, errText: "not UTF-8: byte 16 is 0xff"},
		{name: "escaped lone high surrogate", line: `{"token":"007e\ud800"}`, err: audit.ErrBadLine, errText: `byte 14 is the escape \ud800, half of a UTF-16 surrogate pair`},
		{name: "escaped lone low surrogate in an ignored key", line: `{"token":"t","msg":{"a":["\udc00"]}}`, err: audit.ErrBadLine, errText: `the escape \udc00`},
		{name: "escaped surrogate pair", line: `{"token":"t","channel":"\ud83d\ude00"}`, want: audit.Input{Token: "t", Channel: str("\U0001F600")}},
		{name: "key in another case", line: `{"id":1,"TOKEN":"t"}`, err: audit.ErrBadLine, errText: `token: key "TOKEN" (byte 8): keys are matched exactly: write "token"`},
		{name: "key in another case after the key", line: `{"token":"007a","Token":"007b"}`, err: audit.ErrBadLine, errText: `key "Token" (byte 16)`},
		{name: "cert key in another case", line: `{"token":"t","cert":"","CERT":"5CFd2fd1755d40ecb72977518be15d3b"}`, err: audit.ErrBadLine, errText: `cert: key "CERT"`},
		{name: "key folded by Unicode", line: `{"to\u212aen":"t"}`, err: audit.ErrBadLine, errText: `write "token"`},
		{name: "escaped key is the key", line: `{"\u0074oken":"t"}`, want: audit.Input{Token: "t"}},
		{name: "key given twice", line: `{"token":"007a", "token":"007b"}`, err: audit.ErrBadLine, errText: "token: given twice (bytes 1 and 17): give each key once"},
		{name: "key given twice, once escaped", line: `{"uid":1,"\u0075id":2,"token":"t"}`, err: audit.ErrBadLine, errText: "uid: given twice"},
		{name: "id given twice: no id is echoed", line: `{"id":1,"token":"t","id":2}`, err: audit.ErrBadLine, errText: "id: given twice"},
		{name: "id in another case", line: `{"iD":1,"token":"t"}`, err: audit.ErrBadLine, errText: `id: key "iD"`},
		{name: "ignored key given twice or in another case", line: `{"ts":1,"ts":2,"TS":3,"token":"t"}`, want: audit.Input{Token: "t"}},
		{name: "nested keys are not the line's", line: `{"token":"t","ctx":{"token":"x","Token":"y","id":[{"id":1}]}}`, want: audit.Input{Token: "t"}},
		{name: "key-like string values", line: `{"token":"t","a":"Token","b":["cert","CERT"]}`, want: audit.Input{Token: "t"}},
		{name: "id null is no id", line: `{"token":"t","id":null}`, want: audit.Input{Token: "t"}},
		{name: "id object", line: `{"token":"t","id":{"a":1}}`, err: audit.ErrBadLine, errText: "id: got a JSON object, want a string or a number"},
		{name: "id array", line: `{"token":"t","id":[1]}`, err: audit.ErrBadLine, errText: "id: got a JSON array, want a string or a number"},
		{name: "id boolean", line: `{"token":"t","id":true}`, err: audit.ErrBadLine, errText: "id: got a JSON boolean, want a string or a number"},
		{name: "json array", line: `[{"token":"t"}]`, err: audit.ErrBadLine, errText: "a JSON array: want a bare token or a JSON object"},
		{name: "json array crlf", line: " [1,2]\r", err: audit.ErrBadLine, errText: "JSON array"},
		{name: "json null", line: "null", err: audit.ErrBadLine, errText: "a JSON null: want a bare token or a JSON object"},
		{name: "json true with spaces", line: " true ", err: audit.ErrBadLine, errText: "a JSON true"},
		{name: "over the limit", line: strings.Repeat("x", audit.MaxLineLength+1), err: audit.ErrBadLine, errText: "line is " + itoa(audit.MaxLineLength+1) + " bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := audit.ParseLine([]byte(c.line))
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("error %v, want %v", err, c.err)
				}
				if got.ID != nil && got.ID[0] != '"' && (got.ID[0] < '0' || got.ID[0] > '9') && got.ID[0] != '-' {
					t.Errorf("a bad line keeps the id %s, which is neither a string nor a number", got.ID)
				}
				for _, secret := range []string{"5CFd2fd1755d", "007eJxSYFC7", "3333333333333"} {
					if strings.Contains(err.Error(), secret) {
						t.Errorf("error %q quotes a certificate or a token", err)
					}
				}
				if !strings.Contains(err.Error(), c.errText) {
					t.Errorf("error %q lacks %q", err, c.errText)
				}
				var le *audit.LineError
				if c.err == audit.ErrBadLine && !errors.As(err, &le) {
					t.Errorf("error %T is not a *LineError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != nil && !utf8.Valid(got.ID) {
				t.Errorf("id %q is not valid UTF-8", got.ID)
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(c.want)
			if !bytes.Equal(gb, wb) || got.UIDNumeric != c.want.UIDNumeric {
				t.Errorf("got %s, want %s", gb, wb)
			}
		})
	}
}

func baseExpectations(t testing.TB) verify.Expectations {
	kr, err := verify.ParseKeyring(strings.NewReader(auditgen.Keyring()))
	if err != nil {
		t.Fatal(err)
	}
	return verify.Expectations{Keyring: kr, Now: time.Unix(auditgen.Now, 0)}
}

// TestRunGenerated audits 20,000 generated lines with a small window (so
// results arrive out of order and must be reordered) and checks the order
// and the exact counts.
func TestRunGenerated(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	var in bytes.Buffer
	exp, err := auditgen.Generate(&in, n, 7)
	if err != nil {
		t.Fatal(err)
	}
	var sum audit.Summary
	next := 0
	var out bytes.Buffer
	opt := audit.Options{Workers: 4, Window: 8, Base: baseExpectations(t),
		Encode: func(r *audit.Result) ([]byte, error) { return audit.EncodeLine(r, false) }}
	err = audit.Run(context.Background(), []audit.Source{{R: &in}}, opt, func(r *audit.Result) error {
		if r.Seq != next || r.Line != next+1 {
			t.Fatalf("result seq %d line %d, want %d", r.Seq, r.Line, next)
		}
		next++
		sum.Add(r)
		out.Write(r.Encoded)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sum.Finish()
	if sum.Lines != exp.Lines {
		t.Errorf("%d results, want %d", sum.Lines, exp.Lines)
	}
	for v, want := range exp.Verdicts {
		if got := sum.VerdictCount(v); got != want {
			t.Errorf("verdict %s: %d, want %d", v, got, want)
		}
	}
	// The JSON lines carry the line number and parse back.
	dec := json.NewDecoder(&out)
	for i := 1; ; i++ {
		var v struct {
			Line    int    `json:"line"`
			Verdict string `json:"verdict"`
		}
		if err := dec.Decode(&v); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if v.Line != i {
			t.Fatalf("JSON line %d has line %d", i, v.Line)
		}
	}
}

// TestBadLines: bad lines are results; blank lines are skipped but counted;
// a line over the limit is reported and the run goes on; a byte order mark
// at the start of an input is the file's, not the first line's.
func TestBadLines(t *testing.T) {
	long := strings.Repeat("x", audit.MaxLineLength+10)
	tok := validToken(t)
	cases := []struct {
		name   string
		srcs   []audit.Source
		strict bool
		want   []string // file:line:verdict
		err    string   // the run's error
	}{
		{name: "bad lines", srcs: []audit.Source{{Name: "f", R: strings.NewReader("008abc\n\n{\"token\": 5, \"id\": \"b\"}\r\n" + long + "\n{not json\n   \n008def")}},
			want: []string{"f:1:unsupported_version", "f:3:bad_input", "f:4:bad_input", "f:5:bad_input", "f:7:unsupported_version"}},
		{name: "byte order mark before a JSON line", srcs: []audit.Source{{Name: "f", R: strings.NewReader("\ufeff{\"token\":\"" + tok + "\"}\n" + tok + "\n")}},
			strict: true, want: []string{"f:1:ok", "f:2:ok"}},
		{name: "byte order mark of each file, before a bare token", srcs: []audit.Source{{Name: "f", R: strings.NewReader("\ufeff" + tok + "\r\n")}, {Name: "g", R: strings.NewReader("\ufeff" + tok)}},
			strict: true, want: []string{"f:1:ok", "g:1:ok"}},
		{name: "byte order mark alone", srcs: []audit.Source{{Name: "f", R: strings.NewReader("\ufeff")}, {Name: "g", R: strings.NewReader("\ufeff\n" + tok)}},
			want: []string{"g:2:ok"}},
		{name: "byte order mark past the first line is the token's", srcs: []audit.Source{{Name: "f", R: strings.NewReader(tok + "\n\ufeff" + tok)}},
			strict: true, want: []string{"f:1:ok", "f:2:malformed"}},
		{name: "gzip file", srcs: []audit.Source{{Name: "f.gz", R: bytes.NewReader(gz("\ufeff" + tok + "\n\n{\"token\":\"" + tok + "\"}\n008"))}, {Name: "g", R: strings.NewReader(tok)}},
			strict: true, want: []string{"f.gz:1:ok", "f.gz:3:ok", "f.gz:4:unsupported_version", "g:1:ok"}},
		{name: "gzip members one after another", srcs: []audit.Source{{R: bytes.NewReader(append(gz(tok+"\n"), gz("008\n")...))}},
			want: []string{"-:1:ok", "-:2:unsupported_version"}},
		{name: "gzip file cut short", srcs: []audit.Source{{Name: "f", R: strings.NewReader(tok + "\n")}, {Name: "c.gz", R: bytes.NewReader(cut(gz(tok+"\n008\n"), 4))}},
			want: []string{"f:1:ok", "c.gz:1:ok", "c.gz:2:unsupported_version"}, err: "reading c.gz line 3: gzip: unexpected EOF"},
		{name: "gzip magic without a gzip header", srcs: []audit.Source{{Name: "f", R: strings.NewReader(tok + "\n")}, {Name: "x", R: strings.NewReader("\x1f\x8b\n")}},
			want: []string{"f:1:ok"}, err: "reading x: gzip: unexpected EOF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			opt := audit.Options{Workers: 2, Base: baseExpectations(t)}
			opt.Base.Strict = c.strict
			err := audit.Run(context.Background(), c.srcs, opt, func(r *audit.Result) error {
				got = append(got, r.File+":"+itoa(r.Line)+":"+r.Report.Verdict)
				return nil
			})
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("error %v, want %q", err, c.err)
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

// gz compresses s with gzip.
func gz(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// cut drops the last n bytes of b.
func cut(b []byte, n int) []byte { return b[:len(b)-n] }

// validToken is a valid 007 token of the generator's app, ok at its Now
// with its keyring.
func validToken(t *testing.T) string {
	var b bytes.Buffer
	if _, err := auditgen.GenerateKinds(&b, 1, 1, "valid-007-app"); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(b.String())
}

// TestEmitError stops the run and returns the error.
func TestEmitError(t *testing.T) {
	var in bytes.Buffer
	if _, err := auditgen.Generate(&in, 5000, 1); err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	err := audit.Run(context.Background(), []audit.Source{{R: &in}}, audit.Options{Workers: 3, Base: baseExpectations(t)}, func(r *audit.Result) error {
		n++
		if n == 100 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 100 {
		t.Errorf("err %v after %d results", err, n)
	}
}

type failReader struct{ n int }

func (f *failReader) Read(p []byte) (int, error) {
	if f.n > 0 {
		f.n = 0
		return copy(p, "008a\n008b\n"), nil
	}
	return 0, errors.New("disk on fire")
}

// TestReadError returns the read error after the results read before it.
func TestReadError(t *testing.T) {
	n := 0
	err := audit.Run(context.Background(), []audit.Source{{Name: "x", R: &failReader{n: 1}}}, audit.Options{}, func(r *audit.Result) error {
		n++
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || n != 2 {
		t.Errorf("err %v after %d results", err, n)
	}
}

// TestSourceNames: stdin is named "-" in results, JSON lines and summary
// examples, like on the command line; files by their names.
func TestSourceNames(t *testing.T) {
	cases := []struct {
		name     string
		srcs     []audit.Source
		withFile bool
		files    []string // File of each result
		jsonFile []string // "file" of each JSON line ("" = absent)
	}{
		{name: "stdin alone", srcs: []audit.Source{{R: strings.NewReader("008a\n")}},
			files: []string{"-"}, jsonFile: []string{""}},
		{name: "stdin and a file", srcs: []audit.Source{{R: strings.NewReader("008a\n")}, {Name: "f.txt", R: strings.NewReader("008b\n")}},
			withFile: true, files: []string{"-", "f.txt"}, jsonFile: []string{"-", "f.txt"}},
		{name: "a file and stdin", srcs: []audit.Source{{Name: "f.txt", R: strings.NewReader("008b\n")}, {R: strings.NewReader("{\"token\":5}\n")}},
			withFile: true, files: []string{"f.txt", "-"}, jsonFile: []string{"f.txt", "-"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var files, jsonFiles []string
			var sum audit.Summary
			err := audit.Run(context.Background(), c.srcs, audit.Options{Workers: 2}, func(r *audit.Result) error {
				files = append(files, r.File)
				b, err := audit.EncodeLine(r, c.withFile)
				if err != nil {
					return err
				}
				var v map[string]any
				if err := json.Unmarshal(b, &v); err != nil {
					return err
				}
				f, _ := v["file"].(string)
				if v["file"] != nil && f == "" {
					t.Errorf("JSON line has \"file\": %v", v["file"])
				}
				jsonFiles = append(jsonFiles, f)
				sum.Add(r)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			sum.Finish()
			if strings.Join(files, " ") != strings.Join(c.files, " ") || strings.Join(jsonFiles, " ") != strings.Join(c.jsonFile, " ") {
				t.Errorf("files %q, JSON files %q; want %q, %q", files, jsonFiles, c.files, c.jsonFile)
			}
			for _, v := range sum.Verdicts {
				for _, ex := range v.Examples {
					if ex.File == "" {
						t.Errorf("example of %s has no file", v.Code)
					}
				}
			}
		})
	}
}

// settledGoroutines waits for goroutines that are ending (an earlier run's
// workers) to be gone, and returns how many are left.
func settledGoroutines() int {
	n := runtime.NumGoroutine()
	for i := 0; i < 200; i++ {
		time.Sleep(5 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m == n {
			return m
		}
		n = m
	}
	return n
}

// TestRunBoundsWorkers: absurd worker and window counts are capped at
// MaxWorkers and MaxWindow, so the run neither hangs nor allocates for them.
func TestRunBoundsWorkers(t *testing.T) {
	cases := []struct {
		name            string
		workers, window int
	}{
		{"huge workers", 100000000, 0},
		{"huge window", 2, 1 << 40},
		{"both huge", 1 << 40, 1 << 40},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := settledGoroutines()
			peak := 0
			var in strings.Builder
			for i := 0; i < 3000; i++ {
				in.WriteString("008abc\n")
			}
			n := 0
			start := time.Now()
			err := audit.Run(context.Background(), []audit.Source{{R: strings.NewReader(in.String())}},
				audit.Options{Workers: c.workers, Window: c.window}, func(*audit.Result) error {
					n++
					peak = max(peak, runtime.NumGoroutine())
					return nil
				})
			if err != nil || n != 3000 {
				t.Fatalf("err %v after %d results", err, n)
			}
			if limit := before + audit.MaxWorkers + 16; peak > limit {
				t.Errorf("%d goroutines, over %d", peak, limit)
			}
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestRunStreams: a line is inspected and emitted while the input is still
// open (batches are sent when no more input is buffered), so a slow stream
// is not held back until a batch fills.
func TestRunStreams(t *testing.T) {
	pr, pw := io.Pipe()
	emitted := make(chan int, 2)
	done := make(chan error, 1)
	go func() {
		done <- audit.Run(context.Background(), []audit.Source{{R: pr}}, audit.Options{Workers: 2}, func(r *audit.Result) error {
			emitted <- r.Line
			return nil
		})
	}()
	if _, err := io.WriteString(pw, "008first\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-emitted:
		if n != 1 {
			t.Fatalf("first result is line %d", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first line was not emitted while the input stayed open")
	}
	if _, err := io.WriteString(pw, "008second\n"); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := <-emitted; n != 2 {
		t.Fatalf("second result is line %d", n)
	}
}

// TestRunNilEmit: Run without an emit function returns ErrNoEmit and reads
// nothing, instead of panicking.
func TestRunNilEmit(t *testing.T) {
	r := &countingReader{r: strings.NewReader("007abc\n")}
	err := audit.Run(context.Background(), []audit.Source{{R: r}}, audit.Options{}, nil)
	if !errors.Is(err, audit.ErrNoEmit) {
		t.Fatalf("error %v, want ErrNoEmit", err)
	}
	if r.n != 0 {
		t.Errorf("%d bytes read", r.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// longLines is an input of n lines of the given length, made as it is read.
type longLines struct {
	line     []byte
	n, at    int
	consumed *atomic.Int64 // bytes handed out
}

func (l *longLines) Read(p []byte) (int, error) {
	if l.n == 0 {
		return 0, io.EOF
	}
	k := 0
	for k < len(p) && l.n > 0 {
		c := copy(p[k:], l.line[l.at:])
		if l.at += c; l.at == len(l.line) {
			l.at = 0
			l.n--
		}
		k += c
	}
	l.consumed.Add(int64(k))
	return k, nil
}

// TestRunBoundsBytes: lines near MaxLineLength are held back by the byte
// budget, not only by the window's count of lines, when the caller is slow.
func TestRunBoundsBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 170 MB")
	}
	cases := []struct {
		name            string
		workers, window int
		lineLen         int
	}{
		{"lines at the limit, window at its most", audit.MaxWorkers, audit.MaxWindow, audit.MaxLineLength},
		{"lines of 100 KB, default window", 64, 0, 100 << 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var read atomic.Int64
			line := append(bytes.Repeat([]byte("x"), c.lineLen), '\n')
			src := &longLines{line: line, n: (170 << 20) / len(line), consumed: &read}
			lines := src.n
			bound := int64(audit.MaxBytesInFlight + audit.MaxBatch*len(line) + 128<<10)
			emitted, peak := int64(0), int64(0)
			n := 0
			err := audit.Run(context.Background(), []audit.Source{{R: src}},
				audit.Options{Workers: c.workers, Window: c.window}, func(r *audit.Result) error {
					if n == 0 {
						// A slow output: wait until the reading stops.
						for last, i := int64(-1), 0; read.Load() != last && i < 100; i++ {
							last = read.Load()
							time.Sleep(100 * time.Millisecond)
						}
					}
					n++
					peak = max(peak, read.Load()-emitted)
					emitted += int64(len(line))
					return nil
				})
			if err != nil || n != lines {
				t.Fatalf("err %v after %d results of %d", err, n, lines)
			}
			t.Logf("peak %d MB read ahead, bound %d MB", peak>>20, bound>>20)
			if peak > bound {
				t.Errorf("%d bytes read ahead of the caller, over %d", peak, bound)
			}
		})
	}
}

// stallReader yields its text, then blocks in Read until released.
type stallReader struct {
	text    string
	release chan struct{}
}

func (r *stallReader) Read(p []byte) (int, error) {
	if r.text != "" {
		n := copy(p, r.text)
		r.text = r.text[n:]
		return n, nil
	}
	<-r.release
	return 0, io.EOF
}

// TestRunReturnsWhileReadBlocks: once ctx is cancelled or emit fails, Run
// returns without waiting for a source blocked in Read (a pipe gone quiet).
func TestRunReturnsWhileReadBlocks(t *testing.T) {
	lines := strings.Repeat("007notatoken\n", 10)
	emitErr := errors.New("output closed")
	cases := []struct {
		name string
		stop func(cancel context.CancelFunc, n int) error // called by emit for result n
		want error
	}{
		{"cancelled", func(cancel context.CancelFunc, n int) error {
			if n == 9 {
				cancel()
			}
			return nil
		}, context.Canceled},
		{"emit fails", func(_ context.CancelFunc, n int) error {
			if n == 3 {
				return emitErr
			}
			return nil
		}, emitErr},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := &stallReader{text: lines, release: make(chan struct{})}
			defer close(src.release)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() {
				n := 0
				done <- audit.Run(ctx, []audit.Source{{R: src}}, audit.Options{Workers: 2}, func(r *audit.Result) error {
					err := c.stop(cancel, n)
					n++
					return err
				})
			}()
			select {
			case err := <-done:
				if !errors.Is(err, c.want) {
					t.Fatalf("Run = %v, want %v", err, c.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("Run did not return while its source was blocked in Read")
			}
		})
	}
}
