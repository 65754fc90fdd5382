"""A tiny PostgreSQL frontend for the server integration tests.

Standard library only (run with /usr/bin/python3). It speaks just enough of
the protocol to do what libpq 15 / psql cannot: protocol 3.2, _pq_ options,
GSSENCRequest, direct SSL (PostgreSQL 17), hand-made malformed input, byte
exact checks of ReadyForQuery status and BackendKeyData, and reading a huge
result slowly without keeping it.

Every blocking call has a timeout: a server that hangs makes the test fail
with a message instead of hanging the suite.
"""

import base64
import hashlib
import hmac
import os
import select
import socket
import ssl
import struct
import time

PROTOCOL_3_0 = (3, 0)
PROTOCOL_3_2 = (3, 2)
SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
CANCEL_REQUEST_CODE = 80877102

DEFAULT_TIMEOUT = 20.0

# What a read on a connection the server closed may raise (TLS without close_notify).
CLOSED_ERRORS = (ConnectionResetError, BrokenPipeError, ssl.SSLEOFError, ssl.SSLZeroReturnError)


class ProtocolError(AssertionError):
    """The server sent something the test did not expect."""


class ServerError(Exception):
    """An ErrorResponse, with its fields (by field code) in .fields."""

    def __init__(self, fields):
        self.fields = fields
        super().__init__("%s %s: %s" % (fields.get("S"), fields.get("C"), fields.get("M")))

    @property
    def sqlstate(self):
        return self.fields.get("C")

    @property
    def severity(self):
        return self.fields.get("V", self.fields.get("S"))

    @property
    def message(self):
        return self.fields.get("M")


def cstr(s):
    if isinstance(s, str):
        s = s.encode()
    return s + b"\0"


def message(kind, payload=b""):
    """A typed frontend message."""
    return kind.encode() + struct.pack("!i", len(payload) + 4) + payload


def startup_packet(user, database=None, version=PROTOCOL_3_0, params=None, options=None):
    """StartupMessage body with its length. `options` are _pq_.* pairs."""
    body = struct.pack("!HH", version[0], version[1])
    pairs = [("user", user)]
    if database is not None:
        pairs.append(("database", database))
    pairs += list((params or {}).items())
    pairs += list((options or {}).items())
    for k, v in pairs:
        body += cstr(k) + cstr(v)
    body += b"\0"
    return struct.pack("!i", len(body) + 4) + body


def ssl_request():
    return struct.pack("!ii", 8, SSL_REQUEST_CODE)


def gssenc_request():
    return struct.pack("!ii", 8, GSSENC_REQUEST_CODE)


def cancel_request(pid, secret):
    body = struct.pack("!ii", CANCEL_REQUEST_CODE, pid) + secret
    return struct.pack("!i", len(body) + 4) + body


def query(sql):
    return message("Q", cstr(sql))


def parse(sql, name=b"", param_types=()):
    body = cstr(name) + cstr(sql) + struct.pack("!h", len(param_types))
    body += b"".join(struct.pack("!I", t) for t in param_types)
    return message("P", body)


def bind(portal=b"", statement=b"", params=(), result_formats=()):
    body = cstr(portal) + cstr(statement) + struct.pack("!h", 0) + struct.pack("!h", len(params))
    for p in params:
        if p is None:
            body += struct.pack("!i", -1)
        else:
            p = p.encode() if isinstance(p, str) else p
            body += struct.pack("!i", len(p)) + p
    body += struct.pack("!h", len(result_formats))
    body += b"".join(struct.pack("!h", f) for f in result_formats)
    return message("B", body)


def execute(portal=b"", max_rows=0):
    return message("E", cstr(portal) + struct.pack("!i", max_rows))


def describe_portal(portal=b""):
    return message("D", b"P" + cstr(portal))


def sync():
    return message("S")


def parse_fields(body):
    """ErrorResponse / NoticeResponse body -> {code: value}."""
    fields = {}
    i = 0
    while i < len(body) and body[i] != 0:
        code = chr(body[i])
        end = body.index(b"\0", i + 1)
        fields[code] = body[i + 1:end].decode(errors="replace")
        i = end + 1
    return fields


def parse_data_row(body):
    (n,) = struct.unpack_from("!h", body, 0)
    pos = 2
    values = []
    for _ in range(n):
        (ln,) = struct.unpack_from("!i", body, pos)
        pos += 4
        if ln < 0:
            values.append(None)
        else:
            values.append(body[pos:pos + ln].decode())
            pos += ln
    return values


def parse_row_description(body):
    (n,) = struct.unpack_from("!h", body, 0)
    pos = 2
    cols = []
    for _ in range(n):
        end = body.index(b"\0", pos)
        name = body[pos:end].decode()
        pos = end + 1
        table_oid, col, type_oid, size, typmod, fmt = struct.unpack_from("!IhIhih", body, pos)
        pos += 18
        cols.append({"name": name, "type": type_oid, "size": size, "typmod": typmod, "format": fmt})
    return cols


def parse_negotiate(body):
    version, n = struct.unpack_from("!ii", body, 0)
    pos = 8
    names = []
    for _ in range(n):
        end = body.index(b"\0", pos)
        names.append(body[pos:end].decode())
        pos = end + 1
    return (version >> 16, version & 0xFFFF), names


def describe(kind, body):
    """Short readable form of a backend message, for failure messages."""
    if kind == "E" or kind == "N":
        return "%s%r" % (kind, parse_fields(body))
    if kind == "R":
        return "R(auth %d)" % struct.unpack_from("!i", body)[0]
    if kind == "Z":
        return "Z(%s)" % body.decode()
    if kind == "C":
        return "C(%s)" % body[:-1].decode()
    if kind == "D":
        return "D%r" % parse_data_row(body)
    return "%s(%d bytes)" % (kind, len(body))


class Conn:
    """One client connection (TCP or Unix socket), optionally upgraded to TLS."""

    def __init__(self, host="127.0.0.1", port=None, unix_path=None, timeout=DEFAULT_TIMEOUT,
                 rcvbuf=None):
        if unix_path is not None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            addr = unix_path
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            addr = (host, port)
        if rcvbuf is not None:
            # Before connect, so the TCP window is small from the start.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect(addr)
        self._init_state(timeout)

    @classmethod
    def wrap(cls, sock, timeout=DEFAULT_TIMEOUT):
        """A Conn over an already connected (e.g. TLS) socket."""
        c = cls.__new__(cls)
        c.sock = sock
        sock.settimeout(timeout)
        c._init_state(timeout)
        return c

    def _init_state(self, timeout):
        self.timeout = timeout
        self.buf = bytearray()
        self.pos = 0
        self.params = {}
        self.backend_key = None  # (pid, secret bytes)
        self.status = None       # last ReadyForQuery status, 'I' / 'T' / 'E'
        self.negotiate = None    # ((major, minor), [options]) when NegotiateProtocolVersion came
        self.bytes_received = 0

    # Raw I/O ----------------------------------------------------------------

    def send(self, data):
        self.sock.sendall(data)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def has_data(self):
        """True when a byte from the server is waiting (buffered, inside TLS,
        or on the socket). Never blocks."""
        if len(self.buf) > self.pos:
            return True
        if isinstance(self.sock, ssl.SSLSocket) and self.sock.pending():
            return True
        return bool(select.select([self.sock], [], [], 0)[0])

    def _fill(self, need, chunk=262144):
        """Make at least `need` unread bytes available; EOFError on close."""
        while len(self.buf) - self.pos < need:
            if self.pos > 1 << 20:
                del self.buf[:self.pos]
                self.pos = 0
            try:
                data = self.sock.recv(chunk)
            except CLOSED_ERRORS:
                data = b""
            except socket.timeout:
                raise ProtocolError("timed out after %.0f s waiting for the server" % self.timeout)
            if not data:
                raise EOFError("server closed the connection")
            self.bytes_received += len(data)
            self.buf += data

    def read_byte(self):
        self._fill(1)
        b = self.buf[self.pos:self.pos + 1]
        self.pos += 1
        return bytes(b)

    def read_message(self, chunk=262144):
        """Next backend message as (type char, body bytes)."""
        self._fill(5, chunk)
        kind = chr(self.buf[self.pos])
        (ln,) = struct.unpack_from("!i", self.buf, self.pos + 1)
        if ln < 4 or ln > 1 << 30:
            raise ProtocolError("bad message length %d for type %r" % (ln, kind))
        self._fill(1 + ln, chunk)
        body = bytes(self.buf[self.pos + 5:self.pos + 1 + ln])
        self.pos += 1 + ln
        return kind, body

    def expect_closed(self, timeout=10.0):
        """Reads until EOF: returns the messages that came before it. Fails if
        the connection stays open longer than `timeout`."""
        deadline = time.monotonic() + timeout
        got = []
        old = self.sock.gettimeout()
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ProtocolError("connection still open after %.1f s; got %s"
                                        % (timeout, [describe(*m) for m in got]))
                self.sock.settimeout(left)
                try:
                    if len(self.buf) - self.pos >= 5:
                        (ln,) = struct.unpack_from("!i", self.buf, self.pos + 1)
                        if len(self.buf) - self.pos >= 1 + ln:
                            got.append(self.read_message())
                            continue
                    data = self.sock.recv(65536)
                except CLOSED_ERRORS:
                    data = b""
                except socket.timeout:
                    continue
                if not data:
                    rest = bytes(self.buf[self.pos:])
                    if rest:
                        got.append(("?", rest))
                    return got
                self.buf += data
        finally:
            self.sock.settimeout(old)

    # Negotiation --------------------------------------------------------------

    def request_ssl(self):
        """Sends SSLRequest, returns the one-byte answer (b'S' or b'N')."""
        self.send(ssl_request())
        return self.read_byte()

    def request_gssenc(self):
        self.send(gssenc_request())
        return self.read_byte()

    def start_tls(self, context, server_hostname=None):
        if len(self.buf) != self.pos:
            raise ProtocolError("unread plaintext bytes before the TLS handshake")
        self.sock = context.wrap_socket(self.sock, server_hostname=server_hostname)
        return self.sock

    # Startup and authentication ----------------------------------------------

    def startup(self, user, password=None, database=None, version=PROTOCOL_3_0, params=None,
                options=None, channel_binding=None):
        """Sends a StartupMessage and authenticates (trust, cleartext, MD5,
        SCRAM-SHA-256 and, with channel_binding=True over TLS, -PLUS). Returns
        the messages up to ReadyForQuery; raises ServerError on ErrorResponse."""
        self.send(startup_packet(user, database, version, params, options))
        return self.finish_startup(user, password, channel_binding)

    def finish_startup(self, user, password=None, channel_binding=None):
        got = []
        scram = None
        while True:
            kind, body = self.read_message()
            got.append((kind, body))
            if kind == "E":
                raise ServerError(parse_fields(body))
            if kind == "v":
                self.negotiate = parse_negotiate(body)
            elif kind == "R":
                (code,) = struct.unpack_from("!i", body)
                if code == 0:
                    pass
                elif code == 3:
                    self.send(message("p", cstr(password or "")))
                elif code == 5:
                    salt = body[4:8]
                    inner = hashlib.md5((password or "").encode() + user.encode()).hexdigest()
                    outer = hashlib.md5(inner.encode() + salt).hexdigest()
                    self.send(message("p", cstr("md5" + outer)))
                elif code == 10:
                    mechs = [m.decode() for m in body[4:].split(b"\0") if m]
                    scram = Scram(password or "", mechs, self, channel_binding)
                    self.send(scram.initial())
                elif code == 11:
                    self.send(scram.final(body[4:]))
                elif code == 12:
                    scram.verify(body[4:])
                else:
                    raise ProtocolError("unsupported authentication request %d" % code)
            elif kind == "S":
                name, value = body.split(b"\0")[:2]
                self.params[name.decode()] = value.decode()
            elif kind == "K":
                (pid,) = struct.unpack_from("!i", body)
                self.backend_key = (pid, body[4:])
            elif kind == "Z":
                self.status = body.decode()
                return got
            elif kind == "N":
                pass
            else:
                raise ProtocolError("unexpected message during startup: %s" % describe(kind, body))

    # Queries --------------------------------------------------------------------

    def simple_query(self, sql):
        """Runs a simple query and returns a list of results, each a dict:
        {"columns", "rows", "tag"} or {"empty": True} or {"error": fields}.
        self.status holds the ReadyForQuery status afterwards."""
        self.send(query(sql))
        return self.read_results()

    def read_results(self):
        results = []
        current = None
        while True:
            kind, body = self.read_message()
            if kind == "T":
                current = {"columns": parse_row_description(body), "rows": []}
            elif kind == "D":
                if current is None:
                    raise ProtocolError("DataRow before RowDescription")
                current["rows"].append(parse_data_row(body))
            elif kind == "C":
                current = current or {"columns": None, "rows": []}
                current["tag"] = body[:-1].decode()
                results.append(current)
                current = None
            elif kind == "I":
                results.append({"empty": True})
            elif kind == "E":
                results.append({"error": parse_fields(body)})
                current = None
            elif kind == "Z":
                self.status = body.decode()
                return results
            elif kind in ("N", "S", "A"):
                pass
            else:
                raise ProtocolError("unexpected message in a query result: %s" % describe(kind, body))

    def count_rows(self, sql, pace=None):
        """Runs a query and counts DataRows without keeping them. Returns
        (count, last row, tag). `pace(bytes received so far)` is called before
        each socket read and returns the size of that read: a slow reader
        sleeps there and reads little. Raises ServerError on an ErrorResponse
        (after ReadyForQuery)."""
        chunk = 262144
        self.send(query(sql))
        count = 0
        last_at = None   # offset of the last DataRow still in the buffer
        last = None
        tag = None
        error = None
        unpack = struct.Struct("!i").unpack_from
        buf = self.buf
        pos = self.pos
        while True:
            # Inline framing: this loop runs once per row.
            avail = len(buf) - pos
            if avail >= 5:
                (ln,) = unpack(buf, pos + 1)
                if avail > ln:
                    kind = buf[pos]
                    if kind == 0x44:  # 'D'
                        count += 1
                        last_at = pos
                    elif kind == 0x43:  # 'C'
                        tag = bytes(buf[pos + 5:pos + ln]).decode()
                    elif kind == 0x45:  # 'E'
                        error = parse_fields(bytes(buf[pos + 5:pos + 1 + ln]))
                    elif kind == 0x5A:  # 'Z'
                        self.status = chr(buf[pos + 5])
                        pos += 1 + ln
                        break
                    elif kind not in (0x54, 0x4E, 0x53, 0x41):  # T N S A
                        raise ProtocolError("unexpected message type %r in a result" % chr(kind))
                    pos += 1 + ln
                    continue
                need = 1 + ln
            else:
                need = 5
            if last_at is not None:  # _fill may compact the buffer
                (ln,) = unpack(buf, last_at + 1)
                last = parse_data_row(bytes(buf[last_at + 5:last_at + 1 + ln]))
                last_at = None
            if pace is not None:
                chunk = pace(self.bytes_received)
            self.pos = pos
            self._fill(need, chunk)
            buf = self.buf
            pos = self.pos
        if last_at is not None:
            (ln,) = unpack(buf, last_at + 1)
            last = parse_data_row(bytes(buf[last_at + 5:last_at + 1 + ln]))
        self.pos = pos
        if error is not None:
            raise ServerError(error)
        return count, last, tag


class Scram:
    """Client side of SCRAM-SHA-256 (RFC 5802/7677), with optional
    tls-server-end-point channel binding (SCRAM-SHA-256-PLUS)."""

    def __init__(self, password, mechanisms, conn, channel_binding):
        self.password = password
        self.conn = conn
        self.plus = bool(channel_binding) and "SCRAM-SHA-256-PLUS" in mechanisms
        if channel_binding and not self.plus:
            raise ProtocolError("server did not offer SCRAM-SHA-256-PLUS: %r" % mechanisms)
        self.mechanism = "SCRAM-SHA-256-PLUS" if self.plus else "SCRAM-SHA-256"
        self.nonce = base64.b64encode(os.urandom(18)).decode()
        self.gs2 = "p=tls-server-end-point,," if self.plus else "n,,"
        self.first_bare = "n=,r=" + self.nonce

    def initial(self):
        data = (self.gs2 + self.first_bare).encode()
        return message("p", cstr(self.mechanism) + struct.pack("!i", len(data)) + data)

    def final(self, server_first):
        self.server_first = server_first.decode()
        attrs = dict(kv.split("=", 1) for kv in self.server_first.split(","))
        if not attrs["r"].startswith(self.nonce):
            raise ProtocolError("server nonce does not extend the client nonce")
        salt = base64.b64decode(attrs["s"])
        iterations = int(attrs["i"])
        salted = hashlib.pbkdf2_hmac("sha256", self.password.encode(), salt, iterations)
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored_key = hashlib.sha256(client_key).digest()
        self.server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
        cbind = self.gs2.encode()
        if self.plus:
            cert = self.conn.sock.getpeercert(binary_form=True)
            cbind += hashlib.sha256(cert).digest()  # the test certificates are SHA-256 signed
        without_proof = "c=%s,r=%s" % (base64.b64encode(cbind).decode(), attrs["r"])
        self.auth_message = ",".join([self.first_bare, self.server_first, without_proof]).encode()
        signature = hmac.new(stored_key, self.auth_message, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(client_key, signature))
        return message("p", (without_proof + ",p=" + base64.b64encode(proof).decode()).encode())

    def verify(self, server_final):
        text = server_final.decode()
        if not text.startswith("v="):
            raise ProtocolError("bad SCRAM server-final-message %r" % text)
        expected = hmac.new(self.server_key, self.auth_message, hashlib.sha256).digest()
        if base64.b64decode(text[2:]) != expected:
            raise ProtocolError("SCRAM server signature does not verify")


def client_tls_context(ca_file=None, alpn=None):
    """TLS client context; verifies against ca_file when given."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca_file:
        ctx.load_verify_locations(ca_file)
        ctx.check_hostname = True
        ctx.verify_mode = ssl.CERT_REQUIRED
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if alpn is not None:
        ctx.set_alpn_protocols(alpn)
    return ctx
