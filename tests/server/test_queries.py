"""Simple-query behaviour seen by real clients: several statements in one
string, empty queries, errors with SQLSTATE/detail/hint and the session
going on after them, and the transaction status in ReadyForQuery."""

import unittest

import pgproto
from harness import ServerTestCase


class QueryTest(ServerTestCase):

    def setUp(self):
        self.server = self.start_server("server", "--listen", "127.0.0.1:0")
        self.info = self.conninfo(self.server)

    def session(self):
        c = pgproto.Conn(port=self.server.port)
        self.addCleanup(c.close)
        c.startup("postgres")
        return c

    # Several statements -------------------------------------------------------

    def test_multi_statement_psql(self):
        # psql 15 shows every result of a multi-statement string.
        r = self.psql(self.info, "-At", "-c", "select 1; select 2")
        self.assertEqual(r.stdout.splitlines(), ["select 1|8", "select 2|8"])

    def test_multi_statement_libpq(self):
        _, events = self.pq_client(self.info, "query:select 1; select 22")
        results = [e for e in events if e["event"] == "result"]
        self.assertEqual(len(results), 2, events)
        self.assertEqual([r["rows"] for r in results], [[["select 1", "8"]], [["select 22", "9"]]])
        self.assertEqual([r["tag"] for r in results], ["SELECT 1", "SELECT 1"])
        self.assertEqual(events[-1]["tx"], "I")

    def test_multi_statement_protocol(self):
        c = self.session()
        results = c.simple_query("select 1; select 2;;")
        self.assertEqual([r["rows"] for r in results], [[["select 1", "8"]], [["select 2", "8"]]])
        self.assertEqual(results[0]["columns"][0]["name"], "statement")
        self.assertEqual(results[0]["columns"][1]["type"], 23)
        self.assertEqual(c.status, "I")

    # Empty queries --------------------------------------------------------------

    def test_empty_query_protocol(self):
        c = self.session()
        for sql in ("", " ; ", ";;", "  \n\t", "-- just a comment\n", "/* c */ ;"):
            c.send(pgproto.query(sql))
            kinds = []
            while True:
                kind, body = c.read_message()
                kinds.append(kind)
                if kind == "Z":
                    break
            self.assertEqual(kinds, ["I", "Z"], "query %r" % sql)
        self.assertEqual(c.simple_query("select 1")[0]["rows"], [["select 1", "8"]])

    def test_empty_query_psql_and_libpq(self):
        r = self.psql(self.info, "-At", "-c", ";")
        self.assertEqual(r.stdout, "")
        _, events = self.pq_client(self.info, "query:", "query: ; ")
        statuses = [e["status"] for e in events if e["event"] == "result"]
        self.assertEqual(statuses, ["PGRES_EMPTY_QUERY", "PGRES_EMPTY_QUERY"])

    # Errors ------------------------------------------------------------------------

    def test_error_fields_psql(self):
        r = self.psql(self.info, "-v", "VERBOSITY=verbose", "-c", "select error",
                      expect_ok=False)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("ERROR:  42601: you asked for an error", r.stderr)
        self.assertIn('DETAIL:  The statement contained the word "error".', r.stderr)
        self.assertIn("HINT:  Leave it out.", r.stderr)

    def test_session_continues_after_error_psql(self):
        r = self.psql(self.info, "-At", input="select error;\nselect 1;\n", expect_ok=False)
        self.assertIn("you asked for an error", r.stderr)
        self.assertEqual(r.stdout.strip(), "select 1|8")

    def test_error_libpq(self):
        rc, events = self.pq_client(self.info, "query:select error", "query:select 1",
                                    expect_ok=False)
        self.assertEqual(rc, 1)
        err = events[1]
        self.assertEqual((err["status"], err["severity"], err["sqlstate"]),
                         ("PGRES_FATAL_ERROR", "ERROR", "42601"), err)
        self.assertEqual(err["message"], "you asked for an error")
        self.assertEqual(err["detail"], 'The statement contained the word "error".')
        self.assertEqual(err["hint"], "Leave it out.")
        self.assertEqual(events[2], {"event": "idle", "tx": "I", "connection": "ok"})
        self.assertEqual(events[3]["rows"], [["select 1", "8"]])

    def test_error_skips_rest_of_string(self):
        c = self.session()
        results = c.simple_query("select 1; select error; select 3")
        self.assertEqual(len(results), 2, results)
        self.assertEqual(results[0]["rows"], [["select 1", "8"]])
        self.assertEqual(results[1]["error"]["C"], "42601")
        self.assertEqual(results[1]["error"]["S"], "ERROR")
        self.assertEqual(c.status, "I")
        self.assertEqual(c.simple_query("select 4")[0]["rows"], [["select 4", "8"]])

    # Transactions ---------------------------------------------------------------------

    def test_transaction_status_bytes(self):
        c = self.session()
        self.assertEqual(c.status, "I")
        steps = [("BEGIN", "T", "BEGIN"), ("select 1", "T", "SELECT 1"),
                 ("select error", "E", None), ("select 2", "E", None),
                 ("ROLLBACK", "I", "ROLLBACK"), ("begin", "T", "BEGIN"),
                 ("commit", "I", "COMMIT")]
        for sql, status, tag in steps:
            results = c.simple_query(sql)
            self.assertEqual(c.status, status, "after %r: %r" % (sql, results))
            if tag is not None:
                self.assertEqual(results[-1].get("tag"), tag, results)

    def test_transaction_in_one_string(self):
        c = self.session()
        c.simple_query("BEGIN; select 1")
        self.assertEqual(c.status, "T")
        c.simple_query("select 1; select error")
        self.assertEqual(c.status, "E")
        c.simple_query("ROLLBACK")
        self.assertEqual(c.status, "I")

    def test_transaction_status_libpq(self):
        _, events = self.pq_client(self.info, "query:BEGIN", "query:select error",
                                   "query:ROLLBACK", expect_ok=False)
        idle = [e["tx"] for e in events if e["event"] == "idle"]
        self.assertEqual(idle, ["T", "E", "I"], events)


if __name__ == "__main__":
    unittest.main()
