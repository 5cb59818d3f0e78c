// Package vectors loads the known-answer and cross-language vector files and
// converts their inputs to the token model.
package vectors

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// KnownAnswers is the file known-answers.json.
type KnownAnswers struct {
	Description   string            `json:"description"`
	Fields        map[string]string `json:"fields"`
	Disagreements []json.RawMessage `json:"disagreements"`
	Vectors       []KnownAnswer     `json:"vectors"`
}

// KnownAnswer is one entry of known-answers.json.
type KnownAnswer struct {
	ID                string          `json:"id"`
	Format            string          `json:"format"`
	Builder           string          `json:"builder"`
	Inputs            json.RawMessage `json:"inputs"`
	Expected          string          `json:"expected"`
	Source            string          `json:"source"`
	AlsoIn            []string        `json:"also_in"`
	Kind              string          `json:"kind"`
	Compressor        string          `json:"compressor"`
	PayloadHex        string          `json:"payload_hex"`
	ContentHex        string          `json:"content_hex"`
	PayloadGroup      string          `json:"payload_group"`
	SignatureVerified *bool           `json:"signature_verified"`
	Notes             string          `json:"notes"`
	Derived           json.RawMessage `json:"derived"`
}

// LoadKnownAnswers reads a known-answers file, refusing unknown keys.
func LoadKnownAnswers(path string) (*KnownAnswers, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ka KnownAnswers
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ka); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := exactKeys(b, reflect.TypeOf(&ka)); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &ka, nil
}

// Service007 is a 007 service as the vector files write it. Known-answers use
// channel_name and uid; the cross-language files use channel and account.
type Service007 struct {
	Type        uint16          `json:"type"`
	Name        string          `json:"name,omitempty"`
	Channel     *string         `json:"channel,omitempty"`
	ChannelName *string         `json:"channel_name,omitempty"`
	UID         *string         `json:"uid,omitempty"`
	Account     *string         `json:"account,omitempty"`
	UserID      *string         `json:"user_id,omitempty"`
	RoomUUID    *string         `json:"room_uuid,omitempty"`
	UserUUID    *string         `json:"user_uuid,omitempty"`
	Role        *int16          `json:"role,omitempty"`
	Permissions json.RawMessage `json:"permissions,omitempty"`
	Privileges  [][2]uint32     `json:"privileges"`
}

// Inputs007 are the inputs of a 007 vector built from services.
type Inputs007 struct {
	AppID    string       `json:"app_id"`
	Cert     string       `json:"app_certificate"`
	IssueTs  uint32       `json:"issue_ts"`
	Expire   uint32       `json:"expire"`
	Salt     uint32       `json:"salt"`
	Services []Service007 `json:"services"`
}

// Model converts the inputs to a token model, services and privileges in the
// order listed.
func (in *Inputs007) Model() (*token.Token007, error) {
	t := &token.Token007{AppID: in.AppID, IssueTs: in.IssueTs, Expire: in.Expire, Salt: in.Salt}
	for i, s := range in.Services {
		svc := token.Service{Type: s.Type}
		for _, p := range s.Privileges {
			if p[0] > 0xFFFF {
				return nil, fmt.Errorf("services[%d]: privilege key %d out of range", i, p[0])
			}
			svc.Privileges = append(svc.Privileges, token.Privilege{ID: uint16(p[0]), Expire: p[1]})
		}
		svc.Channel = first(s.Channel, s.ChannelName)
		svc.Account = first(s.Account, s.UID)
		svc.UserID = first(s.UserID)
		svc.RoomUUID = first(s.RoomUUID)
		svc.UserUUID = first(s.UserUUID)
		if s.Role != nil {
			svc.Role = *s.Role
		}
		if len(s.Permissions) > 0 {
			perms, err := ParsePermissions(s.Permissions)
			if err != nil {
				return nil, fmt.Errorf("services[%d].permissions: %w", i, err)
			}
			svc.Permissions = perms
		}
		t.Services = append(t.Services, svc)
	}
	t.ServiceCount = uint16(len(t.Services))
	return t, nil
}

func first(ps ...*string) string {
	for _, p := range ps {
		if p != nil {
			return *p
		}
	}
	return ""
}

// ParsePermissions reads RTM2 permissions in either vector form: an object
// {"resource_type": {"permission_type": [resources]}} (known answers) or a list
// of {resource_type, permission_type, resources} (cross-language files). Types
// come out sorted ascending; a later list for the same pair replaces an
// earlier one, as every reference does.
func ParsePermissions(raw json.RawMessage) ([]token.RTM2Resource, error) {
	type entry struct {
		ResourceType   uint16   `json:"resource_type"`
		PermissionType uint16   `json:"permission_type"`
		Resources      []string `json:"resources"`
	}
	var list []entry
	if raw[0] == '{' {
		var obj map[string]map[string][]string
		if err := json.Unmarshal(raw, &obj); err != nil {
			return nil, err
		}
		for rt, perms := range obj {
			r, err := strconv.ParseUint(rt, 10, 16)
			if err != nil {
				return nil, err
			}
			for pt, res := range perms {
				p, err := strconv.ParseUint(pt, 10, 16)
				if err != nil {
					return nil, err
				}
				list = append(list, entry{uint16(r), uint16(p), res})
			}
		}
	} else if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	m := map[uint16]map[uint16][]string{}
	for _, e := range list {
		if m[e.ResourceType] == nil {
			m[e.ResourceType] = map[uint16][]string{}
		}
		res := e.Resources
		if res == nil {
			res = []string{}
		}
		m[e.ResourceType][e.PermissionType] = res
	}
	return SortedPermissions(m), nil
}

// SortedPermissions turns a map of resource type → permission type →
// resources into the ascending order every writer uses.
func SortedPermissions(m map[uint16]map[uint16][]string) []token.RTM2Resource {
	var out []token.RTM2Resource
	rts := make([]int, 0, len(m))
	for rt := range m {
		rts = append(rts, int(rt))
	}
	sort.Ints(rts)
	for _, rt := range rts {
		r := token.RTM2Resource{ResourceType: uint16(rt)}
		pts := make([]int, 0, len(m[uint16(rt)]))
		for pt := range m[uint16(rt)] {
			pts = append(pts, int(pt))
		}
		sort.Ints(pts)
		for _, pt := range pts {
			r.Permissions = append(r.Permissions, token.RTM2Permission{PermissionType: uint16(pt), Resources: m[uint16(rt)][uint16(pt)]})
		}
		out = append(out, r)
	}
	return out
}

// Inputs006 are the inputs of a 006 known-answer vector.
type Inputs006 struct {
	AppID       string      `json:"app_id"`
	Cert        string      `json:"app_certificate"`
	ChannelName *string     `json:"channel_name"`
	Channel     *string     `json:"channel"`
	UID         *string     `json:"uid"`
	Account     *string     `json:"account"`
	Salt        uint32      `json:"salt"`
	Ts          uint32      `json:"ts"`
	Privileges  [][2]uint32 `json:"privileges"`
}

// Model converts the inputs to a model (unsigned) and returns the channel and
// uid text the signature covers.
func (in *Inputs006) Model() (*token.Token006, string, string) {
	t := &token.Token006{AppID: in.AppID, Salt: in.Salt, Ts: in.Ts}
	for _, p := range in.Privileges {
		t.Privileges = append(t.Privileges, token.Privilege{ID: uint16(p[0]), Expire: p[1]})
	}
	return t, first(in.Channel, in.ChannelName), first(in.UID, in.Account)
}
