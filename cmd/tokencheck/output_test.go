package main

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
)

// errDiskFull stands for a full disk behind stdout.
var errDiskFull = errors.New("no space left on device")

// failingWriter accepts limit bytes, then fails every write.
type failingWriter struct {
	limit int
	n     int
}

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.n+len(p) <= f.limit {
		f.n += len(p)
		return len(p), nil
	}
	k := f.limit - f.n
	f.n = f.limit
	return k, errDiskFull
}

// TestOutputWriteFailure runs every command with a stdout that fails: at
// once, or after part of the output. Each must exit 2 with one "writing
// output" error, whatever it found, as the --json forms always did.
func TestOutputWriteFailure(t *testing.T) {
	tok7 := strings.TrimSpace(readFile(t, example007))
	tok6 := strings.TrimSpace(readFile(t, example006))
	const app = "970CA35de60c44645bbae8a215061b33"
	cases := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"help", []string{"help"}, ""},
		{"version", []string{"version"}, ""},
		{"decode table", []string{"decode", tok7}, ""},
		{"decode json", []string{"decode", "--json", tok7}, ""},
		{"decode broken token", []string{"decode", tok7[:100]}, ""},
		{"decode help", []string{"decode", "--help"}, ""},
		{"verify table", []string{"verify", "--cert-file", sampleCert, "--now", "2022-08-23T16:00:00Z", tok7}, ""},
		{"verify table expired", []string{"verify", "--cert-file", sampleCert, tok7}, ""},
		{"verify json", []string{"verify", "--json", "--cert-file", sampleCert, tok7}, ""},
		{"verify without certificate", []string{"verify", "--now", "2022-08-23T16:00:00Z", tok7}, ""},
		{"verify without certificate json", []string{"verify", "--json", "--now", "2022-08-23T16:00:00Z", tok7}, ""},
		{"verify 006 table", []string{"verify", "--cert-file", sampleCert, "--channel", "7d72365eb983485397e3e3f9d460bdda", "--uid", "2882341273", "--now", "1000000", tok6}, ""},
		{"build fpa", []string{"build", "fpa", "--app-id", app, "--cert-file", sampleCert}, ""},
		{"build fpa json", []string{"build", "fpa", "--json", "--app-id", app, "--cert-file", sampleCert}, ""},
		{"build rtc", []string{"build", "rtc", "--app-id", app, "--cert-file", sampleCert, "--channel", "c", "--uid", "1"}, ""},
		{"build rtc 006", []string{"build", "rtc", "--version", "006", "--app-id", app, "--cert-file", sampleCert, "--channel", "c", "--uid", "1"}, ""},
		{"build dk1", []string{"build", "dk1", "--app-id", app, "--cert-file", sampleCert, "--channel", "c"}, ""},
		{"build help", []string{"build", "--help"}, ""},
		{"vectors check table", []string{"vectors", "check", "../../testdata/vectors/006.json"}, ""},
		{"vectors check json", []string{"vectors", "check", "--json", "../../testdata/vectors/006.json"}, ""},
		{"vectors gen", []string{"vectors", "gen", "--format", "007", "--count", "3", "--seed", "1"}, ""},
		{"vectors help", []string{"vectors", "--help"}, ""},
		{"audit table", []string{"audit", "--cert-file", sampleCert}, tok7 + "\n" + tok6 + "\n"},
		{"audit json", []string{"audit", "--format", "json", "--cert-file", sampleCert}, tok7 + "\n"},
		{"audit jsonl", []string{"audit", "--format", "jsonl", "--cert-file", sampleCert}, tok7 + "\n" + tok6 + "\n"},
	}
	for _, c := range cases {
		for _, limit := range []int{0, 10} {
			t.Run(c.name+"/after "+strconv.Itoa(limit)+" bytes", func(t *testing.T) {
				var errb bytes.Buffer
				e := &env{stdin: strings.NewReader(c.stdin), stdout: &failingWriter{limit: limit}, stderr: &errb,
					now:       func() time.Time { return time.Unix(1700000000, 0) },
					lookupEnv: func(string) (string, bool) { return "", false }}
				code := run(e, c.args)
				if code != exitUsage {
					t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, errb.String())
				}
				if n := strings.Count(errb.String(), "tokencheck: error: writing output: "); n != 1 {
					t.Errorf("%d \"writing output\" errors on stderr, want 1:\n%s", n, errb.String())
				}
				if !strings.Contains(errb.String(), errDiskFull.Error()) {
					t.Errorf("stderr does not name the write error:\n%s", errb.String())
				}
			})
		}
	}
}
