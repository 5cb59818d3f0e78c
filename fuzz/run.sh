#!/usr/bin/env bash
# Runs every native fuzz target of the module, one after another (go test
# runs one fuzz target per invocation), for DURATION each, and prints the
# number of executions per target.
#
#   fuzz/run.sh          # 3m per target (make fuzz)
#   fuzz/run.sh 5s       # a smoke run (make test)
#
# Environment: FUZZ_PARALLEL sets the fuzzing workers per target (default 1;
# the machine is shared), FUZZ_LOGDIR keeps the logs (default a temp dir),
# FUZZ_PKGS limits the packages searched (default ./...).
# Targets are discovered with `go test -list '^Fuzz'`. A failing target does
# not stop the others; the script exits 1 if any failed, and the crasher is
# left in testdata/fuzz/<FuzzName>/ of its package. A run that ends in Go's
# spurious "context deadline exceeded" without writing a failing input
# (golang/go#75804, fixed in Go 1.27) counts as passed and is marked ok*.
set -euo pipefail

duration="${1:-3m}"
parallel="${FUZZ_PARALLEL:-1}"
pkgs="${FUZZ_PKGS:-./...}"
cd "$(dirname "$0")/.."
logdir="${FUZZ_LOGDIR:-$(mktemp -d)}"
mkdir -p "$logdir"

# `go test -list` prints the matching names of a package, then "ok <pkg> …".
targets=()
pending=()
while IFS= read -r line; do
	case "$line" in
	Fuzz*) pending+=("$line") ;;
	ok*)
		pkg="$(awk '{print $2}' <<<"$line")"
		for name in ${pending[@]+"${pending[@]}"}; do
			targets+=("$pkg $name")
		done
		pending=()
		;;
	esac
done < <(go test -list '^Fuzz' $pkgs)

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz/run.sh: no fuzz targets found in $pkgs" >&2
	exit 1
fi

failed=0
summary=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	log="$logdir/$name.log"
	corpus="$(go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$name"
	before="$(ls "$corpus" 2>/dev/null || true)"
	echo "== $name ($pkg) for $duration, $parallel worker(s); log $log"
	status=ok
	if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$duration" -parallel "$parallel" "$pkg" >"$log" 2>&1; then
		after="$(ls "$corpus" 2>/dev/null || true)"
		if [ "$before" = "$after" ] && tail -n 5 "$log" | grep -q 'context deadline exceeded'; then
			# Go's fuzz coordinator can report its own -fuzztime deadline as a
			# failure (golang/go#75804, fixed in Go 1.27): no input failed.
			status=ok*
		else
			status=FAIL
			failed=1
			tail -n 20 "$log" >&2
		fi
	fi
	execs="$( (grep -o "execs: [0-9]*" "$log" || true) | tail -n 1 | awk "{print \$2}")"
	if [ "$status" = ok ] && [ "${execs:-0}" = 0 ]; then
		# The time went on replaying the corpus (baseline coverage): no
		# new input was tried. Not a failure (go test runs the corpus in
		# full), but not a fuzz run either.
		status=ok~
	fi
	summary+=("$(printf '%-24s %-5s %12s execs in %s' "$name" "$status" "${execs:-0}" "$duration")")
done

echo
echo "fuzz summary:"
printf '  %s\n' "${summary[@]}"
if printf '%s\n' "${summary[@]}" | grep -q ' ok~ '; then
	echo "  (ok~: the time went on replaying the corpus, so no new input was tried: give the target more time, e.g. make fuzz FUZZTIME=1m; go test runs the corpus in full)"
fi
if printf '%s\n' "${summary[@]}" | grep -q ' ok\* '; then
	echo "  (ok*: the run ended with Go's spurious 'context deadline exceeded' (golang/go#75804); no failing input was written)"
fi
exit "$failed"
