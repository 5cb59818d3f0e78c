package encode_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// TestEncodersRefuseMalformedModels: the low-level encoders refuse, with a
// *token.InputError naming the field, every model decode would judge
// malformed, instead of returning a token that does not decode.
func TestEncodersRefuseMalformedModels(t *testing.T) {
	const app = verify.SampleAppID
	cert := verify.SampleCertificate
	rtc := func(p ...token.Privilege) []token.Service {
		return []token.Service{{Type: token.ServiceRTC, Channel: "c", Account: "1", Privileges: p}}
	}
	many := make([]token.Privilege, 40)
	for i := range many {
		many[i] = token.Privilege{ID: uint16(100 + i)}
	}
	many[39].ID = 105
	cases007 := []struct {
		name  string
		model token.Token007
		field string
	}{
		{"zero model", token.Token007{}, "app_id"},
		{"app ID too short", token.Token007{AppID: "970ca35d", Services: rtc()}, "app_id"},
		{"app ID not hexadecimal", token.Token007{AppID: strings.Repeat("g", 32), Services: rtc()}, "app_id"},
		{"no service", token.Token007{AppID: app, Expire: 600}, "services"},
		{"repeated privilege", token.Token007{AppID: app, Services: rtc(token.Privilege{ID: 1}, token.Privilege{ID: 1, Expire: 5})}, "services[0].privileges"},
		{"repeated privilege in a long map", token.Token007{AppID: app, Services: rtc(many...)}, "services[0].privileges"},
	}
	for _, c := range cases007 {
		t.Run("007/"+c.name, func(t *testing.T) {
			m := c.model
			s, err := encode.Token007(&m, cert)
			checkInputError(t, s, err, c.field)
			_, err = encode.Marshal007(&m)
			checkInputError(t, "", err, c.field)
		})
	}
	cases006 := []struct {
		name  string
		model token.Token006
		field string
	}{
		{"zero model", token.Token006{}, "app_id"},
		{"app ID with a space", token.Token006{AppID: app[:31] + " "}, "app_id"},
		{"repeated privilege", token.Token006{AppID: app, Privileges: []token.Privilege{{ID: 1}, {ID: 2}, {ID: 1}}}, "privileges"},
	}
	for _, c := range cases006 {
		t.Run("006/"+c.name, func(t *testing.T) {
			m := c.model
			s, err := encode.Token006(&m, cert, "c", "1")
			checkInputError(t, s, err, c.field)
		})
	}
	// The smallest models that pass decode well-formed.
	ok7 := token.Token007{AppID: app, Expire: 600, Services: rtc(token.Privilege{ID: 1})}
	s, err := encode.Token007(&ok7, cert)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decode.Parse(s); err != nil {
		t.Errorf("a valid 007 model: %v", err)
	}
	ok6 := token.Token006{AppID: app}
	if s, err = encode.Token006(&ok6, cert, "c", "1"); err != nil {
		t.Fatal(err)
	}
	if _, err := decode.Parse(s); err != nil {
		t.Errorf("a valid 006 model: %v", err)
	}
}

func checkInputError(t *testing.T, s string, err error, field string) {
	t.Helper()
	var ie *token.InputError
	if !errors.As(err, &ie) || !errors.Is(err, token.ErrInvalidInput) {
		t.Fatalf("got %q, %v; want a *token.InputError", s, err)
	}
	if ie.Field != field {
		t.Errorf("error %q names field %q, want %q", err, ie.Field, field)
	}
	if s != "" {
		t.Errorf("a token was returned with the error: %q", s)
	}
}

// TestToken007LeavesModel: Token007 does not write to the model, so one model
// may be built from several goroutines at once (run with -race); every build
// gives the same token, Payload007's signature view included.
func TestToken007LeavesModel(t *testing.T) {
	m := &token.Token007{AppID: verify.SampleAppID, IssueTs: 1700000000, Expire: 3600, Salt: 7,
		Services: []token.Service{{Type: token.ServiceRTC, Channel: "room", Account: "42",
			Privileges: []token.Privilege{{ID: 1, Expire: 3600}}}}}
	want, err := encode.Token007(m, verify.SampleCertificate)
	if err != nil {
		t.Fatal(err)
	}
	if m.Signature != nil {
		t.Fatalf("Token007 set the model's signature: %x", m.Signature)
	}
	got := make(chan string, 8)
	for range cap(got) {
		go func() {
			s, err := encode.Token007(m, verify.SampleCertificate)
			if err != nil {
				s = err.Error()
			}
			got <- s
		}()
	}
	for range cap(got) {
		if s := <-got; s != want {
			t.Fatalf("concurrent build gave %q, want %q", s, want)
		}
	}
	p, err := encode.Payload007(m, verify.SampleCertificate)
	if err != nil {
		t.Fatal(err)
	}
	if s := encode.String007(p); s != want {
		t.Fatalf("Payload007 + String007 = %q, want %q", s, want)
	}
	tok, err := decode.Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Signature) != string(tok.T007.Signature) {
		t.Fatalf("Payload007 set the signature %x, the token carries %x", m.Signature, tok.T007.Signature)
	}
}
