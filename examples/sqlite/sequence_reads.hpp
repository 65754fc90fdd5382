#pragma once
// SELECT ... FROM a sequence: PostgreSQL's sequences are relations of one
// row (last_value, log_cnt, is_called), and pg_dump reads each one it dumps
// that way (SELECT last_value, is_called FROM public.s) before writing its
// setval. Here a sequence is a row of pgwire_sequences (sequences.hpp) or a
// serial column's counter (serial_sequences.hpp), so the name is replaced
// by a subquery giving that row. is_called is 't' or 'f', as PostgreSQL's
// text form prints it.

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../sqlite_dialect.hpp"
#include "sequences.hpp"
#include "serial_sequences.hpp"

namespace sqlite_example::sequence_reads {

// Whether a table or view is named `name` (it wins over a sequence).
inline bool relation_exists(sqlite3* db, const std::string& name) {
  sqlite3_stmt* s = nullptr;
  bool found = false;
  if (sqlite3_prepare_v2(db,
                         "SELECT 1 FROM (SELECT type, name FROM sqlite_schema UNION ALL SELECT type, name FROM "
                         "sqlite_temp_schema) WHERE name = ?1 COLLATE NOCASE AND type IN ('table', 'view')",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    found = sqlite3_step(s) == SQLITE_ROW;
  }
  sqlite3_finalize(s);
  return found;
}

// The one-row subquery standing for sequence `name`; nullopt for no sequence.
inline std::optional<std::string> row_of(sqlite3* db, const std::string& name) {
  auto q = [](const std::string& s) { return sqlite_dialect::quote_literal(s); };
  if (sqlite3_table_column_metadata(db, nullptr, sequences::table, "name", nullptr, nullptr, nullptr, nullptr,
                                    nullptr) == SQLITE_OK &&
      sequences::load(db, name))
    // (through a function: a subquery naming pgwire_sequences would type the
    // outer is_called by that table's INTEGER column)
    return "(SELECT pgwire_sequence_state(" + q(name) + ", 0) AS last_value, 0 AS log_cnt, pgwire_sequence_state(" +
           q(name) + ", 1) AS is_called)";
  auto serial = serial_sequences::find(db, name);
  if (!serial) return std::nullopt;
  std::string last = "coalesce((SELECT max(" + sqlite_dialect::quote_identifier(serial->column) + ") FROM " +
                     sqlite_dialect::quote_identifier(serial->table) + "), 0)";
  if (serial->autoincrement)
    last = "max(" + last + ", coalesce((SELECT seq FROM sqlite_sequence WHERE name = " + q(serial->table) + "), 0))";
  return "(SELECT CASE WHEN v > 0 THEN v ELSE 1 END AS last_value, 0 AS log_cnt, CASE WHEN v > 0 THEN 't' ELSE "
         "'f' END AS is_called FROM (SELECT " +
         last + " AS v))";
}

// `sql` (a SELECT) with each sequence it reads FROM replaced by its row;
// nullopt when it reads none.
inline std::optional<std::string> rewrite(sqlite3* db, std::string_view sql,
                                          const std::vector<sqlite_dialect::Token>& toks) {
  using sqlite_dialect::is;
  if (toks.empty() || !is(toks[0], "select")) return std::nullopt;
  std::vector<sqlite_dialect::Edit> edits;
  for (std::size_t i = 1; i < toks.size(); ++i) {
    if (!(is(toks[i - 1], "from") || is(toks[i - 1], "join")) || !toks[i].is_name()) continue;
    std::size_t last = i;
    if (i + 2 < toks.size() && is(toks[i + 1], ".") && toks[i + 2].is_name()) {
      if (sqlite_dialect::identifier(toks[i]) != "public") continue;
      last = i + 2;
    }
    if (last + 1 < toks.size() && is(toks[last + 1], "(")) continue;  // a function
    std::string name = sqlite_dialect::identifier(toks[last]);
    if (relation_exists(db, name)) continue;
    auto row = row_of(db, name);
    if (!row) continue;
    bool aliased = last + 1 < toks.size() && (toks[last + 1].is_keyword("as") ||
                                              (toks[last + 1].is_name() && !toks[last + 1].is_keyword("where") &&
                                               !toks[last + 1].is_keyword("limit") && !toks[last + 1].is_keyword("order")));
    edits.push_back({toks[i].offset, toks[last].end(),
                     *row + (aliased ? "" : " AS " + sqlite_dialect::quote_identifier(name))});
  }
  if (edits.empty()) return std::nullopt;
  return sqlite_dialect::apply_edits(sql, std::move(edits));
}

}  // namespace sqlite_example::sequence_reads
