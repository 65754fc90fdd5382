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
import pty
import re
import select
import signal
import time
import shutil
import subprocess
import sys
import tempfile

import compat_common as cc
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


# auth_md5, auth_cleartext, auth_cert: a tool shows no SQLSTATE for a refused
# login, so its message (PostgreSQL's text) is checked, and the exit status.
AUTH_CASES = {
    "auth_md5": (cc.MD5_DSN, cc.MD5_WRONG_DSN, cc.PASSWORD_REFUSED[1] % cc.MD5_USER),
    "auth_cleartext": (cc.CLEAR_DSN, cc.CLEAR_WRONG_DSN, cc.PASSWORD_REFUSED[1] % cc.CLEAR_USER),
    "auth_cert": (cc.CERT_DSN, cc.CERT_NOCERT_DSN, cc.CERT_REFUSED[1]),
}


def cli_auth(feature, login):
    """login(dsn) runs the tool once and returns its CompletedProcess."""
    right, refused, message = AUTH_CASES[feature]
    R.sql("(log in: %s)" % right)
    r = login(right)
    if r.returncode != 0:
        raise Check("exited with %d: %s" % (r.returncode, (r.stderr or r.stdout).strip()[-1500:]))
    R.sql("(log in, to be refused: %s)" % refused)
    r = login(refused)
    check(r.returncode != 0, "the login succeeded; want it refused (%s)" % message)
    check(message in r.stderr, "want %r in the error output, got: %s" % (message, r.stderr.strip()[-1500:]))
    return r


def p_auth(feature):
    def login(dsn):
        r = run([tool("psql"), "-X", "-At", "-w", "-d", dsn, "-c", "SELECT 1"])
        if r.returncode == 0:
            eq(r.stdout.strip(), "1")
        return r
    cli_auth(feature, login)


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


# psql: COPY, cancel, LISTEN/NOTIFY ----------------------------------------------

FS, RS, NULL = "\x1f", "\x1e", "<compat:NULL>"


def psql_rows(sql):
    """Rows of a query as psql -A prints them (fields and records split by control
    characters, so tabs and newlines in values survive)."""
    r = psql(TRUST_DSN, "-F", FS, "-R", RS, "-P", "null=" + NULL, "-c", R.sql(sql))
    out = r.stdout[:-1] if r.stdout.endswith("\n") else r.stdout
    return [tuple(None if v == NULL else v for v in rec.split(FS)) for rec in out.split(RS)] if out else []


def psql_check_copy_table():
    rows = psql_rows("SELECT id, s FROM %s ORDER BY id" % cc.COPY_TABLE)
    cc.check_rows([(int(i), v) for i, v in rows])


def recreate_copy_table():
    psql(TRUST_DSN, "-v", "ON_ERROR_STOP=1", "-c", R.sql("DROP TABLE IF EXISTS %s" % cc.COPY_TABLE),
         "-c", R.sql(cc.SQL_CREATE_COPY))


def p_copy_in():
    """\\copy ... FROM a file, then COPY ... FROM STDIN with the data inline in a script (-f)."""
    d = tempfile.mkdtemp(prefix="compat-psql-copy-")
    try:
        data = os.path.join(d, "rows.copy")
        with open(data, "w") as f:
            f.write(cc.copy_text())
        recreate_copy_table()
        R.sql("\\copy %s (id, s) FROM '<data file>'" % cc.COPY_TABLE)  # no temp name in the report
        r = psql(TRUST_DSN, "-v", "ON_ERROR_STOP=1", "-c",
                 "\\copy %s (id, s) FROM '%s'" % (cc.COPY_TABLE, data))
        eq(r.stdout.strip(), "COPY %d" % cc.COPY_ROWS, "\\copy FROM output")
        psql_check_copy_table()
        recreate_copy_table()
        script = os.path.join(d, "copy.sql")
        with open(script, "w") as f:
            f.write("COPY %s (id, s) FROM STDIN;\n%s\\.\n" % (cc.COPY_TABLE, cc.copy_text()))
        R.sql("psql -f: COPY %s (id, s) FROM STDIN; <rows> \\." % cc.COPY_TABLE)
        r = psql(TRUST_DSN, "-v", "ON_ERROR_STOP=1", "-f", script)
        eq(r.stdout.strip(), "COPY %d" % cc.COPY_ROWS, "COPY FROM STDIN output")
        psql_check_copy_table()
    finally:
        shutil.rmtree(d, ignore_errors=True)


def p_copy_out():
    """\\copy ... TO a file, then COPY ... TO STDOUT (psql's output)."""
    d = tempfile.mkdtemp(prefix="compat-psql-copy-")
    try:
        recreate_copy_table()
        psql(TRUST_DSN, "-v", "ON_ERROR_STOP=1", "-c", R.sql(cc.SQL_COPY_SEED))
        data = os.path.join(d, "rows.copy")
        R.sql("\\copy %s (id, s) TO '<data file>'" % cc.COPY_TABLE)
        r = psql(TRUST_DSN, "-v", "ON_ERROR_STOP=1", "-c",
                 "\\copy %s (id, s) TO '%s'" % (cc.COPY_TABLE, data))
        eq(r.stdout.strip(), "COPY %d" % cc.COPY_ROWS, "\\copy TO output")
        with open(data, encoding="utf-8") as f:
            cc.check_copy_out_text(f.read())
        r = psql(TRUST_DSN, "-v", "ON_ERROR_STOP=1", "-c",
                 R.sql("COPY %s (id, s) TO STDOUT" % cc.COPY_TABLE))
        cc.check_copy_out_text(r.stdout)
    finally:
        shutil.rmtree(d, ignore_errors=True)


class Pty:
    """An interactive psql (-n: no readline) on a pseudo-terminal: ^C there is
    SIGINT to psql, which then sends a CancelRequest."""

    def __init__(self):
        argv = [tool("psql"), "-X", "-n", "-P", "pager=off", "-v", "VERBOSITY=verbose", "-d", TRUST_DSN]
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: psql, with the pty as its terminal
            try:
                os.execv(argv[0], argv)
            finally:
                os._exit(127)
        self.out = b""

    def read_until(self, pattern, deadline, start=0):
        """Output until the regex (bytes) matches after `start`; the match or None."""
        while True:
            m = re.compile(pattern).search(self.out, start)
            if m:
                return m
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                return None
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return None
            if not chunk:
                return None
            self.out += chunk

    def prompt(self, start=0):
        m = self.read_until(rb"=[#>] ", time.monotonic() + TIMEOUT, start)
        check(m is not None, "no psql prompt; output: %r" % self.text()[-800:])
        return m.end()

    def write(self, data):
        os.write(self.fd, data)

    def syscall(self):
        """The system call psql is blocked in (/proc/PID/syscall, first field)."""
        try:
            with open("/proc/%d/syscall" % self.pid) as f:
                return f.read().split(" ", 1)[0].strip()
        except OSError as e:
            return "? (%s)" % e

    def text(self):
        return self.out.decode(errors="replace")

    def close(self):
        try:
            self.write(b"\\q\n")
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pid, _status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            self.read_until(rb"(?!)", min(deadline, time.monotonic() + 0.2))  # drain
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def p_cancel():
    """SELECT pg_sleep(10) in an interactive psql; once psql waits for the
    server, ^C (SIGINT: psql sends a CancelRequest), again every 100 ms until
    the error shows (a CancelRequest that came before the server started the
    query is lost): 57014 within COMPAT_CANCEL_WITHIN s, then a query in the
    same psql."""
    t = Pty()
    try:
        pos = t.prompt()
        t.write(R.sql(cc.SLEEP_SQL + ";").encode() + b"\n")
        # Running: psql has sent the query and waits for the server in poll()
        # (syscall 7, ppoll 271), no longer in read() of the terminal (0).
        deadline = time.monotonic() + TIMEOUT
        while t.syscall() not in ("7", "271"):
            check(time.monotonic() < deadline, "psql did not start waiting for the query: syscall %s; "
                  "output: %r" % (t.syscall(), t.text()[-800:]))
            if t.read_until(rb"ERROR:.*\r?\n", time.monotonic() + 0.01, pos):
                break  # the statement failed at once: reported below
        started = time.monotonic()
        wait = 0
        m = None
        while m is None and time.monotonic() - started < TIMEOUT:
            m = t.read_until(rb"ERROR:.*\r?\n", time.monotonic() + wait, pos)
            if m is None:
                t.write(b"\x03")
            wait = cc.CANCEL_RETRY
        elapsed = time.monotonic() - started
        check(m is not None, "no error within %.0f s; output: %r" % (TIMEOUT, t.text()[-800:]))
        error = m.group(0).decode(errors="replace").strip()
        check("57014" in error, "psql printed %r, want SQLSTATE 57014" % error)
        check(elapsed < cc.CANCEL_WITHIN, "cancelled after %.2f s, want < %.1f s"
              % (elapsed, cc.CANCEL_WITHIN))
        pos = t.prompt(m.end())
        t.write(R.sql("SELECT 'after' || (40 + 2) AS v;").encode() + b"\n")
        got = t.read_until(rb"\n\s*after42\s*\r?\n", time.monotonic() + TIMEOUT, pos)
        check(got is not None, "no result of the query after the cancel: %r" % t.text()[-800:])
    finally:
        t.close()


def p_notify():
    """LISTEN in an interactive psql; NOTIFY from another psql (-c); the
    listener's next command (SELECT 1) shows the notification: psql reads
    notifications only around its own commands, so it cannot wait for one idle."""
    t = Pty()
    try:
        pos = t.prompt()
        t.write(R.sql("LISTEN %s;" % cc.CHANNEL).encode() + b"\n")
        m = t.read_until(rb"LISTEN\r?\n|ERROR:.*\r?\n", time.monotonic() + TIMEOUT, pos)
        check(m is not None, "no answer to LISTEN: %r" % t.text()[-800:])
        check(m.group(0).startswith(b"LISTEN"), "psql printed %r"
              % m.group(0).decode(errors="replace").strip())
        pos = t.prompt(m.end())
        payload = cc.NOTIFY_PAYLOAD % 1
        psql_c("NOTIFY %s, '%s'" % (cc.CHANNEL, payload))
        started = time.monotonic()
        t.write(R.sql("SELECT 1 AS one;").encode() + b"\n")
        want = ('Asynchronous notification "%s" with payload "%s" received from server process'
                % (cc.CHANNEL, payload)).encode()
        got = t.read_until(re.escape(want), started + cc.NOTIFY_WITHIN, pos)
        check(got is not None, "no %r within %.1f s; output: %r"
              % (want.decode(), cc.NOTIFY_WITHIN, t.text()[-800:]))
    finally:
        t.close()


# pgbench ------------------------------------------------------------------------

SCRIPT = "\\set aid random(1, 100000)\nSELECT :aid;\n"


def pgbench(mode, scram=False, tls=False, transactions=200, clients=2, dsn=None, check_ok=True):
    d = tempfile.mkdtemp(prefix="compat-pgbench-")
    try:
        path = os.path.join(d, "select_aid.sql")
        with open(path, "w") as f:
            f.write(SCRIPT)
        host, port, user = (SCRAM_HOST, SCRAM_PORT, SCRAM_USER) if scram else (HOST, PORT, USER)
        argv = [tool("pgbench"), "-n", "-f", path, "-M", mode, "-t", str(transactions), "-c",
                str(clients), "-j", "1"]
        # A conninfo as the database name carries the login (pgbench expands it).
        argv += [dsn] if dsn else ["-h", host, "-p", str(port), "-U", user, DBNAME]
        R.sql("pgbench -M %s, script: %s" % (mode, SCRIPT.replace("\n", " ").strip()))
        r = run(argv, password=SCRAM_PASSWORD if scram else None,
                sslmode="require" if tls else None)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    if not check_ok:
        return r
    out = r.stdout + r.stderr
    if r.returncode != 0:
        raise Check("pgbench exited with %d: %s" % (r.returncode, out.strip()[-1500:]))
    want = "number of transactions actually processed: %d/%d" % (transactions * clients,
                                                                 transactions * clients)
    check(want in out, "pgbench output lacks %r: %s" % (want, out.strip()[-1500:]))
    check("number of failed transactions: 0" in out or "failed" not in out,
          "failed transactions: %s" % out.strip()[-1500:])


def pgbench_tpcb(mode, clients=4, transactions=50):
    """pgbench's own benchmark: `pgbench -i` (DROP TABLE of four tables in one
    statement, CREATE TABLE ... WITH (fillfactor=100), TRUNCATE of four, COPY
    ... WITH (FREEZE ON), VACUUM ANALYZE, ALTER TABLE ... ADD PRIMARY KEY),
    then its builtin TPC-B script from several clients at once (each
    transaction updates three tables and inserts into a fourth), then the
    books must balance: every committed delta is in all four tables, as
    serialized transactions leave them. The tables are dropped after."""
    conn = ["-h", HOST, "-p", str(PORT), "-U", USER]
    R.sql("pgbench -i -s 1; pgbench -M %s -c %d -t %d (builtin TPC-B)" % (mode, clients, transactions))
    r = run([tool("pgbench"), "-i", "-s", "1", "-q"] + conn + [DBNAME])
    if r.returncode != 0:
        raise Check("pgbench -i exited with %d: %s" % (r.returncode, (r.stdout + r.stderr).strip()[-1500:]))
    try:
        r = run([tool("pgbench"), "-M", mode, "-c", str(clients), "-j", "2", "-t", str(transactions)] + conn
                + [DBNAME])
        out = r.stdout + r.stderr
        if r.returncode != 0:
            raise Check("pgbench exited with %d: %s" % (r.returncode, out.strip()[-1500:]))
        total = clients * transactions
        want = "number of transactions actually processed: %d/%d" % (total, total)
        check(want in out, "pgbench output lacks %r: %s" % (want, out.strip()[-1500:]))
        check("number of failed transactions: 0 " in out, "failed transactions: %s" % out.strip()[-1500:])
        sums = ("SELECT (SELECT count(*) FROM pgbench_history), (SELECT sum(delta) FROM pgbench_history), "
                "(SELECT sum(abalance) FROM pgbench_accounts), (SELECT sum(tbalance) FROM pgbench_tellers), "
                "(SELECT sum(bbalance) FROM pgbench_branches)")
        got = psql_c(sums).stdout.strip().split("|")
        check(len(got) == 5, "unexpected output: %r" % got)
        eq(got[0], str(total))
        check(got[1] == got[2] == got[3] == got[4],
              "the books do not balance (history, accounts, tellers, branches): %s" % " / ".join(got[1:]))
    finally:
        run([tool("pgbench"), "-i", "-I", "d"] + conn + [DBNAME])  # (drops the tables)


def main():
    which = sys.argv[1]
    if which == "psql":
        for feature, fn in (("connect_trust", p_connect_trust), ("connect_scram", p_connect_scram),
                            ("connect_tls", p_connect_tls),
                            *((f, lambda f=f: p_auth(f)) for f in AUTH_CASES),
                            ("simple_query", p_simple_query), ("error_sqlstate", p_error_sqlstate),
                            ("multi_statement", p_multi_statement), ("transaction", p_transaction),
                            ("rows_100k", p_rows_100k), ("stream_100k", p_stream_100k)):
            R.run(feature, fn)
        psql_types()
        for feature, fn in (("copy_in", p_copy_in), ("copy_out", p_copy_out), ("cancel", p_cancel),
                            ("notify", p_notify)):
            R.run(feature, fn)
    elif which == "pgbench":
        R.run("connect_trust", lambda: pgbench("simple", transactions=5, clients=1))
        R.run("connect_scram", lambda: pgbench("simple", scram=True, transactions=5, clients=1))
        R.run("connect_tls", lambda: pgbench("simple", tls=True, transactions=5, clients=1))
        for f in AUTH_CASES:
            R.run(f, lambda f=f: cli_auth(f, lambda dsn: pgbench("simple", transactions=5, clients=1, dsn=dsn,
                                                                  check_ok=False)))
        for mode in ("simple", "extended", "prepared"):
            R.run("mode_" + mode, lambda mode=mode: pgbench(mode))
        for mode in ("simple", "extended", "prepared"):
            R.run("tpcb_" + mode, lambda mode=mode: pgbench_tpcb(mode))
    else:
        raise SystemExit("usage: cli_compat.py psql|pgbench")


main_guard(main)
