#pragma once
// The PostgreSQL functions catalog queries call, registered on the
// catalog's SQLite connection (format_type, pg_get_constraintdef,
// pg_table_is_visible, regclass casts, array functions, regexp, ...).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

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
};

// Resolves a search_path setting ("$user", public) for the query about to run.
void set_search_path(FunctionContext& context, std::string_view setting);
// True when unqualified names find objects of schema `nsp`.
bool on_search_path(const FunctionContext& context, Oid nsp);

void register_functions(sqlite3* db, FunctionContext* context);

// PostgreSQL's array text form <-> elements (nullopt: NULL). int2vector and
// oidvector ("1 2") are read too.
std::vector<std::optional<std::string>> parse_array(std::string_view text);
std::string format_array(const std::vector<std::optional<std::string>>& elements);

// A value of `type` as PostgreSQL prints it, from what SQLite holds: the
// name of a regclass / regtype / regproc / regnamespace / regrole OID.
std::string reg_name(const FunctionContext& context, Oid type, std::int64_t value);

}  // namespace pgwire::catalog_detail
