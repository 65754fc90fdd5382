#!/usr/bin/python3
"""Regenerate the fuzz seed corpus from the golden captures.

    /usr/bin/python3 fuzz/make_corpus.py [GOLDEN_DIR [CORPUS_DIR]]

Defaults: tests/golden/data and fuzz/corpus (relative to the repository).
Writes CORPUS_DIR/frontend and CORPUS_DIR/backend:

  stream-<scenario>       a whole golden stream (.fe.bin / .be.bin), verbatim
  msg-<hh>-<sha1>         one message split out of the streams, deduplicated;
                          <hh> is the type byte in hex ("00" for a startup-phase
                          packet). Frontend typed messages are prefixed with a
                          minimal StartupMessage, because fuzz_frontend reads
                          the startup phase first. At most MAX_PER_TYPE seeds
                          per type, spread over the message sizes.

Files with any other name (regress-*: inputs that once failed a check) are
left alone. Stale stream-*/msg-* files are deleted. Standard library only.
"""

import hashlib
import os
import struct
import sys

SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
CANCEL_REQUEST_CODE = 80877102
MAX_PER_TYPE = 8

# StartupMessage, protocol 3.0, user=fuzz: the prefix of frontend message seeds.
_startup_body = struct.pack("!i", 196608) + b"user\0fuzz\0\0"
STARTUP_PREFIX = struct.pack("!i", 4 + len(_startup_body)) + _startup_body


class StreamError(Exception):
    pass


def split_typed(data, off):
    msgs = []
    while off < len(data):
        if len(data) - off < 5:
            raise StreamError("truncated header at %d" % off)
        (length,) = struct.unpack("!i", data[off + 1:off + 5])
        if length < 4 or off + 1 + length > len(data):
            raise StreamError("bad length %d at %d" % (length, off))
        msgs.append((data[off], data[off:off + 1 + length]))
        off += 1 + length
    return msgs


def split_frontend(data):
    """Return ([(type, wire bytes)], negotiation request count); type 0 = startup packet."""
    msgs, off, negotiations = [], 0, 0
    while off < len(data):
        if len(data) - off < 8:
            raise StreamError("truncated startup packet at %d" % off)
        length, code = struct.unpack("!ii", data[off:off + 8])
        if length < 8 or off + length > len(data):
            raise StreamError("bad startup packet length %d at %d" % (length, off))
        msgs.append((0, data[off:off + length]))
        off += length
        if code in (SSL_REQUEST_CODE, GSSENC_REQUEST_CODE):
            negotiations += 1
        else:
            break  # StartupMessage or CancelRequest
    return msgs + split_typed(data, off), negotiations


def split_backend(data, negotiations):
    # One single-byte answer per SSLRequest/GSSENCRequest, then typed messages.
    skip = min(negotiations, len(data))
    return split_typed(data, skip)


def spread(items, n):
    """Up to n items, spread evenly over the list (sorted by size)."""
    items = sorted(items, key=lambda b: (len(b), b))
    if len(items) <= n:
        return items
    step = (len(items) - 1) / (n - 1)
    return [items[round(i * step)] for i in range(n)]


def seeds_from_messages(msgs, prefix_typed):
    by_type = {}
    for kind, wire in msgs:
        if kind != 0 and prefix_typed:
            wire = STARTUP_PREFIX + wire
        by_type.setdefault(kind, set()).add(wire)
    out = {}
    for kind, wires in by_type.items():
        for wire in spread(wires, MAX_PER_TYPE):
            name = "msg-%02x-%s" % (kind, hashlib.sha1(wire).hexdigest()[:12])
            out[name] = wire
    return out


def write_dir(path, seeds):
    os.makedirs(path, exist_ok=True)
    for old in os.listdir(path):
        if (old.startswith("stream-") or old.startswith("msg-")) and old not in seeds:
            os.remove(os.path.join(path, old))
    for name, data in seeds.items():
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    golden = argv[1] if len(argv) > 1 else os.path.join(root, "tests", "golden", "data")
    corpus = argv[2] if len(argv) > 2 else os.path.join(root, "fuzz", "corpus")

    scenarios = sorted(f[:-len(".fe.bin")] for f in os.listdir(golden) if f.endswith(".fe.bin"))
    if not scenarios:
        raise SystemExit("no *.fe.bin files in %s" % golden)
    fe_seeds, be_seeds = {}, {}
    fe_msgs, be_msgs = [], []
    for name in scenarios:
        with open(os.path.join(golden, name + ".fe.bin"), "rb") as f:
            fe = f.read()
        with open(os.path.join(golden, name + ".be.bin"), "rb") as f:
            be = f.read()
        msgs, negotiations = split_frontend(fe)
        fe_msgs += msgs
        be_msgs += split_backend(be, negotiations)
        if fe:
            fe_seeds["stream-" + name] = fe
        if be:
            be_seeds["stream-" + name] = be
    fe_seeds.update(seeds_from_messages(fe_msgs, prefix_typed=True))
    be_seeds.update(seeds_from_messages(be_msgs, prefix_typed=False))

    for side, seeds in (("frontend", fe_seeds), ("backend", be_seeds)):
        write_dir(os.path.join(corpus, side), seeds)
        total = sum(len(d) for d in seeds.values())
        print("%s: %d seeds, %d bytes -> %s" % (side, len(seeds), total, os.path.join(corpus, side)))


if __name__ == "__main__":
    main(sys.argv)
