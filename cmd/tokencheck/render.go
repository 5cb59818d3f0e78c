package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// relative renders an instant against now: "expires in 23h59m" style.
func relative(at int64, now time.Time, future, past string) string {
	d := at - now.Unix()
	if d >= 0 {
		return future + " in " + verify.Ago(d)
	}
	return past + " " + verify.Ago(-d) + " ago"
}

func utcDate(unix int64) string { return time.Unix(unix, 0).UTC().Format("2006-01-02 15:04:05 UTC") }

var versionTitle = map[token.Version]string{
	token.V007: "AccessToken2", token.V006: "AccessToken", token.V005: "DynamicKey5", token.V004: "DynamicKey4",
	token.V003: "DynamicKey3", token.VDK2: "DynamicKey2", token.VDK1: "DynamicKey", token.VSignal: "signaling token",
}

// tokenRows lists field, value and meaning for people. kind is what a
// legacy key was found to be for by its signature (verify's
// Report.LegacyKind); it adds a row for a DK4 key, which does not store its
// kind, and is KindUnknown when nothing was verified.
func tokenRows(tok *token.Token, now time.Time, kind legacy.KeyKind) [][]string {
	var rows [][]string
	add := func(f, v, m string) { rows = append(rows, []string{f, v, m}) }
	if tok == nil {
		return rows
	}
	add("version", string(tok.Version), versionTitle[tok.Version])
	switch {
	case tok.T007 != nil:
		t := tok.T007
		// A broken token's fields after the one at fault were not read:
		// they are left out rather than shown as zeros with meanings.
		if t.Read(token.Field007AppID) {
			add("app_id", t.AppID, "")
		}
		if t.Read(token.Field007IssueTs) {
			add("issue_ts", u(t.IssueTs), utcDate(int64(t.IssueTs))+", "+relative(int64(t.IssueTs), now, "issued", "issued"))
		}
		exp := fmt.Sprintf("lifetime %s: until %s, %s", verify.Ago(int64(t.Expire)), utcDate(int64(t.ExpireAt())), relative(int64(t.ExpireAt()), now, "expires", "expired"))
		if t.Expire > 86400 {
			// FORMATS §11.1, §14: a 007 token lasts at most 24 hours, as
			// verify judges it (expired, expiry_over_24h).
			end := int64(t.IssueTs) + 86400
			exp = fmt.Sprintf("lifetime %s, over 24h: the server ends the token 24h after issue, at %s, %s (its expire alone would last until %s)",
				verify.Ago(int64(t.Expire)), utcDate(end), relative(end, now, "ends", "ended"), utcDate(int64(t.ExpireAt())))
		}
		if t.Expire == 0 {
			exp = fmt.Sprintf("0: the token expires at its issue time, %s, %s", utcDate(int64(t.IssueTs)), relative(int64(t.IssueTs), now, "expires", "expired"))
		}
		if t.Read(token.Field007Expire) {
			add("expire", u(t.Expire), exp)
		}
		if t.Read(token.Field007Salt) {
			add("salt", u(t.Salt), "random value")
		}
		if t.Signature != nil {
			add("signature", fmt.Sprintf("%x", t.Signature), "HMAC-SHA256 (32 bytes)")
		}
		comp := tok.Encoding.Compressor
		if comp != "" {
			add("compression", fmt.Sprintf("zlib %02x %02x", tok.Encoding.ZlibHeader[0], tok.Encoding.ZlibHeader[1]), compressorMeaning(comp, tok.Encoding.CompressorExact))
		}
		if t.Read(token.Field007ServiceCount) {
			add("services", strconv.Itoa(int(t.ServiceCount)), "declared service records")
		}
		for i, s := range t.Services {
			info, _ := token.LookupService(s.Type)
			p := fmt.Sprintf("services[%d]", i)
			add(p, fmt.Sprintf("%d %s", s.Type, info.Name), info.Title+" service")
			for _, f := range serviceFields(&s) {
				if name, _, _ := strings.Cut(f[0], "["); t.ServiceFieldRead(i, name) {
					add(p+"."+f[0], f[1], f[2])
				}
			}
			if nr := t.ServiceNotRead(i); nr != nil {
				add(p+" (broken)", "not read: "+strings.Join(nr, ", "), "decoding stopped inside this record (see the error below)")
			}
			for _, pr := range s.Privileges {
				m := "no separate limit: the token lifetime governs"
				if pr.Expire != 0 {
					at := int64(t.IssueTs) + int64(pr.Expire)
					m = fmt.Sprintf("%s after issue: until %s, %s", verify.Ago(int64(pr.Expire)), utcDate(at), relative(at, now, "expires", "expired"))
				}
				add(fmt.Sprintf("%s.privilege %d", p, pr.ID), u(pr.Expire), token.PrivilegeName(s.Type, pr.ID)+": "+m)
			}
		}
		if t.StoppedAtUnknown() {
			add(fmt.Sprintf("services[%d]", len(t.Services)), fmt.Sprintf("%d unknown", t.UnknownService),
				fmt.Sprintf("no known layout: %d bytes from payload byte %d not decoded", t.Undecoded, t.UnknownOffset))
		}
	case tok.T006 != nil:
		t := tok.T006
		add("app_id", t.AppID, "")
		if t.Signature != nil {
			add("signature", fmt.Sprintf("%x", t.Signature), "HMAC-SHA256 over app ID, channel, uid and message")
			add("crc_channel", u(t.CRCChannel), "CRC-32 of the channel name (an RTM token: of the user account)")
			add("crc_uid", u(t.CRCUID), crcUIDMeaning(t.CRCUID))
		}
		if t.Message != nil {
			add("salt", u(t.Salt), "random value")
			add("ts", u(t.Ts), fmt.Sprintf("token expiry: %s, %s (builders set build time + 24h: built about %s)",
				utcDate(int64(t.Ts)), relative(int64(t.Ts), now, "expires", "expired"), utcDate(int64(t.Ts)-86400)))
			add("kind", report.Kind006(t), "")
			for _, pr := range t.Privileges {
				m := "0: no separate limit"
				if pr.Expire != 0 {
					m = fmt.Sprintf("%s, %s", utcDate(int64(pr.Expire)), relative(int64(pr.Expire), now, "expires", "expired"))
				}
				add(fmt.Sprintf("privilege %d", pr.ID), u(pr.Expire), token.Privilege006Name(pr.ID)+": "+m)
			}
		}
	case tok.Legacy != nil:
		// A field a broken key's decoding did not reach is left out.
		l := tok.Legacy
		if l.Format == token.V005 && l.Read("service_type") {
			add("service_type", strconv.Itoa(int(l.ServiceType)), dk5Service[l.ServiceType])
		}
		if l.Read("app_id") {
			add("app_id", l.AppID, "")
		}
		if l.Read("signature") {
			add("signature", l.Signature, "")
		}
		if l.Format != token.VSignal && l.Read("unix_ts") {
			add("unix_ts", u(l.UnixTs), utcDate(int64(l.UnixTs))+" (generation time), "+relative(int64(l.UnixTs), now, "generated", "generated"))
		}
		if l.Format != token.VSignal && l.Read("random_int") {
			add("salt", u(l.Salt), "random value")
		}
		if l.HasUID {
			add("uid", u(l.UID), "")
		}
		if l.HasExpired {
			m := "0: no expiry"
			if l.ExpiredTs != 0 {
				m = utcDate(int64(l.ExpiredTs)) + ", " + relative(int64(l.ExpiredTs), now, "expires", "expired")
			}
			add("expired_ts", u(l.ExpiredTs), m)
		}
		if l.Format == token.V005 {
			for _, x := range l.Extra {
				add(fmt.Sprintf("extra %d", x.Key), x.Value, dk5ExtraMeaning(x.Key, x.Value))
			}
		}
		if svc, ok := kind.DK4Service(); ok && l.StoppedAt == "" && legacy.KindOf(l) == legacy.KindUnknown {
			add("kind", kind.String(), fmt.Sprintf("%s key: the signature covers the service string %q",
				strings.ReplaceAll(kind.String(), "_", " "), svc))
		}
	}
	return rows
}

var dk5Service = map[uint16]string{1: "media channel key", 2: "recording key", 3: "public sharing key", 4: "in-channel permission key"}

// dk5ExtraMeaning names a DK5 extra-map entry (FORMATS §7.1, §13.5): key 1
// is ALLOW_UPLOAD_IN_CHANNEL, "0" no upload and "3" audio and video.
func dk5ExtraMeaning(key uint16, value string) string {
	if key != 1 {
		return "unknown extra key"
	}
	switch value {
	case "0":
		return "ALLOW_UPLOAD_IN_CHANNEL: no upload"
	case "3":
		return "ALLOW_UPLOAD_IN_CHANNEL: audio and video upload"
	}
	return "ALLOW_UPLOAD_IN_CHANNEL: not a value the builders write (\"0\" or \"3\")"
}

func crcUIDMeaning(c uint32) string {
	if c == 0 {
		return "CRC-32 of the empty text: not bound to a uid (uid 0, any user)"
	}
	return "CRC-32 of the uid text or user account"
}

// compressorMeaning explains the compressor of a 007 token: exact when
// re-compression reproduced the string, else the family its framing shows.
func compressorMeaning(c string, exact bool) string {
	if exact {
		switch {
		case c == "go":
			return "Go's compress/zlib: the Go builder (re-compression reproduces the string exactly)"
		case c == "zlib":
			return "C zlib at the default level: the C++, Python, Java, PHP, Ruby builders (re-compression reproduces the string exactly)"
		case strings.HasPrefix(c, "zlib-level-"):
			return "C zlib at level " + strings.TrimPrefix(c, "zlib-level-") + " (re-compression reproduces the string exactly)"
		}
	}
	switch c {
	case "go":
		return "framed as Go's compress/zlib frames a stream (an empty sync block before the end), though re-compressing the payload does not give this string"
	case "stored":
		return "stored, uncompressed blocks (e.g. Rust builder)"
	case "zlib-level-0-1":
		return "header 78 01: Dart builder (level-6 deflate under this header) or zlib at level 0-1"
	case "zlib-compatible":
		return "header 78 9C but neither Go nor C zlib wrote it: Node.js, C# or another deflate implementation"
	}
	return "zlib at a non-default level"
}

func serviceFields(s *token.Service) [][3]string {
	q := strconv.Quote
	switch s.Type {
	case token.ServiceRTC:
		m := "user account"
		if s.Account == "" {
			m = "empty: uid 0, any user may join"
		} else if _, err := strconv.ParseUint(s.Account, 10, 32); err == nil && s.Account[0] != '0' {
			m = "numeric uid (or an account with the same digits)"
		}
		return [][3]string{{"channel", q(s.Channel), fmt.Sprintf("%d bytes", len(s.Channel))}, {"uid", q(s.Account), m}}
	case token.ServiceStreaming, token.ServiceFCDN:
		m := "user account"
		if s.Account == "" {
			m = "empty: uid 0, any user"
		} else if _, err := strconv.ParseUint(s.Account, 10, 32); err == nil && s.Account[0] != '0' {
			m = "numeric uid (or an account with the same digits)"
		}
		return [][3]string{{"channel", q(s.Channel), fmt.Sprintf("%d bytes", len(s.Channel))}, {"account", q(s.Account), m}}
	case token.ServiceRTM, token.ServiceChat:
		m := ""
		if s.Type == token.ServiceChat && s.UserID == "" {
			m = "empty: app token"
		}
		return [][3]string{{"user_id", q(s.UserID), m}}
	case token.ServiceAPaaS:
		role := strconv.Itoa(int(s.Role))
		m := "application-defined role"
		if s.Role == -1 {
			m = "-1: no role"
		}
		return [][3]string{{"room_uuid", q(s.RoomUUID), ""}, {"user_uuid", q(s.UserUUID), ""}, {"role", role, m}}
	case token.ServiceRTM2:
		out := [][3]string{{"user_id", q(s.UserID), ""}}
		for i, r := range s.Permissions {
			res := fmt.Sprintf("%d %s", r.ResourceType, token.RTM2ResourceName(r.ResourceType))
			if len(r.Permissions) == 0 {
				out = append(out, [3]string{fmt.Sprintf("permissions[%d]", i), res, "resource type with no permission lists"})
			}
			for j, p := range r.Permissions {
				m := "no resources"
				if len(p.Resources) > 0 {
					m = strings.Join(quoteAll(p.Resources), ", ")
				}
				out = append(out, [3]string{fmt.Sprintf("permissions[%d][%d]", i, j),
					fmt.Sprintf("%s / %d %s", res, p.PermissionType, token.RTM2PermissionName(p.PermissionType)), m})
			}
		}
		return out
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

func u(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// maxColumnWidth keeps tables readable in a terminal: longer cells wrap.
const maxColumnWidth = 72

func renderTable(w io.Writer, header []string, rows [][]string) error {
	t := tablewriter.NewTable(w, tablewriter.WithRowAutoWrap(tw.WrapNone))
	t.Header(toAny(header)...)
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = wrap(c, maxColumnWidth)
		}
		if err := t.Append(toAny(cells)...); err != nil {
			return err
		}
	}
	return t.Render()
}

// wrap breaks text at spaces so that no line exceeds width (a longer word
// stays whole). Existing line breaks are kept.
func wrap(s string, width int) string {
	if len(s) <= width {
		return s
	}
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		n := 0
		for j, word := range strings.Split(line, " ") {
			if j > 0 {
				if n+1+len(word) > width {
					b.WriteByte('\n')
					n = 0
				} else {
					b.WriteByte(' ')
					n++
				}
			}
			b.WriteString(word)
			n += len(word)
		}
	}
	return b.String()
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func findingRows(fs []verify.Finding) [][]string {
	rows := make([][]string, 0, len(fs))
	for _, f := range fs {
		sdk := "-"
		if f.SDKError != nil {
			sdk = strconv.Itoa(*f.SDKError)
		}
		msg := f.Message
		if f.Hint != "" {
			msg += "\nhint: " + f.Hint
		}
		rows = append(rows, []string{string(f.Severity), f.Code, sdk, msg})
	}
	return rows
}

// escapeControls returns s with its control characters (C0, DEL, C1, the
// Unicode line and paragraph separators) and invalid UTF-8 escaped as Go
// does in a quoted string (\n, \x1b, \u0085), for text from a file or an
// external process shown in a terminal: it can then neither move the
// cursor, colour the screen nor break a table row.
func escapeControls(s string) string {
	clean := true
	for _, r := range s {
		if isControl(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case isControl(r):
			q := strconv.QuoteRune(r) // '\n', '\x1b', '\u0085'
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' ||
		r == utf8.RuneError
}
