module github.com/tokencheck/tokencheck/bench/peer

go 1.26

require github.com/tokencheck/tokencheck v0.0.0

require github.com/AgoraIO-Community/go-tokenbuilder v1.0.0

replace github.com/tokencheck/tokencheck => ../..
