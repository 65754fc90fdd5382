"""examples/libpq_proxy.cpp relaying replication connections to a real
PostgreSQL 15 (wal_level=logical; tests/compat/compat.py's start_postgres):
psql's replication commands and their errors, pg_recvlogical streaming and
resuming test_decoding output, psycopg2's LogicalReplicationConnection with
feedback, pg_receivewal (replication=true), the exact messages around the
end of a copy-both, backpressure from a client that does not read, and
clients that go away, fail or cancel mid-stream. Each test starts its own
proxy, with one io thread and again with two.

Streams end on a condition, never on a timer: pg_recvlogical at --endpos (a
WAL position read after the changes were committed), the Python clients
once the expected messages have arrived. Waits for the upstream (a slot
becoming inactive, a confirmed position advancing) poll pg_replication_slots
with a deadline (GUARD) that only turns a hang into a failure.
"""

import os
import re
import select
import shutil
import struct
import subprocess
import tempfile
import time
import unittest

import pgproto
from harness import SANITIZED, SLOW, ReferencePostgres, ServerTestCase, client_env, tool

import psycopg2  # noqa: E402  (Debian's python3-psycopg2: /usr/bin/python3)
import psycopg2.extras  # noqa: E402

GUARD = 30.0 * SLOW  # a hang fails after this, never a synchronisation

REFERENCE = ReferencePostgres("pgwire-proxy-replication-test-")


def setUpModule():
    REFERENCE.start()


def tearDownModule():
    REFERENCE.stop()


def upstream_dsn():
    return REFERENCE.trust_dsn()


# test_decoding's lines for the three transactions of `three_transactions`
# and the fourth of the restart tests; XID stands for the transaction id.
FIRST_THREE = [
    "BEGIN XID",
    "table public.%(t)s: INSERT: id[integer]:1 v[text]:'one'",
    "table public.%(t)s: INSERT: id[integer]:2 v[text]:'two'",
    "COMMIT XID",
    "BEGIN XID",
    "table public.%(t)s: UPDATE: id[integer]:1 v[text]:'uno'",
    "COMMIT XID",
    "BEGIN XID",
    "table public.%(t)s: DELETE: id[integer]:2",
    "COMMIT XID",
]
FOURTH = [
    "BEGIN XID",
    "table public.%(t)s: INSERT: id[integer]:3 v[text]:'it''s three'",
    "COMMIT XID",
]


class ProxyReplicationTest(ServerTestCase):
    proxy_args = ()  # one io thread: a session that spun would stall the others

    def setUp(self):
        self.proxy = self.start_proxy(upstream_dsn(), *self.proxy_args)
        self.admin = psycopg2.connect(upstream_dsn())
        self.admin.autocommit = True
        self.addCleanup(self.admin.close)
        # The reference runs with synchronous_commit=off; here each commit
        # is flushed before it returns (lsn()).
        self.sql("SET synchronous_commit = on")
        name = self._testMethodName.replace("test_", "")[:40]
        self.table = "repl_" + name
        self.slot = "slot_" + name
        self.sql("DROP TABLE IF EXISTS %s" % self.table)
        self.sql("CREATE TABLE %s (id int PRIMARY KEY, v text)" % self.table)
        self.addCleanup(self.drop_slots)

    # Helpers -------------------------------------------------------------------

    def sql(self, statement, params=None):
        with self.admin.cursor() as cur:
            cur.execute(statement, params)
            return cur.fetchall() if cur.description else None

    def slot_row(self, slot):
        rows = self.sql("SELECT active, active_pid, confirmed_flush_lsn FROM pg_replication_slots "
                        "WHERE slot_name = %s", (slot,))
        return rows[0] if rows else None

    def wait_for(self, what, condition):
        """Polls `condition` until true, within GUARD."""
        deadline = time.monotonic() + GUARD
        while not condition():
            if time.monotonic() > deadline:
                self.fail("never happened within %.0f s: %s" % (GUARD, what))
            time.sleep(0.01)  # polling a condition, bounded by the deadline

    def wait_inactive(self, slot):
        self.wait_for("slot %s inactive" % slot,
                      lambda: (self.slot_row(slot) or (False,))[0] is False)

    def drop_slots(self):
        for (name,) in self.sql("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE %s",
                                ("%" + self.slot.replace("_", "\\_") + "%",)):
            self.wait_inactive(name)
            self.sql("SELECT pg_drop_replication_slot(%s)", (name,))

    def lsn(self):
        """The WAL flushed so far, which ends after this session's last
        commit (synchronous here, see setUp): a walsender sends only flushed
        WAL, so an --endpos up to here is reached without waiting for other
        activity to flush more."""
        return self.sql("SELECT pg_current_wal_flush_lsn()::text")[0][0]

    def lsn_le(self, a, b):
        return self.sql("SELECT %s::pg_lsn <= %s::pg_lsn", (a, b))[0][0]

    def three_transactions(self):
        t = self.table
        self.sql("INSERT INTO %s VALUES (1, 'one'), (2, 'two')" % t)
        self.sql("UPDATE %s SET v = 'uno' WHERE id = 1" % t)
        self.sql("DELETE FROM %s WHERE id = 2" % t)
        return self.lsn()

    def fourth_transaction(self):
        self.sql("INSERT INTO %s VALUES (3, 'it''s three')" % self.table)
        return self.lsn()

    def assert_decoded(self, lines, expected):
        """`lines` are test_decoding's `expected` (XID: one id per transaction,
        BEGIN's and COMMIT's the same, increasing)."""
        self.assertEqual(len(lines), len(expected), "\n".join(lines))
        xids = []
        for got, want in zip(lines, expected):
            want = want % {"t": self.table}
            pattern = "^" + re.escape(want).replace("XID", "([0-9]+)") + "$"
            m = re.match(pattern, got)
            self.assertIsNotNone(m, "got %r, expected %r" % (got, want))
            if m.groups():
                xids.append(int(m.group(1)))
        begins, commits = xids[0::2], xids[1::2]
        self.assertEqual(begins, commits)
        self.assertEqual(begins, sorted(set(begins)))

    def repl_conninfo(self):
        return self.conninfo(self.proxy, replication="database")

    def psql_repl(self, conninfo, *commands):
        """Each command as its own query (replication commands do not
        combine), verbose errors; returns psql's CompletedProcess."""
        args = ["-A", "-v", "VERBOSITY=verbose"]
        for c in commands:
            args += ["-c", c]
        return self.psql(conninfo, *args, timeout=GUARD, expect_ok=False)

    def recvlogical(self, *args, port=None, user="postgres"):
        argv = [tool("pg_recvlogical"), "-h", "127.0.0.1", "-p", str(port or self.proxy.port),
                "-U", user, "-d", "postgres", "--slot", self.slot, "--no-loop"] + list(args)
        r = subprocess.run(argv, capture_output=True, text=True, env=client_env(),
                           timeout=GUARD)
        if r.returncode != 0:
            self.fail("pg_recvlogical %r exited with %d\nstdout:\n%s\nstderr:\n%s"
                      % (args, r.returncode, r.stdout, r.stderr))
        return r

    # psql with replication=database ---------------------------------------------

    def test_psql_identify_system_as_direct(self):
        via = self.psql_repl(self.repl_conninfo(), "IDENTIFY_SYSTEM")
        direct = self.psql_repl(upstream_dsn() + " replication=database", "IDENTIFY_SYSTEM")
        self.assertEqual(via.returncode, 0, via.stderr)
        self.assertEqual(direct.returncode, 0, direct.stderr)
        head, row = via.stdout.splitlines()[:2]
        self.assertEqual(head, "systemid|timeline|xlogpos|dbname")
        systemid, timeline, xlogpos, dbname = row.split("|")
        self.assertEqual(direct.stdout.splitlines()[0], head)
        self.assertEqual(systemid, direct.stdout.splitlines()[1].split("|")[0])
        self.assertRegex(systemid, r"^[0-9]+$")
        self.assertEqual(timeline, "1")
        self.assertRegex(xlogpos, r"^[0-9A-F]+/[0-9A-F]+$")
        self.assertEqual(dbname, "postgres")

    def test_physical_replication_pg_receivewal(self):
        """replication=true: a physical walsender upstream; pg_receivewal
        writes the WAL PostgreSQL has, byte for byte."""
        via = self.psql_repl(self.conninfo(self.proxy, replication="true"), "IDENTIFY_SYSTEM")
        self.assertEqual(via.returncode, 0, via.stderr)
        self.assertRegex(via.stdout.splitlines()[1], r"^[0-9]+\|1\|[0-9A-F]+/[0-9A-F]+\|$")  # no dbname
        self.sql("SELECT pg_switch_wal()")  # pg_receivewal starts at the current segment
        self.sql("INSERT INTO %s SELECT g, 'wal ' || g FROM generate_series(1, 1000) g" % self.table)
        endpos = self.lsn()
        segment = self.sql("SELECT pg_walfile_name(%s::pg_lsn)", (endpos,))[0][0]
        # pg_receivewal stops on WAL past --endpos: flush some more.
        self.sql("INSERT INTO %s VALUES (0, 'past endpos')" % self.table)
        d = tempfile.mkdtemp(prefix="pgwire-proxy-receivewal-")
        self.addCleanup(shutil.rmtree, d, True)
        argv = [tool("pg_receivewal"), "-h", "127.0.0.1", "-p", str(self.proxy.port), "-U", "postgres",
                "-D", d, "--endpos", endpos, "--no-loop"]
        r = subprocess.run(argv, capture_output=True, text=True, env=client_env(), timeout=GUARD)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(os.listdir(d), [segment + ".partial"])
        offset = int(endpos.split("/")[1], 16) % (16 << 20)
        with open(os.path.join(d, segment + ".partial"), "rb") as f:
            got = f.read(offset)
        with open(os.path.join(REFERENCE.state["data"], "pg_wal", segment), "rb") as f:
            want = f.read(offset)
        self.assertEqual(len(got), offset)
        self.assertTrue(got == want, "the received WAL differs from the upstream's")

    def test_psql_slot_commands_and_their_errors(self):
        s = self.slot
        r = self.psql_repl(self.repl_conninfo(), "CREATE_REPLICATION_SLOT %s LOGICAL test_decoding" % s)
        self.assertEqual(r.returncode, 0, r.stderr)
        head, row = r.stdout.splitlines()[:2]
        self.assertEqual(head, "slot_name|consistent_point|snapshot_name|output_plugin")
        self.assertRegex(row, r"^%s\|[0-9A-F]+/[0-9A-F]+\|[0-9A-F-]+\|test_decoding$" % s)
        self.assertIsNotNone(self.slot_row(s))
        missing = s + "_missing"
        commands = ("CREATE_REPLICATION_SLOT %s LOGICAL test_decoding" % s,
                    "DROP_REPLICATION_SLOT %s" % missing,
                    "READ_REPLICATION_SLOT %s" % s,
                    "SHOW wal_level",
                    "TIMELINE_HISTORY 1")
        via = self.psql_repl(self.repl_conninfo(), *commands)
        direct = self.psql_repl(upstream_dsn() + " replication=database", *commands)
        # The upstream's errors, SQLSTATE and text, in the same order.
        self.assertEqual(via.stderr, direct.stderr)
        self.assertEqual(via.stdout, direct.stdout)
        self.assertIn('ERROR:  42710: replication slot "%s" already exists' % s, via.stderr)
        self.assertIn('ERROR:  42704: replication slot "%s" does not exist' % missing, via.stderr)
        self.assertIn("ERROR:  0A000: cannot use READ_REPLICATION_SLOT with a logical replication slot",
                      via.stderr)
        self.assertIn("wal_level\nlogical\n", via.stdout)
        self.assertIn("ERROR:  58P01: could not open file", via.stderr)  # no history on timeline 1
        # DROP_REPLICATION_SLOT through the proxy.
        r = self.psql_repl(self.repl_conninfo(), "DROP_REPLICATION_SLOT %s" % s)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIsNone(self.slot_row(s))

    def test_psql_sql_in_replication_database_mode(self):
        r = self.psql_repl(self.repl_conninfo(), "SELECT 40 + 2 AS answer",
                           "SELECT count(*) FROM %s" % self.table)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "answer\n42\n(1 row)\ncount\n0\n(1 row)\n")
        # The upstream session really is a walsender.
        r = self.psql_repl(self.repl_conninfo(),
                           "SELECT backend_type FROM pg_stat_activity WHERE pid = pg_backend_pid()")
        self.assertEqual(r.stdout, "backend_type\nwalsender\n(1 row)\n")

    # pg_recvlogical --------------------------------------------------------------

    def test_pg_recvlogical_streams_and_resumes(self):
        self.recvlogical("--create-slot", "--plugin", "test_decoding")
        self.assertIsNotNone(self.slot_row(self.slot))
        endpos = self.three_transactions()
        r = self.recvlogical("--start", "-f", "-", "--endpos", endpos, "-o", "skip-empty-xacts=1")
        self.assert_decoded(r.stdout.splitlines(), FIRST_THREE)
        # pg_recvlogical's last feedback (flushed up to endpos) reached the
        # walsender through the proxy: the slot's confirmed position moved,
        # and nothing up to endpos is left to decode.
        self.wait_inactive(self.slot)
        confirmed = self.slot_row(self.slot)[2]
        self.assertTrue(self.lsn_le(endpos, confirmed), "confirmed %s < endpos %s" % (confirmed, endpos))
        left = self.sql("SELECT data FROM pg_logical_slot_peek_changes(%s, %s::pg_lsn, NULL, "
                        "'skip-empty-xacts', '1')", (self.slot, endpos))
        self.assertEqual(left, [])
        # Restart: only the new transaction arrives.
        endpos = self.fourth_transaction()
        r = self.recvlogical("--start", "-f", "-", "--endpos", endpos, "-o", "skip-empty-xacts=1")
        self.assert_decoded(r.stdout.splitlines(), FOURTH)

    def test_pg_recvlogical_lines_as_direct(self):
        # Two slots at the same point: one read through the proxy, one directly.
        self.recvlogical("--create-slot", "--plugin", "test_decoding")
        direct_slot = self.slot + "_direct"
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (direct_slot,))
        endpos = self.fourth_transaction()
        via = self.recvlogical("--start", "-f", "-", "--endpos", endpos, "-o", "include-timestamp=1")
        argv = [tool("pg_recvlogical"), "-h", "127.0.0.1", "-p", str(REFERENCE.port), "-U", "postgres",
                "-d", "postgres", "--slot", direct_slot, "--no-loop", "--start", "-f", "-",
                "--endpos", endpos, "-o", "include-timestamp=1"]
        direct = subprocess.run(argv, capture_output=True, text=True, env=client_env(), timeout=GUARD)
        self.assertEqual(direct.returncode, 0, direct.stderr)
        self.assertEqual(via.stdout, direct.stdout)
        self.assertRegex(via.stdout, r"COMMIT [0-9]+ \(at [0-9-]+ [0-9:.+]+\)")

    # psycopg2's LogicalReplicationConnection ---------------------------------------

    def replication_connection(self):
        c = psycopg2.connect(self.conninfo(self.proxy),  # the factory adds replication=database
                             connection_factory=psycopg2.extras.LogicalReplicationConnection)
        self.addCleanup(c.close)
        return c

    def consume(self, cur, count):
        """The next `count` messages of the stream."""
        got = []
        deadline = time.monotonic() + GUARD
        while len(got) < count:
            msg = cur.read_message()
            if msg is not None:
                got.append(msg)
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                self.fail("only %d of %d messages arrived: %r" % (len(got), count, [m.payload for m in got]))
            select.select([cur], [], [], left)
        return got

    def test_psycopg2_feedback_and_reconnect(self):
        conn = self.replication_connection()
        cur = conn.cursor()
        cur.create_replication_slot(self.slot, output_plugin="test_decoding")
        self.three_transactions()
        cur.start_replication(slot_name=self.slot, decode=True, options={"skip-empty-xacts": 1})
        msgs = self.consume(cur, len(FIRST_THREE))
        self.assert_decoded([m.payload for m in msgs], FIRST_THREE)
        # Flush the first transaction only.
        first_commit = msgs[3]
        self.assertTrue(first_commit.payload.startswith("COMMIT"))
        cur.send_feedback(flush_lsn=first_commit.data_start, force=True)
        flushed = lsn_text(first_commit.data_start)
        self.wait_for("confirmed_flush_lsn at the first commit (%s)" % flushed,
                      lambda: self.lsn_le(flushed, self.slot_row(self.slot)[2]))
        conn.close()
        self.wait_inactive(self.slot)
        # Reconnect: the second and third transactions again, then the fourth.
        self.fourth_transaction()
        cur = self.replication_connection().cursor()
        cur.start_replication(slot_name=self.slot, decode=True, options={"skip-empty-xacts": 1})
        expected = FIRST_THREE[4:] + FOURTH
        msgs = self.consume(cur, len(expected))
        self.assert_decoded([m.payload for m in msgs], expected)

    # The copy-both's end, message by message --------------------------------------

    def raw_replication(self, port, user):
        c = pgproto.Conn(port=port, timeout=GUARD)
        self.addCleanup(c.close)
        c.startup(user, database="postgres", params={"replication": "database"})
        return c

    def stream_until_copy_done(self, c, slot):
        """START_REPLICATION, one transaction's XLogData, then CopyDone from
        the client: the kinds and tags of what the server sends until
        ReadyForQuery (XLogData and keepalives folded into 'd')."""
        c.send(pgproto.query("START_REPLICATION SLOT %s LOGICAL 0/0 (\"skip-empty-xacts\" '1')" % slot))
        kind, body = c.read_message()
        self.assertEqual((kind, body), ("W", b"\x00\x00\x00"))  # CopyBothResponse: text, no columns
        payloads = []
        while len(payloads) < len(FOURTH):
            kind, body = c.read_message()
            self.assertEqual(kind, "d")
            if body[:1] == b"w":  # XLogData: 'w', start, end, time, payload
                payloads.append(body[25:].decode())
        c.send(pgproto.message("c"))
        after = []
        while True:
            kind, body = c.read_message()
            if kind == "d":
                if not after or after[-1] != "d":
                    after.append("d")
                continue
            after.append(kind if kind != "C" else "C " + body[:-1].decode())
            if kind == "Z":
                self.assertEqual(body, b"I")
                return payloads, after

    def test_copy_both_end_as_postgresql(self):
        direct_slot = self.slot + "_direct"
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (self.slot,))
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (direct_slot,))
        self.fourth_transaction()
        via = self.stream_until_copy_done(self.raw_replication(self.proxy.port, "postgres"), self.slot)
        direct = self.stream_until_copy_done(self.raw_replication(REFERENCE.port, "postgres"), direct_slot)
        self.assert_decoded(via[0], FOURTH)
        self.assertEqual(via[0], direct[0])
        # Leftover data folded: PostgreSQL may or may not send some before its CopyDone.
        strip = lambda kinds: [k for k in kinds if k != "d"]  # noqa: E731
        self.assertEqual(strip(via[1]), ["c", "C COPY 0", "C START_REPLICATION", "Z"])
        self.assertEqual(strip(via[1]), strip(direct[1]))

    def test_copy_fail_mid_stream_ends_the_upstream(self):
        """A CopyFail is not a walsender's message (PostgreSQL ends the
        connection with FATAL 08P01): the proxy ends its upstream at once,
        whatever the session then tells its client."""
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (self.slot,))
        self.fourth_transaction()
        c = self.raw_replication(self.proxy.port, "postgres")
        c.send(pgproto.query("START_REPLICATION SLOT %s LOGICAL 0/0" % self.slot))
        self.assertEqual(c.read_message()[0], "W")
        walsender = self.slot_row(self.slot)[1]
        c.send(pgproto.message("f", pgproto.cstr("enough")))  # CopyFail
        kind = "d"
        while kind == "d":
            kind, _ = c.read_message()
        self.assertEqual(kind, "E")
        self.wait_inactive(self.slot)
        self.wait_for("walsender %d gone" % walsender, lambda: not self.sql(
            "SELECT 1 FROM pg_stat_activity WHERE pid = %s", (walsender,)))
        r = self.psql_repl(self.repl_conninfo(), "IDENTIFY_SYSTEM")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_cancel_mid_stream(self):
        """A CancelRequest reaches the walsender, whose 57014 ends the
        stream; the session goes on. (The library has no way yet to send an
        ErrorResponse in the middle of a copy-both, as the walsender does:
        the client gets CopyDone first, and the error after its own.)"""
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (self.slot,))
        c = self.raw_replication(self.proxy.port, "postgres")
        c.send(pgproto.query("START_REPLICATION SLOT %s LOGICAL 0/0" % self.slot))
        self.assertEqual(c.read_message()[0], "W")
        canceller = pgproto.Conn(port=self.proxy.port, timeout=GUARD)
        self.addCleanup(canceller.close)
        canceller.send(pgproto.cancel_request(*c.backend_key))
        errors = []
        while True:
            kind, body = c.read_message()
            if kind == "c":
                c.send(pgproto.message("c"))
            elif kind == "E":
                errors.append(pgproto.parse_fields(body))
            elif kind == "Z":
                break
        self.assertEqual([(e["C"], e["M"]) for e in errors],
                         [("57014", "canceling statement due to user request")])
        self.wait_inactive(self.slot)
        results = c.simple_query("IDENTIFY_SYSTEM")
        self.assertEqual(results[0]["tag"], "IDENTIFY_SYSTEM")

    def test_slot_in_use(self):
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (self.slot,))
        self.fourth_transaction()
        c = self.raw_replication(self.proxy.port, "postgres")
        c.send(pgproto.query("START_REPLICATION SLOT %s LOGICAL 0/0" % self.slot))
        self.assertEqual(c.read_message()[0], "W")
        walsender = self.slot_row(self.slot)[1]
        r = self.psql_repl(self.repl_conninfo(), "START_REPLICATION SLOT %s LOGICAL 0/0" % self.slot)
        self.assertIn('ERROR:  55006: replication slot "%s" is active for PID %d' % (self.slot, walsender),
                      r.stderr)
        c.send(pgproto.message("c"))
        while c.read_message()[0] != "Z":
            pass

    # A client that goes away mid-stream ------------------------------------------

    def test_client_gone_mid_stream(self):
        descriptors = proxy_descriptors(self.proxy.pid)
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (self.slot,))
        self.fourth_transaction()
        c = self.raw_replication(self.proxy.port, "postgres")
        c.send(pgproto.query("START_REPLICATION SLOT %s LOGICAL 0/0" % self.slot))
        self.assertEqual(c.read_message()[0], "W")
        self.assertEqual(c.read_message()[0], "d")  # streaming
        walsender = self.slot_row(self.slot)[1]
        self.assertIsNotNone(walsender)
        cpu_before, wall_before = proxy_cpu_seconds(self.proxy.pid), time.monotonic()
        c.sock.close()  # no CopyDone, no Terminate
        # The upstream walsender goes away, and its slot is free again.
        self.wait_inactive(self.slot)
        self.wait_for("walsender %d gone" % walsender, lambda: not self.sql(
            "SELECT 1 FROM pg_stat_replication WHERE pid = %s", (walsender,)))
        self.wait_for("the proxy's descriptors back to %d" % descriptors,
                      lambda: proxy_descriptors(self.proxy.pid) == descriptors)
        # The proxy (one io thread) serves the others, and nothing spins.
        for n in range(3):
            r = self.psql(self.conninfo(self.proxy), "-At", "-c", "SELECT %d" % n, timeout=GUARD)
            self.assertEqual(r.stdout, "%d\n" % n)
        r = self.psql_repl(self.repl_conninfo(), "IDENTIFY_SYSTEM")
        self.assertEqual(r.returncode, 0, r.stderr)
        cpu = proxy_cpu_seconds(self.proxy.pid) - cpu_before
        wall = time.monotonic() - wall_before
        self.assertLess(cpu, 0.5 * wall + 0.05, "the proxy used %.2f s of CPU in %.2f s" % (cpu, wall))
        # The slot streams again, from where it was.
        c = self.raw_replication(self.proxy.port, "postgres")
        payloads, after = self.stream_until_copy_done(c, self.slot)
        self.assert_decoded(payloads, FOURTH)

    def test_upstream_walsender_terminated_mid_stream(self):
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (self.slot,))
        self.fourth_transaction()
        c = self.raw_replication(self.proxy.port, "postgres")
        c.send(pgproto.query("START_REPLICATION SLOT %s LOGICAL 0/0" % self.slot))
        self.assertEqual(c.read_message()[0], "W")
        walsender = self.slot_row(self.slot)[1]
        self.sql("SELECT pg_terminate_backend(%s)", (walsender,))
        # The stream ends as the walsender's did: CopyDone; after the
        # client's CopyDone, the upstream's error and ReadyForQuery.
        kinds = []
        while True:
            kind, body = c.read_message()
            if kind == "d":
                continue
            kinds.append(kind)
            if kind == "c":
                c.send(pgproto.message("c"))
            if kind == "E":
                error = pgproto.ServerError(pgproto.parse_fields(body))
            if kind == "Z":
                break
        self.assertEqual(kinds, ["c", "E", "Z"])
        self.assertEqual(error.sqlstate, "57P01")
        self.assertEqual(error.severity, "ERROR")  # the client's session goes on
        # Its next statement learns that the upstream is gone; others are served.
        results = c.simple_query("IDENTIFY_SYSTEM")
        self.assertEqual(results[0]["error"]["C"], "08006")
        r = self.psql(self.conninfo(self.proxy), "-At", "-c", "SELECT 1", timeout=GUARD)
        self.assertEqual(r.stdout, "1\n")

    def stalled_stream(self, rows=150000, width=300):
        """A replication client through the proxy that has not read its
        stream, once the walsender is blocked writing to the proxy (the
        stream is several times what the proxy's queue and the sockets'
        buffers hold)."""
        self.sql("SELECT pg_create_logical_replication_slot(%s, 'test_decoding')", (self.slot,))
        self.sql("INSERT INTO %s SELECT g, repeat('x', %d) FROM generate_series(1, %d) g"
                 % (self.table, width, rows))
        c = pgproto.Conn(port=self.proxy.port, timeout=GUARD, rcvbuf=16384)
        self.addCleanup(c.close)
        c.startup("postgres", database="postgres", params={"replication": "database"})
        baseline = proxy_memory_kib(self.proxy.pid, "VmRSS")
        c.send(pgproto.query("START_REPLICATION SLOT %s LOGICAL 0/0 (\"skip-empty-xacts\" '1')"
                             % self.slot))
        self.wait_for("the walsender blocked writing to the proxy", lambda: self.sql(
            "SELECT 1 FROM pg_replication_slots s JOIN pg_stat_activity a ON a.pid = s.active_pid "
            "WHERE s.slot_name = %s AND a.wait_event = 'WalSenderWriteData'", (self.slot,)))
        return c, baseline

    def test_stalled_reader_goes_away(self):
        """The client resets its connection while the proxy's queue for it
        is full and a write to it is pending: the session ends, and with it
        the upstream walsender."""
        descriptors = proxy_descriptors(self.proxy.pid)
        c, _ = self.stalled_stream()
        walsender = self.slot_row(self.slot)[1]
        c.close()  # unread data: a reset
        self.wait_inactive(self.slot)
        self.wait_for("walsender %d gone" % walsender, lambda: not self.sql(
            "SELECT 1 FROM pg_stat_replication WHERE pid = %s", (walsender,)))
        # The session is over too: its socket (and the upstream's) closed.
        self.wait_for("the proxy's descriptors back to %d" % descriptors,
                      lambda: proxy_descriptors(self.proxy.pid) == descriptors)
        r = self.psql(self.conninfo(self.proxy), "-At", "-c", "SELECT 1", timeout=GUARD)
        self.assertEqual(r.stdout, "1\n")

    def test_slow_reader_gets_everything(self):
        """Backpressure: a client that does not read stalls the walsender
        (the proxy stops reading it once the session's queue is full: the
        walsender then waits to write) and later gets every change, in
        order; the proxy's memory stays bounded far below the stream's size
        (checked without sanitizers, whose allocators keep freed memory)."""
        rows, width = 150000, 300
        c, baseline = self.stalled_stream(rows, width)
        self.assertEqual(c.read_message()[0], "W")
        seen = 0
        while seen < rows:
            kind, body = c.read_message()
            self.assertEqual(kind, "d")
            if body[:1] != b"w":
                continue
            line = body[25:]
            if line.startswith(b"table"):
                seen += 1
                self.assertTrue(line.startswith(b"table public.%s: INSERT: id[integer]:%d v[text]:'x"
                                                % (self.table.encode(), seen)), line[:80])
        while True:  # keepalives may come between
            kind, body = c.read_message()
            if body[:1] == b"w":
                self.assertTrue(body[25:].startswith(b"COMMIT "), body[25:80])
                break
        if not SANITIZED:
            stream = rows * (width + 60)
            peak = proxy_memory_kib(self.proxy.pid, "VmHWM") - baseline
            self.assertLess(peak * 1024, stream // 2, "the proxy grew by %d KiB for a %d-byte stream"
                            % (peak, stream))
        c.send(pgproto.message("c"))
        while c.read_message()[0] != "Z":
            pass


class ProxyReplicationTwoThreadsTest(ProxyReplicationTest):
    """The same with two io threads: the relay, the client's side and the
    handle's callbacks meet on each session's strand."""
    proxy_args = ("--threads", "2")


def proxy_descriptors(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def proxy_memory_kib(pid, field):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError("no %s in /proc/%d/status" % (field, pid))


def lsn_text(lsn):
    return "%X/%X" % (lsn >> 32, lsn & 0xFFFFFFFF)


def proxy_cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    unittest.main()
