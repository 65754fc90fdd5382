"""Unix-domain sockets (psql -h DIR -p PORT finds DIR/.s.PGSQL.PORT), two
sessions' statements running at the same time and sessions served while a
statement runs (shown by the server's armed timers and by the order of the
results, not by timing alone), and multi-threaded servers: exactly --threads
io threads, 20 concurrent sessions on 4."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

import pgproto
from harness import SLOW, ServerTestCase, client_env, tool


class UnixSocketTest(ServerTestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="pgw-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.sock_port = 5499  # only a name here: DIR/.s.PGSQL.5499
        self.path = os.path.join(self.dir, ".s.PGSQL.%d" % self.sock_port)

    def test_psql_over_unix_socket(self):
        s = self.start_server("server", "--listen", "127.0.0.1:0", "--unix", self.path)
        self.assertTrue(os.path.exists(self.path), "socket file %s missing" % self.path)
        info = "host=%s port=%d user=postgres dbname=postgres" % (self.dir, self.sock_port)
        r = self.psql(info, "-At", "-c", "select 1", "-c", "\\conninfo")
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "select 1|8")
        self.assertIn('via socket in "%s"' % self.dir, r.stdout)
        _, events = self.pq_client(info, "query:select 2; select 3")
        self.assertFalse(events[0]["ssl"])
        self.assertEqual([e["rows"] for e in events if e["event"] == "result"],
                         [[["select 2", "8"]], [["select 3", "8"]]])
        # TCP still works alongside.
        r = self.psql(self.conninfo(s), "-At", "-c", "select 4")
        self.assertEqual(r.stdout.strip(), "select 4|8")

    def test_protocol_client_over_unix_socket_with_password(self):
        self.start_server("server", "--listen", "127.0.0.1:0", "--unix", self.path,
                          "--auth", "scram", "--password", "pw")
        with pgproto.Conn(unix_path=self.path) as c:
            c.startup("postgres", "pw", version=(3, 2))
            self.assertEqual(len(c.backend_key[1]), 32)
            self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])
        info = "host=%s port=%d user=postgres" % (self.dir, self.sock_port)
        r = self.psql(info, "-At", "-c", "select 5", password="pw")
        self.assertEqual(r.stdout.strip(), "select 5|8")

    def test_stale_socket_file_replaced(self):
        # A socket file left by a crashed server must not stop a new one.
        open(self.path, "w").close()
        self.start_server("server", "--listen", "127.0.0.1:0", "--unix", self.path)
        r = self.psql("host=%s port=%d user=postgres" % (self.dir, self.sock_port), "-At",
                      "-c", "select 1")
        self.assertEqual(r.stdout.strip(), "select 1|8")


class OverlapTest(ServerTestCase):
    """Sessions that come and go, and statements that run, while another
    session's statement is running. A pg_sleep of the server example runs
    once the server has armed its timer (ServerProcess.wait_sleeping); it is
    still running as long as its result has not arrived."""

    def session(self, s):
        c = pgproto.Conn(port=s.port)
        self.addCleanup(c.close)
        c.startup("postgres")
        return c

    def test_two_sleeps_run_at_once(self):
        # One io thread: B's pg_sleep starts while A's runs, and ends first.
        s = self.start_server("server", "--listen", "127.0.0.1:0")
        a, b = self.session(s), self.session(s)
        a_secs, b_secs = 3.0 * SLOW, 1.0 * SLOW
        a_sent = time.monotonic()
        a.send(pgproto.query("select pg_sleep(%s)" % a_secs))
        s.wait_sleeping(a_secs, a_sent)
        sent = time.monotonic()
        b.send(pgproto.query("select pg_sleep(%s)" % b_secs))
        s.wait_sleeping(b_secs, sent)
        # Both started; neither has finished.
        self.assertFalse(a.has_data(), "A finished before B started")
        self.assertFalse(b.has_data())
        b_results = b.read_results()
        self.assertEqual(b_results[0]["tag"], "SELECT 1", b_results)
        # B finished while A was still running.
        self.assertFalse(a.has_data(), "A finished before B: the sleeps did not overlap")
        self.assertEqual(a.read_results()[0]["tag"], "SELECT 1")
        self.assertLess(time.monotonic() - a_sent, a_secs + b_secs,
                        "the two sleeps took as long as one after the other")
        self.assertEqual((a.status, b.status), ("I", "I"))

    def test_connections_during_a_running_query(self):
        s = self.start_server("server", "--listen", "127.0.0.1:0")
        a = self.session(s)
        seconds = 3.0 * SLOW
        sent = time.monotonic()
        a.send(pgproto.query("select pg_sleep(%s)" % seconds))
        s.wait_sleeping(seconds, sent)
        # While A's statement runs: a probe, a whole session, a psql run.
        socket.create_connection(("127.0.0.1", s.port), timeout=10).close()
        with pgproto.Conn(port=s.port) as b:
            b.startup("postgres")
            self.assertEqual(b.simple_query("select 2")[0]["rows"], [["select 2", "8"]])
        r = self.psql(self.conninfo(s), "-At", "-c", "select 3")
        self.assertEqual(r.stdout.strip(), "select 3|8")
        self.assertFalse(a.has_data(), "A's statement ended before the other sessions were "
                         "served: nothing overlapped it (make its pg_sleep longer?)")
        results = a.read_results()
        self.assertEqual(results[0]["tag"], "SELECT 1", results)
        self.assertGreaterEqual(time.monotonic() - sent, seconds * 0.95)
        self.assertEqual(a.status, "I")
        self.assertEqual(a.simple_query("select 4")[0]["rows"], [["select 4", "8"]])

    def test_multi_batch_result_with_psql(self):
        # 20000 rows (~0.5 MB): several flushes of the 64 KiB output batch.
        s = self.start_server("sqlite_server", "--listen", "127.0.0.1:0")
        r = self.psql(self.conninfo(s), "-At", "-c",
                      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 20000) "
                      "SELECT x, 'row ' || x FROM c")
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 20000)
        self.assertEqual(lines[-1], "20000|row 20000")


class ThreadsTest(ServerTestCase):

    def assert_io_threads(self, s, n):
        """The server runs exactly n io threads, besides the examples' one
        thread waiting for SIGTERM (example::serve). The io threads start in
        run(), after "listening on" was printed: wait for them, bounded."""
        others = ["example-signals"]
        deadline = time.monotonic() + 10 * SLOW
        while True:
            names = s.thread_names()
            io = [t for t in names if t not in others]
            if len(io) >= n or time.monotonic() > deadline:
                break
            time.sleep(0.01)  # polling a condition, bounded by the deadline
        self.assertEqual(sorted(set(names) - set(io)), others, names)
        self.assertEqual(len(io), n, "expected %d io threads, the server has %s" % (n, names))
        self.assertEqual(len(names), n + 1, names)

    def test_thread_count_is_exact(self):
        for n in (1, 2, 3):
            with self.subTest(threads=n):
                s = self.start_server("server", "--listen", "127.0.0.1:0", "--threads", str(n))
                self.assertEqual(self.pq_client(self.conninfo(s), "query:select 1")[1][1]["rows"],
                                 [["select 1", "8"]])
                self.assert_io_threads(s, n)

    def test_20_concurrent_libpq_sessions_on_4_threads(self):
        s = self.start_server("server", "--listen", "127.0.0.1:0", "--threads", "4",
                              "--auth", "md5", "--password", "pw")
        _, events = self.pq_client(self.conninfo(s), "sessions:20:25:select 1", password="pw")
        self.assert_io_threads(s, 4)
        summary = events[-1]
        self.assertEqual(summary["event"], "sessions", events)
        self.assertEqual(summary, {"event": "sessions", "connected": 20, "ok": 20 * 25,
                                   "failed": 0, "distinct_pids": 20})

    def test_20_concurrent_psql_sessions_on_4_threads(self):
        s = self.start_server("sqlite_server", "--listen", "127.0.0.1:0", "--threads", "4")
        psql = tool("psql")
        procs = []
        for i in range(20):
            # Each session checks its own answers and keeps its connection open
            # while the others run.
            script = "".join("select %d * 1000 + %d;\n" % (i, k) for k in range(20))
            p = subprocess.Popen([psql, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d",
                                  self.conninfo(s)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=client_env())
            procs.append((i, p, script))
        for i, p, script in procs:
            out, err = p.communicate(script, timeout=60 * SLOW)
            self.assertEqual(p.returncode, 0, "psql session %d failed:\n%s" % (i, err))
            self.assertEqual(out.split(), [str(i * 1000 + k) for k in range(20)],
                             "session %d" % i)


if __name__ == "__main__":
    unittest.main()
