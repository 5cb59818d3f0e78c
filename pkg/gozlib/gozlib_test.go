package gozlib

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// reference is what compress/zlib writes for data: NewWriter (default level),
// one Write, Close. The writer is reused through Reset, which gives the same
// stream as a new one: a new writer allocates over 600 KiB, which would cap
// the fuzzing at a few hundred inputs a second.
func reference(t testing.TB, data []byte) []byte {
	t.Helper()
	r := referenceWriters.Get().(*referenceWriter)
	defer referenceWriters.Put(r)
	r.buf.Reset()
	r.zw.Reset(&r.buf)
	if _, err := r.zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := r.zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Clone(r.buf.Bytes())
}

type referenceWriter struct {
	buf bytes.Buffer
	zw  *zlib.Writer
}

var referenceWriters = sync.Pool{New: func() any {
	r := &referenceWriter{}
	r.zw = zlib.NewWriter(&r.buf)
	return r
}}

// direct compresses with this package's own encoder only (no fallback).
func direct(t testing.TB, data []byte) []byte {
	t.Helper()
	var e encoder
	out, ok := e.deflate([]byte{0x78, 0x9c}, data)
	if !ok {
		t.Fatalf("direct path refused %d bytes", len(data))
	}
	return binary.BigEndian.AppendUint32(out, adlerOf(data))
}

func adlerOf(b []byte) uint32 {
	const mod = 65521
	a, s := uint32(1), uint32(0)
	for _, c := range b {
		a = (a + uint32(c)) % mod
		s = (s + a) % mod
	}
	return s<<16 | a
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func check(t *testing.T, name string, data []byte) {
	t.Helper()
	want := reference(t, data)
	if got := direct(t, data); !bytes.Equal(got, want) {
		t.Errorf("%s (%d bytes): direct output differs from compress/zlib at byte %d:\n got %x\nwant %x", name, len(data), firstDiff(got, want), got, want)
		return
	}
	if got := AppendCompress([]byte("prefix"), data); !bytes.Equal(got[6:], want) || string(got[:6]) != "prefix" {
		t.Errorf("%s: AppendCompress differs from compress/zlib", name)
	}
}

// payloads007 returns the inflated payloads of every 007 token string in the
// vector files.
func payloads007(t testing.TB) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob("../../testdata/vectors/*.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		collect007(v, out)
	}
	if len(out) < 100 {
		t.Fatalf("only %d 007 payloads found in the vectors", len(out))
	}
	return out
}

func collect007(v any, out map[string][]byte) {
	switch x := v.(type) {
	case map[string]any:
		for _, y := range x {
			collect007(y, out)
		}
	case []any:
		for _, y := range x {
			collect007(y, out)
		}
	case string:
		if !strings.HasPrefix(x, "007") {
			return
		}
		z, err := base64.StdEncoding.DecodeString(x[3:])
		if err != nil {
			return
		}
		r, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			return
		}
		p, err := io.ReadAll(io.LimitReader(r, 1<<20))
		if err != nil {
			return
		}
		out[string(p)] = p
	}
}

func TestVectorPayloads(t *testing.T) {
	for _, p := range payloads007(t) {
		if len(p) > MaxDirect {
			want := reference(t, p)
			if got := AppendCompress(nil, p); !bytes.Equal(got, want) {
				t.Errorf("%d-byte payload (compress/flate path) differs", len(p))
			}
			continue
		}
		check(t, "vector payload", p)
	}
}

// TestMatchesCompressFlate compares with compress/zlib over inputs shaped to
// reach every branch: all sizes around the edges, random bytes (stored
// blocks), text (fixed and dynamic blocks), long runs (length 258, code 285,
// runs of zero code lengths), token-like payloads, repeats at every distance
// class, and skewed alphabets that make the length limits bind.
func TestMatchesCompressFlate(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	gens := map[string]func(n int) []byte{
		"random": func(n int) []byte {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return b
		},
		"small-alphabet": func(n int) []byte {
			k := 1 + r.IntN(6)
			b := make([]byte, n)
			for i := range b {
				b[i] = 'a' + byte(r.IntN(k))
			}
			return b
		},
		"hex": func(n int) []byte {
			b := make([]byte, n)
			for i := range b {
				b[i] = "0123456789abcdef"[r.IntN(16)]
			}
			return b
		},
		"zeros": func(n int) []byte { return make([]byte, n) },
		"repeats": func(n int) []byte {
			b := make([]byte, 0, n)
			for len(b) < n {
				if len(b) > 8 && r.IntN(3) > 0 {
					d := 1 + r.IntN(len(b))
					l := 3 + r.IntN(300)
					for j := 0; j < l && len(b) < n; j++ {
						b = append(b, b[len(b)-d])
					}
				} else {
					b = append(b, byte(r.IntN(256)))
				}
			}
			return b
		},
		"skewed": func(n int) []byte {
			// Fibonacci-like frequencies: an unlimited Huffman code
			// would need more than 15 bits.
			b := make([]byte, 0, n)
			f1, f2 := 1, 1
			for s := 0; len(b) < n && s < 40; s++ {
				for j := 0; j < f1 && len(b) < n; j++ {
					b = append(b, byte(s*7))
				}
				f1, f2 = f2, f1+f2
			}
			r.Shuffle(len(b), func(i, j int) { b[i], b[j] = b[j], b[i] })
			return b
		},
		"token-like": func(n int) []byte {
			b := make([]byte, 0, n)
			b = append(b, 32, 0)
			for range 32 {
				b = append(b, byte(r.Uint32()))
			}
			b = append(b, 32, 0)
			for range 32 {
				b = append(b, "0123456789abcdef"[r.IntN(16)])
			}
			for len(b) < n {
				switch r.IntN(4) {
				case 0:
					b = binary.LittleEndian.AppendUint32(b, uint32(1700000000+r.IntN(1000)))
				case 1:
					b = binary.LittleEndian.AppendUint16(b, uint16(r.IntN(8)))
				case 2:
					b = append(b, byte(r.IntN(5)), 0, 0, 0)
				default:
					b = append(b, "channel-"[:1+r.IntN(8)]...)
				}
			}
			return b[:n]
		},
	}
	sizes := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 64, 100, 137, 138, 139, 200, 255, 256, 257, 258, 259, 260, 261, 262, 263, 300, 500, 1000, 4095, 4096, 4097, 4100, 5000, 8191, 8192, 8193, MaxDirect - 1, MaxDirect}
	for name, gen := range gens {
		for _, n := range sizes {
			check(t, name, gen(n))
		}
		for range 60 {
			check(t, name, gen(r.IntN(2000)))
		}
	}
}

// TestFarMatches covers the 4096-byte limit on 4-byte matches and long
// chains of one hash (the 128-candidate limit).
func TestFarMatches(t *testing.T) {
	var b []byte
	for i := 0; i < 4200; i++ {
		b = append(b, byte(i*31+7))
	}
	b = append(b, b[:4]...)
	b = append(b, b[100:105]...)
	check(t, "far 4-byte match", b)

	long := bytes.Repeat([]byte("abcdX"), 500)
	for i := range long {
		if i%7 == 0 {
			long[i] = byte('A' + i%23)
		}
	}
	check(t, "long chains", long)
	check(t, "one byte repeated", bytes.Repeat([]byte{'z'}, 3000))
}

func TestLongerThanMaxDirect(t *testing.T) {
	data := bytes.Repeat([]byte("tokencheck 007 "), 2*MaxDirect/15)
	if got, want := AppendCompress(nil, data), reference(t, data); !bytes.Equal(got, want) {
		t.Errorf("compress/flate path differs")
	}
}

func TestCodeLengthsLimited(t *testing.T) {
	var c codeBuilder
	freq := make([]int32, numCodeLen)
	f1, f2 := int32(1), int32(1)
	for i := range freq {
		freq[i] = f1
		f1, f2 = f2, f1+f2
	}
	lens := make([]uint8, numCodeLen)
	set := usedSet(freq)
	if _, ok := c.lengths(freq, &set, maxCLBits, lens, nil); !ok {
		t.Fatal("lengths refused")
	}
	kraft := 0.0
	for _, l := range lens {
		if l == 0 || l > maxCLBits {
			t.Fatalf("length %d out of range: %v", l, lens)
		}
		kraft += 1 / float64(uint(1)<<l)
	}
	if kraft != 1 {
		t.Errorf("code is not complete: Kraft sum %v (%v)", kraft, lens)
	}
}

func FuzzMatchesCompressFlate(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("a"))
	f.Add([]byte("abcabcabcabcabcabc"))
	f.Add(bytes.Repeat([]byte{0}, 600))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > MaxDirect {
			data = data[:MaxDirect]
		}
		want := reference(t, data)
		if got := direct(t, data); !bytes.Equal(got, want) {
			t.Fatalf("differs from compress/zlib at byte %d:\n got %x\nwant %x", firstDiff(got, want), got, want)
		}
	})
}

func BenchmarkAppendCompress(b *testing.B) {
	tok, err := os.ReadFile("../../testdata/examples/rtc-rtm-chat-apaas-007.token")
	if err != nil {
		b.Fatal(err)
	}
	p := map[string][]byte{}
	collect007(strings.TrimSpace(string(tok)), p)
	if len(p) != 1 {
		b.Fatal("example token does not inflate")
	}
	var payload []byte
	for _, v := range p {
		payload = v
	}
	buf := make([]byte, 0, 512)
	// Every 007 payload of the vectors up to 1 KiB (real token sizes),
	// compressed in turn: the time per payload is the mean over them.
	var vectors [][]byte
	for _, p := range payloads007(b) {
		if len(p) <= 1024 {
			vectors = append(vectors, p)
		}
	}
	slices.SortFunc(vectors, bytes.Compare)
	b.Run("vectors", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, p := range vectors {
				buf = AppendCompress(buf[:0], p)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vectors)), "ns/payload")
	})
	b.Run("gozlib", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendCompress(buf[:0], payload)
		}
	})
	b.Run("compress-flate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf = appendStdlib(buf[:0], payload)
		}
	})
}

// randomKeys returns n sorted keys freq<<9|symbol with frequencies drawn to
// give many ties (small ranges) or deep codes (near-geometric growth).
func randomKeys(r *rand.Rand, n int) []uint32 {
	keys := make([]uint32, n)
	switch r.IntN(3) {
	case 0:
		f, g := 1.0, 1.2+r.Float64()
		for i := range keys {
			keys[i] = uint32(int(f)+r.IntN(2))<<9 | uint32(i)
			f = min(f*g, 1e6)
		}
	default:
		top := []int{2, 3, 5, 10, 100, 1000}[r.IntN(6)]
		for i := range keys {
			keys[i] = uint32(1+r.IntN(top))<<9 | uint32(i)
		}
	}
	slices.Sort(keys)
	return keys
}

// profilesEqual compares two length profiles (count per length), ignoring
// trailing zero counts.
func profilesEqual(a, b []int32) bool {
	for l := 0; l < max(len(a), len(b)); l++ {
		var x, y int32
		if l < len(a) {
			x = a[l]
		}
		if l < len(b) {
			y = b[l]
		}
		if x != y {
			return false
		}
	}
	return true
}

// TestHuffmanMatchesPackageMerge checks the shortcut lengths takes: whenever
// the Huffman code (merged items before leaves of equal weight) is no deeper
// than the limit, its length profile is the package-merge's.
func TestHuffmanMatchesPackageMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var c codeBuilder
	tested, atLimit := 0, 0
	for i := 0; i < 200000; i++ {
		maxBits, n := maxCodeBits, 3+r.IntN(60)
		switch {
		case i%10 == 0:
			n = 3 + r.IntN(numLitLen-2)
		case i%3 == 0:
			maxBits, n = maxCLBits, 3+r.IntN(numCodeLen-2)
		}
		keys := randomKeys(r, n)
		want, ok := c.bitCounts(keys, maxBits)
		if !ok {
			t.Fatalf("package-merge refused %v", keys)
		}
		want = slices.Clone(want)
		c.weigh(keys)
		got, _, ok := c.huffmanCounts(keys, maxBits)
		if !ok {
			continue
		}
		tested++
		if len(want) == maxBits+1 && want[maxBits] > 0 {
			atLimit++
		}
		if !profilesEqual(got, want) {
			t.Fatalf("n=%d maxBits=%d keys %v:\nHuffman %v\npackage-merge %v", n, maxBits, keys, got, want)
		}
	}
	if tested < 150000 || atLimit < 5000 {
		t.Fatalf("only %d cases compared (%d at the length limit)", tested, atLimit)
	}
}

// FuzzCodeLengths compares the Huffman shortcut with the package-merge on
// fuzzed frequencies.
func FuzzCodeLengths(f *testing.F) {
	f.Add([]byte{1, 1, 2, 2}, false)
	f.Add([]byte{1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144}, true)
	f.Fuzz(func(t *testing.T, freq []byte, small bool) {
		maxBits, limit := maxCodeBits, numLitLen
		if small {
			maxBits, limit = maxCLBits, numCodeLen
		}
		var c codeBuilder
		fr := make([]int32, min(len(freq), limit))
		for i := range fr {
			fr[i] = int32(freq[i])
		}
		set := usedSet(fr)
		keys := slices.Clone(c.sorted(fr, &set))
		if len(keys) < 3 {
			return
		}
		want, ok := c.bitCounts(keys, maxBits)
		if !ok {
			if len(keys) > 1<<maxBits {
				return
			}
			t.Fatalf("package-merge refused %v", keys)
		}
		want = slices.Clone(want)
		c.weigh(keys)
		if got, _, ok := c.huffmanCounts(keys, maxBits); ok && !profilesEqual(got, want) {
			t.Fatalf("keys %v:\nHuffman %v\npackage-merge %v", keys, got, want)
		}
	})
}

// TestCountMatchesEncode checks that the frequencies count finds without
// forming the run-length coding are those of the coding itself, over
// random code-length sequences with long and short runs of every kind.
func TestCountMatchesEncode(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for range 20000 {
		m := 1 + r.IntN(numLitLen+numDist)
		seq := make([]uint8, m+8)
		zeroShare, maxLen := r.IntN(10), 1+r.IntN(maxCodeBits)
		for i := 0; i < m; {
			run := 1 + r.IntN([]int{3, 8, 20, 160}[r.IntN(4)])
			l := uint8(0)
			if r.IntN(10) >= zeroShare {
				l = uint8(1 + r.IntN(maxLen))
			}
			for ; run > 0 && i < m; run-- {
				seq[i] = l
				i++
			}
		}
		var set symbolSet
		var hist [maxCodeBits + 1]int32
		for i, l := range seq[:m] {
			if l != 0 {
				set[i>>6] |= 1 << (i & 63)
				hist[l]++
			}
		}
		var c codeLengthCode
		c.count(seq[:m], &set, &hist)
		if got := c.encode(seq, m); got != c.freq {
			t.Fatalf("lengths %v: count %v, encode %v", seq[:m], c.freq, got)
		}
	}
}

// weigh lays out the weights of the sorted keys in c.weight and counts
// those of weight 1, as sorted does, for keys made without it.
func (c *codeBuilder) weigh(keys []uint32) {
	c.ones = 0
	for i, k := range keys {
		c.weight[i] = int32(k >> 9)
		if k>>9 == 1 {
			c.ones++
		}
	}
}
