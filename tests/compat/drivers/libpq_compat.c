/* libpq driver program of the compat suite (tests/compat/compat.py).
 *
 * Reads COMPAT_* variables, prints one JSON line per feature:
 *   {"feature": "...", "ok": true|false, "error": "...", "query": "..."}
 *
 * Parameters are typed: int8, float8, bool and bytea in binary, text, date
 * and timestamp in text. Also: PQprepare + PQdescribePrepared, binary
 * results, pipeline mode with an error in the middle, single-row mode.
 *
 * Type round trips (type_<name>, one per entry of COMPAT_TYPES, types.json):
 * byte-exact. Each value goes in as a text parameter (the canonical text) and,
 * in a second row, as a binary parameter (PostgreSQL's binary output), both
 * typed with the type's OID; each row comes back with resultFormat 0 and 1,
 * which must equal "text" and "binary" byte for byte, and PQftype the OID.
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static PGconn *conn;
static char query_buf[4096];
static char err_buf[4096];
static const char *detail; /* the formats proven ("t+b/t+b"), reported with a pass */
static const char *table;

static const char *env(const char *name) {
  const char *v = getenv(name);
  return v ? v : "";
}

static void json_string(const char *s) {
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
    if (*p == '"' || *p == '\\') {
      putchar('\\');
      putchar(*p);
    } else if (*p < 0x20) {
      printf("\\u%04x", *p);
    } else {
      putchar(*p);
    }
  }
  putchar('"');
}

static void emit(const char *feature, int ok) {
  printf("{\"feature\": ");
  json_string(feature);
  printf(", \"ok\": %s", ok ? "true" : "false");
  if (ok && detail) {
    printf(", \"detail\": ");
    json_string(detail);
  }
  if (!ok) {
    printf(", \"error\": ");
    json_string(err_buf);
    if (query_buf[0]) {
      printf(", \"query\": ");
      json_string(query_buf);
    }
  }
  printf("}\n");
  fflush(stdout);
}

static const char *sql(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(query_buf, sizeof query_buf, fmt, ap);
  va_end(ap);
  return query_buf;
}

#define FAIL(...)                                          \
  do {                                                     \
    snprintf(err_buf, sizeof err_buf, __VA_ARGS__);        \
    return 0;                                              \
  } while (0)

static void trim(char *s) {
  size_t n = strlen(s);
  while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ')) s[--n] = 0;
}

/* The error of a result (or the connection) as "[SQLSTATE] message". */
static const char *result_error(const PGresult *r) {
  static char buf[2048];
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  const char *msg = r ? PQresultErrorMessage(r) : NULL;
  if (!msg || !*msg) msg = PQerrorMessage(conn);
  snprintf(buf, sizeof buf, "[%s] %s: %s", state ? state : "-",
           r ? PQresStatus(PQresultStatus(r)) : "no result", msg);
  trim(buf);
  return buf;
}

/* Runs SQL (simple protocol); the result if its status is `want`, else NULL with err_buf set. */
static PGresult *exec_want(const char *text, ExecStatusType want) {
  if (text != query_buf) sql("%s", text);
  PGresult *r = PQexec(conn, text);
  if (PQresultStatus(r) != want) {
    snprintf(err_buf, sizeof err_buf, "%s", result_error(r));
    PQclear(r);
    return NULL;
  }
  return r;
}

/* PQexecParams; the result if its status is `want`, else NULL with err_buf set. */
static PGresult *params_want(const char *text, int n, const Oid *types, const char *const *values,
                             const int *lengths, const int *formats, int result_format,
                             ExecStatusType want) {
  PGresult *r = PQexecParams(conn, text, n, types, values, lengths, formats, result_format);
  if (PQresultStatus(r) != want) {
    snprintf(err_buf, sizeof err_buf, "%s", result_error(r));
    PQclear(r);
    return NULL;
  }
  return r;
}

static int exec_cmd(const char *text) {
  PGresult *r = exec_want(text, PGRES_COMMAND_OK);
  if (!r) return 0;
  PQclear(r);
  return 1;
}

static int have_conn(void) {
  if (conn == NULL || PQstatus(conn) != CONNECTION_OK)
    FAIL("no connection (connect_trust failed)");
  return 1;
}

static void be64(char *out, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = (char)(v & 0xff);
    v >>= 8;
  }
}

static uint64_t get_be64(const char *p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | (unsigned char)p[i];
  return v;
}

/* ------------------------------------------------------------------------ */

static int f_connect_trust(void) {
  sql("(connect) %s", env("COMPAT_TRUST_DSN"));
  conn = PQconnectdb(env("COMPAT_TRUST_DSN"));
  if (PQstatus(conn) != CONNECTION_OK) {
    snprintf(err_buf, sizeof err_buf, "%s", PQerrorMessage(conn));
    trim(err_buf);
    return 0;
  }
  PGresult *r = exec_want("SELECT 1", PGRES_TUPLES_OK);
  if (!r) return 0;
  int ok = strcmp(PQgetvalue(r, 0, 0), "1") == 0;
  PQclear(r);
  if (!ok) FAIL("SELECT 1 gave something else");
  return 1;
}

static int f_connect_scram(void) {
  PGconn *c = PQconnectdb(env("COMPAT_SCRAM_DSN"));
  sql("(connect with SCRAM) user=%s", env("COMPAT_SCRAM_USER"));
  if (PQstatus(c) != CONNECTION_OK) {
    snprintf(err_buf, sizeof err_buf, "%s", PQerrorMessage(c));
    trim(err_buf);
    PQfinish(c);
    return 0;
  }
  sql("SELECT 1");
  PGresult *r = PQexec(c, "SELECT 1");
  int ok = PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "1") == 0;
  if (!ok) snprintf(err_buf, sizeof err_buf, "%s", PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(c);
  return ok;
}

static int f_simple_query(void) {
  if (!have_conn()) return 0;
  PGresult *r = exec_want("SELECT 1 AS one", PGRES_TUPLES_OK);
  if (!r) return 0;
  int ok = PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "1") == 0;
  if (!ok) snprintf(err_buf, sizeof err_buf, "got %d rows, first %s", PQntuples(r),
                    PQntuples(r) ? PQgetvalue(r, 0, 0) : "-");
  PQclear(r);
  return ok;
}

static int f_expr_type(void) {
  if (!have_conn()) return 0;
  /* PQexecParams: Parse/Bind/Describe/Execute/Sync, even without parameters. */
  PGresult *r = PQexecParams(conn, sql("SELECT 1 + 1 AS two"), 0, NULL, NULL, NULL, NULL, 0);
  if (PQresultStatus(r) != PGRES_TUPLES_OK) {
    snprintf(err_buf, sizeof err_buf, "%s", result_error(r));
    PQclear(r);
    return 0;
  }
  Oid t = PQftype(r, 0);
  int ok = (t == 20 || t == 21 || t == 23) && strcmp(PQgetvalue(r, 0, 0), "2") == 0;
  if (!ok)
    snprintf(err_buf, sizeof err_buf, "column type oid %u, value '%s'; want an integer type, '2'",
             t, PQgetvalue(r, 0, 0));
  PQclear(r);
  return ok;
}

struct param_case {
  const char *feature, *column;
  Oid type;
  int binary;
  const char *value; /* NULL: SQL NULL */
  int length;        /* for binary values */
  const char *want;  /* text result; NULL: SQL NULL */
};

static char bin_int[8], bin_float[8];
static const char bin_bool[1] = {1};
static const char bin_bytea[4] = {0, 1, (char)0xfe, (char)0xff};

static int insert_and_select(const struct param_case *c, long id) {
  char idv[8];
  be64(idv, (uint64_t)id);
  const char *values[2] = {idv, c->value};
  int lengths[2] = {8, c->length};
  int formats[2] = {1, c->binary};
  Oid types[2] = {20, c->type};
  PGresult *r = params_want(sql("INSERT INTO %s (id, %s) VALUES ($1, $2)", table, c->column), 2,
                            types, values, lengths, formats, 0, PGRES_COMMAND_OK);
  if (!r) return 0;
  PQclear(r);
  r = params_want(sql("SELECT %s FROM %s WHERE id = $1", c->column, table), 1, types, values,
                  lengths, formats, 0, PGRES_TUPLES_OK);
  if (!r) return 0;
  int ok = 1;
  if (PQntuples(r) != 1) {
    snprintf(err_buf, sizeof err_buf, "got %d rows, want 1", PQntuples(r));
    ok = 0;
  } else if (c->want == NULL) {
    if (!PQgetisnull(r, 0, 0)) {
      snprintf(err_buf, sizeof err_buf, "got '%s', want NULL", PQgetvalue(r, 0, 0));
      ok = 0;
    }
  } else if (PQgetisnull(r, 0, 0) || strcmp(PQgetvalue(r, 0, 0), c->want) != 0) {
    snprintf(err_buf, sizeof err_buf, "got %s%s%s, want '%s'", PQgetisnull(r, 0, 0) ? "NULL" : "'",
             PQgetisnull(r, 0, 0) ? "" : PQgetvalue(r, 0, 0), PQgetisnull(r, 0, 0) ? "" : "'",
             c->want);
    ok = 0;
  } else if (PQftype(r, 0) != c->type) {
    snprintf(err_buf, sizeof err_buf, "value right, but column type oid %u, want %u", PQftype(r, 0),
             c->type);
    ok = 0;
  }
  PQclear(r);
  return ok;
}

static int f_error_sqlstate(void) {
  if (!have_conn()) return 0;
  PGresult *r = PQexec(conn, sql("SELECT * FROM compat_no_such_table"));
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (PQresultStatus(r) != PGRES_FATAL_ERROR || !state || strcmp(state, "42P01") != 0) {
    snprintf(err_buf, sizeof err_buf, "simple query: want 42P01, got %s", result_error(r));
    PQclear(r);
    return 0;
  }
  PQclear(r);
  /* Extended protocol: the error comes from Parse. */
  r = PQexecParams(conn, sql("SELECT * FROM compat_no_such_table WHERE 1 = $1"), 1, NULL,
                   (const char *[]){"1"}, NULL, NULL, 0);
  state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (PQresultStatus(r) != PGRES_FATAL_ERROR || !state || strcmp(state, "42P01") != 0) {
    snprintf(err_buf, sizeof err_buf, "extended query: want 42P01, got %s", result_error(r));
    PQclear(r);
    return 0;
  }
  PQclear(r);
  r = exec_want("SELECT 1", PGRES_TUPLES_OK);
  if (!r) return 0;
  PQclear(r);
  return 1;
}

static int f_multi_statement(void) {
  if (!have_conn()) return 0;
  if (!PQsendQuery(conn, sql("SELECT 1; SELECT 2"))) FAIL("%s", PQerrorMessage(conn));
  char got[64] = "";
  int n = 0, ok = 1;
  PGresult *r;
  while ((r = PQgetResult(conn)) != NULL) {
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
      strncat(got, PQgetvalue(r, 0, 0), sizeof got - strlen(got) - 2);
      strcat(got, ",");
    } else {
      snprintf(err_buf, sizeof err_buf, "result %d: %s", n + 1, result_error(r));
      ok = 0;
    }
    n++;
    PQclear(r);
  }
  if (ok && strcmp(got, "1,2,") != 0) FAIL("results %s, want 1,2,", got);
  return ok;
}

static const char *tx_name(PGTransactionStatusType s) {
  switch (s) {
    case PQTRANS_IDLE: return "idle";
    case PQTRANS_ACTIVE: return "active";
    case PQTRANS_INTRANS: return "in transaction";
    case PQTRANS_INERROR: return "in failed transaction";
    default: return "unknown";
  }
}

#define EXPECT_TX(want, when)                                                               \
  do {                                                                                      \
    if (PQtransactionStatus(conn) != (want))                                                \
      FAIL("transaction status %s: %s, want %s", when, tx_name(PQtransactionStatus(conn)), \
           tx_name(want));                                                                  \
  } while (0)

static long count_id(int id) {
  PGresult *r = exec_want(sql("SELECT count(*) FROM %s WHERE id = %d", table, id), PGRES_TUPLES_OK);
  if (!r) return -1;
  long n = atol(PQgetvalue(r, 0, 0));
  PQclear(r);
  return n;
}

static int f_transaction(void) {
  if (!have_conn()) return 0;
  EXPECT_TX(PQTRANS_IDLE, "before");
  if (!exec_cmd("BEGIN")) return 0;
  EXPECT_TX(PQTRANS_INTRANS, "after BEGIN");
  if (!exec_cmd(sql("INSERT INTO %s (id, s) VALUES (100, 'rolled back')", table))) return 0;
  /* Rows through the extended protocol (Parse/Bind/Describe/Execute/Sync):
   * ReadyForQuery after Sync must still say "in a transaction". */
  PGresult *rows = PQexecParams(conn, sql("SELECT id FROM %s WHERE id = 100", table), 0, NULL, NULL, NULL,
                                NULL, 0);
  int rows_ok = PQresultStatus(rows) == PGRES_TUPLES_OK && PQntuples(rows) == 1;
  PQclear(rows);
  if (!rows_ok) FAIL("SELECT in the transaction: %s", PQerrorMessage(conn));
  EXPECT_TX(PQTRANS_INTRANS, "after an extended-protocol SELECT in the transaction");
  if (!exec_cmd("ROLLBACK")) return 0;
  EXPECT_TX(PQTRANS_IDLE, "after ROLLBACK");
  if (!exec_cmd("BEGIN")) return 0;
  if (!exec_cmd(sql("INSERT INTO %s (id, s) VALUES (101, 'committed')", table))) return 0;
  if (!exec_cmd("COMMIT")) return 0;
  EXPECT_TX(PQTRANS_IDLE, "after COMMIT");
  if (!exec_cmd("BEGIN")) return 0;
  PGresult *r = PQexec(conn, sql("SELECT * FROM compat_no_such_table"));
  PQclear(r);
  EXPECT_TX(PQTRANS_INERROR, "after an error in a transaction");
  if (!exec_cmd("ROLLBACK")) return 0;
  EXPECT_TX(PQTRANS_IDLE, "after ROLLBACK of the failed transaction");
  long n = count_id(100);
  if (n != 0) FAIL("rolled-back row: count %ld, want 0 (%s)", n, err_buf);
  n = count_id(101);
  if (n != 1) FAIL("committed row: count %ld, want 1 (%s)", n, err_buf);
  return 1;
}

static int f_rows_100k(void) {
  if (!have_conn()) return 0;
  PGresult *r = exec_want(env("COMPAT_SQL_ROWS"), PGRES_TUPLES_OK);
  if (!r) return 0;
  long want = atol(env("COMPAT_ROWS"));
  int ok = PQntuples(r) == want && atol(PQgetvalue(r, PQntuples(r) - 1, 0)) == want;
  if (!ok) snprintf(err_buf, sizeof err_buf, "got %d rows, want %ld", PQntuples(r), want);
  PQclear(r);
  return ok;
}

static int f_stream_100k(void) {
  if (!have_conn()) return 0;
  if (!PQsendQuery(conn, sql("%s", env("COMPAT_SQL_ROWS")))) FAIL("%s", PQerrorMessage(conn));
  if (!PQsetSingleRowMode(conn)) FAIL("PQsetSingleRowMode refused");
  long n = 0, last = 0, want = atol(env("COMPAT_ROWS"));
  int ok = 1;
  PGresult *r;
  while ((r = PQgetResult(conn)) != NULL) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      n++;
      last = atol(PQgetvalue(r, 0, 0));
    } else if (st != PGRES_TUPLES_OK) {
      snprintf(err_buf, sizeof err_buf, "%s", result_error(r));
      ok = 0;
    }
    PQclear(r);
  }
  if (ok && (n != want || last != want)) FAIL("got %ld rows (last %ld), want %ld", n, last, want);
  return ok;
}

static int f_prepare_describe(void) {
  if (!have_conn()) return 0;
  PGresult *r = PQprepare(conn, "compat_stmt", sql("SELECT i, s FROM %s WHERE id = $1", table), 0, NULL);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    snprintf(err_buf, sizeof err_buf, "PQprepare: %s", result_error(r));
    PQclear(r);
    return 0;
  }
  PQclear(r);
  r = PQdescribePrepared(conn, "compat_stmt");
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    snprintf(err_buf, sizeof err_buf, "PQdescribePrepared: %s", result_error(r));
    PQclear(r);
    return 0;
  }
  int ok = PQnparams(r) == 1 && PQnfields(r) == 2 && PQparamtype(r, 0) == 20 && PQftype(r, 0) == 20 &&
           PQftype(r, 1) == 25 && strcmp(PQfname(r, 0), "i") == 0;
  if (!ok)
    snprintf(err_buf, sizeof err_buf,
             "PQdescribePrepared: %d params (type %u), %d columns (%s %u, %s %u); want 1 param of "
             "type 20 (int8, inferred from the column), columns i 20, s 25",
             PQnparams(r), PQnparams(r) ? PQparamtype(r, 0) : 0, PQnfields(r),
             PQnfields(r) ? PQfname(r, 0) : "-", PQnfields(r) ? PQftype(r, 0) : 0,
             PQnfields(r) > 1 ? PQfname(r, 1) : "-", PQnfields(r) > 1 ? PQftype(r, 1) : 0);
  PQclear(r);
  if (!ok) return 0;
  for (int i = 0; i < 2; ++i) {
    const char *v[1] = {"2"};
    r = PQexecPrepared(conn, "compat_stmt", 1, v, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
        strcmp(PQgetvalue(r, 0, 1), "it's ünïcode ✓") != 0) {
      snprintf(err_buf, sizeof err_buf, "PQexecPrepared: %s, %d rows", result_error(r), PQntuples(r));
      PQclear(r);
      return 0;
    }
    PQclear(r);
  }
  return 1;
}

static int f_binary_results(void) {
  if (!have_conn()) return 0;
  char idv[8];
  be64(idv, 300);
  const char *values[8] = {idv, bin_int, "binary ✓", bin_float, bin_bool, bin_bytea, "2024-02-29",
                           "2024-02-29 12:34:56.789"};
  int lengths[8] = {8, 8, 0, 8, 1, 4, 0, 0};
  int formats[8] = {1, 1, 0, 1, 1, 1, 0, 0};
  Oid types[8] = {20, 20, 25, 701, 16, 17, 1082, 1114};
  PGresult *r = params_want(
      sql("INSERT INTO %s (id, i, s, f, b, bin, d, ts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", table),
      8, types, values, lengths, formats, 0, PGRES_COMMAND_OK);
  if (!r) return 0;
  PQclear(r);
  r = PQexecParams(conn, sql("SELECT i, s, f, b, bin, d, ts FROM %s WHERE id = $1", table), 1, types,
                   values, lengths, formats, 1);
  if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
    snprintf(err_buf, sizeof err_buf, "%s (%d rows)", result_error(r), PQntuples(r));
    PQclear(r);
    return 0;
  }
  int ok = 1;
  for (int i = 0; i < 7; ++i)
    if (PQfformat(r, i) != 1) {
      snprintf(err_buf, sizeof err_buf, "column %d not in binary format", i);
      ok = 0;
    }
  uint64_t f_bits = 0;
  double f = 0;
  if (ok && PQgetlength(r, 0, 2) == 8) {
    f_bits = get_be64(PQgetvalue(r, 0, 2));
    memcpy(&f, &f_bits, 8);
  }
  if (ok && !(PQgetlength(r, 0, 0) == 8 && get_be64(PQgetvalue(r, 0, 0)) == 1234567890123ULL)) {
    snprintf(err_buf, sizeof err_buf, "int8 column: %d bytes, wrong value", PQgetlength(r, 0, 0));
    ok = 0;
  } else if (ok && strcmp(PQgetvalue(r, 0, 1), "binary ✓") != 0) {
    snprintf(err_buf, sizeof err_buf, "text column: '%s'", PQgetvalue(r, 0, 1));
    ok = 0;
  } else if (ok && f != 3.25) {
    snprintf(err_buf, sizeof err_buf, "float8 column: %d bytes, value %g", PQgetlength(r, 0, 2), f);
    ok = 0;
  } else if (ok && !(PQgetlength(r, 0, 3) == 1 && PQgetvalue(r, 0, 3)[0] == 1)) {
    snprintf(err_buf, sizeof err_buf, "bool column: %d bytes", PQgetlength(r, 0, 3));
    ok = 0;
  } else if (ok && !(PQgetlength(r, 0, 4) == 4 && memcmp(PQgetvalue(r, 0, 4), bin_bytea, 4) == 0)) {
    snprintf(err_buf, sizeof err_buf, "bytea column: %d bytes", PQgetlength(r, 0, 4));
    ok = 0;
  } else if (ok) {
    const unsigned char *d = (const unsigned char *)PQgetvalue(r, 0, 5);
    long days = PQgetlength(r, 0, 5) == 4 ? (long)((uint32_t)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3]) : -1;
    uint64_t ts = PQgetlength(r, 0, 6) == 8 ? get_be64(PQgetvalue(r, 0, 6)) : 0;
    if (days != 8825) {
      snprintf(err_buf, sizeof err_buf, "date column: %d bytes, %ld days, want 8825", PQgetlength(r, 0, 5), days);
      ok = 0;
    } else if (ts != 762525296789000ULL) {
      snprintf(err_buf, sizeof err_buf, "timestamp column: %d bytes, %llu us, want 762525296789000",
               PQgetlength(r, 0, 6), (unsigned long long)ts);
      ok = 0;
    }
  }
  PQclear(r);
  return ok;
}

static int f_pipeline_error(void) {
  if (!have_conn()) return 0;
  if (!PQenterPipelineMode(conn)) FAIL("PQenterPipelineMode: %s", PQerrorMessage(conn));
  sql("pipeline: SELECT 1; SELECT * FROM compat_no_such_table; SELECT 3; Sync; SELECT 4; Sync");
  int sent = PQsendQueryParams(conn, "SELECT 1", 0, NULL, NULL, NULL, NULL, 0) &&
             PQsendQueryParams(conn, "SELECT * FROM compat_no_such_table", 0, NULL, NULL, NULL, NULL, 0) &&
             PQsendQueryParams(conn, "SELECT 3", 0, NULL, NULL, NULL, NULL, 0) && PQpipelineSync(conn) &&
             PQsendQueryParams(conn, "SELECT 4", 0, NULL, NULL, NULL, NULL, 0) && PQpipelineSync(conn);
  if (!sent) {
    snprintf(err_buf, sizeof err_buf, "sending: %s", PQerrorMessage(conn));
    PQexitPipelineMode(conn);
    return 0;
  }
  /* Expected sequence of result statuses (NULL separates queries). */
  struct {
    ExecStatusType status;
    const char *value;
  } want[] = {{PGRES_TUPLES_OK, "1"},       {PGRES_FATAL_ERROR, "42P01"}, {PGRES_PIPELINE_ABORTED, NULL},
              {PGRES_PIPELINE_SYNC, NULL}, {PGRES_TUPLES_OK, "4"},       {PGRES_PIPELINE_SYNC, NULL}};
  int ok = 1;
  char seen[1024] = "";
  for (size_t i = 0; i < sizeof want / sizeof want[0] && ok; ++i) {
    PGresult *r = PQgetResult(conn);
    if (r == NULL) {
      snprintf(err_buf, sizeof err_buf, "step %zu: no result; seen: %s", i + 1, seen);
      ok = 0;
      break;
    }
    ExecStatusType st = PQresultStatus(r);
    strncat(seen, PQresStatus(st), sizeof seen - strlen(seen) - 3);
    strcat(seen, " ");
    if (st != want[i].status) {
      snprintf(err_buf, sizeof err_buf, "step %zu: %s, want %s; seen: %s", i + 1, result_error(r),
               PQresStatus(want[i].status), seen);
      ok = 0;
    } else if (st == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), want[i].value) != 0) {
      snprintf(err_buf, sizeof err_buf, "step %zu: value %s, want %s", i + 1, PQgetvalue(r, 0, 0), want[i].value);
      ok = 0;
    } else if (st == PGRES_FATAL_ERROR) {
      const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
      if (!state || strcmp(state, want[i].value) != 0) {
        snprintf(err_buf, sizeof err_buf, "step %zu: SQLSTATE %s, want %s", i + 1, state ? state : "-",
                 want[i].value);
        ok = 0;
      }
    }
    PQclear(r);
    if (ok && st != PGRES_PIPELINE_SYNC) {
      r = PQgetResult(conn); /* the NULL that ends each query's results */
      if (r != NULL) {
        snprintf(err_buf, sizeof err_buf, "step %zu: extra result %s", i + 1, PQresStatus(PQresultStatus(r)));
        PQclear(r);
        ok = 0;
      }
    }
  }
  if (!PQexitPipelineMode(conn) && ok) FAIL("PQexitPipelineMode: %s", PQerrorMessage(conn));
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Type round trips. types.json is read with a reader made for its layout:
 * one type object per line, {"key": "string" or integer, ...}; strings use
 * the JSON escapes. Anything else on such a line is an error, reported loudly. */

struct type_case {
  char *name, *text, *binary; /* binary: the decoded bytes */
  size_t text_len, binary_len;
  Oid oid;
};

static struct type_case *type_cases;
static size_t n_types;
static char types_error[1024]; /* set when types.json could not be read */

static void put_utf8(char **out, unsigned long c) {
  unsigned char *o = (unsigned char *)*out;
  if (c < 0x80) {
    *o++ = (unsigned char)c;
  } else if (c < 0x800) {
    *o++ = (unsigned char)(0xc0 | c >> 6);
    *o++ = (unsigned char)(0x80 | (c & 0x3f));
  } else {
    *o++ = (unsigned char)(0xe0 | c >> 12);
    *o++ = (unsigned char)(0x80 | (c >> 6 & 0x3f));
    *o++ = (unsigned char)(0x80 | (c & 0x3f));
  }
  *out = (char *)o;
}

/* A JSON string at *p (at its opening quote): a malloc'd copy, its length in
 * *len; *p moves past the closing quote. NULL on a malformed string. */
static char *json_parse_string(const char **p, size_t *len) {
  const char *s = *p;
  if (*s++ != '"') return NULL;
  char *out = malloc(strlen(s) + 1), *o = out; /* never longer than its source */
  static const char plain[] = "\"\\/bfnrt", decoded[] = "\"\\/\b\f\n\r\t";
  for (; *s != '"'; ++s) {
    if (*s == 0 || (unsigned char)*s < 0x20) goto bad;
    if (*s != '\\') {
      *o++ = *s;
      continue;
    }
    ++s;
    const char *e = *s ? strchr(plain, *s) : NULL;
    if (e) {
      *o++ = decoded[e - plain];
    } else if (*s == 'u') {
      char hex4[5] = {0};
      for (int i = 0; i < 4; ++i)
        if (!(hex4[i] = s[1 + i]) || !strchr("0123456789abcdefABCDEF", hex4[i])) goto bad;
      unsigned long c = strtoul(hex4, NULL, 16);
      if (c >= 0xd800 && c < 0xe000) goto bad; /* surrogate pairs: not needed here */
      put_utf8(&o, c);
      s += 4;
    } else {
      goto bad;
    }
  }
  *len = (size_t)(o - out);
  *o = 0;
  *p = s + 1;
  return out;
bad:
  free(out);
  return NULL;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = (char)(c | 0x20);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes the hex of "binary" in place; 0 if it is not hex. */
static int unhex(char *s, size_t *len) {
  if (*len % 2) return 0;
  for (size_t i = 0; i < *len / 2; ++i) {
    int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return 0;
    s[i] = (char)(hi << 4 | lo);
  }
  *len /= 2;
  return 1;
}

#define SKIP_WS(p) while (*(p) == ' ' || *(p) == '\t' || *(p) == '\r' || *(p) == '\n') ++(p)

/* One line {"name": ..., "text": ..., "binary": ..., "oid": N, ...}; 0 with `why` on error. */
static int parse_type_line(const char *p, struct type_case *t, const char **why) {
  memset(t, 0, sizeof *t);
  long oid = -1;
  ++p; /* '{' */
  for (;;) {
    SKIP_WS(p);
    size_t klen, vlen;
    char *key = json_parse_string(&p, &klen), *value = NULL;
    if (!key) return *why = "a member name (a JSON string) expected", 0;
    SKIP_WS(p);
    if (*p++ != ':') return free(key), *why = "':' expected", 0;
    SKIP_WS(p);
    if (*p == '"') {
      if (!(value = json_parse_string(&p, &vlen))) return free(key), *why = "bad string value", 0;
    } else {
      char *end;
      long n = strtol(p, &end, 10);
      if (end == p) return free(key), *why = "a string or an integer value expected", 0;
      if (strcmp(key, "oid") == 0) oid = n;
      p = end;
    }
    char **slot = strcmp(key, "name") == 0 ? &t->name : strcmp(key, "text") == 0 ? &t->text
                  : strcmp(key, "binary") == 0 ? &t->binary : NULL;
    if (slot && value && !*slot) {
      *slot = value;
      if (slot == &t->text) t->text_len = vlen;
      if (slot == &t->binary) t->binary_len = vlen;
    } else {
      free(value);
    }
    free(key);
    SKIP_WS(p);
    if (*p == '}') break;
    if (*p++ != ',') return *why = "',' or '}' expected", 0;
  }
  ++p;
  SKIP_WS(p);
  if (*p && !(p[0] == ',' && !p[1 + strspn(p + 1, " \t\r\n")])) return *why = "text after the object", 0;
  if (!t->name || !t->text || !t->binary || oid <= 0) return *why = "name, text, binary or oid missing", 0;
  if (!unhex(t->binary, &t->binary_len)) return *why = "\"binary\" is not hex", 0;
  t->oid = (Oid)oid;
  return 1;
}

/* Reads COMPAT_TYPES into type_cases/n_types; 0 with types_error set on failure. */
static int load_types(void) {
  const char *path = env("COMPAT_TYPES");
  FILE *f = fopen(path, "r");
  if (!f) {
    snprintf(types_error, sizeof types_error, "cannot open COMPAT_TYPES '%s'", path);
    return 0;
  }
  char *line = NULL;
  size_t cap = 0;
  int lineno = 0, ok = 1;
  while (ok && getline(&line, &cap, f) > 0) {
    ++lineno;
    line[strcspn(line, "\r\n")] = 0;
    const char *p = line;
    SKIP_WS(p);
    if (p[0] != '{' || p[1 + strspn(p + 1, " \t")] != '"') continue; /* not a type object */
    const char *why = NULL;
    struct type_case t;
    if (!parse_type_line(p, &t, &why)) {
      snprintf(types_error, sizeof types_error, "%s:%d: %s: %s", path, lineno, why, p);
      ok = 0;
    } else {
      type_cases = realloc(type_cases, (n_types + 1) * sizeof *type_cases);
      type_cases[n_types++] = t;
    }
  }
  free(line);
  fclose(f);
  if (ok && n_types == 0) {
    snprintf(types_error, sizeof types_error, "%s: no type objects found", path);
    ok = 0;
  }
  return ok;
}

static const char *hex(const char *bytes, size_t n, char *out, size_t cap) {
  size_t i = 0;
  for (; i < n && 2 * i + 3 <= cap; ++i) snprintf(out + 2 * i, 3, "%02x", (unsigned char)bytes[i]);
  out[2 * i] = 0;
  return out;
}

/* "text parameter 'v'" or "binary parameter 0x..." for error messages. */
static const char *sent(const struct type_case *t, int binary, char *out, size_t cap) {
  char h[512];
  if (binary)
    snprintf(out, cap, "binary parameter %s", hex(t->binary, t->binary_len, h, sizeof h));
  else
    snprintf(out, cap, "text parameter '%s'", t->text);
  return out;
}

static const char *types_table;

/* Row `id`, inserted with `param_format`, read back with `result_format`. */
static int type_select(const struct type_case *t, long id, int param_format, int result_format) {
  char idv[24], what[640], got[1100], want[1100];
  snprintf(idv, sizeof idv, "%ld", id);
  const char *values[1] = {idv};
  const Oid param_types[1] = {20};
  PGresult *r = params_want(sql("SELECT v_%s FROM %s WHERE id = $1", t->name, types_table), 1,
                            param_types, values, NULL, NULL, result_format, PGRES_TUPLES_OK);
  sent(t, param_format, what, sizeof what);
  if (!r) {
    char e[sizeof err_buf];
    snprintf(e, sizeof e, "%s", err_buf);
    FAIL("row %ld (%s), %s result: %s", id, what, result_format ? "binary" : "text", e);
  }
  int ok = 0;
  const char *fmt = result_format ? "binary" : "text";
  const char *value = PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "";
  size_t len = PQntuples(r) == 1 ? (size_t)PQgetlength(r, 0, 0) : 0;
  const char *exp = result_format ? t->binary : t->text;
  size_t exp_len = result_format ? t->binary_len : t->text_len;
  if (result_format) {
    hex(value, len, got, sizeof got);
    hex(exp, exp_len, want, sizeof want);
  } else {
    snprintf(got, sizeof got, "'%s'", value);
    snprintf(want, sizeof want, "'%s'", exp);
  }
  if (PQntuples(r) != 1)
    snprintf(err_buf, sizeof err_buf, "row %ld (%s), %s result: %d rows, want 1", id, what, fmt, PQntuples(r));
  else if (PQgetisnull(r, 0, 0))
    snprintf(err_buf, sizeof err_buf, "row %ld (%s), %s result: NULL, want %s", id, what, fmt, want);
  else if (PQfformat(r, 0) != result_format)
    snprintf(err_buf, sizeof err_buf, "row %ld (%s): asked for a %s result, got format %d", id, what, fmt,
             PQfformat(r, 0));
  else if (len != exp_len || memcmp(value, exp, len) != 0)
    snprintf(err_buf, sizeof err_buf, "row %ld (%s), %s result: got %s (%zu bytes), want %s (%zu bytes)",
             id, what, fmt, got, len, want, exp_len);
  else if (PQftype(r, 0) != t->oid)
    snprintf(err_buf, sizeof err_buf, "row %ld (%s), %s result: value right, but PQftype %u, want %u", id,
             what, fmt, PQftype(r, 0), t->oid);
  else
    ok = 1;
  PQclear(r);
  return ok;
}

static int f_type(const void *arg, int index) {
  const struct type_case *t = arg;
  long ids[2] = {index + 1, index + 101}; /* [param format]: text row, binary row */
  for (int pf = 0; pf < 2; ++pf) {
    char idv[24], what[640];
    snprintf(idv, sizeof idv, "%ld", ids[pf]);
    const char *values[2] = {idv, pf ? t->binary : t->text};
    const int lengths[2] = {0, (int)(pf ? t->binary_len : t->text_len)}, formats[2] = {0, pf};
    const Oid param_types[2] = {20, t->oid};
    PGresult *r = params_want(sql("INSERT INTO %s (id, v_%s) VALUES ($1, $2)", types_table, t->name), 2,
                              param_types, values, lengths, formats, 0, PGRES_COMMAND_OK);
    if (!r) {
      char e[sizeof err_buf];
      snprintf(e, sizeof e, "%s", err_buf);
      FAIL("INSERT with a %s (type oid %u): %s", sent(t, pf, what, sizeof what), t->oid, e);
    }
    PQclear(r);
  }
  for (int pf = 0; pf < 2; ++pf)
    for (int rf = 0; rf < 2; ++rf)
      if (!type_select(t, ids[pf], pf, rf)) return 0;
  detail = "t+b/t+b";
  return 1;
}

/* ------------------------------------------------------------------------ */
/* COPY, cancel, LISTEN/NOTIFY (features copy_in, copy_out, cancel, notify).
 * Row n of the COPY data (compat.py, COPY_ROWS): id n, s NULL when n % 100
 * == 0, else "r<n>" TAB BACKSLASH LF " ü✓". Each feature uses connections
 * of its own; a watchdog (SIGALRM after COMPAT_TIMEOUT) shuts a hung
 * connection's socket down so the blocked call returns. */

static volatile sig_atomic_t watch_fd = -1, watch_fired;
static void on_alarm(int sig) {
  (void)sig;
  watch_fired = 1;
  if (watch_fd >= 0) shutdown(watch_fd, SHUT_RDWR);
}
static void watch(PGconn *c) {
  watch_fired = 0;
  watch_fd = c ? PQsocket(c) : -1;
  signal(SIGALRM, on_alarm);
  alarm((unsigned)atoi(env("COMPAT_TIMEOUT")[0] ? env("COMPAT_TIMEOUT") : "15"));
}
static int unwatch(int ok) {
  alarm(0);
  watch_fd = -1;
  if (watch_fired) {
    char was[2048];
    snprintf(was, sizeof was, "%s", err_buf);
    FAIL("hung: no answer within COMPAT_TIMEOUT, the socket was shut down (%s)", was);
  }
  return ok;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static PGconn *fresh(void) {
  PGconn *c = PQconnectdb(env("COMPAT_TRUST_DSN"));
  if (PQstatus(c) != CONNECTION_OK) {
    snprintf(err_buf, sizeof err_buf, "connect: %s", PQerrorMessage(c));
    trim(err_buf);
    PQfinish(c);
    return NULL;
  }
  return c;
}

static int copy_rows(void) { return atoi(env("COMPAT_COPY_ROWS")); }

/* The COPY text line of row n (with its newline). */
static const char *copy_line(int n) {
  static char buf[128];
  if (n % 100 == 0) snprintf(buf, sizeof buf, "%d\t\\N\n", n);
  else snprintf(buf, sizeof buf, "%d\tr%d\\t\\\\\\n \xc3\xbc\xe2\x9c\x93\n", n, n);
  return buf;
}
static const char *copy_value(int n) {
  static char buf[128];
  if (n % 100 == 0) return NULL;
  snprintf(buf, sizeof buf, "r%d\t\\\n \xc3\xbc\xe2\x9c\x93", n);
  return buf;
}

/* After copy_in: the row count and every row. */
static int check_copy_table(const char *t) {
  PGresult *r = exec_want(sql("SELECT count(*) FROM %s", t), PGRES_TUPLES_OK);
  if (!r) return 0;
  int count = atoi(PQgetvalue(r, 0, 0));
  PQclear(r);
  if (count != copy_rows()) FAIL("%d rows, want %d", count, copy_rows());
  r = exec_want(sql("SELECT id, s FROM %s ORDER BY id", t), PGRES_TUPLES_OK);
  if (!r) return 0;
  for (int i = 0; i < PQntuples(r); ++i) {
    int n = i + 1;
    const char *want = copy_value(n);
    int id = atoi(PQgetvalue(r, i, 0));
    int isnull = PQgetisnull(r, i, 1);
    if (id != n || isnull != (want == NULL) || (want && strcmp(PQgetvalue(r, i, 1), want) != 0)) {
      snprintf(err_buf, sizeof err_buf, "row %d: got id %d, s %s%s%s", n, id, isnull ? "NULL" : "'",
               isnull ? "" : PQgetvalue(r, i, 1), isnull ? "" : "'");
      PQclear(r);
      return 0;
    }
  }
  PQclear(r);
  return 1;
}

static int copy_in_body(const char *t) {
  if (!exec_cmd(sql("DROP TABLE IF EXISTS %s", t)) || !exec_cmd(env("COMPAT_SQL_CREATE_COPY")))
    return 0;
  PGresult *r = exec_want(sql("COPY %s (id, s) FROM STDIN", t), PGRES_COPY_IN);
  if (!r) return 0;
  PQclear(r);
  for (int n = 1; n <= copy_rows(); ++n) {
    const char *line = copy_line(n);
    if (PQputCopyData(conn, line, (int)strlen(line)) != 1)
      FAIL("PQputCopyData: %s", PQerrorMessage(conn));
  }
  if (PQputCopyEnd(conn, NULL) != 1) FAIL("PQputCopyEnd: %s", PQerrorMessage(conn));
  r = PQgetResult(conn);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    snprintf(err_buf, sizeof err_buf, "end of COPY: %s", result_error(r));
    PQclear(r);
    return 0;
  }
  char tuples[32];
  snprintf(tuples, sizeof tuples, "%s", PQcmdTuples(r));
  PQclear(r);
  while ((r = PQgetResult(conn)) != NULL) PQclear(r);
  if (atoi(tuples) != copy_rows()) FAIL("COPY tag says %s rows, want %d", tuples, copy_rows());
  if (!check_copy_table(t)) return 0;
  /* CopyFail: PQputCopyEnd with an error message: 57014, nothing copied, the
   * connection still works. */
  r = exec_want(sql("COPY %s (id, s) FROM STDIN", t), PGRES_COPY_IN);
  if (!r) return 0;
  PQclear(r);
  const char *extra = "100001\tnot kept\n";
  if (PQputCopyData(conn, extra, (int)strlen(extra)) != 1 ||
      PQputCopyEnd(conn, "compat: CopyFail from the client") != 1)
    FAIL("CopyFail: %s", PQerrorMessage(conn));
  r = PQgetResult(conn);
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (PQresultStatus(r) != PGRES_FATAL_ERROR || !state || strcmp(state, "57014") != 0) {
    snprintf(err_buf, sizeof err_buf, "after CopyFail: %s, want [57014] FATAL_ERROR", result_error(r));
    PQclear(r);
    return 0;
  }
  PQclear(r);
  while ((r = PQgetResult(conn)) != NULL) PQclear(r);
  return check_copy_table(t);
}

static int with_fresh(int (*body)(const char *), const char *detail_ok) {
  PGconn *saved = conn;
  PGconn *c = fresh();
  if (!c) return 0;
  conn = c;
  watch(c);
  int ok = unwatch(body(env("COMPAT_COPY_TABLE")));
  conn = saved;
  PQfinish(c);
  if (ok) detail = detail_ok;
  return ok;
}

static int f_copy_in(void) { return with_fresh(copy_in_body, "text, CopyFail"); }

static int line_id(const void *a) { return atoi(*(char *const *)a); }
static int by_id(const void *a, const void *b) { return line_id(a) - line_id(b); }

static int copy_out_body(const char *t) {
  if (!exec_cmd(sql("DROP TABLE IF EXISTS %s", t)) || !exec_cmd(env("COMPAT_SQL_CREATE_COPY")) ||
      !exec_cmd(env("COMPAT_SQL_COPY_SEED")))
    return 0;
  PGresult *r = exec_want(sql("COPY %s (id, s) TO STDOUT", t), PGRES_COPY_OUT);
  if (!r) return 0;
  PQclear(r);
  int rows = copy_rows(), n = 0, got;
  char **lines = calloc((size_t)rows + 1, sizeof *lines);
  char *buf;
  while ((got = PQgetCopyData(conn, &buf, 0)) > 0) {
    if (n <= rows) {
      lines[n] = malloc((size_t)got + 1);
      memcpy(lines[n], buf, (size_t)got);
      lines[n][got] = 0;
    }
    ++n;
    PQfreemem(buf);
  }
  int ok = 1;
  if (got == -2) {
    snprintf(err_buf, sizeof err_buf, "PQgetCopyData: %s", PQerrorMessage(conn));
    ok = 0;
  }
  r = PQgetResult(conn);
  if (ok && PQresultStatus(r) != PGRES_COMMAND_OK) {
    snprintf(err_buf, sizeof err_buf, "end of COPY: %s", result_error(r));
    ok = 0;
  }
  PQclear(r);
  while ((r = PQgetResult(conn)) != NULL) PQclear(r);
  if (ok && n != rows) {
    snprintf(err_buf, sizeof err_buf, "%d rows of COPY data, want %d", n, rows);
    ok = 0;
  }
  if (ok) {
    qsort(lines, (size_t)n, sizeof *lines, by_id);
    for (int i = 0; i < n; ++i) {
      if (strcmp(lines[i], copy_line(i + 1)) != 0) {
        snprintf(err_buf, sizeof err_buf, "line '%s', want '%s'", lines[i], copy_line(i + 1));
        ok = 0;
        break;
      }
    }
  }
  for (int i = 0; i <= rows; ++i) free(lines[i]);
  free(lines);
  return ok;
}

static int f_copy_out(void) { return with_fresh(copy_out_body, NULL); }

/* PQsendQuery(pg_sleep(10)); PQcancel every 100 ms (one sent before the query
 * started is lost) until the result comes: 57014 within COMPAT_CANCEL_WITHIN
 * s, then SELECT 1 on the same connection. */
static int cancel_body(const char *t) {
  (void)t;
  double within = atof(env("COMPAT_CANCEL_WITHIN"));
  double started = now();
  if (!PQsendQuery(conn, sql("SELECT pg_sleep(10)"))) FAIL("PQsendQuery: %s", PQerrorMessage(conn));
  int wait_ms = 50;
  while (PQisBusy(conn)) {
    struct pollfd p = {PQsocket(conn), POLLIN, 0};
    int k = poll(&p, 1, wait_ms);
    wait_ms = 100;
    if (k == 0) {
      PGcancel *cancel = PQgetCancel(conn);
      char why[256] = "";
      int sent = cancel && PQcancel(cancel, why, sizeof why);
      if (cancel) PQfreeCancel(cancel);
      if (!sent) FAIL("PQcancel: %s", why);
      continue;
    }
    if (!PQconsumeInput(conn)) FAIL("PQconsumeInput: %s", PQerrorMessage(conn));
  }
  double elapsed = now() - started;
  PGresult *r = PQgetResult(conn);
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  if (!state || strcmp(state, "57014") != 0) {
    snprintf(err_buf, sizeof err_buf, "%s, want 57014 (after %.2f s)", result_error(r), elapsed);
    PQclear(r);
    return 0;
  }
  PQclear(r);
  while ((r = PQgetResult(conn)) != NULL) PQclear(r);
  if (elapsed >= within) FAIL("cancelled after %.2f s, want < %.1f s", elapsed, within);
  r = exec_want(sql("SELECT 1"), PGRES_TUPLES_OK);
  if (!r) return 0;
  int one = atoi(PQgetvalue(r, 0, 0));
  PQclear(r);
  if (one != 1) FAIL("SELECT 1 after the cancel gave %d", one);
  return 1;
}

static int f_cancel(void) { return with_fresh(cancel_body, NULL); }

/* The listener waits: select/poll on PQsocket, PQconsumeInput, PQnotifies;
 * it sends nothing. */
struct wait_args {
  PGconn *listener;
  double deadline;
  char channel[128], payload[256];
  int got;
  char error[512];
};

static void *wait_notify(void *arg) {
  struct wait_args *w = arg;
  for (;;) {
    if (!PQconsumeInput(w->listener)) {
      snprintf(w->error, sizeof w->error, "PQconsumeInput: %s", PQerrorMessage(w->listener));
      return NULL;
    }
    PGnotify *n = PQnotifies(w->listener);
    if (n) {
      snprintf(w->channel, sizeof w->channel, "%s", n->relname);
      snprintf(w->payload, sizeof w->payload, "%s", n->extra);
      w->got = 1;
      PQfreemem(n);
      return NULL;
    }
    double left = w->deadline - now();
    if (left <= 0) return NULL;
    struct pollfd p = {PQsocket(w->listener), POLLIN, 0};
    poll(&p, 1, (int)(left * 1000) + 1);
  }
}

static int notify_body(const char *t) {
  (void)t;
  PGconn *sender = fresh();
  if (!sender) return 0;
  PGconn *listener = conn;
  const char *channel = env("COMPAT_CHANNEL");
  double within = atof(env("COMPAT_NOTIFY_WITHIN"));
  int ok = exec_cmd(sql("LISTEN %s", channel));
  for (int k = 1; ok && k <= 2; ++k) {
    char payload[64];
    snprintf(payload, sizeof payload, "payload \xc3\xbc %d", k);
    struct wait_args w = {listener, now() + within, "", "", 0, ""};
    pthread_t th;
    conn = sender;
    if (k == 1) { /* round 1: NOTIFY while the listener is idle, then it waits */
      ok = exec_cmd(sql("NOTIFY %s, '%s'", channel, payload));
      wait_notify(&w);
    } else { /* round 2: the listener waits (a thread) when NOTIFY is sent */
      pthread_create(&th, NULL, wait_notify, &w);
      ok = exec_cmd(sql("NOTIFY %s, '%s'", channel, payload));
      pthread_join(th, NULL);
    }
    conn = listener;
    if (!ok) break;
    const char *what = k == 1 ? "round 1 (listener idle when NOTIFY was sent)"
                              : "round 2 (listener waiting when NOTIFY was sent)";
    if (w.error[0]) {
      snprintf(err_buf, sizeof err_buf, "%s: %s", what, w.error);
      ok = 0;
    } else if (!w.got) {
      snprintf(err_buf, sizeof err_buf, "%s: no notification within %.1f s", what, within);
      ok = 0;
    } else if (strcmp(w.channel, channel) != 0 || strcmp(w.payload, payload) != 0) {
      snprintf(err_buf, sizeof err_buf, "%s: got (%s, %s), want (%s, %s)", what, w.channel,
               w.payload, channel, payload);
      ok = 0;
    }
  }
  PQfinish(sender);
  return ok;
}

static int f_notify(void) { return with_fresh(notify_body, NULL); }

/* ------------------------------------------------------------------------ */

static void run(const char *feature, int (*fn)(void)) {
  query_buf[0] = 0;
  err_buf[0] = 0;
  detail = NULL;
  /* COMPAT_SKIP: features expected_gaps.txt says wedge this server ("skip:"). */
  char skip[512];
  snprintf(skip, sizeof skip, ",%s,", env("COMPAT_SKIP"));
  char mark[128];
  snprintf(mark, sizeof mark, ",%s,", feature);
  if (strstr(skip, mark)) {
    snprintf(err_buf, sizeof err_buf, "not run: listed in expected_gaps.txt with skip: (see its reason)");
    emit(feature, 0);
    return;
  }
  emit(feature, fn());
}

/* (Re)creates a test table; 0 with `err` set on failure. */
static int make_table(const char *name, const char *create, char *err, size_t cap) {
  query_buf[0] = 0;
  err_buf[0] = 0;
  int ok = have_conn() && exec_cmd(sql("DROP TABLE IF EXISTS %s", name)) && exec_cmd(create);
  snprintf(err, cap, "creating the test table failed: %s", err_buf);
  return ok;
}

/* A feature that needs a test table: its failure (table_err) if the table
 * could not be made, else fn(arg, index). */
static void run_on_table(const char *feature, const char *table_err, int (*fn)(const void *, int),
                         const void *arg, int index) {
  query_buf[0] = 0;
  err_buf[0] = 0;
  detail = NULL;
  if (table_err) {
    snprintf(err_buf, sizeof err_buf, "%s", table_err);
    emit(feature, 0);
  } else {
    emit(feature, fn(arg, index));
  }
}

static int f_param(const void *c, int index) { return insert_and_select(c, index + 1); }

static int f_connect_tls(void) {
  PGconn *c = PQconnectdb(env("COMPAT_TLS_DSN"));
  sql("(connect with sslmode=require) %s", env("COMPAT_TLS_DSN"));
  if (PQstatus(c) != CONNECTION_OK) {
    snprintf(err_buf, sizeof err_buf, "%s", PQerrorMessage(c));
    trim(err_buf);
    PQfinish(c);
    return 0;
  }
  if (!PQsslInUse(c)) {
    PQfinish(c);
    FAIL("connected with sslmode=require but PQsslInUse is 0");
  }
  sql("SELECT 1");
  PGresult *r = PQexec(c, "SELECT 1");
  int ok = PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "1") == 0;
  if (!ok) snprintf(err_buf, sizeof err_buf, "%s", PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(c);
  return ok;
}

/* A login with the error verbosity set before it starts, so a refusal's
 * message carries the SQLSTATE ("FATAL:  28P01: ..."): libpq has no other
 * way to tell a connection failure's SQLSTATE. */
static PGconn *connect_verbose(const char *dsn) {
  PGconn *c = PQconnectStart(dsn);
  if (!c || PQstatus(c) == CONNECTION_BAD) return c;
  PQsetErrorVerbosity(c, PQERRORS_VERBOSE);
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
    struct pollfd p = {PQsocket(c), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
    if (poll(&p, 1, 20000) <= 0) break; /* hung: the status is not OK, reported below */
    st = PQconnectPoll(c);
  }
  return c;
}

/* auth_*: `dsn` logs in and runs SELECT 1; `refused_dsn` must fail with `sqlstate`. */
static int auth_login(const char *dsn, const char *refused_dsn, const char *sqlstate) {
  sql("(log in) %s", dsn);
  PGconn *c = connect_verbose(dsn);
  if (PQstatus(c) != CONNECTION_OK) {
    snprintf(err_buf, sizeof err_buf, "%s", PQerrorMessage(c));
    trim(err_buf);
    PQfinish(c);
    return 0;
  }
  sql("SELECT 1");
  PGresult *r = PQexec(c, "SELECT 1");
  int ok = PQresultStatus(r) == PGRES_TUPLES_OK && strcmp(PQgetvalue(r, 0, 0), "1") == 0;
  if (!ok) snprintf(err_buf, sizeof err_buf, "%s", PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(c);
  if (!ok) return 0;
  sql("(log in, to be refused with %s) %s", sqlstate, refused_dsn);
  c = connect_verbose(refused_dsn);
  if (PQstatus(c) == CONNECTION_OK) {
    PQfinish(c);
    FAIL("the login succeeded; want it refused with %s", sqlstate);
  }
  char want[64];
  snprintf(want, sizeof want, "FATAL:  %s: ", sqlstate);
  ok = strstr(PQerrorMessage(c), want) != NULL;
  if (!ok) snprintf(err_buf, sizeof err_buf, "want %s in the error, got: %s", want, PQerrorMessage(c));
  trim(err_buf);
  PQfinish(c);
  return ok;
}

static int f_auth_md5(void) { return auth_login(env("COMPAT_MD5_DSN"), env("COMPAT_MD5_WRONG_DSN"), "28P01"); }
static int f_auth_cleartext(void) {
  return auth_login(env("COMPAT_CLEAR_DSN"), env("COMPAT_CLEAR_WRONG_DSN"), "28P01");
}
static int f_auth_cert(void) { return auth_login(env("COMPAT_CERT_DSN"), env("COMPAT_CERT_NOCERT_DSN"), "28000"); }

int main(void) {
  table = env("COMPAT_TABLE");
  be64(bin_int, 1234567890123ULL);
  double f = 3.25;
  uint64_t bits;
  memcpy(&bits, &f, 8);
  be64(bin_float, bits);

  run("connect_trust", f_connect_trust);
  run("connect_scram", f_connect_scram);
  run("connect_tls", f_connect_tls);
  run("auth_md5", f_auth_md5);
  run("auth_cleartext", f_auth_cleartext);
  run("auth_cert", f_auth_cert);
  run("simple_query", f_simple_query);
  run("expr_type", f_expr_type);

  char table_err[4096];
  int table_ok = make_table(table, env("COMPAT_SQL_CREATE"), table_err, sizeof table_err);
  static const struct param_case cases[] = {
      {"param_int", "i", 20, 1, bin_int, 8, "1234567890123"},
      {"param_text", "s", 25, 0, "it's ünïcode ✓", 0, "it's ünïcode ✓"},
      {"param_null", "s", 25, 0, NULL, 0, NULL},
      {"param_float", "f", 701, 1, bin_float, 8, "3.25"},
      {"param_bool", "b", 16, 1, bin_bool, 1, "t"},
      {"param_bytea", "bin", 17, 1, bin_bytea, 4, "\\x0001feff"},
      {"param_date", "d", 1082, 0, "2024-02-29", 0, "2024-02-29"},
      {"param_timestamp", "ts", 1114, 0, "2024-02-29 12:34:56.789", 0, "2024-02-29 12:34:56.789"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i)
    run_on_table(cases[i].feature, table_ok ? NULL : table_err, f_param, &cases[i], (int)i);
  run("error_sqlstate", f_error_sqlstate);
  run("multi_statement", f_multi_statement);
  run("transaction", f_transaction);
  run("rows_100k", f_rows_100k);
  run("stream_100k", f_stream_100k);
  run("prepare_describe", f_prepare_describe);
  run("binary_results", f_binary_results);
  run("pipeline_error", f_pipeline_error);

  /* A types.json that cannot be read ends the program with an error (after
   * the other features): its type features then fail with this message. */
  if (!load_types()) {
    fprintf(stderr, "libpq_compat: reading the type list failed: %s\n", types_error);
    if (conn) PQfinish(conn);
    return 3;
  }
  types_table = env("COMPAT_TYPES_TABLE");
  table_ok = make_table(types_table, env("COMPAT_SQL_CREATE_TYPES"), table_err, sizeof table_err);
  for (size_t i = 0; i < n_types; ++i) {
    char feature[80];
    snprintf(feature, sizeof feature, "type_%s", type_cases[i].name);
    run_on_table(feature, table_ok ? NULL : table_err, f_type, &type_cases[i], (int)i);
  }
  run("copy_in", f_copy_in);
  run("copy_out", f_copy_out);
  run("cancel", f_cancel);
  run("notify", f_notify);
  if (conn) PQfinish(conn);
  return 0;
}
