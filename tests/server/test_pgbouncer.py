"""pgbouncer in front of sqlite_server, SCRAM on both legs: psql logs in to
pgbouncer with SCRAM-SHA-256 (auth_type=scram-sha-256) and pgbouncer logs in
to sqlite_server, whose only rule for the user is scram-sha-256 (--hba), so a
query answered through the pool proves the server's SCRAM exchange with
pgbouncer's client worked. Two ways pgbouncer gets the server password:

- its auth_file holds the plaintext password: it runs an ordinary SCRAM
  exchange with the server;
- its auth_file holds the same SCRAM secret as the server's --users file:
  pgbouncer has no password, and proves itself to the server with the
  ClientKey it recovered from the client's proof (SCRAM pass-through), which
  works only when the server checks the proof exactly as PostgreSQL does.

pgbouncer refuses to run as root: as root, the test runs it as the
`postgres` user (runuser), on 127.0.0.1, from a temporary configuration."""

import os
import pwd
import re
import selectors
import shutil
import signal
import socket
import subprocess
import tempfile
import time

from harness import SLOW, STARTUP_TIMEOUT, STOP_TIMEOUT, ServerTestCase, tool
from test_auth_policy import scram_secret

USER, PASSWORD = "app", "app-Secret ü1"  # non-ASCII: SASLprep on both legs
HBA = "host all app 127.0.0.1/32 scram-sha-256\n"


def free_port():
    """A port free right now on 127.0.0.1 (pgbouncer has no port 0)."""
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def as_unprivileged(argv):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + argv
    return argv


class Pgbouncer:
    """pgbouncer on 127.0.0.1 with `auth_file_line` as its only user, pooling
    for sqlite_server's `upstream_port`. Ready once it logs 'listening on'."""

    def __init__(self, work, upstream_port, auth_file_line, pool_mode="session"):
        self.stopped = None  # the log, once stopped
        self.dir = tempfile.mkdtemp(prefix="pgbouncer-", dir=work)
        if os.geteuid() == 0:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        users = os.path.join(self.dir, "userlist.txt")
        with open(users, "w") as f:
            f.write(auth_file_line + "\n")
        os.chmod(users, 0o644)
        last = ""
        for _attempt in range(3):  # another process may take the port between the probe and the bind
            self.port = free_port()
            config = os.path.join(self.dir, "pgbouncer.ini")
            with open(config, "w") as f:
                f.write("[databases]\n"
                        "postgres = host=127.0.0.1 port=%d dbname=postgres\n"
                        "[pgbouncer]\n"
                        "listen_addr = 127.0.0.1\n"
                        "listen_port = %d\n"
                        "unix_socket_dir =\n"
                        "auth_type = scram-sha-256\n"
                        "auth_file = %s\n"
                        "pool_mode = %s\n"
                        "server_tls_sslmode = disable\n"
                        "logfile =\n"
                        "pidfile =\n"
                        "verbose = 1\n" % (upstream_port, self.port, users, pool_mode))
            os.chmod(config, 0o644)
            self.log = tempfile.TemporaryFile(mode="w+b")
            self.proc = subprocess.Popen(as_unprivileged([tool("pgbouncer"), config]), stdin=subprocess.DEVNULL,
                                         stdout=self.log, stderr=subprocess.PIPE)
            if self._wait_listening():
                return
            last = self.output()
            if "Address already in use" not in last:
                break
        raise AssertionError("pgbouncer did not start:\n" + last)

    def _wait_listening(self):
        """True once pgbouncer logs that it listens; False when it exits first."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stderr, selectors.EVENT_READ)
        self.err = b""
        try:
            while not re.search(rb"listening on 127\.0\.0\.1:%d" % self.port, self.err):
                left = deadline - time.monotonic()
                if left <= 0:
                    self.proc.kill()
                    self.proc.wait()
                    raise AssertionError("pgbouncer did not log 'listening on' in time:\n" + self.output())
                if sel.select(left):
                    chunk = os.read(self.proc.stderr.fileno(), 4096)
                    if not chunk:
                        self.proc.wait(10)
                        return False
                    self.err += chunk
            return True
        finally:
            sel.close()

    def output(self, tail=4000):
        self.log.seek(0)
        text = (self.err + self.log.read()).decode(errors="replace")
        return text[-tail:] if tail else text

    def stop(self):
        """SIGTERM (pgbouncer's immediate shutdown); its log is returned."""
        if self.stopped is not None:
            return self.stopped
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # The rest of the log, after the process is gone.
        rest = self.proc.stderr.read()
        self.proc.stderr.close()
        self.err += rest
        self.stopped = self.output(tail=None)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.stopped


class PgbouncerTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="pgw-pgbouncer-")
        os.chmod(cls.work, 0o755)
        cls.secret = scram_secret(PASSWORD)
        cls.hba = os.path.join(cls.work, "pg_hba.conf")
        cls.users = os.path.join(cls.work, "users.txt")
        with open(cls.hba, "w") as f:
            f.write(HBA)
        with open(cls.users, "w") as f:
            f.write("%s %s\n" % (USER, cls.secret))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0",
                                        "--hba", self.hba, "--users", self.users)

    def pool(self, auth_file_line, pool_mode="session"):
        bouncer = Pgbouncer(self.work, self.server.port, auth_file_line, pool_mode)
        self.addCleanup(lambda: setattr(self, "bouncer_log", bouncer.stop()))
        return bouncer

    def through(self, bouncer, **kw):
        return self.conninfo(bouncer, user=USER, sslmode="disable", **kw)

    def run_queries(self, bouncer):
        """A session through the pool: DDL, rows in and out, a transaction."""
        script = ("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT);\n"
                  "INSERT INTO t VALUES (1, 'one'), (2, 'two');\n"
                  "BEGIN;\nINSERT INTO t VALUES (3, 'three');\nROLLBACK;\n"
                  "SELECT id, s FROM t ORDER BY id;\n"
                  "SELECT 40 + 2;\n")
        r = self.psql(self.through(bouncer), "-At", "-v", "ON_ERROR_STOP=1", input=script, password=PASSWORD)
        self.assertEqual(r.stdout.splitlines(), ["CREATE TABLE", "INSERT 0 2", "BEGIN", "INSERT 0 1",
                                                 "ROLLBACK", "1|one", "2|two", "42"], r.stderr)

    def assert_server_leg_was_scram(self, bouncer):
        # verbose = 1: pgbouncer logs what the server asked for on its login.
        log = bouncer.stop()
        self.assertIn("S: SASL advertised mechanism: SCRAM-SHA-256", log)
        self.assertNotIn("server login failed", log)

    def assert_refused(self, bouncer, password):
        r = self.psql(self.through(bouncer), "-At", "-c", "select 1", password=password, expect_ok=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("FATAL:  SASL authentication failed", r.stderr)  # pgbouncer's own refusal

    def test_scram_to_the_server_with_the_password(self):
        bouncer = self.pool('"%s" "%s"' % (USER, PASSWORD))
        self.run_queries(bouncer)
        # A second client in a new session: the pool still logs in / reuses its server connection.
        r = self.psql(self.through(bouncer), "-At", "-c", "SELECT count(*) FROM t", password=PASSWORD)
        self.assertEqual(r.stdout.strip(), "2")
        self.assert_refused(bouncer, "wrong")
        self.assert_server_leg_was_scram(bouncer)

    def test_scram_pass_through_with_the_stored_secret(self):
        # pgbouncer knows only the secret, the same as the server's.
        bouncer = self.pool('"%s" "%s"' % (USER, self.secret))
        self.run_queries(bouncer)
        self.assert_refused(bouncer, "wrong")
        self.assert_server_leg_was_scram(bouncer)

    def test_server_refuses_a_wrong_secret(self):
        # pgbouncer's secret for the user differs from the server's (another salt): the
        # client's proof satisfies pgbouncer, but the ClientKey it passes on cannot satisfy
        # the server, which refuses with 28P01; pgbouncer reports a failed server login.
        other = scram_secret(PASSWORD, salt=b"another-salt-987")
        bouncer = self.pool('"%s" "%s"' % (USER, other))
        r = self.psql(self.through(bouncer), "-At", "-c", "select 1", password=PASSWORD, expect_ok=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn('FATAL:  password authentication failed for user "%s"' % USER, r.stderr)
        self.assertIn('server login failed: FATAL password authentication failed for user "%s"' % USER,
                      bouncer.stop())

    def test_transaction_pooling(self):
        bouncer = self.pool('"%s" "%s"' % (USER, PASSWORD), pool_mode="transaction")
        self.run_queries(bouncer)
        self.assert_server_leg_was_scram(bouncer)
