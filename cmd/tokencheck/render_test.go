package main

import (
	"strings"
	"testing"
)

// TestCompressorMeaning: only a compressor confirmed by re-compression is
// said to reproduce the string; a framing family never is (Dart's level-6
// stream under header 78 01 is not zlib at level 0-1).
func TestCompressorMeaning(t *testing.T) {
	const exactly = "reproduces the string exactly"
	cases := []struct {
		c     string
		exact bool
		want  string
	}{
		{"go", true, exactly},
		{"zlib", true, exactly},
		{"zlib-level-1", true, "C zlib at level 1 (re-compression " + exactly},
		{"go", false, "does not give this string"},
		{"zlib-level-0-1", false, "Dart builder"},
		{"stored", false, "uncompressed"},
		{"zlib-compatible", false, "neither Go nor C zlib"},
		{"zlib-other-level", false, "non-default level"},
	}
	for _, c := range cases {
		got := compressorMeaning(c.c, c.exact)
		if !strings.Contains(got, c.want) {
			t.Errorf("%s exact=%v: %q, want it to say %q", c.c, c.exact, got, c.want)
		}
		if !c.exact && strings.Contains(got, exactly) {
			t.Errorf("%s, a framing family: %q claims an exact match", c.c, got)
		}
	}
}
