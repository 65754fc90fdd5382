"""psycopg 3 (python3-psycopg): server-side binding (Parse/Bind/Execute with
typed parameters), binary results, prepared statements, pipeline mode,
cursor.stream() (single-row mode) and named (DECLARE) cursors."""

import psycopg
from psycopg import pq

from compat_common import (MAKE_TABLE, PARAMS, param_steps, run_plan, MISSING_TABLE, ROWS, SCRAM_DSN, SQL_CREATE, SQL_ROWS, TABLE,
                           TLS_DSN, TRUST_DSN, Check, Reporter, check, eq, loose_int, main_guard,
                           pg_placeholders)

R = Reporter()
S = {"conn": None, "connect_error": None}
TS = pq.TransactionStatus


def conn():
    if S["conn"] is None:
        raise Check("no connection (connect_trust failed: %s)" % S["connect_error"])
    return S["conn"]


def q(sql, params=None, fetch="all", **kw):
    cur = conn().execute(R.sql(sql), params, **kw)
    if fetch == "all":
        return cur.fetchall()
    if fetch == "one":
        return cur.fetchone()
    return cur


def connect_trust():
    try:
        S["conn"] = psycopg.connect(TRUST_DSN, autocommit=True)
    except Exception as e:
        S["connect_error"] = str(e).strip()
        raise
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def connect_scram():
    with psycopg.connect(SCRAM_DSN, autocommit=True) as c:
        eq(loose_int(c.execute(R.sql("SELECT 1")).fetchone()[0]), 1)


def connect_tls():
    with psycopg.connect(TLS_DSN, autocommit=True) as c:
        check(c.pgconn.ssl_in_use, "connected with sslmode=require but ssl_in_use is false")
        eq(loose_int(c.execute(R.sql("SELECT 1")).fetchone()[0]), 1)


def simple_query():
    eq(loose_int(q("SELECT 1 AS one", fetch="one")[0]), 1)


def expr_type():
    # prepare=True: Parse/Describe/Bind/Execute (without parameters psycopg
    # would use the simple protocol). On a connection of its own: after DDL,
    # psycopg sends DEALLOCATE ALL on a connection that prepared statements.
    with psycopg.connect(TRUST_DSN, autocommit=True) as c:
        cur = c.execute(R.sql("SELECT 1 + 1 AS two"), prepare=True)
        v = cur.fetchone()[0]
    check(cur.description[0].type_code in (20, 21, 23),
          "column type oid %s, want an integer type (value %r)" % (cur.description[0].type_code, v))
    eq(v, 2)


def setup_table():
    q("DROP TABLE IF EXISTS %s" % TABLE, fetch=None)
    q(SQL_CREATE, fetch=None)


def param(col, ident, value):
    q(pg_placeholders("INSERT INTO %s (id, %s) VALUES ($1, $2)" % (TABLE, col), "%s"),
      (ident, value), fetch=None)
    got = q(pg_placeholders("SELECT %s FROM %s WHERE id = $1" % (col, TABLE), "%s"), (ident,))
    check(len(got) == 1, "got %d rows, want 1" % len(got))
    eq(got[0][0], value)


def error_sqlstate():
    try:
        q("SELECT * FROM %s" % MISSING_TABLE)
    except psycopg.Error as e:
        eq(e.sqlstate, "42P01", "SQLSTATE")
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
    status = lambda: c.info.transaction_status  # noqa: E731
    try:
        eq(status(), TS.IDLE, "status before")
        q("INSERT INTO %s (id, s) VALUES (100, 'rolled back')" % TABLE, fetch=None)
        eq(status(), TS.INTRANS, "status in transaction")
        c.rollback()
        eq(status(), TS.IDLE, "status after rollback")
        q("INSERT INTO %s (id, s) VALUES (101, 'committed')" % TABLE, fetch=None)
        c.commit()
        try:
            q("SELECT * FROM %s" % MISSING_TABLE)
        except psycopg.Error:
            pass
        eq(status(), TS.INERROR, "status after an error")
        c.rollback()
        eq(status(), TS.IDLE, "status after rollback")
    finally:
        if status() != TS.IDLE:
            c.rollback()
        c.autocommit = True
    eq(count(100), 0, "rolled-back row")
    eq(count(101), 1, "committed row")


def rows_100k():
    rows = q(SQL_ROWS)
    eq(len(rows), ROWS, "rows")
    eq(loose_int(rows[-1][0]), ROWS, "last value")


def stream_100k():
    n, last = 0, None
    for row in conn().cursor().stream(R.sql(SQL_ROWS)):
        n, last = n + 1, row[0]
    eq(n, ROWS, "rows")
    eq(loose_int(last), ROWS, "last value")


def prepared():
    sql = pg_placeholders("SELECT s FROM %s WHERE id = $1" % TABLE, "%s")
    with psycopg.connect(TRUST_DSN, autocommit=True) as c:  # see expr_type
        for _ in range(3):  # psycopg prepares on the first call with prepare=True
            got = c.execute(R.sql(sql), (2,), prepare=True).fetchall()
            eq(got, [(PARAMS[1][2],)], "row")


def deallocate_all():
    # DDL on a connection with prepared statements: psycopg then sends
    # DEALLOCATE ALL (its statement cache may be stale), with Parse/Bind/
    # Execute, and prepares again. Last, on a connection of its own.
    sql = pg_placeholders("SELECT s FROM %s WHERE id = $1" % TABLE, "%s")
    with psycopg.connect(TRUST_DSN, autocommit=True) as c:
        for _ in range(2):
            eq(c.execute(R.sql(sql), (2,), prepare=True).fetchall(), [(PARAMS[1][2],)], "row")
        ddl = "DROP TABLE IF EXISTS %s_tmp" % TABLE
        R.sql(ddl + " (psycopg follows it with DEALLOCATE ALL)")
        c.execute(ddl)
        got = c.execute(R.sql(sql), (2,), prepare=True).fetchall()
        eq(got, [(PARAMS[1][2],)], "row after DDL")
        eq(c.execute("SELECT 1").fetchone()[0] in (1, "1"), True, "connection after DEALLOCATE ALL")


def binary():
    values = [v for _, _, v in PARAMS]
    row = (300, values[0], values[1], values[3], values[4], values[5], values[6], values[7])
    q("INSERT INTO %s (id, i, s, f, b, bin, d, ts) VALUES (%%b, %%b, %%b, %%b, %%b, %%b, %%b, %%b)"
      % TABLE, row, fetch=None)
    cur = conn().cursor(binary=True)
    cur.execute(R.sql("SELECT id, i, s, f, b, bin, d, ts FROM %s WHERE id = %%b" % TABLE), (300,))
    check(all(pgres_format == 1 for pgres_format in
              [cur.pgresult.fformat(i) for i in range(cur.pgresult.nfields)]),
          "result columns not in binary format")
    eq(cur.fetchall(), [row], "row")


def pipeline():
    c = conn()
    failed = None
    cur1 = None
    try:
        with c.pipeline():
            cur1 = c.execute(R.sql("SELECT 1 AS a"))
            c.execute(R.sql("SELECT * FROM %s" % MISSING_TABLE))
            c.execute(R.sql("SELECT 3 AS c"))
    except psycopg.Error as e:
        failed = e
    check(failed is not None, "the pipeline raised no error")
    eq(failed.sqlstate, "42P01", "SQLSTATE of the error in the pipeline")
    eq(loose_int(cur1.fetchone()[0]), 1, "result before the error")
    with c.pipeline() as p:
        curs = [c.execute(R.sql("SELECT 4 AS d")) for _ in range(3)]
        p.sync()
        eq([loose_int(x.fetchone()[0]) for x in curs], [4, 4, 4], "pipeline after the error")


def declare_cursor():
    c = conn()
    with c.transaction():
        cur = c.cursor(name="compat_named")
        cur.execute(R.sql(SQL_ROWS))
        first = [loose_int(r[0]) for r in cur.fetchmany(10)]
        cur.scroll(ROWS - 20)  # MOVE
        rest = [loose_int(r[0]) for r in cur.fetchall()]
        cur.close()
    eq(first, list(range(1, 11)), "first rows")
    eq(rest, list(range(ROWS - 9, ROWS + 1)), "last rows after MOVE")


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
        ("prepared", True, prepared),
        ("binary", True, binary),
        ("pipeline", False, pipeline),
        ("rows_100k", False, rows_100k),
        ("stream_100k", False, stream_100k),
        ("declare_cursor", False, declare_cursor),
        ("deallocate_all", True, deallocate_all),
    ])
    if S["conn"] is not None:
        S["conn"].close()


main_guard(main)
