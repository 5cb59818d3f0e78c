package conform_test

import (
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/conform"
)

// TestCompareLengths: the lengths in difference messages agree in number.
func TestCompareLengths(t *testing.T) {
	cases := []struct {
		name      string
		got, want string
		payload   bool
		msg       string
	}{
		{"strings, one byte", "a", "b", false, "(strings of 1 byte and 1 byte)"},
		{"strings, empty", "", "ab", false, "(strings of 0 bytes and 2 bytes)"},
		{"strings, longer", "abc", "abd", false, "(strings of 3 bytes and 3 bytes)"},
		{"payloads, one byte", "\x01", "\x02\x03", true, "(payloads of 1 byte and 2 bytes)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var f *conform.Failure
			if c.payload {
				f = conform.ComparePayloads("answer", []byte(c.got), []byte(c.want))
			} else {
				f = conform.CompareStrings("answer", c.got, c.want)
			}
			if f == nil || !strings.Contains(f.Message, c.msg) {
				t.Errorf("%+v, want a message with %q", f, c.msg)
			}
		})
	}
}
