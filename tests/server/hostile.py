"""Shared machinery of the hostile-input suite (test_hostile_*.py): every
case runs against three targets, each in its own test class:

  sqlite_server   examples/sqlite_server (TLS on)
  libpq_proxy     examples/libpq_proxy (TLS on) in front of the reference
  postgres        the reference PostgreSQL 15 itself (ssl=on): the proof of
                  each expectation

The reference cluster is started once per test module with the compat
suite's helper (tests/compat/compat.py), as test_proxy.py does. The example
servers are started once per test class; after EACH case (tearDown) a
session opened before the case still answers, a fresh client logs in and
queries, and the server is the same process, still alive.

Expectations are PostgreSQL 15's: SQLSTATE, severity (ERROR or FATAL),
whether the connection closes, whether ReadyForQuery follows.
"""

import os
import struct
import sys
import tempfile
import time

import pgproto
from harness import SANITIZED, SLOW, ServerProcess, ServerTestCase, program, tls_files

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "compat"))
import compat  # noqa: E402  (the reference PostgreSQL helpers)

GUARD = 20.0 * SLOW  # a hang fails after this; never a synchronisation
# The reference's authentication_timeout, set at start (its default of 60 s
# is too long for the silent and byte-by-byte clients).
PG_AUTH_TIMEOUT = 2

SCRAM_USER, SCRAM_PASSWORD = compat.SCRAM_USER, compat.SCRAM_PASSWORD
# Under ASan freed memory waits in a quarantine (256 MB by default), which
# the RSS checks would count: cap it, as test_streaming does.
SERVER_ENV = {"ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS", ""),
                                                      "quarantine_size_mb=1"]))} \
    if SANITIZED else None

_pg = None


def start_reference():
    """setUpModule of each test_hostile_* module."""
    global _pg
    if not os.environ.get("PGWIRE_COMPAT_WORK"):
        os.environ["PGWIRE_COMPAT_WORK"] = tempfile.mkdtemp(prefix="pgwire-hostile-")
    _pg = compat.start_postgres()
    with pgproto.Conn(port=_pg["port"]) as c:
        c.startup("postgres", database="postgres")
        for sql in ("ALTER SYSTEM SET authentication_timeout = '%ds'" % PG_AUTH_TIMEOUT,
                    "SELECT pg_reload_conf()"):
            r = c.simple_query(sql)
            if "error" in r[0]:
                raise AssertionError("%s: %s" % (sql, r[0]["error"]))


def stop_reference():
    """tearDownModule of each test_hostile_* module."""
    global _pg
    if _pg:
        problems = compat.stop_postgres(_pg)
        _pg = None
        if problems:
            raise AssertionError("; ".join(problems))


def reference_port():
    if _pg is None:
        raise AssertionError("the reference PostgreSQL is not running (setUpModule)")
    return _pg["port"]


class Reference:
    """The reference PostgreSQL, with the interface of harness.ServerProcess
    that the suite uses. Its processes are not ours to watch: pid is None."""

    name = "postgres"
    pid = None

    def __init__(self):
        self.host, self.port = "127.0.0.1", reference_port()

    def alive(self):
        return compat.postgres_alive(_pg)


def help_text(name):
    import subprocess
    return subprocess.run([program(name), "--help"], capture_output=True, text=True,
                          timeout=30).stdout


def auth_timeout_args(name, seconds):
    """The example's --auth-timeout option for `seconds` (issue 10 gives it to
    every example). Fails loudly when the example does not have it yet."""
    text = help_text(name)
    line = next((l for l in text.splitlines() if "--auth-timeout" in l), None)
    if line is None:
        raise AssertionError("%s has no --auth-timeout option (issue 10: 'give all examples "
                             "--auth-timeout'); --help says:\n%s" % (name, text))
    flag = line.split()[0]
    in_ms = flag.endswith("-ms") or " ms" in line or "millisecond" in line
    value = seconds * 1000 if in_ms else seconds
    return [flag, str(value)]


class HostileTestCase(ServerTestCase):
    """One target per concrete class: set `target` (sqlite_server,
    libpq_proxy or postgres). `auth` is trust or scram (then the targets
    check a SCRAM password; the reference's SCRAM role is compat.SCRAM_USER).
    `extra_args` go to the example server (not the reference)."""

    target = None
    auth = "trust"
    extra_args = ()

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.target == "postgres":
            cls.server = Reference()
            cls.user = SCRAM_USER if cls.auth == "scram" else "postgres"
        else:
            _, cert, key = tls_files()
            args = ["--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key,
                    "--auth", cls.auth, "--user", SCRAM_USER, "--password", SCRAM_PASSWORD]
            if cls.target == "libpq_proxy":
                args += ["--upstream", compat.Endpoint("127.0.0.1", reference_port(),
                                                       compat.TRUST_USER).dsn()]
            cls.server = ServerProcess(cls.target, args + list(cls.extra_args), env=SERVER_ENV)
            cls.addClassCleanup(cls.server.stop)
            cls.user = SCRAM_USER
        cls.password = SCRAM_PASSWORD if cls.auth == "scram" else None
        cls.pid = cls.server.pid

    def setUp(self):
        # A session open during the abuse, which must keep working.
        self.bystander = self.login()

    def tearDown(self):
        r = self.bystander.simple_query("select 1")
        self.assertEqual(r[0]["rows"], [["1"]], "the session open during the case broke")
        self.assertEqual(self.bystander.status, "I")
        self.assert_server_fine()

    def assert_server_fine(self):
        """A fresh client logs in and queries; the server is the same process."""
        self.assertTrue(self.server.alive(), "%s died" % self.target)
        self.assertEqual(self.server.pid, self.pid)
        with self.login() as c:
            r = c.simple_query("select 2")
            self.assertEqual(r[0]["rows"], [["2"]])
            self.assertEqual(c.status, "I")

    # Clients -------------------------------------------------------------------

    def raw(self, timeout=GUARD):
        """A connected socket that has sent nothing."""
        c = pgproto.Conn(port=self.server.port, timeout=timeout)
        self.addCleanup(c.close)
        return c

    def login(self, version=pgproto.PROTOCOL_3_0):
        c = self.raw()
        c.startup(self.user, self.password, database="postgres", version=version)
        return c

    def startup_packet(self, **kw):
        return pgproto.startup_packet(self.user, database="postgres", **kw)

    # Outcomes ------------------------------------------------------------------

    def until_ready(self, c):
        """Messages up to and including ReadyForQuery; fails on EOF."""
        got = []
        while True:
            try:
                kind, body = c.read_message()
            except EOFError:
                self.fail("connection closed; before that: %s" % show(got))
            got.append((kind, body))
            if kind == "Z":
                return got

    def assert_closed_silently(self, c, timeout=10.0):
        got = c.expect_closed(timeout * SLOW)
        self.assertEqual(got, [], "expected a close without a reply: %s" % show(got))

    def assert_fatal(self, c, code, timeout=10.0):
        """One FATAL ErrorResponse with `code`, then the server closes."""
        got = c.expect_closed(timeout * SLOW)
        self.assertEqual([k for k, _ in got], ["E"], show(got))
        fields = pgproto.parse_fields(got[0][1])
        self.assertEqual((fields.get("S"), fields.get("C")), ("FATAL", code), fields)
        return fields

    def assert_error_then_ready(self, c, code, status="I", before=()):
        """`before` messages (kinds), one ERROR with `code`, ReadyForQuery."""
        got = self.until_ready(c)
        kinds = [k for k, _ in got]
        self.assertEqual(kinds, list(before) + ["E", "Z"], show(got))
        fields = pgproto.parse_fields(got[-2][1])
        self.assertEqual((fields.get("S"), fields.get("C")), ("ERROR", code), fields)
        self.assertEqual(got[-1][1].decode(), status)
        return fields

    def assert_usable(self, c):
        r = c.simple_query("select 3")
        self.assertEqual(r[0]["rows"], [["3"]], r)
        self.assertEqual(c.status, "I")

    def rss_kb(self):
        """The example server's resident set (kB); None for the reference."""
        if self.server.pid is None:
            return None
        return self.server.memory()["VmRSS"]


def show(messages):
    """Readable messages for a failure text; bytes that are not UTF-8 (the
    invalid-UTF-8 cases) are shown raw rather than failing the formatting."""
    out = []
    for k, b in messages:
        try:
            out.append(pgproto.describe(k, b) if k != "?" else "raw%r" % b[:40])
        except UnicodeDecodeError:
            out.append("%s%r" % (k, b[:60]))
    return out


def typed(kind, payload=b""):
    return pgproto.message(kind, payload)


def int16(*v):
    return struct.pack("!%dh" % len(v), *v)


def int32(*v):
    return struct.pack("!%di" % len(v), *v)


def raw_startup(body):
    """An untyped startup-phase packet with a correct length."""
    return int32(len(body) + 4) + body


def wait_until(condition, timeout, what):
    deadline = time.monotonic() + timeout * SLOW
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout * SLOW, what))
        time.sleep(0.02)  # polling a condition, bounded by the deadline


TARGETS = ("sqlite_server", "libpq_proxy", "postgres")


def for_each_target(cases, module_globals, **attrs):
    """Defines one concrete test class per target from the mixin `cases`:
    <Cases>_sqlite_server, ... ."""
    for t in TARGETS:
        name = "%s_%s" % (cases.__name__, t)
        module_globals[name] = type(name, (cases, HostileTestCase),
                                    dict(attrs, target=t, __module__=module_globals["__name__"]))
