-- The transactions tests/replication/capture.sh decodes. Each exercises one
-- shape of the output plugins' messages.
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE t (id integer PRIMARY KEY, name text);
CREATE TABLE u (a integer, b character varying(10), ok boolean, n numeric);
ALTER TABLE u REPLICA IDENTITY FULL;
CREATE TABLE big (id integer PRIMARY KEY, note text, n integer);
ALTER TABLE big ALTER COLUMN note SET STORAGE EXTERNAL;
CREATE TABLE v ("Key" integer PRIMARY KEY, m mood, at timestamp);
CREATE TABLE other (x integer);
CREATE PUBLICATION pub FOR TABLE t, u, big, v;
SELECT pg_create_logical_replication_slot('td', 'test_decoding');
SELECT pg_create_logical_replication_slot('po', 'pgoutput');

-- 1: inserts, a NULL and a quote
BEGIN;
INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'it''s');
COMMIT;
-- 2: updates, one of them changing the key (old-key)
BEGIN;
UPDATE t SET name = 'y' WHERE id = 1;
UPDATE t SET id = 4 WHERE id = 2;
COMMIT;
-- 3: delete
DELETE FROM t WHERE id = 3;
-- 4: REPLICA IDENTITY FULL: the old tuple on update and delete
INSERT INTO u VALUES (1, 'a', true, 1.50), (2, NULL, false, NULL);
UPDATE u SET b = 'b' WHERE a = 1;
DELETE FROM u WHERE a = 2;
-- 5: an unchanged TOASTed value
INSERT INTO big VALUES (1, repeat('z', 3000), 1);
UPDATE big SET n = 2 WHERE id = 1;
-- 6: a user-defined type (pgoutput's Type message) and a quoted column name
INSERT INTO v VALUES (1, 'sad', '2026-01-02 03:04:05.5');
-- 7: a table outside the publication (pgoutput sends nothing) and DDL only
--    (test_decoding prints an empty BEGIN/COMMIT unless skip-empty-xacts)
INSERT INTO other VALUES (7);
CREATE TABLE ddl_only (x integer);
-- 8: truncate, plain and with flags
TRUNCATE t;
TRUNCATE big, v RESTART IDENTITY CASCADE;
-- 9: a transaction with a replication origin (pgoutput's Origin message)
SELECT pg_replication_origin_create('upstream');
SELECT pg_replication_origin_session_setup('upstream');
BEGIN;
SELECT pg_replication_origin_xact_setup('0/ABCDEF', '2026-01-01 00:00:00+00');
INSERT INTO t VALUES (10, 'from upstream');
COMMIT;
SELECT pg_replication_origin_session_reset();
-- 10: logical decoding messages (pgoutput sends them with messages 'true'):
--     transactional alone, non-transactional, transactional beside a change
SELECT pg_logical_emit_message(true, 'app', 'in a transaction');
SELECT pg_logical_emit_message(false, 'app', 'outside');
BEGIN;
INSERT INTO t VALUES (11, 'm');
SELECT pg_logical_emit_message(true, 'app', 'with a change');
COMMIT;
