package token

import (
	"encoding/binary"
	"strconv"
)

// Reader reads the little-endian wire encoding of the Agora formats from a byte
// slice. Every read is bounds-checked; a read that would run past the end returns a
// *ParseError naming the field and its byte offset, never panics and never allocates
// for a declared length before checking it against the bytes left.
type Reader struct {
	buf   []byte
	off   int
	layer string
	// entries counts the list entries declared so far (Count16), against
	// MaxEntries.
	entries int
}

// NewReader returns a Reader over b; layer names the byte layer in errors.
func NewReader(b []byte, layer string) *Reader { return &Reader{buf: b, layer: layer} }

// Offset is the position of the next read.
func (r *Reader) Offset() int { return r.off }

// Len is the number of unread bytes.
func (r *Reader) Len() int { return len(r.buf) - r.off }

// Rest returns the unread bytes without consuming them.
func (r *Reader) Rest() []byte { return r.buf[r.off:] }

// Layer names the byte layer this Reader reads.
func (r *Reader) Layer() string { return r.layer }

func (r *Reader) short(field string, need int) error {
	return Errorf(r.layer, r.off, field, ErrTruncated, "needs %d bytes, %d left", need, r.Len())
}

// U16 reads a little-endian uint16.
func (r *Reader) U16(field string) (uint16, error) {
	if r.Len() < 2 {
		return 0, r.short(field, 2)
	}
	v := binary.LittleEndian.Uint16(r.buf[r.off:])
	r.off += 2
	return v, nil
}

// u16 reads a little-endian uint16 if two bytes are left. Bytes16 and
// Count16 use it so that the field names they derive (".length", ".count")
// are built only on the error path: a token of 65,000 tiny records must not
// cost 65,000 string allocations.
func (r *Reader) u16() (uint16, bool) {
	if r.Len() < 2 {
		return 0, false
	}
	v := binary.LittleEndian.Uint16(r.buf[r.off:])
	r.off += 2
	return v, true
}

// I16 reads a little-endian two's complement int16.
func (r *Reader) I16(field string) (int16, error) {
	v, err := r.U16(field)
	return int16(v), err
}

// U32 reads a little-endian uint32.
func (r *Reader) U32(field string) (uint32, error) {
	if r.Len() < 4 {
		return 0, r.short(field, 4)
	}
	v := binary.LittleEndian.Uint32(r.buf[r.off:])
	r.off += 4
	return v, nil
}

// Bytes16 reads a uint16 length and that many bytes. The result aliases the
// Reader's buffer.
func (r *Reader) Bytes16(field string) ([]byte, error) {
	start := r.off
	n, ok := r.u16()
	if !ok {
		return nil, r.short(field+".length", 2)
	}
	if left := r.Len(); int(n) > left {
		r.off = start
		return nil, Errorf(r.layer, start, field, ErrTruncated, "length %d exceeds the %s left", n, Plural(left, "byte"))
	}
	b := r.buf[r.off : r.off+int(n)]
	r.off += int(n)
	return b, nil
}

// Skip consumes the next n bytes. It reports false, consuming nothing, when
// fewer than n are left (or n is negative).
func (r *Reader) Skip(n int) bool {
	if n < 0 || n > r.Len() {
		return false
	}
	r.off += n
	return true
}

// String16 reads a bytes16 field as a string.
func (r *Reader) String16(field string) (string, error) {
	b, err := r.Bytes16(field)
	return string(b), err
}

// OpenCount16 reads the uint16 count of a list whose entries are read one at
// a time and which may end before the count is reached: a 007 token's
// services, where an unknown service type stops the reading. The count is
// not checked against the bytes left (reading left to right, the first
// problem is met in the entries), nor counted against MaxEntries (the 007
// services have their own bound, MaxServices).
func (r *Reader) OpenCount16(field string) (int, error) {
	n, ok := r.u16()
	if !ok {
		return 0, r.short(field+".count", 2)
	}
	return int(n), nil
}

// Count16 reads a uint16 entry count and checks that count entries of at least
// minEntry bytes each fit in the bytes left, so that callers can allocate for it.
func (r *Reader) Count16(field string, minEntry int) (int, error) {
	start := r.off
	n, ok := r.u16()
	if !ok {
		return 0, r.short(field+".count", 2)
	}
	if int(n)*minEntry > r.Len() {
		r.off = start
		return 0, Errorf(r.layer, start, field, ErrTruncated, "count %d needs at least %s, %d left", n, Plural(int(n)*minEntry, "byte"), r.Len()-2)
	}
	r.entries += int(n)
	if r.entries > MaxEntries {
		r.off = start
		return 0, Errorf(r.layer, start, field, ErrTooLarge, "count %d brings the entries declared to %d, more than the %d any real token holds", n, r.entries, MaxEntries)
	}
	return int(n), nil
}

// Writer appends the little-endian wire encoding to a byte slice.
// Lengths over 65535 are a caller error: Bytes16 and Count16 record the
// first such error instead of wrapping the length silently; check Err.
type Writer struct {
	Buf []byte
	err error
}

// Err returns the first length overflow met, as an *InputError.
func (w *Writer) Err() error { return w.err }

// U16 appends v.
func (w *Writer) U16(v uint16) { w.Buf = binary.LittleEndian.AppendUint16(w.Buf, v) }

// U32 appends v.
func (w *Writer) U32(v uint32) { w.Buf = binary.LittleEndian.AppendUint32(w.Buf, v) }

// Len16 appends a length or count, refusing values over 65535.
func (w *Writer) Len16(field string, n int) {
	if n > 0xFFFF && w.err == nil {
		w.err = &InputError{Field: field, Rule: "at most 65535 bytes or entries (uint16 length prefix)", Detail: "has " + strconv.Itoa(n)}
	}
	w.U16(uint16(n))
}

// Bytes16 appends a length-prefixed byte string.
func (w *Writer) Bytes16(field string, b []byte) {
	w.Len16(field, len(b))
	w.Buf = append(w.Buf, b...)
}

// String16 appends a length-prefixed string.
func (w *Writer) String16(field string, s string) {
	w.Len16(field, len(s))
	w.Buf = append(w.Buf, s...)
}
