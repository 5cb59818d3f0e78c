// Package zlibcompat is a pure-Go zlib compressor whose output is
// byte-identical to C zlib 1.2.13's compress2(dest, destLen, source,
// sourceLen, level) (and so to Python's zlib.compress, PHP's gzcompress,
// Java's Deflater with default settings on a single finish call, ...).
//
// Go's compress/zlib writes valid but different DEFLATE streams. AccessToken2
// ("007") strings are "007" ‖ base64(zlib(payload)), so a Go builder that wants
// to reproduce the strings of the C-zlib reference builders needs zlib's own
// algorithm. This package reimplements it: the configuration table of
// deflate.c (deflate_stored for level 0, deflate_fast for 1-3, deflate_slow
// with lazy evaluation for 4-9), the hash chains of a 32 KiB window with
// memLevel 8 (hash_bits 15, hash_shift 5), longest_match with its chain,
// good, lazy and nice limits, the TOO_FAR rule, a 16384-entry symbol buffer
// that ends a block when it holds 16383 symbols, and trees.c's choice between
// stored, fixed and dynamic Huffman blocks with zlib's exact tree
// construction (heap order, depth tie-break, bit-length overflow repair,
// run-length coding of the code lengths).
//
// Only the one-shot, whole-input mode of compress2 is reproduced (a single
// deflate call with Z_FINISH, window bits 15, memLevel 8, default strategy,
// no dictionary). Streaming with intermediate flushes would produce other
// block boundaries and is not offered.
package zlibcompat

import (
	"encoding/binary"
	"fmt"
	"hash/adler32"
	"sync"
)

// DefaultCompression is zlib's Z_DEFAULT_COMPRESSION; it selects level 6.
const DefaultCompression = -1

// Compress returns the zlib stream that C zlib 1.2.13's compress2 writes for
// data at the given level (0-9, or DefaultCompression for 6).
func Compress(data []byte, level int) ([]byte, error) {
	return AppendCompress(make([]byte, 0, len(data)+len(data)/1000+16), data, level)
}

// AppendCompress appends the zlib stream of Compress(data, level) to dst and
// returns the extended slice.
func AppendCompress(dst, data []byte, level int) ([]byte, error) {
	if level == DefaultCompression {
		level = 6
	}
	if level < 0 || level > 9 {
		return dst, fmt.Errorf("zlibcompat: invalid compression level %d (want 0-9 or -1)", level)
	}
	dst = binary.BigEndian.AppendUint16(dst, header(level))
	if level == 0 {
		dst = appendStored(dst, data)
	} else {
		d := deflaters.Get().(*deflater)
		d.reset(data, level, dst)
		d.run()
		dst = d.bw.out
		d.release()
		deflaters.Put(d)
	}
	return binary.BigEndian.AppendUint32(dst, adler32.Checksum(data)), nil
}

// header is zlib's two-byte stream header for a 32 KiB window (CMF 0x78)
// and the level's FLEVEL field (deflate.c, deflate()): 0 for levels 0 and 1,
// 1 for 2-5, 2 for 6, 3 for 7-9; FCHECK makes the 16-bit value a multiple of
// 31. This gives 78 01, 78 5E, 78 9C and 78 DA.
func header(level int) uint16 {
	var flags uint16
	switch {
	case level < 2:
		flags = 0
	case level < 6:
		flags = 1
	case level == 6:
		flags = 2
	default:
		flags = 3
	}
	h := uint16(zDeflated+((wBits-8)<<4))<<8 | flags<<6
	return h + 31 - h%31
}

// maxStored is the largest stored block payload.
const maxStored = 65535

// appendStored writes the DEFLATE blocks of deflate_stored (level 0) as
// compress2 produces them: compress2 hands deflate the whole input and an
// output buffer of compressBound bytes, which is always large enough, so
// every block carries min(65535, remaining) bytes and the block that takes
// the last byte is final. Empty input gives one empty final stored block.
func appendStored(dst, data []byte) []byte {
	for {
		n := min(len(data), maxStored)
		last := byte(0)
		if n == len(data) {
			last = 1
		}
		// Block header bits (BTYPE 00) then byte alignment: one byte.
		dst = append(dst, last)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
		dst = binary.LittleEndian.AppendUint16(dst, ^uint16(n))
		dst = append(dst, data[:n]...)
		data = data[n:]
		if last == 1 {
			return dst
		}
	}
}

// deflaters recycles the compressor state (about 200 KiB of window, hash
// heads and chains) between calls.
var deflaters = sync.Pool{New: func() any { return new(deflater) }}
