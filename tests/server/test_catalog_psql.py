"""psql 15's meta-commands against sqlite_server, compared with PostgreSQL 15
running the same schema: two tables with a foreign key, an index, a view
(and sqlite_server's demo table). sqlite_server answers them from the
library's catalog layer (pgwire::catalog), fed by SQLite's own schema
(examples/sqlite/catalog.hpp).

psql's output is compared exactly, except where the reference cluster has
more than the schema: \\l lists its template databases and \\du the compat
suite's test roles. Those two are compared in unaligned form, row by row,
for the rows both servers have (the postgres database and role).
"""

import os
import pty
import select
import time
import unittest

from harness import SLOW, BesideReferenceTestCase, ReferencePostgres, ServerTestCase, client_env, tool


SCHEMA = """
CREATE TABLE IF NOT EXISTS demo (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL, created DATE);
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL, born date);
CREATE TABLE books (id integer PRIMARY KEY, author_id integer NOT NULL REFERENCES authors(id),
                    title varchar(200) NOT NULL, price numeric(10,2) DEFAULT 0);
CREATE INDEX books_title_idx ON books (title);
CREATE VIEW cheap_books AS SELECT id, title FROM books WHERE price < 10;
"""
DROP_SCHEMA = "DROP VIEW cheap_books; DROP TABLE books, authors, demo"

# Compared exactly (aligned output, as a user sees it).
EXACT = [
    ["\\dt"], ["\\d"], ["\\di"], ["\\dv"], ["\\dn"], ["\\df"], ["\\dT"],
    ["\\d books"], ["\\d authors"], ["\\d cheap_books"], ["\\d demo"],
    ["\\x", "\\d books"], ["\\x", "\\dt"],
    ["\\d+ books"], ["\\dn+"], ["\\dd"], ["\\dc"], ["\\do"], ["\\db"], ["\\dp"], ["\\da"], ["\\dA"],
    ["\\dD"], ["\\dy"], ["\\des"], ["\\det"], ["\\deu"], ["\\dRp"], ["\\dRs"], ["\\drds"], ["\\dO"],
    ["\\dconfig work_mem"], ["\\dconfig *_page_cost"], ["SET work_mem = '16MB'", "\\dconfig work_mem"],
]

# Tab completion: what psql's readline prints after the text and two TABs.
COMPLETIONS = [
    "SELECT * FROM bo", "SELECT * FROM books WHERE ti", "SELECT * FROM cheap", "\\d a", "\\d books_",
    "INSERT INTO au", "ALTER TABLE books ADD FOREIGN KEY (author_id) REFERENCES au", "DROP VIEW ch",
    "SELECT * FROM authors JOIN books ON books.au", "\\di b", "\\dt d",
]

# examples/server.cpp's catalog (described with the Builder), as DDL.
SERVER_SCHEMA = """
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2) DEFAULT 0);
COMMENT ON TABLE items IS 'What the fixed results are made of';
CREATE TABLE orders (id integer PRIMARY KEY, item_id integer NOT NULL REFERENCES items(id),
                     quantity integer NOT NULL DEFAULT 1);
CREATE INDEX orders_item_id_idx ON orders (item_id);
"""

REFERENCE = ReferencePostgres("pgwire-catalog-test-")


def setUpModule():
    REFERENCE.start()


def tearDownModule():
    REFERENCE.stop()


class PsqlCatalogTest(BesideReferenceTestCase):
    # libpq_proxy in front of the reference must give the same answers.
    reference_postgres = REFERENCE
    schema = SCHEMA
    drop_schema = DROP_SCHEMA

    def run_both(self, commands, *options):
        args = list(options)
        for c in commands:
            args += ["-c", c]
        ours = self.psql(self.ours, *args)
        reference = self.psql(self.reference, *args)
        # psql's messages ("Did not find any settings.") too; an ERROR would differ.
        self.assertEqual(ours.stderr, reference.stderr, commands)
        proxied = self.psql(self.proxied, *args)
        self.assertEqual((proxied.stdout, proxied.stderr), (reference.stdout, reference.stderr),
                         "through libpq_proxy: %r" % commands)
        return ours.stdout, reference.stdout

    def test_meta_commands_print_as_on_postgresql(self):
        for commands in EXACT:
            with self.subTest(commands=commands):
                ours, reference = self.run_both(commands)
                self.assertEqual(ours, reference)

    def test_gdesc_prints_as_on_postgresql(self):
        # psql's \gdesc describes the query, then asks format_type() of each
        # column in a query over (VALUES ...) s(name, tp, tpm).
        script = ("SELECT id, title, price FROM books \\gdesc\n"
                  "SELECT a.name, b.author_id, count(*) AS n FROM authors a JOIN books b ON b.author_id = a.id"
                  " GROUP BY a.name, b.author_id \\gdesc\n")
        ours = self.psql(self.ours, input=script)
        reference = self.psql(self.reference, input=script)
        self.assertEqual((ours.stdout, ours.stderr), (reference.stdout, reference.stderr))
        self.assertIn("character varying(200)", ours.stdout)

    def test_databases_and_roles(self):
        for command, key in (("\\l", "postgres|"), ("\\du", "postgres|"), ("\\dg", "postgres|")):
            with self.subTest(command=command):
                ours, reference = self.run_both([command], "-A")
                ours_lines = ours.splitlines()
                reference_lines = reference.splitlines()
                # The header line, then the row of the postgres database / role.
                self.assertEqual(ours_lines[1], reference_lines[1])
                ours_rows = [l for l in ours_lines if l.startswith(key)]
                reference_rows = [l for l in reference_lines if l.startswith(key)]
                self.assertEqual(len(ours_rows), 1, ours)
                self.assertEqual(ours_rows, reference_rows)

    def completion(self, conninfo, text):
        """psql in a terminal: types `text`, two TABs, then clears the line
        and echoes a marker; returns what psql printed between its
        first prompt and the marker."""
        pid, fd = pty.fork()
        if pid == 0:
            env = client_env()
            env.update(TERM="dumb", INPUTRC=os.devnull)
            os.execve(tool("psql"), ["psql", "-X", "-d", conninfo], env)
        out = b""

        def read_until(done):
            nonlocal out
            deadline = time.monotonic() + 30 * SLOW  # a hang fails; never a synchronisation
            while not done(out):
                self.assertLess(time.monotonic(), deadline, "psql printed %r" % out)
                ready, _, _ = select.select([fd], [], [], 1.0)
                if ready:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        chunk = b""
                    self.assertTrue(chunk, "psql ended: %r" % out)
                    out += chunk
        try:
            # The prompt: "postgres=# " for a superuser, "postgres=> " otherwise
            # (sqlite_server does not report is_superuser on).
            read_until(lambda o: o.endswith(b"postgres=# ") or o.endswith(b"postgres=> "))
            start = len(out)
            # Ctrl-U ends the line (Ctrl-C would be a signal that flushes the input).
            os.write(fd, text.encode() + b"\t\t\x15\\echo TAB-DONE\n")
            read_until(lambda o: b"\nTAB-DONE" in o)
            return out[start:out.index(b"\nTAB-DONE")].replace(b"postgres=> ", b"postgres=# ")
        finally:
            os.write(fd, b"\\q\n")
            os.close(fd)
            os.waitpid(pid, 0)

    def test_tab_completion(self):
        for text in COMPLETIONS:
            with self.subTest(text=text):
                ours = self.completion(self.ours, text)
                reference = self.completion(self.reference, text)
                self.assertGreater(len(reference), len(text), reference)
                self.assertEqual(ours, reference)
                self.assertEqual(self.completion(self.proxied, text), reference, "through libpq_proxy")

    def test_the_catalog_follows_ddl(self):
        self.psql(self.ours, "-q", "-c", "CREATE TABLE later (a integer PRIMARY KEY)")
        out = self.psql(self.ours, "-A", "-t", "-c", "\\dt").stdout
        self.assertIn("public|later|table|postgres", out.splitlines())
        self.psql(self.ours, "-q", "-c", "DROP TABLE later")
        out = self.psql(self.ours, "-A", "-t", "-c", "\\dt").stdout
        self.assertNotIn("later", out)


class FixedResultsCatalogTest(ServerTestCase):
    """examples/server.cpp: a product without SQL describes two tables in a
    few lines; psql's \\d shows them as PostgreSQL shows the same tables."""

    def test_described_tables_print_as_on_postgresql(self):
        server = self.start_server("server", "--listen", "127.0.0.1:0")
        reference = REFERENCE.conninfo()
        self.psql(reference, "-v", "ON_ERROR_STOP=1", "-q", input=SERVER_SCHEMA)
        self.addCleanup(self.psql, reference, "-q", "-c", "DROP TABLE orders, items")
        for commands in (["\\d"], ["\\dt"], ["\\d items"], ["\\d orders"], ["\\di"], ["\\x", "\\d orders"]):
            with self.subTest(commands=commands):
                args = []
                for c in commands:
                    args += ["-c", c]
                ours = self.psql(self.conninfo(server), *args)
                theirs = self.psql(reference, *args)
                self.assertEqual((ours.stdout, ours.stderr), (theirs.stdout, theirs.stderr))
        # Other statements still get the fixed results.
        out = self.psql(self.conninfo(server), "-A", "-t", "-c", "SELECT 1").stdout
        self.assertEqual(out, "SELECT 1|8\n")


if __name__ == "__main__":
    unittest.main()
