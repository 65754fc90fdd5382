#!/usr/bin/env bash
# Capture what a real PostgreSQL 15 logical decoding slot produces, as golden
# data for the output plugin encoders (tests/replication/*_test.cpp).
#
# Starts a private PG 15 cluster (wal_level=logical, TimeZone=UTC) under /tmp,
# creates a test_decoding slot and a pgoutput slot (publication "pub"), runs
# the transactions of workload.sql and peeks both slots:
#   data/test_decoding.<options>.txt  one output row a line: lsn TAB xid TAB data
#   data/pgoutput.v1.hex              one message a line: lsn TAB xid TAB hex bytes
#   data/pgoutput.v1-messages.hex     the same with messages 'true'
#   data/facts.txt                    relation and type OIDs the tests need
# Run it by hand (as root: initdb/postgres run via runuser -u postgres); the
# tests only read its output. Environment: PGBIN, PORT (default 25471).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA="$HERE/data"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PORT=${PORT:-25471}

"$PGBIN/postgres" --version | grep -q ' 15\.' || { echo "need PostgreSQL 15 in $PGBIN" >&2; exit 1; }

WORK=$(mktemp -d /tmp/pgwire-repl-capture.XXXXXX)
chmod 755 "$WORK"
mkdir -p "$WORK/pgdata" "$WORK/sock" "$WORK/out"
chown postgres: "$WORK/pgdata" "$WORK/sock" "$WORK/out"
cleanup() {
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pgdata" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pgdata" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pgdata" -w -l "$WORK/out/pg.log" \
  -o "-p $PORT -k $WORK/sock -c listen_addresses= -c wal_level=logical -c timezone=UTC -c max_replication_slots=4" start >/dev/null

psql() { runuser -u postgres -- /usr/bin/psql -X -q -v ON_ERROR_STOP=1 -h "$WORK/sock" -p "$PORT" -d postgres "$@"; }

psql -f "$HERE/workload.sql" >/dev/null

peek_text() {  # $1 = file suffix, rest = plugin options
  local name=$1; shift
  local opts=""
  while (($#)); do opts+=", '$1', '$2'"; shift 2; done
  psql -At -F $'\t' -c "SELECT lsn, xid, data FROM pg_logical_slot_peek_changes('td', NULL, NULL$opts)" \
    > "$WORK/out/test_decoding.$name.txt"
}
peek_text default
peek_text no-xids include-xids 0
peek_text timestamp include-timestamp 1
peek_text skip-empty skip-empty-xacts 1 include-xids 0
psql -At -F $'\t' -c "SELECT lsn, xid, encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('po', NULL, NULL, 'proto_version', '1', 'publication_names', 'pub')" \
  > "$WORK/out/pgoutput.v1.hex"
psql -At -F $'\t' -c "SELECT lsn, xid, encode(data, 'hex') FROM pg_logical_slot_peek_binary_changes('po', NULL, NULL, 'proto_version', '1', 'publication_names', 'pub', 'messages', 'true')" \
  > "$WORK/out/pgoutput.v1-messages.hex"
psql -At -F $'\t' -c "SELECT 'relation', c.relname, c.oid FROM pg_class c WHERE c.relname IN ('t', 'u', 'big', 'v', 'other') ORDER BY 2" \
  -c "SELECT 'type', t.typname, t.oid FROM pg_type t WHERE t.typname = 'mood'" \
  > "$WORK/out/facts.txt"

mkdir -p "$DATA"
rm -f "$WORK/out/pg.log"
cp "$WORK"/out/* "$DATA"/
echo "capture: wrote $(ls "$WORK/out" | wc -l) files to $DATA"
