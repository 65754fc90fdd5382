"""Logical replication with real clients (issue 15): psql with
replication=database, pg_recvlogical, psycopg2's LogicalReplicationConnection,
pgjdbc's PGReplicationStream, a pgoutput subscriber, and faults (a subscriber
that vanishes mid-transaction, one that never answers, a temporary slot whose
session ends).

ReplicationBattery holds the tests; a target class mixes it with
unittest.TestCase and supplies where to connect, how another client runs SQL,
and a few facts (see ReplicationBattery). The expected values are PostgreSQL
15's behaviour, written so that any server that behaves like it passes:
transaction ids are matched by pattern and only compared with each other,
LSNs are checked for their form and their order, never their values; the
test_decoding lines, SQLSTATEs, column names and types are exact.

ReplicationOnPostgres15 runs the battery against a real PostgreSQL 15
(wal_level=logical, tests/compat/compat.py's start_postgres). Each test drops
its slots at the end and checks that the target has none left: a forgotten
slot keeps WAL forever.

Another target (sqlite_server, libpq_proxy in front of PostgreSQL) is one
more class like ReplicationOnPostgres15, registered in
tests/server/CMakeLists.txt as its own CTest test with
`run.py test_replication -k ThatClassName`:

  /usr/bin/python3 -B tests/server/run.py --build build test_replication -k ReplicationOnPostgres15
"""

import os
import re
import subprocess
import tempfile
import time
import unittest

import pgproto
from harness import SLOW, ReferencePostgres, ServerProcess, client_env, tool
from replication_clients import pgoutput
from replication_clients.java_client import JavaClient
from replication_clients.logical_stream import Subscriber
from replication_clients.walsender import WalSender, parse_lsn

import psycopg2  # noqa: E402  (Debian's python3-psycopg2: /usr/bin/python3)
import psycopg2.extras  # noqa: E402

PGJDBC_JAR = os.environ.get("PGWIRE_COMPAT_PGJDBC_JAR") or "/usr/share/java/postgresql.jar"
GUARD = 30.0 * SLOW  # a hang fails after this; never a synchronisation
LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")
TEXT_OID, INT4_OID = 25, 23

TABLE = "CREATE TABLE repl_t (id integer PRIMARY KEY, note text)"
# Three transactions, each a different kind of change (test_decoding lines).
WORKLOAD = [
    ["INSERT INTO repl_t VALUES (1, 'one'), (2, 'two')"],
    ["UPDATE repl_t SET note = 'uno' WHERE id = 1"],
    ["DELETE FROM repl_t WHERE id = 1"],
]
WORKLOAD_LINES = [
    ["table public.repl_t: INSERT: id[integer]:1 note[text]:'one'",
     "table public.repl_t: INSERT: id[integer]:2 note[text]:'two'"],
    ["table public.repl_t: UPDATE: id[integer]:1 note[text]:'uno'"],
    ["table public.repl_t: DELETE: id[integer]:1"],
]
MARKER = ["INSERT INTO repl_t VALUES (9, 'marker')"]
MARKER_LINES = ["table public.repl_t: INSERT: id[integer]:9 note[text]:'marker'"]


def flat(transactions):
    """test_decoding's lines of whole transactions; with include-xids 0 the
    BEGIN and COMMIT lines are bare."""
    out = []
    for changes in transactions:
        out += ["BEGIN"] + list(changes) + ["COMMIT"]
    return out


class ReplicationBattery:
    """The tests. A target class (ReplicationBattery, unittest.TestCase) supplies:

      host, user, dbname        where clients connect (dbname is also what
                                IDENTIFY_SYSTEM must report)
      target_port()             the port
      sql_port(), sql_options   where run_sql(), another, ordinary client,
                                runs each statement in autocommit (so "BEGIN",
                                ..., "COMMIT" make one transaction), and its
                                startup options: each commit must be durable
                                when it returns, so that IDENTIFY_SYSTEM's
                                xlogpos asked afterwards is at or past it
      role_without_replication() (user, password) of a role that may log in
                                but has no replication right
      silent_subscriber_params() startup parameters under which the target
                                asks a silent subscriber for a reply soon
                                (within GUARD)
      slots_left()              names of the slots the target still has, or
                                None when it cannot list them
    """

    host = "127.0.0.1"
    user = "postgres"
    dbname = "postgres"

    sql_options = None

    def sql_port(self):
        return self.target_port()

    def run_sql(self, *statements):
        extra = {"options": self.sql_options} if self.sql_options else {}
        conn = psycopg2.connect(**dict(self.connect_kwargs(), port=self.sql_port(), **extra))
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                for sql in statements:
                    cur.execute(sql)
        finally:
            conn.close()

    def slot_confirmed_flush(self, slot):
        """The slot's confirmed_flush_lsn as an integer, or None when the
        target cannot show it (its slots are not in a view)."""
        return None

    def wait_confirmed(self, slot, lsn):
        """Waits until the target has recorded a confirmation the client
        sent. A client that closes right after send_feedback may lose it in
        transit (a socket closed with unread data is reset, and the peer may
        drop what it had not read yet), on PostgreSQL too; only a recorded
        confirmation promises what a reconnect resends."""
        deadline = time.monotonic() + GUARD
        while True:
            got = self.slot_confirmed_flush(slot)
            if got is None or got >= lsn:
                return
            if time.monotonic() > deadline:
                self.fail("slot %s never confirmed %X/%X (at %X/%X)" % (slot, lsn >> 32, lsn & 0xFFFFFFFF,
                                                                     got >> 32, got & 0xFFFFFFFF))
            time.sleep(0.01)  # polling a condition, bounded by the deadline

    # Connecting --------------------------------------------------------------

    def connect_kwargs(self):
        return {"host": self.host, "port": self.target_port(), "user": self.user,
                "dbname": self.dbname, "connect_timeout": 10}

    def conninfo(self, **extra):
        parts = dict(self.connect_kwargs(), **extra)
        return " ".join("%s='%s'" % (k, str(v).replace("\\", "\\\\").replace("'", "\\'"))
                        for k, v in parts.items())

    def replication_cursor(self):
        """A psycopg2 replication=database session, closed at the test's end."""
        conn = psycopg2.connect(connection_factory=psycopg2.extras.LogicalReplicationConnection,
                                **self.connect_kwargs())
        self.addCleanup(conn.close)
        return conn.cursor()

    def subscriber(self):
        s = Subscriber(self.connect_kwargs(), GUARD)
        self.addCleanup(s.close)
        return s

    def current_lsn(self):
        """IDENTIFY_SYSTEM's xlogpos: how far the target's log is."""
        cur = self.replication_cursor()
        cur.execute("IDENTIFY_SYSTEM")
        xlogpos = cur.fetchone()[2]
        cur.connection.close()
        return xlogpos

    def psql_replication(self, command, expect_ok=True):
        """psql -c `command` in a replication=database session with
        VERBOSITY verbose (SQLSTATEs in error lines)."""
        argv = [tool("psql"), "-X", "-A", "-v", "VERBOSITY=verbose",
                "-d", self.conninfo(replication="database"), "-c", command]
        r = subprocess.run(argv, capture_output=True, text=True, env=client_env(), timeout=GUARD)
        if expect_ok and r.returncode != 0:
            self.fail("psql -c %r exited with %d\nstdout:\n%s\nstderr:\n%s"
                      % (command, r.returncode, r.stdout, r.stderr))
        return r

    def psql_rows(self, command):
        """(header, rows) of psql's unaligned output."""
        lines = self.psql_replication(command).stdout.splitlines()
        self.assertRegex(lines[-1], r"^\(\d+ rows?\)$", lines)
        return lines[0].split("|"), [line.split("|") for line in lines[1:-1]]

    def assert_psql_error(self, command, sqlstate, message):
        r = self.psql_replication(command, expect_ok=False)
        self.assertEqual(r.returncode, 1, "psql -c %r should fail: %s%s" % (command, r.stdout, r.stderr))
        self.assertEqual(r.stderr.splitlines()[0], "ERROR:  %s: %s" % (sqlstate, message), r.stderr)

    # Slots -------------------------------------------------------------------

    def drop_slot_at_end(self, name):
        """Drops slot `name` after the test if it still exists. A walsender
        that still holds it makes the DROP fail with 55006 until it has let
        go: retried, bounded (DROP ... WAIT would wait without a bound)."""
        def drop():
            deadline = time.monotonic() + GUARD
            while True:
                conn = psycopg2.connect(connection_factory=psycopg2.extras.LogicalReplicationConnection,
                                        **self.connect_kwargs())
                try:
                    conn.cursor().execute("DROP_REPLICATION_SLOT %s" % name)
                    return
                except psycopg2.Error as e:
                    if e.pgcode == "42704":
                        return
                    if e.pgcode != "55006" or time.monotonic() > deadline:
                        raise
                finally:
                    conn.close()
                time.sleep(0.02)  # polling the slot's release, bounded by the deadline
        self.addCleanup(drop)

    def wait_slot_gone(self, name):
        """Waits until DROP_REPLICATION_SLOT `name` says 42704 (no such slot).
        While the session that owned it is still ending it says 55006 (in
        use); if the DROP succeeds, the slot had outlived its session."""
        deadline = time.monotonic() + GUARD
        while True:
            r = self.psql_replication("DROP_REPLICATION_SLOT %s" % name, expect_ok=False)
            if r.returncode == 0:
                self.fail("slot %s still existed after its session ended (DROP_REPLICATION_SLOT "
                          "succeeded)" % name)
            first = r.stderr.splitlines()[0] if r.stderr else ""
            if first == 'ERROR:  42704: replication slot "%s" does not exist' % name:
                return
            if not first.startswith("ERROR:  55006: ") or time.monotonic() > deadline:
                self.fail("DROP_REPLICATION_SLOT %s: expected 42704 (or 55006 while its session "
                          "ends), got:\n%s" % (name, r.stderr))
            time.sleep(0.02)  # polling the end of the session, bounded by the deadline

    def check_no_slots_left(self):
        deadline = time.monotonic() + GUARD
        while True:
            left = self.slots_left()
            if not left:
                return
            if time.monotonic() > deadline:
                self.fail("slots left on the target after the test: %s" % left)
            time.sleep(0.02)  # temporary slots go when their sessions have ended

    # Workload and expectations ----------------------------------------------

    def setUp(self):
        self.addCleanup(self.check_no_slots_left)  # runs last
        self.run_sql("DROP TABLE IF EXISTS repl_t", TABLE)

    def run_transactions(self, transactions):
        for statements in transactions:
            self.run_sql("BEGIN", *statements, "COMMIT")

    def assert_transactions(self, lines, transactions):
        """`lines` are exactly `transactions` (lists of change lines), each
        framed by "BEGIN xid" and "COMMIT xid" with the same xid, distinct
        xids for distinct transactions. Returns the xids."""
        self.assertEqual(len(lines), sum(len(t) + 2 for t in transactions), "\n".join(lines))
        xids, at = [], 0
        for changes in transactions:
            begin = re.fullmatch(r"BEGIN (\d+)", lines[at])
            self.assertIsNotNone(begin, "line %d is not BEGIN xid:\n%s" % (at, "\n".join(lines)))
            xid = begin.group(1)
            self.assertEqual(lines[at + 1:at + 1 + len(changes)], changes, "\n".join(lines))
            self.assertEqual(lines[at + 1 + len(changes)], "COMMIT " + xid, "\n".join(lines))
            xids.append(xid)
            at += len(changes) + 2
        self.assertEqual(len(set(xids)), len(xids), "distinct transactions share an xid: %s" % xids)
        return xids

    def assert_ordered(self, lsns):
        """LSNs of successive messages of sequential transactions never go back."""
        values = [parse_lsn(x) if isinstance(x, str) else x for x in lsns]
        self.assertTrue(all(v > 0 for v in values), lsns)
        self.assertEqual(values, sorted(values), "LSNs go backwards: %s" % [pgoutput.lsn_text(v) for v in values])

    # 1. psql with replication=database -------------------------------------------

    def test_psql_identify_system(self):
        header, rows = self.psql_rows("IDENTIFY_SYSTEM")
        self.assertEqual(header, ["systemid", "timeline", "xlogpos", "dbname"])
        self.assertEqual(len(rows), 1)
        systemid, timeline, xlogpos, dbname = rows[0]
        self.assertRegex(systemid, r"^\d+$")
        self.assertRegex(timeline, r"^[1-9]\d*$")
        self.assertRegex(xlogpos, LSN)
        self.assertEqual(dbname, self.dbname)
        # The same through psycopg2: the column types, and xlogpos never goes back.
        cur = self.replication_cursor()
        cur.execute("IDENTIFY_SYSTEM")
        self.assertEqual([(c.name, c.type_code) for c in cur.description],
                         [("systemid", TEXT_OID), ("timeline", INT4_OID), ("xlogpos", TEXT_OID),
                          ("dbname", TEXT_OID)])
        again = cur.fetchone()
        self.assertEqual((again[0], again[1], again[3]), (systemid, int(timeline), dbname))
        self.assert_ordered([xlogpos, again[2]])

    def test_psql_create_slot_and_duplicate(self):
        self.drop_slot_at_end("x")
        before = self.current_lsn()
        header, rows = self.psql_rows("CREATE_REPLICATION_SLOT x LOGICAL test_decoding")
        self.assertEqual(header, ["slot_name", "consistent_point", "snapshot_name", "output_plugin"])
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0][0], rows[0][3]), ("x", "test_decoding"))
        self.assertRegex(rows[0][1], LSN)
        self.assert_ordered([before, rows[0][1]])
        self.assert_psql_error("CREATE_REPLICATION_SLOT x LOGICAL test_decoding", "42710",
                               'replication slot "x" already exists')
        # psycopg2 sees the column types; NOEXPORT_SNAPSHOT (the older spelling) gives no snapshot.
        self.drop_slot_at_end("x2")
        cur = self.replication_cursor()
        cur.execute("CREATE_REPLICATION_SLOT x2 LOGICAL test_decoding NOEXPORT_SNAPSHOT")
        self.assertEqual([(c.name, c.type_code) for c in cur.description],
                         [("slot_name", TEXT_OID), ("consistent_point", TEXT_OID),
                          ("snapshot_name", TEXT_OID), ("output_plugin", TEXT_OID)])
        row = cur.fetchone()
        self.assertEqual((row[0], row[2], row[3]), ("x2", None, "test_decoding"))
        # And both are dropped by name.
        self.assertEqual(self.psql_replication("DROP_REPLICATION_SLOT x").stdout.strip(),
                         "DROP_REPLICATION_SLOT")
        cur.execute("DROP_REPLICATION_SLOT x2")
        self.assertEqual(cur.statusmessage, "DROP_REPLICATION_SLOT")

    def test_psql_drop_missing_slot(self):
        self.assert_psql_error("DROP_REPLICATION_SLOT y", "42704", 'replication slot "y" does not exist')
        # psycopg2 reads the same SQLSTATE, and the session goes on.
        cur = self.replication_cursor()
        with self.assertRaises(psycopg2.Error) as caught:
            cur.execute("DROP_REPLICATION_SLOT y")
        self.assertEqual((caught.exception.pgcode, caught.exception.diag.message_primary),
                         ("42704", 'replication slot "y" does not exist'))
        cur.execute("IDENTIFY_SYSTEM")
        self.assertEqual(cur.fetchone()[3], self.dbname)

    def test_psql_temporary_slot_dropped_at_session_end(self):
        self.drop_slot_at_end("x_tmp")  # only if it wrongly survives
        header, rows = self.psql_rows("CREATE_REPLICATION_SLOT x_tmp TEMPORARY LOGICAL test_decoding")
        self.assertEqual(header, ["slot_name", "consistent_point", "snapshot_name", "output_plugin"])
        self.assertEqual((rows[0][0], rows[0][3]), ("x_tmp", "test_decoding"))
        self.wait_slot_gone("x_tmp")

    def test_psql_plain_sql_in_replication_session(self):
        header, rows = self.psql_rows("SELECT 1 AS one, 'two'::text AS two")
        self.assertEqual((header, rows), (["one", "two"], [["1", "two"]]))
        self.run_sql("INSERT INTO repl_t VALUES (7, 'seven')")
        self.assertEqual(self.psql_rows("SELECT id, note FROM repl_t"), (["id", "note"], [["7", "seven"]]))

    def test_role_without_replication_refused(self):
        user, password = self.role_without_replication()
        port = self.target_port()
        # The role may log in: the refusal is about replication only.
        plain = pgproto.Conn(host=self.host, port=port)
        try:
            plain.startup(user, password=password, database=self.dbname)
            self.assertEqual(plain.simple_query("SELECT 1")[0]["rows"], [["1"]])
        finally:
            plain.close()
        conn = pgproto.Conn(host=self.host, port=port)
        try:
            with self.assertRaises(pgproto.ServerError) as caught:
                conn.startup(user, password=password, database=self.dbname,
                             params={"replication": "database"})
            e = caught.exception
            self.assertEqual((e.fields.get("S"), e.sqlstate, e.message),
                             ("FATAL", "42501", "must be superuser or replication role to start walsender"))
            self.assertEqual(conn.expect_closed(), [], "the connection closes after the FATAL error")
        finally:
            conn.close()

    # 2. pg_recvlogical ---------------------------------------------------------------

    def pg_recvlogical(self, *args):
        r = subprocess.run([tool("pg_recvlogical"), "-d", self.conninfo(), "-S", "repl_recvlogical"] + list(args),
                           capture_output=True, text=True, env=client_env(), timeout=GUARD)
        self.assertEqual(r.returncode, 0, "pg_recvlogical %s: %s%s" % (args, r.stdout, r.stderr))

    def test_pg_recvlogical(self):
        self.drop_slot_at_end("repl_recvlogical")
        self.pg_recvlogical("--create-slot", "-P", "test_decoding")
        self.run_transactions(WORKLOAD)
        out = self.output_file("recvlogical-1.txt")
        self.pg_recvlogical("--start", "-f", out, "--endpos", self.current_lsn(), "--no-loop")
        with open(out) as f:
            first = self.assert_transactions(f.read().splitlines(), WORKLOAD_LINES)
        # A second workload; the restart resumes after what pg_recvlogical
        # confirmed when it reached its endpos: only the new changes.
        self.run_transactions([["INSERT INTO repl_t VALUES (3, 'three')"],
                               ["UPDATE repl_t SET note = NULL WHERE id = 2"]])
        out = self.output_file("recvlogical-2.txt")
        self.pg_recvlogical("--start", "-f", out, "--endpos", self.current_lsn(), "--no-loop")
        with open(out) as f:
            second = self.assert_transactions(
                f.read().splitlines(),
                [["table public.repl_t: INSERT: id[integer]:3 note[text]:'three'"],
                 ["table public.repl_t: UPDATE: id[integer]:2 note[text]:null"]])
        self.assertFalse(set(first) & set(second), (first, second))
        self.pg_recvlogical("--drop-slot")

    def output_file(self, name):
        """A path for a client's output, under the build tree when CTest runs
        us; emptied first (pg_recvlogical appends to its file)."""
        d = os.path.join(os.environ.get("PGWIRE_COMPAT_WORK") or tempfile.gettempdir(), "replication")
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "%s-%s" % (type(self).__name__, name))
        if os.path.exists(path):
            os.remove(path)
        return path

    # 3. psycopg2 ------------------------------------------------------------------------

    def test_psycopg2_feedback_and_resume(self):
        slot = "repl_psycopg2"
        self.drop_slot_at_end(slot)
        sub = self.subscriber()
        sub.connect().create_replication_slot(slot, output_plugin="test_decoding")
        sub.close()
        self.run_transactions(WORKLOAD)
        options = {"include-xids": "0"}
        sub.start(slot, options=options)
        got = sub.read(10)
        self.assertEqual([m.payload for m in got], flat(WORKLOAD_LINES))
        self.assert_ordered([m.data_start for m in got])
        # The first two transactions are confirmed, the third is not.
        sub.confirm(got[6].data_start)
        self.wait_confirmed(slot, got[6].data_start)
        sub.close()
        self.run_transactions([MARKER])
        sub.start(slot, options=options)
        again = sub.read(6)
        self.assertEqual([m.payload for m in again], flat([WORKLOAD_LINES[2], MARKER_LINES]))
        self.assertEqual([m.data_start for m in again[:3]], [m.data_start for m in got[7:]],
                         "the resent transaction has its LSNs of the first time")
        self.assert_ordered([m.data_start for m in again])

    # 4. pgjdbc ------------------------------------------------------------------------------

    def test_pgjdbc_replication_stream(self):
        slot = "repl_pgjdbc"
        self.drop_slot_at_end(slot)
        java = JavaClient(self, slot, PGJDBC_JAR, GUARD)
        java.send("create")
        self.assertEqual(java.line(), "created " + slot)
        self.run_transactions(WORKLOAD)
        java.send("stream 10 7")  # confirms the second transaction's COMMIT
        got = java.messages(10, flushed_after=7)
        self.assertEqual([text for _, text in got], flat(WORKLOAD_LINES))
        self.assert_ordered([lsn for lsn, _ in got])
        self.run_transactions([MARKER])
        java.send("stream 6 0")
        again = java.messages(6)
        self.assertEqual([text for _, text in again], flat([WORKLOAD_LINES[2], MARKER_LINES]))
        self.assertEqual(again[:3], got[7:], "the resent transaction has its LSNs of the first time")
        java.send("drop")
        self.assertEqual(java.line(), "dropped " + slot)
        java.finish()

    # 5. pgoutput ------------------------------------------------------------------------

    def test_pgoutput_publication(self):
        slot = "repl_pgoutput"
        self.run_sql("DROP PUBLICATION IF EXISTS p", "DROP TABLE IF EXISTS repl_pub",
                     "DROP TABLE IF EXISTS repl_other",
                     "CREATE TABLE repl_pub (id integer PRIMARY KEY, note text)",
                     "CREATE TABLE repl_other (id integer PRIMARY KEY, note text)",
                     "CREATE PUBLICATION p FOR TABLE repl_pub")
        self.addCleanup(self.run_sql, "DROP PUBLICATION IF EXISTS p")
        self.drop_slot_at_end(slot)
        sub = self.subscriber()
        sub.connect().create_replication_slot(slot, output_plugin="pgoutput")
        sub.close()
        started = time.time()
        self.run_transactions([["INSERT INTO repl_pub VALUES (1, 'one')"],
                               ["INSERT INTO repl_other VALUES (1, 'outside')"],
                               ["UPDATE repl_pub SET note = 'uno' WHERE id = 1"],
                               ["INSERT INTO repl_other VALUES (2, 'outside')",
                                "DELETE FROM repl_pub WHERE id = 1"]])
        sub.start(slot, decode=False, options={"proto_version": "1", "publication_names": "p"})
        msgs = [pgoutput.parse(m.payload) for m in sub.read(10)]
        # Nothing at all for the transaction that only touched repl_other (no
        # empty Begin/Commit), nor for its row in the last transaction.
        self.assertEqual("".join(m["type"] for m in msgs), "BRICBUCBDC", msgs)
        relation = msgs[1]
        self.assertEqual({k: relation[k] for k in ("namespace", "name", "replica_identity", "columns")},
                         {"namespace": "public", "name": "repl_pub", "replica_identity": "d",
                          "columns": [{"flags": 1, "name": "id", "type_oid": INT4_OID, "typmod": -1},
                                      {"flags": 0, "name": "note", "type_oid": TEXT_OID, "typmod": -1}]})
        relid = relation["relid"]
        insert, update, delete = msgs[2], msgs[5], msgs[8]
        self.assertEqual(insert, {"type": "I", "relid": relid, "new": ["1", "one"]})
        self.assertEqual(update, {"type": "U", "relid": relid, "new": ["1", "uno"]})
        self.assertEqual(delete, {"type": "D", "relid": relid, "key": ["1", None]})
        self.check_pgoutput_transactions([msgs[0:4], msgs[4:7], msgs[7:10]], started)

    def check_pgoutput_transactions(self, transactions, started):
        """Begin and Commit agree on the commit LSN; commits are ordered and
        timestamped around the workload; xids are distinct."""
        positions, xids = [], []
        for t in transactions:
            begin, commit = t[0], t[-1]
            self.assertEqual((begin["type"], commit["type"]), ("B", "C"), t)
            self.assertEqual(begin["final_lsn"], commit["commit_lsn"], t)
            self.assertEqual(begin["commit_time"], commit["commit_time"], t)
            self.assertEqual(commit["flags"], 0, t)
            self.assertGreater(commit["end_lsn"], commit["commit_lsn"], t)
            unix = (commit["commit_time"] + pgoutput.POSTGRES_EPOCH_UNIX_US) / 1e6
            self.assertTrue(started - 5 <= unix <= time.time() + 5,
                            "commit time %s is not the time of the workload" % unix)
            positions += [commit["commit_lsn"], commit["end_lsn"]]
            xids.append(begin["xid"])
        self.assert_ordered(positions)
        self.assertEqual(len(set(xids)), len(xids), xids)

    # 6. Faults --------------------------------------------------------------------------

    def test_fault_disconnect_mid_transaction_resumes(self):
        slot = "repl_fault_resume"
        self.drop_slot_at_end(slot)
        sub = self.subscriber()
        sub.connect().create_replication_slot(slot, output_plugin="test_decoding")
        sub.close()
        workload = [["INSERT INTO repl_t VALUES (1, 'one'), (2, 'two')"],
                    ["UPDATE repl_t SET note = note || '!'"],
                    ["DELETE FROM repl_t"]]
        lines = [["table public.repl_t: INSERT: id[integer]:1 note[text]:'one'",
                  "table public.repl_t: INSERT: id[integer]:2 note[text]:'two'"],
                 ["table public.repl_t: UPDATE: id[integer]:1 note[text]:'one!'",
                  "table public.repl_t: UPDATE: id[integer]:2 note[text]:'two!'"],
                 ["table public.repl_t: DELETE: id[integer]:1",
                  "table public.repl_t: DELETE: id[integer]:2"]]
        self.run_transactions(workload)
        sub.start(slot)
        first = sub.read(4)
        first_xids = self.assert_transactions([m.payload for m in first], lines[:1])
        sub.confirm(first[3].data_start)  # the first transaction's COMMIT
        self.wait_confirmed(slot, first[3].data_start)
        partial = sub.read(2)  # BEGIN and one UPDATE of the second one
        self.assertRegex(partial[0].payload, r"^BEGIN \d+$")
        self.assertEqual(partial[1].payload, lines[1][0])
        sub.confirm(partial[1].data_start)  # a position inside it: confirms no whole transaction
        sub.abort()
        self.run_transactions([MARKER])
        sub.start(slot)
        again = sub.read(11)
        xids = self.assert_transactions([m.payload for m in again], lines[1:] + [MARKER_LINES])
        self.assertEqual(again[0].payload, partial[0].payload, "the interrupted transaction, again")
        self.assertNotIn(first_xids[0], xids, "the confirmed transaction came twice")
        self.assert_ordered([first[3].data_start] + [m.data_start for m in again])

    def test_fault_silent_subscriber_gets_keepalive_with_reply_requested(self):
        slot = "repl_fault_silent"
        self.drop_slot_at_end(slot)  # temporary: only if it wrongly survives
        w = WalSender(self.host, self.target_port(), self.user, self.dbname,
                      params=self.silent_subscriber_params(), timeout=GUARD)
        self.addCleanup(w.close)
        created = w.command("CREATE_REPLICATION_SLOT %s TEMPORARY LOGICAL test_decoding" % slot)
        self.assertEqual(created[0]["tag"], "CREATE_REPLICATION_SLOT", created)
        consistent = parse_lsn(created[0]["rows"][0][1])
        w.start_logical(slot)
        deadline = time.monotonic() + GUARD
        seen = []
        while True:
            frame = w.read_frame(deadline)  # fails at the deadline
            seen.append(frame)
            if frame["type"] == "k":
                self.assertGreaterEqual(frame["wal_end"], consistent, frame)
                self.assertGreater(frame["send_time"], 0, frame)
                self.assertIn(frame["reply_requested"], (0, 1), frame)
                if frame["reply_requested"] == 1:
                    break
        # Nothing was written meanwhile: no XLogData.
        self.assertEqual([f for f in seen if f["type"] != "k"], [], seen)
        w.close()
        self.wait_slot_gone(slot)

    def test_fault_temporary_slot_gone_when_session_ends(self):
        slot = "repl_fault_tmp"
        self.drop_slot_at_end(slot)
        sub = self.subscriber()
        sub.connect().execute("CREATE_REPLICATION_SLOT %s TEMPORARY LOGICAL test_decoding" % slot)
        # START_REPLICATION on the same session (a temporary slot belongs to it).
        sub.cur.start_replication(slot_name=slot, decode=True, options={"include-xids": "0"})
        self.run_transactions([MARKER])
        self.assertEqual([m.payload for m in sub.read(3)], flat([MARKER_LINES]))
        # While its session lives, the name is taken.
        self.assert_psql_error("CREATE_REPLICATION_SLOT %s LOGICAL test_decoding" % slot, "42710",
                               'replication slot "%s" already exists' % slot)
        sub.abort()  # the session ends without a goodbye
        self.wait_slot_gone(slot)
        header, rows = self.psql_rows("CREATE_REPLICATION_SLOT %s LOGICAL test_decoding" % slot)
        self.assertEqual(rows[0][0], slot)


# The targets -------------------------------------------------------------------------------

class ReplicationOnPostgres15(ReplicationBattery, unittest.TestCase):
    """The battery against a real PostgreSQL 15: what the library's servers
    must match."""

    maxDiff = None
    reference = ReferencePostgres("pgwire-replication-test-")

    @classmethod
    def setUpClass(cls):
        for name in ("psql", "pg_recvlogical", "java"):
            tool(name)
        cls.reference.start()

    @classmethod
    def tearDownClass(cls):
        cls.reference.stop()

    def target_port(self):
        return self.reference.port

    # The cluster runs with synchronous_commit=off; this client's commits
    # are flushed before they return, as the battery requires.
    sql_options = "-c synchronous_commit=on"

    def role_without_replication(self):
        self.run_sql("DROP ROLE IF EXISTS repl_norepl",
                     "CREATE ROLE repl_norepl LOGIN NOREPLICATION PASSWORD 'Norepl-pw-1'")
        return "repl_norepl", "Norepl-pw-1"

    def silent_subscriber_params(self):
        # Half of wal_sender_timeout after the last reply, the walsender asks for one.
        return {"options": "-c wal_sender_timeout=2000"}

    def catalog_port(self):
        """Where pg_replication_slots is read: beside "another client"."""
        return self.sql_port()

    def slots_left(self):
        conn = psycopg2.connect(**dict(self.connect_kwargs(), port=self.catalog_port()))
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT slot_name FROM pg_replication_slots ORDER BY 1")
                return [r[0] for r in cur.fetchall()]
        finally:
            conn.close()

    def slot_confirmed_flush(self, slot):
        conn = psycopg2.connect(**dict(self.connect_kwargs(), port=self.catalog_port()))
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT (confirmed_flush_lsn - '0/0')::bigint FROM pg_replication_slots "
                            "WHERE slot_name = %s", (slot,))
                row = cur.fetchone()
                return row[0] if row and row[0] is not None else 0
        finally:
            conn.close()


class ReplicationThroughLibpqProxy(ReplicationOnPostgres15):
    """The battery through examples/libpq_proxy in front of PostgreSQL 15:
    replication commands, copy-both and feedback relayed. The proxy logs in
    upstream as one role, so the replication right is the proxy's own
    --replication-roles; "another client" writes to PostgreSQL directly."""

    reference = ReferencePostgres("pgwire-replication-proxy-test-")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proxy = ServerProcess("libpq_proxy", ("--listen", "127.0.0.1:0", "--upstream",
                                                  cls.reference.conninfo(), "--replication-roles", "postgres"))

    @classmethod
    def tearDownClass(cls):
        try:
            cls.proxy.stop()
        finally:
            super().tearDownClass()

    def target_port(self):
        return self.proxy.port

    def sql_port(self):
        return self.reference.port

    def role_without_replication(self):
        return "repl_norepl", "any"  # the proxy's trust login; refused by --replication-roles

    def silent_subscriber_params(self):
        # The proxy passes a replication connection's `options` upstream: the
        # walsender's keepalive reaches the client through the relay.
        return {"options": "-c wal_sender_timeout=2000"}



class ReplicationOnSqliteServer(ReplicationBattery, unittest.TestCase):
    """The battery against examples/sqlite_server: its own changes, captured
    with SQLite's hooks and published to the library's ReplicationHub."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        for name in ("psql", "pg_recvlogical", "java"):
            tool(name)
        cls.server = ServerProcess("sqlite_server", ("--listen", "127.0.0.1:0",
                                                     "--replication-roles", "postgres"))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def target_port(self):
        return self.server.port

    # (run_sql as the battery's: sqlite_server publishes a commit before it
    # answers, so IDENTIFY_SYSTEM's xlogpos asked afterwards is past it.)

    def role_without_replication(self):
        return "repl_norepl", "any"  # trust login; not in --replication-roles

    def silent_subscriber_params(self):
        return {"options": "-c wal_sender_timeout=2000"}

    def slots_left(self):
        return None  # sqlite_server has no pg_replication_slots view


if __name__ == "__main__":
    unittest.main()
