package encode

import (
	"strings"
	"testing"
	"time"
)

func TestUseWarnings(t *testing.T) {
	const (
		app  = "970CA35de60c44645bbae8a215061b33"
		cert = "5CFd2fd1755d40ecb72977518be15d3b"
		now  = 1700000000
	)
	at := func(v uint32) *uint32 { return &v }
	acct := func(s string) *string { return &s }
	c := func(issue uint32) Common {
		return Common{AppID: app, Certificate: cert, IssueTs: at(issue), Salt: at(1)}
	}
	cases := []struct {
		name    string
		build   func() (*Result, error)
		account *string
		want    []string // code field rule
	}{
		{"valid now", func() (*Result, error) {
			return BuildRTC(RTCOptions{Common: c(now), Channel: "c", UID: 1, Role: RTCRole(1), TokenExpire: 3600})
		}, nil, nil},
		{"expired", func() (*Result, error) {
			return BuildRTC(RTCOptions{Common: c(0), Channel: "c", UID: 1, Role: RTCRole(1), TokenExpire: 3600})
		}, nil, []string{"expired expire " + ruleExpiredWhenBuilt}},
		{"not yet valid", func() (*Result, error) {
			return BuildRTC(RTCOptions{Common: c(now + 60), Channel: "c", UID: 1, Role: RTCRole(1), TokenExpire: 3600})
		}, nil, []string{"not_yet_valid issue_ts " + ruleNotYetValidBuilt}},
		{"too short, once", func() (*Result, error) {
			return BuildRTM(RTMOptions{Common: c(now), UserID: "u", Expire: 30})
		}, nil, []string{"lifetime_too_short expire " + ruleAcceptedButAudits}},
		{"006 account names its text", func() (*Result, error) {
			return BuildRTC006(RTC006Options{Common: c(now), Channel: "c", Account: acct("-1")})
		}, acct("-1"), []string{"uid_negative crc_uid " + ruleAcceptedButAudits}},
		{"006 account unnamed", func() (*Result, error) {
			return BuildRTC006(RTC006Options{Common: c(now), Channel: "c", Account: acct("-1")})
		}, nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range UseWarnings(res.Token, time.Unix(now, 0), tc.account, res.Warnings) {
				got = append(got, w.Code+" "+w.Field+" "+w.Rule)
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			// A code the builder already warned about is not repeated.
			if len(got) > 0 && !strings.HasPrefix(got[0], "expired") && !strings.HasPrefix(got[0], "not_yet") {
				given := []Warning{{Code: strings.Fields(got[0])[0]}}
				if again := UseWarnings(res.Token, time.Unix(now, 0), tc.account, given); len(again) != 0 {
					t.Errorf("repeated a given code: %v", again)
				}
			}
		})
	}
}
