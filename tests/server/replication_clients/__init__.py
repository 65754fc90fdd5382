"""Clients and parsers of the replication tests (tests/server/test_replication.py):
a pgoutput message parser, a raw walsender client for what drivers hide
(keepalives), a bounded reader of psycopg2's logical replication stream, and a
pgjdbc PGReplicationStream program (ReplicationStream.java)."""
