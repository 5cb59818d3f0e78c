package encode

import "encoding/binary"

// The standard base64 alphabet (RFC 4648 §4), which every token uses.
const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// b64Pairs[v] holds the two characters of the 12 bits v, the first in the
// low byte: two table lookups make a group of four characters.
var b64Pairs = func() (t [1 << 12]uint16) {
	for v := range t {
		t[v] = uint16(b64Alphabet[v>>6]) | uint16(b64Alphabet[v&63])<<8
	}
	return t
}()

// encodeBase64 writes src to dst in padded standard base64, exactly as
// base64.StdEncoding.Encode does; dst holds base64.StdEncoding.EncodedLen
// bytes. Six bytes become eight characters per step.
func encodeBase64(dst, src []byte) {
	d := 0
	s := 0
	// Eight bytes are loaded for six, so the loop stops eight short.
	for ; s+8 <= len(src); s, d = s+6, d+8 {
		v := binary.BigEndian.Uint64(src[s:]) >> 16
		binary.LittleEndian.PutUint64(dst[d:d+8],
			uint64(b64Pairs[v>>36&0xfff])|uint64(b64Pairs[v>>24&0xfff])<<16|
				uint64(b64Pairs[v>>12&0xfff])<<32|uint64(b64Pairs[v&0xfff])<<48)
	}
	for ; s+3 <= len(src); s, d = s+3, d+4 {
		v := uint(src[s])<<16 | uint(src[s+1])<<8 | uint(src[s+2])
		binary.LittleEndian.PutUint16(dst[d:], b64Pairs[v>>12])
		binary.LittleEndian.PutUint16(dst[d+2:], b64Pairs[v&0xfff])
	}
	switch len(src) - s {
	case 1:
		v := uint(src[s]) << 16
		dst[d], dst[d+1], dst[d+2], dst[d+3] = b64Alphabet[v>>18], b64Alphabet[v>>12&63], '=', '='
	case 2:
		v := uint(src[s])<<16 | uint(src[s+1])<<8
		dst[d], dst[d+1], dst[d+2], dst[d+3] = b64Alphabet[v>>18], b64Alphabet[v>>12&63], b64Alphabet[v>>6&63], '='
	}
}
