#pragma once
// date + integer, date - integer, date - date and timestamp - timestamp,
// as PostgreSQL computes them (a date; a number of days; an interval),
// rewritten to pgwire_date_add(d, n), pgwire_date_diff(a, b) and
// pgwire_timestamp_diff(a, b) (datetime.hpp): SQLite would compute with the
// leading year of the date text. An operand is a date when it is
// CURRENT_DATE, a literal `date '...'`, a `::date` cast, or a column the
// schema declares as date (`resolve`); the left one must not itself be the
// right operand of a tighter operator (`a * d - 1` is left alone). The
// number of days is an integer term: `d + 1`, `d + $1`, `d - n * 7`,
// `d + (g % 100)` with n and g integer columns (integer_term_end).

#include <string>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "expressions.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

namespace date_detail {

// The kinds of moment an operand may be: a date, or a timestamp (with or
// without time zone).
enum class Moment { date, timestamp };

inline bool is_moment_type(pgwire::Oid t, Moment m) {
  return m == Moment::date ? t == pgwire::oid::date : t == pgwire::oid::timestamp || t == pgwire::oid::timestamptz;
}

// A typed literal's first word(s) before its string: date, timestamp,
// timestamptz, timestamp with[out] time zone; the string is toks[at].
inline bool typed_moment_literal(const std::vector<Token>& toks, std::size_t at, Moment m) {
  if (at == 0 || toks[at].kind != Kind::string) return false;
  const Token& w = toks[at - 1];
  if (m == Moment::date) return w.is_keyword("date");
  if (w.is_keyword("timestamp") || w.is_keyword("timestamptz")) return true;
  return w.is_keyword("zone") && at >= 4 && toks[at - 4].is_keyword("timestamp");
}

// The moment primary ending at toks[last] (its first token), or npos.
inline std::size_t moment_ending_at(const std::vector<Token>& toks, std::size_t last, const std::vector<CastSpan>& casts,
                                    const ColumnResolver& resolve, Moment m = Moment::date) {
  constexpr auto npos = static_cast<std::size_t>(-1);
  for (const auto& c : casts)
    if (c.last == last) return is_moment_type(c.type, m) && c.operand < toks.size() ? c.operand : npos;
  const Token& t = toks[last];
  if (m == Moment::date && t.is_keyword("current_date")) return last;
  if (m == Moment::timestamp && (t.is_keyword("current_timestamp") || t.is_keyword("localtimestamp"))) return last;
  if (m == Moment::timestamp && is(t, ")") && last >= 2 && is(toks[last - 1], "(") &&
      (toks[last - 2].is_keyword("now") || toks[last - 2].is_keyword("clock_timestamp") ||
       toks[last - 2].is_keyword("statement_timestamp") || toks[last - 2].is_keyword("transaction_timestamp")))
    return last - 2;
  if (typed_moment_literal(toks, last, m)) {
    std::size_t first = last - 1;
    if (toks[first].is_keyword("zone")) first -= 3;
    return first;
  }
  if (t.is_name() && resolve && !(last + 1 < toks.size() && is(toks[last + 1], "("))) {
    std::size_t first = last;
    std::string qualifier;
    if (first >= 2 && is(toks[first - 1], ".") && toks[first - 2].is_name()) {
      first -= 2;
      qualifier = identifier(toks[first]);
    }
    if (is_moment_type(resolve(qualifier, identifier(t)), m)) return first;
  }
  return npos;
}

inline std::size_t date_ending_at(const std::vector<Token>& toks, std::size_t last, const std::vector<CastSpan>& casts,
                                  const ColumnResolver& resolve) {
  return moment_ending_at(toks, last, casts, resolve, Moment::date);
}

// The moment primary starting at toks[first] (its last token), or npos.
inline std::size_t moment_starting_at(const std::vector<Token>& toks, std::size_t first,
                                      const std::vector<CastSpan>& casts, const ColumnResolver& resolve,
                                      Moment m = Moment::date) {
  constexpr auto npos = static_cast<std::size_t>(-1);
  for (const auto& c : casts)
    if (c.operand == first) return is_moment_type(c.type, m) ? c.last : npos;
  const Token& t = toks[first];
  if (m == Moment::date && t.is_keyword("current_date")) return first;
  if (m == Moment::timestamp && (t.is_keyword("current_timestamp") || t.is_keyword("localtimestamp"))) return first;
  if (m == Moment::timestamp && first + 2 < toks.size() && is(toks[first + 1], "(") && is(toks[first + 2], ")") &&
      (t.is_keyword("now") || t.is_keyword("clock_timestamp") || t.is_keyword("statement_timestamp") ||
       t.is_keyword("transaction_timestamp")))
    return first + 2;
  for (std::size_t s = first + 1; s <= first + 4 && s < toks.size(); ++s)
    if (toks[s].kind == Kind::string) {
      if (typed_moment_literal(toks, s, m) && moment_ending_at(toks, s, casts, resolve, m) == first) return s;
      break;
    }
  if (t.is_name() && resolve) {
    std::size_t last = first;
    std::string qualifier;
    if (last + 2 < toks.size() && is(toks[last + 1], ".") && toks[last + 2].is_name()) {
      qualifier = identifier(t);
      last += 2;
    }
    if (last + 1 < toks.size() && (is(toks[last + 1], "(") || is(toks[last + 1], "."))) return npos;
    if (is_moment_type(resolve(qualifier, identifier(toks[last])), m)) return last;
  }
  return npos;
}

inline std::size_t date_starting_at(const std::vector<Token>& toks, std::size_t first,
                                    const std::vector<CastSpan>& casts, const ColumnResolver& resolve) {
  return moment_starting_at(toks, first, casts, resolve, Moment::date);
}

inline bool is_integer_type(pgwire::Oid t) {
  return t == pgwire::oid::int2 || t == pgwire::oid::int4 || t == pgwire::oid::int8;
}

// The last token of the integer term starting at toks[first], or npos: its
// factors are integer literals, parameters, columns the schema declares
// as integers, and parenthesized integer expressions, each with optional
// signs, joined by * / % (and, inside parentheses, by + and -). Anything
// else (a function call, a cast, a string, an interval) is not known to be
// a number of days: left to SQLite as before.
inline std::size_t integer_term_end(const std::vector<Token>& toks, std::size_t first, const ColumnResolver& resolve,
                                    bool in_parens = false, int depth = 0) {
  constexpr auto npos = static_cast<std::size_t>(-1);
  const std::size_t n = toks.size();
  if (depth > 32) return npos;  // (nesting: bounded recursion)
  std::size_t k = first;
  for (;;) {
    while (k < n && (is(toks[k], "-") || is(toks[k], "+"))) ++k;
    if (k >= n) return npos;
    std::size_t last = npos;
    const Token& t = toks[k];
    if (is(t, "(")) {
      std::size_t close = matching_paren(toks, k);
      if (close >= n || close == k + 1 || integer_term_end(toks, k + 1, resolve, true, depth + 1) != close - 1)
        return npos;
      last = close;
    } else if (t.kind == Kind::parameter ||
               (t.kind == Kind::number && t.text.find_first_of(".eE") == std::string_view::npos)) {
      last = k;
    } else if (t.is_name() && resolve) {
      last = k;
      std::string qualifier;
      if (last + 2 < n && is(toks[last + 1], ".") && toks[last + 2].is_name()) {
        qualifier = identifier(t);
        last += 2;
      }
      if (last + 1 < n && (is(toks[last + 1], "(") || is(toks[last + 1], "."))) return npos;
      if (!is_integer_type(resolve(qualifier, identifier(toks[last])))) return npos;
    } else {
      return npos;
    }
    k = last + 1;
    bool joins = k < n && (is(toks[k], "*") || is(toks[k], "/") || is(toks[k], "%") ||
                           (in_parens && (is(toks[k], "+") || is(toks[k], "-"))));
    if (!joins) return last;
    ++k;
  }
}

inline bool binds_tighter_or_same(const Token& t) {
  return is(t, "*") || is(t, "/") || is(t, "%") || is(t, "^") || is(t, "+") || is(t, "-") || is(t, "||") ||
         is(t, "::") || is(t, ".");
}

}  // namespace date_detail

inline void rewrite_date_arithmetic(const std::vector<Token>& toks, const std::vector<CastSpan>& casts,
                                    const ColumnResolver& resolve, std::vector<Edit>& edits) {
  constexpr auto npos = static_cast<std::size_t>(-1);
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    bool minus = is(toks[i], "-");
    if (!minus && !is(toks[i], "+")) continue;
    // timestamp - timestamp: an interval (pgwire_timestamp_diff, datetime.hpp)
    if (minus) {
      using date_detail::Moment;
      std::size_t left = date_detail::moment_ending_at(toks, i - 1, casts, resolve, Moment::timestamp);
      std::size_t right = left == npos ? npos : date_detail::moment_starting_at(toks, i + 1, casts, resolve, Moment::timestamp);
      if (right != npos && !(left > 0 && date_detail::binds_tighter_or_same(toks[left - 1])) &&
          !(right + 1 < toks.size() && (is(toks[right + 1], "*") || is(toks[right + 1], "/") ||
                                        is(toks[right + 1], "::")))) {
        edits.push_back({toks[left].offset, toks[left].offset, "pgwire_timestamp_diff("});
        edits.push_back({toks[i].offset, toks[i].end(), ", "});
        edits.push_back({toks[right].end(), toks[right].end(), ")"});
        i = right;
        continue;
      }
    }
    std::size_t start = date_detail::date_ending_at(toks, i - 1, casts, resolve);
    if (start == npos || (start > 0 && date_detail::binds_tighter_or_same(toks[start - 1]))) continue;
    std::size_t right = i + 1, end = npos;
    std::string call;
    if (minus) {
      end = date_detail::date_starting_at(toks, right, casts, resolve);
      call = "pgwire_date_diff(";
    }
    if (end == npos) {
      end = date_detail::integer_term_end(toks, right, resolve);
      call = "pgwire_date_add(";
    }
    if (end == npos) continue;
    if (end + 1 < toks.size() && (is(toks[end + 1], "*") || is(toks[end + 1], "/") || is(toks[end + 1], "%") ||
                                  is(toks[end + 1], "^") || is(toks[end + 1], "::")))
      continue;  // the right operand is a larger expression
    bool add = call == "pgwire_date_add(";
    edits.push_back({toks[start].offset, toks[start].offset, call});
    edits.push_back({toks[i].offset, toks[i].end(), add ? (minus ? ", -(" : ", (") : ", "});
    edits.push_back({toks[end].end(), toks[end].end(), add ? "))" : ")"});
    i = end;
  }
}

}  // namespace sqlite_dialect
