// A table's indexes (relation_rows.hpp): its primary key, unique
// constraints and plain indexes, named as PostgreSQL names them, each in
// pg_class, pg_attribute and pg_index, and for a key or unique constraint
// its pg_constraint row (foreign keys: rows_pg_constraint.cpp).

#include "catalog_types.hpp"
#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

std::vector<PendingIndex> indexes_of(const catalog::TableInfo& t) {
  std::vector<PendingIndex> indexes;
  if (!t.primary_key.empty())
    indexes.push_back({t.primary_key_name.empty() ? t.name + "_pkey" : t.primary_key_name, t.primary_key, true,
                       true, 'p'});
  for (const auto& u : t.uniques)
    indexes.push_back({u.name.empty() ? t.name + "_" + join(u.columns, "_") + "_key" : u.name, u.columns, true,
                       false, 'u'});
  for (const auto& i : t.indexes) indexes.push_back({i.name, i.columns, i.unique, false, 0});
  return indexes;
}

void add_indexes(Fill& f, const catalog::TableInfo& t, Oid rel, Oid nsp, const std::vector<PendingIndex>& indexes) {
  sqlite3* db = f.db;
  auto& s = f.s;
  for (const auto& ix : indexes) {
    Oid io = f.new_oid();
    std::vector<int> keys;
    for (const auto& col : ix.columns) keys.push_back(attnum_of(t, col));
    s.classes[io] = {nsp, ix.name, 'i'};
    s.index_columns[io] = ix.columns;
    s.index_defs[io] = fmt::format("CREATE {}INDEX {} ON {} USING btree ({})", ix.unique ? "UNIQUE " : "",
                                   quote_ident(ix.name), qualified_name(t), quoted_list(ix.columns));
    // A new index has one page (its metapage) and counts its rows: 0.
    insert(db, "pg_class", {{"oid", io}, {"relname", ix.name}, {"relnamespace", nsp}, {"relowner", bootstrap_role},
                            {"relam", 403}, {"relfilenode", io}, {"reltuples", 0}, {"relpages", 1},
                            {"relpersistence", std::string("p")}, {"relkind", std::string("i")},
                            {"relnatts", static_cast<std::int64_t>(keys.size())}, {"relispopulated", 1},
                            {"relreplident", std::string("n")}});
    for (std::size_t k = 0; k < ix.columns.size(); ++k) {
      const auto& c = t.columns[static_cast<std::size_t>(keys[k] - 1)];
      insert(db, "pg_attribute", {{"attrelid", io}, {"attname", c.name}, {"atttypid", c.type},
                                  {"attstattarget", -1}, {"attlen", catalog_type_size(c.type)},
                                  {"attnum", static_cast<std::int64_t>(k + 1)}, {"attcacheoff", -1},
                                  {"atttypmod", c.typmod}, {"attnotnull", b(c.not_null)}, {"attislocal", 1},
                                  {"attcollation", collatable(c.type) ? 100 : 0}});
    }
    std::string zeros;
    for (std::size_t k = 0; k < keys.size(); ++k) zeros += k ? " 0" : "0";
    insert(db, "pg_index", {{"indexrelid", io}, {"indrelid", rel}, {"indnatts", static_cast<std::int64_t>(keys.size())},
                            {"indnkeyatts", static_cast<std::int64_t>(keys.size())}, {"indisunique", b(ix.unique)},
                            {"indisprimary", b(ix.primary)}, {"indimmediate", 1}, {"indisvalid", 1},
                            {"indisready", 1}, {"indislive", 1}, {"indkey", join(keys, " ")},
                            {"indcollation", zeros}, {"indclass", zeros}, {"indoption", zeros}});
    if (ix.primary) f.primary_index[rel] = io;
    if (ix.constraint) {
      Oid co = f.new_oid();
      s.constraint_defs[co] = fmt::format("{} ({})", ix.primary ? "PRIMARY KEY" : "UNIQUE", quoted_list(ix.columns));
      insert(db, "pg_constraint", {{"oid", co}, {"conname", ix.name}, {"connamespace", nsp},
                                   {"contype", std::string(1, ix.constraint)}, {"convalidated", 1},
                                   {"conrelid", rel}, {"conindid", io}, {"conislocal", 1}, {"connoinherit", 1},
                                   {"conkey", "{" + join(keys, ",") + "}"}});
    }
  }
}

}  // namespace pgwire::catalog_detail
