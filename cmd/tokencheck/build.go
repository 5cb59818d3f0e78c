package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tokencheck/tokencheck/pkg/encode"
	"github.com/tokencheck/tokencheck/pkg/report"
	"github.com/tokencheck/tokencheck/pkg/token"
)

const buildUsage = "build rtc|rtm|chat|education|apaas|fpa|convoai|stt|dk1|dk2|dk3|dk4|dk5|signaling [--version 006|007] [flags]"

func init() {
	register(&command{name: "build", usage: buildUsage,
		summary: "build a token as the reference SDK builders do (self-verified)", run: runBuild})
}

// builderInfo describes one builder of the build command.
type builderInfo struct {
	summary  string
	versions []string // the first is the default
	// legacy marks the pre-006 keys: their flags function registers all their
	// flags but the credentials and --json (no --compressor, their own
	// generation time --unix-ts); the other builders share tokenFlags.
	legacy bool
	flags  func(b *buildFlags, fs *pflag.FlagSet)
	build  func(e *env, b *buildFlags, c encode.Common) (*encode.Result, error)
}

var builders = map[string]*builderInfo{
	"rtc": {summary: "RTC token: RtcTokenBuilder2 (007) or RtcTokenBuilder (006)", versions: []string{"007", "006"},
		flags: flagsRTC, build: buildRTC},
	"rtm": {summary: "RTM login token: RtmTokenBuilder2 (007, --permission for RTM2) or RtmTokenBuilder (006)", versions: []string{"007", "006"},
		flags: flagsRTM, build: buildRTM},
	"chat": {summary: "Chat user token (--user-id) or app token (--app)", versions: []string{"007"},
		flags: flagsChat, build: buildChat},
	"education": {summary: "EducationTokenBuilder2: room-user (--room-uuid --user-uuid --role), user (--user-uuid) or app token", versions: []string{"007"},
		flags: flagsAPaaS, build: buildAPaaS},
	"apaas": {summary: "ApaasTokenBuilder: room-user (--room-uuid --user-uuid --role), user (--user-uuid) or app token", versions: []string{"007"},
		flags: flagsAPaaS, build: buildAPaaS},
	"fpa": {summary: "FpaTokenBuilder: 24 h FPA token", versions: []string{"007"},
		flags: func(*buildFlags, *pflag.FlagSet) {}, build: func(_ *env, _ *buildFlags, c encode.Common) (*encode.Result, error) {
			return encode.BuildFPA(encode.FPAOptions{Common: c})
		}},
	"convoai": {summary: "ConvoAITokenBuilder: RTC + RTM + ConvoAI for a conversational AI agent", versions: []string{"007"},
		flags: flagsAgent, build: buildAgent(encode.BuildConvoAI)},
	"stt": {summary: "SttTokenBuilder: RTC + RTM + STT for a speech-to-text agent", versions: []string{"007"},
		flags: flagsAgent, build: buildAgent(encode.BuildSTT)},
	// Legacy keys (build_legacy.go): self-verified, with a legacy_format warning.
	"dk1": {summary: "legacy DynamicKey (DK1): channel key, no uid, no expiry", versions: []string{string(token.VDK1)}, legacy: true,
		flags: legacyFlags(token.VDK1), build: legacyBuilder(token.VDK1)},
	"dk2": {summary: "legacy DynamicKey2 (DK2): channel key with uid and --expired-ts", versions: []string{string(token.VDK2)}, legacy: true,
		flags: legacyFlags(token.VDK2), build: legacyBuilder(token.VDK2)},
	"dk3": {summary: "legacy DynamicKey3: channel key with uid and --expired-ts", versions: []string{string(token.V003)}, legacy: true,
		flags: legacyFlags(token.V003), build: legacyBuilder(token.V003)},
	"dk4": {summary: "legacy DynamicKey4: --kind media|recording|public-sharing", versions: []string{string(token.V004)}, legacy: true,
		flags: legacyFlags(token.V004), build: legacyBuilder(token.V004)},
	"dk5": {summary: "legacy DynamicKey5: --kind media|recording|public-sharing|in-channel (--permission 0|3)", versions: []string{string(token.V005)}, legacy: true,
		flags: legacyFlags(token.V005), build: legacyBuilder(token.V005)},
	"signaling": {summary: "legacy SignalingToken: --account, --expired-ts", versions: []string{string(token.VSignal)}, legacy: true,
		flags: legacyFlags(token.VSignal), build: legacyBuilder(token.VSignal)},
}

// buildFlags holds every flag of every builder; each builder registers the
// ones it reads.
type buildFlags struct {
	fs *pflag.FlagSet

	appID, cert, certFile string
	version               string
	salt, issueTs         uint32
	allow, asJSON         bool
	compressor            string

	channel, account, role string
	uid                    uint32
	expire, privExpire     uint32
	join, pubAudio         uint32
	pubVideo, pubData      uint32
	withRTM                bool
	userID                 string
	rtmExpire              uint32
	ts                     uint32
	app                    bool
	roomUUID, userUUID     string
	permissions            []string
}

func (b *buildFlags) changed(name string) bool { return b.fs.Changed(name) }

// usageError is a problem with the command line (exit 2).
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

func buildHelp(w io.Writer) {
	fmt.Fprintf(w, "Usage: tokencheck %s\n\nBuilders:\n", buildUsage)
	names := make([]string, 0, len(builders))
	for n := range builders {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s (%s)\n", n, builders[n].summary, strings.Join(builders[n].versions, ", "))
	}
	fmt.Fprintln(w, "\nRun 'tokencheck build BUILDER --help' for its flags.")
	fmt.Fprintln(w, "The certificate comes from --cert-file, TOKENCHECK_CERT or --cert; it is never printed.")
	fmt.Fprintln(w, "Exit codes: 0 built, 1 input refused or self-verification failed, 2 usage or I/O error.")
}

func runBuild(e *env, args []string) int {
	if len(args) == 0 {
		buildHelp(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		buildHelp(e.stdout)
		return exitOK
	}
	name := args[0]
	info, ok := builders[name]
	if !ok {
		errorf(e, "unknown builder %q", name)
		hintf(e, "run 'tokencheck build --help' for the list of builders")
		return exitUsage
	}
	b := &buildFlags{}
	fs := newFlags(e, "build "+name, "build "+name+" [flags]")
	b.fs = fs
	fs.StringVar(&b.appID, "app-id", "", "App ID (32 hexadecimal characters)")
	fs.StringVar(&b.certFile, "cert-file", "", "file holding the App Certificate")
	fs.StringVar(&b.cert, "cert", "", "App Certificate (visible in ps: prefer --cert-file or TOKENCHECK_CERT)")
	if len(info.versions) > 1 {
		fs.StringVar(&b.version, "version", info.versions[0], "token version: "+strings.Join(info.versions, " or "))
	}
	info.flags(b, fs)
	if !info.legacy {
		tokenFlags(b, fs, info)
	}
	fs.BoolVar(&b.asJSON, "json", false, "print the token with its decoded form as JSON")
	if code, ok := parseFlags(e, fs, args[1:]); !ok {
		return code
	}
	if fs.NArg() > 0 {
		errorf(e, "unexpected argument %q", fs.Arg(0))
		return exitUsage
	}
	if b.version == "" {
		b.version = info.versions[0]
	}
	c, err := b.common(e)
	if err != nil {
		errorf(e, "%v", err)
		return exitUsage
	}
	if err := encode.AppIDSpace(b.appID); err != nil {
		errorf(e, "input refused: %v", err)
		return exitBad
	}
	res, err := info.build(e, b, c)
	if err != nil {
		return buildFailed(e, info, b, c, err)
	}
	var account *string
	if name == "rtc" && b.changed("account") {
		account = new(b.account)
	}
	res.Warnings = append(res.Warnings, encode.UseWarnings(res.Token, e.now(), account, res.Warnings)...)
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "tokencheck: warning: [%s] %s\n", w.Code, w)
	}
	if name == "rtc" && !b.changed("uid") && !b.changed("account") && !b.changed("user-id") {
		// The reference builders take the uid as an argument; left out,
		// it is the wildcard, which is worth saying.
		hintf(e, "no --uid or --account: the token is for uid 0, which any user of the channel may join with (give --uid 0 to say so)")
	}
	if !b.asJSON {
		if _, err := fmt.Fprintln(e.stdout, res.Token); err != nil {
			return writeFailed(e, err)
		}
		return exitOK
	}
	out := buildView{Builder: name, Version: string(res.Model.Version), Token: res.Token, Warnings: []warningView{}, Decoded: report.Token(res.Model, nil)}
	if res.Kind != "" {
		out.Decoded.Kind = res.Kind
	}
	for _, w := range res.Warnings {
		out.Warnings = append(out.Warnings, warningView(w))
	}
	if err := writeJSON(e.stdout, out); err != nil {
		return writeFailed(e, err)
	}
	return exitOK
}

// tokenFlags registers the flags of the 006/007 builders that every one of
// them reads; --compressor only where a 007 token can be built.
func tokenFlags(b *buildFlags, fs *pflag.FlagSet, info *builderInfo) {
	uint32Var(fs, &b.salt, "salt", 0, "fix the salt (default: random in 1..99999999)")
	uint32Var(fs, &b.issueTs, "issue-ts", 0, "fix the issue time, unix seconds (default: now)")
	if slices.Contains(info.versions, "007") {
		usage := "007 zlib stream: go (Go builder's strings) or zlib (C zlib: the C++, Python, Java, PHP, Ruby builders' strings)"
		if len(info.versions) > 1 {
			usage = "007 only: the zlib stream: go (Go builder's strings) or zlib (C zlib: the C++, Python, Java, PHP, Ruby builders' strings)"
		}
		fs.StringVar(&b.compressor, "compressor", "go", usage)
	}
	fs.BoolVar(&b.allow, "allow-nonstandard", false, "build from inputs the SDK refuses (reproducing an existing token) and print warnings")
}

// buildView is the JSON printed by build --json.
type buildView struct {
	Builder  string            `json:"builder"`
	Version  string            `json:"version"`
	Token    string            `json:"token"`
	Warnings []warningView     `json:"warnings"`
	Decoded  *report.TokenView `json:"decoded"`
}

type warningView struct {
	Code   string `json:"code"`
	Field  string `json:"field"`
	Rule   string `json:"rule"`
	Detail string `json:"detail,omitempty"`
}

// buildFailed reports a refused build and picks the exit code.
func buildFailed(e *env, info *builderInfo, b *buildFlags, c encode.Common, err error) int {
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		errorf(e, "%v", err)
		return exitUsage
	case errors.Is(err, token.ErrInvalidInput):
		errorf(e, "input refused: %v", err)
		if !c.AllowNonstandard {
			// Say whether --allow-nonstandard would build it: that is the case
			// for the SDK's rules, not for what the format cannot carry.
			c.AllowNonstandard = true
			c.SkipSelfCheck = true
			if _, err2 := info.build(e, b, c); err2 == nil {
				hintf(e, "the SDK refuses this input; --allow-nonstandard builds it anyway (to reproduce an existing token) with a warning")
			}
		}
		return exitBad
	case errors.Is(err, encode.ErrSelfCheck):
		errorf(e, "%v", err)
		return exitBad
	}
	errorf(e, "%v", err)
	return exitUsage
}

// common reads the flags every builder shares.
func (b *buildFlags) common(e *env) (encode.Common, error) {
	c := encode.Common{AppID: b.appID, Now: e.now, AllowNonstandard: b.allow}
	if !b.changed("app-id") {
		return c, usagef("--app-id is required")
	}
	// The certificate is read as verify reads it, with the same messages
	// (an empty --cert-file is named as such); its form is the builder's to
	// judge (app_certificate: 32 hexadecimal characters).
	cert, _, err := certValue(e, b.cert, b.certFile, b.changed)
	if err != nil {
		return c, usagef("%v", err)
	}
	c.Certificate = cert
	if c.Certificate == "" {
		return c, usagef("no App Certificate: give --cert-file, TOKENCHECK_CERT or --cert")
	}
	if b.changed("salt") {
		c.Salt = new(b.salt)
	}
	if b.changed("issue-ts") {
		c.IssueTs = new(b.issueTs)
	}
	if b.changed("version") && b.version != "006" && b.version != "007" {
		return c, usagef("--version %q: want 006 or 007", b.version)
	}
	if b.fs.Lookup("compressor") != nil {
		if err := b.onlyFor("007", "compressor"); err != nil {
			return c, usagef("%v: a 006 token is not compressed", err)
		}
		switch b.compressor {
		case "go", "zlib":
			c.Compressor = encode.Compressor(b.compressor)
		default:
			return c, usagef("--compressor %q: want go or zlib", b.compressor)
		}
	}
	return c, nil
}

// onlyFor refuses the named flags unless the token version is version.
func (b *buildFlags) onlyFor(version string, names ...string) error {
	if b.version == version {
		return nil
	}
	for _, n := range names {
		if b.changed(n) {
			return usagef("--%s is for --version %s only", n, version)
		}
	}
	return nil
}

// parseRole accepts a role name or its number.
func parseRole(s string, names map[string]uint16) (uint16, error) {
	if v, ok := names[strings.ToLower(s)]; ok {
		return v, nil
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		keys := make([]string, 0, len(names))
		for k := range names {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return 0, usagef("--role %q: want %s or a number", s, strings.Join(keys, ", "))
	}
	return uint16(n), nil
}

var (
	roles007 = map[string]uint16{"publisher": 1, "subscriber": 2}
	roles006 = map[string]uint16{"attendee": 0, "publisher": 1, "subscriber": 2, "admin": 101}
)

func flagsRTC(b *buildFlags, fs *pflag.FlagSet) {
	fs.StringVar(&b.channel, "channel", "", "channel name")
	uint32Var(fs, &b.uid, "uid", 0, "numeric uid (0 = any user)")
	fs.StringVar(&b.account, "account", "", "user account, instead of --uid")
	fs.StringVar(&b.role, "role", "publisher", "publisher or subscriber (006 also attendee, admin), or the number")
	uint32Var(fs, &b.expire, "expire", 3600, "007: token lifetime in seconds")
	uint32Var(fs, &b.privExpire, "privilege-expire", 0, "007: privilege lifetime in seconds (0 = the token lifetime); 006: absolute unix time the privileges end")
	uint32Var(fs, &b.join, "join", 0, "007: join-channel privilege lifetime (setting any of --join/--pub-* gives each privilege its own lifetime)")
	uint32Var(fs, &b.pubAudio, "pub-audio", 0, "007: publish-audio privilege lifetime")
	uint32Var(fs, &b.pubVideo, "pub-video", 0, "007: publish-video privilege lifetime")
	uint32Var(fs, &b.pubData, "pub-data", 0, "007: publish-data privilege lifetime")
	fs.BoolVar(&b.withRTM, "with-rtm", false, "007: add RTM login for --account (buildTokenWithRtm)")
	fs.StringVar(&b.userID, "user-id", "", "007: add RTM login for this RTM user ID (buildTokenWithRtm2)")
	uint32Var(fs, &b.rtmExpire, "rtm-expire", 0, "007 with --user-id: RTM login lifetime (default: --expire)")
	uint32Var(fs, &b.ts, "ts", 0, "006: token expiry, absolute unix time (default: issue time + 24 h)")
}

func (b *buildFlags) accountPtr() (*string, error) {
	if !b.changed("account") {
		return nil, nil
	}
	if b.changed("uid") {
		return nil, usagef("give --uid or --account, not both")
	}
	return new(b.account), nil
}

func (b *buildFlags) ts006() *uint32 {
	if b.changed("ts") {
		return new(b.ts)
	}
	return nil
}

func buildRTC(_ *env, b *buildFlags, c encode.Common) (*encode.Result, error) {
	if err := b.onlyFor("007", "expire", "join", "pub-audio", "pub-video", "pub-data", "with-rtm", "user-id", "rtm-expire"); err != nil {
		return nil, err
	}
	if err := b.onlyFor("006", "ts"); err != nil {
		return nil, err
	}
	account, err := b.accountPtr()
	if err != nil {
		return nil, err
	}
	if b.version == "006" {
		r, err := parseRole(b.role, roles006)
		if err != nil {
			return nil, err
		}
		return encode.BuildRTC006(encode.RTC006Options{Common: c, Channel: b.channel, UID: b.uid, Account: account,
			Role: encode.Role006(r), PrivilegeExpireTs: b.privExpire, Ts: b.ts006()})
	}
	r, err := parseRole(b.role, roles007)
	if err != nil {
		return nil, err
	}
	explicit := b.changed("join") || b.changed("pub-audio") || b.changed("pub-video") || b.changed("pub-data")
	pick := func(name string, v uint32) uint32 {
		if b.changed(name) {
			return v
		}
		return b.privExpire
	}
	switch {
	case b.changed("user-id"):
		if b.withRTM {
			return nil, usagef("give --with-rtm or --user-id, not both")
		}
		if b.changed("uid") {
			return nil, usagef("--user-id builds with an RTC account: give --account, not --uid")
		}
		if err := b.subscriberPublish(r); err != nil {
			return nil, err
		}
		rtmExpire := b.expire
		if b.changed("rtm-expire") {
			rtmExpire = b.rtmExpire
		}
		return encode.BuildRTCWithRTM2(encode.RTCAndRTMOptions{Common: c, Channel: b.channel, RTCAccount: b.account, RTCRole: encode.RTCRole(r),
			RTCTokenExpire: b.expire, Join: pick("join", b.join), PublishAudio: pick("pub-audio", b.pubAudio),
			PublishVideo: pick("pub-video", b.pubVideo), PublishData: pick("pub-data", b.pubData),
			RTMUserID: b.userID, RTMTokenExpire: rtmExpire})
	case b.withRTM:
		if explicit || b.changed("rtm-expire") {
			return nil, usagef("--with-rtm takes --privilege-expire, not --join/--pub-*/--rtm-expire (the RTM login lasts --expire)")
		}
		if account == nil {
			return nil, usagef("--with-rtm needs --account (it is also the RTM user ID)")
		}
		return encode.BuildRTCWithRTM(encode.RTCWithRTMOptions{Common: c, Channel: b.channel, Account: b.account, Role: encode.RTCRole(r),
			TokenExpire: b.expire, PrivilegeExpire: b.privExpire})
	}
	if b.changed("rtm-expire") {
		return nil, usagef("--rtm-expire needs --user-id")
	}
	o := encode.RTCOptions{Common: c, Channel: b.channel, UID: b.uid, Account: account, Role: encode.RTCRole(r),
		TokenExpire: b.expire, PrivilegeExpire: b.privExpire}
	if explicit {
		if b.changed("role") {
			return nil, usagef("--join/--pub-* give every privilege explicitly: drop --role")
		}
		o.Privileges = &encode.RTCPrivileges{Join: pick("join", b.join), PublishAudio: pick("pub-audio", b.pubAudio),
			PublishVideo: pick("pub-video", b.pubVideo), PublishData: pick("pub-data", b.pubData)}
	}
	return encode.BuildRTC(o)
}

func flagsRTM(b *buildFlags, fs *pflag.FlagSet) {
	fs.StringVar(&b.userID, "user-id", "", "RTM user ID")
	uint32Var(fs, &b.expire, "expire", 3600, "007: token and login lifetime in seconds")
	fs.StringArrayVar(&b.permissions, "permission", nil, "007 RTM2: RESOURCE:PERMISSION:name,name… e.g. message_channels:read:chan-a (repeatable; types by name or number)")
	uint32Var(fs, &b.privExpire, "privilege-expire", 0, "006: absolute unix time the login privilege ends (0 = the token lifetime)")
	uint32Var(fs, &b.ts, "ts", 0, "006: token expiry, absolute unix time (default: issue time + 24 h)")
}

var (
	rtm2Resources   = map[string]uint16{"message_channels": 0, "stream_channels": 1, "group_channels": 2, "server_groups": 3, "users": 4}
	rtm2Permissions = map[string]uint16{"read": 0, "write": 1}
)

func parsePermission(s string) (encode.RTMPermission, error) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return encode.RTMPermission{}, usagef("--permission %q: want RESOURCE:PERMISSION:name,name…", s)
	}
	num := func(v string, names map[string]uint16, what string) (uint16, error) {
		if n, ok := names[v]; ok {
			return n, nil
		}
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil {
			return 0, usagef("--permission %q: unknown %s %q", s, what, v)
		}
		return uint16(n), nil
	}
	rt, err := num(parts[0], rtm2Resources, "resource type")
	if err != nil {
		return encode.RTMPermission{}, err
	}
	pt, err := num(parts[1], rtm2Permissions, "permission type")
	if err != nil {
		return encode.RTMPermission{}, err
	}
	res := []string{}
	if parts[2] != "" {
		res = strings.Split(parts[2], ",")
	}
	return encode.RTMPermission{ResourceType: rt, PermissionType: pt, Resources: res}, nil
}

func buildRTM(_ *env, b *buildFlags, c encode.Common) (*encode.Result, error) {
	if err := b.onlyFor("007", "expire", "permission"); err != nil {
		return nil, err
	}
	if err := b.onlyFor("006", "privilege-expire", "ts"); err != nil {
		return nil, err
	}
	if !b.changed("user-id") {
		return nil, usagef("--user-id is required")
	}
	if b.version == "006" {
		return encode.BuildRTM006(encode.RTM006Options{Common: c, UserAccount: b.userID, PrivilegeExpireTs: b.privExpire, Ts: b.ts006()})
	}
	o := encode.RTMOptions{Common: c, UserID: b.userID, Expire: b.expire}
	if !b.changed("permission") {
		return encode.BuildRTM(o)
	}
	for _, p := range b.permissions {
		g, err := parsePermission(p)
		if err != nil {
			return nil, err
		}
		o.Permissions = append(o.Permissions, g)
	}
	return encode.BuildRTMWithPermissions(o)
}

func flagsChat(b *buildFlags, fs *pflag.FlagSet) {
	fs.StringVar(&b.userID, "user-id", "", "chat user ID (user token)")
	fs.BoolVar(&b.app, "app", false, "build the app token instead of a user token")
	uint32Var(fs, &b.expire, "expire", 3600, "token lifetime in seconds")
}

func buildChat(_ *env, b *buildFlags, c encode.Common) (*encode.Result, error) {
	o := encode.ChatOptions{Common: c, UserID: b.userID, Expire: b.expire}
	switch {
	case b.app && b.changed("user-id"):
		return nil, usagef("give --user-id (user token) or --app (app token), not both")
	case b.app:
		return encode.BuildChatApp(o)
	case !b.changed("user-id"):
		return nil, usagef("give --user-id for a user token or --app for the app token")
	}
	return encode.BuildChatUser(o)
}

func flagsAPaaS(b *buildFlags, fs *pflag.FlagSet) {
	fs.StringVar(&b.roomUUID, "room-uuid", "", "room UUID (room-user token)")
	fs.StringVar(&b.userUUID, "user-uuid", "", "user UUID (room-user and user tokens)")
	fs.StringVar(&b.role, "role", "", "room-user token: the application-defined role, a 16-bit signed number")
	uint32Var(fs, &b.expire, "expire", 3600, "token lifetime in seconds")
}

func buildAPaaS(_ *env, b *buildFlags, c encode.Common) (*encode.Result, error) {
	o := encode.APaaSOptions{Common: c, RoomUUID: b.roomUUID, UserUUID: b.userUUID, Expire: b.expire}
	switch {
	case b.changed("room-uuid"):
		if !b.changed("user-uuid") || !b.changed("role") {
			return nil, usagef("a room-user token needs --room-uuid, --user-uuid and --role")
		}
		r, err := strconv.ParseInt(b.role, 10, 16)
		if err != nil {
			return nil, usagef("--role %q: want a number -32768..32767", b.role)
		}
		o.Role = int16(r)
		return encode.BuildAPaaSRoomUser(o)
	case b.changed("role"):
		return nil, usagef("--role is for room-user tokens (with --room-uuid)")
	case b.changed("user-uuid"):
		return encode.BuildAPaaSUser(o)
	}
	return encode.BuildAPaaSApp(o)
}

func flagsAgent(b *buildFlags, fs *pflag.FlagSet) {
	fs.StringVar(&b.channel, "channel", "", "channel name")
	fs.StringVar(&b.account, "account", "", "the agent's RTC user account")
	fs.StringVar(&b.role, "role", "publisher", "RTC role: publisher or subscriber, or the number")
	uint32Var(fs, &b.expire, "expire", 3600, "token (RTC) lifetime in seconds")
	uint32Var(fs, &b.privExpire, "privilege-expire", 0, "default lifetime of the RTC privileges (0 = the token lifetime)")
	uint32Var(fs, &b.join, "join", 0, "join-channel privilege lifetime (default: --privilege-expire)")
	uint32Var(fs, &b.pubAudio, "pub-audio", 0, "publish-audio privilege lifetime (default: --privilege-expire)")
	uint32Var(fs, &b.pubVideo, "pub-video", 0, "publish-video privilege lifetime (default: --privilege-expire)")
	uint32Var(fs, &b.pubData, "pub-data", 0, "publish-data privilege lifetime (default: --privilege-expire)")
	fs.StringVar(&b.userID, "user-id", "", "the agent's RTM user ID")
	uint32Var(fs, &b.rtmExpire, "rtm-expire", 0, "RTM login lifetime (default: --expire)")
}

// subscriberPublish refuses a publish-privilege lifetime for a subscriber
// where the builder takes one per privilege but grants a subscriber join
// only (buildTokenWithRtm2, ConvoAI, STT): the reference drops it, so the
// flag would change nothing.
func (b *buildFlags) subscriberPublish(role uint16) error {
	if encode.RTCRole(role) != encode.RoleSubscriber {
		return nil
	}
	for _, n := range []string{"pub-audio", "pub-video", "pub-data"} {
		if b.changed(n) {
			return usagef("--%s: a subscriber (--role %s) gets the join privilege only; drop --%s or give --role publisher", n, b.role, n)
		}
	}
	return nil
}

func buildAgent(f func(encode.RTCAndRTMOptions) (*encode.Result, error)) func(*env, *buildFlags, encode.Common) (*encode.Result, error) {
	return func(_ *env, b *buildFlags, c encode.Common) (*encode.Result, error) {
		r, err := parseRole(b.role, roles007)
		if err != nil {
			return nil, err
		}
		if !b.changed("account") || !b.changed("user-id") {
			return nil, usagef("--account (RTC) and --user-id (RTM) are required")
		}
		if err := b.subscriberPublish(r); err != nil {
			return nil, err
		}
		pick := func(name string, v uint32) uint32 {
			if b.changed(name) {
				return v
			}
			return b.privExpire
		}
		rtmExpire := b.expire
		if b.changed("rtm-expire") {
			rtmExpire = b.rtmExpire
		}
		return f(encode.RTCAndRTMOptions{Common: c, Channel: b.channel, RTCAccount: b.account, RTCRole: encode.RTCRole(r),
			RTCTokenExpire: b.expire, Join: pick("join", b.join), PublishAudio: pick("pub-audio", b.pubAudio),
			PublishVideo: pick("pub-video", b.pubVideo), PublishData: pick("pub-data", b.pubData),
			RTMUserID: b.userID, RTMTokenExpire: rtmExpire})
	}
}
