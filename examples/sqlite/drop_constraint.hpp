#pragma once
// ALTER TABLE t DROP CONSTRAINT [IF EXISTS] name [RESTRICT | CASCADE]:
//   a key ALTER TABLE added       its index is dropped (key_names.hpp);
//   a UNIQUE CREATE TABLE declared the table is declared again without it
//                                 (table_rebuild.hpp); other tables'
//                                 foreign keys on its columns need CASCADE
//                                 (2BP01 without, a NOTICE with), as in
//                                 PostgreSQL, where they depend on its index;
//   a CHECK or foreign key        cut from the CREATE text (schema_edits.hpp);
//   a declared primary key        0A000 (SQLite's rowid or own index);
//   none of that name             42704, or IF EXISTS's notice (skip_notices.hpp).

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "drop_cascade.hpp"
#include "schema_edits.hpp"
#include "table_rebuild.hpp"

namespace sqlite_example::drop_constraint {

// The declared UNIQUE constraint `name` of `table`, if it is one.
inline std::optional<table_rebuild::DeclaredUnique> declared_unique(sqlite3* db, const std::string& table,
                                                                    const std::string& name) {
  for (auto& u : table_rebuild::declared_uniques(schema_edits::table_sql(db, table), table))
    if (u.name == name) return std::move(u);
  return std::nullopt;
}

// The other tables' foreign keys that refer to the unique's columns.
inline std::vector<drop_cascade::Dependent> dependents(sqlite3* db, const std::string& table,
                                                       const table_rebuild::DeclaredUnique& u) {
  using drop_cascade::detail::same;
  return drop_cascade::foreign_keys_to(db, table, "index " + u.name, [&](const schema_edits::ForeignKey& key) {
    if (key.columns.size() != u.columns.size()) return false;
    for (const auto& c : key.columns) {
      bool found = false;
      for (const auto& uc : u.columns) found = found || same(c, uc);
      if (!found) return false;
    }
    return true;
  });
}

// The NOTICE of DROP CONSTRAINT ... CASCADE, before it runs; nullopt when nothing else goes.
inline std::optional<pgwire::ErrorInfo> notice(sqlite3* db, const std::string& table, const std::string& name) {
  auto u = declared_unique(db, table, name);
  return u ? drop_cascade::notice(dependents(db, table, *u)) : std::nullopt;
}

inline void run(sqlite3* db, const std::string& table, const std::string& name, bool if_exists, bool cascade) {
  if (schema_edits::is_added_key(db, table, name)) {
    schema_edits::exec(db, "DROP INDEX " + sqlite_dialect::quote_identifier(name));
    return;
  }
  if (auto u = declared_unique(db, table, name)) {
    auto depending = dependents(db, table, *u);
    if (!depending.empty() && !cascade) {
      std::string detail;
      for (const auto& d : depending)
        detail += (detail.empty() ? "" : "\n") + ("constraint " + d.name + " on table " + d.table) + " depends on " + d.on;
      auto e = pgwire::ErrorInfo::error("2BP01", "cannot drop constraint " + name + " on table " + table +
                                                     " because other objects depend on it");
      e.detail = detail;
      throw pgwire::PgError(std::move(e).with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
    }
    schema_edits::exec(db, "SAVEPOINT pgwire_drop_unique");
    try {
      drop_cascade::drop_dependents(db, depending);
      std::string create = schema_edits::table_sql(db, table);
      table_rebuild::rebuild(db, table, sqlite_dialect::apply_edits(create, {{u->from, u->to, ""}}),
                             table_rebuild::columns_of(db, table));
      schema_edits::exec(db, "RELEASE pgwire_drop_unique");
    } catch (...) {
      sqlite3_exec(db, "ROLLBACK TO pgwire_drop_unique; RELEASE pgwire_drop_unique", nullptr, nullptr, nullptr);
      throw;
    }
    return;
  }
  if (auto edited = schema_edits::without_constraint(schema_edits::table_sql(db, table), table, name)) {
    schema_edits::replace_table_sql(db, table, *edited);
    return;
  }
  if (schema_edits::is_declared_key(db, table, name)) throw schema_edits::declared_key_error();
  if (!if_exists)
    throw pgwire::PgError("42704", "constraint \"" + name + "\" of relation \"" + table + "\" does not exist");
}

}  // namespace sqlite_example::drop_constraint
