#pragma once
// What the DDL translation's parts share (ddl.hpp, alter_table.hpp): the
// shape of a translated statement, and the table lookups.

#include <sqlite3.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "../sqlite_dialect.hpp"
#include "column_defs.hpp"
#include "errors.hpp"
#include "table_columns.hpp"

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

// The word that starts a table constraint among CREATE TABLE's elements.
inline bool table_constraint_word(const Token& t) {
  return is(t, "constraint") || is(t, "primary") || is(t, "unique") || is(t, "check") || is(t, "foreign") ||
         is(t, "exclude") || is(t, "like");
}

// Names for CHECKs added to an existing table: its columns, and the names
// its CHECKs have taken.
inline check_constraints::Namer check_namer(sqlite3* db, const std::string& table) {
  std::vector<std::string> columns = column_names(db, table);
  std::set<std::string> taken;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &s, nullptr) ==
      SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
      for (auto& check : check_constraints::named_in(reinterpret_cast<const char*>(sqlite3_column_text(s, 0))))
        taken.insert(check.name);
  }
  sqlite3_finalize(s);
  return check_constraints::Namer(table, std::move(columns), std::move(taken));
}

// Whether the table (any schema SQLite holds: a TEMP one too) has the column.
inline bool column_exists(sqlite3* db, const std::string& table, const std::string& column) {
  return sqlite3_table_column_metadata(db, nullptr, table.c_str(), column.c_str(), nullptr, nullptr, nullptr, nullptr,
                                       nullptr) == SQLITE_OK;
}

inline bool table_exists(sqlite3* db, const std::string& table) {
  sqlite3_stmt* s = nullptr;
  bool found = false;
  // (a temporary table too: DROP TABLE of a CREATE TEMP TABLE's)
  if (sqlite3_prepare_v2(db,
                         "SELECT 1 FROM (SELECT type, name FROM sqlite_master UNION ALL SELECT type, name FROM "
                         "sqlite_temp_master) WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

// Declared in CREATE TABLE, or added since (primary_key_marker).
inline bool has_primary_key(sqlite3* db, const std::string& table) {
  static constexpr const char* sql =
      "SELECT 1 FROM pragma_table_info(?1) WHERE pk > 0 UNION ALL "
      "SELECT 1 FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND instr(sql, ?2) > 0";
  sqlite3_stmt* s = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, primary_key_marker, -1, SQLITE_STATIC);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

// The columns of the table's primary key, declared in CREATE TABLE or added
// since (a marked unique index), in key order; none: empty.
inline std::vector<std::string> primary_key_columns(sqlite3* db, const std::string& table) {
  static constexpr const char* sql =
      "SELECT name FROM (SELECT name, pk AS n FROM pragma_table_info(?1) WHERE pk > 0 UNION ALL "
      "SELECT name, seqno + 1 FROM pragma_index_info((SELECT name FROM sqlite_master WHERE type = 'index' AND "
      "tbl_name = ?1 AND instr(sql, ?2) > 0))) ORDER BY n";
  sqlite3_stmt* s = nullptr;
  std::vector<std::string> columns;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, primary_key_marker, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) columns.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  return columns;
}

// "(a, b)": the columns of a primary key that ALTER TABLE added (a marked
// unique index); empty when CREATE TABLE declared the key, or there is none.
// A REFERENCES that names no columns means the primary key, and SQLite finds
// only a declared one: without the list every write is "foreign key
// mismatch" (pgbench -i --foreign-keys adds its keys this way).
inline std::string added_primary_key_columns(sqlite3* db, const std::string& table) {
  static constexpr const char* sql =
      "SELECT name FROM pragma_index_info((SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 "
      "AND instr(sql, ?2) > 0)) WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE pk > 0) ORDER BY seqno";
  sqlite3_stmt* s = nullptr;
  std::string list;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, primary_key_marker, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
      list += list.empty() ? "(" : ", ";
      list += sqlite_dialect::quote_identifier(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    }
  }
  sqlite3_finalize(s);
  return list.empty() ? list : list + ")";
}

}  // namespace ddl

}  // namespace sqlite_example
