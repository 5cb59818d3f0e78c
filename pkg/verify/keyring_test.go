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
// vectors use lowercase, the 006/007 ones mixed case): every keyring line
// whose app ID differs at most in case applies, in file order, so that a
// secondary certificate written in another case is still tried; default
// labels count the app's lines in any case.
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
	for _, app := range []string{"00000000000000000000000000000abc", "00000000000000000000000000000Abc"} {
		if got := k.For(app); len(got) != 2 || got[0].Label != "exact" || got[1].Label != "upper" {
			t.Errorf("For(%s) = %v, want both lines in file order", app, got)
		}
	}
	k, err = verify.ParseKeyring(strings.NewReader("00000000000000000000000000000abc " + cert + "\n" +
		"00000000000000000000000000000ABC 11111111111111111111111111111111\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := k.For("00000000000000000000000000000abc"); len(got) != 2 || got[0].Label != "primary" || got[1].Label != "secondary" {
		t.Errorf("default labels %v, want primary then secondary", got)
	}
}

// TestKeyringLabelLikeCertificate: a second certificate written on the
// first one's line would be shown as a label; it is refused, naming the
// line and never the value.
func TestKeyringLabelLikeCertificate(t *testing.T) {
	const second = "11111111111111111111111111111111"
	for _, label := range []string{second, second + ",", `"` + second + `"`, "secondary=" + second, second + "0"} {
		_, err := verify.ParseKeyring(strings.NewReader("# app\n970CA35de60c44645bbae8a215061b33 5CFd2fd1755d40ecb72977518be15d3b " + label + "\n"))
		if err == nil || !strings.Contains(err.Error(), "keyring line 2: the label holds 32 hexadecimal characters in a row") || strings.Contains(err.Error(), second) {
			t.Errorf("label %q: error %v", label, err)
		}
	}
	// A label of fewer hex digits in a row is a label.
	if _, err := verify.ParseKeyring(strings.NewReader("970CA35de60c44645bbae8a215061b33 5CFd2fd1755d40ecb72977518be15d3b backup-2024-0123456789abcdef\n")); err != nil {
		t.Errorf("an ordinary label: %v", err)
	}
}
