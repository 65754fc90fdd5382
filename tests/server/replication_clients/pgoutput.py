"""A parser of pgoutput's binary messages (protocol version 1, and version
2's streaming messages), as PostgreSQL 15 documents them in "Logical
Replication Message Formats". Each XLogData payload is one message; parse()
returns it as a dict with "type" and its fields, and fails on anything it
does not know, so a malformed or unexpected message fails the test that read
it rather than being skipped."""

import struct

# Microseconds between the Unix epoch and PostgreSQL's (2000-01-01).
POSTGRES_EPOCH_UNIX_US = 946684800 * 1000000


class Reader:
    """Consumes one message's bytes, big-endian as the protocol is."""

    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise AssertionError("pgoutput message truncated: need %d bytes at %d of %r"
                                 % (n, self.pos, self.data))
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def unpack(self, fmt):
        values = struct.unpack("!" + fmt, self.take(struct.calcsize("!" + fmt)))
        return values[0] if len(values) == 1 else values

    def string(self):
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise AssertionError("pgoutput string without terminator at %d of %r" % (self.pos, self.data))
        s = self.data[self.pos:end].decode()
        self.pos = end + 1
        return s

    def done(self):
        if self.pos != len(self.data):
            raise AssertionError("pgoutput message has %d bytes left over: %r"
                                 % (len(self.data) - self.pos, self.data[self.pos:]))


def tuple_data(r):
    """TupleData: a list with, per column, None (null), "unchanged-toast", or
    the text value as str (binary values, proto_version 2+ with binary, as
    bytes)."""
    values = []
    for _ in range(r.unpack("h")):
        kind = r.take(1)
        if kind == b"n":
            values.append(None)
        elif kind == b"u":
            values.append("unchanged-toast")
        elif kind == b"t":
            values.append(r.take(r.unpack("i")).decode())
        elif kind == b"b":
            values.append(r.take(r.unpack("i")))
        else:
            raise AssertionError("unknown TupleData column kind %r" % kind)
    return values


def lsn_text(lsn):
    return "%X/%X" % (lsn >> 32, lsn & 0xFFFFFFFF)


def parse(payload, streaming=False):
    """One pgoutput message. `streaming` (proto_version 2 with streaming on)
    puts an xid before the fields of Relation, Type, Insert, Update, Delete,
    Truncate and Message inside a streamed transaction; the caller knows."""
    r = Reader(payload)
    kind = r.take(1).decode()
    m = {"type": kind}
    if streaming and kind in "RYIUDTM":
        m["xid"] = r.unpack("I")
    if kind == "B":
        m["final_lsn"], m["commit_time"], m["xid"] = r.unpack("qqI")
    elif kind == "C":
        m["flags"], m["commit_lsn"], m["end_lsn"], m["commit_time"] = r.unpack("bqqq")
    elif kind == "O":
        m["commit_lsn"] = r.unpack("q")
        m["name"] = r.string()
    elif kind == "R":
        m["relid"] = r.unpack("I")
        m["namespace"], m["name"] = r.string(), r.string()
        m["replica_identity"] = r.take(1).decode()
        columns = []
        for _ in range(r.unpack("h")):
            flags = r.unpack("b")
            name = r.string()
            type_oid, typmod = r.unpack("Ii")
            columns.append({"flags": flags, "name": name, "type_oid": type_oid, "typmod": typmod})
        m["columns"] = columns
    elif kind == "Y":
        m["type_oid"] = r.unpack("I")
        m["namespace"], m["name"] = r.string(), r.string()
    elif kind == "I":
        m["relid"] = r.unpack("I")
        if r.take(1) != b"N":
            raise AssertionError("Insert without its 'N' tuple: %r" % payload)
        m["new"] = tuple_data(r)
    elif kind == "U":
        m["relid"] = r.unpack("I")
        marker = r.take(1)
        if marker in (b"K", b"O"):
            m["key" if marker == b"K" else "old"] = tuple_data(r)
            marker = r.take(1)
        if marker != b"N":
            raise AssertionError("Update without its 'N' tuple: %r" % payload)
        m["new"] = tuple_data(r)
    elif kind == "D":
        m["relid"] = r.unpack("I")
        marker = r.take(1)
        if marker not in (b"K", b"O"):
            raise AssertionError("Delete without a 'K' or 'O' tuple: %r" % payload)
        m["key" if marker == b"K" else "old"] = tuple_data(r)
    elif kind == "T":
        count, m["options"] = r.unpack("ib")
        m["relids"] = [r.unpack("I") for _ in range(count)]
    elif kind == "M":
        m["flags"], m["lsn"] = r.unpack("bq")
        m["prefix"] = r.string()
        m["content"] = r.take(r.unpack("i"))
    elif kind == "S":
        m["xid"], m["first_segment"] = r.unpack("Ib")
    elif kind == "E":
        pass
    elif kind == "c":
        m["xid"], m["flags"], m["commit_lsn"], m["end_lsn"], m["commit_time"] = r.unpack("Ibqqq")
    elif kind == "A":
        m["xid"], m["subxid"] = r.unpack("II")
    else:
        raise AssertionError("unknown pgoutput message type %r: %r" % (kind, payload))
    r.done()
    return m
