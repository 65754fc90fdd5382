#pragma once
// What a product publishes to a logical replication slot, in the shape the
// output plugins encode: transactions, relation metadata and row changes.
// Values are in PostgreSQL's text format, as both test_decoding and pgoutput
// (without its `binary` option) send them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pgwire/codec/common.hpp"
#include "pgwire/codec/replication.hpp"

namespace pgwire::replication {

struct Column {
  std::string name;
  Oid type_oid = 0;
  std::int32_t type_modifier = -1;
  // format_type()'s spelling, which test_decoding prints: "integer",
  // "character varying", "timestamp without time zone", "mood".
  std::string type_name;
  // Part of the replica identity: the primary key (or the identity index),
  // every column with REPLICA IDENTITY FULL.
  bool key = false;
  friend bool operator==(const Column&, const Column&) = default;
};

// pg_class.relreplident.
enum class ReplicaIdentity : char { default_ = 'd', nothing = 'n', full = 'f', index = 'i' };

// A table as the plugins describe it. Dropped and generated columns are not
// listed: PostgreSQL leaves them out of both plugins' output.
struct Relation {
  Oid oid = 0;
  std::string schema;
  std::string name;
  ReplicaIdentity identity = ReplicaIdentity::default_;
  std::vector<Column> columns;
  friend bool operator==(const Relation&, const Relation&) = default;
};

// A user-defined type a relation uses (pgoutput's Type message).
struct UserType {
  Oid oid = 0;
  std::string schema;
  std::string name;
};

// One column of a tuple.
struct TupleValue {
  enum class Kind : char { null = 'n', unchanged_toast = 'u', text = 't' };
  Kind kind = Kind::null;
  std::string text;

  static TupleValue of(std::string text) { return {Kind::text, std::move(text)}; }
  static TupleValue null() { return {}; }
  // A TOASTed value an UPDATE did not change: PostgreSQL does not decode it.
  static TupleValue unchanged_toast() { return {Kind::unchanged_toast, {}}; }
  friend bool operator==(const TupleValue&, const TupleValue&) = default;
};

// One value per column of the relation, in its column order. An old key
// tuple has every column too, null outside the key.
using Tuple = std::vector<TupleValue>;

enum class ChangeKind { insert, update, delete_ };

// What the old tuple of an UPDATE or DELETE holds: nothing (an UPDATE that
// kept the key, a table without replica identity), the key columns, or the
// whole row (REPLICA IDENTITY FULL).
enum class OldTuple { none, key, full };

struct RowChange {
  ChangeKind kind = ChangeKind::insert;
  OldTuple old_kind = OldTuple::none;
  Tuple old_tuple;
  Tuple new_tuple;  // empty for a DELETE
};

struct Truncate {
  std::vector<const Relation*> relations;
  bool cascade = false;
  bool restart_identity = false;
};

// A transaction replicated from elsewhere (pgoutput's Origin message).
struct Origin {
  std::string name;
  Lsn lsn = 0;  // the commit's LSN on the origin
};

// pg_logical_emit_message: a transactional one belongs to a transaction and
// is decoded at its place in it; the other is sent on its own, at once.
struct LogicalMessage {
  bool transactional = true;
  Lsn lsn = 0;
  std::string prefix;
  std::string content;  // any bytes
};

struct Transaction {
  std::uint32_t xid = 0;
  Lsn commit_lsn = 0;  // the commit record (pgoutput's Begin final_lsn)
  Lsn end_lsn = 0;     // the end of the commit record
  std::int64_t commit_time = 0;  // microseconds since 2000-01-01 UTC
  std::optional<Origin> origin;
};

}  // namespace pgwire::replication
