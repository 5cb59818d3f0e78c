package encode_test

import (
	"encoding/json"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

func benchKA(b *testing.B, id string) vectors.KnownAnswer {
	b.Helper()
	ka, err := vectors.LoadKnownAnswers(knownAnswersPath)
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range ka.Vectors {
		if v.ID == id {
			return v
		}
	}
	b.Fatalf("vector %s not found", id)
	return vectors.KnownAnswer{}
}

// BenchmarkBuild007 builds a 007 token from the model: serialise, sign
// (three HMAC-SHA256), compress with Go's zlib and base64-encode.
func BenchmarkBuild007(b *testing.B) {
	for _, id := range []string{"007-rtc-uid-zlib", "007-parse-tool-sample"} {
		v := benchKA(b, id)
		var in vectors.Inputs007
		if err := json.Unmarshal(v.Inputs, &in); err != nil {
			b.Fatal(err)
		}
		m, err := in.Model()
		if err != nil {
			b.Fatal(err)
		}
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encode.Token007(m, in.Cert); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBuild006 builds a 006 token from the model: serialise, sign
// (one HMAC-SHA256), CRC-32 the channel and uid, base64-encode.
func BenchmarkBuild006(b *testing.B) {
	v := benchKA(b, "006-rtc-join-uid")
	var in vectors.Inputs006
	if err := json.Unmarshal(v.Inputs, &in); err != nil {
		b.Fatal(err)
	}
	m, channel, uid := in.Model()
	b.Run("006-rtc-join-uid", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s, err := encode.Token006(m, in.Cert, channel, uid)
			if err != nil || s != v.Expected {
				b.Fatal(err)
			}
		}
	})
}
