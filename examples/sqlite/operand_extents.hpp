#pragma once
// Where an operand begins and ends in a token stream, as SQLite's parser
// would read it beside an operator: the right operand of a / or % (for
// the division guard, operator_rewrites.hpp) and the chain of operands
// left of a + or - (interval and date arithmetic). Also the `::type`
// casts the cast scanner of sqlite_dialect.hpp found, which an operand may
// end with.

#include <cstddef>
#include <string_view>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "tokens.hpp"

namespace sqlite_dialect {

// A `::type` cast after a token: [at, last] are its tokens ("::" .. the
// type's last), found by the cast scanner of sqlite_dialect.hpp.
struct CastSpan {
  std::size_t at, last;
  pgwire::Oid type = 0;
  std::size_t operand = static_cast<std::size_t>(-1);  // first token of what it casts, if known
};

namespace detail {

inline bool is_word(const std::vector<Token>& toks, std::size_t i) {
  return i < toks.size() && toks[i].kind == Kind::word;
}

// The last token of the operand SQLite parses right of a / or % at
// toks[start], or toks.size() when it is not one this understands.
// `cast_end[i]`: the last token of a cast starting at i, or 0.
inline std::size_t operand_end(const std::vector<Token>& toks, std::size_t start,
                               const std::vector<std::size_t>& cast_end) {
  std::size_t n = toks.size(), i = start;
  auto unary_primary = [&](std::size_t& k) -> bool {
    while (k < n && (is(toks[k], "-") || is(toks[k], "+") || is(toks[k], "~"))) ++k;
    if (k >= n) return false;
    const Token& t = toks[k];
    if (is(t, "(")) {
      k = matching_paren(toks, k);
      if (k >= n) return false;
    } else if (t.kind == Kind::number || t.kind == Kind::string || t.kind == Kind::parameter) {
    } else if (is(t, "case")) {
      int depth = 0;
      for (; k < n; ++k) {
        if (is(toks[k], "case")) ++depth;
        if (is(toks[k], "end") && --depth == 0) break;
      }
      if (k >= n) return false;
    } else if (is(t, "not") || is(t, "select") || is(t, "distinct")) {
      return false;
    } else if (t.is_name()) {
      while (k + 2 < n && is(toks[k + 1], ".") && toks[k + 2].is_name()) k += 2;
      if (k + 1 < n && is(toks[k + 1], "(")) {  // a call, CAST(...), EXISTS(...)
        k = matching_paren(toks, k + 1);
        if (k >= n) return false;
        if (k + 2 < n && is(toks[k + 1], "filter") && is(toks[k + 2], "(")) k = matching_paren(toks, k + 2);
        if (k + 2 < n && is(toks[k + 1], "over") && is(toks[k + 2], "("))
          k = matching_paren(toks, k + 2);
        else if (k + 2 < n && is(toks[k + 1], "over") && toks[k + 2].is_name())
          k += 2;
        if (k >= n) return false;
      }
    } else {
      return false;
    }
    // Postfix: casts (removed later, but part of the operand) and COLLATE.
    for (;;) {
      if (k + 1 < n && cast_end[k + 1] != 0) {
        k = cast_end[k + 1];
      } else if (k + 2 < n && is(toks[k + 1], "collate") && toks[k + 2].is_name()) {
        k += 2;
      } else {
        break;
      }
    }
    return true;
  };
  if (!unary_primary(i)) return n;
  while (i + 1 < n && (is(toks[i + 1], "||") || is(toks[i + 1], "->") || is(toks[i + 1], "->>"))) {
    std::size_t k = i + 2;
    if (!unary_primary(k)) return n;
    i = k;
  }
  return i;
}

}  // namespace detail

namespace detail {

// The first token of the operand chain ending at toks[last] (see the top),
// or toks.size() when it is not one this understands.
inline std::size_t left_operand_start(const std::vector<Token>& toks, std::size_t last,
                                      const std::vector<CastSpan>& casts) {
  auto matching_open = [&](std::size_t close) -> std::size_t {
    int depth = 0;
    for (std::size_t k = close + 1; k-- > 0;) {
      if (is(toks[k], ")")) ++depth;
      if (is(toks[k], "(") && --depth == 0) return k;
    }
    return toks.size();
  };
  std::size_t k = last;
  for (;;) {
    for (const auto& c : casts)  // x::type: the operand is x
      if (c.last == k && c.at > 0) k = c.at - 1;
    const Token& t = toks[k];
    if (is(t, ")")) {
      k = matching_open(k);
      if (k >= toks.size()) return toks.size();
      if (k > 0 && toks[k - 1].kind == Kind::word && !toks[k - 1].is_keyword("in")) --k;  // a call
    } else if (t.kind == Kind::number || t.kind == Kind::string || t.kind == Kind::parameter) {
      if (t.kind == Kind::string && k > 0 && toks[k - 1].kind == Kind::word &&
          (toks[k - 1].is_keyword("timestamp") || toks[k - 1].is_keyword("timestamptz") ||
           toks[k - 1].is_keyword("date") || toks[k - 1].is_keyword("time") || toks[k - 1].is_keyword("interval")))
        --k;  // timestamp '...', interval '...'
    } else if (t.is_name()) {
      if (t.is_keyword("end")) return toks.size();  // CASE ... END: not followed backwards
    } else {
      return toks.size();
    }
    while (k >= 2 && is(toks[k - 1], ".") && toks[k - 2].is_name()) k -= 2;
    if (k == 0) return 0;
    const Token& before = toks[k - 1];
    bool chain =
        is(before, "+") || is(before, "-") || is(before, "*") || is(before, "/") || is(before, "%") || is(before, "||");
    if (!chain || k < 2) return k;
    // A binary operator only when an operand precedes it.
    const Token& operand = toks[k - 2];
    bool binary = is(operand, ")") || operand.kind == Kind::number || operand.kind == Kind::string ||
                  operand.kind == Kind::parameter ||
                  (operand.is_name() && !operand.is_keyword("select") && !operand.is_keyword("where") &&
                   !operand.is_keyword("and") && !operand.is_keyword("or") && !operand.is_keyword("not") &&
                   !operand.is_keyword("then") && !operand.is_keyword("else") && !operand.is_keyword("when") &&
                   !operand.is_keyword("by") && !operand.is_keyword("set") && !operand.is_keyword("on") &&
                   !operand.is_keyword("having") && !operand.is_keyword("as"));
    if (!binary) return k;
    k -= 2;
  }
}

}  // namespace detail

}  // namespace sqlite_dialect
