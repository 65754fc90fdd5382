#pragma once
// PostgreSQL DDL statements on SQLite: CREATE TABLE, ALTER TABLE, DROP
// TABLE, CREATE INDEX and TRUNCATE translated (column definitions: column_defs.hpp), each with what
// to record in the side table once it ran (column_types.hpp). What SQLite
// cannot do (ALTER COLUMN, constraints added later, CASCADE) is 0A000 with
// a hint.

#include <sqlite3.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "column_defs.hpp"
#include "column_types.hpp"
#include "errors.hpp"

namespace sqlite_example {

// What a translated DDL statement is, for the caller: the SQL SQLite runs,
// and what to record once it has run.
struct DdlTranslation {
  std::string sql;
  std::function<void(sqlite3*)> after;  // empty: nothing to record
};

namespace ddl {

// A table name (schema "public" dropped: SQLite has one namespace) at toks[i].
inline std::string table_name(const std::vector<Token>& toks, std::size_t& i) {
  if (i >= toks.size() || !toks[i].is_name()) throw pgwire::PgError("42601", "syntax error: a table name expected");
  std::string name = sqlite_dialect::identifier(toks[i]);
  if (i + 2 < toks.size() && is(toks[i + 1], ".") && toks[i + 2].is_name()) {
    if (name != "public") throw pgwire::PgError("3F000", "schema \"" + name + "\" does not exist");
    i += 2;
    name = sqlite_dialect::identifier(toks[i]);
  }
  ++i;
  return name;
}

inline bool table_exists(sqlite3* db, const std::string& table) {
  sqlite3_stmt* s = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", -1, &s,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

// ALTER TABLE: ADD COLUMN, DROP COLUMN, RENAME TO, RENAME COLUMN.
inline DdlTranslation alter_table(std::string_view sql, const std::vector<Token>& toks,
                                  const sqlite_dialect::Identity& who) {
  std::size_t i = 2;
  if (i + 1 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "exists")) i += 2;
  if (i < toks.size() && is(toks[i], "only")) ++i;
  std::string table = table_name(toks, i);
  std::string target = "ALTER TABLE " + sqlite_dialect::quote_identifier(table) + " ";
  auto at = [&](std::size_t k, std::string_view word) { return k < toks.size() && is(toks[k], word); };
  if (at(i, "add") && !at(i + 1, "constraint") && !at(i + 1, "primary") && !at(i + 1, "unique") &&
      !at(i + 1, "foreign") && !at(i + 1, "check") && i + 1 < toks.size()) {
    ++i;
    if (at(i, "column")) ++i;
    if (at(i, "if") && at(i + 1, "not") && at(i + 2, "exists"))
      throw not_supported("ADD COLUMN IF NOT EXISTS", "Add the column without IF NOT EXISTS.");
    std::size_t end = toks.size();
    while (end > i && is(toks[end - 1], ";")) --end;
    if (i >= end) throw pgwire::PgError("42601", "syntax error at end of input");
    auto def = column_def(sql, toks, i, end, table, false, true, who);
    return {target + "ADD COLUMN " + def.sqlite,
            [record = def.record](sqlite3* db) { column_types::record_column(db, record); }};
  }
  if (at(i, "drop") && !at(i + 1, "constraint") && i + 1 < toks.size()) {
    ++i;
    if (at(i, "column")) ++i;
    if (at(i, "if") && at(i + 1, "exists"))
      throw not_supported("DROP COLUMN IF EXISTS", "Drop the column without IF EXISTS.");
    if (i >= toks.size() || !toks[i].is_name()) throw pgwire::PgError("42601", "syntax error: a column name expected");
    std::string column = sqlite_dialect::identifier(toks[i]);
    if (at(i + 1, "cascade")) throw not_supported("DROP COLUMN ... CASCADE", "Drop what refers to the column first.");
    return {target + "DROP COLUMN " + sqlite_dialect::quote_identifier(column),
            [table, column](sqlite3* db) { column_types::forget_column(db, table, column); }};
  }
  if (at(i, "rename") && at(i + 1, "to") && i + 2 < toks.size() && toks[i + 2].is_name()) {
    std::string to = sqlite_dialect::identifier(toks[i + 2]);
    return {target + "RENAME TO " + sqlite_dialect::quote_identifier(to),
            [table, to](sqlite3* db) { column_types::rename_table(db, table, to); }};
  }
  if (at(i, "rename")) {
    std::size_t k = i + 1;
    if (at(k, "column")) ++k;
    if (k + 2 < toks.size() && toks[k].is_name() && is(toks[k + 1], "to") && toks[k + 2].is_name()) {
      std::string from = sqlite_dialect::identifier(toks[k]), to = sqlite_dialect::identifier(toks[k + 2]);
      return {target + "RENAME COLUMN " + sqlite_dialect::quote_identifier(from) + " TO " +
                  sqlite_dialect::quote_identifier(to),
              [table, from, to](sqlite3* db) { column_types::rename_column(db, table, from, to); }};
    }
  }
  throw not_supported("this form of ALTER TABLE",
                      "SQLite can add, drop and rename columns and rename tables; to change a column or a "
                      "constraint, create a new table and copy the rows.");
}

// CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON t [USING
// btree] (...): SQLite wants a name (PostgreSQL's choice: t_a_b_idx) and
// has one kind of index; CONCURRENTLY means nothing to it.
inline std::string create_index(std::string_view sql, const std::vector<Token>& toks,
                                const sqlite_dialect::Identity& who) {
  std::size_t i = is(toks[1], "unique") ? 3 : 2;
  std::string out = is(toks[1], "unique") ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (i < toks.size() && is(toks[i], "concurrently")) ++i;
  if (i + 2 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "not") && is(toks[i + 2], "exists")) {
    out += "IF NOT EXISTS ";
    i += 3;
  }
  std::string name;
  if (i < toks.size() && toks[i].is_name() && !is(toks[i], "on")) name = table_name(toks, i);
  if (i >= toks.size() || !is(toks[i], "on")) throw pgwire::PgError("42601", "syntax error: ON expected");
  ++i;
  if (i < toks.size() && is(toks[i], "only")) ++i;
  std::string table = table_name(toks, i);
  if (i + 1 < toks.size() && is(toks[i], "using")) {
    if (!is(toks[i + 1], "btree") && !is(toks[i + 1], "hash"))
      throw not_supported("index method " + toks[i + 1].value(), "SQLite has B-tree indexes only.");
    i += 2;
  }
  if (i >= toks.size() || !is(toks[i], "(")) throw pgwire::PgError("42601", "syntax error: a column list expected");
  std::size_t close = sqlite_dialect::matching_paren(toks, i);
  if (close >= toks.size()) throw pgwire::PgError("42601", "syntax error at end of input");
  if (name.empty()) {  // PostgreSQL's ChooseIndexName: the table, the columns (or "expr"), "idx"
    name = table;
    for (auto [first, end] : split(toks, i + 1, close))
      name += "_" + (end == first + 1 && toks[first].is_name() ? sqlite_dialect::identifier(toks[first]) : "expr");
    name += "_idx";
  }
  out += sqlite_dialect::quote_identifier(name) + " ON " + sqlite_dialect::quote_identifier(table) + " " +
         expression(sql, toks, i, close, who);
  std::size_t k = close + 1;
  if (k + 1 < toks.size() && is(toks[k], "include"))
    k = sqlite_dialect::matching_paren(toks, k + 1) + 1;  // covering columns: SQLite reads the table
  if (k < toks.size() && is(toks[k], "where")) {
    std::size_t end = toks.size();
    while (end > k && is(toks[end - 1], ";")) --end;
    out += " " + expression(sql, toks, k, end - 1, who);
  } else if (k < toks.size() && !is(toks[k], ";")) {
    throw not_supported("CREATE INDEX ... " + std::string(toks[k].text), "SQLite indexes take no storage options.");
  }
  return out;
}

// TRUNCATE [TABLE] t: a DELETE of every row (SQLite optimises it the same).
inline std::string truncate(const std::vector<Token>& toks) {
  std::size_t i = 1;
  if (i < toks.size() && is(toks[i], "table")) ++i;
  if (i < toks.size() && is(toks[i], "only")) ++i;
  std::string table = table_name(toks, i);
  if (i < toks.size() && !is(toks[i], ";"))
    throw not_supported("TRUNCATE ... " + std::string(toks[i].text),
                        "Truncate one table at a time, without RESTART IDENTITY or CASCADE.");
  return "DELETE FROM " + sqlite_dialect::quote_identifier(table);
}

// LOCK [TABLE] [ONLY] t [*] [, ...] [IN mode MODE] [NOWAIT]: SQLite has no
// table locks (a transaction locks the whole database), so nothing runs; the
// tables must exist, as PostgreSQL checks. A comment: SQLite compiles it to
// no statement, and the caller tags it LOCK TABLE (see execute_statement).
inline std::string lock_table(sqlite3* db, const std::vector<Token>& toks) {
  std::size_t i = 1;
  if (i < toks.size() && is(toks[i], "table")) ++i;
  for (;;) {
    if (i < toks.size() && is(toks[i], "only")) ++i;
    std::string table = table_name(toks, i);
    sqlite3_stmt* s = nullptr;
    bool found = false;
    const char* lookup = "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1 COLLATE NOCASE";
    if (sqlite3_prepare_v2(db, lookup, -1, &s, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
      found = sqlite3_step(s) == SQLITE_ROW;
    }
    sqlite3_finalize(s);
    if (!found) throw pgwire::PgError("42P01", "relation \"" + table + "\" does not exist");
    if (i < toks.size() && is(toks[i], "*")) ++i;
    if (i < toks.size() && is(toks[i], ",")) {
      ++i;
      continue;
    }
    break;
  }
  if (i < toks.size() && is(toks[i], "in")) {
    std::size_t words = 0;
    for (++i; i < toks.size() && !is(toks[i], "mode"); ++i, ++words)
      if (!is(toks[i], "access") && !is(toks[i], "row") && !is(toks[i], "share") && !is(toks[i], "update") &&
          !is(toks[i], "exclusive"))
        throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[i].text) + "\"");
    if (i >= toks.size() || words == 0) throw pgwire::PgError("42601", "syntax error at end of input");
    ++i;
  }
  if (i < toks.size() && is(toks[i], "nowait")) ++i;
  if (i < toks.size() && !is(toks[i], ";"))
    throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[i].text) + "\"");
  return "/* LOCK TABLE: SQLite has no table locks */";
}

}  // namespace ddl

// CREATE TABLE / ALTER TABLE / DROP TABLE, CREATE INDEX, TRUNCATE, LOCK (nullopt
// for anything else).
inline std::optional<DdlTranslation> translate_ddl(sqlite3* db, std::string_view sql,
                                                   const std::vector<sqlite_dialect::Token>& toks,
                                                   const sqlite_dialect::Identity& who) {
  using ddl::is;
  if (toks.size() >= 2 && is(toks[0], "truncate")) return DdlTranslation{ddl::truncate(toks), {}};
  if (toks.size() >= 2 && is(toks[0], "lock")) return DdlTranslation{ddl::lock_table(db, toks), {}};
  if (toks.size() < 3) return std::nullopt;
  if (is(toks[0], "create") && (is(toks[1], "index") || (is(toks[1], "unique") && is(toks[2], "index"))))
    return DdlTranslation{ddl::create_index(sql, toks, who), {}};
  std::size_t i = 1;
  if (is(toks[0], "create")) {
    bool temp = false;
    while (i < toks.size() && (is(toks[i], "temp") || is(toks[i], "temporary") || is(toks[i], "unlogged") ||
                               is(toks[i], "local") || is(toks[i], "global")))
      temp = temp || !is(toks[i++], "unlogged");
    if (i >= toks.size() || !is(toks[i], "table")) return std::nullopt;
    ++i;
    bool if_not_exists =
        i + 2 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "not") && is(toks[i + 2], "exists");
    if (if_not_exists) i += 3;
    std::string table = ddl::table_name(toks, i);
    if (i >= toks.size() || !is(toks[i], "(")) return std::nullopt;  // CREATE TABLE ... AS: SQLite's own
    std::size_t close = sqlite_dialect::matching_paren(toks, i);
    if (close >= toks.size()) throw pgwire::PgError("42601", "syntax error at end of input");
    for (std::size_t k = close + 1; k < toks.size(); ++k)
      if (!is(toks[k], ";"))
        throw not_supported("CREATE TABLE ... " + std::string(toks[k].text),
                            "SQLite tables have no storage options, partitions, inheritance or tablespaces.");
    auto elements = ddl::split(toks, i + 1, close);
    // A table-level PRIMARY KEY (one column): that column may become the rowid.
    std::string key_column;
    for (auto [first, end] : elements) {
      std::size_t k = first;
      if (is(toks[k], "constraint")) k += 2;
      if (k + 3 < end && is(toks[k], "primary") && is(toks[k + 1], "key") && is(toks[k + 2], "(") &&
          is(toks[k + 4], ")"))
        key_column = sqlite_dialect::identifier(toks[k + 3]);
    }
    std::string out = "CREATE ";
    if (temp) out += "TEMP ";
    out += "TABLE ";
    if (if_not_exists) out += "IF NOT EXISTS ";
    out += sqlite_dialect::quote_identifier(table) + " (";
    std::vector<ColumnRecord> records;
    bool first_element = true;
    for (auto [first, end] : elements) {
      if (!first_element) out += ", ";
      first_element = false;
      const auto& t = toks[first];
      bool table_constraint = is(t, "constraint") || is(t, "primary") || is(t, "unique") || is(t, "check") ||
                              is(t, "foreign") || is(t, "exclude") || is(t, "like");
      if (is(t, "exclude") || is(t, "like"))
        throw not_supported(std::string(t.text) + " in CREATE TABLE", "SQLite has no counterpart.");
      if (table_constraint) {
        out += ddl::expression(sql, toks, first, end - 1, who);
        continue;
      }
      auto def = ddl::column_def(
          sql, toks, first, end, table,
          !key_column.empty() && toks[first].is_name() && sqlite_dialect::identifier(toks[first]) == key_column, false,
          who);
      out += def.sqlite;
      records.push_back(std::move(def.record));
    }
    out += ")";
    bool exists = if_not_exists && ddl::table_exists(db, table);
    DdlTranslation tr{std::move(out), {}};
    if (!temp && !exists) {
      tr.after = [table, records](sqlite3* db) { column_types::record_table(db, table, records); };
    }
    return tr;
  }

  if (is(toks[0], "drop") && is(toks[1], "table")) {
    bool if_exists = i + 2 < toks.size() && is(toks[i + 1], "if") && is(toks[i + 2], "exists");
    i = if_exists ? 4 : 2;
    std::string table = ddl::table_name(toks, i);
    if (i < toks.size() && is(toks[i], ","))
      throw not_supported("dropping several tables in one statement", "Drop one table at a time.");
    if (i < toks.size() && is(toks[i], "cascade"))
      throw not_supported("DROP TABLE ... CASCADE", "Drop the tables that refer to this one first.");
    std::string out =
        std::string("DROP TABLE ") + (if_exists ? "IF EXISTS " : "") + sqlite_dialect::quote_identifier(table);
    return DdlTranslation{out, [table](sqlite3* db) { column_types::forget_table(db, table); }};
  }

  if (is(toks[0], "alter") && is(toks[1], "table")) return ddl::alter_table(sql, toks, who);
  return std::nullopt;
}

}  // namespace sqlite_example
