"""psqlODBC (odbc-postgresql) through unixODBC and pyodbc, with a DSN-less
connection string naming the driver library. At connect psqlODBC sends
"SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation"
and "select oid, typbasetype from pg_type where typname = 'lo'"; with
UseServerSidePrepare=1 (its default) parameters go through Parse/Bind,
untyped (the server infers the types) and in text, bytea in binary;
UseDeclareFetch=1 reads with DECLARE/FETCH."""

import datetime

import pyodbc

import compat_common as cc
from compat_common import (DBNAME, HOST, MAKE_TABLE, PORT, SCRAM_HOST, SCRAM_PASSWORD, SCRAM_PORT,
                           SCRAM_USER, SQL_ROWS, USER, Reporter, check, eq, loose_int, main_guard,
                           param_steps, run_plan, type_steps)

DRIVER = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"
R = Reporter()
conn = cc.Connection()
types_conn = cc.Connection()
pyodbc.native_uuid = True  # uuid (SQL_GUID) as uuid.UUID, not a string


def connstr(host, port, user, password=None, extra="", sslmode="disable"):
    s = "Driver=%s;Server=%s;Port=%d;Database=%s;Uid=%s;SSLmode=%s;" % (
        DRIVER, host, port, DBNAME, user, sslmode)
    if password is not None:
        s += "Pwd={%s};" % password
    return s + extra


def connect(extra="", scram=False, autocommit=True):
    if scram:
        s = connstr(SCRAM_HOST, SCRAM_PORT, SCRAM_USER, SCRAM_PASSWORD, extra)
    else:
        s = connstr(HOST, PORT, USER, None, extra)
    # No pyodbc timeouts: psqlODBC refuses SQL_ATTR_CONNECTION_TIMEOUT; the
    # suite's time limit for the whole program catches a hang.
    return pyodbc.connect(s, autocommit=autocommit)


def query(connection):
    def q(sql, params=(), fetch="all"):
        cur = connection().cursor()
        cur.execute(R.sql(sql), *params)
        if fetch == "all":
            return cur.fetchall()
        if fetch == "one":
            return cur.fetchone()
        return cur
    return q


q = query(conn)


def connect_trust():
    R.sql("(connect: SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation; "
          "select oid, typbasetype from pg_type where typname = 'lo')")
    conn.open(connect)
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def connect_scram():
    R.sql("(connect with SCRAM)")
    c = connect(scram=True)
    cc.select_one(R, c)
    c.close()


def auth_connect(kind, which):
    if kind == "cert":
        # psqlODBC has no certificate options of its own: pqopt hands libpq's to libpq.
        extra = "pqopt={sslcert=%s sslkey=%s};" % (cc.SSLCERT, cc.SSLKEY) if which == "right" else ""
        R.sql("(connect with SSLmode=require%s)" % (" and " + extra if extra else ", no certificate"))
        return pyodbc.connect(connstr(cc.AUTH_HOST, cc.AUTH_PORT, cc.CERT_USER, None, extra, "require"),
                              autocommit=True)
    user, password = (cc.MD5_USER, cc.MD5_PASSWORD) if kind == "md5" else (cc.CLEAR_USER, cc.CLEAR_PASSWORD)
    return pyodbc.connect(connstr(cc.AUTH_HOST, cc.AUTH_PORT, user,
                                  password if which == "right" else cc.WRONG_PASSWORD), autocommit=True)


def auth_select_one(c):
    try:
        cc.select_one(R, c)
    finally:
        c.close()


def connect_tls():
    # psqlODBC connects through libpq; it does not tell whether TLS is in use.
    R.sql("(connect with SSLmode=require)")
    c = pyodbc.connect(connstr(HOST, PORT, USER, sslmode="require"), autocommit=True)
    try:
        cc.select_one(R, c)
    finally:
        c.close()


def expr_type():
    cur = q("SELECT 1 + 1 AS two", fetch=None)
    v = cur.fetchone()[0]
    check(cur.description[0][1] is int,
          "column type %s, want int (value %r)" % (cur.description[0][1].__name__, v))
    eq(v, 2)


def from_bools_as_char(v):
    return True if v == "1" else v  # psqlODBC's default BoolsAsChar=1 maps bool to SQL_CHAR


def transaction():
    cc.transaction(q, conn(), pyodbc.Error)


def batches(cur, size):
    while True:
        rows = cur.fetchmany(size)
        if not rows:
            return
        yield from rows


def stream_100k():
    c = connect("UseDeclareFetch=1;Fetch=1000;", autocommit=False)
    try:
        cur = c.cursor()
        cur.execute(R.sql(SQL_ROWS))
        cc.check_stream(batches(cur, 1000))
        c.commit()
    finally:
        c.close()


class Types(cc.TypeRoundTrip):
    """Results in text; psqlODBC binds parameters untyped, in text, except
    bytea (binary). On a connection of its own with BoolsAsChar=0 (bool as
    SQL_BIT, a Python bool). ODBC has SQL types for the types in NATIVE;
    psqlODBC describes the others (timetz, interval, json, jsonb, inet, cidr,
    arrays) as character data: those are sent and compared as PostgreSQL's
    text. pyodbc does not tell the column's type oid."""
    NATIVE = {"int2", "int4", "int8", "float4", "float8", "numeric", "bool", "text", "varchar",
              "bytea", "oid", "date", "time", "timestamp", "timestamptz", "uuid"}
    q = staticmethod(query(types_conn))

    def param_value(self, case, fmt):
        if case.name == "time":
            # pyodbc binds a time as SQL_TYPE_TIME, whose TIME_STRUCT has no
            # fraction of a second: the text keeps the microseconds.
            return case.text
        return self.want(case, fmt)

    def want(self, case, fmt):
        if case.name not in self.NATIVE:
            return case.text
        if case.name == "timestamptz":
            # SQL_TYPE_TIMESTAMP has no offset: psqlODBC gives the wall-clock
            # time in the session's time zone (UTC).
            return case.native.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return case.native

    def formats(self, case):
        return ("b",) if case.name == "bytea" else ("t",), ("t",)

    def decode(self, case, got):
        if case.name == "oid" and isinstance(got, int):
            # psqlODBC describes oid as SQL_INTEGER (signed 32 bits): pyodbc
            # reads 4000000000 as -294967296; the value is the unsigned reading.
            return got & 0xFFFFFFFF
        return got

    def insert(self, sql, ident, value, fmt):
        self.q(cc.pg_placeholders(sql, "?"), (ident, value), fetch=None)

    def select(self, sql, ident, fmt):
        return self.q(cc.pg_placeholders(sql, "?"), (ident,)), None


def setup_types():
    if types_conn.conn is None:
        conn()  # connect_trust failed: say so
        types_conn.open(lambda: connect("BoolsAsChar=0;"))
    cc.recreate_types_table(Types.q)


def cancel():
    """cursor.cancel() (SQLCancel: psqlODBC sends a CancelRequest) from another
    thread while cursor.execute runs pg_sleep(10), on a connection of its own."""
    c = connect()
    try:
        cur = c.cursor()
        cc.cancel_sleep(lambda: cur.execute(R.sql(cc.SLEEP_SQL)), cur.cancel, lambda e: e.args[0],
                        lambda: eq(loose_int(c.cursor().execute(R.sql("SELECT 1")).fetchone()[0]), 1,
                                   "after the cancel"))
    finally:
        c.close()


def main():
    run_plan(R, lambda: cc.recreate_table(q), [
        ("connect_trust", False, connect_trust),
        ("connect_scram", False, connect_scram),
        ("connect_tls", False, connect_tls),
        # The SQLSTATE of a refused login is ODBC's (08001): the message is checked.
        *cc.auth_steps(R, auth_connect, auth_select_one, lambda e: None),
        ("simple_query", False, cc.simple_query, q),
        ("expr_type", False, expr_type),
        MAKE_TABLE,
        *param_steps(lambda *a: cc.param_round_trip(q, "?", *a, decode=from_bools_as_char)),
        ("error_sqlstate", False, cc.error_sqlstate, q, pyodbc.Error, lambda e: e.args[0]),
        ("multi_statement", False, cc.multi_statement_sets, q),
        ("transaction", True, transaction),
        ("rows_100k", False, cc.rows_100k, q),
        ("stream_100k", False, stream_100k),
        *type_steps(Types()),
        ("cancel", False, cancel),
    ], setup_types=setup_types)
    for c in (conn.conn, types_conn.conn):
        if c is not None:
            c.close()


main_guard(main)
