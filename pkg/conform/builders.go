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
	"fmt"
	"sort"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
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

// DefaultRegistry returns tokencheck's builders for every builder key it
// knows. The returned map is fresh; callers may add to it.
func DefaultRegistry() Registry {
	r := Registry{
		"at2":          {"007", buildAT2},
		"at1":          {"006", buildAT1},
		"rtc1_uid":     {"006", buildRTC1UID},
		"rtc1_account": {"006", buildRTC1Account},
		"rtm1":         {"006", buildRTM1},
	}
	return r
}

func ptr(s string) *string { return &s }

// buildAT2 writes AccessToken2 with the services and privileges listed,
// sorted as every reference sorts them: services by type (stable),
// privileges by id.
func buildAT2(raw json.RawMessage) (*Build, error) {
	in, err := vectors.ParseInputs(raw)
	if err != nil {
		return nil, err
	}
	m, err := in.Model007().Model()
	if err != nil {
		return nil, err
	}
	SortModel007(m)
	s, err := encode.Token007(m, in.Cert)
	if err != nil {
		return nil, err
	}
	return &Build{Token: s, Cert: in.Cert}, nil
}

// SortModel007 puts services and privileges of a 007 model in the order the
// reference builders pack them: services by type, equal types in insertion
// order; privilege ids ascending (unsigned); RTM2 permissions are already
// sorted by vectors.ParsePermissions.
func SortModel007(m *token.Token007) {
	sort.SliceStable(m.Services, func(i, j int) bool { return m.Services[i].Type < m.Services[j].Type })
	for i := range m.Services {
		m.Services[i].Privileges = dedupPrivileges(m.Services[i].Privileges)
	}
}

// sortPrivileges sorts a privilege map by id; a repeated id keeps its last
// value, as a map in every reference does.
func sortPrivileges(p []token.Privilege) []token.Privilege {
	sort.SliceStable(p, func(i, j int) bool { return p[i].ID < p[j].ID })
	return p
}

// dedupPrivileges keeps the last value of each id (map semantics) in first
// insertion position, then sorts.
func dedupPrivileges(p []token.Privilege) []token.Privilege {
	idx := map[uint16]int{}
	var out []token.Privilege
	for _, e := range p {
		if i, ok := idx[e.ID]; ok {
			out[i].Expire = e.Expire
			continue
		}
		idx[e.ID] = len(out)
		out = append(out, e)
	}
	return sortPrivileges(out)
}

// buildAT1 writes AccessToken (006) with the privileges listed, keys sorted
// ascending like the Python, Go, C++, Java and Node.js references.
func buildAT1(raw json.RawMessage) (*Build, error) {
	in, err := vectors.ParseInputs(raw)
	if err != nil {
		return nil, err
	}
	uid, err := in.UIDText()
	if err != nil {
		return nil, err
	}
	t := &token.Token006{AppID: in.AppID, Salt: in.Salt, Ts: in.Ts}
	for _, p := range in.Privileges {
		if p[0] > 0xFFFF {
			return nil, fmt.Errorf("inputs: privilege key %d out of range", p[0])
		}
		t.Privileges = append(t.Privileges, token.Privilege{ID: uint16(p[0]), Expire: p[1]})
	}
	t.Privileges = dedupPrivileges(t.Privileges)
	return build006(t, in.Cert, in.Channel, uid)
}

func build006(t *token.Token006, cert, channel, uid string) (*Build, error) {
	s, err := encode.Token006(t, cert, channel, uid)
	if err != nil {
		return nil, err
	}
	return &Build{Token: s, Cert: cert, Channel: ptr(channel), UID: ptr(uid)}, nil
}

// rtc006Privileges is the 006 RtcTokenBuilder role table of the Python, Go,
// C++, Node.js and PHP references: Attendee (0), Publisher (1) and Admin
// (101) get join and the three publish privileges, Subscriber (2) join only.
func rtc006Privileges(role int, expire uint32) []token.Privilege {
	p := []token.Privilege{{ID: token.Priv006JoinChannel, Expire: expire}}
	switch role {
	case 0, 1, 101:
		p = append(p, token.Privilege{ID: token.Priv006PublishAudio, Expire: expire},
			token.Privilege{ID: token.Priv006PublishVideo, Expire: expire},
			token.Privilege{ID: token.Priv006PublishData, Expire: expire})
	}
	return p
}

func buildRTC1UID(raw json.RawMessage) (*Build, error) {
	in, err := vectors.ParseInputs(raw)
	if err != nil {
		return nil, err
	}
	uid, err := in.UIDNumber()
	if err != nil {
		return nil, err
	}
	t := &token.Token006{AppID: in.AppID, Salt: in.Salt, Ts: in.Ts, Privileges: rtc006Privileges(in.Role, in.PrivilegeExpiredTs)}
	return build006(t, in.Cert, in.Channel, token.UIDText(uid))
}

func buildRTC1Account(raw json.RawMessage) (*Build, error) {
	in, err := vectors.ParseInputs(raw)
	if err != nil {
		return nil, err
	}
	t := &token.Token006{AppID: in.AppID, Salt: in.Salt, Ts: in.Ts, Privileges: rtc006Privileges(in.Role, in.PrivilegeExpiredTs)}
	return build006(t, in.Cert, in.Channel, in.AccountText())
}

// buildRTM1 is the 006 RtmTokenBuilder: the account in the channel position,
// an empty uid, privilege 1000 (RTM login); the role is ignored.
func buildRTM1(raw json.RawMessage) (*Build, error) {
	in, err := vectors.ParseInputs(raw)
	if err != nil {
		return nil, err
	}
	t := &token.Token006{AppID: in.AppID, Salt: in.Salt, Ts: in.Ts,
		Privileges: []token.Privilege{{ID: token.Priv006RTMLogin, Expire: in.PrivilegeExpiredTs}}}
	return build006(t, in.Cert, in.AccountText(), "")
}
