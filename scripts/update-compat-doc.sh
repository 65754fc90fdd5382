#!/usr/bin/env bash
# Regenerates docs/COMPATIBILITY.md from the real-driver suite: runs it in a
# build tree (default build/) and copies the report into docs/. The test
# suite itself never writes tracked files; this is the explicit command.
#   scripts/update-compat-doc.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -f "$build/CMakeCache.txt" ]] || { echo "no build in $build: run scripts/test.sh --fast first" >&2; exit 1; }
cmake --build "$build"
(cd "$build" && ctest -L compat --output-on-failure)
/usr/bin/python3 tests/compat/compat.py --build "$build" update-doc
git --no-pager diff --stat -- docs/COMPATIBILITY.md
