// Command genaudit writes a generated audit input and prints the expected
// counts as JSON on stderr:
//
//	go run ./internal/auditgen/cmd/genaudit -n 1000000 -o /tmp/tokens.txt -keyring /tmp/keyring.txt
//	tokencheck audit --keyring /tmp/keyring.txt --now 1700000000 --format json /tmp/tokens.txt
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/tokencheck/tokencheck/internal/auditgen"
)

func main() {
	n := flag.Int("n", 1000000, "number of lines")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "", "output file (default stdout)")
	kr := flag.String("keyring", "", "also write the keyring the expected counts assume to this file")
	flag.Parse()
	if err := run(*n, *seed, *out, *kr); err != nil {
		fmt.Fprintln(os.Stderr, "genaudit: error:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, out, kr string) error {
	w := os.Stdout
	if out != "" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	exp, err := auditgen.Generate(w, n, seed)
	if err != nil {
		return err
	}
	if w != os.Stdout {
		if err := w.Close(); err != nil {
			return err
		}
	}
	if kr != "" {
		if err := os.WriteFile(kr, []byte(auditgen.Keyring()), 0o600); err != nil {
			return err
		}
	}
	enc := json.NewEncoder(os.Stderr)
	enc.SetIndent("", "  ")
	return enc.Encode(exp)
}
