"""Shared by the Python driver programs of the compat suite: configuration
from COMPAT_* variables, the test values, the JSON reporting, the feature
bodies the drivers have in common, and the type round trips (types.json).

A feature is a function; it passes when it returns, fails when it raises
(the exception text and the SQL being run are reported). A feature may return
a string: the result's "detail" (e.g. the formats a type round trip used)."""

import datetime
import decimal
import ipaddress
import json
import os
import re
import sys
import traceback
import uuid

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
# auth_md5, auth_cleartext, auth_cert (HBA_RULES in compat.py): one user per method.
AUTH_HOST, AUTH_PORT = ENV.get("COMPAT_AUTH_HOST"), int(ENV.get("COMPAT_AUTH_PORT", "0"))
MD5_USER, MD5_PASSWORD = ENV.get("COMPAT_MD5_USER"), ENV.get("COMPAT_MD5_PASSWORD")
CLEAR_USER, CLEAR_PASSWORD = ENV.get("COMPAT_CLEAR_USER"), ENV.get("COMPAT_CLEAR_PASSWORD")
CERT_USER, WRONG_PASSWORD = ENV.get("COMPAT_CERT_USER"), ENV.get("COMPAT_WRONG_PASSWORD")
MD5_DSN, MD5_WRONG_DSN = ENV.get("COMPAT_MD5_DSN"), ENV.get("COMPAT_MD5_WRONG_DSN")
CLEAR_DSN, CLEAR_WRONG_DSN = ENV.get("COMPAT_CLEAR_DSN"), ENV.get("COMPAT_CLEAR_WRONG_DSN")
CERT_DSN, CERT_NOCERT_DSN = ENV.get("COMPAT_CERT_DSN"), ENV.get("COMPAT_CERT_NOCERT_DSN")
SSLCERT, SSLKEY, SSLROOTCERT = ENV.get("COMPAT_SSLCERT"), ENV.get("COMPAT_SSLKEY"), ENV.get("COMPAT_SSLROOTCERT")
MISSING_TABLE = "compat_no_such_table"
# Features expected_gaps.txt says wedge this server ("skip:"): reported failed, not run.
SKIP = set(f for f in ENV.get("COMPAT_SKIP", "").split(",") if f)
SKIPPED = "not run: listed in expected_gaps.txt with skip: (see its reason)"
TIMEOUT = float(ENV.get("COMPAT_TIMEOUT", "15"))  # seconds before a feature counts as hung
TYPES_PATH = ENV.get("COMPAT_TYPES", "")
TYPES_TABLE = ENV.get("COMPAT_TYPES_TABLE", "compat_types_py")
SQL_CREATE_TYPES = ENV.get("COMPAT_SQL_CREATE_TYPES", "")

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


def plain(v):
    """bytes for the bytes-like values drivers return for bytea (memoryview, bytearray)."""
    return bytes(v) if isinstance(v, (bytearray, memoryview)) else v


def pg_placeholders(sql, style):
    """$1..$n -> %s (psycopg) or ? (ODBC); style None keeps $n."""
    return sql if style is None else re.sub(r"\$\d+", style, sql)


def describe(e):
    """An exception as a result's error text: [SQLSTATE] Type: message."""
    msg = "%s: %s" % (type(e).__name__, str(e).strip())
    code = getattr(e, "pgcode", None) or getattr(e, "sqlstate", None)
    return "[%s] %s" % (code, msg) if code else msg


class Reporter:
    def __init__(self):
        self.query = None  # the SQL in flight, reported with a failure

    def sql(self, text):
        self.query = text
        return text

    def run(self, feature, fn, *args):
        self.query = None
        if feature in SKIP:
            self.emit(feature, False, SKIPPED)
            return
        try:
            detail = fn(*args)
        except BaseException as e:  # noqa: BLE001 - every failure is a result
            if isinstance(e, KeyboardInterrupt):
                raise
            msg = describe(e)
            if not isinstance(e, Check):
                tb = traceback.extract_tb(e.__traceback__)
                mine = [f for f in tb if "compat" in os.path.basename(f.filename)]
                if mine:
                    msg += " (at %s:%d)" % (os.path.basename(mine[-1].filename), mine[-1].lineno)
            self.emit(feature, False, msg)
        else:
            self.emit(feature, True, detail=detail if isinstance(detail, str) else None)

    def emit(self, feature, ok, error=None, detail=None):
        r = {"feature": feature, "ok": ok}
        if not ok:
            r["error"] = error
            if self.query:
                r["query"] = self.query
        elif detail:
            r["detail"] = detail
        print(json.dumps(r), flush=True)

    def table_failure(self, e, what="the test table"):
        """The error every feature needing a table reports when it could not be made."""
        text = "creating %s failed: %s" % (what, str(e).strip())
        return text + (" (query: %s)" % self.query if self.query else "")

    def fail_all(self, features, error):
        for f in features:
            self.emit(f, False, error)


class Connection:
    """The driver's main connection (made by connect_trust); features after a
    failed connect fail with its error."""

    def __init__(self):
        self.conn, self.error = None, None

    def open(self, connect):
        try:
            self.conn = connect()
        except Exception as e:
            self.error = str(e).strip()
            raise
        return self.conn

    def __call__(self):
        if self.conn is None:
            raise Check("no connection (connect_trust failed: %s)" % self.error)
        return self.conn


# run_plan(): the shared order of a driver's features. A step is MAKE_TABLE
# (create the test table here), MAKE_TYPES_TABLE (create the types table here)
# or (feature, needs, fn, *args) with needs False, True (the test table) or
# MAKE_TYPES_TABLE; a step whose table could not be made reports that failure
# instead of running.
MAKE_TABLE = True
MAKE_TYPES_TABLE = "types table"


def param_steps(param):
    """One step per PARAMS entry, each calling param(col, n, value)."""
    return [(feature, True, param, col, n, value)
            for n, (feature, col, value) in enumerate(PARAMS, 1)]


def run_plan(reporter, setup_table, steps, setup_types=None):
    setups = {MAKE_TABLE: (setup_table, "the test table"),
              MAKE_TYPES_TABLE: (setup_types, "the types table %s" % TYPES_TABLE)}
    errors = {}
    for step in steps:
        if not isinstance(step, tuple):
            reporter.query = None
            setup, what = setups[step]
            try:
                setup()
            except Exception as e:  # noqa: BLE001
                errors[step] = reporter.table_failure(e, what)
            continue
        feature, needs, fn, *args = step
        if needs and needs in errors:
            reporter.emit(feature, False, errors[needs])
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


# ---------------------------------------------------------------------------
# Feature bodies shared by the drivers. q(sql, params, fetch=...) is the
# driver's query function: fetch "all" (rows), "one" (a row) or None (the
# DB-API cursor; asyncpg: the command tag).

def select_one(reporter, c):
    """SELECT 1 on a DB-API connection c."""
    cur = c.cursor()
    cur.execute(reporter.sql("SELECT 1"))
    eq(loose_int(cur.fetchone()[0]), 1)


# Authentication features. `connect(what)` logs in ("right", "wrong" password,
# or "nocert" for the certificate user without its certificate) and returns a
# connection; `select_one(c)` runs SELECT 1 on it and closes it; `sqlstate(e)`
# is the SQLSTATE the driver exposes on a refused login, or None when it has
# none (then its message must carry PostgreSQL's text).
PASSWORD_REFUSED = ("28P01", 'password authentication failed for user "%s"')
CERT_REFUSED = ("28000", "connection requires a valid client certificate")


def expect_refused(attempt, want, sqlstate):
    code, message = want
    try:
        c = attempt()
    except Exception as e:  # noqa: BLE001 - the refusal under test
        got = sqlstate(e)
        if got is not None:
            eq(got, code, "SQLSTATE of the refused login (%s)" % str(e).strip())
        else:
            check(message in str(e), "refused login: want %r in the error, got %s" % (message, describe(e)))
        return
    try:
        c.close()
    finally:
        raise Check("the login succeeded; want it refused with %s %s" % (code, message))


def auth_password(reporter, user, connect, select_one, sqlstate):
    reporter.sql("(login as %s, right password)" % user)
    select_one(connect("right"))
    reporter.sql("(login as %s, wrong password)" % user)
    expect_refused(lambda: connect("wrong"), (PASSWORD_REFUSED[0], PASSWORD_REFUSED[1] % user), sqlstate)


def auth_cert(reporter, connect, select_one, sqlstate):
    reporter.sql("(login as %s over TLS with its client certificate)" % CERT_USER)
    select_one(connect("right"))
    reporter.sql("(login as %s over TLS without a client certificate)" % CERT_USER)
    expect_refused(lambda: connect("nocert"), CERT_REFUSED, sqlstate)


def libpq_dsn(kind, which):
    """The conninfo of a libpq-based driver for an authentication feature."""
    return {("md5", "right"): MD5_DSN, ("md5", "wrong"): MD5_WRONG_DSN,
            ("clear", "right"): CLEAR_DSN, ("clear", "wrong"): CLEAR_WRONG_DSN,
            ("cert", "right"): CERT_DSN, ("cert", "nocert"): CERT_NOCERT_DSN}[(kind, which)]


def auth_steps(reporter, connect, select_one, sqlstate):
    """The three steps; connect(kind, which) with kind md5, clear or cert."""
    return [
        ("auth_md5", False, auth_password, reporter, MD5_USER, lambda w: connect("md5", w), select_one, sqlstate),
        ("auth_cleartext", False, auth_password, reporter, CLEAR_USER, lambda w: connect("clear", w),
         select_one, sqlstate),
        ("auth_cert", False, auth_cert, reporter, lambda w: connect("cert", w), select_one, sqlstate),
    ]


def simple_query(q):
    eq(loose_int(q("SELECT 1 AS one", fetch="one")[0]), 1)


def recreate_table(q, table=TABLE, create=SQL_CREATE):
    q("DROP TABLE IF EXISTS %s" % table, fetch=None)
    q(create, fetch=None)


def recreate_types_table(q):
    recreate_table(q, TYPES_TABLE, SQL_CREATE_TYPES)


def param_round_trip(q, style, col, ident, value, decode=plain):
    """INSERT value as parameter $2 of row ident, SELECT it back: equal, same type."""
    q(pg_placeholders("INSERT INTO %s (id, %s) VALUES ($1, $2)" % (TABLE, col), style),
      (ident, value), fetch=None)
    got = q(pg_placeholders("SELECT %s FROM %s WHERE id = $1" % (col, TABLE), style), (ident,))
    check(len(got) == 1, "got %d rows, want 1" % len(got))
    eq(decode(got[0][0]), value)


def error_sqlstate(q, error, sqlstate):
    """A missing table: the driver's error class with SQLSTATE 42P01; then the
    connection still works. sqlstate(e) reads the code from the driver's error."""
    try:
        q("SELECT * FROM %s" % MISSING_TABLE)
    except error as e:
        eq(sqlstate(e), "42P01", "SQLSTATE (%s)" % str(e).strip()[:200])
    else:
        raise Check("no error for a missing table")
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def multi_statement_sets(q):
    """Two statements in one string; the driver gives each result (cursor.nextset())."""
    cur = q("SELECT 1; SELECT 2", fetch=None)
    values = [loose_int(cur.fetchone()[0])]
    while cur.nextset():
        values.append(loose_int(cur.fetchone()[0]))
    eq(values, [1, 2], "results")


def count(q, ident):
    return loose_int(q("SELECT count(*) FROM %s WHERE id = %d" % (TABLE, ident), fetch="one")[0])


def transaction(q, c, error, status=None, states=(None, None, None)):
    """BEGIN/ROLLBACK/COMMIT through the DB-API connection c (autocommit off):
    a rolled-back row is gone, a committed one stays. Where the driver tells
    the status (status() and its values (idle, in transaction, in error)), it
    is checked at each step."""
    idle, intrans, inerror = states

    def expect(state, what):
        if status is not None:
            eq(status(), state, what)

    c.autocommit = False
    ok = False
    try:
        expect(idle, "status before")
        q("INSERT INTO %s (id, s) VALUES (100, 'rolled back')" % TABLE, fetch=None)  # BEGIN first
        expect(intrans, "status in transaction")
        c.rollback()
        expect(idle, "status after rollback")
        q("INSERT INTO %s (id, s) VALUES (101, 'committed')" % TABLE, fetch=None)
        c.commit()
        try:
            q("SELECT * FROM %s" % MISSING_TABLE)
        except error:
            pass
        expect(inerror, "status after an error")
        c.rollback()
        expect(idle, "status after rollback")
        ok = True
    finally:
        if not ok:
            c.rollback()
        c.autocommit = True
    eq(count(q, 100), 0, "rolled-back row")
    eq(count(q, 101), 1, "committed row")


def rows_100k(q):
    rows = q(SQL_ROWS)
    eq(len(rows), ROWS, "rows")
    eq(loose_int(rows[-1][0]), ROWS, "last value")


def check_stream(rows):
    """Counts the rows of a streamed SQL_ROWS (an iterable of rows)."""
    n, last = 0, None
    for row in rows:
        n, last = n + 1, row[0]
    eq(n, ROWS, "rows")
    eq(loose_int(last), ROWS, "last value")


# ---------------------------------------------------------------------------
# Type round trips (features type_<name>): types.json gives PostgreSQL's text
# of one value per type; NATIVE builds the Python value a driver should send
# and decode from that text. A type without an entry is compared as text.

def parse_interval(text):
    """PostgreSQL's interval text (IntervalStyle postgres) -> timedelta; only
    days and a time (a timedelta has no months or years)."""
    m = re.fullmatch(r"(?:(-?\d+) days?)? ?(?:([+-]?)(\d+):(\d\d):(\d\d)(?:\.(\d{1,6}))?)?", text)
    if not m or not text:
        raise ValueError("interval %r: only days and a time have a timedelta" % text)
    days, sign, h, mi, sec, frac = m.groups()
    t = datetime.timedelta(hours=int(h or 0), minutes=int(mi or 0), seconds=int(sec or 0),
                           microseconds=int((frac or "").ljust(6, "0")))
    return datetime.timedelta(days=int(days or 0)) + (-t if sign == "-" else t)


def parse_array(text, element):
    """A one-dimensional PostgreSQL array text -> list (NULL -> None)."""
    check(text[:1] == "{" and text[-1:] == "}" and "{" not in text[1:],
          "%r: not a one-dimensional array" % text)
    out, i = [], 1
    while i < len(text) - 1:
        if text[i] == '"':
            buf, i = [], i + 1
            while text[i] != '"':
                i += text[i] == "\\"
                buf.append(text[i])
                i += 1
            out.append(element("".join(buf)))
            i += 1
        else:
            j = i
            while text[j] not in ",}":
                j += 1
            out.append(None if text[i:j] == "NULL" else element(text[i:j]))
            i = j
        i += text[i] == ","
    return out


def parse_bytea(text):
    check(text.startswith("\\x"), "bytea %r: not in hex format" % text)
    return bytes.fromhex(text[2:])


NATIVE = {
    "int2": int, "int4": int, "int8": int, "oid": int,
    "float4": float, "float8": float, "numeric": decimal.Decimal,
    "bool": {"t": True, "f": False}.__getitem__,
    "text": str, "varchar": str, "bytea": parse_bytea,
    "date": datetime.date.fromisoformat,
    "time": datetime.time.fromisoformat, "timetz": datetime.time.fromisoformat,
    "timestamp": datetime.datetime.fromisoformat, "timestamptz": datetime.datetime.fromisoformat,
    "interval": parse_interval, "uuid": uuid.UUID,
    "json": json.loads, "jsonb": json.loads,
    "inet": ipaddress.ip_interface, "cidr": ipaddress.ip_network,
}


class TypeCase:
    """One entry of types.json: name, text, oid, the row id (index + 1), the
    column, base (the element type of <base>_array, else None) and native."""

    def __init__(self, index, spec):
        self.name, self.text, self.oid = spec["name"], spec["text"], spec["oid"]
        self.ident, self.column = index + 1, "v_" + spec["name"]
        self.base = self.name[:-len("_array")] if self.name.endswith("_array") else None
        if self.base is not None:
            element = NATIVE.get(self.base, str)
            self.native = parse_array(self.text, element)
        else:
            self.native = NATIVE.get(self.name, str)(self.text)


def load_types():
    with open(TYPES_PATH) as f:
        return [TypeCase(i, t) for i, t in enumerate(json.load(f)["types"])]


def same(got, want):
    """Exact equality: same type (a subclass is fine, except bool for int and
    datetime for date), the same UTC offset, a Decimal with the same digits."""
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(same, got, want))
    if isinstance(want, dict):
        return (isinstance(got, dict) and got.keys() == want.keys()
                and all(same(got[k], want[k]) for k in want))
    if type(got) is not type(want) and (not isinstance(got, type(want))
                                        or type(want) in (int, datetime.date)):
        return False
    if isinstance(want, (datetime.time, datetime.datetime)) and got.utcoffset() != want.utcoffset():
        return False
    if isinstance(want, decimal.Decimal):
        return str(got) == str(want)
    return got == want


def shown(v):
    return "%r (%s)" % (v, type(v).__name__)


def format_name(fmt):
    return {"t": "text", "b": "binary"}.get(fmt, fmt)


class TypeRoundTrip:
    """How one driver runs the type features; the runner (run) is shared.

    A subclass sets param_formats / result_formats (labels for the detail:
    "t", "b", "literal"; formats(case) may differ per type) and implements
    insert(sql, ident, value, fmt) and select(sql, ident, fmt) -> (rows,
    column type oid or None if the driver does not tell); sql uses $1/$2.
    param_value / want give the value sent and the value expected back: the
    native value unless the driver overrides; decode may fix up what the
    driver returned (with a reason)."""

    param_formats = ("t",)
    result_formats = ("t",)

    def param_value(self, case, fmt):
        return case.native

    def want(self, case, fmt):
        return case.native

    def insert(self, sql, ident, value, fmt):
        raise NotImplementedError

    def select(self, sql, ident, fmt):
        raise NotImplementedError

    def formats(self, case):
        return self.param_formats, self.result_formats

    def decode(self, case, got):
        return got

    def run(self, case):
        insert = "INSERT INTO %s (id, %s) VALUES ($1, $2)" % (TYPES_TABLE, case.column)
        select = "SELECT %s FROM %s WHERE id = $1" % (case.column, TYPES_TABLE)
        param_formats, result_formats = self.formats(case)
        for k, pfmt in enumerate(param_formats):
            ident = case.ident + 100 * k
            sent = self.param_value(case, pfmt)
            try:
                self.insert(insert, ident, sent, pfmt)
            except Exception as e:
                raise Check("sending %s as a %s parameter: %s"
                            % (shown(sent), format_name(pfmt), describe(e)))
            for rfmt in result_formats:
                want = self.want(case, rfmt)
                try:
                    rows, oid = self.select(select, ident, rfmt)
                    check(len(rows) == 1, "got %d rows, want 1" % len(rows))
                except Exception as e:
                    raise Check("reading back %s (sent as a %s parameter) in %s results: %s"
                                % (case.column, format_name(pfmt), format_name(rfmt),
                                   describe(e)))
                got = self.decode(case, plain(rows[0][0]))
                if not same(got, want):
                    raise Check("sent %s as a %s parameter, got %s in %s results, want %s"
                                % (shown(sent), format_name(pfmt), shown(got), format_name(rfmt),
                                   shown(want)))
                if oid is not None and oid != case.oid:
                    raise Check("column type oid %s in %s results, want %s"
                                % (oid, format_name(rfmt), case.oid))
        return "%s/%s" % ("+".join(param_formats), "+".join(result_formats))


def type_steps(round_trip):
    """MAKE_TYPES_TABLE, then one step per type of types.json."""
    return [MAKE_TYPES_TABLE] + [("type_" + case.name, MAKE_TYPES_TABLE, round_trip.run, case)
                                 for case in load_types()]


# ---------------------------------------------------------------------------
# COPY, cancel, LISTEN/NOTIFY (features copy_in, copy_out, cancel, notify).
# The data (compat.py, COPY_ROWS): row n has id n and s NULL when n % 100 == 0,
# else "r<n>" TAB BACKSLASH LF " ü✓".

COPY_TABLE = ENV.get("COMPAT_COPY_TABLE", "compat_copy_py")
SQL_CREATE_COPY = ENV.get("COMPAT_SQL_CREATE_COPY", "")
SQL_COPY_SEED = ENV.get("COMPAT_SQL_COPY_SEED", "")
COPY_ROWS = int(ENV.get("COMPAT_COPY_ROWS", "1000"))
CANCEL_WITHIN = float(ENV.get("COMPAT_CANCEL_WITHIN", "1"))
CHANNEL = ENV.get("COMPAT_CHANNEL", "compat_ch_py")
NOTIFY_WITHIN = float(ENV.get("COMPAT_NOTIFY_WITHIN", "1"))
NOTIFY_PAYLOAD = "payload ü %d"
SLEEP_SQL = "SELECT pg_sleep(10)"
CANCEL_RETRY = 0.1  # a cancel that came before the query started is lost: send it again


def copy_value(n):
    return None if n % 100 == 0 else "r%d\t\\\n \u00fc\u2713" % n


def copy_rows():
    return [(n, copy_value(n)) for n in range(1, COPY_ROWS + 1)]


def copy_escape(v):
    if v is None:
        return "\\N"
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_text():
    """The rows in COPY text format (what copy_in sends, what copy_out must receive)."""
    return "".join("%d\t%s\n" % (n, copy_escape(v)) for n, v in copy_rows())


def recreate_copy_table(q):
    recreate_table(q, COPY_TABLE, SQL_CREATE_COPY)


def check_copy_table(q):
    """After copy_in: the row count, then every row (SELECT ... ORDER BY id)."""
    eq(loose_int(q("SELECT count(*) FROM %s" % COPY_TABLE, fetch="one")[0]), COPY_ROWS, "rows")
    got = [(loose_int(i), s) for i, s in q("SELECT id, s FROM %s ORDER BY id" % COPY_TABLE)]
    check_rows(got)


def check_rows(got):
    want = copy_rows()
    eq(len(got), len(want), "rows")
    for g, w in zip(sorted(got, key=lambda r: r[0]), want):
        if g != w:
            raise Check("row %d: got %r, want %r" % (w[0], g, w))


def check_copy_out_text(text):
    """COPY ... TO STDOUT text (str): the lines, ordered by id, are copy_text()'s."""
    check(text.endswith("\n"), "the COPY data does not end with a newline: %r" % text[-40:])
    lines = text[:-1].split("\n")
    eq(len(lines), COPY_ROWS, "lines")
    lines.sort(key=lambda l: int(l.split("\t", 1)[0]) if l.split("\t", 1)[0].isdigit() else -1)
    want = copy_text()[:-1].split("\n")
    for g, w in zip(lines, want):
        if g != w:
            raise Check("line %r, want %r" % (g, w))


def seed_copy_table(q):
    recreate_copy_table(q)
    q(SQL_COPY_SEED, fetch=None)


def cancel_sleep(execute, cancel, sqlstate, after):
    """execute() runs SLEEP_SQL on the connection and blocks; meanwhile
    cancel() (the driver's cancel API, from another thread) is called every
    CANCEL_RETRY s until execute() ends. execute() must fail with SQLSTATE
    57014 (sqlstate(e)) within CANCEL_WITHIN s; then after() runs a query on the
    same connection."""
    import threading
    import time
    stop = threading.Event()
    errors = []

    def canceller():
        wait = CANCEL_RETRY / 2  # the first a little after the query was sent
        while not stop.wait(wait):
            wait = CANCEL_RETRY
            try:
                cancel()
            except Exception as e:  # noqa: BLE001
                errors.append(e)
                return

    t = threading.Thread(target=canceller, daemon=True)
    started = time.monotonic()
    t.start()
    failure = None
    try:
        execute()
    except Exception as e:  # noqa: BLE001
        failure = e
    elapsed = time.monotonic() - started
    stop.set()
    t.join(TIMEOUT)
    if errors:
        raise Check("the driver's cancel failed: %s" % describe(errors[0]))
    check(failure is not None, "%s was not cancelled (it ended after %.1f s)" % (SLEEP_SQL, elapsed))
    eq(sqlstate(failure), "57014", "SQLSTATE (%s)" % describe(failure)[:200])
    check(elapsed < CANCEL_WITHIN, "cancelled after %.2f s, want < %.1f s" % (elapsed, CANCEL_WITHIN))
    after()


def run_in_thread(fn):
    """Starts fn() in a thread; join() returns its result or raises its error."""
    import threading
    out = {}

    def body():
        try:
            out["value"] = fn()
        except BaseException as e:  # noqa: BLE001
            out["error"] = e

    t = threading.Thread(target=body, daemon=True)
    t.start()

    def join():
        t.join(TIMEOUT)
        if t.is_alive():
            raise Check("hung: %s did not return" % getattr(fn, "__name__", "a thread"))
        if "error" in out:
            raise out["error"]
        return out.get("value")
    return join


def notify_rounds(listen, wait, notify):
    """listen(): LISTEN CHANNEL on the listener connection; notify(payload):
    NOTIFY CHANNEL, payload from another connection; wait(deadline) -> the
    (channel, payload) received by the listener, which sends nothing (None at
    the deadline). Round 1: NOTIFY while the listener is idle, then it waits;
    round 2: the listener is already waiting (in a thread) when NOTIFY is sent."""
    import time
    listen()
    for k, threaded in ((1, False), (2, True)):
        payload = NOTIFY_PAYLOAD % k
        started = time.monotonic()
        if threaded:
            join = run_in_thread(lambda: wait(started + NOTIFY_WITHIN))
            notify(payload)
            got = join()
        else:
            notify(payload)
            got = wait(started + NOTIFY_WITHIN)
        what = "round %d (listener %s when NOTIFY was sent)" % (
            k, "waiting" if threaded else "idle")
        check(got is not None, "%s: no notification within %.1f s" % (what, NOTIFY_WITHIN))
        eq(tuple(got), (CHANNEL, payload), what)


class watchdog:
    """with watchdog(fileno): a connection that hangs (a server that never
    answers) longer than TIMEOUT has its socket shut down, so the driver's
    blocking call fails and the feature reports the hang."""

    def __init__(self, fileno):
        import threading
        self.fileno, self.fired = fileno, False
        self.timer = threading.Timer(TIMEOUT, self.fire)
        self.timer.daemon = True

    def fire(self):
        import socket
        self.fired = True
        try:
            s = socket.socket(fileno=os.dup(self.fileno))
            s.shutdown(socket.SHUT_RDWR)
            s.close()
        except OSError:
            pass

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, kind, value, tb):
        self.timer.cancel()
        if self.fired:
            raise Check("hung: no answer within %.0f s (COMPAT_TIMEOUT), the socket was shut down%s"
                        % (TIMEOUT, ": " + describe(value) if value is not None else ""))
        return False
