#pragma once
// EXPLAIN [ANALYZE] [VERBOSE] [(options)] statement, in a simple Query:
// PostgreSQL answers one text column, "QUERY PLAN", a line per plan node
// with its children indented under "->". SQLite's own EXPLAIN lists the
// bytecode program (addr, opcode, p1, ...), which no PostgreSQL client
// expects; its EXPLAIN QUERY PLAN gives the nodes (SCAN t, SEARCH t USING
// INDEX ...), which are printed here in PostgreSQL's shape. The nodes are
// SQLite's words, and there are no costs. ANALYZE does not run the
// statement (SQLite measures nothing). With the extended protocol the
// statement goes to SQLite as written (Parse reports its columns first).

#include <sqlite3.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/api/results.hpp>
#include <pgwire/protocol/results.hpp>

#include "../sqlite_dialect.hpp"
#include "errors.hpp"
#include "translate.hpp"
#include "values.hpp"

namespace sqlite_example::explain {

// Where the explained statement starts in `sql` (an EXPLAIN), or npos.
inline std::size_t statement_start(std::string_view sql) {
  auto toks = sqlite_dialect::tokenize(sql);
  using sqlite_dialect::is;
  std::size_t k = 1;
  if (k < toks.size() && is(toks[k], "(")) k = sqlite_dialect::matching_paren(toks, k) + 1;
  while (k < toks.size() && (is(toks[k], "analyze") || is(toks[k], "analyse") || is(toks[k], "verbose")))
    ++k;
  if (k >= toks.size()) return std::string_view::npos;
  for (std::string_view w : {"select", "with", "insert", "update", "delete", "values", "table"})
    if (is(toks[k], w)) return toks[k].offset;
  return std::string_view::npos;
}

// The QUERY PLAN rows of `sql`; nullopt when it explains no statement
// (then SQLite's own answer stands).
inline std::optional<pgwire::Response> run(sqlite3* db, std::string_view sql, const sqlite_dialect::Identity& who) {
  std::size_t start = statement_start(sql);
  if (start == std::string_view::npos) return std::nullopt;
  Translation inner = translate(db, sql.substr(start), who);
  sqlite3_stmt* s = nullptr;
  int rc = prepare_waiting(db, "EXPLAIN QUERY PLAN " + inner.sql, &s);
  if (rc != SQLITE_OK) return pgwire::Response::error(sqlite_error(db, rc));
  std::map<int, int> depth;  // node id -> its depth
  std::vector<std::vector<std::optional<std::string>>> rows;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    int id = sqlite3_column_int(s, 0), parent = sqlite3_column_int(s, 1);
    auto up = depth.find(parent);
    int d = up == depth.end() ? 0 : up->second + 1;
    depth[id] = d;
    const auto* detail = reinterpret_cast<const char*>(sqlite3_column_text(s, 3));
    std::string line = d == 0 ? std::string() : std::string(static_cast<std::size_t>(6 * (d - 1) + 2), ' ') + "->  ";
    rows.push_back({line + (detail ? detail : "")});
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) return pgwire::Response::error(sqlite_error(db, rc));
  auto schema = pgwire::make_schema({{"QUERY PLAN", pgwire::oid::text}});
  return pgwire::Response::rows(schema, pgwire::make_text_rows(std::move(rows)), "EXPLAIN");
}

}  // namespace sqlite_example::explain
