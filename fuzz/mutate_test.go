package fuzz

import (
	"flag"
	"math/rand"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
)

var mutationsPerVector = flag.Int("mutations", 0,
	"mutations of every vector token in TestMutatedVectors (0: 10,000 in all, spread over the vectors)")

const b64Chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

// mutate applies one to three random edits: bit flips, truncations,
// insertions, deletions, base64-character substitutions (which get past the
// base64 layer and break the bytes beneath it) and duplicated chunks.
func mutate(rng *rand.Rand, s string) string {
	b := []byte(s)
	for n := 1 + rng.Intn(3); n > 0; n-- {
		if len(b) == 0 {
			b = append(b, b64Chars[rng.Intn(len(b64Chars))])
			continue
		}
		i := rng.Intn(len(b))
		switch rng.Intn(7) {
		case 0:
			b[i] ^= 1 << rng.Intn(8)
		case 1:
			b = b[:i]
		case 2:
			ins := []byte{byte(rng.Intn(256))}
			if rng.Intn(2) == 0 {
				ins[0] = b64Chars[rng.Intn(len(b64Chars))]
			}
			b = append(b[:i], append(ins, b[i:]...)...)
		case 3:
			b = append(b[:i], b[i+1:]...)
		case 4, 5:
			b[i] = b64Chars[rng.Intn(len(b64Chars)-1)]
		case 6:
			j := i + rng.Intn(len(b)-i)
			b = append(b[:j], append(append([]byte(nil), b[i:j]...), b[j:]...)...)
		}
	}
	return string(b)
}

// TestMutatedVectors: random mutations of every vector token each end in a
// located error wrapping a sentinel or in a token whose re-encoding
// reproduces its signed bytes (checkParsed), and a sample of them allocates
// within allocBound. Deterministic (seeded per vector); run with
// -mutations=10000 for 10,000 mutations of every vector.
func TestMutatedVectors(t *testing.T) {
	tokens := loadSeeds(t).tokens
	per := *mutationsPerVector
	if per <= 0 {
		per = (10000 + len(tokens) - 1) / len(tokens)
	}
	if testing.Short() && *mutationsPerVector <= 0 {
		per = 1
	}
	var total, accepted, measured int
	var worst float64
	var worstBytes uint64
	for vi, s := range tokens {
		rng := rand.New(rand.NewSource(int64(vi) + 1))
		for k := 0; k < per; k++ {
			m := mutate(rng, s)
			tok := checkParsed(t, m)
			total++
			if tok != nil {
				accepted++
			}
			if k%50 != 0 {
				continue
			}
			payload := 0
			switch {
			case tok != nil && tok.T007 != nil:
				payload = len(tok.T007.Payload)
			case tok == nil && len(m) >= 3 && m[:3] == "007":
				if p, err := decode.ParsePartial(m); err == nil || p == nil || p.T007 == nil {
					payload = token.MaxPayloadSize // the error came before or in inflating
				} else {
					payload = len(p.T007.Payload)
				}
			}
			got := bytesPerParse(m, 1)
			bound := allocBound(len(m), payload)
			measured++
			worstBytes = max(worstBytes, got)
			worst = max(worst, float64(got)/float64(bound))
			if got > bound {
				t.Fatalf("mutation %q of vector %d: %d bytes allocated, bound %d", m, vi, got, bound)
			}
		}
	}
	t.Logf("%d mutations of %d vectors (%d per vector): %d decoded correctly, the rest refused with a located error; "+
		"%d measured: at most %d bytes per Parse, at most %.0f%% of allocBound", total, len(tokens), per, accepted, measured, worstBytes, 100*worst)
}
