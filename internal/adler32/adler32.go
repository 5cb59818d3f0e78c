// Package adler32 computes the Adler-32 checksum of zlib streams (RFC 1950
// §8.2) several bytes at a step: the checksum every 007 token's zlib stream
// ends with, on the decoding and on the encoding side.
package adler32

import "encoding/binary"

// Checksum is the Adler-32 checksum of b (RFC 1950 8.2), the same value
// as hash/adler32.Checksum, sixteen bytes per step. Over a step of n bytes
// s2 grows by n·s1 plus the bytes weighted n, n-1, …, 1, and s1 by their
// sum. For eight bytes both come from two multiplications, in 16-bit lanes
// (the even bytes in one word, the odd in another): multiplying the lanes
// by the weights, lane 3 of the product collects the weighted sum, and no
// lane ever carries into the next (every lane stays under 65536). The sums
// are reduced modulo 65521 every 4 KiB, far from overflowing 64 bits.
func Checksum(b []byte) uint32 {
	const (
		mod   = 65521
		lanes = 0x00ff00ff00ff00ff
		ones  = 0x0001000100010001
		// Weights 8, 6, 4, 2 for bytes 0, 2, 4, 6 and 7, 5, 3, 1 for
		// bytes 1, 3, 5, 7, highest lane first.
		evenW = 8<<48 | 6<<32 | 4<<16 | 2
		oddW  = 7<<48 | 5<<32 | 3<<16 | 1
	)
	s1, s2 := uint64(1), uint64(0)
	for len(b) > 0 {
		c := b[:min(len(b), 4096)]
		b = b[len(c):]
		for ; len(c) >= 16; c = c[16:] {
			x, y := binary.LittleEndian.Uint64(c), binary.LittleEndian.Uint64(c[8:])
			xe, xo := x&lanes, x>>8&lanes
			ye, yo := y&lanes, y>>8&lanes
			xs := (xe + xo) * ones >> 48
			ys := (ye + yo) * ones >> 48
			xw := (xe*evenW + xo*oddW) >> 48
			yw := (ye*evenW + yo*oddW) >> 48
			s2 += 16*s1 + 8*xs + xw + yw
			s1 += xs + ys
		}
		for _, v := range c {
			s1 += uint64(v)
			s2 += s1
		}
		s1 %= mod
		s2 %= mod
	}
	return uint32(s2<<16 | s1)
}
