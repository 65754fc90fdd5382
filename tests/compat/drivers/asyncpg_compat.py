"""asyncpg (python3-asyncpg): extended protocol throughout, named prepared
statements, parameters encoded by the types in ParameterDescription, binary
results, cursors as portals read with Execute(row limit) + PortalSuspended."""

import asyncio

import asyncpg

from compat_common import (DBNAME, HOST, MISSING_TABLE, PARAMS, PORT, ROWS, SCRAM_HOST,
                           SCRAM_PASSWORD, SCRAM_PORT, SCRAM_USER, SQL_CREATE, SQL_ROWS, TABLE, USER,
                           TIMEOUT, Check, Reporter, check, eq, loose_int, main_guard)

R = Reporter()
S = {"conn": None, "connect_error": None}


def conn():
    if S["conn"] is None:
        raise Check("no connection (connect_trust failed: %s)" % S["connect_error"])
    return S["conn"]


async def connect_trust():
    try:
        S["conn"] = await asyncpg.connect(host=HOST, port=PORT, user=USER, database=DBNAME,
                                          ssl=False, timeout=20)
    except Exception as e:
        S["connect_error"] = str(e).strip()
        raise
    eq(loose_int(await conn().fetchval(R.sql("SELECT 1"))), 1)


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


async def simple_query():
    eq(loose_int(await conn().fetchval(R.sql("SELECT 1 AS one"))), 1)


async def expr_type():
    stmt = await conn().prepare(R.sql("SELECT 1 + 1 AS two"))
    oid = stmt.get_attributes()[0].type.oid
    v = await stmt.fetchval()
    check(oid in (20, 21, 23), "column type oid %s, want an integer type (value %r)" % (oid, v))
    eq(v, 2)


async def setup_table():
    await conn().execute(R.sql("DROP TABLE IF EXISTS %s" % TABLE))
    await conn().execute(R.sql(SQL_CREATE))


async def param(col, ident, value):
    await conn().execute(R.sql("INSERT INTO %s (id, %s) VALUES ($1, $2)" % (TABLE, col)), ident, value)
    got = await conn().fetch(R.sql("SELECT %s FROM %s WHERE id = $1" % (col, TABLE)), ident)
    check(len(got) == 1, "got %d rows, want 1" % len(got))
    eq(got[0][0], value)


async def error_sqlstate():
    try:
        await conn().fetch(R.sql("SELECT * FROM %s" % MISSING_TABLE))
    except asyncpg.PostgresError as e:
        eq(e.sqlstate, "42P01", "SQLSTATE")
    else:
        raise Check("no error for a missing table")
    eq(loose_int(await conn().fetchval(R.sql("SELECT 1"))), 1)


async def multi_statement():
    # Without arguments, execute() uses the simple protocol and allows several statements.
    status = await conn().execute(R.sql("SELECT 1; SELECT 2"))
    eq(status, "SELECT 1", "command tag of the last statement")


async def count(ident):
    return loose_int(await conn().fetchval(R.sql("SELECT count(*) FROM %s WHERE id = %d"
                                                 % (TABLE, ident))))


async def transaction():
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
    eq(await count(100), 0, "rolled-back row")
    eq(await count(101), 1, "committed row")


async def rows_100k():
    rows = await conn().fetch(R.sql(SQL_ROWS))
    eq(len(rows), ROWS, "rows")
    eq(loose_int(rows[-1][0]), ROWS, "last value")


async def stream_100k():
    n, last = 0, None
    async with conn().transaction():
        async for row in conn().cursor(R.sql(SQL_ROWS), prefetch=1000):
            n, last = n + 1, row[0]
    eq(n, ROWS, "rows")
    eq(loose_int(last), ROWS, "last value")


async def prepared():
    stmt = await conn().prepare(R.sql("SELECT s FROM %s WHERE id = $1" % TABLE))
    for _ in range(3):
        eq(await stmt.fetchval(2), PARAMS[1][2], "value")


async def run(feature, fn, *args):
    R.query = None
    try:
        await asyncio.wait_for(fn(*args), TIMEOUT)
    except BaseException as e:  # noqa: BLE001
        msg = "%s: %s" % (type(e).__name__, str(e).strip())
        if isinstance(e, asyncio.TimeoutError):
            msg = "hung: no answer within the time limit (COMPAT_TIMEOUT)"
        if getattr(e, "sqlstate", None):
            msg = "[%s] %s" % (e.sqlstate, msg)
        R.emit(feature, False, msg)
    else:
        R.emit(feature, True)


async def amain():
    await run("connect_trust", connect_trust)
    await run("connect_scram", connect_scram)
    await run("connect_tls", connect_tls)
    await run("simple_query", simple_query)
    await run("expr_type", expr_type)
    table_error = None
    try:
        await setup_table()
    except Exception as e:  # noqa: BLE001
        table_error = R.table_failure(e)
    for n, (feature, col, value) in enumerate(PARAMS, 1):
        if table_error:
            R.emit(feature, False, table_error)
        else:
            await run(feature, param, col, n, value)
    await run("error_sqlstate", error_sqlstate)
    await run("multi_statement", multi_statement)
    for feature, fn in (("transaction", transaction), ("prepared", prepared)):
        if table_error:
            R.emit(feature, False, table_error)
        else:
            await run(feature, fn)
    await run("rows_100k", rows_100k)
    await run("stream_100k", stream_100k)
    if S["conn"] is not None:
        await asyncio.wait_for(S["conn"].close(), 20)


main_guard(lambda: asyncio.run(amain()))
