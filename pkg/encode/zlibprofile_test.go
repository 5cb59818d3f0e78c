package encode_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// TestString007ZlibKnownAnswers: for every known answer whose stream came
// from stock zlib at level 6, String007Zlib(payload) is the recorded string.
// The Dart vector (the same level-6 deflate stream behind a 78 01 header)
// matches once the two header bytes are swapped.
func TestString007ZlibKnownAnswers(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers(knownAnswersPath)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range ka.Vectors {
		if v.Format != "007" || (v.Compressor != "zlib-6" && v.Compressor != "zlib-6-stream-with-7801-header") {
			continue
		}
		n++
		t.Run(v.ID, func(t *testing.T) {
			payload, err := hex.DecodeString(v.PayloadHex)
			if err != nil {
				t.Fatal(err)
			}
			got := encode.String007Zlib(payload)
			if v.Compressor == "zlib-6-stream-with-7801-header" {
				got = zlibProfileSwapHeader(t, got, 0x78, 0x01)
			}
			if got != v.Expected {
				t.Fatalf("string differs\n got %s\nwant %s", got, v.Expected)
			}
		})
	}
	if n != 20 {
		t.Errorf("checked %d vectors, want 20 (19 zlib-6 + Dart)", n)
	}
}

// zlibProfileSwapHeader replaces the zlib header of a 007 string.
func zlibProfileSwapHeader(t *testing.T, tok string, cmf, flg byte) string {
	t.Helper()
	z, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(tok, "007"))
	if err != nil {
		t.Fatal(err)
	}
	z[0], z[1] = cmf, flg
	return "007" + base64.StdEncoding.EncodeToString(z)
}

// TestString007ZlibVectors: every case of 007.json built by the python3
// reference (CPython 3.11, zlib 1.2.13; java, cpp, php and ruby agree with
// it wherever they build the same payload) has String007Zlib(payload_hex)
// equal to its token.
func TestString007ZlibVectors(t *testing.T) {
	b, err := os.ReadFile("../../testdata/vectors/007.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			ID         string   `json:"id"`
			Token      *string  `json:"token"`
			Agree      []string `json:"agree"`
			PayloadHex *string  `json:"payload_hex"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	n, exact := 0, 0
	for _, c := range f.Cases {
		if !slices.Contains(c.Agree, "python3") || c.Token == nil || c.PayloadHex == nil {
			continue // python3 refused this input
		}
		n++
		t.Run(c.ID, func(t *testing.T) {
			payload, err := hex.DecodeString(*c.PayloadHex)
			if err != nil {
				t.Fatal(err)
			}
			if got := encode.String007Zlib(payload); got != *c.Token {
				t.Fatalf("string differs\n got %s\nwant %s", got, *c.Token)
			}
			exact++
		})
	}
	if n == 0 {
		t.Fatal("no python3 cases")
	}
	t.Logf("%d/%d python3 (C zlib 1.2.13) strings reproduced exactly", exact, n)
}

// TestString007ZlibRoundTrip: the string inflates back to the payload, and
// an empty payload still gives a valid stream.
func TestString007ZlibRoundTrip(t *testing.T) {
	for _, payload := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte("0123456789abcdef"), 8000)} {
		s := encode.String007Zlib(payload)
		if !strings.HasPrefix(s, "007eJ") { // 78 9C
			t.Fatalf("String007Zlib = %.10s…, want the 78 9C header", s)
		}
		z, err := base64.StdEncoding.DecodeString(s[3:])
		if err != nil {
			t.Fatal(err)
		}
		r, err := zlib.NewReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		back, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back, payload) {
			t.Fatalf("round trip of %d bytes gives %d bytes", len(payload), len(back))
		}
	}
}

// TestIdentifyCompressor: the reference compressors of the known answers are
// told apart by re-compression.
func TestIdentifyCompressor(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, v := range ka.Vectors {
		if v.Format != "007" || v.PayloadHex == "" {
			continue
		}
		p, _ := hex.DecodeString(v.PayloadHex)
		got := encode.IdentifyCompressor(v.Expected, p)
		want := ""
		switch v.Compressor {
		case "zlib-6":
			want = "zlib"
		case "go-compress-flate":
			want = "go"
		}
		if want != "" && got != want {
			t.Errorf("%s (%s): identified %q, want %q", v.ID, v.Compressor, got, want)
		}
		counts[got]++
	}
	if counts["zlib"] == 0 || counts["go"] == 0 {
		t.Fatalf("profiles not exercised: %v", counts)
	}
}
