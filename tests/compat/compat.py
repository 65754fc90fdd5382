#!/usr/bin/python3
"""Real-driver compatibility suite: runs each driver's feature list against
every server kind in SERVERS and checks the outcome against expected_gaps.txt.

  compat.py setup             start the shared reference PostgreSQL (CTest fixture)
  compat.py run DRIVER...     run drivers against every server; exit 1 on any
                              unexpected result
  compat.py teardown          stop the reference PostgreSQL, write the report into the
                              build tree (tests/compat/COMPATIBILITY.md there) and say
                              whether docs/COMPATIBILITY.md differs from it
  compat.py --build DIR all   by hand: setup, every driver, teardown + report
  compat.py --build DIR update-doc
                              copy DIR's last report to docs/COMPATIBILITY.md (the only
                              command that writes a tracked file; commit the result)

CTest sets the environment (tests/compat/CMakeLists.txt):
  PGWIRE_BIN_SQLITE_SERVER  the sqlite_server example
  PGWIRE_BIN_LIBPQ_PROXY       the libpq proxy example (empty until it exists)
  PGWIRE_COMPAT_LIBPQ       tests/compat libpq driver program (empty: libpq-dev missing)
  PGWIRE_COMPAT_LIBPQXX     tests/compat libpqxx driver program (empty: libpqxx-dev missing)
  PGWIRE_COMPAT_PGX         the pgx driver program, built by `go build` in the build
                            (empty: go or golang-github-jackc-pgx-v4-dev missing)
  PGWIRE_COMPAT_JAVA_CLASSES  PgjdbcCompat.class, compiled by javac in the build (empty:
                            javac or libpostgresql-jdbc-java missing)
  PGWIRE_COMPAT_PGJDBC_JAR  /usr/share/java/postgresql.jar
  PGWIRE_COMPAT_TOKIO       the tokio-postgres program, built by `cargo build` in the build
                            (empty: cargo or Debian's tokio-postgres crates missing)
  PGWIRE_COMPAT_RUSTC       the rustc that built it (its version goes into the report)
  PGWIRE_COMPAT_TIMEOUT     the CTest TIMEOUT of this test (seconds): the run keeps
                            within it, so its own guards, not CTest, end a hang
  PGWIRE_COMPAT_WORK        work directory in the build tree (caches, results, state)
  PGWIRE_COMPAT_DOC         docs/COMPATIBILITY.md (compared, never written by a test)
  PGWIRE_SANITIZED          1 when the servers are built with ASan+UBSan

Each driver program gets its connection parameters and the dialect-specific
SQL in COMPAT_* environment variables (see driver_env) and prints one JSON
line per feature: {"feature": NAME, "ok": true|false, "error": ..., "query": ...}.
A feature that a driver program did not report (it crashed, hung, or the
driver is missing) counts as failed. Nothing is skipped. Nothing is installed
or compiled here: scripts/setup.sh --test installs the drivers (npm ci for the
Node.js ones, from tests/compat/node/package-lock.json) and the build compiles
the C, C++, Go, Java and Rust programs.
"""

import difflib
import json
import os
import pwd
import re
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
DRIVERS_DIR = os.path.join(HERE, "drivers")
PYTHON = "/usr/bin/python3"  # Debian's: sees python3-psycopg2, -psycopg, -asyncpg, -pyodbc
SANITIZED = os.environ.get("PGWIRE_SANITIZED", "") not in ("", "0", "OFF", "off")
SLOW = 4.0 if SANITIZED else 1.0  # guards only, never synchronisation
STOP_TIMEOUT = 15.0  # seconds (times SLOW) an example server has to exit after SIGTERM
NODE_DIR = os.path.join(HERE, "node")  # package.json, package-lock.json, node_modules/
ROWS = 100000
# COPY features (copy_in, copy_out): COPY_ROWS rows in the driver's table
# compat_copy_<driver> (id BIGINT PRIMARY KEY, s TEXT); row n has s NULL when
# n % 100 == 0, else "r<n>" TAB BACKSLASH LF " ü✓" (so the text format's
# escapes are exercised). copy_in sends them (the driver's COPY FROM STDIN API)
# and reads them back with SELECT; copy_out makes them with one INSERT ... SELECT
# (copy_seed in DIALECTS) and compares what COPY TO STDOUT sends: in text
# format, per row the id, a TAB, then \N or r<n>\t\\\n ü✓ (escaped), ordered
# by id on the client.
COPY_ROWS = 1000
TRUST_USER, SCRAM_USER, SCRAM_PASSWORD = "compat_trust", "compat_scram", "compat-Pw-1"
# Authentication features (auth_md5, auth_cleartext, auth_cert): one user per
# method on the same server, chosen by the same pg_hba rules (HBA_RULES) on
# every server kind. A wrong password must get 28P01; the certificate user
# over TLS without a certificate 28000.
MD5_USER, MD5_PASSWORD = "compat_md5", "compat-Md5-1"
CLEAR_USER, CLEAR_PASSWORD = "compat_clear", "compat-Clear-1"
CERT_USER = "compat_cert"  # the CN of the client certificate tls_dir() makes
WRONG_PASSWORD = "compat-Wrong-0"
HBA_RULES = ("host    all %s 127.0.0.1/32 trust\n"
             "hostssl all %s 127.0.0.1/32 cert\n"
             "host    all %s 127.0.0.1/32 scram-sha-256\n"
             "host    all %s 127.0.0.1/32 md5\n"
             "host    all %s 127.0.0.1/32 password\n"
             % (TRUST_USER, CERT_USER, SCRAM_USER, MD5_USER, CLEAR_USER))
DBNAME = "postgres"
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "ERROR: UndefinedBehaviorSanitizer", "AddressSanitizer:DEADLYSIGNAL")


class SetupError(Exception):
    """A driver or server cannot be made ready: every feature fails with this."""


# The whole run keeps within the CTest TIMEOUT (PGWIRE_COMPAT_TIMEOUT), less a
# margin for stopping the last servers and writing the results: each guard
# below is cut to what is left, so a hang ends as a failed feature with its
# message, not as a CTest kill without a report.
_deadline = None


def start_budget():
    global _deadline
    total = os.environ.get("PGWIRE_COMPAT_TIMEOUT", "")
    margin = 2 * STOP_TIMEOUT * SLOW + 15
    _deadline = time.monotonic() + float(total) - margin if total else None


def budget(guard, what):
    """`guard` seconds, or less when the run's time is nearly up."""
    if _deadline is None:
        return guard
    left = _deadline - time.monotonic()
    if left <= 1:
        raise SetupError("out of time for %s: the test's CTest TIMEOUT (%s s) is spent"
                         % (what, os.environ.get("PGWIRE_COMPAT_TIMEOUT")))
    return min(guard, left)


def work_dir():
    d = os.environ.get("PGWIRE_COMPAT_WORK")
    if not d:
        raise SystemExit("PGWIRE_COMPAT_WORK is not set: run through ctest, or pass --build DIR")
    os.makedirs(d, exist_ok=True)
    return d


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------
# Dialects: the SQL that differs between SQLite (behind sqlite_server) and
# PostgreSQL. Everything else the driver programs send is the same text.

DIALECTS = {
    "postgres": {
        "create": "CREATE TABLE {t} (id BIGINT PRIMARY KEY, i BIGINT, s TEXT, f DOUBLE PRECISION, "
                  "b BOOLEAN, bin BYTEA, d DATE, ts TIMESTAMP)",
        "rows": "SELECT x FROM generate_series(1, %d) AS x" % ROWS,
        "copy_seed": "INSERT INTO {t} (id, s) SELECT x, CASE WHEN x %% 100 = 0 THEN NULL ELSE "
                     "'r' || x || chr(9) || '\\' || chr(10) || ' \u00fc\u2713' END "
                     "FROM generate_series(1, %d) AS x" % COPY_ROWS,
    },
    "sqlite": {
        # BLOB, not BYTEA: sqlite_server maps the declared type BLOB to bytea.
        "create": "CREATE TABLE {t} (id BIGINT PRIMARY KEY, i BIGINT, s TEXT, f DOUBLE PRECISION, "
                  "b BOOLEAN, bin BLOB, d DATE, ts TIMESTAMP)",
        # Starts with SELECT, as the PostgreSQL one does: psql's FETCH_COUNT
        # uses a cursor only for statements that start with SELECT.
        "rows": "SELECT x FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c "
                "LIMIT %d) SELECT x FROM c)" % ROWS,
        "copy_seed": "INSERT INTO {t} (id, s) SELECT x, CASE WHEN x %% 100 = 0 THEN NULL ELSE "
                     "'r' || x || char(9) || '\\' || char(10) || ' \u00fc\u2713' END "
                     "FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c "
                     "LIMIT %d) SELECT x FROM c)" % COPY_ROWS,
    },
}



# Type round trips (features type_<name>): the spec is types.json, PostgreSQL's
# own text and binary output of one value per type. Each driver inserts its
# native value as a parameter into the types table, reads it back in text and,
# where the driver can, in binary, and compares.
TYPES_PATH = os.path.join(HERE, "types.json")
with open(TYPES_PATH) as _f:
    TYPES = json.load(_f)["types"]
TYPE_FEATURES = ["type_" + t["name"] for t in TYPES]


def types_ddl(dialect, table):
    cols = ", ".join("v_%s %s" % (t["name"], t["pg" if dialect == "postgres" else "sqlite"])
                     for t in TYPES)
    return "CREATE TABLE %s (id BIGINT PRIMARY KEY, %s)" % (table, cols)


# ---------------------------------------------------------------------------
# Servers. A server kind is one entry of SERVERS: its name, the dialect its
# SQL speaks, whether it is the reference (everything must pass there), and a
# start function returning a running Server (trust and SCRAM endpoints).

class Endpoint:
    def __init__(self, host, port, user, password=None):
        self.host, self.port, self.user, self.password = host, port, user, password

    def dsn(self, sslmode="disable"):
        parts = [("host", self.host), ("port", str(self.port)), ("user", self.user),
                 ("dbname", DBNAME), ("connect_timeout", "10"), ("sslmode", sslmode)]
        if self.password is not None:
            parts.append(("password", self.password))
        return " ".join("%s='%s'" % (k, v.replace("\\", "\\\\").replace("'", "\\'"))
                        for k, v in parts)


class Server:
    """A running server: endpoints, plus stop() that returns problems found
    (crash, sanitizer report) as a list of strings."""

    def __init__(self, trust, scram, processes=(), stop=None, version=""):
        # The SCRAM endpoint also serves the md5, cleartext and certificate users.
        self.trust, self.scram = trust, scram
        self.processes = list(processes)
        self._stop = stop
        self.version = version

    def stop(self):
        problems = []
        for p in self.processes:
            problems += p.stop()
        if self._stop:
            problems += self._stop()
        return problems


class ServerProcess:
    """An example server on port 0; its port comes from "listening on"."""

    def __init__(self, name, argv, log_path):
        self.name, self.argv = name, argv
        self.log_path = log_path
        self.log = open(log_path, "w+b")
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        self.host, self.port = self._wait_listening()

    def _wait_listening(self):
        deadline = time.monotonic() + budget(30 * SLOW, "starting %s" % self.name)
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
                    self.proc.kill()
                    raise SetupError("%s did not print 'listening on' in time; stderr: %s"
                                     % (self.argv, self.stderr()))
                if sel.select(left):
                    chunk = os.read(self.proc.stdout.fileno(), 4096)
                    if not chunk:
                        self.proc.wait(10)
                        raise SetupError("%s exited with %s before listening; stderr: %s"
                                         % (self.argv, self.proc.returncode, self.stderr()))
                    data += chunk
        finally:
            sel.close()

    def stderr(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-4000:]

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        """SIGTERM; a clean exit is status 0 within STOP_TIMEOUT. Returns the
        problems: died during the run, did not exit in time (then killed),
        another status (a LeakSanitizer report exits non-zero), a sanitizer
        report in its log."""
        problems = []
        died = self.proc.poll()
        if died is None:
            self.proc.send_signal(signal.SIGTERM)
            limit = STOP_TIMEOUT * SLOW
            try:
                status = self.proc.wait(limit)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(30)
                problems.append("%s did not exit within %.0f s of SIGTERM (killed)"
                                % (self.name, limit))
            else:
                if status != 0:
                    problems.append("%s exited with status %s after SIGTERM, not 0%s"
                                    % (self.name, status, " (killed by signal %d)" % -status
                                       if status < 0 else ""))
        else:
            problems.append("%s died during the run (status %s)" % (self.name, died))
        self.proc.stdout.close()
        self.log.flush()
        self.log.seek(0)
        err = self.log.read().decode(errors="replace")
        self.log.close()
        marks = [err.find(m) for m in SANITIZER_MARKERS if m in err]
        if marks:
            problems.append("%s reported a sanitizer error" % self.name)
        if problems:
            # The head of a sanitizer report says what and where; else the end.
            text = err[min(marks):min(marks) + 6000] if marks else err[-3000:]
            problems[-1] += " (full log: %s); stderr:\n%s" % (self.log_path, text)
        return problems


def program(env_name, what):
    path = os.environ.get(env_name, "")
    if not path:
        raise SetupError("%s is not set or empty: %s" % (env_name, what))
    if not os.access(path, os.X_OK):
        raise SetupError("%s=%s is not an executable (build it first): %s" % (env_name, path, what))
    return path


def tls_dir(fresh=False):
    """A throw-away CA + server certificate for localhost/127.0.0.1 (examples/make-cert.sh),
    made once per run: ca.crt, server.crt, server.key; and a client certificate
    of CERT_USER signed by that CA: compat_cert.crt/.key (PEM), compat_cert.der
    (DER, for rustls) and compat_cert.pk8 (the key as DER PKCS#8, for pgjdbc)."""
    d = os.path.join(work_dir(), "compat-tls")
    if fresh or not os.path.exists(os.path.join(d, "compat_cert.pk8")):
        shutil.rmtree(d, ignore_errors=True)
        _run(["bash", os.path.join(ROOT, "examples", "make-cert.sh"), d], "make-cert.sh")
        make_client_cert(d)
    return d


def make_client_cert(d):
    def openssl(*args):
        _run(["openssl"] + list(args), "openssl " + args[0], cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "compat_cert.key", "-out",
            "compat_cert.csr", "-subj", "/CN=" + CERT_USER)
    openssl("x509", "-req", "-in", "compat_cert.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "compat_cert.crt", "-days", "30", "-sha256")
    openssl("x509", "-in", "compat_cert.crt", "-outform", "DER", "-out", "compat_cert.der")
    openssl("pkcs8", "-topk8", "-nocrypt", "-in", "compat_cert.key", "-outform", "DER",
            "-out", "compat_cert.pk8")
    for key in ("compat_cert.key", "compat_cert.pk8"):  # libpq refuses a key others can read
        os.chmod(os.path.join(d, key), 0o600)


def scram_secret(password, salt, iterations=4096):
    """PostgreSQL's rolpassword form of a SCRAM-SHA-256 secret (RFC 5802/7677)."""
    import base64
    import hashlib
    import hmac
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b).decode()
    return "SCRAM-SHA-256$%d:%s$%s:%s" % (iterations, b64(salt), b64(hashlib.sha256(client_key).digest()),
                                          b64(server_key))


def write_auth_files(run_dir):
    """pg_hba.conf (HBA_RULES) and users.txt for an example's --hba/--users,
    the secrets in the forms the reference PostgreSQL stores them in: SCRAM
    for the SCRAM and the cleartext user, md5 for the md5 user."""
    import hashlib
    hba = os.path.join(run_dir, "pg_hba.conf")
    users = os.path.join(run_dir, "users.txt")
    with open(hba, "w") as f:
        f.write(HBA_RULES)
    with open(users, "w") as f:
        f.write("%s %s\n" % (SCRAM_USER, scram_secret(SCRAM_PASSWORD, b"compat-scram-salt")))
        f.write("%s md5%s\n" % (MD5_USER, hashlib.md5((MD5_PASSWORD + MD5_USER).encode()).hexdigest()))
        f.write("%s %s\n" % (CLEAR_USER, scram_secret(CLEAR_PASSWORD, b"compat-clear-salt")))
    return hba, users


def start_example(binary_env, name, run_dir, extra=()):
    """One instance of an example server serving every test user by the rules
    of HBA_RULES (--hba/--users): trust, SCRAM, md5, cleartext and certificate.
    It offers TLS (and still accepts plaintext) and verifies client
    certificates against the run's CA when one is sent."""
    binary = program(binary_env, "the %s example (build target pgwire_example_%s)" % (name, name))
    tls = tls_dir()
    hba, users = write_auth_files(run_dir)
    argv = [binary, "--listen", "127.0.0.1:0", "--hba", hba, "--users", users,
            "--tls-cert", os.path.join(tls, "server.crt"), "--tls-key", os.path.join(tls, "server.key"),
            "--tls-ca", os.path.join(tls, "ca.crt"), "--tls-client-cert", "optional"] + list(extra)
    server = ServerProcess(name, argv, os.path.join(run_dir, name + ".log"))
    return Server(Endpoint(server.host, server.port, TRUST_USER),
                  Endpoint(server.host, server.port, SCRAM_USER, SCRAM_PASSWORD),
                  processes=[server], version="pgwire-cpp " + name + " example")


def start_sqlite_server(ctx):
    return start_example("PGWIRE_BIN_SQLITE_SERVER", "sqlite_server", ctx["run_dir"])


def start_reference_postgres(ctx):
    pg = ctx["postgres"]
    return Server(Endpoint("127.0.0.1", pg["port"], TRUST_USER),
                  Endpoint("127.0.0.1", pg["port"], SCRAM_USER, SCRAM_PASSWORD),
                  version=pg.get("version", "PostgreSQL"))


def start_libpq_proxy(ctx):
    # examples/libpq_proxy.cpp in front of the reference PostgreSQL.
    pg = ctx["postgres"]
    upstream = Endpoint("127.0.0.1", pg["port"], TRUST_USER).dsn()
    return start_example("PGWIRE_BIN_LIBPQ_PROXY", "libpq_proxy", ctx["run_dir"],
                         extra=("--upstream", upstream))


class ServerKind:
    def __init__(self, name, dialect, start, reference=False, enabled=lambda: True, about=""):
        self.name, self.dialect, self.start = name, dialect, start
        self.reference, self.enabled, self.about = reference, enabled, about


# Adding a server kind is one line here (plus its gaps in expected_gaps.txt).
SERVERS = [
    ServerKind("sqlite_server", "sqlite", start_sqlite_server,
               about="examples/sqlite_server.cpp: SQLite behind pgwire-cpp (simple and extended query)"),
    ServerKind("postgres", "postgres", start_reference_postgres, reference=True,
               about="real PostgreSQL 15 (Debian), the reference: everything tested must pass here"),
    ServerKind("libpq_proxy", "postgres", start_libpq_proxy,
               about="examples/libpq_proxy.cpp: pgwire-cpp forwarding to the reference PostgreSQL through libpq"),
]


# ---------------------------------------------------------------------------
# The reference PostgreSQL 15 cluster.

PG_BIN = "/usr/lib/postgresql/15/bin"


def _as_postgres(argv):
    if os.geteuid() == 0:  # initdb and postgres refuse root
        return ["runuser", "-u", "postgres", "--"] + argv
    return argv


def _free_port():
    """A free TCP port on 127.0.0.1 below the ephemeral range (32768+)."""
    import random
    rnd = random.Random(os.getpid() ^ int(time.time() * 1000))
    for _ in range(200):
        port = rnd.randrange(20000, 32000)
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s.close()
    raise SetupError("no free port in 20000-32000")


def _run(argv, what, timeout=120, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout * SLOW, **kw)
    if r.returncode != 0:
        raise SetupError("%s failed (%d): %s\n%s\n%s" % (what, r.returncode, " ".join(argv),
                                                         r.stdout[-3000:], r.stderr[-3000:]))
    return r


def start_postgres():
    """initdb + pg_ctl start in a fresh directory; returns its state dict."""
    for tool in ("initdb", "pg_ctl", "postgres"):
        if not os.access(os.path.join(PG_BIN, tool), os.X_OK):
            raise SetupError("%s/%s is missing: install the 'postgresql' package (scripts/setup.sh)"
                             % (PG_BIN, tool))
    psql = shutil.which("psql")
    if psql is None:
        raise SetupError("psql is missing: install postgresql-client (scripts/setup.sh)")
    base = tempfile.mkdtemp(prefix="pgwire-compat-pg-")
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(base, pw.pw_uid, pw.pw_gid)
    data = os.path.join(base, "data")
    state = {"base": base, "data": data, "log": os.path.join(base, "postgres.log")}
    started = time.monotonic()
    _run(_as_postgres([PG_BIN + "/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                       "--locale=C", "--no-sync"]), "initdb")
    # TLS: copies of the run's certificate, the key 0600 and owned by postgres.
    tls = tls_dir()
    for f in ("server.crt", "server.key"):
        shutil.copy(os.path.join(tls, f), os.path.join(data, f))
        os.chmod(os.path.join(data, f), 0o600)
        if os.geteuid() == 0:
            os.chown(os.path.join(data, f), pw.pw_uid, pw.pw_gid)
    shutil.copy(os.path.join(tls, "ca.crt"), os.path.join(data, "ca.crt"))  # for the cert method
    with open(os.path.join(data, "pg_hba.conf"), "w") as f:
        # Replication connections match only rules whose database is
        # "replication" (tests/server/test_replication*.py: walsenders).
        f.write("local all all trust\n"
                "local replication all trust\n"
                "host all postgres 127.0.0.1/32 trust\n"
                "host replication postgres,%s 127.0.0.1/32 trust\n" % TRUST_USER + HBA_RULES +
                # Other roles (tests/server's users of start_postgres) as before.
                "host all all 127.0.0.1/32 scram-sha-256\n")
    last = None
    for _attempt in range(5):
        port = _free_port()
        opts = ("-c port=%d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=60 -c password_encryption=scram-sha-256 -c ssl=on -c timezone=UTC "
                "-c ssl_cert_file=server.crt -c ssl_key_file=server.key -c ssl_ca_file=ca.crt "
                # Logical decoding for the replication tests (slots, walsenders).
                "-c wal_level=logical -c max_replication_slots=20 -c max_wal_senders=20"
                % (port, base))
        r = subprocess.run(_as_postgres([PG_BIN + "/pg_ctl", "-D", data, "-l", state["log"], "-w",
                                         "-t", str(int(60 * SLOW)), "-o", opts, "start"]),
                           capture_output=True, text=True, timeout=90 * SLOW)
        if r.returncode == 0:
            state["port"] = port
            break
        last = r.stdout + r.stderr + _tail(state["log"])
    else:
        shutil.rmtree(base, ignore_errors=True)
        raise SetupError("PostgreSQL did not start: %s" % last)
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    admin = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(port),
             "-U", "postgres", "-d", DBNAME]
    # The md5 user's password is stored as an md5 hash (password_encryption=md5
    # for that statement), so its md5 rule really does MD5; the cleartext
    # user's as SCRAM, which the password method checks too.
    _run(admin + ["-c", "CREATE USER %s SUPERUSER" % TRUST_USER,
                  "-c", "CREATE USER %s PASSWORD '%s'" % (SCRAM_USER, SCRAM_PASSWORD),
                  "-c", "CREATE USER %s PASSWORD '%s'" % (CLEAR_USER, CLEAR_PASSWORD),
                  "-c", "CREATE USER %s" % CERT_USER,
                  "-c", "SET password_encryption = 'md5'",
                  "-c", "CREATE USER %s PASSWORD '%s'" % (MD5_USER, MD5_PASSWORD)],
         "creating the test users", env=env)
    state["version"] = _run(admin + ["-c", "SHOW server_version"], "server_version",
                            env=env).stdout.strip()
    state["version"] = "PostgreSQL " + state["version"].split()[0]
    log("reference %s on 127.0.0.1:%d (%s), ready in %.1f s"
        % (state["version"], port, data, time.monotonic() - started))
    return state


def _tail(path, n=3000):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-n:]
    except OSError:
        return ""


def stop_postgres(state):
    problems = []
    if os.path.isdir(state.get("data", "")):
        r = subprocess.run(_as_postgres([PG_BIN + "/pg_ctl", "-D", state["data"], "-m", "fast", "-w",
                                         "stop"]), capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            problems.append("pg_ctl stop failed: %s%s" % (r.stdout, r.stderr))
    shutil.rmtree(state.get("base", "/nonexistent"), ignore_errors=True)
    return problems


def postgres_alive(state):
    if not state or "port" not in state:
        return False
    try:
        socket.create_connection(("127.0.0.1", state["port"]), timeout=5).close()
        return os.path.isdir(state["data"])
    except OSError:
        return False


def state_path():
    return os.path.join(work_dir(), "reference-postgres.json")


def load_state():
    try:
        with open(state_path()) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


# ---------------------------------------------------------------------------
# Drivers: the features each reports, how to find its program (installed by
# scripts/setup.sh --test, built by the build; never here) and how to run it.

# Logins by the pg_hba rules (HBA_RULES), right after connect_tls.
AUTH = ["auth_md5", "auth_cleartext", "auth_cert"]
COMMON = ["connect_trust", "connect_scram", "connect_tls"] + AUTH + ["simple_query", "expr_type", "param_int",
          "param_text", "param_null", "param_float", "param_bool", "param_bytea", "param_date",
          "param_timestamp", "error_sqlstate", "multi_statement", "transaction", "rows_100k",
          "stream_100k"]

FEATURE_DOC = {
    "connect_trust": "connect without a password (trust)",
    "connect_scram": "connect with SCRAM-SHA-256 and a password",
    "connect_tls": "connect with sslmode=require (or the driver's equivalent, no certificate "
                   "check), `SELECT 1`, and where the driver tells, the connection is encrypted",
    "auth_md5": "the md5 rule (pg_hba `md5`, an md5-hashed password stored): `SELECT 1` with the "
                "right password; a wrong one is refused with 28P01 (where the driver shows no "
                "SQLSTATE: its message `password authentication failed for user ...`)",
    "auth_cleartext": "the same for the `password` rule (cleartext password)",
    "auth_cert": "the `cert` rule over TLS: `SELECT 1` with a client certificate (CN = the user, "
                 "signed by the CA the server trusts, no password); the same user over TLS "
                 "without a certificate is refused with 28000 (or the message `connection "
                 "requires a valid client certificate`)",
    "simple_query": "`SELECT 1` and its value",
    "expr_type": "the type of `SELECT 1 + 1` (an integer, not text) as the driver reports it",
    "param_int": "BIGINT parameter, inserted then selected back (as an integer)",
    "param_text": "TEXT parameter round trip",
    "param_null": "NULL parameter round trip",
    "param_float": "DOUBLE PRECISION parameter round trip",
    "param_bool": "BOOLEAN parameter round trip",
    "param_bytea": "BYTEA parameter round trip (bytes 00 01 fe ff)",
    "param_date": "DATE parameter round trip (2024-02-29)",
    "param_timestamp": "TIMESTAMP parameter round trip (2024-02-29 12:34:56.789)",
    "error_sqlstate": "SELECT from a missing table: SQLSTATE 42P01, then the connection still works",
    "multi_statement": "two statements in one query string",
    "transaction": "BEGIN/ROLLBACK/COMMIT keep or drop a row; the driver's view of the status",
    "rows_100k": "a 100k-row result read with the default API (rows counted)",
    "stream_100k": "a 100k-row result read with the driver's streaming/cursor API",
    "prepare_describe": "PQprepare + PQdescribePrepared (parameter and column types) + PQexecPrepared",
    "binary_results": "results in binary format (int8, text, float8, bool, bytea, date, timestamp) decoded",
    "pipeline_error": "pipeline mode: ok, error, (aborted), Sync, ok",
    "prepared": "the driver's explicit prepared-statement API, executed several times",
    "deallocate_all": "psycopg after DDL on a connection with prepared statements: DEALLOCATE ALL "
                      "(extended protocol), then the statement is prepared again",
    "binary": "binary result transfer",
    "pipeline": "the driver's pipeline/batch mode, with an error inside",
    "server_prepare": "pgjdbc prepareThreshold=1: named server-side statement reused",
    "execute_batch": "pgjdbc executeBatch of 3 INSERTs",
    "batch": "pgx SendBatch (several queries, one round trip)",
    "declare_cursor": "a named (server-side) cursor of the driver: DECLARE, FETCH, MOVE, CLOSE",
    **{"type_" + t["name"]: "%s round trip: `%s` as a parameter, read back as a result; "
       "the cell says which formats the driver used (param/result, t = text, b = binary)"
       % (t["pg"].lower(), t["text"].replace("|", "\\|")) for t in TYPES},
    "copy_in": "COPY ... FROM STDIN with the driver's COPY API: %d rows (text escapes, NULLs) sent, "
               "then the row count and every value read back with SELECT" % COPY_ROWS,
    "copy_out": "COPY ... TO STDOUT with the driver's COPY API: %d rows made by one INSERT ... SELECT, "
                "the row count and every line (or decoded row) compared" % COPY_ROWS,
    "cancel": "`SELECT pg_sleep(10)` cancelled with the driver's cancel API (CancelRequest on a new "
              "connection; psql: ^C on its terminal; asyncpg: a query timeout), repeated every 100 ms "
              "until the statement ends: SQLSTATE 57014 (asyncpg: TimeoutError) within a second, then "
              "the same connection runs a query",
    "notify": "LISTEN on one connection, NOTIFY with a payload from another, once while the "
              "listener is idle and once while it already waits: the listener (sending nothing, "
              "waiting on its socket) receives channel and payload within a second (psql: shown "
              "after its next command, as psql reads notifications only around its commands)",
    "mode_simple": "pgbench -M simple, custom script, 200 transactions",
    "mode_extended": "pgbench -M extended, custom script, 200 transactions",
    "mode_prepared": "pgbench -M prepared, custom script, 200 transactions",
    **{"tpcb_" + m: "`pgbench -i -s 1` (its DROP, CREATE, TRUNCATE, COPY FREEZE, VACUUM, ADD PRIMARY KEY), "
                    "then its builtin TPC-B script -M %s, 4 clients x 50 transactions at once; the four "
                    "tables' sums of the deltas must agree" % m for m in ("simple", "extended", "prepared")},
}


def need(path, package):
    if not os.path.exists(path):
        raise SetupError("%s is missing: install the Debian package %s (scripts/setup.sh)"
                         % (path, package))
    return path


def need_tool(name, package):
    p = shutil.which(name)
    if p is None:
        raise SetupError("'%s' is not installed: install the Debian package %s (scripts/setup.sh)"
                         % (name, package))
    return p


def need_python_module(module, package):
    r = subprocess.run([PYTHON, "-c", "import %s; print(getattr(%s, '__version__', '?'))"
                        % (module, module)], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise SetupError("%s cannot import %s: install the Debian package %s (scripts/setup.sh)\n%s"
                         % (PYTHON, module, package, r.stderr[-1000:]))
    return r.stdout.strip()


def module_version(module, attr="__version__"):
    """The version a Python module reports of itself (as the driver runs it)."""
    r = subprocess.run([PYTHON, "-c", "import %s; print(%s.%s)" % (module, module, attr)],
                       capture_output=True, text=True, timeout=60)
    return r.stdout.strip() if r.returncode == 0 else "? (%s)" % r.stderr.strip()[-200:]


def dpkg_version(*packages):
    out = []
    for p in packages:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True, text=True)
        out.append("%s %s" % (p, r.stdout.strip() if r.returncode == 0 else "(not installed)"))
    return ", ".join(out)


class Driver:
    """name, features, prepare() -> (argv, extra_env), version() -> str, api: streaming API text."""

    def __init__(self, name, features, prepare, version, stream_api, notes="", na=()):
        self.name, self.features, self.prepare = name, features, prepare
        self.version, self.stream_api, self.notes = version, stream_api, notes
        self.na = list(na)  # features the driver has no API for: "N/A" in the report


def prep_cli(tool):
    def prepare():
        need_tool(tool, "postgresql-client")
        return [PYTHON, os.path.join(DRIVERS_DIR, "cli_compat.py"), tool], {}
    return prepare


def prep_built(env_name, what):
    def prepare():
        return [program(env_name, what)], {}
    return prepare


def prep_python(script, module, package):
    def prepare():
        need_python_module(module, package)
        return [PYTHON, os.path.join(DRIVERS_DIR, script)], {}
    return prepare


def prep_pgjdbc():
    jar = os.environ.get("PGWIRE_COMPAT_PGJDBC_JAR") or "/usr/share/java/postgresql.jar"
    need(jar, "libpostgresql-jdbc-java")
    java = need_tool("java", "openjdk-17-jre-headless")
    classes = program_dir("PGWIRE_COMPAT_JAVA_CLASSES", "PgjdbcCompat.class",
                          "the pgjdbc program, compiled by the build (needs javac: "
                          "openjdk-17-jdk-headless, and libpostgresql-jdbc-java)")
    # -XX:TieredStopAtLevel=1: a short-lived client starts faster.
    return [java, "-XX:TieredStopAtLevel=1", "-cp", classes + ":" + jar, "PgjdbcCompat"], {}


def program_dir(env_name, marker, what):
    d = os.environ.get(env_name, "")
    if not d:
        raise SetupError("%s is not set or empty: %s" % (env_name, what))
    if not os.path.exists(os.path.join(d, marker)):
        raise SetupError("%s/%s is missing (build it first): %s" % (d, marker, what))
    return d


def node_lock():
    with open(os.path.join(NODE_DIR, "package-lock.json")) as f:
        return json.load(f)


def npm_version(name):
    """Version of an installed npm package (tests/compat/node/node_modules), or None."""
    try:
        with open(os.path.join(NODE_DIR, "node_modules", name, "package.json")) as f:
            return json.load(f)["version"]
    except (OSError, ValueError, KeyError):
        return None


def npm_packages():
    """{package: locked version} of every package in the lock, transitive ones too."""
    out = {}
    for path, entry in node_lock()["packages"].items():
        if path.startswith("node_modules/"):
            out[path[len("node_modules/"):]] = entry["version"]
    return out


def check_node_modules():
    """The installed packages are exactly the locked versions; else fail,
    naming the command that installs them (the test never installs)."""
    lock = node_lock()["packages"]
    wrong = []
    for path, entry in lock.items():
        if not path.startswith("node_modules/"):
            continue
        name = path[len("node_modules/"):]
        have = npm_version(name)
        if have is None and entry.get("optional"):
            continue
        if have != entry["version"]:
            wrong.append("%s %s (locked %s)" % (name, have or "missing", entry["version"]))
    if wrong:
        raise SetupError("npm packages in %s/node_modules differ from package-lock.json: %s; "
                         "run scripts/setup.sh --test (npm ci)" % (NODE_DIR, ", ".join(wrong)))


def prep_node(script, packages):
    def prepare():
        node = need_tool("node", "nodejs")
        check_node_modules()
        missing = [p for p in packages if npm_version(p) is None]
        if missing:
            raise SetupError("npm packages %s are missing from %s/node_modules: run "
                             "scripts/setup.sh --test" % (missing, NODE_DIR))
        env = {"NODE_PATH": os.path.join(NODE_DIR, "node_modules"), "TZ": "UTC"}
        return [node, os.path.join(DRIVERS_DIR, script)], env
    return prepare


def prep_pgx():
    return [program("PGWIRE_COMPAT_PGX", "the pgx program, built by the build with `go build` "
                    "(needs golang-go and golang-github-jackc-pgx-v4-dev)")], {}


def prep_tokio():
    return [program("PGWIRE_COMPAT_TOKIO", "the tokio-postgres program, built by the build with "
                    "`cargo build` (needs cargo and Debian's crates: librust-tokio-postgres-dev, "
                    "librust-tokio-rustls-dev and the others scripts/setup.sh --test installs)")], {}


def tokio_version():
    rustc = os.environ.get("PGWIRE_COMPAT_RUSTC") or "rustc"
    return "%s, built with %s" % (dpkg_version("librust-tokio-postgres-dev", "librust-postgres-types-dev",
                                               "librust-tokio-dev", "librust-tokio-rustls-dev"),
                                  _cmd_version([rustc, "--version"]))


def prep_odbc():
    need("/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so", "odbc-postgresql")
    need("/usr/lib/x86_64-linux-gnu/libodbc.so.2", "unixodbc")
    need_python_module("pyodbc", "python3-pyodbc")
    return [PYTHON, os.path.join(DRIVERS_DIR, "odbc_compat.py")], {}


# COPY, cancel and LISTEN/NOTIFY through the driver's own API (after the
# type features in the report).
ASYNC = ["copy_in", "copy_out", "cancel", "notify"]

DRIVERS = {d.name: d for d in [
    Driver("psql", ["connect_trust", "connect_scram", "connect_tls"] + AUTH + ["simple_query",
                    "error_sqlstate", "multi_statement", "transaction", "rows_100k", "stream_100k"] + TYPE_FEATURES + ASYNC,
           prep_cli("psql"), lambda: dpkg_version("postgresql-client-15"),
           "`\\set FETCH_COUNT 1000` (DECLARE/FETCH)",
           "psql interpolates variables on the client, so it has no parameter features here"),
    Driver("libpq", COMMON + ["prepare_describe", "binary_results", "pipeline_error"] + TYPE_FEATURES + ASYNC,
           prep_built("PGWIRE_COMPAT_LIBPQ", "tests/compat libpq program (needs libpq-dev)"),
           lambda: dpkg_version("libpq5"), "single-row mode (PQsetSingleRowMode)",
           "parameters: int8/float8/bool/bytea binary, text/date/timestamp text, all typed"),
    Driver("libpqxx", COMMON + ["prepared"] + TYPE_FEATURES + ASYNC,
           prep_built("PGWIRE_COMPAT_LIBPQXX", "tests/compat libpqxx program (needs libpqxx-dev)"),
           lambda: dpkg_version("libpqxx-dev"), "pqxx::icursorstream (DECLARE/FETCH)"),
    Driver("psycopg2", COMMON + TYPE_FEATURES + ASYNC,
           prep_python("psycopg2_compat.py", "psycopg2", "python3-psycopg2"),
           lambda: "psycopg2 %s; %s" % (module_version("psycopg2"), dpkg_version("python3-psycopg2")),
           "named cursor, itersize 2000 (DECLARE/FETCH)",
           "psycopg2 interpolates parameters on the client (literals in a simple Query)"),
    Driver("psycopg", COMMON + ["prepared", "binary", "pipeline", "declare_cursor",
                                "deallocate_all"] + TYPE_FEATURES + ASYNC,
           prep_python("psycopg_compat.py", "psycopg", "python3-psycopg"),
           lambda: "psycopg %s (libpq %s); %s" % (module_version("psycopg"),
                                                 module_version("psycopg.pq", "version()"),
                                                 dpkg_version("python3-psycopg")),
           "cursor.stream() (libpq single-row mode)",
           "server-side binding (extended protocol)"),
    Driver("asyncpg", COMMON + ["prepared"] + TYPE_FEATURES + ASYNC,
           prep_python("asyncpg_compat.py", "asyncpg", "python3-asyncpg"),
           lambda: "asyncpg %s; %s" % (module_version("asyncpg"), dpkg_version("python3-asyncpg")),
           "conn.cursor() in a transaction (Execute with a row limit, PortalSuspended)"),
    Driver("pgjdbc", COMMON + ["server_prepare", "binary", "execute_batch"] + TYPE_FEATURES + ASYNC, prep_pgjdbc,
           lambda: "pgjdbc %s; %s, java %s" % (
               jar_version(os.environ.get("PGWIRE_COMPAT_PGJDBC_JAR") or "/usr/share/java/postgresql.jar"),
               dpkg_version("libpostgresql-jdbc-java", "openjdk-17-jre-headless"),
               _cmd_version(["java", "-version"], stderr=True).split("\n")[0]),
           "setFetchSize(1000) with autocommit off (Execute with a row limit, PortalSuspended)",
           "prepareThreshold=1, binaryTransfer=true"),
    Driver("node-postgres", COMMON + ["prepared"] + TYPE_FEATURES + ASYNC, prep_node("node_pg_compat.js", ["pg", "pg-cursor", "pg-copy-streams"]),
           lambda: "pg %s, pg-cursor %s, pg-copy-streams %s, pg-protocol %s, pg-types %s (npm, locked), node %s" % (
               npm_version("pg"), npm_version("pg-cursor"), npm_version("pg-copy-streams"), npm_version("pg-protocol"),
               npm_version("pg-types"), _cmd_version(["node", "--version"])),
           "pg-cursor, 1000 rows per read (Execute with a row limit, PortalSuspended)",
           "binary results with `binary: true`; `b~` in a type cell: pg 8 decodes every DataRow "
           "field as UTF-8 (brianc/node-postgres#3495), so for values that are not UTF-8 only "
           "pg's image of the bytes is compared (other drivers check those bytes exactly)"),
    Driver("postgres.js", COMMON + ["prepared"] + TYPE_FEATURES + ASYNC, prep_node("postgresjs_compat.js", ["postgres"]),
           lambda: "postgres %s (npm, locked), node %s" % (npm_version("postgres"),
                                                           _cmd_version(["node", "--version"])),
           "sql`...`.cursor(1000) (Execute with a row limit, PortalSuspended)"),
    Driver("pgx", COMMON + ["prepared", "batch"] + TYPE_FEATURES + ASYNC, prep_pgx,
           lambda: "%s, built with %s" % (dpkg_version("golang-github-jackc-pgx-v4-dev", "golang-go"),
                                          _cmd_version(["go", "version"])),
           "conn.Query + rows.Next (rows decoded as they arrive)"),
    Driver("tokio-postgres", COMMON + ["prepared"] + TYPE_FEATURES + ASYNC, prep_tokio, tokio_version,
           "Transaction::bind + query_portal(1000) (Execute with a row limit, PortalSuspended)",
           "Rust, on a current-thread tokio runtime; every statement prepared (Parse + Describe), "
           "binary parameters (ToSql) and binary results (FromSql); text results through "
           "simple_query, text parameters through ToSql::encode_format; inet/cidr through "
           "postgres-protocol's codec (its IpAddr has no netmask); numeric, timetz, interval "
           "(no Rust type in Debian's crates) as text parameters, binary results compared byte "
           "for byte; TLS through tokio-rustls without certificate check"),
    Driver("psqlodbc", COMMON + TYPE_FEATURES + ["cancel"], prep_odbc,
           lambda: "pyodbc %s; %s" % (module_version("pyodbc", "version"),
                                      dpkg_version("odbc-postgresql", "unixodbc", "python3-pyodbc")),
           "UseDeclareFetch=1;Fetch=1000 (DECLARE/FETCH in a transaction)",
           "through pyodbc, DSN-less: Driver=.../psqlodbcw.so; ODBC has no COPY or LISTEN/NOTIFY "
           "API (N/A); cancel is SQLCancel (pyodbc cursor.cancel())",
           na=["copy_in", "copy_out", "notify"]),
    Driver("pgbench", ["connect_trust", "connect_scram", "connect_tls"] + AUTH + ["mode_simple",
                       "mode_extended", "mode_prepared", "tpcb_simple", "tpcb_extended", "tpcb_prepared"],
           prep_cli("pgbench"), lambda: dpkg_version("postgresql-client-15"), "-",
           "custom script (-f): \\set aid random(1, 100000) / SELECT :aid; -n (no vacuum); "
           "tpcb_*: its own tables (pgbench -i) and builtin script",
           na=ASYNC),
]}


def _cmd_version(argv, stderr=False):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return (r.stderr if stderr else r.stdout).strip()
    except OSError:
        return "?"


def jar_version(jar):
    """Implementation-Version from a jar's manifest."""
    import zipfile
    try:
        with zipfile.ZipFile(jar) as z:
            for line in z.read("META-INF/MANIFEST.MF").decode(errors="replace").splitlines():
                if line.startswith("Implementation-Version:"):
                    return line.split(":", 1)[1].strip()
    except (OSError, KeyError, zipfile.BadZipFile) as e:
        return "? (%s)" % e
    return "?"


# ---------------------------------------------------------------------------
# Expected gaps.

def load_gaps(path=None):
    """{(driver, server, feature): (reason, line)}; '*' as feature means all
    of the driver's features; features may be comma-separated."""
    path = path or os.path.join(HERE, "expected_gaps.txt")
    gaps, errors = {}, []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|", 3)]
            if len(parts) != 4 or not parts[3]:
                errors.append("expected_gaps.txt:%d: want 'driver | server | feature | reason'" % n)
                continue
            driver, server, features, reason = parts
            if driver not in DRIVERS:
                errors.append("expected_gaps.txt:%d: unknown driver %r" % (n, driver))
                continue
            kinds = {s.name: s for s in SERVERS}
            if server not in kinds:
                errors.append("expected_gaps.txt:%d: unknown server %r" % (n, server))
                continue
            if kinds[server].reference:
                errors.append("expected_gaps.txt:%d: the reference server cannot have gaps" % n)
                continue
            names = DRIVERS[driver].features if features == "*" else [
                x.strip() for x in features.split(",")]
            for feat in names:
                if feat not in DRIVERS[driver].features:
                    errors.append("expected_gaps.txt:%d: %s has no feature %r" % (n, driver, feat))
                    continue
                gaps[(driver, server, feat)] = (reason, n)
    return gaps, errors


# ---------------------------------------------------------------------------
# Running one driver against every server.

def driver_env(server_kind, server, driver):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    home = os.path.join(work_dir(), "compat-home")
    os.makedirs(home, exist_ok=True)
    env.update({
        "HOME": home,  # no ~/.pgpass, ~/.postgresql, ~/.odbc.ini of the user
        "PGPASSFILE": os.path.join(home, "no-pgpass"),
        "PGSERVICEFILE": os.path.join(home, "no-pg_service.conf"),
        "PSQLRC": os.devnull,
        "LC_ALL": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "COMPAT_DRIVER": driver.name,
        "COMPAT_SERVER": server_kind.name,
        "COMPAT_DIALECT": server_kind.dialect,
        "COMPAT_HOST": server.trust.host,
        "COMPAT_PORT": str(server.trust.port),
        "COMPAT_USER": server.trust.user,
        "COMPAT_SCRAM_HOST": server.scram.host,
        "COMPAT_SCRAM_PORT": str(server.scram.port),
        "COMPAT_SCRAM_USER": server.scram.user,
        "COMPAT_SCRAM_PASSWORD": server.scram.password,
        "COMPAT_DBNAME": DBNAME,
        "COMPAT_TRUST_DSN": server.trust.dsn(),
        "COMPAT_SCRAM_DSN": server.scram.dsn(),
        "COMPAT_TLS_DSN": server.trust.dsn(sslmode="require"),
        # auth_md5, auth_cleartext, auth_cert: every user on the SCRAM endpoint.
        **auth_env(server.scram),
        "COMPAT_TABLE": "compat_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower()),
        "COMPAT_SQL_CREATE": DIALECTS[server_kind.dialect]["create"].format(
            t="compat_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower())),
        "COMPAT_SQL_ROWS": DIALECTS[server_kind.dialect]["rows"],
        "COMPAT_TYPES": TYPES_PATH,
        "COMPAT_TYPES_TABLE": "compat_types_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower()),
        "COMPAT_SQL_CREATE_TYPES": types_ddl(
            server_kind.dialect, "compat_types_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower())),
        "COMPAT_ROWS": str(ROWS),
        "COMPAT_COPY_TABLE": "compat_copy_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower()),
        "COMPAT_SQL_CREATE_COPY": "CREATE TABLE %s (id BIGINT PRIMARY KEY, s TEXT)" % (
            "compat_copy_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower())),
        "COMPAT_SQL_COPY_SEED": DIALECTS[server_kind.dialect]["copy_seed"].format(
            t="compat_copy_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower())),
        "COMPAT_COPY_ROWS": str(COPY_ROWS),
        # Features listed in expected_gaps.txt with a reason starting "skip:" (they
        # wedge that server, or their outcome there varies): the driver program
        # reports them failed without running them.
        "COMPAT_SKIP": ",".join(sorted(f for (d, srv, f), (why, _n) in load_gaps()[0].items()
                                       if d == driver.name and srv == server_kind.name
                                       and why.startswith("skip:"))),
        # cancel: the error (57014) must come within this many seconds of the query.
        "COMPAT_CANCEL_WITHIN": str(4 if SANITIZED else 1),
        # notify: LISTEN channel of the driver; the notification must come within this.
        "COMPAT_CHANNEL": "compat_ch_" + re.sub(r"[^a-z0-9]", "_", driver.name.lower()),
        "COMPAT_NOTIFY_WITHIN": str(4 if SANITIZED else 1),
        "COMPAT_WORK": work_dir(),
        # A feature waiting longer than this is hung (e.g. an error never flushed).
        "COMPAT_TIMEOUT": str(int(15 * (2 if SANITIZED else 1))),
    })
    return env


def auth_env(at):
    tls = tls_dir()
    cert, key = os.path.join(tls, "compat_cert.crt"), os.path.join(tls, "compat_cert.key")
    md5 = Endpoint(at.host, at.port, MD5_USER, MD5_PASSWORD)
    clear = Endpoint(at.host, at.port, CLEAR_USER, CLEAR_PASSWORD)
    wrong = lambda e: Endpoint(e.host, e.port, e.user, WRONG_PASSWORD).dsn()
    cert_user = Endpoint(at.host, at.port, CERT_USER)
    return {
        "COMPAT_AUTH_HOST": at.host,
        "COMPAT_AUTH_PORT": str(at.port),
        "COMPAT_MD5_USER": MD5_USER,
        "COMPAT_MD5_PASSWORD": MD5_PASSWORD,
        "COMPAT_CLEAR_USER": CLEAR_USER,
        "COMPAT_CLEAR_PASSWORD": CLEAR_PASSWORD,
        "COMPAT_CERT_USER": CERT_USER,
        "COMPAT_WRONG_PASSWORD": WRONG_PASSWORD,
        "COMPAT_MD5_DSN": md5.dsn(),
        "COMPAT_MD5_WRONG_DSN": wrong(md5),
        "COMPAT_CLEAR_DSN": clear.dsn(),
        "COMPAT_CLEAR_WRONG_DSN": wrong(clear),
        "COMPAT_CERT_DSN": "%s sslcert='%s' sslkey='%s'" % (cert_user.dsn(sslmode="require"), cert, key),
        "COMPAT_CERT_NOCERT_DSN": cert_user.dsn(sslmode="require"),
        "COMPAT_SSLCERT": cert,
        "COMPAT_SSLKEY": key,
        "COMPAT_SSLCERT_DER": os.path.join(tls, "compat_cert.der"),
        "COMPAT_SSLKEY_PK8": os.path.join(tls, "compat_cert.pk8"),
        "COMPAT_SSLROOTCERT": os.path.join(tls, "ca.crt"),
    }


def run_program(argv, env, timeout):
    """Runs a driver program; returns ({feature: result}, exit status, stderr tail, seconds)."""
    started = time.monotonic()
    out_file = tempfile.TemporaryFile(mode="w+")
    err_file = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen(argv, stdout=out_file, stderr=err_file, stdin=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    try:
        status = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        status = "timeout after %.0f s" % timeout
    out_file.seek(0)
    err_file.seek(0)
    results, junk = {}, []
    for line in out_file.read().splitlines():
        try:
            r = json.loads(line)
        except ValueError:
            junk.append(line)
            continue
        if isinstance(r, dict) and "feature" in r:
            results[r["feature"]] = r
        else:
            junk.append(line)
    err = err_file.read()
    if junk:
        err = "stdout (not JSON): " + "\n".join(junk)[-2000:] + "\n" + err
    return results, status, err[-4000:], time.monotonic() - started


def short(text, n=300):
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 3] + "..."


def run_driver(name, ctx, gaps):
    """Runs one driver against every enabled server; returns its result record."""
    driver = DRIVERS[name]
    record = {"driver": name, "features": driver.features, "na": driver.na, "servers": {}, "problems": [],
              "version": "", "stream_api": driver.stream_api, "notes": driver.notes}
    try:
        argv, extra_env = driver.prepare()
        prep_error = None
    except SetupError as e:
        argv, extra_env, prep_error = None, {}, str(e)
        log("DRIVER NOT READY: %s" % e)
    except subprocess.TimeoutExpired as e:
        argv, extra_env, prep_error = None, {}, "preparing the driver timed out: %s" % e
    try:
        record["version"] = driver.version()
    except Exception as e:  # noqa: BLE001 - a version is informative only
        record["version"] = "? (%s)" % e
    for kind in SERVERS:
        if not kind.enabled():
            log("-- %s: server kind disabled (%s)" % (kind.name, kind.about))
            continue
        srv_rec = {"reference": kind.reference, "results": {}, "seconds": 0.0, "version": ""}
        record["servers"][kind.name] = srv_rec
        server, error = None, prep_error
        if error is None:
            try:
                server = kind.start(ctx)
                srv_rec["version"] = server.version
            except SetupError as e:
                error = "server %s did not start: %s" % (kind.name, e)
        results, status, stderr, secs = {}, None, "", 0.0
        if server is not None:
            env = driver_env(kind, server, driver)
            env.update(extra_env)
            try:
                limit = budget(90 * SLOW, "running %s against %s" % (name, kind.name))
            except SetupError as e:
                limit, error = None, str(e)
            if limit is not None:
                results, status, stderr, secs = run_program(argv, env, timeout=limit)
                srv_rec["seconds"] = round(secs, 2)
                if status != 0:
                    error = "driver program ended with %s before reporting this; stderr tail: %s" % (
                        status, stderr[-1500:])
            problems = server.stop()
            if problems:
                record["problems"] += ["%s: %s" % (kind.name, p) for p in problems]
        for feat in driver.features:
            r = results.get(feat)
            if r is None:
                r = {"feature": feat, "ok": False,
                     "error": error or ("not reported by the driver program (exit %s); stderr: %s"
                                        % (status, stderr[-1500:]))}
            srv_rec["results"][feat] = {k: r.get(k) for k in ("ok", "error", "query", "detail")
                                        if r.get(k) is not None}
        extra = set(results) - set(driver.features)
        if extra:
            record["problems"].append("%s: driver program reported undeclared features %s"
                                      % (kind.name, sorted(extra)))
    return classify(record, gaps)


def classify(record, gaps):
    """Marks each result pass / known gap / FAIL / XPASS; record['failures'] lists what fails the test."""
    failures = list(record["problems"])
    name = record["driver"]
    for server, srv in record["servers"].items():
        for feat, r in srv["results"].items():
            gap = gaps.get((name, server, feat))
            if r["ok"]:
                if gap:
                    r["verdict"] = "XPASS"
                    failures.append("%s/%s/%s passes but expected_gaps.txt:%d lists it as a gap "
                                    "(%s): remove that entry" % (name, server, feat, gap[1], gap[0]))
                else:
                    r["verdict"] = "pass"
            else:
                if gap:
                    r["verdict"] = "gap"
                    r["reason"] = gap[0]
                else:
                    r["verdict"] = "FAIL"
                    what = "reference server" if srv["reference"] else "not in expected_gaps.txt"
                    failures.append("%s/%s/%s FAILED (%s): %s%s" % (
                        name, server, feat, what, short(r.get("error", "?"), 600),
                        (" [query: %s]" % short(r["query"], 200)) if r.get("query") else ""))
    record["failures"] = failures
    return record


def print_record(record):
    servers = list(record["servers"])
    log("\n%s (%s)" % (record["driver"], record["version"]))
    width = max(len(f) for f in record["features"]) + 2
    log("  %-*s %s" % (width, "feature", "  ".join("%-14s" % s for s in servers)))
    for feat in record["features"]:
        cells = []
        for s in servers:
            r = record["servers"][s]["results"][feat]
            cells.append("%-14s" % {"pass": "pass", "gap": "known gap", "FAIL": "FAIL",
                                    "XPASS": "XPASS(unlisted)"}.get(r["verdict"], r["verdict"]))
        log("  %-*s %s" % (width, feat, "  ".join(cells)))
    for s in servers:
        log("  %s: %.1f s" % (s, record["servers"][s]["seconds"]))
    for s in servers:
        for feat in record["features"]:
            r = record["servers"][s]["results"][feat]
            if r["verdict"] == "gap":
                log("  known gap %s/%s: %s" % (s, feat, short(r.get("error", ""), 400)))


def results_dir():
    d = os.path.join(work_dir(), "compat-results")
    os.makedirs(d, exist_ok=True)
    return d


def cmd_run(names):
    start_budget()
    gaps, errors = load_gaps()
    if errors:
        for e in errors:
            log(e)
        return 1
    unknown = [n for n in names if n not in DRIVERS]
    if unknown:
        log("unknown driver(s) %s; known: %s" % (unknown, ", ".join(DRIVERS)))
        return 2
    # Server logs stay in the build tree until the next run of the same driver.
    run_dir = os.path.join(work_dir(), "compat-logs")
    os.makedirs(run_dir, exist_ok=True)
    state = load_state()
    private = None
    if not postgres_alive(state):
        if os.environ.get("PGWIRE_COMPAT_REQUIRE_FIXTURE"):
            log("the reference PostgreSQL of the fixture is not running")
            return 1
        log("no shared reference PostgreSQL running: starting a private one")
        try:
            state = private = start_postgres()
        except SetupError as e:
            log("REFERENCE POSTGRESQL DID NOT START: %s" % e)
            state = {"port": 1, "version": "not started"}
    failed = 0
    started = time.monotonic()
    try:
        for name in names:
            ctx = {"postgres": state, "run_dir": os.path.join(run_dir, name)}
            os.makedirs(ctx["run_dir"], exist_ok=True)
            t0 = time.monotonic()
            record = run_driver(name, ctx, gaps)
            record["seconds"] = round(time.monotonic() - t0, 1)
            record["run_id"] = (state or {}).get("run_id", "")
            print_record(record)
            with open(os.path.join(results_dir(), name + ".json"), "w") as f:
                json.dump(record, f, indent=1, sort_keys=True)
            if record["failures"]:
                failed += 1
                log("\n%s: %d problem(s):" % (name, len(record["failures"])))
                for x in record["failures"]:
                    log("  - " + x)
    finally:
        if private:
            stop_postgres(private)
    n_pass = len(names) - failed
    log("\ncompat (%s): %.1f s" % (" ".join(names), time.monotonic() - started))
    log("%d passed, %d failed" % (n_pass, failed))
    return 1 if failed else 0


def cmd_setup():
    old = load_state()
    if old:
        stop_postgres(old)
        os.unlink(state_path())
    for f in os.listdir(results_dir()):
        if f.endswith(".json"):
            os.unlink(os.path.join(results_dir(), f))
    try:
        tls_dir(fresh=True)
        state = start_postgres()
    except SetupError as e:
        log("REFERENCE POSTGRESQL DID NOT START: %s" % e)
        return 1
    state["run_id"] = "%d-%d" % (time.time(), os.getpid())
    with open(state_path(), "w") as f:
        json.dump(state, f)
    return 0


def cmd_teardown(report=True):
    state = load_state()
    rc = 0
    if state:
        problems = stop_postgres(state)
        os.unlink(state_path())
        for p in problems:
            log(p)
            rc = 1
    if report:
        write_report((state or {}).get("run_id"))
    return rc


# ---------------------------------------------------------------------------
# docs/COMPATIBILITY.md

def write_report(run_id):
    records = {}
    for name in DRIVERS:
        try:
            with open(os.path.join(results_dir(), name + ".json")) as f:
                rec = json.load(f)
        except (OSError, ValueError):
            continue
        if run_id is None or rec.get("run_id") == run_id:
            records[name] = rec
    missing = [n for n in DRIVERS if n not in records]
    text = render_report(records)
    out = os.path.join(results_dir(), "COMPATIBILITY.md")
    with open(out, "w") as f:
        f.write(text)
    # Tests never modify tracked files: the report stays in the build tree.
    # docs/COMPATIBILITY.md changes only through `compat.py --build DIR
    # update-doc` (scripts/update-compat-doc.sh), run by hand and committed.
    log("report written to %s" % out)
    doc = os.environ.get("PGWIRE_COMPAT_DOC")
    if SANITIZED or missing or not doc:
        if missing:
            log("report: no results of this run for %s" % ", ".join(missing))
        return
    try:
        with open(doc) as f:
            current = f.read()
    except OSError:
        current = ""
    if current != text:
        diff = difflib.unified_diff(current.splitlines(), text.splitlines(), doc, out, lineterm="", n=0)
        log("report: %s differs from this run's report (update it with scripts/update-compat-doc.sh):\n%s"
            % (doc, "\n".join(list(diff)[:40])))


def update_doc(build):
    """Copies the last complete report of a normal build into docs/."""
    src = os.path.join(results_dir(), "COMPATIBILITY.md")
    doc = os.environ["PGWIRE_COMPAT_DOC"]
    if not os.path.exists(src):
        sys.exit("update-doc: no report in %s; run `ctest -L compat` in %s first" % (src, build))
    shutil.copyfile(src, doc)
    log("copied %s to %s" % (src, doc))


def render_report(records):
    L = []
    L.append("# Driver compatibility\n")
    L.append("Generated by the real-driver compatibility suite (`tests/compat/`); do not edit by hand.")
    L.append("Produced with `ctest -L compat` in a build tree (which runs "
             "`/usr/bin/python3 tests/compat/compat.py setup`, `... run DRIVER` for each driver, "
             "then `... teardown`), or by hand with "
             "`/usr/bin/python3 tests/compat/compat.py --build BUILD_DIR all`.\n")
    L.append("Every driver runs the same features against each server. The real PostgreSQL is the "
             "reference: everything tested passes there, which shows the test itself is right. "
             "Against the example servers, a failure is either listed in "
             "`tests/compat/expected_gaps.txt` (a known gap, with its reason; a listed gap that starts "
             "passing fails the suite, so the list stays truthful) or fails the suite.\n")
    L.append("✓ passes, ✗ fails (see the numbered note), N/A the driver has no API for it, "
             "· not tested for this driver.\n")
    order = [k.name for k in SERVERS]
    servers = sorted({s for rec in records.values() for s in rec["servers"]},
                     key=lambda s: order.index(s) if s in order else len(order))
    about = {k.name: k.about for k in SERVERS}
    drivers = list(records)
    features = []
    for rec in records.values():
        for f in rec["features"] + rec.get("na", []):
            if f not in features:
                features.append(f)
    # One note per distinct reason; under it what each driver observed.
    notes = {}  # reason -> {observed text -> [(driver, server, feature)]}
    def note_for(d, s, feat, r):
        why = r.get("reason") or ("UNEXPECTED failure (not in expected_gaps.txt)" if not
                                  records[d]["servers"][s].get("reference") else
                                  "UNEXPECTED failure on the reference server")
        observed = short(r.get("error", ""), 260)
        if r.get("query"):
            observed += " — query: `%s`" % short(r["query"], 200).replace("`", "'")
        notes.setdefault(why, {}).setdefault(observed, []).append((d, s, feat))
        return list(notes).index(why) + 1
    for s in servers:
        version = next((r["servers"][s].get("version") for r in records.values()
                        if s in r["servers"] and r["servers"][s].get("version")), "")
        L.append("## %s\n" % s)
        L.append("%s%s.\n" % (about.get(s, ""), (" — " + version) if version else ""))
        L.append("| feature | " + " | ".join(drivers) + " |")
        L.append("| --- |" + " --- |" * len(drivers))
        for feat in features:
            cells = []
            for d in drivers:
                srv = records[d]["servers"].get(s)
                if feat in records[d].get("na", ()):
                    cells.append("N/A")
                elif feat not in records[d]["features"]:
                    cells.append("·")
                elif srv is None:
                    cells.append("?")
                elif srv["results"][feat]["ok"]:
                    detail = srv["results"][feat].get("detail")
                    cells.append("✓ " + detail if detail else "✓")
                else:
                    cells.append("✗<sup>%d</sup>" % note_for(d, s, feat, srv["results"][feat]))
            L.append("| %s | %s |" % (feat, " | ".join(cells)))
        L.append("")
    if notes:
        L.append("## Notes\n")
        L.append("Each note: the reason (from `tests/compat/expected_gaps.txt`; \"library\" = "
                 "pgwire-cpp, \"example\" = the example server), then what the drivers observed.\n")
        for i, (why, observed) in enumerate(notes.items(), 1):
            L.append("%d. %s" % (i, why.replace("|", "\\|")))
            for text, where in observed.items():
                by = {}
                for d, s, feat in where:
                    by.setdefault((d, s), []).append(feat)
                who = "; ".join("%s on %s (%s)" % (d, s, ", ".join(fs)) for (d, s), fs in by.items())
                L.append("   - %s: %s" % (who, text.replace("\n", " ").replace("|", "\\|")))
        L.append("")
    L.append("## Features\n")
    L.append("| feature | what is checked |")
    L.append("| --- | --- |")
    for feat in features:
        L.append("| %s | %s |" % (feat, FEATURE_DOC.get(feat, "")))
    L.append("")
    L.append("## Drivers\n")
    L.append("| driver | version | streaming API used | notes |")
    L.append("| --- | --- | --- | --- |")
    for d in drivers:
        rec = records[d]
        L.append("| %s | %s | %s | %s |" % (d, rec["version"], rec["stream_api"], rec["notes"]))
    L.append("")
    try:
        npm = npm_packages()
    except (OSError, ValueError, KeyError) as e:
        npm = {"(package-lock.json unreadable: %s)" % e: "?"}
    L.append("The Node.js packages, transitive ones included, are pinned by "
             "`tests/compat/node/package-lock.json` and installed with `npm ci` by "
             "`scripts/setup.sh --test`: %s." % ", ".join("%s %s" % kv for kv in sorted(npm.items())))
    L.append("")
    L.append("Servers: the SQL differs only where SQLite needs it (a recursive CTE instead of "
             "generate_series, BLOB instead of BYTEA); see `DIALECTS` in `tests/compat/compat.py`.")
    return "\n".join(L) + "\n"


# ---------------------------------------------------------------------------

def cache_value(build, name):
    """A variable's value in BUILD/CMakeCache.txt ("" when absent)."""
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                if key.split(":")[0] == name:
                    return value if not value.endswith("-NOTFOUND") else ""
    except OSError:
        pass
    return ""


def use_build_dir(build):
    build = os.path.abspath(build)
    os.environ.setdefault("PGWIRE_BIN_SQLITE_SERVER", os.path.join(build, "examples", "sqlite_server"))
    os.environ.setdefault("PGWIRE_BIN_LIBPQ_PROXY", os.path.join(build, "examples", "libpq_proxy"))
    for env, exe in (("PGWIRE_COMPAT_LIBPQ", "libpq_compat"), ("PGWIRE_COMPAT_LIBPQXX", "libpqxx_compat"),
                     ("PGWIRE_COMPAT_PGX", "pgx_compat"), ("PGWIRE_COMPAT_JAVA_CLASSES", "compat-java"),
                     ("PGWIRE_COMPAT_TOKIO", os.path.join("tokio_compat", "target", "debug", "tokio_compat"))):
        p = os.path.join(build, "tests", "compat", exe)
        os.environ.setdefault(env, p if os.path.exists(p) else "")
    os.environ.setdefault("PGWIRE_COMPAT_PGJDBC_JAR", "/usr/share/java/postgresql.jar")
    os.environ.setdefault("PGWIRE_COMPAT_RUSTC", cache_value(build, "PGWIRE_RUSTC"))
    os.environ.setdefault("PGWIRE_COMPAT_WORK", os.path.join(build, "tests", "compat"))
    os.environ.setdefault("PGWIRE_COMPAT_BUILD", build)
    os.environ.setdefault("PGWIRE_COMPAT_DOC", os.path.join(ROOT, "docs", "COMPATIBILITY.md"))
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            sanitized = any(l.strip() in ("PGWIRE_SANITIZE:BOOL=ON", "PGWIRE_SANITIZE:BOOL=1")
                            for l in f)
    except OSError:
        sanitized = False
    os.environ.setdefault("PGWIRE_SANITIZED", "1" if sanitized else "0")


def main(argv):
    args = list(argv)
    if "--build" in args:
        i = args.index("--build")
        use_build_dir(args[i + 1])
        del args[i:i + 2]
        global SANITIZED, SLOW
        SANITIZED = os.environ.get("PGWIRE_SANITIZED", "") not in ("", "0", "OFF", "off")
        SLOW = 4.0 if SANITIZED else 1.0
    if not args:
        print(__doc__)
        return 2
    cmd, rest = args[0], args[1:]
    if cmd == "setup":
        return cmd_setup()
    if cmd == "teardown":
        return cmd_teardown()
    if cmd == "run":
        return cmd_run(rest or list(DRIVERS))
    if cmd == "all":
        rc = cmd_setup()
        if rc == 0:
            rc = cmd_run(rest or list(DRIVERS))
        return cmd_teardown() or rc
    if cmd == "update-doc":
        update_doc(os.environ.get("PGWIRE_COMPAT_BUILD", "the build tree"))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
