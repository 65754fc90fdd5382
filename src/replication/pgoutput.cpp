#include "pgwire/replication/pgoutput.hpp"

#include "pgwire/codec/error.hpp"

namespace pgwire::replication::pgoutput {
namespace {

// logicalrep_write_tuple: a count, then per column 'n' (null),
// 'u' (unchanged TOASTed value) or 't' + Int32 length + text.
void write_tuple(char kind, const Tuple& tuple, Buffer& out) {
  out.put_char(kind);
  out.put_count16(tuple.size());
  for (const TupleValue& v : tuple) {
    out.put_char(static_cast<char>(v.kind));
    if (v.kind != TupleValue::Kind::text) continue;
    out.put_i32(static_cast<std::int32_t>(v.text.size()));
    out.put_bytes(v.text);
  }
}

void write_namespace(std::string_view schema, Buffer& out) {
  out.put_cstring(schema == "pg_catalog" ? std::string_view() : schema);
}

}  // namespace

void write_begin(const Transaction& txn, Buffer& out) {
  out.put_char('B');
  out.put_u64(txn.commit_lsn);
  out.put_i64(txn.commit_time);
  out.put_u32(txn.xid);
}

void write_commit(const Transaction& txn, Buffer& out) {
  out.put_char('C');
  out.put_u8(0);  // flags: none defined
  out.put_u64(txn.commit_lsn);
  out.put_u64(txn.end_lsn);
  out.put_i64(txn.commit_time);
}

void write_origin(const Origin& origin, Buffer& out) {
  out.put_char('O');
  out.put_u64(origin.lsn);
  out.put_cstring(origin.name);
}

void write_relation(const Relation& relation, Buffer& out) {
  out.put_char('R');
  out.put_u32(relation.oid);
  write_namespace(relation.schema, out);
  out.put_cstring(relation.name);
  out.put_char(static_cast<char>(relation.identity));
  out.put_count16(relation.columns.size());
  for (const Column& col : relation.columns) {
    out.put_u8(col.key ? 1 : 0);
    out.put_cstring(col.name);
    out.put_u32(col.type_oid);
    out.put_i32(col.type_modifier);
  }
}

void write_type(const UserType& type, Buffer& out) {
  out.put_char('Y');
  out.put_u32(type.oid);
  write_namespace(type.schema, out);
  out.put_cstring(type.name);
}

void write_change(const Relation& relation, const RowChange& change, Buffer& out) {
  // A tuple narrower or wider than its Relation would desynchronize the
  // subscriber's column mapping: a product bug, reported by the sticky error.
  bool has_old = change.kind != ChangeKind::insert && change.old_kind != OldTuple::none;
  bool has_new = change.kind != ChangeKind::delete_;
  if ((has_old && change.old_tuple.size() != relation.columns.size()) ||
      (has_new && change.new_tuple.size() != relation.columns.size()))
    out.set_error(codec_errc::invalid_count);
  static constexpr char kMessage[] = {'I', 'U', 'D'};
  out.put_char(kMessage[static_cast<int>(change.kind)]);
  out.put_u32(relation.oid);
  if (has_old) write_tuple(change.old_kind == OldTuple::key ? 'K' : 'O', change.old_tuple, out);
  if (has_new) write_tuple('N', change.new_tuple, out);
}

void write_message(const LogicalMessage& message, Buffer& out) {
  out.put_char('M');
  out.put_u8(message.transactional ? 1 : 0);
  out.put_u64(message.lsn);
  out.put_cstring(message.prefix);
  out.put_i32(static_cast<std::int32_t>(message.content.size()));
  out.put_bytes(message.content);
}

void write_truncate(const Truncate& truncate, Buffer& out) {
  out.put_char('T');
  out.put_u32(static_cast<std::uint32_t>(truncate.relations.size()));
  out.put_u8(static_cast<std::uint8_t>((truncate.cascade ? 1 : 0) | (truncate.restart_identity ? 2 : 0)));
  for (const Relation* rel : truncate.relations) out.put_u32(rel->oid);
}

}  // namespace pgwire::replication::pgoutput
