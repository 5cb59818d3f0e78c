package verify_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/json"
	"hash"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// The benchmark vectors: a one-service 007 token, the six-service sample of
// the reference parse tool, and a 006 RTC token.
const (
	bench007     = "007-rtc-uid-zlib"
	bench007Big  = "007-parse-tool-sample"
	bench006     = "006-rtc-join-uid"
	benchVectors = "../../testdata/vectors/known-answers.json"
)

type benchInput struct {
	s, cert, channel, uid string
}

func loadBench(b testing.TB, id string) benchInput {
	b.Helper()
	ka, err := vectors.LoadKnownAnswers(benchVectors)
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range ka.Vectors {
		if v.ID != id {
			continue
		}
		in := benchInput{s: v.Expected}
		switch v.Format {
		case "007":
			var i vectors.Inputs007
			if err := json.Unmarshal(v.Inputs, &i); err != nil {
				b.Fatal(err)
			}
			in.cert = i.Cert
		case "006":
			var i vectors.Inputs006
			if err := json.Unmarshal(v.Inputs, &i); err != nil {
				b.Fatal(err)
			}
			_, in.channel, in.uid = i.Model()
			in.cert = i.Cert
		}
		return in
	}
	b.Fatalf("vector %s not found", id)
	return benchInput{}
}

// floorHMAC is HMAC-SHA256 for a key of at most 64 bytes written as tightly
// as the standard library allows: the padded key and the message are laid out
// in one stack buffer each, the message buffer the smallest that holds it,
// the pads XORed a word at a time, hashed with sha256.Sum256 (no hash.Hash
// interface, no allocation). msg must be at most 448 bytes.
func floorHMAC(key, msg []byte) [32]byte {
	var out [64 + 32]byte
	copy(out[:], key)
	floorPad(out[:64], 0x5c5c5c5c5c5c5c5c)
	// ipad ‖ msg in the smallest buffer that holds it: clearing a larger
	// one costs more than hashing a short message.
	var inner [32]byte
	switch {
	case len(msg) <= 64:
		var in [64 + 64]byte
		inner = floorInner(in[:], key, msg)
	case len(msg) <= 192:
		var in [64 + 192]byte
		inner = floorInner(in[:], key, msg)
	default:
		var in [64 + 448]byte
		inner = floorInner(in[:], key, msg)
	}
	copy(out[64:], inner[:])
	return sha256.Sum256(out[:])
}

func floorInner(buf, key, msg []byte) [32]byte {
	copy(buf, key)
	floorPad(buf[:64], 0x3636363636363636)
	n := copy(buf[64:], msg)
	return sha256.Sum256(buf[:64+n])
}

// floorPad XORs a 64-byte key block with a pad byte, a word at a time.
func floorPad(b []byte, pad uint64) {
	for i := 0; i < 64; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^pad)
	}
}

// floor006 is a 006 check reduced to its cryptography: the certificate's
// inner and outer hash states are computed once (as a keyring can), so each
// check costs the message blocks and one outer block. The message is gathered
// in heap scratch space owned by the floor, so nothing allocates per check.
type floor006 struct {
	inner, outer []byte
	h            hash.Hash
	u            encoding.BinaryUnmarshaler
	buf          [256]byte
	sum          [32]byte
}

func newFloor006(cert string) *floor006 {
	var ipad, opad [64]byte
	copy(ipad[:], cert)
	copy(opad[:], cert)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	f := &floor006{h: sha256.New()}
	f.u = f.h.(encoding.BinaryUnmarshaler)
	f.h.Write(ipad[:])
	f.inner, _ = f.h.(encoding.BinaryMarshaler).MarshalBinary()
	f.h.Reset()
	f.h.Write(opad[:])
	f.outer, _ = f.h.(encoding.BinaryMarshaler).MarshalBinary()
	return f
}

func (f *floor006) sum256(appID, channel, uid string, msg []byte) [32]byte {
	_ = f.u.UnmarshalBinary(f.inner)
	b := append(append(append(append(f.buf[:0], appID...), channel...), uid...), msg...)
	f.h.Write(b)
	inner := f.h.Sum(f.sum[:0])
	_ = f.u.UnmarshalBinary(f.outer)
	f.h.Write(inner)
	return [32]byte(f.h.Sum(f.sum[:0]))
}

// BenchmarkFloor007 is the cryptography of one 007 signature check and
// nothing else: three HMAC-SHA256 (K1 over the certificate, K2 over K1, the
// signature over the signing info) on already-decoded inputs.
func BenchmarkFloor007(b *testing.B) {
	for _, id := range []string{bench007, bench007Big} {
		in := loadBench(b, id)
		tok, err := decode.Parse(in.s)
		if err != nil {
			b.Fatal(err)
		}
		t := tok.T007
		cert := []byte(in.cert)
		if len(t.SigningInfo) > 448 {
			b.Fatal("signing info too long for the floor buffer")
		}
		want := [32]byte(t.Signature)
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var k [4]byte
				binary.LittleEndian.PutUint32(k[:], t.IssueTs)
				k1 := floorHMAC(k[:], cert)
				binary.LittleEndian.PutUint32(k[:], t.Salt)
				k2 := floorHMAC(k[:], k1[:])
				if floorHMAC(k2[:], t.SigningInfo) != want {
					b.Fatal("floor signature differs")
				}
			}
		})
	}
}

// BenchmarkFloor006 is the cryptography of one 006 signature check: one
// HMAC-SHA256 keyed by the certificate, with the certificate's padded-key
// states precomputed.
func BenchmarkFloor006(b *testing.B) {
	in := loadBench(b, bench006)
	tok, err := decode.Parse(in.s)
	if err != nil {
		b.Fatal(err)
	}
	t := tok.T006
	f := newFloor006(in.cert)
	want := [32]byte(t.Signature)
	b.Run(bench006, func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if f.sum256(t.AppID, in.channel, in.uid, t.Message) != want {
				b.Fatal("floor signature differs")
			}
		}
	})
}

// BenchmarkSignature007 is verify.Signature007 alone (the cryptography with
// the package's own HMAC plumbing).
func BenchmarkSignature007(b *testing.B) {
	for _, id := range []string{bench007, bench007Big} {
		in := loadBench(b, id)
		tok, err := decode.Parse(in.s)
		if err != nil {
			b.Fatal(err)
		}
		t := tok.T007
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sig := verify.Signature007(in.cert, t.IssueTs, t.Salt, t.SigningInfo)
				if !hmac.Equal(sig[:], t.Signature) {
					b.Fatal("signature differs")
				}
			}
		})
	}
}

// BenchmarkVerify007 decodes a 007 token and checks its signature: through
// the reusing API (ParseInto + CertKey, the audit hot path) and through the
// plain one (Parse + Signature007).
func BenchmarkVerify007(b *testing.B) {
	for _, id := range []string{bench007, bench007Big} {
		in := loadBench(b, id)
		b.Run(id+"/CertKey", func(b *testing.B) {
			b.ReportAllocs()
			key := verify.NewCertKey(in.cert)
			var tok token.Token
			for b.Loop() {
				if err := decode.ParseInto(in.s, &tok); err != nil {
					b.Fatal(err)
				}
				if !key.Verify007(tok.T007) {
					b.Fatal("signature invalid")
				}
			}
		})
		b.Run(id+"/Parse", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tok, err := decode.Parse(in.s)
				if err != nil {
					b.Fatal(err)
				}
				t := tok.T007
				sig := verify.Signature007(in.cert, t.IssueTs, t.Salt, t.SigningInfo)
				if !hmac.Equal(sig[:], t.Signature) {
					b.Fatal("signature invalid")
				}
			}
		})
	}
}

// BenchmarkVerify006 decodes a 006 token and checks its signature for the
// channel and uid it was built for.
func BenchmarkVerify006(b *testing.B) {
	in := loadBench(b, bench006)
	b.Run(bench006+"/CertKey", func(b *testing.B) {
		b.ReportAllocs()
		key := verify.NewCertKey(in.cert)
		var tok token.Token
		for b.Loop() {
			if err := decode.ParseInto(in.s, &tok); err != nil {
				b.Fatal(err)
			}
			if !key.Verify006(tok.T006, in.channel, in.uid) {
				b.Fatal("signature invalid")
			}
		}
	})
	b.Run(bench006+"/Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			tok, err := decode.Parse(in.s)
			if err != nil {
				b.Fatal(err)
			}
			t := tok.T006
			sig := verify.Signature006(in.cert, t.AppID, in.channel, in.uid, t.Message)
			if !hmac.Equal(sig[:], t.Signature) {
				b.Fatal("signature invalid")
			}
		}
	})
}

// BenchmarkInspect007 is the full check behind `tokencheck verify`: repairs,
// decode, signature, identity and time rules, findings and verdict.
func BenchmarkInspect007(b *testing.B) {
	for _, id := range []string{bench007, bench007Big} {
		in := loadBench(b, id)
		exp := &verify.Expectations{Certificates: []verify.Certificate{{Label: "primary", Value: in.cert}}}
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := verify.Inspect(in.s, exp); r.Signature != verify.SigValid {
					b.Fatal(r.Findings)
				}
			}
		})
	}
}
