"""psycopg 3 (python3-psycopg): server-side binding (Parse/Bind/Execute with
typed parameters), binary results, prepared statements, pipeline mode,
cursor.stream() (single-row mode) and named (DECLARE) cursors."""

import select
import time

import psycopg
from psycopg import pq
from psycopg.types.json import Json, Jsonb
from psycopg.types.numeric import Float4, Float8, Int2, Int4, Int8, Oid

import compat_common as cc
from compat_common import (MAKE_TABLE, MISSING_TABLE, PARAMS, ROWS, SCRAM_DSN, SQL_ROWS, TABLE,
                           TLS_DSN, TRUST_DSN, Reporter, check, eq, loose_int, main_guard,
                           param_steps, pg_placeholders, run_plan, type_steps)

R = Reporter()
conn = cc.Connection()
TS = pq.TransactionStatus


def q(sql, params=None, fetch="all", **kw):
    cur = conn().execute(R.sql(sql), params, **kw)
    if fetch == "all":
        return cur.fetchall()
    if fetch == "one":
        return cur.fetchone()
    return cur


def connect_trust():
    conn.open(lambda: psycopg.connect(TRUST_DSN, autocommit=True))
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def connect_scram():
    with psycopg.connect(SCRAM_DSN, autocommit=True) as c:
        cc.select_one(R, c)


def connect_tls():
    with psycopg.connect(TLS_DSN, autocommit=True) as c:
        check(c.pgconn.ssl_in_use, "connected with sslmode=require but ssl_in_use is false")
        cc.select_one(R, c)


def auth_select_one(c):
    with c:
        cc.select_one(R, c)


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


def transaction():
    c = conn()
    cc.transaction(q, c, psycopg.Error, lambda: c.info.transaction_status,
                   (TS.IDLE, TS.INTRANS, TS.INERROR))


def stream_100k():
    cc.check_stream(conn().cursor().stream(R.sql(SQL_ROWS)))


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


class Types(cc.TypeRoundTrip):
    """Parameters with %t (text) and %b (binary); results with a text and a
    binary cursor. The wrappers give each parameter the column's type (psycopg
    dumps an int as the smallest integer type that holds it, a float as
    float8, a dict only through Json/Jsonb)."""
    param_formats = ("t", "b")
    result_formats = ("t", "b")
    WRAP = {"int2": Int2, "int4": Int4, "int8": Int8, "oid": Oid, "float4": Float4,
            "float8": Float8, "json": Json, "jsonb": Jsonb}

    def param_value(self, case, fmt):
        if case.base is not None:
            wrap = self.WRAP.get(case.base, lambda v: v)
            return [None if v is None else wrap(v) for v in case.native]
        return self.WRAP.get(case.name, lambda v: v)(case.native)

    def insert(self, sql, ident, value, fmt):
        q(pg_placeholders(sql, "%" + fmt), (ident, value), fetch=None)

    def select(self, sql, ident, fmt):
        cur = conn().cursor(binary=fmt == "b")
        rows = cur.execute(R.sql(pg_placeholders(sql, "%s")), (ident,)).fetchall()
        check(cur.pgresult.fformat(0) == (fmt == "b"), "result column in format %d, want %s"
              % (cur.pgresult.fformat(0), fmt))
        return rows, cur.description[0].type_code


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


def fresh():
    c = psycopg.connect(TRUST_DSN, autocommit=True)

    def qc(sql, params=None, fetch="all"):
        cur = c.execute(R.sql(sql), params)
        return cur.fetchall() if fetch == "all" else cur.fetchone() if fetch == "one" else cur
    return c, qc


def copy_in():
    """cursor.copy(): write_row in text, then again in binary."""
    c, qc = fresh()
    try:
        with cc.watchdog(c.fileno()):
            for fmt in ("", " (FORMAT BINARY)"):
                cc.recreate_copy_table(qc)
                cur = c.cursor()
                with cur.copy(R.sql("COPY %s (id, s) FROM STDIN%s" % (cc.COPY_TABLE, fmt))) as cp:
                    if fmt:
                        cp.set_types(["int8", "text"])
                    for row in cc.copy_rows():
                        cp.write_row(row)
                eq(cur.rowcount, cc.COPY_ROWS, "rowcount" + fmt)
                cc.check_copy_table(qc)
    finally:
        c.close()
    return "text+binary"


def copy_out():
    """cursor.copy(): raw text blocks, then rows() in binary."""
    c, qc = fresh()
    try:
        with cc.watchdog(c.fileno()):
            cc.seed_copy_table(qc)
            cur = c.cursor()
            with cur.copy(R.sql("COPY %s (id, s) TO STDOUT" % cc.COPY_TABLE)) as cp:
                data = b"".join(bytes(b) for b in cp)
            cc.check_copy_out_text(data.decode())
            with cur.copy(R.sql("COPY %s (id, s) TO STDOUT (FORMAT BINARY)" % cc.COPY_TABLE)) as cp:
                cp.set_types(["int8", "text"])
                rows = list(cp.rows())
            cc.check_rows(rows)
    finally:
        c.close()
    return "text+binary"


def cancel():
    c, qc = fresh()
    try:
        with cc.watchdog(c.fileno()):
            cc.cancel_sleep(lambda: qc(cc.SLEEP_SQL, fetch=None), c.cancel,
                            lambda e: getattr(e, "sqlstate", None),
                            lambda: eq(loose_int(qc("SELECT 1", fetch="one")[0]), 1,
                                       "after the cancel"))
    finally:
        c.close()


def notify():
    listener, ql = fresh()
    sender, qs = fresh()
    try:
        gen = listener.notifies()

        def wait(deadline):
            # conn.notifies() blocks until a notification comes (no timeout in
            # psycopg 3.1): wait for the socket first, then take it from the generator.
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([listener.fileno()], [], [], left)[0]:
                return None
            n = next(gen)
            return n.channel, n.payload

        with cc.watchdog(listener.fileno()), cc.watchdog(sender.fileno()):
            cc.notify_rounds(lambda: ql(R.sql("LISTEN %s" % cc.CHANNEL), fetch=None), wait,
                             lambda p: qs("NOTIFY %s, '%s'" % (cc.CHANNEL, p), fetch=None))
    finally:
        listener.close()
        sender.close()


def main():
    run_plan(R, lambda: cc.recreate_table(q), [
        ("connect_trust", False, connect_trust),
        ("connect_scram", False, connect_scram),
        ("connect_tls", False, connect_tls),
        *cc.auth_steps(R, lambda kind, which: psycopg.connect(cc.libpq_dsn(kind, which), autocommit=True),
                       auth_select_one, lambda e: getattr(e, "sqlstate", None)),
        ("simple_query", False, cc.simple_query, q),
        ("expr_type", False, expr_type),
        MAKE_TABLE,
        *param_steps(lambda *a: cc.param_round_trip(q, "%s", *a)),
        ("error_sqlstate", False, cc.error_sqlstate, q, psycopg.Error, lambda e: e.sqlstate),
        ("multi_statement", False, cc.multi_statement_sets, q),
        ("transaction", True, transaction),
        ("prepared", True, prepared),
        ("binary", True, binary),
        ("pipeline", False, pipeline),
        ("rows_100k", False, cc.rows_100k, q),
        ("stream_100k", False, stream_100k),
        ("declare_cursor", False, declare_cursor),
        ("deallocate_all", True, deallocate_all),
        *type_steps(Types()),
        ("copy_in", False, copy_in),
        ("copy_out", False, copy_out),
        ("cancel", False, cancel),
        ("notify", False, notify),
    ], setup_types=lambda: cc.recreate_types_table(q))
    if conn.conn is not None:
        conn.conn.close()


main_guard(main)
