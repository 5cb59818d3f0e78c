package legacy

import (
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
)

func TestRecognize(t *testing.T) {
	hex := func(prefix string, n int) string { return prefix + strings.Repeat("a", n-len(prefix)) }
	tests := []struct {
		name     string
		in       string
		format   token.Version
		closest  token.Version
		mismatch Mismatch
		offset   int
		reason   string
	}{
		// FORMATS §2, in order.
		{"dk1", kaDK1, token.VDK1, "", MismatchNone, -1, ""},
		{"dk1 starting with 004", hex("004", 90), token.VDK1, "", MismatchNone, -1, ""},
		{"dk1 starting with 007", hex("007", 90), token.VDK1, "", MismatchNone, -1, ""},
		{"dk1 with uppercase app id", kaDK1[:40] + strings.ToUpper(kaDK1[40:72]) + kaDK1[72:], token.VDK1, "", MismatchNone, -1, ""},
		{"dk2", kaDK2, token.VDK2, "", MismatchNone, -1, ""},
		{"dk2 starting with 003", hex("003", 110), token.VDK2, "", MismatchNone, -1, ""},
		{"dk3", kaDK3, token.V003, "", MismatchNone, -1, ""},
		{"dk4", kaDK4, token.V004, "", MismatchNone, -1, ""},
		{"007", "007eJxTYGBg", token.V007, "", MismatchNone, -1, ""},
		{"006", hex("006", 35), token.V006, "", MismatchNone, -1, ""},
		{"005", kaDK5, token.V005, "", MismatchNone, -1, ""},
		{"005 whatever follows", "005!!", token.V005, "", MismatchNone, -1, ""},
		{"signaling", kaSig, token.VSignal, "", MismatchNone, -1, ""},

		// Closest format and why not.
		{"004 short", kaDK4[:101], "", token.V004, MismatchLength, 101, "looks like a 004 key but is 101 characters, not 103"},
		{"004 long", kaDK4 + "00", "", token.V004, MismatchLength, 103, "looks like a 004 key but is 105 characters, not 103"},
		{"004 java negative", kaDK4[:93] + "-390330226", "", token.V004, MismatchAlphabet, 93, "the character at offset 93 is '-', not hex (a negative decimal"},
		{"004 short and bad char", kaDK4[:50] + "x" + kaDK4[51:100], "", token.V004, MismatchAlphabet, 50, "is 100 characters, not 103 and the character at offset 50 is 'x', not hex"},
		{"003 short", kaDK3[:100], "", token.V003, MismatchLength, 100, "looks like a 003 key but is 100 characters, not 113"},
		{"103 hex without prefix", hex("abc", 103), "", token.V004, MismatchPrefix, 0, "starts with \"abc\", not \"004\""},
		{"113 hex without prefix", hex("abc", 113), "", token.V003, MismatchPrefix, 0, "starts with \"abc\", not \"003\""},
		{"dk1 one short", kaDK1[:89], "", token.VDK1, MismatchLength, 89, "looks like a DK1 key (90 hex characters, no prefix) but is 89 characters, not 90"},
		{"dk2 one long", kaDK2 + "0", "", token.VDK2, MismatchLength, 110, "is 111 characters, not 110"},
		{"dk1 bad char", kaDK1[:60] + "é" + kaDK1[62:], "", token.VDK1, MismatchAlphabet, 60, "the character at offset 60 is 'é', not hex"},
		{"006 short", "006abc", "", token.V006, MismatchLength, 6, "looks like a 006 token but is 6 characters"},
		{"signaling 3 fields", "1:abc:5", "", token.VSignal, MismatchFields, 7, "3 ':'-separated fields, not 4"},
		{"signaling other version", "2:a:b:c", "", token.VSignal, MismatchPrefix, 0, "its version is \"2\""},
		{"whitespace", kaDK4 + "\n", "", token.V004, MismatchWhitespace, 103, "looks like a 004 key but has surrounding whitespace"},
		{"leading whitespace", "  " + kaSig, "", token.VSignal, MismatchWhitespace, 0, "signaling token but has surrounding whitespace"},
		{"unknown version", "008" + strings.Repeat("x", 50), "", "", MismatchPrefix, 0, "version prefix \"008\""},
		{"app id", strings.Repeat("a", 32), "", "", MismatchLength, 32, "an App ID"},
		{"empty", "", "", "", MismatchLength, 0, "empty"},
		{"jwt", "eyJhbGciOiJIUzI1NiJ9.e30.x", "", "", MismatchNone, 0, "no known prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Recognize(tt.in)
			if r.Format != tt.format || r.Closest != tt.closest || r.Mismatch != tt.mismatch || r.Offset != tt.offset {
				t.Fatalf("Recognize = %+v\nwant format %q closest %q mismatch %s offset %d", r, tt.format, tt.closest, tt.mismatch, tt.offset)
			}
			if !strings.Contains(r.Reason, tt.reason) || (tt.reason == "") != (r.Reason == "") {
				t.Fatalf("Reason = %q, want it to contain %q", r.Reason, tt.reason)
			}
			if r.Recognized() != (tt.format != "") || r.String() == "" {
				t.Fatalf("Recognized/String inconsistent: %+v", r)
			}
		})
	}
}

func TestKinds(t *testing.T) {
	for _, k := range []KeyKind{KindUnknown, KindMediaChannel, KindRecording, KindPublicSharing, KindInChannelPermission, KindSignaling} {
		if st, ok := k.DK5ServiceType(); ok && KindOfDK5ServiceType(st) != k {
			t.Errorf("%s: DK5 service type %d round trip", k, st)
		}
	}
	want := map[KeyKind]string{KindPublicSharing: "APSS", KindRecording: "ARS", KindMediaChannel: "ACS"}
	for k, s := range want {
		if got, ok := k.DK4Service(); !ok || got != s {
			t.Errorf("%s.DK4Service() = %q, %v", k, got, ok)
		}
	}
	if _, ok := KindInChannelPermission.DK4Service(); ok {
		t.Error("DK4 has no in-channel permission key")
	}
	if KindOf(nil) != KindUnknown || KindOf(&token.Legacy{Format: token.V004}) != KindUnknown {
		t.Error("a DK4 key does not store its kind")
	}
}

func TestReplacementFor(t *testing.T) {
	tests := []struct {
		format  token.Version
		kind    KeyKind
		builder string
	}{
		{token.VDK1, KindUnknown, BuilderRTCUid},
		{token.VDK2, KindMediaChannel, BuilderRTCUid},
		{token.V003, KindMediaChannel, BuilderRTCUid},
		{token.V004, KindMediaChannel, BuilderRTCUid},
		{token.V004, KindRecording, BuilderRTCUid},
		{token.V004, KindPublicSharing, BuilderRTCUid},
		{token.V004, KindUnknown, BuilderRTCUid},
		{token.V005, KindMediaChannel, BuilderRTCUid},
		{token.V005, KindInChannelPermission, BuilderRTCUidPrivilege},
		{token.VSignal, KindSignaling, BuilderRTM},
	}
	for _, tt := range tests {
		r, ok := ReplacementFor(tt.format, tt.kind)
		if !ok || r.Builder != tt.builder || r.Note == "" || !strings.Contains(r.Message(), tt.builder) {
			t.Errorf("ReplacementFor(%s, %s) = %+v, %v; want %s", tt.format, tt.kind, r, ok, tt.builder)
		}
	}
	for _, v := range []token.Version{token.V006, token.V007, token.VUnknown} {
		if _, ok := ReplacementFor(v, KindUnknown); ok {
			t.Errorf("ReplacementFor(%q) reported a replacement", v)
		}
	}
	r, _ := ReplacementFor(token.V004, KindMediaChannel)
	if want := "a 004 key (media_channel) is a legacy format; build a 007 RtcTokenBuilder2.buildTokenWithUid token instead"; !strings.HasPrefix(r.Message(), want) {
		t.Errorf("Message = %q", r.Message())
	}
}
