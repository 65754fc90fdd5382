#pragma once
// The NOTICE PostgreSQL sends when IF [NOT] EXISTS makes a statement do
// nothing ("table "t" does not exist, skipping"): psql prints it, and
// migration tools log it. SQLite skips silently, so the server looks
// first, before the statement runs (its state after would say nothing).
//
//   DROP TABLE | VIEW | INDEX IF EXISTS name     -> <kind> "name" does not exist, skipping
//   CREATE TABLE | INDEX IF NOT EXISTS name ...  -> relation "name" already exists, skipping
//   DROP SEQUENCE IF EXISTS name, CREATE SEQUENCE IF NOT EXISTS name: the same (sequences.hpp)
//   DROP TYPE IF EXISTS, ALTER TYPE ... ADD VALUE IF NOT EXISTS: enum_ddl::skip_notices
//   ALTER TABLE t DROP CONSTRAINT IF EXISTS name -> constraint "name" of relation "t" does not exist, skipping
//   ALTER TABLE t DROP CONSTRAINT t_a_key CASCADE -> drop cascades to ... (drop_constraint.hpp)
//   ALTER TABLE t DROP COLUMN IF EXISTS c, ... c CASCADE: drop_column.hpp
//   ALTER TABLE t ADD COLUMN IF NOT EXISTS c ... -> column "c" of relation "t" already exists, skipping
//   DROP TABLE t CASCADE -> drop cascades to ... (drop_cascade.hpp)
//
// A DROP TABLE of several tables comes here one table at a time
// (ddl::per_table_statements).

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "ddl_basics.hpp"
#include "drop_cascade.hpp"
#include "drop_column.hpp"
#include "drop_constraint.hpp"
#include "schema_edits.hpp"
#include "sequences.hpp"

namespace sqlite_example::skip_notices {

// Is there a table, view or index (`kind`; empty: any of them) named `name`,
// permanent or temporary?
inline bool exists(sqlite3* db, std::string_view kind, const std::string& name) {
  static constexpr const char* sql =
      "SELECT 1 FROM (SELECT type, name FROM sqlite_schema UNION ALL SELECT type, name FROM sqlite_temp_schema)"
      " WHERE name = ?1 COLLATE NOCASE AND (?2 = '' OR type = ?2) AND type IN ('table', 'view', 'index')";
  sqlite3_stmt* s = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, kind.data(), static_cast<int>(kind.size()), SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

// The object's name at toks[i] (schema-qualified or not), or empty.
inline std::string name_at(const std::vector<sqlite_dialect::Token>& toks, std::size_t i) {
  if (i >= toks.size() || !toks[i].is_name()) return {};
  if (i + 2 < toks.size() && sqlite_dialect::is(toks[i + 1], ".") && toks[i + 2].is_name())
    return sqlite_dialect::identifier(toks[i + 2]);
  return sqlite_dialect::identifier(toks[i]);
}

// The notice for `sql` (one statement whose first word is DROP or CREATE),
// judged before it runs; nullopt when it will do something.
inline std::optional<pgwire::ErrorInfo> before(sqlite3* db, std::string_view sql) {
  using sqlite_dialect::is;
  auto toks = sqlite_dialect::tokenize(sql);
  auto at = [&](std::size_t i, std::string_view word) { return i < toks.size() && is(toks[i], word); };
  while (!toks.empty() && is(toks.back(), ";")) toks.pop_back();
  if (at(0, "drop") && at(1, "sequence") && at(2, "if") && at(3, "exists")) {
    std::optional<pgwire::ErrorInfo> notice;  // (the first missing one: the statement sends one notice per name)
    for (std::size_t i = 4; i < toks.size(); ++i) {
      std::string name = name_at(toks, i);
      if (name.empty()) continue;
      if (!sequences::exists(db, name))
        return pgwire::ErrorInfo::notice("sequence \"" + name + "\" does not exist, skipping");
      while (i + 1 < toks.size() && !is(toks[i + 1], ",")) ++i;
    }
    return notice;
  }
  if (at(0, "create") && at(1, "sequence") && at(2, "if") && at(3, "not") && at(4, "exists")) {
    std::string name = name_at(toks, 5);
    if (name.empty() || !sequences::exists(db, name)) return std::nullopt;
    return pgwire::ErrorInfo::notice("relation \"" + name + "\" already exists, skipping");
  }
  if (at(0, "drop") && (at(1, "table") || at(1, "view") || at(1, "index")) && at(2, "if") && at(3, "exists")) {
    std::size_t i = 4;
    if (at(i, "concurrently")) ++i;  // (DROP INDEX CONCURRENTLY IF EXISTS is not PostgreSQL's order; harmless)
    std::string name = name_at(toks, i);
    std::string kind = sqlite_dialect::identifier(toks[1]);
    if (!name.empty() && kind == "table" && exists(db, kind, name) && is(toks.back(), "cascade"))
      return drop_cascade::notice(drop_cascade::dependents(db, name));
    if (name.empty() || exists(db, kind, name)) return std::nullopt;
    return pgwire::ErrorInfo::notice(kind + " \"" + name + "\" does not exist, skipping");
  }
  // DROP TABLE t CASCADE (without IF EXISTS; with it: above)
  if (at(0, "drop") && at(1, "table") && !toks.empty() && is(toks.back(), "cascade")) {
    std::string name = name_at(toks, 2);
    if (name.empty() || !exists(db, "table", name)) return std::nullopt;
    return drop_cascade::notice(drop_cascade::dependents(db, name));
  }
  // ALTER TABLE [IF EXISTS] [ONLY] t DROP CONSTRAINT IF EXISTS name, or DROP [COLUMN]
  if (at(0, "alter") && at(1, "table")) {
    std::size_t i = 2;
    if (at(i, "if") && at(i + 1, "exists")) i += 2;
    if (at(i, "only")) ++i;
    std::string table = name_at(toks, i);
    i += at(i + 1, ".") ? 3 : 1;
    if (!table.empty() && at(i, "add") && exists(db, "table", table)) {  // ADD [COLUMN] IF NOT EXISTS c
      std::size_t k = at(i + 1, "column") ? i + 2 : i + 1;
      std::string column = at(k, "if") && at(k + 1, "not") && at(k + 2, "exists") ? name_at(toks, k + 3) : "";
      if (column.empty() || !ddl::column_exists(db, table, column)) return std::nullopt;
      return pgwire::ErrorInfo::notice("column \"" + column + "\" of relation \"" + table + "\" already exists, skipping");
    }
    if (!table.empty() && at(i, "drop") && !at(i + 1, "constraint") && exists(db, "table", table)) {
      try {
        return drop_column::notice(db, drop_column::parse(toks, at(i + 1, "column") ? i + 2 : i + 1, table));
      } catch (const pgwire::PgError&) {
        return std::nullopt;  // (the statement reports it)
      }
    }
    if (!table.empty() && at(i, "drop") && at(i + 1, "constraint") && is(toks.back(), "cascade") &&
        exists(db, "table", table)) {
      std::string name = name_at(toks, at(i + 2, "if") ? i + 4 : i + 2);
      if (!name.empty()) return drop_constraint::notice(db, table, name);
    }
    if (table.empty() || !at(i, "drop") || !at(i + 1, "constraint") || !at(i + 2, "if") || !at(i + 3, "exists"))
      return std::nullopt;
    std::string name = name_at(toks, i + 4);
    if (name.empty() || !exists(db, "table", table) || schema_edits::has_constraint(db, table, name))
      return std::nullopt;
    return pgwire::ErrorInfo::notice("constraint \"" + name + "\" of relation \"" + table +
                                     "\" does not exist, skipping");
  }
  if (!at(0, "create")) return std::nullopt;
  std::size_t i = 1;
  while (at(i, "temp") || at(i, "temporary") || at(i, "unlogged") || at(i, "unique")) ++i;
  if (!at(i, "table") && !at(i, "index")) return std::nullopt;
  ++i;
  if (at(i, "concurrently")) ++i;
  if (!(at(i, "if") && at(i + 1, "not") && at(i + 2, "exists"))) return std::nullopt;
  std::string name = name_at(toks, i + 3);
  if (name.empty() || !exists(db, "", name)) return std::nullopt;
  return pgwire::ErrorInfo::notice("relation \"" + name + "\" already exists, skipping");
}

}  // namespace sqlite_example::skip_notices
