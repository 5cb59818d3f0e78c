package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tokencheck/tokencheck/pkg/server"
)

// buildAPICase is one case of testdata/cli/build-api.json: the same inputs
// given to the build command and to POST /api/build.
type buildAPICase struct {
	Name     string                     `json:"name"`
	AppID    *string                    `json:"app_id"`
	CLI      []string                   `json:"cli"`
	API      map[string]json.RawMessage `json:"api"`
	Warnings []string                   `json:"warnings"`
	Error    string                     `json:"error"`
	// CLIError and APIError are a refusal that the command line makes as a
	// usage error (exit 2, its stderr holding CLIError) and the API as a 400
	// with the error APIError: a flag the builder does not have, a flag
	// value that is not a number.
	CLIError string `json:"cli_error"`
	APIError string `json:"api_error"`
}

// TestBuildMatchesAPI checks that the build command and POST /api/build
// accept and refuse the same inputs, with the same messages, and build the
// same token with the same warnings.
func TestBuildMatchesAPI(t *testing.T) {
	var file struct {
		Cases []buildAPICase `json:"cases"`
	}
	if err := json.Unmarshal([]byte(readFile(t, "../../testdata/cli/build-api.json")), &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Cases) == 0 {
		t.Fatal("no cases")
	}
	cert := strings.TrimSpace(readFile(t, sampleCert))
	const clock = 1700000000
	h := server.New(server.Config{Now: func() time.Time { return time.Unix(clock, 0) }, Builder: server.EncodeBuilder{}})
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			appID := "970CA35de60c44645bbae8a215061b33"
			if c.AppID != nil {
				appID = *c.AppID
			}
			cliToken, cliWarnings := buildByCLI(t, c, appID, cert)
			apiToken, apiWarnings := buildByAPI(t, h, c, appID, cert)
			if c.Error != "" || c.CLIError != "" {
				return
			}
			if cliToken != apiToken {
				t.Errorf("tokens differ:\n cli %s\n api %s", cliToken, apiToken)
			}
			want := strings.Join(c.Warnings, ",")
			if got := strings.Join(cliWarnings, ","); got != want {
				t.Errorf("cli warnings %q, want %q", got, want)
			}
			if got := strings.Join(apiWarnings, ","); got != want {
				t.Errorf("api warnings %q, want %q", got, want)
			}
		})
	}
}

// buildByCLI runs the build command on the case and returns its token and
// warning codes, or checks its refusal.
func buildByCLI(t *testing.T, c buildAPICase, appID, cert string) (string, []string) {
	t.Helper()
	args := append([]string{"build"}, c.CLI...)
	args = append(args, "--app-id", appID, "--salt", "1", "--json")
	if !hasFlag(c.CLI, "--issue-ts") {
		args = append(args, "--issue-ts", "1700000000")
	}
	code, out, errOut := runCLI(t, "", map[string]string{"TOKENCHECK_CERT": cert}, args...)
	if c.CLIError != "" {
		if code != 2 || !strings.Contains(errOut, c.CLIError) {
			t.Errorf("cli: exit %d, stderr %q; want exit 2 with %q", code, errOut, c.CLIError)
		}
		return "", nil
	}
	if c.Error != "" {
		if code != 1 || !strings.Contains(errOut, "input refused: "+c.Error) {
			t.Errorf("cli: exit %d, stderr %q; want exit 1 with %q", code, errOut, c.Error)
		}
		return "", nil
	}
	if code != 0 {
		t.Fatalf("cli: exit %d: %s", code, errOut)
	}
	var got struct {
		Token    string `json:"token"`
		Warnings []struct {
			Code string `json:"code"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("cli: %v in %s", err, out)
	}
	codes := []string{}
	for _, w := range got.Warnings {
		codes = append(codes, w.Code)
	}
	return got.Token, codes
}

// buildByAPI posts the case to /api/build and returns its token and warning
// codes, or checks its refusal.
func buildByAPI(t *testing.T, h http.Handler, c buildAPICase, appID, cert string) (string, []string) {
	t.Helper()
	req := map[string]any{"app_id": appID, "cert": cert, "salt": 1}
	if _, ok := c.API["issue_ts"]; !ok {
		req["issue_ts"] = 1700000000
	}
	for k, v := range c.API {
		req[k] = v
	}
	body, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/api/build", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, r)
	var got struct {
		Error    string `json:"error"`
		Token    string `json:"token"`
		Warnings []struct {
			Code string `json:"code"`
		} `json:"warnings"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("api: %v in %s", err, rec.Body)
	}
	if want := c.Error + c.APIError; want != "" {
		if rec.Code != http.StatusBadRequest || got.Error != want {
			t.Errorf("api: status %d, error %q; want 400 with %q", rec.Code, got.Error, want)
		}
		return "", nil
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("api: status %d: %s", rec.Code, rec.Body)
	}
	codes := []string{}
	for _, w := range got.Warnings {
		codes = append(codes, w.Code)
	}
	return got.Token, codes
}

// hasFlag reports whether args give the flag.
func hasFlag(args []string, flag string) bool {
	for _, a := range args {
		if a == flag || strings.HasPrefix(a, flag+"=") {
			return true
		}
	}
	return false
}
