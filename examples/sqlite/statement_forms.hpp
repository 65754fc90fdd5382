#pragma once
// Statement forms of PostgreSQL that SQLite lacks, as the statements SQLite
// has (sqlite_server's handler rewrites them before anything reads the
// text, so tags, notices and the CREATE TABLE AS path see the new form):
// - SELECT items INTO [TEMP | TEMPORARY | UNLOGGED] [TABLE] t FROM ... ->
//   CREATE [TEMP] TABLE t AS SELECT items FROM ... (tagged SELECT n, as
//   PostgreSQL tags SELECT INTO);
// - TABLE t [ORDER BY ...] [LIMIT ...] -> SELECT * FROM t ...

#include <optional>
#include <string>
#include <string_view>

#include <pgwire/protocol/sql_text.hpp>

namespace sqlite_example::statement_forms {

// The statement as SQLite takes it; nullopt when it is none of these. Reads
// a SELECT only up to its FROM (this runs for every statement compiled).
inline std::optional<std::string> rewrite(std::string_view sql) {
  pgwire::SqlLexer lexer(sql);
  auto first = lexer.next();
  if (!first) return std::nullopt;
  if (first->is_keyword("table")) {
    auto name = lexer.next();
    if (!name || !name->is_name()) return std::nullopt;
    return "SELECT * FROM " + std::string(sql.substr(name->offset));
  }
  if (!first->is_keyword("select")) return std::nullopt;
  // INTO at the top level of the select list (before FROM and the rest).
  int depth = 0;
  while (auto t = lexer.next()) {
    if (t->is_punct("(")) ++depth;
    if (t->is_punct(")")) --depth;
    if (depth != 0) continue;
    for (std::string_view end : {"from", "where", "group", "union", "order", "limit"})
      if (t->is_keyword(end)) return std::nullopt;
    if (t->is_punct(";")) return std::nullopt;
    if (!t->is_keyword("into")) continue;
    auto target = lexer.next();
    bool temp = false;
    while (target && (target->is_keyword("temp") || target->is_keyword("temporary") || target->is_keyword("unlogged"))) {
      temp = temp || !target->is_keyword("unlogged");
      target = lexer.next();
    }
    if (target && target->is_keyword("table")) target = lexer.next();
    if (!target || !target->is_name()) return std::nullopt;
    std::size_t name_end = target->end();
    auto rest = lexer.next();
    if (rest && rest->is_punct(".")) {  // schema.name
      auto name = lexer.next();
      if (!name || !name->is_name()) return std::nullopt;
      name_end = name->end();
    }
    std::string name(sql.substr(target->offset, name_end - target->offset));
    return std::string("CREATE ") + (temp ? "TEMP " : "") + "TABLE " + name + " AS " +
           std::string(sql.substr(0, t->offset)) + std::string(sql.substr(name_end));
  }
  return std::nullopt;
}

}  // namespace sqlite_example::statement_forms
