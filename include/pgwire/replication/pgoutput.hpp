#pragma once
// pgoutput, the binary plugin of PostgreSQL's built-in logical replication
// (proto_version 1): each function appends one message, as PostgreSQL 15's
// logicalproto.c writes it, to the payload of an XLogData. Tuples are in
// text format.

#include "pgwire/codec/buffer.hpp"
#include "pgwire/replication/change.hpp"

namespace pgwire::replication::pgoutput {

// 'B': the commit LSN, commit time and xid.
void write_begin(const Transaction& txn, Buffer& out);
// 'C': flags (0), commit LSN, end LSN, commit time.
void write_commit(const Transaction& txn, Buffer& out);
// 'O': sent after Begin for a transaction that came from elsewhere.
void write_origin(const Origin& origin, Buffer& out);
// 'R': sent before the first change of a relation, and again after it changed.
// A relation in pg_catalog has an empty namespace, as PostgreSQL sends it.
void write_relation(const Relation& relation, Buffer& out);
// 'Y': sent before the Relation for each user-defined type (OID >= 10000)
// its columns use.
void write_type(const UserType& type, Buffer& out);
// 'I', 'U', 'D': the tuple kinds 'N' (new), 'K' (old key), 'O' (old row).
// A tuple without exactly one value per column sets codec_errc::invalid_count.
void write_change(const Relation& relation, const RowChange& change, Buffer& out);
// 'M' (only with the `messages` option): flags 1 = transactional, LSN,
// prefix, then the content with its length.
void write_message(const LogicalMessage& message, Buffer& out);
// 'T': flags 1 = CASCADE, 2 = RESTART IDENTITY, then the relation OIDs.
void write_truncate(const Truncate& truncate, Buffer& out);

}  // namespace pgwire::replication::pgoutput
