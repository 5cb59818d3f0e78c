package encode

import (
	"encoding/base64"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/zlibcompat"
)

// String007Zlib returns "007" ‖ base64 of the payload compressed the way C
// zlib 1.2.13 compress2 does at its default level 6 (header 78 9C). This is
// the compressor of the C++, Python, Java, PHP and Ruby reference builders,
// so for a given payload the result is byte-identical to their token
// strings (FORMATS §19, "Encoder profiles for 007"), whereas String007
// reproduces the Go reference's compress/zlib strings. Both carry the same
// payload and verify alike.
func String007Zlib(payload []byte) string {
	z, err := zlibcompat.AppendCompress(make([]byte, 0, len(payload)+16), payload, 6)
	if err != nil {
		// Level 6 is always valid; AppendCompress has no other error.
		return ""
	}
	out := make([]byte, 3+base64.StdEncoding.EncodedLen(len(z)))
	copy(out, "007")
	encodeBase64(out[3:], z)
	return string(out)
}

// IdentifyCompressor tells which reference compressor wrote the zlib stream of
// a 007 token string whose inflated payload is payload: "go" or "zlib" when
// re-compressing the payload with that profile reproduces the string exactly,
// "zlib-level-N" for C zlib at another level, "" when neither does (Node.js,
// C#, Rust and others write other streams). It costs a compression per
// profile tried, so it is for reports, not hot paths.
func IdentifyCompressor(s string, payload []byte) string {
	if String007(payload) == s {
		return "go"
	}
	if String007Zlib(payload) == s {
		return "zlib"
	}
	for _, level := range []int{1, 9, 2, 3, 4, 5, 7, 8, 0} {
		z, err := zlibcompat.Compress(payload, level)
		if err == nil && "007"+base64.StdEncoding.EncodeToString(z) == s {
			return "zlib-level-" + string(rune('0'+level))
		}
	}
	return ""
}

// RefineCompressor replaces the framing family decode gives a 007 token's
// compressor (tok.Encoding.Compressor) with the exact reference compressor
// when IdentifyCompressor finds one for the string s the token was decoded
// from, and records that it is exact (Encoding.CompressorExact). Like
// IdentifyCompressor it costs a compression or two: reports of
// single tokens use it, the audit of a stream does not.
func RefineCompressor(tok *token.Token, s string) {
	if tok == nil || tok.T007 == nil || tok.T007.Payload == nil {
		return
	}
	if id := IdentifyCompressor(s, tok.T007.Payload); id != "" {
		tok.Encoding.Compressor, tok.Encoding.CompressorExact = id, true
	}
}
