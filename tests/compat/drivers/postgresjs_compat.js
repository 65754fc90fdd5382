// postgres.js (npm `postgres`). Extended protocol with named prepared
// statements: Parse + Describe + Flush, then Bind/Execute/Sync once the
// descriptions are known. At the first connection it queries
// pg_catalog.pg_type for array types (fetch_types); connect_trust checks that
// default, the other features use fetch_types: false so that they test the
// protocol rather than the catalog.
'use strict';

const postgres = require('postgres');
const {Readable, Writable} = require('stream');
const {pipeline} = require('stream/promises');
const {copyText, checkCopyRows, checkCopyOutText, cancelSleep, notifyRounds, SLEEP_SQL,
       C, PARAMS, Check, check, eq, show, R, typeParam, typeExpected, OneOf, runFeatures, runMain} = require('./compat_common.js');

let sql = null;
const opened = [];

function options(extra) {
  return Object.assign({host: C.host, port: C.port, user: C.user, database: C.database, ssl: false,
    max: 1, connect_timeout: 10, idle_timeout: 0, onnotice: () => {}}, extra);
}

function open(extra) {
  const s = postgres(options(extra));
  opened.push(s);
  return s;
}

function conn() {
  if (!sql) throw new Check('no connection');
  return sql;
}

async function connectTrust() {
  const s = open({}); // defaults: fetch_types true (pg_catalog.pg_type query)
  // postgres.js runs this first (connection.js, fetchArrayTypes):
  R.sql('select b.oid, b.typarray from pg_catalog.pg_type a left join pg_catalog.pg_type b ' +
        "on b.oid = a.typelem where a.typcategory = 'A' group by b.oid, b.typarray order by b.oid");
  try {
    const r = await s`SELECT 1 AS one`;
    eq(Number(r[0].one), 1);
  } finally {
    await s.end({timeout: 5});
  }
}

async function connectScram() {
  const s = open({host: C.scramHost, port: C.scramPort, user: C.scramUser, password: C.scramPassword,
    fetch_types: false});
  R.sql('SELECT 1 AS one');
  const r = await s`SELECT 1 AS one`;
  eq(Number(r[0].one), 1);
}

// auth_*: a login with the feature's user; rejects with postgres.js's error (code: the SQLSTATE).
async function authLogin({user, password, tls}) {
  const s = postgres(options({host: C.authHost, port: C.authPort, user, password, fetch_types: false,
    ssl: tls && {rejectUnauthorized: false, ...tls}}));
  try {
    const r = await s`SELECT 1 AS one`;
    eq(Number(r[0].one), 1);
  } finally {
    await s.end({timeout: 5});
  }
}

async function connectTls() {
  // ssl 'require': TLS without a certificate check; a server refusing SSL fails the connect.
  const s = open({ssl: 'require', fetch_types: false});
  R.sql('SELECT 1 AS one');
  const r = await s`SELECT 1 AS one`;
  eq(Number(r[0].one), 1);
}

async function simpleQuery() {
  R.sql('SELECT 1 AS one');
  const r = await conn()`SELECT 1 AS one`;
  eq(Number(r[0].one), 1);
}

async function exprType() {
  R.sql('SELECT 1 + 1 AS two');
  const r = await conn()`SELECT 1 + 1 AS two`;
  const oid = r.columns[0].type;
  check([20, 21, 23].includes(oid), 'column type oid ' + oid + ', want an integer type (value ' +
        show(r[0].two) + ')');
  eq(Number(r[0].two), 2);
}

async function param(col, id, value, ok) {
  const s = conn();
  R.sql(`INSERT INTO ${C.table} (id, ${col}) VALUES ($1, $2)`);
  await s`INSERT INTO ${s(C.table)} (id, ${s(col)}) VALUES (${id}, ${value})`;
  R.sql(`SELECT ${col} FROM ${C.table} WHERE id = $1`);
  const r = await s`SELECT ${s(col)} FROM ${s(C.table)} WHERE id = ${id}`;
  eq(r.length, 1, 'rows');
  const v = r[0][col];
  check(ok(v), 'got ' + show(v) + ', want ' + show(value));
}

async function errorSqlstate() {
  let err = null;
  R.sql(`SELECT * FROM ${C.missing}`);
  try {
    await conn().unsafe(R.query);
  } catch (e) {
    err = e;
  }
  check(err, 'no error for a missing table');
  eq(err.code, '42P01', 'SQLSTATE');
  R.sql('SELECT 1 AS one');
  eq(Number((await conn()`SELECT 1 AS one`)[0].one), 1, 'after the error');
}

async function multiStatement() {
  R.sql('SELECT 1 AS a; SELECT 2 AS b');
  const r = await conn().unsafe(R.query).simple();
  check(Array.isArray(r) && r.length === 2, 'want two results, got ' + show(r));
  eq(Number(r[0][0].a), 1);
  eq(Number(r[1][0].b), 2);
}

async function count(s, id) {
  R.sql(`SELECT count(*) AS n FROM ${C.table} WHERE id = ${id}`);
  return Number((await s.unsafe(R.query))[0].n);
}

async function transaction() {
  const s = conn();
  class Rollback extends Error {}
  try {
    await s.begin(async (tx) => {
      R.sql(`INSERT INTO ${C.table} (id, s) VALUES (100, 'rolled back')`);
      await tx.unsafe(R.query);
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  await s.begin(async (tx) => {
    R.sql(`INSERT INTO ${C.table} (id, s) VALUES (101, 'committed')`);
    await tx.unsafe(R.query);
  });
  let err = null;
  try {
    await s.begin(async (tx) => {
      R.sql(`SELECT * FROM ${C.missing}`);
      await tx.unsafe(R.query);
    });
  } catch (e) {
    err = e;
  }
  check(err && err.code === '42P01', 'error inside a transaction: ' + (err && err.message));
  eq(await count(s, 100), 0, 'rolled-back row');
  eq(await count(s, 101), 1, 'committed row');
}

async function rows100k() {
  R.sql(C.sqlRows);
  const r = await conn().unsafe(C.sqlRows);
  eq(r.length, C.rows, 'rows');
  eq(Number(r[r.length - 1].x), C.rows, 'last value');
}

async function stream100k() {
  R.sql(C.sqlRows);
  let n = 0;
  let last = null;
  await conn().unsafe(C.sqlRows).cursor(1000, (rows) => {
    n += rows.length;
    last = rows[rows.length - 1].x;
  });
  eq(n, C.rows, 'rows');
  eq(Number(last), C.rows, 'last value');
}

async function prepared() {
  const s = conn();
  for (let i = 0; i < 3; i++) {
    R.sql(`SELECT s FROM ${C.table} WHERE id = $1`);
    const r = await s.unsafe(R.query, [2], {prepare: true});
    eq(r.length, 1, 'rows');
    eq(r[0].s, PARAMS[1][2], 'value');
  }
}

// Type round trips, on a connection with the defaults (fetch_types: the
// array types come from pg_catalog.pg_type, so arrays are serialized and
// parsed). postgres.js declares a parameter's type from its JS value (Date
// timestamptz, Buffer bytea, boolean bool, bigint int8, else unspecified) and
// takes the others from ParameterDescription; it serializes every parameter
// as text by the described type and reads text results, which it parses
// (typeExpected).
let typesSql = null;

function typesConn() {
  typesSql = typesSql || open({});
  return typesSql;
}

const PGJS_TYPES = {
  exec: (text) => typesConn().unsafe(text),
  insert: (text, id, value) => typesConn().unsafe(text, [id, value]),
  async select(text, id) {
    const r = await typesConn().unsafe(text, [id]);
    eq(r.length, 1, 'rows');
    return {value: r[0][r.columns[0].name], oid: r.columns[0].type};
  },
  async selectText(text, id) {
    const r = await typesConn().unsafe(text, [id]).raw();
    return r[0][0] === null ? null : r[0][0].toString('utf8');
  },
  // The timestamps (microseconds, which a Date cannot hold) go as their
  // canonical text: declared as unknown (705), as an untyped literal, since
  // postgres.js would turn a string for a described timestamp into a Date.
  param: (t) => (t.name === 'timestamp' || t.name === 'timestamptz' ? typesConn().typed(t.text, 705) : typeParam(t)),
  expect(t) {
    const v = typeExpected(t);
    if (!Array.isArray(v)) return v;
    // postgres.js's array parser does not know NULL elements (open issues
    // porsager/postgres#1049, #1124): it hands the text NULL to the element
    // parser (int4: +'NULL' = NaN, text: 'NULL'). Accepted besides the right
    // value; the raw text check still proves the NULL.
    return new OneOf(v, v.map((x) => (x !== null ? x : typeof v[0] === 'number' ? +'NULL' : 'NULL')));
  },
  detail: () => 't/t',
};

// A connection of its own for the COPY, cancel and notify features.
async function withFresh(fn) {
  const s = postgres(options({fetch_types: false}));
  try {
    return await fn(s, (text) => s.unsafe(R.sql(text)));
  } finally {
    await s.end({timeout: 1});
  }
}

async function copyIn() {
  // sql`COPY ... FROM STDIN`.writable(): a stream the COPY data is written to.
  await withFresh(async (s, qc) => {
    await qc(`DROP TABLE IF EXISTS ${C.copyTable}`);
    await qc(C.sqlCreateCopy);
    const w = await s.unsafe(R.sql(`COPY ${C.copyTable} (id, s) FROM STDIN`)).writable();
    await pipeline(Readable.from([Buffer.from(copyText())]), w);
    eq(Number((await qc(`SELECT count(*) AS n FROM ${C.copyTable}`))[0].n), C.copyRows, 'rows');
    const rows = await qc(`SELECT id, s FROM ${C.copyTable} ORDER BY id`);
    checkCopyRows(rows.map((row) => [row.id, row.s]));
  });
}

async function copyOut() {
  // sql`COPY ... TO STDOUT`.readable(): a stream of the COPY data.
  await withFresh(async (s, qc) => {
    await qc(`DROP TABLE IF EXISTS ${C.copyTable}`);
    await qc(C.sqlCreateCopy);
    await qc(C.sqlCopySeed);
    const r = await s.unsafe(R.sql(`COPY ${C.copyTable} (id, s) TO STDOUT`)).readable();
    const chunks = [];
    await pipeline(r, new Writable({write(chunk, _enc, cb) {
      chunks.push(chunk);
      cb();
    }}));
    checkCopyOutText(Buffer.concat(chunks).toString('utf8'));
  });
}

async function cancel() {
  // query.cancel(): a CancelRequest from a new connection once the query is
  // on the wire (before that, postgres.js drops the query itself and makes up
  // a 57014 without asking the server, so it is only called once it is active).
  await withFresh(async (s, qc) => {
    await qc('SELECT 1');
    const query = s.unsafe(R.sql(SLEEP_SQL));
    await cancelSleep(() => query.then((x) => x), () => (query.active ? query.cancel() : null),
                      (e) => e.code,
                      async () => eq(Number((await qc('SELECT 1 AS one'))[0].one), 1, 'after the cancel'));
  });
}

async function notify() {
  // sql.listen(channel, fn) (its own connection); NOTIFY from another.
  await withFresh(async (s, qc) => {
    const listener = postgres(options({fetch_types: false}));
    try {
      await notifyRounds(async (onNote) => {
        R.sql(`LISTEN "${C.channel}" (sql.listen)`);
        await listener.listen(C.channel, (payload) => onNote(C.channel, payload));
      }, (payload) => qc(`NOTIFY ${C.channel}, '${payload}'`));
    } finally {
      await listener.end({timeout: 1});
    }
  });
}

async function main() {
  // The connection the table features share opens once connect_trust has run.
  const connectTrustThenOpen = async () => {
    try {
      await connectTrust();
    } finally {
      sql = open({fetch_types: false});
    }
  };
  await runFeatures({
    f: {connect_trust: connectTrustThenOpen, connect_scram: connectScram, connect_tls: connectTls,
        auth_login: authLogin,
        simple_query: simpleQuery, expr_type: exprType, param, error_sqlstate: errorSqlstate,
        multi_statement: multiStatement, transaction, prepared, rows_100k: rows100k,
        stream_100k: stream100k, copy_in: copyIn, copy_out: copyOut, cancel, notify},
    exec: (text) => sql.unsafe(text),
    types: PGJS_TYPES,
    close: () => Promise.all(opened.map((s) => s.end({timeout: 5}))),
  });
}

runMain(main);
