// The Description's sequences (relation_rows.hpp): pg_class (relkind 'S'),
// the three columns every sequence relation has, pg_sequence, and the
// pg_depend row of an owned sequence ('a', as a serial column's), which is
// what psql's "Owned by:" and pg_get_serial_sequence read.

#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

void fill_sequences(Fill& f) {
  auto& s = f.s;
  for (const auto& q : f.d.sequences) {
    Oid rel = f.class_oids.at({q.schema, q.name});  // (given by fill_tables)
    Oid nsp = f.schema_oid(q.schema);
    s.classes[rel] = {nsp, q.name, 'S'};
    insert(f.db, "pg_class", {{"oid", rel}, {"relname", q.name}, {"relnamespace", nsp}, {"relowner", bootstrap_role},
                              {"relfilenode", rel}, {"reltuples", 1}, {"relpersistence", std::string("p")},
                              {"relkind", std::string("S")}, {"relnatts", 3}, {"relispopulated", 1},
                              {"relreplident", std::string("n")}});
    std::int64_t attnum = 0;
    for (auto [name, type] : {std::pair<const char*, Oid>{"last_value", oid::int8}, {"log_cnt", oid::int8},
                              {"is_called", oid::bool_}})
      insert(f.db, "pg_attribute", {{"attrelid", rel}, {"attname", std::string(name)}, {"atttypid", type},
                                    {"attlen", type == oid::bool_ ? 1 : 8}, {"attnum", ++attnum}, {"attcacheoff", -1},
                                    {"atttypmod", -1}, {"attalign", std::string(type == oid::bool_ ? "c" : "d")},
                                    {"attstorage", std::string("p")}, {"attnotnull", 1}, {"attislocal", 1}});
    insert(f.db, "pg_sequence", {{"seqrelid", rel}, {"seqtypid", q.type}, {"seqstart", q.start},
                                 {"seqincrement", q.increment}, {"seqmax", q.max}, {"seqmin", q.min},
                                 {"seqcache", q.cache}, {"seqcycle", b(q.cycle)}});
    if (q.owner_table.empty()) continue;
    const catalog::TableInfo* owner = f.table_of(q.schema, q.owner_table);
    if (owner == nullptr) continue;  // a dangling owner: PostgreSQL would have refused it
    Oid table = f.class_oids[{owner->schema, owner->name}];
    insert(f.db, "pg_depend", {{"classid", pg_class_oid}, {"objid", rel}, {"objsubid", 0}, {"refclassid", pg_class_oid},
                               {"refobjid", table}, {"refobjsubid", attnum_of(*owner, q.owner_column)},
                               {"deptype", std::string("a")}});
    s.owned_sequences[{table, q.owner_column}] = quote_ident(q.schema) + "." + quote_ident(q.name);
  }
}

}  // namespace pgwire::catalog_detail
