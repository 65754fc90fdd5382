#pragma once
// The PostgreSQL functions catalog queries call, registered on the
// catalog's SQLite connection (format_type, pg_get_constraintdef,
// pg_table_is_visible, regclass casts, array functions, regexp, ...).

#include <optional>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include "pgwire/protocol/settings.hpp"
#include "relations.hpp"

namespace pgwire::catalog_detail {

// What the functions read: the catalog's snapshot and the session asking.
struct FunctionContext {
  const Snapshot* snapshot = nullptr;
  std::string user;
  std::string database;
  std::string version;
  int backend_pid = 0;
  // The session's search_path, resolved against the snapshot's schemas
  // (set_search_path): the schemas that exist, in order. pg_catalog is
  // searched first unless the path names it.
  std::vector<Oid> search_path;
  std::vector<std::string> search_path_names;
  bool catalog_listed = false;
  // The session's settings, for current_setting(): nullptr when the caller
  // gave none (the built-in defaults answer).
  const ParameterMap* settings = nullptr;
};

// Resolves a search_path setting ("$user", public) for the query about to run.
void set_search_path(FunctionContext& context, std::string_view setting);
// True when unqualified names find objects of schema `nsp`.
bool on_search_path(const FunctionContext& context, Oid nsp);
// "schema.name", "\"Name\"" -> (schema, name), folded as PostgreSQL folds
// identifiers; the schema is empty when the name has none.
std::pair<std::string, std::string> parse_qualified(std::string_view s);
// A relation by name: qualified, or the first schema of the path that has it.
std::optional<Oid> lookup_class(const FunctionContext& context, std::string_view name);
// The \x01oid\x01 references of a constraint or view text (relation_reference)
// printed as regclass prints them, qualified unless on the search path.
std::string expand_references(const FunctionContext& context, std::string_view def);

void register_functions(sqlite3* db, FunctionContext* context);

// PostgreSQL's array text form <-> elements (nullopt: NULL). int2vector and
// oidvector ("1 2") are read too.
std::vector<std::optional<std::string>> parse_array(std::string_view text);
std::string format_array(const std::vector<std::optional<std::string>>& elements);

// A value of `type` as PostgreSQL prints it, from what SQLite holds: the
// name of a regclass / regtype / regproc / regnamespace / regrole OID.
std::string reg_name(const FunctionContext& context, Oid type, std::int64_t value);

}  // namespace pgwire::catalog_detail
