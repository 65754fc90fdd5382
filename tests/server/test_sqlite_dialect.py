"""sqlite_server's PostgreSQL dialect on top of SQLite, as a protocol client
sees it: casts typed and named as PostgreSQL does, parameter types inferred
from the columns they meet, ARRAY[...] constants, values stored through the
type layer (canonical output, PostgreSQL's SQLSTATE and message for invalid
input: 22P02, 22007, 22008, ...), SQL cursors."""

import struct
import unittest

import pgproto
from harness import ServerTestCase


class SqliteDialectTest(ServerTestCase):

    def setUp(self):
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0")

    def session(self):
        c = pgproto.Conn(port=self.server.port)
        self.addCleanup(c.close)
        c.startup("postgres")
        return c

    def one(self, c, sql):
        results = c.simple_query(sql)
        self.assertEqual(len(results), 1, results)
        self.assertNotIn("error", results[0], results)
        return results[0]

    def test_casts_type_and_name_columns(self):
        c = self.session()
        r = self.one(c, "SELECT 1::int4, '{1,2}'::int[], '2024-02-29'::date AS d, 2 + 3, price FROM demo WHERE id = 1")
        cols = [(col["name"], col["type"]) for col in r["columns"]]
        # PostgreSQL: int4 23 named "int4", int4[] 1007 named "int4", date 1082, int8 20 (by value), float4 700
        self.assertEqual(cols, [("int4", 23), ("int4", 1007), ("d", 1082), ("2 + 3", 20), ("price", 700)])
        self.assertEqual(r["rows"], [["1", "{1,2}", "2024-02-29", "5", "0.5"]])

    def test_values_are_canonical_and_validated(self):
        c = self.session()
        self.one(c, "CREATE TABLE t (id BIGINT PRIMARY KEY, a _INT4, i INTERVAL, j JSONB, n INET)")
        self.one(c, "INSERT INTO t VALUES (1, ARRAY[1, NULL, -3], '4 hours 3 days', "
                    "'{\"b\": 1, \"a\": [true]}', '10.0.0.1/8')")
        r = self.one(c, "SELECT a, i, j, n FROM t")
        self.assertEqual(r["rows"], [["{1,NULL,-3}", "3 days 04:00:00", '{"a": [true], "b": 1}', "10.0.0.1/8"]])
        # A literal is SQLite's to store (it is not parsed here): an invalid
        # one is refused when read, with PostgreSQL's SQLSTATE. (Parameters
        # are checked at Bind.)
        self.one(c, "INSERT INTO t (id, i) VALUES (2, 'soon')")
        bad = c.simple_query("SELECT i FROM t WHERE id = 2")
        self.assertEqual(bad[-1]["error"]["C"], "22007", bad)  # invalid_datetime_format, as interval_in
        self.assertEqual(self.one(c, "SELECT count(*) FROM t")["rows"], [["2"]])

    def error_of(self, c, sql):
        results = c.simple_query(sql)
        self.assertIn("error", results[-1], results)
        return results[-1]["error"]

    def test_invalid_dates_get_postgresql_sqlstates(self):
        # The codes and messages PostgreSQL 15 gives for the same input
        # functions: 22007 unreadable, 22008 a field or value out of range,
        # 22009 a zone out of range, 22015 an interval field overflow.
        c = self.session()
        for sql, code, message in [
                ("SELECT 'abc'::date", "22007", 'invalid input syntax for type date: "abc"'),
                ("SELECT '2024-13-01'::date", "22008", 'date/time field value out of range: "2024-13-01"'),
                ("SELECT '5874898-01-01'::date", "22008", 'date out of range: "5874898-01-01"'),
                ("SELECT '25:00'::time", "22008", 'date/time field value out of range: "25:00"'),
                ("SELECT '04:05:06+16'::timetz", "22009", 'time zone displacement out of range: "04:05:06+16"'),
                ("SELECT '2147483648 days'::interval", "22015",
                 'interval field value out of range: "2147483648 days"'),
                ("SELECT '{2024-01-01,2024-02-30}'::date[]", "22008",
                 'date/time field value out of range: "2024-02-30"')]:
            error = self.error_of(c, sql)
            self.assertEqual((error["C"], error["M"]), (code, message), sql)
        # Stored literals are SQLite's (not parsed on the way in): the error
        # comes when the value is read back through the type layer.
        self.one(c, "CREATE TABLE ev (id BIGINT PRIMARY KEY, d DATE)")
        self.one(c, "INSERT INTO ev VALUES (1, 'abc'::date), (2, '2024-13-01'::date)")
        self.assertEqual(self.error_of(c, "SELECT d FROM ev WHERE id = 1")["C"], "22007")
        self.assertEqual(self.error_of(c, "SELECT d FROM ev WHERE id = 2")["C"], "22008")

    def test_invalid_date_parameters_get_postgresql_sqlstates(self):
        c = self.session()
        self.one(c, "CREATE TABLE ev (id BIGINT PRIMARY KEY, d DATE)")

        def insert(value, fmt):
            # Parse (types inferred: int8, date), Bind with id as text and d
            # in format fmt, Execute, Sync; the ErrorResponse's fields.
            params = struct.pack("!hhh", 2, 0, fmt) + struct.pack("!h", 2)
            for v in (b"7", value):
                params += struct.pack("!i", len(v)) + v
            c.send(pgproto.message("P", pgproto.cstr("") + pgproto.cstr("INSERT INTO ev VALUES ($1, $2)")
                                   + struct.pack("!h", 0))
                   + pgproto.message("B", pgproto.cstr("") + pgproto.cstr("") + params + struct.pack("!h", 0))
                   + pgproto.message("E", pgproto.cstr("") + struct.pack("!i", 0)) + pgproto.message("S"))
            messages = []
            while not messages or messages[-1][0] != "Z":
                messages.append(c.read_message())
            errors = [pgproto.parse_fields(body) for kind, body in messages if kind == "E"]
            self.assertEqual(len(errors), 1, messages)
            return errors[0]

        for value, fmt, code, message in [
                (b"abc", 0, "22007", 'invalid input syntax for type date: "abc"'),
                (b"2024-13-01", 0, "22008", 'date/time field value out of range: "2024-13-01"'),
                (b"2024-02-30", 0, "22008", 'date/time field value out of range: "2024-02-30"'),
                (struct.pack("!i", -2147483647), 1, "22008", "date out of range"),  # date_recv
                (b"\0\0\1", 1, "08P01", "insufficient data left in message")]:
            error = insert(value, fmt)
            self.assertEqual((error["C"], error["M"]), (code, message), value)
        self.assertEqual(self.one(c, "SELECT count(*) FROM ev")["rows"], [["0"]])

    def test_parameter_types_inferred_from_columns(self):
        c = self.session()
        self.one(c, "CREATE TABLE p (id BIGINT PRIMARY KEY, u UUID, ts TIMESTAMPTZ)")
        for sql, want in [("INSERT INTO p (id, u, ts) VALUES ($1, $2, $3)", [20, 2950, 1184]),
                          ("INSERT INTO p VALUES ($1, $2, $3)", [20, 2950, 1184]),
                          ("SELECT id FROM p WHERE u = $1 AND $2 < ts LIMIT $3", [2950, 1184, 20]),
                          ("SELECT $1::int2, $2", [21, 25])]:
            # Parse (no types given), Describe statement, Sync.
            c.send(pgproto.message("P", pgproto.cstr("") + pgproto.cstr(sql) + struct.pack("!h", 0))
                   + pgproto.message("D", b"S" + pgproto.cstr("")) + pgproto.message("S"))
            messages = []
            while not messages or messages[-1][0] != "Z":
                messages.append(c.read_message())
            described = [body for kind, body in messages if kind == "t"]
            self.assertEqual(len(described), 1, (sql, messages))
            (n,) = struct.unpack_from("!h", described[0], 0)
            self.assertEqual(list(struct.unpack_from("!%dI" % n, described[0], 2)), want, sql)

    def test_psql_fetch_count_uses_the_library_cursors(self):
        r = self.psql(self.conninfo(self.server), "-At", "-v", "FETCH_COUNT=2",
                      "-c", "SELECT id, name FROM demo ORDER BY id")
        self.assertEqual(r.stdout.splitlines(), ["1|apple", "2|banana", "3|cherry"])


if __name__ == "__main__":
    unittest.main()
