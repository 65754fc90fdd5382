"""psycopg2 (python3-psycopg2). Parameters are interpolated on the client
into the SQL text (simple Query protocol); streaming is a named cursor
(DECLARE ... CURSOR / FETCH FORWARD itersize)."""

import psycopg2
import psycopg2.extensions as ext

from compat_common import (MAKE_TABLE, param_steps, run_plan, DBNAME, MISSING_TABLE, ROWS, SCRAM_DSN, SQL_CREATE, SQL_ROWS,
                           TABLE, TLS_DSN, TRUST_DSN, Check, Reporter, check, eq, loose_int,
                           main_guard, pg_placeholders)

R = Reporter()
S = {"conn": None, "connect_error": None}


def conn():
    if S["conn"] is None:
        raise Check("no connection (connect_trust failed: %s)" % S["connect_error"])
    return S["conn"]


def q(sql, params=None, fetch="all"):
    cur = conn().cursor()
    R.sql(sql)
    if params is not None:  # report the text psycopg2 really sends
        R.sql(cur.mogrify(sql, params).decode(errors="replace"))
    cur.execute(sql, params)
    if fetch == "all":
        return cur.fetchall()
    if fetch == "one":
        return cur.fetchone()
    return cur


def connect_trust():
    try:
        S["conn"] = psycopg2.connect(TRUST_DSN)
    except Exception as e:
        S["connect_error"] = str(e).strip()
        raise
    S["conn"].autocommit = True
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def connect_scram():
    c = psycopg2.connect(SCRAM_DSN)
    cur = c.cursor()
    cur.execute(R.sql("SELECT 1"))
    eq(loose_int(cur.fetchone()[0]), 1)
    c.close()


def connect_tls():
    c = psycopg2.connect(TLS_DSN)
    try:
        check(c.info.ssl_in_use, "connected with sslmode=require but ssl_in_use is false")
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
    check(cur.description[0].type_code in (20, 21, 23),
          "column type oid %s, want an integer type" % cur.description[0].type_code)
    eq(v, 2)


def setup_table():
    q("DROP TABLE IF EXISTS %s" % TABLE, fetch=None)
    q(SQL_CREATE, fetch=None)


def param(col, ident, value):
    q(pg_placeholders("INSERT INTO %s (id, %s) VALUES ($1, $2)" % (TABLE, col), "%s"),
      (ident, value), fetch=None)
    got = q(pg_placeholders("SELECT %s FROM %s WHERE id = $1" % (col, TABLE), "%s"), (ident,))
    check(len(got) == 1, "got %d rows, want 1" % len(got))
    v = got[0][0]
    if isinstance(v, memoryview):
        v = bytes(v)
    eq(v, value)


def error_sqlstate():
    try:
        q("SELECT * FROM %s" % MISSING_TABLE)
    except psycopg2.Error as e:
        eq(e.pgcode, "42P01", "SQLSTATE")
    else:
        raise Check("no error for a missing table")
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def multi_statement():
    cur = q("SELECT 1; SELECT 2", fetch=None)
    eq(loose_int(cur.fetchone()[0]), 2)  # psycopg2 keeps the last result


def count(ident):
    return loose_int(q("SELECT count(*) FROM %s WHERE id = %d" % (TABLE, ident), fetch="one")[0])


def transaction():
    c = conn()
    c.autocommit = False
    try:
        eq(c.get_transaction_status(), ext.TRANSACTION_STATUS_IDLE, "status before")
        q("INSERT INTO %s (id, s) VALUES (100, 'rolled back')" % TABLE, fetch=None)  # BEGIN first
        eq(c.get_transaction_status(), ext.TRANSACTION_STATUS_INTRANS, "status in transaction")
        c.rollback()
        eq(c.get_transaction_status(), ext.TRANSACTION_STATUS_IDLE, "status after rollback")
        q("INSERT INTO %s (id, s) VALUES (101, 'committed')" % TABLE, fetch=None)
        c.commit()
        try:
            q("SELECT * FROM %s" % MISSING_TABLE)
        except psycopg2.Error:
            pass
        eq(c.get_transaction_status(), ext.TRANSACTION_STATUS_INERROR, "status after an error")
        c.rollback()
        eq(c.get_transaction_status(), ext.TRANSACTION_STATUS_IDLE, "status after rollback")
    finally:
        if c.get_transaction_status() != ext.TRANSACTION_STATUS_IDLE:
            c.rollback()
        c.autocommit = True
    eq(count(100), 0, "rolled-back row")
    eq(count(101), 1, "committed row")


def rows_100k():
    rows = q(SQL_ROWS)
    eq(len(rows), ROWS, "rows")
    eq(loose_int(rows[-1][0]), ROWS, "last value")


def stream_100k():
    c = conn()
    c.autocommit = False
    try:
        cur = c.cursor(name="compat_stream")
        cur.itersize = 2000
        cur.execute(R.sql(SQL_ROWS))
        n, last = 0, None
        for row in cur:
            n, last = n + 1, row[0]
        cur.close()
        c.commit()
    finally:
        if c.get_transaction_status() != ext.TRANSACTION_STATUS_IDLE:
            c.rollback()
        c.autocommit = True
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
