/* The ROWS-row fetch of bench/compare.sh through libpq: one PQexec of a
 * query, timed from the call to its return (the whole result received and
 * stored by libpq), then checked and measured.
 *
 *   fetch_libpq CONNINFO SQL ROWS
 *     -> prints "SECONDS WIRE_BYTES": the time of PQexec, and the bytes of
 *        the result's DataRow messages as they were on the wire
 *
 * A DataRow is: type byte 'D', int32 length, int16 field count, then per
 * field an int32 length (-1 for NULL) and the value's bytes. In text format
 * the value's wire bytes are what PQgetlength reports, so the DataRow bytes
 * follow from the stored result without counting the socket.
 * It fails (exit 1, message on stderr) unless the result has exactly ROWS rows.
 *
 * Build: cc -O2 -o fetch_libpq bench/fetch_libpq.c -I$(pg_config --includedir) -lpq
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: fetch_libpq CONNINFO SQL ROWS\n");
    return 2;
  }
  long long want = atoll(argv[3]);
  PGconn *conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    fprintf(stderr, "fetch_libpq: cannot connect: %s", PQerrorMessage(conn));
    return 1;
  }
  double start = now();
  PGresult *res = PQexec(conn, argv[2]);
  double seconds = now() - start;
  if (PQresultStatus(res) != PGRES_TUPLES_OK) {
    fprintf(stderr, "fetch_libpq: the query failed: %s", PQerrorMessage(conn));
    return 1;
  }
  long long rows = PQntuples(res);
  if (rows != want) {
    fprintf(stderr, "fetch_libpq: %lld rows, not %lld\n", rows, want);
    return 1;
  }
  int fields = PQnfields(res);
  long long bytes = 0;
  for (long long r = 0; r < rows; ++r) {
    bytes += 1 + 4 + 2; /* 'D', length, field count */
    for (int f = 0; f < fields; ++f) {
      bytes += 4; /* field length; NULL sends no value bytes */
      if (!PQgetisnull(res, (int)r, f)) bytes += PQgetlength(res, (int)r, f);
    }
  }
  printf("%.4f %lld\n", seconds, bytes);
  PQclear(res);
  PQfinish(conn);
  return 0;
}
