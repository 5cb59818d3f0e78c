package server

import (
	"os"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
)

// The published sample token and certificate (testdata/examples/README.md):
// valid from 1661270015 for 3600 s.
const (
	exampleToken = "../../testdata/examples/rtc-rtm-chat-apaas-007.token"
	exampleCert  = "../../testdata/examples/sample.cert"
	exampleNow   = 1661271000
	exampleAppID = "970CA35de60c44645bbae8a215061b33"
	// exampleLater is two hours after exampleNow: the token has expired.
	exampleLater = exampleNow + 7200
)

func readTrimmed(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// sample returns the example token and its certificate.
func sample(t *testing.T) (tok, cert string) {
	t.Helper()
	return readTrimmed(t, exampleToken), readTrimmed(t, exampleCert)
}

// tampered returns the example token with its first signature byte flipped,
// re-encoded as a well-formed token: it decodes but does not verify.
func tampered(t *testing.T, tok string) string {
	t.Helper()
	m, err := decode.Parse(tok)
	if err != nil {
		t.Fatal(err)
	}
	m.T007.Signature[0] ^= 0x01
	p, err := encode.Marshal007(m.T007)
	if err != nil {
		t.Fatal(err)
	}
	return encode.String007(p)
}
