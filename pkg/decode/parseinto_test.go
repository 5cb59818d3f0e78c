package decode_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unsafe"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
)

var tokenRE = regexp.MustCompile(`"(00[67][A-Za-z0-9+/=]{20,})"`)

// corpus gathers every 006 and 007 token of the vector files, with damaged
// variants: cut short, one character changed, and (for 007) the payload cut,
// extended or with one byte changed under a valid zlib and base64 wrapping,
// so that every layer and every field path meets errors.
func corpus(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("../../testdata/vectors/*.json")
	var base []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tokenRE.FindAllSubmatch(b, -1) {
			base = append(base, string(m[1]))
		}
	}
	if len(base) < 50 {
		t.Fatalf("only %d tokens found in the vector files", len(base))
	}
	zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	wrap := func(p []byte) string {
		var z bytes.Buffer
		w := zw
		w.Reset(&z)
		w.Write(p)
		w.Close()
		return "007" + base64.StdEncoding.EncodeToString(z.Bytes())
	}
	out := append([]string(nil), base...)
	// The all-hex keys (DK1 90, DK2 110 characters) may start with "006"
	// or "007", valid or not: ParseInto must take them as Parse does.
	for _, n := range []int{90, 110} {
		for _, prefix := range []string{"006", "007"} {
			out = append(out, prefix+strings.Repeat("0", n-3), prefix+strings.Repeat("a", n-3))
		}
	}
	wrapped := 0
	for _, s := range base {
		for _, n := range []int{0, 1, 3, 4, 20, 35, 36, 40, len(s) / 2, len(s) - 2, len(s) - 1} {
			if n <= len(s) {
				out = append(out, s[:n])
			}
		}
		for _, i := range []int{3, 10, 36, 50, len(s) - 3, len(s) - 1} {
			if i < len(s) {
				b := []byte(s)
				b[i] ^= 0x01
				out = append(out, string(b), s[:i]+"*"+s[i+1:], s[:i]+"="+s[i+1:])
			}
		}
		out = append(out, s+"=", s+"A", " "+s)
		if s[:3] != "007" || wrapped >= 25 {
			continue
		}
		wrapped++
		tok, err := decode.Parse(s)
		if err != nil {
			continue
		}
		p := tok.T007.Payload
		for n := 0; n < len(p); n += 3 {
			out = append(out, wrap(p[:n]))
		}
		out = append(out, wrap(append(append([]byte(nil), p...), 0, 1)))
		for i := 0; i < len(p); i += 2 {
			q := append([]byte(nil), p...)
			q[i] ^= 0x80
			out = append(out, wrap(q))
			q[i] ^= 0x81
			out = append(out, wrap(q))
		}
	}
	return out
}

// TestParseIntoMatchesParse decodes the corpus with Parse and with ParseInto
// into one Token reused throughout (so that stale buffers would show), and
// requires the same token and the same error every time.
func TestParseIntoMatchesParse(t *testing.T) {
	var reused token.Token
	inputs := corpus(t)
	for pass := 0; pass < 2; pass++ {
		for i, s := range inputs {
			want, werr := decode.ParsePartial(s)
			gerr := decode.ParseInto(s, &reused)
			if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
				t.Fatalf("input %d %q: ParseInto error %v, ParsePartial %v", i, s, gerr, werr)
			}
			w := token.Token{}
			if want != nil {
				w = *want
			}
			if !reflect.DeepEqual(&w, &reused) {
				t.Fatalf("input %d %q: ParseInto\n%+v\nParsePartial\n%+v", i, s, reused, w)
			}
			if p, err := decode.Parse(s); (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(p, want) {
				t.Fatalf("input %d: Parse and ParsePartial differ", i)
			}
		}
	}
	t.Logf("%d inputs", len(inputs))
}

// TestParseStringsAreStable checks that the strings of a token from Parse do
// not change when its Payload is modified or when the pooled buffers are
// reused by later decodes.
func TestParseStringsAreStable(t *testing.T) {
	const s = "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj"
	tok, err := decode.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	app, ch := tok.T007.AppID, tok.T007.Services[0].Channel
	keepApp, keepCh := string([]byte(app)), string([]byte(ch))
	for i := range tok.T007.Payload {
		tok.T007.Payload[i] = 'x'
	}
	for _, x := range []string{s, "007eJxTYNi/pqL4zazPf+P2/HDX+9fA/KLX+6oIz5O5Wzw2vzTSPdqtwGBpbuDsaGyakmpmkGxiYmZimpSUmGqRaGRoamBmmGRs/P87S7IAHwOD/mEfBlYGRgYWIAbxmcAkM5hkAZMKDOYp5kbGZqapSZYWxiYWpsaW5qnGqcZplikmZgZJKSmJXAxGFhZGxiaGRubGTEBzICYhi7LARVkZmFBsQlbFDrQX0xV8DEX5+bnxpaWZKfElqcUlfAylxalFCP7//wBAqz0L"} {
		if _, err := decode.Parse(x); err != nil {
			t.Fatal(err)
		}
	}
	if app != keepApp || ch != keepCh {
		t.Fatalf("strings changed: %q %q", app, ch)
	}
}

// TestParseStringsDoNotAliasPayload checks, over the corpus and its damaged
// variants (partial tokens included), that no string of a 007 token from
// ParsePartial lies in its Payload, and that overwriting the Payload leaves
// every string as it was.
func TestParseStringsDoNotAliasPayload(t *testing.T) {
	n := 0
	for _, s := range corpus(t) {
		tok, _ := decode.ParsePartial(s)
		if tok == nil || tok.T007 == nil {
			continue
		}
		t7 := tok.T007
		strs := strings007(t7)
		p := t7.Payload
		for _, x := range strs {
			if len(x) == 0 || len(p) == 0 {
				continue
			}
			a := uintptr(unsafe.Pointer(unsafe.StringData(x)))
			lo := uintptr(unsafe.Pointer(&p[0]))
			if a+uintptr(len(x)) > lo && a < lo+uintptr(len(p)) {
				t.Fatalf("%q: string %q aliases the payload", s, x)
			}
		}
		before := fmt.Sprintf("%q", strs)
		for i := range p {
			p[i] ^= 0xff
		}
		if after := fmt.Sprintf("%q", strings007(t7)); after != before {
			t.Fatalf("%q: strings changed with the payload:\n%s\n%s", s, before, after)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no 007 tokens decoded")
	}
}

// strings007 lists every string of t, in model order.
func strings007(t *token.Token007) []string {
	out := []string{t.AppID}
	for _, s := range t.Services {
		out = append(out, s.Channel, s.Account, s.UserID, s.RoomUUID, s.UserUUID)
		for _, r := range s.Permissions {
			for _, q := range r.Permissions {
				out = append(out, q.Resources...)
			}
		}
	}
	return out
}
