#!/bin/sh
# The CNN topic's epoch against PyTorch on CPU, on this machine, in one
# run: jclub's BenchmarkCNNEpoch (go test -bench, an epoch of 50,000 digits
# timed from 100 batches of 32) on one core and on all, beside PyTorch
# (Debian's python3-torch) with the same net, batch and optimiser on one
# thread and two. A tool, not a test.
#
#   bench/cnn.sh
set -eu
cd "$(dirname "$0")/.."
py=${PYTHON:-/usr/bin/python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for p in 1 $(nproc); do
	GOMAXPROCS=$p go test -run '^$' -bench 'CNNEpoch' -benchtime 2x ./models |
		awk -v p=$p '/^Benchmark/ { n=$1; sub(/-[0-9]+$/, "", n); sub(/.*\//, "", n); print n "_" p, $5 }' >>"$out/jclub"
done
for t in 1 2; do
	for a in lenet5 lenet1; do
		if "$py" bench/cnn_peer.py $t $a 32 2>/dev/null | awk -v k="${a}_$t" '{ print k, $2 }' >>"$out/peer"; then :; else
			echo "# no PyTorch: apt-get install python3-torch" >&2
			break 2
		fi
	done
done
get() { awk -v k="$2" '$1 == k { print $2 }' "$out/$1"; }
for a in lenet5 lenet1; do
	for pair in "1 1" "$(nproc) 1" "$(nproc) 2"; do
		set -- $pair
		j=$(get jclub "${a}_$1"); p=$(get peer "${a}_$2")
		[ -n "$j" ] && [ -n "$p" ] &&
			awk -v l="$a epoch, jclub $1 core(s) vs PyTorch $2 thread(s)" -v j="$j" -v p="$p" \
				'BEGIN { printf "%-50s jclub %6.2f s  peer %6.2f s  peer/jclub %5.2f\n", l, j, p, p/j }'
	done
done
