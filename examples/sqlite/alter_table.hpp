#pragma once
// ALTER TABLE's translation (ddl.hpp's translate_ddl calls alter_table):
// ADD COLUMN, DROP COLUMN, RENAME TO, RENAME COLUMN; ADD PRIMARY KEY /
// UNIQUE as a unique index marked as the constraint (add_key); ALTER
// COLUMN SET/DROP DEFAULT, SET/DROP NOT NULL, ADD FOREIGN KEY, ADD CHECK
// by editing the table's declaration (edit_schema, schema_edits.hpp);
// OWNER TO as nothing. The rest is 0A000 with a hint.

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "column_defs.hpp"
#include "comments.hpp"
#include "column_type_change.hpp"
#include "column_types.hpp"
#include "drop_column.hpp"
#include "drop_constraint.hpp"
#include "ddl_basics.hpp"
#include "errors.hpp"
#include "numeric_assignments.hpp"
#include "schema_edits.hpp"

namespace sqlite_example::ddl {

// ALTER TABLE t ADD [CONSTRAINT name] PRIMARY KEY | UNIQUE (a, ...) from
// toks[i]: SQLite adds no constraint to a table, but a unique index is what
// such a key does for queries and for duplicates (23505), so that is what
// runs, named as PostgreSQL names the key's index (t_pkey, t_a_b_key).
// Checked here in PostgreSQL's order: duplicates (23505, naming the index
// and the key), then NULLs in a primary key's columns (23502).
// nullopt: not this form.
// `primary_columns`: set to a primary key's columns (their NOT NULL is the caller's).
inline std::optional<std::string> add_key(sqlite3* db, const std::vector<Token>& toks, std::size_t i,
                                          const std::string& table, std::vector<std::string>* primary_columns = nullptr) {
  auto at = [&](std::size_t k, std::string_view word) { return k < toks.size() && is(toks[k], word); };
  if (!at(i, "add")) return std::nullopt;
  ++i;
  std::string name;
  if (at(i, "constraint") && i + 1 < toks.size() && toks[i + 1].is_name()) {
    name = sqlite_dialect::identifier(toks[i + 1]);
    i += 2;
  }
  bool primary = at(i, "primary") && at(i + 1, "key");
  if (!primary && !at(i, "unique")) return std::nullopt;
  i += primary ? 2 : 1;
  if (!at(i, "(")) return std::nullopt;
  std::size_t close = sqlite_dialect::matching_paren(toks, i);
  if (close >= toks.size()) throw pgwire::PgError("42601", "syntax error at end of input");
  std::size_t end = toks.size();
  while (end > close + 1 && is(toks[end - 1], ";")) --end;
  if (end != close + 1)
    throw not_supported("this form of ALTER TABLE ... ADD " + std::string(primary ? "PRIMARY KEY" : "UNIQUE"),
                        "SQLite indexes take no storage options or deferral.");
  if (!table_exists(db, table)) throw pgwire::PgError("42P01", "relation \"" + table + "\" does not exist");
  if (primary && has_primary_key(db, table))
    throw pgwire::PgError("42P16", "multiple primary keys for table \"" + table + "\" are not allowed");
  std::vector<std::string> columns;
  for (auto [first, last] : split(toks, i + 1, close)) {
    if (last != first + 1 || !toks[first].is_name())
      throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[first].text) + "\"");
    columns.push_back(sqlite_dialect::identifier(toks[first]));
  }
  if (columns.empty()) throw pgwire::PgError("42601", "syntax error at or near \")\"");
  std::string list;
  for (const auto& c : columns) list += (list.empty() ? "" : ", ") + sqlite_dialect::quote_identifier(c);
  if (name.empty()) {
    name = table;
    if (primary) {
      name += "_pkey";
    } else {
      for (const auto& c : columns) name += "_" + c;
      name += "_key";
    }
  }
  // Duplicates: PostgreSQL's message names the index and the key (SQLite's
  // would name a constraint on the table).
  std::string duplicates = "SELECT " + list + " FROM " + sqlite_dialect::quote_identifier(table);
  std::string where;
  for (const auto& c : columns)
    where += (where.empty() ? " WHERE " : " AND ") + sqlite_dialect::quote_identifier(c) + " IS NOT NULL";
  duplicates += where + " GROUP BY " + list + " HAVING count(*) > 1 LIMIT 1";
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, duplicates.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    std::string names, values;
    for (std::size_t k = 0; k < columns.size(); ++k) {
      const auto* v = sqlite3_column_text(s, static_cast<int>(k));
      names += (k ? ", " : "") + columns[k];
      values += (k ? ", " : "") + std::string(v ? reinterpret_cast<const char*>(v) : "");
    }
    sqlite3_finalize(s);
    auto info = pgwire::ErrorInfo::error("23505", "could not create unique index \"" + name + "\"");
    info.detail = "Key (" + names + ")=(" + values + ") is duplicated.";
    throw pgwire::PgError(std::move(info));
  }
  sqlite3_finalize(s);
  if (primary && primary_columns) *primary_columns = columns;
  if (primary) {
    for (const auto& c : columns) {
      std::string check = "SELECT 1 FROM " + sqlite_dialect::quote_identifier(table) + " WHERE " +
                          sqlite_dialect::quote_identifier(c) + " IS NULL LIMIT 1";
      sqlite3_stmt* probe = nullptr;
      int rc = sqlite3_prepare_v2(db, check.c_str(), -1, &probe, nullptr);
      bool has_null = rc == SQLITE_OK && sqlite3_step(probe) == SQLITE_ROW;
      sqlite3_finalize(probe);
      if (rc != SQLITE_OK)
        throw pgwire::PgError("42703", "column \"" + c + "\" of relation \"" + table + "\" does not exist");
      if (has_null)
        throw pgwire::PgError("23502", "column \"" + c + "\" of relation \"" + table + "\" contains null values");
    }
  }
  // Marked (key_names.hpp): the catalog shows a constraint, as
  // PostgreSQL's \d and pg_constraint do.
  return "CREATE UNIQUE INDEX " + sqlite_dialect::quote_identifier(name) +
         (primary ? primary_key_marker : unique_constraint_marker) + "ON " + sqlite_dialect::quote_identifier(table) +
         " (" + list + ")";
}

// FOREIGN KEY (...) REFERENCES t at toks[first, last], in SQLite's words,
// with t's key columns spelled out when t's primary key was added later
// (ddl::added_primary_key_columns says why).
inline std::string with_referenced_key(sqlite3* db, std::string_view sql, const std::vector<Token>& toks,
                                       std::size_t first, std::size_t last, const sqlite_dialect::Identity& who) {
  std::size_t r = first;
  while (r < last && !is(toks[r], "references")) ++r;
  std::size_t name = r + 1;
  if (name + 2 <= last && is(toks[name + 1], ".")) name += 2;
  if (name > last || !toks[name].is_name() || (name < last && is(toks[name + 1], "(")))
    return expression(sql, toks, first, last, who);
  std::string columns = added_primary_key_columns(db, sqlite_dialect::identifier(toks[name]));
  if (columns.empty()) return expression(sql, toks, first, last, who);
  return expression(sql, toks, first, name, who) + " " + columns +
         (name < last ? " " + expression(sql, toks, name + 1, last, who) : std::string());
}

// ALTER TABLE ... ALTER COLUMN SET/DROP DEFAULT, SET/DROP NOT NULL, ADD
// FOREIGN KEY, ADD CHECK at toks[i]: a translation whose hook edits the
// table's declaration (schema_edits.hpp); nullopt for other forms.
inline std::optional<DdlTranslation> edit_schema(sqlite3* db, std::string_view sql, const std::vector<Token>& toks,
                                                 std::size_t i, const std::string& table,
                                                 const sqlite_dialect::Identity& who) {
  auto at = [&](std::size_t k, std::string_view word) { return k < toks.size() && is(toks[k], word); };
  std::size_t end = toks.size();
  while (end > i && is(toks[end - 1], ";")) --end;
  const std::string nothing = "/* ALTER TABLE: the declaration is edited (schema_edits.hpp) */";
  if (at(i, "alter")) {
    std::size_t k = i + 1;
    if (at(k, "column")) ++k;
    if (k >= end || !toks[k].is_name()) return std::nullopt;
    std::string column = sqlite_dialect::identifier(toks[k++]);
    std::size_t type_at = at(k, "set") && at(k + 1, "data") ? k + 2 : k;
    if (at(type_at, "type") && type_at + 1 < end) {  // [SET DATA] TYPE t [USING expr]
      std::size_t using_at = 0;
      int depth = 0;
      for (std::size_t u = type_at + 1; u < end && using_at == 0; ++u) {
        if (is(toks[u], "(")) ++depth;
        if (is(toks[u], ")")) --depth;
        if (depth == 0 && is(toks[u], "using")) using_at = u;
      }
      if (using_at == end - 1) throw pgwire::PgError("42601", "syntax error at end of input");
      return change_type(db, sql, toks, table, column, type_at + 1, (using_at ? using_at : end) - 1,
                         using_at ? using_at + 1 : 0, end - 1, who);
    }
    if (at(k, "set") && at(k + 1, "default") && k + 2 < end) {
      std::string value = expression(sql, toks, k + 2, end - 1, who);
      RecordedType recorded = recorded_column(db, table, column);
      std::string shown = recorded.type ? shown_default(sql, toks, k + 2, end - 1, recorded.type) : "";
      // (pg_get_expr names a relation as search_path finds it: 't_id_seq', not 'public.t_id_seq')
      for (auto at = shown.find("'public."); at != std::string::npos; at = shown.find("'public.", at))
        shown.erase(at + 1, 7);
      return DdlTranslation{nothing, [=](sqlite3* db) {
                              auto create = schema_edits::table_sql(db, table);
                              schema_edits::replace_table_sql(db, table,
                                                              schema_edits::with_default(create, table, column, value));
                              if (!shown.empty()) column_types::set_default(db, table, column, shown);
                            }};
    }
    if (at(k, "drop") && at(k + 1, "default") && k + 2 == end)
      return DdlTranslation{nothing, [=](sqlite3* db) {
                              auto create = schema_edits::table_sql(db, table);
                              schema_edits::replace_table_sql(db, table,
                                                              schema_edits::with_default(create, table, column, ""));
                              column_types::set_default(db, table, column, "");
                            }};
    bool set = at(k, "set");
    if ((set || at(k, "drop")) && at(k + 1, "not") && at(k + 2, "null") && k + 3 == end)
      return DdlTranslation{nothing, [=](sqlite3* db) {
                              auto create = schema_edits::table_sql(db, table);
                              auto e = schema_edits::elements_of(create);
                              auto range = schema_edits::column_range(e, table, column);
                              for (std::size_t t = range.first; t < range.second; ++t)
                                if (!set && is(e.toks[t], "primary"))
                                  throw pgwire::PgError("42P16", "column \"" + column + "\" is in a primary key");
                              // (checked before the edit: SQLite knows a NOT NULL column holds no NULL)
                              if (set && schema_edits::any_row(db, "SELECT 1 FROM " +
                                                                       sqlite_dialect::quote_identifier(table) +
                                                                       " WHERE " +
                                                                       sqlite_dialect::quote_identifier(column) +
                                                                       " IS NULL LIMIT 1"))
                                throw pgwire::PgError("23502", "column \"" + column + "\" of relation \"" + table +
                                                                   "\" contains null values");
                              schema_edits::replace_table_sql(db, table,
                                                              schema_edits::with_not_null(create, table, column, set));
                            }};
    return std::nullopt;
  }
  if (!at(i, "add")) return std::nullopt;
  std::size_t k = i + 1;
  std::string name;
  if (at(k, "constraint") && k + 1 < end && toks[k + 1].is_name()) {
    name = sqlite_dialect::identifier(toks[k + 1]);
    k += 2;
  }
  bool foreign = at(k, "foreign") && at(k + 1, "key");
  bool check = at(k, "check") && at(k + 1, "(");
  if (!foreign && !check) return std::nullopt;
  std::size_t last = end - 1;
  // NOT VALID: PostgreSQL skips the rows already there; so does this.
  bool not_valid = last > k + 1 && is(toks[last], "valid") && is(toks[last - 1], "not");
  if (not_valid) last -= 2;
  std::string clause =
      foreign ? with_referenced_key(db, sql, toks, k, last, who) : expression(sql, toks, k, last, who);
  if (check) name = check_namer(db, table).name(toks, k + 2, sqlite_dialect::matching_paren(toks, k + 1) - 1, name);
  if (foreign && name.empty()) {  // PostgreSQL's: t_a_b_fkey, after the key's own columns
    name = table;
    if (at(k + 2, "("))
      for (std::size_t c = k + 3; c < end && !is(toks[c], ")"); ++c)
        if (toks[c].is_name()) name += "_" + sqlite_dialect::identifier(toks[c]);
    name += "_fkey";
  }
  std::string constraint = "CONSTRAINT " + sqlite_dialect::quote_identifier(name) + " " + clause;
  std::string condition =
      check ? expression(sql, toks, k + 2, sqlite_dialect::matching_paren(toks, k + 1) - 1, who) : std::string();
  return DdlTranslation{nothing, [=](sqlite3* db) {
                          auto create = schema_edits::table_sql(db, table);
                          auto verify = [&] {
                            if (not_valid) return;
                            if (foreign && schema_edits::any_row(db, "PRAGMA foreign_key_check(" +
                                                                         sqlite_dialect::quote_identifier(table) + ")"))
                              throw pgwire::PgError("23503", "insert or update on table \"" + table +
                                                                 "\" violates foreign key constraint \"" + name + "\"");
                            if (check && schema_edits::any_row(db, "SELECT 1 FROM " +
                                                                       sqlite_dialect::quote_identifier(table) +
                                                                       " WHERE NOT (" + condition + ") LIMIT 1"))
                              throw pgwire::PgError("23514", "check constraint \"" + name + "\" of relation \"" +
                                                                 table + "\" is violated by some row");
                          };
                          schema_edits::replace_table_sql(db, table, schema_edits::with_constraint(create, constraint),
                                                          verify);
                        }};
}

// ALTER TABLE: ADD COLUMN, DROP COLUMN, RENAME TO, RENAME COLUMN.
inline DdlTranslation alter_table(sqlite3* db, std::string_view sql, const std::vector<Token>& toks,
                                  const sqlite_dialect::Identity& who) {
  std::size_t i = 2;
  if (i + 1 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "exists")) i += 2;
  if (i < toks.size() && is(toks[i], "only")) ++i;
  std::string table = table_name(toks, i);
  std::string target = "ALTER TABLE " + sqlite_dialect::quote_identifier(table) + " ";
  auto at = [&](std::size_t k, std::string_view word) { return k < toks.size() && is(toks[k], word); };
  // OWNER TO: one user owns everything here (pg_dump writes it for every
  // table and sequence).
  if (at(i, "owner") && at(i + 1, "to")) return {"/* ALTER TABLE ... OWNER TO: nothing to do */", {}};
  if (at(i, "add") && !at(i + 1, "constraint") && !at(i + 1, "primary") && !at(i + 1, "unique") &&
      !at(i + 1, "foreign") && !at(i + 1, "check") && i + 1 < toks.size()) {
    ++i;
    if (at(i, "column")) ++i;
    bool if_not_exists = at(i, "if") && at(i + 1, "not") && at(i + 2, "exists");
    if (if_not_exists) i += 3;
    std::size_t end = toks.size();
    while (end > i && is(toks[end - 1], ";")) --end;
    if (i >= end) throw pgwire::PgError("42601", "syntax error at end of input");
    if (toks[i].is_name() && column_exists(db, table, sqlite_dialect::identifier(toks[i]))) {
      // (IF NOT EXISTS: its NOTICE is skip_notices.hpp's)
      if (if_not_exists) return {"/* ALTER TABLE ... ADD COLUMN IF NOT EXISTS: it exists */", {}};
      throw pgwire::PgError("42701", "column \"" + sqlite_dialect::identifier(toks[i]) + "\" of relation \"" + table +
                                         "\" already exists");
    }
    // A UNIQUE column: SQLite adds none ("Cannot add a UNIQUE column"), so
    // the column comes without it and the key after it, as ADD UNIQUE's
    // marked index (add_key: 23505 when a DEFAULT duplicates).
    std::vector<Token> column_toks(toks.begin(), toks.end());
    std::string unique_name;
    for (std::size_t k = i + 1, depth = 0; k < end; ++k) {
      if (is(toks[k], "(")) ++depth;
      if (is(toks[k], ")")) --depth;
      if (depth != 0 || !is(toks[k], "unique")) continue;
      std::size_t from = k;
      if (k >= i + 3 && is(toks[k - 2], "constraint")) {
        unique_name = sqlite_dialect::identifier(toks[k - 1]);
        from = k - 2;
      } else {
        unique_name = table + "_" + sqlite_dialect::identifier(toks[i]) + "_key";
      }
      column_toks.erase(column_toks.begin() + static_cast<std::ptrdiff_t>(from),
                        column_toks.begin() + static_cast<std::ptrdiff_t>(k + 1));
      end -= k + 1 - from;
      break;
    }
    auto checks = check_namer(db, table);
    if (toks[i].is_name()) checks.add_column(sqlite_dialect::identifier(toks[i]));
    auto def = column_def(sql, column_toks, i, end, table, false, true, who, checks);
    // The rows that exist get the DEFAULT as SQLite's literal: a numeric(p,s)
    // one is then rounded to its scale and kept as its text, as a write
    // keeps it (numeric_assignments.hpp), so that 1.5 reads 1.50 after a cast too.
    return {target + "ADD COLUMN " + def.sqlite, [record = def.record, table, column = def.name, unique_name](sqlite3* db) {
              column_types::record_column(db, record);
              if (!unique_name.empty()) {
                std::string add = "ADD CONSTRAINT " + sqlite_dialect::quote_identifier(unique_name) + " UNIQUE (" +
                                  sqlite_dialect::quote_identifier(column) + ")";
                schema_edits::exec(db, *add_key(db, sqlite_dialect::tokenize(add), 0, table));  // (tokens view `add`)
              }
              auto scale = numeric_assignments::scale_of(db, table, column);
              if (scale == numeric_assignments::not_scaled) return;
              auto c = sqlite_dialect::quote_identifier(column);
              schema_edits::exec(db, "UPDATE " + sqlite_dialect::quote_identifier(table) + " SET " + c +
                                         " = pgwire_numeric_round(" + c + ", " + std::to_string(scale) + ") WHERE " +
                                         c + " IS NOT NULL");
            }};
  }
  if (at(i, "drop") && at(i + 1, "constraint")) {  // (what each kind of constraint takes: drop_constraint.hpp)
    std::size_t k = i + 2;
    bool if_exists = at(k, "if") && at(k + 1, "exists");
    if (if_exists) k += 2;
    if (k >= toks.size() || !toks[k].is_name()) throw pgwire::PgError("42601", "syntax error: a constraint name expected");
    std::string name = sqlite_dialect::identifier(toks[k]);
    bool cascade = at(k + 1, "cascade");
    return {"/* ALTER TABLE ... DROP CONSTRAINT: drop_constraint.hpp */",
            [=](sqlite3* db) { drop_constraint::run(db, table, name, if_exists, cascade); }};
  }
  if (at(i, "drop") && !at(i + 1, "constraint") && i + 1 < toks.size()) {
    // (what goes with the column, IF EXISTS and CASCADE: drop_column.hpp)
    auto request = drop_column::parse(toks, at(i + 1, "column") ? i + 2 : i + 1, table);
    return {"/* ALTER TABLE ... DROP COLUMN: drop_column.hpp */",
            [request](sqlite3* db) { drop_column::run(db, request); }};
  }
  if (at(i, "rename") && at(i + 1, "to") && i + 2 < toks.size() && toks[i + 2].is_name()) {
    std::string to = sqlite_dialect::identifier(toks[i + 2]);
    return {target + "RENAME TO " + sqlite_dialect::quote_identifier(to),
            [table, to](sqlite3* db) {
              column_types::rename_table(db, table, to);
              comments::rename(db, table, to);
            }};
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
  if (auto edit = edit_schema(db, sql, toks, i, table, who)) return std::move(*edit);
  std::vector<std::string> key;
  if (auto index = add_key(db, toks, i, table, &key)) {
    if (key.empty()) return {std::move(*index), {}};
    // A primary key's columns are NOT NULL from now on, as in PostgreSQL
    // (add_key found no NULL in them).
    return {std::move(*index), [table, key](sqlite3* db) {
              std::string create = schema_edits::table_sql(db, table);
              for (const auto& column : key) create = schema_edits::with_not_null(create, table, column, true);
              schema_edits::replace_table_sql(db, table, create);
            }};
  }
  throw not_supported("this form of ALTER TABLE",
                      "sqlite_server alters columns (ADD, DROP, RENAME, TYPE, DEFAULT, NOT NULL), constraints "
                      "(ADD, DROP) and the table's name; for another change, create a new table and copy the rows.");
}

}  // namespace sqlite_example::ddl
