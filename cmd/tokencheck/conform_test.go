package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/conform"
	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// TestMain lets the test binary play an external builder for the conform
// tests: with TOKENCHECK_TEST_ADAPTER=good it answers with tokencheck's own
// builds, with "roomuser" it drops the APaaS privilege of room-user tokens
// (re-signed, like npm agora-token does), with "flip" it changes one
// character of every 006 token. With TOKENCHECK_TEST_MAIN=1 it is the
// tokencheck command itself (its arguments are the command's), for the tests
// that need a process of their own: signals, umask, another user.
func TestMain(m *testing.M) {
	if os.Getenv("TOKENCHECK_TEST_MAIN") == "1" {
		main()
	}
	mode := os.Getenv("TOKENCHECK_TEST_ADAPTER")
	if mode == "" {
		os.Exit(m.Run())
	}
	reg := conform.DefaultRegistry()
	var mutate func(req *conform.Request, tok string) string
	switch mode {
	case "flip":
		mutate = func(_ *conform.Request, tok string) string {
			if strings.HasPrefix(tok, "006") {
				return tok[:40] + "A" + tok[41:]
			}
			return tok
		}
	case "roomuser":
		mutate = dropAPaaSPrivilege
	}
	if err := conform.Serve(os.Stdin, os.Stdout, reg, mutate); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func TestConformCLI(t *testing.T) {
	self := func(mode string) string { return "TOKENCHECK_TEST_ADAPTER=" + mode + " " + os.Args[0] }
	junit := filepath.Join(t.TempDir(), "conform.xml")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"self", []string{"conform", "--exec", self("good"), "--count", "30", "--seed", "9", "--junit", junit}, 0,
			[]string{"generated-006-seed9 (006): 30 cases, 30 passed", "generated-007-seed9 (007): 30 cases, 30 passed"}, nil},
		{"given cases", []string{"conform", "--exec", self("good"), "--cases", vectorDir + "/006.json", "--no-parse"}, 0,
			[]string{"195 cases, 195 passed"}, nil},
		{"flipped 006", []string{"conform", "--exec", self("flip"), "--count", "5", "--format", "006"}, 1,
			[]string{"5 failed"}, []string{"006-", "token byte 40"}},
		{"documented divergence, not allowed", []string{"conform", "--exec", self("roomuser"), "--count", "80", "--format", "007", "--seed", "2"}, 1,
			nil, []string{"room_user", "roomuser_no_apaas_privilege"}},
		{"documented divergence, allowed", []string{"conform", "--exec", self("roomuser"), "--count", "80", "--format", "007", "--seed", "2",
			"--allow", "roomuser_no_apaas_privilege"}, 0, []string{"divergent", "0 failed"}, nil},
		{"dead process", []string{"conform", "--exec", "echo oops >&2; exit 4", "--count", "2", "--format", "007"}, 2,
			nil, []string{`"echo oops >&2; exit 4" could not be started`, "exit status 4", "stderr: oops"}},
		{"command not found", []string{"conform", "--exec", "/nonexistent/binary", "--count", "2", "--seed", "1"}, 2,
			nil, []string{`"/nonexistent/binary" could not be started`, "exit status 127", "not found"}},
		{"command not executable", []string{"conform", "--exec", os.DevNull, "--count", "2", "--seed", "1"}, 2,
			nil, []string{"could not be started", "exit status 126"}},
		{"unknown cause", []string{"conform", "--exec", self("good"), "--count", "2", "--allow", "roomuser_no_apaas_privilege,bogus_cause"}, 2,
			nil, []string{`--allow "bogus_cause": unknown divergence cause; want one of apaas_role_0_as_minus_1, privilege_order,`, "uid_signed_int"}},
		{"cause code instead of cause", []string{"conform", "--exec", self("good"), "--count", "2", "--allow", "NODE_APAAS_ROLE_0_BECOMES_MINUS_1"}, 2,
			nil, []string{"unknown divergence cause", "the cause code NODE_APAAS_ROLE_0_BECOMES_MINUS_1 is the divergence apaas_role_0_as_minus_1"}},
		{"count too large", []string{"conform", "--exec", self("good"), "--count", "100000000"}, 2,
			nil, []string{"--count 100000000: want 0..100000 cases per format"}},
		{"one case", []string{"conform", "--exec", self("flip"), "--count", "1", "--format", "006"}, 1,
			[]string{"generated-006-seed1 (006): 1 case, 0 passed, 1 failed", "total: 1 case,"}, []string{"1 of 1 case failed"}},
		{"no exec", []string{"conform", "--count", "2"}, 2, nil, []string{"--exec COMMAND is required"}},
		{"bad format", []string{"conform", "--exec", "true", "--format", "005"}, 2, nil, []string{"--format"}},
		{"timeout 0", []string{"conform", "--exec", "true", "--count", "1", "--timeout", "0"}, 2, nil, []string{"--timeout 0s: want a positive duration"}},
		{"negative timeout", []string{"conform", "--exec", "true", "--count", "1", "--timeout", "-1s"}, 2, nil, []string{"--timeout -1s: want a positive duration"}},
		{"cases with count", []string{"conform", "--exec", "true", "--cases", vectorDir + "/006.json", "--count", "2"}, 2,
			nil, []string{"--count is for generated cases: give --cases FILE… or --count N --seed S, not both"}},
		{"cases with format", []string{"conform", "--exec", "true", "--cases", vectorDir + "/006.json", "--format", "007"}, 2,
			nil, []string{"--format is for generated cases"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", nil, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d\nstdout: %.3000s\nstderr: %s", code, c.code, out, errs)
			}
			for _, s := range c.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q", s)
				}
			}
			for _, s := range c.stderr {
				if !strings.Contains(errs, s) {
					t.Errorf("stderr lacks %q: %s", s, errs)
				}
			}
		})
	}
	if b, err := os.ReadFile(junit); err != nil || !strings.Contains(string(b), `tests="60" failures="0"`) {
		t.Errorf("JUnit report: %v\n%s", err, b)
	}
}

// dropAPaaSPrivilege rebuilds a room-user token without the APaaS privilege
// (what npm agora-token writes), signed with the request's certificate.
func dropAPaaSPrivilege(req *conform.Request, tok string) string {
	if req.Builder != "apaas_room_user" && req.Builder != "edu_room_user" {
		return tok
	}
	in, err := vectors.ParseInputs(req.Inputs)
	if err != nil {
		return tok
	}
	t, err := decode.Parse(tok)
	if err != nil {
		return tok
	}
	m := t.T007
	for i := range m.Services {
		if m.Services[i].Type == token.ServiceAPaaS {
			m.Services[i].Privileges = nil
		}
	}
	s, err := encode.Token007(m, in.Cert)
	if err != nil {
		return tok
	}
	return s
}
