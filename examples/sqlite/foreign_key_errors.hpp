#pragma once
// A foreign key violation named as PostgreSQL names it. SQLite says only
// "FOREIGN KEY constraint failed"; the statement that failed tells the
// table, and the table's keys tell which constraint it must have been
// when only one could: an INSERT checks the keys of its table, a DELETE
// the keys that refer to it, an UPDATE both.
//   insert or update on table "orders" violates foreign key constraint "orders_customer_id_fkey"
//   update or delete on table "customers" violates foreign key constraint "orders_customer_id_fkey" on table "orders"
// With several candidates the message stays SQLite's, with a hint.

#include <sqlite3.h>

#include <map>
#include <string>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "inserted_rows.hpp"
#include "tokens.hpp"

namespace sqlite_example::foreign_key_errors {

// A foreign key: the referencing table and columns, the referenced table.
struct Key {
  std::string table, columns, referenced;
  std::vector<std::string> from, to;  // (to: empty names for the referenced primary key)
};

namespace detail {

inline std::vector<Key> keys_of(sqlite3* db, const std::string& table) {
  std::map<int, Key> keys;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s) == SQLITE_ROW) {
      auto& k = keys[sqlite3_column_int(s, 0)];
      k.table = table;
      k.referenced = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
      k.columns += (k.columns.empty() ? "" : "_") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)));
      k.from.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)));
      const unsigned char* to = sqlite3_column_text(s, 3);
      k.to.emplace_back(to ? reinterpret_cast<const char*>(to) : "");
    }
  }
  sqlite3_finalize(s);
  std::vector<Key> out;
  for (auto& [id, k] : keys) out.push_back(std::move(k));
  return out;
}

inline std::vector<Key> keys_referring_to(sqlite3* db, const std::string& table) {
  std::vector<Key> out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table'", -1, &s, nullptr) == SQLITE_OK)
    while (sqlite3_step(s) == SQLITE_ROW)
      for (auto& k : keys_of(db, reinterpret_cast<const char*>(sqlite3_column_text(s, 0))))
        if (sqlite3_stricmp(k.referenced.c_str(), table.c_str()) == 0) out.push_back(std::move(k));
  sqlite3_finalize(s);
  return out;
}

// The referenced columns of `key` (its table's primary key when not named).
inline std::vector<std::string> referenced_columns(sqlite3* db, const Key& key) {
  bool named = true;
  for (const auto& c : key.to) named = named && !c.empty();
  if (named) return key.to;
  std::vector<std::string> pk;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", -1, &s, nullptr) ==
      SQLITE_OK) {
    sqlite3_bind_text(s, 1, key.referenced.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s) == SQLITE_ROW) pk.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  return pk;
}

// PostgreSQL's DETAIL for an INSERT ... VALUES whose row refers to no row
// of the referenced table: Key (p)=(9) is not present in table "t".
inline std::string missing_key_detail(sqlite3* db, sqlite3_stmt* failed, const Key& key) {
  auto to = referenced_columns(db, key);
  if (to.size() != key.from.size()) return {};
  auto inserted = inserted_rows::read(db, failed, key.from);
  for (const auto& row : inserted.rows) {
    bool has_null = false;
    for (const auto& v : row) has_null = has_null || !v;
    if (has_null) continue;  // (a key with a NULL refers to nothing: MATCH SIMPLE)
    if (inserted_rows::has_row(db, key.referenced, to, row)) continue;
    std::string names, values;
    for (std::size_t i = 0; i < row.size(); ++i) {
      names += (i ? ", " : "") + key.from[i];
      values += (i ? ", " : "") + *row[i];
    }
    return "Key (" + names + ")=(" + values + ") is not present in table \"" + key.referenced + "\".";
  }
  return {};
}

// PostgreSQL's DETAIL for a DELETE that removes a row another table's key
// refers to: Key (id)=(1) is still referenced from table "orders". The
// statement's WHERE (parameters in place) picks the rows again.
inline std::string still_referenced_detail(sqlite3* db, sqlite3_stmt* failed, const Key& key, const std::string& table) {
  using sqlite_dialect::is;
  auto to = referenced_columns(db, key);
  if (to.size() != key.from.size() || !failed) return {};
  char* expanded = sqlite3_expanded_sql(failed);
  if (!expanded) return {};
  std::string sql = expanded;
  sqlite3_free(expanded);
  auto toks = sqlite_dialect::tokenize(sql);
  // DELETE FROM t [WHERE ...] [RETURNING ...]: no alias, nothing before
  if (toks.size() < 3 || !is(toks[0], "delete") || !is(toks[1], "from") || !toks[2].is_name()) return {};
  std::string condition = "true";
  if (toks.size() > 3) {
    if (!is(toks[3], "where")) return {};
    std::size_t end = toks.size();
    int depth = 0;
    for (std::size_t i = 4; i < toks.size(); ++i) {
      if (is(toks[i], "(")) ++depth;
      if (is(toks[i], ")")) --depth;
      if (depth == 0 && (is(toks[i], "returning") || is(toks[i], ";"))) {
        end = i;
        break;
      }
    }
    if (end <= 4) return {};
    condition = sql.substr(toks[4].offset, toks[end - 1].end() - toks[4].offset);
  }
  std::string quoted = sqlite_dialect::quote_identifier(table), child = sqlite_dialect::quote_identifier(key.table);
  std::string columns, match;
  for (std::size_t i = 0; i < to.size(); ++i) {
    columns += (i ? ", " : "") + quoted + "." + sqlite_dialect::quote_identifier(to[i]);
    match += (i ? " AND " : "") + std::string("pgwire_child.") + sqlite_dialect::quote_identifier(key.from[i]) + " = " +
             quoted + "." + sqlite_dialect::quote_identifier(to[i]);
  }
  std::string query = "SELECT " + columns + " FROM " + quoted + " WHERE (" + condition + ") AND EXISTS (SELECT 1 FROM " +
                      child + " AS pgwire_child WHERE " + match + ") LIMIT 1";
  sqlite3_stmt* s = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    std::string names, values;
    for (std::size_t i = 0; i < to.size(); ++i) {
      const unsigned char* v = sqlite3_column_text(s, static_cast<int>(i));
      names += (i ? ", " : "") + to[i];
      values += (i ? ", " : "") + std::string(v ? reinterpret_cast<const char*>(v) : "null");
    }
    out = "Key (" + names + ")=(" + values + ") is still referenced from table \"" + key.table + "\".";
  }
  sqlite3_finalize(s);
  return out;
}

}  // namespace detail

// `info` (SQLite's foreign key error) with PostgreSQL's message when the
// statement `failed` could only have broken one key.
inline pgwire::ErrorInfo named(sqlite3* db, sqlite3_stmt* failed, pgwire::ErrorInfo info) {
  const char* text = failed ? sqlite3_sql(failed) : nullptr;
  if (!text) return info;
  auto toks = sqlite_dialect::tokenize(text);
  using sqlite_dialect::is;
  std::size_t k = 0;
  int depth = 0;
  for (; k < toks.size(); ++k) {  // (past a WITH's queries)
    if (is(toks[k], "(")) ++depth;
    if (is(toks[k], ")")) --depth;
    if (depth == 0 && (is(toks[k], "insert") || is(toks[k], "update") || is(toks[k], "delete"))) break;
  }
  if (k >= toks.size()) return info;
  bool inserting = is(toks[k], "insert"), deleting = is(toks[k], "delete");
  std::size_t name = k + 1;
  if (name + 1 < toks.size() && is(toks[name], "or")) name += 2;  // INSERT OR REPLACE
  if (name < toks.size() && (is(toks[name], "into") || is(toks[name], "from"))) ++name;
  if (name + 2 < toks.size() && is(toks[name + 1], ".")) name += 2;  // main.t
  if (name >= toks.size() || !toks[name].is_name()) return info;
  std::string table = sqlite_dialect::identifier(toks[name]);
  std::vector<Key> own = deleting ? std::vector<Key>{} : detail::keys_of(db, table);
  std::vector<Key> referring = inserting ? std::vector<Key>{} : detail::keys_referring_to(db, table);
  if (own.size() + referring.size() != 1) return info;
  info.hint.clear();
  if (!own.empty()) {
    const Key& key = own.front();
    info.message = "insert or update on table \"" + key.table + "\" violates foreign key constraint \"" + key.table +
                   "_" + key.columns + "_fkey\"";
    if (inserting) info.detail = detail::missing_key_detail(db, failed, key);
  } else {
    const Key& key = referring.front();
    info.message = "update or delete on table \"" + table + "\" violates foreign key constraint \"" + key.table + "_" +
                   key.columns + "_fkey\" on table \"" + key.table + "\"";
    if (deleting) info.detail = detail::still_referenced_detail(db, failed, key, table);
  }
  return info;
}

}  // namespace sqlite_example::foreign_key_errors
