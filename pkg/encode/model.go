package encode

import (
	"fmt"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// checkModel007 refuses a 007 model that decode would judge malformed (see
// pkg/decode): an app ID that is not 32 hexadecimal characters, no service,
// or a privilege repeated within a service. Service types without a known
// layout and lengths over 65535 are refused while writing.
func checkModel007(t *token.Token007) error {
	if err := checkAppID(t.AppID); err != nil {
		return err
	}
	if len(t.Services) == 0 {
		return &token.InputError{Field: "services", Rule: "at least one service", Detail: "none given"}
	}
	for i := range t.Services {
		if err := checkPrivileges(t.Services[i].Privileges, i); err != nil {
			return err
		}
	}
	return nil
}

// checkModel006 refuses a 006 model that decode would judge malformed: an
// app ID that is not 32 hexadecimal characters, or a repeated privilege.
func checkModel006(t *token.Token006) error {
	if err := checkAppID(t.AppID); err != nil {
		return err
	}
	return checkPrivileges(t.Privileges, -1)
}

// checkAppID refuses an app ID that is not 32 hexadecimal characters.
func checkAppID(id string) error {
	if decode.IsHex32(id) {
		return nil
	}
	k := &checker{}
	k.hex32("app_id", id, false)
	return k.err
}

// checkPrivileges refuses a privilege map with a repeated key: the map of
// service svc, or of the 006 token when svc < 0 (the field named in the
// error).
func checkPrivileges(ps []token.Privilege, svc int) error {
	if len(ps) > 16 {
		seen := make(map[uint16]int, len(ps))
		for i, p := range ps {
			if j, ok := seen[p.ID]; ok {
				return repeatedPrivilege(svc, p.ID, j, i)
			}
			seen[p.ID] = i
		}
		return nil
	}
	for i := range ps {
		for j := 0; j < i; j++ {
			if ps[j].ID == ps[i].ID {
				return repeatedPrivilege(svc, ps[i].ID, j, i)
			}
		}
	}
	return nil
}

func repeatedPrivilege(svc int, id uint16, first, again int) error {
	field := "privileges"
	if svc >= 0 {
		field = fmt.Sprintf("services[%d].privileges", svc)
	}
	return &token.InputError{Field: field, Rule: "each privilege at most once",
		Detail: fmt.Sprintf("privilege %d at entries %d and %d", id, first, again)}
}
