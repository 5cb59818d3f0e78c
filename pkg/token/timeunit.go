package token

// MaxUnixSeconds is the last unix time, in seconds, that the 32-bit time
// fields of the token formats hold (2106-02-07T06:28:15Z).
const MaxUnixSeconds = 1<<32 - 1

// FinerTimeUnit says whether n, given where a unix time in seconds belongs
// and too large for the 32-bit time fields of the tokens, reads as a unix
// time in a finer unit that a clock API returns: milliseconds (Date.now(),
// System.currentTimeMillis()), microseconds or nanoseconds (time.Now().
// UnixNano()) of September 2001 or later. It returns the unit's name and n
// in whole seconds; it reports false when those seconds would not fit the
// 32-bit fields either, or when n is below 10^12 (a time before 2001 in any
// of the units, or a number far from any clock).
func FinerTimeUnit(n uint64) (unit string, seconds uint64, ok bool) {
	for _, u := range [...]struct {
		name string
		per  uint64 // units per second
	}{{"milliseconds", 1e3}, {"microseconds", 1e6}, {"nanoseconds", 1e9}} {
		if s := n / u.per; n >= 1e9*u.per && s <= MaxUnixSeconds {
			return u.name, s, true
		}
	}
	return "", 0, false
}
