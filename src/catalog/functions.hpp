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
};

void register_functions(sqlite3* db, FunctionContext* context);

// PostgreSQL's array text form <-> elements (nullopt: NULL). int2vector and
// oidvector ("1 2") are read too.
std::vector<std::optional<std::string>> parse_array(std::string_view text);
std::string format_array(const std::vector<std::optional<std::string>>& elements);

// A value of `type` as PostgreSQL prints it, from what SQLite holds: the
// name of a regclass / regtype / regproc / regnamespace / regrole OID.
std::string reg_name(const Snapshot& s, Oid type, std::int64_t value);

}  // namespace pgwire::catalog_detail
