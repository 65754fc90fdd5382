#pragma once
// Enum types (CREATE TYPE name AS ENUM (...)), which SQLite has none of.
// Their labels are rows of a bookkeeping table,
//
//   pgwire_enums(type_oid INTEGER, type_name TEXT, sort_order REAL, label TEXT)
//
// (a row per label, and the type's own row with label NULL: a type may
// have no labels),
// hidden from clients like the column records (translate.hpp), and copied
// into enum_registry.hpp for the code without a database handle. A column
// of an enum type is declared
//
//   "c" PGWIRE_ENUM_<oid> TEXT COLLATE pgwire_enum_<oid> CHECK (pgwire_valid("c", <oid>))
//
// - TEXT: the affinity that keeps a label as written ('1' stays '1');
// - the collation orders labels as the type lists them, as PostgreSQL
//   orders enums (ORDER BY, <, >, min/max, an index), registered on each
//   connection when a statement first needs it (sqlite3_collation_needed);
// - the CHECK: a label the type does not have is 22P02, as enum_in says it.
// `'x'::mood` goes through pgwire_cast, which checks the same way. The
// statements (CREATE, ALTER, DROP TYPE): enum_ddl.hpp.

#include <sqlite3.h>

#include <charconv>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/catalog/description.hpp>

#include "enum_registry.hpp"
#include "errors.hpp"

namespace sqlite_example::enum_types {

using enum_registry::EnumType;

inline constexpr const char* table = "pgwire_enums";
using enum_registry::declared_prefix;
inline constexpr std::string_view collation_prefix = "pgwire_enum_";

inline void ensure_table(sqlite3* db) {
  sqlite3_exec(db,
               "CREATE TABLE IF NOT EXISTS pgwire_enums(type_oid INTEGER NOT NULL, type_name TEXT NOT NULL, "
               "sort_order REAL NOT NULL, label TEXT, UNIQUE (type_oid, label))",
               nullptr, nullptr, nullptr);
}

inline bool table_exists(sqlite3* db) {
  sqlite3_stmt* s = nullptr;
  bool found = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pgwire_enums'",
                                  -1, &s, nullptr) == SQLITE_OK &&
               sqlite3_step(s) == SQLITE_ROW;
  sqlite3_finalize(s);
  return found;
}

// Every enum type the database holds, labels in their order.
inline std::vector<EnumType> read_all(sqlite3* db) {
  std::vector<EnumType> out;
  if (!table_exists(db)) return out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT type_oid, type_name, sort_order, label FROM pgwire_enums "
                             "ORDER BY type_oid, sort_order", -1, &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return out;
  }
  while (sqlite3_step(s) == SQLITE_ROW) {
    auto oid = static_cast<pgwire::Oid>(sqlite3_column_int64(s, 0));
    if (out.empty() || out.back().oid != oid) {
      out.emplace_back();
      out.back().oid = oid;
      out.back().name = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
    }
    if (sqlite3_column_type(s, 3) == SQLITE_NULL) continue;  // (the type's own row)
    out.back().sort_orders.push_back(static_cast<float>(sqlite3_column_double(s, 2)));
    out.back().labels.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 3)));
  }
  sqlite3_finalize(s);
  return out;
}

// The registry from the database: at start and after each enum statement.
inline void reload(sqlite3* db) { enum_registry::registry().replace_all(read_all(db)); }

// A column's SQLite declaration (see the top of this file).
inline std::string column_declaration(pgwire::Oid type) {
  return std::string(declared_prefix) + std::to_string(type) + " TEXT COLLATE " + std::string(collation_prefix) +
         std::to_string(type);
}

// For pgwire_valid and pgwire_cast: whether `type` is an enum (then the
// result is set: the label, or enum_in's 22P02 for a label it lacks).
inline bool check_label(sqlite3_context* ctx, pgwire::Oid type, sqlite3_value* v, bool return_value) {
  auto t = enum_registry::registry().find(type);
  if (!t || t->oid != type) return false;
  if (sqlite3_value_type(v) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return true;
  }
  std::string_view label(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                         static_cast<std::size_t>(sqlite3_value_bytes(v)));
  if (t->position(label) < 0) {
    std::string message = "invalid input value for enum " + t->name + ": \"" + std::string(label) + "\"";
    sqlite3_result_error(ctx, function_error("22P02", message).c_str(), -1);
  } else if (return_value) {
    sqlite3_result_text(ctx, label.data(), static_cast<int>(label.size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_result_int(ctx, 1);
  }
  return true;
}

namespace detail {

// The collation pgwire_enum_<oid>: labels by their place in the type;
// text the type does not have (only a value written before an ALTER that
// SQLite could not check) after them, by its bytes.
inline int compare(void* arg, int n1, const void* a, int n2, const void* b) {
  auto oid = static_cast<pgwire::Oid>(reinterpret_cast<std::uintptr_t>(arg));
  // One type's labels per thread, until the registry changes: a sort
  // compares many times, and enum types are few.
  thread_local pgwire::Oid cached_oid = 0;
  thread_local std::uint64_t cached_generation = 0;
  thread_local std::shared_ptr<const EnumType> cached;
  auto& registry = enum_registry::registry();
  if (cached_oid != oid || cached_generation != registry.generation()) {
    cached_generation = registry.generation();
    cached = registry.find(oid);
    cached_oid = oid;
  }
  std::string_view x(static_cast<const char*>(a), static_cast<std::size_t>(n1));
  std::string_view y(static_cast<const char*>(b), static_cast<std::size_t>(n2));
  int unknown = cached ? static_cast<int>(cached->labels.size()) : 0;
  int px = cached ? cached->position(x) : -1, py = cached ? cached->position(y) : -1;
  if (px < 0) px = unknown;
  if (py < 0) py = unknown;
  if (px != py) return px < py ? -1 : 1;
  if (px != unknown) return 0;
  int c = x.compare(y);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

// The enum collations each connection has, so that none is created twice
// (creating a collation again expires the connection's prepared statements).
struct Created {
  std::mutex mutex;
  std::map<sqlite3*, std::set<pgwire::Oid>> by_connection;
};
inline Created& created() {
  static Created c;
  return c;
}

inline void create(sqlite3* db, pgwire::Oid oid) {
  std::string name = std::string(collation_prefix) + std::to_string(oid);
  sqlite3_create_collation_v2(db, name.c_str(), SQLITE_UTF8, reinterpret_cast<void*>(static_cast<std::uintptr_t>(oid)),
                              &compare, nullptr);
}

inline void collation_needed(void*, sqlite3* db, int, const char* name) {
  std::string_view n(name);
  if (!n.starts_with(collation_prefix)) return;
  pgwire::Oid oid = 0;
  auto digits = n.substr(collation_prefix.size());
  if (std::from_chars(digits.data(), digits.data() + digits.size(), oid).ec != std::errc()) return;
  std::lock_guard lock(created().mutex);
  if (created().by_connection[db].insert(oid).second) create(db, oid);
}

}  // namespace detail

// On each new connection (functions.hpp's auto extension).
inline void register_all(sqlite3* db) {
  {
    std::lock_guard lock(detail::created().mutex);
    detail::created().by_connection.erase(db);  // (a new connection where a closed one was)
  }
  sqlite3_collation_needed(db, nullptr, &detail::collation_needed);
}

// Before a statement compiles (translate.hpp): the collation of every enum
// type on this connection. SQLite asks collation_needed only where SQL
// names a collation (CREATE TABLE, COLLATE x), not for a column's own
// collation, which it takes as BINARY when the connection lacks it: a
// type another session made would sort by its bytes.
inline void ensure_collations(sqlite3* db) {
  auto all = enum_registry::registry().all();
  if (all.empty()) return;
  std::lock_guard lock(detail::created().mutex);
  auto& mine = detail::created().by_connection[db];
  for (const auto& t : all)
    if (mine.insert(t->oid).second) detail::create(db, t->oid);
}

// The enum types for the catalog (catalog.hpp): pg_type and pg_enum rows.
inline void describe(sqlite3* db, pgwire::catalog::Description& d) {
  for (auto& t : read_all(db)) {
    pgwire::catalog::EnumInfo e;
    e.name = t.name;
    e.oid = t.oid;
    e.array_oid = t.oid + 1;
    e.labels = std::move(t.labels);
    e.sort_orders = std::move(t.sort_orders);
    d.enums.push_back(std::move(e));
  }
}

}  // namespace sqlite_example::enum_types
