package decode

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/vectors"
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

// checkAgainstFlate fails the test when fastInflate accepts s (into a buffer
// of capacity limit) and compress/flate does not give the same output from
// the same number of bytes. It reports whether fastInflate accepted.
func checkAgainstFlate(t *testing.T, tables *inflateTables, s []byte, limit int, what string) bool {
	t.Helper()
	out, used, ok := fastInflate(tables, make([]byte, 0, limit), s, limit)
	if !ok {
		return false
	}
	want, wused, err := flateDecode(s)
	if err != nil {
		t.Fatalf("%s: fastInflate accepted a stream compress/flate refuses (%v)", what, err)
	}
	if !bytes.Equal(out, want) || used != wused {
		t.Fatalf("%s: fastInflate gave %d bytes using %d, compress/flate %d using %d", what, len(out), used, len(want), wused)
	}
	if len(out) > limit {
		t.Fatalf("%s: %d bytes out, over the limit %d", what, len(out), limit)
	}
	return true
}

// TestFastInflateRandomBits feeds fastInflate random bit strings behind
// every block header (fixed and dynamic, final or not), which reaches the
// symbols real streams never use (lengths 286-287, distances 30-31,
// distances before the start, incomplete and oversubscribed codes), and
// requires agreement with compress/flate whenever it accepts.
func TestFastInflateRandomBits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var tables inflateTables
	accepted := 0
	for i := 0; i < 200000; i++ {
		s := make([]byte, 1+rng.IntN(40))
		for j := range s {
			s[j] = byte(rng.UintN(256))
		}
		// Mostly fixed blocks, which decode far before failing.
		if i%4 != 0 {
			s[0] = s[0]&^6 | 2
		}
		tb := &tables
		if i%2 == 0 {
			tb = nil // tables from the pool
		}
		if checkAgainstFlate(t, tb, s, 1+rng.IntN(300), "random bits") {
			accepted++
		}
	}
	t.Logf("%d random streams accepted", accepted)
}

// TestFastInflateShapes covers the stream shapes the level sweep of
// TestFastInflateMatchesFlate may miss: skewed inputs whose dynamic codes are
// longer than one table lookup, several blocks (Flush, stored and empty
// blocks), long overlapping matches, and outputs cut by the limit.
func TestFastInflateShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var tables inflateTables
	long, pairs := 0, 0
	for i := 0; i < 750; i++ {
		n := 1 + int(rng.UintN(5000))
		p := make([]byte, n)
		switch i % 5 {
		case 0: // geometric symbol frequencies: long codes for rare symbols
			for j := range p {
				c := 0
				for c < 255 && rng.UintN(4) != 0 {
					c++
				}
				p[j] = byte(c)
			}
		case 1: // runs: overlapping matches at short distances
			for j := 0; j < n; {
				c, r := byte(rng.UintN(256)), 1+int(rng.UintN(600))
				for ; r > 0 && j < n; r-- {
					p[j] = c
					j++
				}
			}
		case 2: // a short period repeated
			period := 1 + int(rng.UintN(7))
			for j := range p {
				if j < period {
					p[j] = byte(rng.UintN(256))
				} else {
					p[j] = p[j-period]
				}
			}
		case 3: // incompressible, for stored blocks at level 0
			for j := range p {
				p[j] = byte(rng.UintN(256))
			}
		default: // every byte equally often, a few matches: dynamic
			// codes whose literals all have 8 or 9 bits (fastPairs)
			p = p[:0]
			for len(p) < n {
				for _, v := range rng.Perm(256) {
					p = append(p, byte(v))
				}
				if len(p) > 600 && rng.UintN(2) == 0 {
					at := rng.IntN(len(p) - 300)
					p = append(p, p[at:at+4+rng.IntN(30)]...)
				}
			}
			n = len(p)
		}
		level := int(rng.UintN(12)) - 2
		var z bytes.Buffer
		w, _ := flate.NewWriter(&z, level)
		for j := 0; j < n; {
			k := min(n-j, 1+int(rng.UintN(uint(n))))
			w.Write(p[j : j+k])
			if rng.UintN(2) == 0 {
				w.Flush()
			}
			j += k
		}
		w.Close()
		s := append(z.Bytes(), 1, 2, 3, 4)
		if !checkAgainstFlate(t, &tables, s, n+int(rng.UintN(10)), "shape") {
			t.Fatalf("case %d (shape %d, level %d): fastInflate refused a valid stream", i, i%5, level)
		}
		if i%5 == 0 && (tables.lit.long || tables.dist.long) {
			long++
		}
		if i%5 == 4 && tables.lit89 {
			pairs++
		}
		// A limit below the output must be refused, never overrun.
		if n > 1 && checkAgainstFlate(t, nil, s, rng.IntN(n), "short limit") {
			t.Fatalf("case %d: accepted %d bytes of output under a smaller limit", i, n)
		}
	}
	if long == 0 {
		t.Fatal("no stream had codes longer than one table lookup")
	}
	if pairs == 0 {
		t.Fatal("no dynamic code had only 8- and 9-bit literals")
	}
}

// BenchmarkFastInflate is the deflate decoding of the benchmark vectors'
// payloads alone (no base64, no checksum, no payload parsing).
func BenchmarkFastInflate(b *testing.B) {
	for _, id := range []string{"007-rtc-uid-zlib", "007-parse-tool-sample"} {
		s := benchVectorInternal(b, id)
		raw, _, err := decodeBase64Into(nil, s[3:], 3, "body")
		if err != nil {
			b.Fatal(err)
		}
		dst := make([]byte, 0, 2048)
		b.Run(id, func(b *testing.B) {
			for b.Loop() {
				if _, _, ok := fastInflate(nil, dst, raw[2:], cap(dst)); !ok {
					b.Fatal("fast path refused the vector")
				}
			}
		})
	}
}

// benchVectorInternal returns the expected string of a known-answer vector.
func benchVectorInternal(b *testing.B, id string) string {
	b.Helper()
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range ka.Vectors {
		if v.ID == id {
			return v.Expected
		}
	}
	b.Fatalf("vector %s not found", id)
	return ""
}

// FuzzFastInflate requires agreement with compress/flate on every stream
// fastInflate accepts, under any output limit.
func FuzzFastInflate(f *testing.F) {
	for _, p := range []string{"", "a", "hello, hello, hello", "007eJxTYGBgYDi"} {
		var z bytes.Buffer
		w, _ := flate.NewWriter(&z, flate.DefaultCompression)
		w.Write([]byte(p))
		w.Close()
		f.Add(z.Bytes(), uint16(300))
	}
	f.Add([]byte{0x63, 0x60, 0x00, 0x00}, uint16(10))
	f.Fuzz(func(t *testing.T, s []byte, limit uint16) {
		checkAgainstFlate(t, nil, s, int(limit), "fuzz")
	})
}
