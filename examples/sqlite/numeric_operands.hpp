#pragma once
// A numeric value that is not a column compares as a number. numeric values
// are decimal texts (numeric_text.hpp); a numeric(p,s) column has TEXT
// affinity and the pgwire_numeric collation, so `price > 100` compares
// numbers. But sum(price), avg(n), coalesce(price, 0) and a subquery's
// `price * 2 AS p` have neither, and SQLite orders every text after every
// number: `HAVING sum(price) > 100` kept the group whose sum is 10.00. So
//
// - an operand of a comparison (=, <>, <, >, <=, >=, and the left one of
//   BETWEEN and IN) that is a call or an expression PostgreSQL types
//   numeric becomes CAST(x AS TEXT) COLLATE pgwire_numeric: TEXT affinity
//   turns the other operand's number into text, and the collation compares
//   the two texts as numbers, exactly;
// - the numeric expressions of a subquery's or CTE's select list get the
//   same, so their columns compare (WHERE s > 100) and sort as numbers
//   outside, and are typed numeric where `*` brings them in.
//
// A plain column or a literal is left alone (the column's affinity does
// it, and an index stays usable); so is the right side of `col = x`
// (UPDATE's SET among them).

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/types.hpp>

#include "numeric_text.hpp"
#include "select_list.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

namespace numeric_operands_detail {

inline bool is_comparison(const Token& t) {
  for (const char* op : {"=", "<>", "!=", "<", ">", "<=", ">="})
    if (t.is_punct(op)) return true;
  return false;
}

struct Typing {
  const std::vector<Token>& toks;
  const std::vector<std::pair<std::size_t, std::size_t>>& casts;
  const std::vector<pgwire::Oid>& cast_types;
  const ColumnResolver& resolve;
  const ColumnScaleResolver& scale_of;
};

// `scale` >= 0: the value is also given the display scale PostgreSQL's
// operators give it (select_list.hpp), as a top-level column is on output.
inline void wrap(const std::vector<Token>& toks, std::size_t first, std::size_t end, std::vector<Edit>& edits,
                 std::int32_t scale = -1) {
  std::size_t from = toks[first].offset, to = toks[end - 1].end();
  for (const Edit& e : edits)  // (another rewrite replaces text across an end: left alone)
    if ((e.from < from && from < e.to) || (e.from < to && to < e.to)) return;
  // The opening goes first among the insertions at `first` and the closing
  // last at the end: it encloses every other rewrite of the operand.
  std::string rounded = scale >= 0 ? ", " + std::to_string(scale) + ")" : "";
  edits.insert(edits.begin(), Edit{from, from, scale >= 0 ? "CAST(pgwire_numeric_round(" : "CAST("});
  edits.push_back({to, to, rounded + " AS TEXT) COLLATE " + std::string(sqlite_example::numeric_text::collation)});
}

// toks[first, end) is one expression typed numeric that is not a plain
// column or a literal.
inline bool numeric_expression(const Typing& t, std::size_t first, std::size_t end) {
  if (first >= end || (end == first + 1 && t.toks[first].kind != Kind::word)) return false;
  typing::Typer typer(t.toks, end, t.casts, t.cast_types, t.resolve, t.scale_of);
  SelectItem item;
  std::size_t k = first;
  return typer.expression(k, item) && k == end && item.type == pgwire::oid::numeric && !item.column;
}

// Comparisons anywhere in the statement.
inline void wrap_compared_operands(const Typing& t, std::vector<Edit>& edits) {
  const auto& toks = t.toks;
  for (std::size_t p = 1; p + 1 < toks.size(); ++p) {
    bool comparison = is_comparison(toks[p]);
    if (!comparison && !toks[p].is_keyword("between") && !toks[p].is_keyword("in")) continue;
    // The left operand, when it is a call: f(...).
    bool left_call = false;
    if (is(toks[p - 1], ")")) {
      std::size_t open = p - 1;
      for (int depth = 0;; --open) {
        if (is(toks[open], ")")) ++depth;
        if (is(toks[open], "(") && --depth == 0) break;
        if (open == 0) break;
      }
      if (open > 0 && is(toks[open], "(") && toks[open - 1].kind == Kind::word &&
          !(open > 1 && is(toks[open - 2], ".")) && numeric_expression(t, open - 1, p)) {
        wrap(toks, open - 1, p, edits);
        left_call = true;
      }
    }
    if (!comparison || (!left_call && toks[p - 1].is_name())) continue;
    // The right operand: an expression up to the next operator of this level.
    typing::Typer typer(toks, toks.size(), t.casts, t.cast_types, t.resolve, t.scale_of);
    SelectItem item;
    std::size_t k = p + 1;
    if (typer.expression(k, item, 4) && k > p + 1 && numeric_expression(t, p + 1, k)) wrap(toks, p + 1, k, edits);
  }
}

// A quoted number compared with a number: PostgreSQL gives the literal the
// other side's type (SELECT '0'::bigint = '0' is true; Alembic compares
// server defaults so), SQLite compares a text with a number as unequal
// unless a column's affinity converts it. So a string literal that reads
// as a number, compared with an integer or float cast or a number
// literal, becomes that number.
inline bool number_text(const std::string& v) {
  std::size_t i = 0, digits = 0;
  if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
  for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) ++digits;
  if (i < v.size() && v[i] == '.')
    for (++i; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) ++digits;
  if (digits > 0 && i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
    ++i;
    if (i < v.size() && (v[i] == '+' || v[i] == '-')) ++i;
    std::size_t e = i;
    for (; i < v.size() && v[i] >= '0' && v[i] <= '9'; ++i) {
    }
    if (i == e) return false;
  }
  return digits > 0 && i == v.size();
}

inline void coerce_compared_literals(const Typing& t, std::vector<Edit>& edits) {
  const auto& toks = t.toks;
  auto integer_or_float = [](pgwire::Oid o) {
    return o == pgwire::oid::int2 || o == pgwire::oid::int4 || o == pgwire::oid::int8 || o == pgwire::oid::float4 ||
           o == pgwire::oid::float8;
  };
  // The type of the operand that ends at toks[k] (a cast, a number), or 0.
  auto ends_typed = [&](std::size_t k) -> bool {
    if (toks[k].kind == Kind::number) return !(k > 0 && is(toks[k - 1], "::"));
    for (std::size_t c = 0; c < t.casts.size(); ++c)
      if (t.casts[c].second == k) return integer_or_float(t.cast_types[c]);
    return false;
  };
  auto plain_literal = [&](std::size_t k) {  // a string literal no cast or operator takes further
    return toks[k].kind == Kind::string && !(k + 1 < toks.size() && (is(toks[k + 1], "::") || is(toks[k + 1], "||"))) &&
           !(k > 0 && is(toks[k - 1], "||")) && number_text(toks[k].value());
  };
  auto replace = [&](std::size_t k) {
    for (const Edit& e : edits)  // (another rewrite owns it)
      if (e.from < toks[k].end() && toks[k].offset < e.to) return;
    edits.push_back({toks[k].offset, toks[k].end(), toks[k].value()});
  };
  for (std::size_t p = 1; p + 1 < toks.size(); ++p) {
    if (!is_comparison(toks[p])) continue;
    if (plain_literal(p + 1) && ends_typed(p - 1)) replace(p + 1);
    else if (plain_literal(p - 1) && toks[p + 1].kind == Kind::number) replace(p - 1);
  }
}

// A string literal read as `type` (its text input): PostgreSQL's error
// when the text is no value of it, as PostgreSQL reads it when parsing.
inline void check_literal(const std::string& text, pgwire::Oid type) {
  pgwire::Buffer ignored;
  if (auto ec = pgwire::convert_format(type, text, pgwire::format_text, pgwire::format_binary, ignored))
    throw pgwire::PgError(pgwire::type_error_info(ec, type, text, pgwire::format_text));
}

// A plain string literal beside an arithmetic operator whose other operand
// is a number literal: PostgreSQL reads the string as that number's type
// ('a' + 1 and '1.5' + 1 are 22P02; '5' + 1 is 6), SQLite as 0 or its
// leading digits.
inline void check_arithmetic_literals(const std::vector<Token>& toks) {
  auto plain_string = [&](std::size_t k) {
    return toks[k].kind == Kind::string && !(k + 1 < toks.size() && (is(toks[k + 1], "::") || is(toks[k + 1], "||"))) &&
           !(k > 0 && (is(toks[k - 1], "||") || typed_literal_type(toks[k - 1]) != 0));  // (not date '...', interval '...')
  };
  auto number = [&](std::size_t k) {
    return toks[k].kind == Kind::number && !(k + 1 < toks.size() && is(toks[k + 1], "::")) &&
           !(k > 0 && is(toks[k - 1], "::"));
  };
  for (std::size_t p = 1; p + 1 < toks.size(); ++p) {
    if (!is(toks[p], "+") && !is(toks[p], "-") && !is(toks[p], "*") && !is(toks[p], "/") && !is(toks[p], "%")) continue;
    if (plain_string(p - 1) && number(p + 1) && !(p >= 2 && (is(toks[p - 2], "*") || is(toks[p - 2], "/"))))
      check_literal(toks[p - 1].value(), typing::literal_type(toks[p + 1].text));
    else if (number(p - 1) && plain_string(p + 1) &&
             !(p + 2 < toks.size() && (is(toks[p + 2], "*") || is(toks[p + 2], "/"))))
      check_literal(toks[p + 1].value(), typing::literal_type(toks[p - 1].text));
  }
}

inline bool is_number_type(pgwire::Oid t) {
  return t == pgwire::oid::int2 || t == pgwire::oid::int4 || t == pgwire::oid::int8 || t == pgwire::oid::float4 ||
         t == pgwire::oid::float8 || t == pgwire::oid::numeric;
}

// A string literal compared with a date/time or boolean column: PostgreSQL
// reads it by the column's type (a timestamptz without an offset in the
// session's TimeZone; 'yes' is true, '' an error); SQLite would compare the
// texts, while such a column holds its type's canonical text (a
// timestamptz's in UTC: numeric_assignments.hpp) or 0/1. So the literal is
// cast to that form: at = '2024-07-01 14:00+02', d < '2024-1-5',
// at BETWEEN 'a' AND 'b', ok = 'yes'. One compared with a number column
// is only checked (id = '7' compares as 7; id = 'zz' is 22P02).
inline void coerce_compared_moments(const Typing& t, std::vector<Edit>& edits) {
  const auto& toks = t.toks;
  if (!t.resolve) return;  // (no tables to read: DDL)
  // The type when toks[k] ends a column reference (q.col or col) of such a type, else 0.
  auto moment_column = [&](std::size_t k) -> pgwire::Oid {
    if (!toks[k].is_name() || (k + 1 < toks.size() && is(toks[k + 1], "("))) return 0;
    bool qualified = k >= 2 && is(toks[k - 1], ".") && toks[k - 2].is_name();
    if (k >= 1 && is(toks[k - 1], ".") && !qualified) return 0;
    std::string qualifier = qualified ? sqlite_dialect::identifier(toks[k - 2]) : std::string();
    pgwire::Oid type = t.resolve(qualifier, sqlite_dialect::identifier(toks[k]));
    bool cast = type == pgwire::oid::timestamptz || type == pgwire::oid::timestamp || type == pgwire::oid::date ||
                type == pgwire::oid::time || type == pgwire::oid::bool_ || is_number_type(type);
    return cast ? type : 0;
  };
  // A string literal that no cast or operator takes further (not timestamptz '...' either).
  auto plain_literal = [&](std::size_t k) {
    return k < toks.size() && toks[k].kind == Kind::string &&
           !(k + 1 < toks.size() && (is(toks[k + 1], "::") || is(toks[k + 1], "||") || is(toks[k + 1], ".")));
  };
  auto starts_operand = [&](std::size_t k) {  // toks[k] (a literal) begins a comparison's left side
    if (k == 0 || is(toks[k - 1], "(") || is(toks[k - 1], ",")) return true;
    for (const char* w : {"where", "and", "or", "on", "not", "when", "having", "then", "else"})
      if (toks[k - 1].is_keyword(w)) return true;
    return false;
  };
  auto cast = [&](std::size_t k, pgwire::Oid type) {
    // (a number column compares with the literal's number, as SQLite's
    // affinity reads it; the text must be one: i = 'zz' is 22P02)
    if (is_number_type(type)) return check_literal(toks[k].value(), type);
    for (const Edit& e : edits)  // (another rewrite owns it)
      if (e.from < toks[k].end() && toks[k].offset < e.to) return;
    edits.push_back({toks[k].offset, toks[k].offset, "pgwire_cast("});
    edits.push_back({toks[k].end(), toks[k].end(), ", " + std::to_string(type) + ")"});
  };
  // UPDATE's SET col = value (and ON CONFLICT's) assigns, not compares:
  // numeric_assignments.hpp casts what a column is given.
  std::vector<bool> assigned(toks.size(), false);  // toks[k] is a column SET assigns
  for (std::size_t k = 0; k < toks.size(); ++k) {
    if (!toks[k].is_keyword("set")) continue;
    int depth = 0;
    bool item_start = true;
    for (std::size_t j = k + 1; j < toks.size(); ++j) {
      if (is(toks[j], "(")) ++depth;
      if (is(toks[j], ")") && --depth < 0) break;
      if (depth == 0 && (toks[j].is_keyword("where") || toks[j].is_keyword("from") ||
                         toks[j].is_keyword("returning") || is(toks[j], ";")))
        break;
      if (depth == 0 && item_start && toks[j].is_name()) assigned[j] = true;
      item_start = depth == 0 && is(toks[j], ",");
    }
  }
  for (std::size_t p = 1; p + 1 < toks.size(); ++p) {
    if (assigned[p - 1]) continue;
    if (is_comparison(toks[p])) {
      if (pgwire::Oid type = plain_literal(p + 1) ? moment_column(p - 1) : 0) {
        cast(p + 1, type);
      } else if (plain_literal(p - 1) && starts_operand(p - 1) && !(p + 2 < toks.size() && is(toks[p + 2], "."))) {
        if (pgwire::Oid right = moment_column(p + 1)) cast(p - 1, right);
      }
    } else if (toks[p].is_keyword("between")) {
      pgwire::Oid type = moment_column(p - 1);
      std::size_t low = p + 1 + (p + 1 < toks.size() && toks[p + 1].is_keyword("symmetric") ? 1 : 0);
      if (type && plain_literal(low) && low + 2 < toks.size() && toks[low + 1].is_keyword("and") &&
          plain_literal(low + 2)) {
        cast(low, type);
        cast(low + 2, type);
      }
    }
  }
}

// The select lists of subqueries and CTEs (each "(" SELECT ... ")").
inline void wrap_inner_select_lists(const Typing& t, std::vector<Edit>& edits,
                                    std::vector<std::pair<std::string, pgwire::Oid>>& columns) {
  const auto& toks = t.toks;
  for (std::size_t open = 0; open + 1 < toks.size(); ++open) {
    if (!is(toks[open], "(") || !is(toks[open + 1], "select")) continue;
    std::size_t close = matching_paren(toks, open);
    if (close >= toks.size()) return;
    std::vector<Token> inner(toks.begin() + static_cast<std::ptrdiff_t>(open + 1),
                             toks.begin() + static_cast<std::ptrdiff_t>(close));
    std::vector<std::pair<std::size_t, std::size_t>> inner_casts;
    std::vector<pgwire::Oid> inner_types;
    for (std::size_t c = 0; c < t.casts.size(); ++c)
      if (t.casts[c].first > open && t.casts[c].second < close) {
        inner_casts.emplace_back(t.casts[c].first - open - 1, t.casts[c].second - open - 1);
        inner_types.push_back(t.cast_types[c]);
      }
    auto items = select_items(inner, inner_casts, inner_types, t.resolve, t.scale_of);
    // Where each item starts: after SELECT [DISTINCT [ON (...)] | ALL], then after each comma.
    std::size_t start = 1;
    if (start < inner.size() && (is(inner[start], "distinct") || is(inner[start], "all"))) {
      if (is(inner[start], "distinct") && start + 1 < inner.size() && is(inner[start + 1], "on"))
        start = matching_paren(inner, start + 2);
      ++start;
    }
    for (const SelectItem& item : items) {
      std::size_t comma = item_end(inner, start, inner.size());
      if (item.type == pgwire::oid::numeric && !item.column && !item.star && item.expression_end > start &&
          !(item.expression_end == start + 1 && inner[start].kind == Kind::number)) {
        wrap(toks, open + 1 + start, open + 1 + item.expression_end, edits, item.scale);
        if (!item.name.empty() && item.name != "?column?") columns.emplace_back(item.name, item.type);
      }
      start = comma + 1;
    }
  }
}

}  // namespace numeric_operands_detail

inline void rewrite_numeric_operands(const std::vector<Token>& toks,
                                     const std::vector<std::pair<std::size_t, std::size_t>>& casts,
                                     const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve,
                                     const ColumnScaleResolver& scale_of, std::vector<Edit>& edits,
                                     std::vector<std::pair<std::string, pgwire::Oid>>& columns) {
  numeric_operands_detail::Typing t{toks, casts, cast_types, resolve, scale_of};
  numeric_operands_detail::wrap_compared_operands(t, edits);
  numeric_operands_detail::coerce_compared_literals(t, edits);
  numeric_operands_detail::coerce_compared_moments(t, edits);
  numeric_operands_detail::wrap_inner_select_lists(t, edits, columns);
}

}  // namespace sqlite_dialect
