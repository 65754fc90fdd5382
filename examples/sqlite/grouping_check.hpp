#pragma once
// SELECT a, count(*) FROM t without GROUP BY: PostgreSQL refuses it
// (42803: column "t.a" must appear in the GROUP BY clause or be used in an
// aggregate function), SQLite answers with an arbitrary row's a. Checked
// where the text leaves no doubt: one SELECT (no set operation), no GROUP
// BY, one table in FROM, an aggregate call (not a window) in the select
// list, and a column of that table in the list outside every aggregate
// call and subquery. With a GROUP BY, PostgreSQL's functional dependencies
// (grouping by a primary key) would need the keys: not checked.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include <pgwire/codec/error_info.hpp>

#include "tokens.hpp"

namespace sqlite_dialect {

namespace grouping_detail {

inline bool is_aggregate_name(const Token& t) {
  for (std::string_view name :
       {"count", "sum", "avg", "min", "max", "array_agg", "string_agg", "bool_and", "bool_or", "every", "json_agg",
        "jsonb_agg", "json_object_agg", "jsonb_object_agg", "stddev", "stddev_pop", "stddev_samp", "variance",
        "var_pop", "var_samp", "bit_and", "bit_or", "percentile_cont", "percentile_disc", "mode"})
    if (t.is_keyword(name)) return true;
  return false;
}

// Tokens after which a name starts an operand (else it is an alias: SELECT count(*) n).
inline bool starts_operand_after(const Token& t) {
  if (t.kind == Kind::punct) return !is(t, ")") && !is(t, "]") && !is(t, ".") && !is(t, "::");
  for (std::string_view w : {"select", "distinct", "all", "case", "when", "then", "else", "and", "or", "not"})
    if (t.is_keyword(w)) return true;
  return false;
}

}  // namespace grouping_detail

inline void check_grouping(const std::vector<Token>& toks, const ColumnResolver& resolve) {
  using namespace grouping_detail;
  if (!resolve || toks.empty() || !toks[0].is_keyword("select")) return;
  std::size_t from = toks.size();
  int depth = 0;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (is(toks[i], "(")) ++depth;
    if (is(toks[i], ")")) --depth;
    if (depth != 0) continue;
    if (from == toks.size() && toks[i].is_keyword("from") && !distinct_from(toks, i)) from = i;
    for (std::string_view w : {"group", "union", "intersect", "except", "window"})
      if (toks[i].is_keyword(w)) return;
  }
  if (from == toks.size()) return;
  // FROM name [[AS] alias], then the end of the FROM clause.
  std::size_t k = from + 1;
  if (k >= toks.size() || !toks[k].is_name()) return;
  std::string table = identifier(toks[k]), alias = table;
  ++k;
  if (k + 1 < toks.size() && is(toks[k], ".") && toks[k + 1].is_name()) {  // (schema.table)
    table = alias = identifier(toks[k + 1]);
    k += 2;
  }
  if (k < toks.size() && toks[k].is_keyword("as")) ++k;
  auto clause_ends = [&](std::size_t at) {
    if (at == toks.size() || is(toks[at], ";")) return true;
    for (std::string_view w : {"where", "having", "order", "limit", "offset", "fetch", "for"})
      if (toks[at].is_keyword(w)) return true;
    return false;
  };
  if (!clause_ends(k) && toks[k].kind == Kind::word) alias = identifier(toks[k++]);  // (an alias)
  if (!clause_ends(k)) return;  // (a join, a list, a function, a subquery)
  // The select list: aggregate calls and subqueries are skipped.
  bool aggregate = false;
  std::vector<bool> skipped(from, false);
  for (std::size_t i = 1; i < from; ++i) {
    if (skipped[i]) continue;
    bool call = i + 1 < from && is(toks[i + 1], "(");
    bool subquery = is(toks[i], "(") && i + 1 < from && toks[i + 1].is_keyword("select");
    if (!call && !subquery) continue;
    std::size_t close = matching_paren(toks, call ? i + 1 : i);
    if (close >= from) return;
    std::size_t end = close;
    if (call && end + 2 < from && toks[end + 1].is_keyword("within") && toks[end + 2].is_keyword("group"))
      end = matching_paren(toks, end + 3);
    if (call && end + 1 < from && toks[end + 1].is_keyword("filter")) end = matching_paren(toks, end + 2);
    if (end >= from) return;
    bool window = end + 1 < from && toks[end + 1].is_keyword("over");
    if (subquery || (is_aggregate_name(toks[i]) && !window && !(i > 0 && is(toks[i - 1], ".")))) {
      if (!subquery) aggregate = true;
      for (std::size_t j = i; j <= end; ++j) skipped[j] = true;
    }
  }
  if (!aggregate) return;
  for (std::size_t i = 1; i < from; ++i) {
    if (skipped[i] || !toks[i].is_name() || (i + 1 < from && (is(toks[i + 1], "(") || is(toks[i + 1], "."))))
      continue;
    bool qualified = i >= 2 && is(toks[i - 1], ".") && toks[i - 2].is_name();
    if (qualified ? sqlite3_stricmp(identifier(toks[i - 2]).c_str(), alias.c_str()) != 0
                  : !starts_operand_after(toks[i - 1]))
      continue;
    std::string column = identifier(toks[i]);
    if (resolve(qualified ? identifier(toks[i - 2]) : std::string(), column) == 0) continue;
    throw pgwire::PgError("42803", "column \"" + alias + "." + column +
                                       "\" must appear in the GROUP BY clause or be used in an aggregate function");
  }
}

}  // namespace sqlite_dialect
