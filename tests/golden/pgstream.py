#!/usr/bin/python3
"""Split recorded PostgreSQL byte streams into messages.

  pgstream.py manifest DATA_DIR      write DATA_DIR/MANIFEST.txt
  pgstream.py check DATA_DIR         verify every required message is present
  pgstream.py dump DATA_DIR NAME     print the messages of NAME.fe.bin/NAME.be.bin

Stream layout (see README.md):
  *.fe.bin  untyped startup-phase packets (Int32 length, Int32 code) --
            SSLRequest, GSSENCRequest, CancelRequest, and finally the
            StartupMessage -- followed by typed messages (Byte1 type, Int32 len).
  *.be.bin  one single-byte answer ('N', 'S' or 'G') per SSLRequest /
            GSSENCRequest in the frontend stream, then typed messages.

The manifest writes typed messages as their type byte and untyped ones in
brackets: [SSLRequest] [GSSENCRequest] [CancelRequest] [StartupMessage] for the
frontend, [N] for a single-byte negotiation answer in the backend stream.
Standard library only; run with /usr/bin/python3.
"""

import os
import signal
import struct
import sys

SSL_REQUEST_CODE = 80877103
GSSENC_REQUEST_CODE = 80877104
CANCEL_REQUEST_CODE = 80877102


class StreamError(Exception):
    pass


def split_frontend(data):
    """Return (messages, n_negotiation_requests); message = (label, payload)."""
    msgs = []
    off = 0
    negotiations = 0
    startup_done = False
    while off < len(data) and not startup_done:
        if len(data) - off < 8:
            raise StreamError("truncated startup packet at %d" % off)
        length, code = struct.unpack("!ii", data[off:off + 8])
        if length < 8 or off + length > len(data):
            raise StreamError("bad startup packet length %d at %d" % (length, off))
        payload = data[off + 4:off + length]
        if code == SSL_REQUEST_CODE:
            msgs.append(("[SSLRequest]", payload))
            negotiations += 1
        elif code == GSSENC_REQUEST_CODE:
            msgs.append(("[GSSENCRequest]", payload))
            negotiations += 1
        elif code == CANCEL_REQUEST_CODE:
            msgs.append(("[CancelRequest]", payload))
        else:
            msgs.append(("[StartupMessage]", payload))
            startup_done = True
        off += length
    msgs.extend(split_typed(data, off))
    return msgs, negotiations


def split_backend(data, negotiations):
    msgs = []
    off = 0
    for _ in range(negotiations):
        if off >= len(data):
            break
        msgs.append(("[%s]" % chr(data[off]), data[off:off + 1]))
        off += 1
    msgs.extend(split_typed(data, off))
    return msgs


def split_typed(data, off):
    msgs = []
    while off < len(data):
        if len(data) - off < 5:
            raise StreamError("truncated message header at %d" % off)
        kind = chr(data[off])
        (length,) = struct.unpack("!i", data[off + 1:off + 5])
        if length < 4 or off + 1 + length > len(data):
            raise StreamError("bad length %d for %r at %d" % (length, kind, off))
        msgs.append((kind, data[off + 5:off + 1 + length]))
        off += 1 + length
    return msgs


def scenarios(data_dir):
    names = sorted(f[:-len(".fe.bin")] for f in os.listdir(data_dir) if f.endswith(".fe.bin"))
    out = []
    for name in names:
        with open(os.path.join(data_dir, name + ".fe.bin"), "rb") as f:
            fe_data = f.read()
        be_path = os.path.join(data_dir, name + ".be.bin")
        with open(be_path, "rb") as f:
            be_data = f.read()
        fe, negotiations = split_frontend(fe_data)
        be = split_backend(be_data, negotiations)
        out.append((name, fe, be, len(fe_data), len(be_data)))
    return out


# --------------------------------------------------------------------------
# Coverage: decode just enough of each message to tell the variants apart.

def cstrings(payload):
    return payload.split(b"\0")


def error_fields(payload):
    fields = {}
    off = 0
    while off < len(payload) and payload[off] != 0:
        code = chr(payload[off])
        end = payload.index(b"\0", off + 1)
        fields[code] = payload[off + 1:end].decode("utf-8", "replace")
        off = end + 1
    return fields


def frontend_features(fe, be):
    feats = set()
    auth_requests = [struct.unpack("!i", p[:4])[0] for k, p in be if k == "R"]
    password_kinds = {3: "PasswordMessage (cleartext)", 5: "PasswordMessage (md5)",
                      10: "SASLInitialResponse", 11: "SASLResponse"}
    expected_p = [password_kinds[c] for c in auth_requests if c in password_kinds]
    copy_both = any(k == "W" for k, _ in be)
    p_index = 0
    for kind, p in fe:
        if kind.startswith("["):
            feats.add(kind.strip("[]"))
            if kind == "[StartupMessage]":
                version = struct.unpack("!i", p[:4])[0]
                if version != 196608:
                    feats.add("StartupMessage (protocol %d.%d)" % (version >> 16, version & 0xFFFF))
                params = cstrings(p[4:])
                if b"replication" in params[0::2]:
                    feats.add("StartupMessage (replication)")
            continue
        name = {"Q": "Query", "P": "Parse", "B": "Bind", "D": "Describe", "E": "Execute",
                "S": "Sync", "H": "Flush", "C": "Close", "d": "CopyData", "c": "CopyDone",
                "f": "CopyFail", "F": "FunctionCall", "X": "Terminate"}.get(kind)
        if kind == "p":
            name = expected_p[p_index] if p_index < len(expected_p) else "p (unpaired)"
            p_index += 1
        if name is None:
            name = "unknown frontend %r" % kind
        feats.add(name)
        if kind in ("D", "C"):
            feats.add("%s (%s)" % (name, {"S": "statement", "P": "portal"}.get(chr(p[0]), "?")))
        if kind == "E" and struct.unpack("!i", p[-4:])[0] > 0:
            feats.add("Execute (max_rows > 0)")
        if kind == "B":
            portal, stmt = cstrings(p)[:2]
            off = len(portal) + len(stmt) + 2
            (nf,) = struct.unpack("!h", p[off:off + 2])
            fmts = struct.unpack("!%dh" % nf, p[off + 2:off + 2 + 2 * nf])
            off += 2 + 2 * nf
            (np_,) = struct.unpack("!h", p[off:off + 2])
            off += 2
            for i in range(np_):
                (ln,) = struct.unpack("!i", p[off:off + 4])
                off += 4
                fmt = fmts[i] if nf > 1 else (fmts[0] if nf == 1 else 0)
                if ln < 0:
                    feats.add("Bind (NULL param)")
                else:
                    feats.add("Bind (%s param)" % ("binary" if fmt else "text"))
                    off += ln
            (nr,) = struct.unpack("!h", p[off:off + 2])
            rfmts = struct.unpack("!%dh" % nr, p[off + 2:off + 2 + 2 * nr])
            if 1 in rfmts:
                feats.add("Bind (binary result format)")
        if kind == "d" and copy_both and p[:1] in (b"r", b"h"):
            feats.add({b"r": "CopyData (StandbyStatusUpdate)",
                       b"h": "CopyData (HotStandbyFeedback)"}[p[:1]])
    return feats


def backend_features(be):
    feats = set()
    auth = {0: "AuthenticationOk", 3: "AuthenticationCleartextPassword",
            5: "AuthenticationMD5Password", 10: "AuthenticationSASL",
            11: "AuthenticationSASLContinue", 12: "AuthenticationSASLFinal"}
    names = {"K": "BackendKeyData", "2": "BindComplete", "3": "CloseComplete",
             "C": "CommandComplete", "G": "CopyInResponse", "H": "CopyOutResponse",
             "W": "CopyBothResponse", "d": "CopyData", "c": "CopyDone", "D": "DataRow",
             "I": "EmptyQueryResponse", "E": "ErrorResponse", "N": "NoticeResponse",
             "V": "FunctionCallResponse", "v": "NegotiateProtocolVersion", "n": "NoData",
             "A": "NotificationResponse", "t": "ParameterDescription",
             "S": "ParameterStatus", "1": "ParseComplete", "s": "PortalSuspended",
             "Z": "ReadyForQuery", "T": "RowDescription"}
    row_formats = ()
    copy_both = False
    for kind, p in be:
        if kind.startswith("["):
            feats.add("negotiation answer '%s'" % kind.strip("[]"))
            continue
        if kind == "R":
            feats.add(auth.get(struct.unpack("!i", p[:4])[0], "Authentication (other)"))
            continue
        feats.add(names.get(kind, "unknown backend %r" % kind))
        if kind == "C":
            tag = p.rstrip(b"\0").decode()
            word = tag.split()[0]
            if word == "INSERT" and len(tag.split()) == 3:
                word = "INSERT 0"
            feats.add("CommandComplete (%s)" % (word if word in
                      ("SELECT", "INSERT 0", "UPDATE", "DELETE", "COPY") else tag))
        elif kind == "Z":
            feats.add("ReadyForQuery (%s)" % chr(p[0]))
        elif kind == "H":
            feats.add("CopyOutResponse (%s)" % ("binary" if p[0] else "text"))
        elif kind == "W":
            copy_both = True
        elif kind == "d" and copy_both:
            sub = {b"w": "XLogData", b"k": "PrimaryKeepalive"}.get(p[:1])
            if sub:
                feats.add("CopyData (%s)" % sub)
        elif kind == "T":
            (n,) = struct.unpack("!h", p[:2])
            fmts = []
            off = 2
            for _ in range(n):
                end = p.index(b"\0", off)
                off = end + 1 + 18
                fmts.append(struct.unpack("!h", p[off - 2:off])[0])
            row_formats = tuple(fmts)
        elif kind == "D":
            (n,) = struct.unpack("!h", p[:2])
            off = 2
            for i in range(n):
                (ln,) = struct.unpack("!i", p[off:off + 4])
                off += 4
                if ln < 0:
                    feats.add("DataRow (NULL)")
                    continue
                off += ln
                fmt = row_formats[i] if i < len(row_formats) else 0
                feats.add("DataRow (%s)" % ("binary" if fmt else "text"))
        elif kind == "E":
            f = error_fields(p)
            if f.get("C") == "28P01":
                feats.add("ErrorResponse (28P01 auth failed)")
            if "P" in f:
                feats.add("ErrorResponse (position)")
            if all(k in f for k in "stnD"):
                feats.add("ErrorResponse (schema/table/constraint/detail)")
            if "D" in f and "H" in f:
                feats.add("ErrorResponse (detail+hint)")
            if f.get("C") == "57014":
                feats.add("ErrorResponse (57014 query_canceled)")
    return feats


REQUIRED = [
    # frontend
    "StartupMessage", "SSLRequest", "GSSENCRequest", "CancelRequest",
    "PasswordMessage (cleartext)", "PasswordMessage (md5)",
    "SASLInitialResponse", "SASLResponse", "Query", "Parse",
    "Bind (text param)", "Bind (binary param)", "Bind (NULL param)",
    "Bind (binary result format)", "Describe (statement)", "Describe (portal)",
    "Execute", "Execute (max_rows > 0)", "Sync", "Flush",
    "Close (statement)", "Close (portal)", "CopyData", "CopyDone", "CopyFail",
    "FunctionCall", "Terminate", "StartupMessage (protocol 3.2)",
    "StartupMessage (replication)",
    "CopyData (StandbyStatusUpdate)", "CopyData (HotStandbyFeedback)",
    # backend
    "negotiation answer 'N'",
    "AuthenticationOk", "AuthenticationCleartextPassword", "AuthenticationMD5Password",
    "AuthenticationSASL", "AuthenticationSASLContinue", "AuthenticationSASLFinal",
    "BackendKeyData", "BindComplete", "CloseComplete",
    "CommandComplete (SELECT)", "CommandComplete (INSERT 0)", "CommandComplete (UPDATE)",
    "CommandComplete (DELETE)", "CommandComplete (BEGIN)", "CommandComplete (COMMIT)",
    "CommandComplete (COPY)", "CopyInResponse",
    "CopyOutResponse (text)", "CopyOutResponse (binary)",
    "CopyBothResponse", "CopyData (XLogData)", "CopyData (PrimaryKeepalive)", "CopyDone",
    "DataRow (NULL)", "DataRow (text)", "DataRow (binary)", "EmptyQueryResponse",
    "ErrorResponse (position)", "ErrorResponse (schema/table/constraint/detail)",
    "ErrorResponse (detail+hint)", "ErrorResponse (28P01 auth failed)",
    "ErrorResponse (57014 query_canceled)",
    "NoticeResponse", "FunctionCallResponse", "NegotiateProtocolVersion", "NoData",
    "NotificationResponse", "ParameterDescription", "ParameterStatus", "ParseComplete",
    "PortalSuspended", "ReadyForQuery (I)", "ReadyForQuery (T)", "ReadyForQuery (E)",
    "RowDescription",
]


def coverage(data):
    """Map each feature to the sorted list of stream files showing it."""
    seen = {}
    for name, fe, be, _, _ in data:
        for feat in frontend_features(fe, be):
            seen.setdefault(feat, []).append(name + ".fe.bin")
        for feat in backend_features(be):
            seen.setdefault(feat, []).append(name + ".be.bin")
    return seen


def write_manifest(data_dir):
    data = scenarios(data_dir)
    lines = [
        "# Message type sequence of every golden stream (generated by pgstream.py).",
        "# Typed messages are shown by their type byte. Untyped startup-phase packets",
        "# are bracketed: [SSLRequest] [GSSENCRequest] [CancelRequest] [StartupMessage];",
        "# [N] is PostgreSQL's single-byte answer to an SSLRequest/GSSENCRequest.",
        "# Contents (keys, nonces, LSNs, timestamps) differ between captures; the",
        "# sequences normally do not (the replication one may vary slightly).",
        "",
    ]
    total = 0
    for name, fe, be, fe_len, be_len in data:
        total += fe_len + be_len
        for suffix, msgs, ln in (("fe", fe, fe_len), ("be", be, be_len)):
            seq = " ".join(k for k, _ in msgs) if msgs else "(empty)"
            lines.append("%s.%s.bin (%d bytes, %d messages): %s"
                         % (name, suffix, ln, len(msgs), seq))
    lines.append("")
    lines.append("# Coverage: required message (variant) -> first stream containing it")
    seen = coverage(data)
    for feat in REQUIRED:
        lines.append("#   %-50s %s" % (feat, seen.get(feat, ["MISSING"])[0]))
    lines.append("")
    lines.append("# total: %d streams, %d bytes" % (2 * len(data), total))
    with open(os.path.join(data_dir, "MANIFEST.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def check(data_dir):
    data = scenarios(data_dir)
    seen = coverage(data)
    missing = [f for f in REQUIRED if f not in seen]
    unknown = sorted(f for f in seen if f.startswith("unknown") or "unpaired" in f)
    for f in missing:
        print("MISSING: %s" % f)
    for f in unknown:
        print("UNEXPECTED: %s in %s" % (f, ", ".join(seen[f])))
    print("%d scenarios, %d required messages/variants, %d missing"
          % (len(data), len(REQUIRED), len(missing)))
    return 1 if missing or unknown else 0


def dump(data_dir, name):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into head
    with open(os.path.join(data_dir, name + ".fe.bin"), "rb") as f:
        fe, negotiations = split_frontend(f.read())
    with open(os.path.join(data_dir, name + ".be.bin"), "rb") as f:
        be = split_backend(f.read(), negotiations)
    for side, msgs in (("fe", fe), ("be", be)):
        for kind, payload in msgs:
            text = repr(payload if len(payload) <= 96 else payload[:96] + b"...")
            print("%s %-16s %5d %s" % (side, kind, len(payload), text))
    return 0


def main():
    if not ((len(sys.argv) == 3 and sys.argv[1] in ("manifest", "check"))
            or (len(sys.argv) == 4 and sys.argv[1] == "dump")):
        sys.stderr.write(__doc__)
        return 2
    try:
        if sys.argv[1] == "dump":
            return dump(sys.argv[2], sys.argv[3])
        if sys.argv[1] == "manifest":
            write_manifest(sys.argv[2])
            return 0
        return check(sys.argv[2])
    except StreamError as e:
        sys.stderr.write("pgstream: %s\n" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
