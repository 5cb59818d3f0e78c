package audit

import (
	"encoding/json"
	"sort"

	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// LineView is the JSON Lines object of one result: the verify object of the
// JSON contract with the line number, the input's id and, when the run read
// more than one file, the file name.
type LineView struct {
	*report.VerifyView
	File string `json:"file,omitempty"`
}

// View builds the JSON Lines object of a result.
func View(r *Result, withFile bool) *LineView {
	v := &LineView{VerifyView: report.Verify(r.Report)}
	line := r.Line
	v.Line = &line
	if r.Input.ID != nil {
		v.ID = r.Input.ID
	}
	if withFile {
		v.File = r.File
	}
	return v
}

// EncodeLine renders a result as one JSON line (with its "\n").
func EncodeLine(r *Result, withFile bool) ([]byte, error) {
	return AppendLine(make([]byte, 0, 2048), r, withFile)
}

// AppendLine appends the JSON line of a result (with its "\n") to dst.
func AppendLine(dst []byte, r *Result, withFile bool) ([]byte, error) {
	var extra func([]byte) []byte
	if withFile && r.File != "" {
		extra = func(dst []byte) []byte { return report.AppendMember(dst, "file", r.File) }
	}
	var id any
	if r.Input.ID != nil {
		id = r.Input.ID
	}
	line := r.Line
	b, err := report.AppendReport(dst, r.Report, &line, id, extra)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MaxExamples is the number of examples a summary keeps per verdict and per
// finding code.
const MaxExamples = 3

// Example points at one input line.
type Example struct {
	File    string          `json:"file,omitempty"`
	Line    int             `json:"line"`
	ID      json.RawMessage `json:"id,omitempty"`
	Message string          `json:"message"`
}

// Count is how many lines had a verdict or a finding, with the first examples.
type Count struct {
	Code string `json:"code"`
	// Severity is the most serious severity seen (findings only).
	Severity string    `json:"severity,omitempty"`
	Count    int       `json:"count"`
	Examples []Example `json:"examples"`
}

// Summary counts results by verdict and by finding. Its zero value is ready;
// it is not safe for concurrent use (Run's emit is called from one goroutine).
type Summary struct {
	// Lines is the number of results (non-blank input lines).
	Lines int `json:"lines"`
	// OK, Bad and Unchecked split them by verdict: "ok", an error verdict, or
	// signature_unchecked (no error, but no certificate or identity to check
	// the signature with).
	OK        int `json:"ok"`
	Bad       int `json:"bad"`
	Unchecked int `json:"unchecked"`
	// Signatures counts the signature states (valid, invalid, unchecked).
	Signatures map[string]int `json:"signatures"`
	// Verdicts and Findings are sorted by count, most frequent first; a
	// finding is counted once per line that has it.
	Verdicts []*Count `json:"verdicts"`
	Findings []*Count `json:"findings"`
	// Error, when not empty, says why the input was not read to its end
	// (a gzip stream cut short, a read error): the counts cover the lines
	// before it.
	Error string `json:"error,omitempty"`

	verdicts map[string]*Count
	findings map[string]*Count
}

var sevRank = map[verify.Severity]int{verify.SevError: 3, verify.SevWarning: 2, verify.SevInfo: 1}

// Add counts one result.
func (s *Summary) Add(r *Result) {
	if s.verdicts == nil {
		s.verdicts, s.findings, s.Signatures = map[string]*Count{}, map[string]*Count{}, map[string]int{}
	}
	s.Lines++
	rep := r.Report
	if rep.Verdict == verify.CodeSignatureUnchecked {
		s.Unchecked++
	} else if rep.Verdict == "ok" {
		s.OK++
	} else {
		s.Bad++
	}
	s.Signatures[rep.Signature]++
	msg := "no error-level finding"
	for _, f := range rep.Findings {
		if f.Code == rep.Verdict {
			msg = f.Message
			break
		}
	}
	s.bump(s.verdicts, rep.Verdict, "", r, msg)
	for i, f := range rep.Findings {
		dup := false
		for _, g := range rep.Findings[:i] {
			if g.Code == f.Code {
				dup = true
			}
		}
		if !dup {
			s.bump(s.findings, f.Code, f.Severity, r, f.Message)
		} else if c := s.findings[f.Code]; sevRank[f.Severity] > sevRank[verify.Severity(c.Severity)] {
			c.Severity = string(f.Severity)
		}
	}
}

func (s *Summary) bump(m map[string]*Count, code string, sev verify.Severity, r *Result, msg string) {
	c := m[code]
	if c == nil {
		c = &Count{Code: code, Examples: []Example{}}
		m[code] = c
	}
	c.Count++
	if sevRank[sev] > sevRank[verify.Severity(c.Severity)] {
		c.Severity = string(sev)
	}
	if len(c.Examples) < MaxExamples {
		c.Examples = append(c.Examples, Example{File: r.File, Line: r.Line, ID: r.Input.ID, Message: msg})
	}
}

// Finish sorts the counts into Verdicts and Findings; call it once after the
// last Add.
func (s *Summary) Finish() {
	s.Verdicts, s.Findings = sorted(s.verdicts), sorted(s.findings)
	if s.Signatures == nil {
		s.Signatures = map[string]int{}
	}
}

func sorted(m map[string]*Count) []*Count {
	out := make([]*Count, 0, len(m))
	for _, c := range m {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// VerdictCount returns the number of lines with the verdict.
func (s *Summary) VerdictCount(v string) int {
	if c := s.verdicts[v]; c != nil {
		return c.Count
	}
	return 0
}

// FindingCount returns the number of lines with a finding of the code.
func (s *Summary) FindingCount(code string) int {
	if c := s.findings[code]; c != nil {
		return c.Count
	}
	return 0
}
