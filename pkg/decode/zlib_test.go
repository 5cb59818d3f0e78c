package decode

import (
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestAdler32SumMatches compares adler32Sum with hash/adler32 on random and
// all-0xff inputs (the largest sums) of lengths around the step and
// reduction sizes.
func TestAdler32SumMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	lengths := []int{0, 1, 7, 8, 9, 15, 16, 17, 4095, 4096, 4097, 5552, 5553, 8191, 8192, 8193, 100000, 1 << 20}
	for i := 0; i < 300; i++ {
		lengths = append(lengths, rng.IntN(3000))
	}
	for _, n := range lengths {
		for _, fill := range []int{-1, 0xff} {
			p := make([]byte, n)
			for j := range p {
				if fill < 0 {
					p[j] = byte(rng.UintN(256))
				} else {
					p[j] = byte(fill)
				}
			}
			if got, want := adler32Sum(p), adler32.Checksum(p); got != want {
				t.Fatalf("length %d (fill %d): %08x, want %08x", n, fill, got, want)
			}
		}
	}
}

// BenchmarkAdler32 is the checksum of a payload the size of the six-service
// benchmark vector's, by adler32Sum and by hash/adler32.
func BenchmarkAdler32(b *testing.B) {
	p := make([]byte, 272)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.Run("adler32Sum", func(b *testing.B) {
		for b.Loop() {
			adler32Sum(p)
		}
	})
	b.Run("hash/adler32", func(b *testing.B) {
		for b.Loop() {
			adler32.Checksum(p)
		}
	})
}
