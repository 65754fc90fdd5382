"""Drives ReplicationStream.java (pgjdbc's PGReplicationStream) for
tests/server/test_replication.py: one JVM per test, fed commands on stdin,
its answer lines read with a deadline."""

import os
import re
import select
import subprocess
import time

from harness import SLOW, client_env, tool

HERE = os.path.dirname(os.path.abspath(__file__))
LSN = re.compile(r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$")


class JavaClient:
    """ReplicationStream.java on pgjdbc, driven by lines from a test
    (a unittest.TestCase: its assertions fail the test, its cleanups kill
    the JVM)."""

    def __init__(self, test, slot, jar, guard):
        if not os.path.exists(jar):
            raise AssertionError("%s is missing: install libpostgresql-jdbc-java (scripts/setup.sh)" % jar)
        self.test = test
        self.guard = guard
        source = os.path.join(HERE, "ReplicationStream.java")
        self.proc = subprocess.Popen(
            [tool("java"), "-cp", jar, source, test.host, str(test.target_port()), test.dbname,
             test.user, slot],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=client_env())
        test.addCleanup(self.kill)
        self.buffer = b""

    def send(self, command):
        self.proc.stdin.write(command.encode() + b"\n")
        self.proc.stdin.flush()

    def line(self, timeout=60.0 * SLOW):
        """The next line it prints; the first one waits for the JVM to compile the source."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.proc.stdout], [], [], left)[0]:
                self.test.fail("ReplicationStream.java printed no line within %.0f s (got %r)"
                               % (timeout, self.buffer))
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                self.proc.wait(10)
                self.test.fail("ReplicationStream.java exited (%s) mid-line %r; stderr:\n%s"
                               % (self.proc.returncode, self.buffer, self.proc.stderr.read().decode()))
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        line = line.decode()
        if line.startswith("error "):
            self.test.fail("ReplicationStream.java: %s" % line)
        return line

    def messages(self, count, flushed_after=0):
        """(LSN, text) of `count` streamed messages, through "closed"."""
        out = []
        for i in range(1, count + 1):
            m = re.fullmatch(r"message (\S+) (.*)", self.line())
            self.test.assertIsNotNone(m)
            self.test.assertRegex(m.group(1), LSN)
            out.append((m.group(1), m.group(2)))
            if i == flushed_after:
                self.test.assertEqual(self.line(), "flushed " + m.group(1))
        self.test.assertEqual(self.line(), "closed")
        return out

    def finish(self):
        self.proc.stdin.close()
        self.test.assertEqual(self.proc.wait(self.guard), 0, self.proc.stderr.read().decode())

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass
