package main

import (
	"encoding/json"
	"testing"
)

// TestPartialDecodeNamesCompressor: a 007 token whose payload inflates but
// ends inside a service is decoded as far as it goes, and the compressor is
// named from the inflated bytes as for a whole token, not guessed wrongly as
// "neither Go nor C zlib".
func TestPartialDecodeNamesCompressor(t *testing.T) {
	// C zlib (Python zlib.compress) of a payload cut inside services[0].privileges.
	const cut = "007eJxTYGhcN0l7l+rSD+82JxqKbD7l7tbeNr/I4ciSrG8/BJayvexQYLA0N3B2NDZNSTUzSDYxMTMxTUpKTLVINDI0NTAzTDI2dv8iwBDBxMDAyADCEBjBBABAZRt/"
	for _, args := range [][]string{
		{"decode", "--json", cut},
		{"verify", "--json", "--cert", "5CFd2fd1755d40ecb72977518be15d3b", cut},
	} {
		code, out, _ := runCLI(t, "", nil, args...)
		if code != 1 {
			t.Errorf("%s: exit %d, want 1", args[0], code)
		}
		var v struct {
			Compressor string `json:"compressor"`
			Token      *struct {
				Compressor string `json:"compressor"`
			} `json:"token"`
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil {
			t.Fatalf("%s: %v\n%s", args[0], err, out)
		}
		got := v.Compressor
		if v.Token != nil {
			got = v.Token.Compressor
		}
		if got != "zlib" {
			t.Errorf("%s: compressor %q, want \"zlib\"", args[0], got)
		}
	}
}
