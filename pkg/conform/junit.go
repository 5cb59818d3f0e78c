package conform

import (
	"encoding/xml"
	"io"
	"strings"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Body    string `xml:",chardata"`
}

// WriteJUnit writes results as JUnit XML: one testsuite per file (in order
// of first appearance), one testcase per case named by its id, with the
// first failure as the message and every failure in the body. Divergent
// cases pass with their note in system-out.
func WriteJUnit(w io.Writer, name string, rs []Result) error {
	doc := junitSuites{Name: name}
	idx := map[string]int{}
	for _, r := range rs {
		i, ok := idx[r.File]
		if !ok {
			i = len(doc.Suites)
			idx[r.File] = i
			doc.Suites = append(doc.Suites, junitSuite{Name: r.File})
		}
		s := &doc.Suites[i]
		c := junitCase{Name: r.ID, Classname: strings.TrimSuffix(r.File, ".json") + "." + r.Builder}
		switch r.Status {
		case StatusFail:
			var body []string
			for _, f := range r.Failures {
				body = append(body, f.String())
			}
			c.Failure = &junitMessage{Message: r.First().String(), Type: r.First().Check, Body: strings.Join(body, "\n")}
			s.Failures++
			doc.Failures++
		case StatusSkip:
			c.Skipped = &junitMessage{Message: r.Note}
			s.Skipped++
			doc.Skipped++
		case StatusDivergent:
			c.SystemOut = r.Note
		}
		s.Tests++
		doc.Tests++
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
