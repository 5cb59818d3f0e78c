package verify

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"hash"
	"hash/crc32"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// HMAC-SHA256 is written out here (RFC 2104) instead of going through
// crypto/hmac: hmac.New allocates two hash states and pads the key on every
// call, which cost more than the hashing itself for the short messages of
// the token formats. The results are identical, which the known-answer tests
// check.

const (
	blockSize = 64 // SHA-256 block size
	// stackMsg is the longest message hashed in a stack buffer with
	// sha256.Sum256; longer messages go through a pooled hash state.
	stackMsg = 512
)

// hmacSHA256 returns HMAC-SHA256(key, msg) for a key of at most 64 bytes
// (longer keys are hashed first, as RFC 2104 says). It does not allocate for
// messages up to stackMsg bytes.
func hmacSHA256(key, msg []byte) [32]byte {
	if len(key) > blockSize {
		k := sha256.Sum256(key)
		key = k[:]
	}
	var out [blockSize + 32]byte
	copy(out[:], key)
	xorPad(out[:blockSize], opadWord)
	var inner [32]byte
	// The buffer for ipad ‖ msg is sized to the message: clearing it costs
	// more than hashing the short messages of the 007 key derivation (a
	// certificate, a 32-byte key) and a typical signing info.
	if len(msg) <= blockSize {
		var in [2 * blockSize]byte
		inner = innerSum(in[:], key, msg)
	} else if len(msg) <= 128 {
		var in [blockSize + 128]byte
		inner = innerSum(in[:], key, msg)
	} else if len(msg) <= 256 {
		var in [blockSize + 256]byte
		inner = innerSum(in[:], key, msg)
	} else if len(msg) <= stackMsg {
		var in [blockSize + stackMsg]byte
		inner = innerSum(in[:], key, msg)
	} else {
		s := getState()
		var pad [blockSize]byte
		copy(pad[:], key)
		xorPad(pad[:], ipadWord)
		copy(s.buf[:], pad[:])
		s.h.Reset()
		s.h.Write(s.buf[:blockSize])
		s.write(msg)
		inner = [32]byte(s.h.Sum(s.sum[:0]))
		putState(s)
	}
	copy(out[blockSize:], inner[:])
	return sha256.Sum256(out[:])
}

// innerSum is SHA-256(key ⊕ ipad ‖ msg), laid out in buf (zeroed, at least
// blockSize+len(msg) bytes).
func innerSum(buf, key, msg []byte) [32]byte {
	copy(buf, key)
	xorPad(buf[:blockSize], ipadWord)
	n := copy(buf[blockSize:], msg)
	return sha256.Sum256(buf[:blockSize+n])
}

// The HMAC pads, eight bytes at a time.
const (
	ipadWord = 0x3636363636363636
	opadWord = 0x5c5c5c5c5c5c5c5c
)

// xorPad XORs every byte of the key block b (blockSize bytes) with the pad
// byte repeated in pad, a word at a time.
func xorPad(b []byte, pad uint64) {
	b = b[:blockSize]
	for i := 0; i < blockSize; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^pad)
	}
}

// hmacU32 is HMAC-SHA256 keyed by the 4-byte little-endian encoding of k.
func hmacU32(k uint32, msg []byte) [32]byte {
	var key [4]byte
	binary.LittleEndian.PutUint32(key[:], k)
	return hmacSHA256(key[:], msg)
}

// Signature007 computes the AccessToken2 signature: K1 = HMAC(u32(issueTs),
// cert), K2 = HMAC(u32(salt), K1), signature = HMAC(K2, signingInfo). The
// certificate enters as its text.
func Signature007(cert string, issueTs, salt uint32, signingInfo []byte) [32]byte {
	// The certificate is only read: hash its bytes in place.
	k1 := hmacU32(issueTs, unsafe.Slice(unsafe.StringData(cert), len(cert)))
	k2 := hmacU32(salt, k1[:])
	return hmacSHA256(k2[:], signingInfo)
}

// Signature006 computes the AccessToken signature:
// HMAC-SHA256(cert, appID ‖ channel ‖ uid ‖ message).
//
// The padded-key hash states of the last few certificates used are cached
// (as NewCertKey computes them), so that repeated checks under the same
// certificate hash only the message.
func Signature006(cert, appID, channel, uid string, message []byte) [32]byte {
	return certKey006(cert).Signature006(appID, channel, uid, message)
}

// CRC32 is the CRC-32 (IEEE) 006 stores for the channel name and uid text.
func CRC32(s string) uint32 {
	return crc32.ChecksumIEEE(unsafe.Slice(unsafe.StringData(s), len(s))) // read only
}

// CertKey is an App Certificate prepared for repeated signature checks: the
// 006 signature is an HMAC keyed by the certificate, so the hash states after
// its padded-key blocks are computed once here and each check hashes only the
// message. (The 007 signing key is derived from the token's issue time and
// salt, so 007 checks cannot skip any block; CertKey only saves the
// conversions there.) A CertKey is immutable and safe for concurrent use. It
// holds derived key material: treat it like the certificate itself.
type CertKey struct {
	cert         string
	inner, outer []byte // marshalled SHA-256 states after ipad and opad
}

// NewCertKey prepares cert for repeated checks. It never fails: a
// certificate of any length is a valid HMAC key.
func NewCertKey(cert string) *CertKey {
	key := []byte(cert)
	if len(key) > blockSize {
		k := sha256.Sum256(key)
		key = k[:]
	}
	var ipad, opad [blockSize]byte
	copy(ipad[:], key)
	copy(opad[:], key)
	for i := range ipad {
		ipad[i] ^= 0x36
		opad[i] ^= 0x5c
	}
	h := sha256.New()
	h.Write(ipad[:])
	inner, err1 := h.(encoding.BinaryMarshaler).MarshalBinary()
	h.Reset()
	h.Write(opad[:])
	outer, err2 := h.(encoding.BinaryMarshaler).MarshalBinary()
	k := &CertKey{cert: cert}
	if err1 == nil && err2 == nil {
		k.inner, k.outer = inner, outer
	}
	return k
}

// Signature007 is the package-level Signature007 under this certificate.
func (k *CertKey) Signature007(issueTs, salt uint32, signingInfo []byte) [32]byte {
	return Signature007(k.cert, issueTs, salt, signingInfo)
}

// Verify007 reports whether the signature a decoded 007 token carries is the
// one this certificate gives its signing info. It checks nothing else (no
// times, no identity); the comparison is constant-time.
func (k *CertKey) Verify007(t *token.Token007) bool {
	if t == nil || len(t.Signature) != token.SigLength {
		return false
	}
	sig := Signature007(k.cert, t.IssueTs, t.Salt, t.SigningInfo)
	return hmac.Equal(sig[:], t.Signature)
}

// Signature006 is the package-level Signature006 under this certificate,
// hashing only the message blocks.
func (k *CertKey) Signature006(appID, channel, uid string, message []byte) [32]byte {
	s := getState()
	defer putState(s)
	if k.inner == nil || s.u == nil || s.u.UnmarshalBinary(k.inner) != nil {
		// Not reached with the standard library's SHA-256; kept exact anyway.
		m := hmac.New(sha256.New, []byte(k.cert))
		m.Write([]byte(appID))
		m.Write([]byte(channel))
		m.Write([]byte(uid))
		m.Write(bytes.Clone(message))
		return [32]byte(m.Sum(nil))
	}
	// Gather the message in the state's buffer: one Write, no conversions.
	n := len(appID) + len(channel) + len(uid) + len(message)
	if n <= len(s.buf) {
		b := s.buf[:0]
		b = append(b, appID...)
		b = append(b, channel...)
		b = append(b, uid...)
		b = append(b, message...)
		s.h.Write(b)
	} else {
		s.writeString(appID)
		s.writeString(channel)
		s.writeString(uid)
		s.write(message)
	}
	inner := s.h.Sum(s.sum[:0])
	_ = s.u.UnmarshalBinary(k.outer)
	s.h.Write(inner)
	return [32]byte(s.h.Sum(s.sum[:0]))
}

// Verify006 reports whether a decoded 006 token's signature is the one this
// certificate gives for the channel and uid text (uid 0 is ""). It does not
// compare the CRC fields and checks no times; the comparison is
// constant-time.
func (k *CertKey) Verify006(t *token.Token006, channel, uid string) bool {
	if t == nil || len(t.Signature) != token.SigLength {
		return false
	}
	sig := k.Signature006(t.AppID, channel, uid, t.Message)
	return hmac.Equal(sig[:], t.Signature)
}

// hstate is a reusable SHA-256 state with scratch space on the heap, so that
// passing the scratch through the hash.Hash interface does not allocate.
type hstate struct {
	h   hash.Hash
	u   encoding.BinaryUnmarshaler
	sum [32]byte
	buf [stackMsg]byte
}

var hstates = sync.Pool{New: func() any {
	s := &hstate{h: sha256.New()}
	s.u, _ = s.h.(encoding.BinaryUnmarshaler)
	return s
}}

// write hashes b through the state's own buffer, so that b does not escape
// through the hash.Hash interface (callers keep their buffers on the stack).
func (s *hstate) write(b []byte) {
	for len(b) > 0 {
		n := copy(s.buf[:], b)
		s.h.Write(s.buf[:n])
		b = b[n:]
	}
}

func (s *hstate) writeString(v string) {
	for len(v) > 0 {
		n := copy(s.buf[:], v)
		s.h.Write(s.buf[:n])
		v = v[n:]
	}
}

func getState() *hstate  { return hstates.Get().(*hstate) }
func putState(s *hstate) { hstates.Put(s) }

// The package-level Signature006 keeps the prepared keys of a few
// certificates: callers pass the same one or two certificates over and over.
// The cache is bounded: when it holds maxCachedKeys certificates, the next
// new one replaces them all.
const maxCachedKeys = 64

var (
	// certKeys is replaced, never modified, so that readers need no lock.
	certKeys   atomic.Pointer[map[string]*CertKey]
	certKeysMu sync.Mutex
)

func certKey006(cert string) *CertKey {
	if m := certKeys.Load(); m != nil {
		if k := (*m)[cert]; k != nil {
			return k
		}
	}
	k := NewCertKey(cert)
	certKeysMu.Lock()
	defer certKeysMu.Unlock()
	old := mapOrNil(certKeys.Load())
	if prev := old[cert]; prev != nil {
		return prev
	}
	if len(old) >= maxCachedKeys {
		old = nil // full: start again with the certificates in use now
	}
	m := make(map[string]*CertKey, 1+len(old))
	for c, v := range old {
		m[c] = v
	}
	m[cert] = k
	certKeys.Store(&m)
	return k
}

func mapOrNil(m *map[string]*CertKey) map[string]*CertKey {
	if m == nil {
		return nil
	}
	return *m
}
