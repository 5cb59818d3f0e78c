# tokencheck: build, test, fuzz and benchmark.
GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
FUZZTIME ?= 3m

.PHONY: all build fmtcheck vet test test-unit test-browser fuzz fuzz-short bench conform clean

all: build

build:
	$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/tokencheck ./cmd/tokencheck

fmtcheck:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# test = formatting + vet + the whole suite with the race detector + a short run of every fuzz target.
test: fmtcheck vet test-unit fuzz-short

# The browser tests of pkg/server run here too: they skip without Chromium,
# unless TOKENCHECK_BROWSER_TESTS=1 (CI), and leave screenshots in out/screenshots/.
test-unit:
	@rm -rf out/screenshots
	$(GO) test -race -count=1 ./...
	@for f in out/screenshots/*.png; do if [ -e "$$f" ]; then echo "screenshot: $$f"; fi; done

# Only the end-to-end tests of the debugger page in headless Chromium, verbose.
test-browser:
	TOKENCHECK_BROWSER_TESTS=1 $(GO) test -race -count=1 -v -run 'TestBrowser' ./pkg/server

fuzz-short:
	@if [ -x fuzz/run.sh ]; then ./fuzz/run.sh 5s; fi

fuzz:
	./fuzz/run.sh $(FUZZTIME)

# bench runs the main module's benchmarks and the peer module's (bench/peer,
# go-tokenbuilder v1.0.0 for 006), keeps the raw output in bin/ for benchstat,
# and prints each of ours as a ratio to the floor and to the peer. The runs
# are interleaved (BENCHCOUNT rounds of one run of every benchmark), so that
# a burst of load on a shared machine does not fall on one benchmark only.
# Packages run one at a time (-p 1): two benchmark binaries sharing the two
# cores would measure each other. The audit of 1,000,000 tokens (about a
# minute) runs once.
BENCHCOUNT ?= 6
BENCHTIME  ?= 300ms
bench:
	@mkdir -p bin
	@rm -f bin/bench-main.txt bin/bench-peer.txt
	@for i in $$(seq $(BENCHCOUNT)); do \
		$(GO) test -p 1 -run '^$$' -bench . -skip 'Audit1M' -benchmem -count 1 -benchtime $(BENCHTIME) ./... >> bin/bench-main.txt || exit 1; \
		(cd bench/peer && $(GO) test -run '^$$' -bench . -benchmem -count 1 -benchtime $(BENCHTIME) .) >> bin/bench-peer.txt || exit 1; \
		echo "bench: round $$i of $(BENCHCOUNT) done"; \
	done
	$(GO) test -run '^$$' -bench 'Audit1M' -benchmem -benchtime 1x ./pkg/audit | tee -a bin/bench-main.txt
	@./bench/ratios.sh bin/bench-main.txt bin/bench-peer.txt
	@if command -v benchstat >/dev/null; then benchstat bin/bench-main.txt bin/bench-peer.txt; fi

# conform = tokencheck conform against the live npm packages agora-token and
# agora-access-token and the Go module go-tokenbuilder (needs node, npm and the
# module proxy; see examples/conformance/run.sh).
conform:
	GO=$(GO) ./examples/conformance/run.sh

clean:
	rm -rf bin
