package conform

import (
	"slices"
	"sort"
	"strconv"

	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Documented divergence causes between reference builders, named without
// the implementation (Classify sees only tokens). Each maps to cause codes
// of CROSS-LANGUAGE.md, listed in CauseCodes.
const (
	// DivPrivilegeOrder: the same privileges, packed in another order (PHP and
	// Ruby 006 insertion order, Perl 006 keys sorted as text, Java keys >= 32768
	// first). tokencheck packs ids ascending as unsigned numbers.
	DivPrivilegeOrder = "privilege_order"
	// DivRoleSet006: a 006 RTC token whose privileges follow the Java/Ruby role
	// table (publish privileges for Subscriber, not for Attendee).
	DivRoleSet006 = "role_set_006"
	// DivUIDZeroAsText: uid 0 written as "0" instead of "" (PHP 007, Ruby 006).
	DivUIDZeroAsText = "uid_0_as_text_0"
	// DivUIDSignedInt: a uid >= 2^31 written as a negative decimal (Java 006).
	DivUIDSignedInt = "uid_signed_int"
	// DivUIDDropped: a non-numeric account or "0" written as "" (Perl 006).
	DivUIDDropped = "uid_dropped"
	// DivRoomUserNoAPaaSPrivilege: the room-user token's APaaS service has no
	// privilege (Node.js, npm agora-token).
	DivRoomUserNoAPaaSPrivilege = "roomuser_no_apaas_privilege"
	// DivRoomUserNoChatPrivilege: the room-user token's Chat service has no
	// privilege (Java adds it to the RTM service).
	DivRoomUserNoChatPrivilege = "roomuser_no_chat_privilege"
	// DivAPaaSRoleZeroAsMinusOne: APaaS role 0 written as -1 (Node.js `role || -1`).
	DivAPaaSRoleZeroAsMinusOne = "apaas_role_0_as_minus_1"
)

// Causes lists every divergence cause Classify can return, sorted: the
// names Options.Allow (conform --allow) accepts.
var Causes = []string{
	DivAPaaSRoleZeroAsMinusOne,
	DivPrivilegeOrder,
	DivRoleSet006,
	DivRoomUserNoAPaaSPrivilege,
	DivRoomUserNoChatPrivilege,
	DivUIDZeroAsText,
	DivUIDDropped,
	DivUIDSignedInt,
}

// IsCause reports whether name is one of Causes.
func IsCause(name string) bool { return slices.Contains(Causes, name) }

// CauseCodes maps the cause codes of the cross-language vectors to the
// divergence Classify recognises in the tokens.
var CauseCodes = map[string]string{
	"PHP_006_PRIVILEGES_IN_INSERTION_ORDER":  DivPrivilegeOrder,
	"RUBY_006_PRIVILEGES_IN_INSERTION_ORDER": DivPrivilegeOrder,
	"PERL_006_PRIVILEGE_KEYS_STRING_SORT":    DivPrivilegeOrder,
	"JAVA_PRIVILEGE_KEYS_SIGNED_SHORT":       DivPrivilegeOrder,
	"JAVA_006_ROLE_SET":                      DivRoleSet006,
	"RUBY_006_ROLE_SET":                      DivRoleSet006,
	"RUBY_006_UID_0_AS_STRING_0":             DivUIDZeroAsText,
	"PHP_UID_0_PACKED_AS_STRING_0":           DivUIDZeroAsText,
	"JAVA_006_UID_SIGNED_INT":                DivUIDSignedInt,
	"PERL_006_UID_NUMERIC_COMPARE":           DivUIDDropped,
	"NODE_ROOMUSER_NO_APAAS_PRIVILEGE":       DivRoomUserNoAPaaSPrivilege,
	"JAVA_ROOMUSER_CHAT_PRIVILEGE_ON_RTM":    DivRoomUserNoChatPrivilege,
	"NODE_APAAS_ROLE_0_BECOMES_MINUS_1":      DivAPaaSRoleZeroAsMinusOne,
}

// Classify explains how a token (theirs) differs from tokencheck's build of
// the same inputs (ours, with the uid text it signed for 006) by documented
// divergences. It returns the causes, sorted, when they explain every
// difference, and nil when the tokens agree or a difference stays
// unexplained. Signatures are not compared (they differ with the content).
func Classify(theirs, ours *token.Token, oursUID *string) []string {
	if theirs == nil || ours == nil {
		return nil
	}
	if DiffModels(theirs, ours) == "" {
		return nil
	}
	causes := map[string]bool{}
	switch {
	case theirs.T007 != nil && ours.T007 != nil:
		t, o := *theirs.T007, ours.T007
		t.Services = slices.Clone(t.Services)
		if len(t.Services) != len(o.Services) {
			return nil
		}
		for i := range t.Services {
			ts, os := &t.Services[i], &o.Services[i]
			ts.Privileges = slices.Clone(ts.Privileges)
			if fixOrder(ts.Privileges) {
				causes[DivPrivilegeOrder] = true
			}
			if ts.Type == token.ServiceAPaaS && ts.Role == -1 && os.Role == 0 {
				ts.Role = 0
				causes[DivAPaaSRoleZeroAsMinusOne] = true
			}
			if len(ts.Privileges) == 0 && len(os.Privileges) > 0 {
				switch ts.Type {
				case token.ServiceAPaaS:
					causes[DivRoomUserNoAPaaSPrivilege] = true
					ts.Privileges = os.Privileges
				case token.ServiceChat:
					causes[DivRoomUserNoChatPrivilege] = true
					ts.Privileges = os.Privileges
				}
			}
			if ts.Type == token.ServiceRTC && ts.Account == "0" && os.Account == "" {
				ts.Account = ""
				causes[DivUIDZeroAsText] = true
			}
		}
		if DiffModels(&token.Token{Version: token.V007, T007: &t}, ours) != "" {
			return nil
		}
	case theirs.T006 != nil && ours.T006 != nil:
		t, o := *theirs.T006, ours.T006
		t.Privileges = slices.Clone(t.Privileges)
		if fixOrder(t.Privileges) {
			causes[DivPrivilegeOrder] = true
		}
		if t.CRCUID != o.CRCUID && oursUID != nil {
			switch c := t.CRCUID; {
			case *oursUID == "" && c == verify.CRC32("0"):
				causes[DivUIDZeroAsText] = true
			case c == 0:
				causes[DivUIDDropped] = true
			case c == verify.CRC32(signedText(*oursUID)):
				causes[DivUIDSignedInt] = true
			}
			if len(causes) > 0 {
				t.CRCUID = o.CRCUID
			}
		}
		if isRoleSwap(t.Privileges, o.Privileges) {
			causes[DivRoleSet006] = true
			t.Privileges = o.Privileges
		}
		if DiffModels(&token.Token{Version: token.V006, T006: &t}, ours) != "" {
			return nil
		}
	default:
		return nil
	}
	out := make([]string, 0, len(causes))
	for c := range causes {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// fixOrder sorts privileges by id and reports whether they were out of order.
func fixOrder(p []token.Privilege) bool {
	if sort.SliceIsSorted(p, func(i, j int) bool { return p[i].ID < p[j].ID }) {
		return false
	}
	sort.SliceStable(p, func(i, j int) bool { return p[i].ID < p[j].ID })
	return true
}

// isRoleSwap reports whether two sorted 006 privilege lists are the two RTC
// role sets (join only vs join + publish audio, video, data) with one expiry.
func isRoleSwap(a, b []token.Privilege) bool {
	full := func(p []token.Privilege) bool {
		return len(p) == 4 && p[0].ID == 1 && p[1].ID == 2 && p[2].ID == 3 && p[3].ID == 4 &&
			p[1].Expire == p[0].Expire && p[2].Expire == p[0].Expire && p[3].Expire == p[0].Expire
	}
	join := func(p []token.Privilege) bool { return len(p) == 1 && p[0].ID == 1 }
	return len(a) > 0 && len(b) > 0 && a[0].Expire == b[0].Expire && (full(a) && join(b) || join(a) && full(b))
}

// signedText renders a decimal uid text as a signed 32-bit value would print.
func signedText(uid string) string {
	v, err := strconv.ParseUint(uid, 10, 32)
	if err != nil {
		return uid
	}
	return strconv.Itoa(int(int32(uint32(v))))
}
