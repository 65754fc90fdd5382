#pragma once
// The values an INSERT ... VALUES gave some columns, read back after it
// failed: PostgreSQL's DETAIL of a key violation names the row's key
// ("Key (email)=(a@x) already exists."), and SQLite says only which
// constraint failed. The statement's own expressions (parameters bound in
// place by sqlite3_expanded_sql) are evaluated again, row by row. Other
// INSERT forms (SELECT, DEFAULT VALUES) give nothing.

#include <sqlite3.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "table_columns.hpp"
#include "tokens.hpp"

namespace sqlite_example::inserted_rows {

using Value = std::optional<std::string>;  // as text; nullopt: NULL
using Row = std::vector<Value>;

namespace detail {

// Evaluates `SELECT exprs` on db: one row of text values, nullopt when it fails.
inline std::optional<Row> evaluate(sqlite3* db, const std::string& select) {
  sqlite3_stmt* s = nullptr;
  std::optional<Row> out;
  if (sqlite3_prepare_v2(db, select.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    Row row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      const unsigned char* t = sqlite3_column_text(s, i);
      if (t) row.emplace_back(reinterpret_cast<const char*>(t)); else row.emplace_back(std::nullopt);
    }
    out = std::move(row);
  }
  sqlite3_finalize(s);
  return out;
}

}  // namespace detail

// The table `failed` inserts into and, for each VALUES row, the values of
// `columns` (in that order; empty: all the table's columns). Empty when the statement is no INSERT ...
// VALUES, or a row's value cannot be read back (a DEFAULT, a column the
// statement leaves out).
struct Inserted {
  std::string table;
  std::vector<Row> rows;
};

inline Inserted read(sqlite3* db, sqlite3_stmt* failed, const std::vector<std::string>& columns) {
  using sqlite_dialect::is;
  Inserted out;
  if (!failed) return out;
  char* expanded = sqlite3_expanded_sql(failed);
  if (!expanded) return out;
  std::string sql = expanded;
  sqlite3_free(expanded);
  auto toks = sqlite_dialect::tokenize(sql);
  std::size_t k = 0;
  if (k >= toks.size() || !is(toks[k], "insert")) return out;
  ++k;
  if (k + 1 < toks.size() && is(toks[k], "or")) k += 2;  // INSERT OR ...
  if (k >= toks.size() || !is(toks[k], "into")) return out;
  ++k;
  if (k + 2 < toks.size() && is(toks[k + 1], ".")) k += 2;  // main.t
  if (k >= toks.size() || !toks[k].is_name()) return out;
  std::string table = sqlite_dialect::identifier(toks[k++]);
  if (k + 1 < toks.size() && is(toks[k], "as")) k += 2;  // (an alias)
  std::vector<std::string> listed;
  if (k < toks.size() && is(toks[k], "(")) {
    std::size_t close = sqlite_dialect::matching_paren(toks, k);
    if (close >= toks.size()) return out;
    for (std::size_t j = k + 1; j < close; ++j)
      if (toks[j].is_name()) listed.push_back(sqlite_dialect::identifier(toks[j]));
    k = close + 1;
  } else {
    listed = column_names(db, table);
  }
  std::vector<std::string> all;
  if (columns.empty()) all = column_names(db, table);
  std::vector<std::size_t> positions;
  for (const auto& c : columns.empty() ? all : columns) {
    std::size_t p = 0;
    while (p < listed.size() && sqlite3_stricmp(listed[p].c_str(), c.c_str()) != 0) ++p;
    if (p == listed.size()) return out;
    positions.push_back(p);
  }
  if (k >= toks.size() || !is(toks[k], "values")) return out;
  ++k;
  while (k < toks.size() && is(toks[k], "(")) {
    std::size_t close = sqlite_dialect::matching_paren(toks, k);
    if (close >= toks.size()) return {};
    // The row's expressions: text between its top-level commas.
    std::vector<std::string> exprs;
    std::size_t start = k + 1;
    int depth = 0;
    for (std::size_t j = k + 1; j <= close; ++j) {
      if (j < close && is(toks[j], "(")) ++depth;
      if (j < close && is(toks[j], ")")) --depth;
      if (j == close || (depth == 0 && is(toks[j], ","))) {
        if (start >= j) return {};
        exprs.push_back(sql.substr(toks[start].offset, toks[j - 1].end() - toks[start].offset));
        start = j + 1;
      }
    }
    std::string select = "SELECT ";
    for (std::size_t i = 0; i < positions.size(); ++i) {
      if (positions[i] >= exprs.size() || is(sqlite_dialect::tokenize(exprs[positions[i]]).front(), "default"))
        return {};
      select += (i ? ", " : "") + exprs[positions[i]];
    }
    auto row = detail::evaluate(db, select);
    if (!row) return {};
    out.rows.push_back(std::move(*row));
    k = close + 1;
    if (k < toks.size() && is(toks[k], ",")) ++k;
  }
  out.table = std::move(table);
  return out;
}

// Whether `table` has a row whose `columns` hold `values` (none NULL;
// compared as SQLite's affinity reads text).
inline bool has_row(sqlite3* db, const std::string& table, const std::vector<std::string>& columns, const Row& values) {
  std::string sql = "SELECT 1 FROM " + sqlite_dialect::quote_identifier(table) + " WHERE ";
  for (std::size_t i = 0; i < columns.size(); ++i)
    sql += (i ? " AND " : "") + sqlite_dialect::quote_identifier(columns[i]) + " = ?" + std::to_string(i + 1);
  sqlite3_stmt* s = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
    for (std::size_t i = 0; i < values.size() && i < columns.size(); ++i)
      sqlite3_bind_text(s, static_cast<int>(i + 1), values[i]->c_str(), -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

// The first row whose `columns` (a UNIQUE key's) hold values another row
// has: one in `table`, or an earlier one of the statement. nullopt when
// none is found (an UPDATE, a key made by a DEFAULT).
inline std::optional<Row> duplicate_key(sqlite3* db, sqlite3_stmt* failed, const std::vector<std::string>& columns) {
  auto inserted = read(db, failed, columns);
  std::vector<Row> seen;
  for (const auto& row : inserted.rows) {
    bool has_null = false;
    for (const auto& v : row) has_null = has_null || !v;
    if (has_null) continue;  // (NULLs are distinct)
    for (const auto& earlier : seen)
      if (earlier == row) return row;
    seen.push_back(row);
    if (has_row(db, inserted.table, columns, row)) return row;
  }
  return std::nullopt;
}

// PostgreSQL's "Failing row contains (1, x, null)." for an INSERT ...
// VALUES that gives every column: the first row `fails` picks (given the
// table's column names). Empty when the statement does not tell, or when
// `only_row` and it has several rows (which one broke a CHECK is unknown).
template <class Fails>
std::string failing_row_detail(sqlite3* db, sqlite3_stmt* failed, const Fails& fails, bool only_row = false) {
  auto inserted = read(db, failed, {});
  if (inserted.rows.empty() || (only_row && inserted.rows.size() != 1)) return {};
  auto names = column_names(db, inserted.table);
  // (booleans are stored 0/1; PostgreSQL prints t/f)
  std::vector<bool> boolean(names.size(), false);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT upper(type) FROM pragma_table_info(?1) ORDER BY cid", -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, inserted.table.c_str(), -1, SQLITE_TRANSIENT);
    for (std::size_t i = 0; i < boolean.size() && sqlite3_step(s) == SQLITE_ROW; ++i) {
      const unsigned char* t = sqlite3_column_text(s, 0);
      boolean[i] = t && std::string_view(reinterpret_cast<const char*>(t)).starts_with("BOOL");
    }
  }
  sqlite3_finalize(s);
  for (const auto& row : inserted.rows) {
    if (row.size() != names.size() || !fails(row, names)) continue;
    std::string text;
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string v = !row[i] ? "null" : boolean[i] && (*row[i] == "0" || *row[i] == "1") ? (*row[i] == "1" ? "t" : "f") : *row[i];
      text += (i ? ", " : "") + v;
    }
    return "Failing row contains (" + text + ").";
  }
  return {};
}

}  // namespace sqlite_example::inserted_rows
