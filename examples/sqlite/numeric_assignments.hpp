#pragma once
// What a numeric(p,s) column stores is rounded to its scale when written,
// as PostgreSQL coerces a value to the column's type modifier: after
// `UPDATE t SET price = price * 1.1` price is 1.09, not 1.089, and sums,
// comparisons and keys see 1.09. SQLite cannot coerce on write (a CHECK
// cannot change a value), so the statement says it:
//
//   UPDATE t SET price = <expr>      -> SET price = pgwire_numeric_round(<expr>, 2)
//   INSERT ... VALUES (..., <expr>)  -> the same for the column's value
//                                       (insert_defaults.hpp; a number
//                                       literal there becomes its text)
//
// The columns are found by their SQLite declaration, NUMERIC_AS_TEXT(p,s)
// (numeric_text.hpp), which sqlite3_table_column_metadata reads from the
// schema SQLite holds in memory: no statement runs for an UPDATE of a
// table without such columns.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"
#include "numeric_text.hpp"

namespace sqlite_example::numeric_assignments {

inline constexpr std::int32_t not_scaled = -1;

// The scale of table.column when it is an exact numeric with one, else not_scaled.
inline std::int32_t scale_of(sqlite3* db, const std::string& table, const std::string& column) {
  const char* decl = nullptr;
  if (sqlite3_table_column_metadata(db, nullptr, table.c_str(), column.c_str(), &decl, nullptr, nullptr, nullptr,
                                    nullptr) != SQLITE_OK ||
      decl == nullptr)
    return not_scaled;
  std::string_view d(decl);
  if (!d.starts_with(numeric_text::declared_name) || d.find('(') == std::string_view::npos) return not_scaled;
  std::int32_t modifier = type_modifier(pgwire::oid::numeric, d);
  return modifier >= 4 ? (modifier - 4) & 0xffff : not_scaled;
}

// The edits that wrap the value toks[first, end) for a column of `scale`.
inline void wrap(const std::vector<sqlite_dialect::Token>& toks, std::size_t first, std::size_t end,
                 std::int32_t scale, std::vector<sqlite_dialect::Edit>& edits) {
  if (first >= end) return;
  if (end == first + 1 && (toks[first].is_keyword("null") || toks[first].is_keyword("default"))) return;
  edits.push_back({toks[first].offset, toks[first].offset, "pgwire_numeric_round("});
  edits.push_back({toks[end - 1].end(), toks[end - 1].end(), ", " + std::to_string(scale) + ")"});
}

// A date, time, timestamp, timestamptz or boolean column holds its type's
// canonical form ('2024-01-05', a timestamptz's text in UTC, a boolean's
// 0/1), so that SQLite's comparisons see values, not spellings: what is
// written to one is cast to that form (pgwire_cast(v, type): '2024-1-5' is
// 2024-01-05, 'yes' is 1, a timestamptz without an offset the session's
// TimeZone's local time, as PostgreSQL reads them). Only columns the
// dialect's DDL made (recorded in its side table): a table SQLite made
// itself (the demo table) keeps what it is given, checked when read.
inline pgwire::Oid canonical_type_of_declared(std::string_view decl) {
  for (auto [name, type] : {std::pair<const char*, pgwire::Oid>{"DATE", pgwire::oid::date},
                            {"TIME", pgwire::oid::time},
                            {"TIMESTAMP", pgwire::oid::timestamp},
                            {"TIMESTAMPTZ", pgwire::oid::timestamptz},
                            {"BOOL", pgwire::oid::bool_}})
    if (decl.size() == std::string_view(name).size() &&
        sqlite3_strnicmp(decl.data(), name, static_cast<int>(decl.size())) == 0)
      return type;
  return 0;
}
// Did the dialect's DDL make the column, with its type's CHECK
// (pgwire_valid, column_defs.hpp)? `create_sql`: the table's CREATE TABLE
// as SQLite keeps it.
inline bool checked_on_write(std::string_view create_sql, const std::string& column) {
  std::string quoted = sqlite_dialect::quote_identifier(column);
  if (quoted.front() != '"') quoted = "\"" + quoted + "\"";
  return create_sql.find("pgwire_valid(" + quoted + ",") != std::string_view::npos;
}
inline std::string create_sql_of(sqlite3* db, const std::string& table) {
  sqlite3_stmt* s = nullptr;
  std::string sql;
  if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", -1, &s,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
      sql = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  }
  sqlite3_finalize(s);
  return sql;
}

// The column's type when it is one of those (and checked on write), else 0.
inline pgwire::Oid canonical_type(sqlite3* db, const std::string& table, const std::string& column) {
  const char* decl = nullptr;
  if (sqlite3_table_column_metadata(db, nullptr, table.c_str(), column.c_str(), &decl, nullptr, nullptr, nullptr,
                                    nullptr) != SQLITE_OK ||
      decl == nullptr)
    return 0;
  pgwire::Oid type = canonical_type_of_declared(decl);
  return type != 0 && checked_on_write(create_sql_of(db, table), column) ? type : 0;
}
inline void wrap_canonical(const std::vector<sqlite_dialect::Token>& toks, std::size_t first, std::size_t end,
                        pgwire::Oid type, std::vector<sqlite_dialect::Edit>& edits) {
  if (first >= end) return;
  if (end == first + 1 && (toks[first].is_keyword("null") || toks[first].is_keyword("default"))) return;
  // (a parameter: bound as the column's type, so already canonical: parameters.hpp)
  if (end == first + 1 && toks[first].kind == sqlite_dialect::Kind::parameter) return;
  edits.push_back({toks[first].offset, toks[first].offset, "pgwire_cast("});
  edits.push_back({toks[end - 1].end(), toks[end - 1].end(), ", " + std::to_string(type) + ")"});
}

// UPDATE [ONLY] t [[AS] alias] SET col = expr, ... : the statement with
// the values of numeric(p,s) columns wrapped; nullopt when none is set.
inline std::optional<std::string> round_update(sqlite3* db, std::string_view sql,
                                               const std::vector<sqlite_dialect::Token>& toks) {
  using sqlite_dialect::is;
  if (toks.size() < 5 || !is(toks[0], "update")) return std::nullopt;
  std::size_t i = 1;
  if (is(toks[i], "only")) ++i;
  if (i >= toks.size() || !toks[i].is_name()) return std::nullopt;
  std::string table = sqlite_dialect::identifier(toks[i++]);
  if (i + 1 < toks.size() && is(toks[i], ".") && toks[i + 1].is_name()) {
    table = sqlite_dialect::identifier(toks[i + 1]);
    i += 2;
  }
  while (i < toks.size() && !is(toks[i], "set")) ++i;  // ([AS] alias)
  std::vector<sqlite_dialect::Edit> edits;
  for (++i; i + 2 < toks.size();) {
    // col = value, up to a comma or a clause at the top level
    std::size_t column = i, value = i + 2, k = value;
    bool simple = toks[column].is_name() && is(toks[column + 1], "=");
    int depth = 0;
    for (; k < toks.size(); ++k) {
      if (is(toks[k], "(")) ++depth;
      if (is(toks[k], ")")) --depth;
      if (depth < 0 || (depth == 0 && (is(toks[k], ",") || is(toks[k], "from") || is(toks[k], "where") ||
                                       is(toks[k], "returning") || is(toks[k], ";"))))
        break;
    }
    if (simple) {
      std::string name = sqlite_dialect::identifier(toks[column]);
      std::int32_t scale = scale_of(db, table, name);
      if (scale != not_scaled) {
        wrap(toks, value, k, scale, edits);
      } else if (auto type = canonical_type(db, table, name)) {
        wrap_canonical(toks, value, k, type, edits);
      }
    }
    if (k >= toks.size() || !is(toks[k], ",")) break;
    i = k + 1;
  }
  if (edits.empty()) return std::nullopt;
  return sqlite_dialect::apply_edits(sql, std::move(edits));
}

}  // namespace sqlite_example::numeric_assignments
