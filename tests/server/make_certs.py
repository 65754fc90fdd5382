#!/usr/bin/python3
"""CTest fixture: makes the TLS test CA and server certificate once per run
with examples/make-cert.sh into DIR (fails loudly without openssl)."""

import os
import shutil
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def main():
    d = sys.argv[1]
    shutil.rmtree(d, ignore_errors=True)
    harness.make_certificates(d)
    for f in ("ca.crt", "server.crt", "server.key"):
        if not os.path.exists(os.path.join(d, f)):
            raise SystemExit("make-cert.sh did not make %s in %s" % (f, d))
    print("TLS test certificates in %s" % d)


if __name__ == "__main__":
    main()
