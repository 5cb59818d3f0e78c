// Package conform checks token builders against tokencheck: it runs
// cross-language vector files (the judge of bit-exactness), drives external
// builders through a JSON-lines protocol, and generates deterministic input
// sets covering the edge cases of the specification.
//
// Every comparison follows the same rules: a 006 token must equal
// tokencheck's build byte for byte; a 007 token must carry the same inflated
// payload (the zlib layer is not signed, and each language's compressor
// writes its own stream). Every token must also decode with the strict
// parser and verify with the certificate.
//
// The package never prints or logs; it returns results.
package conform

import (
	"encoding/json"
	"sort"
)

// Build is a token built from a case's inputs, with what a verifier needs to
// check it: the certificate and, for 006 (whose signature covers them), the
// channel and uid text signed.
type Build struct {
	Token   string
	Cert    string
	Channel *string
	UID     *string
}

// BuildFunc builds the token of one builder key from a case's inputs (the
// JSON object of the vector schema).
type BuildFunc func(inputs json.RawMessage) (*Build, error)

// Builder is one builder key: the format it writes and how to build it.
type Builder struct {
	Format string
	Build  BuildFunc
}

// Registry maps builder keys ("at2", "rtc2_uid", "dk5_media", …) to
// tokencheck's own builders. Formats handled elsewhere (legacy keys) join by
// adding entries; a case whose key has no entry is skipped, not failed.
type Registry map[string]Builder

// Keys lists the registered builder keys of a format ("" = all), sorted.
func (r Registry) Keys(format string) []string {
	var out []string
	for k, b := range r {
		if format == "" || b.Format == format {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// DefaultRegistry returns tokencheck's builders for every builder key of the
// vector schema (006, 007 and the legacy formats, built by package legacy) (CROSS-LANGUAGE.md "Builder keys"). The
// returned map is fresh; callers may add to it.
func DefaultRegistry() Registry {
	r := Registry{}
	for k, f := range builders007 {
		r[k] = Builder{Format: "007", Build: f}
	}
	for k, f := range builders006 {
		r[k] = Builder{Format: "006", Build: f}
	}
	for k, b := range legacyBuilders {
		r[k] = b
	}
	return r
}

func ptr(s string) *string { return &s }
