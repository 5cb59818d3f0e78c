package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at build time (make build: -ldflags "-X main.version=…");
// empty, the module version Go recorded in the binary is shown instead.
var version string

func init() {
	register(&command{name: "version", usage: "version",
		summary: "print the version of tokencheck and the Go release that built it", run: runVersion})
}

func runVersion(e *env, args []string) int {
	fs := newFlags(e, "version", "version")
	if code, ok := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		errorf(e, "unexpected argument %q", fs.Arg(0))
		return exitUsage
	}
	if _, err := fmt.Fprintf(e.stdout, "tokencheck %s (%s)\n", versionString(), runtime.Version()); err != nil {
		return writeFailed(e, err)
	}
	return exitOK
}

// versionString is the stamped version, else the one in the build info
// (a tag or pseudo-version for go install, "(devel)" for go build), else
// "dev".
func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
