package report

import (
	"encoding/hex"
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// The Append functions write the views as encoding/json would (field order,
// omitempty, HTML-safe string escaping, invalid UTF-8 as U+FFFD), byte for
// byte, without reflection: audit writes one verify object per input line,
// and json.Marshal cost more than decoding and verifying the token. The
// tests compare them with json.Marshal over every vector and generated
// report.

// AppendVerify appends the JSON encoding of v to dst, as json.Marshal(v)
// would. extra, when not nil, appends further members (each starting with
// ",") before the closing brace.
func AppendVerify(dst []byte, v *VerifyView, extra func([]byte) []byte) ([]byte, error) {
	if v == nil {
		return append(dst, "null"...), nil
	}
	return appendVerify(dst, v, func(dst []byte) []byte { return appendTokenView(dst, v.Token) }, extra)
}

// appendVerify appends the verify object v with its token written by
// appendToken (v.Token itself is not looked at).
func appendVerify(dst []byte, v *VerifyView, appendToken func([]byte) []byte, extra func([]byte) []byte) ([]byte, error) {
	dst = append(dst, `{"token":`...)
	dst = appendToken(dst)
	dst = append(dst, `,"signature":`...)
	dst = appendString(dst, v.Signature)
	dst = append(dst, `,"matched_certificate":`...)
	dst = appendStringPtr(dst, v.MatchedCertificate)
	dst = append(dst, `,"verdict":`...)
	dst = appendString(dst, v.Verdict)
	dst = append(dst, `,"findings":`...)
	if v.Findings == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range v.Findings {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendFinding(dst, &v.Findings[i])
		}
		dst = append(dst, ']')
	}
	if v.Line != nil {
		dst = append(dst, `,"line":`...)
		dst = strconv.AppendInt(dst, int64(*v.Line), 10)
	}
	if v.ID != nil { // omitempty omits only a nil interface
		dst = append(dst, `,"id":`...)
		var err error
		if dst, err = appendAny(dst, v.ID); err != nil {
			return dst, err
		}
	}
	if v.Now != nil {
		dst = append(dst, `,"now":`...)
		dst = strconv.AppendInt(dst, *v.Now, 10)
	}
	if extra != nil {
		dst = extra(dst)
	}
	return append(dst, '}'), nil
}

// AppendMember appends `,"name":` and the JSON string s.
func AppendMember(dst []byte, name, s string) []byte {
	dst = append(dst, ',')
	dst = appendString(dst, name)
	dst = append(dst, ':')
	return appendString(dst, s)
}

// appendAny encodes the values VerifyView.ID holds; any other type goes
// through encoding/json.
func appendAny(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case json.RawMessage:
		if x == nil {
			return append(dst, "null"...), nil
		}
		return appendCompactHTML(dst, x)
	case string:
		return appendString(dst, x), nil
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return dst, err
	}
	return append(dst, b...), nil
}

// appendCompactHTML appends raw JSON without the whitespace between tokens
// and with <, >, &, U+2028 and U+2029 escaped inside strings, as
// encoding/json writes a json.RawMessage. raw must be valid JSON.
func appendCompactHTML(dst []byte, raw []byte) ([]byte, error) {
	if !json.Valid(raw) {
		return dst, &json.SyntaxError{}
	}
	inString, escaped := false, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			case c == '<' || c == '>' || c == '&':
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
				continue
			case c == 0xe2 && i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xa8:
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[raw[i+2]&0xf])
				i += 2
				continue
			}
			dst = append(dst, c)
			continue
		}
		switch c {
		case ' ', '\t', '\n', '\r':
			continue
		case '"':
			inString = true
		}
		dst = append(dst, c)
	}
	return dst, nil
}

func appendFinding(dst []byte, f *verify.Finding) []byte {
	dst = append(dst, `{"code":`...)
	dst = appendString(dst, f.Code)
	dst = append(dst, `,"severity":`...)
	dst = appendString(dst, string(f.Severity))
	dst = append(dst, `,"message":`...)
	dst = appendString(dst, f.Message)
	dst = append(dst, `,"hint":`...)
	dst = appendString(dst, f.Hint)
	dst = append(dst, `,"sdk_error":`...)
	dst = appendIntPtr(dst, f.SDKError)
	dst = append(dst, `,"field":`...)
	dst = appendString(dst, f.Field)
	dst = append(dst, `,"offset":`...)
	dst = appendIntPtr(dst, f.Offset)
	if f.Layer != "" {
		dst = append(dst, `,"layer":`...)
		dst = appendString(dst, f.Layer)
	}
	return append(dst, '}')
}

func appendTokenView(dst []byte, v *TokenView) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, `{"version":`...)
	dst = appendString(dst, v.Version)
	dst = append(dst, `,"app_id":`...)
	dst = appendString(dst, v.AppID)
	if v.AppIDHex != "" {
		dst = append(dst, `,"app_id_hex":`...)
		dst = appendString(dst, v.AppIDHex)
	}
	dst = appendOptUint(dst, `,"salt":`, v.Salt)
	if v.Signature != "" {
		dst = append(dst, `,"signature":`...)
		dst = appendString(dst, v.Signature)
	}
	dst = appendOptUint(dst, `,"issue_ts":`, v.IssueTs)
	dst = appendOptUint(dst, `,"expire":`, v.Expire)
	if v.ExpireAt != nil {
		dst = append(dst, `,"expire_at":`...)
		dst = strconv.AppendUint(dst, *v.ExpireAt, 10)
	}
	if v.ServiceCount != nil {
		dst = append(dst, `,"service_count":`...)
		dst = strconv.AppendUint(dst, uint64(*v.ServiceCount), 10)
	}
	if len(v.Services) > 0 {
		dst = append(dst, `,"services":[`...)
		for i := range v.Services {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendServiceView(dst, &v.Services[i])
		}
		dst = append(dst, ']')
	}
	if v.Compressor != "" {
		dst = append(dst, `,"compressor":`...)
		dst = appendString(dst, v.Compressor)
	}
	dst = appendOptUint(dst, `,"ts":`, v.Ts)
	dst = appendOptUint(dst, `,"crc_channel":`, v.CRCChannel)
	dst = appendOptUint(dst, `,"crc_uid":`, v.CRCUID)
	if v.Privileges != nil {
		dst = append(dst, `,"privileges":`...)
		dst = appendPrivileges(dst, *v.Privileges)
	}
	if v.Kind != "" {
		dst = append(dst, `,"kind":`...)
		dst = appendString(dst, v.Kind)
	}
	dst = appendOptUint(dst, `,"uid":`, v.UID)
	if v.Legacy != nil {
		dst = append(dst, `,"legacy":`...)
		dst = appendLegacyView(dst, v.Legacy)
	}
	if v.NonCanonicalBase64 {
		dst = append(dst, `,"non_canonical_base64":true`...)
	}
	if len(v.Repairs) > 0 {
		dst = appendStrings(append(dst, `,"repairs":`...), v.Repairs)
	}
	if v.Error != nil {
		dst = append(dst, `,"error":`...)
		dst = appendErrorView(dst, v.Error)
	}
	return append(dst, '}')
}

func appendServiceView(dst []byte, s *ServiceView) []byte {
	dst = append(dst, `{"type":`...)
	dst = strconv.AppendUint(dst, uint64(s.Type), 10)
	dst = append(dst, `,"name":`...)
	dst = appendString(dst, s.Name)
	dst = appendOptString(dst, `,"channel":`, s.Channel)
	dst = appendOptString(dst, `,"uid":`, s.UID)
	dst = appendOptString(dst, `,"user_id":`, s.UserID)
	dst = appendOptString(dst, `,"account":`, s.Account)
	dst = appendOptString(dst, `,"room_uuid":`, s.RoomUUID)
	dst = appendOptString(dst, `,"user_uuid":`, s.UserUUID)
	if s.Role != nil {
		dst = append(dst, `,"role":`...)
		dst = strconv.AppendInt(dst, int64(*s.Role), 10)
	}
	dst = appendTextHex(dst, s.Hex)
	if len(s.Permissions) > 0 {
		dst = append(dst, `,"permissions":[`...)
		for i := range s.Permissions {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendPermissionView(dst, &s.Permissions[i])
		}
		dst = append(dst, ']')
	}
	dst = append(dst, `,"privileges":`...)
	dst = appendPrivileges(dst, s.Privileges)
	if s.UndecodedBytes != nil {
		dst = append(dst, `,"undecoded_bytes":`...)
		dst = strconv.AppendInt(dst, int64(*s.UndecodedBytes), 10)
	}
	if s.Offset != nil {
		dst = append(dst, `,"offset":`...)
		dst = strconv.AppendInt(dst, int64(*s.Offset), 10)
	}
	if len(s.NotRead) > 0 {
		dst = appendStrings(append(dst, `,"not_read":`...), s.NotRead)
	}
	return append(dst, '}')
}

// appendTextHex appends the "hex" member of a service (TextHex), if any.
func appendTextHex(dst []byte, h *TextHex) []byte {
	if h == nil {
		return dst
	}
	dst = append(dst, `,"hex":{`...)
	first := true
	for _, f := range [...]struct{ key, v string }{{"channel", h.Channel}, {"uid", h.UID}, {"user_id", h.UserID},
		{"account", h.Account}, {"room_uuid", h.RoomUUID}, {"user_uuid", h.UserUUID}} {
		if f.v == "" {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = appendString(dst, f.key)
		dst = append(dst, ':')
		dst = appendString(dst, f.v)
	}
	return append(dst, '}')
}

func appendPermissionView(dst []byte, p *PermissionView) []byte {
	dst = append(dst, `{"resource_type":`...)
	dst = strconv.AppendUint(dst, uint64(p.ResourceType), 10)
	dst = append(dst, `,"resource_type_name":`...)
	dst = appendString(dst, p.ResourceTypeName)
	dst = append(dst, `,"permission_type":`...)
	dst = strconv.AppendUint(dst, uint64(p.PermissionType), 10)
	dst = append(dst, `,"permission_type_name":`...)
	dst = appendString(dst, p.PermissionTypeName)
	dst = append(dst, `,"resources":`...)
	if p.Resources == nil {
		dst = append(dst, "null"...)
	} else {
		dst = appendStrings(dst, p.Resources)
	}
	if p.ResourcesHex != nil {
		dst = appendStrings(append(dst, `,"resources_hex":`...), p.ResourcesHex)
	}
	return append(dst, '}')
}

// appendStrings appends the JSON array of xs.
func appendStrings(dst []byte, xs []string) []byte {
	dst = append(dst, '[')
	for i, x := range xs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, x)
	}
	return append(dst, ']')
}

func appendPrivileges(dst []byte, ps []PrivilegeView) []byte {
	if ps == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range ps {
		p := &ps[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"id":`...)
		dst = strconv.AppendUint(dst, uint64(p.ID), 10)
		dst = append(dst, `,"name":`...)
		dst = appendString(dst, p.Name)
		dst = append(dst, `,"expire":`...)
		dst = strconv.AppendUint(dst, uint64(p.Expire), 10)
		if p.ExpireAt != nil {
			dst = append(dst, `,"expire_at":`...)
			dst = strconv.AppendUint(dst, *p.ExpireAt, 10)
		}
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

func appendLegacyView(dst []byte, l *LegacyView) []byte {
	dst = append(dst, '{')
	start := len(dst)
	key := func(k string) {
		if len(dst) > start {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, k...)
		dst = append(dst, '"', ':')
	}
	uint32Field := func(k string, v *uint32) {
		if v != nil {
			key(k)
			dst = strconv.AppendUint(dst, uint64(*v), 10)
		}
	}
	uint32Field("unix_ts", l.UnixTs)
	uint32Field("uid", l.UID)
	uint32Field("expired_ts", l.ExpiredTs)
	if l.ServiceType != nil {
		key("service_type")
		dst = strconv.AppendUint(dst, uint64(*l.ServiceType), 10)
	}
	if len(l.Extra) > 0 {
		key("extra")
		dst = append(dst, '[')
		for i, e := range l.Extra {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"key":`...)
			dst = strconv.AppendUint(dst, uint64(e.Key), 10)
			dst = append(dst, `,"value":`...)
			dst = appendString(dst, e.Value)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

func appendErrorView(dst []byte, e *ErrorView) []byte {
	dst = append(dst, `{"message":`...)
	dst = appendString(dst, e.Message)
	dst = append(dst, `,"code":`...)
	dst = appendString(dst, e.Code)
	if e.Field != "" {
		dst = append(dst, `,"field":`...)
		dst = appendString(dst, e.Field)
	}
	if e.Layer != "" {
		dst = append(dst, `,"layer":`...)
		dst = appendString(dst, e.Layer)
	}
	if e.Offset != nil {
		dst = append(dst, `,"offset":`...)
		dst = strconv.AppendInt(dst, int64(*e.Offset), 10)
	}
	return append(dst, '}')
}

func appendOptUint(dst []byte, key string, v *uint32) []byte {
	if v == nil {
		return dst
	}
	dst = append(dst, key...)
	return strconv.AppendUint(dst, uint64(*v), 10)
}

func appendOptString(dst []byte, key string, v *string) []byte {
	if v == nil {
		return dst
	}
	dst = append(dst, key...)
	return appendString(dst, *v)
}

func appendStringPtr(dst []byte, v *string) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	return appendString(dst, *v)
}

func appendIntPtr(dst []byte, v *int) []byte {
	if v == nil {
		return append(dst, "null"...)
	}
	return strconv.AppendInt(dst, int64(*v), 10)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does with
// HTML escaping on: <, >, & and control characters as \u00XX (\b, \f, \n,
// \r, \t, \" and \\ in their short forms), invalid UTF-8 as \ufffd, and
// U+2028 and U+2029 escaped.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendReport appends the verify object of r, as
// AppendVerify(dst, Verify(r) with line and id set, extra) would, without
// building the views for a 007 token (the common case of an audit).
func AppendReport(dst []byte, r *verify.Report, line *int, id any, extra func([]byte) []byte) ([]byte, error) {
	if r.Token != nil && r.Token.T007 != nil {
		v := envelope(r)
		v.Line, v.ID = line, id
		return appendVerify(dst, &v, func(dst []byte) []byte { return appendToken007(dst, r.Token, r.ParseErr) }, extra)
	}
	v := Verify(r)
	v.Line, v.ID = line, id
	return AppendVerify(dst, v, extra)
}

// appendToken007 appends the decode object of a (possibly partial) 007
// token, as appendTokenView(dst, Token(tok, err)) would.
func appendToken007(dst []byte, tok *token.Token, err error) []byte {
	t := tok.T007
	dst = append(dst, `{"version":`...)
	dst = appendString(dst, string(tok.Version))
	dst = append(dst, `,"app_id":`...)
	dst = appendString(dst, t.AppID)
	if h := hexIfInvalid(t.AppID); h != "" {
		dst = append(dst, `,"app_id_hex":`...)
		dst = appendString(dst, h)
	}
	if t.Read(token.Field007Salt) {
		dst = append(dst, `,"salt":`...)
		dst = strconv.AppendUint(dst, uint64(t.Salt), 10)
	}
	if len(t.Signature) > 0 {
		dst = append(dst, `,"signature":"`...)
		dst = hex.AppendEncode(dst, t.Signature)
		dst = append(dst, '"')
	}
	if t.Read(token.Field007IssueTs) {
		dst = append(dst, `,"issue_ts":`...)
		dst = strconv.AppendUint(dst, uint64(t.IssueTs), 10)
	}
	if t.Read(token.Field007Expire) {
		dst = append(dst, `,"expire":`...)
		dst = strconv.AppendUint(dst, uint64(t.Expire), 10)
		dst = append(dst, `,"expire_at":`...)
		dst = strconv.AppendUint(dst, t.ExpireAt(), 10)
	}
	if t.Read(token.Field007ServiceCount) {
		dst = append(dst, `,"service_count":`...)
		dst = strconv.AppendUint(dst, uint64(t.ServiceCount), 10)
	}
	if len(t.Services) > 0 || t.StoppedAtUnknown() {
		dst = append(dst, `,"services":[`...)
		for i := range t.Services {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendService007(dst, t, i)
		}
		if t.StoppedAtUnknown() {
			if len(t.Services) > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"type":`...)
			dst = strconv.AppendUint(dst, uint64(t.UnknownService), 10)
			dst = append(dst, `,"name":"unknown","privileges":[],"undecoded_bytes":`...)
			dst = strconv.AppendInt(dst, int64(t.Undecoded), 10)
			dst = append(dst, `,"offset":`...)
			dst = strconv.AppendInt(dst, int64(t.UnknownOffset), 10)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if c := tok.Encoding.Compressor; c != "" {
		dst = append(dst, `,"compressor":`...)
		dst = appendString(dst, c)
	}
	if tok.Encoding.Base64NonCanonical {
		dst = append(dst, `,"non_canonical_base64":true`...)
	}
	if err != nil {
		dst = append(dst, `,"error":`...)
		dst = appendErrorView(dst, errorView(err))
	}
	return append(dst, '}')
}

// appendService007 appends record i of t, as appendServiceView(dst,
// service(t, i)) would: the record a broken token's decoding stopped in
// goes through the view, the whole ones directly.
func appendService007(dst []byte, t *token.Token007, i int) []byte {
	if t.ServiceNotRead(i) != nil {
		sv := service(t, i)
		return appendServiceView(dst, &sv)
	}
	s := &t.Services[i]
	dst = append(dst, `{"type":`...)
	dst = strconv.AppendUint(dst, uint64(s.Type), 10)
	dst = append(dst, `,"name":`...)
	dst = appendString(dst, token.ServiceName(s.Type))
	switch s.Type {
	case token.ServiceRTC:
		dst = append(dst, `,"channel":`...)
		dst = appendString(dst, s.Channel)
		dst = append(dst, `,"uid":`...)
		dst = appendString(dst, s.Account)
	case token.ServiceStreaming, token.ServiceFCDN:
		dst = append(dst, `,"channel":`...)
		dst = appendString(dst, s.Channel)
		dst = append(dst, `,"account":`...)
		dst = appendString(dst, s.Account)
	case token.ServiceRTM, token.ServiceChat:
		dst = append(dst, `,"user_id":`...)
		dst = appendString(dst, s.UserID)
	case token.ServiceAPaaS:
		dst = append(dst, `,"room_uuid":`...)
		dst = appendString(dst, s.RoomUUID)
		dst = append(dst, `,"user_uuid":`...)
		dst = appendString(dst, s.UserUUID)
		dst = append(dst, `,"role":`...)
		dst = strconv.AppendInt(dst, int64(s.Role), 10)
	case token.ServiceRTM2:
		dst = append(dst, `,"user_id":`...)
		dst = appendString(dst, s.UserID)
		dst = appendTextHex(dst, serviceTextHex(s))
		first := true
		for _, r := range s.Permissions {
			for _, pm := range r.Permissions {
				if first {
					dst = append(dst, `,"permissions":[`...)
					first = false
				} else {
					dst = append(dst, ',')
				}
				pv := permissionView(r.ResourceType, pm)
				dst = appendPermissionView(dst, &pv)
			}
		}
		if !first {
			dst = append(dst, ']')
		}
	}
	if s.Type != token.ServiceRTM2 {
		dst = appendTextHex(dst, serviceTextHex(s))
	}
	dst = append(dst, `,"privileges":[`...)
	for i, pr := range s.Privileges {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"id":`...)
		dst = strconv.AppendUint(dst, uint64(pr.ID), 10)
		dst = append(dst, `,"name":`...)
		dst = appendString(dst, token.PrivilegeName(s.Type, pr.ID))
		dst = append(dst, `,"expire":`...)
		dst = strconv.AppendUint(dst, uint64(pr.Expire), 10)
		dst = append(dst, `,"expire_at":`...)
		dst = strconv.AppendUint(dst, privilegeEnd(t, pr), 10)
		dst = append(dst, '}')
	}
	return append(dst, "]}"...)
}

// ValidUTF8 returns raw JSON with every byte that is not part of a valid
// UTF-8 sequence replaced by the escape \ufffd, the character encoding/json
// reads for it; raw is returned unchanged when it is valid. An id echoed as
// written (audit lines, inspect requests) would otherwise carry the invalid
// bytes into the output, which is then no longer JSON text (RFC 8259 wants
// UTF-8). In valid JSON such bytes can only stand inside strings, where the
// escape keeps the value encoding/json decodes.
func ValidUTF8(raw []byte) []byte {
	if utf8.Valid(raw) {
		return raw
	}
	out := make([]byte, 0, len(raw)+16)
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		if r == utf8.RuneError && size == 1 {
			out = append(out, `\ufffd`...)
		} else {
			out = append(out, raw[i:i+size]...)
		}
		i += size
	}
	return out
}
