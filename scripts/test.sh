#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, builds with
# Ninja + ccache, runs every test, then builds and runs them again under
# ASan+UBSan in a second build directory, and the multi-threaded session
# tests under TSan in a third.
#   scripts/test.sh            everything
#   scripts/test.sh --fast     skip the sanitizer passes
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

scripts/setup.sh --test

jobs=$(nproc)
# Paths relative to the checkout in ccache's keys: a fresh clone elsewhere
# (as CI makes) still hits the cache.
export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=true
run_suite() {
  local dir=$1; shift
  # Tests and examples explicitly ON: a cache configured by hand with
  # PGWIRE_BUILD_EXAMPLES=OFF would otherwise drop the integration and compat
  # tests from CI (CMake only warns).
  cmake -S "$root" -B "$dir" -G Ninja -DPGWIRE_BUILD_TESTS=ON -DPGWIRE_BUILD_EXAMPLES=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  local label n
  for label in integration compat; do
    n=$(cd "$dir" && ctest -N -L "$label" | sed -n 's/^Total Tests: //p')
    if [[ "${n:-0}" -eq 0 ]]; then
      echo "test.sh: no '$label' tests are registered in $dir" >&2
      exit 1
    fi
  done
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600)
}

echo "== build and test (RelWithDebInfo)"
run_suite "$root/build"

if [[ "${1:-}" != "--fast" ]]; then
  echo "== build and test under ASan+UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    run_suite "$root/build-asan" -DPGWIRE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
fi

if [[ "${1:-}" != "--fast" ]]; then
  # TSan: the layers where threads meet (the Asio driver with two io threads,
  # push queues, the notification hub, the cancel registry). The examples and
  # the real-client suites add nothing thread-related there.
  echo "== build and test under TSan (session and protocol tests)"
  cmake -S "$root" -B "$root/build-tsan" -G Ninja -DPGWIRE_BUILD_TESTS=ON -DPGWIRE_BUILD_EXAMPLES=OFF \
    -DPGWIRE_SANITIZE_THREAD=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$root/build-tsan" -j "$jobs" --target pgwire_session_tests pgwire_protocol_tests
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 "$root/build-tsan/tests/pgwire_session_tests"
  TSAN_OPTIONS=halt_on_error=1 "$root/build-tsan/tests/pgwire_protocol_tests" "[session],[push],[notify],[cancel]"
fi
