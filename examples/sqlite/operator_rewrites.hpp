#pragma once
// Operators SQLite reads differently from PostgreSQL, rewritten as text
// edits (tokens.hpp) on the statement, with the operand extents of
// expressions.hpp:
//
// - `a / b` and `a % b`: the right operand wrapped in pgwire_divisor()
//   (22012 for a zero; SQLite answers NULL), or in pgwire_real_divisor()
//   when an operand of / is a numeric, so that it is no integer division
//   (guard_division; see expressions.hpp's top for the operand's extent);
// - `a ^ b`: power(a, b) (rewrite_exponents);
// - `x op ANY/SOME/ALL (array)`: pgwire_any() (rewrite_any_all,
//   array_functions.hpp);
// - `doc ->> key`: text, as PostgreSQL's (SQLite's gives 2 for a number,
//   1 for true): pgwire_json_text(doc -> key) (rewrite_json_text);
// - jsonb's `doc ? key`, `doc ?| keys`, `doc ?& keys`: SQLite's MATCH
//   (rewrite_json_key_operators, json_key_operators.hpp).

#include <functional>
#include <string>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "expressions.hpp"
#include "numeric_text.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

// The edits for `a ^ b` (PostgreSQL's exponentiation, which SQLite lacks):
// power(a, b), `a` the primary before ^ (^ binds tighter than * and /) and
// `b` the one after it, as operand_end() reads it.
inline void rewrite_exponents(const std::vector<Token>& toks, const std::vector<CastSpan>& casts,
                              std::vector<Edit>& edits) {
  std::vector<std::size_t> cast_end(toks.size() + 1, 0);
  for (const auto& c : casts) cast_end[c.at] = c.last;
  constexpr auto npos = static_cast<std::size_t>(-1);
  std::size_t chain_end = npos, chain_start = npos;  // the last power(...) made: a ^ b ^ c is (a ^ b) ^ c
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    if (!is(toks[i], "^")) continue;
    std::size_t end = detail::operand_end(toks, i + 1, cast_end);
    if (end >= toks.size()) continue;
    // The primary ending at toks[i - 1]: a literal, a parameter, a (qualified) name, a
    // parenthesized expression or a call, with its casts.
    std::size_t k = i - 1;
    for (const auto& c : casts)
      if (c.last == k && c.at > 0) k = c.at - 1;
    if (is(toks[k], ")")) {
      int depth = 0;
      std::size_t open = k + 1;
      while (open-- > 0) {
        if (is(toks[open], ")")) ++depth;
        if (is(toks[open], "(") && --depth == 0) break;
      }
      if (open >= toks.size()) continue;
      k = open > 0 && toks[open - 1].kind == Kind::word ? open - 1 : open;
    } else if (toks[k].is_name()) {
      while (k >= 2 && is(toks[k - 1], ".") && toks[k - 2].is_name()) k -= 2;
    } else if (toks[k].kind != Kind::number && toks[k].kind != Kind::parameter) {
      continue;
    }
    if (chain_end == i - 1) k = chain_start;
    // A unary sign binds tighter than ^ (-2 ^ 2 is 4): it belongs to the base.
    if (k > 0 && (is(toks[k - 1], "-") || is(toks[k - 1], "+"))) {
      bool binary = k >= 2 && (is(toks[k - 2], ")") || toks[k - 2].kind == Kind::number ||
                               toks[k - 2].kind == Kind::string || toks[k - 2].kind == Kind::parameter ||
                               (toks[k - 2].is_name() && !toks[k - 2].is_keyword("select") &&
                                !toks[k - 2].is_keyword("where") && !toks[k - 2].is_keyword("and") &&
                                !toks[k - 2].is_keyword("or") && !toks[k - 2].is_keyword("then") &&
                                !toks[k - 2].is_keyword("else") && !toks[k - 2].is_keyword("when") &&
                                !toks[k - 2].is_keyword("by") && !toks[k - 2].is_keyword("set") &&
                                !toks[k - 2].is_keyword("return") && !toks[k - 2].is_keyword("not")));
      if (!binary) --k;
    }
    chain_start = k;
    chain_end = end;
    edits.push_back({toks[k].offset, toks[k].offset, "power("});
    edits.push_back({toks[i].offset, toks[i].end(), ", "});
    edits.push_back({toks[end].end(), toks[end].end(), ")"});
  }
}

namespace detail {

// `x op ANY|SOME|ALL (SELECT ...)` with the operator at toks[op] (SQLite has
// neither), for an x of one token or a qualified name (a column, a
// parameter, a literal) standing alone on its left: x is written again
// inside, against each row's value v (a correlated reference, as a
// column), with PostgreSQL's three-valued answer: ANY is true if one
// comparison is, else NULL if one is NULL, else false (no row: false);
// ALL is false if one is, else NULL if one is NULL, else true (no row:
// true).
//   (WITH pgwire_qN(pgwire_v) AS (SELECT ...) SELECT CASE max(CASE WHEN x op
//   pgwire_v THEN 2 WHEN (x op pgwire_v) IS NULL THEN 1 ELSE 0 END) WHEN 2
//   THEN 1 WHEN 1 THEN NULL ELSE 0 END FROM pgwire_qN)
// (min and the answers mirrored for ALL). Another x is left alone.
inline void quantified_subquery(const std::vector<Token>& toks, std::size_t op, bool all, std::vector<Edit>& edits) {
  std::size_t first = op - 1;
  auto simple = [](const Token& t) {
    return t.is_name() || t.kind == Kind::parameter || t.kind == Kind::number || t.kind == Kind::string;
  };
  if (!simple(toks[first])) return;
  if (first >= 2 && is(toks[first - 1], ".") && toks[first - 2].is_name()) first -= 2;
  if (first > 0) {  // (x stands alone: what precedes it starts an operand)
    const Token& before = toks[first - 1];
    bool boundary = is(before, "(") || is(before, ",");
    for (std::string_view w : {"where", "and", "or", "on", "when", "then", "else", "having", "select", "not"})
      boundary = boundary || before.is_keyword(w);
    if (!boundary) return;
  }
  std::size_t open = op + 2, close = matching_paren(toks, open);
  if (close >= toks.size()) return;
  std::string x;
  for (std::size_t k = first; k < op; ++k) x += toks[k].text;
  std::string name = "pgwire_q" + std::to_string(op);
  std::string compare = x + " " + std::string(toks[op].text == "!=" ? "<>" : toks[op].text) + " pgwire_v";
  std::string answer = all ? "CASE min(CASE WHEN " + compare + " THEN 2 WHEN (" + compare +
                                 ") IS NULL THEN 1 ELSE 0 END) WHEN 0 THEN 0 WHEN 1 THEN NULL ELSE 1 END"
                           : "CASE max(CASE WHEN " + compare + " THEN 2 WHEN (" + compare +
                                 ") IS NULL THEN 1 ELSE 0 END) WHEN 2 THEN 1 WHEN 1 THEN NULL ELSE 0 END";
  edits.push_back({toks[first].offset, toks[open].end(), "(WITH " + name + "(pgwire_v) AS ("});
  edits.push_back({toks[close].offset, toks[close].end(), ") SELECT " + answer + " FROM " + name + ")"});
}

}  // namespace detail

// The edits for `x op ANY (array)`, `x op SOME (array)` and `x op ALL
// (array)`: pgwire_any('op', is_all, x, array) (array_functions.hpp).
// Over a subquery, `= ANY (SELECT ...)` is IN and `<> ALL (SELECT ...)`
// NOT IN, which SQLite has; other operators: quantified_subquery.
inline void rewrite_any_all(const std::vector<Token>& toks, const std::vector<CastSpan>& casts,
                            std::vector<Edit>& edits) {
  for (std::size_t i = 1; i + 3 < toks.size(); ++i) {
    const Token& op = toks[i];
    bool comparison = is(op, "=") || is(op, "<>") || is(op, "!=") || is(op, "<") || is(op, ">") || is(op, "<=") ||
                      is(op, ">=");
    bool all = toks[i + 1].is_keyword("all");
    if (!comparison || !(all || toks[i + 1].is_keyword("any") || toks[i + 1].is_keyword("some")) ||
        !is(toks[i + 2], "("))
      continue;
    if (toks[i + 3].is_keyword("select") || toks[i + 3].is_keyword("with") || toks[i + 3].is_keyword("values")) {
      if (is(op, "=") && !all) {
        edits.push_back({op.offset, toks[i + 1].end(), "IN"});
      } else if ((is(op, "<>") || is(op, "!=")) && all) {
        edits.push_back({op.offset, toks[i + 1].end(), "NOT IN"});
      } else if (toks[i + 3].is_keyword("select")) {
        detail::quantified_subquery(toks, i, all, edits);
      }
      continue;
    }
    std::size_t left = detail::left_operand_start(toks, i - 1, casts);
    if (left >= toks.size()) continue;
    std::string name(op.text == "!=" ? "<>" : op.text);
    edits.push_back({toks[left].offset, toks[left].offset,
                     "pgwire_any('" + name + "', " + (all ? "1" : "0") + ", "});
    edits.push_back({op.offset, toks[i + 2].end(), ", "});
  }
}

namespace detail {

// CAST(... AS numeric|decimal ...) opening at toks[open - 1] ("cast") and
// closing at toks[close]?
inline bool numeric_cast_call(const std::vector<Token>& toks, std::size_t open, std::size_t close) {
  if (open == 0 || !is(toks[open - 1], "cast")) return false;
  int depth = 0;
  for (std::size_t k = open; k < close; ++k) {
    if (is(toks[k], "(")) ++depth;
    if (is(toks[k], ")")) --depth;
    if (depth == 1 && is(toks[k], "as") && k + 1 < close)
      return is(toks[k + 1], "numeric") || is(toks[k + 1], "decimal");
  }
  return false;
}

// Is the operand toks[first, last] (its extent as operand_end() finds it,
// or the primary ending at `last` when first is npos) a numeric: a cast to
// numeric, or a numeric column? (A decimal literal is a REAL to SQLite
// already, and divides as one.)
inline bool numeric_operand(const std::vector<Token>& toks, std::size_t first, std::size_t last,
                            const std::vector<CastSpan>& casts, const ColumnResolver& resolve) {
  constexpr auto npos = static_cast<std::size_t>(-1);
  for (const auto& c : casts)
    if (c.last == last) return c.type == pgwire::oid::numeric;
  if (is(toks[last], ")")) {  // CAST(x AS numeric)
    int depth = 0;
    for (std::size_t k = last + 1; k-- > 0;) {
      if (is(toks[k], ")")) ++depth;
      if (is(toks[k], "(") && --depth == 0) return (first == npos || first + 1 == k) && numeric_cast_call(toks, k, last);
    }
    return false;
  }
  if (!toks[last].is_name() || !resolve) return false;
  std::string qualifier;
  std::size_t start = last;
  if (last >= 2 && is(toks[last - 1], ".") && toks[last - 2].is_name()) {
    start = last - 2;
    qualifier = identifier(toks[start]);
  }
  if (first != npos && first != start) return false;
  return resolve(qualifier, identifier(toks[last])) == pgwire::oid::numeric;
}

}  // namespace detail

// The edits that wrap the right operand of every / and % (see the top). A
// division with a numeric operand (x::numeric / 2, a numeric column) gets
// pgwire_real_divisor instead, which gives the divisor as a REAL: SQLite
// divides integers as integers (5::numeric / 2 was 2; PostgreSQL says 2.5).
inline std::size_t json_primary_start(const std::vector<Token>& toks, std::size_t k);

// interval * number, number * interval, interval / number:
// pgwire_interval_scale(a, b, divide) (interval_functions.hpp), where
// SQLite multiplied the interval's text as 0 or its leading number. Run
// after guard_division, whose divisor check then sits inside the call.
inline void rewrite_interval_scaling(const std::vector<Token>& toks, const std::vector<CastSpan>& casts,
                                     std::vector<Edit>& edits,
                                     const std::function<pgwire::Oid(std::size_t, std::size_t)>& type_of) {
  if (!type_of) return;
  std::vector<std::size_t> cast_end(toks.size() + 1, 0);
  for (const auto& c : casts) cast_end[c.at] = c.last;
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    bool divide = is(toks[i], "/");
    if (!divide && !is(toks[i], "*")) continue;
    std::size_t left = json_primary_start(toks, i - 1);
    if (left >= i) continue;
    if (left > 0 && toks[left - 1].is_keyword("interval") && toks[left].kind == Kind::string) --left;
    if (left > 0 && (is(toks[left - 1], "*") || is(toks[left - 1], "/") || is(toks[left - 1], "%"))) continue;
    std::size_t end = i + 2 < toks.size() && toks[i + 1].is_keyword("interval") && toks[i + 2].kind == Kind::string
                          ? i + 2
                          : detail::operand_end(toks, i + 1, cast_end);
    if (end >= toks.size()) continue;
    pgwire::Oid a = type_of(left, i), b = type_of(i + 1, end + 1);
    auto number = [](pgwire::Oid t) {
      return t == pgwire::oid::int2 || t == pgwire::oid::int4 || t == pgwire::oid::int8 || t == pgwire::oid::numeric ||
             t == pgwire::oid::float4 || t == pgwire::oid::float8;
    };
    bool scaled = (a == pgwire::oid::interval && number(b)) || (!divide && number(a) && b == pgwire::oid::interval);
    if (!scaled) continue;
    edits.push_back({toks[left].offset, toks[left].offset, "pgwire_interval_scale("});
    edits.push_back({toks[i].offset, toks[i].end(), ","});
    edits.push_back({toks[end].end(), toks[end].end(), divide ? ", 1)" : ", 0)"});
  }
}

// `type_of(first, end)`: the type of toks[first, end) as the statement
// tells it (0 when it does not), for operands that are no column or cast.
inline void guard_division(const std::vector<Token>& toks, const std::vector<CastSpan>& casts,
                           std::vector<Edit>& edits, const ColumnResolver& resolve = {},
                           const std::function<pgwire::Oid(std::size_t, std::size_t)>& type_of = {}) {
  constexpr auto npos = static_cast<std::size_t>(-1);
  std::vector<std::size_t> cast_end(toks.size() + 1, 0);
  for (const auto& c : casts) cast_end[c.at] = c.last;
  for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
    if (!is(toks[i], "/") && !is(toks[i], "%")) continue;
    std::size_t end = detail::operand_end(toks, i + 1, cast_end);
    if (end >= toks.size()) continue;
    // (a decimal literal is a numeric, as PostgreSQL reads 3.0)
    auto decimal = [&](std::size_t k) {
      return toks[k].kind == Kind::number && toks[k].text.find_first_of(".eE") != std::string_view::npos;
    };
    bool numeric = is(toks[i], "/") && ((i > 0 && (detail::numeric_operand(toks, npos, i - 1, casts, resolve) ||
                                                    decimal(i - 1))) ||
                                        detail::numeric_operand(toks, i + 1, end, casts, resolve) ||
                                        (end == i + 1 && decimal(i + 1)));
    // A numeric division is PostgreSQL's exact one (numeric_division.hpp):
    // a / b becomes pgwire_numeric_div(a, b) when its left operand is one
    // primary (a chain a * b / c keeps SQLite's division).
    std::size_t left = is(toks[i], "/") && i > 0 ? json_primary_start(toks, i - 1) : toks.size();
    // (sum(a) / count(*), (a + 1) / 3: typed by the statement)
    if (!numeric && is(toks[i], "/") && type_of && left < i)
      numeric = type_of(left, i) == pgwire::oid::numeric || type_of(i + 1, end + 1) == pgwire::oid::numeric;
    if (!numeric) left = toks.size();
    // (a float operand divides as a float: 10::float / 4 is 2.5, where
    // SQLite's integer division of 10 by 4 is 2)
    bool floating = false;
    if (!numeric && is(toks[i], "/")) {
      auto is_float = [](pgwire::Oid t) { return t == pgwire::oid::float4 || t == pgwire::oid::float8; };
      for (const auto& c : casts)
        if ((c.last == i - 1 || c.last == end) && is_float(c.type)) floating = true;
      if (!floating && type_of && i > 0) {
        std::size_t from = json_primary_start(toks, i - 1);
        floating = (from < i && is_float(type_of(from, i))) || is_float(type_of(i + 1, end + 1));
      }
    }
    bool alone = left < toks.size() &&
                 !(left > 0 && (is(toks[left - 1], "*") || is(toks[left - 1], "/") || is(toks[left - 1], "%") ||
                                is(toks[left - 1], "::") || is(toks[left - 1], ".")));
    // (-a / b is (-a) / b: the sign goes inside, where SQLite's negation
    // of the quotient's text would make it a double)
    if (alone && left > 0 && is(toks[left - 1], "-")) {
      bool unary = left == 1 || (toks[left - 2].kind == Kind::punct && !is(toks[left - 2], ")") && !is(toks[left - 2], "]"));
      for (std::string_view w : {"select", "where", "and", "or", "not", "when", "then", "else", "by", "on", "having",
                                 "distinct", "returning", "set", "values", "in", "is"})
        unary = unary || (left >= 2 && toks[left - 2].is_keyword(w));
      if (unary) --left;
    }
    if (alone) {
      // (its text compares as a number: q / 4 = 2.5, ORDER BY q / 4)
      edits.push_back({toks[left].offset, toks[left].offset, "(CAST(pgwire_numeric_div("});
      edits.push_back({toks[i].offset, toks[i].end(), ","});
      edits.push_back({toks[end].end(), toks[end].end(),
                       ") AS TEXT) COLLATE " + std::string(sqlite_example::numeric_text::collation) + ")"});
      continue;
    }
    edits.push_back(
        {toks[i + 1].offset, toks[i + 1].offset, numeric || floating ? "pgwire_real_divisor(" : "pgwire_divisor("});
    edits.push_back({toks[end].end(), toks[end].end(), ")"});
  }
}

// The first token of the primary that ends at toks[k], as SQLite binds a
// JSON operator's left operand (a call, a parenthesized expression, a
// qualified name, a ::name cast); toks.size() when not one.
inline std::size_t json_primary_start(const std::vector<Token>& toks, std::size_t k) {
  const std::size_t n = toks.size();
  if (k > 1 && toks[k].is_name() && is(toks[k - 1], "::")) k -= 2;  // x::jsonb
  if (k > 3 && is(toks[k], "]") && is(toks[k - 1], "[") && is(toks[k - 2], "::")) k -= 3;  // x::text[]
  if (is(toks[k], "]")) {  // ARRAY[...]
    int depth = 0;
    for (;; --k) {
      if (is(toks[k], "]")) ++depth;
      if (is(toks[k], "[") && --depth == 0) break;
      if (k == 0) return n;
    }
    return k > 0 && toks[k - 1].is_keyword("array") ? k - 1 : n;
  }
  if (is(toks[k], ")")) {
    int depth = 0;
    for (;; --k) {
      if (is(toks[k], ")")) ++depth;
      if (is(toks[k], "(") && --depth == 0) break;
      if (k == 0) return n;
    }
    if (k > 0 && toks[k - 1].is_name() && !toks[k - 1].is_keyword("in")) --k;  // a call
  } else if (!(toks[k].is_name() || toks[k].kind == Kind::string || toks[k].kind == Kind::number ||
               toks[k].kind == Kind::parameter)) {
    return n;
  }
  while (k > 1 && is(toks[k - 1], ".") && toks[k - 2].is_name()) k -= 2;  // t.doc
  return k;
}

// A chain of JSON operators whose last one is toks[op]: [start, end] of
// its tokens, start == toks.size() when it is not understood.
inline std::pair<std::size_t, std::size_t> json_chain(const std::vector<Token>& toks, std::size_t op) {
  const std::size_t n = toks.size();
  std::size_t start = json_primary_start(toks, op - 1);
  while (start < n && start > 1 &&
         (is(toks[start - 1], "->") || is(toks[start - 1], "->>") || is(toks[start - 1], "||")))
    start = json_primary_start(toks, start - 2);
  std::size_t end = op + 1;
  if (end >= n) return {n, end};
  if (end + 1 < n && toks[end].is_keyword("array") && is(toks[end + 1], "[")) end = matching_paren(toks, end + 1);
  if (end < n && is(toks[end], "(")) end = matching_paren(toks, end);
  bool operand = end < n && (toks[end].kind == Kind::string || toks[end].kind == Kind::number ||
                             toks[end].kind == Kind::parameter || toks[end].is_name() || is(toks[end], ")") || is(toks[end], "]"));
  if (end >= n || !operand) start = n;
  return {start, end};
}

// doc ->> k -> pgwire_json_text(doc -> k) (json_key_operators.hpp): the
// left operand as SQLite binds it (primaries joined by ||, -> and ->>), the
// right one a primary. Made before the casts' edits, so that it encloses
// them.
inline void rewrite_json_text(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  const std::size_t n = toks.size();
  for (std::size_t i = 1; i + 1 < n; ++i) {
    if (!is(toks[i], "->>")) continue;
    auto [start, end] = json_chain(toks, i);
    if (start >= n) continue;
    edits.push_back({toks[start].offset, toks[start].offset, "pgwire_json_text("});
    edits.push_back({toks[i].offset, toks[i].end(), "->"});
    edits.push_back({toks[end].end(), toks[end].end(), ")"});
  }
}

// doc ? 'k' -> doc MATCH 'k'; doc ?| a -> doc MATCH pgwire_keys_any(a);
// doc ?& a -> doc MATCH pgwire_keys_all(a) (json_key_operators.hpp says
// why MATCH). Only where `?` follows an operand.
inline void rewrite_json_key_operators(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  std::vector<std::size_t> no_casts(toks.size() + 1, 0);
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    const Token& t = toks[i];
    bool one = is(t, "?"), any = is(t, "?|"), all = is(t, "?&");
    if (!one && !any && !all) continue;
    const Token& before = toks[i - 1];
    bool binary = is(before, ")") || is(before, "]") || before.kind == Kind::string ||
                  before.kind == Kind::parameter || before.kind == Kind::quoted_identifier ||
                  (before.kind == Kind::word && !before.is_keyword("select") && !before.is_keyword("where") &&
                   !before.is_keyword("and") && !before.is_keyword("or") && !before.is_keyword("not") &&
                   !before.is_keyword("when") && !before.is_keyword("then") && !before.is_keyword("else"));
    if (!binary) continue;
    if (one) {
      edits.push_back({t.offset, t.end(), " MATCH "});
      continue;
    }
    std::size_t end = toks.size();
    if (i + 2 < toks.size() && toks[i + 1].is_keyword("array") && is(toks[i + 2], "[")) {  // ARRAY[...]
      for (std::size_t k = i + 2, depth = 0; k < toks.size(); ++k) {
        if (is(toks[k], "[")) ++depth;
        if (is(toks[k], "]") && --depth == 0) {
          end = k;
          break;
        }
      }
    } else {
      end = detail::operand_end(toks, i + 1, no_casts);
    }
    if (end >= toks.size()) continue;
    edits.push_back({t.offset, t.end(), any ? " MATCH pgwire_keys_any(" : " MATCH pgwire_keys_all("});
    edits.push_back({toks[end].end(), toks[end].end(), ")"});
  }
}

}  // namespace sqlite_dialect
