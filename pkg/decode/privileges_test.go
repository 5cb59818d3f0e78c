package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// privilegeMap encodes a map16<u32> with the given keys.
func privilegeMap(keys []uint16) []byte {
	b := binary.LittleEndian.AppendUint16(nil, uint16(len(keys)))
	for _, k := range keys {
		b = binary.LittleEndian.AppendUint16(b, k)
		b = binary.LittleEndian.AppendUint32(b, 600)
	}
	return b
}

// TestReadPrivilegesRepeat covers both repeat checks (the short quadratic
// one and the bitset beyond 16 entries): the first repeated entry is named
// with its offset, and a full map of 65535 distinct keys is accepted. The
// large cases were quadratic before (a 87 KB token took 0.3 s); see
// BenchmarkHostile in package fuzz for the speed.
func TestReadPrivilegesRepeat(t *testing.T) {
	seq := func(n int) []uint16 {
		k := make([]uint16, n)
		for i := range k {
			k[i] = uint16(i * 7)
		}
		return k
	}
	// The largest map a count can declare, keys descending.
	all := make([]uint16, 0xFFFF)
	for i := range all {
		all[i] = uint16(0xFFFF - i)
	}
	for _, tc := range []struct {
		keys   []uint16
		repeat int // index of the first repeat, -1 for none
	}{
		{seq(1), -1},
		{seq(16), -1},
		{append(seq(15), 7*14), 15},
		{seq(17), -1},
		{append(seq(17), 0), 17},
		{append(seq(4000), 7*3999), 4000},
		{append(append(seq(3), 7), seq(100)...), 3},
		{all, -1},
	} {
		t.Run(fmt.Sprintf("%d-keys-repeat-%d", len(tc.keys), tc.repeat), func(t *testing.T) {
			r := token.NewReader(privilegeMap(tc.keys), "payload")
			p, err := readPrivileges(r)
			if tc.repeat < 0 {
				if err != nil || len(p) != len(tc.keys) {
					t.Fatalf("got %d entries, error %v", len(p), err)
				}
				return
			}
			var pe *token.ParseError
			if p != nil || !errors.As(err, &pe) || !errors.Is(err, token.ErrMalformed) {
				t.Fatalf("got %d entries, error %v; want malformed", len(p), err)
			}
			if want := 2 + 6*tc.repeat; pe.Offset != want || pe.Field != fmt.Sprintf(".privileges[%d].id", tc.repeat) {
				t.Fatalf("error at %d (%s), want %d (.privileges[%d].id)", pe.Offset, pe.Field, want, tc.repeat)
			}
		})
	}
}

// TestReadPrivilegesOverLimit: maps declaring more entries than MaxEntries
// in all are refused as too large before the keys of the one that passes
// the limit are read.
func TestReadPrivilegesOverLimit(t *testing.T) {
	keys := make([]uint16, token.MaxEntries/2+1)
	for i := range keys {
		keys[i] = uint16(i)
	}
	m := privilegeMap(keys)
	r := token.NewReader(append(append([]byte(nil), m...), m...), "payload")
	if p, err := readPrivileges(r); err != nil || len(p) != len(keys) {
		t.Fatalf("first map: %d entries, error %v; want %d", len(p), err, len(keys))
	}
	if p, err := readPrivileges(r); p != nil || !errors.Is(err, token.ErrTooLarge) {
		t.Fatalf("second map: %d entries, error %v; want too large", len(p), err)
	}
}
