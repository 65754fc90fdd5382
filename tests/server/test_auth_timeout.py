"""authentication_timeout (ServerOptions::authentication_timeout), against
auth_timeout_server (built in tests/server/ from the library: the examples
do not expose the option, and its 60 s default is too long for a test).

A session that does not finish startup in time is closed. Once
authentication has begun, the library sends FATAL 57014 "canceling
authentication due to timeout" first (its documented intent, and what this
suite was asked to check; PostgreSQL itself only logs that message and
closes, see ProcessInterrupts: "don't risk sending to client during auth").
A session that has logged in is not affected. A TLS handshake that stalls
(after SSLRequest was answered 'S', or a direct SSL ClientHello cut short, or
a client that never finishes the handshake) is closed at the timeout too,
without a message."""

import ssl
import struct
import time
import unittest

import pgproto
from harness import SLOW, ServerTestCase, tls_files

TIMEOUT_MS = 500


def client_hello():
    """The bytes of a real TLS ClientHello (ALPN "postgresql"), made in memory."""
    ctx = pgproto.client_tls_context(None, ["postgresql"])
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_side=False)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()
    if len(hello) < 100 or hello[0] != 0x16:
        raise AssertionError("not a ClientHello: %r" % hello[:16])
    return hello


class AuthTimeoutTest(ServerTestCase):

    def start(self, auth, tls=False):
        args = ["--listen", "127.0.0.1:0", "--auth", auth, "--auth-timeout-ms", str(TIMEOUT_MS)]
        if tls:
            _, cert, key = tls_files()
            args += ["--tls-cert", cert, "--tls-key", key]
        return self.start_server("auth_timeout_server", *args)

    def assert_closed_after_timeout(self, c, started):
        got = c.expect_closed(timeout=5.0 * SLOW)
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, TIMEOUT_MS / 1000.0 * 0.8,
                                "closed after %.2f s, before the timeout" % elapsed)
        return got, elapsed

    def test_silent_after_ssl_request(self):
        s = self.start("trust")
        with pgproto.Conn(port=s.port) as c:
            started = time.monotonic()
            self.assertEqual(c.request_ssl(), b"N")
            got, _ = self.assert_closed_after_timeout(c, started)
            # Authentication had not begun: closed without a message.
            self.assertEqual(got, [])
        self.assert_server_still_serves(s, "trust")

    # A TLS handshake that stalls is covered by the timeout too (it counts
    # as startup, as in PostgreSQL). Authentication has not begun: closed
    # without a message (nor a TLS alert).

    def test_silent_after_ssl_request_answered_s(self):
        s = self.start("trust", tls=True)
        with pgproto.Conn(port=s.port) as c:
            started = time.monotonic()
            self.assertEqual(c.request_ssl(), b"S")
            # ... and no ClientHello.
            got, _ = self.assert_closed_after_timeout(c, started)
            self.assertEqual(got, [])
        self.assert_server_still_serves(s, "trust", tls=True)

    def test_partial_client_hello_after_ssl_request(self):
        s = self.start("trust", tls=True)
        hello = client_hello()
        with pgproto.Conn(port=s.port) as c:
            started = time.monotonic()
            self.assertEqual(c.request_ssl(), b"S")
            c.send(hello[:len(hello) // 2])
            got, _ = self.assert_closed_after_timeout(c, started)
            self.assertEqual(got, [])
        self.assert_server_still_serves(s, "trust", tls=True)

    def test_partial_client_hello_direct_ssl(self):
        # PostgreSQL 17 direct SSL: the ClientHello comes first.
        s = self.start("trust", tls=True)
        hello = client_hello()
        with pgproto.Conn(port=s.port) as c:
            started = time.monotonic()
            c.send(hello[:len(hello) // 2])
            got, _ = self.assert_closed_after_timeout(c, started)
            self.assertEqual(got, [])
        self.assert_server_still_serves(s, "trust", tls=True)

    def test_client_stalls_after_the_server_hello(self):
        # A whole ClientHello: the server answers (ServerHello and the rest of
        # its flight), then the client never finishes the handshake.
        s = self.start("trust", tls=True)
        with pgproto.Conn(port=s.port) as c:
            started = time.monotonic()
            self.assertEqual(c.request_ssl(), b"S")
            c.send(client_hello())
            flight = b""
            deadline = started + 5.0 * SLOW
            while True:
                c.sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    data = c.sock.recv(65536)
                except pgproto.CLOSED_ERRORS:
                    data = b""
                except TimeoutError:
                    self.fail("still open %.1f s after the ClientHello" % (5.0 * SLOW))
                if not data:
                    break
                flight += data
            elapsed = time.monotonic() - started
            self.assertEqual(flight[:1], b"\x16", "no TLS handshake record from the server")
            self.assertGreaterEqual(elapsed, TIMEOUT_MS / 1000.0 * 0.8,
                                    "closed after %.2f s, before the timeout" % elapsed)
        self.assert_server_still_serves(s, "trust", tls=True)

    def test_silent_client(self):
        s = self.start("trust")
        with pgproto.Conn(port=s.port) as c:
            got, _ = self.assert_closed_after_timeout(c, time.monotonic())
            self.assertEqual(got, [])

    def test_partial_startup_packet(self):
        s = self.start("trust")
        with pgproto.Conn(port=s.port) as c:
            c.send(struct.pack("!i", 40) + b"\0\3")
            got, _ = self.assert_closed_after_timeout(c, time.monotonic())
            self.assertEqual(got, [])

    def test_stalled_cleartext_authentication(self):
        s = self.start("cleartext")
        with pgproto.Conn(port=s.port) as c:
            started = time.monotonic()
            c.send(pgproto.startup_packet("postgres"))
            kind, body = c.read_message()
            self.assertEqual((kind, body), ("R", struct.pack("!i", 3)),
                             "expected AuthenticationCleartextPassword")
            # ... and never answer it.
            got, elapsed = self.assert_closed_after_timeout(c, started)
            self.assertEqual([k for k, _ in got], ["E"],
                             "expected FATAL 57014 before the close (after %.2f s), got %s"
                             % (elapsed, [pgproto.describe(*m) for m in got]))
            fields = pgproto.parse_fields(got[0][1])
            self.assertEqual(fields.get("S"), "FATAL", fields)
            self.assertEqual(fields.get("C"), "57014", fields)
            self.assertEqual(fields.get("M"), "canceling authentication due to timeout")
        self.assert_server_still_serves(s, "cleartext")

    def test_stalled_scram_authentication(self):
        s = self.start("scram")
        with pgproto.Conn(port=s.port) as c:
            started = time.monotonic()
            c.send(pgproto.startup_packet("postgres"))
            kind, body = c.read_message()
            self.assertEqual(kind, "R")
            scram = pgproto.Scram("postgres", [], c, None)
            c.send(scram.initial())
            kind, body = c.read_message()
            self.assertEqual(struct.unpack_from("!i", body)[0], 11, "SASLContinue")
            got, elapsed = self.assert_closed_after_timeout(c, started)
            self.assertEqual([k for k, _ in got], ["E"],
                             "expected FATAL 57014 before the close (after %.2f s), got %s"
                             % (elapsed, [pgproto.describe(*m) for m in got]))
            self.assertEqual(pgproto.parse_fields(got[0][1]).get("C"), "57014")

    def test_logged_in_session_outlives_the_timeout(self):
        s = self.start("cleartext")
        with pgproto.Conn(port=s.port) as c:
            c.startup("postgres", "postgres")
            # Let the authentication timer's deadline pass (time passing is
            # the point here, not synchronisation).
            time.sleep(3 * TIMEOUT_MS / 1000.0)
            self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])

    def assert_server_still_serves(self, s, auth, tls=False):
        with pgproto.Conn(port=s.port) as c:
            if tls:
                self.assertEqual(c.request_ssl(), b"S")
                c.start_tls(pgproto.client_tls_context())
            c.startup("postgres", "postgres" if auth != "trust" else None)
            self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])


if __name__ == "__main__":
    unittest.main()
