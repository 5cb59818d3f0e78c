// Package legacy recognises, decodes, encodes, builds and verifies the Agora
// keys that predate AccessToken (006): DynamicKey (DK1, 90 hex characters),
// DynamicKey2 (DK2, 110 hex characters), DynamicKey3 ("003"), DynamicKey4
// ("004"), DynamicKey5 ("005", binary content in base64) and the signaling
// token ("1:…"), as described in FORMATS.md sections 2–8, 11 and 15.
//
// The package is split the same way as the rest of tokencheck:
//
//   - [Recognize] looks at the shape of a string only (FORMATS §2) and, when
//     the string is no known shape, says which one it looks closest to and why
//     it is not that one.
//   - [Parse] decodes a string strictly into a [token.Legacy] without checking
//     any signature. [Encode] is its inverse.
//   - [BuildDK1], [BuildDK2], [BuildDK3], [BuildDK4], [BuildDK5] and
//     [BuildSignaling] sign and encode, bit for bit like the reference builders.
//   - [Verify] recomputes a signature from a decoded key and what the caller
//     knows (certificate, channel, uid or account); it checks nothing else, in
//     particular no expiry.
//   - [ReplacementFor] names the current builder that replaces a legacy format,
//     for the audit finding [FindingLegacyFormat].
//
// Errors from Parse are *token.ParseError values naming the layer ("token" for
// the string, "content" for the base64-decoded DK5 bytes), the byte offset and
// the field; they unwrap to token.ErrMalformed, token.ErrTruncated,
// token.ErrTrailingData, token.ErrTooLarge or token.ErrUnsupportedVersion.
// Builder and Encode errors are *token.InputError values unwrapping to
// token.ErrInvalidInput. No function in this package panics on any input,
// keeps global state or draws random numbers: the salt ("randomInt") and the
// timestamps are always inputs.
//
// # Builders
//
// The builders reproduce the reference builders bit for bit, following
// the behaviour the majority of reference languages agree on (the canonical
// token of the cross-language vectors). Quirks of single languages are not
// reproduced: Java's signed 32-bit timestamps and uids, PHP's unpadded DK4
// unixTs, Ruby's DK5 extra map without entries, and C#/Python/C++
// differences that only show with App IDs other than 32 characters.
//
// Inputs shared by the builders:
//   - AppID and Certificate must be 32 hex characters. DK1–DK4 and signaling
//     use them as text (letter case matters and is kept); DK5 hex-decodes them.
//   - Channel is any UTF-8 text; it is signed but not carried. Charset and
//     length rules (FORMATS §14) are audit matters and are not enforced here,
//     except the 65535-byte limit of the DK5 length prefix.
//   - UnixTs is the generation time, ExpiredTs the absolute expiry (0 = none),
//     Salt the reference's randomInt: the builders draw no random numbers and
//     read no clock.
package legacy
