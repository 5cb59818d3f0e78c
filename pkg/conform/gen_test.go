package conform_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/conform"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// TestWriteGenerated: the streamed file is byte for byte the indented JSON
// of Generate's file, and reads back as a vector file.
func TestWriteGenerated(t *testing.T) {
	reg := conform.DefaultRegistry()
	cases := []struct {
		format string
		count  int
		seed   uint64
	}{
		{"006", 1, 1},
		{"006", 45, 7},
		{"007", 2, 3},
		{"007", 60, 42},
	}
	for _, c := range cases {
		f, err := conform.Generate(c.format, c.count, c.seed, reg)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(f); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := conform.WriteGenerated(&got, c.format, c.count, c.seed, reg); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s count %d seed %d: streamed file differs from Generate's:\n%.600s\nwant\n%.600s", c.format, c.count, c.seed, got.Bytes(), want.Bytes())
		}
		back, err := vectors.ReadFile(&got)
		if err != nil || len(back.Cases) != c.count {
			t.Errorf("%s count %d: reads back as %v, %v", c.format, c.count, back, err)
		}
	}
}

func TestWriteGeneratedEdges(t *testing.T) {
	reg := conform.DefaultRegistry()
	var b bytes.Buffer
	if err := conform.WriteGenerated(&b, "007", 0, 1, reg); err != nil {
		t.Fatal(err)
	}
	f, err := vectors.ReadFile(bytes.NewReader(b.Bytes()))
	if err != nil || f.Format != "007" || len(f.Cases) != 0 || !bytes.Contains(b.Bytes(), []byte(`"cases": []`)) {
		t.Errorf("count 0: %v %+v\n%s", err, f, b.Bytes())
	}
	if err := conform.WriteGenerated(&b, "005", 1, 1, reg); err == nil {
		t.Error("format 005 accepted")
	}
	if err := conform.WriteGenerated(&b, "006", -1, 1, reg); err == nil {
		t.Error("count -1 accepted")
	}
	// A failing writer stops the run with its error.
	if err := conform.WriteGenerated(failWriter{}, "006", 100000, 1, reg); !errors.Is(err, errWrite) {
		t.Errorf("write error: %v", err)
	}
}

var errWrite = errors.New("disk full")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }
