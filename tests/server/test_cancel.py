"""CancelRequest against statements proven to be running.

A cancel of an idle session is ignored by PostgreSQL (and by pgwire), so a
test that cancels an idle session proves nothing about keys. Here every
cancel targets a statement that is shown to be running first:

  * the `server` example's pg_sleep(N) is an Asio timer, so the statement
    runs once the server has armed a timer due in at most N seconds
    (ServerProcess.wait_sleeping reads the server's timerfd);
  * a sqlite_server result is running once its first DataRow has arrived.

A right key ends the statement with 57014 at once (far sooner than it would
end by itself) and the session goes on; a wrong key (wrong process id, wrong
secret, a key of another length) leaves it running to its normal end. The
server never answers on a cancel connection: each request is complete once
the server has closed that connection, which is what orders the checks.

Covered: protocol 3.0 (4-byte key) and 3.2 (32-byte key), the cancel sent in
plaintext and inside TLS (SSLRequest, then CancelRequest), a transaction
block (status 'E' after), a server on two io threads, a cancel during row
streaming (also while the server waits for a slow client), during an
extended-protocol Execute, of a cursor FETCH, and that a cancel does not leak
into the next statement.
"""

import re
import struct
import time
import unittest

import pgproto
from harness import SLOW, ServerTestCase, tls_files

SLEEP = 30           # seconds a statement that is to be cancelled would take
PROMPT = 5.0 * SLOW  # a right-key cancel ends the statement sooner than this
CANCELED = "canceling statement due to user request"
# ~100 million rows: minutes of streaming, never reached in these tests.
HUGE = 100000000
HUGE_QUERY = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT %d) "
              "SELECT x, 'row ' || x FROM c" % HUGE)


def read_until_ready(c):
    """Messages up to and including ReadyForQuery: (counts by type, the
    messages other than DataRow, in order)."""
    counts, others = {}, []
    while True:
        kind, body = c.read_message()
        counts[kind] = counts.get(kind, 0) + 1
        if kind != "D":
            others.append((kind, body))
        if kind == "Z":
            c.status = body.decode()
            return counts, others


def tcp_queues(local_port, remote_port):
    """(send queue, receive queue) in bytes of the IPv4 TCP socket on this
    machine bound to 127.0.0.1:local_port and connected to remote_port."""
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            local, remote = fields[1], fields[2]
            if int(local.split(":")[1], 16) == local_port and \
                    int(remote.split(":")[1], 16) == remote_port:
                tx, rx = fields[4].split(":")
                return int(tx, 16), int(rx, 16)
    raise AssertionError("no TCP socket 127.0.0.1:%d -> :%d in /proc/net/tcp"
                         % (local_port, remote_port))


class CancelBase(ServerTestCase):

    def connect(self, server, tls=False):
        c = pgproto.Conn(port=server.port)
        self.addCleanup(c.close)
        if tls:
            self.assertEqual(c.request_ssl(), b"S")
            c.start_tls(pgproto.client_tls_context())
        return c

    def session(self, server, version=(3, 0), tls=False):
        c = self.connect(server, tls)
        c.startup("postgres", version=version)
        self.assertEqual(len(c.backend_key[1]), 4 if version == (3, 0) else 32)
        return c

    def cancel(self, server, pid, key, tls=False):
        """Sends one CancelRequest on a new connection (inside TLS when
        `tls`) and waits until the server has closed it: the request has been
        handled then. The server must not answer."""
        with pgproto.Conn(port=server.port) as c:
            if tls:
                self.assertEqual(c.request_ssl(), b"S")
                c.start_tls(pgproto.client_tls_context())
            c.send(pgproto.cancel_request(pid, key))
            got = c.expect_closed(10.0 * SLOW)
        self.assertEqual(got, [], "the server answered a CancelRequest: %s"
                         % [pgproto.describe(*m) for m in got])

    def assert_canceled(self, results, status="I"):
        self.assertEqual(len(results), 1, results)
        err = results[0].get("error")
        self.assertIsNotNone(err, "expected 57014, got %s" % results)
        self.assertEqual((err.get("S"), err.get("C"), err.get("M")), ("ERROR", "57014", CANCELED))

    def assert_sleep_result(self, results):
        self.assertEqual(len(results), 1, results)
        self.assertNotIn("error", results[0], results)
        self.assertEqual(results[0]["rows"], [[""]])
        self.assertEqual(results[0]["tag"], "SELECT 1")

    def start_sleep(self, server, c, seconds, prefix=""):
        """Sends `prefix` + pg_sleep(seconds) and returns once it runs."""
        sent = time.monotonic()
        c.send(pgproto.query("%sselect pg_sleep(%s)" % (prefix, seconds)))
        server.wait_sleeping(seconds, sent)
        self.assertFalse(c.has_data(), "pg_sleep(%s) answered at once" % seconds)
        return sent

    def cancel_running_sleep(self, server, c, tls=False, seconds=SLEEP, status="I"):
        """Right key: 57014 promptly; the session's status is `status` after."""
        self.start_sleep(server, c, seconds)
        started = time.monotonic()
        self.cancel(server, *c.backend_key, tls=tls)
        results = c.read_results()
        took = time.monotonic() - started
        self.assert_canceled(results)
        self.assertEqual(c.status, status)
        self.assertLess(took, PROMPT, "57014 came %.1f s after the cancel" % took)

    def assert_sleep_completes(self, c, seconds):
        """The session runs a whole pg_sleep: no cancel is left over."""
        started = time.monotonic()
        results = c.simple_query("select pg_sleep(%s)" % seconds)
        took = time.monotonic() - started
        self.assert_sleep_result(results)
        self.assertGreaterEqual(took, seconds * 0.95, "pg_sleep(%s) ended after %.2f s"
                                % (seconds, took))


class CancelSleepTest(CancelBase):
    """The `server` example's pg_sleep: protocol 3.0 and 3.2, cancel in
    plaintext and inside TLS."""

    VARIANTS = [((3, 0), False), ((3, 2), False), ((3, 0), True), ((3, 2), True)]

    def setUp(self):
        # With TLS, still accepting plaintext sessions.
        self.server = self.start_tls_server("server")

    def test_right_key_cancels_the_running_statement(self):
        for version, tls in self.VARIANTS:
            with self.subTest(version=version, tls=tls):
                c = self.session(self.server, version, tls)
                self.cancel_running_sleep(self.server, c, tls=tls)
                # The session goes on, and the next statement is not canceled.
                self.assert_sleep_completes(c, 0.3)
                self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])
                self.assertEqual(c.status, "I")

    def wrong_keys(self, pid, key):
        flipped_first = bytes([key[0] ^ 0xFF]) + key[1:]
        flipped_last = key[:-1] + bytes([key[-1] ^ 0x01])
        return [
            ("wrong secret (first byte)", pid, flipped_first),
            ("wrong secret (last bit)", pid, flipped_last),
            ("wrong process id", pid ^ 0x40000000, key),
            ("neighbouring process id", pid + 1, key),
            ("key one byte short", pid, key[:-1]),
            ("key one byte long", pid, key + b"\0"),
            ("empty key", pid, b""),
            ("key of 257 bytes", pid, b"k" * 257),
            ("4-byte prefix of the key", pid, key[:4]) if len(key) > 4 else
            ("3-byte prefix of the key", pid, key[:3]),
        ]

    def test_wrong_keys_leave_the_statement_running(self):
        seconds = 3.0 * SLOW  # long enough for the wrong cancels to be handled
        for version, tls in self.VARIANTS:
            with self.subTest(version=version, tls=tls):
                c = self.session(self.server, version, tls)
                pid, key = c.backend_key
                sent = self.start_sleep(self.server, c, seconds)
                for what, p, k in self.wrong_keys(pid, key):
                    self.cancel(self.server, p, k, tls=tls)
                    # Handled (its connection is closed) while the statement
                    # still runs: its result has not been sent.
                    self.assertFalse(c.has_data(), "the statement ended (or was canceled) "
                                     "by the %s cancel, or before it was handled" % what)
                results = c.read_results()
                took = time.monotonic() - sent
                self.assert_sleep_result(results)
                self.assertEqual(c.status, "I")
                self.assertGreaterEqual(took, seconds * 0.95, "ended early: %.2f s" % took)

    def test_cancel_via_ssl_request_refused_by_a_plain_server(self):
        # SSLRequest answered 'N', then the CancelRequest in plaintext.
        s = self.start_server("server", "--listen", "127.0.0.1:0")
        c = self.session(s)
        self.start_sleep(s, c, SLEEP)
        with pgproto.Conn(port=s.port) as k:
            self.assertEqual(k.request_ssl(), b"N")
            k.send(pgproto.cancel_request(*c.backend_key))
            self.assertEqual(k.expect_closed(10.0 * SLOW), [])
        self.assert_canceled(c.read_results())
        self.assertEqual(c.status, "I")

    def test_cancel_inside_a_transaction_block(self):
        c = self.session(self.server)
        self.assertEqual(c.simple_query("begin")[0]["tag"], "BEGIN")
        self.assertEqual(c.status, "T")
        self.cancel_running_sleep(self.server, c, status="E")
        self.assertEqual(c.simple_query("rollback")[0]["tag"], "ROLLBACK")
        self.assertEqual(c.status, "I")
        self.assert_sleep_completes(c, 0.3)

    def test_cancel_ends_the_rest_of_the_query_string(self):
        # The statements after the canceled one are not run, and the flag is
        # gone for the next query.
        c = self.session(self.server)
        self.start_sleep(self.server, c, SLEEP, prefix="select 'before'; ")
        self.cancel(self.server, *c.backend_key)
        results = c.read_results()
        self.assertEqual(results[0]["rows"], [["select 'before'", "15"]])
        self.assert_canceled(results[1:])
        self.assertEqual(c.status, "I")
        self.assert_sleep_completes(c, 0.3)

    def test_cancel_of_an_idle_session_is_not_kept(self):
        # PostgreSQL ignores a cancel that finds no statement running: it
        # must not cancel the next one.
        c = self.session(self.server)
        self.cancel(self.server, *c.backend_key)
        self.assert_sleep_completes(c, 0.5)

    def test_cancel_targets_only_its_session(self):
        a, b = self.session(self.server), self.session(self.server)
        # The longer one first: the server's timerfd shows the earliest deadline.
        self.start_sleep(self.server, a, SLEEP)
        self.start_sleep(self.server, b, 2.0 * SLOW)
        started = time.monotonic()
        self.cancel(self.server, *a.backend_key)
        self.assert_canceled(a.read_results())
        self.assertFalse(b.has_data(), "b's statement ended with a's cancel")
        self.assert_sleep_result(b.read_results())
        self.assertGreaterEqual(time.monotonic() - started, 1.0 * SLOW)

    def test_distinct_backend_keys(self):
        a, b = self.session(self.server), self.session(self.server)
        self.assertNotEqual(a.backend_key[0], b.backend_key[0])
        self.assertNotEqual(a.backend_key[1], b.backend_key[1])


class CancelThreadsTest(CancelBase):

    def test_cancel_with_two_io_threads(self):
        # Sessions and cancel connections land on either thread.
        s = self.start_server("server", "--listen", "127.0.0.1:0", "--threads", "2")
        sessions = [self.session(s, version) for version in ((3, 0), (3, 2)) * 3]
        for i, c in enumerate(sessions):
            # A distinct length each time: wait_sleeping must see this timer.
            self.cancel_running_sleep(s, c, seconds=SLEEP + i)
        for c in sessions:
            self.assert_sleep_completes(c, 0.2)
        # A wrong key on two threads still cancels nothing.
        c = sessions[0]
        pid, key = c.backend_key
        seconds = 2.0 * SLOW
        sent = self.start_sleep(s, c, seconds)
        for other in sessions[1:]:
            self.cancel(s, pid, other.backend_key[1])
            self.cancel(s, other.backend_key[0], key)
        self.assertFalse(c.has_data())
        self.assert_sleep_result(c.read_results())
        self.assertGreaterEqual(time.monotonic() - sent, seconds * 0.95)


class CancelStreamingTest(CancelBase):
    """sqlite_server: a result streaming rows, an extended-protocol Execute
    and a cursor FETCH, each shown to run by its first DataRow."""

    def setUp(self):
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0")

    def assert_canceled_stream(self, counts, others, status="I"):
        kinds = [k for k, _ in others]
        self.assertEqual(kinds[-2:], ["E", "Z"], [pgproto.describe(*m) for m in others])
        self.assertNotIn("C", kinds, "the result completed: %s" % [pgproto.describe(*m) for m in others])
        fields = pgproto.parse_fields(others[-2][1])
        self.assertEqual((fields.get("S"), fields.get("C"), fields.get("M")),
                         ("ERROR", "57014", CANCELED), fields)
        self.assertEqual(others[-1][1], status.encode())
        self.assertLess(counts.get("D", 0), HUGE)

    def first_row(self, c):
        """Reads up to the first DataRow; returns the messages before it."""
        got = []
        while True:
            kind, body = c.read_message()
            if kind == "D":
                return got
            if kind in ("E", "Z"):
                self.fail("no rows: %s" % pgproto.describe(kind, body))
            got.append(kind)

    def test_cancel_during_row_streaming(self):
        for threads in ("1", "2"):
            with self.subTest(threads=threads):
                s = self.start_server("sqlite_server", "--listen", "127.0.0.1:0",
                                      "--threads", threads)
                c = self.session(s)
                c.send(pgproto.query(HUGE_QUERY))
                self.assertEqual(self.first_row(c), ["T"])
                started = time.monotonic()
                self.cancel(s, *c.backend_key)
                counts, others = read_until_ready(c)
                self.assert_canceled_stream(counts, others)
                self.assertLess(time.monotonic() - started, PROMPT)
                self.assertEqual(c.simple_query("select 1")[0]["rows"], [["1"]])
                self.assertEqual(c.status, "I")

    def test_parse_does_not_run_a_costly_statement(self):
        # Parse types a parameterless SELECT's columns by stepping its first
        # row, within a bound: a sleep or a long aggregate is typed from its
        # text instead of running twice. A count over HUGE rows and
        # pg_sleep(600) are described at once (the reads below would time
        # out first); the sleep then runs at Execute, where a cancel stops it.
        c = self.session(self.server)
        c.sock.settimeout(10.0 * SLOW)
        describe_statement = pgproto.message("D", b"S" + pgproto.cstr(""))
        for sql in ("SELECT count(*) FROM (%s) s" % HUGE_QUERY, "select pg_sleep(600)"):
            c.send(pgproto.parse(sql) + describe_statement + pgproto.sync())
            counts, others = read_until_ready(c)
            self.assertEqual([k for k, _ in others], ["1", "t", "T", "Z"], [pgproto.describe(*m) for m in others])
        self.assertNotIn("pg_sleep", self.server.thread_names())
        c.send(pgproto.bind() + pgproto.execute() + pgproto.sync())
        deadline = time.monotonic() + 10 * SLOW
        while "pg_sleep" not in self.server.thread_names():
            self.assertLess(time.monotonic(), deadline, "pg_sleep never started: %s" % self.server.thread_names())
            time.sleep(0.005)  # polling a condition, bounded by the deadline
        self.cancel(self.server, *c.backend_key)
        counts, others = read_until_ready(c)
        self.assertEqual([k for k, _ in others], ["2", "E", "Z"], [pgproto.describe(*m) for m in others])
        self.assertEqual(pgproto.parse_fields(others[1][1]).get("C"), "57014")

    def test_cancel_while_the_server_waits_for_a_slow_client(self):
        # The client stops reading: the server is blocked on a full socket
        # when the cancel arrives. The rows already produced may still come,
        # then 57014; the connection stays usable.
        c = pgproto.Conn(port=self.server.port, rcvbuf=16384)
        self.addCleanup(c.close)
        c.startup("postgres")
        c.send(pgproto.query(HUGE_QUERY))
        self.assertEqual(self.first_row(c), ["T"])
        client_port = c.sock.getsockname()[1]
        deadline = time.monotonic() + 10 * SLOW
        while True:
            # Data waits in both directions' buffers: the server cannot write.
            server_tx, _ = tcp_queues(self.server.port, client_port)
            _, client_rx = tcp_queues(client_port, self.server.port)
            if server_tx > 0 and client_rx > 0:
                break
            self.assertLess(time.monotonic(), deadline, "the server's output never backed up "
                            "(send queue %d, client receive queue %d)" % (server_tx, client_rx))
            time.sleep(0.005)  # polling a condition, bounded by the deadline
        self.cancel(self.server, *c.backend_key)
        counts, others = read_until_ready(c)
        self.assert_canceled_stream(counts, others)
        self.assertEqual(c.simple_query("select 2")[0]["rows"], [["2"]])

    def test_cancel_during_extended_execute(self):
        c = self.session(self.server, (3, 2))
        c.send(pgproto.parse(HUGE_QUERY) + pgproto.bind() + pgproto.describe_portal()
               + pgproto.execute() + pgproto.sync())
        self.assertEqual(self.first_row(c), ["1", "2", "T"])
        self.cancel(self.server, *c.backend_key)
        counts, others = read_until_ready(c)
        self.assert_canceled_stream(counts, others)
        # The next Execute runs to its end: the cancel is not kept.
        c.send(pgproto.parse("SELECT $1::int + 1", param_types=(23,)) + pgproto.bind(params=["41"])
               + pgproto.execute() + pgproto.sync())
        counts, others = read_until_ready(c)
        self.assertEqual([k for k, _ in others], ["1", "2", "C", "Z"],
                         [pgproto.describe(*m) for m in others])
        self.assertEqual(counts.get("D"), 1)
        self.assertEqual(others[-1][1], b"I")

    def test_cancel_of_a_cursor_fetch_in_a_transaction(self):
        c = self.session(self.server)
        results = c.simple_query("BEGIN; DECLARE big CURSOR FOR " + HUGE_QUERY)
        self.assertEqual([r.get("tag") for r in results], ["BEGIN", "DECLARE CURSOR"], results)
        self.assertEqual(c.status, "T")
        self.assertEqual(c.simple_query("FETCH 2 FROM big")[0]["rows"], [["1", "row 1"],
                                                                          ["2", "row 2"]])
        c.send(pgproto.query("FETCH ALL FROM big"))
        self.assertEqual(self.first_row(c), ["T"])
        self.cancel(self.server, *c.backend_key)
        counts, others = read_until_ready(c)
        # Inside a transaction block: it is aborted ('E') until ROLLBACK.
        self.assert_canceled_stream(counts, others, status="E")
        results = c.simple_query("FETCH 1 FROM big")
        self.assertEqual(results[0]["error"]["C"], "25P02", results)
        self.assertEqual(c.status, "E")
        self.assertEqual(c.simple_query("ROLLBACK")[0]["tag"], "ROLLBACK")
        self.assertEqual(c.status, "I")
        self.assertEqual(c.simple_query("select 3")[0]["rows"], [["3"]])


if __name__ == "__main__":
    unittest.main()
