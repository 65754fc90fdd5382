#pragma once
// PostgreSQL expressions SQLite reads differently, rewritten as text edits
// (tokens.hpp) on the statement:
//
// - SQL value keywords and session functions: value_keywords.hpp.
//
// - Division by zero (guard_division in operator_rewrites.hpp, with
//   operand_end in operand_extents.hpp; x op ANY/ALL (array) and a ^ b are there too).
//   SQLite answers x / 0 and x % 0 with NULL and has no
//   hook for its operators; PostgreSQL raises 22012. The right operand of
//   every / and % is wrapped: `a / b` -> `a / pgwire_divisor(b)`, where
//   pgwire_divisor (functions.hpp) raises 22012 for a zero and passes any
//   other value through unchanged (so integer division stays integer
//   division). Only the right operand is wrapped, so the left side and the
//   associativity are untouched; the operand's extent is the one SQLite
//   itself parses after / (unary operators, one primary, postfix COLLATE,
//   and the operators SQLite binds tighter than / : ||, ->, ->>), so the
//   meaning of the statement does not change. A right operand not
//   recognised is left alone (and yields NULL, as before).
//
// - Interval arithmetic: interval_arithmetic.hpp.
//
// - Smaller spellings: public.t is t, pg_catalog.setval() is setval(), ILIKE is LIKE, SELECT ... FOR UPDATE
//   loses its locking clause, extract/position/substring/string_agg/left/
//   right calls, json(b)_build_object/_array, json(b)_agg, json(b)_object_agg
//   (SQLite's JSON functions), numeric literals longer than a double (see each function).

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "interval_arithmetic.hpp"
#include "operand_extents.hpp"
#include "tokens.hpp"
#include "value_keywords.hpp"

namespace sqlite_dialect {

// True when the digits fit a signed 64-bit integer (SQLite keeps those exact).
inline bool fits_int8(std::string_view digits) {
  std::string_view max = "9223372036854775807";
  while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
  return digits.size() < max.size() || (digits.size() == max.size() && digits <= max);
}

// Names and operators: `public.t` is t (SQLite has one namespace; it would
// read "public" as an attached database), ILIKE is LIKE (SQLite's LIKE
// ignores ASCII case already).
inline void rewrite_names(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  for (std::size_t i = 0; i < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.is_name() && t.value() == "public" && i + 2 < toks.size() && is(toks[i + 1], ".") &&
        (toks[i + 2].is_name() || is(toks[i + 2], "*")) && !(i > 0 && is(toks[i - 1], ".")))
      edits.push_back({t.offset, toks[i + 1].end(), ""});
    else if (t.is_name() && t.value() == "pg_catalog" && i + 3 < toks.size() && is(toks[i + 1], ".") &&
             is(toks[i + 3], "(") &&
             (toks[i + 2].is_keyword("setval") || toks[i + 2].is_keyword("nextval") ||
              toks[i + 2].is_keyword("currval") || toks[i + 2].is_keyword("lastval")))
      edits.push_back({t.offset, toks[i + 1].end(), ""});  // pg_dump's pg_catalog.setval(...) (sequences.hpp)
    else if (t.is_keyword("ilike"))
      edits.push_back({t.offset, t.end(), "LIKE"});
  }
}


// AGG([DISTINCT] values ORDER BY key [ASC|DESC] [NULLS FIRST|LAST], ...) at
// toks[at] -> pgwire_ordered_agg('agg[ distinct]', n_values, 'orders',
// values, keys) (ordered_aggregates.hpp: SQLite 3.40 has no ORDER BY in a
// call, nor DISTINCT in one of two arguments). AGG(DISTINCT x[, sep])
// without ORDER BY is ordered by x, as PostgreSQL's sort for DISTINCT does.
inline void rewrite_ordered_aggregate(const std::vector<Token>& toks, std::size_t at, std::size_t close,
                                      std::size_t order, std::vector<Edit>& edits) {
  bool distinct = toks[at + 2].is_keyword("distinct");
  std::size_t first = at + 2 + (distinct ? 1 : 0);
  std::string kind = "'" + toks[at].value() + (distinct ? " distinct'" : "'");
  if (order >= close) {  // (DISTINCT alone: the first argument is the key)
    std::size_t end = first;
    for (int depth = 0; end < close; ++end) {
      if (is(toks[end], "(") || is(toks[end], "[")) ++depth;
      if (is(toks[end], ")") || is(toks[end], "]")) --depth;
      if (depth == 0 && is(toks[end], ",")) break;
    }
    int values = end < close ? 2 : 1;
    edits.push_back({toks[at].offset, toks[first - 1].end(),
                     "pgwire_ordered_agg(" + kind + ", " + std::to_string(values) + ", 'al', "});
    edits.push_back({toks[close].offset, toks[close].offset,
                     ", " + std::string(toks[first].text.data(), toks[end - 1].end() - toks[first].offset)});
    return;
  }
  int values = 1, depth = 0;
  for (std::size_t k = first; k < order; ++k) {
    if (is(toks[k], "(")) ++depth;
    if (is(toks[k], ")")) --depth;
    if (depth == 0 && is(toks[k], ",")) ++values;
  }
  std::string orders;
  std::size_t start = order + 2;
  for (std::size_t k = start; k <= close; ++k) {
    if (is(toks[k], "(")) {
      k = matching_paren(toks, k);
      continue;
    }
    if (k != close && !is(toks[k], ",")) continue;
    // The key toks[start, k): its trailing ASC / DESC / NULLS FIRST | LAST go.
    std::size_t end = k;
    char direction = 'a', nulls = 0;
    if (end >= start + 3 && toks[end - 2].is_keyword("nulls")) {
      nulls = toks[end - 1].is_keyword("first") ? 'f' : 'l';
      end -= 2;
    }
    if (end >= start + 2 && (toks[end - 1].is_keyword("asc") || toks[end - 1].is_keyword("desc"))) {
      direction = toks[end - 1].is_keyword("desc") ? 'd' : 'a';
      --end;
    }
    if (end < k) edits.push_back({toks[end - 1].end(), toks[k - 1].end(), ""});
    orders += direction;
    orders += nulls ? nulls : (direction == 'd' ? 'f' : 'l');
    start = k + 1;
  }
  edits.push_back({toks[at].offset, toks[first - 1].end(),
                   "pgwire_ordered_agg(" + kind + ", " + std::to_string(values) + ", '" + orders + "', "});
  edits.push_back({toks[order].offset, toks[order + 1].end(), ","});
}

// PostgreSQL's function call syntax SQLite lacks: extract(field FROM t) ->
// date_part('field', t); position(a IN b) -> pgwire_position(a, b);
// substring(s FROM a FOR b) -> substr(s, a, b); string_agg -> group_concat;
// bool_and / every / bool_or -> min / max (booleans are stored as 0 and 1);
// left(s, n) / right(s, n) -> pgwire_left / pgwire_right (builtins.hpp).
inline void rewrite_calls(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
    const Token& t = toks[i];
    if (t.kind != Kind::word || !is(toks[i + 1], "(") || (i > 0 && is(toks[i - 1], "."))) continue;
    std::size_t close = matching_paren(toks, i + 1);
    if (close >= toks.size()) continue;
    // The keywords directly inside the call's parentheses.
    auto inside = [&](std::string_view word) {
      int depth = 0;
      for (std::size_t k = i + 1; k < close; ++k) {
        if (is(toks[k], "(")) ++depth;
        if (is(toks[k], ")")) --depth;
        if (depth == 1 && toks[k].is_keyword(word)) return k;
      }
      return toks.size();
    };
    std::string name = t.value();
    if (name == "extract" && i + 3 < close && is(toks[i + 3], "from")) {
      std::string field = toks[i + 2].value();  // a word (year) or a string ('year')
      edits.push_back({t.offset, toks[i + 3].end(), "date_part(" + quote_literal(field) + ","});
    } else if (name == "position" && inside("in") < close) {
      edits.push_back({t.offset, t.end(), "pgwire_position"});
      std::size_t in = inside("in");
      edits.push_back({toks[in].offset, toks[in].end(), ","});
    } else if (name == "substring" && (inside("from") < close || inside("for") < close)) {
      std::size_t from = inside("from"), for_ = inside("for");
      edits.push_back({t.offset, t.end(), "substr"});
      if (from < close) edits.push_back({toks[from].offset, toks[from].end(), ","});
      if (for_ < close) edits.push_back({toks[for_].offset, toks[for_].end(), from < close ? "," : ", 1,"});
    } else if ((name == "string_agg" || name == "array_agg" || name == "json_agg" || name == "jsonb_agg") &&
               ((inside("order") < close && is(toks[inside("order") + 1], "by")) ||
                (i + 3 < close && toks[i + 2].is_keyword("distinct")))) {
      rewrite_ordered_aggregate(toks, i, close, inside("order"), edits);
    } else if (name == "trim" && inside("from") < close) {  // (string_syntax.hpp)
      std::size_t from = inside("from"), k = i + 2;
      std::string mode = "'b'";
      if (toks[k].is_keyword("both") || toks[k].is_keyword("leading") || toks[k].is_keyword("trailing")) {
        mode = toks[k].is_keyword("leading") ? "'l'" : toks[k].is_keyword("trailing") ? "'t'" : "'b'";
        ++k;
      }
      edits.push_back({t.offset, toks[k - 1].end(), "pgwire_trim(" + mode + ", " + (k == from ? "NULL" : "")});
      edits.push_back({toks[from].offset, toks[from].end(), ","});
    } else if (name == "make_interval") {  // ('name', value) pairs (interval_functions.hpp)
      static constexpr std::string_view fields[] = {"years", "months", "weeks", "days", "hours", "mins", "secs"};
      edits.push_back({t.offset, t.end(), "pgwire_make_interval"});
      std::size_t start = i + 2, position = 0;
      for (std::size_t k = i + 2, depth = 0; k <= close; ++k) {
        if (is(toks[k], "(")) ++depth;
        if (is(toks[k], ")") && k < close) --depth;
        if (k < close && !(depth == 0 && is(toks[k], ","))) continue;
        if (k == start) break;  // (no arguments: all zero)
        std::size_t arrow = start + 1;  // name => value, or the older name := value
        bool named = arrow < k && toks[start].is_name() && (is(toks[arrow], "=>") || is(toks[arrow], ":="));
        if (!named && arrow + 1 < k && toks[start].is_name() && is(toks[arrow], ":") && is(toks[arrow + 1], "=")) {
          named = true;
          ++arrow;
        }
        if (named) {
          edits.push_back({toks[start].offset, toks[arrow].end(), quote_literal(toks[start].value()) + ","});
        } else if (position < std::size(fields)) {
          edits.push_back({toks[start].offset, toks[start].offset, quote_literal(std::string(fields[position])) + ", "});
        }
        ++position;
        start = k + 1;
      }
    } else if (name == "overlay" && inside("placing") < close && inside("from") < close) {
      edits.push_back({t.offset, t.end(), "pgwire_overlay"});
      for (std::string_view word : {"placing", "from", "for"})
        if (std::size_t k = inside(word); k < close) edits.push_back({toks[k].offset, toks[k].end(), ","});
    } else if (name == "string_agg") {
      edits.push_back({t.offset, t.end(), "group_concat"});
    } else if (name == "btrim") {  // (SQLite's trim(x, chars) trims both ends)
      edits.push_back({t.offset, t.end(), "trim"});
    } else if (name == "bool_and" || name == "every" || name == "bool_or") {  // over 0/1: min and max
      edits.push_back({t.offset, t.end(), name == "bool_or" ? "max" : "min"});
    } else if (name == "left" || name == "right") {  // JOIN keywords to SQLite
      edits.push_back({t.offset, t.end(), "pgwire_" + name});
    } else if (name == "json_build_object" || name == "json_build_array") {  // json's spacing (json_builders.hpp)
      edits.push_back({t.offset, t.end(), "pgwire_" + name});
    } else if (name == "jsonb_build_object") {  // SQLite's JSON functions
      edits.push_back({t.offset, t.end(), "json_object"});
    } else if (name == "jsonb_build_array") {
      edits.push_back({t.offset, t.end(), "json_array"});
    } else if ((name == "json_agg" || name == "jsonb_agg") && !toks[i + 2].is_keyword("distinct")) {
      // (as PostgreSQL prints it, "[1, 2, 3]": ordered_aggregates.hpp with no key)
      edits.push_back({t.offset, toks[i + 1].end(), "pgwire_ordered_agg('" + name + "', 1, '', "});
    } else if (name == "json_agg" || name == "jsonb_agg") {
      edits.push_back({t.offset, t.end(), "json_group_array"});
    } else if (name == "json_object_agg" || name == "jsonb_object_agg") {
      edits.push_back({t.offset, t.end(), "json_group_object"});
    } else if ((name == "percentile_cont" || name == "percentile_disc" || name == "mode") && close + 5 < toks.size() &&
               toks[close + 1].is_keyword("within") && toks[close + 2].is_keyword("group") && is(toks[close + 3], "(") &&
               toks[close + 4].is_keyword("order") && toks[close + 5].is_keyword("by")) {
      // f(...) WITHIN GROUP (ORDER BY x [DESC]) -> pgwire_f(..., x, desc) (ordered_set_aggregates.hpp)
      std::size_t group_close = matching_paren(toks, close + 3);
      if (group_close >= toks.size()) continue;
      std::size_t last = group_close;  // (one past the ORDER BY expression)
      bool descending = false;
      while (last > close + 7 && (toks[last - 1].is_keyword("asc") || toks[last - 1].is_keyword("desc") ||
                                  toks[last - 1].is_keyword("nulls") || toks[last - 1].is_keyword("first") ||
                                  toks[last - 1].is_keyword("last"))) {
        descending = descending || toks[last - 1].is_keyword("desc");
        --last;
      }
      edits.push_back({t.offset, t.end(), "pgwire_" + name});
      edits.push_back({toks[close].offset, toks[close + 5].end(), name == "mode" ? "" : ","});
      edits.push_back({toks[last - 1].end(), toks[group_close].end(), descending ? ", 1)" : ", 0)"});
    } else if (name == "jsonb_array_length") {
      edits.push_back({t.offset, t.end(), "json_array_length"});
    }
  }
}

// A numeric literal with more digits than a double keeps (an integer
// beyond int8, 0.1234567890123456789) becomes a string literal: SQLite
// would round it to a double; as text it reaches the client exactly (the
// column is typed numeric) and converts where SQLite computes with it.
inline void keep_long_numbers(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  for (const Token& t : toks) {
    if (t.kind != Kind::number) continue;
    std::size_t digits = 0;
    bool leading = true, integer = true;
    for (char c : t.text) {
      if (c == 'e' || c == 'E') return;  // 1e400: SQLite's to judge
      if (c == '.') integer = false;
      if (c < '0' || c > '9') continue;
      if (leading && c == '0') continue;
      leading = false;
      ++digits;
    }
    if (digits > 15 && !(integer && fits_int8(t.text))) edits.push_back({t.offset, t.end(), quote_literal(t.text)});
  }
}

// The regular-expression operators (regex.hpp): `a ~ b` -> `a REGEXP b`,
// `a ~* b` -> `a REGEXP pgwire_icase(b)`, `!~` and `!~*` with NOT. A `~`
// after an operator or at the start of an operand is bitwise NOT, left alone.
inline void rewrite_regex_operators(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  std::vector<std::size_t> no_casts(toks.size() + 1, 0);
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    const Token& t = toks[i];
    bool match = is(t, "~"), imatch = is(t, "~*"), not_match = is(t, "!~"), not_imatch = is(t, "!~*");
    if (!match && !imatch && !not_match && !not_imatch) continue;
    const Token& before = toks[i - 1];
    bool binary = is(before, ")") || before.kind == Kind::number || before.kind == Kind::string ||
                  before.kind == Kind::parameter || before.kind == Kind::quoted_identifier ||
                  (before.kind == Kind::word && !before.is_keyword("select") && !before.is_keyword("where") &&
                   !before.is_keyword("and") && !before.is_keyword("or") && !before.is_keyword("not") &&
                   !before.is_keyword("when") && !before.is_keyword("then") && !before.is_keyword("else"));
    if (!binary) continue;
    std::string op = (not_match || not_imatch) ? " NOT REGEXP " : " REGEXP ";
    edits.push_back({t.offset, t.end(), op});
    if (imatch || not_imatch) {
      std::size_t end = detail::operand_end(toks, i + 1, no_casts);
      if (end >= toks.size()) continue;
      edits.push_back({toks[i + 1].offset, toks[i + 1].offset, "pgwire_icase("});
      edits.push_back({toks[end].end(), toks[end].end(), ")"});
    }
  }
}

// x [NOT] SIMILAR TO 'pattern' [ESCAPE 'c']: the pattern as the regular
// expression PostgreSQL's similar_escape makes of it (anchored; % is .*,
// _ is .; a . ^ $ literal; bracket expressions as written), for REGEXP.
// A pattern that is no literal is left to SQLite (a syntax error).
inline void rewrite_similar_to(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  for (std::size_t i = 1; i + 2 < toks.size(); ++i) {
    if (!toks[i].is_keyword("similar") || !toks[i + 1].is_keyword("to") || toks[i + 2].kind != Kind::string) continue;
    std::size_t last = i + 2;
    char escape = '\\';
    if (last + 2 < toks.size() && toks[last + 1].is_keyword("escape") && toks[last + 2].kind == Kind::string) {
      std::string e = toks[last + 2].value();
      if (e.size() > 1) continue;
      escape = e.empty() ? '\0' : e[0];
      last += 2;
    }
    std::string pattern = toks[i + 2].value(), regex = "^(?:";
    bool bracket = false;
    for (std::size_t k = 0; k < pattern.size(); ++k) {
      char c = pattern[k];
      if (bracket) {
        regex += c;
        if (c == ']') bracket = false;
      } else if (escape != '\0' && c == escape && k + 1 < pattern.size()) {
        char next = pattern[++k];
        if (std::isalnum(static_cast<unsigned char>(next))) regex += next;
        else regex += std::string("\\") + next;
      } else if (c == '%') {
        regex += ".*";
      } else if (c == '_') {
        regex += '.';
      } else if (c == '.' || c == '^' || c == '$' || c == '\\') {
        regex += std::string("\\") + c;
      } else {
        if (c == '[') bracket = true;
        regex += c;
      }
    }
    regex += ")$";
    edits.push_back({toks[i].offset, toks[last].end(), "REGEXP " + quote_literal(regex)});
  }
}

// SELECT ... FOR UPDATE / FOR SHARE [OF t] [NOWAIT | SKIP LOCKED] is
// removed: a SQLite write transaction locks the whole database, so the
// rows are as good as locked once the transaction writes.
inline void remove_locking_clauses(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
    if (!toks[i].is_keyword("for")) continue;
    std::size_t k = i + 1;
    if (toks[k].is_keyword("no") && k + 2 < toks.size() && toks[k + 1].is_keyword("key"))
      k += 2;
    else if (toks[k].is_keyword("key") && k + 1 < toks.size())
      ++k;
    if (!toks[k].is_keyword("update") && !toks[k].is_keyword("share")) continue;
    std::size_t last = k;
    if (last + 1 < toks.size() && toks[last + 1].is_keyword("of"))
      for (last += 2; last + 2 < toks.size() && is(toks[last + 1], ","); last += 2) {
      }
    if (last + 1 < toks.size() && toks[last + 1].is_keyword("nowait")) ++last;
    if (last + 2 < toks.size() && toks[last + 1].is_keyword("skip") && toks[last + 2].is_keyword("locked")) last += 2;
    edits.push_back({toks[i].offset, toks[std::min(last, toks.size() - 1)].end(), ""});
    i = last;
  }
}

}  // namespace sqlite_dialect
