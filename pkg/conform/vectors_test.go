package conform_test

import (
	"path/filepath"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/conform"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

const vectorDir = "../../testdata/vectors"

// TestVectorFiles runs every case of the cross-language files through
// CheckCase (build from the inputs, compare with the recorded token /
// payload / Go string, decode, verify, and every payload-equal output of the
// other references). Every case must have a builder: 006 and 007 from
// package encode, the legacy formats from package legacy.
func TestVectorFiles(t *testing.T) {
	reg := conform.DefaultRegistry()
	for _, name := range []string{"006.json", "007.json", "005.json", "004.json", "003.json", "signaling.json"} {
		f, err := vectors.LoadFile(filepath.Join(vectorDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Cases) == 0 {
			t.Fatalf("%s: no cases", name)
		}
		var passed, skipped int
		for i := range f.Cases {
			c := &f.Cases[i]
			t.Run(name+"/"+c.ID+"/"+c.Category, func(t *testing.T) {
				r := conform.CheckCase(f.Format, c, reg)
				switch r.Status {
				case conform.StatusPass:
					passed++
				case conform.StatusSkip:
					skipped++
					t.Errorf("skipped: %s", r.Note)
				default:
					for _, x := range r.Failures {
						t.Error(x.String())
					}
				}
			})
		}
		t.Logf("%s: %d cases, %d passed, %d skipped", name, len(f.Cases), passed, skipped)
	}
}
