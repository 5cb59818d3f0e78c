package encode

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"time"

	"github.com/tokencheck/tokencheck/pkg/token"
)

// ErrSelfCheck is wrapped by every error that reports a built token failing
// its own verification: it did not decode, a decoded field differs from the
// input, or the signature does not verify with the certificate. Such a token is
// never returned.
var ErrSelfCheck = errors.New("self-verification failed")

// Reference defaults.
const (
	// MaxLifetime is the longest token or privilege lifetime the server honours
	// (24 hours, in seconds). Builders refuse more unless AllowNonstandard is set.
	MaxLifetime = 86400
	// Default006Lifetime is what every 006 builder adds to the issue time to get
	// the token's ts field.
	Default006Lifetime = 86400
	// FPAExpire is the token lifetime FpaTokenBuilder writes.
	FPAExpire = 86400
	// MaxSalt is the largest salt drawn by default; salts are drawn uniformly
	// from 1..MaxSalt, the range of the Python reference. Any uint32 is a valid
	// salt when fixed explicitly.
	MaxSalt = 99999999
	// MaxChannelLength is the longest channel name the SDK accepts, in bytes.
	MaxChannelLength = 64
	// MaxAccountLength is the longest RTC user account the SDK accepts, in bytes.
	MaxAccountLength = 255
	// MaxRTMUserIDLength is the longest RTM user ID the reference documents, in bytes.
	MaxRTMUserIDLength = 64
	// MaxFieldLength is the longest string the format can carry (a uint16
	// length prefix). Longer strings are refused even with AllowNonstandard.
	MaxFieldLength = 0xFFFF
)

// Common holds what every builder takes besides its own inputs: the
// credentials, the sources of time and randomness, and the policy switches.
type Common struct {
	// AppID and Certificate are 32 hexadecimal characters each. Letter case is
	// kept: it changes the token. Anything else is refused, as every 007 SDK
	// does, even with AllowNonstandard.
	AppID       string
	Certificate string
	// IssueTs fixes the generation time (unix seconds). When nil, Now is used.
	// 007 writes it as issue_ts; 006 computes its default ts (token expiry)
	// from it. new(uint32(0)) is a legal, fixed issue time of 0.
	IssueTs *uint32
	// Salt fixes the salt. When nil a salt is drawn from Rand in 1..MaxSalt.
	// new(uint32(0)) is a legal, fixed salt of 0.
	Salt *uint32
	// Now is the clock used when IssueTs is nil; nil means time.Now.
	Now func() time.Time
	// Rand is the randomness used when Salt is nil; nil means crypto/rand.Reader.
	Rand io.Reader
	// AllowNonstandard builds tokens from inputs the SDK or the service would
	// refuse (characters outside the documented set, over-long names, empty
	// accounts, lifetimes over 24 hours, …) and reports each broken rule as a
	// Warning instead of an error. It exists to reproduce tokens customers
	// already have. Inputs the format cannot represent are refused anyway.
	AllowNonstandard bool
	// Compressor chooses the zlib stream of 007 tokens (the signature does not
	// cover it): CompressorGo (the default, Go's compress/zlib, the Go
	// reference builder's strings) or CompressorZlib (C zlib level 6, the
	// strings of the C++, Python, Java, PHP and Ruby builders).
	Compressor Compressor
	// SkipSelfCheck turns off the decode-and-verify step every builder runs on
	// its own output by default. Only benchmarks should set it.
	SkipSelfCheck bool
}

// Compressor names a 007 compression profile.
type Compressor string

// The 007 compression profiles.
const (
	CompressorGo   Compressor = "go"
	CompressorZlib Compressor = "zlib"
)

// String007With compresses a payload with the named profile ("" = Go).
func String007With(c Compressor, payload []byte) (string, error) {
	switch c {
	case "", CompressorGo:
		return String007(payload), nil
	case CompressorZlib:
		return String007Zlib(payload), nil
	}
	return "", &token.InputError{Field: "compressor", Rule: "go or zlib", Detail: string(c)}
}

// Warning is a validation rule an input broke while AllowNonstandard was set.
type Warning struct {
	// Code is the audit finding code for the same problem in an existing
	// token, e.g. "channel_too_long", "bad_channel_charset", "expiry_over_24h".
	Code string
	// Field, Rule and Detail are as in token.InputError.
	Field  string
	Rule   string
	Detail string
}

// String renders the warning like the error it replaces.
func (w Warning) String() string {
	return (&token.InputError{Field: w.Field, Rule: w.Rule, Detail: w.Detail}).Error()
}

// Result is a built token.
type Result struct {
	// Token is the token string.
	Token string
	// Model is the token as decoded by the self-verification step (or, when
	// SkipSelfCheck is set, the model that was serialised).
	Model *token.Token
	// Warnings lists the rules broken under AllowNonstandard, in input order.
	Warnings []Warning
	// Kind is what the token is for where its bytes do not say and its
	// builder knows: a DK4 key's kind ("media", "recording",
	// "public-sharing"), which only its signature tells. "" otherwise.
	Kind string
}

// issueTime returns the fixed issue time or the clock's current second.
func (c *Common) issueTime() (uint32, error) {
	if c.IssueTs != nil {
		return *c.IssueTs, nil
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	s := now().Unix()
	if s < 0 || s > math.MaxUint32 {
		return 0, &token.InputError{Field: "issue_ts", Rule: "the clock must read a time between 1970 and 2106 (a u32 of unix seconds)", Detail: fmt.Sprintf("clock reads %d", s)}
	}
	return uint32(s), nil
}

var maxSalt = big.NewInt(MaxSalt)

// salt returns the fixed salt or draws one uniformly from 1..MaxSalt.
func (c *Common) salt() (uint32, error) {
	if c.Salt != nil {
		return *c.Salt, nil
	}
	r := c.Rand
	if r == nil {
		r = rand.Reader
	}
	n, err := rand.Int(r, maxSalt)
	if err != nil {
		return 0, fmt.Errorf("drawing a salt: %w", err)
	}
	return uint32(n.Int64()) + 1, nil
}
