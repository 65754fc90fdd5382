"""A raw replication client on tests/server/pgproto.py, for what drivers
hide: psycopg2 answers PrimaryKeepalive messages itself and never shows
them. This one reads every CopyData frame of a START_REPLICATION stream as
it arrives, XLogData ('w') and PrimaryKeepalive ('k'), and never answers:
a silent subscriber."""

import struct
import time

import pgproto


def parse_lsn(text):
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


class WalSender:
    """One replication=database connection, authenticated with `password`
    (None for trust) and `params` in the StartupMessage."""

    def __init__(self, host, port, user, dbname, password=None, params=None, timeout=20.0):
        self.conn = pgproto.Conn(host=host, port=port, timeout=timeout)
        startup_params = {"replication": "database"}
        startup_params.update(params or {})
        self.conn.startup(user, password=password, database=dbname, params=startup_params)

    def close(self):
        self.conn.close()

    def command(self, text):
        """A replication command or SQL by the simple query protocol: its
        results; an ErrorResponse raises pgproto.ServerError."""
        results = self.conn.simple_query(text)
        for r in results:
            if "error" in r:
                raise pgproto.ServerError(r["error"])
        return results

    def start_logical(self, slot, lsn="0/0", options=None):
        """START_REPLICATION SLOT ... LOGICAL: waits for CopyBothResponse."""
        sql = "START_REPLICATION SLOT %s LOGICAL %s" % (slot, lsn)
        if options:
            sql += " (%s)" % ", ".join('"%s" \'%s\'' % (k, v) for k, v in options.items())
        self.conn.send(pgproto.query(sql))
        kind, body = self.conn.read_message()
        if kind == "E":
            raise pgproto.ServerError(pgproto.parse_fields(body))
        if kind != "W":
            raise pgproto.ProtocolError("expected CopyBothResponse, got %s" % pgproto.describe(kind, body))

    def read_frame(self, deadline):
        """The next CopyData frame as a dict: {"type": "k", "wal_end", "send_time",
        "reply_requested"} or {"type": "w", "data_start", "wal_end", "send_time",
        "data"}. Fails at time.monotonic() `deadline`."""
        left = deadline - time.monotonic()
        if left <= 0:
            raise pgproto.ProtocolError("no replication frame before the deadline")
        self.conn.sock.settimeout(left)
        kind, body = self.conn.read_message()
        if kind == "E":
            raise pgproto.ServerError(pgproto.parse_fields(body))
        if kind != "d":
            raise pgproto.ProtocolError("expected CopyData, got %s" % pgproto.describe(kind, body))
        tag = body[:1]
        if tag == b"k":
            if len(body) != 18:
                raise pgproto.ProtocolError("PrimaryKeepalive of %d bytes, not 18: %r" % (len(body), body))
            wal_end, send_time, reply = struct.unpack("!qqB", body[1:])
            return {"type": "k", "wal_end": wal_end, "send_time": send_time, "reply_requested": reply}
        if tag == b"w":
            if len(body) < 25:
                raise pgproto.ProtocolError("XLogData of %d bytes: %r" % (len(body), body))
            data_start, wal_end, send_time = struct.unpack("!qqq", body[1:25])
            return {"type": "w", "data_start": data_start, "wal_end": wal_end, "send_time": send_time,
                    "data": body[25:]}
        raise pgproto.ProtocolError("unknown replication frame %r" % body[:40])
