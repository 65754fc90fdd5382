#include "pgwire/replication/pgoutput_stream.hpp"

#include "pgwire/replication/pgoutput.hpp"

namespace pgwire::replication {
namespace {

constexpr Oid kFirstUserObjectId = 10000;  // FirstGenbkiObjectId: built-in types are below

template <class Write>
void emit(PgOutputStream::Messages& out, Write&& write) {
  Buffer b;
  write(b);
  out.emplace_back(b.view());
}

}  // namespace

PgOutputStream::PgOutputStream(Published published, TypeLookup types, bool messages)
    : published_(std::move(published)), types_(std::move(types)), messages_(messages) {}

void PgOutputStream::invalidate(Oid relation) { described_.erase(relation); }

void PgOutputStream::begin(const Transaction& txn) {
  txn_ = txn;
  begun_ = false;
}

void PgOutputStream::begin_if_needed(Messages& out) {
  if (begun_) return;
  begun_ = true;
  emit(out, [&](Buffer& b) { pgoutput::write_begin(txn_, b); });
  if (txn_.origin) emit(out, [&](Buffer& b) { pgoutput::write_origin(*txn_.origin, b); });
}

void PgOutputStream::send_schema(const Relation& relation, Messages& out) {
  // Again after invalidate(), and when the relation's definition changed
  // since (PostgreSQL resends it after a relcache invalidation).
  auto known = described_.find(relation.oid);
  if (known != described_.end() && known->second == relation) return;
  // As PostgreSQL: one Type per column of a user-defined type, repeats included.
  for (const Column& col : relation.columns)
    if (col.type_oid >= kFirstUserObjectId) emit(out, [&](Buffer& b) { pgoutput::write_type(types_(col.type_oid), b); });
  emit(out, [&](Buffer& b) { pgoutput::write_relation(relation, b); });
  described_.insert_or_assign(relation.oid, relation);
}

PgOutputStream::Messages PgOutputStream::change(const Relation& relation, const RowChange& change) {
  Messages out;
  if (!published_(relation)) return out;
  // A DELETE without an old tuple (no replica identity) is not sent at all,
  // not even its Begin or Relation, as PostgreSQL 15's pgoutput.
  if (change.kind == ChangeKind::delete_ && change.old_kind == OldTuple::none) return out;
  begin_if_needed(out);
  send_schema(relation, out);
  emit(out, [&](Buffer& b) { pgoutput::write_change(relation, change, b); });
  return out;
}

PgOutputStream::Messages PgOutputStream::truncate(const Truncate& truncate) {
  Messages out;
  Truncate kept{{}, truncate.cascade, truncate.restart_identity};
  for (const Relation* rel : truncate.relations)
    if (published_(*rel)) kept.relations.push_back(rel);
  if (kept.relations.empty()) return out;
  begin_if_needed(out);
  for (const Relation* rel : kept.relations) send_schema(*rel, out);
  emit(out, [&](Buffer& b) { pgoutput::write_truncate(kept, b); });
  return out;
}

PgOutputStream::Messages PgOutputStream::message(const LogicalMessage& message) {
  Messages out;
  if (!messages_) return out;
  if (message.transactional) begin_if_needed(out);
  emit(out, [&](Buffer& b) { pgoutput::write_message(message, b); });
  return out;
}

PgOutputStream::Messages PgOutputStream::commit() {
  Messages out;
  if (begun_) emit(out, [&](Buffer& b) { pgoutput::write_commit(txn_, b); });
  begun_ = false;
  return out;
}

}  // namespace pgwire::replication
