"""Hostile input before login, over real sockets, against sqlite_server,
libpq_proxy and the reference PostgreSQL 15 (see hostile.py): startup
packet lengths and layouts, protocol versions, SSLRequest / GSSENCRequest
misuse, direct TLS with and without ALPN, CancelRequests with wrong keys or
lengths, garbage first bytes, and silent or byte-by-byte clients cut by the
authentication timeout. After each case the server still serves."""

import socket
import ssl
import time
import unittest

import hostile
import pgproto
from harness import SLOW, tls_files
from hostile import int32, raw_startup, show

V3 = int32(196608)


def setUpModule():
    hostile.start_reference()


def tearDownModule():
    hostile.stop_reference()


def client_hello(alpn):
    """The first flight of a TLS client, made in memory."""
    ctx = pgproto.client_tls_context(None, alpn)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_side=False)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


class StartupCases:

    def assert_memory_flat(self, before, what):
        after = self.rss_kb()
        if before is not None:
            self.assertLess(after - before, 16 * 1024,
                            "%s: RSS went from %d kB to %d kB" % (what, before, after))

    # Lengths -------------------------------------------------------------------

    def test_startup_length_below_8_closed_without_reply(self):
        for length in (0, 1, 4, 7):
            c = self.raw()
            c.send(int32(length) + b"\0" * max(0, length - 4))
            self.assert_closed_silently(c)

    def test_startup_length_over_10000_closed_without_reply(self):
        c = self.raw()
        c.send(int32(10005) + V3 + b"user\0x\0")  # the rest never comes
        self.assert_closed_silently(c)

    def test_huge_startup_length_costs_nothing(self):
        before = self.rss_kb()
        for length in (0x7FFFFFFF, -1, 0x40000000):
            c = self.raw()
            c.send(int32(length) + V3)
            self.assert_closed_silently(c)
        self.assert_memory_flat(before, "huge startup lengths")

    # Layout --------------------------------------------------------------------

    def test_parameters_without_final_terminator(self):
        c = self.raw()
        c.send(raw_startup(V3 + b"user\0postgres\0"))  # no final NUL after the pairs
        self.assert_fatal(c, "08P01")

    def test_parameter_name_without_value(self):
        c = self.raw()
        c.send(raw_startup(V3 + b"user\0postgres\0database\0"))
        self.assert_fatal(c, "08P01")

    def test_unterminated_value(self):
        c = self.raw()
        c.send(raw_startup(V3 + b"user\0postgres\0database\0post"))
        self.assert_fatal(c, "08P01")

    def test_missing_user(self):
        c = self.raw()
        c.send(raw_startup(V3 + b"database\0postgres\0\0"))
        self.assert_fatal(c, "28000")

    def test_empty_parameter_list(self):
        c = self.raw()
        c.send(raw_startup(V3 + b"\0"))
        self.assert_fatal(c, "28000")

    # Versions ------------------------------------------------------------------

    def test_protocol_3_99_is_negotiated_down(self):
        c = self.raw()
        c.send(self.startup_packet(version=(3, 99)))
        kind, body = c.read_message()
        self.assertEqual(kind, "v", pgproto.describe(kind, body))
        (major, minor), names = pgproto.parse_negotiate(body)
        self.assertEqual(major, 3)
        self.assertIn(minor, (0, 2), "PostgreSQL 15 offers 3.0, PostgreSQL 18 3.2")
        c.finish_startup(self.user, self.password)
        self.assert_usable(c)

    def test_protocol_2_0_refused_in_the_protocol_2_form(self):
        # PostgreSQL answers a protocol 2 client in protocol 2: 'E' and a
        # string, no length word, no fields.
        c = self.raw()
        c.send(self.startup_packet(version=(2, 0)))
        got = c.expect_closed(10.0 * SLOW)
        self.assertEqual(len(got), 1, show(got))
        self.assertRegex(got[0][1], rb"^EFATAL:  unsupported frontend protocol 2\.0: "
                                    rb"server supports 3\.0 to 3\.[02]\n\0$")

    def test_garbage_protocol_1234_5677_refused(self):
        # (1234.5678 is a CancelRequest, 1234.5679 SSLRequest, 1234.5680 GSSENCRequest.)
        c = self.raw()
        c.send(raw_startup(int32(1234 << 16 | 5677) + b"user\0postgres\0\0"))
        fields = self.assert_fatal(c, "0A000")
        self.assertRegex(fields["M"], r"^unsupported frontend protocol 1234\.5677: ")

    def test_garbage_first_bytes_with_a_small_length(self):
        c = self.raw()
        c.send(b"\x00\x00\x00\x0c\xde\xad\xbe\xef\x01\x02\x03\x04")
        self.assert_fatal(c, "0A000")

    def test_http_request_closed_without_reply(self):
        # "GET " read as a length is over 10000.
        c = self.raw()
        c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assert_closed_silently(c)

    def test_zero_bytes_then_eof(self):
        c = self.raw()
        c.sock.shutdown(socket.SHUT_WR)
        self.assert_closed_silently(c)

    # SSLRequest and GSSENCRequest ------------------------------------------------

    def test_ssl_request_with_pipelined_plaintext(self):
        # CVE-2021-23214: a StartupMessage sent with the SSLRequest, before
        # TLS, is never acted upon. The library refuses at once (FATAL 08P01,
        # instead of 'S'); PostgreSQL 15 answers 'S', waits for a TLS
        # handshake that never comes, and closes silently at
        # authentication_timeout (it would send the same FATAL over TLS after
        # a handshake). A deliberate difference: earlier, same refusal.
        c = self.raw()
        c.send(pgproto.ssl_request() + self.startup_packet())
        if self.target == "postgres":
            self.assertEqual(c.read_byte(), b"S")
            got = c.expect_closed((hostile.PG_AUTH_TIMEOUT + 10.0) * SLOW)
            self.assertEqual(got, [], show(got))
            return
        fields = self.assert_fatal(c, "08P01")
        self.assertEqual(fields["M"], "received unencrypted data after SSL request")

    def test_plaintext_instead_of_client_hello(self):
        c = self.raw()
        self.assertEqual(c.request_ssl(), b"S")
        c.send(self.startup_packet())
        got = c.expect_closed(10.0 * SLOW)
        # Closed by the failed handshake: at most a TLS alert (0x15), never a
        # protocol message and never a login.
        if got:
            self.assertEqual(got[0][0], "\x15", show(got))

    def test_ssl_request_with_garbage_inside_its_packet(self):
        # 1234.5679 and 8 bytes more: PostgreSQL answers by the code and
        # ignores the rest of the packet; the TLS login then works.
        c = self.raw()
        c.send(raw_startup(int32(80877103) + b"garbage!"))
        self.assertEqual(c.read_byte(), b"S")
        c.start_tls(pgproto.client_tls_context())
        c.startup(self.user, self.password, database="postgres")
        self.assert_usable(c)

    def test_ssl_request_instead_of_client_hello(self):
        c = self.raw()
        self.assertEqual(c.request_ssl(), b"S")
        c.send(pgproto.ssl_request())
        got = c.expect_closed(10.0 * SLOW)
        if got:
            self.assertEqual(got[0][0], "\x15", show(got))

    def test_ssl_request_after_tls(self):
        c = self.raw()
        self.assertEqual(c.request_ssl(), b"S")
        c.start_tls(pgproto.client_tls_context())
        c.send(pgproto.ssl_request())
        self.assert_fatal(c, "0A000")

    def gssenc_refused(self, c):
        """Sends GSSENCRequest: the examples answer 'N' (no GSSAPI), and the
        case goes on; Debian's PostgreSQL is built with GSSAPI and answers
        'G' on TCP, which ends the case there (returns False)."""
        answer = c.request_gssenc()
        if self.target == "postgres":
            self.assertEqual(answer, b"G")
            return False
        self.assertEqual(answer, b"N")
        return True

    def test_gssenc_request_answered_n_then_startup(self):
        c = self.raw()
        if not self.gssenc_refused(c):
            return
        c.startup(self.user, self.password, database="postgres")
        self.assert_usable(c)

    def test_gssenc_then_ssl_then_startup(self):
        c = self.raw()
        if not self.gssenc_refused(c):
            return
        self.assertEqual(c.request_ssl(), b"S")
        c.start_tls(pgproto.client_tls_context())
        c.startup(self.user, self.password, database="postgres")
        self.assert_usable(c)

    def test_gssenc_request_twice(self):
        c = self.raw()
        if not self.gssenc_refused(c):
            return
        c.send(pgproto.gssenc_request())
        self.assert_fatal(c, "0A000")

    # Direct TLS (PostgreSQL 17; PostgreSQL 15 reads a ClientHello as a bad length)

    def test_direct_tls_with_alpn_postgresql(self):
        if self.target == "postgres":
            c = self.raw()
            c.send(client_hello(["postgresql"]))
            self.assert_closed_silently(c)
            return
        raw = socket.create_connection(("127.0.0.1", self.server.port), timeout=hostile.GUARD)
        tls = pgproto.client_tls_context(None, ["postgresql"]).wrap_socket(raw)
        with pgproto.Conn.wrap(tls) as c:
            self.assertEqual(tls.selected_alpn_protocol(), "postgresql")
            c.startup(self.user, self.password, database="postgres")
            self.assert_usable(c)

    def test_direct_tls_without_alpn_refused(self):
        if self.target == "postgres":
            c = self.raw()
            c.send(client_hello(None))
            self.assert_closed_silently(c)
            return
        # As PostgreSQL 17: either the handshake fails, or it completes and
        # the connection is closed without a login.
        raw = socket.create_connection(("127.0.0.1", self.server.port), timeout=hostile.GUARD)
        try:
            tls = pgproto.client_tls_context(None, None).wrap_socket(raw)
        except (ssl.SSLError, ConnectionResetError, BrokenPipeError):
            raw.close()
            return
        with pgproto.Conn.wrap(tls) as c:
            c.send(self.startup_packet())
            got = c.expect_closed(10.0 * SLOW)
            self.assertNotIn("R", [k for k, _ in got], show(got))

    # CancelRequest -------------------------------------------------------------

    def test_cancel_with_wrong_keys_is_silent_and_harmless(self):
        victim = self.login()
        pid, secret = victim.backend_key
        victim.send(pgproto.query("select pg_sleep(0.5)"))
        wrong = bytes(b ^ 0x5A for b in secret)
        for p, k in ((pid, wrong), (pid + 1, secret), (0, secret), (-1, wrong)):
            c = self.raw()
            c.send(pgproto.cancel_request(p, k))
            self.assert_closed_silently(c)
        got = self.until_ready(victim)
        self.assertEqual([k for k, _ in got], ["T", "D", "C", "Z"], show(got))
        self.assert_usable(victim)

    def test_cancel_with_wrong_lengths_is_silent(self):
        victim = self.login()
        pid, secret = victim.backend_key
        for body in (int32(80877102), int32(80877102, pid), int32(80877102, pid) + secret[:2],
                     int32(80877102, pid) + secret + b"\0" * 300):
            c = self.raw()
            c.send(raw_startup(body))
            self.assert_closed_silently(c)
        self.assert_usable(victim)


hostile.for_each_target(StartupCases, globals())


class SlowClientCases:
    """Clients that never finish the startup are cut by the authentication
    timeout (1 s on the examples, PG_AUTH_TIMEOUT on the reference) while
    other clients are served."""

    timeout = 1

    @classmethod
    def setUpClass(cls):
        if cls.target != "postgres":
            cls.extra_args = hostile.auth_timeout_args(cls.target, cls.timeout)
        else:
            cls.timeout = hostile.PG_AUTH_TIMEOUT
        super().setUpClass()

    def assert_cut(self, c, started):
        got = c.expect_closed((self.timeout + 10.0) * SLOW)
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, self.timeout * 0.8, "closed before the timeout")
        # Authentication had not begun: PostgreSQL closes without a message.
        self.assertEqual(got, [], show(got))

    def test_silent_client_is_cut(self):
        c = self.raw()
        started = time.monotonic()
        self.assert_server_fine()  # others are served meanwhile
        self.assert_cut(c, started)

    def test_byte_by_byte_client_is_cut(self):
        c = self.raw()
        packet = self.startup_packet(params={"application_name": "slowloris" * 4})
        started = time.monotonic()
        sent = 0
        try:
            for i, b in enumerate(packet[:-1]):
                c.send(bytes([b]))
                sent += 1
                if i == 3:
                    self.assert_server_fine()
                if time.monotonic() - started > self.timeout + 10.0 * SLOW:
                    break
                time.sleep(0.1)  # the attack's pace, not a synchronisation
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertLess(sent, len(packet) - 1, "still connected after the whole packet but a byte")
        self.assert_cut(c, started)


hostile.for_each_target(SlowClientCases, globals())


if __name__ == "__main__":
    unittest.main()
