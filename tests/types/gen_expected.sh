#!/usr/bin/env bash
# Regenerates tests/types/data/expected.tsv, errors.tsv and pg_type.tsv from
# a real PostgreSQL 15, so that the type tests compare against the server
# itself.
#
#   tests/types/gen_expected.sh
#
# Starts a throwaway server (Debian's postgresql-15; initdb refuses root, so
# as root it runs as the postgres user) on a Unix socket in a temporary
# directory, and stops it on exit. PGBIN overrides the binaries' location.
#
# expected.tsv is COPY text format: type, input, flags, text output, binary
# output in hex -- or "ERROR" and the SQLSTATE when the server rejects the
# input. Text output comes from the type's output function and binary from
# its send function, under the settings the encoders assume. The random rows
# (flags "random") come from a fixed seed. errors.tsv has, for each rejected
# input, type, input, SQLSTATE and the server's message (without detail).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
data=$here/data
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
port=${PGPORT_GEN:-5499}

tmp=$(mktemp -d /tmp/pgwire-types.XXXXXX)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$tmp"
  as_pg=(runuser -u postgres --)
fi
stop() {
  "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap stop EXIT

"${as_pg[@]}" "$PGBIN/initdb" -D "$tmp/data" -E UTF8 --locale=C -A trust -U postgres >/dev/null
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/log" -w \
  -o "-p $port -k $tmp -c listen_addresses=''" start >/dev/null

psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres -d postgres "$@"; }

"${as_pg[@]}" "$PGBIN/postgres" --version | grep -q ' 15\.' || { echo "need PostgreSQL 15" >&2; exit 1; }

grep -v '^#' "$data/cases.tsv" > "$tmp/cases.tsv"
chmod a+r "$tmp/cases.tsv"

psql_ > "$data/expected.tsv" <<SQL
SET TimeZone = 'UTC';
SET DateStyle = 'ISO, MDY';
SET IntervalStyle = 'postgres';
SET extra_float_digits = 1;
SET bytea_output = 'hex';
SET client_encoding = 'UTF8';

CREATE TEMP TABLE cases (n serial, type text, input text, flags text);
\copy cases (type, input, flags) from '$tmp/cases.tsv'

-- Random values, written by the server's own output function (fixed seed).
SELECT setseed(0.25) \gset
INSERT INTO cases (type, input, flags)
  SELECT 'float8', ((random() - 0.5) * 10 ^ (trunc(random() * 616) - 308))::float8::text, 'random'
  FROM generate_series(1, 300);
INSERT INTO cases (type, input, flags)
  SELECT 'float4', ((random() - 0.5) * 10 ^ (trunc(random() * 76) - 38))::float4::text, 'random'
  FROM generate_series(1, 300);
INSERT INTO cases (type, input, flags)
  SELECT 'float8', (random() * 2 ^ trunc(random() * 64))::float8::text, 'random' FROM generate_series(1, 50);
INSERT INTO cases (type, input, flags)
  SELECT 'numeric', round(((random() - 0.5) * 10 ^ trunc(random() * 40))::numeric, trunc(random() * 30)::int)::text,
         'random'
  FROM generate_series(1, 100);
INSERT INTO cases (type, input, flags)
  SELECT 'timestamp', (timestamp '4714-11-24 00:00:00 BC' + trunc(random() * 109000000) * interval '1 day'
                       + random() * interval '1 day')::text, 'random'
  FROM generate_series(1, 100);
INSERT INTO cases (type, input, flags)
  SELECT 'timestamptz', (timestamp '1800-01-01' + random() * interval '400 years')::text || '+00', 'random'
  FROM generate_series(1, 50);
INSERT INTO cases (type, input, flags)
  SELECT 'date', (date '2000-01-01' + trunc((random() - 0.5) * 4000000)::int)::text, 'random'
  FROM generate_series(1, 100);
INSERT INTO cases (type, input, flags)
  SELECT 'time', (time '00:00' + random() * interval '24 hours')::text, 'random' FROM generate_series(1, 50);
INSERT INTO cases (type, input, flags)
  SELECT 'interval', make_interval(trunc((random() - 0.5) * 2000)::int, trunc((random() - 0.5) * 30)::int, 0,
                                   trunc((random() - 0.5) * 100)::int, 0, 0,
                                   round(((random() - 0.5) * 1e6)::numeric, 6)::float8)::text, 'random'
  FROM generate_series(1, 100);

CREATE FUNCTION pg_temp.probe(t text, lit text, OUT text_out text, OUT bin text) LANGUAGE plpgsql AS \$\$
DECLARE
  outfn text;
  sendfn text;
BEGIN
  SELECT typoutput::text, typsend::text INTO STRICT outfn, sendfn FROM pg_type WHERE typname = t;
  -- A typed literal goes through the type's input function, as a Bind
  -- parameter of that type would.
  EXECUTE format('SELECT %s(x)::text, encode(%s(x), ''hex'') FROM (SELECT %L::%I AS x) s', outfn, sendfn, lit, t)
    INTO text_out, bin;
EXCEPTION WHEN others THEN
  text_out := 'ERROR';
  bin := SQLSTATE;
END
\$\$;

COPY (SELECT c.type, c.input, c.flags, p.text_out, p.bin
      FROM cases c, pg_temp.probe(c.type, c.input) p ORDER BY c.n) TO STDOUT;

-- The message of each rejected input, as its input function words it.
CREATE FUNCTION pg_temp.probe_error(t text, lit text, OUT code text, OUT msg text) LANGUAGE plpgsql AS \$\$
BEGIN
  EXECUTE format('SELECT %L::%I', lit, t);
EXCEPTION WHEN others THEN
  GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
END
\$\$;

\o $data/errors.tsv
COPY (SELECT c.type, c.input, e.code, e.msg
      FROM cases c, pg_temp.probe_error(c.type, c.input) e WHERE e.code IS NOT NULL ORDER BY c.n) TO STDOUT;
SQL

psql_ -c "COPY (SELECT oid, typname, typlen, typelem, typarray, typcategory FROM pg_type
               WHERE typname IN ('bool','bytea','char','name','int8','int2','int4','text','oid','json','_json',
                                 'cidr','_cidr','float4','float8','unknown','inet','_bool','_bytea','_char','_name',
                                 '_int2','_int4','_text','_bpchar','_varchar','_int8','_float4','_float8','_oid',
                                 '_inet','bpchar','varchar','date','time','timestamp','_timestamp','_date','_time',
                                 'timestamptz','_timestamptz','interval','_interval','_numeric','timetz','_timetz',
                                 'numeric','void','uuid','_uuid','jsonb','_jsonb')
               ORDER BY oid) TO STDOUT" > "$data/pg_type.tsv"

echo "wrote $(wc -l < "$data/expected.tsv") cases to $data/expected.tsv," \
  "$(wc -l < "$data/errors.tsv") messages to $data/errors.tsv" >&2
