/* libpq test client for the server integration tests.
 *
 *   pq_client CONNINFO COMMAND...
 *
 * Connects once, prints a JSON line describing the session,
 * then runs each COMMAND and prints one JSON line per event. Commands:
 *
 *   query:SQL        PQsendQuery; one line per PGresult (so a multi-statement
 *                    string gives several), then {"event":"idle","tx":"I|T|E"}
 *                    with PQtransactionStatus.
 *   count:SQL        single-row mode: counts the rows without keeping them;
 *                    prints {"event":"count","rows":N,"last":[...],"tag":...}.
 *   cancel:SQL       PQsendQuery, then PQcancel every 100 ms until the
 *                    result starts arriving (at most 100 times); prints the
 *                    results like query: plus {"event":"cancel","sent":N}.
 *   sessions:N:R:SQL opens N more connections with the same conninfo (all open
 *                    at once), then R rounds of: send SQL on every connection,
 *                    then collect every result. Prints
 *                    {"event":"sessions","ok":..,"failed":..,"distinct_pids":..}.
 *
 * Exit status: 0 when every command succeeded, 1 when a command got an
 * error result, 2 on usage errors, 3 when the connection failed (the message
 * is printed as {"event":"connect_failed","message":...}).
 *
 * The connection is made with PQconnectStart/PQconnectPoll and error
 * verbosity VERBOSE set before the first poll: libpq then formats a FATAL
 * received during connection with its SQLSTATE ("FATAL:  28P01: ..."), which
 * psql cannot show (it sets VERBOSITY only once connected).
 */
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void json_string(const char *s) {
  if (s == NULL) {
    fputs("null", stdout);
    return;
  }
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; ++p) {
    switch (*p) {
      case '"': fputs("\\\"", stdout); break;
      case '\\': fputs("\\\\", stdout); break;
      case '\n': fputs("\\n", stdout); break;
      case '\r': fputs("\\r", stdout); break;
      case '\t': fputs("\\t", stdout); break;
      default:
        if (*p < 0x20)
          printf("\\u%04x", *p);
        else
          putchar(*p);
    }
  }
  putchar('"');
}

/* PQconnectdb with verbose errors from the start (see the top comment). */
static PGconn *connect_verbose(const char *conninfo) {
  PGconn *conn = PQconnectStart(conninfo);
  if (conn == NULL) {
    fprintf(stderr, "PQconnectStart: out of memory\n");
    exit(3);
  }
  PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (PQstatus(conn) != CONNECTION_BAD && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
    struct pollfd p = {PQsocket(conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT, 0};
    int n = poll(&p, 1, 30000);
    if (n == 0) {
      fprintf(stderr, "connection attempt timed out after 30 s in one step\n");
      break;
    }
    if (n < 0) break;
    st = PQconnectPoll(conn);
  }
  return conn;
}

static const char *tx_name(PGTransactionStatusType t) {
  switch (t) {
    case PQTRANS_IDLE: return "I";
    case PQTRANS_INTRANS: return "T";
    case PQTRANS_INERROR: return "E";
    case PQTRANS_ACTIVE: return "active";
    default: return "unknown";
  }
}

static void print_row(const PGresult *res, int row) {
  putchar('[');
  for (int c = 0; c < PQnfields(res); ++c) {
    if (c) putchar(',');
    json_string(PQgetisnull(res, row, c) ? NULL : PQgetvalue(res, row, c));
  }
  putchar(']');
}

/* One PGresult as a JSON line. Returns 1 for an error result. */
static int print_result(const PGresult *res) {
  ExecStatusType st = PQresultStatus(res);
  printf("{\"event\":\"result\",\"status\":");
  json_string(PQresStatus(st));
  int failed = st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR;
  if (failed) {
    static const struct { const char *name; int code; } fields[] = {
        {"severity", PG_DIAG_SEVERITY_NONLOCALIZED}, {"sqlstate", PG_DIAG_SQLSTATE},
        {"message", PG_DIAG_MESSAGE_PRIMARY},        {"detail", PG_DIAG_MESSAGE_DETAIL},
        {"hint", PG_DIAG_MESSAGE_HINT}};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; ++i) {
      printf(",\"%s\":", fields[i].name);
      json_string(PQresultErrorField(res, fields[i].code));
    }
    printf(",\"error_message\":");
    json_string(PQresultErrorMessage(res));
  } else {
    printf(",\"tag\":");
    json_string(PQcmdStatus((PGresult *)res));
    printf(",\"columns\":[");
    for (int c = 0; c < PQnfields(res); ++c) {
      if (c) putchar(',');
      json_string(PQfname(res, c));
    }
    printf("],\"rows\":[");
    for (int r = 0; r < PQntuples(res); ++r) {
      if (r) putchar(',');
      print_row(res, r);
    }
    putchar(']');
  }
  printf("}\n");
  return failed;
}

static int run_query(PGconn *conn, const char *sql) {
  int failed = 0;
  if (!PQsendQuery(conn, sql)) {
    printf("{\"event\":\"send_failed\",\"message\":");
    json_string(PQerrorMessage(conn));
    printf("}\n");
    return 1;
  }
  PGresult *res;
  while ((res = PQgetResult(conn)) != NULL) {
    failed |= print_result(res);
    PQclear(res);
  }
  printf("{\"event\":\"idle\",\"tx\":\"%s\",\"connection\":\"%s\"}\n",
         tx_name(PQtransactionStatus(conn)), PQstatus(conn) == CONNECTION_OK ? "ok" : "bad");
  fflush(stdout);
  return failed;
}

static int run_count(PGconn *conn, const char *sql) {
  if (!PQsendQuery(conn, sql) || !PQsetSingleRowMode(conn)) {
    printf("{\"event\":\"send_failed\",\"message\":");
    json_string(PQerrorMessage(conn));
    printf("}\n");
    return 1;
  }
  long long rows = 0;
  int failed = 0;
  PGresult *res;
  PGresult *last = NULL;
  char *tag = NULL;
  while ((res = PQgetResult(conn)) != NULL) {
    ExecStatusType st = PQresultStatus(res);
    if (st == PGRES_SINGLE_TUPLE) {
      ++rows;
      if (last) PQclear(last);
      last = res;
      continue;
    }
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
      free(tag);
      tag = strdup(PQcmdStatus(res));
    } else {
      failed |= print_result(res);
    }
    PQclear(res);
  }
  printf("{\"event\":\"count\",\"rows\":%lld,\"last\":", rows);
  if (last) {
    print_row(last, 0);
    PQclear(last);
  } else {
    printf("null");
  }
  printf(",\"tag\":");
  json_string(tag);
  printf(",\"tx\":\"%s\"}\n", tx_name(PQtransactionStatus(conn)));
  free(tag);
  fflush(stdout);
  return failed;
}

static int run_cancel(PGconn *conn, const char *sql) {
  if (!PQsendQuery(conn, sql)) {
    printf("{\"event\":\"send_failed\",\"message\":");
    json_string(PQerrorMessage(conn));
    printf("}\n");
    return 1;
  }
  /* The query may not have reached the server when the first cancel does
     (PostgreSQL has the same race): repeat until the answer comes. */
  int sent = 0;
  for (; sent < 100; ++sent) {
    struct pollfd p = {PQsocket(conn), POLLIN, 0};
    if (poll(&p, 1, sent == 0 ? 0 : 100) != 0) break;
    PGcancel *cancel = PQgetCancel(conn);
    char err[256];
    if (cancel == NULL || !PQcancel(cancel, err, sizeof err)) {
      printf("{\"event\":\"cancel_failed\",\"message\":");
      json_string(cancel ? err : "PQgetCancel returned NULL");
      printf("}\n");
      PQfreeCancel(cancel);
      return 1;
    }
    PQfreeCancel(cancel);
  }
  printf("{\"event\":\"cancel\",\"sent\":%d}\n", sent);
  PGresult *res;
  int failed = 0;
  while ((res = PQgetResult(conn)) != NULL) {
    failed |= print_result(res);
    PQclear(res);
  }
  printf("{\"event\":\"idle\",\"tx\":\"%s\",\"connection\":\"%s\"}\n",
         tx_name(PQtransactionStatus(conn)), PQstatus(conn) == CONNECTION_OK ? "ok" : "bad");
  fflush(stdout);
  return failed;
}

static int run_sessions(const char *conninfo, const char *spec) {
  int n = 0, rounds = 0, used = 0;
  if (sscanf(spec, "%d:%d:%n", &n, &rounds, &used) != 2 || n <= 0 || rounds <= 0 || used == 0) {
    fprintf(stderr, "sessions: expected N:ROUNDS:SQL, got %s\n", spec);
    return 2;
  }
  const char *sql = spec + used;
  PGconn **conns = calloc((size_t)n, sizeof *conns);
  int ok = 0, failed = 0, connected = 0;
  for (int i = 0; i < n; ++i) {
    conns[i] = connect_verbose(conninfo);
    if (PQstatus(conns[i]) != CONNECTION_OK) {
      printf("{\"event\":\"session_connect_failed\",\"index\":%d,\"message\":", i);
      json_string(PQerrorMessage(conns[i]));
      printf("}\n");
      ++failed;
    } else {
      ++connected;
    }
  }
  for (int r = 0; r < rounds; ++r) {
    for (int i = 0; i < n; ++i)
      if (PQstatus(conns[i]) == CONNECTION_OK && !PQsendQuery(conns[i], sql)) ++failed;
    for (int i = 0; i < n; ++i) {
      if (PQstatus(conns[i]) != CONNECTION_OK) continue;
      PGresult *res;
      int good = 0, bad = 0;
      while ((res = PQgetResult(conns[i])) != NULL) {
        if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
          ++good;
        else
          ++bad, print_result(res);
        PQclear(res);
      }
      if (good == 1 && bad == 0)
        ++ok;
      else
        ++failed;
    }
  }
  /* Distinct backend pids: every session is its own backend. */
  int distinct = 0;
  for (int i = 0; i < n; ++i) {
    if (PQstatus(conns[i]) != CONNECTION_OK) continue;
    int seen = 0;
    for (int j = 0; j < i; ++j)
      if (PQstatus(conns[j]) == CONNECTION_OK && PQbackendPID(conns[j]) == PQbackendPID(conns[i]))
        seen = 1;
    distinct += !seen;
  }
  printf("{\"event\":\"sessions\",\"connected\":%d,\"ok\":%d,\"failed\":%d,\"distinct_pids\":%d}\n",
         connected, ok, failed, distinct);
  for (int i = 0; i < n; ++i) PQfinish(conns[i]);
  free(conns);
  fflush(stdout);
  return failed != 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr,
            "usage: pq_client CONNINFO [query:SQL | count:SQL | cancel:SQL | sessions:N:R:SQL]...\n");
    return 2;
  }
  PGconn *conn = connect_verbose(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    printf("{\"event\":\"connect_failed\",\"message\":");
    json_string(PQerrorMessage(conn));
    printf("}\n");
    PQfinish(conn);
    return 3;
  }
  printf("{\"event\":\"connected\",\"ssl\":%s,\"ssl_protocol\":", PQsslInUse(conn) ? "true" : "false");
  json_string(PQsslAttribute(conn, "protocol"));
  printf(",\"protocol\":%d,\"pid\":%d,\"server_version\":", PQprotocolVersion(conn),
         PQbackendPID(conn));
  json_string(PQparameterStatus(conn, "server_version"));
  printf(",\"tx\":\"%s\"}\n", tx_name(PQtransactionStatus(conn)));
  fflush(stdout);

  int status = 0;
  for (int i = 2; i < argc; ++i) {
    const char *cmd = argv[i];
    if (strncmp(cmd, "query:", 6) == 0) {
      status |= run_query(conn, cmd + 6);
    } else if (strncmp(cmd, "count:", 6) == 0) {
      status |= run_count(conn, cmd + 6);
    } else if (strncmp(cmd, "cancel:", 7) == 0) {
      status |= run_cancel(conn, cmd + 7);
    } else if (strncmp(cmd, "sessions:", 9) == 0) {
      int r = run_sessions(argv[1], cmd + 9);
      if (r == 2) {
        PQfinish(conn);
        return 2;
      }
      status |= r;
    } else {
      fprintf(stderr, "unknown command %s\n", cmd);
      PQfinish(conn);
      return 2;
    }
  }
  PQfinish(conn);
  return status;
}
