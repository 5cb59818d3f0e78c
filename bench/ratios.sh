#!/bin/sh
# ratios.sh: summarise `go test -bench` output files (main module and the
# bench/peer module) as one table: the median of every benchmark over its
# -count runs, its ratio to the floor (the bare HMAC work of a signature
# check, BenchmarkFloor007/<vector> or BenchmarkFloor006/<vector>), to the
# peer go-tokenbuilder v1.0.0 (006 only; the peer has no 007), and to the
# reference figures of issue 7 (007 parse+verify 53 µs, 007 build 514 µs,
# 006 build 18 µs). Targets: 007 decode+verify <= 2x floor, 007 build <= 3x,
# 006 build and verify <= 2x.
# Usage: bench/ratios.sh bench-main.txt [bench-peer.txt]
set -eu
cat "$@" | awk '
/^Benchmark/ {
	name = $1; sub(/-[0-9]+$/, "", name)
	for (i = 3; i < NF; i++) {
		if ($(i+1) == "ns/op") ns = $i
		if ($(i+1) == "B/op") bytes = $i
		if ($(i+1) == "allocs/op") allocs = $i
		if ($(i+1) == "tokens/s") tps[name] = $i
		if ($(i+1) == "peak-heap-MiB") heap[name] = $i
	}
	n = ++cnt[name]; v[name, n] = ns; b[name] = bytes; a[name] = allocs
	if (n == 1 || ns + 0 < mn[name]) mn[name] = ns + 0
	if (!(name in seen)) { seen[name] = 1; order[++names] = name }
}
function median(name,    n, i, j, t, x) {
	n = cnt[name]
	for (i = 1; i <= n; i++) x[i] = v[name, i] + 0
	for (i = 2; i <= n; i++) { t = x[i]; for (j = i - 1; j >= 1 && x[j] > t; j--) x[j+1] = x[j]; x[j+1] = t }
	return n % 2 ? x[(n+1)/2] : (x[n/2] + x[n/2+1]) / 2
}
function ratio(x, y) { return y > 0 ? sprintf("%.2fx", x / y) : "-" }
END {
	for (k = 1; k <= names; k++) med[order[k]] = median(order[k])
	printf "%-58s %11s %11s %8s %7s %9s %9s %9s %9s\n", "benchmark", "median ns", "min ns", "B/op", "allocs", "/floor", "min/floor", "/peer", "/ref"
	for (k = 1; k <= names; k++) {
		name = order[k]
		short = name; sub(/^Benchmark/, "", short)
		floor = 0; floorMin = 0; peer = 0; ref = 0
		ver = (short ~ /007/) ? "007" : ((short ~ /006/) ? "006" : "")
		vec = short; sub(/^[^\/]*\//, "", vec); sub(/\/.*$/, "", vec)
		if (ver == "007") {
			f = "BenchmarkFloor007/" vec
			if (!(f in med)) f = "BenchmarkFloor007/007-rtc-uid-zlib"
			floor = med[f]; floorMin = mn[f]
		} else if (ver == "006") {
			floor = med["BenchmarkFloor006/006-rtc-join-uid"]; floorMin = mn["BenchmarkFloor006/006-rtc-join-uid"]
		}
		op = short; sub(/(006|007).*$/, "", op); sub(/^Ours/, "", op)
		if (op == "Decode") op = "Parse"
		if (ver == "006" && ("BenchmarkPeer" op "006" in med)) peer = med["BenchmarkPeer" op "006"]
		if (short ~ /^Verify007/) ref = 53000
		if (short ~ /^Build007/) ref = 514000
		if (short ~ /^Build006/ || short ~ /^OursBuild006/) ref = 18000
		# Ratios only for the operations of tokencheck (not the floor, the
		# peer, or benchmarks of other packages such as Hostile in fuzz).
		if (short !~ /^(Decode|Verify|Build|Inspect|Signature|Ours)/) { floor = 0; floorMin = 0; peer = 0; ref = 0 }
		printf "%-58s %11.1f %11.1f %8s %7s %9s %9s %9s %9s\n", short, med[name], mn[name], b[name], a[name], ratio(med[name], floor), ratio(mn[name], floorMin), ratio(med[name], peer), ratio(med[name], ref)
	}
	for (k in tps) printf "\n%s: %.0f tokens/s (target >= 300000 on 2 cores), peak live heap %s MiB (target < 64)\n", substr(k, 10), tps[k], heap[k]
	print ""
	print "/floor: ours over the bare HMAC work (Floor007 for the same vector, Floor006), medians over the rounds."
	print "min/floor: the same with the fastest round of each: on a shared machine a burst of load from"
	print "  elsewhere slows the memory- and branch-bound work of decoding and compressing far more than"
	print "  the SHA-256 rounds of the floor, so the medians move with the load; the minima much less."
	print "/peer: ours over go-tokenbuilder v1.0.0 (006 only); Ours*006 and Peer*006 ran in the same process."
	print "/ref: ours over the reference figures of issue 7 (53 us verify 007, 514 us build 007, 18 us build 006)."
}'
