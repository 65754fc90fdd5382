"""TLS: SSLRequest with psql (sslmode=require, verify-full), SCRAM-SHA-256-PLUS
channel binding, the TLS-only secure_server, the CVE-2021-23214 check
(plaintext pipelined after SSLRequest), and PostgreSQL 17 direct SSL with a
Python client (libpq 15 cannot do it): ALPN "postgresql" required."""

import socket
import ssl
import unittest

import pgproto
from harness import SLOW, ServerTestCase, tls_files

PASSWORD = "tls-pw"


class SslRequestTest(ServerTestCase):

    def test_sslmode_require(self):
        s = self.start_tls_server("server")
        _, events = self.pq_client(self.conninfo(s, sslmode="require"), "query:select 1")
        self.assertTrue(events[0]["ssl"], events[0])
        self.assertIn(events[0]["ssl_protocol"], ("TLSv1.2", "TLSv1.3"))
        self.assertEqual(events[1]["rows"], [["select 1", "8"]])
        r = self.psql(self.conninfo(s, sslmode="require"), "-At", "-c", "select 1")
        self.assertEqual(r.stdout.strip(), "select 1|8")

    def test_sslmode_verify_full(self):
        ca, _, _ = tls_files()
        s = self.start_tls_server("server")
        info = self.conninfo(s, host="localhost", sslmode="verify-full", sslrootcert=ca)
        _, events = self.pq_client(info, "query:select 1")
        self.assertTrue(events[0]["ssl"], events[0])
        self.assertEqual(events[1]["rows"], [["select 1", "8"]])
        r = self.psql(info, "-At", "-c", "select 2")
        self.assertEqual(r.stdout.strip(), "select 2|8")

    def test_sslmode_verify_full_with_another_root_fails(self):
        # The server certificate is not a CA: verification really happens.
        _, cert, _ = tls_files()
        s = self.start_tls_server("server")
        r = self.psql(self.conninfo(s, host="localhost", sslmode="verify-full", sslrootcert=cert),
                      "-c", "select 1", expect_ok=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("certificate verify failed", r.stderr)

    def test_sslmode_require_against_plain_server_fails(self):
        s = self.start_server("server", "--listen", "127.0.0.1:0")
        r = self.psql(self.conninfo(s, sslmode="require"), "-c", "select 1", expect_ok=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("server does not support SSL", r.stderr)
        # sslmode=prefer falls back to plaintext after the 'N'.
        _, events = self.pq_client(self.conninfo(s, sslmode="prefer"), "query:select 1")
        self.assertFalse(events[0]["ssl"])

    def test_scram_plus_channel_binding_require(self):
        s = self.start_tls_server("scram_server", "--user", "carol", "--password", PASSWORD)
        info = self.conninfo(s, user="carol", sslmode="require", channel_binding="require")
        _, events = self.pq_client(info, "query:select 1", password=PASSWORD)
        self.assertTrue(events[0]["ssl"])
        self.assertEqual(events[1]["rows"], [["select 1", "8"]])
        r = self.psql(info, "-At", "-c", "select 3", password=PASSWORD)
        self.assertEqual(r.stdout.strip(), "select 3|8")
        # Wrong password over SCRAM-PLUS is still 28P01.
        r = self.psql(info, "-c", "select 1", password="wrong", expect_ok=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn('password authentication failed for user "carol"', r.stderr)

    def test_scram_plus_offered_only_with_tls(self):
        s = self.start_tls_server("scram_server", "--user", "carol", "--password", PASSWORD)
        with pgproto.Conn(port=s.port) as c:
            self.assertEqual(c.request_ssl(), b"S")
            c.start_tls(pgproto.client_tls_context())
            c.send(pgproto.startup_packet("carol"))
            kind, body = c.read_message()
            self.assertEqual(kind, "R")
            mechs = [m.decode() for m in body[4:].split(b"\0") if m]
            self.assertEqual(mechs, ["SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"])
        # The same server without TLS offers plain SCRAM only.
        with pgproto.Conn(port=s.port) as c:
            c.send(pgproto.startup_packet("carol"))
            kind, body = c.read_message()
            mechs = [m.decode() for m in body[4:].split(b"\0") if m]
            self.assertEqual(mechs, ["SCRAM-SHA-256"])

    def test_channel_binding_require_without_tls_fails(self):
        # scram_server without a certificate: plain SCRAM only, so libpq refuses.
        s = self.start_server("scram_server", "--listen", "127.0.0.1:0", "--user", "carol",
                              "--password", PASSWORD)
        info = self.conninfo(s, user="carol", sslmode="disable", channel_binding="require")
        r = self.psql(info, "-c", "select 1", password=PASSWORD, expect_ok=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("channel binding required, but SSL not in use", r.stderr)
        # Without the requirement the same server accepts plain SCRAM.
        r = self.psql(self.conninfo(s, user="carol", sslmode="disable"), "-At", "-c", "select 1",
                      password=PASSWORD)
        self.assertEqual(r.stdout.strip(), "select 1|8")

    def test_scram_plus_with_protocol_client(self):
        # Our own tls-server-end-point hash of the presented certificate must
        # match the server's.
        s = self.start_tls_server("scram_server", "--user", "carol", "--password", PASSWORD)
        with pgproto.Conn(port=s.port) as c:
            self.assertEqual(c.request_ssl(), b"S")
            c.start_tls(pgproto.client_tls_context())
            c.startup("carol", PASSWORD, channel_binding=True)
            self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])


class SecureServerTest(ServerTestCase):

    def test_refuses_plaintext_with_28000(self):
        s = self.start_tls_server("secure_server")
        r = self.psql(self.conninfo(s, sslmode="disable"), "-c", "select 1", expect_ok=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("FATAL", r.stderr)
        self.assertIn("accepts TLS connections only", r.stderr)
        with pgproto.Conn(port=s.port) as c:
            with self.assertRaises(pgproto.ServerError) as e:
                c.startup("postgres")
            self.assertEqual(e.exception.sqlstate, "28000", e.exception.fields)
            self.assertEqual(e.exception.severity, "FATAL")
            self.assertEqual(c.expect_closed(), [])

    def test_accepts_tls(self):
        ca, _, _ = tls_files()
        s = self.start_tls_server("secure_server")
        r = self.psql(self.conninfo(s, host="localhost", sslmode="verify-full", sslrootcert=ca),
                      "-At", "-c", "select 1")
        self.assertEqual(r.stdout.strip(), "select 1|8")
        # sslmode=prefer (libpq's default) picks TLS too.
        r = self.psql(self.conninfo(s), "-At", "-c", "select 1")
        self.assertEqual(r.stdout.strip(), "select 1|8")

    def test_plaintext_after_ssl_request_is_refused(self):
        # SSLRequest and a StartupMessage in one write: the StartupMessage
        # was not protected by TLS (CVE-2021-23214).
        s = self.start_tls_server("secure_server")
        with pgproto.Conn(port=s.port) as c:
            c.send(pgproto.ssl_request() + pgproto.startup_packet("postgres"))
            got = c.expect_closed()
        self.assertEqual(len(got), 1, [pgproto.describe(*m) for m in got])
        kind, body = got[0]
        self.assertEqual(kind, "E", [pgproto.describe(*m) for m in got])
        fields = pgproto.parse_fields(body)
        self.assertEqual(fields.get("S"), "FATAL", fields)
        self.assertEqual(fields.get("C"), "08P01", fields)
        self.assertEqual(fields.get("M"), "received unencrypted data after SSL request")


class DirectSslTest(ServerTestCase):
    """PostgreSQL 17 `sslnegotiation=direct`: the first bytes are a ClientHello."""

    def direct_connect(self, server, alpn, ca=None, hostname=None):
        raw = socket.create_connection(("127.0.0.1", server.port), timeout=20)
        ctx = pgproto.client_tls_context(ca, alpn)
        tls = ctx.wrap_socket(raw, server_hostname=hostname)  # handshake now, no SSLRequest
        return pgproto.Conn.wrap(tls)

    def test_direct_ssl_with_alpn(self):
        ca, _, _ = tls_files()
        s = self.start_tls_server("server")
        c = self.direct_connect(s, ["postgresql"], ca, "localhost")
        with c:
            self.assertEqual(c.sock.selected_alpn_protocol(), "postgresql")
            messages = c.startup("postgres")
            kinds = [k for k, _ in messages]
            self.assertEqual(messages[0][0], "R")
            self.assertEqual(messages[0][1], b"\0\0\0\0", "AuthenticationOk first")
            self.assertEqual(kinds[-1], "Z")
            self.assertEqual(c.status, "I")
            self.assertIn("K", kinds)
            self.assertEqual(c.params.get("server_version"), "15.0")
            results = c.simple_query("select 'direct'")
            self.assertEqual(results[0]["rows"], [["select 'direct'", "15"]])
            self.assertEqual(results[0]["tag"], "SELECT 1")
            self.assertEqual(c.status, "I")

    def test_direct_ssl_with_scram_plus(self):
        s = self.start_tls_server("scram_server", "--user", "carol", "--password", PASSWORD)
        with self.direct_connect(s, ["postgresql"]) as c:
            c.startup("carol", PASSWORD, channel_binding=True)
            self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])

    def direct_ssl_refusal(self, server, alpn):
        """How the server refuses a direct SSL connection offering `alpn`:
        ("alert", text): a TLS alert from the server ended the handshake;
        ("eof", text): the server closed the connection during the handshake;
        ("closed", messages): the handshake completed, and the server closed
        the connection after the StartupMessage, sending `messages` (never
        AuthenticationOk). A handshake or a session that hangs fails the test:
        waiting is not refusing."""
        limit = 10.0 * SLOW
        raw = socket.create_connection(("127.0.0.1", server.port), timeout=limit)
        try:
            tls = pgproto.client_tls_context(None, alpn).wrap_socket(raw)
        except socket.timeout:
            raw.close()
            self.fail("the TLS handshake hung for %.0f s instead of being refused" % limit)
        except (ssl.SSLEOFError, ssl.SSLZeroReturnError, ConnectionResetError,
                BrokenPipeError) as e:
            # The socket closed (with or without a reset) during the handshake.
            return "eof", str(e)
        except ssl.SSLError as e:
            if "alert" not in str(e).lower():
                self.fail("the handshake failed on the client's side, not by the server's "
                          "refusal: %r" % e)
            return "alert", str(e)
        with pgproto.Conn.wrap(tls, timeout=limit) as c:
            c.send(pgproto.startup_packet("postgres"))
            # Fails (ProtocolError) if the connection stays open.
            got = c.expect_closed(limit)
        self.assertNotIn(("R", b"\0\0\0\0"), got, "AuthenticationOk on a refused connection")
        return "closed", got

    def test_direct_ssl_without_alpn_fails(self):
        s = self.start_tls_server("server")
        # As PostgreSQL 17: the handshake completes, then the connection is
        # closed without a message (the refusal is only logged).
        self.assertEqual(self.direct_ssl_refusal(s, None), ("closed", []))
        # The server is still fine.
        self.assertEqual(self.pq_client(self.conninfo(s, sslmode="require"),
                                        "query:select 1")[1][1]["rows"], [["select 1", "8"]])

    def test_direct_ssl_with_http_alpn_fails(self):
        s = self.start_tls_server("server")
        how, text = self.direct_ssl_refusal(s, ["http/1.1"])
        # The ALPN callback refuses: a no_application_protocol alert.
        self.assertEqual(how, "alert", text)
        self.assertIn("no application protocol", text.lower())
        self.assertEqual(self.pq_client(self.conninfo(s, sslmode="require"),
                                        "query:select 1")[1][1]["rows"], [["select 1", "8"]])

    def test_direct_ssl_to_server_without_tls_is_closed(self):
        # The ClientHello is not a startup packet: closed, without a reply.
        s = self.start_server("server", "--listen", "127.0.0.1:0")
        how, text = self.direct_ssl_refusal(s, ["postgresql"])
        self.assertEqual(how, "eof", text)
        self.assertEqual(self.pq_client(self.conninfo(s), "query:select 1")[1][1]["rows"],
                         [["select 1", "8"]])


if __name__ == "__main__":
    unittest.main()
