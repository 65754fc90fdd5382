#!/usr/bin/env bash
# Capture real PostgreSQL 15 walsender sessions (replication=database) as
# golden byte streams, for the session layer to come and for
# session_capture_test.cpp: tests/golden/recording_proxy.py sits in front of
# a private cluster and records each client connection verbatim into
# data/sessions/<scenario>.fe.bin / .be.bin:
#   commands       psql: IDENTIFY_SYSTEM, SHOW, CREATE_REPLICATION_SLOT (and
#                  again: 42710), DROP of a missing slot (42704),
#                  READ_REPLICATION_SLOT of a logical slot, SQL, lower-case
#                  identify_system (SQL's syntax error)
#   recvlogical    pg_recvlogical --start ... --endpos over three transactions
#                  (include-xids 0, so the lines do not depend on xids)
#   no_replication a role without REPLICATION (FATAL 42501)
# Run by hand as root (initdb/postgres via runuser -u postgres).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT_DIR="$HERE/data/sessions"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PY=/usr/bin/python3
TIMEOUT=60

WORK=$(mktemp -d /tmp/pgwire-repl-sessions.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/pgdata" "$WORK/sock" "$WORK/out" "$WORK/log"
chown postgres: "$WORK/pgdata" "$WORK/sock" "$WORK/log"
PROXY_PID=
cleanup() {
  [[ -n $PROXY_PID ]] && kill "$PROXY_PID" 2>/dev/null || true
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
die() { echo "capture_sessions: $*" >&2; exit 1; }

runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pgdata" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pgdata" -w -l "$WORK/log/pg.log" \
  -o "-p 5432 -k $WORK/sock -c listen_addresses= -c wal_level=logical -c timezone=UTC" start >/dev/null
admin() { runuser -u postgres -- "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$WORK/sock" -d postgres "$@"; }
admin -c "CREATE ROLE golden_repl LOGIN REPLICATION" -c "CREATE ROLE golden_plain LOGIN" \
      -c "CREATE TABLE r (id integer PRIMARY KEY, v text)" -c "GRANT ALL ON r TO golden_repl"

coproc PROXY { exec "$PY" -u "$HERE/../golden/recording_proxy.py" \
  --upstream "unix:$WORK/sock/.s.PGSQL.5432" --out "$WORK/out" --port-min 25480 --port-max 25999 \
  2>>"$WORK/proxy.err"; }
PROXY_PID=$PROXY_PID
exec {PROXY_IN}>&"${PROXY[1]}" {PROXY_OUT}<&"${PROXY[0]}"
proxy_read() { local -n _l=$1; IFS= read -r -t "$TIMEOUT" -u "$PROXY_OUT" _l || die "proxy silent: $(cat "$WORK/proxy.err")"; }
proxy_read line
[[ $line =~ ^listening\ ([0-9]+)$ ]] || die "unexpected proxy greeting: $line"
PORT=${BASH_REMATCH[1]}

expect() { echo "expect $1" >&"$PROXY_IN"; proxy_read line; [[ $line == "expecting $1" ]] || die "proxy: $line"; }
wait_closed() {
  while proxy_read line; do
    case $line in "closed $1 "*) return ;; "accepted "*) ;; *) die "proxy: $line" ;; esac
  done
}
client=(env -i PATH=/usr/bin:/bin LC_ALL=C PGSSLMODE=disable PGGSSENCMODE=disable PGCLIENTENCODING=UTF8)
conn="host=127.0.0.1 port=$PORT dbname=postgres replication=database"

expect commands
"${client[@]}" "$PGBIN/psql" -X -v ON_ERROR_STOP=0 "$conn user=golden_repl" \
  -c "IDENTIFY_SYSTEM" -c "SHOW wal_segment_size" \
  -c "CREATE_REPLICATION_SLOT golden_slot LOGICAL test_decoding NOEXPORT_SNAPSHOT" \
  -c "CREATE_REPLICATION_SLOT golden_slot LOGICAL test_decoding NOEXPORT_SNAPSHOT" \
  -c "DROP_REPLICATION_SLOT no_such_slot" -c "READ_REPLICATION_SLOT golden_slot" \
  -c "SELECT 1 AS one" -c "identify_system" > "$WORK/log/commands.out" 2>&1 || true
wait_closed commands

admin -c "INSERT INTO r VALUES (1, 'a')" -c "UPDATE r SET v = 'b' WHERE id = 1" -c "DELETE FROM r WHERE id = 1"
ENDPOS=$(admin -At -c "SELECT pg_current_wal_lsn()")
expect recvlogical
"${client[@]}" "$PGBIN/pg_recvlogical" -d "$conn user=golden_repl" -S golden_slot --start \
  -E "$ENDPOS" -o include-xids=0 -f "$WORK/log/recvlogical.txt" --no-loop || die "pg_recvlogical failed"
wait_closed recvlogical

expect no_replication
"${client[@]}" "$PGBIN/psql" -X "$conn user=golden_plain" -c "IDENTIFY_SYSTEM" > "$WORK/log/no_replication.out" 2>&1 || true
wait_closed no_replication
echo quit >&"$PROXY_IN"
wait "$PROXY_PID" || true
PROXY_PID=

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.bin
cp "$WORK"/out/*.bin "$OUT_DIR"/
cp "$WORK/log/recvlogical.txt" "$OUT_DIR/recvlogical.lines"
chmod 644 "$OUT_DIR"/*
echo "capture_sessions: wrote $(ls "$OUT_DIR" | wc -l) files to $OUT_DIR"
cat "$WORK/log/commands.out" "$WORK/log/no_replication.out" >&2
