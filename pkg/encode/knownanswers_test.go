package encode_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/token"
	"github.com/tokencheck/tokencheck/pkg/vectors"
	"github.com/tokencheck/tokencheck/pkg/verify"
)

const knownAnswersPath = "../../testdata/vectors/known-answers.json"

// TestKnownAnswers007 checks every 007 known answer: decoding gives the
// recorded inputs, encoding the inputs gives the recorded payload (and, for
// vectors made by Go's compress/zlib, the recorded string), and the signature
// verifies. The negative vector must be refused.
func TestKnownAnswers007(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers(knownAnswersPath)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range ka.Vectors {
		if v.Format != "007" {
			continue
		}
		n++
		t.Run(v.ID, func(t *testing.T) {
			if v.Kind == "negative" {
				tok, err := decode.Parse(v.Expected)
				if err == nil || tok != nil {
					t.Fatalf("negative vector accepted")
				}
				if !errors.Is(err, token.ErrTruncated) && !errors.Is(err, token.ErrMalformed) {
					t.Fatalf("error %v is neither truncated nor malformed", err)
				}
				return
			}
			var in vectors.Inputs007
			if err := json.Unmarshal(v.Inputs, &in); err != nil {
				t.Fatal(err)
			}
			want, err := in.Model()
			if err != nil {
				t.Fatal(err)
			}
			tok, err := decode.Parse(v.Expected)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got := tok.T007
			wantPayload, _ := hex.DecodeString(v.PayloadHex)
			if !bytes.Equal(got.Payload, wantPayload) {
				t.Fatalf("inflated payload differs from payload_hex")
			}
			if got.AppID != want.AppID || got.IssueTs != want.IssueTs || got.Expire != want.Expire || got.Salt != want.Salt {
				t.Errorf("header: got %s %d %d %d", got.AppID, got.IssueTs, got.Expire, got.Salt)
			}
			if !reflect.DeepEqual(got.Services, want.Services) {
				t.Errorf("services:\n got %+v\nwant %+v", got.Services, want.Services)
			}
			re, err := encode.Marshal007(got)
			if err != nil || !bytes.Equal(re, wantPayload) {
				t.Errorf("decode→encode does not reproduce the payload (%v)", err)
			}
			if in.Cert == "" {
				return
			}
			p, err := encode.Payload007(want, in.Cert)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(p, wantPayload) {
				t.Errorf("encode from inputs: payload differs\n got %x\nwant %x", p, wantPayload)
			}
			if v.Compressor == "go" || bytes.HasSuffix([]byte(v.ID), []byte("-go")) {
				if s := encode.String007(p); s != v.Expected {
					t.Errorf("Go-compressed string differs:\n got %s\nwant %s", s, v.Expected)
				}
			}
			sig := verify.Signature007(in.Cert, got.IssueTs, got.Salt, got.SigningInfo)
			if !bytes.Equal(sig[:], got.Signature) {
				t.Errorf("signature does not verify")
			}
		})
	}
	if n < 30 {
		t.Fatalf("only %d 007 known answers found", n)
	}
}

// TestKnownAnswers006 checks every 006 known answer: exact string from the
// inputs, decode back to the inputs, signature verification.
func TestKnownAnswers006(t *testing.T) {
	ka, err := vectors.LoadKnownAnswers(knownAnswersPath)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, v := range ka.Vectors {
		if v.Format != "006" {
			continue
		}
		n++
		t.Run(v.ID, func(t *testing.T) {
			var in vectors.Inputs006
			if err := json.Unmarshal(v.Inputs, &in); err != nil {
				t.Fatal(err)
			}
			m, channel, uid := in.Model()
			s, err := encode.Token006(m, in.Cert, channel, uid)
			if err != nil {
				t.Fatal(err)
			}
			if s != v.Expected {
				t.Errorf("string differs:\n got %s\nwant %s", s, v.Expected)
			}
			tok, err := decode.Parse(v.Expected)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got := tok.T006
			if got.AppID != in.AppID || got.Salt != in.Salt || got.Ts != in.Ts || !reflect.DeepEqual(got.Privileges, m.Privileges) {
				t.Errorf("decoded %+v", got)
			}
			if got.CRCChannel != verify.CRC32(channel) || got.CRCUID != verify.CRC32(uid) {
				t.Errorf("crc mismatch")
			}
			sig := verify.Signature006(in.Cert, got.AppID, channel, uid, got.Message)
			if !bytes.Equal(sig[:], got.Signature) {
				t.Errorf("signature does not verify")
			}
			c, err := encode.Content006(got)
			if err != nil || encode.String006(got.AppID, c) != v.Expected {
				t.Errorf("decode→encode does not reproduce the string")
			}
		})
	}
	if n < 5 {
		t.Fatalf("only %d 006 known answers", n)
	}
}
