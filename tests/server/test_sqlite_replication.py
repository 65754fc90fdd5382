"""sqlite_server streams its own changes to logical replication clients
(issue 15), through the library's ReplicationHub: psql with
replication=database runs the replication commands (IDENTIFY_SYSTEM,
CREATE_/DROP_REPLICATION_SLOT and their 42710 / 42704); pg_recvlogical
receives exactly the test_decoding lines PostgreSQL 15 prints for the
INSERT, UPDATE and DELETE another client commits in three transactions, and
a restart gets only what came after; a role outside --replication-roles is
refused with 42501; psycopg2's LogicalReplicationConnection reads a pgoutput
stream filtered by a publication kept in sqlite_server's catalog (CREATE /
ALTER / DROP PUBLICATION with PostgreSQL's errors, persisted in the database
file).

Synchronisation is by conditions only: pg_recvlogical stops at --endpos (the
xlogpos IDENTIFY_SYSTEM reports after the workload), the pgoutput reader
polls its socket with a deadline."""

import os
import re
import select
import struct
import subprocess
import tempfile
import threading
import time
import unittest

import psycopg2
import psycopg2.errors
import psycopg2.extras

import pgproto
from harness import SLOW, ServerTestCase, client_env, tool

WORKLOAD = [
    "INSERT INTO repl_t VALUES (1, 'one')",
    "BEGIN; UPDATE repl_t SET note = 'uno' WHERE id = 1; COMMIT",
    "DELETE FROM repl_t WHERE id = 1",
]
# What PostgreSQL 15's test_decoding prints for WORKLOAD (xids aside).
EXPECTED = [
    ["BEGIN", "table public.repl_t: INSERT: id[integer]:1 note[text]:'one'", "COMMIT"],
    ["BEGIN", "table public.repl_t: UPDATE: id[integer]:1 note[text]:'uno'", "COMMIT"],
    ["BEGIN", "table public.repl_t: DELETE: id[integer]:1", "COMMIT"],
]


class SqliteReplicationTest(ServerTestCase):

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="pgwire-sqlite-repl-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.work]))
        self.db_file = os.path.join(self.work, "repl.db")
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0", "--db", self.db_file,
                                        "--replication-roles", "postgres,repl_user")
        self.sql = self.conninfo(self.server)
        self.repl = self.conninfo(self.server, replication="database")

    # Helpers ------------------------------------------------------------------

    def run_sql(self, *statements, conninfo=None):
        args = ["-v", "ON_ERROR_STOP=1", "-At"]
        for s in statements:
            args += ["-c", s]
        return self.psql(conninfo or self.sql, *args).stdout

    def failing(self, conninfo, statement):
        """psql's stderr for a statement that must fail, with its SQLSTATE."""
        r = self.psql(conninfo, "-v", "VERBOSITY=verbose", "-At", "-c", statement, expect_ok=False)
        self.assertNotEqual(r.returncode, 0, "%r succeeded:\n%s" % (statement, r.stdout))
        return r.stderr

    def xlogpos(self):
        out = self.run_sql("IDENTIFY_SYSTEM", conninfo=self.repl).strip().split("|")
        self.assertEqual(len(out), 4, out)
        self.assertRegex(out[2], r"^[0-9A-F]+/[0-9A-F]+$")
        return out[2]

    def recvlogical(self, *args, timeout=60.0):
        argv = [tool("pg_recvlogical"), "-d", self.sql] + list(args)
        r = subprocess.run(argv, capture_output=True, text=True, env=client_env(), timeout=timeout * SLOW)
        if r.returncode != 0:
            self.fail("pg_recvlogical %r exited with %d\nstdout:\n%s\nstderr:\n%s\nserver:\n%s"
                      % (args, r.returncode, r.stdout, r.stderr, self.server.stderr()))
        return r.stdout

    def decoded(self, slot, endpos):
        """The transactions pg_recvlogical receives up to `endpos`, as
        lists of lines, with their xids checked (one per transaction, the
        same on BEGIN and COMMIT) and removed."""
        out = self.recvlogical("--slot", slot, "--start", "--endpos", endpos, "--no-loop", "-f", "-")
        txns, xids = [], []
        for line in out.splitlines():
            if not line:
                continue
            m = re.fullmatch(r"(BEGIN|COMMIT) (\d+)", line)
            if m and m.group(1) == "BEGIN":
                txns.append(["BEGIN"])
                xids.append(m.group(2))
            elif m:
                self.assertTrue(txns, out)
                self.assertEqual(m.group(2), xids[-1], out)
                txns[-1].append("COMMIT")
            else:
                self.assertTrue(txns, out)
                txns[-1].append(line)
        self.assertEqual(len(set(xids)), len(xids), out)
        return txns

    # Tests --------------------------------------------------------------------

    def test_replication_commands_in_psql(self):
        out = self.run_sql("IDENTIFY_SYSTEM", conninfo=self.repl).strip().split("|")
        self.assertRegex(out[0], r"^\d+$")
        self.assertEqual(out[1], "1")
        self.assertEqual(out[3], "postgres")
        created = self.run_sql("CREATE_REPLICATION_SLOT psql_slot LOGICAL test_decoding", conninfo=self.repl)
        slot, point, snapshot, plugin = created.strip().split("|")
        self.assertEqual((slot, snapshot, plugin), ("psql_slot", "", "test_decoding"))
        self.assertEqual(point, out[2])
        err = self.failing(self.repl, "CREATE_REPLICATION_SLOT psql_slot LOGICAL test_decoding")
        self.assertIn('42710: replication slot "psql_slot" already exists', err)
        err = self.failing(self.repl, "DROP_REPLICATION_SLOT no_such_slot")
        self.assertIn('42704: replication slot "no_such_slot" does not exist', err)
        self.run_sql("DROP_REPLICATION_SLOT psql_slot", conninfo=self.repl)
        err = self.failing(self.repl, "DROP_REPLICATION_SLOT psql_slot")
        self.assertIn("42704", err)
        # SQL keeps working in a replication=database session.
        self.assertEqual(self.run_sql("SELECT 1 + 1", conninfo=self.repl).strip(), "2")

    def test_pg_recvlogical_gets_exactly_the_committed_changes(self):
        self.run_sql("CREATE TABLE repl_t (id integer PRIMARY KEY, note text)")
        self.recvlogical("--slot", "recv", "--create-slot", "-P", "test_decoding")
        for statement in WORKLOAD:
            self.run_sql(statement)
        # Work nothing sees: rolled back; a block that failed, then COMMIT (a
        # rollback: its first INSERT goes too); a block whose client left; a
        # temporary table.
        self.run_sql("BEGIN; INSERT INTO repl_t VALUES (7, 'gone'); ROLLBACK")
        r = self.psql(self.sql, "-c", "BEGIN", "-c", "INSERT INTO repl_t VALUES (9, 'before the error')",
                      "-c", "INSERT INTO repl_t VALUES (8, 'x'), (8, 'dup')", "-c", "COMMIT", expect_ok=False)
        self.assertIn("duplicate key value violates unique constraint", r.stderr)
        self.assertEqual(r.stdout.split(), ["BEGIN", "INSERT", "0", "1", "ROLLBACK"])
        self.failing(self.sql, "BEGIN; INSERT INTO repl_t VALUES (8, 'x'), (8, 'dup'); COMMIT")
        self.run_sql("CREATE TEMP TABLE scratch (id integer)", "INSERT INTO scratch VALUES (1)")
        self.assertEqual(self.decoded("recv", self.xlogpos()), EXPECTED)
        self.assertEqual(self.run_sql("SELECT count(*) FROM repl_t").strip(), "0")

        # A second run gets only the transactions after the first one's end.
        self.run_sql("INSERT INTO repl_t VALUES (2, 'two')",
                     "BEGIN; SAVEPOINT a; INSERT INTO repl_t VALUES (3, 'undone'); ROLLBACK TO a; "
                     "UPDATE repl_t SET id = 20, note = NULL WHERE id = 2; COMMIT")
        # COPY FROM STDIN: its rows; a COPY that fails leaves none (its savepoint).
        self.psql(self.sql, "-v", "ON_ERROR_STOP=1", "-c", "COPY repl_t FROM STDIN", input="30\tthirty\n31\t\\N\n")
        r = self.psql(self.sql, "-c", "COPY repl_t FROM STDIN", input="40\tforty\nnot a number\tx\n",
                      expect_ok=False)
        self.assertIn("invalid input syntax for type integer", r.stderr)
        self.assertEqual(self.decoded("recv", self.xlogpos()), [
            ["BEGIN", "table public.repl_t: INSERT: id[integer]:2 note[text]:'two'", "COMMIT"],
            ["BEGIN", "table public.repl_t: UPDATE: old-key: id[integer]:2 new-tuple: id[integer]:20 note[text]:null",
             "COMMIT"],
            ["BEGIN", "table public.repl_t: INSERT: id[integer]:30 note[text]:'thirty'",
             "table public.repl_t: INSERT: id[integer]:31 note[text]:null", "COMMIT"],
        ])
        self.recvlogical("--slot", "recv", "--drop-slot")

    def test_concurrent_writers_are_streamed_in_commit_order(self):
        # Four clients increment one counter: each value is committed after
        # the one before it, so the stream must carry them in order (each
        # connection publishes on its own worker thread after its commit).
        self.run_sql("CREATE TABLE counter (id integer PRIMARY KEY, n integer)", "INSERT INTO counter VALUES (1, 0)")
        self.recvlogical("--slot", "order", "--create-slot", "-P", "test_decoding")
        clients, rounds, errors = 4, 50, []

        def increment():
            try:
                c = psycopg2.connect(self.sql)
                c.autocommit = True
                with c.cursor() as cur:
                    for _ in range(rounds):
                        cur.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
                c.close()
            except Exception as e:  # reported below, in the test's thread
                errors.append(e)

        threads = [threading.Thread(target=increment) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120 * SLOW)
        self.assertEqual(errors, [])
        values = []
        for txn in self.decoded("order", self.xlogpos()):
            self.assertEqual(len(txn), 3, txn)
            m = re.fullmatch(r"table public\.counter: UPDATE: id\[integer\]:1 n\[integer\]:(\d+)", txn[1])
            self.assertTrue(m, txn)
            values.append(int(m.group(1)))
        self.assertEqual(values, list(range(1, clients * rounds + 1)))

    def test_values_as_their_postgresql_types_print_them_and_truncate(self):
        self.run_sql("CREATE TABLE typed (k bigint PRIMARY KEY, b boolean, v varchar(10), n numeric(10,2), "
                     "ts timestamp, d date)")
        self.recvlogical("--slot", "typed", "--create-slot", "-P", "test_decoding")
        self.run_sql("INSERT INTO typed VALUES (1, true, 'x''y', 1.5, '2024-02-29 12:00', '2024-3-1')",
                     "INSERT INTO typed (k) VALUES (2)", "TRUNCATE typed")
        self.assertEqual(self.decoded("typed", self.xlogpos()), [
            ["BEGIN", "table public.typed: INSERT: k[bigint]:1 b[boolean]:true v[character varying]:'x''y' "
                      "n[numeric]:1.50 ts[timestamp without time zone]:'2024-02-29 12:00:00' d[date]:'2024-03-01'",
             "COMMIT"],
            ["BEGIN", "table public.typed: INSERT: k[bigint]:2 b[boolean]:null v[character varying]:null "
                      "n[numeric]:null ts[timestamp without time zone]:null d[date]:null", "COMMIT"],
            ["BEGIN", "table public.typed: TRUNCATE: (no-flags)", "COMMIT"],
        ])

    def test_a_table_without_primary_key_has_no_old_key(self):
        self.run_sql("CREATE TABLE nokey (a integer, b text)")
        self.recvlogical("--slot", "nokey", "--create-slot", "-P", "test_decoding")
        self.run_sql("INSERT INTO nokey VALUES (5, 'q')", "UPDATE nokey SET a = 6, b = 'z'", "DELETE FROM nokey")
        self.assertEqual(self.decoded("nokey", self.xlogpos()), [
            ["BEGIN", "table public.nokey: INSERT: a[integer]:5 b[text]:'q'", "COMMIT"],
            ["BEGIN", "table public.nokey: UPDATE: a[integer]:6 b[text]:'z'", "COMMIT"],
            ["BEGIN", "table public.nokey: DELETE: (no-tuple-data)", "COMMIT"],
        ])

    def test_a_role_without_the_replication_right_is_refused(self):
        # libpq hides a login error's SQLSTATE: read it off the wire.
        with pgproto.Conn(port=self.server.port) as c:
            with self.assertRaises(pgproto.ServerError) as refused:
                c.startup("someone_else", database="postgres", params={"replication": "database"})
            self.assertEqual((refused.exception.severity, refused.exception.sqlstate),
                             ("FATAL", "42501"))
            self.assertEqual(refused.exception.message,
                             "must be superuser or replication role to start walsender")
            c.expect_closed()
        other = self.conninfo(self.server, user="someone_else", replication="database")
        r = self.psql(other, "-c", "IDENTIFY_SYSTEM", expect_ok=False)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("must be superuser or replication role to start walsender", r.stderr)
        # The same role without replication, and a listed one with it, get in.
        self.assertEqual(self.run_sql("SELECT 1", conninfo=self.conninfo(self.server, user="someone_else")).strip(),
                         "1")
        self.assertEqual(len(self.run_sql(
            "IDENTIFY_SYSTEM", conninfo=self.conninfo(self.server, user="repl_user", replication="database"))
            .strip().split("|")), 4)

    def test_publications_are_kept_with_postgresql_errors(self):
        self.run_sql("CREATE TABLE pub_a (id integer PRIMARY KEY)", "CREATE TABLE pub_b (id integer PRIMARY KEY)",
                     "CREATE PUBLICATION p FOR TABLE pub_a", "CREATE PUBLICATION everything FOR ALL TABLES")
        self.assertIn('42710: publication "p" already exists', self.failing(self.sql, "CREATE PUBLICATION p"))
        self.assertIn('42704: publication "q" does not exist', self.failing(self.sql, "DROP PUBLICATION q"))
        self.assertIn('42704: publication "q" does not exist',
                      self.failing(self.sql, "ALTER PUBLICATION q ADD TABLE pub_b"))
        self.assertIn('42P01: relation "nope" does not exist',
                      self.failing(self.sql, "CREATE PUBLICATION r FOR TABLE pub_a, nope"))
        self.assertIn('42P01', self.failing(self.sql, "SELECT * FROM pgwire_publications"))
        r = self.psql(self.sql, "-c", "DROP PUBLICATION IF EXISTS q")
        self.assertIn('publication "q" does not exist, skipping', r.stderr)
        self.run_sql("ALTER PUBLICATION p ADD TABLE pub_b")
        self.assertIn("42710", self.failing(self.sql, "ALTER PUBLICATION p ADD TABLE pub_b"))
        # Rolled back: never made.
        self.run_sql("BEGIN; CREATE PUBLICATION later FOR TABLE pub_a; ROLLBACK")
        self.assertIn("42704", self.failing(self.sql, "DROP PUBLICATION later"))
        # Kept in the database file: a restarted server still has them.
        self.server.stop()
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0", "--db", self.db_file)
        self.sql = self.conninfo(self.server)
        self.assertIn('42710: publication "p" already exists', self.failing(self.sql, "CREATE PUBLICATION p"))
        self.run_sql("DROP PUBLICATION p, everything")
        self.assertIn("42704", self.failing(self.sql, "DROP PUBLICATION p"))

    def test_pgoutput_sends_only_the_published_table(self):
        self.run_sql("CREATE TABLE other_t (id integer PRIMARY KEY, note text)",
                     "CREATE TABLE pub_t (id integer PRIMARY KEY, note text)",
                     "CREATE PUBLICATION p FOR TABLE pub_t")
        oid = int(self.run_sql("SELECT 'pub_t'::regclass::oid").strip())
        conn = psycopg2.connect(self.sql, connection_factory=psycopg2.extras.LogicalReplicationConnection)
        self.addCleanup(conn.close)
        cur = conn.cursor()
        cur.create_replication_slot("pgout", output_plugin="pgoutput")
        cur.start_replication(slot_name="pgout", decode=False,
                              options={"proto_version": "1", "publication_names": "p"})
        self.run_sql("INSERT INTO other_t VALUES (1, 'not published')",
                     "INSERT INTO pub_t VALUES (5, 'five')")
        messages = self.read_until_commit(cur, conn)
        self.assertEqual([m[:1] for m in messages], [b"B", b"R", b"I", b"C"], messages)
        relation = messages[1]
        rel_oid, = struct.unpack("!I", relation[1:5])
        self.assertEqual(rel_oid, oid)
        names, columns = self.relation_fields(relation)
        self.assertEqual(names, ("public", "pub_t"))
        self.assertEqual(columns, [(1, "id", 23, -1), (0, "note", 25, -1)])
        insert = messages[2]
        self.assertEqual(struct.unpack("!I", insert[1:5])[0], oid)
        self.assertEqual(insert[5:6], b"N")
        self.assertEqual(self.tuple_values(insert[6:]), ["5", "five"])

        # After ALTER TABLE the table is described again before its next change.
        self.run_sql("ALTER TABLE pub_t ADD COLUMN extra boolean", "INSERT INTO pub_t VALUES (6, 'six', true)")
        messages = self.read_until_commit(cur, conn)
        self.assertEqual([m[:1] for m in messages], [b"B", b"R", b"I", b"C"], messages)
        self.assertEqual(self.relation_fields(messages[1])[1],
                         [(1, "id", 23, -1), (0, "note", 25, -1), (0, "extra", 16, -1)])
        self.assertEqual(self.tuple_values(messages[2][6:]), ["6", "six", "t"])

        # A DELETE without an old key (no primary key) is not sent by
        # pgoutput at all; the DELETE with a key after it is.
        self.run_sql("CREATE TABLE pub_nokey (a integer)", "ALTER PUBLICATION p ADD TABLE pub_nokey",
                     "INSERT INTO pub_nokey VALUES (1)")
        self.assertEqual([m[:1] for m in self.read_until_commit(cur, conn)], [b"B", b"R", b"I", b"C"])
        self.run_sql("DELETE FROM pub_nokey", "DELETE FROM pub_t WHERE id = 6")
        messages = self.read_until_commit(cur, conn)
        self.assertEqual([m[:1] for m in messages], [b"B", b"D", b"C"], messages)
        self.assertEqual(struct.unpack("!I", messages[1][1:5])[0], oid)
        self.assertEqual(messages[1][5:6], b"K")
        self.assertEqual(self.tuple_values(messages[1][6:]), ["6", None, None])

    # pgoutput --------------------------------------------------------------------

    def read_until_commit(self, cur, conn):
        """The pgoutput messages up to and including the first Commit."""
        messages = []
        deadline = time.monotonic() + 30 * SLOW
        while True:
            msg = cur.read_message()
            if msg is not None:
                messages.append(bytes(msg.payload))
                cur.send_feedback(flush_lsn=msg.data_start)
                if messages[-1][:1] == b"C":
                    return messages
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.fail("no Commit within the deadline; got %r\nserver:\n%s" % (messages, self.server.stderr()))
            select.select([conn], [], [], min(remaining, 1.0))

    @staticmethod
    def cstring(data, at):
        end = data.index(b"\0", at)
        return data[at:end].decode(), end + 1

    def relation_fields(self, msg):
        at = 5
        schema, at = self.cstring(msg, at)
        name, at = self.cstring(msg, at)
        at += 1  # replica identity
        n, = struct.unpack("!H", msg[at:at + 2])
        at += 2
        columns = []
        for _ in range(n):
            flags = msg[at]
            col, at = self.cstring(msg, at + 1)
            type_oid, typmod = struct.unpack("!Ii", msg[at:at + 8])
            at += 8
            columns.append((flags, col, type_oid, typmod))
        return (schema, name), columns

    @staticmethod
    def tuple_values(data):
        n, = struct.unpack("!H", data[:2])
        at, values = 2, []
        for _ in range(n):
            kind = data[at:at + 1]
            at += 1
            if kind == b"t":
                size, = struct.unpack("!I", data[at:at + 4])
                values.append(data[at + 4:at + 4 + size].decode())
                at += 4 + size
            else:
                values.append(None)
        return values


if __name__ == "__main__":
    unittest.main()
