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

#include "tokens.hpp"

namespace sqlite_example::foreign_key_errors {

// A foreign key: the referencing table and columns, the referenced table.
struct Key {
  std::string table, columns, referenced;
};

namespace detail {

inline std::vector<Key> keys_of(sqlite3* db, const std::string& table) {
  std::map<int, Key> keys;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT id, \"table\", \"from\" FROM pragma_foreign_key_list(?1) ORDER BY id, seq", -1,
                         &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s) == SQLITE_ROW) {
      auto& k = keys[sqlite3_column_int(s, 0)];
      k.table = table;
      k.referenced = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
      k.columns += (k.columns.empty() ? "" : "_") + std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 2)));
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
  } else {
    const Key& key = referring.front();
    info.message = "update or delete on table \"" + table + "\" violates foreign key constraint \"" + key.table + "_" +
                   key.columns + "_fkey\" on table \"" + key.table + "\"";
  }
  return info;
}

}  // namespace sqlite_example::foreign_key_errors
