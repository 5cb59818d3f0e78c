package legacy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// vectorDir holds the verbatim copies of the shared vectors (see its README).
const vectorDir = "../../testdata/vectors"

// legacyCase is one vector of either file family, normalised.
type legacyCase struct {
	name    string // file/#id/comment, for subtests
	file    string
	id      string
	format  token.Version
	kind    KeyKind
	appID   string
	cert    string
	channel string
	account string
	ts      uint32
	salt    uint32
	uid     uint32
	exp     uint32
	perm    DK5Permission
	token   string
	// contentHex is the base64-decoded DK5 content recorded with the vector.
	contentHex string
	// disagree and env are tokens other implementations produced for the
	// same inputs (cross-language files only).
	disagree map[string]string
	reasons  map[string][]string
	env      map[string]string
}

// The closed schema of the cross-language files (CROSS-LANGUAGE.md). The
// loader fails on an unknown key, so a schema change cannot go unnoticed.
type xlFile struct {
	Format    string          `json:"format"`
	Generator json.RawMessage `json:"generator"`
	Cases     []xlCase        `json:"cases"`
}

type xlCase struct {
	ID                   string              `json:"id"`
	Builder              string              `json:"builder"`
	BuilderAPI           string              `json:"builder_api"`
	Category             string              `json:"category"`
	Inputs               xlInputs            `json:"inputs"`
	Token                *string             `json:"token"`
	Agree                []string            `json:"agree"`
	Disagree             map[string]string   `json:"disagree"`
	DisagreePayloadEqual map[string]*bool    `json:"disagree_payload_equal"`
	DivergenceReasons    map[string][]string `json:"divergence_reasons"`
	NotRun               []string            `json:"not_run"`
	EnvVariants          map[string]string   `json:"env_variants"`
	PayloadHex           *string             `json:"payload_hex"`
	ExpectedError        bool                `json:"expected_error"`
	Errors               map[string]string   `json:"errors"`
}

type xlInputs struct {
	AppID          string  `json:"app_id"`
	AppCertificate string  `json:"app_certificate"`
	Channel        *string `json:"channel"`
	Account        *string `json:"account"`
	Ts             uint32  `json:"ts"`
	Salt           uint32  `json:"salt"`
	UID            uint32  `json:"uid"`
	ExpiredTs      uint32  `json:"expired_ts"`
	Permission     string  `json:"permission"`
}

// known-answers.json: the top level and the legacy entries are closed; other
// entries (006, 007, primitives) are skipped by their format.
type kaFile struct {
	Description   string            `json:"description"`
	Fields        json.RawMessage   `json:"fields"`
	Disagreements json.RawMessage   `json:"disagreements"`
	Vectors       []json.RawMessage `json:"vectors"`
}

type kaVector struct {
	ID                string   `json:"id"`
	Format            string   `json:"format"`
	Builder           string   `json:"builder"`
	Inputs            kaInputs `json:"inputs"`
	Expected          string   `json:"expected"`
	Source            string   `json:"source"`
	AlsoIn            []string `json:"also_in"`
	Kind              string   `json:"kind"`
	SignatureVerified bool     `json:"signature_verified"`
	Notes             string   `json:"notes"`
	ContentHex        string   `json:"content_hex"`
}

type kaInputs struct {
	AppID          string              `json:"app_id"`
	AppCertificate string              `json:"app_certificate"`
	ChannelName    string              `json:"channel_name"`
	Account        string              `json:"account"`
	UnixTs         uint32              `json:"unix_ts"`
	RandomInt      uint32              `json:"random_int"`
	UID            uint32              `json:"uid"`
	ExpiredTs      uint32              `json:"expired_ts"`
	Service        string              `json:"service"`
	ServiceType    uint16              `json:"service_type"`
	Extra          [][]json.RawMessage `json:"extra"`
}

func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

var xlBuilders = map[string]struct {
	format token.Version
	kind   KeyKind
}{
	"dk3":           {token.V003, KindMediaChannel},
	"dk4_public":    {token.V004, KindPublicSharing},
	"dk4_recording": {token.V004, KindRecording},
	"dk4_media":     {token.V004, KindMediaChannel},
	"dk5_media":     {token.V005, KindMediaChannel},
	"dk5_recording": {token.V005, KindRecording},
	"dk5_public":    {token.V005, KindPublicSharing},
	"dk5_inchannel": {token.V005, KindInChannelPermission},
	"signaling":     {token.VSignal, KindSignaling},
}

// loadCrossLanguage reads one of 003.json, 004.json, 005.json, signaling.json.
func loadCrossLanguage(t testing.TB, name string) []legacyCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var f xlFile
	if err := decodeStrict(b, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []legacyCase
	for _, c := range f.Cases {
		bk, ok := xlBuilders[c.Builder]
		if !ok {
			t.Fatalf("%s #%s: unknown builder %q", name, c.ID, c.Builder)
		}
		if c.Token == nil || c.ExpectedError {
			t.Fatalf("%s #%s: no canonical token; the legacy files have none of these", name, c.ID)
		}
		lc := legacyCase{
			name: fmt.Sprintf("%s/#%s/%s", strings.TrimSuffix(name, ".json"), c.ID, c.Category),
			file: name, id: c.ID, format: bk.format, kind: bk.kind,
			appID: c.Inputs.AppID, cert: c.Inputs.AppCertificate,
			ts: c.Inputs.Ts, salt: c.Inputs.Salt, uid: c.Inputs.UID, exp: c.Inputs.ExpiredTs,
			perm: DK5Permission(c.Inputs.Permission), token: *c.Token,
			disagree: c.Disagree, reasons: c.DivergenceReasons, env: c.EnvVariants,
		}
		if c.Inputs.Channel != nil {
			lc.channel = *c.Inputs.Channel
		}
		if c.Inputs.Account != nil {
			lc.account = *c.Inputs.Account
		}
		if c.PayloadHex != nil {
			lc.contentHex = *c.PayloadHex
		}
		out = append(out, lc)
	}
	if len(out) == 0 {
		t.Fatalf("%s: no cases", name)
	}
	return out
}

var kaFormats = map[string]token.Version{
	"dk1": token.VDK1, "dk2": token.VDK2, "dk3": token.V003, "dk4": token.V004, "dk5": token.V005, "signaling": token.VSignal,
}

// loadKnownAnswers returns the legacy build vectors of known-answers.json and,
// separately, its observed-divergence entries of legacy formats.
func loadKnownAnswers(t testing.TB) (builds, divergences []legacyCase) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(vectorDir, "known-answers.json"))
	if err != nil {
		t.Fatalf("read known-answers.json: %v", err)
	}
	var f kaFile
	if err := decodeStrict(b, &f); err != nil {
		t.Fatalf("known-answers.json: %v", err)
	}
	for _, raw := range f.Vectors {
		var head struct {
			Format string `json:"format"`
		}
		if err := json.Unmarshal(raw, &head); err != nil {
			t.Fatalf("known-answers.json: %v", err)
		}
		format, ok := kaFormats[head.Format]
		if !ok {
			continue
		}
		var v kaVector
		if err := decodeStrict(raw, &v); err != nil {
			t.Fatalf("known-answers.json: %v", err)
		}
		in := v.Inputs
		lc := legacyCase{
			name: "known-answers/#" + v.ID + "/" + v.Kind, file: "known-answers.json", id: v.ID, format: format,
			appID: in.AppID, cert: in.AppCertificate, channel: in.ChannelName, account: in.Account,
			ts: in.UnixTs, salt: in.RandomInt, uid: in.UID, exp: in.ExpiredTs,
			token: v.Expected, contentHex: v.ContentHex, kind: KindOf(&token.Legacy{Format: format}),
		}
		switch format {
		case token.V004:
			lc.kind = map[string]KeyKind{"APSS": KindPublicSharing, "ARS": KindRecording, "ACS": KindMediaChannel}[in.Service]
			if lc.kind == KindUnknown {
				t.Fatalf("known-answers.json #%s: unknown DK4 service %q", v.ID, in.Service)
			}
		case token.V005:
			lc.kind = KindOfDK5ServiceType(in.ServiceType)
			if lc.kind == KindUnknown {
				t.Fatalf("known-answers.json #%s: service type %d", v.ID, in.ServiceType)
			}
			for _, pair := range in.Extra {
				var key uint16
				var val string
				if len(pair) != 2 || json.Unmarshal(pair[0], &key) != nil || json.Unmarshal(pair[1], &val) != nil || key != DK5ExtraAllowUpload {
					t.Fatalf("known-answers.json #%s: unexpected extra entry %s", v.ID, pair)
				}
				lc.perm = DK5Permission(val)
			}
		}
		switch v.Kind {
		case "build":
			builds = append(builds, lc)
		case "observed-divergence":
			divergences = append(divergences, lc)
		default:
			t.Fatalf("known-answers.json #%s: unknown kind %q", v.ID, v.Kind)
		}
	}
	return builds, divergences
}

// allCases returns every legacy build vector of every file.
func allCases(t testing.TB) []legacyCase {
	t.Helper()
	var cs []legacyCase
	for _, f := range []string{"003.json", "004.json", "005.json", "signaling.json"} {
		cs = append(cs, loadCrossLanguage(t, f)...)
	}
	ka, _ := loadKnownAnswers(t)
	return append(cs, ka...)
}

// build runs the builder of c's format.
func (c legacyCase) build() (string, error) {
	switch c.format {
	case token.VDK1:
		return BuildDK1(DK1Options{AppID: c.appID, Certificate: c.cert, Channel: c.channel, UnixTs: c.ts, Salt: c.salt})
	case token.VDK2:
		return BuildDK2(DK2Options{AppID: c.appID, Certificate: c.cert, Channel: c.channel, UnixTs: c.ts, Salt: c.salt, UID: c.uid, ExpiredTs: c.exp})
	case token.V003:
		return BuildDK3(DK3Options{AppID: c.appID, Certificate: c.cert, Channel: c.channel, UnixTs: c.ts, Salt: c.salt, UID: c.uid, ExpiredTs: c.exp})
	case token.V004:
		return BuildDK4(DK4Options{Kind: c.kind, AppID: c.appID, Certificate: c.cert, Channel: c.channel, UnixTs: c.ts, Salt: c.salt, UID: c.uid, ExpiredTs: c.exp})
	case token.V005:
		return BuildDK5(DK5Options{Kind: c.kind, AppID: c.appID, Certificate: c.cert, Channel: c.channel, UnixTs: c.ts, Salt: c.salt, UID: c.uid, ExpiredTs: c.exp, Permission: c.perm})
	case token.VSignal:
		return BuildSignaling(SignalingOptions{Account: c.account, AppID: c.appID, Certificate: c.cert, ExpiredTs: c.exp})
	}
	return "", fmt.Errorf("no builder for %q", c.format)
}

// verifyInput is everything the vector knows.
func (c legacyCase) verifyInput() VerifyInput {
	return VerifyInput{Certificate: c.cert, Channel: c.channel, HasChannel: true, UID: c.uid, HasUID: true, Account: c.account, HasAccount: true}
}
