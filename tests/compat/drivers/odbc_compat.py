"""psqlODBC (odbc-postgresql) through unixODBC and pyodbc, with a DSN-less
connection string naming the driver library. At connect psqlODBC sends
"SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation"
and "select oid, typbasetype from pg_type where typname = 'lo'"; with
UseServerSidePrepare=1 (its default) parameters go through Parse/Bind with
types from the ODBC SQL types; UseDeclareFetch=1 reads with DECLARE/FETCH."""

import pyodbc

from compat_common import (MAKE_TABLE, param_steps, run_plan, DBNAME, HOST, MISSING_TABLE, PORT, ROWS, SCRAM_HOST,
                           SCRAM_PASSWORD, SCRAM_PORT, SCRAM_USER, SQL_CREATE, SQL_ROWS, TABLE,
                           USER, Check, Reporter, check, eq, loose_int, main_guard,
                           pg_placeholders)

DRIVER = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"
R = Reporter()
S = {"conn": None, "connect_error": None}


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


def conn():
    if S["conn"] is None:
        raise Check("no connection (connect_trust failed: %s)" % S["connect_error"])
    return S["conn"]


def q(sql, *params, fetch="all"):
    cur = conn().cursor()
    cur.execute(R.sql(sql), *params)
    if fetch == "all":
        return cur.fetchall()
    if fetch == "one":
        return cur.fetchone()
    return cur


def connect_trust():
    R.sql("(connect: SET DateStyle = 'ISO';SET extra_float_digits = 2;show transaction_isolation; "
          "select oid, typbasetype from pg_type where typname = 'lo')")
    try:
        S["conn"] = connect()
    except Exception as e:
        S["connect_error"] = str(e).strip()
        raise
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def connect_scram():
    R.sql("(connect with SCRAM)")
    c = connect(scram=True)
    cur = c.cursor()
    cur.execute(R.sql("SELECT 1"))
    eq(loose_int(cur.fetchone()[0]), 1)
    c.close()


def connect_tls():
    # psqlODBC connects through libpq; it does not tell whether TLS is in use.
    R.sql("(connect with SSLmode=require)")
    c = pyodbc.connect(connstr(HOST, PORT, USER, sslmode="require"), autocommit=True)
    try:
        cur = c.cursor()
        cur.execute(R.sql("SELECT 1"))
        eq(loose_int(cur.fetchone()[0]), 1)
    finally:
        c.close()


def simple_query():
    eq(loose_int(q("SELECT 1 AS one", fetch="one")[0]), 1)


def expr_type():
    cur = q("SELECT 1 + 1 AS two", fetch=None)
    v = cur.fetchone()[0]
    check(cur.description[0][1] is int,
          "column type %s, want int (value %r)" % (cur.description[0][1].__name__, v))
    eq(v, 2)


def setup_table():
    q("DROP TABLE IF EXISTS %s" % TABLE, fetch=None)
    q(SQL_CREATE, fetch=None)


def param(col, ident, value):
    q(pg_placeholders("INSERT INTO %s (id, %s) VALUES ($1, $2)" % (TABLE, col), "?"), ident, value,
      fetch=None)
    got = q(pg_placeholders("SELECT %s FROM %s WHERE id = $1" % (col, TABLE), "?"), ident)
    check(len(got) == 1, "got %d rows, want 1" % len(got))
    v = got[0][0]
    if value is True and v == "1":  # psqlODBC's default BoolsAsChar=1 maps bool to SQL_CHAR
        v = True
    eq(v, value)


def error_sqlstate():
    try:
        q("SELECT * FROM %s" % MISSING_TABLE)
    except pyodbc.Error as e:
        eq(e.args[0], "42P01", "SQLSTATE (%s)" % (e.args[1:] or "",))
    else:
        raise Check("no error for a missing table")
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def multi_statement():
    cur = q("SELECT 1; SELECT 2", fetch=None)
    values = [loose_int(cur.fetchone()[0])]
    while cur.nextset():
        values.append(loose_int(cur.fetchone()[0]))
    eq(values, [1, 2], "results")


def count(ident):
    return loose_int(q("SELECT count(*) FROM %s WHERE id = %d" % (TABLE, ident), fetch="one")[0])


def transaction():
    c = conn()
    c.autocommit = False
    try:
        q("INSERT INTO %s (id, s) VALUES (100, 'rolled back')" % TABLE, fetch=None)
        c.rollback()
        q("INSERT INTO %s (id, s) VALUES (101, 'committed')" % TABLE, fetch=None)
        c.commit()
        try:
            q("SELECT * FROM %s" % MISSING_TABLE)
        except pyodbc.Error:
            pass
        c.rollback()
    finally:
        c.autocommit = True
    eq(count(100), 0, "rolled-back row")
    eq(count(101), 1, "committed row")


def rows_100k():
    rows = q(SQL_ROWS)
    eq(len(rows), ROWS, "rows")
    eq(loose_int(rows[-1][0]), ROWS, "last value")


def stream_100k():
    c = connect("UseDeclareFetch=1;Fetch=1000;", autocommit=False)
    try:
        cur = c.cursor()
        cur.execute(R.sql(SQL_ROWS))
        n, last = 0, None
        while True:
            rows = cur.fetchmany(1000)
            if not rows:
                break
            n, last = n + len(rows), rows[-1][0]
        c.commit()
    finally:
        c.close()
    eq(n, ROWS, "rows")
    eq(loose_int(last), ROWS, "last value")


def main():
    run_plan(R, setup_table, [
        ("connect_trust", False, connect_trust),
        ("connect_scram", False, connect_scram),
        ("connect_tls", False, connect_tls),
        ("simple_query", False, simple_query),
        ("expr_type", False, expr_type),
        MAKE_TABLE,
        *param_steps(param),
        ("error_sqlstate", False, error_sqlstate),
        ("multi_statement", False, multi_statement),
        ("transaction", True, transaction),
        ("rows_100k", False, rows_100k),
        ("stream_100k", False, stream_100k),
    ])
    if S["conn"] is not None:
        S["conn"].close()


main_guard(main)
