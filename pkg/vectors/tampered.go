package vectors

import (
	"encoding/json"
	"fmt"
)

// TamperedFile is tampered.json: tokens derived from valid vectors and
// broken in known ways, with the verdict a strict checker must return.
type TamperedFile struct {
	Format            string            `json:"format"`
	Generator         json.RawMessage   `json:"generator"`
	Verdicts          map[string]string `json:"verdicts"`
	VerdictPrecedence string            `json:"verdict_precedence"`
	Cases             []TamperedCase    `json:"cases"`
}

// TamperedCase is one tampered token. Channel and UID (006 only) are what
// the checker is told the token is for; UID is text exactly as signed.
type TamperedCase struct {
	ID                 string            `json:"id"`
	Format             string            `json:"format"`
	DerivedFrom        string            `json:"derived_from"`
	Tampering          string            `json:"tampering"`
	Description        string            `json:"description"`
	Token              string            `json:"token"`
	Cert               string            `json:"app_certificate"`
	CertForCheck       string            `json:"certificate_for_check"`
	Channel            *string           `json:"channel,omitempty"`
	UID                *string           `json:"uid,omitempty"`
	ExpectedVerdict    string            `json:"expected_verdict"`
	ReferenceBehaviour map[string]string `json:"reference_behaviour"`
}

// LoadTampered reads a tampered-token file, refusing a file larger than
// MaxFileBytes, unknown keys and a "format" other than "tampered".
func LoadTampered(path string) (*TamperedFile, error) {
	b, err := ReadBytes(path)
	if err != nil {
		return nil, err
	}
	return DecodeTampered(path, b)
}

// DecodeTampered decodes the bytes of a tampered-token file read from path
// with the checks of LoadTampered; errors name path.
func DecodeTampered(path string, b []byte) (*TamperedFile, error) {
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("%s: %w", path, tooLarge(int64(len(b))))
	}
	var f TamperedFile
	if err := decodeObject(b, &f, "a tampered-token file"); err != nil {
		return nil, withPath(path, err)
	}
	if f.Format != "tampered" {
		return nil, fmt.Errorf("%s: a tampered-token file (with \"verdicts\") has format \"tampered\", found %q", path, f.Format)
	}
	return &f, nil
}
