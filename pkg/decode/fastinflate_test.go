package decode

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"testing"
)

// flateDecode is the judge: compress/flate's output for the stream at the
// start of data and how many bytes of data it read.
func flateDecode(data []byte) ([]byte, int, error) {
	src := bytes.NewReader(data)
	r := flate.NewReader(src)
	out, err := io.ReadAll(r)
	return out, len(data) - src.Len(), err
}

// TestFastInflateMatchesFlate compresses random and repetitive inputs at
// every compress/flate level, damages some of the streams, and requires that
// whenever fastInflate accepts a stream, compress/flate accepts it too with
// the same output and the same length. Undamaged streams must nearly all
// take the fast path, or it would be dead weight.
func TestFastInflateMatchesFlate(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var tables inflateTables
	valid, fast := 0, 0
	for i := 0; i < 3000; i++ {
		n := int(rng.UintN(700))
		if i%50 == 0 {
			n = int(rng.UintN(70000))
		}
		p := make([]byte, n)
		alpha := 2 + int(rng.UintN(255))
		for j := range p {
			p[j] = byte(rng.UintN(uint(alpha)))
			if j > 8 && rng.UintN(3) == 0 {
				p[j] = p[j-1-int(rng.UintN(8))]
			}
		}
		level := int(rng.UintN(12)) - 2
		var z bytes.Buffer
		w, _ := flate.NewWriter(&z, level)
		w.Write(p)
		w.Close()
		stream := append(z.Bytes(), 1, 2, 3, 4) // room for the checksum
		for k := 0; k < 4; k++ {
			s := stream
			if k > 0 {
				s = append([]byte(nil), stream...)
				switch k {
				case 1:
					s[rng.IntN(len(s))] ^= byte(1 << rng.UintN(8))
				case 2:
					s = s[:rng.IntN(len(s))]
				case 3:
					for x := 0; x < 3; x++ {
						s[rng.IntN(len(s))] = byte(rng.UintN(256))
					}
				}
			}
			out, used, ok := fastInflate(&tables, make([]byte, 0, 1<<17), s, 1<<17)
			if k == 0 {
				valid++
				if ok {
					fast++
				}
			}
			if !ok {
				continue
			}
			want, wused, err := flateDecode(s)
			if err != nil {
				t.Fatalf("case %d/%d level %d: fastInflate accepted a stream compress/flate refuses (%v)", i, k, level, err)
			}
			if !bytes.Equal(out, want) || used != wused {
				t.Fatalf("case %d/%d level %d: fastInflate gave %d bytes using %d, compress/flate %d using %d", i, k, level, len(out), used, len(want), wused)
			}
			if k == 0 && !bytes.Equal(out, p) {
				t.Fatalf("case %d: output differs from the input", i)
			}
		}
	}
	if fast < valid*95/100 {
		t.Fatalf("fast path took %d of %d valid streams", fast, valid)
	}
	t.Logf("fast path: %d of %d valid streams", fast, valid)
}
