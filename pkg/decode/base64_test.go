package decode

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestDecodeBase64IntoMatches requires the one-pass decoder to give what
// the validating decoder gives (data, non-canonical flag, located error) on
// canonical, non-canonical and damaged base64 of every length up to 400,
// into buffers too small and large enough.
func TestDecodeBase64IntoMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < 20000; i++ {
		p := make([]byte, rng.IntN(300))
		for j := range p {
			p[j] = byte(rng.UintN(256))
		}
		s := []byte(base64.StdEncoding.EncodeToString(p))
		switch rng.IntN(6) {
		case 0: // a character outside the alphabet
			if len(s) > 0 {
				s[rng.IntN(len(s))] = byte(rng.UintN(256))
			}
		case 1: // another alphabet character (non-canonical tails included)
			if len(s) > 0 {
				s[rng.IntN(len(s))] = alphabet[rng.IntN(64)]
			}
		case 2: // cut short
			s = s[:rng.IntN(len(s)+1)]
		case 3: // padding in the middle
			if len(s) > 0 {
				s[rng.IntN(len(s))] = '='
			}
		}
		var dst []byte
		if rng.IntN(2) == 0 {
			dst = make([]byte, 0, rng.IntN(400))
		}
		got, gotNon, gotErr := decodeBase64Into(dst, string(s), 3, "body")
		want, wantNon, wantErr := decodeBase64(string(s), 3, "body")
		if !reflect.DeepEqual(gotErr, wantErr) {
			t.Fatalf("%q: error %v, want %v", s, gotErr, wantErr)
		}
		if gotErr == nil && (!bytes.Equal(got, want) || gotNon != wantNon) {
			t.Fatalf("%q: got %x (non-canonical %v), want %x (%v)", s, got, gotNon, want, wantNon)
		}
	}
}

// BenchmarkBase64Into is the base64 layer of the six-service benchmark
// vector alone.
func BenchmarkBase64Into(b *testing.B) {
	s := benchVectorInternal(b, "007-parse-tool-sample")[3:]
	dst := make([]byte, 0, len(s))
	for b.Loop() {
		if _, _, err := decodeBase64Into(dst, s, 3, "body"); err != nil {
			b.Fatal(err)
		}
	}
}
