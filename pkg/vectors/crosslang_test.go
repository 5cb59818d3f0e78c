package vectors_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// TestLoadFileErrors: a file that is not a vector file is refused with a
// message that says what was found instead, and where.
func TestLoadFileErrors(t *testing.T) {
	cases := []struct {
		name, body string
		want       string
	}{
		{"empty", "", `FILE: empty file, want a vector file object {"format", "cases"}`},
		{"blank", " \n\t\n", `FILE: empty file, want a vector file object {"format", "cases"}`},
		{"array", `[{"format": "006"}]`, `FILE: a vector file is a JSON object with "format" and "cases", found an array`},
		{"string", `"006"`, `FILE: a vector file is a JSON object with "format" and "cases", found a string`},
		{"syntax", "{\n \"format\": \"006\",\n \"cases\": [\n  {\"id\": \"a\",}\n ]\n}\n",
			"FILE: invalid JSON at line 4, column 14: invalid character '}'"},
		{"truncated", "{\n \"format\": \"006\",\n \"cases\": [", "FILE: invalid JSON at line 3, column 11: unexpected end of JSON input"},
		{"trailing data", `{"format": "006", "cases": []} x`, "FILE: invalid JSON at line 1, column 32: invalid character 'x' after top-level value"},
		{"wrong type", "{\n \"format\": \"006\",\n \"cases\": [\n  {\"id\": 1}\n ]\n}\n",
			"FILE: line 4, column 10: cases.id: found a JSON number, want a string"},
		{"unknown key", `{"format": "006", "cases": [], "extra": 1}`, `FILE: unknown field "extra"`},
		{"no format", `{"cases": []}`, `FILE: no "format" field`},
		{"inputs not an object", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": "x"}]}`,
			`FILE: case a: inputs: found a string, want an object`},
		{"inputs null", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": null}]}`,
			`FILE: case a: inputs: found null, want an object`},
		{"inputs unknown key", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": {"app_id": "x", "zzz": 1}}]}`,
			`FILE: case a: inputs: unknown field "zzz"`},
		{"inputs wrong type", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": {"salt": "5"}}]}`,
			`FILE: case a: inputs.salt: found a JSON string, want a number in the range of uint32`},
		{"inputs out of range", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": {"salt": 1099511627776}}]}`,
			`FILE: case a: inputs.salt: found a JSON number 1099511627776, want a number in the range of uint32`},
		// encoding/json takes a key in another case and keeps the last of
		// a repeated one; the file is read as written.
		{"key in another case", `{"Format": "006", "cases": []}`, `FILE: line 1, column 2: key "Format", want "format" (keys are case-sensitive)`},
		{"case key in another case", `{"format": "006", "cases": [{"id": "a", "BUILDER": "rtc1_uid", "inputs": {}}]}`,
			`FILE: line 1, column 41: key "BUILDER", want "builder"`},
		{"inputs key in another case", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": {"Salt": 1}}]}`,
			`FILE: line 1, column 75: key "Salt", want "salt"`},
		{"key twice", `{"format": "007", "format": "006", "cases": []}`, `FILE: line 1, column 19: key "format" given twice: give each key once`},
		{"cases twice", `{"format": "006", "cases": [], "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": {}}]}`, `FILE: line 1, column 32: key "cases" given twice`},
		{"map key twice", `{"format": "006", "cases": [{"id": "a", "builder": "rtc1_uid", "inputs": {}, "disagree": {"go": "x", "go": "y"}}]}`,
			`FILE: line 1, column 102: key "go" given twice`},
		{"unknown format", `{"format": "009", "cases": [{"id": "a", "builder": "rtc_uid", "inputs": {}}]}`,
			`unknown format "009" in FILE: want 003, 004, 005, 006, 007, signaling or tampered`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "v.json")
			if err := os.WriteFile(p, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := vectors.LoadFile(p)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := strings.ReplaceAll(err.Error(), p, "FILE"); !strings.HasPrefix(got, c.want) {
				t.Errorf("error\n%s\nwant it to start with\n%s", got, c.want)
			}
		})
	}
}

func TestFormatError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "v.json")
	if err := os.WriteFile(p, []byte(`{"format": "009", "cases": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := vectors.LoadFile(p)
	var fe *vectors.FormatError
	if !errors.As(err, &fe) || fe.Format != "009" || fe.Path != p {
		t.Fatalf("%#v", err)
	}
}

// TestLoadFileFormats: every vector file in testdata/vectors loads, with
// its format among vectors.Formats.
func TestLoadFileFormats(t *testing.T) {
	for _, name := range []string{"003", "004", "005", "006", "007", "signaling"} {
		f, err := vectors.LoadFile(filepath.Join("../../testdata/vectors", name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != name {
			t.Errorf("%s: format %q", name, f.Format)
		}
	}
	if _, err := vectors.LoadTampered("../../testdata/vectors/tampered.json"); err != nil {
		t.Fatal(err)
	}
}

func TestLoadTamperedErrors(t *testing.T) {
	cases := []struct {
		name, body string
		want       string
	}{
		{"empty", "", "FILE: empty file, want a tampered-token file object"},
		{"wrong format", `{"format": "007", "verdicts": {}, "cases": []}`, `FILE: a tampered-token file (with "verdicts") has format "tampered", found "007"`},
		{"syntax", "{\"format\": \"tampered\",\n\"verdicts\": {]}", "FILE: invalid JSON at line 2, column 14"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "t.json")
			if err := os.WriteFile(p, []byte(c.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := vectors.LoadTampered(p)
			if err == nil {
				t.Fatal("accepted")
			}
			if got := strings.ReplaceAll(err.Error(), p, "FILE"); !strings.HasPrefix(got, c.want) {
				t.Errorf("error\n%s\nwant it to start with\n%s", got, c.want)
			}
		})
	}
}

// TestLoadHugeFile: a file larger than vectors.MaxFileBytes is refused by
// its size, before it is read, whichever loader reads it.
func TestLoadHugeFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.json")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"format": "007", "cases": [`); err != nil {
		t.Fatal(err)
	}
	// A sparse file: the size is what matters.
	if err := f.Truncate(vectors.MaxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%s: %d bytes: a vector file is at most %d bytes (256 MiB)", p, vectors.MaxFileBytes+1, vectors.MaxFileBytes)
	loaders := []struct {
		name string
		load func(string) error
	}{
		{"LoadFile", func(p string) error { _, err := vectors.LoadFile(p); return err }},
		{"LoadTampered", func(p string) error { _, err := vectors.LoadTampered(p); return err }},
		{"ReadBytes", func(p string) error { _, err := vectors.ReadBytes(p); return err }},
	}
	for _, l := range loaders {
		t.Run(l.name, func(t *testing.T) {
			err := l.load(p)
			if err == nil || err.Error() != want {
				t.Errorf("error %v, want %s", err, want)
			}
		})
	}
}
