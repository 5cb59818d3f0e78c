//go:build !race

// The race detector makes sync.Pool drop objects at random, so these
// assertions hold only without it.

package decode_test

import (
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// TestParseAllocation: Parse allocates a 007 token in one object of the
// smallest size class it fits, 640 bytes for the one-service benchmark
// token and 1536 for the six-service one; a field added to the model must
// not push it into the next class (a fifth more bytes to clear and collect
// on every Parse).
func TestParseAllocation(t *testing.T) {
	if testing.Short() {
		t.Skip("measures allocations")
	}
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	limits := map[string]int64{"007-rtc-uid-zlib": 640, "007-parse-tool-sample": 1536}
	for _, v := range ka.Vectors {
		limit, ok := limits[v.ID]
		if !ok {
			continue
		}
		delete(limits, v.ID)
		s := v.Expected
		r := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decode.Parse(s); err != nil {
					b.Fatal(err)
				}
			}
		})
		if r.AllocsPerOp() != 1 || r.AllocedBytesPerOp() > limit {
			t.Errorf("%s: Parse allocates %d objects, %d bytes; want 1 of at most %d", v.ID, r.AllocsPerOp(), r.AllocedBytesPerOp(), limit)
		}
	}
	if len(limits) > 0 {
		t.Fatalf("vectors not found: %v", limits)
	}
}
