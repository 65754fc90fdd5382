#!/usr/bin/env bash
# One command: the library side by side with a real PostgreSQL 15 on this
# machine, all on loopback, measured alternately in the same run, printed as
# one markdown table with ratios to PostgreSQL (docs/PERFORMANCE.md).
#
#   bench/compare.sh                 # RUNS=3 runs of DURATION=5 seconds, medians
#   RUNS=1 DURATION=2 bench/compare.sh
#   QUICK=1 bench/compare.sh         # a smoke test: every measure, tiny sizes
#
# Servers: PostgreSQL 15 (fsync=off, as user postgres), bench_server (the
# library with answers that cost nothing: bench/bench_server.cpp),
# sqlite_server (the library in front of SQLite), and the 5-byte ping-pong
# of bench/pingpong.c for the loopback ceiling. The library's servers run
# with THREADS io threads (default 2, this machine's cores). Besides the
# pgbench and fetch runs: memory per idle connection (bench/idle_memory.py),
# the servers' peak RSS under a slow reader (bench/slow_reader.c), bench_server
# with 1 and 2 io threads, and the codec microbenchmarks (bench/codec_bench.cpp).
# Needs root for the throw-away PostgreSQL (initdb refuses root: runuser).
set -euo pipefail
cd "$(dirname "$0")/.."
QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then  # defaults of a smoke test; explicit settings still win
  : "${RUNS:=1}" "${DURATION:=1}" "${ROWS:=10000}" "${IDLE_COUNTS:=100 200}" "${SLOW_ROWS:=100000}"
  : "${CODEC_ARGS:=--benchmark_min_time=0.01}"
fi
RUNS=${RUNS:-3}
# $SECONDS is bash's own clock: DURATION, or SECONDS when the caller exported it.
DURATION=${DURATION:-$(printenv SECONDS || echo 5)}
THREADS=${THREADS:-2}
ROWS=${ROWS:-1000000}
CLIENTS_LIST=${CLIENTS_LIST:-"1 8 64"}
IO_CLIENTS="8 64"
TPCB_CLIENTS=${TPCB_CLIENTS:-"1 8"}  # pgbench's TPC-B script (writes): PostgreSQL and sqlite_server
TPCB_SCALE=${TPCB_SCALE:-1}  # bench_server with 1 and 2 io threads: prepared, these clients
IDLE_COUNTS=${IDLE_COUNTS:-"1000 10000"}
# The slow reader: SLOW_CHUNK bytes per read, SLOW_PAUSE_US between reads,
# through a receive buffer of SLOW_RCVBUF bytes (about 30 MB/s, several times
# slower than the servers produce the rows).
SLOW_ROWS=${SLOW_ROWS:-10000000}
SLOW_CHUNK=${SLOW_CHUNK:-32768}
SLOW_PAUSE_US=${SLOW_PAUSE_US:-1000}
SLOW_RCVBUF=${SLOW_RCVBUF:-65536}
CODEC_ARGS=${CODEC_ARGS:-"--benchmark_repetitions=3 --benchmark_report_aggregates_only=true"}
PGPORT_=${PGPORT_:-25497}
build="build-bench-e2e"
pgbin=/usr/lib/postgresql/15/bin

fail() { echo "compare.sh: $*" >&2; exit 1; }

scripts/setup.sh --test >/dev/null
cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPGWIRE_BUILD_TESTS=OFF -DPGWIRE_BUILD_EXAMPLES=ON \
  -DPGWIRE_BUILD_BENCHMARKS=ON >/dev/null || fail "configuring $build failed (Google Benchmark: libbenchmark-dev)"
cmake --build $build --target pgwire_bench_server pgwire_example_sqlite_server pgwire_bench_codec >/dev/null ||
  fail "building in $build failed"
cc -O2 -Wall -Wextra -pthread -o $build/pingpong bench/pingpong.c
cc -O2 -Wall -Wextra -I"$(pg_config --includedir)" -o $build/fetch_libpq bench/fetch_libpq.c -lpq ||
  fail "building bench/fetch_libpq.c failed (libpq-dev)"
cc -O2 -Wall -Wextra -o $build/slow_reader bench/slow_reader.c
[[ -x $pgbin/pg_ctl ]] || fail "PostgreSQL 15 is not installed ($pgbin)"
idle_max=$(tr ' ' '\n' <<<"$IDLE_COUNTS" | sort -n | tail -1)
idle_min=$(tr ' ' '\n' <<<"$IDLE_COUNTS" | sort -n | head -1)
# Every held connection is an fd of the client and of the library's servers.
ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) >= idle_max + 1024)) || fail "the fd limit $(ulimit -n) is too low for $idle_max idle connections"

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
pg_start() {  # max_connections [more -c settings] -> $pg_pid; returns 1 when it did not start
  runuser -u postgres -- $pgbin/pg_ctl -D "$work/data" -l "$work/pg.log" -w \
    -o "-p $PGPORT_ -k $work -c listen_addresses=127.0.0.1 -c max_connections=$1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${2:-}" \
    start >/dev/null || return 1
  pg_pid=$(head -1 "$work/data/postmaster.pid")
}
pg_stop() {
  runuser -u postgres -- $pgbin/pg_ctl -D "$work/data" -m fast -w stop >/dev/null || fail "PostgreSQL did not stop"
}

start_server() {  # binary label threads -> $port and $pid, from its "listening on HOST:PORT" line
  local name=$2 line
  mkfifo "$work/$name.out"
  "$1" --listen 127.0.0.1:0 --threads "$3" >"$work/$name.out" 2>&1 &
  pid=$!
  pids+=("$pid")
  exec {out_fd}<"$work/$name.out"  # stays open: the server keeps writing to it
  read -r line <&"$out_fd" || true
  [[ $line == "listening on "* ]] || fail "$name did not start: '$line'"
  port=${line##*:}
}
start_server $build/bench/bench_server bench "$THREADS"
bench_port=$port bench_pid=$pid
start_server $build/examples/sqlite_server sqlite "$THREADS"
sqlite_port=$port sqlite_pid=$pid
# bench_server with 1 io thread, and with 2 (the one above when THREADS is 2).
start_server $build/bench/bench_server bench1 1
bench1_port=$port bench1_pid=$pid
bench2_port=$bench_port bench2_pid=$bench_pid
if [[ $THREADS != 2 ]]; then
  start_server $build/bench/bench_server bench2 2
  bench2_port=$port bench2_pid=$pid
fi

targets=(postgres bench sqlite)
declare -A port_of=([postgres]=$PGPORT_ [bench]=$bench_port [sqlite]=$sqlite_port [bench1]=$bench1_port [bench2]=$bench2_port)
declare -A pid_of=([bench]=$bench_pid [sqlite]=$sqlite_pid [bench1]=$bench1_pid [bench2]=$bench2_pid)
ticks_per_second=$(getconf CLK_TCK)
results=$work/results  # lines: key value
: >"$results"

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

pgbench_once() {  # target mode clients [tpcb]: SELECT 1, or pgbench's builtin TPC-B script
  local before kids out script=(-f "$work/select1.sql") key=$2
  [[ ${4:-} == tpcb ]] && script=() key=tpcb.$2
  kids=$(children "$1")
  before=$(cpu_ticks "${pid_of[$1]}")
  out=$(pgbench -n -h 127.0.0.1 -p "${port_of[$1]}" -U postgres -M "$2" -c "$3" -j 2 -T "$DURATION" \
    "${script[@]}" postgres 2>&1) || fail "pgbench -M $2 -c $3 ${4:-} against $1 failed: $out"
  grep -q "number of failed transactions: 0 " <<<"$out" || [[ -z ${4:-} ]] ||
    fail "pgbench -M $2 -c $3 ${4:-} against $1 had failed transactions: $out"
  settle "$1" "$kids"
  local ticks=$(($(cpu_ticks "${pid_of[$1]}") - before))
  local tps xacts
  tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
  xacts=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
  [[ -n $tps && -n $xacts && $xacts -gt 0 ]] || fail "no tps from pgbench against $1: $out"
  echo "tps.$key.$3.$1 $tps" >>"$results"
  echo "cpu_us.$key.$3.$1 $(awk -v t="$ticks" -v hz="$ticks_per_second" -v n="$xacts" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')" >>"$results"
}

fetch_once() {  # target
  local sql before kids start end
  sql=$(generated_sql "$1" "$ROWS")
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

# The rows each server generates in its engine: n rows of (int4, 32-char text, float8).
generated_sql() {  # target n
  case $1 in
    postgres | sqlite) echo "SELECT i, repeat('x', 32), i::float8 FROM generate_series(1, $2) i" ;;
    *) echo "SELECT * FROM bulk($2)" ;;
  esac
}

libpq_once() {  # target kind(generated|table) sql: the fetch through libpq's PQexec
  local before kids out secs bytes ticks
  kids=$(children "$1")
  before=$(cpu_ticks "${pid_of[$1]}")
  out=$($build/fetch_libpq "host=127.0.0.1 port=${port_of[$1]} user=postgres dbname=postgres" "$3" "$ROWS") ||
    fail "the $ROWS-row libpq fetch ($2) from $1 failed"
  settle "$1" "$kids"
  ticks=$(($(cpu_ticks "${pid_of[$1]}") - before))
  read -r secs bytes <<<"$out"
  {
    echo "lfetch_rps.$2.$1 $(awk -v n="$ROWS" -v s="$secs" 'BEGIN {printf "%.0f", n / s}')"
    echo "lfetch_mbs.$2.$1 $(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.1f", b / s / 1e6}')"
    echo "lfetch_cpu_s.$2.$1 $(awk -v t="$ticks" -v hz="$ticks_per_second" 'BEGIN {printf "%.2f", t / hz}')"
  } >>"$results"
}

# Peak RSS of a library server while the slow reader takes SLOW_ROWS rows:
# the peak (VmHWM) is reset to the current RSS first (clear_refs 5), so the
# growth is VmHWM after - VmRSS before.
slow_once() {  # target
  local pid=${pid_of[$1]} before after secs
  echo 5 >"/proc/$pid/clear_refs" || fail "cannot reset the peak RSS of $1 (/proc/$pid/clear_refs)"
  before=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  secs=$($build/slow_reader "${port_of[$1]}" "$(generated_sql "$1" "$SLOW_ROWS")" "$SLOW_ROWS" \
    "$SLOW_CHUNK" "$SLOW_PAUSE_US" "$SLOW_RCVBUF") || fail "the slow reader of $SLOW_ROWS rows from $1 failed"
  after=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
  echo "slow_peak_mib.$1 $(awk -v a="$after" -v b="$before" 'BEGIN {printf "%.1f", (a - b) / 1024}')" >>"$results"
  echo "slow_s.$1 $secs" >>"$results"
}

# --- memory per idle connection, first, on servers that served nothing yet --
# PostgreSQL needs max_connections over the largest count (and no autovacuum
# worker coming and going); when it cannot start so, it is measured at the
# smallest count only and the others are n/a, with the reason.
echo "idle connections: $IDLE_COUNTS ..." >&2
pg_limit=0 pg_reason=""
if ! pg_start $((idle_max + 100)) "-c autovacuum=off"; then
  pg_reason="PostgreSQL did not start with max_connections=$((idle_max + 100)): $(grep -m1 FATAL "$work/pg.log" | sed 's/^.*FATAL: *//')"
  pg_limit=$idle_min
  pg_start $((idle_min + 100)) "-c autovacuum=off" || { cat "$work/pg.log" >&2; fail "PostgreSQL did not start"; }
fi
idle_memory() {  # label pid [more arguments]
  local label=$1 pid=$2
  shift 2
  # shellcheck disable=SC2086 # IDLE_COUNTS is a list of counts
  /usr/bin/python3 bench/idle_memory.py --port "${port_of[$label]}" --pid "$pid" --label "$label" "$@" $IDLE_COUNTS \
    >>"$results" || fail "measuring idle connections of $label failed"
}
idle_memory postgres "$pg_pid" --children --limit "$pg_limit" --limit-reason "$pg_reason"
idle_memory bench "$bench_pid"
idle_memory sqlite "$sqlite_pid"
pg_stop
pg_start 100 || { cat "$work/pg.log" >&2; fail "PostgreSQL did not start"; }
pid_of[postgres]=$pg_pid

echo "slow readers of $SLOW_ROWS rows ..." >&2
for t in bench sqlite; do slow_once "$t"; done

# The stored table of the table-scan fetch, in PostgreSQL and in sqlite_server.
table_sql="CREATE TABLE bench_rows (i int4, t text, f float8)"
on() {  # target sql
  psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${port_of[$1]}" -U postgres postgres -c "$2" >/dev/null ||
    fail "creating bench_rows in $1 failed: $2"
}
on postgres "$table_sql"
on postgres "INSERT INTO bench_rows SELECT i, repeat('x', 32), i::float8 FROM generate_series(1, $ROWS) i"
on postgres "VACUUM ANALYZE bench_rows"
on sqlite "$table_sql"
on sqlite "INSERT INTO bench_rows SELECT i, repeat('x', 32), i::float8 FROM generate_series(1, $ROWS) i"
# pgbench's own tables for its TPC-B script (bench_server has no tables).
for t in postgres sqlite; do
  pgbench -i -q -s "$TPCB_SCALE" -h 127.0.0.1 -p "${port_of[$t]}" -U postgres postgres >"$work/init.out" 2>&1 ||
    fail "pgbench -i against $t failed: $(tail -5 "$work/init.out")"
done

# --- measurements, alternating between the servers within each run -------
for run in $(seq "$RUNS"); do
  echo "run $run of $RUNS ..." >&2
  for mode in simple extended prepared; do
    for c in $CLIENTS_LIST; do
      for t in "${targets[@]}"; do pgbench_once "$t" "$mode" "$c"; done
      [[ $mode == simple ]] && echo "pingpong.$c $($build/pingpong "$c" "$DURATION")" >>"$results"
    done
  done
  for mode in simple prepared; do
    for c in $TPCB_CLIENTS; do
      for t in postgres sqlite; do pgbench_once "$t" "$mode" "$c" tpcb; done
    done
  done
  for c in $IO_CLIENTS; do
    pgbench_once bench2 prepared "$c"
    pgbench_once bench1 prepared "$c"
  done
  for t in "${targets[@]}"; do
    fetch_once "$t"
    libpq_once "$t" generated "$(generated_sql "$t" "$ROWS")"
  done
  for t in postgres sqlite; do libpq_once "$t" table "SELECT * FROM bench_rows"; done
done

echo "codec microbenchmarks ..." >&2
# shellcheck disable=SC2086 # CODEC_ARGS is a list of flags
$build/bench/pgwire_bench_codec $CODEC_ARGS >"$work/codec.out" 2>"$work/codec.err" ||
  fail "the codec microbenchmarks failed: $(tail -3 "$work/codec.err")"
grep -q '^BM_' "$work/codec.out" || fail "the codec microbenchmarks printed no results"

# --- the table ------------------------------------------------------------
median() {  # key -> median of its values
  awk -v k="$1" '$1 == k {print $2}' "$results" | sort -g | awk '{a[NR] = $1} END {if (NR) print a[int((NR + 1) / 2)]}'
}
# "value (ratio×)" with ratio = value / PostgreSQL's; `inverse` for times (lower is better).
cell() {  # value pg_value [inverse]
  awk -v v="$1" -v p="$2" -v inv="${3:-}" 'BEGIN {
    if (v + 0 == 0 || p + 0 == 0) { printf "%s (—)", v; exit }  # below the clock tick: no ratio
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
for mode in simple prepared; do
  for c in $TPCB_CLIENTS; do
    pg=$(k "$(median "tps.tpcb.$mode.$c.postgres")")
    echo "| TPS pgbench TPC-B (builtin, -s $TPCB_SCALE) $mode, c=$c | $pg | — | $(cell "$(k "$(median "tps.tpcb.$mode.$c.sqlite")")" "$pg") |"
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
mega() { awk -v v="$1" 'BEGIN {printf "%.2fM", v / 1e6}'; }
# The libpq fetches. "generated": each engine makes the rows (generate_series
# in PostgreSQL and sqlite_server, bulk(n) in bench_server); "table scan": PostgreSQL and sqlite_server read
# the stored bench_rows, and bench_server's column is its bulk(n) again.
for kind in generated table; do
  label="libpq PQexec, generated rows"
  [[ $kind == table ]] && label="libpq PQexec, table scan (bench_server: bulk)"
  bench_kind=$kind
  [[ $kind == table ]] && bench_kind=generated
  pg=$(mega "$(median "lfetch_rps.$kind.postgres")")
  echo "| $ROWS-row fetch, $label: rows/s | $pg | $(cell "$(mega "$(median "lfetch_rps.$bench_kind.bench")")" "$pg") | $(cell "$(mega "$(median "lfetch_rps.$kind.sqlite")")" "$pg") |"
  pg=$(median "lfetch_mbs.$kind.postgres")
  echo "| $ROWS-row fetch, $label: wire MB/s of DataRows | $pg | $(cell "$(median "lfetch_mbs.$bench_kind.bench")" "$pg") | $(cell "$(median "lfetch_mbs.$kind.sqlite")" "$pg") |"
  pg=$(median "lfetch_cpu_s.$kind.postgres")
  echo "| $ROWS-row fetch, $label: server CPU seconds | $pg | $(cell "$(median "lfetch_cpu_s.$bench_kind.bench")" "$pg" inverse) | $(cell "$(median "lfetch_cpu_s.$kind.sqlite")" "$pg" inverse) |"
done
# Idle connections: a figure, or "n/a (why)" when it was not measured.
idle_value() {  # rss|pss count target
  local na
  na=$(awk -v k="idle_na.$2.$3" '$1 == k {sub(/^[^ ]+ /, ""); print; exit}' "$results")
  if [[ -n $na ]]; then echo "n/a ($na)"; else median "idle_$1_kib.$2.$3"; fi
}
for n in $IDLE_COUNTS; do
  for kind in rss pss; do
    pg=$(idle_value "$kind" "$n" postgres)
    row="| ${kind^^} per idle connection, $n connections, KiB | $pg"
    for t in bench sqlite; do
      v=$(idle_value "$kind" "$n" "$t")
      if [[ $pg == n/a* || $v == n/a* ]]; then row+=" | $v"; else row+=" | $(cell "$v" "$pg" inverse)"; fi
    done
    echo "$row |"
  done
done
echo "| peak RSS growth while a client reads $SLOW_ROWS rows slowly, MiB | — |" \
  "$(median slow_peak_mib.bench) (read in $(median slow_s.bench) s) |" \
  "$(median slow_peak_mib.sqlite) (read in $(median slow_s.sqlite) s) |"
echo
echo "| ping-pong ceiling (5 bytes, round trips/s) | bench_server prepared TPS / ceiling |"
echo "|---|---|"
for c in $CLIENTS_LIST; do
  pp=$(median "pingpong.$c")
  echo "| c=$c: $(k "$pp") | $(awk -v b="$(median "tps.prepared.$c.bench")" -v p="$pp" 'BEGIN {printf "%.2f", b / p}') |"
done
echo
echo "| bench_server, prepared SELECT 1 | 1 io thread | 2 io threads | 2 threads / 1 thread |"
echo "|---|---|---|---|"
for c in $IO_CLIENTS; do
  one=$(median "tps.prepared.$c.bench1") two=$(median "tps.prepared.$c.bench2")
  echo "| c=$c | $(k "$one") | $(k "$two") | $(awk -v a="$two" -v b="$one" 'BEGIN {printf "%.2f", a / b}') |"
done
echo
echo "(pgbench -n -f 'SELECT 1;' -j 2 -T $DURATION, medians of $RUNS runs; TPC-B: pgbench -n -j 2 -T $DURATION on the" \
  "tables of pgbench -i -s $TPCB_SCALE, no failed transaction allowed; ratios: to PostgreSQL, >1 is better for us" \
  "(for CPU, seconds and memory: PostgreSQL's / ours); io threads: $THREADS; CPU from /proc/<pid>/stat utime+stime," \
  "PostgreSQL's including its backends. libpq fetch: rows/s and DataRow bytes/s over the time of one PQexec." \
  "Idle connections: (Rss or Pss of the server with N connections - with none) / N, from /proc/<pid>/smaps_rollup," \
  "PostgreSQL's summed over the postmaster and its backends; measured once, on fresh servers." \
  "Slow reader: $SLOW_CHUNK bytes per read, ${SLOW_PAUSE_US} µs between reads, SO_RCVBUF $SLOW_RCVBUF;" \
  "growth = VmHWM after - VmRSS before, measured once.)"
echo
echo "Codec microbenchmarks (bench/codec_bench.cpp, docs/BENCHMARKS.md; $CODEC_ARGS):"
grep '^BM_' "$work/codec.out" | grep -vE '_(mean|stddev|cv) '
