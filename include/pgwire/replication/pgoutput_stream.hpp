#pragma once
// What one pgoutput subscriber is sent, decided as PostgreSQL 15's pgoutput
// decides it: only relations of its publications, Begin (and Origin) held
// back until a transaction's first published change (a transaction without
// one sends nothing), a Relation (after a Type for each user-defined column
// type) before a relation's first change and again after invalidate().

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "pgwire/replication/change.hpp"

namespace pgwire::replication {

class PgOutputStream {
 public:
  using Messages = std::vector<std::string>;  // one XLogData payload each
  // Whether a relation belongs to one of the subscriber's publications.
  using Published = std::function<bool(const Relation&)>;
  // The name of a user-defined type (OID >= 10000) a column uses.
  using TypeLookup = std::function<UserType(Oid)>;

  // `messages`: the subscriber asked for logical decoding messages.
  PgOutputStream(Published published, TypeLookup types, bool messages = false);

  // The relation's definition changed: its Relation goes out again before
  // its next change.
  void invalidate(Oid relation);

  void begin(const Transaction& txn);
  Messages change(const Relation& relation, const RowChange& change);
  Messages truncate(const Truncate& truncate);
  // A transactional message starts the transaction's output like a change;
  // a non-transactional one is sent on its own. Nothing without `messages`.
  Messages message(const LogicalMessage& message);
  Messages commit();

 private:
  void begin_if_needed(Messages& out);
  void send_schema(const Relation& relation, Messages& out);

  Published published_;
  TypeLookup types_;
  bool messages_;
  // What each relation was last described as: a relation whose definition
  // changed (a product's ALTER TABLE) is described again.
  std::unordered_map<Oid, Relation> described_;
  Transaction txn_;
  bool begun_ = false;
};

}  // namespace pgwire::replication
