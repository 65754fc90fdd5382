"""Shared by the Python driver programs of the compat suite: configuration
from COMPAT_* variables, the test values, and the JSON reporting.

A feature is a function; it passes when it returns, fails when it raises
(the exception text and the SQL being run are reported)."""

import datetime
import json
import os
import sys
import traceback

ENV = os.environ
DIALECT = ENV.get("COMPAT_DIALECT", "postgres")
TABLE = ENV.get("COMPAT_TABLE", "compat_py")
SQL_CREATE = ENV.get("COMPAT_SQL_CREATE", "")
SQL_ROWS = ENV.get("COMPAT_SQL_ROWS", "")
ROWS = int(ENV.get("COMPAT_ROWS", "100000"))
HOST, PORT, USER = ENV.get("COMPAT_HOST"), int(ENV.get("COMPAT_PORT", "0")), ENV.get("COMPAT_USER")
SCRAM_HOST, SCRAM_PORT = ENV.get("COMPAT_SCRAM_HOST"), int(ENV.get("COMPAT_SCRAM_PORT", "0"))
SCRAM_USER, SCRAM_PASSWORD = ENV.get("COMPAT_SCRAM_USER"), ENV.get("COMPAT_SCRAM_PASSWORD")
DBNAME = ENV.get("COMPAT_DBNAME", "postgres")
TRUST_DSN, SCRAM_DSN = ENV.get("COMPAT_TRUST_DSN"), ENV.get("COMPAT_SCRAM_DSN")
TLS_DSN = ENV.get("COMPAT_TLS_DSN")  # the trust endpoint with sslmode=require
MISSING_TABLE = "compat_no_such_table"
TIMEOUT = float(ENV.get("COMPAT_TIMEOUT", "15"))  # seconds before a feature counts as hung

# (feature, column, value). Each feature uses its own row id (index + 1).
PARAMS = [
    ("param_int", "i", 1234567890123),
    ("param_text", "s", "it's ünïcode ✓"),
    ("param_null", "s", None),
    ("param_float", "f", 3.25),
    ("param_bool", "b", True),
    ("param_bytea", "bin", b"\x00\x01\xfe\xff"),
    ("param_date", "d", datetime.date(2024, 2, 29)),
    ("param_timestamp", "ts", datetime.datetime(2024, 2, 29, 12, 34, 56, 789000)),
]


class Check(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Check(what)


def eq(got, want, what=""):
    if got != want or type(got) is not type(want):
        raise Check("%sgot %r (%s), want %r (%s)" % (what + ": " if what else "", got,
                                                     type(got).__name__, want, type(want).__name__))


def loose_int(v):
    """An integer result whatever the type the server announced (text or int)."""
    return int(v) if not isinstance(v, (bytes, bytearray, memoryview)) else int(bytes(v))


def pg_placeholders(sql, style):
    """$1..$n -> %s (psycopg) or ? (ODBC)."""
    import re
    return re.sub(r"\$\d+", style, sql)


class Reporter:
    def __init__(self):
        self.query = None  # the SQL in flight, reported with a failure

    def sql(self, text):
        self.query = text
        return text

    def run(self, feature, fn, *args):
        self.query = None
        try:
            fn(*args)
        except BaseException as e:  # noqa: BLE001 - every failure is a result
            if isinstance(e, KeyboardInterrupt):
                raise
            msg = "%s: %s" % (type(e).__name__, str(e).strip())
            code = getattr(e, "pgcode", None) or getattr(e, "sqlstate", None)
            if code:
                msg = "[%s] %s" % (code, msg)
            if not isinstance(e, Check):
                tb = traceback.extract_tb(e.__traceback__)
                mine = [f for f in tb if "compat" in os.path.basename(f.filename)]
                if mine:
                    msg += " (at %s:%d)" % (os.path.basename(mine[-1].filename), mine[-1].lineno)
            self.emit(feature, False, msg)
        else:
            self.emit(feature, True)

    def emit(self, feature, ok, error=None):
        r = {"feature": feature, "ok": ok}
        if not ok:
            r["error"] = error
            if self.query:
                r["query"] = self.query
        print(json.dumps(r), flush=True)

    def table_failure(self, e):
        """The error every table feature reports when the test table could not be made."""
        text = "creating the test table failed: %s" % str(e).strip()
        return text + (" (query: %s)" % self.query if self.query else "")

    def fail_all(self, features, error):
        for f in features:
            self.emit(f, False, error)


# run_plan(): the shared order of a synchronous driver's features. A step is
# MAKE_TABLE (create the test table here) or (feature, needs_table, fn, *args); a
# step that needs the table reports the table's failure instead of running.
MAKE_TABLE = object()


def param_steps(param):
    """One step per PARAMS entry, each calling param(col, n, value)."""
    return [(feature, True, param, col, n, value)
            for n, (feature, col, value) in enumerate(PARAMS, 1)]


def run_plan(reporter, setup_table, steps):
    table_error = None
    for step in steps:
        if step is MAKE_TABLE:
            try:
                setup_table()
            except Exception as e:  # noqa: BLE001
                table_error = reporter.table_failure(e)
            continue
        feature, needs_table, fn, *args = step
        if needs_table and table_error:
            reporter.emit(feature, False, table_error)
        else:
            reporter.run(feature, fn, *args)


def main_guard(fn):
    try:
        fn()
    except SystemExit:
        raise
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
        sys.exit(3)
