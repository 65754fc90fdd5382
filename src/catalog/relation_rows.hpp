#pragma once
// Writing the catalog's rows (internal to relations.cpp and rows_*.cpp): an
// INSERT whose prepared statements are reused across a fill, the spellings
// PostgreSQL's catalogs store values in, and the state one fill shares.
// OIDs are handed out in the order fill_relations() fills the families, so
// that order is part of what a Description gives (pg_class's OIDs).

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "relations.hpp"

namespace pgwire::catalog_detail {

void exec(sqlite3* db, const std::string& sql);

using Value = std::variant<std::monostate, std::int64_t, std::string>;

// Prepared INSERTs, reused across rows (a fill makes a few thousand): while
// one lives, insert() on its thread keeps its statements.
class InsertCache {
 public:
  InsertCache();
  ~InsertCache();
  InsertCache(const InsertCache&) = delete;
  InsertCache& operator=(const InsertCache&) = delete;

 private:
  friend void insert(sqlite3*, std::string_view, std::initializer_list<std::pair<std::string_view, Value>>);
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

// INSERT INTO relation(columns...) VALUES(...): columns not named keep
// their defaults (0, '' or NULL as in relations.cpp's CREATE TABLE).
void insert(sqlite3* db, std::string_view relation, std::initializer_list<std::pair<std::string_view, Value>> values);

// Booleans are stored 0/1, "char" columns as a one-character string.
inline std::int64_t b(bool v) { return v ? 1 : 0; }
inline std::string ch(char c) { return c ? std::string(1, c) : std::string(); }

template <class T>
std::string join(const std::vector<T>& items, std::string_view sep) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += sep;
    out += fmt::format("{}", i);
  }
  return out;
}

// "a, \"B\"": column lists of the pg_get_*def texts.
std::string quoted_list(const std::vector<std::string>& names);
// pg_type.typstorage / pg_attribute.attstorage of a type.
std::string storage(Oid t);
// Whether columns of the type get the default collation.
bool collatable(Oid t);

// The attnum of a table's column (throws for a column it does not have).
int attnum_of(const catalog::TableInfo& t, const std::string& column);
// schema.name, each quoted as needed.
std::string qualified_name(const catalog::TableInfo& t);
// A relation named in a stored definition, by OID: pg_get_constraintdef
// prints it as regclass does, for the search path of the query
// (functions.cpp, expand_references).
std::string relation_reference(Oid rel);

// One fill of the relations from a Description.
struct Fill {
  Fill(sqlite3* db, const catalog::Description& d, const RelationOids& kept) : db(db), d(d), kept(kept) {
    for (const auto& e : d.enums) taken.insert({e.oid, e.array_oid});
    taken.insert(kept.handed_out.begin(), kept.handed_out.end());
  }

  sqlite3* db;
  const catalog::Description& d;
  Snapshot s;
  Oid next = 16384;  // the first OID PostgreSQL gives a user's object
  std::set<Oid> taken;  // OIDs the Description chose itself (its enums')
  // The next OID for an object of the fill: past those the Description took.
  Oid new_oid() {
    while (taken.count(next) != 0) ++next;
    return next++;
  }
  // A table's, view's or sequence's OID: the one an earlier fill gave it
  // (kept), else a new one.
  Oid relation_oid(const std::string& schema, const std::string& name) {
    auto it = kept.by_name.find({schema, name});
    return it != kept.by_name.end() ? it->second : new_oid();
  }
  const RelationOids& kept;
  std::map<std::string, Oid> schema_oids;
  std::map<std::pair<std::string, std::string>, Oid> class_oids;  // (schema, name) of tables, views, sequences
  std::map<Oid, Oid> primary_index;                               // table -> its primary key's index

  // Whether `type` is one of the Description's enum types (4 bytes, plain
  // storage, as pg_type says: pg_dump compares a column's attstorage to it).
  bool is_enum(Oid type) const {
    for (const auto& e : d.enums)
      if (e.oid == type) return true;
    return false;
  }
  // The namespace `name`, added at its first use (public gets its OID).
  Oid schema_oid(const std::string& name);
  void add_namespace(Oid o, const std::string& name, Oid owner);
  const catalog::TableInfo* table_of(const std::string& schema, const std::string& name) const;
  // The schema of the table a foreign key of `t` references: its own
  // qualification, else t's schema when that has the table, else public
  // (as the default search path finds it).
  std::string referenced_schema(const catalog::TableInfo& t, const catalog::ForeignKeyInfo& fk) const;
};

// A table's index as it will be written: a primary key and a unique
// constraint are indexes with a constraint on them.
struct PendingIndex {
  std::string name;
  std::vector<std::string> columns;
  bool unique, primary;
  char constraint;  // 'p', 'u' or 0
};

// The relation families, one file each, in the order fill_relations() runs them.
void fill_initdb_rows(Fill& f);     // rows_initdb.cpp: roles, database, tablespaces, access methods, ...
void fill_namespaces(Fill& f);      // rows_pg_namespace.cpp
void fill_builtin_functions(Fill& f);  // rows_pg_proc.cpp: the types' I/O functions
void fill_builtin_types(Fill& f);   // rows_pg_type.cpp
void fill_enums(Fill& f);           // rows_pg_enum.cpp: enum types, their array types and labels
void fill_tables(Fill& f);          // rows_pg_class.cpp: tables and views, their columns and indexes
void fill_sequences(Fill& f);       // rows_pg_sequence.cpp
void fill_constraints(Fill& f);     // rows_pg_constraint.cpp: CHECKs, foreign keys
void fill_functions(Fill& f);       // rows_pg_proc.cpp
void fill_descriptions(Fill& f);    // rows_pg_description.cpp: the comments the others gathered

// Called by fill_tables for each table, in its order.
Oid add_row_types(Fill& f, const catalog::TableInfo& t, Oid rel, Oid nsp);  // rows_pg_type.cpp
std::vector<PendingIndex> indexes_of(const catalog::TableInfo& t);          // rows_pg_index.cpp
void add_indexes(Fill& f, const catalog::TableInfo& t, Oid rel, Oid nsp, const std::vector<PendingIndex>& indexes);

}  // namespace pgwire::catalog_detail
