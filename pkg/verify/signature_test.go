package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

func refHMAC(key []byte, msg ...[]byte) [32]byte {
	m := hmac.New(sha256.New, key)
	for _, b := range msg {
		m.Write(b)
	}
	return [32]byte(m.Sum(nil))
}

// TestHMACMatchesCryptoHMAC checks the hand-written HMAC, Signature007 and
// the prepared 006 keys against crypto/hmac over keys and messages of every
// length class (short, one block, over a block, over the stack buffer).
func TestHMACMatchesCryptoHMAC(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	bytesOf := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	for _, kl := range []int{0, 1, 4, 32, 63, 64, 65, 200} {
		for _, ml := range []int{0, 1, 32, 55, 56, 64, 119, 120, 300, 511, 512, 513, 2000} {
			key, msg := bytesOf(kl), bytesOf(ml)
			if got, want := hmacSHA256(key, msg), refHMAC(key, msg); got != want {
				t.Fatalf("hmac key %d msg %d: %x, want %x", kl, ml, got, want)
			}
			cert := string(key)
			ts, salt := rng.Uint32(), rng.Uint32()
			var k4 [4]byte
			binary.LittleEndian.PutUint32(k4[:], ts)
			k1 := refHMAC(k4[:], []byte(cert))
			binary.LittleEndian.PutUint32(k4[:], salt)
			k2 := refHMAC(k4[:], k1[:])
			if got, want := Signature007(cert, ts, salt, msg), refHMAC(k2[:], msg); got != want {
				t.Fatalf("Signature007 cert %d info %d differs", kl, ml)
			}
			app, ch, uid := string(bytesOf(32)), string(bytesOf(ml/3)), string(bytesOf(10))
			want := refHMAC([]byte(cert), []byte(app), []byte(ch), []byte(uid), msg)
			if got := NewCertKey(cert).Signature006(app, ch, uid, msg); got != want {
				t.Fatalf("CertKey.Signature006 cert %d msg %d differs", kl, ml)
			}
			if got := Signature006(cert, app, ch, uid, msg); got != want {
				t.Fatalf("Signature006 cert %d msg %d differs", kl, ml)
			}
		}
	}
}
