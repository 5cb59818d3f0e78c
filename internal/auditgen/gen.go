// Package auditgen writes audit inputs of any length with known expected
// results: valid, expired, tampered and malformed tokens of both versions,
// bare and as JSON lines, and unreadable lines. Tests and benchmarks of the
// audit pipeline use it.
package auditgen

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Now is the instant the expected results hold for (2023-11-14T22:13:20Z).
const Now = 1700000000

// The second app of the keyring, with a primary and a secondary certificate.
const (
	AppB          = "0123456789abcdef0123456789abcdef"
	AppBPrimary   = "11111111111111111111111111111111"
	AppBSecondary = "22222222222222222222222222222222"
)

// Keyring is the keyring file the expected results assume.
func Keyring() string {
	return verify.SampleAppID + " " + verify.SampleCertificate + "\n" +
		AppB + " " + AppBPrimary + "\n" +
		AppB + " " + AppBSecondary + "\n"
}

// Expected is what an audit of a generated input must report.
type Expected struct {
	Lines    int            `json:"lines"`
	Verdicts map[string]int `json:"verdicts"`
	// Kinds counts the lines of each kind written.
	Kinds map[string]int `json:"kinds"`
}

type kind struct {
	name    string
	verdict string
	lines   []string
}

// poolSize is the number of distinct lines built per kind.
const poolSize = 64

// kinds builds the pools of distinct lines, one pool per kind.
func kinds() ([]kind, error) {
	var ks []kind
	add := func(name, verdict string, f func(i int) (string, error)) error {
		k := kind{name: name, verdict: verdict}
		for i := 0; i < poolSize; i++ {
			s, err := f(i)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			k.lines = append(k.lines, s)
		}
		ks = append(ks, k)
		return nil
	}
	t007 := func(i int, app, cert string, issue, expire uint32) (string, error) {
		m := &token.Token007{AppID: app, IssueTs: issue, Expire: expire, Salt: uint32(1000 + i),
			Services: []token.Service{{Type: token.ServiceRTC, Channel: "room" + strconv.Itoa(i), Account: strconv.Itoa(10000 + i),
				Privileges: []token.Privilege{{ID: 1, Expire: expire}}}}}
		return encode.Token007(m, cert)
	}
	t006 := func(i int, ts uint32) (string, error) {
		m := &token.Token006{AppID: verify.SampleAppID, Salt: uint32(1000 + i), Ts: ts,
			Privileges: []token.Privilege{{ID: 1, Expire: ts - 86400 + 3600}}}
		return encode.Token006(m, verify.SampleCertificate, "room"+strconv.Itoa(i), strconv.Itoa(10000+i))
	}
	jsonLine := func(id string, tok string, i int, withIdentity bool) (string, error) {
		o := map[string]any{"id": id, "token": tok}
		if withIdentity {
			o["channel"] = "room" + strconv.Itoa(i)
			o["uid"] = 10000 + i
		}
		b, err := json.Marshal(o)
		return string(b), err
	}
	steps := []error{
		add("valid-007", "ok", func(i int) (string, error) {
			return t007(i, verify.SampleAppID, verify.SampleCertificate, Now-600, 3600)
		}),
		add("valid-007-secondary", "ok", func(i int) (string, error) { return t007(i, AppB, AppBSecondary, Now-600, 3600) }),
		add("valid-007-json-cert", "ok", func(i int) (string, error) {
			tok, err := t007(i, AppB, "33333333333333333333333333333333", Now-60, 600)
			if err != nil {
				return "", err
			}
			b, err := json.Marshal(map[string]any{"id": i, "token": tok, "cert": "33333333333333333333333333333333", "for": "rtc"})
			return string(b), err
		}),
		add("valid-006", "ok", func(i int) (string, error) {
			tok, err := t006(i, Now+86400-600)
			if err != nil {
				return "", err
			}
			return jsonLine("v6-"+strconv.Itoa(i), tok, i, true)
		}),
		add("expired-007", "expired", func(i int) (string, error) {
			return t007(i, verify.SampleAppID, verify.SampleCertificate, Now-7000-uint32(i), 3600)
		}),
		add("expired-006", "expired", func(i int) (string, error) {
			tok, err := t006(i, Now-3600-uint32(i))
			if err != nil {
				return "", err
			}
			return jsonLine("e6-"+strconv.Itoa(i), tok, i, true)
		}),
		add("tampered-007", "bad_signature", func(i int) (string, error) {
			m := &token.Token007{AppID: verify.SampleAppID, IssueTs: Now - 600, Expire: 3600, Salt: uint32(2000 + i),
				Services: []token.Service{{Type: token.ServiceRTC, Channel: "room" + strconv.Itoa(i), Account: "", Privileges: []token.Privilege{{ID: 1, Expire: 3600}}}}}
			p, err := encode.Payload007(m, verify.SampleCertificate)
			if err != nil {
				return "", err
			}
			p[2+i%32] ^= 0x01
			return encode.String007(p), nil
		}),
		add("tampered-006", "bad_signature", func(i int) (string, error) {
			tok, err := t006(i, Now+86400-600)
			if err != nil {
				return "", err
			}
			content, err := base64.StdEncoding.DecodeString(tok[35:])
			if err != nil {
				return "", err
			}
			content[2+i%32] ^= 0x80
			return jsonLine("t6-"+strconv.Itoa(i), tok[:35]+base64.StdEncoding.EncodeToString(content), i, true)
		}),
		add("truncated-007", "malformed", func(i int) (string, error) {
			tok, err := t007(i, verify.SampleAppID, verify.SampleCertificate, Now-600, 3600)
			return tok[:len(tok)-1-i%20], err
		}),
		add("truncated-006", "malformed", func(i int) (string, error) {
			tok, err := t006(i, Now+86400-600)
			return tok[:len(tok)-4-i%20], err
		}),
		add("unknown-version", "unsupported_version", func(i int) (string, error) { return "008hello" + strconv.Itoa(i), nil }),
		add("bad-json", "bad_input", func(i int) (string, error) { return `{"id": ` + strconv.Itoa(i) + `, "token": 5}`, nil }),
		// Not in the default mix: one app's valid tokens under its primary
		// certificate, as a gateway log of that app holds them.
		add("valid-007-app", "ok", func(i int) (string, error) { return t007(i, AppB, AppBPrimary, Now-600, 3600) }),
	}
	for _, err := range steps {
		if err != nil {
			return nil, err
		}
	}
	return ks, nil
}

// weights sets how often each kind appears (in the order of kinds): mostly
// valid and expired tokens, as in real logs.
var weights = []int{30, 5, 5, 10, 20, 5, 5, 5, 5, 4, 3, 3, 0}

// Generate writes n lines (each ending in "\n") drawn with a deterministic
// random sequence from seed, and returns the counts an audit at Now with
// Keyring must report.
func Generate(w io.Writer, n int, seed uint64) (Expected, error) {
	return GenerateKinds(w, n, seed)
}

// GenerateKinds is Generate restricted to the kinds named (all kinds when
// none is), in their usual proportions. "valid-007-app", named alone, gives
// a file of bare, valid 007 tokens of one app, signed with its primary
// certificate (a kind left out of the default mix).
func GenerateKinds(w io.Writer, n int, seed uint64, names ...string) (Expected, error) {
	ks, err := kinds()
	if err != nil {
		return Expected{}, err
	}
	wts := append([]int(nil), weights...)
	if len(names) > 0 {
		for i := range wts {
			keep := false
			for _, name := range names {
				keep = keep || ks[i].name == name
			}
			switch {
			case !keep:
				wts[i] = 0
			case wts[i] == 0:
				wts[i] = 1 // a kind outside the default mix, named
			}
		}
	}
	total := 0
	for _, x := range wts {
		total += x
	}
	if total == 0 {
		return Expected{}, fmt.Errorf("auditgen: no kind named %q", names)
	}
	exp := Expected{Verdicts: map[string]int{}, Kinds: map[string]int{}}
	bw := bufio.NewWriterSize(w, 256<<10)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	for i := 0; i < n; i++ {
		r := rng.IntN(total)
		k := 0
		for r >= wts[k] {
			r -= wts[k]
			k++
		}
		line := ks[k].lines[rng.IntN(poolSize)]
		if _, err := bw.WriteString(line); err != nil {
			return Expected{}, err
		}
		if err := bw.WriteByte('\n'); err != nil {
			return Expected{}, err
		}
		exp.Lines++
		exp.Verdicts[ks[k].verdict]++
		exp.Kinds[ks[k].name]++
	}
	return exp, bw.Flush()
}
