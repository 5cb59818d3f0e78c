package decode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// tok007 holds a Token and its Token007 in one allocation.
type tok007 struct {
	tok token.Token
	t7  token.Token007
}

// box is tok007 with room for the services and privilege entries of a token
// of a given service count, and spare bytes for its payload and strings, so
// that Parse allocates the whole model of a typical token at once. The
// bytes come last: the garbage collector scans an object only up to its
// last pointer.
type box[S, P, B any] struct {
	x tok007
	s S
	p P
	b B
}

// newTok007 allocates the model of a token that declares n services: the
// token and, when n is small, room for its services (n), privilege entries
// (four a service, as many as an RTC record has) and bytes (spare). Each
// box fills its size class (objects with pointers over 512 bytes carry an
// 8-byte header). A token that needs more takes what it needs beyond them.
func newTok007(n int) (x *tok007, svc []token.Service, priv []token.Privilege, spare []byte) {
	switch {
	case n <= 1: // 640 bytes
		b := new(box[[1]token.Service, [4]token.Privilege, [240]byte])
		return &b.x, b.s[:0], b.p[:0], b.b[:]
	case n <= 2: // 896
		b := new(box[[2]token.Service, [8]token.Privilege, [320]byte])
		return &b.x, b.s[:0], b.p[:0], b.b[:]
	case n <= 3: // 1152
		b := new(box[[3]token.Service, [12]token.Privilege, [400]byte])
		return &b.x, b.s[:0], b.p[:0], b.b[:]
	case n <= 4: // 1280
		b := new(box[[4]token.Service, [16]token.Privilege, [352]byte])
		return &b.x, b.s[:0], b.p[:0], b.b[:]
	case n <= 5: // 1536
		b := new(box[[5]token.Service, [20]token.Privilege, [432]byte])
		return &b.x, b.s[:0], b.p[:0], b.b[:]
	case n <= 6: // 1792
		b := new(box[[6]token.Service, [24]token.Privilege, [512]byte])
		return &b.x, b.s[:0], b.p[:0], b.b[:]
	case n <= 8: // 2304
		b := new(box[[8]token.Service, [32]token.Privilege, [672]byte])
		return &b.x, b.s[:0], b.p[:0], b.b[:]
	}
	return new(tok007), nil, nil, nil
}

// declaredServices reads the service count of a 007 payload without
// decoding it (0 when the payload is too short to hold one): the decoding
// proper checks everything.
func declaredServices(p []byte) int {
	off := 0
	for k := 0; k < 2; k++ { // signature, app ID
		if off+2 > len(p) {
			return 0
		}
		off += 2 + int(binary.LittleEndian.Uint16(p[off:]))
	}
	off += 12 // issue_ts, expire, salt
	if off+2 > len(p) {
		return 0
	}
	return int(binary.LittleEndian.Uint16(p[off:]))
}

func parse007(s string) (*token.Token, error) {
	sc := getScratch()
	defer putScratch(sc)
	out, enc, err := outer007(s, sc, sc.out[:0])
	if err != nil {
		// A broken outer layer: the payload is decoded as far as what
		// inflates from it goes, and the outer error is the one reported.
		if out = salvage007(s, err, out, sc.out[:0]); len(out) == 0 {
			return &token.Token{Version: token.V007}, err
		}
		tok, _ := model007(out, token.Encoding{})
		return tok, err
	}
	sc.out = keepSmall(out, sc.out)
	return model007(out, enc)
}

// model007 decodes the inflated payload out (which it does not keep) into a
// new model.
func model007(out []byte, enc token.Encoding) (*token.Token, error) {
	x, svc, priv, spare := newTok007(declaredServices(out))
	// The payload is the caller's to modify, so the strings cannot alias
	// it: they are decoded from it and then copied out (internStrings),
	// both into the spare bytes when they fit.
	var payload []byte
	if len(out) <= len(spare) {
		payload, spare = spare[:len(out):len(out)], spare[len(out):]
	} else {
		payload = make([]byte, len(out))
	}
	copy(payload, out)
	x.tok = token.Token{Version: token.V007, T007: &x.t7, Encoding: enc}
	err := payload007(payload, &x.t7, bytesString(payload), false, svc, priv)
	internStrings(&x.t7, spare)
	return &x.tok, err
}

// internStrings replaces every string of t by a copy, laid out in spare when
// it has room and else in one new allocation, which nothing else refers to:
// the copies never change.
func internStrings(t *token.Token007, spare []byte) {
	n := len(t.AppID)
	for i := range t.Services {
		s := &t.Services[i]
		n += len(s.Channel) + len(s.Account) + len(s.UserID) + len(s.RoomUUID) + len(s.UserUUID)
		for _, r := range s.Permissions {
			for _, p := range r.Permissions {
				for _, x := range p.Resources {
					n += len(x)
				}
			}
		}
	}
	if n == 0 {
		return
	}
	if len(spare) < n {
		spare = make([]byte, n)
	}
	in := interner{buf: spare[:n:n]}
	in.intern(&t.AppID)
	for i := range t.Services {
		s := &t.Services[i]
		in.intern(&s.Channel)
		in.intern(&s.Account)
		in.intern(&s.UserID)
		in.intern(&s.RoomUUID)
		in.intern(&s.UserUUID)
		for _, r := range s.Permissions {
			for _, p := range r.Permissions {
				for k := range p.Resources {
					in.intern(&p.Resources[k])
				}
			}
		}
	}
}

// interner copies strings into the unused front of buf.
type interner struct {
	buf []byte
}

func (in *interner) intern(s *string) {
	if len(*s) == 0 {
		return
	}
	k := copy(in.buf, *s)
	*s = bytesString(in.buf[:k])
	in.buf = in.buf[k:]
}

// outer007 undoes the base64 and zlib layers of s, inflating into dst (and
// keeping the base64 scratch in sc), and describes their encoding.
func outer007(s string, sc *scratch, dst []byte) ([]byte, token.Encoding, error) {
	var enc token.Encoding
	raw, nonCanon, err := decodeBase64Into(sc.b64[:0], s[3:], 3, "body")
	if err != nil {
		return nil, enc, err
	}
	sc.b64 = keepSmall(raw, sc.b64)
	out, hdr, err := inflateTo(dst, raw)
	if err != nil {
		return out, enc, err
	}
	enc.Base64NonCanonical = nonCanon
	enc.ZlibHeader = hdr
	enc.Compressor = compressorFamily(raw)
	return out, enc, nil
}

// salvage007 returns what can still be inflated from s after its outer
// layers failed with err: out itself when the zlib layer failed (what
// inflated before its error), else, for a base64 error, what the complete
// four-character groups before the error inflate to (into dst), with the
// zlib layer's checks. Nothing is salvaged from a payload past the size
// limit.
func salvage007(s string, err error, out, dst []byte) []byte {
	var pe *token.ParseError
	if errors.Is(err, token.ErrTooLarge) || !errors.As(err, &pe) {
		return nil
	}
	if pe.Layer != "token" {
		return out
	}
	body := s[3:]
	end := min(max(pe.Offset-3, 0), len(body))
	raw, _, berr := decodeBase64(body[:end&^3], 3, "body")
	if berr != nil {
		return nil
	}
	out, _, zerr := inflateTo(dst, raw)
	if errors.Is(zerr, token.ErrTooLarge) {
		return nil
	}
	return out
}

// parse007Into decodes s into tok, whose T007 is set, reusing the payload,
// service and privilege buffers tok already holds; the strings alias the
// payload (see ParseInto). On an error in the outer layers it decodes what
// salvage007 recovers, as ParsePartial does, or leaves only the version.
func parse007Into(s string, tok *token.Token) error {
	sc := getScratch()
	defer putScratch(sc)
	t := tok.T007
	payload, enc, err := outer007(s, sc, t.Payload[:0])
	if err != nil {
		if payload = salvage007(s, err, payload, t.Payload[:0]); len(payload) == 0 {
			*tok = token.Token{Version: token.V007}
			return err
		}
		*tok = token.Token{Version: token.V007, T007: t}
		_ = payload007(payload, t, bytesString(payload), true, nil, nil)
		return err
	}
	*tok = token.Token{Version: token.V007, T007: t, Encoding: enc}
	return payload007(payload, t, bytesString(payload), true, nil, nil)
}

// bytesString views b as a string without copying. The caller guarantees b is
// not modified while the string is in use (see ParseInto for the one place
// where it is, by contract).
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// Payload007 decodes an inflated 007 payload (signature field ‖ signing info).
// A service type without a known layout ends decoding successfully: the
// result records the type, its offset and the bytes left undecoded. On error
// the partial token is returned with the error. The token's Payload,
// Signature and SigningInfo alias payload; its strings are copies.
func Payload007(payload []byte) (*token.Token, error) {
	x := new(tok007)
	x.tok = token.Token{Version: token.V007, T007: &x.t7}
	return &x.tok, payload007(payload, &x.t7, string(payload), false, nil, nil)
}

// p007 reads one payload: strs is the payload as a string (the strings of the
// model are substrings of it), arena the privilege entries handed out.
type p007 struct {
	r     token.Reader
	strs  string
	reuse bool
	arena []token.Privilege
}

// payload007 fills t from payload. With reuse, the Services and privilege
// slices t already holds are reused when large enough; without, the services
// go into svc and the privilege entries into priv while they have room
// (both empty, possibly nil).
func payload007(payload []byte, t *token.Token007, strs string, reuse bool, svc []token.Service, priv []token.Privilege) error {
	old := svc
	if reuse {
		old = t.Services[:cap(t.Services)]
	}
	*t = token.Token007{Payload: payload}
	p := p007{r: *token.NewReader(payload, "payload"), strs: strs, reuse: reuse, arena: priv}
	r := &p.r
	// cut records, on an error, the fixed fields from f on as not read.
	cut := func(f int, err error) error {
		t.HeaderCut = uint8(token.Fields007 - f)
		return err
	}
	var err error
	if t.Signature, err = readSignature(r); err != nil {
		return cut(token.Field007Signature, err)
	}
	t.SigningInfo = r.Rest()
	appOff := r.Offset() + 2
	if t.AppID, err = p.str("app_id"); err != nil {
		return cut(token.Field007AppID, err)
	}
	if err := checkAppID(t.AppID, "payload", appOff, "app_id"); err != nil {
		// The app ID was read: the model shows what it is.
		return cut(token.Field007IssueTs, err)
	}
	if b := r.Rest(); len(b) >= 12 {
		// The three fixed fields at once; the field reads below name
		// the one that is cut short.
		t.IssueTs = binary.LittleEndian.Uint32(b)
		t.Expire = binary.LittleEndian.Uint32(b[4:])
		t.Salt = binary.LittleEndian.Uint32(b[8:])
		r.Skip(12)
	} else {
		if t.IssueTs, err = r.U32("issue_ts"); err != nil {
			return cut(token.Field007IssueTs, err)
		}
		if t.Expire, err = r.U32("expire"); err != nil {
			return cut(token.Field007Expire, err)
		}
		if t.Salt, err = r.U32("salt"); err != nil {
			return cut(token.Field007Salt, err)
		}
	}
	countOff := r.Offset()
	if b := r.Rest(); len(b) >= 2 {
		// The count as declared, kept when the records it announces are
		// not there: the partial model says what the token claims.
		t.ServiceCount = binary.LittleEndian.Uint16(b)
	} else {
		t.HeaderCut = 1
	}
	// The records are read in turn: an unknown type ends the reading
	// (FORMATS §10.8), so a count the payload cannot hold is met only
	// when the records run out before it.
	n, err := r.OpenCount16("services")
	if err != nil {
		return err
	}
	if n == 0 {
		return token.Errorf("payload", countOff, "services", token.ErrMalformed, "no services: a token must carry at least one")
	}
	// A record takes at least 4 bytes (type and empty map).
	if m := min(n, r.Len()/4+1, token.MaxServices); cap(old) >= m {
		t.Services = old[:0]
	} else {
		t.Services = make([]token.Service, 0, m)
	}
	for i := 0; i < n; i++ {
		off := r.Offset()
		if r.Len() == 0 {
			return token.Errorf("payload", countOff, "services", token.ErrTruncated, "the count declares %d services, the payload ends after %s", n, token.Plural(i, "service"))
		}
		typ, err := r.U16(".type")
		if err != nil {
			return within(err, "services[%d]", i)
		}
		if !token.KnownService(typ) {
			// Reading stops here, before any limit applies to the record.
			t.UnknownService = typ
			t.UnknownOffset = off
			t.Undecoded = len(payload) - off
			return nil
		}
		if i == token.MaxServices {
			// The records' own bound; the lists inside them count
			// against MaxEntries as they are read.
			return token.Errorf("payload", off, "services", token.ErrTooLarge, "more than %d service records (real tokens hold a few)", token.MaxServices)
		}
		var oldPriv []token.Privilege
		if i < len(old) {
			oldPriv = old[i].Privileges
		}
		// The record is decoded in place (a Service is large to return
		// and copy); if it fails it stays, partly read (ServiceCut). It
		// is cleared field
		// by field: a composite literal would be built on the stack and
		// copied, and the wide loads of that copy wait for the narrow
		// store of the type to retire.
		t.Services = t.Services[:i+1]
		svc := &t.Services[i]
		*svc = token.Service{}
		svc.Type = typ
		if read, err := p.service(svc, oldPriv); err != nil {
			// The record stays, with what was read of it: the fields
			// from the one at fault on are marked not reached.
			t.ServiceCut = uint8(len(token.ServiceFields(typ)) - read)
			return within(err, "services[%d]", i)
		}
	}
	if r.Len() > 0 {
		return token.Errorf("payload", r.Offset(), "services", token.ErrTrailingData, "%s after the last service", token.Plural(r.Len(), "byte"))
	}
	return nil
}

// str reads a bytes16 field as a substring of p.strs.
func (p *p007) str(field string) (string, error) {
	if b := p.r.Rest(); len(b) >= 2 {
		// The common case without a call; Bytes16 below locates the
		// error of a length that runs past the end.
		if n := int(binary.LittleEndian.Uint16(b)); n <= len(b)-2 {
			off := p.r.Offset() + 2
			p.r.Skip(2 + n)
			if n == 0 {
				return "", nil
			}
			return p.strs[off : off+n], nil
		}
	}
	b, err := p.r.Bytes16(field)
	if err != nil || len(b) == 0 {
		return "", err
	}
	end := p.r.Offset()
	return p.strs[end-len(b) : end], nil
}

// privileges reads a privilege map into old when it is large enough (reuse),
// else into the parser's arena, so that a token's maps share allocations.
func (p *p007) privileges(old []token.Privilege) ([]token.Privilege, error) {
	const field = ".privileges"
	r := &p.r
	start := r.Offset()
	n, err := r.Count16(field, 6)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	var out []token.Privilege
	switch {
	case p.reuse && cap(old) >= n:
		out = old[:n]
	default:
		if cap(p.arena)-len(p.arena) < n {
			p.arena = make([]token.Privilege, 0, max(n, 16))
		}
		l := len(p.arena)
		out = p.arena[l : l+n : l+n]
		p.arena = p.arena[:l+n]
	}
	if err := fillPrivileges(r, out, start, field); err != nil {
		return nil, err
	}
	return out, nil
}

// service decodes the record of svc.Type after its type field into svc.
func (p *p007) service(svc *token.Service, oldPriv []token.Privilege) (read int, err error) {
	if svc.Privileges, err = p.privileges(oldPriv); err != nil {
		return 0, err
	}
	// read counts the fields of token.ServiceFields(svc.Type) decoded.
	read = 1
	switch svc.Type {
	case token.ServiceRTC:
		if svc.Channel, err = p.str(".channel"); err != nil {
			return read, err
		}
		read++
		if svc.Account, err = p.str(".uid"); err != nil {
			return read, err
		}
	case token.ServiceStreaming, token.ServiceFCDN:
		if svc.Channel, err = p.str(".channel"); err != nil {
			return read, err
		}
		read++
		if svc.Account, err = p.str(".account"); err != nil {
			return read, err
		}
	case token.ServiceRTM, token.ServiceChat:
		if svc.UserID, err = p.str(".user_id"); err != nil {
			return read, err
		}
	case token.ServiceAPaaS:
		if svc.RoomUUID, err = p.str(".room_uuid"); err != nil {
			return read, err
		}
		read++
		if svc.UserUUID, err = p.str(".user_uuid"); err != nil {
			return read, err
		}
		read++
		if svc.Role, err = p.r.I16(".role"); err != nil {
			return read, err
		}
	case token.ServiceRTM2:
		if svc.UserID, err = p.str(".user_id"); err != nil {
			return read, err
		}
		read++
		if svc.Permissions, err = p.rtm2(); err != nil {
			return read, err
		}
	default:
		return read, nil
	}
	return read + 1, nil
}

func (p *p007) rtm2() ([]token.RTM2Resource, error) {
	r := &p.r
	n, err := r.Count16(".permissions", 4)
	if err != nil || n == 0 {
		return nil, err
	}
	out := make([]token.RTM2Resource, n)
	for i := range out {
		if out[i].ResourceType, err = r.U16(".resource_type"); err != nil {
			return nil, within(err, ".permissions[%d]", i)
		}
		m, err := r.Count16(".permissions", 4)
		if err != nil {
			return nil, within(err, ".permissions[%d]", i)
		}
		if m == 0 {
			continue
		}
		out[i].Permissions = make([]token.RTM2Permission, m)
		for j := range out[i].Permissions {
			pt, err := r.U16(".permission_type")
			if err != nil {
				return nil, within(err, ".permissions[%d].permissions[%d]", i, j)
			}
			k, err := r.Count16(".resources", 2)
			if err != nil {
				return nil, within(err, ".permissions[%d].permissions[%d]", i, j)
			}
			res := make([]string, k)
			for x := range res {
				if res[x], err = p.str(""); err != nil {
					return nil, within(err, ".permissions[%d].permissions[%d].resources[%d]", i, j, x)
				}
			}
			out[i].Permissions[j] = token.RTM2Permission{PermissionType: pt, Resources: res}
		}
	}
	return out, nil
}

// within prefixes the field path of a *token.ParseError; it formats only on
// the error path, so the happy path does not allocate for field names.
func within(err error, format string, args ...any) error {
	if pe, ok := err.(*token.ParseError); ok {
		c := *pe
		c.Field = fmt.Sprintf(format, args...) + c.Field
		return &c
	}
	return err
}
