package conform_test

import (
	"fmt"
	"path/filepath"
	"strings"
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

// TestPayloadHexFlipped: one hex digit changed anywhere in a case's
// payload_hex fails the case, naming payload_hex and the byte, in every
// format that records a payload (007 inflated payload, 006 and 005 content).
func TestPayloadHexFlipped(t *testing.T) {
	cases := []struct {
		file  string
		digit int // the hex digit changed; the byte is digit/2
		layer string
	}{
		{"005.json", 0, "content"},
		{"005.json", 9, "content"},
		{"005.json", 140, "content"},
		{"006.json", 5, "content"},
		{"006.json", 120, "content"},
		{"007.json", 3, "payload"},
		{"007.json", 200, "payload"},
	}
	reg := conform.DefaultRegistry()
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s/digit %d", c.file, c.digit), func(t *testing.T) {
			f, err := vectors.LoadFile(filepath.Join(vectorDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			var vc *vectors.Case
			for i := range f.Cases {
				if p := f.Cases[i].PayloadHex; p != nil && len(*p) > c.digit {
					vc = &f.Cases[i]
					break
				}
			}
			if vc == nil {
				t.Fatalf("no case with a payload_hex longer than %d digits", c.digit)
			}
			h := []byte(*vc.PayloadHex)
			if h[c.digit] == '0' {
				h[c.digit] = '1'
			} else {
				h[c.digit] = '0'
			}
			s := string(h)
			vc.PayloadHex = &s
			r := conform.CheckCase(f.Format, vc, reg)
			if r.Status != conform.StatusFail {
				t.Fatalf("%s: status %s, want fail", vc.ID, r.Status)
			}
			x := r.First()
			want := fmt.Sprintf("%s byte %d", c.layer, c.digit/2)
			if x.Subject != "payload_hex" || x.Offset == nil || *x.Offset != c.digit/2 || x.Layer != c.layer || !strings.Contains(x.Message, want) {
				t.Errorf("%s: first failure %+v (offset %v), want payload_hex, %q", vc.ID, *x, x.Offset, want)
			}
			if x.Field == "" {
				t.Errorf("%s: the failure names no field: %+v", vc.ID, *x)
			}
		})
	}
}
