#pragma once
// A scalar subquery that returns more than one row is PostgreSQL's error
// 21000 ("more than one row returned by a subquery used as an expression");
// SQLite silently takes the first row, a wrong answer nobody sees.
//
// So a parenthesised SELECT in an expression's place is run
// through an aggregate that fails at a second row, on at most two rows
// (PostgreSQL reads no more either), whatever its column is named:
//   (SELECT b FROM u WHERE ...)
//   -> (WITH pgwire_sqN(v) AS (SELECT b FROM u WHERE ...)
//       SELECT pgwire_scalar_subquery(v) FROM (SELECT v FROM pgwire_sqN LIMIT 2))
// No row is NULL, as before; correlated references still reach the outer
// query (SQLite inlines the CTE). The subquery's own parentheses are
// replaced (not inserted around), so that wrappers other rewrites put
// around or inside it keep their places (apply_edits).
//
// An expression's place is judged by the token before the "(": an
// operator, a clause keyword of expressions (SELECT, WHERE, AND, THEN,
// ...), a function call's "(", or a "," inside one of those. Not: IN,
// EXISTS, ANY/SOME/ALL, ARRAY, FROM and JOIN (a derived table), AS (a CTE,
// CREATE ... AS), UNION/INTERSECT/EXCEPT, LATERAL, INTO. What it does not
// recognise is left as it was, and so is a subquery starting with WITH
// (the select list names a scalar subquery's column from its SELECT).
// Two columns are PostgreSQL's 42601 (errors.hpp reads SQLite's complaint
// about the CTE's column list).
//
// ARRAY(SELECT ...), which SQLite cannot parse, becomes the array_agg of
// the same CTE ('{}' for no row, as PostgreSQL's empty array).

#include <sqlite3.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "errors.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

namespace scalar_subqueries_detail {

inline bool is_any(const Token& t, std::initializer_list<std::string_view> words) {
  for (auto w : words)
    if (t.is_keyword(w)) return true;
  return false;
}

// Before "(": a subquery there is not a scalar one.
inline bool takes_a_set(const Token& t) {
  return is_any(t, {"in", "exists", "any", "some", "all", "array", "from", "join", "as", "union", "intersect",
                    "except", "lateral", "into", "table", "distinct", "using"});
}

// Before "(": the keywords after which an expression starts.
inline bool starts_expression(const Token& t) {
  return is_any(t, {"select", "where", "and", "or", "not", "then", "else", "when", "case", "having", "returning",
                    "between", "on", "by", "limit", "offset", "set", "is"});
}

inline bool is_operator(const Token& t) {
  if (t.kind != Kind::punct) return false;
  for (std::string_view op : {"=", "<", ">", "<=", ">=", "<>", "!=", "+", "-", "*", "/", "%", "||", "^"})
    if (t.text == op) return true;
  return false;
}

// A "(" at toks[open] whose previous token is a function's name (or VALUES,
// a row): its contents are expressions.
inline bool opens_arguments(const std::vector<Token>& toks, std::size_t open) {
  if (open == 0) return false;
  const Token& before = toks[open - 1];
  if (before.kind != Kind::word && before.kind != Kind::quoted_identifier) return false;
  return !takes_a_set(before) && !before.is_keyword("over") && !before.is_keyword("filter") &&
         !before.is_keyword("within");
}

// The "," at toks[comma]: inside a select list, a function's arguments, a
// VALUES row, GROUP BY or ORDER BY (expressions), not a FROM list.
inline bool comma_between_expressions(const std::vector<Token>& toks, std::size_t comma) {
  int depth = 0;
  for (std::size_t k = comma; k-- > 0;) {
    const Token& t = toks[k];
    if (t.is_punct(")")) {
      ++depth;
    } else if (t.is_punct("(")) {
      if (depth == 0) return opens_arguments(toks, k) || (k > 0 && toks[k - 1].is_punct(","));
      --depth;
    } else if (depth == 0) {
      if (is_any(t, {"select", "by", "set", "returning", "values"})) return true;
      if (is_any(t, {"from", "join", "using", "with", "into"})) return false;
    }
  }
  return false;
}

inline bool in_expression_place(const std::vector<Token>& toks, std::size_t open) {
  if (open == 0) return false;
  const Token& before = toks[open - 1];
  if (takes_a_set(before)) return false;
  if (is_operator(before) || starts_expression(before)) return true;
  if (before.is_punct("(")) return opens_arguments(toks, open - 1);
  if (before.is_punct(",")) return comma_between_expressions(toks, open - 1);
  return false;
}

}  // namespace scalar_subqueries_detail

// The edits above for every scalar subquery of the statement.
inline void rewrite_scalar_subqueries(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  using namespace scalar_subqueries_detail;
  for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
    if (!toks[i].is_punct("(") || !toks[i + 1].is_keyword("select")) continue;
    std::size_t close = matching_paren(toks, i);
    if (close >= toks.size()) continue;
    if (i > 0 && toks[i - 1].is_keyword("array")) {
      // ARRAY(SELECT ...): its rows' values in order, {} for none (SQLite
      // cannot parse it). The CTE keeps the subquery's ORDER BY.
      std::string name = "pgwire_ar" + std::to_string(i);
      edits.push_back({toks[i - 1].offset, toks[i].end(), "(WITH " + name + "(v) AS ("});
      edits.push_back({toks[close].offset, toks[close].end(),
                       ") SELECT coalesce(array_agg(v), '{}') FROM " + name + ")"});
      continue;
    }
    if (!in_expression_place(toks, i)) continue;
    std::string name = "pgwire_sq" + std::to_string(i);
    edits.push_back({toks[i].offset, toks[i].end(), "(WITH " + name + "(v) AS ("});
    edits.push_back({toks[close].offset, toks[close].end(),
                     ") SELECT pgwire_scalar_subquery(v) FROM (SELECT v FROM " + name + " LIMIT 2))"});
  }
}

}  // namespace sqlite_dialect

namespace sqlite_example::scalar_subqueries {

// pgwire_scalar_subquery(v): the one row's v; NULL for none; 21000 at a second.
struct State {
  sqlite3_value* first;
  bool seen;
};

inline void step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* st = static_cast<State*>(sqlite3_aggregate_context(ctx, sizeof(State)));
  if (st == nullptr) return sqlite3_result_error_nomem(ctx);
  if (st->seen) {
    return sqlite3_result_error(
        ctx, function_error("21000", "more than one row returned by a subquery used as an expression").c_str(), -1);
  }
  st->seen = true;
  st->first = sqlite3_value_dup(argv[0]);
  if (st->first == nullptr && sqlite3_value_type(argv[0]) != SQLITE_NULL) sqlite3_result_error_nomem(ctx);
}

inline void final(sqlite3_context* ctx) {
  auto* st = static_cast<State*>(sqlite3_aggregate_context(ctx, 0));
  if (st == nullptr || st->first == nullptr) return sqlite3_result_null(ctx);
  sqlite3_result_value(ctx, st->first);
  sqlite3_value_free(st->first);
  st->first = nullptr;
}

inline void register_all(sqlite3* db) {
  sqlite3_create_function_v2(db, "pgwire_scalar_subquery", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr, nullptr,
                             &step, &final, nullptr);
}

}  // namespace sqlite_example::scalar_subqueries
