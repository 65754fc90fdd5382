"""pg_hba.conf rules and a users file on one server (sqlite_server --hba
--users): a SCRAM user, an md5 user, a cleartext user, a certificate user and
a rejected user, over TCP, TLS and the Unix socket. Real clients log in --
psql and the libpq client (SQLSTATE of a refused login), psycopg 3 -- and the
protocol client shows which method the server actually asked for (the
Authentication request codes: 3 cleartext, 5 MD5, 10/11/12 SASL, 0 ok)."""

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

import harness
import pgproto
from harness import SLOW, ServerTestCase, client_env, tls_files
from test_tls_options import make_cert

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE_AUTH = os.path.join(HERE, "..", "..", "examples", "auth")

SCOTT_PW = "tiger pässword"  # non-ASCII: SASLprep applies
MARY_PW = "mary-secret"
CLARA_PW = "clara secret"
VERA_PW = "vera-secret"

# One of each method; first match wins. scott's SCRAM secret also serves the
# md5 rule (PostgreSQL upgrades md5 to SCRAM for a SCRAM secret).
HBA = """\
# TYPE    DATABASE USER        ADDRESS       METHOD
local     all      admin                     trust
local     all      scott                     scram-sha-256
local     all      all                       reject
host      all      eve         all           reject
hostssl   all      svc         all           cert
hostssl   all      vera        all           scram-sha-256 clientcert=verify-full
hostssl   all      scott       all           scram-sha-256
hostnossl all      scott,mary  127.0.0.1/32  md5
host      all      +clerks     127.0.0.0/8   password
"""


def scram_secret(password, salt=b"pgwire-salt-1234"):
    """PostgreSQL's rolpassword form of a SCRAM secret (tests/compat/compat.py's)."""
    return harness._compat().scram_secret(password, salt)


def users_file():
    return "\n".join([
        "# name secret groups",
        "scott %s" % scram_secret(SCOTT_PW),
        "mary md5%s" % hashlib.md5((MARY_PW + "mary").encode()).hexdigest(),
        'clara "%s" clerks' % CLARA_PW,
        "vera %s" % scram_secret(VERA_PW),
        "admin unused",
        "eve eve-secret",
        ""])


def auth_requests(messages):
    import struct
    return [struct.unpack_from("!i", body)[0] for kind, body in messages if kind == "R"]


class AuthPolicyTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="pgw-hba-")
        cls.ca, cls.server_crt, cls.server_key = tls_files()
        ca_key = os.path.join(os.path.dirname(cls.ca), "ca.key")
        cls.svc_cert = make_cert(cls.dir, "svc", "svc", cls.ca, ca_key)
        cls.vera_cert = make_cert(cls.dir, "vera", "vera", cls.ca, ca_key)
        cls.hba = os.path.join(cls.dir, "pg_hba.conf")
        cls.users = os.path.join(cls.dir, "users.txt")
        with open(cls.hba, "w") as f:
            f.write(HBA)
        with open(cls.users, "w") as f:
            f.write(users_file())
        cls.sock_port = 5498  # only a name: DIR/.s.PGSQL.5498
        cls.sock_path = os.path.join(cls.dir, ".s.PGSQL.%d" % cls.sock_port)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def setUp(self):
        self.server = self.start_server(
            "sqlite_server", "--listen", "127.0.0.1:0", "--unix", self.sock_path,
            "--hba", self.hba, "--users", self.users,
            "--tls-cert", self.server_crt, "--tls-key", self.server_key,
            "--tls-ca", self.ca, "--tls-client-cert", "optional")

    # Clients -------------------------------------------------------------------

    def tcp(self, user, sslmode, **kw):
        return self.conninfo(self.server, user=user, sslmode=sslmode, **kw)

    def local(self, user):
        return "host=%s port=%d user=%s dbname=postgres" % (self.dir, self.sock_port, user)

    def cert_kw(self, cert):
        return {"sslcert": cert[0], "sslkey": cert[1]}

    def assert_psql(self, conninfo, password=None):
        r = self.psql(conninfo, "-At", "-c", "select 40 + 2", password=password)
        self.assertEqual(r.stdout.strip(), "42")

    def assert_refused(self, conninfo, password, sqlstate, message):
        """psql fails with `message`; the libpq client shows the SQLSTATE."""
        r = self.psql(conninfo, "-At", "-c", "select 1", password=password, expect_ok=False)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn("FATAL:  " + message, r.stderr)
        rc, events = self.pq_client(conninfo, password=password, expect_ok=False)
        self.assertEqual(rc, 3, events)
        self.assertIn("FATAL:  %s: %s" % (sqlstate, message), events[0]["message"])

    def protocol(self, user, password=None, tls=False, cert=None, unix=False):
        """Logs in with the protocol client: the Authentication request codes,
        or the ServerError that refused it."""
        if unix:
            c = pgproto.Conn(unix_path=self.sock_path)
        else:
            c = pgproto.Conn(port=self.server.port)
        with c:
            if tls:
                self.assertEqual(c.request_ssl(), b"S")
                ctx = pgproto.client_tls_context()
                if cert:
                    ctx.load_cert_chain(cert[0], cert[1])
                c.start_tls(ctx)
            try:
                messages = c.startup(user, password, database="postgres")
            except pgproto.ServerError as e:
                self.assertEqual(c.expect_closed(), [], "messages after the FATAL error")
                return e
            self.assertEqual(c.simple_query("select 7")[0]["rows"], [["7"]])
            return auth_requests(messages)

    def assert_protocol_refused(self, sqlstate, message, *args, **kw):
        e = self.protocol(*args, **kw)
        self.assertIsInstance(e, pgproto.ServerError, "the login should have been refused")
        self.assertEqual((e.severity, e.sqlstate, e.message), ("FATAL", sqlstate, message))

    # SCRAM ----------------------------------------------------------------------

    def test_scram_user(self):
        # TLS: scram-sha-256 rule; channel binding offered and used by libpq.
        self.assert_psql(self.tcp("scott", "require", channel_binding="require"), SCOTT_PW)
        self.assertEqual(self.protocol("scott", SCOTT_PW, tls=True), [10, 11, 12, 0])
        # Plain TCP: the md5 rule, upgraded to SCRAM because only a SCRAM secret is stored.
        self.assert_psql(self.tcp("scott", "disable"), SCOTT_PW)
        self.assertEqual(self.protocol("scott", SCOTT_PW), [10, 11, 12, 0])
        # Unix socket.
        self.assert_psql(self.local("scott"), SCOTT_PW)
        self.assertEqual(self.protocol("scott", SCOTT_PW, unix=True), [10, 11, 12, 0])
        for conninfo in (self.tcp("scott", "require"), self.tcp("scott", "disable"), self.local("scott")):
            self.assert_refused(conninfo, "wrong", "28P01", 'password authentication failed for user "scott"')
        self.assert_protocol_refused("28P01", 'password authentication failed for user "scott"',
                                     "scott", "wrong", unix=True)

    # md5 ------------------------------------------------------------------------

    def test_md5_user(self):
        self.assert_psql(self.tcp("mary", "disable"), MARY_PW)
        self.assertEqual(self.protocol("mary", MARY_PW), [5, 0])
        self.assert_refused(self.tcp("mary", "disable"), "wrong", "28P01",
                            'password authentication failed for user "mary"')
        # No rule for mary over TLS or the socket.
        self.assert_refused(self.tcp("mary", "require"), MARY_PW, "28000",
                            'no pg_hba.conf entry for host "127.0.0.1", user "mary", database "postgres", '
                            "SSL encryption")
        self.assert_refused(self.local("mary"), MARY_PW, "28000",
                            'pg_hba.conf rejects connection for host "[local]", user "mary", database "postgres", '
                            "no encryption")

    # cleartext ------------------------------------------------------------------

    def test_cleartext_user_by_group(self):
        for sslmode in ("disable", "require"):
            self.assert_psql(self.tcp("clara", sslmode), CLARA_PW)
            self.assert_refused(self.tcp("clara", sslmode), "wrong", "28P01",
                                'password authentication failed for user "clara"')
        self.assertEqual(self.protocol("clara", CLARA_PW), [3, 0])
        self.assertEqual(self.protocol("clara", CLARA_PW, tls=True), [3, 0])

    # cert -----------------------------------------------------------------------

    def test_certificate_user(self):
        self.assert_psql(self.tcp("svc", "require", **self.cert_kw(self.svc_cert)))
        # No password asked: AuthenticationOk straight away.
        self.assertEqual(self.protocol("svc", tls=True, cert=self.svc_cert), [0])
        self.assert_refused(self.tcp("svc", "require"), None, "28000",
                            "connection requires a valid client certificate")
        # Another user's certificate: PostgreSQL's cert failure.
        self.assert_refused(self.tcp("svc", "require", **self.cert_kw(self.vera_cert)), None, "28000",
                            'certificate authentication failed for user "svc"')
        # cert rules are hostssl: nothing for svc without TLS.
        self.assert_refused(self.tcp("svc", "disable"), None, "28000",
                            'no pg_hba.conf entry for host "127.0.0.1", user "svc", database "postgres", '
                            "no encryption")

    def test_clientcert_verify_full_on_scram(self):
        self.assert_psql(self.tcp("vera", "require", **self.cert_kw(self.vera_cert)), VERA_PW)
        self.assertEqual(self.protocol("vera", VERA_PW, tls=True, cert=self.vera_cert), [10, 11, 12, 0])
        self.assert_refused(self.tcp("vera", "require"), VERA_PW, "28000",
                            "connection requires a valid client certificate")
        # Right password, certificate of another CN: PostgreSQL reports the method's failure.
        self.assert_refused(self.tcp("vera", "require", **self.cert_kw(self.svc_cert)), VERA_PW, "28P01",
                            'password authentication failed for user "vera"')

    # reject and no rule -----------------------------------------------------------

    def test_rejected_user(self):
        for sslmode, encryption in (("disable", "no encryption"), ("require", "SSL encryption")):
            self.assert_refused(self.tcp("eve", sslmode), "eve-secret", "28000",
                                'pg_hba.conf rejects connection for host "127.0.0.1", user "eve", '
                                'database "postgres", ' + encryption)
        self.assert_protocol_refused("28000", 'pg_hba.conf rejects connection for host "[local]", user "eve", '
                                     'database "postgres", no encryption', "eve", "eve-secret", unix=True)
        self.assert_protocol_refused("28000", 'no pg_hba.conf entry for host "127.0.0.1", user "nobody", '
                                     'database "postgres", no encryption', "nobody", "x")

    def test_trust_on_the_unix_socket_only(self):
        self.assert_psql(self.local("admin"))
        self.assertEqual(self.protocol("admin", unix=True), [0])
        self.assert_refused(self.tcp("admin", "disable"), "unused", "28000",
                            'no pg_hba.conf entry for host "127.0.0.1", user "admin", database "postgres", '
                            "no encryption")

    # psycopg 3 ------------------------------------------------------------------

    def test_psycopg3(self):
        script = r"""
import json, sys, psycopg
out = []
for conninfo, password in json.loads(sys.argv[1]):
    try:
        with psycopg.connect(conninfo, password=password) as conn:
            out.append(["ok", conn.execute("select 40 + 2").fetchone()[0]])
    except psycopg.OperationalError as e:
        out.append(["error", str(e)])
print(json.dumps(out))
"""
        cases = [
            (self.tcp("scott", "require"), SCOTT_PW, ["ok", "42"]),
            (self.tcp("scott", "disable"), SCOTT_PW, ["ok", "42"]),
            (self.local("scott"), SCOTT_PW, ["ok", "42"]),
            (self.tcp("mary", "disable"), MARY_PW, ["ok", "42"]),
            (self.tcp("clara", "disable"), CLARA_PW, ["ok", "42"]),
            (self.tcp("svc", "require", **self.cert_kw(self.svc_cert)), None, ["ok", "42"]),
            (self.local("admin"), None, ["ok", "42"]),
            (self.tcp("mary", "disable"), "wrong", 'password authentication failed for user "mary"'),
            (self.tcp("eve", "disable"), "eve-secret", 'pg_hba.conf rejects connection for host "127.0.0.1"'),
            (self.tcp("svc", "require"), None, "connection requires a valid client certificate"),
        ]
        import json
        # Debian's psycopg 3 (python3-psycopg) is seen by /usr/bin/python3, which runs these tests.
        r = subprocess.run(["/usr/bin/python3", "-c", script,
                            json.dumps([[c, p] for c, p, _ in cases])],
                           capture_output=True, text=True, env=client_env(), timeout=120 * SLOW)
        self.assertEqual(r.returncode, 0, "psycopg 3 script failed (scripts/setup.sh --test installs "
                                          "python3-psycopg):\n" + r.stderr)
        results = json.loads(r.stdout)
        for (conninfo, _, expected), got in zip(cases, results):
            if expected[0] == "ok":
                self.assertEqual(got, ["ok", 42], conninfo)
            else:
                self.assertEqual(got[0], "error", conninfo)
                self.assertIn(expected, got[1], conninfo)

    # Reload -------------------------------------------------------------------------

    def test_sighup_rereads_the_files_for_new_connections(self):
        d = tempfile.mkdtemp(dir=self.dir)
        hba = os.path.join(d, "pg_hba.conf")
        with open(hba, "w") as f:
            f.write("host all mary all md5\n")
        s = self.start_server("sqlite_server", "--listen", "127.0.0.1:0", "--hba", hba, "--users", self.users)
        # mary starts authenticating under the first rules: the MD5 request.
        before = pgproto.Conn(port=s.port)
        self.addCleanup(before.close)
        before.send(pgproto.startup_packet("mary", "postgres"))
        kind, body = before.read_message()
        self.assertEqual((kind, body[:4]), ("R", b"\0\0\0\5"))
        with open(hba, "w") as f:
            f.write("host all mary all reject\nhost all newbie all trust\n")
        s.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10 * SLOW
        while True:  # polling a condition (the reload happens on the server's signal thread)
            result = self.protocol_on(s, "newbie")
            if result == [0]:
                break
            self.assertLess(time.monotonic(), deadline, "the new rules are not used: %r" % (result,))
            time.sleep(0.02)
        # The login that started before the reload finishes under the old rule.
        inner = hashlib.md5((MARY_PW + "mary").encode()).hexdigest()
        before.send(pgproto.message("p", pgproto.cstr(
            "md5" + hashlib.md5(inner.encode() + body[4:8]).hexdigest())))
        before.finish_startup("mary", MARY_PW)
        self.assertEqual(before.simple_query("select 7")[0]["rows"], [["7"]])
        e = self.protocol_on(s, "mary", MARY_PW)
        self.assertEqual(e.message, 'pg_hba.conf rejects connection for host "127.0.0.1", user "mary", '
                                    'database "postgres", no encryption')
        # A bad file on SIGHUP: said on stderr, the rules in force stay.
        with open(hba, "w") as f:
            f.write("host all all all trust\nhost all all 10.0.0.0/33 md5\n")
        s.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10 * SLOW
        while "not reloaded" not in s.stderr():  # polling a condition, as above
            self.assertLess(time.monotonic(), deadline, "no word of the failed reload")
            time.sleep(0.02)
        self.assertIn('line 2 of configuration file "%s": invalid CIDR mask' % hba, s.stderr())
        self.assertEqual(self.protocol_on(s, "newbie"), [0])
        self.assertIsInstance(self.protocol_on(s, "mary", MARY_PW), pgproto.ServerError)

    def protocol_on(self, server, user, password=None):
        with pgproto.Conn(port=server.port) as c:
            try:
                return auth_requests(c.startup(user, password, database="postgres"))
            except pgproto.ServerError as e:
                return e

    # The example files --------------------------------------------------------------

    def test_example_files_serve_their_users(self):
        s = self.start_server("sqlite_server", "--listen", "127.0.0.1:0",
                              "--hba", os.path.join(EXAMPLE_AUTH, "pg_hba.conf"),
                              "--users", os.path.join(EXAMPLE_AUTH, "users.txt"))
        for user, password, codes in (("app", "app-secret", [10, 11, 12, 0]),
                                      ("legacy", "legacy-secret", [5, 0]),
                                      ("clara", "clara secret", [3, 0])):
            with pgproto.Conn(port=s.port) as c:
                self.assertEqual(auth_requests(c.startup(user, password)), codes, user)
        with pgproto.Conn(port=s.port) as c:
            with self.assertRaises(pgproto.ServerError) as e:
                c.startup("eve", "eve-secret")
            self.assertEqual(e.exception.sqlstate, "28000")

    def test_bad_files_stop_the_server_with_the_line(self):
        bad = os.path.join(self.dir, "bad_hba.conf")
        with open(bad, "w") as f:
            f.write("local all all trust\nhost all all 10.0.0.0/33 md5\n")
        bad_users = os.path.join(self.dir, "bad_users.txt")
        secret = "SCRAM-SHA-256$4096:broken-secret-text"
        with open(bad_users, "w") as f:
            f.write("# users\n\nscott %s\n" % secret)
        from harness import program
        r = subprocess.run([program("sqlite_server"), "--listen", "127.0.0.1:0", "--hba", bad],
                           capture_output=True, text=True, timeout=60 * SLOW)
        self.assertEqual(r.returncode, 2)
        self.assertIn('line 2 of configuration file "%s": invalid CIDR mask in address "10.0.0.0/33"' % bad,
                      r.stderr)
        r = subprocess.run([program("sqlite_server"), "--listen", "127.0.0.1:0", "--hba", self.hba,
                            "--users", bad_users], capture_output=True, text=True, timeout=60 * SLOW)
        self.assertEqual(r.returncode, 2)
        self.assertIn('line 3 of configuration file "%s": user "scott" has a secret that starts like a SCRAM '
                      'secret but is not a valid one' % bad_users, r.stderr)
        self.assertNotIn("broken-secret-text", r.stderr + r.stdout)


if __name__ == "__main__":
    unittest.main()
