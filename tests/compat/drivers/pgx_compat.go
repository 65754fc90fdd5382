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
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgconn"
	"github.com/jackc/pgtype"
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

func emit(feature string, err error, detail string) {
	r := map[string]interface{}{"feature": feature, "ok": err == nil}
	if err == nil && detail != "" {
		r["detail"] = detail
	}
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
	for _, f := range strings.Split(os.Getenv("COMPAT_SKIP"), ",") {
		if f == feature {
			query = ""
			emit(feature, fail("not run: listed in expected_gaps.txt with skip: (see its reason)"), "")
			return
		}
	}
	runDetail(feature, func(ctx context.Context) (string, error) { return "", fn(ctx) })
}

// runDetail: a feature that also reports its detail (the formats it proved).
func runDetail(feature string, fn func(ctx context.Context) (string, error)) {
	query = ""
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	detail, err := fn(ctx)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("hung: no answer within the time limit (COMPAT_TIMEOUT): %v", err)
	}
	emit(feature, err, detail)
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

// expectOne runs a query that must return the single value 1.
func expectOne(ctx context.Context, text, what string) error {
	v, err := scalar(ctx, text)
	if err == nil && loose(v) != "1" {
		err = fail("%s gave %v", what, v)
	}
	return err
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

// Type round trips (features type_<name>): types.json (COMPAT_TYPES) is the
// spec, PostgreSQL's text and binary output of one value per type.
type typeSpec struct {
	Name   string `json:"name"`
	Text   string `json:"text"`
	Binary string `json:"binary"`
	OID    uint32 `json:"oid"`
}

// typeCase: a type's native Go value, sent as the parameter through pgx's
// encoder for it and compared with what Scan stores into a new value of the
// same Go type.
type typeCase struct{ native interface{} }

func ptr32(v int32) *int32    { return &v }
func ptrStr(v string) *string { return &v }

// typeCases: the native value of each type pgx (pgtype 1.10) has one for.
// The others (text, varchar: a Go string is their native value; timetz:
// pgtype 1.10 has no type for it) are sent as the canonical text and scanned
// into a string.
func typeCases() map[string]typeCase {
	ts := time.Date(2024, 2, 29, 12, 34, 56, 789012000, time.UTC)
	bigNum, _ := new(big.Int).SetString("-123456789012345678900123456789", 10)
	jsonValue := map[string]interface{}{"a": []interface{}{1.0, 2.5, "x"}, "b": nil}
	inet := func(ip net.IP, ones, bits int) pgtype.Inet {
		return pgtype.Inet{IPNet: &net.IPNet{IP: ip, Mask: net.CIDRMask(ones, bits)}, Status: pgtype.Present}
	}
	return map[string]typeCase{
		"int2":    {int16(-32768)},
		"int4":    {int32(-2147483648)},
		"int8":    {int64(-9007199254740993)},
		"float4":  {float32(-1.5)},
		"float8":  {3.141592653589793},
		"numeric": {pgtype.Numeric{Int: bigNum, Exp: -10, Status: pgtype.Present}},
		"bool":    {true},
		"bytea":   {[]byte{0, 1, 0xfe, 0xff, 0x27, 0x5c}},
		"oid":     {uint32(4000000000)},
		"date":    {time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)},
		"time": {pgtype.Time{Microseconds: (12*3600+34*60+56)*1000000 + 789012,
			Status: pgtype.Present}},
		"timestamp":   {ts},
		"timestamptz": {ts},
		"interval": {pgtype.Interval{Microseconds: (4*3600+5*60+6)*1000000 + 789000, Days: 3,
			Status: pgtype.Present}},
		"uuid": {pgtype.UUID{Bytes: [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d,
			0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}, Status: pgtype.Present}},
		"json":       {jsonValue},
		"jsonb":      {jsonValue},
		"inet":       {inet(net.ParseIP("2001:db8::ff"), 64, 128)},
		"cidr":       {inet(net.IPv4(10, 1, 0, 0).To4(), 16, 32)},
		"int4_array": {[]*int32{ptr32(1), nil, ptr32(-3)}},
		"text_array": {[]*string{ptrStr("a b"), ptrStr("c,d"), nil, ptrStr(`q"x`), ptrStr("")}},
	}
}

func numericRat(n pgtype.Numeric) *big.Rat {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs32(n.Exp))), nil)
	if n.Exp < 0 {
		return new(big.Rat).SetFrac(n.Int, scale)
	}
	return new(big.Rat).SetInt(new(big.Int).Mul(n.Int, scale))
}

func abs32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// sameValue: exact equality of decoded values (time.Time by instant, numeric by value).
func sameValue(got, want interface{}) bool {
	switch w := want.(type) {
	case time.Time:
		g, ok := got.(time.Time)
		return ok && g.Equal(w)
	case pgtype.Numeric:
		g, ok := got.(pgtype.Numeric)
		return ok && g.Status == w.Status && g.Int != nil && numericRat(g).Cmp(numericRat(w)) == 0
	}
	return reflect.DeepEqual(got, want)
}

// show: a value for a message (pointers followed, addresses are no help).
func show(v interface{}) string {
	switch x := v.(type) {
	case pgtype.Inet:
		if x.IPNet != nil {
			return fmt.Sprintf("pgtype.Inet{%s (IP %x), Status:%d}", x.IPNet, []byte(x.IPNet.IP), x.Status)
		}
	case []*int32, []*string:
		rv, parts := reflect.ValueOf(x), []string{}
		for i := 0; i < rv.Len(); i++ {
			if rv.Index(i).IsNil() {
				parts = append(parts, "nil")
			} else {
				parts = append(parts, fmt.Sprintf("%#v", rv.Index(i).Elem().Interface()))
			}
		}
		return fmt.Sprintf("%T{%s}", v, strings.Join(parts, ", "))
	}
	return fmt.Sprintf("%#v", v)
}

func formatName(code int16) string {
	if code == pgx.BinaryFormatCode {
		return "binary"
	}
	return "text"
}

// paramFormat: the format pgx sends a parameter in (values.go,
// chooseParameterFormatCode): the value's own preference, binary for a
// pgtype encoder, text for a string, else the preference of the column type.
func paramFormat(k *pgx.Conn, oid uint32, arg interface{}) int16 {
	switch a := arg.(type) {
	case pgtype.ParamFormatPreferrer:
		return a.PreferredParamFormat()
	case pgtype.BinaryEncoder:
		return pgx.BinaryFormatCode
	case string:
		return pgx.TextFormatCode
	}
	return k.ConnInfo().ParamFormatCodeForOID(oid)
}

// typeParam: one inserted row of a type round trip.
type typeParam struct {
	id      int64
	value   interface{}
	format  int16
	rawText string // the text the server holds (json keeps its input text as is)
}

// checkTypeResult selects the row in one result format (asked for with
// QueryResultFormats; binary is pgx's default for most types it knows) and
// checks the column type oid, the format, the raw value against the spec and
// the value Scan decodes (types pgx does not know: the text only).
func checkTypeResult(ctx context.Context, k *pgx.Conn, t typeSpec, p typeParam, format int16, dst interface{}, want interface{}) error {
	sel := sql(fmt.Sprintf("SELECT v_%s FROM %s WHERE id = $1", t.Name, os.Getenv("COMPAT_TYPES_TABLE")))
	sent := fmt.Sprintf("sent %s (%s parameter), %s result", show(p.value), formatName(p.format), formatName(format))
	rows, err := k.Query(ctx, sel, pgx.QueryResultFormats{format}, p.id)
	if err != nil {
		return fmt.Errorf("%s: %w", sent, err)
	}
	defer rows.Close()
	if !rows.Next() {
		rows.Close()
		return fmt.Errorf("%s: no row (%v)", sent, rows.Err())
	}
	fd := rows.FieldDescriptions()[0]
	if fd.DataTypeOID != t.OID || fd.Format != format {
		return fail("%s: column type oid %d in %s, want %d in %s", sent, fd.DataTypeOID, formatName(fd.Format),
			t.OID, formatName(format))
	}
	raw := append([]byte(nil), rows.RawValues()[0]...)
	wantRaw := []byte(p.rawText)
	if format == pgx.BinaryFormatCode && t.Name != "json" { // json's binary form is its text
		wantRaw, _ = hex.DecodeString(t.Binary)
	}
	if !bytes.Equal(raw, wantRaw) {
		return fail("%s: raw value %q (%x), want %q (%x)", sent, raw, raw, wantRaw, wantRaw)
	}
	if dst != nil {
		if err := rows.Scan(dst); err != nil {
			return fmt.Errorf("%s: Scan into %T: %w", sent, dst, err)
		}
		if got := reflect.ValueOf(dst).Elem().Interface(); !sameValue(got, want) {
			return fail("%s: decoded %s (%T), want %s", sent, show(got), got, show(want))
		}
	}
	if rows.Next() {
		return fail("%s: more than one row", sent)
	}
	return rows.Err()
}

// typeRoundTrip: the native value (row id) and the canonical text (row id + 100)
// as parameters, each read back in text and in binary.
func typeRoundTrip(ctx context.Context, k *pgx.Conn, t typeSpec, tc typeCase, id int64) (string, error) {
	_, known := k.ConnInfo().DataTypeForOID(t.OID)
	params := []typeParam{}
	if tc.native != nil {
		raw := t.Text
		if t.Name == "json" {
			b, _ := json.Marshal(tc.native) // what pgx sends for a map
			raw = string(b)
		}
		params = append(params, typeParam{id, tc.native, paramFormat(k, t.OID, tc.native), raw})
	}
	params = append(params, typeParam{id + 100, t.Text, pgx.TextFormatCode, t.Text})
	ins := sql(fmt.Sprintf("INSERT INTO %s (id, v_%s) VALUES ($1, $2)", os.Getenv("COMPAT_TYPES_TABLE"), t.Name))
	formats := map[string]bool{}
	for _, p := range params {
		if _, err := k.Exec(ctx, ins, p.id, p.value); err != nil {
			return "", fmt.Errorf("sent %s (%s parameter): %w", show(p.value), formatName(p.format), err)
		}
		formats[formatName(p.format)] = true
		for _, format := range []int16{pgx.TextFormatCode, pgx.BinaryFormatCode} {
			var dst, want interface{} = new(string), t.Text
			if tc.native != nil {
				dst, want = reflect.New(reflect.TypeOf(tc.native)).Interface(), tc.native
			} else if !known && format == pgx.BinaryFormatCode {
				dst = nil // pgx has no decoder: the raw bytes are checked
			}
			if err := checkTypeResult(ctx, k, t, p, format, dst, want); err != nil {
				return "", err
			}
		}
	}
	param := []string{}
	for _, f := range []string{"text", "binary"} {
		if formats[f] {
			param = append(param, f[:1])
		}
	}
	return strings.Join(param, "+") + "/t+b", nil
}

// runTypes: the type_<name> features, after (re)creating the types table.
func runTypes() {
	var specs struct{ Types []typeSpec }
	var tableErr error
	data, err := os.ReadFile(os.Getenv("COMPAT_TYPES"))
	if err == nil {
		err = json.Unmarshal(data, &specs)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "reading COMPAT_TYPES: %v\n", err)
		os.Exit(3)
	}
	func() {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		k, err := c()
		if err == nil {
			_, err = k.Exec(ctx, sql("DROP TABLE IF EXISTS "+os.Getenv("COMPAT_TYPES_TABLE")))
		}
		if err == nil {
			_, err = k.Exec(ctx, sql(os.Getenv("COMPAT_SQL_CREATE_TYPES")))
		}
		if err != nil {
			tableErr = fail("creating the types table failed: %v (query: %s)", err, query)
		}
	}()
	cases := typeCases()
	for i, t := range specs.Types {
		t, id := t, int64(i+1)
		runDetail("type_"+t.Name, func(ctx context.Context) (string, error) {
			if tableErr != nil {
				return "", tableErr
			}
			k, err := c()
			if err != nil {
				return "", err
			}
			return typeRoundTrip(ctx, k, t, cases[t.Name], id)
		})
	}
}

// COPY, cancel, LISTEN/NOTIFY (features copy_in, copy_out, cancel, notify).
// Row n of the COPY data (compat.py, COPY_ROWS): id n, s NULL when n % 100
// == 0, else "r<n>" TAB BACKSLASH LF " ü✓". Each feature has connections of
// its own.

var copyTable = os.Getenv("COMPAT_COPY_TABLE")

func copyRowCount() int { n, _ := strconv.Atoi(os.Getenv("COMPAT_COPY_ROWS")); return n }

func copyValue(n int) *string {
	if n%100 == 0 {
		return nil
	}
	v := fmt.Sprintf("r%d\t\\\n \u00fc\u2713", n)
	return &v
}

func copyLine(n int) string {
	if n%100 == 0 {
		return fmt.Sprintf("%d\t\\N\n", n)
	}
	return fmt.Sprintf("%d\tr%d\\t\\\\\\n \u00fc\u2713\n", n, n)
}

func fresh(ctx context.Context) (*pgx.Conn, error) {
	return pgx.Connect(ctx, os.Getenv("COMPAT_TRUST_DSN"))
}

func withFresh(fn func(ctx context.Context, k *pgx.Conn) error) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		k, err := fresh(ctx)
		if err != nil {
			return err
		}
		defer k.Close(context.Background())
		return fn(ctx, k)
	}
}

func recreateCopyTable(ctx context.Context, k *pgx.Conn) error {
	if _, err := k.Exec(ctx, sql("DROP TABLE IF EXISTS "+copyTable)); err != nil {
		return err
	}
	_, err := k.Exec(ctx, sql(os.Getenv("COMPAT_SQL_CREATE_COPY")))
	return err
}

func checkCopyTable(ctx context.Context, k *pgx.Conn) error {
	rows, err := k.Query(ctx, sql("SELECT id, s FROM "+copyTable+" ORDER BY id"))
	if err != nil {
		return err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		var id int64
		var s *string
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		want := copyValue(n)
		if id != int64(n) || (s == nil) != (want == nil) || (s != nil && *s != *want) {
			return fail("row %d: got %d, %s", n, id, show(s))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n != copyRowCount() {
		return fail("%d rows, want %d", n, copyRowCount())
	}
	return nil
}

func copyIn(ctx context.Context, k *pgx.Conn) error {
	// conn.CopyFrom (binary), then pgconn's CopyFrom with the text format.
	if err := recreateCopyTable(ctx, k); err != nil {
		return err
	}
	var src [][]interface{}
	for n := 1; n <= copyRowCount(); n++ {
		src = append(src, []interface{}{int64(n), copyValue(n)})
	}
	sql("conn.CopyFrom(" + copyTable + ", id, s) (COPY ... FROM STDIN BINARY)")
	got, err := k.CopyFrom(ctx, pgx.Identifier{copyTable}, []string{"id", "s"}, pgx.CopyFromRows(src))
	if err != nil {
		return err
	}
	if got != int64(copyRowCount()) {
		return fail("CopyFrom copied %d rows, want %d", got, copyRowCount())
	}
	if err := checkCopyTable(ctx, k); err != nil {
		return err
	}
	if err := recreateCopyTable(ctx, k); err != nil {
		return err
	}
	var text strings.Builder
	for n := 1; n <= copyRowCount(); n++ {
		text.WriteString(copyLine(n))
	}
	tag, err := k.PgConn().CopyFrom(ctx, strings.NewReader(text.String()), sql("COPY "+copyTable+" (id, s) FROM STDIN"))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != int64(copyRowCount()) {
		return fail("COPY tag %q, want %d rows", tag, copyRowCount())
	}
	return checkCopyTable(ctx, k)
}

func copyOut(ctx context.Context, k *pgx.Conn) error {
	// pgconn's CopyTo (pgx v4 has no row-wise COPY TO).
	if err := recreateCopyTable(ctx, k); err != nil {
		return err
	}
	if _, err := k.Exec(ctx, sql(os.Getenv("COMPAT_SQL_COPY_SEED"))); err != nil {
		return err
	}
	var buf bytes.Buffer
	tag, err := k.PgConn().CopyTo(ctx, &buf, sql("COPY "+copyTable+" (id, s) TO STDOUT"))
	if err != nil {
		return err
	}
	if tag.RowsAffected() != int64(copyRowCount()) {
		return fail("COPY tag %q, want %d rows", tag, copyRowCount())
	}
	text := buf.String()
	if !strings.HasSuffix(text, "\n") {
		return fail("the COPY data does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != copyRowCount() {
		return fail("%d lines, want %d", len(lines), copyRowCount())
	}
	id := func(l string) int { n, _ := strconv.Atoi(strings.SplitN(l, "\t", 2)[0]); return n }
	sort.SliceStable(lines, func(i, j int) bool { return id(lines[i]) < id(lines[j]) })
	for i, l := range lines {
		if l+"\n" != copyLine(i+1) {
			return fail("line %q, want %q", l, copyLine(i+1))
		}
	}
	return nil
}

func cancelSleep(ctx context.Context, k *pgx.Conn) error {
	// PgConn().CancelRequest from another goroutine every 100 ms (a cancel
	// before the query started is lost) until the query ends. (A cancelled
	// context would make this pgconn close the connection, not cancel.)
	within, _ := strconv.ParseFloat(os.Getenv("COMPAT_CANCEL_WITHIN"), 64)
	done := make(chan struct{})
	cancelErr := make(chan error, 1)
	go func() {
		wait := 50 * time.Millisecond
		for {
			select {
			case <-done:
				cancelErr <- nil
				return
			case <-time.After(wait):
			}
			wait = 100 * time.Millisecond
			cctx, stop := context.WithTimeout(context.Background(), 5*time.Second)
			err := k.PgConn().CancelRequest(cctx)
			stop()
			if err != nil {
				cancelErr <- err
				return
			}
		}
	}()
	started := time.Now()
	_, err := k.Exec(ctx, sql("SELECT pg_sleep(10)"))
	elapsed := time.Since(started).Seconds()
	close(done)
	if cerr := <-cancelErr; cerr != nil {
		return fail("CancelRequest: %v", cerr)
	}
	var pgErr *pgconn.PgError
	if err == nil {
		return fail("pg_sleep(10) was not cancelled (it ended after %.1f s)", elapsed)
	}
	if !errors.As(err, &pgErr) || pgErr.Code != "57014" {
		return fail("got %v, want SQLSTATE 57014", err)
	}
	if elapsed >= within {
		return fail("cancelled after %.2f s, want < %.1f s", elapsed, within)
	}
	var one int32
	if err := k.QueryRow(ctx, sql("SELECT 1")).Scan(&one); err != nil || one != 1 {
		return fail("SELECT 1 after the cancel: %v (%d)", err, one)
	}
	return nil
}

func notifyRounds(ctx context.Context, listener *pgx.Conn) error {
	// conn.WaitForNotification; NOTIFY from another connection, once while the
	// listener is idle, once while it is already waiting.
	sender, err := fresh(ctx)
	if err != nil {
		return err
	}
	defer sender.Close(context.Background())
	channel := os.Getenv("COMPAT_CHANNEL")
	within, _ := strconv.ParseFloat(os.Getenv("COMPAT_NOTIFY_WITHIN"), 64)
	if _, err := listener.Exec(ctx, sql("LISTEN "+channel)); err != nil {
		return err
	}
	type result struct {
		n   *pgconn.Notification
		err error
	}
	wait := func() chan result {
		ch := make(chan result, 1)
		go func() {
			wctx, stop := context.WithTimeout(ctx, time.Duration(within*float64(time.Second)))
			defer stop()
			n, err := listener.WaitForNotification(wctx)
			ch <- result{n, err}
		}()
		return ch
	}
	for k := 1; k <= 2; k++ {
		payload := fmt.Sprintf("payload ü %d", k)
		notify := func() error {
			_, err := sender.Exec(ctx, sql(fmt.Sprintf("NOTIFY %s, '%s'", channel, payload)))
			return err
		}
		var got result
		what := fmt.Sprintf("round %d (listener idle when NOTIFY was sent)", k)
		if k == 1 {
			if err := notify(); err != nil {
				return err
			}
			got = <-wait()
		} else {
			what = "round 2 (listener waiting when NOTIFY was sent)"
			ch := wait()
			if err := notify(); err != nil {
				return err
			}
			got = <-ch
		}
		if got.err != nil {
			return fail("%s: no notification within %.1f s: %v", what, within, got.err)
		}
		if got.n.Channel != channel || got.n.Payload != payload {
			return fail("%s: got (%q, %q), want (%q, %q)", what, got.n.Channel, got.n.Payload, channel, payload)
		}
	}
	return nil
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
		return expectOne(ctx, "SELECT 1", "SELECT 1")
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
	// auth_*: pgx reads libpq's conninfo keywords, sslcert/sslkey included.
	run("auth_md5", func(ctx context.Context) error {
		return authLogin(ctx, os.Getenv("COMPAT_MD5_DSN"), os.Getenv("COMPAT_MD5_WRONG_DSN"), "28P01")
	})
	run("auth_cleartext", func(ctx context.Context) error {
		return authLogin(ctx, os.Getenv("COMPAT_CLEAR_DSN"), os.Getenv("COMPAT_CLEAR_WRONG_DSN"), "28P01")
	})
	run("auth_cert", func(ctx context.Context) error {
		return authLogin(ctx, os.Getenv("COMPAT_CERT_DSN"), os.Getenv("COMPAT_CERT_NOCERT_DSN"), "28000")
	})
	run("simple_query", func(ctx context.Context) error {
		return expectOne(ctx, "SELECT 1 AS one", "SELECT 1 AS one")
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
		return expectOne(ctx, "SELECT 1", "SELECT 1 after the error")
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
	runTypes()
	run("copy_in", withFresh(copyIn))
	run("copy_out", withFresh(copyOut))
	run("cancel", withFresh(cancelSleep))
	run("notify", withFresh(notifyRounds))
	if conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		conn.Close(ctx)
		cancel()
	}
}

// authLogin logs in with dsn and runs SELECT 1; refusedDSN must fail with sqlstate.
func authLogin(ctx context.Context, dsn, refusedDSN, sqlstate string) error {
	sql("(log in) " + dsn)
	k, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	var v interface{}
	err = k.QueryRow(ctx, sql("SELECT 1")).Scan(&v)
	k.Close(context.Background())
	if err != nil {
		return err
	}
	if loose(v) != "1" {
		return fail("SELECT 1 gave %v", v)
	}
	sql("(log in, to be refused with " + sqlstate + ") " + refusedDSN)
	k, err = pgx.Connect(ctx, refusedDSN)
	if err == nil {
		k.Close(context.Background())
		return fail("the login succeeded; want it refused with %s", sqlstate)
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return fail("refused login: want a PgError with %s, got %v", sqlstate, err)
	}
	if pgErr.Code != sqlstate {
		return fail("SQLSTATE of the refused login: got %s (%v), want %s", pgErr.Code, err, sqlstate)
	}
	return nil
}
