package encode

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// ruleAppIDNoSpace is the rule AppIDSpace names.
const ruleAppIDNoSpace = ruleHex32 + ", without surrounding whitespace"

// AppIDSpace refuses an App ID with whitespace before or after it, naming
// the whitespace: app_id: 32 hexadecimal characters, without surrounding
// whitespace (is 33 bytes: a trailing space). The builders refuse such an
// App ID too, but only by its length or its first character that is not
// hexadecimal, which hides a space pasted with the value. The build command
// and the server's POST /api/build call it before building, so both refuse
// the same App IDs with the same message; nil when there is no such
// whitespace.
func AppIDSpace(appID string) error {
	return surroundingSpace("app_id", ruleAppIDNoSpace, appID)
}

// surroundingSpace refuses a value with whitespace before or after it,
// naming the whitespace: a length error alone ("is 33 bytes") hides a
// trailing space pasted with the value.
func surroundingSpace(field, rule, v string) error {
	t := strings.TrimSpace(v)
	if t == v {
		return nil
	}
	lead := v[:strings.Index(v, t)]
	if t == "" {
		lead = v
	}
	trail := v[len(lead)+len(t):]
	var parts []string
	if lead != "" {
		parts = append(parts, whitespaceName(lead, "leading"))
	}
	if trail != "" {
		parts = append(parts, whitespaceName(trail, "trailing"))
	}
	return &token.InputError{Field: field, Rule: rule,
		Detail: fmt.Sprintf("is %s: %s", token.Plural(len(v), "byte"), strings.Join(parts, " and "))}
}

// whitespaceName names a run of whitespace: "a trailing space", "2 leading
// tabs", "a trailing line break", "3 bytes of leading whitespace".
func whitespaceName(run, where string) string {
	one := map[string]string{" ": "space", "\t": "tab", "\n": "line break", "\r": "carriage return", "\r\n": "line break"}
	if name, ok := one[run]; ok {
		return "a " + where + " " + name
	}
	for _, c := range []string{" ", "\t"} {
		if strings.Trim(run, c) == "" {
			return strconv.Itoa(len(run)) + " " + where + " " + one[c] + "s"
		}
	}
	return token.Plural(len(run), "byte") + " of " + where + " whitespace"
}
