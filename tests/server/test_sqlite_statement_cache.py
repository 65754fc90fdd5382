"""sqlite_server keeps each connection's translated statements by their text
(examples/sqlite/statement_cache.hpp): a simple Query sent again, or the
Parse drivers repeat for every execution, is neither translated nor
compiled again. A translation reads the schema (column defaults, column
types), so DDL anywhere must make the next use of the same text see the
new schema, as PostgreSQL's plan cache does: DDL in autocommit, DDL
committed in another connection's transaction block, and DDL rolled back.

Simple Query through psycopg2 (it sends every statement as a Query
message); Parse/Describe through psycopg 3's libpq binding."""

import os
import shutil
import tempfile

import psycopg
import psycopg2

from harness import ServerTestCase

# The text whose translation depends on the schema: DEFAULT in VALUES is
# replaced by the column's default expression when it is translated.
INSERT = "INSERT INTO t VALUES (DEFAULT, 'x') RETURNING a"


class StatementCacheTest(ServerTestCase):
    def setUp(self):
        directory = tempfile.mkdtemp(prefix="pgwire-cache-")
        self.addCleanup(shutil.rmtree, directory, True)
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0", "--db",
                                        os.path.join(directory, "db.sqlite"))

    def simple(self):
        c = psycopg2.connect(host="127.0.0.1", port=self.server.port, user="postgres", dbname="postgres")
        c.autocommit = True
        self.addCleanup(c.close)
        return c

    def extended(self):
        c = psycopg.connect(host="127.0.0.1", port=self.server.port, user="postgres", dbname="postgres",
                            autocommit=True)
        self.addCleanup(c.close)
        return c

    def run_simple(self, c, sql):
        with c.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall() if cur.description else None

    def recreate(self, c, default, b_type="text"):
        self.run_simple(c, "DROP TABLE IF EXISTS t")
        self.run_simple(c, "CREATE TABLE t (a int DEFAULT %d, b %s)" % (default, b_type))

    def test_simple_query_sees_ddl_of_another_connection(self):
        ddl, user = self.simple(), self.simple()
        self.recreate(ddl, 1)
        for _ in range(3):  # kept after the first
            self.assertEqual(self.run_simple(user, INSERT), [(1,)])
        self.recreate(ddl, 2)
        self.assertEqual(self.run_simple(user, INSERT), [(2,)])

    def test_extended_query_sees_ddl_of_another_connection(self):
        ddl, user = self.simple(), self.extended()
        self.recreate(ddl, 1)
        for _ in range(3):
            self.assertEqual(user.execute(INSERT).fetchall(), [(1,)])
        self.recreate(ddl, 2)
        self.assertEqual(user.execute(INSERT).fetchall(), [(2,)])

    def test_ddl_seen_when_the_other_transaction_commits(self):
        ddl, user = self.simple(), self.simple()
        self.recreate(ddl, 1)
        self.assertEqual(self.run_simple(user, INSERT), [(1,)])
        ddl.autocommit = False
        with ddl.cursor() as cur:  # psycopg2 opens the block itself
            cur.execute("DROP TABLE t")
            cur.execute("CREATE TABLE t (a int DEFAULT 3, b text)")
        ddl.commit()
        self.assertEqual(self.run_simple(user, INSERT), [(3,)])

    def test_ddl_rolled_back_is_forgotten(self):
        c = self.simple()
        self.recreate(c, 1)
        self.assertEqual(self.run_simple(c, INSERT), [(1,)])
        c.autocommit = False
        with c.cursor() as cur:
            cur.execute("DROP TABLE t")
            cur.execute("CREATE TABLE t (a int DEFAULT 4, b text)")
            cur.execute(INSERT)
            self.assertEqual(cur.fetchall(), [(4,)])  # its own DDL, at once
        c.rollback()
        c.autocommit = True
        self.assertEqual(self.run_simple(c, INSERT), [(1,)])

    def test_parse_describes_the_new_parameter_types(self):
        ddl, user = self.simple(), self.extended()
        self.recreate(ddl, 1, "text")
        sql = b"INSERT INTO t (b) VALUES ($1)"
        pg = user.pgconn
        for _ in range(2):
            pg.prepare(b"", sql)
            self.assertEqual(pg.describe_prepared(b"").param_type(0), 25)  # text, from column b
        self.recreate(ddl, 1, "int8")
        pg.prepare(b"", sql)
        self.assertEqual(pg.describe_prepared(b"").param_type(0), 20)

    def test_result_columns_follow_the_new_table(self):
        ddl, user = self.simple(), self.extended()
        self.recreate(ddl, 1, "text")
        self.run_simple(ddl, "INSERT INTO t VALUES (1, 'one')")
        cur = user.execute("SELECT * FROM t")
        self.assertEqual([(d.name, d.type_code) for d in cur.description], [("a", 23), ("b", 25)])
        self.run_simple(ddl, "DROP TABLE t")
        self.run_simple(ddl, "CREATE TABLE t (x bigint, y text, z boolean)")
        self.run_simple(ddl, "INSERT INTO t VALUES (7, 'seven', true)")
        cur = user.execute("SELECT * FROM t")
        self.assertEqual([(d.name, d.type_code) for d in cur.description], [("x", 20), ("y", 25), ("z", 16)])
        self.assertEqual(cur.fetchall(), [(7, "seven", True)])

    def test_many_texts_on_one_connection(self):
        # More texts than the cache keeps: each still gets its own answer.
        c = self.simple()
        for i in range(100):
            self.assertEqual(self.run_simple(c, "SELECT %d AS n" % i), [(i,)])
        for i in range(100):
            self.assertEqual(self.run_simple(c, "SELECT %d AS n" % i), [(i,)])

    def test_each_execution_starts_from_a_clean_result(self):
        # A statement's ended result is kept, cleared, for its next
        # execution (examples/sqlite/rows.hpp, keep_state): nothing of one
        # execution may show in the next, whatever the row count, the
        # formats or an error in the middle.
        c = self.extended()
        c.execute("CREATE TABLE nums (i int4)")
        c.execute("INSERT INTO nums SELECT i FROM generate_series(1, 4000) i")
        sql = "SELECT i, i * %s::int4, 'r' || i FROM nums WHERE i <= %s ORDER BY i"
        runs = [(1, 3), (2, 0), (3, 2500), (1, 1), (1 << 30, 3), (5, 2), (7, 4000), (1, 2)]
        for k, n in runs:
            for binary in (False, True):
                with c.cursor(binary=binary) as cur:
                    if k * n >= 1 << 31:  # int4 * int4 overflows at row 2: 22003 after row 1
                        with self.assertRaises(psycopg.errors.NumericValueOutOfRange):
                            cur.execute(sql, [k, n], prepare=True)
                            cur.fetchall()
                        continue
                    cur.execute(sql, [k, n], prepare=True)
                    self.assertEqual(cur.fetchall(), [(i, i * k, "r%d" % i) for i in range(1, n + 1)],
                                     "k=%d n=%d binary=%s" % (k, n, binary))
