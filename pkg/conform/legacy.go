package conform

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/tokencheck/tokencheck/pkg/legacy"
	"github.com/tokencheck/tokencheck/pkg/vectors"
)

// legacyBuilders are the builder keys of the pre-006 formats, built by
// package legacy. Their tokens are compared byte for byte like 006 and
// verified for the channel and uid (signaling: the account) of the inputs.
var legacyBuilders = map[string]Builder{
	"dk5_media":     {"005", dk5(legacy.KindMediaChannel)},
	"dk5_recording": {"005", dk5(legacy.KindRecording)},
	"dk5_public":    {"005", dk5(legacy.KindPublicSharing)},
	"dk5_inchannel": {"005", dk5(legacy.KindInChannelPermission)},
	"dk4_media":     {"004", dk4(legacy.KindMediaChannel)},
	"dk4_recording": {"004", dk4(legacy.KindRecording)},
	"dk4_public":    {"004", dk4(legacy.KindPublicSharing)},
	"dk3": {"003", legacyBuild(func(in *vectors.Inputs, uid uint32) (string, error) {
		return legacy.BuildDK3(legacy.DK3Options{AppID: in.AppID, Certificate: in.Cert, Channel: in.Channel, UnixTs: in.Ts, Salt: in.Salt, UID: uid, ExpiredTs: in.ExpiredTs})
	})},
	"signaling": {"signaling", func(raw json.RawMessage) (*Build, error) {
		in, err := vectors.ParseInputs(raw)
		if err != nil {
			return nil, err
		}
		tok, err := legacy.BuildSignaling(legacy.SignalingOptions{Account: in.AccountText(), AppID: in.AppID, Certificate: in.Cert, ExpiredTs: in.ExpiredTs})
		if err != nil {
			return nil, err
		}
		return &Build{Token: tok, Cert: in.Cert, UID: ptr(in.AccountText())}, nil
	}},
}

func dk5(kind legacy.KeyKind) BuildFunc {
	return legacyBuild(func(in *vectors.Inputs, uid uint32) (string, error) {
		return legacy.BuildDK5(legacy.DK5Options{Kind: kind, AppID: in.AppID, Certificate: in.Cert, Channel: in.Channel, UnixTs: in.Ts,
			Salt: in.Salt, UID: uid, ExpiredTs: in.ExpiredTs, Permission: legacy.DK5Permission(in.Permission)})
	})
}

func dk4(kind legacy.KeyKind) BuildFunc {
	return legacyBuild(func(in *vectors.Inputs, uid uint32) (string, error) {
		return legacy.BuildDK4(legacy.DK4Options{Kind: kind, AppID: in.AppID, Certificate: in.Cert, Channel: in.Channel, UnixTs: in.Ts,
			Salt: in.Salt, UID: uid, ExpiredTs: in.ExpiredTs})
	})
}

// legacyBuild adapts a dynamic-key builder taking a numeric uid.
func legacyBuild(f func(in *vectors.Inputs, uid uint32) (string, error)) BuildFunc {
	return func(raw json.RawMessage) (*Build, error) {
		in, err := vectors.ParseInputs(raw)
		if err != nil {
			return nil, err
		}
		uid, err := in.UIDNumber()
		if err != nil {
			return nil, fmt.Errorf("inputs: %w", err)
		}
		tok, err := f(in, uid)
		if err != nil {
			return nil, err
		}
		return &Build{Token: tok, Cert: in.Cert, Channel: ptr(in.Channel), UID: ptr(strconv.FormatUint(uint64(uid), 10))}, nil
	}
}
