package legacy

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Reference vectors (known-answers.json) used as the base of hostile inputs.
const (
	kaDK1 = "870588aad271ff47094eb622617e89d6b5b5a615970ca35de60c44645bbae8a215061b3314464554720383bbf5"
	kaDK2 = "7666966591a93ee5a3f712e22633f31f0cbc8f13970ca35de60c44645bbae8a215061b3314464554720383bbf528823412731446455471"
	kaDK3 = "0037666966591a93ee5a3f712e22633f31f0cbc8f13970ca35de60c44645bbae8a215061b3314464554720383bbf528823412731446455471"
	kaDK4 = "004d0ec5ee3179c964fe7c0485c045541de6bff332b970ca35de60c44645bbae8a215061b3314464554720383bbf51446455471"
	kaDK5 = "005BAAoADgyNEQxNDE4M0FGRDkyOEQ4REFFMUU1OTg5NTg2MzA3MTEyNjRGNzQQAJcMo13mDERkW7roohUGGzOwKDdW9buDA68oN1YBAAEAAQAw"
	kaSig = "1:970CA35de60c44645bbae8a215061b33:1514219634:82539e1f3973bcfe3f0d0c8993e6c051"
)

var kaAll = []string{kaDK1, kaDK2, kaDK3, kaDK4, kaDK5, kaSig}

// dk5Content returns the decoded content of kaDK5 (service type 4, one extra entry).
func dk5Content(t *testing.T) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(kaDK5[3:])
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func dk5Token(content []byte) string { return "005" + base64.StdEncoding.EncodeToString(content) }

// mutate copies b and applies f.
func mutate(b []byte, f func([]byte) []byte) []byte {
	return f(append([]byte(nil), b...))
}

// TestParseRejects lists malformed inputs with the sentinel, layer, byte
// offset and field that the error must name.
func TestParseRejects(t *testing.T) {
	c := dk5Content(t)
	// content offsets: 0 service_type, 2 signature (len + 40), 44 app_id
	// (len + 16), 62 unix_ts, 66 random_int, 70 expired_ts, 74 extra count,
	// 76 extra[0].key, 78 extra[0].value.
	setU16 := func(off int, v uint16) func([]byte) []byte {
		return func(b []byte) []byte { binary.LittleEndian.PutUint16(b[off:], v); return b }
	}
	tests := []struct {
		name   string
		in     string
		want   error
		layer  string
		offset int
		field  string
		msg    string // a fragment of the message
	}{
		{"empty", "", token.ErrMalformed, LayerToken, 0, "token", "empty"},
		{"short", "00", token.ErrMalformed, LayerToken, 2, "token", "match no legacy key"},
		{"dk4 truncated by 2", kaDK4[:101], token.ErrTruncated, LayerToken, 101, "expired_ts", "looks like a 004 key but is 101 characters, not 103"},
		{"dk4 one extra char", kaDK4 + "0", token.ErrTrailingData, LayerToken, 103, "token", "is 104 characters, not 103"},
		{"dk3 truncated", kaDK3[:112], token.ErrTruncated, LayerToken, 112, "expired_ts", "003 key"},
		{"dk4 minus sign", kaDK4[:93] + "-390330226", token.ErrMalformed, LayerToken, 93, "expired_ts", "negative decimal"},
		{"dk4 non-hex in signature", kaDK4[:10] + "g" + kaDK4[11:], token.ErrMalformed, LayerToken, 10, "signature", "not hex"},
		{"dk4 uppercase signature", kaDK4[:10] + "D" + kaDK4[11:], token.ErrMalformed, LayerToken, 10, "signature", "lowercase"},
		{"dk4 hex in expired_ts", kaDK4[:100] + "abc", token.ErrMalformed, LayerToken, 100, "expired_ts", "decimal digit"},
		{"dk4 expired_ts over 2^32", kaDK4[:93] + "4294967296", token.ErrMalformed, LayerToken, 93, "expired_ts", "exceeds"},
		{"dk1 uppercase random", kaDK1[:85] + "B" + kaDK1[86:], token.ErrMalformed, LayerToken, 85, "random_int", "lowercase"},
		{"dk1 non-hex", kaDK1[:89] + "z", token.ErrMalformed, LayerToken, 89, "random_int", "looks like a DK1 key"},
		{"dk2 uid not decimal", kaDK2[:95] + "a" + kaDK2[96:], token.ErrMalformed, LayerToken, 95, "uid", "decimal digit"},
		{"dk2 truncated", kaDK2[:108], token.ErrTruncated, LayerToken, 108, "expired_ts", "DK2 key"},
		{"hex 105", strings.Repeat("a", 105), token.ErrTruncated, LayerToken, 105, "expired_ts", "DK2 key (110 hex characters, no prefix) but is 105 characters"},
		{"hex 60", strings.Repeat("a", 60), token.ErrUnsupportedVersion, LayerToken, 60, "version", "60 hex characters match no legacy key"},
		{"unknown version", "008abc", token.ErrUnsupportedVersion, LayerToken, 0, "version", "008"},
		{"006 token", "006970ca35de60c44645bbae8a215061b33IACaaaa", token.ErrUnsupportedVersion, LayerToken, 0, "version", "006"},
		{"007 token", "007eJxTYGBg", token.ErrUnsupportedVersion, LayerToken, 0, "version", "007"},
		{"whitespace", " " + kaDK4, token.ErrMalformed, LayerToken, 0, "token", "whitespace"},

		{"dk5 empty content", "005", token.ErrTruncated, LayerContent, 0, "service_type", ""},
		{"dk5 bad base64 char", "005BAA*", token.ErrMalformed, LayerToken, 6, "content", "base64"},
		{"dk5 url-safe alphabet", "005" + strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString([]byte{0xfb, 0xff, 0xbf})), token.ErrMalformed, LayerToken, 3, "content", "base64"},
		{"dk5 missing padding", strings.TrimRight(dk5Token(c[:len(c)-1]), "="), token.ErrMalformed, LayerToken, 107, "content", "base64"},
		{"dk5 line break", kaDK5[:20] + "\n" + kaDK5[20:], token.ErrMalformed, LayerToken, 20, "content", "canonical"},
		{"dk5 nonzero padding bits", "005BAB=", token.ErrMalformed, LayerToken, 6, "content", "base64"},
		{"dk5 truncated content", dk5Token(c[:50]), token.ErrTruncated, LayerContent, 44, "app_id", "exceeds"},
		{"dk5 trailing byte", dk5Token(append(append([]byte(nil), c...), 0)), token.ErrTrailingData, LayerContent, 81, "extra", "1 byte after"},
		{"dk5 service type 0", dk5Token(mutate(c, setU16(0, 0))), token.ErrMalformed, LayerContent, 0, "service_type", "1-4"},
		{"dk5 service type 5", dk5Token(mutate(c, setU16(0, 5))), token.ErrMalformed, LayerContent, 0, "service_type", "1-4"},
		{"dk5 huge signature length", dk5Token(mutate(c, setU16(2, 0xFFFF))), token.ErrTruncated, LayerContent, 2, "signature", "65535"},
		{"dk5 signature 39 bytes", dk5Token(mutate(c, func(b []byte) []byte {
			binary.LittleEndian.PutUint16(b[2:], 39)
			return append(b[:43], b[44:]...)
		})), token.ErrMalformed, LayerContent, 2, "signature", "not 40"},
		{"dk5 lowercase signature", dk5Token(mutate(c, func(b []byte) []byte { b[5] = 'd'; return b })), token.ErrMalformed, LayerContent, 5, "signature", "uppercase"},
		{"dk5 app id 15 bytes", dk5Token(mutate(c, func(b []byte) []byte {
			binary.LittleEndian.PutUint16(b[44:], 15)
			return append(b[:46], b[47:]...)
		})), token.ErrMalformed, LayerContent, 44, "app_id", "not 16"},
		{"dk5 huge extra count", dk5Token(mutate(c, setU16(74, 0xFFFF))), token.ErrTruncated, LayerContent, 74, "extra", "count 65535"},
		{"dk5 huge extra value length", dk5Token(mutate(c, setU16(78, 0xFFFF))), token.ErrTruncated, LayerContent, 78, "extra[0].value", "65535"},
		{"dk5 permission 1", dk5Token(mutate(c, func(b []byte) []byte { b[80] = '1'; return b })), token.ErrMalformed, LayerContent, 74, "extra[0].value", "permission"},
		{"dk5 extra key 2", dk5Token(mutate(c, setU16(76, 2))), token.ErrMalformed, LayerContent, 74, "extra", "key 1"},
		{"dk5 extra on media key", dk5Token(mutate(c, setU16(0, 1))), token.ErrMalformed, LayerContent, 74, "extra", "no extra"},
		{"dk5 no extra on in-channel key", dk5Token(mutate(c, func(b []byte) []byte { binary.LittleEndian.PutUint16(b[74:], 0); return b[:76] })), token.ErrMalformed, LayerContent, 74, "extra", "exactly one"},
		{"dk5 duplicate extra key", dk5Token(mutate(c, func(b []byte) []byte {
			binary.LittleEndian.PutUint16(b[74:], 2)
			return append(b, 1, 0, 1, 0, '3')
		})), token.ErrMalformed, LayerContent, 81, "extra[1].key", "ascending"},

		{"signaling 3 fields", "1:970CA35de60c44645bbae8a215061b33:1514219634", token.ErrMalformed, LayerToken, 45, "token", "3 ':'-separated fields"},
		{"signaling 5 fields", kaSig + ":x", token.ErrMalformed, LayerToken, 80, "token", "5 ':'-separated fields"},
		{"signaling version 2", "2" + kaSig[1:], token.ErrMalformed, LayerToken, 0, "token", "version is \"2\""},
		{"signaling short app id", "1:970CA35de60c44645bbae8a215061b3:1514219634:82539e1f3973bcfe3f0d0c8993e6c051", token.ErrMalformed, LayerToken, 2, "app_id", "31 characters"},
		{"signaling non-hex app id", "1:970CA35de60c44645bbae8a215061b3x:1514219634:82539e1f3973bcfe3f0d0c8993e6c051", token.ErrMalformed, LayerToken, 33, "app_id", "not hex"},
		{"signaling negative expiry", "1:970CA35de60c44645bbae8a215061b33:-1:82539e1f3973bcfe3f0d0c8993e6c051", token.ErrMalformed, LayerToken, 35, "expired_ts", "negative"},
		{"signaling leading zero", "1:970CA35de60c44645bbae8a215061b33:01514219634:82539e1f3973bcfe3f0d0c8993e6c051", token.ErrMalformed, LayerToken, 35, "expired_ts", "leading zero"},
		{"signaling expiry over 2^32", "1:970CA35de60c44645bbae8a215061b33:4294967296:82539e1f3973bcfe3f0d0c8993e6c051", token.ErrMalformed, LayerToken, 35, "expired_ts", "exceeds"},
		{"signaling empty expiry", "1:970CA35de60c44645bbae8a215061b33::82539e1f3973bcfe3f0d0c8993e6c051", token.ErrMalformed, LayerToken, 35, "expired_ts", "empty"},
		{"signaling uppercase md5", kaSig[:50] + "F" + kaSig[51:], token.ErrMalformed, LayerToken, 50, "signature", "lowercase"},
		{"signaling short md5", kaSig[:len(kaSig)-1], token.ErrMalformed, LayerToken, 46, "signature", "31 characters"},

		{"too large", "005" + strings.Repeat("A", token.MaxTokenLength), token.ErrTooLarge, LayerToken, token.MaxTokenLength, "token", "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := Parse(tt.in)
			if err == nil || l != nil {
				t.Fatalf("Parse = %+v, %v; want nil and an error", l, err)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %q does not wrap %q", err, tt.want)
			}
			var pe *token.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *token.ParseError", err)
			}
			if pe.Layer != tt.layer || pe.Offset != tt.offset || pe.Field != tt.field {
				t.Errorf("location = %s byte %d (%s), want %s byte %d (%s): %v", pe.Layer, pe.Offset, pe.Field, tt.layer, tt.offset, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not mention %q", err, tt.msg)
			}
		})
	}
}

// TestTruncations parses every prefix of every reference key: each must fail
// cleanly, except the prefixes that happen to have another key's shape (the
// first 90 or 110 characters of a DK2/DK3 key are all hex, i.e. shaped like
// DK1/DK2), which must then decode as that format.
func TestTruncations(t *testing.T) {
	for _, s := range kaAll {
		for n := 0; n < len(s); n++ {
			p := s[:n]
			l, err := Parse(p)
			if err != nil {
				if l != nil {
					t.Fatalf("Parse(%q) returned a key with error %v", p, err)
				}
				var pe *token.ParseError
				if !errors.As(err, &pe) {
					t.Fatalf("Parse(%q): error %T is not a *token.ParseError", p, err)
				}
				continue
			}
			if (n != LenDK1 || l.Format != token.VDK1) && (n != LenDK2 || l.Format != token.VDK2) {
				t.Fatalf("Parse(%q) = %s, want an error", p, l.Format)
			}
		}
	}
}

// TestEveryByteCorrupted replaces each byte of the DK5 content by each of a
// few values: no panic, and a nil key whenever there is an error.
func TestEveryByteCorrupted(t *testing.T) {
	c := dk5Content(t)
	for i := range c {
		for _, v := range []byte{0x00, 0x01, 0x28, 0x7f, 0xff} {
			b := mutate(c, func(b []byte) []byte { b[i] = v; return b })
			l, err := Parse(dk5Token(b))
			if (err == nil) == (l == nil) {
				t.Fatalf("byte %d = %#x: Parse = %v, %v", i, v, l, err)
			}
		}
	}
	for _, s := range kaAll {
		for i := 0; i < len(s); i++ {
			for _, ch := range []byte{'0', 'F', ':', '-', '=', ' ', 0xff} {
				b := []byte(s)
				b[i] = ch
				l, err := Parse(string(b))
				if (err == nil) == (l == nil) {
					t.Fatalf("%q: Parse = %v, %v", b, l, err)
				}
			}
		}
	}
}

func TestVerifyUnchecked(t *testing.T) {
	const cert = "5cfd2fd1755d40ecb72977518be15d3b"
	parse := func(s string) *token.Legacy {
		l, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	tests := []struct {
		name    string
		l       *token.Legacy
		in      VerifyInput
		status  Status
		missing []string
	}{
		{"nil key", nil, VerifyInput{Certificate: cert}, Unchecked, nil},
		{"dk1 nothing", parse(kaDK1), VerifyInput{}, Unchecked, []string{"certificate", "channel"}},
		{"dk3 no channel", parse(kaDK3), VerifyInput{Certificate: cert}, Unchecked, []string{"channel"}},
		{"dk4 no uid", parse(kaDK4), VerifyInput{Certificate: cert, HasChannel: true}, Unchecked, []string{"uid"}},
		{"dk5 no uid, not a wildcard key", parse(kaDK5), VerifyInput{Certificate: cert, Channel: "7d72365eb983485397e3e3f9d460bdda", HasChannel: true}, Unchecked, []string{"uid"}},
		{"dk5 non-hex certificate", parse(kaDK5), VerifyInput{Certificate: "not hex", HasChannel: true, HasUID: true}, Unchecked, nil},
		{"signaling no account", parse(kaSig), VerifyInput{Certificate: cert}, Unchecked, []string{"account"}},
		{"unknown format", &token.Legacy{Format: token.V007}, VerifyInput{Certificate: cert}, Unchecked, nil},
		{"dk5 uid given, matches neither", parse(kaDK5), VerifyInput{Certificate: cert, Channel: "7d72365eb983485397e3e3f9d460bdda", HasChannel: true, UID: 1, HasUID: true}, Invalid, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Verify(tt.l, tt.in)
			if r.Status != tt.status || strings.Join(r.Missing, ",") != strings.Join(tt.missing, ",") || r.Reason == "" {
				t.Fatalf("Verify = %+v, want %s missing %v with a reason", r, tt.status, tt.missing)
			}
			if (r.Err() != nil) != (tt.status == Invalid) {
				t.Fatalf("Err() = %v for %s", r.Err(), r.Status)
			}
		})
	}
}

// TestDK5WildcardWithoutUID: a key built for uid 0 verifies without a uid.
func TestDK5WildcardWithoutUID(t *testing.T) {
	s, err := BuildDK5(DK5Options{Kind: KindMediaChannel, AppID: "970ca35de60c44645bbae8a215061b33",
		Certificate: "5cfd2fd1755d40ecb72977518be15d3b", Channel: "c", UnixTs: 1, Salt: 2, ExpiredTs: 3})
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	r := Verify(l, VerifyInput{Certificate: "5CFD2FD1755D40ECB72977518BE15D3B", Channel: "c", HasChannel: true})
	if r.Status != Valid || !r.WildcardUID || r.Kind != KindMediaChannel {
		t.Fatalf("Verify = %+v, want valid wildcard media channel key (certificate case does not matter for DK5)", r)
	}
}

// TestDK4Wildcard: a DK4 key built for uid 0 (any user) verifies for any
// uid, and is reported as the wildcard; a key built for uid 5 does not
// verify for uid 6.
func TestDK4Wildcard(t *testing.T) {
	const app, cert = "970ca35de60c44645bbae8a215061b33", "5cfd2fd1755d40ecb72977518be15d3b"
	tests := []struct {
		name          string
		built, joins  uint32
		noUID         bool // no uid given
		valid, wilder bool
	}{
		{"wildcard key, uid 7", 0, 7, false, true, true},
		{"wildcard key, uid 0", 0, 0, false, true, true},
		{"wildcard key, no uid", 0, 0, true, true, true},
		{"uid 5 key, uid 5", 5, 5, false, true, false},
		{"uid 5 key, uid 6", 5, 6, false, false, false},
		{"uid 5 key, uid 0", 5, 0, false, false, false},
		{"uid 5 key, no uid: unchecked", 5, 0, true, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := BuildDK4(DK4Options{Kind: KindRecording, AppID: app, Certificate: cert, Channel: "c", UnixTs: 1, Salt: 2, UID: tt.built, ExpiredTs: 3})
			if err != nil {
				t.Fatal(err)
			}
			l, err := Parse(s)
			if err != nil {
				t.Fatal(err)
			}
			r := Verify(l, VerifyInput{Certificate: cert, Channel: "c", HasChannel: true, UID: tt.joins, HasUID: !tt.noUID})
			if tt.noUID && !tt.valid && (r.Status != Unchecked || len(r.Missing) != 1 || r.Missing[0] != "uid") {
				t.Fatalf("Verify = %+v, want unchecked for want of a uid", r)
			}
			if r.Valid() != tt.valid || r.WildcardUID != tt.wilder {
				t.Fatalf("Verify = %+v, want valid %v, wildcard %v", r, tt.valid, tt.wilder)
			}
			if tt.valid && r.Kind != KindRecording {
				t.Fatalf("Kind = %v, want recording", r.Kind)
			}
		})
	}
}

func TestBuildRejects(t *testing.T) {
	const app, cert = "970ca35de60c44645bbae8a215061b33", "5cfd2fd1755d40ecb72977518be15d3b"
	tests := []struct {
		name  string
		build func() (string, error)
		field string
	}{
		{"dk1 short app id", func() (string, error) { return BuildDK1(DK1Options{AppID: app[1:], Certificate: cert}) }, "app_id"},
		{"dk2 non-hex cert", func() (string, error) { return BuildDK2(DK2Options{AppID: app, Certificate: "x" + cert[1:]}) }, "certificate"},
		{"dk3 empty cert", func() (string, error) { return BuildDK3(DK3Options{AppID: app}) }, "certificate"},
		{"dk4 no kind", func() (string, error) { return BuildDK4(DK4Options{AppID: app, Certificate: cert}) }, "kind"},
		{"dk4 in-channel kind", func() (string, error) {
			return BuildDK4(DK4Options{Kind: KindInChannelPermission, AppID: app, Certificate: cert})
		}, "kind"},
		{"dk5 signaling kind", func() (string, error) {
			return BuildDK5(DK5Options{Kind: KindSignaling, AppID: app, Certificate: cert})
		}, "kind"},
		{"dk5 in-channel without permission", func() (string, error) {
			return BuildDK5(DK5Options{Kind: KindInChannelPermission, AppID: app, Certificate: cert})
		}, "permission"},
		{"dk5 in-channel permission 1", func() (string, error) {
			return BuildDK5(DK5Options{Kind: KindInChannelPermission, AppID: app, Certificate: cert, Permission: "1"})
		}, "permission"},
		{"dk5 permission on media key", func() (string, error) {
			return BuildDK5(DK5Options{Kind: KindMediaChannel, AppID: app, Certificate: cert, Permission: DK5NoUpload})
		}, "permission"},
		{"dk5 channel over 65535 bytes", func() (string, error) {
			return BuildDK5(DK5Options{Kind: KindMediaChannel, AppID: app, Certificate: cert, Channel: strings.Repeat("c", 65536)})
		}, "channel"},
		{"signaling app id with colon", func() (string, error) {
			return BuildSignaling(SignalingOptions{AppID: app[:31] + ":", Certificate: cert})
		}, "app_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := tt.build()
			var ie *token.InputError
			if s != "" || !errors.As(err, &ie) || !errors.Is(err, token.ErrInvalidInput) || ie.Field != tt.field {
				t.Fatalf("build = %q, %v; want an input error on %s", s, err, tt.field)
			}
		})
	}
}

func TestEncodeRejects(t *testing.T) {
	good, err := Parse(kaDK5)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		l    *token.Legacy
	}{
		{"nil", nil},
		{"unknown format", &token.Legacy{Format: "008"}},
		{"dk1 short signature", &token.Legacy{Format: token.VDK1, Signature: "ab", AppID: strings.Repeat("a", 32)}},
		{"dk4 uppercase signature", &token.Legacy{Format: token.V004, Signature: strings.Repeat("A", 40), AppID: strings.Repeat("a", 32)}},
		{"dk5 lowercase signature", func() *token.Legacy { l := *good; l.Signature = strings.ToLower(l.Signature); return &l }()},
		{"dk5 service type 9", func() *token.Legacy { l := *good; l.ServiceType = 9; return &l }()},
		{"dk5 bad app id", func() *token.Legacy { l := *good; l.AppID = "zz"; return &l }()},
		{"dk5 unsorted extra", func() *token.Legacy {
			l := *good
			l.Extra = []token.LegacyExtra{{Key: 2, Value: "0"}, {Key: 1, Value: "0"}}
			return &l
		}()},
		{"signaling non-hex md5", &token.Legacy{Format: token.VSignal, AppID: strings.Repeat("a", 32), Signature: strings.Repeat("g", 32)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Encode(tt.l)
			if s != "" || !errors.Is(err, token.ErrInvalidInput) {
				t.Fatalf("Encode = %q, %v; want an input error", s, err)
			}
		})
	}
}

// TestParsePartial: a broken key of a known format keeps the fields before
// the one at fault, and says where it stopped; Parse itself returns nil.
func TestParsePartial(t *testing.T) {
	tests := []struct {
		name, in, stopped string
		read              []string // fields that must be read
	}{
		{"dk3 cut in expired_ts", kaDK3[:112], "expired_ts", []string{"signature", "app_id", "unix_ts", "random_int", "uid"}},
		{"dk3 non-hex in the app ID", kaDK3[:60] + "g" + kaDK3[61:], "app_id", []string{"signature"}},
		{"dk4 negative expired_ts", kaDK4[:93] + "-390330226", "expired_ts", []string{"signature", "app_id", "unix_ts", "random_int"}},
		{"dk5 cut in expired_ts", "005AQAoAEJERTJDRDdFNkZDNkU0ODYxNkYxQTYwOUVFNTM1M0U5ODNCQjFDNDQQAJcMo13mDERkW7roohUGGzOwKDdW9buDA68oNw==", "expired_ts", []string{"service_type", "signature", "app_id", "unix_ts", "random_int"}},
		{"dk5 bad base64", "005AQAo!", "service_type", nil},
		{"signaling negative expiry", "1:970CA35de60c44645bbae8a215061b33:-1:82539e1f3973bcfe3f0d0c8993e6c051", "expired_ts", []string{"app_id"}},
		{"signaling short md5", kaSig[:len(kaSig)-1], "signature", []string{"app_id", "expired_ts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if l, err := Parse(tt.in); l != nil || err == nil {
				t.Fatalf("Parse = %+v, %v; want nil and an error", l, err)
			}
			l, err := ParsePartial(tt.in)
			if err == nil || l == nil {
				t.Fatalf("ParsePartial = %+v, %v; want a partial model and an error", l, err)
			}
			if l.StoppedAt != tt.stopped {
				t.Errorf("stopped at %q, want %q", l.StoppedAt, tt.stopped)
			}
			for _, f := range tt.read {
				if !l.Read(f) {
					t.Errorf("field %s not read", f)
				}
			}
			if l.Read(tt.stopped) {
				t.Errorf("field at fault %s counted as read", tt.stopped)
			}
			if l.Read("app_id") != (l.AppID != "") {
				t.Errorf("app ID %q, read %v", l.AppID, l.Read("app_id"))
			}
		})
	}
}
