package vectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// File is a cross-language vector file (testdata/vectors/<format>.json, see
// CROSS-LANGUAGE.md): the same inputs run through several builders, with what
// each produced. tokencheck's own generator ("vectors gen") writes the same
// schema.
type File struct {
	Format    string          `json:"format"`
	Generator json.RawMessage `json:"generator,omitempty"`
	Cases     []Case          `json:"cases"`
}

// Case is one entry of a vector file. Token is the canonical output (nil when
// the correct outcome is a refusal, ExpectedError); Disagree holds every other
// implementation's output (a token, or "ERROR: …"), DisagreePayloadEqual
// whether its decoded payload equals the canonical one (nil: an error), and
// DivergenceReasons the cause codes of the difference.
type Case struct {
	ID                   string              `json:"id"`
	Builder              string              `json:"builder"`
	BuilderAPI           string              `json:"builder_api,omitempty"`
	Category             string              `json:"category,omitempty"`
	Inputs               json.RawMessage     `json:"inputs"`
	Token                *string             `json:"token"`
	Agree                []string            `json:"agree,omitempty"`
	Disagree             map[string]string   `json:"disagree,omitempty"`
	DisagreePayloadEqual map[string]*bool    `json:"disagree_payload_equal,omitempty"`
	DivergenceReasons    map[string][]string `json:"divergence_reasons,omitempty"`
	NotRun               []string            `json:"not_run,omitempty"`
	EnvVariants          map[string]string   `json:"env_variants,omitempty"`
	PayloadHex           *string             `json:"payload_hex,omitempty"`
	ExpectedError        bool                `json:"expected_error,omitempty"`
	Errors               map[string]string   `json:"errors,omitempty"`
}

// IsError reports whether an entry of Disagree records an error rather than
// a token.
func IsError(out string) bool { return len(out) >= 6 && out[:6] == "ERROR:" }

// LoadFile reads a cross-language vector file, refusing a file larger than
// MaxFileBytes, unknown keys (inputs are checked by ParseInputs) and a
// "format" other than Formats. Errors name the file; JSON errors give the line and
// column.
func LoadFile(path string) (*File, error) {
	b, err := ReadBytes(path)
	if err != nil {
		return nil, err
	}
	return DecodeFile(path, b)
}

// DecodeFile decodes the bytes of a vector file read from path (for files
// that can be read only once, such as pipes) with the checks of LoadFile;
// errors name path.
func DecodeFile(path string, b []byte) (*File, error) {
	f, err := ReadFile(bytes.NewReader(b))
	if err != nil {
		return nil, withPath(path, err)
	}
	return f, nil
}

// ReadFile decodes a vector file from r with the closed schema of LoadFile.
func ReadFile(r io.Reader) (*File, error) {
	b, err := readLimited(r)
	if err != nil {
		return nil, err
	}
	var f File
	if err := decodeObject(b, &f, "a vector file"); err != nil {
		return nil, err
	}
	if f.Format == "" {
		return nil, fmt.Errorf("no \"format\" field: not a vector file")
	}
	if err := checkFormat(f.Format); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, c := range f.Cases {
		if c.ID == "" || c.Builder == "" {
			return nil, fmt.Errorf("cases[%d]: id and builder are required", i)
		}
		if seen[c.ID] {
			return nil, fmt.Errorf("cases[%d]: id %q repeated", i, c.ID)
		}
		seen[c.ID] = true
		if len(c.Inputs) == 0 {
			return nil, fmt.Errorf("case %s: no inputs", c.ID)
		}
		if err := checkInputs(c.Inputs); err != nil {
			return nil, fmt.Errorf("case %s: %w", c.ID, err)
		}
	}
	return &f, nil
}

// checkInputs checks the inputs of a case against the schema of Inputs: a
// JSON object with known keys and values of the right types. Whether a
// builder accepts the values is for the case to find out.
func checkInputs(raw json.RawMessage) error {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || t[0] != '{' {
		k := "nothing"
		if len(t) > 0 {
			k = jsonKind(t[0])
		}
		return fmt.Errorf("inputs: found %s, want an object", k)
	}
	_, err := ParseInputs(raw)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		// Keys in another case or given twice: the file's exactKeys
		// walk has refused them, at their place in the file.
		return nil
	case errors.As(err, &te) && te.Field != "":
		return fmt.Errorf("inputs.%s: found a JSON %s, want %s", te.Field, te.Value, goKind(te.Type))
	}
	return errors.New(strings.Replace(err.Error(), "json: ", "", 1))
}

// Inputs is the union of the inputs of every builder key of the vector
// files (006, 007 and the legacy formats); which fields a key uses is listed in CROSS-LANGUAGE.md
// ("Builder keys"). Pointers distinguish an absent field from a zero value
// where a builder needs to know.
type Inputs struct {
	AppID string `json:"app_id"`
	Cert  string `json:"app_certificate"`
	// 007 header.
	IssueTs uint32 `json:"issue_ts"`
	Salt    uint32 `json:"salt"`
	Expire  uint32 `json:"expire"`
	// 006 header: ts is the token's expiry field.
	Ts uint32 `json:"ts"`

	Channel string `json:"channel"`
	// UID is a JSON number for the *_uid builders and the uid text for at1.
	UID     json.RawMessage `json:"uid,omitempty"`
	Account *string         `json:"account,omitempty"`
	Role    int             `json:"role"`

	TokenExpire     uint32 `json:"token_expire"`
	PrivilegeExpire uint32 `json:"privilege_expire"`
	JoinExpire      uint32 `json:"join_channel_privilege_expire"`
	PubAudioExpire  uint32 `json:"pub_audio_privilege_expire"`
	PubVideoExpire  uint32 `json:"pub_video_privilege_expire"`
	PubDataExpire   uint32 `json:"pub_data_stream_privilege_expire"`

	RTCAccount     string `json:"rtc_account"`
	RTCRole        int    `json:"rtc_role"`
	RTCTokenExpire uint32 `json:"rtc_token_expire"`
	RTMUserID      string `json:"rtm_user_id"`
	RTMTokenExpire uint32 `json:"rtm_token_expire"`

	UserID      string          `json:"user_id"`
	Permissions json.RawMessage `json:"permissions,omitempty"`
	RoomUUID    string          `json:"room_uuid"`
	UserUUID    string          `json:"user_uuid"`

	// at2: services in the order added; at1: privileges in the order added.
	Services   []Service007 `json:"services,omitempty"`
	Privileges [][2]uint32  `json:"privileges,omitempty"`
	// 006 builders: the absolute privilege expiry.
	PrivilegeExpiredTs uint32 `json:"privilege_expired_ts"`

	// Legacy keys (003, 004, 005, signaling): the absolute expiry, and the
	// DK5 in-channel permission ("0" or "3"). Their ts is the generation
	// time (unixTs) and salt the randomInt.
	ExpiredTs  uint32 `json:"expired_ts"`
	Permission string `json:"permission"`
}

// ParseInputs decodes the inputs of a case, refusing unknown keys.
func ParseInputs(raw json.RawMessage) (*Inputs, error) {
	var in Inputs
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, fmt.Errorf("inputs: %w", err)
	}
	return &in, nil
}

// UIDNumber returns the uid of the *_uid builders (a JSON number 0..2^32-1).
func (in *Inputs) UIDNumber() (uint32, error) {
	if len(in.UID) == 0 {
		return 0, fmt.Errorf("inputs: no uid")
	}
	v, err := strconv.ParseUint(string(in.UID), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("inputs: uid %s is not a number in 0..4294967295", in.UID)
	}
	return uint32(v), nil
}

// UIDText returns the uid of at1 (JSON text, signed as written).
func (in *Inputs) UIDText() (string, error) {
	var s string
	if err := json.Unmarshal(in.UID, &s); err != nil {
		return "", fmt.Errorf("inputs: uid %s is not text", in.UID)
	}
	return s, nil
}

// AccountText returns the account input ("" when absent).
func (in *Inputs) AccountText() string {
	if in.Account == nil {
		return ""
	}
	return *in.Account
}

// Model007 returns the at2 inputs as the header and services of an
// Inputs007, for Inputs007.Model.
func (in *Inputs) Model007() *Inputs007 {
	return &Inputs007{AppID: in.AppID, Cert: in.Cert, IssueTs: in.IssueTs, Expire: in.Expire, Salt: in.Salt, Services: in.Services}
}
