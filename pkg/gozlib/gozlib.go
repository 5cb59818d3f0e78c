// Package gozlib writes the zlib stream that Go's compress/zlib writes for a
// payload handed over in one Write followed by Close, with NewWriter's default
// level (6), byte for byte, without compress/flate's cost of clearing 640 KiB
// of hash tables on every stream.
//
// AccessToken2 ("007") strings are "007" ‖ base64(zlib(payload)); the Go
// reference builder compresses with compress/zlib, so reproducing its token
// strings needs exactly that compressor's output. For payloads of up to
// MaxDirect bytes (every real token: a few hundred bytes) this package
// computes that output itself:
//
//   - LZ77 with hash chains over 4-byte hashes (17 bits), lazy matching with
//     the level-6 limits (lazy 16, nice 128, chain 128), matches of at least
//     4 bytes, and 4-byte matches only within 4096 bytes;
//   - one block, followed by an empty final stored block (what Close writes);
//   - the block type with the smallest bit count among fixed Huffman, dynamic
//     Huffman and stored, with ties going to fixed, then to Huffman over
//     stored, counted as compress/flate counts them;
//   - dynamic codes of at most 15 bits (7 for the code-length code) from the
//     boundary package-merge construction, with equal frequencies ordered by
//     symbol, and the code lengths run-length coded as compress/flate does.
//
// Longer payloads, and any internal state the direct path does not expect,
// go to compress/flate itself, so the output is always the Go compressor's.
// TestMatchesCompressFlate and FuzzMatchesCompressFlate compare the two.
package gozlib

import (
	"compress/flate"
	"encoding/binary"
	"sync"

	"github.com/tokencheck/tokencheck/internal/adler32"
)

// MaxDirect is the longest payload compressed by this package's own encoder;
// longer ones are compressed by compress/flate. Up to this size a stream has
// fewer symbols than compress/flate's block limit and fits in one window, so
// it is one block whose matches may reach back to the start.
const MaxDirect = 1<<14 - 1

// header is the zlib header compress/zlib writes at the default level:
// deflate with a 32 KiB window (78), level class "default" (9C).
var header = [2]byte{0x78, 0x9c}

// AppendCompress appends to dst the zlib stream that compress/zlib's
// NewWriter writes for data (one Write, then Close) and returns the extended
// slice.
func AppendCompress(dst, data []byte) []byte {
	dst = append(dst, header[0], header[1])
	if len(data) <= MaxDirect {
		e := encoders.Get().(*encoder)
		out, ok := e.deflate(dst, data)
		encoders.Put(e)
		if ok {
			return binary.BigEndian.AppendUint32(out, adler32.Checksum(data))
		}
		// Start again after the header, in whatever buffer out grew into.
		dst = out[:len(dst)]
	}
	dst = appendStdlib(dst, data)
	return binary.BigEndian.AppendUint32(dst, adler32.Checksum(data))
}

var encoders = sync.Pool{New: func() any { return new(encoder) }}

// stdlibWriter is a pooled compress/flate writer appending to a slice.
type stdlibWriter struct {
	fw  *flate.Writer
	out sliceWriter
}

// sliceWriter appends to a byte slice; it never fails.
type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

var stdlibWriters = sync.Pool{New: func() any {
	w := &stdlibWriter{}
	// The default level is in range: NewWriter cannot fail.
	w.fw, _ = flate.NewWriter(&w.out, flate.DefaultCompression)
	return w
}}

// appendStdlib appends the raw DEFLATE stream compress/flate writes for data.
func appendStdlib(dst, data []byte) []byte {
	w := stdlibWriters.Get().(*stdlibWriter)
	w.out.b = dst
	w.fw.Reset(&w.out)
	// Writes to a sliceWriter cannot fail, so neither can Write or Close.
	_, _ = w.fw.Write(data)
	_ = w.fw.Close()
	dst = w.out.b
	w.out.b = nil
	stdlibWriters.Put(w)
	return dst
}
