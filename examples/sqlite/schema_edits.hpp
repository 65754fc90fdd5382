#pragma once
// ALTER TABLE forms SQLite has no statement for, done as SQLite documents
// for changes that leave the stored rows as they are: the table's CREATE
// statement in sqlite_schema is edited (writable_schema), the schema
// version bumped so that every connection reads it again, and what the
// new declaration demands of the rows already there is checked first.
//
//   ALTER [COLUMN] c SET DEFAULT expr | DROP DEFAULT
//   ALTER [COLUMN] c SET NOT NULL (23502 if a row holds NULL) | DROP NOT NULL
//   ADD [CONSTRAINT name] FOREIGN KEY (...) REFERENCES ... (23503 if a row
//       refers to nothing)
//   ADD [CONSTRAINT name] CHECK (expr) (23514 if a row fails it)
//
// Migrations and pg_dump write these (a dump sets its serial columns'
// defaults and adds its foreign keys after the data). Each edit runs in a
// savepoint: a failed check leaves the table as it was.

#include <sqlite3.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"
#include "errors.hpp"

namespace sqlite_example::schema_edits {

using sqlite_dialect::is;
using sqlite_dialect::Token;

inline std::string table_sql(sqlite3* db, const std::string& table) {
  sqlite3_stmt* s = nullptr;
  std::string sql;
  if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1 COLLATE NOCASE", -1, &s,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
      sql = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  }
  sqlite3_finalize(s);
  if (sql.empty()) throw pgwire::PgError("42P01", "relation \"" + table + "\" does not exist");
  return sql;
}

inline void exec(sqlite3* db, const std::string& sql) {
  char* message = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message ? message : "";
  sqlite3_free(message);
  if (rc != SQLITE_OK) throw pgwire::PgError(translate_sqlite_error(rc, sqlite3_extended_errcode(db), text));
}

inline bool any_row(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw pgwire::PgError(sqlite_error(db, rc));
  return rc == SQLITE_ROW;
}

// Replaces the table's CREATE statement, then runs `check` (which throws
// to undo it), in a savepoint.
inline void replace_table_sql(sqlite3* db, const std::string& table, const std::string& sql,
                              const std::function<void()>& check = {}) {
  exec(db, "SAVEPOINT pgwire_schema_edit");
  try {
    sqlite3_stmt* s = nullptr;
    std::int64_t version = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
      version = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    exec(db, "PRAGMA writable_schema = ON");
    s = nullptr;
    int rc = sqlite3_prepare_v2(db, "UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2 COLLATE NOCASE",
                                -1, &s, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_bind_text(s, 1, sql.data(), static_cast<int>(sql.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(s, 2, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
      rc = sqlite3_step(s);
    }
    sqlite3_finalize(s);
    exec(db, "PRAGMA schema_version = " + std::to_string(version + 1));
    exec(db, "PRAGMA writable_schema = OFF");
    if (rc != SQLITE_DONE) throw pgwire::PgError(sqlite_error(db, rc));
    // SQLite reads the new declaration now: one it cannot parse is undone
    // here (the savepoint), not left to break every later statement.
    any_row(db, "SELECT 1 FROM " + sqlite_dialect::quote_identifier(table) + " LIMIT 0");
    if (check) check();
    exec(db, "RELEASE pgwire_schema_edit");
  } catch (...) {
    sqlite3_exec(db, "PRAGMA writable_schema = OFF", nullptr, nullptr, nullptr);
    sqlite3_exec(db, "ROLLBACK TO pgwire_schema_edit; RELEASE pgwire_schema_edit", nullptr, nullptr, nullptr);
    throw;
  }
}

// The CREATE TABLE text's elements (column definitions and table
// constraints): [first, end) token ranges, and the closing parenthesis.
struct Elements {
  std::vector<Token> toks;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::size_t close = 0;
};

inline Elements elements_of(std::string_view create) {
  Elements e;
  e.toks = sqlite_dialect::tokenize(create);
  std::size_t open = 0;
  while (open < e.toks.size() && !is(e.toks[open], "(")) ++open;
  if (open >= e.toks.size()) throw pgwire::PgError("XX000", "unexpected table definition");
  e.close = sqlite_dialect::matching_paren(e.toks, open);
  std::size_t start = open + 1;
  int depth = 0;
  for (std::size_t k = open + 1; k <= e.close && k < e.toks.size(); ++k) {
    if (is(e.toks[k], "(")) ++depth;
    if (is(e.toks[k], ")") && k != e.close) --depth;
    if ((depth == 0 && is(e.toks[k], ",")) || k == e.close) {
      e.ranges.emplace_back(start, k);
      start = k + 1;
    }
  }
  return e;
}

// The column's definition among the elements, or 42703.
inline std::pair<std::size_t, std::size_t> column_range(const Elements& e, const std::string& table,
                                                        const std::string& column) {
  for (auto r : e.ranges)
    if (r.first < r.second && e.toks[r.first].is_name() &&
        sqlite3_stricmp(sqlite_dialect::identifier(e.toks[r.first]).c_str(), column.c_str()) == 0)
      return r;
  throw pgwire::PgError("42703", "column \"" + column + "\" of relation \"" + table + "\" does not exist");
}

// The end of the constraint clause that starts at toks[k] within [k, end):
// the next constraint word at depth 0.
inline std::size_t clause_end(const std::vector<Token>& toks, std::size_t k, std::size_t end) {
  std::size_t next = k + 1;
  for (int depth = 0; next < end; ++next) {
    if (is(toks[next], "(")) ++depth;
    if (is(toks[next], ")")) --depth;
    if (depth != 0) continue;
    for (std::string_view w : {"constraint", "primary", "not", "null", "unique", "check", "default", "collate",
                               "references", "generated", "as"})
      if (is(toks[next], w)) return next;
  }
  return next;
}

// `create` with the column's DEFAULT replaced by `default_sql` (empty: removed).
inline std::string with_default(std::string_view create, const std::string& table, const std::string& column,
                                const std::string& default_sql) {
  Elements e = elements_of(create);
  auto [first, end] = column_range(e, table, column);
  std::vector<sqlite_dialect::Edit> edits;
  for (std::size_t k = first + 1; k < end; ++k)
    if (is(e.toks[k], "default")) edits.push_back({e.toks[k].offset, e.toks[clause_end(e.toks, k, end) - 1].end(), ""});
  if (!default_sql.empty())
    edits.push_back({e.toks[end - 1].end(), e.toks[end - 1].end(), " DEFAULT (" + default_sql + ")"});
  return sqlite_dialect::apply_edits(create, std::move(edits));
}

// `create` with the column's NOT NULL added or removed.
inline std::string with_not_null(std::string_view create, const std::string& table, const std::string& column,
                                 bool not_null) {
  Elements e = elements_of(create);
  auto [first, end] = column_range(e, table, column);
  std::vector<sqlite_dialect::Edit> edits;
  bool has = false;
  for (std::size_t k = first + 1; k + 1 < end; ++k)
    if (is(e.toks[k], "not") && is(e.toks[k + 1], "null")) {
      has = true;
      if (!not_null) edits.push_back({e.toks[k].offset, e.toks[k + 1].end(), ""});
    }
  if (not_null && !has) edits.push_back({e.toks[end - 1].end(), e.toks[end - 1].end(), " NOT NULL"});
  return sqlite_dialect::apply_edits(create, std::move(edits));
}

// A foreign key in a CREATE text, by the name PostgreSQL would give it.
struct ForeignKey {
  std::string name, referenced;
  std::vector<std::string> columns;  // the referenced ones; none: its primary key
  std::vector<std::string> from;     // the table's own
};

// The foreign keys `create` (table `table`'s) declares: CONSTRAINT n
// FOREIGN KEY (...) REFERENCES r, FOREIGN KEY (a, b) REFERENCES r
// (t_a_b_fkey), and a column's REFERENCES r (t_col_fkey).
inline std::vector<ForeignKey> foreign_keys_in(std::string_view create, const std::string& table) {
  std::vector<ForeignKey> out;
  Elements e = elements_of(create);
  const auto& t = e.toks;
  auto referenced = [&](std::size_t k, std::size_t end, std::string name) {  // REFERENCES r (a, b) at toks[k]
    ForeignKey key{std::move(name), {}, {}};
    std::size_t n = k + 1;
    if (n + 2 < end && is(t[n + 1], ".")) n += 2;
    if (n < end) key.referenced = sqlite_dialect::identifier(t[n]);
    if (n + 1 < end && is(t[n + 1], "("))
      for (std::size_t c = n + 2; c < end && !is(t[c], ")"); ++c)
        if (t[c].is_name()) key.columns.push_back(sqlite_dialect::identifier(t[c]));
    return key;
  };
  for (auto [first, end] : e.ranges) {
    if (first >= end) continue;
    bool named = is(t[first], "constraint") && first + 2 < end;
    std::size_t k = named ? first + 2 : first;
    if (is(t[k], "foreign")) {
      std::string name = named ? sqlite_dialect::identifier(t[first + 1]) : table;
      std::size_t r = k;
      for (; r < end && !is(t[r], "references"); ++r)
        if (!named && r > k + 2 && t[r].is_name()) name += "_" + sqlite_dialect::identifier(t[r]);
      if (r < end) {
        out.push_back(referenced(r, end, named ? name : name + "_fkey"));
        for (std::size_t c = k + 3; c < r && !is(t[c], ")"); ++c)
          if (t[c].is_name()) out.back().from.push_back(sqlite_dialect::identifier(t[c]));
      }
      continue;
    }
    if (named || !t[first].is_name() || is(t[first], "primary") || is(t[first], "unique") || is(t[first], "check"))
      continue;
    for (std::size_t c = first + 1; c < end; ++c)
      if (is(t[c], "references"))
      {
        out.push_back(referenced(c, end, table + "_" + sqlite_dialect::identifier(t[first]) + "_fkey"));
        out.back().from.push_back(sqlite_dialect::identifier(t[first]));
      }
  }
  return out;
}

inline pgwire::PgError declared_key_error() {
  return not_supported("dropping a primary key that CREATE TABLE declared",
                       "SQLite keeps it as the table's rowid or its own index; create a new table and copy the rows.");
}

// `create` without the constraint `name`: a named CHECK (column or table
// level), a named table constraint, or a foreign key by the name
// PostgreSQL gives an unnamed one (t_a_b_fkey); nullopt when the
// declaration has none of that name. A primary key or unique constraint
// declared in CREATE TABLE is SQLite's own index, which stays: 0A000.
inline std::optional<std::string> without_constraint(std::string_view create, const std::string& table,
                                                     const std::string& name) {
  Elements e = elements_of(create);
  const auto& t = e.toks;
  auto refuse_key = [&](std::size_t k) {
    if (k < t.size() && (is(t[k], "primary") || is(t[k], "unique"))) throw declared_key_error();
  };
  for (std::size_t n = 0; n < e.ranges.size(); ++n) {
    auto [first, end] = e.ranges[n];
    if (first >= end) continue;
    // The whole element: with the comma before it (or after it, for the first).
    auto element = [&, first = first, end = end] {
      std::size_t from = n > 0 ? t[first - 1].offset : t[first].offset;
      std::size_t to = n > 0 || n + 1 == e.ranges.size() ? t[end - 1].end() : t[end].end();
      return sqlite_dialect::apply_edits(create, {{from, to, ""}});
    };
    bool named = is(t[first], "constraint") && first + 1 < end;
    if (named && sqlite_dialect::identifier(t[first + 1]) == name) {
      refuse_key(first + 2);
      return element();
    }
    std::size_t k = named ? first + 2 : first;
    if (is(t[k], "foreign") && k + 2 < end && is(t[k + 2], "(")) {  // FOREIGN KEY (a, b) REFERENCES ...
      std::string fkey = table;
      for (std::size_t c = k + 3; c < end && !is(t[c], ")"); ++c)
        if (t[c].is_name()) fkey += "_" + sqlite_dialect::identifier(t[c]);
      if (!named && fkey + "_fkey" == name) return element();
      continue;
    }
    if (!t[first].is_name() || named || is(t[first], "primary") || is(t[first], "unique") || is(t[first], "check"))
      continue;
    // A column: its CONSTRAINT name CHECK (...), and its REFERENCES (t_col_fkey).
    std::string column = sqlite_dialect::identifier(t[first]);
    for (std::size_t c = first + 1; c < end; ++c) {
      if (is(t[c], "constraint") && c + 3 < end && is(t[c + 2], "check") && is(t[c + 3], "(") &&
          sqlite_dialect::identifier(t[c + 1]) == name)
        return sqlite_dialect::apply_edits(
            create, {{t[c].offset, t[sqlite_dialect::matching_paren(t, c + 3)].end(), ""}});
      if (is(t[c], "references") && table + "_" + column + "_fkey" == name) {
        std::size_t stop = c + 1;
        for (int depth = 0; stop < end; ++stop) {
          if (is(t[stop], "(")) ++depth;
          if (is(t[stop], ")")) --depth;
          bool not_deferrable = is(t[stop], "not") && stop + 1 < end && is(t[stop + 1], "deferrable");
          bool action = is(t[stop - 1], "set");  // (ON DELETE SET NULL / SET DEFAULT)
          if (depth == 0 && stop > c + 1 && !not_deferrable && !action &&
              (is(t[stop], "constraint") || is(t[stop], "check") || is(t[stop], "default") || is(t[stop], "not") ||
               is(t[stop], "null") ||
                                              is(t[stop], "unique") || is(t[stop], "primary") ||
                                              is(t[stop], "collate")))
            break;
        }
        return sqlite_dialect::apply_edits(create, {{t[c].offset, t[stop - 1].end(), ""}});
      }
    }
  }
  return std::nullopt;
}

// The index of a key ALTER TABLE added (key_names.hpp's markers) named
// `name` on `table`; it is dropped as an index.
inline bool is_added_key(sqlite3* db, const std::string& table, const std::string& name) {
  return any_row(db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = " +
                         sqlite_dialect::quote_literal(name) + " AND tbl_name = " + sqlite_dialect::quote_literal(table) +
                         " COLLATE NOCASE AND (instr(sql, " + sqlite_dialect::quote_literal(primary_key_marker) +
                         ") > 0 OR instr(sql, " + sqlite_dialect::quote_literal(unique_constraint_marker) + ") > 0)");
}

// A primary key or unique constraint CREATE TABLE declared, by the name
// PostgreSQL gives it (t_pkey, t_a_key).
inline bool is_declared_key(sqlite3* db, const std::string& table, const std::string& name) {
  std::string t = sqlite_dialect::quote_literal(table);
  if (name == table + "_pkey" && any_row(db, "SELECT 1 FROM pragma_table_info(" + t + ") WHERE pk > 0")) return true;
  return any_row(db, "SELECT 1 FROM pragma_index_list(" + t + ") l WHERE l.origin = 'u' AND " + t +
                         " || '_' || (SELECT group_concat(name, '_') FROM (SELECT name FROM pragma_index_info(l.name) "
                         "ORDER BY seqno)) || '_key' = " + sqlite_dialect::quote_literal(name));
}

// Whether `table` has a constraint `name` that ALTER TABLE DROP CONSTRAINT finds.
inline bool has_constraint(sqlite3* db, const std::string& table, const std::string& name) {
  if (is_added_key(db, table, name) || is_declared_key(db, table, name)) return true;
  try {
    return without_constraint(table_sql(db, table), table, name).has_value();
  } catch (const pgwire::PgError&) {
    return true;  // (a key: found, though it cannot be dropped)
  }
}

// `create` with a table constraint added.
inline std::string with_constraint(std::string_view create, const std::string& constraint) {
  Elements e = elements_of(create);
  return sqlite_dialect::apply_edits(create, {{e.toks[e.close].offset, e.toks[e.close].offset, ", " + constraint}});
}

}  // namespace sqlite_example::schema_edits
