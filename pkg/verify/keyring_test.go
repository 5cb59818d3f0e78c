package verify_test

import (
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/verify"
)

func TestParseKeyring(t *testing.T) {
	const app = "970CA35de60c44645bbae8a215061b33"
	const cert = "5CFd2fd1755d40ecb72977518be15d3b"
	cases := []struct {
		name   string
		text   string
		labels []string // labels registered for app, in order
		err    string   // substring of the error; "" = no error
	}{
		{"plain", app + " " + cert + "\n", []string{"primary"}, ""},
		{"crlf", app + " " + cert + "\r\n" + app + " " + cert + " old\r\n", []string{"primary", "old"}, ""},
		{"bom", "\ufeff" + app + " " + cert + "\n", []string{"primary"}, ""},
		{"bom before a comment", "\ufeff# keys\n" + app + " " + cert + "\n", []string{"primary"}, ""},
		{"comments and blanks", "# keys\n\n   \n" + app + "\t" + cert + "\n", []string{"primary"}, ""},
		{"one field", app + "\n", nil, "keyring line 1: want"},
		{"four fields", app + " " + cert + " a b\n", nil, "keyring line 1: want"},
		{"bad app id", "zz " + cert + "\n", nil, "keyring line 1: app ID"},
		{"bad certificate on line 2", app + " " + cert + "\n" + app + " 123\n", nil, "keyring line 2: certificate"},
		{"bom inside a line", app + " \ufeff" + cert + "\n", nil, "keyring line 1: certificate"},
		{"too many certificates", strings.Repeat(app+" "+cert+"\n", verify.MaxKeyringEntries+1), nil, "keyring line 100001: more than 100000 certificates"},
		{"line over 1 MiB", app + " " + cert + "\n" + strings.Repeat("#", 1<<20+1) + "\n", nil, "keyring line 2: longer than 1048576 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := verify.ParseKeyring(strings.NewReader(c.text))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				if strings.Contains(err.Error(), cert) {
					t.Fatalf("error %q reveals the certificate", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := k.For(app)
			if len(got) != len(c.labels) {
				t.Fatalf("%d certificates, want %d", len(got), len(c.labels))
			}
			for i, l := range c.labels {
				if got[i].Label != l || got[i].Value != cert {
					t.Errorf("certificate %d: label %q, want %q", i, got[i].Label, l)
				}
			}
		})
	}
}

// TestKeyringLetterCase: app IDs are hex, written in any case (the legacy
// vectors use lowercase, the 006/007 ones mixed case): a keyring line in
// another case still applies when no line has the exact spelling.
func TestKeyringLetterCase(t *testing.T) {
	const cert = "5CFd2fd1755d40ecb72977518be15d3b"
	k, err := verify.ParseKeyring(strings.NewReader("970ca35de60c44645bbae8a215061b33 " + cert + "\n" +
		"00000000000000000000000000000abc 00000000000000000000000000000000 exact\n" +
		"00000000000000000000000000000ABC 11111111111111111111111111111111 upper\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := k.For("970CA35de60c44645bbae8a215061b33"); len(got) != 1 || got[0].Value != cert {
		t.Errorf("For(mixed case) = %v, want the lowercase line's certificate", got)
	}
	if got := k.For("00000000000000000000000000000abc"); len(got) != 1 || got[0].Label != "exact" {
		t.Errorf("For(exact spelling) = %v, want only the exact line", got)
	}
	if got := k.For("00000000000000000000000000000Abc"); len(got) != 2 {
		t.Errorf("For(a third spelling) = %v, want both lines", got)
	}
}
