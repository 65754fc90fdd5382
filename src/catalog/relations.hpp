#pragma once
// The catalog relations in the catalog's SQLite database: their columns
// (with PostgreSQL 15's names and types) and their rows, made from a
// product's Description. Values are stored as PostgreSQL prints them:
// booleans 0/1, arrays in their text form ('{1,2}', int2vector '1 2').

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <sqlite3.h>

#include "pgwire/catalog/description.hpp"

namespace pgwire::catalog_detail {

inline constexpr Oid pg_catalog_namespace = 11, public_namespace = 2200, information_schema_namespace = 13183;
inline constexpr Oid bootstrap_role = 10, database_owner_role = 6171;
inline constexpr Oid pg_class_oid = 1259, pg_proc_oid = 1255, pg_type_oid = 1247, pg_namespace_oid = 2615,
                     pg_constraint_oid = 2606, pg_database_oid = 1262, pg_attrdef_oid = 2604;

// What the functions (pg_get_constraintdef, regclass output, ...) look up,
// computed once when the relations are filled.
// The OIDs of a Description's tables, views and sequences, kept from one
// fill to the next: a client caches them (pgjdbc's and Npgsql's column
// metadata, from RowDescription's table OID), so a table keeps its OID while
// it exists, and a dropped table's OID is not given to another relation.
struct RelationOids {
  std::map<std::pair<std::string, std::string>, Oid> by_name;  // (schema, name)
  std::set<Oid> handed_out;                                    // every relation OID given so far
};

struct Snapshot {
  struct Class {
    Oid nsp = 0;
    std::string name;
    char kind = 'r';
  };
  struct Proc {
    Oid nsp = 0;
    std::string name, result, arguments;
  };
  std::map<Oid, Class> classes;
  std::map<Oid, std::string> namespaces, roles;
  std::map<Oid, Oid> type_namespaces;  // types outside pg_catalog
  std::map<Oid, std::string> type_names;
  std::map<Oid, std::vector<std::string>> index_columns;
  std::map<Oid, Proc> procs;
  std::map<Oid, std::string> constraint_defs, index_defs, view_defs;
  std::map<std::tuple<Oid, Oid, int>, std::string> comments;  // (objoid, classoid, objsubid)
  // (table, column) -> its sequence as pg_get_serial_sequence prints it: public.t_id_seq
  std::map<std::pair<Oid, std::string>, std::string> owned_sequences;
  std::string database, owner;
  Oid database_oid = 5;
};

// Creates every relation (empty), pg_catalog's in `main` and
// information_schema's in the attached database of that name.
void create_relations(sqlite3* db);
// Deletes all rows and fills pg_catalog's relations from `d` (the caller
// holds a transaction).
// `relations`: what earlier fills gave (updated with this fill's).
Snapshot fill_relations(sqlite3* db, const catalog::Description& d, RelationOids& relations);
// Then information_schema's, from pg_catalog's (their functions need the
// Snapshot installed).
void fill_information_schema(sqlite3* db, const std::string& database);

// The PostgreSQL type of a catalog column named `column` (any relation;
// 0 if none has it): for typing results.
Oid catalog_column_type(std::string_view column) noexcept;
// The OID PostgreSQL gives the catalog relation `name` (pg_class 1259, ...;
// the tableoid of its rows), nullopt for those not listed.
std::optional<Oid> relation_oid(std::string_view name) noexcept;
// True when `name` is a catalog relation (pg_class, tables, ...).
bool is_catalog_relation(std::string_view name) noexcept;

// PostgreSQL's quote_ident.
std::string quote_ident(std::string_view name);
// The sequence a column default nextval('s'::regclass) calls, as written
// there ("s", "public.s"); nullopt for another default.
std::optional<std::string> sequence_of_default(std::string_view expr);

}  // namespace pgwire::catalog_detail
