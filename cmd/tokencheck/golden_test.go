package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGoldenJSON pins the JSON contract: decode --json and verify --json of
// the example tokens must stay byte-identical to the golden files (field
// names are read by other people's scripts). Run with -update to accept a
// deliberate, additive change.
func TestGoldenJSON(t *testing.T) {
	cert := strings.TrimSpace(readFile(t, sampleCert))
	cases := []struct {
		golden string
		args   []string
		token  string
	}{
		{"decode-007.json", []string{"decode", "--json", "-"}, example007},
		{"decode-006.json", []string{"decode", "--json", "-"}, example006},
		{"verify-007.json", []string{"verify", "--json", "--now", "1661271000", "-"}, example007},
		{"verify-006-wrong-uid.json", []string{"verify", "--json", "--now", "1000000", "--channel", "7d72365eb983485397e3e3f9d460bdda", "--account", "2882341274", "-"}, example006},
		{"decode-broken-007.json", []string{"decode", "--json", "-"}, ""},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			tok := "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj"[:120]
			if c.token != "" {
				tok = readFile(t, c.token)
			}
			_, out, _ := runCLI(t, tok, map[string]string{"TOKENCHECK_CERT": cert}, c.args...)
			path := filepath.Join("..", "..", "testdata", "golden", c.golden)
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := readFile(t, path)
			if out != want {
				t.Errorf("output differs from %s (run go test -run TestGoldenJSON -update to accept):\n%s", path, out)
			}
		})
	}
}
