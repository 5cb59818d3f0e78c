package audit_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/internal/auditgen"
	"github.com/tokencheck/tokencheck/pkg/audit"
)

// heapPeak samples the live heap every few milliseconds until stopped and
// returns the highest value seen, in bytes.
func heapPeak() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak {
				peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return peak
	}
}

// BenchmarkAudit1M audits a generated file of 1,000,000 mixed tokens (valid,
// expired, tampered, malformed, both versions, bare and JSON lines) on all
// cores with JSON Lines output, checks the exact expected counts, and
// reports tokens per second and the peak live heap.
func BenchmarkAudit1M(b *testing.B) { benchAudit(b) }

// BenchmarkAudit1M007 is the same over 1,000,000 valid bare 007 tokens of
// one app, each verified with the app's primary certificate from the
// keyring: the case of an app's gateway log.
func BenchmarkAudit1M007(b *testing.B) { benchAudit(b, "valid-007-app") }

func benchAudit(b *testing.B, kinds ...string) {
	const n = 1_000_000
	path := filepath.Join(b.TempDir(), "tokens.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	exp, err := auditgen.GenerateKinds(f, n, 1, kinds...)
	if err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	base := baseExpectations(b)
	b.ResetTimer()
	var peak uint64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		runtime.GC()
		stop := heapPeak()
		start := time.Now()
		in, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		out := bufio.NewWriterSize(io.Discard, 64<<10)
		var sum audit.Summary
		opt := audit.Options{Base: base, AppendEncode: func(dst []byte, r *audit.Result) ([]byte, error) { return audit.AppendLine(dst, r, false) }}
		err = audit.Run(context.Background(), []audit.Source{{Name: path, R: in}}, opt, func(r *audit.Result) error {
			sum.Add(r)
			_, err := out.Write(r.Encoded)
			return err
		})
		in.Close()
		if err != nil {
			b.Fatal(err)
		}
		if err := out.Flush(); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(start)
		if p := stop(); p > peak {
			peak = p
		}
		sum.Finish()
		if sum.Lines != exp.Lines {
			b.Fatalf("%d results, want %d", sum.Lines, exp.Lines)
		}
		for v, want := range exp.Verdicts {
			if got := sum.VerdictCount(v); got != want {
				b.Fatalf("verdict %s: %d, want %d", v, got, want)
			}
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/elapsed.Seconds(), "tokens/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	// The file is ~200 MB; the pipeline must hold a bounded window, not the input.
	if peak > 64<<20 {
		b.Errorf("peak live heap %d MiB: memory is not flat", peak>>20)
	}
}
