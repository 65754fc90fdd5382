// pgx v4 driver program of the compat suite (tests/compat/compat.py), built
// in GOPATH mode against Debian's golang-github-jackc-pgx-v4-dev. Prints one
// JSON line per feature. pgx prepares every query as a named statement
// (Parse + Describe + Sync), encodes parameters by the types the server
// describes, and asks for binary results of the types it knows.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgx/v4"
)

var (
	query      string
	conn       *pgx.Conn
	connectErr = "not attempted"
	table      = os.Getenv("COMPAT_TABLE")
	rowsSQL    = os.Getenv("COMPAT_SQL_ROWS")
	timeout    = 15 * time.Second
)

type checkError struct{ msg string }

func (e checkError) Error() string { return e.msg }

func fail(format string, args ...interface{}) error { return checkError{fmt.Sprintf(format, args...)} }

func sql(s string) string {
	query = s
	return s
}

func emit(feature string, err error) {
	r := map[string]interface{}{"feature": feature, "ok": err == nil}
	if err != nil {
		msg := err.Error()
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) {
			msg = "[" + pgErr.Code + "] " + msg
		}
		r["error"] = msg
		if query != "" {
			r["query"] = query
		}
	}
	b, _ := json.Marshal(r)
	fmt.Println(string(b))
}

func run(feature string, fn func(ctx context.Context) error) {
	query = ""
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := fn(ctx)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("hung: no answer within the time limit (COMPAT_TIMEOUT): %v", err)
	}
	emit(feature, err)
}

func c() (*pgx.Conn, error) {
	if conn == nil {
		return nil, fail("no connection (connect_trust failed: %s)", connectErr)
	}
	return conn, nil
}

func loose(v interface{}) string { return fmt.Sprint(v) }

func scalar(ctx context.Context, text string, args ...interface{}) (interface{}, error) {
	k, err := c()
	if err != nil {
		return nil, err
	}
	var v interface{}
	err = k.QueryRow(ctx, sql(text), args...).Scan(&v)
	return v, err
}

func param(ctx context.Context, col string, id int64, value interface{}, ok func(interface{}) bool) error {
	k, err := c()
	if err != nil {
		return err
	}
	if _, err := k.Exec(ctx, sql(fmt.Sprintf("INSERT INTO %s (id, %s) VALUES ($1, $2)", table, col)), id, value); err != nil {
		return err
	}
	rows, err := k.Query(ctx, sql(fmt.Sprintf("SELECT %s FROM %s WHERE id = $1", col, table)), id)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		vals, err := rows.Values()
		if err != nil {
			return err
		}
		if !ok(vals[0]) {
			return fail("got %#v (%T), want %#v", vals[0], vals[0], value)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != 1 {
		return fail("got %d rows, want 1", n)
	}
	return nil
}

func count(ctx context.Context, id int) (string, error) {
	v, err := scalar(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE id = %d", table, id))
	return loose(v), err
}

func main() {
	if t, err := strconv.Atoi(os.Getenv("COMPAT_TIMEOUT")); err == nil && t > 0 {
		timeout = time.Duration(t) * time.Second
	}
	want, _ := strconv.ParseInt(os.Getenv("COMPAT_ROWS"), 10, 64)

	run("connect_trust", func(ctx context.Context) error {
		sql("(connect)")
		k, err := pgx.Connect(ctx, os.Getenv("COMPAT_TRUST_DSN"))
		if err != nil {
			connectErr = err.Error()
			return err
		}
		conn = k
		v, err := scalar(ctx, "SELECT 1")
		if err == nil && loose(v) != "1" {
			err = fail("SELECT 1 gave %v", v)
		}
		return err
	})
	run("connect_scram", func(ctx context.Context) error {
		sql("(connect with SCRAM)")
		k, err := pgx.Connect(ctx, os.Getenv("COMPAT_SCRAM_DSN"))
		if err != nil {
			return err
		}
		defer k.Close(context.Background())
		var v interface{}
		if err := k.QueryRow(ctx, sql("SELECT 1")).Scan(&v); err != nil {
			return err
		}
		if loose(v) != "1" {
			return fail("SELECT 1 gave %v", v)
		}
		return nil
	})
	run("connect_tls", func(ctx context.Context) error {
		sql("(connect with sslmode=require)")
		k, err := pgx.Connect(ctx, os.Getenv("COMPAT_TLS_DSN"))
		if err != nil {
			return err
		}
		defer k.Close(context.Background())
		if _, ok := k.PgConn().Conn().(*tls.Conn); !ok {
			return fail("connected with sslmode=require but the connection is not TLS")
		}
		var v interface{}
		if err := k.QueryRow(ctx, sql("SELECT 1")).Scan(&v); err != nil {
			return err
		}
		if loose(v) != "1" {
			return fail("SELECT 1 gave %v", v)
		}
		return nil
	})
	run("simple_query", func(ctx context.Context) error {
		v, err := scalar(ctx, "SELECT 1 AS one")
		if err == nil && loose(v) != "1" {
			err = fail("got %v", v)
		}
		return err
	})
	run("expr_type", func(ctx context.Context) error {
		k, err := c()
		if err != nil {
			return err
		}
		rows, err := k.Query(ctx, sql("SELECT 1 + 1 AS two"))
		if err != nil {
			return err
		}
		defer rows.Close()
		oid := rows.FieldDescriptions()[0].DataTypeOID
		var vals []interface{}
		for rows.Next() {
			vals, _ = rows.Values()
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if oid != 20 && oid != 21 && oid != 23 {
			return fail("column type oid %d, want an integer type (value %#v)", oid, vals)
		}
		if len(vals) != 1 || loose(vals[0]) != "2" {
			return fail("value %#v", vals)
		}
		return nil
	})

	var tableErr error
	func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		k, err := c()
		if err == nil {
			_, err = k.Exec(ctx, sql("DROP TABLE IF EXISTS "+table))
		}
		if err == nil {
			_, err = k.Exec(ctx, sql(os.Getenv("COMPAT_SQL_CREATE")))
		}
		if err != nil {
			tableErr = fail("creating the test table failed: %v (query: %s)", err, query)
		}
	}()
	withTable := func(feature string, fn func(ctx context.Context) error) {
		run(feature, func(ctx context.Context) error {
			if tableErr != nil {
				return tableErr
			}
			return fn(ctx)
		})
	}
	date := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	ts := time.Date(2024, 2, 29, 12, 34, 56, 789000000, time.UTC)
	blob := []byte{0, 1, 0xfe, 0xff}
	cases := []struct {
		feature, col string
		value        interface{}
		ok           func(interface{}) bool
	}{
		{"param_int", "i", int64(1234567890123), func(v interface{}) bool { x, ok := v.(int64); return ok && x == 1234567890123 }},
		{"param_text", "s", "it's ünïcode ✓", func(v interface{}) bool { x, ok := v.(string); return ok && x == "it's ünïcode ✓" }},
		{"param_null", "s", nil, func(v interface{}) bool { return v == nil }},
		{"param_float", "f", 3.25, func(v interface{}) bool { x, ok := v.(float64); return ok && x == 3.25 }},
		{"param_bool", "b", true, func(v interface{}) bool { x, ok := v.(bool); return ok && x }},
		{"param_bytea", "bin", blob, func(v interface{}) bool { x, ok := v.([]byte); return ok && bytes.Equal(x, blob) }},
		{"param_date", "d", date, func(v interface{}) bool { x, ok := v.(time.Time); return ok && x.Equal(date) }},
		{"param_timestamp", "ts", ts, func(v interface{}) bool { x, ok := v.(time.Time); return ok && x.Equal(ts) }},
	}
	for i, tc := range cases {
		tc, id := tc, int64(i+1)
		withTable(tc.feature, func(ctx context.Context) error { return param(ctx, tc.col, id, tc.value, tc.ok) })
	}
	run("error_sqlstate", func(ctx context.Context) error {
		_, err := scalar(ctx, "SELECT * FROM compat_no_such_table")
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			return fail("want a PgError 42P01, got %v", err)
		}
		if pgErr.Code != "42P01" {
			return fail("SQLSTATE %s, want 42P01", pgErr.Code)
		}
		v, err := scalar(ctx, "SELECT 1")
		if err == nil && loose(v) != "1" {
			err = fail("SELECT 1 after the error gave %v", v)
		}
		return err
	})
	run("multi_statement", func(ctx context.Context) error {
		k, err := c()
		if err != nil {
			return err
		}
		// Exec without arguments uses the simple protocol.
		tag, err := k.Exec(ctx, sql("SELECT 1; SELECT 2"))
		if err != nil {
			return err
		}
		if string(tag) != "SELECT 1" {
			return fail("command tag %q", string(tag))
		}
		return nil
	})
	withTable("transaction", func(ctx context.Context) error {
		k, err := c()
		if err != nil {
			return err
		}
		status := func(want byte, when string) error {
			if s := k.PgConn().TxStatus(); s != want {
				return fail("transaction status %s: %q, want %q", when, s, want)
			}
			return nil
		}
		if err := status('I', "before"); err != nil {
			return err
		}
		tx, err := k.Begin(ctx)
		if err != nil {
			return err
		}
		if err := status('T', "after BEGIN"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sql(fmt.Sprintf("INSERT INTO %s (id, s) VALUES (100, 'rolled back')", table))); err != nil {
			return err
		}
		if err := tx.Rollback(ctx); err != nil {
			return err
		}
		if err := status('I', "after ROLLBACK"); err != nil {
			return err
		}
		tx, err = k.Begin(ctx)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sql(fmt.Sprintf("INSERT INTO %s (id, s) VALUES (101, 'committed')", table))); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		tx, err = k.Begin(ctx)
		if err != nil {
			return err
		}
		_, _ = tx.Exec(ctx, sql("SELECT * FROM compat_no_such_table"))
		if err := status('E', "after an error"); err != nil {
			return err
		}
		if err := tx.Rollback(ctx); err != nil {
			return err
		}
		if n, err := count(ctx, 100); err != nil || n != "0" {
			return fail("rolled-back row: count %s, %v", n, err)
		}
		if n, err := count(ctx, 101); err != nil || n != "1" {
			return fail("committed row: count %s, %v", n, err)
		}
		return nil
	})
	readAll := func(ctx context.Context, keep bool) error {
		k, err := c()
		if err != nil {
			return err
		}
		rows, err := k.Query(ctx, sql(rowsSQL))
		if err != nil {
			return err
		}
		defer rows.Close()
		var all [][]interface{}
		n, last := int64(0), ""
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				return err
			}
			if keep {
				all = append(all, vals)
			}
			n++
			last = loose(vals[0])
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n != want || last != strconv.FormatInt(want, 10) {
			return fail("got %d rows, last %s", n, last)
		}
		return nil
	}
	run("rows_100k", func(ctx context.Context) error { return readAll(ctx, true) })
	run("stream_100k", func(ctx context.Context) error { return readAll(ctx, false) })
	withTable("prepared", func(ctx context.Context) error {
		k, err := c()
		if err != nil {
			return err
		}
		if _, err := k.Prepare(ctx, "compat_prepared", sql(fmt.Sprintf("SELECT s FROM %s WHERE id = $1", table))); err != nil {
			return err
		}
		for i := 0; i < 3; i++ {
			var s string
			if err := k.QueryRow(ctx, "compat_prepared", int64(2)).Scan(&s); err != nil {
				return err
			}
			if s != "it's ünïcode ✓" {
				return fail("got %q", s)
			}
		}
		return nil
	})
	withTable("batch", func(ctx context.Context) error {
		k, err := c()
		if err != nil {
			return err
		}
		b := &pgx.Batch{}
		b.Queue("SELECT 1")
		b.Queue(fmt.Sprintf("INSERT INTO %s (id, s) VALUES (500, 'batch ✓')", table))
		b.Queue(fmt.Sprintf("SELECT s FROM %s WHERE id = 500", table))
		b.Queue(fmt.Sprintf("SELECT count(*) FROM %s WHERE id = 500", table))
		sql(fmt.Sprintf("batch: SELECT 1; INSERT INTO %s (id, s) VALUES (500, 'batch ✓'); "+
			"SELECT s FROM %s WHERE id = 500; SELECT count(*) FROM %s WHERE id = 500", table, table, table))
		br := k.SendBatch(ctx, b)
		var one, cnt interface{}
		var s string
		if err := br.QueryRow().Scan(&one); err != nil {
			br.Close()
			return err
		}
		if _, err := br.Exec(); err != nil {
			br.Close()
			return err
		}
		if err := br.QueryRow().Scan(&s); err != nil {
			br.Close()
			return err
		}
		if err := br.QueryRow().Scan(&cnt); err != nil {
			br.Close()
			return err
		}
		if err := br.Close(); err != nil {
			return err
		}
		if loose(one) != "1" || s != "batch ✓" || loose(cnt) != "1" {
			return fail("results %v, %q, %v", one, s, cnt)
		}
		return nil
	})
	if conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		conn.Close(ctx)
		cancel()
	}
}
