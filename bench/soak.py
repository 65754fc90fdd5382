#!/usr/bin/python3
"""Soak and load program for the example servers (not a unit test).

Starts sqlite_server twice (trust, and SCRAM for the churn), both with
--threads 2 and a raised fd limit, and runs, in order:

  hold    N connections logged in and held at once; one query on each 100th;
          then all closed, and the server's open fds must come back down;
          three times: RSS that the allocator keeps after a round is mostly
          reused by the next (measured over rounds of 10,000: +175 MB, +35,
          +7), so a leak is growth that does not shrink from round to round
  churn   for S seconds: connect, SCRAM-SHA-256, one query, Terminate
          (two client threads), connections per second
  mixed   for S seconds: K sessions alternating simple queries and extended
          Parse/Bind/Execute/Sync with a parameter, queries per second
  slow    a slow reader of an R-row result (reads 8 KiB per millisecond
          through a 64 KiB receive buffer) while another session keeps
          querying at full speed; the server's peak RSS meanwhile

The server's RSS (VmRSS, kB) and open fds are read from /proc before and
after each phase. Figures go to stdout as JSON (and to --report FILE).
--short runs everything briefly and fails (exit 1) on any failed
connection or query, on fds not back to the baseline, or on RSS growth over
the bounds below; CTest runs it so ("soak: short").

  /usr/bin/python3 bench/soak.py --build build               # the full run
  /usr/bin/python3 bench/soak.py --build build --short       # what CI runs
  /usr/bin/python3 bench/soak.py --build build --hold 10000 --churn-seconds 30

Programs come from --build DIR, or from PGWIRE_BIN_SQLITE_SERVER as CTest
sets it (tests/server/CMakeLists.txt).
"""

import argparse
import json
import os
import resource
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "server"))
sys.dont_write_bytecode = True
import pgproto  # noqa: E402
from harness import SANITIZED, ServerProcess  # noqa: E402

USER, PASSWORD = "soak", "soak-Pw-1"
# Bounds of --short (kB): growth of RSS after all phases over the idle
# baseline, and peak growth while the slow reader holds a big result open.
RSS_AFTER_BOUND_KB = (96 if SANITIZED else 48) * 1024
RSS_SLOW_BOUND_KB = (48 if SANITIZED else 32) * 1024
# Under ASan freed memory sits in a quarantine, which is not live data: cap it.
SERVER_ENV = {"ASAN_OPTIONS": ":".join(filter(None, [os.environ.get("ASAN_OPTIONS", ""),
                                                      "quarantine_size_mb=1"]))} \
    if SANITIZED else None
FD_SLACK = 2  # fds over the baseline that may still be closing
# A leak costs the same in every round; the allocator's retention shrinks.
# The third round may grow by half the second's growth, or by this floor.
HOLD_LEAK_FLOOR_KB = 4 * 1024


def big_query(rows):
    return ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT %d) "
            "SELECT x, 'row ' || x FROM c" % rows)


def stats(server):
    fds = len(os.listdir("/proc/%d/fd" % server.pid))
    return {"rss_kb": server.memory()["VmRSS"], "fds": fds}


def wait_fds(server, target, timeout=30.0):
    deadline = time.monotonic() + timeout
    while True:
        now = stats(server)
        if now["fds"] <= target or time.monotonic() > deadline:
            return now
        time.sleep(0.05)  # polling a condition, bounded by the deadline


def login(port, password=None, user="postgres"):
    c = pgproto.Conn(port=port, timeout=60)
    c.startup(user, password)
    return c


def check_one(c, sql="select 1", expect="1"):
    r = c.simple_query(sql)
    if r[0].get("rows") != [[expect]]:
        raise AssertionError("unexpected result %r" % r)


# Phases ---------------------------------------------------------------------


def hold(server, n):
    before = stats(server)
    conns, failures, errors = [], 0, []
    started = time.monotonic()
    for _ in range(n):
        try:
            conns.append(login(server.port))
        except Exception as e:  # noqa: BLE001 - counted and reported
            failures += 1
            errors.append(repr(e))
    connected = time.monotonic() - started
    held = stats(server)
    for c in conns[::100]:
        try:
            check_one(c)
        except Exception as e:  # noqa: BLE001
            failures += 1
            errors.append(repr(e))
    for c in conns:
        c.send(pgproto.message("X"))
        c.close()
    after = wait_fds(server, before["fds"])
    return {"connections": n, "held": len(conns), "failures": failures, "errors": errors[:5],
            "connect_seconds": round(connected, 2), "before": before, "while_held": held,
            "after": after,
            "rss_kb_per_connection": round((held["rss_kb"] - before["rss_kb"]) / max(1, len(conns)), 2)}


def churn(server, seconds, threads=2):
    before = stats(server)
    counts, failures, errors = [0] * threads, [0] * threads, []
    deadline = time.monotonic() + seconds

    def run(i):
        while time.monotonic() < deadline:
            try:
                c = login(server.port, PASSWORD, USER)
                check_one(c)
                c.send(pgproto.message("X"))
                c.close()
                counts[i] += 1
            except Exception as e:  # noqa: BLE001
                failures[i] += 1
                errors.append(repr(e))

    started = time.monotonic()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    after = wait_fds(server, before["fds"])
    return {"seconds": round(elapsed, 2), "connections": sum(counts),
            "per_second": round(sum(counts) / elapsed, 1), "failures": sum(failures),
            "errors": errors[:5], "before": before, "after": after}


def extended_round(c, value):
    c.send(pgproto.parse("select $1 || ''", param_types=[25]) + pgproto.bind(params=[value])
           + pgproto.execute() + pgproto.sync())
    rows = []
    while True:
        kind, body = c.read_message()
        if kind == "D":
            rows.append(pgproto.parse_data_row(body))
        elif kind == "E":
            raise pgproto.ServerError(pgproto.parse_fields(body))
        elif kind == "Z":
            break
    if rows != [[value]]:
        raise AssertionError("extended query returned %r" % rows)


def mixed(server, seconds, sessions=8):
    before = stats(server)
    counts, errors = [0] * sessions, []
    failures = [0]
    deadline = time.monotonic() + seconds

    def run(i):
        try:
            c = login(server.port)
        except Exception as e:  # noqa: BLE001
            failures[0] += 1
            errors.append(repr(e))
            return
        n = 0
        while time.monotonic() < deadline:
            try:
                if n % 2:
                    extended_round(c, "v%d" % n)
                else:
                    check_one(c, "select %d" % n, str(n))
                n += 1
            except Exception as e:  # noqa: BLE001
                failures[0] += 1
                errors.append(repr(e))
                break
        counts[i] = n
        c.close()

    started = time.monotonic()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(sessions)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.monotonic() - started
    after = wait_fds(server, before["fds"])
    return {"sessions": sessions, "seconds": round(elapsed, 2), "queries": sum(counts),
            "per_second": round(sum(counts) / elapsed, 1), "failures": failures[0],
            "errors": errors[:5], "before": before, "after": after}


def slow(server, rows):
    before = stats(server)
    peak = [before["rss_kb"]]
    done = threading.Event()
    other = {"queries": 0, "failures": 0}

    def sample():
        while not done.wait(0.01):
            peak[0] = max(peak[0], server.memory()["VmRSS"])

    def meanwhile():
        try:
            c = login(server.port)
            while not done.is_set():
                check_one(c)
                other["queries"] += 1
            c.close()
        except Exception:  # noqa: BLE001
            other["failures"] += 1

    def pace(_received):
        time.sleep(0.001)  # the slow reader's pace, not a synchronisation
        return 8192

    threads = [threading.Thread(target=sample), threading.Thread(target=meanwhile)]
    for t in threads:
        t.start()
    started = time.monotonic()
    failures = 0
    try:
        c = pgproto.Conn(port=server.port, timeout=120, rcvbuf=65536)
        c.startup("postgres")
        count, last, tag = c.count_rows(big_query(rows), pace=pace)
        c.close()
        if count != rows or tag != "SELECT %d" % rows:
            failures += 1
    except Exception:  # noqa: BLE001
        failures += 1
        count = None
    elapsed = time.monotonic() - started
    done.set()
    for t in threads:
        t.join()
    return {"rows": rows, "received": count, "seconds": round(elapsed, 2),
            "failures": failures + other["failures"],
            "other_session_queries": other["queries"],
            "other_session_queries_per_second": round(other["queries"] / elapsed, 1),
            "before": before, "peak_rss_kb": peak[0],
            "peak_growth_kb": peak[0] - before["rss_kb"], "after": stats(server)}


# Main -------------------------------------------------------------------------


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", help="build directory (else PGWIRE_BIN_SQLITE_SERVER)")
    ap.add_argument("--short", action="store_true", help="brief run with pass/fail bounds (CI)")
    ap.add_argument("--hold", type=int, default=10000)
    ap.add_argument("--churn-seconds", type=float, default=20.0)
    ap.add_argument("--mixed-seconds", type=float, default=20.0)
    ap.add_argument("--slow-rows", type=int, default=10000000)
    ap.add_argument("--threads", type=int, default=2, help="server io threads")
    ap.add_argument("--report", help="also write the JSON figures here")
    a = ap.parse_args(argv)
    if a.short:
        a.hold, a.churn_seconds, a.mixed_seconds, a.slow_rows = 500, 3.0, 3.0, 200000
    if a.build:
        os.environ.setdefault("PGWIRE_BIN_SQLITE_SERVER",
                              os.path.join(os.path.abspath(a.build), "examples", "sqlite_server"))
    limit = raise_fd_limit(a.hold + 1024)  # inherited by the servers
    if limit < a.hold + 64:
        print("fd limit %d is too low for --hold %d" % (limit, a.hold), file=sys.stderr)
        return 2
    common = ["--listen", "127.0.0.1:0", "--threads", str(a.threads)]
    trust = ServerProcess("sqlite_server", common, env=SERVER_ENV)
    scram = ServerProcess("sqlite_server", common + ["--auth", "scram", "--user", USER,
                                                      "--password", PASSWORD], env=SERVER_ENV)
    figures = {"fd_limit": limit, "threads": a.threads, "short": a.short}
    problems = []
    try:
        # Warm up once, so that lazily allocated pools count in the baseline.
        for c in (login(trust.port), login(scram.port, PASSWORD, USER)):
            check_one(c)
            c.close()
        figures["baseline"] = {"trust": wait_fds(trust, 0, 0.5), "scram": wait_fds(scram, 0, 0.5)}
        figures["hold"] = hold(trust, a.hold)
        figures["hold_again"] = hold(trust, a.hold)
        figures["hold_third"] = hold(trust, a.hold)
        figures["churn"] = churn(scram, a.churn_seconds)
        figures["mixed"] = mixed(trust, a.mixed_seconds)
        figures["slow"] = slow(trust, a.slow_rows)
        figures["end"] = {"trust": wait_fds(trust, figures["baseline"]["trust"]["fds"]),
                          "scram": wait_fds(scram, figures["baseline"]["scram"]["fds"])}
    finally:
        for s in (trust, scram):
            try:
                s.stop()
            except AssertionError as e:
                problems.append(str(e))
    for phase in ("hold", "hold_again", "hold_third", "churn", "mixed", "slow"):
        if figures[phase]["failures"]:
            problems.append("%s: %d failures %s" % (phase, figures[phase]["failures"],
                                                    figures[phase].get("errors", "")))
    for name in ("trust", "scram"):
        base, end = figures["baseline"][name], figures["end"][name]
        if end["fds"] > base["fds"] + FD_SLACK:
            problems.append("%s server: %d fds open at the end, %d at the start"
                            % (name, end["fds"], base["fds"]))
        if a.short and end["rss_kb"] - base["rss_kb"] > RSS_AFTER_BOUND_KB:
            problems.append("%s server: RSS grew by %d kB" % (name, end["rss_kb"] - base["rss_kb"]))
    second = figures["hold_again"]["after"]["rss_kb"] - figures["hold"]["after"]["rss_kb"]
    third = figures["hold_third"]["after"]["rss_kb"] - figures["hold_again"]["after"]["rss_kb"]
    figures["hold_round_growth_kb"] = [second, third]
    if third > max(HOLD_LEAK_FLOOR_KB, second // 2):
        problems.append("rounds of %d connections keep growing RSS: +%d kB, then +%d kB"
                        % (a.hold, second, third))
    if a.short and figures["slow"]["peak_growth_kb"] > RSS_SLOW_BOUND_KB:
        problems.append("slow reader: peak RSS grew by %d kB" % figures["slow"]["peak_growth_kb"])
    figures["problems"] = problems
    text = json.dumps(figures, indent=2)
    print(text)
    if a.report:
        with open(a.report, "w") as f:
            f.write(text + "\n")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
