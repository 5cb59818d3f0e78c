package encode

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"testing"
)

// TestEncodeBase64 holds encodeBase64 to base64.StdEncoding for every length
// up to 300 and random contents.
func TestEncodeBase64(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 300; n++ {
		for range 20 {
			src := make([]byte, n)
			for i := range src {
				src[i] = byte(r.Uint32())
			}
			checkBase64(t, src)
		}
	}
	checkBase64(t, bytes.Repeat([]byte{0xff}, 1000))
	checkBase64(t, make([]byte, 1001))
}

func checkBase64(t *testing.T, src []byte) {
	t.Helper()
	want := base64.StdEncoding.EncodeToString(src)
	got := make([]byte, base64.StdEncoding.EncodedLen(len(src)))
	encodeBase64(got, src)
	if string(got) != want {
		t.Fatalf("encodeBase64(%x) = %s, want %s", src, got, want)
	}
}

// FuzzEncodeBase64 holds encodeBase64 to base64.StdEncoding.
func FuzzEncodeBase64(f *testing.F) {
	f.Add([]byte("007 token payload"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, src []byte) {
		checkBase64(t, src)
	})
}

func BenchmarkEncodeBase64(b *testing.B) {
	src := make([]byte, 200)
	for i := range src {
		src[i] = byte(i * 7)
	}
	dst := make([]byte, base64.StdEncoding.EncodedLen(len(src)))
	b.Run("encodeBase64", func(b *testing.B) {
		for b.Loop() {
			encodeBase64(dst, src)
		}
	})
	b.Run("encoding-base64", func(b *testing.B) {
		for b.Loop() {
			base64.StdEncoding.Encode(dst, src)
		}
	})
}
