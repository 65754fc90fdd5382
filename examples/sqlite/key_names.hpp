#pragma once
// The name a client gave a primary key or unique constraint. SQLite keeps
// a CREATE TABLE's keys as its own indexes (sqlite_autoindex_t_1) and
// reports a violation by columns ("UNIQUE constraint failed: t.b"), so a
// name is found where it was written: CONSTRAINT b_uq UNIQUE (b) in the
// table's CREATE text, or the index a later ALTER TABLE ADD CONSTRAINT
// made (marked, column_types.hpp). Without one, PostgreSQL's default
// applies (t_pkey, t_b_key), which the callers (errors.hpp, catalog.hpp)
// make themselves.

#include <sqlite3.h>

#include <string>

#include "tokens.hpp"

namespace sqlite_example {

// In the stored text of the unique index that ALTER TABLE ... ADD PRIMARY
// KEY or ADD UNIQUE made (ddl.hpp's add_key): SQLite adds no constraint to
// a table, so the catalog (catalog.hpp) tells these indexes from CREATE
// UNIQUE INDEX by this comment (SQLite keeps comments between tokens).
inline constexpr const char* primary_key_marker = " /* PRIMARY KEY */ ";
inline constexpr const char* unique_constraint_marker = " /* UNIQUE */ ";

namespace key_names {

// The name of the key on `columns` ("a_b", as joined in PostgreSQL's
// default names) of `table`, or empty.
inline std::string declared(sqlite3* db, const std::string& table, bool primary, const std::string& columns) {
  using sqlite_dialect::is;
  std::string found;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", -1, &s,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0)) {
      auto toks = sqlite_dialect::tokenize(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
      int depth = 0;
      std::size_t element = 0;  // the first token of the table element at hand
      for (std::size_t k = 0; k + 3 < toks.size() && found.empty(); ++k) {
        if (is(toks[k], "(") && ++depth == 1) element = k + 1;
        if (is(toks[k], ")")) --depth;
        if (depth == 1 && is(toks[k], ",")) element = k + 1;
        if (depth != 1 || !is(toks[k], "constraint")) continue;
        std::size_t open = primary ? k + 4 : k + 3;
        bool kind = primary ? is(toks[k + 2], "primary") && k + 3 < toks.size() && is(toks[k + 3], "key")
                            : is(toks[k + 2], "unique");
        if (!kind) continue;
        std::string list;
        if (open < toks.size() && is(toks[open], "(")) {  // a table constraint
          for (std::size_t c = open + 1; c < toks.size() && !is(toks[c], ")"); ++c)
            if (toks[c].is_name()) list += (list.empty() ? "" : "_") + sqlite_dialect::identifier(toks[c]);
        } else if (k != element && toks[element].is_name()) {  // a column's
          list = sqlite_dialect::identifier(toks[element]);
        }
        if (list == columns) found = sqlite_dialect::identifier(toks[k + 1]);
      }
    }
  }
  sqlite3_finalize(s);
  if (!found.empty()) return found;
  s = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT i.name FROM sqlite_master i WHERE i.type = 'index' AND i.tbl_name = ?1 COLLATE NOCASE "
                         "AND instr(i.sql, ?2) > 0 AND (SELECT group_concat(name, '_') FROM (SELECT name FROM "
                         "pragma_index_info(i.name) ORDER BY seqno)) = ?3",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, primary ? primary_key_marker : unique_constraint_marker, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, columns.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) found = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  }
  sqlite3_finalize(s);
  return found;
}

}  // namespace key_names

}  // namespace sqlite_example
