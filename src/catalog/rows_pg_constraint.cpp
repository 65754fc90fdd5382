// Foreign keys in pg_constraint (relation_rows.hpp), once every table's
// primary key index is known (conindid); named and printed
// (pg_get_constraintdef) as PostgreSQL does. Primary keys and unique
// constraints come with their indexes (rows_pg_index.cpp).

#include "relation_rows.hpp"

namespace pgwire::catalog_detail {

namespace {

// ON UPDATE / ON DELETE as pg_get_constraintdef prints confupdtype/confdeltype.
std::string_view referential_action(char a) {
  switch (a) {
    case 'r': return "RESTRICT";
    case 'c': return "CASCADE";
    case 'n': return "SET NULL";
    case 'd': return "SET DEFAULT";
    default: return {};
  }
}

}  // namespace

void fill_foreign_keys(Fill& f) {
  auto& s = f.s;
  for (const auto& t : f.d.tables) {
    Oid rel = f.class_oids[{t.schema, t.name}];
    Oid nsp = f.schema_oid(t.schema);
    for (const auto& fk : t.foreign_keys) {
      std::string ref_schema = f.referenced_schema(t, fk);
      const catalog::TableInfo* ref = f.table_of(ref_schema, fk.ref_table);
      if (ref == nullptr) continue;  // a dangling reference: PostgreSQL would have refused it
      Oid ref_rel = f.class_oids[{ref_schema, fk.ref_table}];
      std::vector<std::string> ref_columns = fk.ref_columns.empty() ? ref->primary_key : fk.ref_columns;
      std::vector<int> keys, ref_keys;
      for (const auto& c : fk.columns) keys.push_back(attnum_of(t, c));
      for (const auto& c : ref_columns) ref_keys.push_back(attnum_of(*ref, c));
      Oid co = f.next++;
      std::string name = fk.name.empty() ? t.name + "_" + join(fk.columns, "_") + "_fkey" : fk.name;
      // The referenced table is qualified when its schema is not on the
      // search path of the query that prints it.
      std::string target = relation_reference(ref_rel);
      std::string def = fmt::format("FOREIGN KEY ({}) REFERENCES {}({})", quoted_list(fk.columns), target,
                                    quoted_list(ref_columns));
      if (!referential_action(fk.on_update).empty())
        def += fmt::format(" ON UPDATE {}", referential_action(fk.on_update));
      if (!referential_action(fk.on_delete).empty())
        def += fmt::format(" ON DELETE {}", referential_action(fk.on_delete));
      s.constraint_defs[co] = def;
      auto pi = f.primary_index.find(ref_rel);
      insert(f.db, "pg_constraint", {{"oid", co}, {"conname", name}, {"connamespace", nsp}, {"contype", std::string("f")},
                                     {"convalidated", 1}, {"conrelid", rel},
                                     {"conindid", pi == f.primary_index.end() ? 0 : pi->second}, {"confrelid", ref_rel},
                                     {"confupdtype", ch(fk.on_update)}, {"confdeltype", ch(fk.on_delete)},
                                     {"confmatchtype", std::string("s")}, {"conislocal", 1}, {"connoinherit", 1},
                                     {"conkey", "{" + join(keys, ",") + "}"},
                                     {"confkey", "{" + join(ref_keys, ",") + "}"}});
    }
  }
}

}  // namespace pgwire::catalog_detail
