#!/usr/bin/python3
"""Recording TCP proxy for PostgreSQL wire-protocol golden captures.

Listens on 127.0.0.1:<port> and relays every accepted connection verbatim to
an upstream PostgreSQL server (a Unix-domain socket path or host:port).  The
two byte streams of each connection are recorded and, once BOTH directions
have reached end-of-stream, written to

    <out>/<scenario>.fe.bin   (client -> server, "frontend")
    <out>/<scenario>.be.bin   (server -> client, "backend")

Control protocol (line based, so a driving shell script never needs sleeps):

  stdout  "listening <port>"             once the listening socket is bound
  stdin   "expect <scenario>"            queue a name for the next accepted
  stdout  "expecting <scenario>"         connection (FIFO, accept order)
  stdout  "accepted <scenario>"          a client connected
  stdout  "closed <scenario> <fe> <be>"  both files written (sizes in bytes)
  stdin   "quit" (or EOF)                stop

Connections that arrive while no name is queued are refused (closed at once)
and reported on stderr as "unexpected connection".

Standard library only; run with /usr/bin/python3.
"""

import argparse
import os
import socket
import sys
import threading

_print_lock = threading.Lock()


def emit(line):
    with _print_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def warn(line):
    with _print_lock:
        sys.stderr.write("recording_proxy: " + line + "\n")
        sys.stderr.flush()


class Pending:
    """FIFO of scenario names for upcoming connections."""

    def __init__(self):
        self._names = []
        self._lock = threading.Lock()

    def push(self, name):
        with self._lock:
            self._names.append(name)

    def pop(self):
        with self._lock:
            return self._names.pop(0) if self._names else None


def connect_upstream(spec):
    if spec.startswith("unix:"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(spec[len("unix:"):])
        return s
    host, _, port = spec.rpartition(":")
    return socket.create_connection((host, int(port)))


def _shutdown(sock, how):
    try:
        sock.shutdown(how)
    except OSError:
        pass


def pump(src, dst, record):
    """Copy src -> dst until EOF, appending everything to record."""
    try:
        while True:
            chunk = src.recv(65536)
            if not chunk:
                break
            record.extend(chunk)
            dst.sendall(chunk)
        # Propagate the half-close so the peer sees EOF too.
        _shutdown(dst, socket.SHUT_WR)
    except OSError:
        # Reset or broken pipe: tear down both sides so the other pump ends.
        _shutdown(src, socket.SHUT_RDWR)
        _shutdown(dst, socket.SHUT_RDWR)


def write_atomic(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def handle(client, name, upstream, outdir):
    fe = bytearray()
    be = bytearray()
    try:
        server = connect_upstream(upstream)
    except OSError as e:
        warn("cannot connect upstream for %s: %s" % (name, e))
        client.close()
        emit("failed %s" % name)
        return
    t_fe = threading.Thread(target=pump, args=(client, server, fe), daemon=True)
    t_be = threading.Thread(target=pump, args=(server, client, be), daemon=True)
    t_fe.start()
    t_be.start()
    t_fe.join()
    t_be.join()
    client.close()
    server.close()
    write_atomic(os.path.join(outdir, name + ".fe.bin"), bytes(fe))
    write_atomic(os.path.join(outdir, name + ".be.bin"), bytes(be))
    emit("closed %s %d %d" % (name, len(fe), len(be)))


def accept_loop(lsock, pending, upstream, outdir):
    while True:
        try:
            client, _ = lsock.accept()
        except OSError:
            return
        name = pending.pop()
        if name is None:
            warn("unexpected connection (no scenario queued); refusing it")
            client.close()
            continue
        emit("accepted %s" % name)
        threading.Thread(target=handle, args=(client, name, upstream, outdir),
                         daemon=True).start()


def bind_listener(host, port_min, port_max):
    for port in range(port_min, port_max + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # Re-runs must not be blocked by TIME_WAIT connections of the last run.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            s.close()
            continue
        s.listen(16)
        return s, port
    raise SystemExit("recording_proxy: no free port in %d..%d" % (port_min, port_max))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen-host", default="127.0.0.1")
    ap.add_argument("--port-min", type=int, default=25432)
    ap.add_argument("--port-max", type=int, default=32000)
    ap.add_argument("--upstream", required=True,
                    help="unix:/path/to/.s.PGSQL.NNNN or host:port")
    ap.add_argument("--out", required=True, help="directory for the .bin files")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    lsock, port = bind_listener(args.listen_host, args.port_min, args.port_max)
    pending = Pending()
    threading.Thread(target=accept_loop, args=(lsock, pending, args.upstream, args.out),
                     daemon=True).start()
    emit("listening %d" % port)

    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "expect" and len(parts) == 2:
            pending.push(parts[1])
            emit("expecting %s" % parts[1])
        elif parts[0] == "quit":
            break
        else:
            warn("bad command: %r" % line)
    lsock.close()


if __name__ == "__main__":
    main()
