"""Hostile and broken input: unknown message types, oversized or undersized
lengths, oversized startup packets and probes. Each broken connection must end
(FATAL 08P01 where PostgreSQL sends one, silently where it does not: a bad
message length is only logged by PostgreSQL 15) while
other sessions of the same server go on. CancelRequests, wrong and malformed
keys included, are in test_cancel.py: they need a running statement."""

import os
import struct
import time
import unittest

import pgproto
from harness import ServerTestCase


class MalformedInputTest(ServerTestCase):

    def setUp(self):
        self.server = self.start_server("server", "--listen", "127.0.0.1:0")
        # A session that is open during the abuse and must keep working.
        self.bystander = self.session()

    def tearDown(self):
        results = self.bystander.simple_query("select 'still here'")
        self.assertEqual(results[0]["rows"], [["select 'still here'", "19"]])
        self.assertEqual(self.bystander.status, "I")

    def session(self, version=(3, 0)):
        c = pgproto.Conn(port=self.server.port)
        self.addCleanup(c.close)
        c.startup("postgres", version=version)
        return c

    def raw(self):
        c = pgproto.Conn(port=self.server.port)
        self.addCleanup(c.close)
        return c

    def assert_fatal_and_closed(self, c, code="08P01", message=None, timeout=10.0):
        got = c.expect_closed(timeout)
        self.assertEqual([k for k, _ in got], ["E"], [pgproto.describe(*m) for m in got])
        fields = pgproto.parse_fields(got[0][1])
        self.assertEqual(fields.get("S"), "FATAL", fields)
        self.assertEqual(fields.get("V"), "FATAL", fields)
        self.assertEqual(fields.get("C"), code, fields)
        if message is not None:
            self.assertEqual(fields.get("M"), message)
        return fields

    def test_unknown_message_type_after_login(self):
        c = self.session()
        c.send(b"Y" + struct.pack("!i", 4))
        self.assert_fatal_and_closed(c, message="invalid frontend message type 89")

    def test_unknown_message_type_with_body(self):
        c = self.session()
        c.send(b"\x01" + struct.pack("!i", 8) + b"abcd")
        self.assert_fatal_and_closed(c)

    def test_oversized_sync(self):
        c = self.session()
        # Only the header: the server must not wait for the 100000 bytes.
        c.send(b"S" + struct.pack("!i", 100000))
        self.assertEqual(c.expect_closed(), [])

    def test_oversized_message_during_authentication(self):
        s = self.start_server("server", "--listen", "127.0.0.1:0", "--auth", "cleartext")
        with pgproto.Conn(port=s.port) as c:
            c.send(pgproto.startup_packet("postgres"))
            kind, body = c.read_message()
            self.assertEqual((kind, body), ("R", struct.pack("!i", 3)))
            c.send(b"p" + struct.pack("!i", 1 << 20))  # over the 64 KiB auth token limit
            self.assertEqual(c.expect_closed(5.0), [])

    def test_length_below_four(self):
        c = self.session()
        c.send(b"Q" + struct.pack("!i", 3))
        self.assertEqual(c.expect_closed(), [])

    def test_negative_length(self):
        c = self.session()
        c.send(b"Q" + struct.pack("!i", -5))
        self.assertEqual(c.expect_closed(), [])

    def test_query_without_terminator_is_an_error_not_fatal(self):
        # Boundaries are intact: PostgreSQL answers ERROR 08P01 and goes on.
        c = self.session()
        c.send(b"Q" + struct.pack("!i", 4 + 3) + b"abc")
        results = c.read_results()
        self.assertEqual(len(results), 1, results)
        self.assertEqual(results[0]["error"]["C"], "08P01")
        self.assertEqual(results[0]["error"]["S"], "ERROR")
        self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])

    def test_password_message_after_login(self):
        c = self.session()
        c.send(pgproto.message("p", b"secret\0"))
        self.assert_fatal_and_closed(c)

    def test_oversized_startup_packet_closed_without_reply(self):
        c = self.raw()
        c.send(struct.pack("!i", 20000) + struct.pack("!HH", 3, 0))
        self.assertEqual(c.expect_closed(), [])

    def test_undersized_startup_packet_closed_without_reply(self):
        c = self.raw()
        c.send(struct.pack("!i", 4))
        self.assertEqual(c.expect_closed(), [])

    def test_startup_packet_without_terminator(self):
        c = self.raw()
        body = struct.pack("!HH", 3, 0) + b"user\0postgres"  # no final NUL
        c.send(struct.pack("!i", len(body) + 4) + body)
        self.assert_fatal_and_closed(c)

    def test_probe_connect_and_close(self):
        # Zero bytes then EOF (a port scanner, a health check).
        for _ in range(3):
            self.raw().close()
        c = self.raw()
        c.send(struct.pack("!i", 8))  # half a packet, then EOF
        c.sock.shutdown(1)
        self.assertEqual(c.expect_closed(), [])

    def test_terminate_closes(self):
        c = self.session()
        c.send(pgproto.message("X"))
        self.assertEqual(c.expect_closed(), [])

    def test_extended_protocol_error_skips_until_sync(self):
        # Bind to a statement that does not exist: ERROR (26000, or 0A000 from
        # a server without extended-query support), the Execute after it is
        # skipped, Sync answers ReadyForQuery, and the session goes on.
        c = self.session()
        c.send(pgproto.message("B", b"\0no_such_statement\0" + b"\0" * 6)
               + pgproto.message("E", b"\0\0\0\0\0") + pgproto.message("S"))
        got = []
        while True:
            kind, body = c.read_message()
            got.append((kind, body))
            if kind == "Z":
                break
        self.assertEqual([k for k, _ in got], ["E", "Z"], [pgproto.describe(*m) for m in got])
        fields = pgproto.parse_fields(got[0][1])
        self.assertEqual(fields["S"], "ERROR", fields)
        self.assertIn(fields["C"], ("26000", "0A000"), fields)
        self.assertEqual(got[1][1], b"I")
        self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])


class AbortedAuthenticationTest(ServerTestCase):
    """A client that goes away in the middle of authentication (psql without
    a password does exactly that: it reads the password request, closes, and
    prompts) must not keep a connection open on the server."""

    def open_fds(self, server):
        return len(os.listdir("/proc/%d/fd" % server.pid))

    def wait_fds(self, server, expected, timeout):
        deadline = time.monotonic() + timeout
        while True:
            n = self.open_fds(server)
            if n <= expected or time.monotonic() > deadline:
                return n
            time.sleep(0.02)  # polling a condition, bounded by the deadline

    def test_client_leaving_during_authentication_is_released(self):
        s = self.start_server("server", "--listen", "127.0.0.1:0", "--auth", "md5",
                              "--password", "pw")
        baseline = self.open_fds(s)
        # Control: a complete session leaves nothing behind.
        self.psql(self.conninfo(s), "-c", "select 1", password="pw")
        self.assertEqual(self.wait_fds(s, baseline, 5.0), baseline,
                         "a finished session is still open on the server")
        for _ in range(3):
            r = self.psql(self.conninfo(s), "-w", "-c", "select 1", expect_ok=False)
            self.assertIn("no password supplied", r.stderr)
        with pgproto.Conn(port=s.port) as c:
            c.send(pgproto.startup_packet("postgres"))
            self.assertEqual(c.read_message()[0], "R")
        left = self.wait_fds(s, baseline, 5.0)
        self.assertLessEqual(left, baseline,
                         "%d connections aborted during authentication are still open on the "
                         "server 5 s later (it holds them until authentication_timeout)"
                         % (left - baseline))


if __name__ == "__main__":
    unittest.main()
