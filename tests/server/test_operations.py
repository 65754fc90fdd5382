"""The operations flags every example shares (examples/common.hpp), against
the `server` example with real clients (psql and the protocol client):
--max-connections (FATAL 53300 before authentication, the slot freed at
close), --idle-session-timeout (57P05), --idle-in-transaction-timeout
(25P03) and their SET by a session (sqlite_server), --auth-timeout, --log,
and the graceful shutdown on SIGTERM (57P01 to an
idle session at once, a running statement answered first, exit status 0)."""

import signal
import subprocess
import time
import unittest

import pgproto
from harness import SANITIZER_MARKERS, SLOW, ServerTestCase, program


def fatal_then_close(test, c, code, message):
    got = c.expect_closed(timeout=10.0 * SLOW)
    test.assertEqual([k for k, _ in got], ["E"], [pgproto.describe(*m) for m in got])
    fields = pgproto.parse_fields(got[0][1])
    test.assertEqual((fields.get("S"), fields.get("C"), fields.get("M")), ("FATAL", code, message))


class OperationsTest(ServerTestCase):

    def start(self, *args):
        return self.start_server("server", "--listen", "127.0.0.1:0", "--auth", "cleartext", *args)

    def test_max_connections(self):
        s = self.start("--max-connections", "1")
        with pgproto.Conn(port=s.port) as first:
            first.startup("postgres", "postgres")
            # psql is refused with PostgreSQL's message, before any password exchange.
            r = self.psql(self.conninfo(s), "-c", "select 1", password="postgres", expect_ok=False)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("sorry, too many clients already", r.stderr)
            with pgproto.Conn(port=s.port) as refused:
                refused.send(pgproto.startup_packet("postgres"))
                fatal_then_close(self, refused, "53300", "sorry, too many clients already")
            first.send(pgproto.message("X"))
            self.assertEqual(first.expect_closed(), [])
        # The slot is free again.
        r = self.psql(self.conninfo(s), "-At", "-c", "select 1", password="postgres")
        self.assertIn("select 1", r.stdout)

    def test_a_flood_beyond_twice_max_connections_costs_no_session(self):
        # One io thread: accepted connections start their sessions in order,
        # so the third below is accepted after the second is registered.
        s = self.start("--max-connections", "1", "--threads", "1")
        with pgproto.Conn(port=s.port) as first, pgproto.Conn(port=s.port) as second:
            first.startup("postgres", "postgres")
            # `second` has sent nothing: a live session without a slot. Now
            # twice the limit is live: the next connection is refused at once,
            # before it sends a byte, and closed.
            with pgproto.Conn(port=s.port) as third:
                fatal_then_close(self, third, "53300", "sorry, too many clients already")
            # `second` is served as before: 53300 after its startup packet.
            second.send(pgproto.startup_packet("postgres"))
            fatal_then_close(self, second, "53300", "sorry, too many clients already")
            self.assertEqual(first.simple_query("select 1")[0]["tag"], "SELECT 1")

    def test_idle_session_timeout(self):
        s = self.start("--idle-session-timeout", "0.3")
        with pgproto.Conn(port=s.port) as c:
            c.startup("postgres", "postgres")
            fatal_then_close(self, c, "57P05", "terminating connection due to idle-session timeout")

    def test_idle_in_transaction_timeout(self):
        s = self.start("--idle-in-transaction-timeout", "0.3")
        with pgproto.Conn(port=s.port) as c:
            c.startup("postgres", "postgres")
            c.simple_query("BEGIN")
            self.assertEqual(c.status, "T")
            fatal_then_close(self, c, "25P03", "terminating connection due to idle-in-transaction timeout")

    def test_a_session_sets_its_own_idle_session_timeout(self):
        # sqlite_server answers SET with the library's SessionCommands.
        s = self.start_server("sqlite_server", "--listen", "127.0.0.1:0")
        with pgproto.Conn(port=s.port) as c:
            c.startup("postgres")
            c.simple_query("SET idle_session_timeout = '300ms'")
            self.assertEqual(c.simple_query("SHOW idle_session_timeout")[0]["rows"], [["300ms"]])
            fatal_then_close(self, c, "57P05", "terminating connection due to idle-session timeout")
        with pgproto.Conn(port=s.port) as c:
            c.startup("postgres")
            # SET LOCAL inside a block: gone with the block.
            c.simple_query("BEGIN; SET LOCAL idle_in_transaction_session_timeout = '300ms'")
            fatal_then_close(self, c, "25P03", "terminating connection due to idle-in-transaction timeout")

    def test_auth_timeout(self):
        s = self.start("--auth-timeout", "0.3")
        with pgproto.Conn(port=s.port) as c:
            c.send(pgproto.startup_packet("postgres"))
            kind, _ = c.read_message()
            self.assertEqual(kind, "R")  # the password request, never answered
            fatal_then_close(self, c, "57014", "canceling authentication due to timeout")

    def test_log_lines_on_stderr(self):
        s = self.start("--log", "info")
        with pgproto.Conn(port=s.port) as c:
            c.startup("postgres", "postgres")
            c.simple_query("select 'not-logged'")
            c.send(pgproto.message("X"))
            self.assertEqual(c.expect_closed(), [])
        with pgproto.Conn(port=s.port) as c:
            with self.assertRaises(pgproto.ServerError):
                c.startup("postgres", "wrong-secret")
            self.assertEqual(c.expect_closed(), [])
        # Each line is written before the connection it tells of is closed.
        err = s.stderr()
        self.assertIn("INFO: connection authorized: user=postgres database=postgres", err)
        self.assertIn("INFO: authentication failed: user=postgres database=postgres host=127.0.0.1:", err)
        self.assertIn("INFO: disconnection: session time:", err)
        self.assertIn(": client left", err)
        self.assertIn(": fatal error 28P01", err)
        self.assertNotIn("DEBUG", err)
        for secret in ("not-logged", "wrong-secret"):
            self.assertNotIn(secret, err)

    def test_bad_flag_values_are_refused(self):
        for flag in ("--auth-timeout", "--max-connections", "--idle-session-timeout",
                     "--idle-in-transaction-timeout", "--shutdown-grace", "--log"):
            r = subprocess.run([program("server"), flag, "soon"], capture_output=True, text=True,
                               timeout=30)
            self.assertEqual(r.returncode, 2, flag)
            self.assertIn(flag, r.stderr)

    def test_sigterm_shuts_down_gracefully(self):
        s = self.start("--shutdown-grace", "30")
        with pgproto.Conn(port=s.port) as idle, pgproto.Conn(port=s.port) as busy:
            idle.startup("postgres", "postgres")
            busy.startup("postgres", "postgres")
            sent = time.monotonic()
            busy.send(pgproto.query("select pg_sleep(1)"))
            s.wait_sleeping(1, sent)
            s.proc.send_signal(signal.SIGTERM)
            admin = "terminating connection due to administrator command"
            fatal_then_close(self, idle, "57P01", admin)
            # The running statement is answered, then the session ends.
            results = busy.read_results()
            self.assertNotIn("error", results[0])
            fatal_then_close(self, busy, "57P01", admin)
            # Then the process exits cleanly, long before the grace is over.
            self.assertEqual(s.proc.wait(20.0 * SLOW), 0)
        s.stopped = True
        err = s.stderr()
        self.assertFalse(any(m in err for m in SANITIZER_MARKERS), err)


if __name__ == "__main__":
    unittest.main()
