#!/usr/bin/python3
"""Runs test modules of the server integration suite (unittest) and exits
non-zero on any failure, error, or when no test ran.

  /usr/bin/python3 -B tests/server/run.py [--build DIR] [test_auth test_tls ...] [-k PATTERN]

CTest runs one module per test (see CMakeLists.txt), with the environment
described in harness.py. By hand, --build DIR takes the programs from that
build tree instead (no module named: all of them).
"""

import os
import sys
import time
import unittest

sys.dont_write_bytecode = True  # keep the source tree clean
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def use_build_dir(build):
    """The environment CMake would set, for running by hand."""
    build = os.path.abspath(build)
    for name, sub in (("SERVER", "examples/server"), ("SECURE_SERVER", "examples/secure_server"),
                      ("SCRAM_SERVER", "examples/scram_server"),
                      ("SQLITE_SERVER", "examples/sqlite_server"),
                      ("AUTH_TIMEOUT_SERVER", "tests/server/auth_timeout_server"),
                      ("PQ_CLIENT", "tests/server/pq_client"),
                      ("LIBPQ_PROXY", "examples/libpq_proxy")):
        os.environ.setdefault("PGWIRE_BIN_" + name, os.path.join(build, sub))
    os.environ.setdefault("PGWIRE_COMPAT_WORK", os.path.join(build, "tests/server/proxy-work"))
    os.environ.setdefault("PGWIRE_MAKE_CERT",
                          os.path.join(HERE, "..", "..", "examples", "make-cert.sh"))
    try:
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            sanitized = any(line.strip() in ("PGWIRE_SANITIZE:BOOL=ON", "PGWIRE_SANITIZE:BOOL=1")
                            for line in f)
    except OSError:
        sanitized = False
    os.environ.setdefault("PGWIRE_SANITIZED", "1" if sanitized else "0")


def main(argv):
    names, patterns = [], []
    it = iter(argv)
    for a in it:
        if a == "-k":
            patterns.append(next(it))
        elif a == "--build":
            use_build_dir(next(it))
        else:
            names.append(a[:-3] if a.endswith(".py") else a)
    if not names:
        names = sorted(f[:-3] for f in os.listdir(HERE) if f.startswith("test_") and f.endswith(".py"))
    loader = unittest.TestLoader()
    if patterns:
        loader.testNamePatterns = ["*%s*" % p for p in patterns]
    suite = loader.loadTestsFromNames(names)
    started = time.monotonic()
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    # A test can fail and also error in its cleanup (a server that crashed):
    # count tests, not reports.
    failed = len({t.id() for t, _ in result.failures + result.errors}
                 | {t.id() for t in result.unexpectedSuccesses})
    passed = result.testsRun - failed - len(result.skipped)
    print("server tests (%s): %.1f s" % (" ".join(names), time.monotonic() - started))
    # The plain closing line; skips are listed so they cannot go unnoticed.
    print("%d passed, %d failed, %d skipped" % (passed, failed, len(result.skipped)))
    if result.testsRun == 0:
        print("no test ran: this is a failure")
        return 1
    return 0 if failed == 0 and not result.skipped else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
