package conform_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/conform"
	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/vectors"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// What a divergent reference emits, and what tokencheck does about it.
const (
	// emitsSamePayload: a different string over the identical payload; decode
	// and verify must accept it.
	emitsSamePayload = "same payload"
	// emitsValidToken: a different but well-formed, correctly signed token;
	// decode and verify must accept it (the signature covers the bytes as
	// written), and Classify must name the cause.
	emitsValidToken = "valid token"
	// emitsCorrupt: a token whose bytes do not describe its inputs (a wrapped
	// length); verify must refuse it.
	emitsCorrupt = "corrupt token"
	// emitsError: the reference fails; tokencheck builds the canonical token.
	emitsError = "error"
)

// divergences lists every cause code of CROSS-LANGUAGE.md with the side
// tokencheck follows and why. TestDivergences fails on a code missing here.
var divergences = map[string]struct {
	emits   string
	follows string
}{
	"ZLIB_STREAM_GO":   {emitsSamePayload, "tokencheck writes Go's compress/zlib stream (it is a Go program; the string equals disagree[\"go\"]); the zlib layer is unsigned, so every valid stream of the same payload is accepted"},
	"ZLIB_STREAM_NODE": {emitsSamePayload, "Node's bundled zlib writes another valid stream of the same payload: accepted, compared by payload"},
	"PHP_006_PRIVILEGES_IN_INSERTION_ORDER": {emitsValidToken, "tokencheck writes sorted keys like the majority (Python, Go, C++, Java, Node.js) and the format's \"keys ascending\"; " +
		"the PHP token is accepted because the signature covers the bytes as written"},
	"RUBY_006_PRIVILEGES_IN_INSERTION_ORDER": {emitsValidToken, "sorted keys like the majority; Ruby's insertion-order map is accepted (signed as written)"},
	"PERL_006_PRIVILEGE_KEYS_STRING_SORT":    {emitsValidToken, "numeric key order like the majority; Perl's text order is accepted (signed as written)"},
	"JAVA_PRIVILEGE_KEYS_SIGNED_SHORT":       {emitsValidToken, "unsigned key order like every other reference; Java's signed order is accepted (signed as written)"},
	"JAVA_006_ROLE_SET": {emitsValidToken, "the Python/Go/C++/Node.js/PHP role table (Attendee, Publisher, Admin publish; Subscriber joins only), documented in FORMATS.md 12.1; " +
		"a Java token is a valid token with other privileges"},
	"RUBY_006_ROLE_SET":            {emitsValidToken, "the majority role table, as for Java"},
	"RUBY_006_UID_0_AS_STRING_0":   {emitsValidToken, "uid 0 is the empty text (FORMATS.md 1.2, every other reference); Ruby's token verifies for uid text \"0\""},
	"PHP_UID_0_PACKED_AS_STRING_0": {emitsValidToken, "uid 0 is the empty text; PHP's 007 token is valid and carries uid \"0\""},
	"JAVA_006_UID_SIGNED_INT":      {emitsValidToken, "uids are unsigned decimals; Java's token verifies for the negative text it signed"},
	"PERL_006_UID_NUMERIC_COMPARE": {emitsValidToken, "accounts are kept as given; Perl's token verifies for the empty uid it signed"},
	"NODE_ROOMUSER_NO_APAAS_PRIVILEGE": {emitsValidToken, "the room-user token carries the APaaS room-user privilege (Python, Go, C++, PHP, Ruby, Java); " +
		"Node's empty map is a valid token"},
	"JAVA_ROOMUSER_CHAT_PRIVILEGE_ON_RTM": {emitsValidToken, "the Chat privilege belongs to the Chat service (every other reference); Java's token is valid"},
	"NODE_APAAS_ROLE_0_BECOMES_MINUS_1":   {emitsValidToken, "the role is written as given (0 stays 0); Node's -1 is a valid token"},
	"JAVA_DEFAULT_CHARSET":                {emitsValidToken, "strings are UTF-8 bytes; Java under LANG=C signs '?' for each non-ASCII character, a valid token for those '?' names"},
	"LENGTH_OVER_65535_WRAPPED": {emitsCorrupt, "a string over 65535 bytes cannot be described by the u16 length: tokencheck refuses to build (like Python and Node.js); " +
		"the wrapped tokens are refused by verify"},
	"CPP_PACKER_HEAP_OVERFLOW":          {emitsError, "tokencheck builds strings of any length up to 65535 bytes"},
	"PHP_EMPTY_PRIVILEGE_MAP_TYPEERROR": {emitsError, "a service without privileges is built (an empty map), like every other reference"},
	"PHP_006_EMPTY_CHANNEL_REJECTED":    {emitsError, "an empty channel/account is built, like every other reference"},
	"RUBY_BINARY_UTF8_CONCAT":           {emitsError, "non-ASCII input is signed as its UTF-8 bytes, like every other reference"},
}

// TestDivergences checks, for every divergence recorded in the 006 and 007
// vector files, the behaviour stated in the table above: tokencheck's build
// is the canonical token (CheckCase passes), and the divergent output is
// accepted, refused or irrelevant as stated.
func TestDivergences(t *testing.T) {
	reg := conform.DefaultRegistry()
	seen := map[string]int{}
	for _, name := range []string{"006.json", "007.json"} {
		f, err := vectors.LoadFile(filepath.Join(vectorDir, name))
		if err != nil {
			t.Fatal(err)
		}
		for i := range f.Cases {
			c := &f.Cases[i]
			for impl, codes := range c.DivergenceReasons {
				for _, code := range codes {
					seen[code]++
					d, ok := divergences[code]
					if !ok {
						t.Errorf("%s: cause %s has no stated behaviour", c.ID, code)
						continue
					}
					t.Run(code+"/"+c.ID+"/"+impl, func(t *testing.T) {
						b, ok := reg[c.Builder]
						if !ok {
							t.Skipf("no builder for %s", c.Builder)
						}
						if r := conform.CheckCase(f.Format, c, reg); r.Status != conform.StatusPass {
							t.Fatalf("tokencheck does not produce the canonical outcome (%s): %v", d.follows, r.Failures)
						}
						out, ok := c.Disagree[impl]
						if !ok {
							out = c.EnvVariants[impl]
						}
						if d.emits == emitsError {
							if !vectors.IsError(out) {
								t.Fatalf("expected an error from %s, got %.40s", impl, out)
							}
							return
						}
						ours, berr := b.Build(c.Inputs)
						if d.emits == emitsCorrupt {
							if berr == nil {
								t.Fatalf("tokencheck built a token for inputs it must refuse")
							}
							if r := verify.Inspect(out, &verify.Expectations{Strict: true}); r.Verdict == "ok" {
								t.Errorf("the wrapped token of %s was accepted (%s)", impl, d.follows)
							}
							return
						}
						if berr != nil {
							t.Fatal(berr)
						}
						if !acceptedSomehow(out, ours, c) {
							t.Fatalf("%s's token is not accepted by decode+verify (%s)", impl, d.follows)
						}
						if d.emits == emitsValidToken && code != "JAVA_DEFAULT_CHARSET" {
							theirs, err := decode.Parse(out)
							if err != nil {
								t.Fatal(err)
							}
							mine, err := decode.Parse(ours.Token)
							if err != nil {
								t.Fatal(err)
							}
							got := conform.Classify(theirs, mine, ours.UID)
							if want := conform.CauseCodes[code]; !slices.Contains(got, want) {
								t.Errorf("Classify = %v, want it to contain %s", got, want)
							}
						}
					})
				}
			}
		}
	}
	for code := range divergences {
		if seen[code] == 0 {
			t.Errorf("cause %s is stated but occurs in no vector", code)
		}
	}
}

// acceptedSomehow reports whether tok decodes strictly and verifies with the
// case's certificate, for 006 under one of the channel/uid texts a
// divergent reference signs: the inputs' own, uid "0", the signed 32-bit
// text, the empty uid, or '?' for every non-ASCII character.
func acceptedSomehow(tok string, ours *conform.Build, c *vectors.Case) bool {
	if _, f := conform.Inspect("", tok, ours); f == nil {
		return true
	}
	if ours.UID == nil || ours.Channel == nil {
		return false
	}
	uids := []string{"0", "", signed(*ours.UID), ascii(*ours.UID)}
	for _, ch := range []string{*ours.Channel, ascii(*ours.Channel)} {
		for _, u := range uids {
			b := *ours
			b.Channel, b.UID = &ch, &u
			if _, f := conform.Inspect("", tok, &b); f == nil {
				return true
			}
		}
	}
	return false
}

func ascii(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x80 {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func signed(uid string) string {
	var v uint64
	for _, c := range uid {
		if c < '0' || c > '9' {
			return uid
		}
		v = v*10 + uint64(c-'0')
	}
	if v >= 1<<32 || uid == "" {
		return uid
	}
	n := int64(int32(uint32(v)))
	if n >= 0 {
		return uid
	}
	return "-" + itoa(uint64(-n))
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b []byte
	for v > 0 {
		b = append([]byte{byte('0' + v%10)}, b...)
		v /= 10
	}
	return string(b)
}

// TestCauses: Causes is sorted, and holds every divergence CauseCodes maps
// to, and nothing else.
func TestCauses(t *testing.T) {
	if !slices.IsSorted(conform.Causes) {
		t.Errorf("Causes not sorted: %v", conform.Causes)
	}
	mapped := map[string]bool{}
	for _, d := range conform.CauseCodes {
		mapped[d] = true
	}
	for _, c := range conform.Causes {
		if !mapped[c] {
			t.Errorf("%s: no cause code maps to it", c)
		}
	}
	for d := range mapped {
		if !conform.IsCause(d) {
			t.Errorf("%s: missing from Causes", d)
		}
	}
	cases := []struct {
		name string
		want bool
	}{
		{conform.DivRoomUserNoAPaaSPrivilege, true},
		{"bogus_cause", false},
		{"", false},
		{"NODE_ROOMUSER_NO_APAAS_PRIVILEGE", false},
	}
	for _, c := range cases {
		if got := conform.IsCause(c.name); got != c.want {
			t.Errorf("IsCause(%q) = %v, want %v", c.name, got, c.want)
		}
	}
}
