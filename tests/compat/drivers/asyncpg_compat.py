"""asyncpg (python3-asyncpg): extended protocol throughout, named prepared
statements, parameters encoded by the types in ParameterDescription, binary
results, cursors as portals read with Execute(row limit) + PortalSuspended.

Everything runs on one event loop, driven from the shared run_plan: wait()
runs one coroutine (a query, or a whole feature made a step by sync()) with
COMPAT_TIMEOUT as its time limit; q() is the query function of the features
shared with the DB-API drivers."""

import asyncio
import ssl

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


def auth_connect(kind, which):
    if kind == "cert":
        # An SSLContext with the client certificate, no server certificate check.
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        if which == "right":
            tls.load_cert_chain(cc.SSLCERT, cc.SSLKEY)
        return wait(asyncpg.connect(host=cc.AUTH_HOST, port=cc.AUTH_PORT, user=cc.CERT_USER,
                                    database=DBNAME, ssl=tls, timeout=20))
    user, password = (cc.MD5_USER, cc.MD5_PASSWORD) if kind == "md5" else (cc.CLEAR_USER, cc.CLEAR_PASSWORD)
    return wait(asyncpg.connect(host=cc.AUTH_HOST, port=cc.AUTH_PORT, user=user, database=DBNAME, ssl=False,
                                password=password if which == "right" else cc.WRONG_PASSWORD, timeout=20))


def auth_select_one(c):
    try:
        eq(loose_int(wait(c.fetchval(R.sql("SELECT 1")))), 1)
    finally:
        wait(asyncio.wait_for(c.close(), 20))


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


async def fresh():
    return await asyncpg.connect(host=HOST, port=PORT, user=USER, database=DBNAME, ssl=False,
                                 timeout=20)


async def copy_in():
    """copy_records_to_table (binary COPY FROM STDIN)."""
    c = await fresh()
    try:
        await c.execute(R.sql("DROP TABLE IF EXISTS %s" % cc.COPY_TABLE))
        await c.execute(R.sql(cc.SQL_CREATE_COPY))
        R.sql("copy_records_to_table(%s)" % cc.COPY_TABLE)
        status = await c.copy_records_to_table(cc.COPY_TABLE, records=cc.copy_rows(),
                                               columns=["id", "s"])
        eq(status, "COPY %d" % cc.COPY_ROWS, "status")
        eq(await c.fetchval(R.sql("SELECT count(*) FROM %s" % cc.COPY_TABLE)), cc.COPY_ROWS, "rows")
        cc.check_rows([tuple(r) for r in await c.fetch(
            R.sql("SELECT id, s FROM %s ORDER BY id" % cc.COPY_TABLE))])
    finally:
        await asyncio.wait_for(c.close(), 20)


async def copy_out():
    """copy_from_query (COPY (SELECT ...) TO STDOUT, text)."""
    c = await fresh()
    try:
        await c.execute(R.sql("DROP TABLE IF EXISTS %s" % cc.COPY_TABLE))
        await c.execute(R.sql(cc.SQL_CREATE_COPY))
        await c.execute(R.sql(cc.SQL_COPY_SEED))
        chunks = []

        async def output(data):
            chunks.append(bytes(data))
        R.sql("copy_from_query(SELECT id, s FROM %s)" % cc.COPY_TABLE)
        status = await c.copy_from_query("SELECT id, s FROM %s" % cc.COPY_TABLE, output=output,
                                         format="text")
        eq(status, "COPY %d" % cc.COPY_ROWS, "status")
        cc.check_copy_out_text(b"".join(chunks).decode())
    finally:
        await asyncio.wait_for(c.close(), 20)


async def cancel():
    """A query timeout: asyncpg sends a CancelRequest and waits for the query to end."""
    import time
    c = await fresh()
    try:
        started = time.monotonic()
        try:
            await c.fetch(R.sql(cc.SLEEP_SQL), timeout=0.5)
        except asyncio.TimeoutError:
            pass
        else:
            raise Check("pg_sleep(10) returned despite timeout=0.5")
        eq(await c.fetchval(R.sql("SELECT 1")), 1, "after the cancel")
        elapsed = time.monotonic() - started
        check(elapsed < 0.5 + cc.CANCEL_WITHIN, "timeout, cancel and SELECT 1 took %.2f s, want < %.1f s"
              % (elapsed, 0.5 + cc.CANCEL_WITHIN))
    finally:
        await asyncio.wait_for(c.close(), 20)


async def notify():
    """add_listener; NOTIFY from a second connection, once while the listener is
    idle, once while it awaits the notification."""
    listener, sender = await fresh(), await fresh()
    try:
        got = asyncio.Queue()
        await listener.add_listener(cc.CHANNEL, lambda _c, _pid, ch, payload: got.put_nowait((ch, payload)))
        R.sql("LISTEN %s (add_listener)" % cc.CHANNEL)
        for k in (1, 2):
            payload = cc.NOTIFY_PAYLOAD % k
            waiting = asyncio.ensure_future(asyncio.wait_for(got.get(), cc.NOTIFY_WITHIN))
            if k == 1:
                await sender.execute(R.sql("NOTIFY %s, '%s'" % (cc.CHANNEL, payload)))
            else:
                await asyncio.sleep(0)  # let the waiter start waiting (no time passes)
                await sender.execute(R.sql("NOTIFY %s, '%s'" % (cc.CHANNEL, payload)))
            try:
                eq(await waiting, (cc.CHANNEL, payload), "round %d" % k)
            except asyncio.TimeoutError:
                raise Check("round %d: no notification within %.1f s" % (k, cc.NOTIFY_WITHIN)) from None
    finally:
        await asyncio.wait_for(listener.close(), 20)
        await asyncio.wait_for(sender.close(), 20)


def main():
    run_plan(R, lambda: cc.recreate_table(q), [
        ("connect_trust", False, connect_trust),
        ("connect_scram", False, sync(connect_scram)),
        ("connect_tls", False, sync(connect_tls)),
        *cc.auth_steps(R, auth_connect, auth_select_one, lambda e: getattr(e, "sqlstate", None)),
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
        ("copy_in", False, sync(copy_in)),
        ("copy_out", False, sync(copy_out)),
        ("cancel", False, sync(cancel)),
        ("notify", False, sync(notify)),
    ], setup_types=lambda: cc.recreate_types_table(q))
    if conn.conn is not None:
        wait(conn.conn.close())
    LOOP.close()


main_guard(main)
