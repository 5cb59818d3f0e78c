package fuzz

import (
	"math/rand"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// Round-trip properties over models from the structured generators
// (gen_test.go), seeded deterministically: the same models every run, no
// global seeding. Each test also checks that the generator reached what it
// is meant to reach (every service type, extreme integers, long and empty
// strings, RTM2 permissions), so that a change to it cannot quietly weaken
// the test.

// iterations scales a model count: all of them in the plain run, a quarter
// under the race detector (which these single-goroutine tests do not need),
// a tenth with -short.
func iterations(n int) int {
	switch {
	case testing.Short():
		return n / 10
	case raceEnabled:
		return n / 4
	}
	return n
}

func genCert(rng *rand.Rand) string {
	b := make([]byte, 32)
	for i := range b {
		b[i] = hexDigits[rng.Intn(len(hexDigits))]
	}
	return string(b)
}

func TestGeneratedRoundTrip007(t *testing.T) {
	n := iterations(2000)
	rng := rand.New(rand.NewSource(7))
	gen := newGenerator(rand.NewSource(7007), nil)
	types := map[uint16]int{}
	var zero, max, empty, long, perms, repeated, bigMaps int
	for i := 0; i < n; i++ {
		var m token.Token007
		gen.Fuzz(&m)
		roundTrip007(t, &m, genCert(rng))
		for _, v := range []uint32{m.IssueTs, m.Expire, m.Salt} {
			zero += b2i(v == 0)
			max += b2i(v == 0xFFFFFFFF)
		}
		for j, s := range m.Services {
			types[s.Type]++
			if j > 0 && m.Services[j-1].Type == s.Type {
				repeated++
			}
			if len(s.Permissions) > 0 {
				perms++
			}
			if len(s.Privileges) > 100 {
				bigMaps++
			}
			for _, str := range []string{s.Channel, s.Account, s.UserID, s.RoomUUID, s.UserUUID} {
				empty += b2i(str == "")
				long += b2i(len(str) > 1024)
			}
		}
	}
	for typ := uint16(1); typ <= 10; typ++ {
		if types[typ] == 0 {
			t.Errorf("service type %d never generated", typ)
		}
	}
	if zero == 0 || max == 0 || empty == 0 || long == 0 || perms == 0 || repeated == 0 || (bigMaps == 0 && !testing.Short()) {
		t.Errorf("generator coverage: zero %d, 2^32-1 %d, empty %d, long %d, rtm2 permissions %d, repeated types %d, big maps %d",
			zero, max, empty, long, perms, repeated, bigMaps)
	}
	t.Logf("%d models: services per type %v; %d long strings, %d RTM2 permission blocks, %d maps over 100 keys", n, types, long, perms, bigMaps)
}

func TestGeneratedRoundTrip006(t *testing.T) {
	n := iterations(5000)
	rng := rand.New(rand.NewSource(6))
	gen := newGenerator(rand.NewSource(6006), nil)
	var zero, max, noPriv, bigMaps int
	for i := 0; i < n; i++ {
		var m token.Token006
		gen.Fuzz(&m)
		channel, uid := "", ""
		if rng.Intn(4) > 0 {
			channel = genCert(rng)[:1+rng.Intn(32)]
		}
		if rng.Intn(2) == 0 {
			uid = token.UIDText(rng.Uint32())
		}
		roundTrip006(t, &m, genCert(rng), channel, uid)
		for _, v := range []uint32{m.Salt, m.Ts, m.CRCChannel, m.CRCUID} {
			zero += b2i(v == 0)
			max += b2i(v == 0xFFFFFFFF)
		}
		noPriv += b2i(len(m.Privileges) == 0)
		bigMaps += b2i(len(m.Privileges) > 100)
	}
	if zero == 0 || max == 0 || noPriv == 0 || (bigMaps == 0 && !testing.Short()) {
		t.Errorf("generator coverage: zero %d, 2^32-1 %d, empty maps %d, big maps %d", zero, max, noPriv, bigMaps)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
