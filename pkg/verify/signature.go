package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash/crc32"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Signature007 computes the AccessToken2 signature: K1 = HMAC(u32(issueTs),
// cert), K2 = HMAC(u32(salt), K1), signature = HMAC(K2, signingInfo). The
// certificate enters as its text.
func Signature007(cert string, issueTs, salt uint32, signingInfo []byte) [32]byte {
	var k [4]byte
	binary.LittleEndian.PutUint32(k[:], issueTs)
	m := hmac.New(sha256.New, k[:])
	m.Write([]byte(cert))
	var k1 [32]byte
	m.Sum(k1[:0])
	binary.LittleEndian.PutUint32(k[:], salt)
	m = hmac.New(sha256.New, k[:])
	m.Write(k1[:])
	var k2 [32]byte
	m.Sum(k2[:0])
	m = hmac.New(sha256.New, k2[:])
	m.Write(signingInfo)
	var sig [32]byte
	m.Sum(sig[:0])
	return sig
}

// Signature006 computes the AccessToken signature:
// HMAC-SHA256(cert, appID ‖ channel ‖ uid ‖ message).
func Signature006(cert, appID, channel, uid string, message []byte) [32]byte {
	m := hmac.New(sha256.New, []byte(cert))
	m.Write([]byte(appID))
	m.Write([]byte(channel))
	m.Write([]byte(uid))
	m.Write(message)
	var sig [32]byte
	m.Sum(sig[:0])
	return sig
}

// CRC32 is the CRC-32 (IEEE) 006 stores for the channel name and uid text.
func CRC32(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }

// CertKey is a certificate prepared for repeated checks (stub).
type CertKey struct{ cert string }

// NewCertKey prepares cert.
func NewCertKey(cert string) *CertKey { return &CertKey{cert} }

// Verify007 checks a decoded 007 token's signature.
func (k *CertKey) Verify007(t *token.Token007) bool {
	s := Signature007(k.cert, t.IssueTs, t.Salt, t.SigningInfo)
	return hmac.Equal(s[:], t.Signature)
}

// Verify006 checks a decoded 006 token's signature.
func (k *CertKey) Verify006(t *token.Token006, channel, uid string) bool {
	s := Signature006(k.cert, t.AppID, channel, uid, t.Message)
	return hmac.Equal(s[:], t.Signature)
}
