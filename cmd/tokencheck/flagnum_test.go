package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBuildNumericFlagsAreDecimal checks that the 32-bit number flags of the
// builders read decimal only: "010" is ten, not octal eight, and "0x10" is
// refused rather than read as hexadecimal 16.
func TestBuildNumericFlagsAreDecimal(t *testing.T) {
	base := []string{"build", "rtc", "--json", "--app-id", kaApp, "--cert", kaCertVal, "--channel", "c",
		"--issue-ts", "1800000000", "--salt", "1"}
	cases := []struct {
		name   string
		args   []string
		code   int
		field  string // decoded field to check
		want   float64
		stderr string
	}{
		{name: "leading zero expire is decimal", args: []string{"--expire", "0600"}, field: "expire", want: 600},
		{name: "leading zero salt is decimal", args: []string{"--salt", "010"}, field: "salt", want: 10},
		{name: "hex expire refused", args: []string{"--expire", "0x10"}, code: 2, stderr: `--expire "0x10": not a number`},
		{name: "octal prefix refused", args: []string{"--expire", "0o17"}, code: 2, stderr: `--expire "0o17": not a number`},
		{name: "binary prefix refused", args: []string{"--salt", "0b101"}, code: 2, stderr: `--salt "0b101": not a number`},
		{name: "underscores refused", args: []string{"--expire", "1_000"}, code: 2, stderr: `--expire "1_000": not a number`},
		{name: "hex uid refused", args: []string{"--uid", "0x1f"}, code: 2, stderr: `--uid "0x1f": not a number`},
		{name: "hex too large still not a number", args: []string{"--uid", "0x100000000"}, code: 2, stderr: `--uid "0x100000000": not a number`},
		{name: "spaces around a number are named", args: []string{"--uid", " 42 "}, code: 2, stderr: `--uid " 42 ": not a number`},
		{name: "an empty number is named", args: []string{"--salt", ""}, code: 2, stderr: `--salt "": not a number`},
		{name: "decimal too large", args: []string{"--uid", "4294967296"}, code: 2, stderr: "--uid 4294967296: too large for the token field"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", nil, append(append([]string{}, base...), c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, c.code, out, errs)
			}
			if c.stderr != "" && !strings.Contains(errs, c.stderr) {
				t.Errorf("stderr %q lacks %q", errs, c.stderr)
			}
			if c.field == "" {
				if out != "" {
					t.Errorf("stdout on error: %q", out)
				}
				return
			}
			var v struct {
				Decoded map[string]any `json:"decoded"`
			}
			if err := json.Unmarshal([]byte(out), &v); err != nil {
				t.Fatalf("stdout is not JSON: %v\n%s", err, out)
			}
			if got := v.Decoded[c.field]; got != c.want {
				t.Errorf("decoded %s = %v, want %v", c.field, got, c.want)
			}
		})
	}
}

// TestBuildLegacyNumericFlagsAreDecimal checks the same for the legacy keys.
func TestBuildLegacyNumericFlagsAreDecimal(t *testing.T) {
	code, _, errs := runCLI(t, "", nil, "build", "dk4", "--app-id", kaApp, "--cert", kaCertVal, "--channel", "c", "--uid", "0x10")
	if code != 2 || !strings.Contains(errs, `--uid "0x10": not a number`) {
		t.Errorf("dk4 --uid 0x10: exit %d, stderr %q", code, errs)
	}
	code, _, errs = runCLI(t, "", nil, "build", "signaling", "--app-id", kaApp, "--cert", kaCertVal, "--account", "a", "--expired-ts", "0x10")
	if code != 2 || !strings.Contains(errs, `--expired-ts "0x10": not a number`) {
		t.Errorf("signaling --expired-ts 0x10: exit %d, stderr %q", code, errs)
	}
}

// TestBuildCertGivenTwice checks that build, like verify, refuses --cert
// together with --cert-file instead of ignoring the file.
func TestBuildCertGivenTwice(t *testing.T) {
	for _, builder := range []string{"rtc", "dk5", "signaling"} {
		args := []string{"build", builder, "--app-id", kaApp, "--cert", kaCertVal, "--cert-file", "/nonexistent/cert"}
		switch builder {
		case "signaling":
			args = append(args, "--account", "a", "--expired-ts", "5")
		default:
			args = append(args, "--channel", "c")
		}
		code, out, errs := runCLI(t, "", nil, args...)
		if code != 2 || out != "" || !strings.Contains(errs, "--cert or --cert-file, not both") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", builder, code, out, errs)
		}
	}
}

// TestSeedFlagsAreDecimal: the --seed of vectors gen and conform reads
// decimal only, so the seed recorded in the file is the one typed.
func TestSeedFlagsAreDecimal(t *testing.T) {
	cases := []struct {
		seed   string
		code   int
		stdout string // a substring of the file written
		stderr string
	}{
		{seed: "010", stdout: `"seed": 10`},
		{seed: "18446744073709551615", stdout: `"seed": 18446744073709551615`},
		{seed: "0x10", code: 2, stderr: `invalid argument "0x10" for "--seed" flag: must be a non-negative decimal integer`},
		{seed: "-1", code: 2, stderr: `must be a non-negative decimal integer`},
		{seed: " 7", code: 2, stderr: `must be a non-negative decimal integer`},
		{seed: "", code: 2, stderr: `must be a non-negative decimal integer`},
		{seed: "18446744073709551616", code: 2, stderr: `must be a decimal integer from 0 to 18446744073709551615`},
	}
	for _, c := range cases {
		for _, cmd := range [][]string{{"vectors", "gen", "--format", "007", "--count", "1"}, {"conform", "--count", "1"}} {
			t.Run(cmd[0]+" "+c.seed, func(t *testing.T) {
				if cmd[0] == "conform" && c.code == 0 {
					t.Skip("conform needs a builder to run against")
				}
				code, out, errs := runCLI(t, "", nil, append(append([]string{}, cmd...), "--seed", c.seed)...)
				if code != c.code || !strings.Contains(out, c.stdout) || !strings.Contains(errs, c.stderr) {
					t.Errorf("exit %d, stdout %.200q, stderr %q; want exit %d, %q, %q", code, out, errs, c.code, c.stdout, c.stderr)
				}
			})
		}
	}
}
