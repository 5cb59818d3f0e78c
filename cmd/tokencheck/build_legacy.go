package main

import (
	"crypto/rand"
	"fmt"
	"io"
	"math"
	"math/big"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tokencheck/tokencheck/pkg/decode"
	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/token"
)

// The legacy builders of the build command: the pre-006 dynamic keys (DK1 to
// DK5) and the signaling token of pkg/legacy. Their flags are named after the
// fields of the reference generators (--unix-ts, --salt for randomInt,
// --expired-ts); the ones no 006/007 builder has are registered here and read
// back from the flag set, so buildFlags stays as it is.
//
// Every key is decoded again with decode.Parse, its fields compared with the
// inputs and its signature verified with legacy.Verify before it is printed;
// a key that fails is an error (encode.ErrSelfCheck, exit 1), never output.
// The output always carries a legacy_format warning that names the 007
// builder replacing the format.

// legacySpec is what a legacy key is built from and checked against.
type legacySpec struct {
	format     token.Version
	kind       legacy.KeyKind
	appID      string
	cert       string
	channel    string
	account    string
	unixTs     uint32
	salt       uint32
	uid        uint32
	expiredTs  uint32
	permission legacy.DK5Permission
}

// legacyKinds maps the --kind values to key kinds.
var legacyKinds = map[string]legacy.KeyKind{
	"media":          legacy.KindMediaChannel,
	"recording":      legacy.KindRecording,
	"public-sharing": legacy.KindPublicSharing,
	"in-channel":     legacy.KindInChannelPermission,
}

// legacyBuilder returns the build function of the legacy builder of format.
func legacyBuilder(format token.Version) func(*env, *buildFlags, encode.Common) (*encode.Result, error) {
	return func(_ *env, b *buildFlags, c encode.Common) (*encode.Result, error) {
		s, err := legacyInputs(format, b, c)
		if err != nil {
			return nil, err
		}
		tok, err := buildLegacyKey(s)
		if err != nil {
			return nil, err
		}
		model, err := s.check(tok)
		if err != nil {
			return nil, err
		}
		res := &encode.Result{Token: tok, Model: model, Warnings: []encode.Warning{legacyWarning(format, s.kind)}}
		channel, account := &s.channel, (*string)(nil)
		if format == token.VSignal {
			channel, account = nil, &s.account
		}
		res.Warnings = append(res.Warnings, encode.NameWarnings(tok, channel, account, res.Warnings)...)
		if format == token.V004 {
			// The self-check's signature match proved the kind.
			res.Kind = s.kind.String()
		}
		return res, nil
	}
}

// legacyFlags returns the flags function of the legacy builder of format:
// every flag it reads but the credentials and --json. The flags of the
// 006/007 builders that a legacy key has no use for are registered hidden,
// so that giving one is refused with a reason (or, for --issue-ts, read as
// --unix-ts) rather than an unknown flag, without listing them in its help.
// --compressor is not registered: no legacy key is compressed.
func legacyFlags(format token.Version) func(*buildFlags, *pflag.FlagSet) {
	return func(b *buildFlags, fs *pflag.FlagSet) {
		hidden := func(names ...string) {
			for _, n := range names {
				_ = fs.MarkHidden(n)
			}
		}
		defer func() {
			fs.BoolVar(&b.allow, "allow-nonstandard", false, "refused: the legacy builders apply no SDK input rules")
			hidden("allow-nonstandard")
		}()
		if format == token.VSignal {
			fs.StringVar(&b.account, "account", "", "signaling account (required; --account \"\" is the empty account)")
			uint32Var(fs, new(uint32), "expired-ts", 0, "absolute unix time the token expires (0 = never)")
			uint32Var(fs, &b.salt, "salt", 0, "refused: a signaling token has no salt")
			uint32Var(fs, &b.issueTs, "issue-ts", 0, "refused: a signaling token has no generation time")
			hidden("salt", "issue-ts")
			return
		}
		fs.StringVar(&b.channel, "channel", "", "channel name (required; --channel \"\" is the empty name)")
		uint32Var(fs, new(uint32), "unix-ts", 0, "generation time, unix seconds (default: now)")
		uint32Var(fs, &b.issueTs, "issue-ts", 0, "the same as --unix-ts (the name the 006/007 builders use)")
		hidden("issue-ts")
		uint32Var(fs, &b.salt, "salt", 0, "fix the salt (randomInt; default: random in 1..99999999)")
		if format == token.VDK1 {
			return
		}
		switch format {
		case token.VDK2, token.V003:
			uint32Var(fs, &b.uid, "uid", 0, "numeric uid, carried in the key (0 = any user)")
		default:
			uint32Var(fs, &b.uid, "uid", 0, "numeric uid, signed but not carried (0 = any user)")
		}
		uint32Var(fs, new(uint32), "expired-ts", 0, "absolute unix time the key expires (0 = never)")
		switch format {
		case token.V004:
			fs.String("kind", "media", "media, recording or public-sharing")
		case token.V005:
			fs.String("kind", "media", "media, recording, public-sharing or in-channel")
			fs.String("permission", "", `in-channel: upload permission, "0" (none) or "3" (audio and video)`)
		}
	}
}

// legacyInputs reads the flags of a legacy builder.
func legacyInputs(format token.Version, b *buildFlags, c encode.Common) (*legacySpec, error) {
	if b.changed("allow-nonstandard") {
		return nil, usagef("--allow-nonstandard is for 006/007 tokens: the legacy builders apply no SDK input rules")
	}
	s := &legacySpec{format: format, kind: legacy.KindMediaChannel, appID: c.AppID, cert: c.Certificate}
	if format == token.VSignal {
		if b.changed("salt") || b.changed("issue-ts") {
			return nil, usagef("a signaling token has no salt and no generation time: give --account and --expired-ts")
		}
		if !b.changed("account") {
			return nil, usagef("--account is required")
		}
		s.kind, s.account = legacy.KindSignaling, b.account
		s.expiredTs, _ = b.fs.GetUint32("expired-ts")
		return s, nil
	}
	if !b.changed("channel") {
		return nil, usagef("--channel is required (--channel \"\" for the empty channel name)")
	}
	s.channel, s.uid = b.channel, b.uid
	s.expiredTs, _ = b.fs.GetUint32("expired-ts")
	if b.fs.Lookup("kind") != nil {
		name, _ := b.fs.GetString("kind")
		k, ok := legacyKinds[name]
		if !ok || (format == token.V004 && k == legacy.KindInChannelPermission) {
			want := "media, recording or public-sharing"
			if format == token.V005 {
				want = "media, recording, public-sharing or in-channel"
			}
			return nil, usagef("--kind %q: want %s", name, want)
		}
		s.kind = k
	}
	if b.fs.Lookup("permission") != nil {
		switch {
		case s.kind == legacy.KindInChannelPermission && !b.changed("permission"):
			return nil, usagef(`--kind in-channel needs --permission "0" (no upload) or "3" (audio and video upload)`)
		case s.kind != legacy.KindInChannelPermission && b.changed("permission"):
			return nil, usagef("--permission is for --kind in-channel only")
		}
		p, _ := b.fs.GetString("permission")
		s.permission = legacy.DK5Permission(p)
	}

	// The generation time: --unix-ts, or --issue-ts (the name the 006/007
	// builders use for it), or now.
	switch {
	case b.changed("unix-ts") && b.changed("issue-ts"):
		return nil, usagef("give --unix-ts or --issue-ts, not both")
	case b.changed("unix-ts"):
		s.unixTs, _ = b.fs.GetUint32("unix-ts")
	case c.IssueTs != nil:
		s.unixTs = *c.IssueTs
	default:
		now := c.Now().Unix()
		if now < 0 || now > math.MaxUint32 {
			return nil, usagef("the clock (%d) is outside the 32-bit unix time of the key: give --unix-ts", now)
		}
		s.unixTs = uint32(now)
	}
	if c.Salt != nil {
		s.salt = *c.Salt
	} else {
		salt, err := randomSalt(c.Rand)
		if err != nil {
			return nil, err
		}
		s.salt = salt
	}
	return s, nil
}

// randomSalt draws randomInt uniformly from 1..encode.MaxSalt, from r or
// crypto/rand.
func randomSalt(r io.Reader) (uint32, error) {
	if r == nil {
		r = rand.Reader
	}
	n, err := rand.Int(r, big.NewInt(encode.MaxSalt))
	if err != nil {
		return 0, fmt.Errorf("drawing a salt: %w", err)
	}
	return uint32(n.Int64()) + 1, nil
}

// buildLegacyKey calls the pkg/legacy generator of s.format. Tests replace it
// to prove that a key failing its self-check is not printed.
var buildLegacyKey = func(s *legacySpec) (string, error) {
	switch s.format {
	case token.VDK1:
		return legacy.BuildDK1(legacy.DK1Options{AppID: s.appID, Certificate: s.cert, Channel: s.channel, UnixTs: s.unixTs, Salt: s.salt})
	case token.VDK2:
		return legacy.BuildDK2(legacy.DK2Options{AppID: s.appID, Certificate: s.cert, Channel: s.channel, UnixTs: s.unixTs, Salt: s.salt,
			UID: s.uid, ExpiredTs: s.expiredTs})
	case token.V003:
		return legacy.BuildDK3(legacy.DK3Options{AppID: s.appID, Certificate: s.cert, Channel: s.channel, UnixTs: s.unixTs, Salt: s.salt,
			UID: s.uid, ExpiredTs: s.expiredTs})
	case token.V004:
		return legacy.BuildDK4(legacy.DK4Options{Kind: s.kind, AppID: s.appID, Certificate: s.cert, Channel: s.channel, UnixTs: s.unixTs,
			Salt: s.salt, UID: s.uid, ExpiredTs: s.expiredTs})
	case token.V005:
		return legacy.BuildDK5(legacy.DK5Options{Kind: s.kind, AppID: s.appID, Certificate: s.cert, Channel: s.channel, UnixTs: s.unixTs,
			Salt: s.salt, UID: s.uid, ExpiredTs: s.expiredTs, Permission: s.permission})
	case token.VSignal:
		return legacy.BuildSignaling(legacy.SignalingOptions{Account: s.account, AppID: s.appID, Certificate: s.cert, ExpiredTs: s.expiredTs})
	}
	return "", fmt.Errorf("no legacy builder for %q", s.format)
}

// check decodes tok with decode.Parse, compares every carried field with s
// and verifies the signature with the certificate, channel, uid and account
// of s. Any difference is an error wrapping encode.ErrSelfCheck.
func (s *legacySpec) check(tok string) (*token.Token, error) {
	t, err := decode.Parse(tok)
	if err != nil {
		return nil, fmt.Errorf("%w: the built key does not decode: %w", encode.ErrSelfCheck, err)
	}
	l := t.Legacy
	if l == nil || t.Version != s.format || l.Format != s.format {
		return nil, fmt.Errorf("%w: the built key decodes as version %q, not %q", encode.ErrSelfCheck, t.Version, s.format)
	}
	if f := s.mismatch(l); f != "" {
		return nil, fmt.Errorf("%w: the decoded %s differs from the input", encode.ErrSelfCheck, f)
	}
	in := legacy.VerifyInput{Certificate: s.cert}
	if s.format == token.VSignal {
		in.Account, in.HasAccount = s.account, true
	} else {
		in.Channel, in.HasChannel = s.channel, true
		in.UID, in.HasUID = s.uid, true
	}
	res := legacy.Verify(l, in)
	switch {
	case !res.Valid():
		return nil, fmt.Errorf("%w: signature %s: %s", encode.ErrSelfCheck, res.Status, res.Reason)
	case res.Kind != s.kind:
		return nil, fmt.Errorf("%w: the signature matches a %s key, not %s", encode.ErrSelfCheck, res.Kind, s.kind)
	case s.format == token.V005 && res.WildcardUID != (s.uid == 0):
		return nil, fmt.Errorf("%w: the signature matches uid 0, not uid %d", encode.ErrSelfCheck, s.uid)
	}
	return t, nil
}

// mismatch names the first decoded field of l that differs from s, or "".
func (s *legacySpec) mismatch(l *token.Legacy) string {
	wantApp := s.appID
	if s.format == token.V005 {
		wantApp = strings.ToLower(s.appID) // DK5 carries the raw bytes
	}
	carriesUID := s.format == token.VDK2 || s.format == token.V003
	carriesExpiry := s.format != token.VDK1
	switch {
	case l.AppID != wantApp:
		return "app_id"
	case s.format != token.VSignal && l.UnixTs != s.unixTs:
		return "unix_ts"
	case s.format != token.VSignal && l.Salt != s.salt:
		return "salt"
	case l.HasUID != carriesUID || (carriesUID && l.UID != s.uid) || (!carriesUID && l.UID != 0):
		return "uid"
	case l.HasExpired != carriesExpiry || (carriesExpiry && l.ExpiredTs != s.expiredTs) || (!carriesExpiry && l.ExpiredTs != 0):
		return "expired_ts"
	}
	if s.format != token.V005 {
		if l.ServiceType != 0 || len(l.Extra) != 0 {
			return "service_type"
		}
		return ""
	}
	if st, _ := s.kind.DK5ServiceType(); l.ServiceType != st {
		return "service_type"
	}
	var wantExtra []token.LegacyExtra
	if s.kind == legacy.KindInChannelPermission {
		wantExtra = []token.LegacyExtra{{Key: legacy.DK5ExtraAllowUpload, Value: string(s.permission)}}
	}
	if len(l.Extra) != len(wantExtra) || (len(wantExtra) == 1 && l.Extra[0] != wantExtra[0]) {
		return "extra"
	}
	return ""
}

// legacyWarning says that the key is in a legacy format and which 007
// builder replaces it.
func legacyWarning(format token.Version, kind legacy.KeyKind) encode.Warning {
	w := encode.Warning{Code: legacy.FindingLegacyFormat, Field: "version", Rule: "a legacy format"}
	if r, ok := legacy.ReplacementFor(format, kind); ok {
		w.Rule = r.Message()
	}
	return w
}
