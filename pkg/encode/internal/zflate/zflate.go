// Package zflate is the DEFLATE compressor of Go's compress/flate (Go 1.26,
// files deflate.go, deflatefast.go, huffman_bit_writer.go, huffman_code.go
// and token.go, BSD licence in LICENSE) with one change: Reset after a small
// input clears only the hash-chain entries that input touched, instead of
// the whole 640 KiB of tables. The compressed bytes are those of
// compress/flate for every level, input and sequence of Resets (the state
// after Reset is the same: all entries zero), which encode's tests check
// against the standard library. 007 tokens built by the Go reference builder
// are reproduced bit for bit with it, at a fraction of the cost of a Reset.
package zflate

const maxNumLit = 286

// InternalError reports an error in the flate code itself.
type InternalError string

func (e InternalError) Error() string { return "flate: internal error: " + string(e) }
