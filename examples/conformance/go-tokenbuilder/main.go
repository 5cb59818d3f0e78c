// Command go-tokenbuilder is a tokencheck conform adapter for
// github.com/AgoraIO-Community/go-tokenbuilder v1.0.0, which builds AccessToken
// (006) tokens only: 007 requests are answered "unsupported".
//
// Protocol (see tokencheck's README, "Conformance"): one JSON request per line
// on stdin, one JSON answer per line on stdout.
//
//	{"id", "builder", "inputs"}  ->  {"id", "token"} | {"id", "error"}
//	{"id", "parse": TOKEN}       ->  {"id", "ok": true, "fields": {...}} | {"id", "ok": false}
//
// The library's constructors take ts (now + 24 h) from the clock and a random
// salt; its RtcTokenBuilder and RtmTokenBuilder build straight after
// constructing. As the reference drivers did, this adapter inserts a seam right
// after the constructor: it calls accesstoken.CreateAccessToken2, overwrites Ts
// and Salt with the request's values, then does exactly what the library's
// builder does (the same AddPrivilege calls in the same order, then Build).
//
// This is a separate module so that the library stays out of tokencheck's
// own dependencies.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/AgoraIO-Community/go-tokenbuilder/accesstoken"
	"github.com/AgoraIO-Community/go-tokenbuilder/rtctokenbuilder"
)

type request struct {
	ID      string          `json:"id"`
	Builder string          `json:"builder,omitempty"`
	Inputs  json.RawMessage `json:"inputs,omitempty"`
	Parse   *string         `json:"parse,omitempty"`
}

type answer struct {
	ID     string         `json:"id"`
	Token  string         `json:"token,omitempty"`
	Error  string         `json:"error,omitempty"`
	OK     *bool          `json:"ok,omitempty"`
	Fields map[string]any `json:"fields,omitempty"`
}

type inputs struct {
	AppID              string          `json:"app_id"`
	Cert               string          `json:"app_certificate"`
	Channel            string          `json:"channel"`
	UID                json.RawMessage `json:"uid"`
	Account            string          `json:"account"`
	Role               int             `json:"role"`
	Ts                 uint32          `json:"ts"`
	Salt               uint32          `json:"salt"`
	PrivilegeExpiredTs uint32          `json:"privilege_expired_ts"`
	Privileges         [][2]uint32     `json:"privileges"`
}

// fixed is accesstoken.CreateAccessToken2 with the seam: ts and salt come
// from the request.
func fixed(in *inputs, channel, uid string) accesstoken.AccessToken {
	t := accesstoken.CreateAccessToken2(in.AppID, in.Cert, channel, uid)
	t.Ts, t.Salt = in.Ts, in.Salt
	return t
}

// rtc is rtctokenbuilder.BuildTokenWithUserAccount after the seam.
func rtc(in *inputs, account string) (string, error) {
	t := fixed(in, in.Channel, account)
	t.AddPrivilege(accesstoken.KJoinChannel, in.PrivilegeExpiredTs)
	switch rtctokenbuilder.Role(in.Role) {
	case rtctokenbuilder.RoleAttendee, rtctokenbuilder.RolePublisher, rtctokenbuilder.RoleAdmin:
		t.AddPrivilege(accesstoken.KPublishVideoStream, in.PrivilegeExpiredTs)
		t.AddPrivilege(accesstoken.KPublishAudioStream, in.PrivilegeExpiredTs)
		t.AddPrivilege(accesstoken.KPublishDataStream, in.PrivilegeExpiredTs)
	}
	return t.Build()
}

func build(builder string, in *inputs) (string, error) {
	switch builder {
	case "at1":
		var uid string
		if err := json.Unmarshal(in.UID, &uid); err != nil {
			return "", fmt.Errorf("uid: %v", err)
		}
		t := fixed(in, in.Channel, uid)
		for _, p := range in.Privileges {
			t.AddPrivilege(accesstoken.Privileges(p[0]), p[1])
		}
		return t.Build()
	case "rtc1_uid":
		// rtctokenbuilder.BuildTokenWithUID: uid 0 is "", others fmt.Sprint.
		uid, err := strconv.ParseUint(string(in.UID), 10, 32)
		if err != nil {
			return "", fmt.Errorf("uid: %v", err)
		}
		s := fmt.Sprint(uint32(uid))
		if uid == 0 {
			s = ""
		}
		return rtc(in, s)
	case "rtc1_account":
		return rtc(in, in.Account)
	case "rtm1":
		// rtmtokenbuilder.BuildToken: the account in the channel position.
		t := fixed(in, in.Account, "")
		t.AddPrivilege(accesstoken.KLoginRtm, in.PrivilegeExpiredTs)
		return t.Build()
	}
	return "", fmt.Errorf("unsupported: builder %s (go-tokenbuilder builds 006 only)", builder)
}

func parse(tok string) answer {
	if !strings.HasPrefix(tok, "006") {
		return answer{Error: "unsupported: version " + tok[:min(3, len(tok))] + " (go-tokenbuilder reads 006 only)"}
	}
	var t accesstoken.AccessToken
	ok := t.FromString(tok)
	if !ok {
		return answer{OK: &ok}
	}
	privs := map[string]uint32{}
	for k, v := range t.Message {
		privs[strconv.Itoa(int(k))] = v
	}
	// FromString does not keep the app ID.
	return answer{OK: &ok, Fields: map[string]any{"salt": t.Salt, "ts": t.Ts, "crc_channel": t.CrcChannelName, "crc_uid": t.CrcUid, "privileges": privs}}
}

func handle(line []byte) answer {
	var req request
	if err := json.Unmarshal(line, &req); err != nil {
		return answer{Error: "bad request: " + err.Error()}
	}
	var a answer
	if req.Parse != nil {
		a = parse(*req.Parse)
	} else {
		var in inputs
		if err := json.Unmarshal(req.Inputs, &in); err != nil {
			a = answer{Error: "inputs: " + err.Error()}
		} else if tok, err := build(req.Builder, &in); err != nil {
			a = answer{Error: err.Error()}
		} else {
			a = answer{Token: tok}
		}
	}
	a.ID = req.ID
	return a
}

func main() {
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	for sc.Scan() {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := enc.Encode(handle(sc.Bytes())); err != nil {
			fmt.Fprintln(os.Stderr, "go-tokenbuilder adapter:", err)
			os.Exit(1)
		}
		if err := out.Flush(); err != nil {
			fmt.Fprintln(os.Stderr, "go-tokenbuilder adapter:", err)
			os.Exit(1)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "go-tokenbuilder adapter:", err)
		os.Exit(1)
	}
}
