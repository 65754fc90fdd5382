#!/usr/bin/python3
"""Regenerate the session fuzzer's seed corpus (fuzz/corpus/session).

    /usr/bin/python3 fuzz/make_session_corpus.py [GOLDEN_DIR [CORPUS_DIR]]

Every input is one control byte (see fuzz/fuzz_session.cpp) and client bytes:

  stream-<scenario>   a whole golden frontend stream (.fe.bin) from the startup
                      phase, with the authentication the capture used
  login-<scenario>    the same stream's typed messages after its login, for a
                      session the fuzzer logs in first
  script-<name>       hand-written sessions that reach the fake product's
                      behaviours: rows, errors, throwing handlers and sources,
                      row limits and PortalSuspended, cursors, SET, a malformed
                      Sync, a throwing sync hook, split reads, small batches

Files with any other name (regress-*) are left alone; stale generated files
are deleted. Standard library only.
"""

import os
import struct
import sys

SPECIAL_CODES = (80877103, 80877104, 80877102)  # SSL, GSSENC, Cancel requests

TRUST, CLEARTEXT, MD5 = 0, 1, 2


def ctl(after_login=False, auth=TRUST, sync_throws=False, chunk=7, small_batches=False):
    return bytes([int(after_login) | auth << 1 | int(sync_throws) << 3 | chunk << 4 |
                  int(small_batches) << 7])


def typed(t, body=b""):
    return t.encode() + struct.pack("!i", 4 + len(body)) + body


def cstr(s):
    return s.encode() + b"\0"


def query(sql):
    return typed("Q", cstr(sql))


def parse(sql, name="", types=()):
    return typed("P", cstr(name) + cstr(sql) + struct.pack("!h", len(types)) +
                 b"".join(struct.pack("!I", t) for t in types))


def bind(params=(), portal="", stmt=""):
    body = cstr(portal) + cstr(stmt) + struct.pack("!h", 0) + struct.pack("!h", len(params))
    for p in params:
        body += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + (p if isinstance(p, bytes) else p.encode())
    return typed("B", body + struct.pack("!h", 0))


def execute(max_rows=0, portal=""):
    return typed("E", cstr(portal) + struct.pack("!i", max_rows))


def describe(kind, name=""):
    return typed("D", kind.encode() + cstr(name))


def close(kind, name=""):
    return typed("C", kind.encode() + cstr(name))


SYNC, FLUSH, TERMINATE = typed("S"), typed("H"), typed("X")


def startup(**params):
    """A protocol 3.0 StartupMessage (for scripts that begin before login)."""
    body = struct.pack("!I", 196608) + b"".join(cstr(k) + cstr(v) for k, v in params.items()) + b"\0"
    return struct.pack("!I", len(body) + 4) + body

SCRIPTS = {
    "simple": (ctl(True), query("select 3") + query("") + query("select 1; fail 42P01; select 2") + TERMINATE),
    "errors": (ctl(True), query("throw") + query("pgthrow 42501") + query("rowsthrow 2") +
               query("rowsbug 1") + TERMINATE),
    "transaction": (ctl(True), query("begin") + query("fail 22012") + query("select 1") +
                    query("rollback") + query("set application_name fuzz") + TERMINATE),
    "settings": (ctl(True), query("set application_name a; begin; setlocal datestyle x") +
                 query("set timezone y; fail 22012") + query("rollback") + query("setlocal datestyle z") +
                 parse("set datestyle w") + bind() + execute() + parse("badparse") + SYNC +
                 query("begin; reset all; commit; reset application_name") + TERMINATE),
    "extended": (ctl(True), parse("select 2") + bind() + execute() + SYNC + parse("select 5", "s") +
                 describe("S", "s") + bind((), "p", "s") + describe("P", "p") + execute(2, "p") +
                 execute(2, "p") + execute(0, "p") + close("P", "p") + close("S", "s") + SYNC + TERMINATE),
    "extended-errors": (ctl(True), parse("badparse") + bind() + execute() + SYNC +
                        parse("select 1", "b", (25,)) + bind(("bad",), "", "b") + SYNC +
                        describe("S", "missing") + FLUSH + SYNC + query("select 1") + TERMINATE),
    "pipeline": (ctl(True), (parse("select 2") + bind() + execute(1) + execute() + SYNC) * 4 + TERMINATE),
    "cursors": (ctl(True), query("begin; declare c cursor for select 5") + query("fetch 2 from c") +
                query("move 1 in c; fetch all from c") + query("declare d cursor for select 3") +
                execute(2, "d") + SYNC + parse("fetch 1 from d") + bind() + execute() + SYNC +
                query("commit") + query("fetch 1 from c") +
                query("declare h cursor with hold for select 2; fetch backward 1 from h") + TERMINATE),
    "bad-sync": (ctl(True), b"S\0\0\0\x05x" + query("select 1") + TERMINATE),
    "sync-throws": (ctl(True, sync_throws=True), parse("select 1") + bind() + execute() + SYNC +
                    query("select 1") + TERMINATE),
    "function-call": (ctl(True), typed("F", struct.pack("!I", 1) + struct.pack("!hh", 0, 0) +
                                       struct.pack("!h", 0)) + query("select 1") + TERMINATE),
    "split-reads": (ctl(True, chunk=0), query("select 3") + parse("select 2") + bind() + execute(1) +
                    SYNC + TERMINATE),
    "small-batches": (ctl(True, small_batches=True), query("select 300") + TERMINATE),
    "cancel": (ctl(True, small_batches=True), query("cancelme") + query("cancelrows 200") + parse("cancelme") +
               bind() + execute() + SYNC + query("select 1") + TERMINATE),
    "deallocate": (ctl(True), parse("select 2", "s") + bind((), "p", "s") + SYNC + query("deallocate s") +
                   execute(0, "p") + SYNC + query("deallocate all") + TERMINATE),
    "copy-in": (ctl(True), query("copyin") + typed("d", b"1\t2\n") + FLUSH + SYNC + typed("d", b"3\n") +
                typed("c") + query("copyin binary") + typed("f", cstr("stop")) + query("copyin") +
                typed("d", b"bad\n") + typed("c") + query("copyin") + query("select 1") + parse("copyin") +
                bind() + execute() + typed("d", b"x\n") + typed("c") + SYNC + TERMINATE),
    "copy-out": (ctl(True, small_batches=True), query("copyout 300") + parse("copyout 3") + bind() +
                 execute(1) + SYNC + TERMINATE),
    "notify": (ctl(True), query("notify ch one") + query("begin") + query("notify ch held; select 1") +
               query("commit") + parse("notify ch ext") + bind() + execute() + SYNC + TERMINATE),
    "copy-both": (ctl(True), query("copyboth 2") + typed("d", b"echo x") + typed("c") +
                  query("copyboth 1 done") + typed("d", b"late") + typed("f", cstr("stop")) +
                  parse("copyboth 1") + bind() + execute() + typed("d", b"echo y") + typed("c") + SYNC +
                  query("select 1") + TERMINATE),
    "utf8-and-bind": (ctl(True), typed("Q", b"select '\xff'\0") + parse("select 1", "s", (23,)) +
                      bind((b"\xfe",), "", "s") + SYNC + query("begin") + query("fail 22012") +
                      query("select 1") + query("rollback") + typed("F", b"\0\0\x03\xe7\0\0\0\0\0\0") +
                      TERMINATE),
    # Walsender sessions (walsender_rules.cpp): SQL and commands in logical
    # mode, 08P01 for extended query and fast-path; SQL refused in physical mode.
    "walsender-logical": (ctl(False), startup(user="u", database="d", replication="database") +
                          query("IDENTIFY_SYSTEM") + query("select 1") + parse("select 1") + bind() +
                          execute() + SYNC + typed("F", b"\0\0\0\x10\0\0\0\0\0\0") + TERMINATE),
    "walsender-physical": (ctl(False), startup(user="u", replication="on") + query("select 1") +
                           query("START_REPLICATION 0/0") + TERMINATE),
    "walsender-bad-value": (ctl(False), startup(user="u", replication="maybe") + query("select 1")),
    "copy-leftovers": (ctl(True), typed("d", b"1\t2\n") + typed("c") + typed("f", cstr("x")) +
                       query("select 1") + TERMINATE),
}


def split_stream(data):
    """(startup-phase packets, typed messages) of a frontend stream."""
    off, startup = 0, []
    while off + 8 <= len(data):
        length, code = struct.unpack("!ii", data[off:off + 8])
        if length < 8 or off + length > len(data):
            break
        startup.append(data[off:off + length])
        off += length
        if code not in SPECIAL_CODES:
            break  # the StartupMessage: typed messages follow
    msgs = []
    while off + 5 <= len(data):
        (length,) = struct.unpack("!i", data[off + 1:off + 5])
        if length < 4 or off + 1 + length > len(data):
            break
        msgs.append(data[off:off + 1 + length])
        off += 1 + length
    return startup, msgs


def auth_of(name):
    if "cleartext" in name:
        return CLEARTEXT
    if "md5" in name:
        return MD5
    return TRUST


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    golden = argv[1] if len(argv) > 1 else os.path.join(here, "..", "tests", "golden", "data")
    corpus = argv[2] if len(argv) > 2 else os.path.join(here, "corpus", "session")
    os.makedirs(corpus, exist_ok=True)
    seeds = {}
    for name in sorted(os.listdir(golden)):
        if not name.endswith(".fe.bin"):
            continue
        scenario = name[:-len(".fe.bin")]
        with open(os.path.join(golden, name), "rb") as f:
            data = f.read()
        seeds["stream-" + scenario] = ctl(False, auth_of(scenario)) + data
        startup, msgs = split_stream(data)
        while msgs and msgs[0][:1] == b"p":
            msgs.pop(0)  # the login prefix authenticates
        if msgs:
            seeds["login-" + scenario] = ctl(True) + b"".join(msgs)
    for name, (c, body) in SCRIPTS.items():
        seeds["script-" + name] = c + body
    for old in os.listdir(corpus):
        if old.split("-", 1)[0] in ("stream", "login", "script") and old not in seeds:
            os.remove(os.path.join(corpus, old))
    for name, data in seeds.items():
        with open(os.path.join(corpus, name), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(seeds), corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
