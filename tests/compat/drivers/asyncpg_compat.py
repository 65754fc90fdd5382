"""asyncpg (python3-asyncpg): extended protocol throughout, named prepared
statements, parameters encoded by the types in ParameterDescription, binary
results, cursors as portals read with Execute(row limit) + PortalSuspended.

Everything runs on one event loop, driven from the shared run_plan: wait()
runs one coroutine (a query, or a whole feature made a step by sync()) with
COMPAT_TIMEOUT as its time limit; q() is the query function of the features
shared with the DB-API drivers."""

import asyncio

import asyncpg

import compat_common as cc
from compat_common import (DBNAME, HOST, MAKE_TABLE, MISSING_TABLE, PARAMS, PORT, SCRAM_HOST,
                           SCRAM_PASSWORD, SCRAM_PORT, SCRAM_USER, SQL_ROWS, TABLE, TIMEOUT, USER,
                           Check, Reporter, check, eq, loose_int, main_guard, param_steps,
                           run_plan, type_steps)

R = Reporter()
conn = cc.Connection()
LOOP = asyncio.new_event_loop()


def wait(coro):
    """Runs a coroutine on LOOP; more than COMPAT_TIMEOUT seconds is a hang."""
    try:
        return LOOP.run_until_complete(asyncio.wait_for(coro, TIMEOUT))
    except asyncio.TimeoutError:
        raise Check("hung: no answer within the time limit (COMPAT_TIMEOUT)") from None


def sync(coro_fn):
    return lambda *args: wait(coro_fn(*args))


def connect_trust():
    conn.open(lambda: wait(asyncpg.connect(host=HOST, port=PORT, user=USER, database=DBNAME,
                                           ssl=False, timeout=20)))
    eq(loose_int(wait(conn().fetchval(R.sql("SELECT 1")))), 1)


async def connect_scram():
    c = await asyncpg.connect(host=SCRAM_HOST, port=SCRAM_PORT, user=SCRAM_USER,
                              password=SCRAM_PASSWORD, database=DBNAME, ssl=False, timeout=20)
    eq(loose_int(await c.fetchval(R.sql("SELECT 1"))), 1)
    await asyncio.wait_for(c.close(), 20)


async def connect_tls():
    # ssl='require': encrypted, no certificate check (libpq's sslmode=require).
    c = await asyncpg.connect(host=HOST, port=PORT, user=USER, database=DBNAME, ssl="require",
                              timeout=20)
    try:
        check(c._transport.get_extra_info("ssl_object") is not None,
              "connected with ssl='require' but the transport is not TLS")
        eq(loose_int(await c.fetchval(R.sql("SELECT 1"))), 1)
    finally:
        await asyncio.wait_for(c.close(), 20)


def q(sql, params=(), fetch="all"):
    """The shared features' query function: fetch() (extended protocol), or
    execute() for fetch=None (the simple protocol when there are no params)."""
    if fetch is None:
        return wait(conn().execute(R.sql(sql), *params))
    rows = wait(conn().fetch(R.sql(sql), *params))
    return rows if fetch == "all" else rows[0]


async def expr_type():
    stmt = await conn().prepare(R.sql("SELECT 1 + 1 AS two"))
    oid = stmt.get_attributes()[0].type.oid
    v = await stmt.fetchval()
    check(oid in (20, 21, 23), "column type oid %s, want an integer type (value %r)" % (oid, v))
    eq(v, 2)


def multi_statement():
    # Without arguments, execute() uses the simple protocol and allows several statements.
    eq(q("SELECT 1; SELECT 2", fetch=None), "SELECT 1", "command tag of the last statement")


async def transaction_steps():
    c = conn()
    eq(c.is_in_transaction(), False, "in transaction before")
    tr = c.transaction()
    await tr.start()
    eq(c.is_in_transaction(), True, "in transaction after BEGIN")
    await c.execute(R.sql("INSERT INTO %s (id, s) VALUES (100, 'rolled back')" % TABLE))
    await tr.rollback()
    eq(c.is_in_transaction(), False, "in transaction after ROLLBACK")
    async with c.transaction():
        await c.execute(R.sql("INSERT INTO %s (id, s) VALUES (101, 'committed')" % TABLE))
    eq(c.is_in_transaction(), False, "in transaction after COMMIT")
    try:
        async with c.transaction():
            await c.execute(R.sql("SELECT * FROM %s" % MISSING_TABLE))
    except asyncpg.PostgresError:
        pass
    eq(c.is_in_transaction(), False, "in transaction after the rolled-back error")


def transaction():
    wait(transaction_steps())
    eq(cc.count(q, 100), 0, "rolled-back row")
    eq(cc.count(q, 101), 1, "committed row")


async def stream_100k():
    async with conn().transaction():
        rows = [row async for row in conn().cursor(R.sql(SQL_ROWS), prefetch=1000)]
    cc.check_stream(rows)


async def prepared():
    stmt = await conn().prepare(R.sql("SELECT s FROM %s WHERE id = $1" % TABLE))
    for _ in range(3):
        eq(await stmt.fetchval(2), PARAMS[1][2], "value")


class Types(cc.TypeRoundTrip):
    """asyncpg has only binary: parameters encoded by the types of the
    ParameterDescription, results in binary."""
    param_formats = ("b",)
    result_formats = ("b",)

    def param_value(self, case, fmt):
        # json/jsonb: asyncpg's codec for them is str (the JSON text) both ways.
        return case.text if case.name in ("json", "jsonb") else case.native

    want = param_value

    def insert(self, sql, ident, value, fmt):
        q(sql, (ident, value), fetch=None)

    def select(self, sql, ident, fmt):
        stmt = wait(conn().prepare(R.sql(sql)))
        return wait(stmt.fetch(ident)), stmt.get_attributes()[0].type.oid


def main():
    run_plan(R, lambda: cc.recreate_table(q), [
        ("connect_trust", False, connect_trust),
        ("connect_scram", False, sync(connect_scram)),
        ("connect_tls", False, sync(connect_tls)),
        ("simple_query", False, cc.simple_query, q),
        ("expr_type", False, sync(expr_type)),
        MAKE_TABLE,
        *param_steps(lambda *a: cc.param_round_trip(q, None, *a)),
        ("error_sqlstate", False, cc.error_sqlstate, q, asyncpg.PostgresError,
         lambda e: e.sqlstate),
        ("multi_statement", False, multi_statement),
        ("transaction", True, transaction),
        ("prepared", True, sync(prepared)),
        ("rows_100k", False, cc.rows_100k, q),
        ("stream_100k", False, sync(stream_100k)),
        *type_steps(Types()),
    ], setup_types=lambda: cc.recreate_types_table(q))
    if conn.conn is not None:
        wait(conn.conn.close())
    LOOP.close()


main_guard(main)
