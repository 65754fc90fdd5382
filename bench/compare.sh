#!/usr/bin/env bash
# One command: the library side by side with a real PostgreSQL 15 on this
# machine, all on loopback, measured alternately in the same run, printed as
# one markdown table with ratios to PostgreSQL (docs/PERFORMANCE.md).
#
#   bench/compare.sh                 # RUNS=3 runs of DURATION=5 seconds, medians
#   RUNS=1 DURATION=2 bench/compare.sh
#
# Servers: PostgreSQL 15 (fsync=off, as user postgres), bench_server (the
# library with answers that cost nothing: bench/bench_server.cpp),
# sqlite_server (the library in front of SQLite), and the 5-byte ping-pong
# of bench/pingpong.c for the loopback ceiling. The library's servers run
# with THREADS io threads (default 2, this machine's cores).
# Needs root for the throw-away PostgreSQL (initdb refuses root: runuser).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
# $SECONDS is bash's own clock: DURATION, or SECONDS when the caller exported it.
DURATION=${DURATION:-$(printenv SECONDS || echo 5)}
THREADS=${THREADS:-2}
ROWS=${ROWS:-1000000}
CLIENTS_LIST=${CLIENTS_LIST:-"1 8 64"}
PGPORT_=${PGPORT_:-25497}
build=build-bench-e2e
pgbin=/usr/lib/postgresql/15/bin

fail() { echo "compare.sh: $*" >&2; exit 1; }

scripts/setup.sh --test >/dev/null
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPGWIRE_BUILD_TESTS=OFF -DPGWIRE_BUILD_EXAMPLES=ON >/dev/null
cmake --build $build --target pgwire_bench_server pgwire_example_sqlite_server >/dev/null
cc -O2 -Wall -Wextra -pthread -o $build/pingpong bench/pingpong.c
[[ -x $pgbin/pg_ctl ]] || fail "PostgreSQL 15 is not installed ($pgbin)"

work=$(mktemp -d /tmp/pgwire-compare.XXXXXX)
chown postgres "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  runuser -u postgres -- $pgbin/pg_ctl -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# --- servers ------------------------------------------------------------
runuser -u postgres -- $pgbin/initdb -D "$work/data" -A trust -U postgres >/dev/null
runuser -u postgres -- $pgbin/pg_ctl -D "$work/data" -l "$work/pg.log" -w \
  -o "-p $PGPORT_ -k $work -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$work/pg.log" >&2; fail "PostgreSQL did not start"; }
pg_pid=$(head -1 "$work/data/postmaster.pid")

start_server() {  # binary -> $port and $pid, from its "listening on HOST:PORT" line
  local name=${1##*/} line
  mkfifo "$work/$name.out"
  "$1" --listen 127.0.0.1:0 --threads "$THREADS" >"$work/$name.out" 2>&1 &
  pid=$!
  pids+=("$pid")
  exec {out_fd}<"$work/$name.out"  # stays open: the server keeps writing to it
  read -r line <&"$out_fd" || true
  [[ $line == "listening on "* ]] || fail "$name did not start: '$line'"
  port=${line##*:}
}
start_server $build/bench/bench_server
bench_port=$port bench_pid=$pid
start_server $build/examples/sqlite_server
sqlite_port=$port sqlite_pid=$pid

targets=(postgres bench sqlite)
declare -A port_of=([postgres]=$PGPORT_ [bench]=$bench_port [sqlite]=$sqlite_port)
declare -A pid_of=([postgres]=$pg_pid [bench]=$bench_pid [sqlite]=$sqlite_pid)
ticks_per_second=$(getconf CLK_TCK)

# CPU ticks of a server: the process (all its threads) and its reaped
# children (PostgreSQL's backends, once they exited).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13 + $14 + $15}'; }
# PostgreSQL's backends count once the postmaster has reaped them: wait until
# it has no more children than before the measurement (a condition, not a delay).
settle() {  # target children_before
  [[ $1 == postgres ]] || return 0
  local deadline=$((SECONDS + 30))
  while (($(pgrep -c -P "$pg_pid" || true) > $2)); do
    ((SECONDS < deadline)) || fail "PostgreSQL backends did not exit"
    sleep 0.05
  done
}
children() {
  if [[ $1 == postgres ]]; then pgrep -c -P "$pg_pid" || true; else echo 0; fi
}

echo "SELECT 1;" >"$work/select1.sql"
results=$work/results  # lines: key value
: >"$results"

pgbench_once() {  # target mode clients
  local before kids out
  kids=$(children "$1")
  before=$(cpu_ticks "${pid_of[$1]}")
  out=$(pgbench -n -h 127.0.0.1 -p "${port_of[$1]}" -U postgres -M "$2" -c "$3" -j 2 -T "$DURATION" \
    -f "$work/select1.sql" postgres 2>&1) || fail "pgbench -M $2 -c $3 against $1 failed: $out"
  settle "$1" "$kids"
  local ticks=$(($(cpu_ticks "${pid_of[$1]}") - before))
  local tps xacts
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
  xacts=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
  [[ -n $tps && -n $xacts && $xacts -gt 0 ]] || fail "no tps from pgbench against $1: $out"
  echo "tps.$2.$3.$1 $tps" >>"$results"
  echo "cpu_us.$2.$3.$1 $(awk -v t="$ticks" -v hz="$ticks_per_second" -v n="$xacts" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')" >>"$results"
}

fetch_once() {  # target
  local sql="SELECT * FROM bulk($ROWS)" before kids start end
  # PostgreSQL and sqlite_server generate the rows in their engine (SQLite: a recursive CTE).
  [[ $1 == postgres ]] && sql="SELECT i, repeat('x', 32), i::float8 FROM generate_series(1, $ROWS) i"
  [[ $1 == sqlite ]] &&
    sql="WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $ROWS) SELECT i::int4, repeat('x', 32), i::float8 FROM s"
  kids=$(children "$1")
  before=$(cpu_ticks "${pid_of[$1]}")
  start=$(date +%s.%N)
  psql -X -At -h 127.0.0.1 -p "${port_of[$1]}" -U postgres -c "$sql" postgres >"$work/fetch.out" ||
    fail "the $ROWS-row fetch from $1 failed"
  end=$(date +%s.%N)
  settle "$1" "$kids"
  local ticks=$(($(cpu_ticks "${pid_of[$1]}") - before))
  local got
  got=$(wc -l <"$work/fetch.out")
  ((got == ROWS)) || fail "the fetch from $1 gave $got rows, not $ROWS"
  echo "fetch_s.$1 $(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')" >>"$results"
  echo "fetch_cpu_s.$1 $(awk -v t="$ticks" -v hz="$ticks_per_second" 'BEGIN {printf "%.2f", t / hz}')" >>"$results"
}

# --- measurements, alternating between the servers within each run -------
for run in $(seq "$RUNS"); do
  echo "run $run of $RUNS ..." >&2
  for mode in simple extended prepared; do
    for c in $CLIENTS_LIST; do
      for t in "${targets[@]}"; do pgbench_once "$t" "$mode" "$c"; done
      [[ $mode == simple ]] && echo "pingpong.$c $($build/pingpong "$c" "$DURATION")" >>"$results"
    done
  done
  for t in "${targets[@]}"; do fetch_once "$t"; done
done

# --- the table ------------------------------------------------------------
median() {  # key -> median of its values
  awk -v k="$1" '$1 == k {print $2}' "$results" | sort -g | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'
}
# "value (ratio×)" with ratio = value / PostgreSQL's; `inverse` for times (lower is better).
cell() {  # value pg_value [inverse]
  awk -v v="$1" -v p="$2" -v inv="${3:-}" 'BEGIN {
    r = inv ? p / v : v / p
    printf "%s (%.2f×)", v, r }'
}
k() { awk -v v="$1" 'BEGIN {printf "%.1fk", v / 1000}'; }

echo
echo "| measure | PostgreSQL 15 | bench_server | sqlite_server |"
echo "|---|---|---|---|"
for mode in simple extended prepared; do
  for c in $CLIENTS_LIST; do
    pg=$(k "$(median "tps.$mode.$c.postgres")")
    ours_bench=$(k "$(median "tps.$mode.$c.bench")")
    ours_sqlite=$(k "$(median "tps.$mode.$c.sqlite")")
    echo "| TPS $mode, c=$c | $pg | $(cell "$ours_bench" "$pg") | $(cell "$ours_sqlite" "$pg") |"
  done
done
for c in $CLIENTS_LIST; do
  [[ $c == 8 ]] || continue
  pg=$(median "cpu_us.prepared.$c.postgres")
  echo "| server CPU µs per prepared SELECT 1, c=$c | $pg | $(cell "$(median "cpu_us.prepared.$c.bench")" "$pg" inverse) | $(cell "$(median "cpu_us.prepared.$c.sqlite")" "$pg" inverse) |"
done
pg=$(median fetch_s.postgres)
echo "| $ROWS-row fetch, psql -At, seconds | $pg | $(cell "$(median fetch_s.bench)" "$pg" inverse) | $(cell "$(median fetch_s.sqlite)" "$pg" inverse) |"
pg=$(median fetch_cpu_s.postgres)
echo "| server CPU seconds per fetch | $pg | $(cell "$(median fetch_cpu_s.bench)" "$pg" inverse) | $(cell "$(median fetch_cpu_s.sqlite)" "$pg" inverse) |"
echo
echo "| ping-pong ceiling (5 bytes, round trips/s) | bench_server prepared TPS / ceiling |"
echo "|---|---|"
for c in $CLIENTS_LIST; do
  pp=$(median "pingpong.$c")
  echo "| c=$c: $(k "$pp") | $(awk -v b="$(median "tps.prepared.$c.bench")" -v p="$pp" 'BEGIN {printf "%.2f", b / p}') |"
done
echo
echo "(pgbench -n -f 'SELECT 1;' -j 2 -T $DURATION, medians of $RUNS runs; ratios: to PostgreSQL, >1 is better for us" \
  "(for CPU and seconds: PostgreSQL's / ours); io threads: $THREADS; CPU from /proc/<pid>/stat utime+stime," \
  "PostgreSQL's including its backends)"
