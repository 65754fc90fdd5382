#!/usr/bin/env bash
# Capture real PostgreSQL 15 wire-protocol traffic as golden test data.
#
# Starts a private PG 15 cluster in a temporary directory, puts a recording
# proxy (recording_proxy.py) in front of it and drives one client connection
# per scenario through the proxy with psql, a small libpq program
# (libpq_client.c) and a raw Python client (rawclient.py).  Each connection's
# two byte streams end up verbatim in data/<scenario>.fe.bin / .be.bin.
# Finally pgstream.py checks that every required message is present and writes
# data/MANIFEST.txt.  Nothing in data/ is touched unless the whole run succeeds.
#
# Usage (as root, because initdb/postgres are run via runuser -u postgres):
#   tests/golden/capture.sh
# Environment: PGBIN (default /usr/lib/postgresql/15/bin), KEEP_WORKDIR=1 to
# keep the temporary directory (cluster log, client logs) for debugging.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA="$HERE/data"
PY=/usr/bin/python3
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PGPORT_INTERNAL=5432          # only names the Unix socket; PG listens on no TCP port
TIMEOUT=60                    # seconds to wait for any single proxy event

exec {ERR}>&2   # the original stderr, even inside redirected client functions
log() { printf 'capture: %s\n' "$*" >&"$ERR"; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "must run as root (uses runuser -u postgres)"
id postgres >/dev/null 2>&1 || die "no 'postgres' system user"
[[ -x $PGBIN/postgres ]] || die "PostgreSQL binaries not found in $PGBIN"
"$PGBIN/postgres" --version | grep -q ' 15\.' || die "need PostgreSQL 15 in $PGBIN"
command -v cc >/dev/null || die "need a C compiler (cc)"
[[ -f /usr/include/postgresql/libpq-fe.h ]] || die "need libpq-dev"

WORK=$(mktemp -d /tmp/pgwire-golden.XXXXXX)
chmod 755 "$WORK"
PGDATA_DIR="$WORK/pgdata"
SOCKDIR="$WORK/sock"
OUT="$WORK/out"
LOGS="$WORK/logs"
PGLOG_DIR="$WORK/pglog"
mkdir -p "$PGDATA_DIR" "$SOCKDIR" "$PGLOG_DIR" "$OUT" "$LOGS" "$WORK/home" "$WORK/sql"
chown postgres: "$PGDATA_DIR" "$SOCKDIR" "$PGLOG_DIR"

PG_STARTED=0
PROXY_PID=
cleanup() {
    local rc=$?
    set +e
    if [[ -n $PROXY_PID ]] && kill -0 "$PROXY_PID" 2>/dev/null; then
        kill "$PROXY_PID" 2>/dev/null
        wait "$PROXY_PID" 2>/dev/null
    fi
    if [[ $PG_STARTED == 1 ]]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1
    fi
    if [[ $rc -ne 0 ]]; then
        log "failed (exit $rc); postgres log tail:"
        tail -n 20 "$PGLOG_DIR/postgres.log" >&"$ERR" 2>/dev/null
    fi
    if [[ ${KEEP_WORKDIR:-0} == 1 ]]; then
        log "keeping $WORK"
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- clients
log "compiling libpq_client"
cc -std=gnu11 -O1 -Wall -Wextra -o "$WORK/libpq_client" "$HERE/libpq_client.c" \
    -I/usr/include/postgresql -lpq

# ---------------------------------------------------------------- cluster
log "initdb in $PGDATA_DIR"
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust \
    -E UTF8 --no-locale --no-instructions >"$LOGS/initdb.log" 2>&1 \
    || { cat "$LOGS/initdb.log" >&2; die "initdb failed"; }

cat >>"$PGDATA_DIR/postgresql.conf" <<EOF

# ---- pgwire-cpp golden capture ----
listen_addresses = ''             # Unix socket only; clients come in via the proxy
port = $PGPORT_INTERNAL
unix_socket_directories = '$SOCKDIR'
ssl = off                         # SSLRequest is answered with 'N'
wal_level = replica
max_wal_senders = 4
password_encryption = 'scram-sha-256'
timezone = 'UTC'
log_timezone = 'UTC'
lc_messages = 'C'
fsync = off
log_connections = on
EOF

# The proxy reaches PostgreSQL over its Unix socket, so these are 'local'
# lines.  (Over a Unix socket PostgreSQL also declines GSSENCRequest with 'N';
# over TCP Debian's GSSAPI-enabled build would answer 'G'.)
cat >"$PGDATA_DIR/pg_hba.conf" <<EOF
# TYPE  DATABASE     USER             METHOD
local   all          postgres         trust
local   replication  golden_repl      trust
local   all          golden_trust     trust
local   all          golden_password  password
local   all          golden_md5       md5
local   all          golden_scram     scram-sha-256
EOF

runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGLOG_DIR/postgres.log" -w -t 60 start >/dev/null
PG_STARTED=1

admin_psql() {
    env -i PATH=/usr/bin:/bin HOME="$WORK/home" LC_ALL=C PGCLIENTENCODING=UTF8 \
        "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKDIR" -p "$PGPORT_INTERNAL" -U postgres "$@"
}

log "creating roles, database and tables"
admin_psql -d postgres >/dev/null <<'EOF'
CREATE ROLE golden_trust LOGIN;
CREATE ROLE golden_password LOGIN PASSWORD 'cleartext-secret';
CREATE ROLE golden_scram LOGIN PASSWORD 'scram-secret';
SET password_encryption = 'md5';
CREATE ROLE golden_md5 LOGIN PASSWORD 'md5-secret';
RESET password_encryption;
CREATE ROLE golden_repl LOGIN REPLICATION;
CREATE DATABASE golden OWNER golden_trust;
EOF
admin_psql -d golden >/dev/null <<'EOF'
SET ROLE golden_trust;
CREATE TABLE items (
    id   serial PRIMARY KEY,
    name text NOT NULL CONSTRAINT items_name_key UNIQUE,
    qty  int DEFAULT 0
);
INSERT INTO items (name, qty) VALUES ('seed-1', 1), ('seed-2', 2);
RESET ROLE;
CREATE TABLE repl_probe (id serial PRIMARY KEY, note text);
EOF
admin_psql -d postgres -Atc "SELECT rolname, left(rolpassword, 6) FROM pg_authid WHERE rolname LIKE 'golden_%' ORDER BY 1" \
    | grep -q '^golden_md5|md5' || die "golden_md5 password is not md5-encrypted"

# ---------------------------------------------------------------- proxy
coproc PROXY { exec "$PY" -u "$HERE/recording_proxy.py" \
    --upstream "unix:$SOCKDIR/.s.PGSQL.$PGPORT_INTERNAL" --out "$OUT" \
    --port-min 25432 --port-max 32000 2>>"$LOGS/proxy.err"; }
PROXY_PID=$PROXY_PID
exec {PROXY_IN}>&"${PROXY[1]}" {PROXY_OUT}<&"${PROXY[0]}"

proxy_read() {   # proxy_read VAR: next event line from the proxy
    local -n _line=$1
    IFS= read -r -t "$TIMEOUT" -u "$PROXY_OUT" _line \
        || die "no event from proxy within ${TIMEOUT}s (see proxy.err: $(cat "$LOGS/proxy.err" 2>/dev/null))"
}

proxy_read line
[[ $line =~ ^listening\ ([0-9]+)$ ]] || die "unexpected proxy greeting: $line"
PORT=${BASH_REMATCH[1]}
log "recording proxy on 127.0.0.1:$PORT"

# run_scenario "name1 [name2]" command...: the names are queued (in connection
# order) before the client starts; afterwards wait until the proxy has written
# the files of every one of those connections.
run_scenario() {
    local names=$1 n line
    shift
    for n in $names; do
        echo "expect $n" >&"$PROXY_IN"
        proxy_read line
        [[ $line == "expecting $n" ]] || die "proxy answered '$line' to 'expect $n'"
    done
    log "scenario: $names"
    "$@" >"$LOGS/${names%% *}.out" 2>&1 \
        || { cat "$LOGS/${names%% *}.out" >&2; die "client failed for $names"; }
    local pending=" $names "
    while [[ $pending =~ [^\ ] ]]; do
        proxy_read line
        case $line in
            "closed "*) n=${line#closed }; n=${n%% *}
                        [[ $pending == *" $n "* ]] || die "unexpected close: $line"
                        pending=${pending/ $n / } ;;
            "accepted "*) ;;
            *) die "unexpected proxy event: $line" ;;
        esac
    done
}

# Clean client environment: nothing from the caller's PG* variables leaks in.
client_env=(env -i PATH=/usr/bin:/bin HOME="$WORK/home" LC_ALL=C
            PGCLIENTENCODING=UTF8 PGGSSENCMODE=disable PGPASSFILE="$WORK/home/no-such-pgpass"
            PGSYSCONFDIR="$WORK/home")
proxy_conn="host=127.0.0.1 port=$PORT dbname=golden"

psql_as() {   # psql_as USER PASSWORD [psql args...]   (sslmode=prefer)
    local user=$1 pw=$2
    shift 2
    "${client_env[@]}" PGPASSWORD="$pw" "$PGBIN/psql" -X -w -v ON_ERROR_STOP=0 \
        -d "$proxy_conn user=$user sslmode=prefer" "$@"
}
psql_expect_fail() { if psql_as "$@"; then echo "psql unexpectedly succeeded"; return 1; fi; }

libpq_client() {   # libpq_client SCENARIO   (sslmode=disable, trust user)
    "${client_env[@]}" "$WORK/libpq_client" "$1" \
        "$proxy_conn user=golden_trust sslmode=disable application_name=golden_libpq" \
        "host=$SOCKDIR port=$PGPORT_INTERNAL dbname=golden user=postgres"
}
rawclient() {   # rawclient SCENARIO [args...]
    "$PY" "$HERE/rawclient.py" "$1" --host 127.0.0.1 --port "$PORT" "${@:2}"
}

# ---------------------------------------------------------------- SQL scripts
cat >"$WORK/sql/dml_transaction.sql" <<'EOF'
BEGIN;
INSERT INTO items (name, qty) VALUES ('apple', 3), ('pear', NULL);
UPDATE items SET qty = 5 WHERE name = 'pear';
DELETE FROM items WHERE name = 'apple';
SELECT id, name, qty FROM items ORDER BY id;
COMMIT;
EOF
cat >"$WORK/sql/errors_notices.sql" <<'EOF'
SELEC 1;
INSERT INTO items (name, qty) VALUES ('dup', 1);
INSERT INTO items (name, qty) VALUES ('dup', 2);
DO $$BEGIN RAISE NOTICE 'golden notice %', 42; END$$;
DO $$BEGIN RAISE EXCEPTION 'golden failure' USING DETAIL = 'golden detail', HINT = 'golden hint'; END$$;
BEGIN;
SELECT 1/0;
SELECT 1;
ROLLBACK;
DELETE FROM items WHERE name = 'dup';
EOF
cat >"$WORK/sql/listen_notify.sql" <<'EOF'
LISTEN golden_channel;
NOTIFY golden_channel, 'golden payload';
UNLISTEN *;
EOF

# ---------------------------------------------------------------- scenarios
run_scenario simple_query psql_as golden_trust "" \
    -c "SELECT 1 AS one, NULL::text AS nothing, 'text' AS word UNION ALL SELECT 2, 'x', NULL"
run_scenario empty_query libpq_client emptyquery
run_scenario auth_cleartext psql_as golden_password cleartext-secret -c "SELECT current_user"
run_scenario auth_md5 psql_as golden_md5 md5-secret -c "SELECT current_user"
run_scenario auth_scram psql_as golden_scram scram-secret -c "SELECT current_user"
run_scenario auth_scram_fail psql_expect_fail golden_scram wrong-password -c "SELECT 1"
run_scenario dml_transaction psql_as golden_trust "" -f "$WORK/sql/dml_transaction.sql"
run_scenario errors_notices psql_as golden_trust "" -f "$WORK/sql/errors_notices.sql"
run_scenario listen_notify psql_as golden_trust "" -f "$WORK/sql/listen_notify.sql"
run_scenario extended_libpq libpq_client extended
run_scenario pipeline_flush libpq_client pipeline
run_scenario copy libpq_client copy
run_scenario function_call libpq_client largeobject
run_scenario "cancel_main cancel_request" libpq_client cancel
run_scenario gssenc_request rawclient gssenc --user golden_trust --db golden
run_scenario negotiate_protocol rawclient negotiate --user golden_trust --db golden
run_scenario extended_portal_suspended rawclient extended --user golden_trust --db golden
run_scenario replication_physical rawclient replication --user golden_repl \
    --admin-socket "$SOCKDIR/.s.PGSQL.$PGPORT_INTERNAL" --admin-user postgres --admin-db golden

echo quit >&"$PROXY_IN"
wait "$PROXY_PID" || die "proxy exited with an error"
PROXY_PID=

# ---------------------------------------------------------------- verify + install
for f in "$OUT"/*.bin; do
    case $(basename "$f") in
        cancel_request.be.bin) [[ ! -s $f ]] || die "$f: server answered a CancelRequest?" ;;
        *) [[ -s $f ]] || die "$f is empty" ;;
    esac
done
"$PY" "$HERE/pgstream.py" check "$OUT" >&2 || die "coverage check failed"

mkdir -p "$DATA"
rm -f "$DATA"/*.bin "$DATA"/MANIFEST.txt
cp "$OUT"/*.bin "$DATA"/
"$PY" "$HERE/pgstream.py" manifest "$DATA"
log "wrote $(ls "$DATA"/*.bin | wc -l) stream files, $(cat "$DATA"/*.bin | wc -c) bytes, to $DATA"
