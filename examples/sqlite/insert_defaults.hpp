#pragma once
// INSERT ... VALUES as PostgreSQL reads it, for SQLite:
// - `VALUES (DEFAULT, 'x')`: SQLite has no DEFAULT in a VALUES list. Each
//   such DEFAULT becomes the column's default expression as SQLite keeps it
//   (the translated one: "(now())", "'x'"), or NULL: for the rowid (SQLite
//   numbers it then) and for a column without a default, which is what
//   PostgreSQL inserts there too;
// - `INSERT INTO t VALUES (1, 'x')` with fewer values than t has columns:
//   PostgreSQL fills the first columns and defaults the rest; SQLite wants
//   every column, so the first columns are named;
// - a value for a GENERATED ALWAYS AS IDENTITY column is 428C9, as in
//   PostgreSQL, unless OVERRIDING SYSTEM VALUE (removed for SQLite) says so;
// - a number literal for an exact numeric column (numeric_text.hpp) is
//   given as its text, at the column's scale: 1.50 stays 1.50; another
//   value for a numeric(p,s) column is rounded to s as it is written
//   (numeric_assignments.hpp).

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../sqlite_dialect.hpp"
#include "column_defs.hpp"
#include "errors.hpp"
#include "numeric_assignments.hpp"
#include "numeric_text.hpp"

namespace sqlite_example {

namespace insert_defaults_detail {

struct ColumnDefault {
  std::string name, sql;  // sql: what replaces DEFAULT
  // An exact numeric column's scale (numeric_text.hpp): -1 without one;
  // not_exact for other columns.
  std::int32_t numeric_scale = not_exact;
  static constexpr std::int32_t not_exact = -2;
  // A date/time or boolean column's type when the dialect's DDL made it
  // (numeric_assignments::canonical_type), else 0.
  pgwire::Oid canonical = 0;
};

// The table's CREATE statement as SQLite keeps it.
inline std::string table_sql(sqlite3* db, const std::string& table) {
  return numeric_assignments::create_sql_of(db, table);
}

inline std::vector<ColumnDefault> table_defaults(sqlite3* db, const std::string& table) {
  std::vector<ColumnDefault> out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, dflt_value, type FROM pragma_table_info(?1)", -1, &s, nullptr) != SQLITE_OK)
    return out;
  sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  std::string create;  // (read once, for the first date/time or boolean column)
  while (sqlite3_step(s) == SQLITE_ROW) {
    auto text = [&](int i) {
      const unsigned char* p = sqlite3_column_text(s, i);
      return p ? std::string(reinterpret_cast<const char*>(p)) : std::string();
    };
    std::string dflt = text(1);
    out.push_back({text(0), dflt.empty() ? "NULL" : dflt});
    std::string type = text(2);
    if (pgwire::Oid canonical = numeric_assignments::canonical_type_of_declared(type)) {
      if (create.empty()) create = table_sql(db, table);
      if (numeric_assignments::checked_on_write(create, out.back().name)) out.back().canonical = canonical;
    }
    if (declared_type(type) == pgwire::oid::numeric && type.starts_with(numeric_text::declared_name)) {
      std::int32_t modifier = type_modifier(pgwire::oid::numeric, type);
      out.back().numeric_scale = modifier >= 4 ? (modifier - 4) & 0xffff : -1;
    }
  }
  sqlite3_finalize(s);
  return out;
}

// A number literal (toks[first, end): [+-]number) that goes to an exact
// numeric column, as the text it keeps there: SQLite would read 1.50 as
// the REAL 1.5, and PostgreSQL keeps 1.50 (numeric(10,2): 1.5 is 1.50).
// nullopt for other values and columns.
inline std::optional<std::string> exact_numeric_literal(const std::vector<sqlite_dialect::Token>& toks,
                                                       std::size_t first, std::size_t end, std::int32_t scale) {
  if (scale == ColumnDefault::not_exact || first >= end) return std::nullopt;
  std::string sign;
  if (end - first == 2 && (sqlite_dialect::is(toks[first], "-") || sqlite_dialect::is(toks[first], "+")))
    sign = std::string(toks[first++].text);
  if (end - first != 1 || toks[first].kind != sqlite_dialect::Kind::number) return std::nullopt;
  std::string text = (sign == "-" ? "-" : "") + std::string(toks[first].text);
  if (scale >= 0) text = numeric_text::round_to_scale(text, scale);
  return sqlite_dialect::quote_literal(text);
}

}  // namespace insert_defaults_detail

// The statement with its DEFAULTs replaced; nullopt when it has none.
inline std::optional<std::string> expand_insert_defaults(sqlite3* db, std::string_view sql,
                                                         const std::vector<sqlite_dialect::Token>& toks) {
  using sqlite_dialect::is;
  if (toks.size() < 6 || !is(toks[0], "insert") || !is(toks[1], "into")) return std::nullopt;
  std::size_t i = 2;
  if (!toks[i].is_name()) return std::nullopt;
  std::string table = sqlite_dialect::identifier(toks[i]);
  if (i + 2 < toks.size() && is(toks[i + 1], ".") && toks[i + 2].is_name()) {
    i += 2;
    table = sqlite_dialect::identifier(toks[i]);
  }
  ++i;
  if (i + 1 < toks.size() && is(toks[i], "as") && toks[i + 1].is_name()) i += 2;  // INSERT INTO t AS alias
  bool listed = i < toks.size() && is(toks[i], "(");
  bool has_default = false;
  for (std::size_t k = i; k < toks.size(); ++k) has_default = has_default || toks[k].is_keyword("default");
  bool overriding_clause = false;
  for (const auto& t : toks) overriding_clause = overriding_clause || t.is_keyword("overriding");
  // (The common case costs one schema lookup: is any column GENERATED
  // ALWAYS, or an exact numeric?)
  if (listed && !has_default && !overriding_clause) {
    std::string create = insert_defaults_detail::table_sql(db, table);
    if (create.find(ddl::identity_always_marker) == std::string::npos &&
        create.find(numeric_text::declared_name) == std::string::npos && create.find(" DATE") == std::string::npos &&
        create.find(" TIME") == std::string::npos && create.find(" BOOL") == std::string::npos)
      return std::nullopt;
  }
  auto defaults = insert_defaults_detail::table_defaults(db, table);
  std::vector<std::string> columns;
  auto column_at = [&](std::size_t position) -> const insert_defaults_detail::ColumnDefault* {
    if (position < columns.size())
      for (const auto& d : defaults)
        if (sqlite3_stricmp(d.name.c_str(), columns[position].c_str()) == 0) return &d;
    return nullptr;
  };
  if (listed) {
    std::size_t close = sqlite_dialect::matching_paren(toks, i);
    for (std::size_t k = i + 1; k < close; ++k)
      if (toks[k].is_name()) columns.push_back(sqlite_dialect::identifier(toks[k]));
    i = close + 1;
  } else {
    for (const auto& d : defaults) columns.push_back(d.name);
  }
  bool overriding = false;  // OVERRIDING SYSTEM VALUE: SQLite's syntax has no such clause
  std::vector<sqlite_dialect::Edit> clause;
  if (i + 2 < toks.size() && toks[i].is_keyword("overriding")) {
    if (!toks[i + 1].is_keyword("system"))
      throw not_supported("OVERRIDING USER VALUE", "Leave the identity column out of the INSERT.");
    clause.push_back({toks[i].offset, toks[i + 2].end(), ""});
    overriding = true;
    i += 3;
  }
  if (i >= toks.size() || !is(toks[i], "values")) return std::nullopt;
  std::size_t values_at = i;
  std::size_t fewest = columns.size(), most = 0;  // values per row
  auto default_of = [&](std::size_t position) -> std::string {
    if (position >= columns.size()) return "NULL";
    for (const auto& d : defaults)
      if (sqlite3_stricmp(d.name.c_str(), columns[position].c_str()) == 0) return d.sql;
    return "NULL";
  };
  std::vector<sqlite_dialect::Edit> edits;
  std::vector<std::string> given;  // columns given a value in some row
  for (++i; i < toks.size() && is(toks[i], "(");) {
    std::size_t close = sqlite_dialect::matching_paren(toks, i);
    if (close >= toks.size()) return std::nullopt;
    std::size_t position = 0, start = i + 1;
    int depth = 0;
    for (std::size_t k = i + 1; k <= close; ++k) {
      if (is(toks[k], "(")) ++depth;
      if (is(toks[k], ")") && k != close) --depth;
      if ((depth == 0 && is(toks[k], ",")) || k == close) {
        if (k == start + 1 && toks[start].is_keyword("default")) {
          edits.push_back({toks[start].offset, toks[start].end(), default_of(position)});
        } else if (position < columns.size()) {
          given.push_back(columns[position]);  // a value, not DEFAULT
          const auto* d = column_at(position);
          std::int32_t scale = d ? d->numeric_scale : insert_defaults_detail::ColumnDefault::not_exact;
          if (auto literal = insert_defaults_detail::exact_numeric_literal(toks, start, k, scale))
            edits.push_back({toks[start].offset, toks[k - 1].end(), std::move(*literal)});
          else if (scale >= 0)  // (a parameter, an expression: rounded as it is written)
            numeric_assignments::wrap(toks, start, k, scale, edits);
          else if (d && d->canonical)
            numeric_assignments::wrap_canonical(toks, start, k, d->canonical, edits);
        }
        ++position;
        start = k + 1;
      }
    }
    fewest = std::min(fewest, position);
    most = std::max(most, position);
    i = close + 1;
    if (i < toks.size() && is(toks[i], ",")) ++i;
  }
  // GENERATED ALWAYS AS IDENTITY columns take no value (ddl::identity_always_marker).
  std::string create = insert_defaults_detail::table_sql(db, table);
  if (create.find(ddl::identity_always_marker) != std::string::npos && !overriding)
    for (const auto& column : given)
      if (create.find(std::string(ddl::identity_always_marker) + column + "\"") != std::string::npos)
        throw pgwire::PgError(
            pgwire::ErrorInfo::error("428C9", "cannot insert a non-DEFAULT value into column \"" + column + "\"")
                .with_detail("Column \"" + column + "\" is an identity column defined as GENERATED ALWAYS.")
                .with_hint("Use OVERRIDING SYSTEM VALUE to override."));
  if (!listed && most > 0 && fewest == most && most < columns.size()) {
    std::string list = "(";
    for (std::size_t k = 0; k < most; ++k) list += (k ? ", " : "") + sqlite_dialect::quote_identifier(columns[k]);
    edits.push_back({toks[values_at].offset, toks[values_at].offset, list + ") "});
  }
  edits.insert(edits.end(), clause.begin(), clause.end());
  if (edits.empty()) return std::nullopt;
  return sqlite_dialect::apply_edits(sql, std::move(edits));
}

}  // namespace sqlite_example
