package decode

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/tokencheck/tokencheck/internal/adler32"
	"github.com/tokencheck/tokencheck/pkg/token"
)

type inflater struct {
	src bytes.Reader
	r   io.ReadCloser
}

var inflaters = sync.Pool{New: func() any {
	f := &inflater{}
	f.r = flate.NewReader(&f.src)
	return f
}}

// tablePool holds the tables fastInflate builds for dynamic blocks.
var tablePool = sync.Pool{New: func() any { return new(inflateTables) }}

// scratch holds the per-call buffers of a decode that do not outlive it: the
// base64-decoded body and the inflated payload before it is copied out.
type scratch struct {
	b64, out []byte
}

var scratches = sync.Pool{New: func() any { return &scratch{} }}

func getScratch() *scratch  { return scratches.Get().(*scratch) }
func putScratch(s *scratch) { scratches.Put(s) }

// keepSmall returns b emptied for reuse when its capacity is small enough to
// keep pooled (real tokens are far under this), else old: one huge token does
// not pin its buffers in the pool.
func keepSmall(b, old []byte) []byte {
	if cap(b) <= 4096 {
		return b[:0]
	}
	return old
}

// inflateTo decodes exactly one complete zlib stream (RFC 1950) occupying all
// of data, refusing a preset dictionary, a wrong Adler-32, bytes after the
// stream, and an output larger than token.MaxPayloadSize. The output is
// appended to dst[:0], which grows only when too small; the decompressor is
// pooled and reset, never allocated per call. On an error inside the deflate
// data or after it (the checksum cut short or wrong, bytes after it), what
// inflated before the error is returned with it, for explaining a broken
// token; nothing is returned past the size limit.
func inflateTo(dst, data []byte) ([]byte, [2]byte, error) {
	var hdr [2]byte
	if len(data) < 2 {
		return nil, hdr, token.Errorf("zlib", 0, "header", token.ErrTruncated, "%s, a zlib stream needs at least 6", token.Plural(len(data), "byte"))
	}
	hdr = [2]byte{data[0], data[1]}
	cmf, flg := data[0], data[1]
	if cmf&0x0f != 8 || cmf>>4 > 7 {
		return nil, hdr, zlibHeaderError(cmf, flg)
	}
	if (uint16(cmf)<<8|uint16(flg))%31 != 0 {
		return nil, hdr, token.Errorf("zlib", 1, "header", token.ErrMalformed, "zlib header check bits wrong (%02x %02x)", cmf, flg)
	}
	if flg&0x20 != 0 {
		return nil, hdr, token.Errorf("zlib", 1, "header", token.ErrMalformed, "zlib preset dictionary is not allowed")
	}
	// The fast decoder's output is taken only for a stream that ends exactly
	// before a matching checksum; everything else, errors included, is
	// decoded (and located) by compress/flate below.
	// The fast decoder writes only within dst's capacity (at least 2 KiB, more
	// than a real token inflates to) and gives up past it, so a zlib bomb
	// costs it no allocation; compress/flate then grows the buffer as needed.
	if cap(dst) < 2048 {
		dst = make([]byte, 0, 2048)
	}
	if out, n, ok := fastInflate(nil, dst, data[2:], min(cap(dst), token.MaxPayloadSize)); ok && len(data)-2-n == 4 {
		rest := data[2+n:]
		if binary.BigEndian.Uint32(rest) == adler32.Checksum(out) {
			if out == nil {
				out = []byte{} // as the compress/flate path returns it
			}
			return out, hdr, nil
		}
	}
	f := inflaters.Get().(*inflater)
	defer inflaters.Put(f)
	f.src.Reset(data[2:])
	if err := f.r.(flate.Resetter).Reset(&f.src, nil); err != nil {
		return nil, hdr, token.Errorf("zlib", 2, "deflate", token.ErrMalformed, "%v", err)
	}
	out := dst[:0]
	for {
		if len(out) == cap(out) {
			if len(out) >= token.MaxPayloadSize {
				return nil, hdr, token.Errorf("zlib", 2, "deflate", token.ErrTooLarge, "inflated payload exceeds %d bytes", token.MaxPayloadSize)
			}
			grow := cap(out)*2 + 512
			if grow > token.MaxPayloadSize+1 {
				grow = token.MaxPayloadSize + 1
			}
			nb := make([]byte, len(out), grow)
			copy(nb, out)
			out = nb
		}
		n, err := f.r.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if len(out) > token.MaxPayloadSize {
			return nil, hdr, token.Errorf("zlib", 2, "deflate", token.ErrTooLarge, "inflated payload exceeds %d bytes", token.MaxPayloadSize)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			consumed := len(data) - 2 - f.src.Len()
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return out, hdr, token.Errorf("zlib", 2+consumed, "deflate", token.ErrTruncated, "zlib stream ends early (the token was cut short)")
			}
			var ce flate.CorruptInputError
			if errors.As(err, &ce) {
				// compress/flate counts from the start of the deflate
				// data: the zlib offset is 2 more, and its text
				// would give a second, different number.
				return out, hdr, token.Errorf("zlib", 2+int(ce), "deflate", token.ErrMalformed,
					"corrupt deflate data: invalid in the bits before this byte (%s inflated up to there)", token.Plural(len(out), "byte"))
			}
			return out, hdr, token.Errorf("zlib", 2+consumed, "deflate", token.ErrMalformed, "corrupt deflate data: %v", err)
		}
	}
	end := len(data) - f.src.Len()
	rest := data[end:]
	if len(rest) < 4 {
		return out, hdr, token.Errorf("zlib", end, "adler32", token.ErrTruncated, "zlib stream ends early: %d of 4 checksum bytes", len(rest))
	}
	want := uint32(rest[0])<<24 | uint32(rest[1])<<16 | uint32(rest[2])<<8 | uint32(rest[3])
	if got := adler32.Checksum(out); got != want {
		return out, hdr, token.Errorf("zlib", end, "adler32", token.ErrMalformed, "checksum %08x does not match the data (%08x)", want, got)
	}
	if len(rest) > 4 {
		return out, hdr, token.Errorf("zlib", end+4, "adler32", token.ErrTrailingData, "%s after the end of the zlib stream", token.Plural(len(rest)-4, "byte"))
	}
	return out, hdr, nil
}

// zlibHeaderError explains a first byte that starts no zlib stream: a gzip
// stream, a compression method other than deflate (the low nibble, 8), or a
// window size field (CINFO, the high nibble) above RFC 1950's 7.
func zlibHeaderError(cmf, flg byte) error {
	why := ""
	switch {
	case cmf == 0x1f && flg == 0x8b:
		why = ": a gzip stream, not zlib"
	case cmf == token.SigLength && flg == 0:
		why = ": the bytes start as an uncompressed payload does (signature length 32): the zlib layer is missing"
	case cmf&0x0f != 8:
		why = fmt.Sprintf(": compression method %d, not 8 (deflate)", cmf&0x0f)
	default:
		why = fmt.Sprintf(": window size field (CINFO) %d, above the 7 (32 KiB) RFC 1950 allows", cmf>>4)
	}
	return token.Errorf("zlib", 0, "header", token.ErrMalformed, "not a zlib stream (header %02x %02x; 007 payloads start with 78)%s", cmf, flg, why)
}

// compressorFamily tells, from the framing alone, which kind of compressor
// wrote a complete zlib stream (see token.Encoding.Compressor).
func compressorFamily(stream []byte) string {
	if len(stream) < 7 {
		return ""
	}
	first := stream[2]
	final, btype := first&1 == 1, first>>1&3
	deflate := stream[2 : len(stream)-4]
	switch {
	case bytes.HasSuffix(deflate, []byte{0x00, 0x00, 0xff, 0xff}) && !final:
		return "go"
	case btype == 0:
		return "stored"
	case stream[1] == 0x01:
		return "zlib-level-0-1"
	case stream[1] == 0x9c:
		return "zlib-compatible"
	}
	return "zlib-other-level"
}
