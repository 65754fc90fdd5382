#pragma once
// CREATE TABLE t (LIKE s [INCLUDING | EXCLUDING {DEFAULTS | CONSTRAINTS |
// INDEXES | ALL | ...}] ..., other elements): the LIKE element becomes s's
// column definitions as PostgreSQL copies them, so the statement then goes
// through the ordinary CREATE TABLE translation (ddl.hpp):
// - always: each column's name, PostgreSQL type (the side table's record,
//   else SQLite's declaration) and NOT NULL;
// - INCLUDING DEFAULTS: the defaults (a serial's nextval() too, so both
//   tables draw from s's counter, as in PostgreSQL);
// - INCLUDING CONSTRAINTS: the CHECK constraints, by their names;
// - INCLUDING INDEXES: the primary key.
// Table constraints go after every column (SQLite wants them last).
// INCLUDING ALL is all of them; other options (COMMENTS, STORAGE, ...) are
// accepted and copy nothing.

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"
#include "check_constraints.hpp"
#include "column_types.hpp"
#include "ddl_basics.hpp"

namespace sqlite_example::create_like {

using sqlite_dialect::is;
using sqlite_dialect::Token;

namespace detail {

struct Including {
  bool defaults = false, constraints = false, indexes = false;
};

// The column definitions LIKE `source` stands for, and in `constraints` the
// table constraints it brings (", PRIMARY KEY (...), CONSTRAINT ...": they
// go after every column, where SQLite wants them).
inline std::string columns_of(sqlite3* db, const std::string& source, Including with, std::string& constraints) {
  std::string out, key;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid", -1, &s,
                         nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return out;
  }
  sqlite3_bind_text(s, 1, source.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::pair<int, std::string>> keys;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::string name = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    const unsigned char* decl = sqlite3_column_text(s, 1);
    auto recorded = recorded_column(db, source, name);
    pgwire::Oid type = recorded.type ? recorded.type : declared_type(decl ? reinterpret_cast<const char*>(decl) : "");
    std::string modifier = column_types::modifier_text(type, recorded.modifier);
    out += (out.empty() ? "" : ", ") + sqlite_dialect::quote_identifier(name) + " " + column_types::format_type(type, modifier);
    int pk = sqlite3_column_int(s, 3);
    if (sqlite3_column_int(s, 2) != 0 || pk != 0) out += " NOT NULL";
    if (pk != 0) keys.emplace_back(pk, sqlite_dialect::quote_identifier(name));
    if (with.defaults) {
      std::string shown;
      sqlite3_stmt* d = nullptr;
      std::string q = std::string("SELECT pg_default FROM ") + column_types_table + " WHERE table_name = ?1 AND column_name = ?2";
      if (sqlite3_prepare_v2(db, q.c_str(), -1, &d, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(d, 1, source.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(d, 2, name.c_str(), -1, SQLITE_TRANSIENT);
        if (sqlite3_step(d) == SQLITE_ROW && sqlite3_column_type(d, 0) != SQLITE_NULL)
          shown = reinterpret_cast<const char*>(sqlite3_column_text(d, 0));
      }
      sqlite3_finalize(d);
      if (!shown.empty()) out += " DEFAULT " + shown;
    }
  }
  sqlite3_finalize(s);
  if (with.indexes && !keys.empty()) {
    std::sort(keys.begin(), keys.end());
    std::string list;
    for (const auto& [n, name] : keys) list += (list.empty() ? "" : ", ") + name;
    constraints += ", PRIMARY KEY (" + list + ")";
  }
  if (with.constraints) {
    sqlite3_stmt* c = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", -1, &c, nullptr) ==
        SQLITE_OK) {
      sqlite3_bind_text(c, 1, source.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(c) == SQLITE_ROW && sqlite3_column_type(c, 0) != SQLITE_NULL)
        for (const auto& check : check_constraints::named_in(reinterpret_cast<const char*>(sqlite3_column_text(c, 0))))
          constraints += ", CONSTRAINT " + sqlite_dialect::quote_identifier(check.name) + " CHECK (" + check.expression + ")";
    }
    sqlite3_finalize(c);
  }
  return out;
}

}  // namespace detail

// The CREATE TABLE with its LIKE elements expanded; nullopt when it has none.
// toks[open] is the '(' of the element list, toks[close] its ')'.
inline std::optional<std::string> expand(sqlite3* db, std::string_view sql, const std::vector<Token>& toks,
                                         std::size_t open, std::size_t close) {
  std::vector<sqlite_dialect::Edit> edits;
  std::string constraints;
  for (std::size_t i = open + 1; i < close; ++i) {
    if (!(is(toks[i], "like") && (is(toks[i - 1], "(") || is(toks[i - 1], ",")))) continue;
    std::size_t k = i + 1;
    std::string source = ddl::table_name(toks, k);
    if (!ddl::table_exists(db, source)) throw pgwire::PgError("42P01", "relation \"" + source + "\" does not exist");
    detail::Including with;
    while (k + 1 < close && (is(toks[k], "including") || is(toks[k], "excluding"))) {
      bool on = is(toks[k], "including");
      const Token& what = toks[k + 1];
      bool all = is(what, "all");
      if (all || is(what, "defaults")) with.defaults = on;
      if (all || is(what, "constraints")) with.constraints = on;
      if (all || is(what, "indexes")) with.indexes = on;
      k += 2;
    }
    if (k < close && !is(toks[k], ","))
      throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[k].text) + "\"");
    edits.push_back({toks[i].offset, toks[k - 1].end(), detail::columns_of(db, source, with, constraints)});
    i = k;
  }
  if (edits.empty()) return std::nullopt;
  if (!constraints.empty()) edits.push_back({toks[close].offset, toks[close].offset, constraints});
  return sqlite_dialect::apply_edits(sql, std::move(edits));
}

}  // namespace sqlite_example::create_like
