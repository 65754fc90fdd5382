"""Authentication cannot be skipped or short-circuited, over real sockets,
against sqlite_server and libpq_proxy (--auth scram, TLS on) and the
reference PostgreSQL 15 (its SCRAM role, ssl=on): messages out of order, a
Query before authentication (it must never reach a handler), a
PasswordMessage when none is expected, and SCRAM tampering (altered nonce,
bad proof, a replayed client-final, channel-binding flag mismatches and the
downgrade, an unknown mechanism, truncated SASL messages). Each must fail
with PostgreSQL's FATAL SQLSTATE and never log in. After each case the
server still serves (hostile.py)."""

import base64
import struct
import unittest

import hostile
import pgproto
from hostile import int32, show, typed

NONCE = "hostileClientNonce0123456789"


def setUpModule():
    hostile.start_reference()


def tearDownModule():
    hostile.stop_reference()


def sasl_initial(mechanism, data):
    return typed("p", pgproto.cstr(mechanism) + int32(len(data)) + data)


class Exchange:
    """One SCRAM exchange driven step by step, so that any step can be
    tampered with. Reuses pgproto.Scram for the arithmetic."""

    def __init__(self, case, tls=False):
        self.case = case
        self.c = case.raw()
        if tls:
            case.assertEqual(self.c.request_ssl(), b"S")
            self.c.start_tls(pgproto.client_tls_context())
        self.c.send(case.startup_packet())
        kind, body = self.c.read_message()
        case.assertEqual((kind, body[:4]), ("R", int32(10)), pgproto.describe(kind, body))
        self.mechanisms = [m.decode() for m in body[4:].split(b"\0") if m]

    def first(self, nonce=NONCE, channel_binding=False):
        """Sends client-first; returns the server-first-message."""
        self.scram = pgproto.Scram(self.case.password, self.mechanisms, self.c, channel_binding)
        self.scram.nonce = nonce
        self.scram.first_bare = "n=,r=" + nonce
        self.c.send(self.scram.initial())
        kind, body = self.c.read_message()
        self.case.assertEqual((kind, body[:4]), ("R", int32(11)), pgproto.describe(kind, body))
        return body[4:]

    def final_text(self, server_first):
        """The correct client-final-message text (not sent)."""
        return self.scram.final(server_first)[5:].decode()

    def send_final(self, text):
        self.c.send(typed("p", text.encode()))


def with_attribute(text, name, value):
    return ",".join(name + "=" + value if kv.startswith(name + "=") else kv
                    for kv in text.split(","))


def attribute(text, name):
    return next(kv[2:] for kv in text.split(",") if kv.startswith(name + "="))


class AuthCases:
    auth = "scram"

    def assert_refused(self, c, codes, message=None):
        """FATAL with one of `codes`, closed, and never AuthenticationOk."""
        got = c.expect_closed(10.0 * hostile.SLOW)
        self.assertNotIn(("R", int32(0)), got, "logged in: %s" % show(got))
        self.assertEqual([k for k, _ in got], ["E"], show(got))
        fields = pgproto.parse_fields(got[0][1])
        self.assertEqual(fields.get("S"), "FATAL", fields)
        self.assertIn(fields.get("C"), codes, fields)
        if message is not None:
            self.assertEqual(fields.get("M"), message)
        return fields

    def finish(self, x):
        """After a correct client-final: the server's signature, then the login."""
        kind, body = x.c.read_message()
        self.assertEqual((kind, body[:4]), ("R", int32(12)), pgproto.describe(kind, body))
        x.scram.verify(body[4:])
        x.c.finish_startup(self.user, self.password)

    # Order ---------------------------------------------------------------------

    def test_query_before_authentication_never_runs(self):
        table = "hostile_marker_%s" % self.target
        c = self.raw()
        c.send(self.startup_packet() + pgproto.query("create table %s (i int)" % table))
        kind, body = c.read_message()
        self.assertEqual((kind, body[:4]), ("R", int32(10)))
        fields = self.assert_refused(c, ("08P01",))
        self.assert_never_created(table)
        self.assertEqual(fields["M"], "expected SASL response, got message type 81")

    def test_query_in_the_middle_of_scram_never_runs(self):
        table = "hostile_marker2_%s" % self.target
        x = Exchange(self)
        x.first()
        x.c.send(pgproto.query("create table %s (i int)" % table))
        fields = self.assert_refused(x.c, ("08P01",))
        self.assert_never_created(table)
        self.assertEqual(fields["M"], "expected SASL response, got message type 81")

    def assert_never_created(self, table):
        with self.login() as c:
            r = c.simple_query("select * from %s" % table)
            self.assertIn("error", r[0], "the Query sent before authentication ran: %r" % r)

    def test_sync_before_authentication(self):
        c = self.raw()
        c.send(self.startup_packet())
        c.read_message()
        c.send(pgproto.sync())
        self.assert_refused(c, ("08P01",))

    def test_password_message_after_login(self):
        # A PasswordMessage where none is expected: after AuthenticationOk.
        c = self.login()
        c.send(typed("p", b"x\0"))
        self.assert_refused(c, ("08P01",), "invalid frontend message type 112")

    # Mechanism and the gs2 header ------------------------------------------------

    def test_unknown_mechanism(self):
        x = Exchange(self)
        x.c.send(sasl_initial("SCRAM-SHA-1", ("n,,n=,r=" + NONCE).encode()))
        self.assert_refused(x.c, ("08P01",), "client selected an invalid SASL authentication mechanism")

    def test_cleartext_password_where_sasl_is_expected(self):
        # Read as a SASLInitialResponse whose mechanism is the password.
        x = Exchange(self)
        x.c.send(typed("p", pgproto.cstr(self.password)))
        self.assert_refused(x.c, ("08P01",), "client selected an invalid SASL authentication mechanism")

    def test_plus_mechanism_without_tls(self):
        x = Exchange(self)
        x.c.send(sasl_initial("SCRAM-SHA-256-PLUS", ("p=tls-server-end-point,,n=,r=" + NONCE).encode()))
        self.assert_refused(x.c, ("08P01",), "client selected an invalid SASL authentication mechanism")

    def test_flag_p_without_tls(self):
        x = Exchange(self)
        x.c.send(sasl_initial("SCRAM-SHA-256", ("p=tls-server-end-point,,n=,r=" + NONCE).encode()))
        self.assert_refused(x.c, ("08P01",), "malformed SCRAM message")

    def test_flag_y_over_tls_when_plus_is_offered_is_a_downgrade(self):
        x = Exchange(self, tls=True)
        self.assertIn("SCRAM-SHA-256-PLUS", x.mechanisms)
        x.c.send(sasl_initial("SCRAM-SHA-256", ("y,,n=,r=" + NONCE).encode()))
        self.assert_refused(x.c, ("28000",), "SCRAM channel binding negotiation error")

    def test_flag_n_with_the_plus_mechanism(self):
        x = Exchange(self, tls=True)
        x.c.send(sasl_initial("SCRAM-SHA-256-PLUS", ("n,,n=,r=" + NONCE).encode()))
        self.assert_refused(x.c, ("08P01",), "malformed SCRAM message")

    def test_flag_p_with_the_plain_mechanism_over_tls(self):
        x = Exchange(self, tls=True)
        x.c.send(sasl_initial("SCRAM-SHA-256", ("p=tls-server-end-point,,n=,r=" + NONCE).encode()))
        self.assert_refused(x.c, ("08P01",), "malformed SCRAM message")

    def test_flag_y_without_tls_is_accepted(self):
        # The client supports binding, and this server did not offer it:
        # nothing is wrong (the exchange then goes on with c=eSws).
        x = Exchange(self)
        self.assertEqual(x.mechanisms, ["SCRAM-SHA-256"])
        x.scram = pgproto.Scram(self.password, x.mechanisms, x.c, False)
        x.scram.gs2 = "y,,"
        x.c.send(x.scram.initial())
        kind, body = x.c.read_message()
        self.assertEqual((kind, body[:4]), ("R", int32(11)))
        x.c.send(x.scram.final(body[4:]))
        self.finish(x)
        self.assert_usable(x.c)

    # Truncated and malformed SASL messages -----------------------------------------

    def test_initial_response_longer_than_its_message(self):
        x = Exchange(self)
        x.c.send(typed("p", pgproto.cstr("SCRAM-SHA-256") + int32(100) + b"n,,"))
        self.assert_refused(x.c, ("08P01",))

    def test_initial_response_without_mechanism_terminator(self):
        for payload in (b"SCRAM-SHA-256", b""):
            x = Exchange(self)
            x.c.send(typed("p", payload))
            self.assert_refused(x.c, ("08P01",))

    def test_client_first_cut_after_the_gs2_header(self):
        x = Exchange(self)
        x.c.send(sasl_initial("SCRAM-SHA-256", b"n,,"))
        self.assert_refused(x.c, ("08P01",), "malformed SCRAM message")

    def test_client_final_cut_short(self):
        x = Exchange(self)
        x.first()
        x.send_final("c=biws")
        self.assert_refused(x.c, ("08P01",), "malformed SCRAM message")

    def test_empty_client_final(self):
        x = Exchange(self)
        x.first()
        x.send_final("")
        self.assert_refused(x.c, ("08P01",), "malformed SCRAM message")

    # Tampering with client-final ---------------------------------------------------

    def test_altered_nonce_in_client_final(self):
        x = Exchange(self)
        text = x.final_text(x.first())
        nonce = attribute(text, "r")
        x.send_final(with_attribute(text, "r", nonce[:-1] + ("A" if nonce[-1] != "A" else "B")))
        self.assert_refused(x.c, ("08P01",), "invalid SCRAM response")

    def test_bad_proof(self):
        x = Exchange(self)
        text = x.final_text(x.first())
        proof = bytearray(base64.b64decode(attribute(text, "p")))
        proof[0] ^= 1
        x.send_final(with_attribute(text, "p", base64.b64encode(bytes(proof)).decode()))
        self.assert_refused(x.c, ("28P01",))

    def test_changed_channel_binding_attribute(self):
        x = Exchange(self)
        text = x.final_text(x.first())
        x.send_final(with_attribute(text, "c", "eSws"))  # "y,," where "n,," was sent
        self.assert_refused(x.c, ("08P01",))

    def test_replayed_client_final_from_an_earlier_connection(self):
        # An eavesdropper's replay: the same client-first, then the recorded
        # client-final, on a new connection. The server nonce differs.
        first = Exchange(self)
        text = first.final_text(first.first())
        first.send_final(text)
        self.finish(first)  # the genuine login works
        replay = Exchange(self)
        replay.first()
        replay.send_final(text)
        self.assert_refused(replay.c, ("08P01",), "invalid SCRAM response")


hostile.for_each_target(AuthCases, globals())


if __name__ == "__main__":
    unittest.main()
