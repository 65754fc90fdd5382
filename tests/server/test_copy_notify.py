"""sqlite_server with real clients (psql, psycopg2 over libpq): COPY both
ways in text, csv and binary (psql \\copy, COPY FROM STDIN in a psql -f
script, psycopg2 copy_expert), PostgreSQL's SQLSTATEs for bad COPYs and no
rows left behind by a failed one, CopyFail, a cancelled pg_sleep, a slow
statement that does not stall other sessions (SQLite runs on a worker
thread per connection), LISTEN/NOTIFY between two connections."""

import io
import os
import select
import tempfile
import threading
import time
import unittest

import psycopg2
import psycopg2.errors
import psycopg2.extensions

from harness import SANITIZED, SLOW, ServerTestCase

TYPES_TABLE = ("CREATE TABLE {} (id BIGINT PRIMARY KEY, name TEXT, d DATE, b BYTEA, f FLOAT8, "
               "ok BOOLEAN, n NUMERIC, a _INT4)")
# name: tab, newline, backslash, quotes, comma, non-ASCII; NULLs; dates in
# non-canonical input forms.
ROWS_CSV = ('1,"tab\there",2024-2-29,\\x0102ff,1.5,t,12.50,"{1,2}"\n'
            '2,,1999-12-31,,-2,false,,\n'
            '3,"line\nbreak \\ ""q"", é",2000-01-01,\\x,0,yes,-0.001,{}\n')


ROWS = 1000000
MB = 1024  # /proc figures are in kB
# Peak RSS growth allowed while a million rows (~17 MB of COPY data) go
# through the server either way: a server holding them would exceed it.
BOUND_KB = (24 if SANITIZED else 12) * MB
# Freed memory in ASan's quarantine is not live data (see test_streaming.py).
SERVER_ENV = {"ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS", ""),
                                                      "quarantine_size_mb=1"]))} if SANITIZED else None


class Rows(io.RawIOBase):
    """COPY text data of `n` rows, made as it is read."""

    def __init__(self, n):
        super().__init__()
        self.n, self.i, self.pending = n, 0, b""

    def readable(self):
        return True

    def readinto(self, b):
        while len(self.pending) < len(b) and self.i < self.n:
            end = min(self.i + 1000, self.n)
            self.pending += b"".join(b"%d\trow %d\n" % (k, k) for k in range(self.i, end))
            self.i = end
        n = min(len(b), len(self.pending))
        b[:n], self.pending = self.pending[:n], self.pending[n:]
        return n


class SqliteCopyNotifyTest(ServerTestCase):

    def setUp(self):
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0")
        self.dsn = self.conninfo(self.server)

    def connect(self, autocommit=True):
        c = psycopg2.connect(self.dsn)
        c.autocommit = autocommit
        self.addCleanup(c.close)
        return c

    def scalar(self, conn, sql):
        with conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()[0]

    def copy_out(self, conn, sql):
        buf = io.BytesIO()
        with conn.cursor() as cur:
            cur.copy_expert(sql, buf)
        return buf.getvalue()

    def copy_in(self, conn, sql, data):
        with conn.cursor() as cur:
            cur.copy_expert(sql, io.BytesIO(data))
            return cur.rowcount

    def tmpfile(self, content=b""):
        fd, path = tempfile.mkstemp(prefix="pgwire-copy-")
        os.write(fd, content)
        os.close(fd)
        self.addCleanup(os.unlink, path)
        return path

    def server_threads(self):
        return self.server.thread_names()

    def wait_sleeping(self):
        """Waits until a worker runs pg_sleep (it renames its thread while
        it sleeps): proof that the statement is running."""
        deadline = time.monotonic() + 10 * SLOW
        while "pg_sleep" not in self.server_threads():
            self.assertLess(time.monotonic(), deadline, "pg_sleep never started: %s" % self.server_threads())
            time.sleep(0.005)  # polling a condition, bounded by the deadline

    def start_sleep(self, conn, seconds):
        """Runs SELECT pg_sleep(seconds) on `conn` in a thread; returns
        (thread, outcome dict)."""
        outcome = {}

        def run():
            try:
                with conn.cursor() as cur:
                    cur.execute("SELECT pg_sleep(%s)" % seconds)
                    outcome["rows"] = cur.fetchall()
            except Exception as e:  # recorded for the test to check
                outcome["error"] = e
            outcome["ended"] = time.monotonic()

        t = threading.Thread(target=run, daemon=True)
        t.start()
        self.wait_sleeping()
        return t, outcome

    # COPY --------------------------------------------------------------------

    def test_psql_copy_both_ways(self):
        psql = lambda *a, **kw: self.psql(self.dsn, "-v", "ON_ERROR_STOP=1", *a, **kw)
        psql("-c", TYPES_TABLE.format("t"))
        src = self.tmpfile(b"1\ttab\\there\t2024-2-29\t\\\\x0102\t1.5\tt\t1.50\t{1,NULL}\n"
                           b"2\t\\N\t1999-12-31\t\\N\t-2\tf\t\\N\t\\N\n")
        r = psql("-c", "\\copy t from '%s'" % src)
        self.assertEqual(r.stdout.strip(), "COPY 2")
        out = self.tmpfile()
        r = psql("-c", "\\copy t to '%s'" % out)
        self.assertEqual(r.stdout.strip(), "COPY 2")
        with open(out, "rb") as f:
            # Canonical values, as PostgreSQL prints them (numeric keeps its 1.50).
            self.assertEqual(f.read(), b"1\ttab\\there\t2024-02-29\t\\\\x0102\t1.5\tt\t1.50\t{1,NULL}\n"
                                       b"2\t\\N\t1999-12-31\t\\N\t-2\tf\t\\N\t\\N\n")
        r = psql("-Atq", "-c", "\\copy (SELECT id, name FROM t ORDER BY id) to stdout with (format csv, header)")
        self.assertEqual(r.stdout, "id,name\n1,tab\there\n2,\n")

    def test_copy_from_stdin_in_a_psql_script(self):
        script = self.tmpfile(b"CREATE TEMP TABLE s (id INTEGER, word TEXT);\n"
                              b"COPY s FROM STDIN;\n1\tone\n2\ttwo\n\\.\n"
                              b"COPY s (word) FROM STDIN WITH (FORMAT csv);\nthree\n\\.\n"
                              b"SELECT count(*), count(id) FROM s;\n")
        r = self.psql(self.dsn, "-At", "-v", "ON_ERROR_STOP=1", "-f", script)
        self.assertEqual(r.stdout.splitlines(), ["CREATE TABLE", "COPY 2", "COPY 1", "3|2"])

    def test_psycopg2_csv_and_binary_round_trip(self):
        c = self.connect()
        with c.cursor() as cur:
            cur.execute(TYPES_TABLE.format("t"))
            cur.execute(TYPES_TABLE.format("t2").replace("CREATE TABLE", "CREATE TEMP TABLE"))
        self.assertEqual(self.copy_in(c, "COPY t FROM STDIN WITH (FORMAT csv)", ROWS_CSV.encode()), 3)
        csv = self.copy_out(c, "COPY t TO STDOUT WITH (FORMAT csv)")
        self.assertEqual(csv.decode().splitlines()[0], '1,tab\there,2024-02-29,\\x0102ff,1.5,t,12.50,"{1,2}"')
        binary = self.copy_out(c, "COPY t TO STDOUT (FORMAT binary)")
        self.assertTrue(binary.startswith(b"PGCOPY\n\xff\r\n\x00"), binary[:20])
        self.assertEqual(self.copy_in(c, "COPY t2 FROM STDIN BINARY", binary), 3)
        self.assertEqual(self.copy_out(c, "COPY t2 TO STDOUT WITH (FORMAT csv)"), csv)
        # Typed values read back through the protocol.
        with c.cursor() as cur:
            cur.execute("SELECT d, b, n, a FROM t2 WHERE id = 1")
            d, b, n, a = cur.fetchone()
        self.assertEqual((str(d), bytes(b), str(n), a), ("2024-02-29", b"\x01\x02\xff", "12.50", [1, 2]))
        # A query and VALUES as the source; a column list.
        self.assertEqual(self.copy_out(c, "COPY (VALUES (1, 'a'), (2, NULL)) TO STDOUT"), b"1\ta\n2\t\\N\n")
        self.assertEqual(self.copy_out(c, "COPY t (name, id) TO STDOUT CSV HEADER").decode().splitlines()[:2],
                         ["name,id", "tab\there,1"])

    def test_copy_errors_have_postgresql_sqlstates_and_leave_no_rows(self):
        c = self.connect()
        with c.cursor() as cur:
            cur.execute("CREATE TABLE e (id BIGINT PRIMARY KEY, v INTEGER)")
        self.copy_in(c, "COPY e FROM STDIN", b"1\t10\n")
        cases = [
            ("COPY nosuch FROM STDIN", b"1\n", "42P01"),
            ("COPY e (id, nosuch) FROM STDIN", b"1\t2\n", "42703"),
            ("COPY nosuch TO STDOUT", None, "42P01"),
            # Good rows first, then a row with a missing column: none stays.
            ("COPY e FROM STDIN", b"2\t20\n3\t30\n4\n", "22P04"),
            ("COPY e FROM STDIN", b"5\t50\n6\tsix\n", "22P02"),
            ("COPY e FROM STDIN", b"7\t70\n1\t11\n", "23505"),
            ("COPY e FROM STDIN (FORMAT binary)", b"not binary", "22P04"),
        ]
        for sql, data, code in cases:
            with self.subTest(sql=sql, code=code):
                with self.assertRaises(psycopg2.Error) as ctx:
                    if data is None:
                        self.copy_out(c, sql)
                    else:
                        self.copy_in(c, sql, data)
                self.assertEqual(ctx.exception.pgcode, code, str(ctx.exception))
                self.assertEqual(self.scalar(c, "SELECT count(*) FROM e"), 1)
        # In a transaction block the failed COPY aborts the block, as in PostgreSQL.
        t = self.connect(autocommit=False)
        with self.assertRaises(psycopg2.Error):
            self.copy_in(t, "COPY e FROM STDIN", b"8\t80\n9\n")
        t.rollback()
        self.assertEqual(self.scalar(t, "SELECT count(*) FROM e"), 1)
        t.rollback()

    def test_copy_fail_is_57014_and_the_session_goes_on(self):
        c = self.connect()
        with c.cursor() as cur:
            cur.execute("CREATE TABLE f (id INTEGER)")

        class Failing(io.RawIOBase):
            sent = False

            def readable(self):
                return True

            def read(self, n=-1):
                if not self.sent:
                    self.sent = True
                    return b"1\n2\n"
                raise OSError("the client gave up")

        with self.assertRaises(psycopg2.Error) as ctx:
            with c.cursor() as cur:
                cur.copy_expert("COPY f FROM STDIN", Failing())
        self.assertEqual(ctx.exception.pgcode, "57014", str(ctx.exception))
        self.assertIn("COPY from stdin failed", str(ctx.exception))
        self.assertEqual(self.scalar(c, "SELECT count(*) FROM f"), 0)
        self.assertEqual(self.copy_in(c, "COPY f FROM STDIN", b"3\n"), 1)

    def test_a_million_rows_each_way_in_bounded_memory(self):
        db = self.tmpfile()  # a file: the table itself is not in the server's memory
        server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0", "--db", db, env=SERVER_ENV)
        dsn = self.conninfo(server)
        c = psycopg2.connect(dsn)
        c.autocommit = True
        self.addCleanup(c.close)
        with c.cursor() as cur:
            cur.execute("CREATE TABLE big (id BIGINT, name TEXT)")
        self.copy_in(c, "COPY big FROM STDIN", b"0\trow 0\n")
        self.copy_out(c, "COPY big TO STDOUT")
        baseline = server.memory()["VmRSS"]
        with c.cursor() as cur:
            cur.copy_expert("COPY big FROM STDIN", Rows(ROWS), size=65536)
            self.assertEqual(cur.rowcount, ROWS)
        out = self.tmpfile()
        r = self.psql(dsn, "-At", "-o", out, "-c", "COPY big TO STDOUT WITH (FORMAT csv)", timeout=120)
        self.assertEqual(os.path.getsize(out) > 17 * 1000 * 1000, True, r.stdout)
        with open(out, "rb") as f:
            f.seek(-20, os.SEEK_END)
            self.assertTrue(f.read().endswith(b"\n%d,row %d\n" % (ROWS - 1, ROWS - 1)))
        growth = server.memory()["VmHWM"] - baseline
        print("\n  peak RSS growth %d kB (bound %d kB)" % (growth, BOUND_KB), end=" ")
        self.assertLess(growth, BOUND_KB, "peak RSS grew by %d kB" % growth)

    # Cancel and concurrency ---------------------------------------------------

    def test_cancelled_pg_sleep_is_57014_and_the_connection_goes_on(self):
        c = self.connect()
        t, outcome = self.start_sleep(c, 30)
        cancelled = time.monotonic()
        c.cancel()
        t.join(10 * SLOW)
        self.assertFalse(t.is_alive(), "pg_sleep(30) was not cancelled")
        self.assertIsInstance(outcome.get("error"), psycopg2.errors.QueryCanceled, outcome)
        self.assertEqual(outcome["error"].pgcode, "57014")
        self.assertIn("canceling statement due to user request", str(outcome["error"]))
        self.assertLess(outcome["ended"] - cancelled, 1.0 * SLOW)
        self.assertEqual(self.scalar(c, "SELECT 41 + 1"), 42)

    def worker_cpu(self):
        """CPU seconds used so far by each SQLite pool thread of the server."""
        return list(self.worker_cpu_by_thread().values())

    def worker_cpu_by_thread(self):
        """{thread id: CPU seconds used so far} of the SQLite pool threads."""
        out = {}
        d = "/proc/%d/task" % self.server.pid
        for tid in os.listdir(d):
            try:
                with open(os.path.join(d, tid, "comm")) as f:
                    if f.read().strip() != "sqlite-worker":
                        continue
                with open(os.path.join(d, tid, "stat")) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except FileNotFoundError:  # ended meanwhile
                continue
            out[tid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return out

    def start_endless_count(self, conn):
        """Runs a count that ends only when cancelled on `conn`, in a thread;
        returns (thread, outcome dict with its "error")."""
        outcome = {}

        def run():
            try:
                self.scalar(conn, "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
                                  "SELECT count(*) FROM n")
            except Exception as e:  # recorded for the test to check
                outcome["error"] = e

        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t, outcome

    def test_cancel_interrupts_a_long_sqlite_query(self):
        c = self.connect()
        self.assertEqual(self.scalar(c, "SELECT 1"), 1)  # the connection's worker exists
        before = sum(self.worker_cpu())  # (the pool's threads: any of them may run it)
        t, outcome = self.start_endless_count(c)
        # Running: a worker has spent CPU on it since.
        deadline = time.monotonic() + 10 * SLOW
        while sum(self.worker_cpu()) < before + 0.1:
            self.assertLess(time.monotonic(), deadline, "the query never ran")
            time.sleep(0.005)  # polling a condition, bounded by the deadline
        cancelled = time.monotonic()
        c.cancel()
        t.join(10 * SLOW)
        self.assertFalse(t.is_alive(), "the query was not interrupted")
        self.assertLess(time.monotonic() - cancelled, 1.0 * SLOW)
        self.assertEqual(getattr(outcome.get("error"), "pgcode", None), "57014", outcome)
        self.assertEqual(self.scalar(c, "SELECT count(*) FROM demo"), 3)

    def test_a_slow_statement_does_not_stall_other_sessions(self):
        slow = self.connect()
        t, outcome = self.start_sleep(slow, 30)
        other = self.connect()
        for i in range(200):
            self.assertEqual(self.scalar(other, "SELECT count(*) + %d FROM demo" % i), 3 + i)
        self.assertEqual(self.copy_out(other, "COPY (SELECT name FROM demo ORDER BY id) TO STDOUT"),
                         b"apple\nbanana\ncherry\n")
        # All of that completed while the pg_sleep still ran: ordering, not timing.
        self.assertTrue(t.is_alive())
        self.assertNotIn("ended", outcome)
        self.assertIn("pg_sleep", self.server_threads())
        slow.cancel()
        t.join(10 * SLOW)
        self.assertEqual(getattr(outcome.get("error"), "pgcode", None), "57014", outcome)

    def test_more_waiting_statements_than_cores_stall_nobody(self):
        # The pool starts as many threads as cores; statements that wait
        # (or run long) must not hold the others back: it adds threads.
        n = (os.cpu_count() or 2) + 2
        sleepers = [self.connect() for _ in range(n)]
        outcomes = []
        for conn in sleepers:
            outcomes.append(self.start_sleep(conn, 30))
        deadline = time.monotonic() + 10 * SLOW
        while self.server_threads().count("pg_sleep") < n:
            self.assertLess(time.monotonic(), deadline, "not every pg_sleep runs: %s" % self.server_threads())
            time.sleep(0.005)  # polling a condition, bounded by the deadline
        other = self.connect()
        for i in range(50):
            self.assertEqual(self.scalar(other, "SELECT count(*) + %d FROM demo" % i), 3 + i)
        for (t, outcome) in outcomes:
            self.assertTrue(t.is_alive())
            self.assertNotIn("ended", outcome)
        for conn in sleepers:
            conn.cancel()
        for (t, outcome) in outcomes:
            t.join(10 * SLOW)
            self.assertEqual(getattr(outcome.get("error"), "pgcode", None), "57014", outcome)

    def test_two_long_queries_run_on_two_threads_at_once(self):
        # The pool lets a cheap job wait for a busy thread rather than wake
        # another (worker_pool.hpp); long jobs must still spread over the
        # threads. Each query ends only when cancelled, so both are running
        # while their threads' CPU is read.
        conns = [self.connect() for _ in range(2)]
        for c in conns:
            self.assertEqual(self.scalar(c, "SELECT 1"), 1)  # the connections' workers exist
        start = self.worker_cpu_by_thread()
        outcomes = [self.start_endless_count(c) for c in conns]
        deadline = time.monotonic() + 20 * SLOW
        while True:
            used = self.worker_cpu_by_thread()
            busy = [tid for tid, cpu in used.items() if cpu - start.get(tid, 0.0) >= 0.3]
            if len(busy) >= 2:
                break
            self.assertLess(time.monotonic(), deadline, "one thread runs both queries: %s" % used)
            time.sleep(0.01)  # polling a condition, bounded by the deadline
        for c in conns:
            c.cancel()
        for (t, outcome) in outcomes:
            t.join(10 * SLOW)
            self.assertFalse(t.is_alive(), "the query was not interrupted")
            self.assertEqual(getattr(outcome.get("error"), "pgcode", None), "57014", outcome)

    def test_sigterm_during_a_running_statement_exits_cleanly(self):
        # stop() requires exit status 0 within 15 s (60 s under ASan): the
        # pg_sleep(600) is interrupted, not waited for.
        c = self.connect()
        t, outcome = self.start_sleep(c, 600)
        self.server.stop()
        t.join(10 * SLOW)
        self.assertFalse(t.is_alive())
        self.assertIsInstance(outcome.get("error"), psycopg2.Error, outcome)

    # LISTEN / NOTIFY ----------------------------------------------------------

    def wait_notifies(self, conn, count):
        deadline = time.monotonic() + 1.0 * SLOW
        while len(conn.notifies) < count:
            left = deadline - time.monotonic()
            self.assertGreater(left, 0, "no notification within 1 s: %s" % conn.notifies)
            if select.select([conn], [], [], left)[0]:
                conn.poll()
        got = [(n.pid, n.channel, n.payload) for n in conn.notifies]
        conn.notifies.clear()
        return got

    def test_listen_notify_between_two_connections(self):
        listener = self.connect()
        notifier = self.connect(autocommit=False)
        with listener.cursor() as cur:
            cur.execute("LISTEN news")
        pid = notifier.get_backend_pid()
        with notifier.cursor() as cur:
            cur.execute("NOTIFY news, 'rolled back'")
            notifier.rollback()
            cur.execute("NOTIFY news, 'first'")
            cur.execute("SELECT pg_notify('news', 'second')")
            cur.execute("NOTIFY news, 'first'")  # folded with the first
            notifier.commit()
        self.assertEqual(self.wait_notifies(listener, 2), [(pid, "news", "first"), (pid, "news", "second")])
        with listener.cursor() as cur:
            cur.execute("UNLISTEN news")
        notifier.autocommit = True
        with notifier.cursor() as cur:
            cur.execute("NOTIFY news, 'unheard'")
            cur.execute("LISTEN news")
            cur.execute("NOTIFY news, 'self'")
        self.assertEqual(self.wait_notifies(notifier, 1), [(pid, "news", "self")])
        listener.poll()
        self.assertEqual(listener.notifies, [])


if __name__ == "__main__":
    unittest.main()
