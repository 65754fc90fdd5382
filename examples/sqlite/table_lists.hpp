#pragma once
// DROP TABLE and TRUNCATE of several tables (ddl::per_table_statements makes
// one statement per table), and ALTER TABLE of several actions
// (ddl::per_action_statements): run in one savepoint, so that a missing table
// leaves every other one as it was, as in PostgreSQL; each TRUNCATE is one
// change for the change capture.

#include <sqlite3.h>

#include <string>
#include <string_view>
#include <vector>

#include <pgwire/protocol/results.hpp>

#include "catalog.hpp"
#include "change_capture.hpp"
#include "values.hpp"

namespace sqlite_example {

// The table TRUNCATE [TABLE] [ONLY] [public.]t emptied, by its name in SQLite.
inline std::string truncated_table(sqlite3* db, std::string_view sql) {
  auto toks = sqlite_dialect::tokenize(sql);
  std::size_t i = 1;
  while (i < toks.size() && (toks[i].is_keyword("table") || toks[i].is_keyword("only"))) ++i;
  if (i + 2 < toks.size() && toks[i + 1].is_punct(".")) i += 2;
  if (i >= toks.size()) return {};
  auto found = catalog_detail::rows(
      db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", toks[i].value());
  return found.empty() ? toks[i].value() : found[0][0];
}

// On the worker: `run_one(part)` runs one table's statement (a Response);
// `word` is DROP or TRUNCATE (or ALTER: one action of a table's
// ALTER TABLE each, ddl::per_action_statements).
template <class RunOne>
pgwire::Response run_each_table(sqlite3* db, std::string_view word, const std::vector<std::string>& parts,
                                ChangeCapture& capture, RunOne run_one) {
  auto undo = [db] {
    exec(db, "ROLLBACK TO pgwire_table_list");
    exec(db, "RELEASE pgwire_table_list");
  };
  exec(db, "SAVEPOINT pgwire_table_list");
  try {
    for (const auto& part : parts) {
      auto mark = capture.mark();
      pgwire::Response r = run_one(part);
      if (r.kind() == pgwire::Response::Kind::error) {
        undo();
        return r;
      }
      if (word == "TRUNCATE") capture.truncated(mark, truncated_table(db, part));
    }
  } catch (...) {
    undo();
    throw;
  }
  exec(db, "RELEASE pgwire_table_list");
  return pgwire::Response::command(word == "TRUNCATE" ? "TRUNCATE TABLE" : word == "ALTER" ? "ALTER TABLE" : "DROP TABLE");
}

}  // namespace sqlite_example
