package conform

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// Charset89 is the character set the Agora documentation allows in channel
// names and user accounts: a-z A-Z 0-9, space and 26 punctuation characters.
const Charset89 = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#$%&()+-:;<=.>?@[]^_{}|~,"

// specials are the non-alphanumeric characters of Charset89.
const specials = " !#$%&()+-:;<=.>?@[]^_{}|~,"

// params are the edge-case values of one generated case; zero values mean
// "draw at random".
type params struct {
	category string
	uid      *uint32
	account  *string
	channel  *string
	expire   *uint32 // 007 token expire / 006 privilege lifetime
	service  uint16  // at2: one service of this type
	multi    bool    // at2: several services
}

func u32p(v uint32) *uint32 { return &v }
func strp(s string) *string { return &s }

// edgeCases lists the spec's edge cases, in the order generated.
func edgeCases() []params {
	long := strings.Repeat("a", 200) + strings.Repeat("Z", 55)
	ps := []params{
		{category: "uid_0", uid: u32p(0)},
		{category: "uid_1", uid: u32p(1)},
		{category: "uid_2p31", uid: u32p(1 << 31)},
		{category: "uid_2p32m1", uid: u32p(1<<32 - 1)},
		{category: "empty_account", account: strp("")},
		{category: "len255", account: strp(long)},
		{category: "charset89", account: strp(Charset89), channel: strp("ch" + specials + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZab")},
		{category: "expire_0", expire: u32p(0)},
		{category: "expire_gt_24h", expire: u32p(86400 + 3600)},
		{category: "multi_service", multi: true},
	}
	for t := uint16(1); t <= 10; t++ {
		ps = append(ps, params{category: fmt.Sprintf("service_type_%d", t), service: t})
	}
	return ps
}

// Generate returns count cases of a format (006 or 007) drawn from seed:
// first the edge cases of the specification (uids 0, 1, 2^31 and 2^32-1,
// empty and 255-byte accounts, every allowed special character, expiry 0 and
// over 24 hours, every 007 service type), then random cases, spread over the
// registry's builders of that format. issue_ts and salt are fixed in the
// inputs and `token` holds tokencheck's build. The same format, count, seed
// and registry give byte-identical output. The file is held in memory:
// WriteGenerated writes the same file case by case.
func Generate(format string, count int, seed uint64, reg Registry) (*vectors.File, error) {
	g, err := newGenerator(format, count, seed, reg)
	if err != nil {
		return nil, err
	}
	f := &vectors.File{Format: format, Generator: g.header}
	for i := 0; i < count; i++ {
		c, err := g.next(i)
		if err != nil {
			return nil, err
		}
		f.Cases = append(f.Cases, c)
	}
	return f, nil
}

// WriteGenerated writes the vector file Generate returns to w as indented
// JSON (two spaces, HTML characters unescaped, a final newline), one case at
// a time, so that memory stays bounded whatever count is. With count 0,
// "cases" is an empty array.
func WriteGenerated(w io.Writer, format string, count int, seed uint64, reg Registry) error {
	g, err := newGenerator(format, count, seed, reg)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// The header, indented like the rest of the file.
	enc.SetIndent("  ", "  ")
	for _, v := range []any{format, g.header} {
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	head := bytes.SplitN(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"), 2)
	if len(head) != 2 {
		return fmt.Errorf("generator header: unexpected encoding")
	}
	fmt.Fprintf(bw, "{\n  \"format\": %s,\n  \"generator\": %s,\n  \"cases\": [", head[0], head[1])
	enc.SetIndent("    ", "  ")
	for i := 0; i < count; i++ {
		c, err := g.next(i)
		if err != nil {
			return err
		}
		buf.Reset()
		if err := enc.Encode(&c); err != nil {
			return err
		}
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		bw.WriteString(sep)
		if _, err := bw.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))); err != nil {
			return err
		}
	}
	if count > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

// generator draws the cases of Generate one by one; its state (the random
// source and a counter per builder key and category) stays small.
type generator struct {
	format string
	keys   []string
	reg    Registry
	rng    *rand.Rand
	edges  []params
	perCat map[string]int
	header json.RawMessage // the file's "generator" object
}

func newGenerator(format string, count int, seed uint64, reg Registry) (*generator, error) {
	if format != "006" && format != "007" {
		return nil, fmt.Errorf("format %q: want 006 or 007", format)
	}
	if count < 0 {
		return nil, fmt.Errorf("count %d: want a non-negative number", count)
	}
	keys := reg.Keys(format)
	if len(keys) == 0 {
		return nil, fmt.Errorf("no builder registered for format %s", format)
	}
	header, err := json.Marshal(map[string]any{"name": "tokencheck vectors gen", "seed": seed, "count": count, "builders": keys})
	if err != nil {
		return nil, err
	}
	return &generator{format: format, keys: keys, reg: reg,
		rng:   rand.New(rand.NewPCG(seed, 0x746f6b656e636865)), // "tokenche"
		edges: edgeCases(), perCat: map[string]int{}, header: header}, nil
}

// next returns case i; cases must be drawn in order from 0.
func (g *generator) next(i int) (vectors.Case, error) {
	format, keys, rng := g.format, g.keys, g.rng
	p := params{category: "random"}
	if i < len(g.edges) {
		p = g.edges[i]
	}
	key := pickBuilder(format, keys, p, rng)
	if key == "" {
		// No registered builder can express this edge case: draw a random one.
		p = params{category: "random"}
		key = keys[rng.IntN(len(keys))]
	}
	in := makeInputs(format, key, p, rng)
	raw, err := json.Marshal(in)
	if err != nil {
		return vectors.Case{}, err
	}
	g.perCat[key+p.category]++
	c := vectors.Case{
		ID:       fmt.Sprintf("%s-%s-%s-%03d", format, key, p.category, g.perCat[key+p.category]),
		Builder:  key,
		Category: p.category,
		Inputs:   raw,
	}
	b, err := g.reg[key].Build(raw)
	if err != nil {
		return vectors.Case{}, fmt.Errorf("case %s: tokencheck cannot build its own generated inputs: %w", c.ID, err)
	}
	c.Token = &b.Token
	c.Agree = []string{"tokencheck"}
	if t, err := decode.Parse(b.Token); err == nil {
		var h string
		if t.T007 != nil {
			h = hex.EncodeToString(t.T007.Payload)
		} else if t.T006 != nil {
			h = hex.EncodeToString(t.T006.Content)
		}
		c.PayloadHex = &h
	}
	return c, nil
}

// builderCaps says which edge cases a builder key can express.
var builderCaps = map[string]struct{ uid, account, service bool }{
	"at1": {account: true}, "at2": {uid: true, account: true, service: true},
	"rtc1_uid": {uid: true}, "rtc1_account": {account: true}, "rtm1": {account: true},
	"rtc2_uid": {uid: true}, "rtc2_uid_priv": {uid: true},
	"rtc2_account": {account: true}, "rtc2_account_priv": {account: true}, "rtc2_rtm": {account: true},
	"rtc2_rtm2": {account: true}, "convoai": {account: true}, "stt": {account: true},
	"rtm2_token": {account: true}, "rtm2_perm": {account: true}, "chat_user": {account: true},
	"apaas_user": {account: true}, "edu_user": {account: true},
	"apaas_room_user": {account: true}, "edu_room_user": {account: true},
}

func pickBuilder(format string, keys []string, p params, rng *rand.Rand) string {
	var fit []string
	for _, k := range keys {
		c := builderCaps[k]
		switch {
		case p.service != 0 || p.multi:
			if c.service {
				fit = append(fit, k)
			}
		case p.uid != nil:
			if c.uid {
				fit = append(fit, k)
			}
		case p.account != nil:
			if c.account {
				fit = append(fit, k)
			}
		default:
			fit = append(fit, k)
		}
	}
	if len(fit) == 0 {
		return ""
	}
	return fit[rng.IntN(len(fit))]
}

// hex32 draws a 32-hex-digit identifier in lower, upper or mixed case.
func hex32(rng *rand.Rand) string {
	const lower, upper = "0123456789abcdef", "0123456789ABCDEF"
	style := rng.IntN(3)
	b := make([]byte, 32)
	for i := range b {
		d := rng.IntN(16)
		switch {
		case style == 0 || style == 2 && rng.IntN(2) == 0:
			b[i] = lower[d]
		default:
			b[i] = upper[d]
		}
	}
	return string(b)
}

// name draws a name of 1..n characters from Charset89.
func name(rng *rand.Rand, n int) string {
	l := 1 + rng.IntN(n)
	b := make([]byte, l)
	for i := range b {
		b[i] = Charset89[rng.IntN(len(Charset89))]
	}
	return string(b)
}

func digits(rng *rand.Rand) string { return fmt.Sprint(1 + rng.Uint32N(1<<32-1)) }

// makeInputs renders the inputs of a builder key for the edge case p, drawing
// everything p leaves open. Keys follow the vector schema (CROSS-LANGUAGE.md).
func makeInputs(format, key string, p params, rng *rand.Rand) map[string]any {
	in := map[string]any{"app_id": hex32(rng), "app_certificate": hex32(rng)}
	issue := 1_600_000_000 + rng.Uint32N(300_000_000)
	salt := 1 + rng.Uint32N(99_999_999)
	life := []uint32{600, 3600, 86400}[rng.IntN(3)]
	if p.expire != nil {
		life = *p.expire
	}
	channel := name(rng, 64)
	if p.channel != nil {
		channel = *p.channel
	}
	account := name(rng, 32)
	if p.account != nil {
		account = *p.account
	}
	var uid uint32
	if p.uid != nil {
		uid = *p.uid
	} else {
		uid = rng.Uint32()
	}
	uidText := fmt.Sprint(uid)
	if uid == 0 {
		uidText = ""
	}
	if format == "006" {
		ts := issue + 86400
		in["salt"], in["ts"] = salt, ts
		privTs := issue + life
		if p.expire != nil && *p.expire == 0 {
			privTs = 0
		}
		switch key {
		case "at1":
			in["channel"], in["uid"] = channel, account
			if p.account == nil {
				in["uid"] = uidText
			}
			n := 1 + rng.IntN(4)
			ids := []uint32{1, 2, 3, 4, 101, 1000}
			var ps [][2]uint32
			for _, j := range rng.Perm(len(ids))[:n] {
				ps = append(ps, [2]uint32{ids[j], privTs})
			}
			in["privileges"] = ps
		case "rtc1_uid":
			in["channel"], in["uid"], in["role"], in["privilege_expired_ts"] = channel, uid, []int{0, 1, 2, 101}[rng.IntN(4)], privTs
		case "rtc1_account":
			in["channel"], in["account"], in["role"], in["privilege_expired_ts"] = channel, account, []int{0, 1, 2, 101}[rng.IntN(4)], privTs
		case "rtm1":
			in["account"], in["role"], in["privilege_expired_ts"] = account, 1, privTs
		}
		return in
	}
	in["issue_ts"], in["salt"] = issue, salt
	role := 1 + rng.IntN(2)
	priv := func() uint32 {
		if p.expire != nil {
			return *p.expire
		}
		return []uint32{0, life, life / 2}[rng.IntN(3)]
	}
	switch key {
	case "at2":
		in["expire"] = life
		in["services"] = makeServices(p, rng, channel, account, uidText, life)
	case "rtc2_uid":
		in["channel"], in["uid"], in["role"], in["token_expire"], in["privilege_expire"] = channel, uid, role, life, priv()
	case "rtc2_account", "rtc2_rtm":
		in["channel"], in["account"], in["role"], in["token_expire"], in["privilege_expire"] = channel, account, role, life, priv()
	case "rtc2_uid_priv", "rtc2_account_priv":
		in["channel"], in["token_expire"] = channel, life
		if key == "rtc2_uid_priv" {
			in["uid"] = uid
		} else {
			in["account"] = account
		}
		in["join_channel_privilege_expire"], in["pub_audio_privilege_expire"] = priv(), priv()
		in["pub_video_privilege_expire"], in["pub_data_stream_privilege_expire"] = priv(), priv()
	case "rtc2_rtm2", "convoai", "stt":
		in["channel"], in["rtc_account"], in["rtc_role"], in["rtc_token_expire"] = channel, account, role, life
		in["join_channel_privilege_expire"], in["pub_audio_privilege_expire"] = priv(), priv()
		in["pub_video_privilege_expire"], in["pub_data_stream_privilege_expire"] = priv(), priv()
		in["rtm_user_id"], in["rtm_token_expire"] = name(rng, 64), priv()
	case "rtm2_token", "chat_user":
		in["user_id"], in["expire"] = account, life
	case "rtm2_perm":
		in["user_id"], in["expire"] = account, life
		in["permissions"] = makePermissions(rng)
	case "chat_app", "edu_app", "apaas_app", "fpa":
		in["expire"] = life
		if key == "fpa" {
			in["expire"] = uint32(86400)
		}
	case "apaas_user", "edu_user":
		in["user_uuid"], in["expire"] = account, life
	case "apaas_room_user", "edu_room_user":
		in["room_uuid"], in["user_uuid"], in["role"], in["expire"] = name(rng, 32), account, []int{-1, 0, 1, 2}[rng.IntN(4)], life
	}
	return in
}

// makeServices draws at2 services: the edge case's single type, several
// types (repeats allowed), or one RTC service carrying the uid or account.
func makeServices(p params, rng *rand.Rand, channel, account, uidText string, life uint32) []map[string]any {
	types := []uint16{1}
	switch {
	case p.service != 0:
		types = []uint16{p.service}
	case p.multi:
		types = nil
		for n := 2 + rng.IntN(4); n > 0; n-- {
			types = append(types, uint16(1+rng.IntN(10)))
		}
	case p.category == "random":
		types = []uint16{uint16(1 + rng.IntN(10))}
	}
	acct := account
	if p.uid != nil {
		acct = uidText
	}
	var out []map[string]any
	for _, t := range types {
		s := map[string]any{"type": t}
		var keys []uint32
		switch t {
		case 1:
			s["channel"], s["account"] = channel, acct
			keys = []uint32{1, 2, 3, 4}
		case 2, 5, 8:
			s["user_id"] = account
			keys = []uint32{1}
			if t == 5 {
				keys = []uint32{1, 2}
			}
			if t == 8 {
				s["permissions"] = makePermissions(rng)
			}
		case 3, 6:
			s["channel"], s["account"] = channel, acct
			keys = []uint32{1, 2}
		case 4:
			keys = []uint32{1}
		case 7:
			s["room_uuid"], s["user_uuid"], s["role"] = name(rng, 32), account, []int{-1, 0, 1}[rng.IntN(3)]
			keys = []uint32{1, 2, 3}
		}
		var ps [][2]uint32
		if len(keys) > 0 {
			for _, j := range rng.Perm(len(keys))[:1+rng.IntN(len(keys))] {
				v := life
				if p.expire == nil && rng.IntN(3) == 0 {
					v = 0
				}
				ps = append(ps, [2]uint32{keys[j], v})
			}
		}
		if ps == nil {
			ps = [][2]uint32{}
		}
		s["privileges"] = ps
		out = append(out, s)
	}
	return out
}

// makePermissions draws RTM2 permissions as the vector list form.
func makePermissions(rng *rand.Rand) []map[string]any {
	var out []map[string]any
	for n := rng.IntN(3); n > 0; n-- {
		var res []string
		for k := 1 + rng.IntN(3); k > 0; k-- {
			res = append(res, name(rng, 16))
		}
		out = append(out, map[string]any{"resource_type": rng.IntN(5), "permission_type": rng.IntN(2), "resources": res})
	}
	if out == nil {
		out = []map[string]any{}
	}
	return out
}
