"""TLS options through the examples' flags (examples/common.hpp), with psql
and Python's ssl client: client certificates (--tls-ca, --tls-client-cert
optional/required) and PostgreSQL's `cert` authentication (--auth cert: the
verified certificate's CN is the user), the protocol floor
(--tls-min-version), the TLS 1.2 cipher list (--tls-ciphers), and reloading
the certificate on SIGHUP for new connections while a session keeps its own.
Client certificates are made here with openssl from the test CA."""

import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import unittest

import pgproto
from harness import SLOW, ServerTestCase, tls_files, tool


def openssl(*args, cwd):
    r = subprocess.run([tool("openssl")] + list(args), cwd=cwd, capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        raise AssertionError("openssl %s failed:\n%s" % (" ".join(args), r.stderr))


def make_cert(d, name, cn, ca_crt, ca_key, san=None, subject=None):
    """name.crt / name.key in d: CN=cn (or the whole subject), signed by the CA, with DNS SANs."""
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
            "-subj", subject or "/CN=" + cn, cwd=d)
    args = ["x509", "-req", "-in", name + ".csr", "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
            "-out", name + ".crt", "-days", "30", "-sha256"]
    if san:
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("subjectAltName=" + ",".join("DNS:" + n for n in san) + "\n")
        args += ["-extfile", name + ".ext"]
    openssl(*args, cwd=d)
    os.chmod(os.path.join(d, name + ".key"), 0o600)
    return os.path.join(d, name + ".crt"), os.path.join(d, name + ".key")


class TlsOptionsTest(ServerTestCase):

    @classmethod
    def setUpClass(cls):
        cls.ca, cls.server_crt, cls.server_key = tls_files()
        cls.dir = tempfile.mkdtemp(prefix="pgwire-tls-options-")
        ca_key = os.path.join(os.path.dirname(cls.ca), "ca.key")
        cls.alice = make_cert(cls.dir, "alice", "alice", cls.ca, ca_key, san=["alice.example"])
        # The same CN from a CA the server does not trust.
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "rogue-ca.key", "-out",
                "rogue-ca.crt", "-days", "30", "-subj", "/CN=rogue CA", cwd=cls.dir)
        cls.rogue = make_cert(cls.dir, "rogue", "alice", "rogue-ca.crt", "rogue-ca.key")
        cls.two_names = make_cert(cls.dir, "two", "alice", cls.ca, ca_key,
                                  san=["alice.example", "second.example"], subject="/O=Example/CN=alice")
        cls.other_server = make_cert(cls.dir, "other", "localhost", cls.ca, ca_key,
                                     san=["localhost"])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def start(self, *args, cert=None, key=None):
        return self.start_server("server", "--listen", "127.0.0.1:0",
                                 "--tls-cert", cert or self.server_crt,
                                 "--tls-key", key or self.server_key, *args)

    def psql_cert(self, s, user, cert=None, expect_ok=True):
        kw = {"sslmode": "require", "user": user}
        if cert:
            kw.update(sslcert=cert[0], sslkey=cert[1])
        return self.psql(self.conninfo(s, **kw), "-At", "-c", "select 1", expect_ok=expect_ok)

    def test_cert_auth_with_optional_client_certificates(self):
        s = self.start("--auth", "cert", "--tls-ca", self.ca, "--tls-client-cert", "optional")
        r = self.psql_cert(s, "alice", self.alice)
        self.assertIn("select 1", r.stdout)
        # Another user with alice's certificate: PostgreSQL's cert failure.
        r = self.psql_cert(s, "bob", self.alice, expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('certificate authentication failed for user "bob"', r.stderr)
        # No certificate: allowed by the handshake, refused by `cert`.
        r = self.psql_cert(s, "alice", None, expect_ok=False)
        self.assertIn("connection requires a valid client certificate", r.stderr)
        # A certificate the CA did not sign fails the handshake.
        r = self.psql_cert(s, "alice", self.rogue, expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertNotIn("select 1", r.stdout)
        self.assertIn("select 1", self.psql_cert(s, "alice", self.alice).stdout)

    def test_certificate_facts_reach_the_startup_handler(self):
        s = self.start_server("cert_facts_server", "--listen", "127.0.0.1:0",
                              "--tls-cert", self.server_crt, "--tls-key", self.server_key,
                              "--tls-ca", self.ca, "--tls-client-cert", "optional")
        r = self.psql_cert(s, "alice", self.two_names, expect_ok=False)
        self.assertIn("cn=[alice] dns=[alice.example,second.example] subject=[CN=alice,O=Example]",
                      r.stderr)
        r = self.psql_cert(s, "alice", None, expect_ok=False)
        self.assertIn("no client certificate", r.stderr)

    def test_required_client_certificates(self):
        s = self.start("--auth", "trust", "--tls-ca", self.ca, "--tls-client-cert", "required")
        r = self.psql_cert(s, "alice", None, expect_ok=False)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("select 1", self.psql_cert(s, "carol", self.alice).stdout)

    def tls_conn(self, s, ctx):
        c = pgproto.Conn(port=s.port)
        self.assertEqual(c.request_ssl(), b"S")
        c.start_tls(ctx)
        return c

    def test_min_protocol_version(self):
        s = self.start("--tls-min-version", "TLSv1.3")
        old = pgproto.client_tls_context()
        old.maximum_version = ssl.TLSVersion.TLSv1_2
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.tls_conn(s, old).startup("postgres")
        with self.tls_conn(s, pgproto.client_tls_context()) as c:
            self.assertEqual(c.sock.version(), "TLSv1.3")
            c.startup("postgres")

    def test_cipher_list(self):
        s = self.start("--tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256")
        ctx = pgproto.client_tls_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        with self.tls_conn(s, ctx) as c:
            self.assertEqual(c.sock.cipher()[0], "ECDHE-RSA-AES128-GCM-SHA256")
            c.startup("postgres")
        ctx = pgproto.client_tls_context()
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("ECDHE-RSA-AES256-GCM-SHA384")
        with self.assertRaises((ssl.SSLError, ConnectionError)):
            self.tls_conn(s, ctx)

    def test_sighup_reloads_the_certificate_for_new_connections(self):
        d = tempfile.mkdtemp(dir=self.dir)
        cert, key = os.path.join(d, "server.crt"), os.path.join(d, "server.key")
        shutil.copy(self.server_crt, cert)
        shutil.copy(self.server_key, key)
        s = self.start(cert=cert, key=key)
        before = self.tls_conn(s, pgproto.client_tls_context())
        self.addCleanup(before.close)
        before.startup("postgres")
        first = before.sock.getpeercert(binary_form=True)
        shutil.copy(self.other_server[0], cert)
        shutil.copy(self.other_server[1], key)
        s.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10 * SLOW
        while True:  # polling a condition (the reload happens on the server's signal thread)
            with self.tls_conn(s, pgproto.client_tls_context()) as c:
                served = c.sock.getpeercert(binary_form=True)
            if served != first:
                break
            self.assertLess(time.monotonic(), deadline, "the new certificate is not served")
            time.sleep(0.02)
        with open(self.other_server[0]) as f:
            self.assertEqual(served, ssl.PEM_cert_to_DER_cert(f.read()))
        # The session from before goes on with its own.
        self.assertEqual(before.simple_query("select 1")[0]["rows"], [["select 1", "8"]])


if __name__ == "__main__":
    unittest.main()
