package fuzz

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// vectorGlob names every vector file; seeds come from all of them, the
// tampered and known-answer files included.
const vectorGlob = "../testdata/vectors/*.json"

// verifySeed is a token with what is needed to check its signature.
type verifySeed struct {
	token, cert, channel, uid string
}

// seedSet is everything the vector files yield as fuzz seeds.
type seedSet struct {
	tokens   []string     // every token string (valid, divergent, tampered, negative)
	payloads [][]byte     // 007 inflated payloads (payload_hex and decoded tokens)
	contents [][]byte     // 006 base64-decoded contents (content_hex and decoded tokens)
	verify   []verifySeed // tokens with their certificate, channel and uid
}

var (
	seedsOnce sync.Once
	seeds     seedSet
	seedsErr  error
)

// loadSeeds reads the vector files once. It fails the test when no file or
// no token is found, so that a moved testdata directory cannot silently turn
// the fuzz targets into no-ops.
func loadSeeds(tb testing.TB) *seedSet {
	tb.Helper()
	seedsOnce.Do(func() { seeds, seedsErr = readSeeds() })
	if seedsErr != nil {
		tb.Fatalf("loading seeds: %v", seedsErr)
	}
	if len(seeds.tokens) == 0 || len(seeds.payloads) == 0 || len(seeds.contents) == 0 || len(seeds.verify) == 0 {
		tb.Fatalf("no seeds found under %s (tokens %d, payloads %d, contents %d, verify %d)",
			vectorGlob, len(seeds.tokens), len(seeds.payloads), len(seeds.contents), len(seeds.verify))
	}
	return &seeds
}

func readSeeds() (seedSet, error) {
	var s seedSet
	files, err := filepath.Glob(vectorGlob)
	if err != nil {
		return s, err
	}
	tokens := map[string]bool{}
	payloads := map[string]bool{}
	contents := map[string]bool{}
	verifies := map[verifySeed]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return s, err
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			return s, &os.PathError{Op: "parse", Path: f, Err: err}
		}
		walkSeeds(doc, "", tokens, payloads, contents, verifies)
	}
	// Decoding the tokens gives payloads and contents that reached the
	// field parsers, whatever their outer encoding.
	for tok := range tokens {
		t, err := decode.Parse(tok)
		if err != nil {
			continue
		}
		switch t.Version {
		case token.V007:
			payloads[string(t.T007.Payload)] = true
		case token.V006:
			contents[string(t.T006.Content)] = true
		}
	}
	s.tokens = sortedKeys(tokens)
	for _, p := range sortedKeys(payloads) {
		s.payloads = append(s.payloads, []byte(p))
	}
	for _, c := range sortedKeys(contents) {
		s.contents = append(s.contents, []byte(c))
	}
	for v := range verifies {
		s.verify = append(s.verify, v)
	}
	sort.Slice(s.verify, func(i, j int) bool { return s.verify[i].token < s.verify[j].token })
	return s, nil
}

// walkSeeds collects the string values of the keys that hold tokens
// ("token", "expected", and every entry of "disagree" and "env_variants"),
// the hex payloads and contents, and for objects that carry a token the
// certificate, channel and uid that go with it.
func walkSeeds(x any, key string, tokens, payloads, contents map[string]bool, verifies map[verifySeed]bool) {
	switch v := x.(type) {
	case map[string]any:
		if key == "disagree" || key == "env_variants" {
			for _, e := range v {
				if s, ok := e.(string); ok && s != "" {
					tokens[s] = true
				}
			}
		}
		for _, k := range []string{"token", "expected"} {
			tok, ok := v[k].(string)
			if !ok || tok == "" {
				continue
			}
			tokens[tok] = true
			in, _ := v["inputs"].(map[string]any)
			cert := firstString(v["certificate_for_check"], v["app_certificate"], in["app_certificate"])
			if cert != "" {
				verifies[verifySeed{
					token:   tok,
					cert:    cert,
					channel: firstString(v["channel"], in["channel"], in["channel_name"]),
					uid:     firstString(v["uid"], v["account"], in["uid"], in["account"]),
				}] = true
			}
		}
		for _, k := range []string{"payload_hex", "content_hex"} {
			h, ok := v[k].(string)
			if !ok {
				continue
			}
			b, err := hex.DecodeString(h)
			if err != nil || len(b) == 0 {
				continue
			}
			if k == "payload_hex" {
				payloads[string(b)] = true
			} else {
				contents[string(b)] = true
			}
		}
		for k, e := range v {
			walkSeeds(e, k, tokens, payloads, contents, verifies)
		}
	case []any:
		for _, e := range v {
			walkSeeds(e, key, tokens, payloads, contents, verifies)
		}
	}
}

func firstString(vs ...any) string {
	for _, v := range vs {
		if s, ok := v.(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestSeedsFound guards the seed loader itself: every vector file must
// contribute, and the corpus must reach both the 006 and 007 parsers.
func TestSeedsFound(t *testing.T) {
	s := loadSeeds(t)
	files, _ := filepath.Glob(vectorGlob)
	if len(files) < 8 {
		t.Fatalf("found %d vector files under %s, want at least 8", len(files), vectorGlob)
	}
	var v6, v7 int
	for _, tok := range s.tokens {
		if tt, err := decode.Parse(tok); err == nil {
			switch tt.Version {
			case token.V006:
				v6++
			case token.V007:
				v7++
			}
		}
	}
	if v6 == 0 || v7 == 0 {
		t.Fatalf("seed tokens decode to %d 006 and %d 007 tokens; want both", v6, v7)
	}
	t.Logf("%d tokens (%d valid 006, %d valid 007), %d payloads, %d contents, %d with certificates",
		len(s.tokens), v6, v7, len(s.payloads), len(s.contents), len(s.verify))
}
