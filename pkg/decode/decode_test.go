package decode_test

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

func TestClean(t *testing.T) {
	var f struct {
		Cases []struct {
			Name    string   `json:"name"`
			In      string   `json:"in"`
			Out     string   `json:"out"`
			Repairs []string `json:"repairs"`
		} `json:"cases"`
	}
	b, err := os.ReadFile("../../testdata/decode/clean.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			out, reps := decode.Clean(c.In)
			if out != c.Out {
				t.Errorf("got %q, want %q", out, c.Out)
			}
			got := []string{}
			for _, r := range reps {
				got = append(got, string(r))
			}
			if !reflect.DeepEqual(got, c.Repairs) {
				t.Errorf("repairs %q, want %q", got, c.Repairs)
			}
		})
	}
}

// TestCompressorFamily: decode names the compressor family of every 007
// known answer from its framing. Rust's miniz_oxide chose a stored block only
// for the 138-byte RTC payload; its other vector is an ordinary zlib stream.
func TestCompressorFamily(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"-go": "go", "007-rtc-uid-rust": "stored", "-dart": "zlib-level-0-1", "-zlib": "zlib-compatible", "-node": "zlib-compatible", "-csharp": "zlib-compatible"}
	n := 0
	for _, v := range ka.Vectors {
		if v.Format != "007" || v.Kind == "negative" {
			continue
		}
		for suffix, fam := range want {
			if !strings.HasSuffix(v.ID, suffix) {
				continue
			}
			n++
			tok, err := decode.Parse(v.Expected)
			if err != nil {
				t.Fatalf("%s: %v", v.ID, err)
			}
			if tok.Encoding.Compressor != fam {
				t.Errorf("%s: compressor %q, want %q", v.ID, tok.Encoding.Compressor, fam)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d vectors checked", n)
	}
}

// TestErrorLocation: errors name the layer, offset and field, and unwrap to
// the sentinel.
func TestErrorLocation(t *testing.T) {
	const tok6 = "006970CA35de60c44645bbae8a215061b33IACV0fZUBw+72cVoL9eyGGh3Q6Poi8bgjwVLnyKSJyOXR7dIfRBXoFHlEAABAAAAR/QQAAEAAQCvKDdW"
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	dk3, dk4 := knownAnswer(t, ka, "dk3-basic"), knownAnswer(t, ka, "dk4-acs")
	cases := []struct {
		name   string
		in     string
		layer  string
		offset int
		field  string
		is     error
	}{
		{"app id not hex", tok6[:34] + "g" + tok6[35:], "token", 34, "app_id", token.ErrMalformed},
		{"bad base64 char", tok6[:40] + "*" + tok6[41:], "token", 40, "content", token.ErrMalformed},
		{"unsupported", "009abc", "token", 0, "version", token.ErrUnsupportedVersion},
		{"empty", "", "token", 0, "token", token.ErrTruncated},
		{"005 cut after its prefix", "005", "content", 0, "service_type", token.ErrTruncated},
		{"007 cut after its prefix", "007", "token", 3, "body", token.ErrTruncated},
		{"006 cut after its prefix", "006", "token", 3, "app_id", token.ErrTruncated},
		{"signaling cut in its expiry", "1:970CA35de60c44645bbae8a215061b33:15142", "token", 40, "signature", token.ErrTruncated},
		{"signaling cut in its app ID", "1:970CA35de60c4", "token", 15, "expired_ts", token.ErrTruncated},
		{"signaling with a fifth field", "1:970CA35de60c44645bbae8a215061b33:1514219634:82539e1f3973bcfe3f0d0c8993e6c051:x", "token", 78, "signature", token.ErrTrailingData},
		{"too large", "007" + strings.Repeat("A", token.MaxTokenLength), "token", token.MaxTokenLength, "token", token.ErrTooLarge},
		{"003 cut short", dk3[:50], "token", 50, "app_id", token.ErrTruncated},
		{"004 cut short", dk4[:102], "token", 102, "expired_ts", token.ErrTruncated},
		{"003 too long", dk3 + "00", "token", 113, "token", token.ErrTrailingData},
		{"003 with a character that is not hex", dk3[:60] + "g" + dk3[61:], "token", 60, "app_id", token.ErrMalformed},
		{"003 cut short with a character that is not hex", dk3[:20] + "g" + dk3[21:50], "token", 20, "signature", token.ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := decode.Parse(c.in)
			if tok != nil || err == nil {
				t.Fatalf("accepted")
			}
			if !errors.Is(err, c.is) {
				t.Errorf("%v does not wrap %v", err, c.is)
			}
			var pe *token.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("%T is not a ParseError", err)
			}
			if pe.Layer != c.layer || pe.Offset != c.offset || pe.Field != c.field {
				t.Errorf("located at %s %d %q, want %s %d %q (%v)", pe.Layer, pe.Offset, pe.Field, c.layer, c.offset, c.field, err)
			}
		})
	}
}

// TestHexKeysBeforePrefixes: a DK1/DK2 key's random hex signature may begin
// with "007" or "006"; the fixed-length all-hex shapes are recognised first.
func TestHexKeysBeforePrefixes(t *testing.T) {
	const dk2 = "007198de4a6382125f128993c02e2fbeb2e4d837970ca35de60c44645bbae8a215061b3317000000000000084900000000001900000001"
	tok, err := decode.Parse(dk2)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Version != token.VDK2 || tok.Legacy == nil || tok.Legacy.ExpiredTs != 1900000001 {
		t.Fatalf("decoded as %s: %+v", tok.Version, tok.Legacy)
	}
	dk1 := "006" + dk2[3:90]
	if tok, err := decode.Parse(dk1); err != nil || tok.Version != token.VDK1 {
		t.Fatalf("a 90-hex key starting with 006: %v %v", tok, err)
	}
}

// TestFixedLengthHexNeedsItsPrefix: the 113- and 103-character hex shapes
// are DK3 and DK4 only with their "003"/"004" prefix (FORMATS §2 tests 3
// and 4); other all-hex strings of those lengths go on to the prefix tests,
// so a 007 or 006 one is explained as a 007 or 006 token, not refused as an
// unknown version.
func TestFixedLengthHexNeedsItsPrefix(t *testing.T) {
	hex := strings.Repeat("0123456789abcdef", 8)
	const app = "006970CA35de60c44645bbae8a215061b33"
	for _, in := range []string{"007" + hex[:100], "007" + hex[:110], app + hex[:68], app + hex[:78]} {
		tok, err := decode.ParsePartial(in)
		var pe *token.ParseError
		if !errors.As(err, &pe) || errors.Is(err, token.ErrUnsupportedVersion) || pe.Field == "version" || tok != nil && string(tok.Version) != in[:3] {
			t.Errorf("%d characters starting %s: %v; want an error inside a %s token", len(in), in[:3], err, in[:3])
		}
	}
}

// TestSingularCounts: messages count "1 byte", not "1 bytes".
func TestSingularCounts(t *testing.T) {
	b64 := base64.StdEncoding.EncodeToString
	const app = "006970CA35de60c44645bbae8a215061b33"
	sig := append([]byte{32, 0}, make([]byte, 32)...)
	msg := []byte{10, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0}
	content := append(append(append([]byte(nil), sig...), 0, 0, 0, 0, 0, 0, 0, 0), msg...)
	payload := append(append([]byte(nil), sig...), 0x20, 0)
	z := func(b []byte) []byte {
		var buf bytes.Buffer
		w := zlib.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	for _, in := range []string{
		app + b64(append(append([]byte(nil), content...), 'x')),    // 1 byte after the message
		app + b64(append(append([]byte(nil), content[:44]...), 1)), // message length 10, 1 byte left
		"007" + b64(append(z(payload), 'x')),                       // 1 byte after the zlib stream
		"007" + b64([]byte{0x78}),                                  // 1-byte zlib stream
		"007" + b64(z([]byte{1, 0, 7})),                            // 1-byte signature
		"007" + b64(z(append(append([]byte(nil), sig...), 1, 0))),  // app ID length 1, no byte left
	} {
		_, err := decode.Parse(in)
		if err == nil {
			t.Fatalf("%s: accepted", in)
		}
		if strings.Contains(err.Error(), " 1 bytes") {
			t.Errorf("%s: %v", in, err)
		}
	}
}

// TestPartial006: in a broken 006 content the message is decoded before the
// bytes after it are judged, so the first problem reading left to right is
// the one reported, and the fields before it are kept.
func TestPartial006(t *testing.T) {
	const tok6 = "006970CA35de60c44645bbae8a215061b33IACV0fZUBw+72cVoL9eyGGh3Q6Poi8bgjwVLnyKSJyOXR7dIfRBXoFHlEAABAAAAR/QQAAEAAQCvKDdW"
	content, err := base64.StdEncoding.DecodeString(tok6[35:])
	if err != nil {
		t.Fatal(err)
	}
	good, err := decode.Parse(tok6)
	if err != nil {
		t.Fatal(err)
	}
	const lenOff = 2 + 32 + 4 + 4 // the message length field
	with := func(edit func([]byte) []byte) string {
		return tok6[:35] + base64.StdEncoding.EncodeToString(edit(bytes.Clone(content)))
	}
	cases := []struct {
		name      string
		in        string
		is        error
		field     string
		offset    int
		salt, ts  bool // decoded despite the error
		privCount int
	}{
		{"message length too short", with(func(c []byte) []byte { c[lenOff], c[lenOff+1] = 5, 0; return c }),
			token.ErrMalformed, "message.ts", lenOff + 2 + 4, true, false, 0},
		{"message length too long", with(func(c []byte) []byte { c[lenOff]++; return c }),
			token.ErrTruncated, "message", lenOff, false, false, 0},
		{"message cut short", tok6[:len(tok6)-4],
			token.ErrTruncated, "message", lenOff, false, false, 0},
		{"bytes after the message", with(func(c []byte) []byte { return append(c, 0, 0, 0) }),
			token.ErrTrailingData, "message", len(content), true, true, len(good.T006.Privileges)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tok, err := decode.ParsePartial(c.in)
			if !errors.Is(err, c.is) {
				t.Fatalf("error %v, want %v", err, c.is)
			}
			var pe *token.ParseError
			if !errors.As(err, &pe) || pe.Field != c.field || pe.Offset != c.offset {
				t.Errorf("located at %+v, want field %q offset %d", pe, c.field, c.offset)
			}
			if tok == nil || tok.T006 == nil {
				t.Fatal("no partial token")
			}
			if got := tok.T006.Salt == good.T006.Salt; got != c.salt {
				t.Errorf("salt decoded: %v, want %v", got, c.salt)
			}
			if got := tok.T006.Ts == good.T006.Ts; got != c.ts {
				t.Errorf("ts decoded: %v, want %v", got, c.ts)
			}
			if len(tok.T006.Privileges) != c.privCount {
				t.Errorf("%d privileges, want %d", len(tok.T006.Privileges), c.privCount)
			}
		})
	}
}

// TestPartial007: a 007 token whose base64 or zlib layer is broken is still
// decoded as far as its payload inflates, and the outer error is the one
// reported; ParseInto leaves the same partial model.
func TestPartial007(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/examples/rtc-rtm-chat-apaas-007.token")
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(raw))
	good, err := decode.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	stream, err := base64.StdEncoding.DecodeString(tok[3:])
	if err != nil {
		t.Fatal(err)
	}
	reencode := func(edit func([]byte) []byte) string {
		return "007" + base64.StdEncoding.EncodeToString(edit(bytes.Clone(stream)))
	}
	all := len(good.T007.Services)
	cases := []struct {
		name     string
		in       string
		is       error
		services int // decoded despite the error
	}{
		{"bytes after the zlib stream", tok + "AAAA", token.ErrTrailingData, all},
		{"checksum cut short", reencode(func(b []byte) []byte { return b[:len(b)-2] }), token.ErrTruncated, all},
		{"checksum wrong", reencode(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), token.ErrMalformed, all},
		{"base64 cut inside the checksum", tok[:len(tok)-3], token.ErrMalformed, all},
		{"base64 cut in the middle", tok[:len(tok)/2+1], token.ErrMalformed, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decode.ParsePartial(c.in)
			if !errors.Is(err, c.is) {
				t.Fatalf("error %v, want %v", err, c.is)
			}
			if got == nil || got.T007 == nil {
				t.Fatal("no partial model")
			}
			m := got.T007
			if m.AppID != good.T007.AppID || m.IssueTs != good.T007.IssueTs || m.Salt != good.T007.Salt {
				t.Errorf("header fields not decoded: %q %d %d", m.AppID, m.IssueTs, m.Salt)
			}
			if c.services == all && !reflect.DeepEqual(m.Services, good.T007.Services) {
				t.Errorf("services differ from the intact token's")
			}
			if len(m.Services) < c.services {
				t.Errorf("%d services decoded, want %d", len(m.Services), c.services)
			}
			var into token.Token
			if ierr := decode.ParseInto(c.in, &into); ierr == nil || ierr.Error() != err.Error() {
				t.Errorf("ParseInto error %v, want %v", ierr, err)
			}
			if into.T007 == nil || into.T007.AppID != m.AppID || len(into.T007.Services) != len(m.Services) {
				t.Errorf("ParseInto kept another partial model")
			}
		})
	}
}

// TestSalvageChecksZlibHeader: what is recovered after a base64 error passes
// the zlib layer's checks, so that a token damaged twice (a header that is
// no zlib stream, then a bad base64 character) shows no more than one
// damaged once.
func TestSalvageChecksZlibHeader(t *testing.T) {
	raw, err := os.ReadFile("../../testdata/examples/rtc-rtm-chat-apaas-007.token")
	if err != nil {
		t.Fatal(err)
	}
	stream, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw))[3:])
	if err != nil {
		t.Fatal(err)
	}
	for _, hdr := range [][2]byte{{0x88, 0x9c}, {0x78, 0x00}, {0x78, 0xbb}} {
		b := bytes.Clone(stream)
		b[0], b[1] = hdr[0], hdr[1]
		s := "007" + base64.StdEncoding.EncodeToString(b)
		for _, in := range []string{s, s[:len(s)-6] + "!" + s[len(s)-5:]} {
			tok, err := decode.ParsePartial(in)
			if err == nil {
				t.Fatalf("header %x: accepted", hdr)
			}
			if tok != nil && tok.T007 != nil {
				t.Errorf("header %x, %q: a payload was decoded from a stream that is not zlib", hdr, in[len(in)-8:])
			}
		}
	}
}

// knownAnswer returns the expected string of the known-answer vector id.
func knownAnswer(t *testing.T, ka *vectors.KnownAnswers, id string) string {
	t.Helper()
	for _, v := range ka.Vectors {
		if v.ID == id {
			return v.Expected
		}
	}
	t.Fatalf("no known answer %s", id)
	return ""
}

// TestCutShortKeepsVersion: a token of any prefixed version cut at any
// length after its prefix is decoded with that version (and an error), by
// ParsePartial and ParseInto alike, as a broken 007 keeps "007": a 006 cut
// inside its app ID is "006", a 003/004/005 key or a signaling token cut
// short is "003", "004", "005" or "signaling". The unversioned DK1/DK2 keys
// have no prefix to go by.
func TestCutShortKeepsVersion(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers("../../testdata/vectors/known-answers.json")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id     string
		prefix string
		from   int // the shortest cut that has the version
		want   token.Version
	}{
		{"007-rtc-uid-zlib", "007", 3, token.V007},
		{"006-rtc-join-uid", "006", 3, token.V006},
		{"006-rtm-login", "006", 3, token.V006},
		{"dk5-st1", "005", 3, token.V005},
		{"dk5-st4-3", "005", 3, token.V005},
		{"dk4-acs", "004", 3, token.V004},
		{"dk3-basic", "003", 3, token.V003},
		// "1:" alone is two characters, too short to carry any version
		// (malformed, as in tampered.json); from three on it is signaling.
		{"signaling-basic", "1:", 3, token.VSignal},
	}
	for _, c := range cases {
		full := knownAnswer(t, ka, c.id)
		if !strings.HasPrefix(full, c.prefix) {
			t.Fatalf("%s does not start with %q", c.id, c.prefix)
		}
		var into token.Token
		for n := c.from; n < len(full); n++ {
			s := full[:n]
			if fixedHexKey(s) {
				// 90 or 110 hex characters: the DK1/DK2 shape comes first
				// (FORMATS §2), whatever the prefix.
				continue
			}
			tok, err := decode.ParsePartial(s)
			if err == nil || tok == nil || tok.Version != c.want {
				t.Fatalf("%s cut to %d (%q): token %+v, error %v; want version %q and an error", c.id, n, s, tok, err, c.want)
			}
			if ierr := decode.ParseInto(s, &into); ierr == nil || ierr.Error() != err.Error() || into.Version != c.want {
				t.Fatalf("%s cut to %d: ParseInto version %q, error %v; want %q, %v", c.id, n, into.Version, ierr, c.want, err)
			}
			if _, perr := decode.Parse(s); perr == nil || perr.Error() != err.Error() {
				t.Fatalf("%s cut to %d: Parse error %v, ParsePartial %v", c.id, n, perr, err)
			}
		}
	}
	// Strings that only look like a version keep none.
	for _, s := range []string{"", "0", "00", "1:", "008abc", "009", "005AAAAAAAAAAAAAAAA", strings.Repeat("ab", 40)} {
		if tok, err := decode.ParsePartial(s); err == nil || tok != nil {
			t.Errorf("%q: token %+v, error %v; want no token and an error", s, tok, err)
		}
	}
}

// fixedHexKey reports whether s has the length and alphabet of a DK1 or DK2
// key.
func fixedHexKey(s string) bool {
	if len(s) != 90 && len(s) != 110 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdefABCDEF", rune(s[i])) {
			return false
		}
	}
	return true
}

// TestPartialKeepsDeclaredServiceCount: a 007 payload whose service count
// announces more records than it holds is decoded as far as it goes, with
// the count it declares (not 0) beside the error.
func TestPartialKeepsDeclaredServiceCount(t *testing.T) {
	head := append([]byte{32, 0}, make([]byte, 32)...)
	head = append(head, 32, 0)
	head = append(head, "970CA35de60c44645bbae8a215061b33"...)
	head = append(head, 0x0f, 0x0b, 0x05, 0x63, 0x10, 0x0e, 0, 0, 0x2f, 0xc3, 0x4c, 0)
	cases := []struct {
		name  string
		count []byte // the service count field and what follows it
		want  uint16
		err   error
	}{
		{"65535 services, no records", []byte{0xff, 0xff}, 65535, token.ErrTruncated},
		{"3 services, 4 bytes of records", []byte{3, 0, 1, 0, 0, 0}, 3, token.ErrTruncated},
		{"an RTM2 service of 80000 resources, past the entry limit", func() []byte {
			// One service: RTM2, no privileges, empty user id, one
			// resource type with two permission lists of 40000 empty
			// resources each.
			b := []byte{1, 0, 8, 0, 0, 0, 0, 0, 1, 0, 1, 0, 2, 0}
			for perm := byte(1); perm <= 2; perm++ {
				b = append(b, perm, 0, 0x40, 0x9c) // 40000
				b = append(b, make([]byte, 2*40000)...)
			}
			return b
		}(), 1, token.ErrTooLarge},
		{"5000 services, the first of unknown type 0", append([]byte{0x88, 0x13}, make([]byte, 20000)...), 5000, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			w := zlib.NewWriter(&buf)
			if _, err := w.Write(append(append([]byte(nil), head...), c.count...)); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			tok, err := decode.ParsePartial("007" + base64.StdEncoding.EncodeToString(buf.Bytes()))
			if !errors.Is(err, c.err) {
				t.Fatalf("error %v, want %v", err, c.err)
			}
			if tok == nil || tok.T007 == nil {
				t.Fatal("no partial 007 model")
			}
			if got := tok.T007.ServiceCount; got != c.want {
				t.Errorf("service count %d, want %d", got, c.want)
			}
		})
	}
}

// TestPartialServiceRecord: a 007 payload broken inside a service record
// keeps the record in the partial model with what was read of it, the
// fields from the one at fault on marked not read (ServiceCut); ParseInto
// leaves the same model.
func TestPartialServiceRecord(t *testing.T) {
	b, err := os.ReadFile("../../testdata/decode/partial-services.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Cases []struct {
			Name       string   `json:"name"`
			Token      string   `json:"token"`
			Services   int      `json:"services"`
			LastType   uint16   `json:"last_type"`
			NotRead    []string `json:"not_read"`
			Field      string   `json:"field"`
			Channel    *string  `json:"channel"`
			Privileges *int     `json:"privileges"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	for _, c := range f.Cases {
		t.Run(c.Name, func(t *testing.T) {
			tok, err := decode.ParsePartial(c.Token)
			var pe *token.ParseError
			if !errors.As(err, &pe) || pe.Field != c.Field {
				t.Fatalf("error %v, want one at field %s", err, c.Field)
			}
			if tok == nil || tok.T007 == nil {
				t.Fatal("no partial 007 model")
			}
			t7 := tok.T007
			if len(t7.Services) != c.Services {
				t.Fatalf("%d services kept, want %d", len(t7.Services), c.Services)
			}
			var into token.Token
			if err := decode.ParseInto(c.Token, &into); err == nil || into.T007 == nil || !reflect.DeepEqual(into.T007.Services, t7.Services) || into.T007.ServiceCut != t7.ServiceCut {
				t.Errorf("ParseInto: %v, another partial model", err)
			}
			if c.Services == 0 {
				if t7.ServiceCut != 0 {
					t.Errorf("ServiceCut %d without a record", t7.ServiceCut)
				}
				return
			}
			last := len(t7.Services) - 1
			s := t7.Services[last]
			if s.Type != c.LastType {
				t.Errorf("last record of type %d, want %d", s.Type, c.LastType)
			}
			if got := t7.ServiceNotRead(last); !reflect.DeepEqual(got, c.NotRead) {
				t.Errorf("not read %v, want %v", got, c.NotRead)
			}
			for i := 0; i < last; i++ {
				if t7.ServiceNotRead(i) != nil {
					t.Errorf("record %d, before the broken one, is marked partial", i)
				}
			}
			for _, name := range token.ServiceFields(s.Type) {
				if read := t7.ServiceFieldRead(last, name); read == slices.Contains(c.NotRead, name) {
					t.Errorf("field %s read %v", name, read)
				}
			}
			if c.Channel != nil && s.Channel != *c.Channel {
				t.Errorf("channel %q, want %q", s.Channel, *c.Channel)
			}
			if c.Privileges != nil && len(s.Privileges) != *c.Privileges {
				t.Errorf("%d privileges, want %d", len(s.Privileges), *c.Privileges)
			}
		})
	}
}
