"""psql and pgbench (postgresql-client) as drivers of the compat suite.

  cli_compat.py psql | pgbench

psql: -X (no psqlrc), simple Query protocol; FETCH_COUNT makes it read with
DECLARE/FETCH in a transaction. pgbench: a custom script (-f) with a
client-side variable, -M simple / extended / prepared, -n (no vacuum of the
pgbench tables, which do not exist).

Type round trips (psql, type_<name> for each entry of COMPAT_TYPES): psql has
no parameters, so the canonical text goes in as a quoted literal and comes back
from psql -At; one psql process runs them all (a script with \\echo markers)."""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from compat_common import (DBNAME, HOST, MISSING_TABLE, PORT, ROWS, SCRAM_HOST, SCRAM_PASSWORD,
                           SCRAM_PORT, SCRAM_USER, SQL_CREATE, SQL_CREATE_TYPES, SQL_ROWS, TABLE,
                           TIMEOUT, TRUST_DSN, SCRAM_DSN, TLS_DSN, TYPES_TABLE, USER, Check,
                           Reporter, check, eq, load_types, main_guard)

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


# psql type round trips ---------------------------------------------------------

NULL_MARK = "<compat:NULL>"  # psql -P null=...: a NULL is not an empty string
TYPE_MARK = "@@compat-type %d@@"  # \echo'd before each type's statements


class TypeScript:
    """One psql script for every type: the test table, then per type an
    \\echo marker, INSERT ... VALUES (id, '<text>') and the SELECT. Knows which
    type each script line belongs to (psql's error messages name the line)."""

    def __init__(self, types):
        self.lines, self.owner = [], {}  # line number -> type index, or "table"
        self.add("table", "DROP TABLE IF EXISTS %s;" % TYPES_TABLE, SQL_CREATE_TYPES + ";")
        self.sent = []
        for i, t in enumerate(types):
            literal = "'%s'" % t.text.replace("'", "''")  # standard_conforming_strings on
            insert = "INSERT INTO %s (id, %s) VALUES (%d, %s);" % (TYPES_TABLE, t.column, t.ident,
                                                                 literal)
            self.add(i, "\\echo '%s'" % (TYPE_MARK % i), insert,
                     "SELECT %s FROM %s WHERE id = %d;" % (t.column, TYPES_TABLE, t.ident))
            self.sent.append(insert)
        self.add(None, "\\echo '%s'" % (TYPE_MARK % len(types)))

    def add(self, owner, *statements):
        for st in statements:
            first = len(self.lines) + 1
            self.lines += st.split("\n")
            for n in range(first, len(self.lines) + 1):
                self.owner[n] = owner

    def text(self):
        return "\n".join(self.lines) + "\n"

    def errors(self, stderr):
        """{owner: [error, ...]} from psql's "psql:<stdin>:LINE: ERROR: ..." messages (with
        the lines that continue them; NOTICEs are left out); None: stderr nobody owns."""
        out, current = {}, None
        for line in stderr.splitlines():
            m = re.match(r"psql:<stdin>:(\d+): (\w+):(.*)", line)
            if m:
                current = (out.setdefault(self.owner.get(int(m.group(1))), [])
                           if m.group(2) in ("ERROR", "FATAL", "PANIC") else [""])
                current.append(m.group(2) + ":" + m.group(3))
            elif current is not None:
                current[-1] += " " + line.strip()
            else:
                out.setdefault(None, []).append(line)
        return out


def psql_types():
    """Runs the script; reports type_<name> for each type."""
    types = load_types()
    script = TypeScript(types)
    R.sql(script.text())
    try:
        # -f -: psql names the script line in its messages only when it reads a file.
        r = psql(TRUST_DSN, "-q", "-P", "null=" + NULL_MARK, "-f", "-", input=script.text(),
                 ok_status=range(256))
        out, stderr, status = r.stdout, r.stderr, r.returncode
    except Check as e:  # psql missing or hung
        out, stderr, status = "", str(e), "-"
    errors = script.errors(stderr)
    table_error = errors.get("table")
    for i, t in enumerate(types):
        R.query = SQL_CREATE_TYPES if table_error else script.sent[i]
        begin, end = out.find(TYPE_MARK % i + "\n"), out.find(TYPE_MARK % (i + 1) + "\n")
        if table_error:
            error = "creating the test table failed: %s" % " / ".join(table_error)
        elif begin < 0 or end < 0:
            error = "no output from psql for this type (exit status %s); stderr: %s" % (
                status, stderr.strip()[-800:])
        elif errors.get(i):
            error = "psql reported: %s" % " / ".join(errors[i])
        else:
            got = out[begin + len(TYPE_MARK % i) + 1:end]
            got = got[:-1] if got.endswith("\n") else got
            error = None if got == t.text else (
                "sent the literal in the query, psql -At printed %r, want %r (text result)"
                % (got, t.text))
        R.emit("type_" + t.name, error is None, error, detail="literal/t")


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
        psql_types()
    elif which == "pgbench":
        R.run("connect_trust", lambda: pgbench("simple", transactions=5, clients=1))
        R.run("connect_scram", lambda: pgbench("simple", scram=True, transactions=5, clients=1))
        R.run("connect_tls", lambda: pgbench("simple", tls=True, transactions=5, clients=1))
        for mode in ("simple", "extended", "prepared"):
            R.run("mode_" + mode, lambda mode=mode: pgbench(mode))
    else:
        raise SystemExit("usage: cli_compat.py psql|pgbench")


main_guard(main)
