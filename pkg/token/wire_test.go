package token

import (
	"errors"
	"testing"
)

// TestReaderHappyPathDoesNotAllocate: reading counts and byte strings must
// not allocate; the derived field names (".count", ".length") were built on
// every call, one allocation per record of a 65,000-record token.
func TestReaderHappyPathDoesNotAllocate(t *testing.T) {
	buf := []byte{2, 0, 'h', 'i', 1, 0, 7, 0}
	allocs := testing.AllocsPerRun(100, func() {
		r := NewReader(buf, "payload")
		if b, err := r.Bytes16(".channel"); err != nil || string(b) != "hi" {
			t.Fatalf("Bytes16: %q %v", b, err)
		}
		if n, err := r.Count16(".privileges", 2); err != nil || n != 1 {
			t.Fatalf("Count16: %d %v", n, err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%.0f allocations per read, want 0", allocs)
	}
}

// TestReaderShortNames: the error path still names the length or count.
func TestReaderShortNames(t *testing.T) {
	for _, tc := range []struct {
		read  func(r *Reader) error
		field string
	}{
		{func(r *Reader) error { _, err := r.Bytes16("x"); return err }, "x.length"},
		{func(r *Reader) error { _, err := r.Count16("y", 2); return err }, "y.count"},
	} {
		err := tc.read(NewReader([]byte{1}, "payload"))
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Field != tc.field || pe.Offset != 0 || !errors.Is(err, ErrTruncated) {
			t.Fatalf("error %v, want truncated at byte 0 of %s", err, tc.field)
		}
	}
}

// TestReaderLengthMessages: a declared length is compared with the bytes
// that follow its 2-byte prefix, and counts are singular for one.
func TestReaderLengthMessages(t *testing.T) {
	for _, tc := range []struct {
		buf  []byte
		want string
	}{
		{[]byte{2, 0, 'a'}, "payload byte 0 (x): length 2 exceeds the 1 byte left: truncated"},
		{[]byte{9, 0, 'a', 'b', 'c'}, "payload byte 0 (x): length 9 exceeds the 3 bytes left: truncated"},
		{[]byte{1, 0}, "payload byte 0 (x): length 1 exceeds the 0 bytes left: truncated"},
	} {
		_, err := NewReader(tc.buf, "payload").Bytes16("x")
		if err == nil || err.Error() != tc.want {
			t.Errorf("% x: %v, want %q", tc.buf, err, tc.want)
		}
	}
	_, err := NewReader([]byte{1, 0, 0}, "payload").Count16("y", 2)
	if err == nil || err.Error() != "payload byte 0 (y): count 1 needs at least 2 bytes, 1 left: truncated" {
		t.Errorf("Count16: %v", err)
	}
}

// TestReaderSkip: Skip consumes exactly what is left or less, and nothing
// when asked for more (or a negative count).
func TestReaderSkip(t *testing.T) {
	r := NewReader([]byte{1, 2, 3, 4}, "payload")
	if !r.Skip(3) || r.Offset() != 3 {
		t.Fatalf("Skip(3): offset %d", r.Offset())
	}
	if r.Skip(2) || r.Skip(-1) || r.Offset() != 3 {
		t.Fatalf("Skip past the end or backwards moved to %d", r.Offset())
	}
	if !r.Skip(1) || r.Len() != 0 {
		t.Fatalf("Skip(1): %d left", r.Len())
	}
}
