#!/usr/bin/env bash
# Installs what is missing, builds the SQLite example server and starts it on
# 127.0.0.1 (port 5433 unless PORT is set; 5432 is often a real PostgreSQL).
# Extra arguments go to the server, e.g. --db /tmp/demo.sqlite --auth scram.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target pgwire_example_sqlite_server
exec build/examples/sqlite_server --listen "127.0.0.1:${PORT:-5433}" "$@"
