"""Shared machinery of the server integration tests: starting and stopping
the example servers, the TLS test certificates, running psql and the libpq
test client, and a reference PostgreSQL 15 to compare with or proxy to.

Configuration comes from the environment, set by tests/server/CMakeLists.txt:

  PGWIRE_EXAMPLES_DIR   directory of the example servers (server, secure_server, ...)
  PGWIRE_BIN_<NAME>     path of one program, overriding the directory
                        (SERVER, SECURE_SERVER, SCRAM_SERVER, SQLITE_SERVER,
                        AUTH_TIMEOUT_SERVER, CERT_FACTS_SERVER, PQ_CLIENT, LIBPQ_PROXY)
  PGWIRE_MAKE_CERT      examples/make-cert.sh
  PGWIRE_TLS_DIR        certificates made once per ctest run (fixture); when
                        unset, made once per process into a temporary directory
  PGWIRE_SANITIZED      1 when the programs are built with ASan+UBSan

Nothing is skipped: a missing program or client fails the test that needs it.
"""

import atexit
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SANITIZED = os.environ.get("PGWIRE_SANITIZED", "") not in ("", "0", "OFF", "off")
# Generous guards, not synchronisation: sanitized builds are several times slower.
SLOW = 4.0 if SANITIZED else 1.0
STARTUP_TIMEOUT = 30.0 * SLOW
# A server must exit, with status 0, this soon after SIGTERM (LeakSanitizer's
# check at exit included).
STOP_TIMEOUT = 15.0 * SLOW

_PROGRAM_NAMES = {
    "server": "SERVER",
    "secure_server": "SECURE_SERVER",
    "scram_server": "SCRAM_SERVER",
    "sqlite_server": "SQLITE_SERVER",
    "auth_timeout_server": "AUTH_TIMEOUT_SERVER",
    "cert_facts_server": "CERT_FACTS_SERVER",
    "pq_client": "PQ_CLIENT",
    "libpq_proxy": "LIBPQ_PROXY",
}

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "ERROR: UndefinedBehaviorSanitizer", "AddressSanitizer:DEADLYSIGNAL")


def program(name):
    """Path of a program built by this build tree; fails loudly if absent."""
    env_name = "PGWIRE_BIN_" + _PROGRAM_NAMES[name]
    path = os.environ.get(env_name)
    if not path:
        d = os.environ.get("PGWIRE_EXAMPLES_DIR")
        if not d:
            raise AssertionError("%s is not set (run the tests through ctest, or set it)" % env_name)
        path = os.path.join(d, name)
    if not os.access(path, os.X_OK):
        raise AssertionError("program %s not found or not executable at %s (build it first)"
                             % (name, path))
    return path


def tool(name):
    """Path of an external tool (psql, openssl); fails loudly if absent."""
    path = shutil.which(name)
    if path is None:
        raise AssertionError(
            "required client '%s' is not installed (scripts/setup.sh installs "
            "postgresql-client and openssl)" % name)
    return path


# TLS certificates -------------------------------------------------------------

_tls_dir = None


def tls_files():
    """(ca.crt, server.crt, server.key), made with examples/make-cert.sh once."""
    global _tls_dir
    if _tls_dir is None:
        d = os.environ.get("PGWIRE_TLS_DIR")
        if not d:
            d = tempfile.mkdtemp(prefix="pgwire-tls-")
            atexit.register(shutil.rmtree, d, True)
        if not os.path.exists(os.path.join(d, "server.key")):
            make_certificates(d)
        _tls_dir = d
    files = tuple(os.path.join(_tls_dir, f) for f in ("ca.crt", "server.crt", "server.key"))
    for f in files:
        if not os.path.exists(f):
            raise AssertionError("TLS test file %s is missing" % f)
    return files


def make_certificates(d):
    tool("openssl")
    script = os.environ.get("PGWIRE_MAKE_CERT")
    if not script:
        raise AssertionError("PGWIRE_MAKE_CERT (examples/make-cert.sh) is not set")
    r = subprocess.run(["bash", script, d], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        raise AssertionError("make-cert.sh failed (%d):\n%s\n%s" % (r.returncode, r.stdout, r.stderr))


# Servers ----------------------------------------------------------------------

class ServerProcess:
    """One server process on port 0; knows its port from "listening on"."""

    def __init__(self, name, args=(), env=None, argv=None, stop_timeout=None):
        self.name = name
        self.stop_timeout = STOP_TIMEOUT if stop_timeout is None else stop_timeout
        self.argv = list(argv) if argv is not None else [program(name)] + list(args)
        self.stderr_file = tempfile.TemporaryFile(mode="w+b")
        proc_env = dict(os.environ)
        if env:
            proc_env.update(env)
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.PIPE, stderr=self.stderr_file,
                                     stdin=subprocess.DEVNULL, env=proc_env)
        self.pid = self.proc.pid
        self.host, self.port = self._wait_listening()
        self.stopped = False

    def _wait_listening(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        sel = selectors.DefaultSelector()
        sel.register(self.proc.stdout, selectors.EVENT_READ)
        data = b""
        try:
            while True:
                m = re.search(rb"listening on (\S+):(\d+)\n", data)
                if m:
                    return m.group(1).decode(), int(m.group(2))
                left = deadline - time.monotonic()
                if left <= 0:
                    self.kill()
                    raise AssertionError("%s did not print 'listening on' within %.0f s; stdout %r, "
                                         "stderr:\n%s" % (self.argv, STARTUP_TIMEOUT, data,
                                                          self.stderr()))
                if sel.select(left):
                    chunk = os.read(self.proc.stdout.fileno(), 4096)
                    if not chunk:
                        self.proc.wait(10)
                        raise AssertionError("%s exited with %s before listening; stdout %r, "
                                             "stderr:\n%s" % (self.argv, self.proc.returncode,
                                                              data, self.stderr()))
                    data += chunk
        finally:
            sel.close()

    def stderr(self):
        self.stderr_file.seek(0)
        return self.stderr_file.read().decode(errors="replace")

    def alive(self):
        return self.proc.poll() is None

    def memory(self):
        """{'VmRSS': kB, 'VmHWM': kB, ...} from /proc/<pid>/status."""
        out = {}
        with open("/proc/%d/status" % self.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k.startswith("Vm") or k == "Threads":
                    out[k] = int(v.split()[0])
        return out

    def thread_names(self):
        """Sorted names (comm) of the server's threads."""
        names = []
        d = "/proc/%d/task" % self.pid
        for tid in os.listdir(d):
            try:
                with open(os.path.join(d, tid, "comm")) as f:
                    names.append(f.read().strip())
            except FileNotFoundError:  # ended meanwhile
                continue
        return sorted(names)

    def cpu_seconds(self):
        """User + system CPU time used so far (10 ms resolution)."""
        with open("/proc/%d/stat" % self.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)

    def timers(self):
        """Remaining seconds of each armed timerfd of the server. Asio's
        reactor keeps one timerfd set to its earliest deadline: while the
        server example runs pg_sleep(N), one of these is at most N. (A
        cancelled timer may leave an older, later deadline behind.)"""
        out = []
        d = "/proc/%d/fd" % self.pid
        for fd in os.listdir(d):
            try:
                if "timerfd" not in os.readlink(os.path.join(d, fd)):
                    continue
                with open("/proc/%d/fdinfo/%s" % (self.pid, fd)) as f:
                    info = f.read()
            except FileNotFoundError:  # closed meanwhile
                continue
            m = re.search(r"it_value: \((\d+), (\d+)\)", info)
            if m is None:
                raise AssertionError("unexpected timerfd fdinfo of %s:\n%s" % (self.name, info))
            remaining = int(m.group(1)) + int(m.group(2)) / 1e9
            if remaining > 0:
                out.append(remaining)
        return out

    def wait_sleeping(self, seconds, sent_at, timeout=10.0):
        """Waits until the server has armed the timer of a pg_sleep(seconds)
        sent at time.monotonic() `sent_at`: proof that the statement is
        running (the example's pg_sleep is such a timer, and nothing else
        arms one that short). Returns the remaining seconds; fails after
        `timeout`."""
        deadline = time.monotonic() + timeout * SLOW
        while True:
            now = time.monotonic()
            # Armed after the query was sent, so no earlier than `seconds`
            # before now, and not later than `seconds` after sending.
            low = seconds - (now - sent_at) - 0.25
            fits = [t for t in self.timers() if low <= t <= seconds + 0.01]
            if fits:
                return fits[0]
            if now > deadline:
                raise AssertionError("%s did not start pg_sleep(%s) within %.0f s (timers: %s)"
                                     % (self.name, seconds, timeout * SLOW, self.timers()))
            time.sleep(0.005)  # polling a condition, bounded by the deadline

    def stop(self):
        """Sends SIGTERM and requires a clean exit: status 0 within
        STOP_TIMEOUT. Fails if the server had died on its own, did not exit
        in time (stop_timeout; it is then killed), exited with another status (a
        LeakSanitizer report under ASan exits non-zero), or if a sanitizer
        reported anything."""
        if self.stopped:
            return
        self.stopped = True
        problems = []
        died = self.proc.poll()
        if died is not None:
            problems.append("%s exited by itself during the test with status %s" % (self.name, died))
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                status = self.proc.wait(self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                problems.append("%s did not exit within %.0f s of SIGTERM (killed)"
                                % (self.name, self.stop_timeout))
            else:
                if status != 0:
                    problems.append("%s exited with status %s after SIGTERM, not 0%s"
                                    % (self.name, status,
                                       " (killed by signal %d)" % -status if status < 0 else ""))
        self.proc.stdout.close()
        err = self.stderr()
        self.stderr_file.close()
        if any(m in err for m in SANITIZER_MARKERS):
            problems.append("%s reported a sanitizer error" % self.name)
        if problems:
            raise AssertionError("; ".join(problems) + "\n--- server stderr ---\n" + err)


class ServerTestCase(unittest.TestCase):
    """Base class: start_server() starts a fresh server for this test and
    registers its shutdown (and the check of its stderr) as a cleanup."""

    maxDiff = None

    def start_server(self, name="server", *args, env=None):
        s = ServerProcess(name, args, env=env)
        self.addCleanup(s.stop)
        return s

    def start_proxy(self, upstream, *args):
        """examples/libpq_proxy in front of `upstream` (a libpq conninfo)."""
        return self.start_server("libpq_proxy", "--listen", "127.0.0.1:0", "--upstream", upstream, *args)

    def start_tls_server(self, name="server", *args, env=None):
        ca, cert, key = tls_files()
        return self.start_server(name, "--listen", "127.0.0.1:0", "--tls-cert", cert,
                                 "--tls-key", key, *args, env=env)

    def conninfo(self, server, **kw):
        parts = {"host": "127.0.0.1", "port": str(server.port), "user": "postgres",
                 "dbname": "postgres", "connect_timeout": "10"}
        parts.update({k: str(v) for k, v in kw.items()})
        return " ".join("%s='%s'" % (k, v.replace("\\", "\\\\").replace("'", "\\'"))
                        for k, v in parts.items())

    def psql(self, conninfo, *args, password=None, input=None, timeout=60.0, expect_ok=True):
        """Runs psql; returns CompletedProcess. With expect_ok, a non-zero
        exit fails the test with psql's output."""
        argv = [tool("psql"), "-X", "-d", conninfo] + list(args)
        r = subprocess.run(argv, capture_output=True, text=True, input=input,
                           env=client_env(password), timeout=timeout * SLOW)
        if expect_ok and r.returncode != 0:
            self.fail("psql %r exited with %d\nstdout:\n%s\nstderr:\n%s"
                      % (args, r.returncode, r.stdout, r.stderr))
        return r

    def pq_client(self, conninfo, *commands, password=None, timeout=60.0, expect_ok=True):
        """Runs the libpq test client; returns (exit status, list of JSON events)."""
        argv = [program("pq_client"), conninfo] + list(commands)
        r = subprocess.run(argv, capture_output=True, text=True, env=client_env(password),
                           timeout=timeout * SLOW)
        events = []
        for line in r.stdout.splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                self.fail("pq_client printed a line that is not JSON: %r\nstderr:\n%s"
                          % (line, r.stderr))
        if expect_ok and r.returncode != 0:
            self.fail("pq_client %r exited with %d\nstdout:\n%s\nstderr:\n%s"
                      % (commands, r.returncode, r.stdout, r.stderr))
        return r.returncode, events


_home = None


# A real PostgreSQL 15 beside ours -----------------------------------------------

def _compat():
    """tests/compat/compat.py, whose helpers start the reference PostgreSQL
    (imported on first use: most modules never need it)."""
    path = os.path.join(HERE, "..", "compat")
    if path not in sys.path:
        sys.path.insert(0, path)
    import compat
    return compat


class ReferencePostgres:
    """A real PostgreSQL 15 that a test module compares with, or puts
    libpq_proxy in front of; one per module, started before its first test:

        REFERENCE = ReferencePostgres("pgwire-proxy-test-")

        def setUpModule():
            REFERENCE.start()

        def tearDownModule():
            REFERENCE.stop()

    Its cluster goes under PGWIRE_COMPAT_WORK (CTest sets it in the build
    tree), else under a new temporary directory named after `work_prefix`."""

    def __init__(self, work_prefix):
        self.work_prefix = work_prefix
        self.state = None

    def start(self):
        if not os.environ.get("PGWIRE_COMPAT_WORK"):
            os.environ["PGWIRE_COMPAT_WORK"] = tempfile.mkdtemp(prefix=self.work_prefix)
        self.state = _compat().start_postgres()

    def stop(self):
        """Stops it; what its log shows went wrong fails the module."""
        if self.state:
            problems = _compat().stop_postgres(self.state)
            if problems:
                raise AssertionError("; ".join(problems))

    @property
    def port(self):
        return self.state["port"]

    def conninfo(self):
        """libpq's conninfo for the superuser postgres."""
        return "host=127.0.0.1 port=%d user=postgres dbname=postgres connect_timeout=10" % self.port

    def trust_dsn(self):
        """As tests/compat's trust user."""
        compat = _compat()
        return compat.Endpoint("127.0.0.1", self.port, compat.TRUST_USER).dsn()


class BesideReferenceTestCase(ServerTestCase):
    """The same schema on sqlite_server (`ours`), on the module's reference
    PostgreSQL (`reference`) and through libpq_proxy in front of it
    (`proxied`), for comparing what a client sees on each. Subclasses set
    `reference_postgres` (the module's ReferencePostgres), `schema` (SQL run
    on ours and on the reference before each test) and `drop_schema` (run on
    the reference after it: the reference outlives the test)."""

    reference_postgres = None
    schema = ""
    drop_schema = ""

    def setUp(self):
        self.server = self.start_server("sqlite_server", "--listen", "127.0.0.1:0")
        self.ours = self.conninfo(self.server)
        self.reference = self.reference_postgres.conninfo()
        for conninfo in (self.ours, self.reference):
            self.psql(conninfo, "-v", "ON_ERROR_STOP=1", "-q", input=self.schema)
        self.addCleanup(self.psql, self.reference, "-q", "-c", self.drop_schema)
        self.proxy = self.start_proxy(self.reference)
        self.proxied = self.conninfo(self.proxy)


def _empty_home():
    global _home
    if _home is None:
        _home = tempfile.mkdtemp(prefix="pgwire-home-")
        atexit.register(shutil.rmtree, _home, True)
    return _home


def client_env(password=None):
    """Environment for psql/libpq: no PG* settings or rc files of the user."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    # Files that do not exist: libpq ignores them silently (/dev/null draws
    # 'password file "/dev/null" is not a plain file').
    env["PGPASSFILE"] = os.path.join(_empty_home(), "no-pgpass")
    env["PGSERVICEFILE"] = os.path.join(_empty_home(), "no-pg_service.conf")
    env["PSQLRC"] = os.devnull
    env["PGCONNECT_TIMEOUT"] = "10"
    env["HOME"] = _empty_home()  # no ~/.postgresql/root.crt, ~/.pgpass etc.
    env["LC_ALL"] = "C"  # untranslated messages
    if password is not None:
        env["PGPASSWORD"] = password
    return env
