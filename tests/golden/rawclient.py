#!/usr/bin/python3
"""Hand-written PostgreSQL protocol client for the golden captures.

Used for the protocol features that libpq 15 / psql cannot be made to emit:
GSSENCRequest, a 3.2 StartupMessage with a _pq_ option (-> NegotiateProtocolVersion),
Execute with max_rows > 0 (-> PortalSuspended), Close, and a physical
replication session (CopyBoth with StandbyStatusUpdate / HotStandbyFeedback).

Every scenario authenticates with a `trust` role, so no password code is
needed here.  Standard library only; run with /usr/bin/python3.

usage: rawclient.py SCENARIO --host H --port P --user U [--db D]
                    [--admin-socket PATH --admin-user U --admin-db D]
SCENARIO: gssenc | negotiate | extended | replication
"""

import argparse
import socket
import struct
import sys
import time

SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
PROTOCOL_3_0 = 196608
PROTOCOL_3_2 = 196610

PG_EPOCH_OFFSET_US = 946684800 * 1000000  # 2000-01-01 in Unix microseconds


def die(msg):
    sys.stderr.write("rawclient: " + msg + "\n")
    sys.exit(1)


def cstr(s):
    return s.encode() + b"\0"


def msg(kind, payload=b""):
    return kind.encode() + struct.pack("!i", len(payload) + 4) + payload


def pg_now_us():
    return int(time.time() * 1000000) - PG_EPOCH_OFFSET_US


def parse_lsn(text):
    hi, lo = text.split("/")
    return (int(hi, 16) << 32) | int(lo, 16)


def format_lsn(v):
    return "%X/%X" % (v >> 32, v & 0xFFFFFFFF)


class Conn:
    def __init__(self, sock, timeout=30.0):
        self.sock = sock
        self.sock.settimeout(timeout)
        self.buf = bytearray()

    @classmethod
    def tcp(cls, host, port):
        return cls(socket.create_connection((host, port)))

    @classmethod
    def unix(cls, path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        return cls(s)

    # -- raw I/O ---------------------------------------------------------
    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                die("server closed the connection unexpectedly")
            self.buf.extend(chunk)

    def read_byte(self):
        self._fill(1)
        b = bytes(self.buf[:1])
        del self.buf[:1]
        return b

    def read_msg(self):
        self._fill(5)
        kind = chr(self.buf[0])
        (length,) = struct.unpack("!i", self.buf[1:5])
        self._fill(1 + length)
        payload = bytes(self.buf[5:1 + length])
        del self.buf[:1 + length]
        if kind == "E":
            sys.stderr.write("rawclient: server error: %r\n" % payload)
        return kind, payload

    def expect(self, kinds):
        kind, payload = self.read_msg()
        if kind not in kinds:
            die("expected one of %r, got %r %r" % (kinds, kind, payload[:200]))
        return kind, payload

    def read_until(self, stop="Z"):
        out = []
        while True:
            kind, payload = self.read_msg()
            out.append((kind, payload))
            if kind == stop:
                return out

    # -- startup-phase packets ------------------------------------------
    def negotiation_request(self, code):
        self.send(struct.pack("!ii", 8, code))
        answer = self.read_byte()
        if answer != b"N":
            die("expected 'N' answer to request %d, got %r" % (code, answer))

    def startup(self, params, version=PROTOCOL_3_0):
        body = struct.pack("!i", version)
        for k, v in params:
            body += cstr(k) + cstr(v)
        body += b"\0"
        self.send(struct.pack("!i", len(body) + 4) + body)
        msgs = self.read_until("Z")
        for kind, payload in msgs:
            if kind == "E":
                die("startup failed")
            if kind == "R" and struct.unpack("!i", payload[:4])[0] != 0:
                die("rawclient only supports trust authentication")
        return msgs

    def simple_query(self, sql):
        self.send(msg("Q", cstr(sql)))
        return self.read_until("Z")

    def terminate(self):
        self.send(msg("X"))
        # Wait for the server to close its side, so the capture is complete.
        self.sock.settimeout(30.0)
        while self.sock.recv(65536):
            pass
        self.sock.close()


def std_params(args, extra=()):
    params = [("user", args.user)]
    if args.db:
        params.append(("database", args.db))
    params.append(("application_name", "golden_rawclient"))
    params.extend(extra)
    return params


def data_row_values(payload):
    (n,) = struct.unpack("!h", payload[:2])
    off = 2
    vals = []
    for _ in range(n):
        (ln,) = struct.unpack("!i", payload[off:off + 4])
        off += 4
        if ln < 0:
            vals.append(None)
        else:
            vals.append(payload[off:off + ln])
            off += ln
    return vals


# ---------------------------------------------------------------------------
def scenario_gssenc(args):
    """GSSENCRequest ('N'), then SSLRequest ('N') like libpq does, then startup."""
    c = Conn.tcp(args.host, args.port)
    c.negotiation_request(GSSENC_REQUEST_CODE)
    c.negotiation_request(SSL_REQUEST_CODE)
    c.startup(std_params(args))
    c.simple_query("SELECT 'gss declined' AS status")
    c.terminate()


def scenario_negotiate(args):
    """Protocol 3.2 plus an unknown _pq_ option -> NegotiateProtocolVersion."""
    c = Conn.tcp(args.host, args.port)
    msgs = c.startup(std_params(args, [("_pq_.test_option", "x")]), PROTOCOL_3_2)
    if not any(k == "v" for k, _ in msgs):
        die("server did not send NegotiateProtocolVersion")
    c.simple_query("SELECT 1 AS negotiated")
    c.terminate()


def int4(v):
    return struct.pack("!i", v)


def parse_msg(name, sql, oids):
    return msg("P", cstr(name) + cstr(sql) + struct.pack("!h", len(oids))
               + b"".join(struct.pack("!I", o) for o in oids))


def bind_msg(portal, stmt, param_formats, params, result_formats):
    body = cstr(portal) + cstr(stmt)
    body += struct.pack("!h", len(param_formats))
    body += b"".join(struct.pack("!h", f) for f in param_formats)
    body += struct.pack("!h", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
    body += struct.pack("!h", len(result_formats))
    body += b"".join(struct.pack("!h", f) for f in result_formats)
    return msg("B", body)


def describe_msg(kind, name):
    return msg("D", kind.encode() + cstr(name))


def execute_msg(portal, max_rows):
    return msg("E", cstr(portal) + struct.pack("!i", max_rows))


def close_msg(kind, name):
    return msg("C", kind.encode() + cstr(name))


def scenario_extended(args):
    """Named statement + named portal, partial Execute, Close, Flush, Sync."""
    c = Conn.tcp(args.host, args.port)
    c.startup(std_params(args))

    # Parse / Describe(S) / Bind / Describe(P) / Execute(max_rows=2) / Flush
    c.send(parse_msg("s_series",
                     "SELECT g AS n, repeat('x', g) AS s, CASE WHEN g % 2 = 0 THEN NULL ELSE g END AS odd"
                     " FROM generate_series(1, $1::int4) AS g", [23])
           + describe_msg("S", "s_series")
           + bind_msg("p_series", "s_series", [1], [int4(5)], [1, 0, 1])
           + describe_msg("P", "p_series")
           + execute_msg("p_series", 2)
           + msg("H"))
    for k in ("1", "t", "T", "2", "T", "D", "D", "s"):
        c.expect([k])

    # Second Execute on the suspended portal, again limited -> PortalSuspended.
    c.send(execute_msg("p_series", 2) + msg("H"))
    for k in ("D", "D", "s"):
        c.expect([k])

    # Run the portal to completion, close portal and statement, then Sync.
    c.send(execute_msg("p_series", 0)
           + close_msg("P", "p_series")
           + close_msg("S", "s_series")
           + msg("S"))
    for k in ("D", "C", "3", "3", "Z"):
        c.expect([k])

    # Unnamed statement without result columns: Describe(S) -> NoData.
    c.send(parse_msg("", "SET application_name = 'golden_rawclient_x'", [])
           + describe_msg("S", "")
           + bind_msg("", "", [], [], [])
           + execute_msg("", 0)
           + msg("S"))
    for k in ("1", "t", "n", "2", "C"):
        c.expect([k])
    # A ParameterStatus may precede ReadyForQuery (application_name is GUC_REPORT).
    c.read_until("Z")
    c.terminate()


def scenario_replication(args):
    """Physical streaming replication: IDENTIFY_SYSTEM, START_REPLICATION, feedback."""
    max_bytes = 64 * 1024 - 4096  # keep the backend stream under ~64 KB
    c = Conn.tcp(args.host, args.port)
    c.startup([("user", args.user), ("replication", "true"),
               ("application_name", "golden_walreceiver")])

    rows = [p for k, p in c.simple_query("IDENTIFY_SYSTEM") if k == "D"]
    if len(rows) != 1:
        die("IDENTIFY_SYSTEM returned %d rows" % len(rows))
    _sysid, tli, xlogpos, _db = data_row_values(rows[0])
    start = parse_lsn(xlogpos.decode())
    c.send(msg("Q", cstr("START_REPLICATION PHYSICAL %s TIMELINE %s"
                         % (format_lsn(start), tli.decode()))))
    c.expect(["W"])

    # Generate a little WAL from a direct (non-recorded) connection, a few
    # times, and each time read the stream until the new flush position has
    # come through; that yields a few XLogData messages.
    admin = Conn.unix(args.admin_socket)
    admin.startup([("user", args.admin_user), ("database", args.admin_db)])
    received = start
    total = 0
    xlogdata = 0
    for round_no in range(1, 4):
        admin.simple_query("INSERT INTO repl_probe (note) VALUES ('streamed row %d')" % round_no)
        target = None
        for k, p in admin.simple_query("SELECT pg_current_wal_flush_lsn()::text"):
            if k == "D":
                target = parse_lsn(data_row_values(p)[0].decode())
        if target is None:
            die("could not read pg_current_wal_flush_lsn()")
        while received < target and total <= max_bytes:
            kind, payload = c.expect(["d"])
            total += len(payload) + 5
            if payload[:1] == b"w":
                wal_start, _wal_end, _ts = struct.unpack("!QQq", payload[1:25])
                received = max(received, wal_start + len(payload) - 25)
                xlogdata += 1
    admin.terminate()
    if xlogdata == 0:
        die("no XLogData received")

    # StandbyStatusUpdate asking for an immediate reply -> PrimaryKeepalive.
    c.send(msg("d", b"r" + struct.pack("!QQQqB", received, received, received,
                                       pg_now_us(), 1)))
    # HotStandbyFeedback (no xmin to hold back).
    c.send(msg("d", b"h" + struct.pack("!qIIII", pg_now_us(), 0, 0, 0, 0)))
    while True:
        kind, payload = c.expect(["d"])
        if payload[:1] == b"k":
            break

    # End streaming: CopyDone from us; server answers CopyDone, CommandComplete, RFQ.
    c.send(msg("c"))
    while True:
        kind, payload = c.expect(["d", "c"])
        if kind == "c":
            break
    c.read_until("Z")
    c.terminate()


SCENARIOS = {
    "gssenc": scenario_gssenc,
    "negotiate": scenario_negotiate,
    "extended": scenario_extended,
    "replication": scenario_replication,
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario", choices=sorted(SCENARIOS))
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--db")
    ap.add_argument("--admin-socket")
    ap.add_argument("--admin-user", default="postgres")
    ap.add_argument("--admin-db", default="postgres")
    args = ap.parse_args()
    SCENARIOS[args.scenario](args)


if __name__ == "__main__":
    main()
