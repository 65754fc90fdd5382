// PostgreSQL catalog SQL -> SQLite (pg_to_sqlite.hpp). Works on the
// library's tokens (sql_text.hpp): a flat pass for the token-level
// spellings, then a pass over parenthesised groups for the structures
// (casts need their operand, ANY/ARRAY their group); the passes are
// pg_to_sqlite_*.cpp (pg_to_sqlite_passes.hpp).

#include "pg_to_sqlite.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "pg_to_sqlite_passes.hpp"
#include "relations.hpp"
#include "result_types.hpp"
#include "sql_tokens.hpp"

namespace pgwire::catalog_detail {

namespace {

bool catalog_function(std::string_view f) {
  static const std::set<std::string_view> s{
      "format_type", "obj_description", "col_description", "shobj_description", "pg_table_is_visible",
      "pg_type_is_visible", "pg_function_is_visible", "pg_encoding_to_char", "pg_char_to_encoding",
      "getdatabaseencoding", "pg_get_userbyid",
      "current_schemas", "has_table_privilege", "has_schema_privilege", "has_database_privilege",
      "has_function_privilege", "pg_has_role", "pg_relation_size", "pg_total_relation_size", "pg_table_size",
      "pg_indexes_size", "pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef", "pg_get_viewdef",
      "pg_get_function_result", "pg_get_function_arguments", "pg_get_function_identity_arguments",
      "pg_get_triggerdef", "pg_get_serial_sequence", "regclass", "regtype", "regproc", "regprocedure",
      "regnamespace", "regrole", "to_regclass", "to_regtype"};
  return s.count(f) > 0;
}

}  // namespace

Translation translate(std::string_view postgres_sql) {
  Toks pg = inline_lateral_rows(rewrite_spellings(lex(postgres_sql)));
  Translation t;
  t.parameter_types = infer_parameters(pg);
  Toks sqlite = rewrite_structures(resolve_system_columns(pg));
  t.sql = render(sqlite);
  // Subqueries first, innermost first: their columns type the references to
  // them from outside (asyncpg's "ti.name" is typname, a name, two levels up).
  std::map<std::string, Oid>& derived = t.subquery_columns;
  std::vector<std::pair<int, std::size_t>> subqueries;  // (nesting depth, position of its "(")
  int depth = 0;
  for (std::size_t i = 0; i + 1 < pg.size(); ++i) {
    if (pg[i].p("(")) ++depth;
    if (pg[i].p(")")) --depth;
    if (pg[i].p("(") && pg[i + 1].is("select")) subqueries.emplace_back(depth, i);
  }
  std::stable_sort(subqueries.begin(), subqueries.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto [level, i] : subqueries) {
    Toks group = slice(pg, i + 1, match_forward(pg, i));
    for (const auto& c : typed_items(group, t.parameter_types, nullptr, &derived))
      if (c.type != 0) derived.emplace(c.name, c.type);
  }
  if (starts_query(pg) || (!pg.empty() && pg[0].p("("))) {
    bool star = false;
    t.columns = typed_items(pg, t.parameter_types, &star, &derived);
    if (star) t.columns.clear();
  }
  return t;
}

bool reads_catalog(std::string_view sql) {
  // Token by token, stopping at the first catalog name: this runs for every
  // statement a product is sent, and most are not the catalog's.
  try {
    SqlLexer lexer(sql);
    auto t = lexer.next();
    if (!t || !(t->is_keyword("select") || t->is_keyword("with") || t->is_keyword("values") || t->is_punct("(")))
      return false;
    for (; t; t = lexer.next()) {
      bool quoted = t->kind == Kind::quoted_identifier;  // ("information_schema"."tables": TypeORM)
      if (t->kind != Kind::word && !quoted) continue;
      auto v = t->value();
      if (v == "pg_catalog" || v == "information_schema" || is_catalog_relation(v)) return true;
      if (!quoted && catalog_function(v)) return true;
    }
  } catch (...) {
    return false;
  }
  return false;
}

}  // namespace pgwire::catalog_detail
