//go:build !race

// The race detector's own bookkeeping grows with the work done, so the
// heap bound holds only without it.

package audit_test

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/audit"
	"github.com/tokencheck/tokencheck/pkg/gozlib"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// floodLine is a valid 007 token of 4096 RTC services without privileges,
// channel or uid: about 250 characters that decode to a model of some
// 600 KB.
func floodLine() string {
	const app, cert = "970CA35de60c44645bbae8a215061b33", "5CFd2fd1755d40ecb72977518be15d3b"
	info := binary.LittleEndian.AppendUint16(nil, 32)
	info = append(info, app...)
	info = binary.LittleEndian.AppendUint32(info, 1111111)
	info = binary.LittleEndian.AppendUint32(info, 600)
	info = binary.LittleEndian.AppendUint32(info, 1)
	info = binary.LittleEndian.AppendUint16(info, 4096)
	for range 4096 {
		info = append(info, 1, 0, 0, 0, 0, 0, 0, 0) // type 1, no privileges, "", ""
	}
	sig := verify.Signature007(cert, 1111111, 1, info)
	payload := append(binary.LittleEndian.AppendUint16(nil, 32), sig[:]...)
	payload = append(payload, info...)
	return "007" + base64.StdEncoding.EncodeToString(gozlib.AppendCompress(nil, payload))
}

// TestSlowOutputHoldsBoundedResults: while the caller is slow to take the
// results, the results waiting for it hold about MaxBytesInFlight, even
// when short lines decode to large models and the window is wide.
func TestSlowOutputHoldsBoundedResults(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes a few hundred flood tokens")
	}
	line := floodLine()
	if len(line) > 400 {
		t.Fatalf("flood line of %d characters", len(line))
	}
	in := strings.NewReader(strings.Repeat(line+"\n", 4096))
	stopped := errors.New("stopped")
	var peak uint64
	err := audit.Run(context.Background(), []audit.Source{{R: in}}, audit.Options{Workers: 2, Window: 4096},
		func(r *audit.Result) error {
			// The caller stalls on the first result; the workers go on
			// until the results they hold reach the budget.
			var last uint64
			for range 40 {
				time.Sleep(50 * time.Millisecond)
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
				if ms.HeapAlloc < last+1<<20 && last > 0 {
					break // no longer growing: the workers wait
				}
				last = ms.HeapAlloc
			}
			return stopped
		})
	if !errors.Is(err, stopped) {
		t.Fatalf("Run: %v", err)
	}
	// 64 MiB of results, a line's result per worker beyond it, the
	// lines read, and the test's own.
	if limit := uint64(audit.MaxBytesInFlight + 32<<20); peak > limit {
		t.Errorf("live heap reached %d MiB while the output stalled, want at most %d MiB", peak>>20, limit>>20)
	}
}
