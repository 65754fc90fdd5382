// Shared by the Node driver programs of the compat suite: configuration from
// COMPAT_* variables, the test values and the JSON reporting (one line per
// feature). A feature passes when its async function resolves.
'use strict';

const fs = require('fs');

const env = process.env;
const C = {
  host: env.COMPAT_HOST,
  port: Number(env.COMPAT_PORT),
  user: env.COMPAT_USER,
  scramHost: env.COMPAT_SCRAM_HOST,
  scramPort: Number(env.COMPAT_SCRAM_PORT),
  scramUser: env.COMPAT_SCRAM_USER,
  scramPassword: env.COMPAT_SCRAM_PASSWORD,
  database: env.COMPAT_DBNAME || 'postgres',
  table: env.COMPAT_TABLE,
  sqlCreate: env.COMPAT_SQL_CREATE,
  sqlRows: env.COMPAT_SQL_ROWS,
  rows: Number(env.COMPAT_ROWS || 100000),
  timeout: Number(env.COMPAT_TIMEOUT || 15) * 1000,
  missing: 'compat_no_such_table',
  typesTable: env.COMPAT_TYPES_TABLE,
  sqlCreateTypes: env.COMPAT_SQL_CREATE_TYPES,
  copyTable: env.COMPAT_COPY_TABLE,
  sqlCreateCopy: env.COMPAT_SQL_CREATE_COPY,
  sqlCopySeed: env.COMPAT_SQL_COPY_SEED,
  copyRows: Number(env.COMPAT_COPY_ROWS || 1000),
  cancelWithin: Number(env.COMPAT_CANCEL_WITHIN || 1) * 1000,
  channel: env.COMPAT_CHANNEL,
  notifyWithin: Number(env.COMPAT_NOTIFY_WITHIN || 1) * 1000,
  // auth_md5, auth_cleartext, auth_cert: one user per method (HBA_RULES in compat.py).
  authHost: env.COMPAT_AUTH_HOST,
  authPort: Number(env.COMPAT_AUTH_PORT),
  md5User: env.COMPAT_MD5_USER,
  md5Password: env.COMPAT_MD5_PASSWORD,
  clearUser: env.COMPAT_CLEAR_USER,
  clearPassword: env.COMPAT_CLEAR_PASSWORD,
  certUser: env.COMPAT_CERT_USER,
  wrongPassword: env.COMPAT_WRONG_PASSWORD,
  sslcert: env.COMPAT_SSLCERT,
  sslkey: env.COMPAT_SSLKEY,
  // Features expected_gaps.txt says wedge this server ("skip:"): reported failed, not run.
  skip: (env.COMPAT_SKIP || '').split(',').filter((x) => x),
};

// [feature, column, value sent, check of the value received]
const PARAMS = [
  ['param_int', 'i', 1234567890123, (v) => v === '1234567890123' || v === 1234567890123],
  ['param_text', 's', "it's ünïcode ✓", (v) => v === "it's ünïcode ✓"],
  ['param_null', 's', null, (v) => v === null],
  ['param_float', 'f', 3.25, (v) => v === 3.25],
  ['param_bool', 'b', true, (v) => v === true],
  ['param_bytea', 'bin', Buffer.from([0, 1, 0xfe, 0xff]),
    (v) => Buffer.isBuffer(v) && v.equals(Buffer.from([0, 1, 0xfe, 0xff]))],
  ['param_date', 'd', new Date(Date.UTC(2024, 1, 29)),
    (v) => v instanceof Date && v.toISOString() === '2024-02-29T00:00:00.000Z'],
  ['param_timestamp', 'ts', new Date(Date.UTC(2024, 1, 29, 12, 34, 56, 789)),
    (v) => v instanceof Date && v.toISOString() === '2024-02-29T12:34:56.789Z'],
];

class Check extends Error {}

function check(cond, what) {
  if (!cond) throw new Check(what);
}

function show(v) {
  if (v instanceof OneOf) return 'one of ' + v.values.map(show).join(' | ');
  if (Buffer.isBuffer(v)) return 'Buffer<' + v.toString('hex') + '>';
  if (v instanceof Date) return 'Date(' + (isNaN(v) ? 'invalid' : v.toISOString()) + ')';
  if (typeof v === 'bigint') return v + 'n (bigint)';
  const kind = v && typeof v === 'object' ? (Array.isArray(v) ? 'array' : v.constructor.name) : typeof v;
  return JSON.stringify(v) + ' (' + kind + ')';
}

function eq(got, want, what) {
  if (got !== want) throw new Check((what ? what + ': ' : '') + 'got ' + show(got) + ', want ' + show(want));
}

const R = {
  query: null,
  sql(text) {
    this.query = text;
    return text;
  },
  emit(feature, ok, error, detail) {
    const r = {feature, ok};
    if (!ok) {
      r.error = error;
      if (this.query) r.query = this.query;
    } else if (detail) {
      r.detail = detail;
    }
    process.stdout.write(JSON.stringify(r) + '\n');
  },
  async run(feature, fn) {
    this.query = null;
    if (C.skip.includes(feature)) {
      this.emit(feature, false, 'not run: listed in expected_gaps.txt with skip: (see its reason)');
      return;
    }
    let timer;
    try {
      // A feature may resolve to its detail (the formats it proved, e.g. "t/t").
      const detail = await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Check('hung: no answer within the time limit (COMPAT_TIMEOUT)')),
                             C.timeout);
        }),
      ]);
      this.emit(feature, true, undefined, typeof detail === 'string' ? detail : undefined);
    } catch (e) {
      let msg = (e && e.constructor ? e.constructor.name : 'Error') + ': ' + (e && e.message ? e.message : String(e));
      if (e && e.code) msg = '[' + e.code + '] ' + msg;
      if (e && !(e instanceof Check) && e.stack) {
        const at = e.stack.split('\n').find((l) => l.includes('_compat.js'));
        if (at) msg += ' (' + at.trim() + ')';
      }
      this.emit(feature, false, msg);
    } finally {
      clearTimeout(timer);
    }
  },
};

// A driver's background promise failing (postgres.js's type fetch) must not
// end the program: the feature waiting on it reports the error.
process.on('unhandledRejection', (e) => {
  console.error('unhandled rejection:', e && e.message ? e.message : e);
});

// Type round trips (features type_<name>). types.json is the spec: PostgreSQL's
// text of one value per type. TYPE_VALUES is its JS value: the parameter a
// Node driver sends and what a driver that parses the type returns. A type
// missing here has no JS type: the parameter is the canonical text (a string)
// and a driver that does not parse it returns that string.
const TYPES = JSON.parse(fs.readFileSync(env.COMPAT_TYPES, 'utf8')).types;
const JSON_VALUE = {a: [1, 2.5, 'x'], b: null};
const TYPE_VALUES = {
  int2: -32768,
  int4: -2147483648,
  int8: -9007199254740993n,
  float4: -1.5,
  float8: 3.141592653589793,
  bool: true,
  bytea: Buffer.from('0001feff275c', 'hex'),
  oid: 4000000000,
  date: new Date(Date.UTC(2024, 1, 29)),
  json: JSON_VALUE,
  jsonb: JSON_VALUE,
  int4_array: [1, null, -3],
  text_array: ['a b', 'c,d', null, 'q"x', ''],
};
// A JS Date holds milliseconds, the spec's timestamps microseconds: they are
// sent as text; a driver that parses them returns a Date of the milliseconds
// (and the raw text check below proves the microseconds).
const TS = new Date('2024-02-29T12:34:56.789Z');
const PARSED_ONLY = {timestamp: TS, timestamptz: TS};

function typeParam(t) {
  return t.name in TYPE_VALUES ? TYPE_VALUES[t.name] : t.text;
}

// The decoded value of t by a driver that parses it (types it does not parse: t.text).
function typeParsed(t) {
  return t.name in PARSED_ONLY ? PARSED_ONLY[t.name] : typeParam(t);
}

// The types both Node drivers parse by default (pg-types; postgres.js with
// fetch_types for the arrays); the rest (int8, numeric, time, timetz,
// interval, uuid, inet, cidr and the text types) stays the server's text.
const NODE_PARSED = new Set(['int2', 'int4', 'float4', 'float8', 'bool', 'bytea', 'oid', 'date', 'timestamp',
  'timestamptz', 'json', 'jsonb', 'int4_array', 'text_array']);

function typeExpected(t) {
  return NODE_PARSED.has(t.name) ? typeParsed(t) : t.text;
}

// An expected decoded value with alternatives (e.g. a known driver bug besides the right value).
class OneOf {
  constructor(...values) {
    this.values = values;
  }
}

// Deep, exact equality of decoded values (Buffers, Dates, arrays, objects of one class).
function same(a, b) {
  if (b instanceof OneOf) return b.values.some((w) => same(a, w));
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return Object.getPrototypeOf(a) === Object.getPrototypeOf(b) && same(ka, kb) &&
      ka.every((k) => same(a[k], b[k]));
  }
  return Object.is(a, b);
}

// One type round trip through a driver d:
//   d.insert(sql, id, value)  runs the INSERT with parameters [id, value]
//   d.select(sql, id)         -> {value, oid}: the decoded value and the column type oid
//   d.selectText(sql, id)     -> the value's raw text as the server sent it
//   d.expect(t)               the decoded value the driver should return
//   d.param(t) (optional)     the parameter to send (default typeParam(t))
//   d.detail(t)               "<param formats>/<result formats>"
//   d.selectBinary(sql, id, t) (optional) the same SELECT in binary result
//                             format -> {format, oid, raw, parsed}: the column's
//                             format as the driver reports it, the value's
//                             bytes as the driver hands them over, and (only
//                             where the driver decodes t's binary form) {value}:
//                             the decoded value
//   d.rawBinary(bytes) (optional) what the driver hands over for the server's
//                             bytes (default: the bytes), e.g. OneOf(bytes, the
//                             image a known driver bug makes of them)
async function typeRoundTrip(d, t, id) {
  const col = 'v_' + t.name;
  const sent = d.param ? d.param(t) : typeParam(t);
  await d.insert(R.sql(`INSERT INTO ${C.typesTable} (id, ${col}) VALUES ($1, $2)`), id, sent);
  const what = 'sent ' + show(sent);
  const sel = R.sql(`SELECT ${col} FROM ${C.typesTable} WHERE id = $1`);
  const got = await d.select(sel, id);
  check(got.oid === t.oid, `${what}; column type oid ${got.oid}, want ${t.oid} (${t.name})`);
  const want = d.expect(t);
  check(same(got.value, want), `${what}; text result decoded: got ${show(got.value)}, want ${show(want)}`);
  // json keeps its input text as is: that is the text the driver made of the
  // object (JSON.stringify, as both Node drivers do), not the spec's spacing.
  const wantText = t.name === 'json' && typeof sent === 'object' ? JSON.stringify(sent) : t.text;
  const text = await d.selectText(sel, id);
  check(text === wantText, `${what}; text result raw: got ${show(text)}, want ${show(wantText)}`);
  if (d.selectBinary) await typeBinaryResult(d, t, id, sel, what, wantText);
  return d.detail(t);
}

// Step 2 in binary result format: the format and oid the driver reports, the
// value's bytes (the spec's binary; for json the text kept, as above) and the
// decoded value where the driver decodes the binary form.
async function typeBinaryResult(d, t, id, sel, what, wantText) {
  const got = await d.selectBinary(sel, id, t);
  const how = `${what}; binary result (column format ${got.format})`;
  check(got.format === 'binary', `${how}: the column is not in binary format`);
  check(got.oid === t.oid, `${how}: column type oid ${got.oid}, want ${t.oid} (${t.name})`);
  const bytes = t.name === 'json' ? Buffer.from(wantText) : Buffer.from(t.binary, 'hex');
  const wantRaw = d.rawBinary ? d.rawBinary(bytes) : bytes;
  check(same(got.raw, wantRaw), `${how} raw: got ${show(got.raw)}, want ${show(wantRaw)}`);
  // A decoded value is only as good as the bytes it was decoded from.
  if (got.parsed && same(got.raw, bytes)) {
    const want = d.expect(t);
    check(same(got.parsed.value, want), `${how} decoded: got ${show(got.parsed.value)}, want ${show(want)}`);
  }
}

// The type_<name> features: (re)creates the types table with d.exec(sql),
// then one round trip per type of types.json (type i uses row id i + 1).
async function runTypes(d) {
  let tableError = null;
  try {
    await d.exec(R.sql(`DROP TABLE IF EXISTS ${C.typesTable}`));
    await d.exec(R.sql(C.sqlCreateTypes));
  } catch (e) {
    tableError = 'creating the types table failed: ' + (e && e.message) + ' (query: ' + R.query + ')';
  }
  for (const [i, t] of TYPES.entries()) {
    if (tableError) R.emit('type_' + t.name, false, tableError);
    else await R.run('type_' + t.name, () => typeRoundTrip(d, t, i + 1));
  }
}

// auth_*: [kind, the refused login, its SQLSTATE]. authLogin(kind, which)
// logs in, runs SELECT 1 and closes; it rejects with the driver's error.
const AUTH_CASES = {
  auth_md5: ['md5', 'wrong', '28P01'],
  auth_cleartext: ['clear', 'wrong', '28P01'],
  auth_cert: ['cert', 'nocert', '28000'],
};

// The login of an auth feature: user, password, and tls (false; {} for TLS
// without a client certificate; {cert, key} with one, as PEM text).
function authLogin(kind, which) {
  if (kind === 'cert') {
    return {user: C.certUser, password: undefined,
      tls: which === 'right' ? {cert: fs.readFileSync(C.sslcert), key: fs.readFileSync(C.sslkey)} : {}};
  }
  const [user, password] = kind === 'md5' ? [C.md5User, C.md5Password] : [C.clearUser, C.clearPassword];
  return {user, password: which === 'right' ? password : C.wrongPassword, tls: false};
}

async function authFeature(name, login) {
  const [kind, refused, sqlstate] = AUTH_CASES[name];
  R.sql(`(log in as ${authLogin(kind, 'right').user})`);
  await login(authLogin(kind, 'right'));
  R.sql(`(log in as ${authLogin(kind, refused).user}, to be refused with ${sqlstate})`);
  let err = null;
  try {
    await login(authLogin(kind, refused));
  } catch (e) {
    err = e;
  }
  check(err !== null, `the login succeeded; want it refused with ${sqlstate}`);
  eq(err.code, sqlstate, `SQLSTATE of the refused login (${err.message})`);
}

// The shared order of the Node drivers' features (as run_plan in
// compat_common.py). f: the feature functions by name (param(col, id, value,
// ok) for each PARAMS entry); exec(sql): runs DDL; types: runTypes' driver;
// close(): ends the driver's connections, waited for at most C.timeout.
async function runFeatures({f, exec, types, close}) {
  for (const name of ['connect_trust', 'connect_scram', 'connect_tls']) await R.run(name, f[name]);
  for (const name of Object.keys(AUTH_CASES)) await R.run(name, () => authFeature(name, f.auth_login));
  for (const name of ['simple_query', 'expr_type']) await R.run(name, f[name]);
  let tableError = null;
  try {
    await exec(R.sql(`DROP TABLE IF EXISTS ${C.table}`));
    await exec(R.sql(C.sqlCreate));
  } catch (e) {
    tableError = 'creating the test table failed: ' + e.message + ' (query: ' + R.query + ')';
  }
  const withTable = (name, fn) => (tableError ? R.emit(name, false, tableError) : R.run(name, fn));
  for (const [n, [feature, col, value, ok]] of PARAMS.entries()) {
    await withTable(feature, () => f.param(col, n + 1, value, ok));
  }
  await R.run('error_sqlstate', f.error_sqlstate);
  await R.run('multi_statement', f.multi_statement);
  await withTable('transaction', f.transaction);
  await withTable('prepared', f.prepared);
  await R.run('rows_100k', f.rows_100k);
  await R.run('stream_100k', f.stream_100k);
  await runTypes(types);
  for (const name of ['copy_in', 'copy_out', 'cancel', 'notify']) await R.run(name, f[name]);
  await Promise.race([close(), new Promise((r) => setTimeout(r, C.timeout))]);
}

// COPY, cancel, LISTEN/NOTIFY (as in compat_common.py). Row n of the COPY
// data: id n, s null when n % 100 == 0, else "r<n>" TAB BACKSLASH LF " ü✓".
const copyValue = (n) => (n % 100 === 0 ? null : `r${n}\t\\\n \u00fc\u2713`);
const copyRows = () => Array.from({length: C.copyRows}, (_, i) => [i + 1, copyValue(i + 1)]);
const copyEscape = (v) => (v === null ? '\\N'
  : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
const copyText = () => copyRows().map(([n, v]) => `${n}\t${copyEscape(v)}\n`).join('');
const SLEEP_SQL = 'SELECT pg_sleep(10)';
const NOTIFY_PAYLOAD = (k) => `payload ü ${k}`;

// rows: [[id, s]] in any order (ids as numbers or strings).
function checkCopyRows(rows) {
  eq(rows.length, C.copyRows, 'rows');
  const got = rows.map(([i, s]) => [Number(i), s]).sort((a, b) => a[0] - b[0]);
  for (const [k, [n, v]] of copyRows().entries()) {
    if (got[k][0] !== n || got[k][1] !== v) {
      throw new Check(`row ${n}: got ${show(got[k])}, want ${show([n, v])}`);
    }
  }
}

function checkCopyOutText(text) {
  check(text.endsWith('\n'), 'the COPY data does not end with a newline: ' + show(text.slice(-40)));
  const lines = text.slice(0, -1).split('\n');
  eq(lines.length, C.copyRows, 'lines');
  lines.sort((a, b) => Number(a.split('\t')[0]) - Number(b.split('\t')[0]));
  const want = copyText().slice(0, -1).split('\n');
  for (const [k, w] of want.entries()) {
    if (lines[k] !== w) throw new Check(`line ${show(lines[k])}, want ${show(w)}`);
  }
}

// run(): a promise of SLEEP_SQL on the connection; cancel(): the driver's
// cancel, called every 100 ms (a cancel before the query started is lost)
// until run() settles; sqlstate(e); after(): a query on the same connection.
async function cancelSleep(run, cancel, sqlstate, after) {
  const started = Date.now();
  let done = false;
  let cancelError = null;
  const p = run();
  const tick = async () => {
    while (!done) {
      await new Promise((r) => setTimeout(r, 100));
      if (done) break;
      try {
        await cancel();
      } catch (e) {
        cancelError = e;
        return;
      }
    }
  };
  const ticking = tick();
  let failure = null;
  try {
    await p;
  } catch (e) {
    failure = e;
  }
  const elapsed = Date.now() - started;
  done = true;
  await ticking;
  if (cancelError) throw new Check("the driver's cancel failed: " + cancelError.message);
  check(failure !== null, `${SLEEP_SQL} was not cancelled (it ended after ${elapsed} ms)`);
  eq(sqlstate(failure), '57014', 'SQLSTATE (' + failure.message + ')');
  check(elapsed < C.cancelWithin, `cancelled after ${elapsed} ms, want < ${C.cancelWithin} ms`);
  await after();
}

// listen(onNotification(channel, payload)); notify(payload) from another
// connection. Round 1: NOTIFY while the listener is idle; round 2: the
// listener is already waiting for it.
async function notifyRounds(listen, notify) {
  const queue = [];
  let wake = null;
  await listen((channel, payload) => {
    queue.push([channel, payload]);
    if (wake) wake();
  });
  const next = () => new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), C.notifyWithin);
    const take = () => {
      if (!queue.length) return;
      clearTimeout(timer);
      wake = null;
      resolve(queue.shift());
    };
    wake = take;
    take();
  });
  for (const k of [1, 2]) {
    let got;
    if (k === 1) {
      await notify(NOTIFY_PAYLOAD(k));
      got = await next();
    } else {
      const waiting = next();
      await notify(NOTIFY_PAYLOAD(k));
      got = await waiting;
    }
    const what = `round ${k} (listener ${k === 1 ? 'idle' : 'waiting'} when NOTIFY was sent)`;
    check(got !== null, `${what}: no notification within ${C.notifyWithin} ms`);
    check(got[0] === C.channel && got[1] === NOTIFY_PAYLOAD(k),
          `${what}: got ${show(got)}, want ${show([C.channel, NOTIFY_PAYLOAD(k)])}`);
  }
}

// Runs a driver program's main(): exit 0 when it ran, 3 when it crashed.
function runMain(main) {
  main().then(() => process.exit(0), (e) => {
    console.error(e);
    process.exit(3);
  });
}

module.exports = {copyRows, copyText, checkCopyRows, checkCopyOutText, cancelSleep, notifyRounds,
                  SLEEP_SQL, C, PARAMS, Check, check, eq, show, R, TYPES, typeParam, typeExpected, OneOf, runTypes,
                  runFeatures, runMain};
