"""psycopg2 (python3-psycopg2). Parameters are interpolated on the client
into the SQL text (simple Query protocol); streaming is a named cursor
(DECLARE ... CURSOR / FETCH FORWARD itersize). Results are text."""

import io
import select
import time

import psycopg2
import psycopg2.extensions as ext
import psycopg2.extras

import compat_common as cc
from compat_common import (MAKE_TABLE, SCRAM_DSN, SQL_ROWS, TLS_DSN, TRUST_DSN, Reporter, check,
                           eq, loose_int, main_guard, param_steps, run_plan, type_steps)

R = Reporter()
conn = cc.Connection()
# The adapters psycopg2 offers but does not install by default: uuid.UUID both
# ways, ipaddress objects for inet (ip_interface) and cidr (ip_network).
psycopg2.extras.register_uuid()
psycopg2.extras.register_ipaddress()


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
    conn.open(lambda: psycopg2.connect(TRUST_DSN)).autocommit = True
    eq(loose_int(q("SELECT 1", fetch="one")[0]), 1)


def connect_scram():
    c = psycopg2.connect(SCRAM_DSN)
    cc.select_one(R, c)
    c.close()


def connect_tls():
    c = psycopg2.connect(TLS_DSN)
    try:
        check(c.info.ssl_in_use, "connected with sslmode=require but ssl_in_use is false")
        cc.select_one(R, c)
    finally:
        c.close()


def auth_select_one(c):
    try:
        cc.select_one(R, c)
    finally:
        c.close()


def expr_type():
    cur = q("SELECT 1 + 1 AS two", fetch=None)
    v = cur.fetchone()[0]
    check(cur.description[0].type_code in (20, 21, 23),
          "column type oid %s, want an integer type" % cur.description[0].type_code)
    eq(v, 2)


def multi_statement():
    cur = q("SELECT 1; SELECT 2", fetch=None)
    eq(loose_int(cur.fetchone()[0]), 2)  # psycopg2 keeps the last result


def transaction():
    c = conn()
    cc.transaction(q, c, psycopg2.Error, c.get_transaction_status,
                   (ext.TRANSACTION_STATUS_IDLE, ext.TRANSACTION_STATUS_INTRANS,
                    ext.TRANSACTION_STATUS_INERROR))


def stream_100k():
    c = conn()
    c.autocommit = False
    try:
        cur = c.cursor(name="compat_stream")
        cur.itersize = 2000
        cur.execute(R.sql(SQL_ROWS))
        cc.check_stream(cur)
        cur.close()
        c.commit()
    finally:
        if c.get_transaction_status() != ext.TRANSACTION_STATUS_IDLE:
            c.rollback()
        c.autocommit = True


class Json(psycopg2.extras.Json):
    def __repr__(self):  # shown in a failure: what was sent
        return "Json(%r)" % (self.adapted,)


class Types(cc.TypeRoundTrip):
    """Parameters as literals in the SQL text (mogrify), results in text."""
    param_formats = ("literal",)

    def param_value(self, case, fmt):
        # psycopg2 adapts a dict only through its Json wrapper.
        return Json(case.native) if isinstance(case.native, dict) else case.native

    def insert(self, sql, ident, value, fmt):
        q(cc.pg_placeholders(sql, "%s"), (ident, value), fetch=None)

    def select(self, sql, ident, fmt):
        cur = q(cc.pg_placeholders(sql, "%s"), (ident,), fetch=None)
        return cur.fetchall(), cur.description[0].type_code


def fresh():
    """A connection of its own (autocommit) and its query function."""
    c = psycopg2.connect(TRUST_DSN)
    c.autocommit = True

    def qc(sql, params=None, fetch="all"):
        cur = c.cursor()
        cur.execute(R.sql(sql), params)
        return cur.fetchall() if fetch == "all" else cur.fetchone() if fetch == "one" else cur
    return c, qc


def copy_in():
    c, qc = fresh()
    with cc.watchdog(c.fileno()):
        cc.recreate_copy_table(qc)
        cur = c.cursor()
        cur.copy_expert(R.sql("COPY %s (id, s) FROM STDIN" % cc.COPY_TABLE),
                        io.StringIO(cc.copy_text()))
        eq(cur.rowcount, cc.COPY_ROWS, "rowcount")
        cc.check_copy_table(qc)
    c.close()


def copy_out():
    c, qc = fresh()
    with cc.watchdog(c.fileno()):
        cc.seed_copy_table(qc)
        buf = io.StringIO()
        cur = c.cursor()
        cur.copy_expert(R.sql("COPY %s (id, s) TO STDOUT" % cc.COPY_TABLE), buf)
        eq(cur.rowcount, cc.COPY_ROWS, "rowcount")
        cc.check_copy_out_text(buf.getvalue())
    c.close()


def cancel():
    c, qc = fresh()
    with cc.watchdog(c.fileno()):
        cc.cancel_sleep(lambda: qc(cc.SLEEP_SQL, fetch=None), c.cancel,
                        lambda e: getattr(e, "pgcode", None),
                        lambda: eq(loose_int(qc("SELECT 1", fetch="one")[0]), 1, "after the cancel"))
    c.close()


def notify():
    listener, _ = fresh()
    sender, qs = fresh()
    try:
        def wait(deadline):
            while True:
                listener.poll()
                if listener.notifies:
                    n = listener.notifies.pop(0)
                    return n.channel, n.payload
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                select.select([listener], [], [], left)

        with cc.watchdog(listener.fileno()), cc.watchdog(sender.fileno()):
            cc.notify_rounds(lambda: listener.cursor().execute(R.sql("LISTEN %s" % cc.CHANNEL)),
                             wait, lambda p: qs("NOTIFY %s, '%s'" % (cc.CHANNEL, p), fetch=None))
    finally:
        listener.close()
        sender.close()


def main():
    run_plan(R, lambda: cc.recreate_table(q), [
        ("connect_trust", False, connect_trust),
        ("connect_scram", False, connect_scram),
        ("connect_tls", False, connect_tls),
        # A refused login's SQLSTATE is not exposed (pgcode None): the message is checked.
        *cc.auth_steps(R, lambda kind, which: psycopg2.connect(cc.libpq_dsn(kind, which)), auth_select_one,
                       lambda e: getattr(e, "pgcode", None)),
        ("simple_query", False, cc.simple_query, q),
        ("expr_type", False, expr_type),
        MAKE_TABLE,
        *param_steps(lambda *a: cc.param_round_trip(q, "%s", *a)),
        ("error_sqlstate", False, cc.error_sqlstate, q, psycopg2.Error, lambda e: e.pgcode),
        ("multi_statement", False, multi_statement),
        ("transaction", True, transaction),
        ("rows_100k", False, cc.rows_100k, q),
        ("stream_100k", False, stream_100k),
        *type_steps(Types()),
        ("copy_in", False, copy_in),
        ("copy_out", False, copy_out),
        ("cancel", False, cancel),
        ("notify", False, notify),
    ], setup_types=lambda: cc.recreate_types_table(q))
    if conn.conn is not None:
        conn.conn.close()


main_guard(main)
