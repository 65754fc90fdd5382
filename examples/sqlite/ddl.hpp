#pragma once
// PostgreSQL DDL statements on SQLite: CREATE TABLE, ALTER TABLE
// (alter_table.hpp), DROP TABLE, CREATE INDEX, TRUNCATE, LOCK, VACUUM and
// the sequences' statements (sequences.hpp) translated (column
// definitions: column_defs.hpp), each with what to record in the side
// table once it ran (column_types.hpp); DROP TABLE ... CASCADE takes its
// dependents first (drop_cascade.hpp). What SQLite cannot do (dropping a
// key CREATE TABLE declared, ...) is 0A000 with a hint.

#include <sqlite3.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "column_defs.hpp"
#include "create_like.hpp"
#include "alter_table.hpp"
#include "column_types.hpp"
#include "comments.hpp"
#include "ddl_basics.hpp"
#include "drop_cascade.hpp"
#include "errors.hpp"
#include "schema_edits.hpp"
#include "sequences.hpp"

namespace sqlite_example {

namespace ddl {

// VACUUM [FULL | FREEZE | VERBOSE | ANALYZE | (options)] [table [(columns)], ...]:
// PostgreSQL's VACUUM reclaims dead rows, which SQLite does not leave, so
// only its ANALYZE part runs (SQLite's ANALYZE; all tables when several are
// named), and a VACUUM FULL of everything rebuilds the database file as
// SQLite's VACUUM does. The tables must exist (42P01); like PostgreSQL's it
// cannot run in a transaction block (25001). Nothing to run: a comment, which
// the caller tags VACUUM.
inline std::string vacuum(sqlite3* db, const std::vector<Token>& toks) {
  if (!sqlite3_get_autocommit(db))
    throw pgwire::PgError("25001", "VACUUM cannot run inside a transaction block");
  std::size_t i = 1;
  bool analyze = false, full = false;
  auto option = [&](const Token& t) {
    if (is(t, "analyze") || is(t, "analyse")) analyze = true;
    else if (is(t, "full")) full = true;
    else if (!is(t, "freeze") && !is(t, "verbose"))
      return false;
    return true;
  };
  if (i < toks.size() && is(toks[i], "(")) {  // VACUUM (ANALYZE, VERBOSE true, ...)
    std::size_t close = sqlite_dialect::matching_paren(toks, i);
    if (close >= toks.size()) throw pgwire::PgError("42601", "syntax error at end of input");
    for (auto [first, end] : split(toks, i + 1, close)) {
      bool off = end > first + 1 && (is(toks[end - 1], "false") || is(toks[end - 1], "off") ||
                                     (toks[end - 1].kind == sqlite_dialect::Kind::number && toks[end - 1].text == "0"));
      bool was_analyze = analyze, was_full = full;
      if (!option(toks[first]) && !toks[first].is_name())
        throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[first].text) + "\"");
      if (off) analyze = was_analyze, full = was_full;
    }
    i = close + 1;
  } else {
    while (i < toks.size() && option(toks[i])) ++i;
  }
  std::vector<std::string> tables;
  while (i < toks.size() && !is(toks[i], ";")) {
    std::string table = table_name(toks, i);
    if (!table_exists(db, table)) throw pgwire::PgError("42P01", "relation \"" + table + "\" does not exist");
    tables.push_back(table);
    if (i < toks.size() && is(toks[i], "(")) i = sqlite_dialect::matching_paren(toks, i) + 1;
    if (i < toks.size() && is(toks[i], ",")) {
      ++i;
      continue;
    }
    if (i < toks.size() && !is(toks[i], ";"))
      throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[i].text) + "\"");
  }
  if (analyze) return tables.size() == 1 ? "ANALYZE " + sqlite_dialect::quote_identifier(tables[0]) : "ANALYZE";
  if (full && tables.empty()) return "VACUUM";
  return "/* VACUUM: SQLite leaves no dead rows */";
}

// An index's operator class (varchar_pattern_ops, pg_catalog.text_ops, ...,
// with its parameters): toks[k] begins one when it is a name ending in
// _ops after the element's first token, as PostgreSQL's own classes all
// do. Returns the token after it, or k when there is none.
inline std::size_t after_operator_class(const std::vector<Token>& toks, std::size_t k, std::size_t end) {
  std::size_t j = k;
  if (j + 2 < end && toks[j].is_name() && is(toks[j + 1], ".")) j += 2;
  if (j >= end || !toks[j].is_name()) return k;
  std::string word = sqlite_dialect::identifier(toks[j]);
  if (word.size() < 5 || word.compare(word.size() - 4, 4, "_ops") != 0) return k;
  ++j;
  if (j < end && is(toks[j], "(")) j = sqlite_dialect::matching_paren(toks, j) + 1;
  return j;
}

// The parenthesized column list of CREATE INDEX, toks[open, close], without
// operator classes: SQLite's B-tree compares with the column's collation,
// which is what varchar_pattern_ops and text_pattern_ops give PostgreSQL's
// LIKE under the C locale.
inline std::string index_columns(std::string_view sql, const std::vector<Token>& toks, std::size_t open,
                                 std::size_t close, const sqlite_dialect::Identity& who) {
  std::string out = "(";
  for (auto [first, end] : split(toks, open + 1, close)) {
    if (out.size() > 1) out += ", ";
    std::size_t from = first;
    for (std::size_t k = first + 1; k < end; ++k) {
      if (is(toks[k], "(")) {  // (an expression's own parentheses: no class inside)
        k = sqlite_dialect::matching_paren(toks, k);
        continue;
      }
      std::size_t next = after_operator_class(toks, k, end);
      if (next == k) continue;
      out += expression(sql, toks, from, k - 1, who) + " ";
      from = next;
      k = next - 1;
    }
    if (from < end) out += expression(sql, toks, from, end - 1, who);
  }
  return out + ")";
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
         index_columns(sql, toks, i, close, who);
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
// RESTART IDENTITY: the serial columns start again at 1 (their counter is
// AUTOINCREMENT's sqlite_sequence row, serial_sequences.hpp).
inline DdlTranslation truncate(const std::vector<Token>& toks) {
  std::size_t i = 1;
  if (i < toks.size() && is(toks[i], "table")) ++i;
  if (i < toks.size() && is(toks[i], "only")) ++i;
  std::string table = table_name(toks, i);
  if (i < toks.size() && is(toks[i], "*")) ++i;  // (no inheritance: the table alone)
  bool restart = i + 1 < toks.size() && is(toks[i], "restart") && is(toks[i + 1], "identity");
  if (restart || (i + 1 < toks.size() && is(toks[i], "continue") && is(toks[i + 1], "identity"))) i += 2;
  if (i < toks.size() && is(toks[i], "restrict")) ++i;  // the default
  if (i < toks.size() && !is(toks[i], ";"))
    throw not_supported("TRUNCATE ... " + std::string(toks[i].text), "Truncate without CASCADE.");
  DdlTranslation out{"DELETE FROM " + sqlite_dialect::quote_identifier(table), {}};
  if (restart)
    out.after = [table](sqlite3* db) {
      if (sqlite3_table_column_metadata(db, nullptr, "sqlite_sequence", "seq", nullptr, nullptr, nullptr, nullptr,
                                        nullptr) == SQLITE_OK)
        schema_edits::exec(db, "DELETE FROM sqlite_sequence WHERE name = " + sqlite_dialect::quote_literal(table));
    };
  return out;
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

// CREATE TABLE's `WITH (fillfactor = 100, ...)` and `WITHOUT OIDS` from
// toks[i]: where they end. SQLite has no storage parameters, so PostgreSQL's
// table parameters are accepted and mean nothing (pgbench -i creates its
// tables WITH (fillfactor=100)); an unknown one is 22023, as PostgreSQL says.
inline std::size_t storage_parameters(const std::vector<Token>& toks, std::size_t i) {
  if (i + 1 < toks.size() && is(toks[i], "without") && is(toks[i + 1], "oids")) return i + 2;
  if (i + 1 >= toks.size() || !is(toks[i], "with") || !is(toks[i + 1], "(")) return i;
  std::size_t close = sqlite_dialect::matching_paren(toks, i + 1);
  if (close >= toks.size()) throw pgwire::PgError("42601", "syntax error at end of input");
  for (auto [first, end] : split(toks, i + 2, close)) {
    if (!toks[first].is_name()) throw pgwire::PgError("42601", "syntax error at or near \"" +
                                                                 std::string(toks[first].text) + "\"");
    std::string name = sqlite_dialect::identifier(toks[first]);
    std::string_view known[] = {"fillfactor", "parallel_workers", "toast_tuple_target", "user_catalog_table",
                                "vacuum_index_cleanup", "vacuum_truncate", "log_autovacuum_min_duration", "oids"};
    bool ok = std::find(std::begin(known), std::end(known), name) != std::end(known) ||
              name.starts_with("autovacuum_") || name.starts_with("toast.");
    if (first + 2 < end && is(toks[first + 1], ".")) {  // toast.autovacuum_enabled
      name += "." + sqlite_dialect::identifier(toks[first + 2]);
      ok = name.starts_with("toast.");
    }
    if (!ok) throw pgwire::PgError("22023", "unrecognized parameter \"" + name + "\"");
  }
  return close + 1;
}

// ALTER TABLE [IF EXISTS] [ONLY] t action, action, ...: SQLite's ALTER
// TABLE takes one action, so each becomes its own ALTER TABLE t, run in
// one savepoint as the table lists below (Django sends a column's new type
// and its NOT NULL in one statement). nullopt for one action.
inline std::optional<std::vector<std::string>> per_action_statements(std::string_view sql,
                                                                     const std::vector<Token>& toks) {
  if (toks.size() < 4 || !is(toks[0], "alter") || !is(toks[1], "table")) return std::nullopt;
  std::size_t i = 2;
  if (i + 1 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "exists")) i += 2;
  if (i < toks.size() && is(toks[i], "only")) ++i;
  if (i >= toks.size() || !toks[i].is_name()) return std::nullopt;
  ++i;
  if (i + 1 < toks.size() && is(toks[i], ".") && toks[i + 1].is_name()) i += 2;
  if (i < toks.size() && is(toks[i], "*")) ++i;
  std::string target(sql.substr(0, toks[i - 1].end()));
  std::size_t end = toks.size();
  while (end > i && is(toks[end - 1], ";")) --end;
  auto actions = split(toks, i, end);
  if (actions.size() < 2) return std::nullopt;
  std::vector<std::string> out;
  for (auto [first, last] : actions) {
    if (first >= last) throw pgwire::PgError("42601", "syntax error at or near \",\"");
    out.push_back(target + " " + std::string(sql.substr(toks[first].offset, toks[last - 1].end() - toks[first].offset)));
  }
  return out;
}

// DROP TABLE [IF EXISTS] a, b, ... and TRUNCATE [TABLE] a, b, ...: SQLite's
// statements name one table, so a list becomes one statement per table (each
// with the list's options), which the caller runs in one savepoint: all or
// nothing, as in PostgreSQL. nullopt for one table or another statement.
// (pgbench -i drops and truncates its four tables in one statement each.)
inline std::optional<std::vector<std::string>> per_table_statements(std::string_view sql,
                                                                    const std::vector<Token>& toks) {
  std::size_t i;
  std::string prefix;
  if (toks.size() > 2 && is(toks[0], "drop") && is(toks[1], "table")) {
    i = 2;
    prefix = "DROP TABLE ";
    if (i + 1 < toks.size() && is(toks[i], "if") && is(toks[i + 1], "exists")) {
      i += 2;
      prefix += "IF EXISTS ";
    }
  } else if (toks.size() > 1 && is(toks[0], "truncate")) {
    i = 1;
    prefix = "TRUNCATE TABLE ";
    if (i < toks.size() && is(toks[i], "table")) ++i;
  } else {
    return std::nullopt;
  }
  std::vector<std::string> names;
  for (;;) {
    std::size_t first = i;
    if (i < toks.size() && is(toks[i], "only")) ++i;
    if (i >= toks.size() || !toks[i].is_name()) return std::nullopt;  // (the one-table path reports it)
    ++i;
    if (i + 1 < toks.size() && is(toks[i], ".") && toks[i + 1].is_name()) i += 2;
    if (i < toks.size() && is(toks[i], "*")) ++i;
    names.emplace_back(sql.substr(toks[first].offset, toks[i - 1].end() - toks[first].offset));
    if (i >= toks.size() || !is(toks[i], ",")) break;
    ++i;
  }
  if (names.size() < 2) return std::nullopt;
  std::string options = i < toks.size() ? " " + std::string(sql.substr(toks[i].offset)) : "";
  std::vector<std::string> out;
  // A DROP TABLE part names the others in a comment: what depends on its
  // table may go with them (drop_cascade::restrict).
  std::string with;
  if (is(toks[0], "drop"))
    for (const auto& name : names) with += (with.empty() ? " /* " + std::string(drop_cascade::with_marker) : ", ") + name;
  if (!with.empty()) with += " */";
  for (const auto& name : names) out.push_back(prefix + name + options + with);
  return out;
}

}  // namespace ddl

// CREATE TABLE / ALTER TABLE / DROP TABLE, CREATE INDEX, TRUNCATE, LOCK,
// VACUUM (nullopt for anything else).
inline std::optional<DdlTranslation> translate_ddl(sqlite3* db, std::string_view sql,
                                                   const std::vector<sqlite_dialect::Token>& toks,
                                                   const sqlite_dialect::Identity& who) {
  using ddl::is;
  if (auto sequence = sequences::translate(db, toks)) return DdlTranslation{std::move(*sequence), {}};
  if (toks.size() >= 2 && is(toks[0], "truncate")) return ddl::truncate(toks);
  if (auto comment = comments::translate(db, toks)) return comment;
  if (toks.size() >= 2 && is(toks[0], "lock")) return DdlTranslation{ddl::lock_table(db, toks), {}};
  if (!toks.empty() && is(toks[0], "vacuum")) return DdlTranslation{ddl::vacuum(db, toks), {}};
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
    if (auto expanded = create_like::expand(db, sql, toks, i, close)) {  // (LIKE s: s's columns, create_like.hpp)
      auto again = sqlite_dialect::tokenize(*expanded);
      return translate_ddl(db, *expanded, again, who);
    }
    std::size_t options_end = ddl::storage_parameters(toks, close + 1);
    for (std::size_t k = options_end; k < toks.size(); ++k)
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
    std::vector<std::string> columns;
    for (auto [first, end] : elements)
      if (toks[first].is_name() && !ddl::table_constraint_word(toks[first]))
        columns.push_back(sqlite_dialect::identifier(toks[first]));
    check_constraints::Namer checks(table, columns);
    bool first_element = true;
    for (auto [first, end] : elements) {
      if (!first_element) out += ", ";
      first_element = false;
      const auto& t = toks[first];
      if (is(t, "exclude") || is(t, "like"))
        throw not_supported(std::string(t.text) + " in CREATE TABLE", "SQLite has no counterpart.");
      if (ddl::table_constraint_word(t)) {
        // A CHECK is stored named (check_constraints.hpp).
        bool named = is(t, "constraint") && first + 3 < end;
        std::size_t check = named ? first + 2 : first;
        if (is(toks[check], "check") && check + 1 < end && is(toks[check + 1], "(")) {
          std::string name = checks.name(toks, check + 2, end - 2, named ? sqlite_dialect::identifier(toks[first + 1]) : "");
          out += "CONSTRAINT " + sqlite_dialect::quote_identifier(name) + " " +
                 ddl::expression(sql, toks, check, end - 1, who);
          continue;
        }
        out += ddl::expression(sql, toks, first, end - 1, who);
        continue;
      }
      auto def = ddl::column_def(
          sql, toks, first, end, table,
          !key_column.empty() && toks[first].is_name() && sqlite_dialect::identifier(toks[first]) == key_column, false,
          who, checks);
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
    if (i < toks.size() && is(toks[i], ","))  // (the caller splits lists: ddl::per_table_statements)
      throw not_supported("dropping several tables in one statement", "Drop one table at a time.");
    if (i < toks.size() && is(toks[i], "restrict")) ++i;  // PostgreSQL's default
    bool cascade = i < toks.size() && is(toks[i], "cascade");
    if (cascade) ++i;
    if (i < toks.size() && !is(toks[i], ";"))
      throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[i].text) + "\"");
    if (!if_exists && !ddl::table_exists(db, table))  // (PostgreSQL's words: "table", not SQLite's "relation")
      throw pgwire::PgError("42P01", "table \"" + table + "\" does not exist");
    std::string out =
        std::string("DROP TABLE ") + (if_exists ? "IF EXISTS " : "") + sqlite_dialect::quote_identifier(table);
    // What depends on the table goes first: with CASCADE all of it (its
    // NOTICE: skip_notices.hpp), else only the foreign keys of tables the
    // statement drops too (2BP01 for anything else). Dropped with the
    // table, such a key would fail SQLite's implicit DELETE.
    auto dependents = ddl::table_exists(db, table) ? drop_cascade::dependents(db, table)
                                                   : std::vector<drop_cascade::Dependent>{};
    if (!cascade) drop_cascade::restrict(dependents, table, sql);
    if (!dependents.empty())
      return DdlTranslation{"/* DROP TABLE: its dependents first (drop_cascade.hpp) */", [table, out](sqlite3* db) {
                              schema_edits::exec(db, "SAVEPOINT pgwire_drop_cascade");
                              try {
                                drop_cascade::drop_dependents(db, drop_cascade::dependents(db, table));
                                schema_edits::exec(db, out);
                                column_types::forget_table(db, table);
                                comments::forget(db, table);
                                schema_edits::exec(db, "RELEASE pgwire_drop_cascade");
                              } catch (...) {
                                sqlite3_exec(db, "ROLLBACK TO pgwire_drop_cascade; RELEASE pgwire_drop_cascade",
                                             nullptr, nullptr, nullptr);
                                throw;
                              }
                            }};
    return DdlTranslation{out, [table](sqlite3* db) {
                            column_types::forget_table(db, table);
                            comments::forget(db, table);
                          }};
  }

  if (is(toks[0], "alter") && is(toks[1], "table")) return ddl::alter_table(db, sql, toks, who);
  return std::nullopt;
}

}  // namespace sqlite_example
