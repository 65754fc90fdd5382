#pragma once
// CREATE TABLE t AS SELECT ... (and SELECT ... INTO t, statement_forms.hpp):
// SQLite declares t's columns by the values' affinity (INT, NUM, TEXT or
// nothing), which would read back as int8, numeric and text. The types
// PostgreSQL gives the select list's items (the dialect's Typer) are
// recorded in the side table instead (column_types.hpp), which the results
// (schema_of, rows.hpp) and the catalog read: `SELECT 1 AS n` makes an
// integer column, `a * 2` over int4 columns an integer one, as PostgreSQL.
// Not for a TEMP table (the side table is the database's, and outlives the
// session) nor for one that IF NOT EXISTS found; an item the Typer cannot
// type (0) keeps SQLite's declaration.

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/protocol/sql_text.hpp>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"
#include "ddl_basics.hpp"
#include "table_columns.hpp"

namespace sqlite_example::created_as_types {

using sqlite_dialect::is;

// The statement's SELECT text and its new table, when `sql` is a CREATE
// TABLE ... AS (not TEMP) whose table does not exist yet; false otherwise.
inline bool read(sqlite3* db, std::string_view sql, std::string& table, std::string_view& select) {
  pgwire::SqlLexer first_word(sql);  // (every statement translated comes here: one token for the others)
  if (auto first = first_word.next(); !first || !first->is_keyword("create")) return false;
  auto toks = sqlite_dialect::tokenize(sql);
  std::size_t k = 0;
  auto at = [&](std::string_view w) { return k < toks.size() && is(toks[k], w); };
  if (!at("create")) return false;
  ++k;
  if (at("unlogged")) ++k;
  if (!at("table")) return false;  // (TEMP: no records)
  ++k;
  if (at("if")) k += 3;
  if (k >= toks.size() || !toks[k].is_name()) return false;
  table = sqlite_dialect::identifier(toks[k++]);
  if (at(".") && k + 1 < toks.size()) table = sqlite_dialect::identifier(toks[++k]), ++k;
  if (!at("as") || k + 1 >= toks.size() || ddl::table_exists(db, table)) return false;
  select = sql.substr(toks[k + 1].offset);
  return true;
}

// What the statement's `after` does: t's columns recorded in order, each
// as its source column's record when it is one (SQLite tells a result
// column's origin: a * list, a plain reference, with varchar(20)'s length),
// else as the Typer typed the item; an unnamed expression's column renamed
// to PostgreSQL's name for it (?column?, the function) when that is free.
// `translated`: the SELECT as SQLite runs it; `from_columns`: the types of
// VALUES and set-returning columns in its FROM list (Rewritten::from_columns).
inline std::function<void(sqlite3*)> recorder(std::string table, std::string translated,
                                              std::vector<sqlite_dialect::SelectItem> items,
                                              std::vector<std::pair<std::string, pgwire::Oid>> from_columns) {
  return [table = std::move(table), translated = std::move(translated), items = std::move(items),
          from_columns = std::move(from_columns)](sqlite3* db) {
    sqlite3_stmt* q = nullptr;
    if (sqlite3_prepare_v2(db, translated.c_str(), -1, &q, nullptr) != SQLITE_OK || q == nullptr) {
      sqlite3_finalize(q);
      return;
    }
    bool star = false;
    for (const auto& item : items) star = star || item.star;
    std::vector<std::string> names = column_names(db, table);
    for (std::size_t i = 0; i < names.size() && static_cast<int>(i) < sqlite3_column_count(q); ++i) {
      const char* source = sqlite3_column_table_name(q, static_cast<int>(i));
      const char* origin = sqlite3_column_origin_name(q, static_cast<int>(i));
      // (an item that is no plain reference keeps the Typer's type: a::text
      // is translated to a, whose origin is still the column)
      bool plain = star || (i < items.size() && items[i].column);
      RecordedType from;
      if (plain && source && origin) from = recorded_column(db, source, origin);
      std::string name = names[i];
      if (!star && i < items.size() && !items[i].aliased && !items[i].column && !items[i].name.empty() &&
          items[i].name != name && std::find(names.begin(), names.end(), items[i].name) == names.end()) {
        std::string rename = "ALTER TABLE " + sqlite_dialect::quote_identifier(table) + " RENAME COLUMN " +
                             sqlite_dialect::quote_identifier(name) + " TO " +
                             sqlite_dialect::quote_identifier(items[i].name);
        if (sqlite3_exec(db, rename.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK) name = names[i] = items[i].name;
      }
      std::string type;
      if (from.type != 0)
        type = column_types::format_type(from.type, column_types::modifier_text(from.type, from.modifier));
      else if (!star && i < items.size() && items[i].type != 0)
        type = column_types::format_type(items[i].type, "");
      else if (star)  // (a VALUES list's or generate_series' column, as * brings it in)
        for (const auto& [column, oid] : from_columns)
          if (column == names[i] && oid != 0) type = column_types::format_type(oid, "");
      if (!type.empty()) column_types::record_column(db, {table, name, type, ""});
    }
    sqlite3_finalize(q);
  };
}

}  // namespace sqlite_example::created_as_types
