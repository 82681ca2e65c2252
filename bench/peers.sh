#!/bin/sh
# The numeric core against its peers, on this machine, in one run: jclub's
# benchmarks (go test -bench) beside numpy/OpenBLAS, scikit-learn's
# BernoulliRBM and PyTorch on the same MNIST files, each ratio printed.
# A tool, not a test: the peers come from Debian (apt-get install
# python3-numpy python3-sklearn python3-torch); a missing one is skipped.
#
#   bench/peers.sh            # both threads for jclub, peers at 1 and 2
set -eu
cd "$(dirname "$0")/.."
py=${PYTHON:-/usr/bin/python3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "# jclub (go test -bench, GOMAXPROCS=$(nproc))" >&2
go test -run '^$' -bench 'EpochRBM|EpochWide|EpochNielsen' -benchtime 2x ./models >"$out/go.txt"
go test -run '^$' -bench 'Dgemm/square1024' -benchtime 10x ./internal/gemm >>"$out/go.txt"
awk '/^Benchmark/ { name=$1; sub(/-[0-9]+$/, "", name); print name, $3/1e9 }' "$out/go.txt" >"$out/jclub"

echo "# peers" >&2
for t in 1 2; do
	OMP_NUM_THREADS=$t OPENBLAS_NUM_THREADS=$t MKL_NUM_THREADS=$t "$py" bench/peers.py $t >>"$out/peers" || true
done

get() { awk -v k="$2" '$1 == k { print $2 }' "$out/$1"; }
ratio() { # label, jclub benchmark, peer key
	j=$(get jclub "$2"); p=$(get peers "$3")
	if [ -n "$j" ] && [ -n "$p" ]; then
		awk -v l="$1" -v j="$j" -v p="$p" 'BEGIN { printf "%-46s jclub %8.3f s  peer %8.3f s  peer/jclub %5.2f\n", l, j, p, p/j }'
	fi
}
ratio "GEMM 1024² float64, numpy 1 thread" BenchmarkDgemm/square1024/f64/threads=1 numpy_gemm1024_float64
ratio "GEMM 1024² float64 (both cores), numpy 2 threads" BenchmarkDgemm/square1024/f64/threads=2 numpy_gemm1024_float64_2t
ratio "GEMM 1024² F32, numpy float32 1 thread" BenchmarkDgemm/square1024/f32/threads=1 numpy_gemm1024_float32
ratio "RBM 784-500 epoch, scikit-learn 1 thread" BenchmarkEpochRBM sklearn_rbm_epoch
ratio "RBM 784-500 epoch, scikit-learn 2 threads" BenchmarkEpochRBM sklearn_rbm_epoch_2t
ratio "MLP 784-500-10 epoch, PyTorch 1 thread" BenchmarkEpochWide torch_mlp784x500x10_epoch
ratio "MLP 784-500-10 epoch, PyTorch 2 threads" BenchmarkEpochWide torch_mlp784x500x10_epoch_2t
ratio "Nielsen 784-30-10 epoch, PyTorch 1 thread" BenchmarkEpochNielsen torch_nielsen_epoch
ratio "Nielsen 784-30-10 epoch, PyTorch 2 threads" BenchmarkEpochNielsen torch_nielsen_epoch_2t
