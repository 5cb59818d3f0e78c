package adler32

import (
	"hash/adler32"
	"math/rand/v2"
	"testing"
)

// TestChecksumMatches compares Checksum with hash/adler32 on random and
// all-0xff inputs (the largest sums) of lengths around the step and
// reduction sizes.
func TestChecksumMatches(t *testing.T) {
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
			if got, want := Checksum(p), adler32.Checksum(p); got != want {
				t.Fatalf("length %d (fill %d): %08x, want %08x", n, fill, got, want)
			}
		}
	}
}

// BenchmarkChecksum is the checksum of a payload the size of the six-service
// benchmark vector's, by Checksum and by hash/adler32.
func BenchmarkChecksum(b *testing.B) {
	p := make([]byte, 272)
	for i := range p {
		p[i] = byte(i * 7)
	}
	b.Run("Checksum", func(b *testing.B) {
		for b.Loop() {
			Checksum(p)
		}
	})
	b.Run("hash/adler32", func(b *testing.B) {
		for b.Loop() {
			adler32.Checksum(p)
		}
	})
}
