package token

import "testing"

func TestFinerTimeUnit(t *testing.T) {
	cases := []struct {
		n       uint64
		unit    string
		seconds uint64
	}{
		{0, "", 0},
		{1700000000, "", 0},         // seconds already
		{MaxUnixSeconds, "", 0},     // the last second the fields hold
		{MaxUnixSeconds + 1, "", 0}, // too large, but no clock's unit
		{999_999_999_999, "", 0},    // milliseconds of 2001-09-09, a second early
		{1_000_000_000_000, "milliseconds", 1_000_000_000},
		{1_700_000_000_000, "milliseconds", 1_700_000_000},
		{1_700_000_000_999, "milliseconds", 1_700_000_000},
		{4_294_967_295_999, "milliseconds", MaxUnixSeconds},
		{4_294_967_296_000, "", 0},  // milliseconds after 2106
		{99_999_999_999_999, "", 0}, // between the units
		{1_700_000_000_000_000, "microseconds", 1_700_000_000},
		{4_294_967_295_999_999, "microseconds", MaxUnixSeconds},
		{4_294_967_296_000_000, "", 0},
		{1_700_000_000_000_000_000, "nanoseconds", 1_700_000_000},
		{4_294_967_295_999_999_999, "nanoseconds", MaxUnixSeconds},
		{4_294_967_296_000_000_000, "", 0},
		{1<<64 - 1, "", 0},
	}
	for _, c := range cases {
		unit, s, ok := FinerTimeUnit(c.n)
		if unit != c.unit || s != c.seconds || ok != (c.unit != "") {
			t.Errorf("FinerTimeUnit(%d) = %q, %d, %v; want %q, %d", c.n, unit, s, ok, c.unit, c.seconds)
		}
	}
}
