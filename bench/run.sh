#!/bin/sh
# Configures a Release build (-O2 -DNDEBUG) in build-bench/ (next to this repository's
# sources), builds pgwire_bench_codec and runs it. Extra arguments go to the
# benchmark; the default is the invocation behind docs/BENCHMARKS.md:
#
#   bench/run.sh                      # 5 repetitions, aggregates only
#   bench/run.sh --benchmark_filter=DataRow
#
# Environment: BUILD_DIR (default <repo>/build-bench), JOBS (default 2).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
jobs=${JOBS:-2}

cmake -S "$repo" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  "-DCMAKE_CXX_FLAGS_RELEASE=-O2 -DNDEBUG" \
  -DPGWIRE_BUILD_BENCHMARKS=ON \
  -DPGWIRE_BUILD_TESTS=OFF \
  -DPGWIRE_BUILD_EXAMPLES=OFF \
  -DPGWIRE_BUILD_FUZZERS=OFF >/dev/null
cmake --build "$build" --target pgwire_bench_codec -j "$jobs"

if [ "$#" -eq 0 ]; then
  set -- --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
fi
exec "$build/bench/pgwire_bench_codec" "$@"
