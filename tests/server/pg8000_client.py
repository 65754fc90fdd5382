"""pg8000 (Debian python3-pg8000), a driver with its own protocol code,
against a server: argv port, database. tests/server/test_catalog_tools.py
compares what it prints on PostgreSQL 15 and on sqlite_server: typed
parameters (it declares their types at Parse), result types, errors."""
import sys, datetime, decimal, uuid
import pg8000
port = int(sys.argv[1])
c = pg8000.connect(user="postgres", host="127.0.0.1", port=port, database=sys.argv[2])
c.autocommit = True
cur = c.cursor()
def run(sql, args=None):
    try:
        cur.execute(sql, args)
        rows = cur.fetchall() if cur.description else None
        cols = [(d[0], d[1]) for d in (cur.description or [])]
        show = lambda v: v.isoformat() if isinstance(v, datetime.datetime) else repr(v)
        print(cols, rows and [[show(v) for v in row] for row in rows], cur.rowcount)
    except Exception as e:
        print("ERR", type(e).__name__, e.args[0] if e.args else e)
run("DROP TABLE IF EXISTS p8_t")
run("CREATE TABLE p8_t (id serial PRIMARY KEY, name text, price numeric(10,2), at timestamptz, d date, ok bool, b bytea, u uuid, arr int[])")
run("INSERT INTO p8_t (name, price, at, d, ok, b, u, arr) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
    ("x", decimal.Decimal("1.50"), datetime.datetime(2024, 7, 1, 12, 0, tzinfo=datetime.timezone.utc), datetime.date(2024, 2, 29),
     True, b"\x00\x01", uuid.UUID("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), [1, 2, 3]))
run("SELECT * FROM p8_t")
run("SELECT id FROM p8_t WHERE name = %s AND price > %s", ("x", 1))
run("SELECT 1/0")
run("SELECT %s::int + 1, %s::text, %s", (41, "hé", None))
run("SELECT now() > '2020-01-01'::timestamptz, interval '1 day 2 hours', '12:30'::time, 1.5::float4, 10000000000::int8, 'x'::varchar(3)")
c.autocommit = False
run("UPDATE p8_t SET name = 'y'"); c.rollback(); run("SELECT name FROM p8_t")
c.autocommit = True
run("SELECT %s, %s, %s", (datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.time(1, 2, 3), datetime.timedelta(days=1, seconds=5)))
run("DROP TABLE p8_t")
c.close()
