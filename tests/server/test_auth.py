"""Authentication end to end: trust, cleartext, MD5 and SCRAM-SHA-256 with
psql (libpq 15); the SQLSTATE of a refused login (FATAL 28P01) with the libpq
client (verbose errors set before connecting: psql cannot show it) and with
the protocol client, which also checks the exchange message by message."""

import struct
import unittest

import pgproto
from harness import ServerTestCase

PASSWORD = "s3cret pässword"  # non-ASCII: SASLprep and encodings are exercised


def auth_requests(messages):
    """Authentication request codes in a startup exchange."""
    return [struct.unpack_from("!i", body)[0] for kind, body in messages if kind == "R"]


class AuthTest(ServerTestCase):

    def start(self, method):
        return self.start_server("server", "--listen", "127.0.0.1:0", "--auth", method,
                                 "--user", "alice", "--password", PASSWORD)

    def assert_psql_login(self, server, password):
        r = self.psql(self.conninfo(server, user="alice"), "-At", "-c", "select 42",
                      password=password)
        self.assertEqual(r.stdout.strip(), "select 42|9", r.stdout)

    def assert_psql_refused(self, server, user, password):
        r = self.psql(self.conninfo(server, user=user), "-At", "-c", "select 1",
                      password=password, expect_ok=False)
        self.assertEqual(r.returncode, 2, "psql should fail to connect:\n" + r.stdout + r.stderr)
        self.assertIn('password authentication failed for user "%s"' % user, r.stderr)
        # libpq with verbose errors during connection shows the SQLSTATE.
        rc, events = self.pq_client(self.conninfo(server, user=user), password=password,
                                    expect_ok=False)
        self.assertEqual(rc, 3, events)
        self.assertIn('FATAL:  28P01: password authentication failed for user "%s"' % user,
                      events[0]["message"])
        return r.stderr

    def protocol_login(self, server, user, password):
        """Logs in with the protocol client; returns (messages, error or None)."""
        with pgproto.Conn(port=server.port) as c:
            messages = []
            c.send(pgproto.startup_packet(user, version=pgproto.PROTOCOL_3_0))
            try:
                messages = c.finish_startup(user, password)
            except pgproto.ServerError as e:
                # FATAL closes the connection with nothing after it.
                self.assertEqual(c.expect_closed(), [], "messages after the FATAL error")
                return e
            rows = c.simple_query("select 1")
            self.assertEqual(rows[0]["rows"], [["select 1", "8"]])
            return messages

    def assert_protocol_refused(self, server, user, password):
        e = self.protocol_login(server, user, password)
        self.assertIsInstance(e, pgproto.ServerError, "login should have been refused")
        self.assertEqual(e.sqlstate, "28P01", e.fields)
        self.assertEqual(e.severity, "FATAL", e.fields)
        self.assertEqual(e.message, 'password authentication failed for user "%s"' % user)
        return e

    # trust ---------------------------------------------------------------------

    def test_trust(self):
        s = self.start("trust")
        self.assert_psql_login(s, None)
        # Any user and no password at all.
        r = self.psql(self.conninfo(s, user="anyone", dbname="db1"), "-At", "-c", "select 1")
        self.assertEqual(r.stdout.strip(), "select 1|8")
        messages = self.protocol_login(s, "bob", None)
        self.assertEqual(auth_requests(messages), [0])

    # cleartext --------------------------------------------------------------------

    def test_cleartext_success(self):
        s = self.start("cleartext")
        self.assert_psql_login(s, PASSWORD)
        self.assertEqual(auth_requests(self.protocol_login(s, "alice", PASSWORD)), [3, 0])

    def test_cleartext_wrong_password(self):
        s = self.start("cleartext")
        self.assert_psql_refused(s, "alice", "wrong")
        self.assert_protocol_refused(s, "alice", "wrong")

    def test_cleartext_unknown_user(self):
        s = self.start("cleartext")
        self.assert_psql_refused(s, "mallory", PASSWORD)
        self.assert_protocol_refused(s, "mallory", PASSWORD)

    # md5 ----------------------------------------------------------------------------

    def test_md5_success(self):
        s = self.start("md5")
        self.assert_psql_login(s, PASSWORD)
        self.assertEqual(auth_requests(self.protocol_login(s, "alice", PASSWORD)), [5, 0])

    def test_md5_wrong_password(self):
        s = self.start("md5")
        self.assert_psql_refused(s, "alice", "wrong")
        self.assert_protocol_refused(s, "alice", "wrong")

    def test_md5_unknown_user(self):
        # As PostgreSQL 15 (password_encryption scram-sha-256): an unknown role
        # gets a SCRAM exchange that fails with the same 28P01.
        s = self.start("md5")
        self.assert_psql_refused(s, "mallory", PASSWORD)
        self.assert_protocol_refused(s, "mallory", PASSWORD)

    # scram ---------------------------------------------------------------------------

    def test_scram_success(self):
        s = self.start("scram")
        self.assert_psql_login(s, PASSWORD)
        self.assertEqual(auth_requests(self.protocol_login(s, "alice", PASSWORD)), [10, 11, 12, 0])

    def test_scram_wrong_password(self):
        s = self.start("scram")
        self.assert_psql_refused(s, "alice", "wrong")
        self.assert_protocol_refused(s, "alice", "wrong")

    def test_scram_unknown_user_fails_identically(self):
        s = self.start("scram")
        wrong_password = self.assert_psql_refused(s, "alice", "wrong")
        unknown_user = self.assert_psql_refused(s, "mallory", PASSWORD)
        self.assertEqual(wrong_password.replace('"alice"', '"X"'),
                         unknown_user.replace('"mallory"', '"X"'))
        # Same exchange up to the end (a mock SCRAM exchange for the unknown
        # role), and the same error fields.
        seen = {}
        for user, password in (("alice", "wrong"), ("mallory", PASSWORD)):
            with pgproto.Conn(port=s.port) as c:
                c.send(pgproto.startup_packet(user))
                codes = []
                try:
                    while True:
                        kind, body = c.read_message()
                        if kind == "E":
                            fields = pgproto.parse_fields(body)
                            break
                        self.assertEqual(kind, "R", pgproto.describe(kind, body))
                        code = struct.unpack_from("!i", body)[0]
                        codes.append(code)
                        if code == 10:
                            scram = pgproto.Scram(password, [], c, None)
                            c.send(scram.initial())
                        elif code == 11:
                            c.send(scram.final(body[4:]))
                        else:
                            self.fail("unexpected authentication request %d" % code)
                except EOFError:
                    self.fail("connection closed without an ErrorResponse")
                self.assertEqual(c.expect_closed(), [])
            fields["M"] = fields["M"].replace(user, "X")
            seen[user] = (codes, {k: v for k, v in fields.items() if k in "SVCMDH"})
        self.assertEqual(seen["alice"], seen["mallory"])
        self.assertEqual(seen["alice"][0], [10, 11])
        self.assertEqual(seen["alice"][1]["C"], "28P01")

    def test_scram_without_password(self):
        # No password at all: libpq cannot answer the SASL request.
        s = self.start("scram")
        r = self.psql(self.conninfo(s, user="alice"), "-w", "-c", "select 1", expect_ok=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("no password supplied", r.stderr)


if __name__ == "__main__":
    unittest.main()
