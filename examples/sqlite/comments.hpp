#pragma once
// COMMENT ON TABLE | VIEW t IS 'text' | NULL, COMMENT ON COLUMN t.c IS ...:
// SQLite keeps no comments, so they are rows of a bookkeeping table,
//
//   pgwire_comments(object TEXT, column TEXT ('' for the relation), text TEXT)
//
// hidden from clients like the column records (translate.hpp), read by the
// catalog (catalog.hpp: TableInfo::comment, ColumnInfo::comment) for psql's
// \d+ and \dt+, obj_description and col_description. A dropped table's
// comments go with it (column_types::forget_table calls forget()).

#include <sqlite3.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "ddl_basics.hpp"
#include "errors.hpp"

namespace sqlite_example::comments {

inline constexpr const char* table = "pgwire_comments";

inline void run(sqlite3* db, const std::string& sql, const std::vector<std::string>& args) {
  sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS pgwire_comments(object TEXT, column TEXT, text TEXT, "
                   "PRIMARY KEY (object, column))",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  for (std::size_t i = 0; rc == SQLITE_OK && i < args.size(); ++i)
    sqlite3_bind_text(s, static_cast<int>(i + 1), args[i].c_str(), -1, SQLITE_TRANSIENT);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW && rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db, rc));
}

inline bool exists(sqlite3* db) {
  return sqlite3_table_column_metadata(db, nullptr, table, "text", nullptr, nullptr, nullptr, nullptr, nullptr) ==
         SQLITE_OK;
}

// Every comment: (object, column) -> text.
inline std::map<std::pair<std::string, std::string>, std::string> all(sqlite3* db) {
  std::map<std::pair<std::string, std::string>, std::string> out;
  if (!exists(db)) return out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT object, column, text FROM pgwire_comments", -1, &s, nullptr) == SQLITE_OK)
    while (sqlite3_step(s) == SQLITE_ROW)
      out[{reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
           reinterpret_cast<const char*>(sqlite3_column_text(s, 1))}] =
          reinterpret_cast<const char*>(sqlite3_column_text(s, 2));
  sqlite3_finalize(s);
  return out;
}

inline void forget(sqlite3* db, const std::string& object) {
  if (exists(db)) run(db, "DELETE FROM pgwire_comments WHERE object = ?1", {object});
}

inline void rename(sqlite3* db, const std::string& from, const std::string& to) {
  if (exists(db)) run(db, "UPDATE pgwire_comments SET object = ?2 WHERE object = ?1", {from, to});
}

// COMMENT ON ... at toks: the translation (a comment for SQLite; the hook
// stores the text), or nullopt for an object kind kept elsewhere or not.
inline std::optional<DdlTranslation> translate(sqlite3* db, const std::vector<sqlite_dialect::Token>& toks) {
  using sqlite_dialect::is;
  if (toks.size() < 6 || !is(toks[0], "comment") || !is(toks[1], "on")) return std::nullopt;
  bool column = is(toks[2], "column");
  if (!column && !is(toks[2], "table") && !is(toks[2], "view")) return std::nullopt;
  std::size_t i = 3;
  // [public.]t, or [public.]t.c for a column
  std::vector<std::string> parts;
  for (; i < toks.size() && toks[i].is_name(); i += 2) {
    parts.push_back(sqlite_dialect::identifier(toks[i]));
    if (i + 1 >= toks.size() || !is(toks[i + 1], ".")) {
      ++i;
      break;
    }
  }
  if (!parts.empty() && parts.front() == "public" && parts.size() > (column ? 2u : 1u)) parts.erase(parts.begin());
  if (parts.size() != (column ? 2u : 1u) || i + 1 >= toks.size() || !is(toks[i], "is"))
    throw pgwire::PgError("42601", "syntax error in COMMENT ON");
  std::optional<std::string> text;
  if (toks[i + 1].kind == sqlite_dialect::Kind::string)
    text = toks[i + 1].value();
  else if (!is(toks[i + 1], "null"))
    throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[i + 1].text) + "\"");
  std::string object = parts[0], col = column ? parts[1] : "";
  bool relation = false;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1", -1, &s,
                         nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, object.c_str(), -1, SQLITE_TRANSIENT);
    relation = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  if (!relation) throw pgwire::PgError("42P01", "relation \"" + object + "\" does not exist");
  if (column && sqlite3_table_column_metadata(db, nullptr, object.c_str(), col.c_str(), nullptr, nullptr, nullptr,
                                              nullptr, nullptr) != SQLITE_OK)
    throw pgwire::PgError("42703", "column \"" + col + "\" of relation \"" + object + "\" does not exist");
  return DdlTranslation{"/* COMMENT ON: kept in pgwire_comments (comments.hpp) */", [=](sqlite3* db) {
                          if (text && !text->empty())
                            run(db, "INSERT OR REPLACE INTO pgwire_comments VALUES (?1, ?2, ?3)", {object, col, *text});
                          else if (exists(db))
                            run(db, "DELETE FROM pgwire_comments WHERE object = ?1 AND column = ?2", {object, col});
                        }};
}

}  // namespace sqlite_example::comments
