module github.com/tokencheck/tokencheck/examples/conformance/go-tokenbuilder

go 1.26

require github.com/AgoraIO-Community/go-tokenbuilder v1.0.0
