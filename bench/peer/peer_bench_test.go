// Package peer benchmarks github.com/AgoraIO-Community/go-tokenbuilder v1.0.0
// (006 only) in the same run as tokencheck's own 006 benchmarks, so that
// `make bench` can print each of ours as a ratio to the peer. It is a separate
// module so that the main module does not depend on the peer.
package peer

import (
	"crypto/hmac"
	"crypto/sha256"
	"testing"

	"github.com/AgoraIO-Community/go-tokenbuilder/accesstoken"
	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

// Known-answer vector 006-rtc-join-uid (testdata/vectors/known-answers.json).
const (
	appID    = "970CA35de60c44645bbae8a215061b33"
	cert     = "5CFd2fd1755d40ecb72977518be15d3b"
	channel  = "7d72365eb983485397e3e3f9d460bdda"
	uid      = "2882341273"
	salt     = 1
	ts       = 1111111
	privTs   = 1446455471
	expected = "006970CA35de60c44645bbae8a215061b33IACV0fZUBw+72cVoL9eyGGh3Q6Poi8bgjwVLnyKSJyOXR7dIfRBXoFHlEAABAAAAR/QQAAEAAQCvKDdW"
)

func peerToken() accesstoken.AccessToken {
	return accesstoken.AccessToken{AppID: appID, AppCertificate: cert, ChannelName: channel, UidStr: uid,
		Ts: ts, Salt: salt, Message: map[uint16]uint32{accesstoken.KJoinChannel: privTs}}
}

// BenchmarkPeerBuild006 builds the vector with the peer (salt and ts forced,
// as the vector does; CreateAccessToken would add rand.Seed on every call).
func BenchmarkPeerBuild006(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		t := peerToken()
		s, err := t.Build()
		if err != nil || s != expected {
			b.Fatalf("peer built %q (%v)", s, err)
		}
	}
}

// BenchmarkPeerParse006 decodes the vector with the peer's FromString.
func BenchmarkPeerParse006(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var t accesstoken.AccessToken
		if !t.FromString(expected) || t.Salt != salt {
			b.Fatal("peer parse failed")
		}
	}
}

// BenchmarkPeerVerify006 decodes with the peer and checks the signature the
// only way the peer allows: HMAC over app ID, channel, uid and the message
// it unpacked (the peer has no verify function).
func BenchmarkPeerVerify006(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var t accesstoken.AccessToken
		if !t.FromString(expected) {
			b.Fatal("peer parse failed")
		}
		m := hmac.New(sha256.New, []byte(cert))
		m.Write([]byte(appID + channel + uid + t.MsgRawContent))
		if !hmac.Equal(m.Sum(nil), []byte(t.Signature)) {
			b.Fatal("peer signature invalid")
		}
	}
}

// The same three operations with tokencheck, in this module's run.

func BenchmarkOursBuild006(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		m := &token.Token006{AppID: appID, Salt: salt, Ts: ts, Privileges: []token.Privilege{{ID: token.Priv006JoinChannel, Expire: privTs}}}
		s, err := encode.Token006(m, cert, channel, uid)
		if err != nil || s != expected {
			b.Fatalf("built %q (%v)", s, err)
		}
	}
}

func BenchmarkOursParse006(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode.Parse(expected); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOursVerify006(b *testing.B) {
	b.ReportAllocs()
	key := verify.NewCertKey(cert)
	var t token.Token
	for b.Loop() {
		if err := decode.ParseInto(expected, &t); err != nil {
			b.Fatal(err)
		}
		if !key.Verify006(t.T006, channel, uid) {
			b.Fatal("signature invalid")
		}
	}
}
