#!/usr/bin/env bash
# End-to-end: pgbench against the examples and against a real PostgreSQL 15
# on the same machine, side by side (sqlite_server: SQLite answers SELECT 1
# behind the library; PostgreSQL: the real thing). Prints transactions per second (median
# of RUNS runs) for SELECT 1 in simple, extended and prepared mode.
#   bench/e2e.sh                 # CLIENTS=4 SECONDS=5 RUNS=3
# Needs root for the throw-away PostgreSQL (initdb refuses root: runuser).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
CLIENTS=${CLIENTS:-4} SECONDS_=${SECONDS:-5} RUNS=${RUNS:-3}
scripts/setup.sh --test
cmake -S . -B build-e2e -G Ninja -DCMAKE_BUILD_TYPE=Release -DPGWIRE_BUILD_TESTS=OFF -DPGWIRE_BUILD_EXAMPLES=ON >/dev/null
cmake --build build-e2e --target pgwire_example_sqlite_server >/dev/null

work=$(mktemp -d /tmp/pgwire-e2e.XXXXXX)
chown postgres "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$work/data" -A trust -U postgres >/dev/null
runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$work/data" -l "$work/pg.log" -w \
  -o "-p 25499 -k $work -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null

start_example() {  # name -> $port, read from its "listening on HOST:PORT" line
  mkfifo "$work/$1.out"
  build-e2e/examples/"$1" --listen 127.0.0.1:0 --threads 2 >"$work/$1.out" 2>&1 &
  pids+=($!)
  local line
  exec {out_fd}<"$work/$1.out"  # stays open: the server keeps writing to it
  read -r line <&"$out_fd"
  port=${line##*:}
}
start_example sqlite_server
sqlite_port=$port

echo "SELECT 1;" > "$work/select1.sql"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
tps() {  # port mode -> median tps
  for _ in $(seq "$RUNS"); do
    pgbench -n -h 127.0.0.1 -p "$1" -U postgres -M "$2" -c "$CLIENTS" -j 2 -T "$SECONDS_" \
      -f "$work/select1.sql" postgres 2>/dev/null | sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
  done | median
}

printf "%-10s %14s %14s\n" mode postgres-15 sqlite_server
for mode in simple extended prepared; do
  printf "%-10s %14s %14s\n" "$mode" "$(tps 25499 $mode)" "$(tps "$sqlite_port" $mode)"
done
echo "(pgbench -c $CLIENTS -j 2 -T $SECONDS_, SELECT 1, median of $RUNS runs, tps)"
