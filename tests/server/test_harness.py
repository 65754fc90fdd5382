"""The harness's own checks can fail: ServerProcess.stop() rejects a server
that ignores SIGTERM, exits with a status other than 0 (as a LeakSanitizer
report makes it), dies of the signal, dies during the test, or prints a
sanitizer report. A stand-in server (a few lines of Python that print
"listening on" and then behave as told) plays each case; the real servers
are checked by every other module, in every test's cleanup."""

import os
import sys
import unittest

from harness import ServerProcess

STAND_IN = r'''
import os, signal, sys
mode = sys.argv[1]
def leave(status, text=""):
    sys.stderr.write(text)
    sys.stderr.flush()
    os._exit(status)
if mode == "ignore":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
elif mode == "clean":
    signal.signal(signal.SIGTERM, lambda *a: leave(0))
elif mode == "status":
    signal.signal(signal.SIGTERM, lambda *a: leave(23))
elif mode == "report":
    signal.signal(signal.SIGTERM, lambda *a: leave(
        0, "==1==ERROR: LeakSanitizer: detected memory leaks\n"))
# mode "default": SIGTERM's default action kills the process.
print("listening on 127.0.0.1:1", flush=True)
if mode == "die":
    leave(7)
while True:
    signal.pause()
'''


class StopCheckTest(unittest.TestCase):

    def start(self, mode):
        s = ServerProcess("stand-in (%s)" % mode, argv=[sys.executable, "-c", STAND_IN, mode],
                          stop_timeout=2.0)
        self.addCleanup(s.kill)
        return s

    def assert_stop_fails(self, s, text):
        with self.assertRaises(AssertionError) as e:
            s.stop()
        self.assertIn(text, str(e.exception))
        self.assertIsNotNone(s.proc.poll(), "the process is left running")

    def test_clean_exit_passes(self):
        self.start("clean").stop()

    def test_ignoring_sigterm_fails(self):
        self.assert_stop_fails(self.start("ignore"), "did not exit within 2 s of SIGTERM (killed)")

    def test_death_by_sigterm_fails(self):
        self.assert_stop_fails(self.start("default"), "killed by signal 15")

    def test_non_zero_status_fails(self):
        self.assert_stop_fails(self.start("status"), "exited with status 23 after SIGTERM, not 0")

    def test_sanitizer_report_fails(self):
        self.assert_stop_fails(self.start("report"), "reported a sanitizer error")

    def test_death_during_the_test_fails(self):
        s = self.start("die")
        s.proc.wait(30)
        self.assert_stop_fails(s, "exited by itself during the test with status 7")


if __name__ == "__main__":
    unittest.main()
