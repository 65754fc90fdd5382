"""Hostile typed messages after login, over real sockets, against
sqlite_server, libpq_proxy and the reference PostgreSQL 15 (see hostile.py):
unknown types, bad and oversized lengths (RSS watched), bad counts and
lengths inside Parse and Bind, missing statements and portals, messages
between an error and Sync, Sync with trailing bytes, COPY messages outside
and inside COPY. After each case the server still serves.

PendingProtocolFixesCases holds the cases known to fail on the examples
until the lead's src/protocol fix lands (invalid UTF-8, binary parameter
sizes checked at Bind, FunctionCall of an unknown OID)."""

import unittest

import hostile
import pgproto
from hostile import int16, int32, show, typed

PARSE_TEXT_PARAM = pgproto.parse("select $1", param_types=[25])


def setUpModule():
    hostile.start_reference()


def tearDownModule():
    hostile.stop_reference()


def bind_raw(params_part, formats=(), result_formats=(), statement=b""):
    """A Bind whose parameter section (count and values) is given as bytes."""
    return typed("B", b"\0" + pgproto.cstr(statement) + int16(len(formats), *formats)
                 + params_part + int16(len(result_formats), *result_formats))


class MessageCases:

    # Framing ---------------------------------------------------------------------

    def test_unknown_message_type_is_fatal(self):
        c = self.login()
        c.send(b"Y" + int32(4))
        fields = self.assert_fatal(c, "08P01")
        self.assertEqual(fields["M"], "invalid frontend message type 89")

    def test_length_below_4_closes_silently(self):
        for length in (3, 0, -5):
            c = self.login()
            c.send(b"Q" + int32(length))
            self.assert_closed_silently(c)

    def test_announced_1_gib_closes_silently_and_costs_nothing(self):
        before = self.rss_kb()
        for kind in (b"Q", b"d", b"B", b"P"):
            c = self.login()
            c.send(kind + int32(1 << 30) + b"0123456789")
            self.assert_closed_silently(c)
        self.assert_rss_flat(before, "1 GiB announced")

    def test_large_length_under_the_limit_with_a_short_body_costs_nothing(self):
        if self.server.pid is None:
            return  # PostgreSQL 15 allocates the announced length: nothing to compare
        before = self.rss_kb()
        waiting = [self.login() for _ in range(4)]
        for c in waiting:
            c.send(b"Q" + int32(0x3FFFFFF0) + b"select 1")
        self.assert_server_fine()  # served while those wait for their bodies
        self.assert_rss_flat(before, "four 1 GiB queries announced")
        for c in waiting:
            self.assertFalse(c.has_data(), "a reply to an incomplete message")
            c.close()

    def assert_rss_flat(self, before, what):
        if before is None:
            return
        after = self.rss_kb()
        self.assertLess(after - before, 16 * 1024,
                        "%s: RSS went from %d kB to %d kB" % (what, before, after))

    def test_oversized_sync_closes_silently(self):
        c = self.login()
        c.send(b"S" + int32(100000))
        self.assert_closed_silently(c)

    def test_password_message_after_login_is_fatal(self):
        c = self.login()
        c.send(typed("p", b"secret\0"))
        fields = self.assert_fatal(c, "08P01")
        self.assertEqual(fields["M"], "invalid frontend message type 112")

    def test_sync_with_trailing_bytes(self):
        # ERROR 08P01 "invalid message format", ReadyForQuery; no skip starts.
        c = self.login()
        c.send(typed("S", b"xx") + pgproto.query("select 4"))
        self.assert_error_then_ready(c, "08P01")
        got = self.until_ready(c)
        self.assertEqual([k for k, _ in got], ["T", "D", "C", "Z"], show(got))

    def test_describe_with_a_bad_subtype(self):
        c = self.login()
        c.send(typed("D", b"Xfoo\0") + pgproto.sync())
        self.assert_error_then_ready(c, "08P01")
        self.assert_usable(c)

    # Counts and lengths inside Parse and Bind ---------------------------------------

    def assert_bind_refused(self, bind, code="08P01"):
        c = self.login()
        c.send(PARSE_TEXT_PARAM + bind + pgproto.execute() + pgproto.sync())
        self.assert_error_then_ready(c, code, before=["1"])
        self.assert_usable(c)

    def test_bind_parameter_count_beyond_the_bytes(self):
        self.assert_bind_refused(bind_raw(int16(5) + int32(1) + b"a"))

    def test_bind_negative_parameter_count(self):
        self.assert_bind_refused(bind_raw(int16(-1)))

    def test_bind_parameter_count_mismatch(self):
        self.assert_bind_refused(bind_raw(int16(2) + int32(1) + b"a" + int32(1) + b"b"))

    def test_bind_format_count_mismatch(self):
        self.assert_bind_refused(bind_raw(int16(1) + int32(1) + b"a", formats=(0, 0)))

    def test_bind_negative_parameter_length(self):
        for length in (-2, -1000, -(1 << 31)):
            self.assert_bind_refused(bind_raw(int16(1) + int32(length)))

    def test_bind_parameter_length_beyond_the_bytes(self):
        self.assert_bind_refused(bind_raw(int16(1) + int32(1000) + b"abc"))

    def test_parse_type_count_beyond_the_bytes(self):
        for count in (10, -1):
            c = self.login()
            c.send(typed("P", b"\0select 1\0" + int16(count) + int32(23)) + pgproto.sync())
            self.assert_error_then_ready(c, "08P01")
            self.assert_usable(c)

    # Missing statements and portals; the skip until Sync ---------------------------

    def test_bind_to_a_missing_statement(self):
        c = self.login()
        c.send(pgproto.bind(statement=b"nope") + pgproto.execute() + pgproto.sync())
        self.assert_error_then_ready(c, "26000")

    def test_describe_a_missing_statement(self):
        c = self.login()
        c.send(typed("D", b"Snope\0") + pgproto.sync())
        self.assert_error_then_ready(c, "26000")

    def test_describe_a_missing_portal(self):
        c = self.login()
        c.send(typed("D", b"Pnope\0") + pgproto.sync())
        self.assert_error_then_ready(c, "34000")

    def test_execute_a_missing_portal(self):
        c = self.login()
        c.send(pgproto.execute(b"nope") + pgproto.sync())
        self.assert_error_then_ready(c, "34000")

    def test_close_of_missing_objects_is_not_an_error(self):
        c = self.login()
        c.send(typed("C", b"Snope\0") + typed("C", b"Pnope\0") + pgproto.sync())
        got = self.until_ready(c)
        self.assertEqual([k for k, _ in got], ["3", "3", "Z"], show(got))

    def test_messages_between_an_error_and_sync_are_ignored(self):
        c = self.login()
        c.send(pgproto.bind(statement=b"nope") + pgproto.parse("select 5") + pgproto.bind()
               + pgproto.execute() + pgproto.query("select 6") + typed("F", int32(1) + int16(0, 0, 0))
               + typed("d", b"x") + typed("H", b"") + pgproto.sync())
        self.assert_error_then_ready(c, "26000")
        self.assert_usable(c)

    # COPY messages --------------------------------------------------------------

    def test_copy_messages_outside_copy_are_ignored(self):
        c = self.login()
        c.send(typed("d", b"1\tx\n") + typed("c") + typed("f", b"why\0"))
        self.assert_usable(c)

    def start_copy_in(self):
        c = self.login()
        r = c.simple_query("create temp table hostile_copy (i int, s text)")
        self.assertNotIn("error", r[0], r)
        c.send(pgproto.query("copy hostile_copy from stdin"))
        kind, body = c.read_message()
        self.assertEqual(kind, "G", pgproto.describe(kind, body))
        return c

    def assert_error_then_sync_lost(self, c, code, message):
        """PostgreSQL's answer to a message its COPY reader could not read:
        the ERROR, then FATAL 08P01, and the connection closes."""
        got = c.expect_closed(10.0 * hostile.SLOW)
        self.assertEqual([k for k, _ in got], ["E", "E"], show(got))
        error, fatal = (pgproto.parse_fields(b) for _, b in got)
        self.assertEqual((error["S"], error["C"], error["M"]), ("ERROR", code, message))
        self.assertEqual((fatal["S"], fatal["C"], fatal["M"]),
                         ("FATAL", "08P01",
                          "terminating connection because protocol synchronization was lost"))

    def test_query_inside_copy_is_08P01_then_fatal(self):
        c = self.start_copy_in()
        c.send(typed("d", b"1\ta\n") + pgproto.query("select 7"))
        self.assert_error_then_sync_lost(
            c, "08P01", "unexpected message type 0x51 during COPY from stdin")

    def test_query_inside_extended_copy_is_08P01_then_fatal(self):
        c = self.login()
        self.assertNotIn("error", c.simple_query("create temp table hostile_copy (i int)")[0])
        c.send(pgproto.parse("copy hostile_copy from stdin") + pgproto.bind() + pgproto.execute()
               + pgproto.sync())
        self.assertEqual([c.read_message()[0] for _ in range(3)], ["1", "2", "G"])
        c.send(pgproto.query("select 7"))
        self.assert_error_then_sync_lost(
            c, "08P01", "unexpected message type 0x51 during COPY from stdin")

    def test_copy_fail_without_terminator(self):
        c = self.start_copy_in()
        c.send(typed("f", b"abc"))
        fields = self.assert_error_then_ready(c, "08P01")
        self.assertEqual(fields["M"], "invalid string in message")
        self.assert_usable(c)

    def test_copy_fail_is_57014(self):
        c = self.start_copy_in()
        c.send(typed("d", b"1\ta\n") + typed("f", b"client gave up\0"))
        fields = self.assert_error_then_ready(c, "57014")
        self.assertEqual(fields["M"], "COPY from stdin failed: client gave up")
        self.assert_usable(c)

    def test_oversized_copy_data_is_08006_then_fatal(self):
        before = self.rss_kb()
        for length in (0x7FFFFFF0, 3):
            c = self.start_copy_in()
            c.send(b"d" + int32(length) + b"1\ta\n")
            self.assert_error_then_sync_lost(
                c, "08006", "unexpected EOF on client connection with an open transaction")
        self.assert_rss_flat(before, "CopyData of 2 GiB announced")

    def test_flush_and_sync_inside_copy_are_ignored(self):
        c = self.start_copy_in()
        c.send(typed("d", b"1\ta\n") + typed("H") + pgproto.sync() + typed("d", b"2\tb\n")
               + typed("c"))
        got = self.until_ready(c)
        self.assertEqual([k for k, _ in got], ["C", "Z"], show(got))
        self.assertEqual(got[0][1], b"COPY 2\0")


hostile.for_each_target(MessageCases, globals())


class PendingProtocolFixesCases:
    """Expected to fail on the examples until the lead's src/protocol fix
    (issue 10): what PostgreSQL 15 answers, checked on the reference."""

    def test_invalid_utf8_in_query(self):
        c = self.login()
        c.send(pgproto.query(b"select '\xff'"))
        fields = self.assert_error_then_ready(c, "22021")
        self.assertEqual(fields["M"], 'invalid byte sequence for encoding "UTF8": 0xff')
        self.assert_usable(c)

    def test_invalid_utf8_in_parse(self):
        c = self.login()
        c.send(typed("P", b"\0select '\xc3\x28'\0" + int16(0)) + pgproto.sync())
        fields = self.assert_error_then_ready(c, "22021")
        self.assertEqual(fields["M"], 'invalid byte sequence for encoding "UTF8": 0xc3 0x28')
        self.assert_usable(c)

    def test_invalid_utf8_in_a_text_bind_parameter(self):
        c = self.login()
        c.send(PARSE_TEXT_PARAM + pgproto.bind(params=[b"\xff\xfe"]) + pgproto.execute()
               + pgproto.sync())
        self.assert_error_then_ready(c, "22021", before=["1"])
        self.assert_usable(c)

    def test_invalid_utf8_in_application_name_is_cleaned(self):
        # PostgreSQL 15 does not refuse it: application_name keeps printable
        # ASCII only (pg_clean_ascii), the rest becomes '?'.
        c = self.raw()
        body = (int32(196608) + b"user\0" + self.user.encode() + b"\0database\0postgres\0"
                + b"application_name\0a\xffb\0\0")
        c.send(hostile.raw_startup(body))
        got = self.until_ready(c)  # trust: no password exchange
        reported = [b for k, b in got if k == "S" and b.startswith(b"application_name\0")]
        self.assertEqual(reported, [b"application_name\0a?b\0"], show(got))
        c.send(pgproto.query("show application_name"))
        got = self.until_ready(c)
        self.assertIn(("D", b"\0\x01\0\0\0\x03a?b"), got, show(got))

    def test_binary_int4_of_5_bytes_is_22P03_at_bind(self):
        c = self.login()
        c.send(pgproto.parse("select $1", param_types=[23])
               + bind_raw(int16(1) + int32(5) + b"\0\0\0\1\2", formats=(1,))
               + pgproto.execute() + pgproto.sync())
        fields = self.assert_error_then_ready(c, "22P03", before=["1"])
        self.assertEqual(fields["M"], "incorrect binary data format in bind parameter 1")
        self.assert_usable(c)

    def test_binary_int4_of_3_bytes_is_refused_at_bind(self):
        # PostgreSQL 15's int4recv runs out of bytes: 08P01 "insufficient
        # data left in message", at Bind (no BindComplete).
        c = self.login()
        c.send(pgproto.parse("select $1", param_types=[23])
               + bind_raw(int16(1) + int32(3) + b"\0\0\1", formats=(1,))
               + pgproto.execute() + pgproto.sync())
        self.assert_error_then_ready(c, "08P01", before=["1"])
        self.assert_usable(c)

    def test_function_call_of_an_unknown_oid_is_42883(self):
        c = self.login()
        c.send(typed("F", int32(999999) + int16(0) + int16(0) + int16(0)))
        fields = self.assert_error_then_ready(c, "42883")
        self.assertEqual(fields["M"], "function with OID 999999 does not exist")
        self.assert_usable(c)


hostile.for_each_target(PendingProtocolFixesCases, globals())


if __name__ == "__main__":
    unittest.main()
