"""sqlite_server's PostgreSQL dialect on top of SQLite, as a protocol client
sees it: casts typed and named as PostgreSQL does, parameter types inferred
from the columns they meet, ARRAY[...] constants, values stored through the
type layer (canonical output, 22P02 for invalid input), SQL cursors."""

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
        self.assertEqual(bad[-1]["error"]["C"], "22P02", bad)
        self.assertEqual(self.one(c, "SELECT count(*) FROM t")["rows"], [["2"]])

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
