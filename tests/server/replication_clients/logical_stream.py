"""psycopg2's LogicalReplicationConnection with bounded waits: a subscriber
that connects, starts streaming a slot, reads messages with a deadline,
confirms positions with send_feedback, and disconnects politely (Terminate)
or abruptly (its socket shut down, as a crashed client leaves it)."""

import os
import select
import socket
import time

import psycopg2  # Debian's python3-psycopg2: /usr/bin/python3
import psycopg2.extras


class Subscriber:
    def __init__(self, connect_kwargs, guard):
        self.connect_kwargs = connect_kwargs
        self.guard = guard
        self.conn = None
        self.cur = None

    def connect(self):
        self.conn = psycopg2.connect(connection_factory=psycopg2.extras.LogicalReplicationConnection,
                                     **self.connect_kwargs)
        self.cur = self.conn.cursor()
        return self.cur

    def start(self, slot, decode=True, options=None):
        """Connects and starts streaming `slot` from its confirmed position. A
        slot that the walsender of a just-closed connection still holds is
        "in use" (55006) until that walsender has exited: retried, bounded."""
        deadline = time.monotonic() + self.guard
        while True:
            self.connect()
            try:
                self.cur.start_replication(slot_name=slot, decode=decode, options=options)
                return
            except psycopg2.Error as e:
                self.close()
                if e.pgcode != "55006" or time.monotonic() > deadline:
                    raise
            time.sleep(0.02)  # polling the slot's release, bounded by the deadline

    def read(self, count=1):
        """The next `count` messages (psycopg2 ReplicationMessage objects);
        fails if they do not all arrive within the guard."""
        deadline = time.monotonic() + self.guard
        out = []
        while len(out) < count:
            msg = self.cur.read_message()
            if msg is not None:
                out.append(msg)
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("only %d of %d replication messages arrived within %.0f s: %r"
                                     % (len(out), count, self.guard, [m.payload for m in out]))
            select.select([self.conn], [], [], min(left, 1.0))
        return out

    def confirm(self, lsn):
        """Reports `lsn` written and flushed, sent at once."""
        self.cur.send_feedback(write_lsn=lsn, flush_lsn=lsn, force=True)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = self.cur = None

    def abort(self):
        """Shuts the socket down without a Terminate message, then forgets the
        connection: the server sees the peer vanish mid-stream."""
        if self.conn is not None:
            s = socket.socket(fileno=os.dup(self.conn.fileno()))
            try:
                s.shutdown(socket.SHUT_RDWR)
            finally:
                s.close()
            self.close()
