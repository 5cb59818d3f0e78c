package encode_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"math/rand/v2"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/encode"
)

// TestString007MatchesCompressZlib checks that String007 (package gozlib's
// encoder for token-sized payloads, a pooled compress/flate writer for
// larger ones) writes exactly what a fresh compress/zlib writer at the
// default level writes, over a sequence of payloads that mixes token-sized
// inputs (random, repetitive, token-like) with inputs large enough to slide
// the window, so that stale state between calls would change the output.
func TestString007MatchesCompressZlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	gen := func(n int, kind int) []byte {
		b := make([]byte, n)
		switch kind {
		case 0: // random
			for i := range b {
				b[i] = byte(rng.UintN(256))
			}
		case 1: // small alphabet: many matches, lazy matching
			for i := range b {
				b[i] = "ab0c1"[rng.UintN(5)]
			}
		default: // token-like: repeated fields with changes
			base := []byte("2000970CA35de60c44645bbae8a215061b33\x00\x01\x02channel-7d72365eb9834853uid2882341273")
			for i := range b {
				b[i] = base[(i*7/5)%len(base)]
				if rng.UintN(16) == 0 {
					b[i] = byte(rng.UintN(256))
				}
			}
		}
		return b
	}
	sizes := []int{0, 1, 3, 4, 5, 31, 138, 300, 1000, 4096, 40000, 70000, 150000, 65536, 200, 17}
	var inputs [][]byte
	for round := 0; round < 4; round++ {
		for _, n := range sizes {
			inputs = append(inputs, gen(n, int(rng.UintN(3))))
		}
		for i := 0; i < 150; i++ {
			inputs = append(inputs, gen(int(rng.UintN(600)), int(rng.UintN(3))))
		}
	}
	for i, p := range inputs {
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		if _, err := w.Write(p); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		want := "007" + base64.StdEncoding.EncodeToString(z.Bytes())
		if got := encode.String007(p); got != want {
			t.Fatalf("input %d (%d bytes): String007 differs from compress/zlib", i, len(p))
		}
	}
}
