package legacy

import (
	"errors"
	"hash/fnv"
	"reflect"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
)

var sentinels = []error{token.ErrMalformed, token.ErrTruncated, token.ErrTrailingData, token.ErrTooLarge, token.ErrUnsupportedVersion}

// FuzzLegacyParse states the properties of the decoder and the builders:
//
//   - Parse never panics; on error it returns a nil key and a
//     *token.ParseError that wraps one of the sentinels.
//   - A key Parse accepts has the format Recognize names, and
//     Encode(Parse(s)) == s, Parse(Encode(Parse(s))) == Parse(s).
//   - Verify and Recognize never panic.
//   - build → parse → verify: every builder, fed inputs derived from the
//     fuzz string (it is the channel and the account), yields a key that
//     parses back to the inputs and verifies with them.
//
// Seeds are every token of the legacy vectors, the tokens other reference
// languages produced for them, and the reference keys of hostile_test.go.
func FuzzLegacyParse(f *testing.F) {
	seeds := 0
	for _, c := range allCases(f) {
		f.Add(c.token)
		seeds++
		for _, tok := range c.disagree {
			f.Add(tok)
		}
		for _, tok := range c.env {
			f.Add(tok)
		}
	}
	_, divs := loadKnownAnswers(f)
	for _, c := range divs {
		f.Add(c.token)
	}
	for _, s := range kaAll {
		f.Add(s)
		f.Add(s[:len(s)/2])
	}
	if seeds == 0 {
		f.Fatal("no seed found in the vectors")
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkParse(t, s)
		checkBuild(t, s)
	})
}

func checkParse(t *testing.T, s string) {
	r := Recognize(s)
	l, err := Parse(s)
	checkPartial(t, s, l, err)
	if err != nil {
		if l != nil {
			t.Fatalf("Parse returned a key and error %v", err)
		}
		var pe *token.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error %T %v is not a *token.ParseError", err, err)
		}
		known := false
		for _, e := range sentinels {
			known = known || errors.Is(err, e)
		}
		if !known {
			t.Fatalf("error %v wraps no sentinel", err)
		}
		if pe.Offset < 0 || pe.Offset > len(s) && pe.Layer == LayerToken {
			t.Fatalf("error offset %d outside the %d-byte token", pe.Offset, len(s))
		}
		return
	}
	if r.Format != l.Format {
		t.Fatalf("Recognize = %s, Parse = %s", r.Format, l.Format)
	}
	again, err := Encode(l)
	if err != nil {
		t.Fatalf("Encode(Parse(%q)): %v", s, err)
	}
	if again != s {
		t.Fatalf("Encode(Parse(s)) = %q, want %q", again, s)
	}
	l2, err := Parse(again)
	if err != nil || !reflect.DeepEqual(l, l2) {
		t.Fatalf("Parse(Encode(Parse(s))) = %+v, %v; want %+v", l2, err, l)
	}
	Verify(l, VerifyInput{Certificate: "5cfd2fd1755d40ecb72977518be15d3b", Channel: s, HasChannel: true, HasUID: true, Account: s, HasAccount: true})
}

// checkPartial states ParsePartial's properties against Parse's result:
// the same key and no error when Parse succeeds; otherwise the same error,
// and a partial model (if any) of the format whose fields past StoppedAt
// are zero, StoppedAt being set unless the key was read whole (the fault
// lies after its last field).
func checkPartial(t *testing.T, s string, l *token.Legacy, err error) {
	pl, perr := ParsePartial(s)
	if err == nil {
		if perr != nil || !reflect.DeepEqual(pl, l) {
			t.Fatalf("ParsePartial = %+v, %v; Parse = %+v", pl, perr, l)
		}
		return
	}
	if perr == nil || perr.Error() != err.Error() {
		t.Fatalf("ParsePartial error %v, Parse error %v", perr, err)
	}
	if pl == nil {
		return
	}
	var pe *token.ParseError
	past := errors.As(err, &pe) && fixedLen(pl.Format) > 0 && pe.Offset >= fixedLen(pl.Format)
	if pl.StoppedAt == "" && !errors.Is(err, token.ErrTrailingData) && !past {
		// Read whole is right only when the fault lies after the key.
		t.Fatalf("partial model %+v with error %v does not say where it stopped", pl, err)
	}
	if pl.StoppedAt != "" && pl.Read(pl.StoppedAt) {
		t.Fatalf("partial model %+v counts the field at fault as read", pl)
	}
	zero := map[string]bool{
		"signature": pl.Signature == "", "app_id": pl.AppID == "", "unix_ts": pl.UnixTs == 0,
		"random_int": pl.Salt == 0, "uid": pl.UID == 0 && !pl.HasUID, "expired_ts": pl.ExpiredTs == 0 && !pl.HasExpired,
		"service_type": pl.ServiceType == 0, "extra": pl.Extra == nil,
	}
	for _, f := range token.LegacyFields(pl.Format) {
		if !pl.Read(f) && !zero[f] {
			t.Fatalf("partial model %+v holds field %s, which it did not read", pl, f)
		}
	}
}

func checkBuild(t *testing.T, s string) {
	h := fnv.New64a()
	h.Write([]byte(s))
	x := h.Sum64()
	app, cert := "970CA35de60c44645bbae8a215061b33", "5cfd2fd1755d40ecb72977518be15d3b"
	if x&1 == 0 {
		app, cert = strings.ToLower(app), strings.ToUpper(cert)
	}
	c := legacyCase{appID: app, cert: cert, channel: s, account: s,
		ts: uint32(x), salt: uint32(x >> 16), uid: uint32(x >> 32), exp: uint32(x >> 8)}
	if x&2 == 0 {
		c.uid = 0
	}
	var cases []legacyCase
	for _, f := range []token.Version{token.VDK1, token.VDK2, token.V003, token.VSignal} {
		cc := c
		cc.format, cc.kind = f, KindOf(&token.Legacy{Format: f})
		cases = append(cases, cc)
	}
	for _, k := range dk4Kinds {
		cc := c
		cc.format, cc.kind = token.V004, k
		cases = append(cases, cc)
	}
	for _, k := range []KeyKind{KindMediaChannel, KindRecording, KindPublicSharing, KindInChannelPermission} {
		cc := c
		cc.format, cc.kind = token.V005, k
		if k == KindInChannelPermission {
			cc.perm = DK5NoUpload
			if x&4 == 0 {
				cc.perm = DK5AudioVideoUpload
			}
		}
		cases = append(cases, cc)
	}
	for _, cc := range cases {
		tok, err := cc.build()
		if err != nil {
			if cc.format == token.V005 && len(s) > 0xFFFF && errors.Is(err, token.ErrInvalidInput) {
				continue
			}
			t.Fatalf("build %s %s: %v", cc.format, cc.kind, err)
		}
		l, err := Parse(tok)
		if err != nil {
			t.Fatalf("Parse(build %s %s) = %v", cc.format, cc.kind, err)
		}
		cc.token = tok
		if !sameFields(cc, l) || l.Format != cc.format {
			t.Fatalf("Parse(build %s) = %+v, inputs %+v", cc.format, l, cc)
		}
		if r := Verify(l, cc.verifyInput()); r.Status != Valid || r.Kind != cc.kind {
			t.Fatalf("Verify(build %s %s) = %+v", cc.format, cc.kind, r)
		}
	}
}
