package fuzz

import (
	"math/rand"
	"reflect"
	"sort"

	gofuzz "github.com/google/gofuzz"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Structured generators: gofuzz custom functions that build VALID token
// models (every one must decode back to itself). They run from a seeded
// math/rand source in the ordinary test run and from the fuzzer's bytes in
// FuzzRoundTrip007/006 (gofuzz.NewFromGoFuzz), so one generator serves both.

// Size knobs. A model stays well under token.MaxTokenLength once encoded in
// the common case; the rare case that does not is a property of its own
// (ErrTooLarge), checked by the round-trip tests.
const (
	genMaxServices   = 12
	genMaxPrivileges = 40
	genLongString    = 4096 // "a few KB"
)

// extremes are the integers every field must survive.
var extremes = []uint32{0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF}

// newGenerator returns a gofuzz Fuzzer whose custom functions produce valid
// token.Token007 and token.Token006 models. src decides everything: a
// seeded math/rand source for deterministic tests, or nil to use data (the
// fuzzer's bytes).
func newGenerator(src rand.Source, data []byte) *gofuzz.Fuzzer {
	var f *gofuzz.Fuzzer
	if src != nil {
		f = gofuzz.New().RandSource(src)
	} else {
		f = gofuzz.NewFromGoFuzz(data)
	}
	return f.NilChance(0).Funcs(genToken007, genToken006)
}

func genU32(c gofuzz.Continue) uint32 {
	if c.Intn(4) == 0 {
		return extremes[c.Intn(len(extremes))]
	}
	return c.Uint32()
}

func genU16(c gofuzz.Continue) uint16 {
	switch c.Intn(6) {
	case 0:
		return 0
	case 1:
		return 0xFFFF
	}
	return uint16(c.Uint32())
}

const hexDigits = "0123456789abcdefABCDEF"

func genAppID(c gofuzz.Continue) string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = hexDigits[c.Intn(len(hexDigits))]
	}
	return string(b)
}

func genBytes(c gofuzz.Continue, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(c.Uint32())
	}
	return b
}

// genString is empty, short text, a decimal uid, arbitrary bytes (the
// format carries bytes, not UTF-8) or, rarely, a few KB.
func genString(c gofuzz.Continue) string {
	switch c.Intn(10) {
	case 0, 1:
		return ""
	case 2:
		return token.UIDText(genU32(c))
	case 3:
		return string(genBytes(c, c.Intn(64)))
	case 4:
		if c.Intn(4) == 0 {
			return string(genBytes(c, 1+c.Intn(genLongString)))
		}
	}
	return c.RandString()
}

// genPrivileges returns a privilege map with unique keys in ascending order
// (what writers emit), or nil for an empty map (what the decoder returns).
func genPrivileges(c gofuzz.Continue, max int) []token.Privilege {
	n := c.Intn(max + 1)
	if c.Intn(8) == 0 {
		n = 0
	}
	if n == 0 {
		return nil
	}
	seen := map[uint16]bool{}
	out := make([]token.Privilege, 0, n)
	for tries := 0; len(out) < n && tries < 4*n; tries++ {
		var id uint16
		if c.Intn(2) == 0 {
			id = uint16(1 + c.Intn(4)) // the ids the services define
		} else {
			id = genU16(c)
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, token.Privilege{ID: id, Expire: genU32(c)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// genPermissions builds an RTM2 permissions block: resource types and
// permission types ascending and unique, resource lists in insertion order
// (duplicates allowed, as the references write them). Empty lists are nil
// where the decoder returns nil and empty where it returns empty.
func genPermissions(c gofuzz.Continue) []token.RTM2Resource {
	nr := c.Intn(6)
	if nr == 0 {
		return nil
	}
	types := uniqueSorted(c, nr, 7)
	out := make([]token.RTM2Resource, len(types))
	for i, rt := range types {
		out[i].ResourceType = rt
		np := c.Intn(3)
		if np == 0 {
			continue
		}
		for _, pt := range uniqueSorted(c, np, 3) {
			nres := c.Intn(5)
			res := make([]string, nres)
			for k := range res {
				if k > 0 && c.Intn(6) == 0 {
					res[k] = res[k-1]
				} else {
					res[k] = genString(c)
				}
			}
			out[i].Permissions = append(out[i].Permissions, token.RTM2Permission{PermissionType: pt, Resources: res})
		}
	}
	return out
}

// uniqueSorted picks up to n distinct values, mostly from [0, small) (the
// defined types) and sometimes anywhere in uint16.
func uniqueSorted(c gofuzz.Continue, n, small int) []uint16 {
	seen := map[uint16]bool{}
	var out []uint16
	for tries := 0; len(out) < n && tries < 4*n; tries++ {
		v := uint16(c.Intn(small))
		if c.Intn(5) == 0 {
			v = genU16(c)
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// genService fills the fields the layout of typ carries and leaves the
// others zero, as the decoder does.
func genService(c gofuzz.Continue, typ uint16) token.Service {
	s := token.Service{Type: typ, Privileges: genPrivileges(c, genMaxPrivileges)}
	if c.Intn(200) == 0 {
		s.Privileges = genPrivileges(c, 2000) // a large map now and then
	}
	switch typ {
	case token.ServiceRTC, token.ServiceStreaming, token.ServiceFCDN:
		s.Channel = genString(c)
		s.Account = genString(c)
	case token.ServiceRTM, token.ServiceChat:
		s.UserID = genString(c)
	case token.ServiceAPaaS:
		s.RoomUUID = genString(c)
		s.UserUUID = genString(c)
		s.Role = int16(genU16(c))
	case token.ServiceRTM2:
		s.UserID = genString(c)
		s.Permissions = genPermissions(c)
	}
	return s
}

// genToken007 is the gofuzz custom function for a valid 007 model: 1 to 12
// services of types 1..10 sorted by type (stable, repeats allowed), a
// 32-byte signature, a 32-hex app ID and extreme integers now and then.
func genToken007(t *token.Token007, c gofuzz.Continue) {
	*t = token.Token007{
		Signature: genBytes(c, token.SigLength),
		AppID:     genAppID(c),
		IssueTs:   genU32(c),
		Expire:    genU32(c),
		Salt:      genU32(c),
	}
	n := 1 + c.Intn(genMaxServices)
	for i := 0; i < n; i++ {
		t.Services = append(t.Services, genService(c, uint16(1+c.Intn(10))))
	}
	sort.SliceStable(t.Services, func(i, j int) bool { return t.Services[i].Type < t.Services[j].Type })
	t.ServiceCount = uint16(len(t.Services))
}

// genToken006 is the gofuzz custom function for a valid 006 model.
func genToken006(t *token.Token006, c gofuzz.Continue) {
	*t = token.Token006{
		AppID:      genAppID(c),
		Signature:  genBytes(c, token.SigLength),
		CRCChannel: genU32(c),
		CRCUID:     genU32(c),
		Salt:       genU32(c),
		Ts:         genU32(c),
		Privileges: genPrivileges(c, genMaxPrivileges),
	}
	if c.Intn(100) == 0 {
		t.Privileges = genPrivileges(c, 4000) // under token.MaxEntries
	}
}

// sameServices compares decoded services with generated ones, treating a nil
// and an empty list alike (the model gives no meaning to the difference).
func sameServices(a, b []token.Service) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Type != y.Type || x.Channel != y.Channel || x.Account != y.Account || x.UserID != y.UserID ||
			x.RoomUUID != y.RoomUUID || x.UserUUID != y.UserUUID || x.Role != y.Role ||
			!samePrivileges(x.Privileges, y.Privileges) || len(x.Permissions) != len(y.Permissions) {
			return false
		}
		for j := range x.Permissions {
			p, q := x.Permissions[j], y.Permissions[j]
			if p.ResourceType != q.ResourceType || len(p.Permissions) != len(q.Permissions) {
				return false
			}
			for k := range p.Permissions {
				if p.Permissions[k].PermissionType != q.Permissions[k].PermissionType ||
					!sameStrings(p.Permissions[k].Resources, q.Permissions[k].Resources) {
					return false
				}
			}
		}
	}
	return true
}

func samePrivileges(a, b []token.Privilege) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func sameStrings(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}
