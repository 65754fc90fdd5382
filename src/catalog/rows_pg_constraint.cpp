// CHECK constraints and foreign keys in pg_constraint (relation_rows.hpp),
// once every table's primary key index is known (conindid); named and
// printed (pg_get_constraintdef) as PostgreSQL does. Primary keys and
// unique constraints come with their indexes (rows_pg_index.cpp).

#include <algorithm>
#include <cctype>

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

// Whether `expression` mentions `column` as a word of its own (outside
// string literals; a quoted identifier compares exactly).
bool names_column(std::string_view expression, std::string_view column) {
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; };
  for (std::size_t i = 0; i < expression.size();) {
    char c = expression[i];
    if (c == '\'') {
      for (++i; i < expression.size(); ++i)
        if (expression[i] == '\'' && !(i + 1 < expression.size() && expression[++i] == '\'')) break;
      continue;
    }
    if (c == '"') {
      std::size_t end = expression.find('"', i + 1);
      if (end == std::string_view::npos) return false;
      if (expression.substr(i + 1, end - i - 1) == column) return true;
      i = end + 1;
      continue;
    }
    if (word_char(c)) {
      std::size_t end = i;
      while (end < expression.size() && word_char(expression[end])) ++end;
      std::string_view word = expression.substr(i, end - i);
      if (word.size() == column.size() &&
          std::equal(word.begin(), word.end(), column.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
          }))
        return true;
      i = end;
      continue;
    }
    ++i;
  }
  return false;
}

}  // namespace

void fill_constraints(Fill& f) {
  auto& s = f.s;
  for (const auto& t : f.d.tables) {
    Oid rel = f.class_oids[{t.schema, t.name}];
    Oid nsp = f.schema_oid(t.schema);
    for (const auto& check : t.checks) {
      // conkey: the columns the expression names (psql and pg_dump read it).
      std::vector<int> keys;
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (names_column(check.expression, t.columns[i].name)) keys.push_back(static_cast<int>(i + 1));
      Oid co = f.new_oid();
      s.constraint_defs[co] = "CHECK (" + check.expression + ")";
      insert(f.db, "pg_constraint", {{"oid", co}, {"conname", check.name}, {"connamespace", nsp},
                                     {"contype", std::string("c")}, {"convalidated", 1}, {"conrelid", rel},
                                     {"conislocal", 1}, {"conkey", "{" + join(keys, ",") + "}"}});
    }
    for (const auto& fk : t.foreign_keys) {
      std::string ref_schema = f.referenced_schema(t, fk);
      const catalog::TableInfo* ref = f.table_of(ref_schema, fk.ref_table);
      if (ref == nullptr) continue;  // a dangling reference: PostgreSQL would have refused it
      Oid ref_rel = f.class_oids[{ref_schema, fk.ref_table}];
      std::vector<std::string> ref_columns = fk.ref_columns.empty() ? ref->primary_key : fk.ref_columns;
      std::vector<int> keys, ref_keys;
      for (const auto& c : fk.columns) keys.push_back(attnum_of(t, c));
      for (const auto& c : ref_columns) ref_keys.push_back(attnum_of(*ref, c));
      Oid co = f.new_oid();
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
  // A foreign key depends on the index of the key it refers to: a UNIQUE
  // one's when it names that key's columns (information_schema's
  // referential_constraints and key_column_usage follow conindid).
  exec(f.db, "UPDATE pg_constraint SET conindid = coalesce((SELECT u.conindid FROM pg_constraint u "
             "WHERE u.conrelid = pg_constraint.confrelid AND u.contype IN ('p', 'u') "
             "AND u.conkey = pg_constraint.confkey), conindid) WHERE contype = 'f'");
}

}  // namespace pgwire::catalog_detail
