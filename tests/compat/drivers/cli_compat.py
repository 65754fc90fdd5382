"""psql and pgbench (postgresql-client) as drivers of the compat suite.

  cli_compat.py psql | pgbench

psql: -X (no psqlrc), simple Query protocol; FETCH_COUNT makes it read with
DECLARE/FETCH in a transaction. pgbench: a custom script (-f) with a
client-side variable, -M simple / extended / prepared, -n (no vacuum of the
pgbench tables, which do not exist)."""

import os
import shutil
import subprocess
import sys
import tempfile

from compat_common import (DBNAME, HOST, MISSING_TABLE, PORT, ROWS, SCRAM_HOST, SCRAM_PASSWORD,
                           SCRAM_PORT, SCRAM_USER, SQL_CREATE, SQL_ROWS, TABLE, TIMEOUT, TRUST_DSN,
                           SCRAM_DSN, TLS_DSN, USER, Check, Reporter, check, eq, main_guard)

R = Reporter()
TOOL_TIMEOUT = 4 * TIMEOUT  # one psql/pgbench run


def tool(name):
    p = shutil.which(name)
    if p is None:
        raise Check("'%s' is not installed (postgresql-client)" % name)
    return p


def run(argv, input=None, password=None, sslmode=None):
    env = dict(os.environ)
    env.pop("PGPASSWORD", None)
    if password is not None:
        env["PGPASSWORD"] = password
    if sslmode is not None:
        env["PGSSLMODE"] = sslmode
    try:
        return subprocess.run(argv, capture_output=True, text=True, input=input, env=env,
                              timeout=TOOL_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Check("hung: %s did not finish within the time limit" % os.path.basename(argv[0]))


# psql -------------------------------------------------------------------------

def psql(dsn, *args, input=None, ok_status=(0,)):
    argv = [tool("psql"), "-X", "-At", "-v", "VERBOSITY=verbose", "-d", dsn] + list(args)
    r = run(argv, input=input)
    if r.returncode not in ok_status:
        raise Check("psql exited with %d: %s" % (r.returncode, (r.stderr or r.stdout).strip()[-1500:]))
    return r


def psql_c(sql, dsn=None, *args):
    R.sql(sql)
    return psql(dsn or TRUST_DSN, *args, "-c", sql)


def p_connect_trust():
    eq(psql_c("SELECT 1").stdout.strip(), "1")


def p_connect_scram():
    eq(psql_c("SELECT 1", SCRAM_DSN).stdout.strip(), "1")


def p_connect_tls():
    r = psql(TLS_DSN, "-c", R.sql("SELECT 1"), "-c", "\\conninfo")
    out = r.stdout.splitlines()
    eq(out[0] if out else "", "1")
    check("SSL connection" in r.stdout, "\\conninfo does not show an SSL connection: %r"
          % r.stdout.strip())


def p_simple_query():
    eq(psql_c("SELECT 1 AS one").stdout.strip(), "1")


def p_error_sqlstate():
    script = ("SELECT * FROM %s;\n\\echo state :LAST_ERROR_SQLSTATE\nSELECT 1 AS after;\n"
              % MISSING_TABLE)
    R.sql(script)
    r = psql(TRUST_DSN, input=script)
    check("42P01" in r.stderr, "no 42P01 in psql's error output: %r" % r.stderr.strip())
    eq(r.stdout.split(), ["state", "42P01", "1"], "output")


def p_multi_statement():
    eq(psql_c("SELECT 1; SELECT 2").stdout.split(), ["1", "2"], "psql 15 shows every result")


def p_transaction():
    script = "\n".join([
        "\\set ON_ERROR_STOP 0",
        "DROP TABLE IF EXISTS %s;" % TABLE,
        SQL_CREATE + ";",
        "BEGIN;",
        "INSERT INTO %s (id, s) VALUES (100, 'rolled back');" % TABLE,
        "ROLLBACK;",
        "BEGIN;",
        "INSERT INTO %s (id, s) VALUES (101, 'committed');" % TABLE,
        "COMMIT;",
        "BEGIN;",
        "SELECT * FROM %s;" % MISSING_TABLE,
        "ROLLBACK;",
        "SELECT 'count100', count(*) FROM %s WHERE id = 100;" % TABLE,
        "SELECT 'count101', count(*) FROM %s WHERE id = 101;" % TABLE,
        ""])
    R.sql(script)
    r = psql(TRUST_DSN, "-v", "ON_ERROR_STOP=0", input=script)
    lines = r.stdout.split()
    check("count100|0" in lines and "count101|1" in lines,
          "counts: %r; stderr: %s" % (lines, r.stderr.strip()[-800:]))
    errors = [l for l in r.stderr.splitlines() if l.startswith("ERROR") or l.startswith("psql:")]
    check(len(errors) == 1 and "42P01" in errors[0],
          "want exactly the one 42P01 error, got: %s" % " / ".join(errors))


def count_lines(r):
    lines = r.stdout.splitlines()
    return len(lines), (lines[-1] if lines else None)


def p_rows_100k():
    n, last = count_lines(psql_c(SQL_ROWS))
    eq((n, last), (ROWS, str(ROWS)), "rows, last value")


def p_stream_100k():
    r = psql_c(SQL_ROWS, None, "-v", "FETCH_COUNT=1000")
    n, last = count_lines(r)
    check(not r.stderr.strip(), "psql reported: %s" % r.stderr.strip()[-800:])
    eq((n, last), (ROWS, str(ROWS)), "rows, last value")


# pgbench ------------------------------------------------------------------------

SCRIPT = "\\set aid random(1, 100000)\nSELECT :aid;\n"


def pgbench(mode, scram=False, tls=False, transactions=200, clients=2):
    d = tempfile.mkdtemp(prefix="compat-pgbench-")
    try:
        path = os.path.join(d, "select_aid.sql")
        with open(path, "w") as f:
            f.write(SCRIPT)
        host, port, user = (SCRAM_HOST, SCRAM_PORT, SCRAM_USER) if scram else (HOST, PORT, USER)
        argv = [tool("pgbench"), "-n", "-f", path, "-M", mode, "-t", str(transactions), "-c",
                str(clients), "-j", "1", "-h", host, "-p", str(port), "-U", user, DBNAME]
        R.sql("pgbench -M %s, script: %s" % (mode, SCRIPT.replace("\n", " ").strip()))
        r = run(argv, password=SCRAM_PASSWORD if scram else None,
                sslmode="require" if tls else None)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    out = r.stdout + r.stderr
    if r.returncode != 0:
        raise Check("pgbench exited with %d: %s" % (r.returncode, out.strip()[-1500:]))
    want = "number of transactions actually processed: %d/%d" % (transactions * clients,
                                                                 transactions * clients)
    check(want in out, "pgbench output lacks %r: %s" % (want, out.strip()[-1500:]))
    check("number of failed transactions: 0" in out or "failed" not in out,
          "failed transactions: %s" % out.strip()[-1500:])


def main():
    which = sys.argv[1]
    if which == "psql":
        for feature, fn in (("connect_trust", p_connect_trust), ("connect_scram", p_connect_scram),
                            ("connect_tls", p_connect_tls),
                            ("simple_query", p_simple_query), ("error_sqlstate", p_error_sqlstate),
                            ("multi_statement", p_multi_statement), ("transaction", p_transaction),
                            ("rows_100k", p_rows_100k), ("stream_100k", p_stream_100k)):
            R.run(feature, fn)
    elif which == "pgbench":
        R.run("connect_trust", lambda: pgbench("simple", transactions=5, clients=1))
        R.run("connect_scram", lambda: pgbench("simple", scram=True, transactions=5, clients=1))
        R.run("connect_tls", lambda: pgbench("simple", tls=True, transactions=5, clients=1))
        for mode in ("simple", "extended", "prepared"):
            R.run("mode_" + mode, lambda mode=mode: pgbench(mode))
    else:
        raise SystemExit("usage: cli_compat.py psql|pgbench")


main_guard(main)
