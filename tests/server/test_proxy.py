"""examples/libpq_proxy.cpp in front of a real PostgreSQL 15: COPY both ways,
cancel forwarding, notifications to idle clients, and that no session can
freeze the others.

The reference PostgreSQL is started for this module with the compat suite's
helper (tests/compat/compat.py: start_postgres / stop_postgres); each test
starts its own proxy (one io thread, so a session that spins would stall
every other one; ProxyTwoThreadsTest repeats everything on two).

Ordering, not timing, is what the freeze tests check: a second client
completes its queries while the first client's COPY or pg_sleep is proven
to be still running (the first client has not read, or not sent, the rest
of its COPY; pg_stat_activity of the upstream still shows the sleep). Time
limits are guards that make a hang fail, and the bounds the brief states
(a cancel answers within a second, a notification reaches an idle listener
within a second).
"""

import io
import os
import select
import struct
import tempfile
import threading
import time
import unittest

import pgproto
from harness import SLOW, ReferencePostgres, ServerTestCase


import psycopg2  # noqa: E402  (Debian's python3-psycopg2: /usr/bin/python3)
import psycopg2.extensions  # noqa: E402

GUARD = 30.0 * SLOW  # a hang fails after this, never a synchronisation
QUERIES = 200        # what the second client completes while the first one waits

REFERENCE = ReferencePostgres("pgwire-proxy-test-")


def setUpModule():
    REFERENCE.start()


def tearDownModule():
    REFERENCE.stop()


def upstream_dsn():
    return REFERENCE.trust_dsn()


def copy_data(data):
    return pgproto.message("d", data)


def copy_done():
    return pgproto.message("c")


def copy_fail(reason):
    return pgproto.message("f", pgproto.cstr(reason))


class ProxyTest(ServerTestCase):
    proxy_args = ()  # one io thread

    def setUp(self):
        self.proxy = self.start_proxy(upstream_dsn(), *self.proxy_args)
        self.admin = self.direct()
        self.table = "proxy_" + self._testMethodName
        self.admin.cursor().execute("DROP TABLE IF EXISTS %s; CREATE TABLE %s (i int, s text)"
                                    % (self.table, self.table))

    # Clients -------------------------------------------------------------------

    def connect(self, dsn):
        c = psycopg2.connect(dsn)
        c.autocommit = True
        self.addCleanup(c.close)
        return c

    def client(self):
        """psycopg2 through the proxy."""
        return self.connect(self.conninfo(self.proxy))

    def direct(self):
        """psycopg2 straight to the upstream PostgreSQL."""
        return self.connect(upstream_dsn())

    def raw(self, rcvbuf=None):
        """The standard-library protocol client through the proxy, logged in."""
        c = pgproto.Conn(port=self.proxy.port, timeout=GUARD, rcvbuf=rcvbuf)
        self.addCleanup(c.close)
        c.startup("postgres", database="postgres")
        return c

    def one(self, conn, sql, params=None):
        with conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()[0]

    def upstream_rows(self):
        return self.one(self.admin, "SELECT count(*) FROM %s" % self.table)

    def wait_active(self, marker):
        """Pid of the upstream backend sleeping in the pg_sleep statement
        containing `marker` (polls pg_stat_activity: a condition, bounded by
        GUARD). Sleeping, not just 'active': a Parse of the statement shows
        it active too, before the proxy has even executed it."""
        deadline = time.monotonic() + GUARD
        with self.admin.cursor() as cur:
            while True:
                cur.execute("SELECT pid FROM pg_stat_activity WHERE state = 'active' "
                            "AND wait_event = 'PgSleep' AND pid <> pg_backend_pid() "
                            "AND query LIKE %s", ("%" + marker + "%",))
                row = cur.fetchone()
                if row:
                    return row[0]
                if time.monotonic() > deadline:
                    self.fail("the upstream never ran %r" % marker)

    def still_active(self, pid, marker):
        with self.admin.cursor() as cur:
            cur.execute("SELECT state, query FROM pg_stat_activity WHERE pid = %s", (pid,))
            row = cur.fetchone()
        return row is not None and row[0] == "active" and marker in row[1]

    def many_queries(self):
        """The second client: QUERIES round trips through the proxy, checked."""
        c = self.client()
        with c.cursor() as cur:
            for n in range(QUERIES):
                cur.execute("SELECT %s::int + 1", (n,))
                self.assertEqual(cur.fetchone()[0], n + 1)

    def read_until_ready(self, c):
        """Messages up to and including ReadyForQuery, as (kind, body)."""
        got = []
        while True:
            kind, body = c.read_message()
            got.append((kind, body))
            if kind == "Z":
                c.status = body.decode()
                return got

    def sleeper(self, conn, sql):
        """Runs `sql` on a thread; returns (thread, outcome dict)."""
        outcome = {}

        def run():
            try:
                with conn.cursor() as cur:
                    cur.execute(sql)
                outcome["ok"] = True
            except Exception as e:  # noqa: BLE001 (reported by the test)
                outcome["error"] = e
            outcome["at"] = time.monotonic()

        t = threading.Thread(target=run, daemon=True)
        t.start()
        return t, outcome

    # COPY with psql --------------------------------------------------------------

    def test_psql_copy_to_stdout(self):
        # This froze the whole server at 100% CPU (Upstream::next spun).
        r = self.psql(self.conninfo(self.proxy), "-c", "COPY (VALUES (1),(2)) TO STDOUT",
                      timeout=GUARD)
        self.assertEqual(r.stdout, "1\n2\n")
        # The session, and the server, go on.
        r = self.psql(self.conninfo(self.proxy), "-At", "-c", "SELECT 3", timeout=GUARD)
        self.assertEqual(r.stdout, "3\n")

    def test_psql_backslash_copy_both_ways(self):
        d = tempfile.mkdtemp(prefix="pgwire-proxy-copy-")
        src, dst = os.path.join(d, "in.tsv"), os.path.join(d, "out.tsv")
        data = "".join("%d\trow %d\n" % (n, n) for n in range(1, 1001)) + "1001\t\\N\n"
        with open(src, "w") as f:
            f.write(data)
        script = ("\\copy %s from '%s'\n\\copy %s to '%s'\n" % (self.table, src, self.table, dst))
        r = self.psql(self.conninfo(self.proxy), "-v", "ON_ERROR_STOP=1", "-f", "-", input=script,
                      timeout=GUARD)
        self.assertEqual(r.stdout, "COPY 1001\nCOPY 1001\n")
        with open(dst) as f:
            self.assertEqual(f.read(), data)
        self.assertEqual(self.upstream_rows(), 1001)

    # COPY with psycopg2 ----------------------------------------------------------

    def test_psycopg2_copy_expert_text_csv_binary(self):
        c = self.client()
        t = self.table
        with c.cursor() as cur:
            text = "1\tone\n2\t\\N\n3\tthree \\\\ tab\\there\n"
            cur.copy_expert("COPY %s FROM STDIN" % t, io.StringIO(text))
            self.assertEqual(cur.rowcount, 3)
            out = io.StringIO()
            cur.copy_expert("COPY %s TO STDOUT" % t, out)
            self.assertEqual(cur.rowcount, 3)
            self.assertEqual(out.getvalue(), text)

            csv = io.StringIO()
            cur.copy_expert("COPY (SELECT * FROM %s ORDER BY i) TO STDOUT WITH (FORMAT csv, HEADER)"
                            % t, csv)
            self.assertEqual(csv.getvalue(), 'i,s\n1,one\n2,\n3,three \\ tab\there\n')
            cur.execute("TRUNCATE %s" % t)
            cur.copy_expert("COPY %s FROM STDIN WITH (FORMAT csv, HEADER)" % t,
                            io.StringIO(csv.getvalue()))
            self.assertEqual(cur.rowcount, 3)

            binary = io.BytesIO()
            cur.copy_expert("COPY %s TO STDOUT WITH (FORMAT binary)" % t, binary)
            self.assertTrue(binary.getvalue().startswith(b"PGCOPY\n\xff\r\n\0"))
            cur.execute("TRUNCATE %s" % t)
            cur.copy_expert("COPY %s FROM STDIN WITH (FORMAT binary)" % t,
                            io.BytesIO(binary.getvalue()))
            cur.execute("SELECT i, s FROM %s ORDER BY i" % t)
            self.assertEqual(cur.fetchall(), [(1, "one"), (2, None), (3, "three \\ tab\there")])
        self.assertEqual(self.upstream_rows(), 3)

    def test_psycopg2_copy_in_large(self):
        # Megabytes in 8 kB CopyData pieces: the upstream's send buffer fills
        # and the proxy waits for it (PQflush), without buffering it all.
        rows = 300000
        c = self.client()
        data = "".join("%d\tsome text for row %d\n" % (n, n) for n in range(rows))
        with c.cursor() as cur:
            cur.copy_expert("COPY %s FROM STDIN" % self.table, io.StringIO(data))
            self.assertEqual(cur.rowcount, rows)
            cur.execute("SELECT count(*), sum(i) FROM %s" % self.table)
            self.assertEqual(cur.fetchone(), (rows, rows * (rows - 1) // 2))

    def test_psycopg2_copy_errors_keep_sqlstate(self):
        c = self.client()
        with c.cursor() as cur:
            with self.assertRaises(psycopg2.Error) as e:
                cur.copy_expert("COPY %s FROM STDIN" % self.table, io.StringIO("1\tok\nx\tbad\n"))
            self.assertEqual(e.exception.pgcode, "22P02")
            self.assertIn("COPY %s, line 2" % self.table, e.exception.diag.context or "")
            with self.assertRaises(psycopg2.Error) as e:
                cur.copy_expert("COPY proxy_no_such_table TO STDOUT", io.StringIO())
            self.assertEqual(e.exception.pgcode, "42P01")
            # In a transaction block: the failed COPY fails the block (upstream too).
            c.autocommit = False
            with self.assertRaises(psycopg2.Error) as e:
                cur.copy_expert("COPY %s FROM STDIN" % self.table, io.StringIO("y\n"))
            self.assertEqual(e.exception.pgcode, "22P02")
            self.assertEqual(c.get_transaction_status(),
                             psycopg2.extensions.TRANSACTION_STATUS_INERROR)
            c.rollback()
            c.autocommit = True
            cur.execute("SELECT 42")
            self.assertEqual(cur.fetchone()[0], 42)
        self.assertEqual(self.upstream_rows(), 0)

    # COPY at the protocol level ----------------------------------------------------

    def test_copy_fail_is_57014_and_the_session_goes_on(self):
        c = self.raw()
        c.send(pgproto.query("COPY %s FROM STDIN" % self.table))
        kind, _ = c.read_message()
        self.assertEqual(kind, "G")
        c.send(copy_data(b"1\tsent before the failure\n") + copy_fail("client gave up"))
        got = self.read_until_ready(c)
        errors = [pgproto.parse_fields(b) for k, b in got if k == "E"]
        self.assertEqual(len(errors), 1, got)
        self.assertEqual(errors[0].get("C"), "57014")
        self.assertIn("client gave up", errors[0].get("M"))
        self.assertEqual(c.status, "I")
        # The upstream COPY was failed too: nothing arrived, and the same
        # session runs the next statement.
        res = c.simple_query("SELECT count(*) FROM %s" % self.table)
        self.assertEqual(res[0]["rows"], [["0"]])
        self.assertEqual(self.upstream_rows(), 0)
        # A second COPY on the same session works.
        c.send(pgproto.query("COPY %s FROM STDIN" % self.table))
        self.assertEqual(c.read_message()[0], "G")
        c.send(copy_data(b"7\tseven\n") + copy_done())
        got = self.read_until_ready(c)
        self.assertIn(("C", b"COPY 1\0"), got)
        self.assertEqual(self.upstream_rows(), 1)

    def test_copy_extended_protocol_both_ways(self):
        c = self.raw()
        c.send(pgproto.parse("COPY %s FROM STDIN" % self.table) + pgproto.bind() +
               pgproto.execute() + pgproto.message("H"))
        kinds = [c.read_message()[0] for _ in range(3)]
        self.assertEqual(kinds, ["1", "2", "G"])
        c.send(copy_data(b"1\ta\n2\tb\n") + copy_data(b"3\tc\n") + copy_done() + pgproto.sync())
        got = self.read_until_ready(c)
        self.assertEqual([k for k, _ in got], ["C", "Z"])
        self.assertEqual(got[0][1], b"COPY 3\0")
        self.assertEqual(c.status, "I")

        c.send(pgproto.parse("COPY (SELECT * FROM %s ORDER BY i) TO STDOUT" % self.table) +
               pgproto.bind() + pgproto.execute() + pgproto.sync())
        got = self.read_until_ready(c)
        self.assertEqual([k for k, _ in got], ["1", "2", "H", "d", "d", "d", "c", "C", "Z"])
        self.assertEqual(b"".join(b for k, b in got if k == "d"), b"1\ta\n2\tb\n3\tc\n")
        self.assertEqual(got[-2][1], b"COPY 3\0")
        # CopyFail in the extended protocol: 57014, then skip to Sync.
        c.send(pgproto.parse("COPY %s FROM STDIN" % self.table) + pgproto.bind() +
               pgproto.execute() + pgproto.message("H"))
        self.assertEqual([c.read_message()[0] for _ in range(3)], ["1", "2", "G"])
        c.send(copy_data(b"9\tz\n") + copy_fail("nope") + pgproto.sync())
        got = self.read_until_ready(c)
        self.assertEqual([k for k, _ in got], ["E", "Z"])
        self.assertEqual(pgproto.parse_fields(got[0][1]).get("C"), "57014")
        self.assertEqual(c.simple_query("SELECT count(*) FROM %s" % self.table)[0]["rows"],
                         [["3"]])

    # Cancel ------------------------------------------------------------------------

    def test_cancel_pg_sleep_is_forwarded(self):
        c = self.client()
        marker = "pg_sleep(60) /* cancel simple */"
        t, outcome = self.sleeper(c, "SELECT " + marker)
        pid = self.wait_active(marker)
        sent = time.monotonic()
        c.cancel()
        t.join(GUARD)
        self.assertFalse(t.is_alive(), "the cancelled statement did not end")
        self.assertIn("error", outcome, outcome)
        self.assertEqual(outcome["error"].pgcode, "57014")
        self.assertLess(outcome["at"] - sent, 1.0 * SLOW)
        # The same connection runs the next statement (the upstream's
        # cancelled command is read first: not "another command is already
        # in progress"), and the upstream's sleep was cancelled, not left to
        # run its 60 s: the next statement ran on that same backend.
        self.assertEqual(self.one(c, "SELECT 2"), 2)
        self.assertFalse(self.still_active(pid, marker))
        self.assertEqual(self.one(c, "SELECT pg_backend_pid()"), pid)

    def test_cancel_extended_protocol(self):
        c = self.raw()
        marker = "pg_sleep(60) /* cancel extended */"
        c.send(pgproto.parse("SELECT " + marker) + pgproto.bind() + pgproto.execute() +
               pgproto.sync())
        pid = self.wait_active(marker)
        with pgproto.Conn(port=self.proxy.port, timeout=GUARD) as k:
            k.send(pgproto.cancel_request(*c.backend_key))
            k.expect_closed(GUARD)
        sent = time.monotonic()
        got = self.read_until_ready(c)
        errors = [pgproto.parse_fields(b) for k, b in got if k == "E"]
        self.assertEqual([e.get("C") for e in errors], ["57014"],
                         "%r after %.1f s" % ([pgproto.describe(k, b) for k, b in got],
                                              time.monotonic() - sent))
        res = c.simple_query("SELECT pg_backend_pid()")
        self.assertEqual(res[0]["rows"], [[str(pid)]])
        self.assertFalse(self.still_active(pid, marker))

    def test_cancel_copy_out_then_next_statement(self):
        c = self.raw(rcvbuf=4096)
        marker = "proxy_cancel_copy_out"
        c.send(pgproto.query("COPY (SELECT g, '%s' FROM generate_series(1, 5000000) g) TO STDOUT"
                             % marker))
        self.assertEqual(c.read_message()[0], "H")
        self.assertEqual(c.read_message()[0], "d")
        with pgproto.Conn(port=self.proxy.port, timeout=GUARD) as k:
            k.send(pgproto.cancel_request(*c.backend_key))
            k.expect_closed(GUARD)
        got = self.read_until_ready(c)
        errors = [pgproto.parse_fields(b) for k, b in got if k == "E"]
        self.assertEqual([e.get("C") for e in errors], ["57014"])
        self.assertEqual(c.simple_query("SELECT 5")[0]["rows"], [["5"]])

    def test_cancel_copy_in(self):
        c = self.raw()
        c.send(pgproto.query("COPY %s FROM STDIN" % self.table))
        self.assertEqual(c.read_message()[0], "G")
        c.send(copy_data(b"1\tbefore the cancel\n"))
        with pgproto.Conn(port=self.proxy.port, timeout=GUARD) as k:
            k.send(pgproto.cancel_request(*c.backend_key))
            k.expect_closed(GUARD)
        c.send(copy_data(b"2\tafter the cancel\n") + copy_done())
        got = self.read_until_ready(c)
        errors = [pgproto.parse_fields(b) for k, b in got if k == "E"]
        self.assertEqual([e.get("C") for e in errors], ["57014"], got)
        # The upstream COPY was ended, not committed, and the cancel (which
        # went upstream) does not hit the next statements.
        for n in range(20):
            res = c.simple_query("SELECT count(*) + %d FROM %s" % (n, self.table))
            self.assertEqual(res[0].get("rows"), [[str(n)]], res)
        self.assertEqual(self.upstream_rows(), 0)

    # Notifications -------------------------------------------------------------------

    def wait_notification(self, conn, timeout):
        """The first notification an idle psycopg2 connection receives,
        waiting in select() for at most `timeout` seconds; None if none."""
        deadline = time.monotonic() + timeout
        while not conn.notifies:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([conn], [], [], left)[0]:
                return None
            conn.poll()
        return conn.notifies.pop(0)

    def test_notify_reaches_an_idle_listener(self):
        listener = self.client()
        with listener.cursor() as cur:
            cur.execute("LISTEN proxy_channel")
        # NOTIFY straight to the upstream, from another session.
        notifier = self.direct()
        with notifier.cursor() as cur:
            cur.execute("NOTIFY proxy_channel, 'from upstream'")
        n = self.wait_notification(listener, 1.0 * SLOW)
        self.assertIsNotNone(n, "no notification within 1 s")
        self.assertEqual((n.channel, n.payload, n.pid),
                         ("proxy_channel", "from upstream", notifier.get_backend_pid()))
        # NOTIFY through the proxy, from another client.
        other = self.client()
        with other.cursor() as cur:
            cur.execute("SELECT pg_notify('proxy_channel', 'through the proxy')")
        n = self.wait_notification(listener, 1.0 * SLOW)
        self.assertIsNotNone(n, "no notification within 1 s")
        self.assertEqual((n.channel, n.payload), ("proxy_channel", "through the proxy"))
        # The listener's own NOTIFY comes with its statement.
        with listener.cursor() as cur:
            cur.execute("NOTIFY proxy_channel, 'self'")
        self.assertEqual([(x.channel, x.payload) for x in listener.notifies],
                         [("proxy_channel", "self")])
        listener.notifies.clear()
        # Still idle-deliverable after statements ran on the listener.
        with notifier.cursor() as cur:
            cur.execute("NOTIFY proxy_channel, 'again'")
        n = self.wait_notification(listener, 1.0 * SLOW)
        self.assertIsNotNone(n, "no notification within 1 s")
        self.assertEqual(n.payload, "again")

    def test_notify_waits_for_the_listeners_transaction(self):
        listener = self.client()
        with listener.cursor() as cur:
            cur.execute("LISTEN proxy_tx")
            cur.execute("BEGIN")
            cur.execute("SELECT 1")
        notifier = self.direct()
        with notifier.cursor() as cur:
            cur.execute("NOTIFY proxy_tx, 'after commit'")
        # Inside its block the upstream holds the notification back; the
        # listener's COMMIT brings it.
        with listener.cursor() as cur:
            cur.execute("SELECT 2")
            self.assertEqual(listener.notifies, [])
            cur.execute("COMMIT")
        n = self.wait_notification(listener, 1.0 * SLOW)
        self.assertIsNotNone(n)
        self.assertEqual(n.payload, "after commit")

    # The upstream going away ---------------------------------------------------------

    def test_upstream_terminated_while_idle_is_an_error_for_that_client(self):
        c = self.client()
        pid = self.one(c, "SELECT pg_backend_pid()")
        with self.admin.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s, %s)", (pid, int(GUARD * 1000)))
            self.assertTrue(cur.fetchone()[0])
        with self.assertRaises(psycopg2.Error) as e:
            self.one(c, "SELECT 1")
        self.assertEqual(e.exception.pgcode, "08006")
        # Again, at once: an error each time, never a hang or a loop.
        with self.assertRaises(psycopg2.Error) as e:
            self.one(c, "SELECT 1")
        self.assertEqual(e.exception.pgcode, "08006")
        # Other clients are not affected.
        self.many_queries()

    # No session freezes the others -------------------------------------------------------

    def test_copy_out_in_progress_does_not_freeze_others(self):
        rows = 1000000
        a = self.raw(rcvbuf=4096)
        a.send(pgproto.query("COPY (SELECT g FROM generate_series(1, %d) g) TO STDOUT" % rows))
        self.assertEqual(a.read_message()[0], "H")
        self.assertEqual(a.read_message(), ("d", b"1\n"))
        # ~7 MB more are due to `a`, which reads nothing now: its COPY cannot
        # have ended while the other client runs.
        self.many_queries()
        n, last = 1, None
        while True:
            kind, body = a.read_message()
            if kind != "d":
                break
            n += 1
            last = body
        self.assertEqual((n, last), (rows, b"%d\n" % rows))
        self.assertEqual((kind, body), ("c", b""))
        self.assertEqual(a.read_message(), ("C", b"COPY %d\0" % rows))
        self.assertEqual(a.read_message(), ("Z", b"I"))

    def test_copy_in_in_progress_does_not_freeze_others(self):
        a = self.raw()
        a.send(pgproto.query("COPY %s FROM STDIN" % self.table))
        self.assertEqual(a.read_message()[0], "G")
        a.send(copy_data(b"1\tfirst\n"))
        self.many_queries()
        self.assertEqual(self.upstream_rows(), 0)  # the COPY is still open
        a.send(copy_data(b"2\tsecond\n") + copy_done())
        got = self.read_until_ready(a)
        self.assertEqual([k for k, _ in got], ["C", "Z"])
        self.assertEqual(got[0][1], b"COPY 2\0")
        self.assertEqual(self.upstream_rows(), 2)

    def test_pg_sleep_in_progress_does_not_freeze_others(self):
        c = self.client()
        marker = "pg_sleep(60) /* freeze */"
        t, outcome = self.sleeper(c, "SELECT " + marker)
        pid = self.wait_active(marker)
        self.many_queries()
        self.assertTrue(t.is_alive())
        self.assertTrue(self.still_active(pid, marker))
        c.cancel()
        t.join(GUARD)
        self.assertEqual(outcome["error"].pgcode, "57014")


class ProxyTwoThreadsTest(ProxyTest):
    """The same with two io threads: sessions, their idle watchers and the
    cancel threads' wake-ups meet on each session's strand."""
    proxy_args = ("--threads", "2")


if __name__ == "__main__":
    unittest.main()
