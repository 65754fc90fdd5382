#pragma once
// A table declared anew, its rows kept: for the edits SQLite's ALTER TABLE
// cannot make because SQLite keeps a declared UNIQUE constraint as the
// table's own index (sqlite_autoindex_t_N): dropping such a constraint
// (ALTER TABLE ... DROP CONSTRAINT t_code_key, Django's unique=False), or
// a column that one holds (DROP COLUMN).
//
// SQLite's recipe is a new table, a copy and a rename; a rename would leave
// the other tables' foreign keys naming the dropped table, and the recipe
// turns foreign keys off, which cannot happen inside a transaction. So
// here, in one savepoint: the rows are copied aside (with their rowids),
// the table is dropped and created again under its own name, the rows go
// back, then its indexes, triggers and AUTOINCREMENT counter.
// defer_foreign_keys holds the other tables' references to it while it is
// away: dropping it counts each referencing row as a violation, and putting
// its row back counts it off again, so nothing is left at COMMIT unless a
// row really went.

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "schema_edits.hpp"

namespace sqlite_example::table_rebuild {

using sqlite_dialect::is;

namespace detail {

inline std::vector<std::string> texts(sqlite3* db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK)
    while (sqlite3_step(s) == SQLITE_ROW)
      out.emplace_back(sqlite3_column_text(s, 0) ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "");
  sqlite3_finalize(s);
  return out;
}

inline std::string column_list(const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + sqlite_dialect::quote_identifier(c);
  return out;
}

}  // namespace detail

// Declares `table` as `create` (same name), with the rows of `columns`
// (those it keeps, in any order).
inline void rebuild(sqlite3* db, const std::string& table, const std::string& create,
                    const std::vector<std::string>& columns) {
  std::string name = sqlite_dialect::quote_identifier(table), literal = sqlite_dialect::quote_literal(table);
  bool deferred = detail::texts(db, "PRAGMA defer_foreign_keys") == std::vector<std::string>{"1"};
  auto belongings = detail::texts(db, "SELECT sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT "
                                      "NULL AND tbl_name = " + literal + " COLLATE NOCASE ORDER BY rowid");
  bool counted = schema_edits::any_row(db, "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'");
  auto sequence = counted ? detail::texts(db, "SELECT seq FROM sqlite_sequence WHERE name = " + literal +
                                                  " COLLATE NOCASE")
                          : std::vector<std::string>{};
  std::string list = detail::column_list(columns);
  schema_edits::exec(db, "SAVEPOINT pgwire_rebuild");
  try {
    schema_edits::exec(db, "PRAGMA defer_foreign_keys = ON");
    schema_edits::exec(db, "CREATE TEMP TABLE pgwire_rebuild_rows AS SELECT rowid AS pgwire_rowid, " + list +
                               " FROM " + name);
    schema_edits::exec(db, "DROP TABLE " + name);
    schema_edits::exec(db, create);
    schema_edits::exec(db, "INSERT INTO " + name + " (rowid, " + list + ") SELECT pgwire_rowid, " + list +
                               " FROM temp.pgwire_rebuild_rows ORDER BY pgwire_rowid");
    schema_edits::exec(db, "DROP TABLE temp.pgwire_rebuild_rows");
    for (const auto& sql : belongings) schema_edits::exec(db, sql);
    if (!sequence.empty()) {
      schema_edits::exec(db, "DELETE FROM sqlite_sequence WHERE name = " + literal + " COLLATE NOCASE");
      schema_edits::exec(db, "INSERT INTO sqlite_sequence (name, seq) VALUES (" + literal + ", " +
                                 sqlite_dialect::quote_literal(sequence.front()) + ")");
    }
    if (!deferred) schema_edits::exec(db, "PRAGMA defer_foreign_keys = OFF");
    schema_edits::exec(db, "RELEASE pgwire_rebuild");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK TO pgwire_rebuild; RELEASE pgwire_rebuild", nullptr, nullptr, nullptr);
    if (!deferred) sqlite3_exec(db, "PRAGMA defer_foreign_keys = OFF", nullptr, nullptr, nullptr);
    throw;
  }
}

// The table's columns, in order.
inline std::vector<std::string> columns_of(sqlite3* db, const std::string& table) {
  return detail::texts(db, "SELECT name FROM pragma_table_info(" + sqlite_dialect::quote_literal(table) +
                               ") ORDER BY cid");
}

// A declared UNIQUE constraint: its name as PostgreSQL gives it, its
// columns, and the text to cut from the CREATE statement.
struct DeclaredUnique {
  std::string name;
  std::vector<std::string> columns;
  std::size_t from = 0, to = 0;  // offsets in the CREATE text
  bool table_level = false;        // (else inside its column's definition)
};

// The UNIQUE constraints `create` (table `table`'s) declares: a table's
// [CONSTRAINT n] UNIQUE (a, b) (t_a_b_key) and a column's [CONSTRAINT n]
// UNIQUE [ON CONFLICT ...] (t_col_key).
inline std::vector<DeclaredUnique> declared_uniques(std::string_view create, const std::string& table) {
  std::vector<DeclaredUnique> out;
  auto e = schema_edits::elements_of(create);
  const auto& t = e.toks;
  for (std::size_t n = 0; n < e.ranges.size(); ++n) {
    auto [first, end] = e.ranges[n];
    if (first >= end) continue;
    bool named = is(t[first], "constraint") && first + 2 < end;
    std::size_t k = named ? first + 2 : first;
    if (is(t[k], "unique") && k + 1 < end && is(t[k + 1], "(")) {
      DeclaredUnique u;
      for (std::size_t c = k + 2; c < end && !is(t[c], ")"); ++c)
        if (t[c].is_name()) u.columns.push_back(sqlite_dialect::identifier(t[c]));
      u.name = table;
      for (const auto& c : u.columns) u.name += "_" + c;
      u.name = named ? sqlite_dialect::identifier(t[first + 1]) : u.name + "_key";
      u.from = n > 0 ? t[first - 1].offset : t[first].offset;  // (with the comma before it)
      u.to = n > 0 || n + 1 == e.ranges.size() ? t[end - 1].end() : t[end].end();
      u.table_level = true;
      out.push_back(std::move(u));
      continue;
    }
    if (named || !t[first].is_name() || is(t[k], "primary") || is(t[k], "check") || is(t[k], "foreign")) continue;
    std::string column = sqlite_dialect::identifier(t[first]);
    for (std::size_t c = first + 1; c < end; ++c) {
      if (!is(t[c], "unique")) continue;
      bool own_name = c >= 2 && is(t[c - 2], "constraint");
      DeclaredUnique u{own_name ? sqlite_dialect::identifier(t[c - 1]) : table + "_" + column + "_key", {column},
                       t[own_name ? c - 2 : c].offset, t[c].end(), false};
      if (c + 3 < end && is(t[c + 1], "on") && is(t[c + 2], "conflict")) u.to = t[c + 3].end();
      out.push_back(std::move(u));
    }
  }
  return out;
}

}  // namespace sqlite_example::table_rebuild
