// Shared by the Node driver programs of the compat suite: configuration from
// COMPAT_* variables, the test values and the JSON reporting (one line per
// feature). A feature passes when its async function resolves.
'use strict';

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
  if (Buffer.isBuffer(v)) return 'Buffer<' + v.toString('hex') + '>';
  if (v instanceof Date) return 'Date(' + (isNaN(v) ? 'invalid' : v.toISOString()) + ')';
  return JSON.stringify(v) + ' (' + typeof v + ')';
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
  emit(feature, ok, error) {
    const r = {feature, ok};
    if (!ok) {
      r.error = error;
      if (this.query) r.query = this.query;
    }
    process.stdout.write(JSON.stringify(r) + '\n');
  },
  async run(feature, fn) {
    this.query = null;
    let timer;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Check('hung: no answer within the time limit (COMPAT_TIMEOUT)')),
                             C.timeout);
        }),
      ]);
      this.emit(feature, true);
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

module.exports = {C, PARAMS, Check, check, eq, show, R};
