#!/usr/bin/python3
"""Memory per idle authenticated connection, for bench/compare.sh.

For each count N (in order): logs N connections in (trust, user postgres,
each up to its ReadyForQuery) and holds them; reads Rss and Pss from
/proc/<pid>/smaps_rollup of the server's process and, with --children, of
all its descendants (PostgreSQL's postmaster and its backends); then closes
them all (Terminate) and waits until the server is back to its connection
count of before (its descendants, or its open sockets), a condition with a
deadline. Per connection = (total with N - total with none) / N, where
"none" is measured once before the first count, after one warm-up
connection.

Before a count the program projects its PSS from the previous count's per
connection figure; if that exceeds --memory-share of MemAvailable it does
not try and reports why. Counts over --limit (the server's connection
limit) are reported the same way.

Output, one line per figure, for compare.sh's results file:
  idle_rss_kib.N.LABEL  KiB per connection
  idle_pss_kib.N.LABEL  KiB per connection
  idle_na.N.LABEL       the reason it was not measured
Exit 1 with a message on stderr when a login or the settling fails.

  bench/idle_memory.py --port P --pid PID --label L [--children] [--limit N] 1000 10000
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "server"))
sys.dont_write_bytecode = True
import pgproto  # noqa: E402

SETTLE_SECONDS = 120


def descendants(root):
    """The pids under root (its children, theirs, ...), from /proc."""
    parent_of = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                stat = f.read()
        except OSError:
            continue  # exited meanwhile
        # the field after ") " is the state, then the ppid
        parent_of[int(name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [], [root]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent_of.items() if pp == p]
        found += kids
        frontier += kids
    return found


def rollup(pid):
    """(Rss, Pss) in kB of one process; (0, 0) when it exited meanwhile."""
    rss = pss = 0
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return rss, pss


def total(pid, children):
    pids = [pid] + (descendants(pid) if children else [])
    sums = [rollup(p) for p in pids]
    return sum(s[0] for s in sums), sum(s[1] for s in sums)


def sockets(pid):
    """The process's open sockets (not its eventfds, epoll or timer fds,
    which an io thread may open on its first connection and keep)."""
    count = 0
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            count += os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:")
        except OSError:
            pass  # closed meanwhile
    return count


def connections_now(pid, children):
    """PostgreSQL: its processes (a backend per connection); else: its sockets."""
    if children:
        return len(descendants(pid))
    return sockets(pid)


def settle(pid, children, target):
    deadline = time.monotonic() + SETTLE_SECONDS
    while connections_now(pid, children) > target:
        if time.monotonic() > deadline:
            sys.exit("idle_memory.py: the server still holds %d connections after %d s"
                     % (connections_now(pid, children) - target, SETTLE_SECONDS))
        time.sleep(0.05)  # polling a condition, bounded by the deadline


def login(port):
    c = pgproto.Conn(port=port, timeout=120)
    c.startup("postgres")
    return c


def mem_available_kb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    return 0


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--children", action="store_true", help="count the descendants too")
    ap.add_argument("--limit", type=int, default=0, help="the server's connection limit (0: none)")
    ap.add_argument("--limit-reason", default="", help="why the limit is what it is")
    ap.add_argument("--memory-share", type=float, default=0.6)
    ap.add_argument("counts", type=int, nargs="+")
    a = ap.parse_args(argv)

    # No client is connected now: this is the count to come back to.
    settle_target = connections_now(a.pid, a.children)
    warm = login(a.port)
    warm.simple_query("select 1")
    warm.send(pgproto.message("X"))
    warm.close()
    settle(a.pid, a.children, settle_target)
    base_rss, base_pss = total(a.pid, a.children)
    per_conn_pss = None
    for n in a.counts:
        if a.limit and n > a.limit:
            print("idle_na.%d.%s %s" % (n, a.label, a.limit_reason or "over the connection limit %d" % a.limit))
            continue
        if per_conn_pss is not None:
            need, avail = per_conn_pss * n, mem_available_kb()
            if need > a.memory_share * avail:
                print("idle_na.%d.%s would need about %.1f GiB (%.0f KiB each), more than %d%% of the %.1f GiB available"
                      % (n, a.label, need / 2**20, per_conn_pss, a.memory_share * 100, avail / 2**20))
                continue
        conns = []
        started = time.monotonic()
        try:
            for _ in range(n):
                conns.append(login(a.port))
        except Exception as e:  # noqa: BLE001 - reported, then fatal
            sys.exit("idle_memory.py: login %d of %d to %s failed: %r" % (len(conns) + 1, n, a.label, e))
        logged_in = time.monotonic() - started
        rss, pss = total(a.pid, a.children)
        for c in conns:
            c.send(pgproto.message("X"))
            c.close()
        settle(a.pid, a.children, settle_target)
        per_conn_pss = (pss - base_pss) / n
        print("  %s: %d connections logged in in %.1f s, closed in %.1f s"
              % (a.label, n, logged_in, time.monotonic() - started - logged_in), file=sys.stderr)
        print("idle_rss_kib.%d.%s %.1f" % (n, a.label, (rss - base_rss) / n))
        print("idle_pss_kib.%d.%s %.1f" % (n, a.label, per_conn_pss))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
