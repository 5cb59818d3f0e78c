package legacy

import "strconv"

func itoa(i int) string { return strconv.Itoa(i) }

// quote quotes s for an error message, shortening it to keep messages small
// whatever the input.
func quote(s string) string {
	const max = 24
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
