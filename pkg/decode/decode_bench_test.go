package decode_test

import (
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// benchVector returns the expected string of a known-answer vector.
func benchVector(b *testing.B, id string) string {
	b.Helper()
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range ka.Vectors {
		if v.ID == id {
			return v.Expected
		}
	}
	b.Fatalf("vector %s not found", id)
	return ""
}

// BenchmarkDecode007 decodes a 007 token (base64, inflate, payload) through
// the allocating API (Parse) and the reusing one (ParseInto).
func BenchmarkDecode007(b *testing.B) {
	for _, id := range []string{"007-rtc-uid-zlib", "007-parse-tool-sample"} {
		s := benchVector(b, id)
		b.Run(id+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decode.Parse(s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(id+"/ParseInto", func(b *testing.B) {
			b.ReportAllocs()
			var tok token.Token
			for b.Loop() {
				if err := decode.ParseInto(s, &tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecode006 decodes a 006 token.
func BenchmarkDecode006(b *testing.B) {
	s := benchVector(b, "006-rtc-join-uid")
	b.Run("006-rtc-join-uid/Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decode.Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("006-rtc-join-uid/ParseInto", func(b *testing.B) {
		b.ReportAllocs()
		var tok token.Token
		for b.Loop() {
			if err := decode.ParseInto(s, &tok); err != nil {
				b.Fatal(err)
			}
		}
	})
}
