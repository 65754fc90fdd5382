/*
 * libpq-driven client for the pgwire-cpp golden captures.
 *
 * Every scenario opens exactly one recorded connection (cancel opens a second
 * one itself: libpq's PQcancel sends the CancelRequest on a new socket).
 *
 *   libpq_client SCENARIO 'recorded conninfo' ['direct admin conninfo']
 *   SCENARIO: extended | pipeline | copy | largeobject | cancel | emptyquery
 *
 * Built by capture.sh:  cc -O1 -Wall -o libpq_client libpq_client.c \
 *                          -I/usr/include/postgresql -lpq
 */
#include <libpq-fe.h>
#include <libpq/libpq-fs.h>		/* INV_READ, INV_WRITE */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>

static void die(PGconn *conn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "libpq_client: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (conn)
		fprintf(stderr, ": %s", PQerrorMessage(conn));
	fprintf(stderr, "\n");
	exit(1);
}

static void expect_status(PGconn *conn, PGresult *res, ExecStatusType want, const char *what)
{
	if (!res)
		die(conn, "%s: no result", what);
	if (PQresultStatus(res) != want)
		die(conn, "%s: status %s, wanted %s (%s)", what,
			PQresStatus(PQresultStatus(res)), PQresStatus(want),
			PQresultErrorMessage(res));
}

static void exec_ok(PGconn *conn, const char *sql, ExecStatusType want)
{
	PGresult   *res = PQexec(conn, sql);

	expect_status(conn, res, want, sql);
	PQclear(res);
}

/* Drain results until PQgetResult returns NULL. */
static void drain(PGconn *conn)
{
	PGresult   *res;

	while ((res = PQgetResult(conn)) != NULL)
		PQclear(res);
}

/*
 * Parse + Describe(statement) + Bind with text, binary and NULL parameters
 * and binary result columns, Describe(portal) of a SQL cursor, and DML that
 * returns NoData.
 */
static void scenario_extended(PGconn *conn)
{
	PGresult   *res;
	const char *stmt =
		"SELECT $1::int4 AS bin_int, $2::text AS txt, $3::text AS null_param, "
		"$4::bytea AS bin_bytea, $1::int4 + 1 AS next";
	uint32_t	be_int = htonl(41);
	const char	bytes[] = {0x00, 0x01, 0x7f, (char) 0xff};
	const char *values[4] = {(const char *) &be_int, "hello", NULL, bytes};
	int			lengths[4] = {4, 0, 0, (int) sizeof bytes};
	int			formats[4] = {1, 0, 0, 1};
	Oid			types[4] = {23, 25, 25, 17};

	res = PQprepare(conn, "golden_stmt", stmt, 4, types);
	expect_status(conn, res, PGRES_COMMAND_OK, "PQprepare");
	PQclear(res);

	res = PQdescribePrepared(conn, "golden_stmt");
	expect_status(conn, res, PGRES_COMMAND_OK, "PQdescribePrepared");
	if (PQnparams(res) != 4 || PQnfields(res) != 5)
		die(NULL, "unexpected describe result");
	PQclear(res);

	/* binary result format for every column */
	res = PQexecPrepared(conn, "golden_stmt", 4, values, lengths, formats, 1);
	expect_status(conn, res, PGRES_TUPLES_OK, "PQexecPrepared");
	if (PQntuples(res) != 1 || !PQgetisnull(res, 0, 2))
		die(NULL, "unexpected prepared result");
	PQclear(res);

	/* text results, unnamed statement (Parse/Bind/Describe portal/Execute) */
	{
		const char *p[2] = {"3", NULL};

		res = PQexecParams(conn,
						   "SELECT g, CASE WHEN g = 2 THEN NULL ELSE g * 10 END AS maybe "
						   "FROM generate_series(1, $1::int) g",
						   1, NULL, p, NULL, NULL, 0);
		expect_status(conn, res, PGRES_TUPLES_OK, "PQexecParams select");
		PQclear(res);
	}

	/* DML through the extended protocol: Describe(portal) -> NoData */
	{
		const char *p[2] = {"ext-1", "ext-2"};

		res = PQexecParams(conn, "INSERT INTO items (name) VALUES ($1), ($2)",
						   2, NULL, p, NULL, NULL, 0);
		expect_status(conn, res, PGRES_COMMAND_OK, "PQexecParams insert");
		PQclear(res);
		res = PQexecParams(conn, "UPDATE items SET qty = qty + 1 WHERE name LIKE $1",
						   1, NULL, (const char *[]) {"ext-%"}, NULL, NULL, 0);
		expect_status(conn, res, PGRES_COMMAND_OK, "PQexecParams update");
		PQclear(res);
		res = PQexecParams(conn, "DELETE FROM items WHERE name LIKE $1",
						   1, NULL, (const char *[]) {"ext-%"}, NULL, NULL, 0);
		expect_status(conn, res, PGRES_COMMAND_OK, "PQexecParams delete");
		PQclear(res);
	}

	/* Describe(portal) on a named portal created by DECLARE */
	exec_ok(conn, "BEGIN", PGRES_COMMAND_OK);
	exec_ok(conn, "DECLARE golden_cur CURSOR FOR SELECT id, name FROM items ORDER BY id",
			PGRES_COMMAND_OK);
	res = PQdescribePortal(conn, "golden_cur");
	expect_status(conn, res, PGRES_COMMAND_OK, "PQdescribePortal");
	if (PQnfields(res) != 2)
		die(NULL, "unexpected portal description");
	PQclear(res);
	exec_ok(conn, "FETCH 2 FROM golden_cur", PGRES_TUPLES_OK);
	exec_ok(conn, "COMMIT", PGRES_COMMAND_OK);
}

/* Pipeline mode with an explicit Flush request between queries. */
static void scenario_pipeline(PGconn *conn)
{
	PGresult   *res;
	const char *p1[1] = {"7"};
	const char *p2[1] = {"pipelined"};

	if (!PQenterPipelineMode(conn))
		die(conn, "PQenterPipelineMode");
	if (!PQsendQueryParams(conn, "SELECT $1::int * 6 AS answer", 1, NULL, p1, NULL, NULL, 0))
		die(conn, "PQsendQueryParams 1");
	if (!PQsendFlushRequest(conn))
		die(conn, "PQsendFlushRequest");
	if (PQflush(conn) != 0)
		die(conn, "PQflush");

	/* the Flush makes the server send the first result before any Sync */
	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_TUPLES_OK, "pipeline result 1");
	PQclear(res);
	if (PQgetResult(conn) != NULL)
		die(conn, "expected end of pipeline result 1");

	if (!PQsendQueryParams(conn, "SELECT upper($1::text) AS shout", 1, NULL, p2, NULL, NULL, 0))
		die(conn, "PQsendQueryParams 2");
	if (!PQsendQueryParams(conn, "SELECT 1/0", 0, NULL, NULL, NULL, NULL, 0))
		die(conn, "PQsendQueryParams 3");
	if (!PQsendQueryParams(conn, "SELECT 'skipped'", 0, NULL, NULL, NULL, NULL, 0))
		die(conn, "PQsendQueryParams 4");
	if (!PQpipelineSync(conn))
		die(conn, "PQpipelineSync");

	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_TUPLES_OK, "pipeline result 2");
	PQclear(res);
	if (PQgetResult(conn) != NULL)
		die(conn, "expected end of pipeline result 2");
	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_FATAL_ERROR, "pipeline result 3 (division by zero)");
	PQclear(res);
	if (PQgetResult(conn) != NULL)
		die(conn, "expected end of pipeline result 3");
	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_PIPELINE_ABORTED, "pipeline result 4");
	PQclear(res);
	if (PQgetResult(conn) != NULL)
		die(conn, "expected end of pipeline result 4");
	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_PIPELINE_SYNC, "pipeline sync");
	PQclear(res);

	if (!PQexitPipelineMode(conn))
		die(conn, "PQexitPipelineMode");
}

static void copy_out(PGconn *conn, const char *sql)
{
	PGresult   *res = PQexec(conn, sql);
	char	   *buf;
	int			n;

	expect_status(conn, res, PGRES_COPY_OUT, sql);
	PQclear(res);
	while ((n = PQgetCopyData(conn, &buf, 0)) > 0)
		PQfreemem(buf);
	if (n != -1)
		die(conn, "PQgetCopyData");
	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_COMMAND_OK, "copy out end");
	PQclear(res);
	drain(conn);
}

/* COPY FROM STDIN (CopyData/CopyDone and CopyFail), COPY TO STDOUT text+binary */
static void scenario_copy(PGconn *conn)
{
	PGresult   *res;
	const char *rows[] = {"copy-1\t10\n", "copy-2\t\\N\n", "copy-3\t30\n"};

	res = PQexec(conn, "COPY items (name, qty) FROM STDIN");
	expect_status(conn, res, PGRES_COPY_IN, "COPY FROM STDIN");
	PQclear(res);
	for (int i = 0; i < 3; i++)
		if (PQputCopyData(conn, rows[i], (int) strlen(rows[i])) != 1)
			die(conn, "PQputCopyData");
	if (PQputCopyEnd(conn, NULL) != 1)
		die(conn, "PQputCopyEnd");
	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_COMMAND_OK, "COPY FROM result");
	PQclear(res);
	drain(conn);

	res = PQexec(conn, "COPY items (name, qty) FROM STDIN");
	expect_status(conn, res, PGRES_COPY_IN, "COPY FROM STDIN (to be aborted)");
	PQclear(res);
	if (PQputCopyData(conn, "never-1\t1\n", 10) != 1)
		die(conn, "PQputCopyData");
	if (PQputCopyEnd(conn, "golden: client aborted the copy") != 1)
		die(conn, "PQputCopyEnd(errormsg)");
	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_FATAL_ERROR, "COPY FROM after CopyFail");
	PQclear(res);
	drain(conn);

	copy_out(conn, "COPY (SELECT id, name, qty FROM items WHERE name LIKE 'copy-%' ORDER BY id) TO STDOUT");
	copy_out(conn, "COPY (SELECT id, name, qty FROM items WHERE name LIKE 'copy-%' ORDER BY id) TO STDOUT (FORMAT binary)");
	exec_ok(conn, "DELETE FROM items WHERE name LIKE 'copy-%'", PGRES_COMMAND_OK);
}

/* Large-object calls go through the fast-path FunctionCall message. */
static void scenario_largeobject(PGconn *conn)
{
	const char	data[] = "golden large object payload";
	char		back[64];
	Oid			oid;
	int			fd;

	exec_ok(conn, "BEGIN", PGRES_COMMAND_OK);
	oid = lo_creat(conn, INV_READ | INV_WRITE);
	if (oid == InvalidOid)
		die(conn, "lo_creat");
	fd = lo_open(conn, oid, INV_READ | INV_WRITE);
	if (fd < 0)
		die(conn, "lo_open");
	if (lo_write(conn, fd, data, sizeof data - 1) != (int) (sizeof data - 1))
		die(conn, "lo_write");
	if (lo_lseek(conn, fd, 0, SEEK_SET) != 0)
		die(conn, "lo_lseek");
	if (lo_read(conn, fd, back, sizeof back) != (int) (sizeof data - 1))
		die(conn, "lo_read");
	if (lo_close(conn, fd) != 0)
		die(conn, "lo_close");
	if (lo_unlink(conn, oid) != 1)
		die(conn, "lo_unlink");
	exec_ok(conn, "COMMIT", PGRES_COMMAND_OK);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/*
 * Long query on the recorded connection, CancelRequest via PQcancel (a second
 * recorded connection).  The cancel is only sent once a direct (unrecorded)
 * admin connection sees the backend waiting in pg_sleep, so it cannot race
 * ahead of the query.
 */
static void scenario_cancel(PGconn *conn, const char *admin_conninfo)
{
	PGconn	   *admin;
	PGcancel   *cancel;
	PGresult   *res;
	char		pidbuf[32];
	const char *params[1] = {pidbuf};
	char		errbuf[256];
	int			waiting = 0;

	if (!admin_conninfo)
		die(NULL, "cancel needs the admin conninfo");
	admin = PQconnectdb(admin_conninfo);
	if (PQstatus(admin) != CONNECTION_OK)
		die(admin, "admin connection");
	snprintf(pidbuf, sizeof pidbuf, "%d", PQbackendPID(conn));

	if (!PQsendQuery(conn, "SELECT pg_sleep(60)"))
		die(conn, "PQsendQuery");

	for (int i = 0; i < 3000 && !waiting; i++)	/* up to ~30 s */
	{
		res = PQexecParams(admin,
						   "SELECT 1 FROM pg_stat_activity WHERE pid = $1::int "
						   "AND state = 'active' AND wait_event = 'PgSleep'",
						   1, NULL, params, NULL, NULL, 0);
		expect_status(admin, res, PGRES_TUPLES_OK, "pg_stat_activity poll");
		waiting = PQntuples(res) == 1;
		PQclear(res);
		if (!waiting)
			sleep_ms(10);
	}
	if (!waiting)
		die(NULL, "backend never reached pg_sleep");
	PQfinish(admin);

	cancel = PQgetCancel(conn);
	if (!cancel || !PQcancel(cancel, errbuf, sizeof errbuf))
		die(NULL, "PQcancel: %s", errbuf);
	PQfreeCancel(cancel);

	res = PQgetResult(conn);
	expect_status(conn, res, PGRES_FATAL_ERROR, "cancelled query");
	if (strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "57014") != 0)
		die(NULL, "expected SQLSTATE 57014");
	PQclear(res);
	drain(conn);
	exec_ok(conn, "SELECT 'still alive' AS after_cancel", PGRES_TUPLES_OK);
}

int main(int argc, char **argv)
{
	PGconn	   *conn;
	const char *scenario;

	if (argc < 3)
	{
		fprintf(stderr, "usage: %s SCENARIO CONNINFO [ADMIN_CONNINFO]\n", argv[0]);
		return 2;
	}
	scenario = argv[1];
	conn = PQconnectdb(argv[2]);
	if (PQstatus(conn) != CONNECTION_OK)
		die(conn, "connection");

	if (strcmp(scenario, "extended") == 0)
		scenario_extended(conn);
	else if (strcmp(scenario, "pipeline") == 0)
		scenario_pipeline(conn);
	else if (strcmp(scenario, "copy") == 0)
		scenario_copy(conn);
	else if (strcmp(scenario, "largeobject") == 0)
		scenario_largeobject(conn);
	else if (strcmp(scenario, "cancel") == 0)
		scenario_cancel(conn, argc > 3 ? argv[3] : NULL);
	else if (strcmp(scenario, "emptyquery") == 0)
		exec_ok(conn, "", PGRES_EMPTY_QUERY);
	else
		die(NULL, "unknown scenario %s", scenario);

	PQfinish(conn);				/* sends Terminate */
	return 0;
}
