package fuzz

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// Hostile inputs: each must end in a clear error (or, where the input is a
// valid if extreme token, a correct result) with bounded work. Speed is
// measured by BenchmarkHostile, allocation by TestHostileInputs.

const hostileAppID = "970CA35de60c44645bbae8a215061b33"

// header007 is a 007 payload up to and including the service count.
func header007(count uint16) []byte {
	w := &token.Writer{}
	w.Bytes16("signature", make([]byte, token.SigLength))
	w.String16("app_id", hostileAppID)
	w.U32(1111111)
	w.U32(600)
	w.U32(1)
	w.U16(count)
	return w.Buf
}

// payload007 is header007(count) followed by raw service bytes.
func payload007(count uint16, services ...[]byte) []byte {
	p := header007(count)
	for _, s := range services {
		p = append(p, s...)
	}
	return p
}

func le16(vs ...uint16) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

func cat(bs ...[]byte) []byte { return bytes.Join(bs, nil) }

// token006 wraps a 006 message (salt, ts, privileges) into a token string.
func token006(msg []byte) string {
	w := &token.Writer{}
	w.Bytes16("signature", make([]byte, token.SigLength))
	w.U32(0)
	w.U32(0)
	w.Bytes16("message", msg)
	return encode.String006(hostileAppID, w.Buf)
}

// zlibBomb returns "007" ‖ base64(zlib stream) whose deflate data inflates to
// mib MiB of zeros (or, with mib < 0, as many as fit in MaxTokenLength). It
// is built by repeating one flushed deflate segment that encodes 1 MiB of
// zeros against a window of zeros, so building it costs little. The Adler-32
// is left zero: the decoder must stop at MaxPayloadSize long before it.
func zlibBomb(mib int) (string, int) {
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	zeros := make([]byte, 1<<20)
	_, _ = w.Write(zeros)
	_ = w.Flush()
	first := append([]byte(nil), buf.Bytes()...)
	buf.Reset()
	_, _ = w.Write(zeros)
	_ = w.Flush()
	seg := append([]byte(nil), buf.Bytes()...)
	buf.Reset()
	_ = w.Close()
	final := append([]byte(nil), buf.Bytes()...)

	stream := append([]byte{0x78, 0xDA}, first...)
	n := 1
	for mib < 0 || n < mib {
		if mib < 0 && base64.StdEncoding.EncodedLen(len(stream)+len(seg)+len(final)+4)+3 > token.MaxTokenLength {
			break
		}
		stream = append(stream, seg...)
		n++
	}
	stream = append(stream, final...)
	stream = append(stream, 0, 0, 0, 0)
	return "007" + base64.StdEncoding.EncodeToString(stream), n
}

// payloadOfSize is a valid 007 payload of exactly size bytes (RTC services
// with channels of 'a', which compress to almost nothing).
func payloadOfSize(size int) []byte {
	const perService = 2 + 2 + 2 + 0xFFFF + 2 // type, privileges, channel, uid
	hdr := len(header007(0))
	n := (size - hdr + perService - 1) / perService
	rest := size - hdr - n*(2+2+2+2)
	m := &token.Token007{Signature: make([]byte, token.SigLength), AppID: hostileAppID, IssueTs: 1111111, Expire: 600, Salt: 1}
	for i := 0; i < n; i++ {
		l := min(rest, 0xFFFF)
		rest -= l
		m.Services = append(m.Services, token.Service{Type: token.ServiceRTC, Channel: strings.Repeat("a", l)})
	}
	p, err := encode.Marshal007(m)
	if err != nil || len(p) != size {
		panic("payloadOfSize: wrong size")
	}
	return p
}

// bigPrivilegeMap is a valid 007 token with one RTC service whose privilege
// map holds n distinct keys (the input that was quadratic to check).
func bigPrivilegeMap(n int) string {
	m := &token.Token007{Signature: make([]byte, token.SigLength), AppID: hostileAppID, IssueTs: 1111111, Expire: 600, Salt: 1,
		Services: []token.Service{{Type: token.ServiceRTC}}}
	for i := 0; i < n; i++ {
		m.Services[0].Privileges = append(m.Services[0].Privileges, token.Privilege{ID: uint16(i), Expire: 600})
	}
	p, _ := encode.Marshal007(m)
	return encode.String007(p)
}

type hostileCase struct {
	name  string
	input string
	want  error  // nil: the token is valid and must decode
	field string // the error's field path, when it matters
}

var (
	hostileOnce  sync.Once
	hostileCases []hostileCase
)

func hostile() []hostileCase {
	hostileOnce.Do(func() {
		bomb, _ := zlibBomb(-1)
		gigaBomb, _ := zlibBomb(1024)
		smallBomb, _ := zlibBomb(1)
		fpa := le16(token.ServiceFPA, 0)
		maxFPA := min(0xFFFF, (token.MaxPayloadSize-len(header007(0)))/len(fpa))
		flood := header007(uint16(maxFPA))
		for i := 0; i < maxFPA; i++ {
			flood = append(flood, fpa...)
		}
		emptyRTM2 := le16(token.ServiceRTM2, 0, 0, 0) // no privileges, user id or permissions
		hostileCases = []hostileCase{
			{"1MB-007-token", "007" + strings.Repeat("A", 1<<20), token.ErrTooLarge, ""},
			{"1MB-006-token", "006" + hostileAppID + strings.Repeat("A", 1<<20), token.ErrTooLarge, ""},
			{"1GiB-zlib-bomb", gigaBomb, token.ErrTooLarge, ""},
			{"zlib-bomb-filling-max-token", bomb, token.ErrTooLarge, "deflate"},
			{"1MiB-zlib-bomb", smallBomb, token.ErrTooLarge, "deflate"},
			{"payload-at-limit", encode.String007(payloadOfSize(token.MaxPayloadSize)), nil, ""},
			{"payload-over-limit", encode.String007(payloadOfSize(token.MaxPayloadSize + 1)), token.ErrTooLarge, "deflate"},
			{"65535-services-no-records", encode.String007(payload007(0xFFFF)), token.ErrTruncated, "services"},
			{"65535-services-40-bytes-of-records", encode.String007(payload007(0xFFFF, bytes.Repeat(fpa, 10))), token.ErrTruncated, "services"},
			{"65535-services-the-first-unknown", encode.String007(payload007(0xFFFF, make([]byte, 40))), nil, ""},
			{"service-flood-max-fpa", encode.String007(flood), token.ErrTooLarge, "services"},
			{"privilege-count-65535-007", encode.String007(payload007(1, le16(token.ServiceRTC, 0xFFFF))), token.ErrTruncated, "services[0].privileges"},
			{"privilege-count-65535-006", token006(cat(make([]byte, 8), le16(0xFFFF))), token.ErrTruncated, "message.privileges"},
			{"privilege-map-past-the-payload-limit", bigPrivilegeMap(token.MaxPayloadSize / 6), token.ErrTooLarge, "deflate"},
			{"privilege-map-largest-in-the-payload-limit", bigPrivilegeMap((token.MaxPayloadSize - 200) / 6), nil, ""},
			{"privilege-map-65535-keys-too-large", bigPrivilegeMap(0xFFFF), token.ErrTooLarge, ""},
			{"string-length-65535", encode.String007(payload007(1, le16(token.ServiceRTC, 0, 0xFFFF), []byte("abc"))), token.ErrTruncated, "services[0].channel"},
			{"rtm2-resource-types-65535", encode.String007(payload007(1, le16(token.ServiceRTM2, 0, 0, 0xFFFF))), token.ErrTruncated, "services[0].permissions"},
			{"rtm2-permission-types-65535", encode.String007(payload007(1, le16(token.ServiceRTM2, 0, 0, 1, 0, 0xFFFF))), token.ErrTruncated, "services[0].permissions[0].permissions"},
			{"rtm2-resources-65535", encode.String007(payload007(1, le16(token.ServiceRTM2, 0, 0, 1, 0, 1, 0, 0xFFFF))), token.ErrTruncated, "services[0].permissions[0].permissions[0].resources"},
			{"rtm2-resource-length-65535", encode.String007(payload007(1, le16(token.ServiceRTM2, 0, 0, 1, 0, 1, 0, 1, 0xFFFF))), token.ErrTruncated, "services[0].permissions[0].permissions[0].resources[0]"},
			{"rtm2-flood-empty-blocks", encode.String007(func() []byte {
				n := min(0xFFFF, (token.MaxPayloadSize-len(header007(0)))/len(emptyRTM2))
				p := header007(uint16(n))
				for i := 0; i < n; i++ {
					p = append(p, emptyRTM2...)
				}
				return p
			}()), token.ErrTooLarge, "services"},
			{"rtm2-80000-empty-resources-past-the-entry-limit", encode.String007(payload007(1, le16(token.ServiceRTM2, 0, 0, 1, 1, 2),
				le16(1, 40000), make([]byte, 80000), le16(2, 40000), make([]byte, 80000))), token.ErrTooLarge, "services[0].permissions[0].permissions[1].resources"},
			{"rtc-channel-and-account-of-65535-bytes", encode.String007(payload007(1, le16(token.ServiceRTC, 0, 0xFFFF), bytes.Repeat([]byte("a"), 0xFFFF),
				le16(0xFFFF), bytes.Repeat([]byte("b"), 0xFFFF))), nil, ""},
			{"unknown-service-first", encode.String007(payload007(2, le16(0xFFFF), make([]byte, 100))), nil, ""},
			{"empty", "", token.ErrTruncated, ""},
			{"prefix-only-007", "007", token.ErrTruncated, "body"},
			{"006-app-id-cut", "006" + hostileAppID[:10], token.ErrTruncated, "app_id"},
		}
	})
	return hostileCases
}

// allocBound is the documented allocation bound of one Parse, in bytes:
// a small multiple of the token length plus a multiple of the inflated
// payload (at most token.MaxPayloadSize) plus a constant.
//
// The payload term is what a 007 zlib stream buys an attacker: a 455-byte
// token can inflate to MaxPayloadSize, and the densest model (an FPA service
// per 4 payload bytes, each a 144-byte token.Service) costs 36 bytes per
// payload byte; inflating adds about 3 bytes per payload byte (doubling
// buffers and the final copy). Measured worst case: service-flood-max-fpa,
// 10.5 MB for a 455-byte token (40 bytes per payload byte). Counts and
// lengths never enter the bound: each is checked against the bytes present.
func allocBound(inputLen, payloadLen int) uint64 {
	return uint64(4*inputLen + 48*payloadLen + 64<<10)
}

// bytesPerParse measures the heap bytes of one Parse, averaged over runs.
func bytesPerParse(s string, runs int) uint64 {
	decode.Parse(s) // warm the inflater pool
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for i := 0; i < runs; i++ {
		decode.Parse(s)
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(runs)
}

// TestHostileInputs: each hostile input ends in the expected sentinel (at
// the expected field) or decodes, and allocates within allocBound. The
// measured bytes are logged (go test -v -run TestHostileInputs).
func TestHostileInputs(t *testing.T) {
	for _, tc := range hostile() {
		t.Run(tc.name, func(t *testing.T) {
			tok := checkParsed(t, tc.input)
			_, err := decode.Parse(tc.input)
			if tc.want == nil {
				if tok == nil {
					t.Fatalf("valid token refused: %v", err)
				}
			} else {
				if !errors.Is(err, tc.want) {
					t.Fatalf("error %v, want %v", err, tc.want)
				}
				var pe *token.ParseError
				if errors.As(err, &pe) && tc.field != "" && pe.Field != tc.field {
					t.Fatalf("error at field %q, want %q: %v", pe.Field, tc.field, err)
				}
			}
			payload := 0
			if tok != nil && tok.T007 != nil {
				payload = len(tok.T007.Payload)
			} else if errors.Is(err, token.ErrTooLarge) && len(tc.input) <= token.MaxTokenLength {
				payload = token.MaxPayloadSize
			}
			got := bytesPerParse(tc.input, 3)
			bound := allocBound(len(tc.input), payload)
			t.Logf("%d-byte token, %d-byte payload: %d bytes allocated per Parse (bound %d)", len(tc.input), payload, got, bound)
			if got > bound {
				t.Fatalf("%d bytes allocated, bound %d", got, bound)
			}
		})
	}
}

// TestRefusedBeforeDecoding: an oversized token is refused from its length
// alone, with a constant handful of allocations whatever its size.
func TestRefusedBeforeDecoding(t *testing.T) {
	for _, n := range []int{token.MaxTokenLength + 1, 1 << 20, 16 << 20} {
		s := "007" + strings.Repeat("A", n)
		allocs := testing.AllocsPerRun(20, func() { decode.Parse(s) })
		got := bytesPerParse(s, 5)
		if allocs > 6 || got > 1024 {
			t.Fatalf("%d-byte token: %.0f allocations, %d bytes; want a constant few", len(s), allocs, got)
		}
	}
}

// TestZlibBombAllocationsBounded: a bomb filling MaxTokenLength (it would
// inflate to 94 MiB) costs a bounded number of allocations (the inflater is
// pooled; the output buffer doubles up to MaxPayloadSize and stops).
func TestZlibBombAllocationsBounded(t *testing.T) {
	bomb, mib := zlibBomb(-1)
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := decode.Parse(bomb); !errors.Is(err, token.ErrTooLarge) {
			t.Fatalf("bomb of %d MiB: error %v", mib, err)
		}
	})
	got := bytesPerParse(bomb, 3)
	limit := uint64(3*token.MaxPayloadSize + 4*len(bomb))
	t.Logf("%d-byte token inflating to %d MiB: %.0f allocations, %d bytes per Parse (limit %d)", len(bomb), mib, allocs, got, limit)
	if allocs > 32 || got > limit {
		t.Fatalf("%.0f allocations, %d bytes; want at most 32 and %d", allocs, got, limit)
	}
	// A bomb whose base64 is broken near its end is salvaged up to the
	// same limit, through ParsePartial and ParseInto alike.
	small, _ := zlibBomb(1)
	for _, s := range []string{small[:len(small)-5] + "!" + small[len(small)-4:], small[:len(small)-1]} {
		limit := uint64(3*token.MaxPayloadSize + 4*len(s))
		if got := bytesPerParse(s, 3); got > limit {
			t.Errorf("broken bomb: %d bytes per Parse, limit %d", got, limit)
		}
		var tok token.Token
		into := testing.AllocsPerRun(3, func() { _ = decode.ParseInto(s, &tok) })
		if into > 32 {
			t.Errorf("broken bomb: %.0f allocations per ParseInto", into)
		}
	}
}

// BenchmarkHostile reports the time and allocation of one Parse of each
// hostile input (target: well under a millisecond each, the largest valid
// tokens aside, whose cost is inflating MaxPayloadSize bytes).
func BenchmarkHostile(b *testing.B) {
	for _, tc := range hostile() {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.input)))
			for b.Loop() {
				decode.Parse(tc.input)
			}
		})
	}
}
