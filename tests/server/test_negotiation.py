"""Protocol negotiation with a hand-made client: protocol 3.2 (32-byte cancel
key, as PostgreSQL 18), 3.0 (4 bytes), NegotiateProtocolVersion for newer
minors and unknown _pq_ options, an unsupported major version, and
GSSENCRequest followed by SSLRequest."""

import struct
import unittest

import pgproto
from harness import ServerTestCase


class NegotiationTest(ServerTestCase):

    def setUp(self):
        self.server = self.start_server("server", "--listen", "127.0.0.1:0")

    def connect(self):
        c = pgproto.Conn(port=self.server.port)
        self.addCleanup(c.close)
        return c

    def assert_query_works(self, c):
        results = c.simple_query("select 1")
        self.assertEqual(results[0]["rows"], [["select 1", "8"]])
        self.assertEqual(c.status, "I")

    def test_protocol_3_2_gets_32_byte_cancel_key(self):
        c = self.connect()
        messages = c.startup("postgres", version=(3, 2))
        self.assertIsNone(c.negotiate, "3.2 is supported: no NegotiateProtocolVersion")
        self.assertNotIn("v", [k for k, _ in messages])
        pid, secret = c.backend_key
        self.assertEqual(len(secret), 32, "BackendKeyData secret in 3.2 (PostgreSQL 18 uses 32)")
        self.assertGreater(pid, 0)
        self.assert_query_works(c)

    def test_protocol_3_0_gets_4_byte_cancel_key(self):
        c = self.connect()
        c.startup("postgres", version=(3, 0))
        self.assertIsNone(c.negotiate)
        self.assertEqual(len(c.backend_key[1]), 4)
        self.assert_query_works(c)

    def test_newer_minor_and_unknown_options_negotiated(self):
        c = self.connect()
        c.send(pgproto.startup_packet("postgres", version=(3, 5),
                                      options={"_pq_.foo": "1", "_pq_.bar": "x"}))
        kind, body = c.read_message()
        self.assertEqual(kind, "v", "NegotiateProtocolVersion must come first, got "
                         + pgproto.describe(kind, body))
        version, names = pgproto.parse_negotiate(body)
        self.assertEqual(version, (3, 2))
        self.assertEqual(sorted(names), ["_pq_.bar", "_pq_.foo"])
        # Then the normal login, in the negotiated 3.2.
        c.finish_startup("postgres")
        self.assertEqual(len(c.backend_key[1]), 32)
        self.assert_query_works(c)

    def test_unknown_option_with_supported_version(self):
        c = self.connect()
        c.startup("postgres", version=(3, 0), options={"_pq_.foo": "on"})
        self.assertEqual(c.negotiate, ((3, 0), ["_pq_.foo"]))
        self.assertEqual(len(c.backend_key[1]), 4)
        self.assert_query_works(c)

    def test_protocol_3_2_with_unknown_option(self):
        c = self.connect()
        c.startup("postgres", version=(3, 2), options={"_pq_.test_protocol_negotiation": ""})
        self.assertEqual(c.negotiate, ((3, 2), ["_pq_.test_protocol_negotiation"]))
        self.assert_query_works(c)

    def test_major_version_4_refused(self):
        c = self.connect()
        c.send(pgproto.startup_packet("postgres", version=(4, 0)))
        got = c.expect_closed()
        self.assertEqual([k for k, _ in got], ["E"], [pgproto.describe(*m) for m in got])
        fields = pgproto.parse_fields(got[0][1])
        self.assertEqual(fields["S"], "FATAL")
        self.assertEqual(fields["C"], "0A000")
        self.assertIn("unsupported frontend protocol 4.0", fields["M"])

    def test_missing_user_refused(self):
        c = self.connect()
        body = struct.pack("!HH", 3, 0) + b"database\0db\0\0"
        c.send(struct.pack("!i", len(body) + 4) + body)
        got = c.expect_closed()
        self.assertEqual([k for k, _ in got], ["E"])
        self.assertEqual(pgproto.parse_fields(got[0][1])["C"], "28000")

    def test_gssenc_then_ssl_then_startup(self):
        c = self.connect()
        self.assertEqual(c.request_gssenc(), b"N")
        self.assertEqual(c.request_ssl(), b"N")  # no TLS configured
        c.startup("postgres")
        self.assert_query_works(c)

    def test_gssenc_then_startup(self):
        c = self.connect()
        self.assertEqual(c.request_gssenc(), b"N")
        c.startup("postgres", version=(3, 2))
        self.assertEqual(len(c.backend_key[1]), 32)
        self.assert_query_works(c)

    def test_psql_gssencmode_prefer(self):
        # libpq sends GSSENCRequest only with Kerberos credentials; without
        # them gssencmode=prefer must still connect.
        r = self.psql(self.conninfo(self.server, gssencmode="prefer"), "-At", "-c", "select 1")
        self.assertEqual(r.stdout.strip(), "select 1|8")


class NegotiationTlsTest(ServerTestCase):

    def test_gssenc_then_ssl_then_tls_startup(self):
        s = self.start_tls_server("server")
        with pgproto.Conn(port=s.port) as c:
            self.assertEqual(c.request_gssenc(), b"N")
            self.assertEqual(c.request_ssl(), b"S")
            c.start_tls(pgproto.client_tls_context())
            c.startup("postgres", version=(3, 2))
            self.assertEqual(len(c.backend_key[1]), 32)
            self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])

    def test_second_ssl_request_refused(self):
        # After TLS is up, another SSLRequest is a protocol error (PostgreSQL:
        # "unsupported frontend protocol 1234.5679").
        s = self.start_tls_server("server")
        with pgproto.Conn(port=s.port) as c:
            self.assertEqual(c.request_ssl(), b"S")
            c.start_tls(pgproto.client_tls_context())
            c.send(pgproto.ssl_request())
            got = c.expect_closed()
            self.assertEqual([k for k, _ in got], ["E"], [pgproto.describe(*m) for m in got])
            self.assertEqual(pgproto.parse_fields(got[0][1])["S"], "FATAL")


if __name__ == "__main__":
    unittest.main()
