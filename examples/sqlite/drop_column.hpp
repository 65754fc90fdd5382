#pragma once
// ALTER TABLE t DROP [COLUMN] [IF EXISTS] c [RESTRICT | CASCADE], as
// PostgreSQL does it. What belongs to the table goes with the column, even
// without CASCADE: its indexes, and the table's CHECK and FOREIGN KEY
// constraints that name it. What lies outside needs CASCADE, else 2BP01:
// the views that read the column, and the other tables' foreign keys that
// refer to it. Django's migrations drop columns with CASCADE.
//
// SQLite's own DROP COLUMN refuses all of these, so they go first (in one
// savepoint with it). A declared UNIQUE constraint holding the column goes
// too (PostgreSQL drops it with its column): SQLite keeps it as the table's
// own index, so the table is declared again (table_rebuild.hpp). A column of
// a declared primary key is 0A000.

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"
#include "ddl_basics.hpp"
#include "drop_cascade.hpp"
#include "errors.hpp"
#include "schema_edits.hpp"
#include "table_rebuild.hpp"

namespace sqlite_example::drop_column {

using sqlite_dialect::is;
using sqlite_dialect::Token;

struct Request {
  std::string table, column;
  bool if_exists = false, cascade = false;
};

namespace detail {

using drop_cascade::detail::same;

// Whether toks[first, end) has the name `column` (not as a call).
inline bool names_column(const std::vector<Token>& toks, std::size_t first, std::size_t end, const std::string& column) {
  for (std::size_t k = first; k < end; ++k)
    if (toks[k].is_name() && same(sqlite_dialect::identifier(toks[k]), column) &&
        !(k + 1 < end && is(toks[k + 1], "(")))
      return true;
  return false;
}

using table_rebuild::detail::texts;

inline std::string on(const Request& r) { return "column " + r.column + " of table " + r.table; }

}  // namespace detail

// The request at toks[i] (just after DROP [COLUMN]).
inline Request parse(const std::vector<Token>& toks, std::size_t i, std::string table) {
  Request r;
  r.table = std::move(table);
  if (i + 1 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "exists")) {
    r.if_exists = true;
    i += 2;
  }
  if (i >= toks.size() || !toks[i].is_name()) throw pgwire::PgError("42601", "syntax error: a column name expected");
  r.column = sqlite_dialect::identifier(toks[i++]);
  if (i < toks.size() && is(toks[i], "cascade")) {
    r.cascade = true;
    ++i;
  } else if (i < toks.size() && is(toks[i], "restrict")) {
    ++i;
  }
  if (i < toks.size() && !is(toks[i], ";"))
    throw not_supported("ALTER TABLE ... DROP COLUMN ..., " + toks[i].value(), "Send one action per ALTER TABLE.");
  return r;
}

inline bool exists(sqlite3* db, const Request& r) { return ddl::column_exists(db, r.table, r.column); }

// What depends on the column from outside its table: the views that read
// it (and the views reading those), the other tables' foreign keys to it.
inline std::vector<drop_cascade::Dependent> dependents(sqlite3* db, const Request& r) {
  auto out = drop_cascade::dependent_views(db, detail::on(r), [&](const std::string& sql) {
    auto toks = sqlite_dialect::tokenize(sql);
    return drop_cascade::detail::names(sql, r.table) && detail::names_column(toks, 0, toks.size(), r.column);
  });
  int primary_key = 0;
  bool in_primary_key = sqlite3_table_column_metadata(db, nullptr, r.table.c_str(), r.column.c_str(), nullptr, nullptr,
                                                      nullptr, &primary_key, nullptr) == SQLITE_OK &&
                        primary_key != 0;
  for (auto& d : drop_cascade::foreign_keys_to(db, r.table, detail::on(r), [&](const schema_edits::ForeignKey& key) {
         if (key.columns.empty()) return in_primary_key;  // (REFERENCES t: its primary key)
         for (const auto& c : key.columns)
           if (detail::same(c, r.column)) return true;
         return false;
       }))
    out.push_back(std::move(d));
  return out;
}

namespace detail {

// Whether the table's declared primary key holds the column (its own, or the table's).
inline bool in_primary_key(sqlite3* db, const Request& r) {
  std::string create = schema_edits::table_sql(db, r.table);  // (the tokens view it)
  auto e = schema_edits::elements_of(create);
  const auto& t = e.toks;
  for (auto [first, end] : e.ranges) {
    if (first >= end) continue;
    bool named = is(t[first], "constraint") && first + 2 < end;
    std::size_t k = named ? first + 2 : first;
    if (is(t[k], "primary")) {
      if (names_column(t, k, end, r.column)) return true;
    } else if (!named && t[first].is_name() && !is(t[k], "unique") && !is(t[k], "check") && !is(t[k], "foreign") &&
               same(sqlite_dialect::identifier(t[first]), r.column)) {
      for (std::size_t c = first + 1; c < end; ++c)
        if (is(t[c], "primary")) return true;
    }
  }
  return false;
}

// Drops the column: SQLite's DROP COLUMN, or, when a declared UNIQUE holds
// it (SQLite's own index, which its DROP COLUMN refuses), the table
// declared again without the column and those constraints (table_rebuild.hpp).
inline void drop(sqlite3* db, const Request& r) {
  std::string create = schema_edits::table_sql(db, r.table);
  std::vector<sqlite_dialect::Edit> edits;
  for (const auto& u : table_rebuild::declared_uniques(create, r.table)) {
    bool holds = false;
    for (const auto& c : u.columns) holds = holds || same(c, r.column);
    if (holds) edits.push_back({u.from, u.to, ""});
  }
  if (edits.empty()) {
    schema_edits::exec(db, "ALTER TABLE " + sqlite_dialect::quote_identifier(r.table) + " DROP COLUMN " +
                               sqlite_dialect::quote_identifier(r.column));
    return;
  }
  auto e = schema_edits::elements_of(create);
  for (std::size_t n = 0; n < e.ranges.size(); ++n) {
    auto [first, end] = e.ranges[n];
    if (first >= end || !e.toks[first].is_name() || !same(sqlite_dialect::identifier(e.toks[first]), r.column)) continue;
    std::size_t from = n > 0 ? e.toks[first - 1].offset : e.toks[first].offset;
    std::size_t to = n > 0 || n + 1 == e.ranges.size() ? e.toks[end - 1].end() : e.toks[end].end();
    edits.push_back({from, to, ""});  // (its own UNIQUE goes with it)
  }
  std::vector<std::string> kept;
  for (auto& c : table_rebuild::columns_of(db, r.table))
    if (!same(c, r.column)) kept.push_back(std::move(c));
  table_rebuild::rebuild(db, r.table, sqlite_dialect::apply_edits(create, std::move(edits)), kept);
}

// The table's CHECK and FOREIGN KEY constraints (table level) naming the
// column, cut from its declaration.
inline void cut_table_constraints(sqlite3* db, const Request& r) {
  std::string create = schema_edits::table_sql(db, r.table);
  for (;;) {
    auto e = schema_edits::elements_of(create);
    const auto& t = e.toks;
    std::optional<std::size_t> cut;
    for (std::size_t n = 0; n < e.ranges.size() && !cut; ++n) {
      auto [first, end] = e.ranges[n];
      if (first >= end) continue;
      bool named = is(t[first], "constraint") && first + 2 < end;
      std::size_t k = named ? first + 2 : first;
      if (is(t[k], "check") && names_column(t, k, end, r.column)) cut = n;
      if (is(t[k], "foreign") && k + 2 < end && is(t[k + 2], "(") &&
          names_column(t, k + 3, sqlite_dialect::matching_paren(t, k + 2), r.column))
        cut = n;
    }
    if (!cut) break;
    auto [first, end] = e.ranges[*cut];
    std::size_t from = *cut > 0 ? t[first - 1].offset : t[first].offset;
    std::size_t to = *cut > 0 || *cut + 1 == e.ranges.size() ? t[end - 1].end() : t[end].end();
    create = sqlite_dialect::apply_edits(create, {{from, to, ""}});
  }
  if (create != schema_edits::table_sql(db, r.table)) schema_edits::replace_table_sql(db, r.table, create);
}

// The table's own indexes on the column (its key, an expression, a WHERE).
inline void drop_indexes(sqlite3* db, const Request& r) {
  std::string table = sqlite_dialect::quote_literal(r.table);
  for (const auto& name : texts(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND "
                                   "tbl_name = " + table + " COLLATE NOCASE")) {
    auto sql = texts(db, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = " +
                            sqlite_dialect::quote_literal(name));
    std::string text = sql.empty() ? std::string() : sql.front();  // (the tokens view it)
    auto toks = sqlite_dialect::tokenize(text);
    std::size_t on = 0;
    while (on < toks.size() && !is(toks[on], "on")) ++on;
    if (names_column(toks, on + 2, toks.size(), r.column))
      schema_edits::exec(db, "DROP INDEX " + sqlite_dialect::quote_identifier(name));
  }
}

}  // namespace detail

// The NOTICE PostgreSQL sends before the statement runs (IF EXISTS on a
// missing column, CASCADE with dependents), or nullopt.
inline std::optional<pgwire::ErrorInfo> notice(sqlite3* db, const Request& r) {
  if (!exists(db, r))
    return r.if_exists ? std::optional(pgwire::ErrorInfo::notice("column \"" + r.column + "\" of relation \"" +
                                                                 r.table + "\" does not exist, skipping"))
                       : std::nullopt;
  if (!r.cascade || detail::in_primary_key(db, r)) return std::nullopt;  // (nothing goes: run() says why)
  return drop_cascade::notice(dependents(db, r));
}

// Runs the request (IF EXISTS on a missing column: nothing).
inline void run(sqlite3* db, const Request& r) {
  if (!exists(db, r)) {
    if (r.if_exists) return;
    throw pgwire::PgError("42703", "column \"" + r.column + "\" of relation \"" + r.table + "\" does not exist");
  }
  auto depending = dependents(db, r);
  if (!depending.empty() && !r.cascade) {
    std::string detail;
    for (const auto& d : depending)
      detail += (detail.empty() ? "" : "\n") +
                (d.view ? "view " + d.name : "constraint " + d.name + " on table " + d.table) + " depends on " + d.on;
    auto e = pgwire::ErrorInfo::error("2BP01", "cannot drop column " + r.column + " of table " + r.table +
                                                   " because other objects depend on it");
    e.detail = detail;
    throw pgwire::PgError(std::move(e).with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
  }
  if (detail::in_primary_key(db, r)) throw schema_edits::declared_key_error();
  schema_edits::exec(db, "SAVEPOINT pgwire_drop_column");
  try {
    drop_cascade::drop_dependents(db, depending);
    detail::drop_indexes(db, r);
    detail::cut_table_constraints(db, r);
    detail::drop(db, r);
    column_types::forget_column(db, r.table, r.column);
    schema_edits::exec(db, "RELEASE pgwire_drop_column");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK TO pgwire_drop_column; RELEASE pgwire_drop_column", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace sqlite_example::drop_column
