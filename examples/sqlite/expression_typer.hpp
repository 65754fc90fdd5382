#pragma once
// The type and name PostgreSQL gives an expression of a SELECT list (or of
// a RETURNING list), worked out from the statement's tokens (Typer), because SQLite
// judges an expression's type by its value (1 is a 64-bit integer) and names
// it by its text ("count(*)"):
//
// - literals: an integer that fits int4 is int4, else int8, else numeric;
//   a decimal is numeric; a string is text; TRUE/FALSE bool;
// - casts (x::type, CAST(x AS type)) are the type, named after it;
// - function calls are named after the function; count is int8, sum and
//   avg follow PostgreSQL's overloads (sum(int4) int8, sum(int8) numeric,
//   avg(int) numeric, ...), min/max the argument's type, now() timestamptz;
// - operators: comparisons and boolean operators are bool; arithmetic
//   takes the wider operand type (int4 + int8 is int8); these are "?column?";
// - a column reference keeps its name, and its type is the column's
//   (reported by SQLite's column metadata, or by `resolve`).
// Anything not understood gets type 0: the caller then judges by value.
//
// This is PostgreSQL's FigureColname and the result types of its
// operators and functions for the common cases, not a parser: an item whose
// shape is not recognised keeps SQLite's name and a type judged by value.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "result_types.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

namespace oid = pgwire::oid;

// One item of a select list.
struct SelectItem {
  pgwire::Oid type = 0;  // 0: not known from the SQL text
  std::string name;      // PostgreSQL's name for it when no alias is given
  bool column = false;   // a plain column reference
  bool strong = false;   // named by a column or function: a cast keeps the name (FigureColname's strength 2)
  bool star = false;     // * or t.*
  bool aliased = false;  // AS name: SQLite reports the alias already
  // A numeric result's display scale when the text tells it (-1: it does
  // not): a numeric(10,2) column's 2, 1.50's 2, an integer's 0; + and -
  // keep the larger, * adds them, as PostgreSQL's numeric operators. SQLite
  // computes in doubles (1.20 * 10 is 12.0): the rows print the value at
  // this scale (12.00), as PostgreSQL does (rows.hpp).
  std::int32_t scale = -1;
  std::size_t expression_end = 0;  // the token after its expression (0: not understood)
  int parameter = 0;  // a bare $n: n (its type is the parameter's, as Parse settles it: rows.hpp)
};

inline std::vector<SelectItem> select_items(const std::vector<Token>& toks,
                                            const std::vector<std::pair<std::size_t, std::size_t>>& casts,
                                            const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve,
                                            const ColumnScaleResolver& scale_of = {});

namespace typing {

// A Pratt parser over toks[i, end) that computes types and names only.
class Typer {
 public:
  Typer(const std::vector<Token>& toks, std::size_t end, const std::vector<std::pair<std::size_t, std::size_t>>& casts,
        const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve,
        const ColumnScaleResolver& scale_of)
      : toks_(toks), end_(end), casts_(casts), cast_types_(cast_types), resolve_(resolve), scale_of_(scale_of) {}

  // Parses an expression from `i`; false when something was not understood.
  bool expression(std::size_t& i, SelectItem& out, int min_prec = 0) {
    std::size_t first = i;
    if (!prefix(i, out)) return false;
    // (a lone string literal: PostgreSQL's unknown, which takes its partner's type)
    bool unknown_left = i == first + 1 && toks_[first].kind == Kind::string;
    for (;;) {
      if (i >= end_) return true;
      const Token& t = toks_[i];
      int prec = infix_precedence(i);
      if (prec == 0 || prec <= min_prec) return true;
      if (is(t, "is")) {  // IS [NOT] NULL / TRUE / FALSE / DISTINCT FROM x
        ++i;
        if (i < end_ && is(toks_[i], "not")) ++i;
        if (i < end_ && is(toks_[i], "distinct")) {
          i += 2;
          SelectItem rhs;
          if (!expression(i, rhs, prec)) return false;
        } else {
          ++i;
        }
        set_operator(out, oid::bool_);
        continue;
      }
      if (is(t, "isnull") || is(t, "notnull")) {
        ++i;
        set_operator(out, oid::bool_);
        continue;
      }
      if (is(t, "not")) ++i;  // NOT IN / NOT LIKE / NOT BETWEEN
      const Token& op = toks_[i];
      ++i;
      if (is(op, "similar") && i < end_ && is(toks_[i], "to")) ++i;  // SIMILAR TO pattern [ESCAPE c]
      if (is(op, "in")) {
        if (i >= end_ || !is(toks_[i], "(")) return false;
        i = matching_paren(toks_, i) + 1;
        set_operator(out, oid::bool_);
        continue;
      }
      SelectItem rhs;
      if (is(op, "between")) {
        if (!expression(i, rhs, prec)) return false;
        if (i >= end_ || !is(toks_[i], "and")) return false;
        ++i;
        if (!expression(i, rhs, prec)) return false;
        set_operator(out, oid::bool_);
        continue;
      }
      std::size_t rhs_start = i;
      if (!expression(i, rhs, prec)) return false;
      // (interval +/- '3 hours': the string is an interval, as PostgreSQL resolves it)
      bool unknown_right = i == rhs_start + 1 && toks_[rhs_start].kind == Kind::string;
      if (unknown_right && out.type == oid::interval && (is(op, "+") || is(op, "-"))) rhs.type = oid::interval;
      // ('5' + 1 is integer arithmetic: the string is read as the number's type)
      bool arithmetic_op = is(op, "+") || is(op, "-") || is(op, "*") || is(op, "/") || is(op, "%");
      if (arithmetic_op && unknown_right && numeric_rank(out.type) != 0) rhs.type = out.type;
      if (arithmetic_op && unknown_left && numeric_rank(rhs.type) != 0) out.type = rhs.type;
      unknown_left = false;
      if ((is(op, "like") || is(op, "ilike") || is(op, "similar")) && i + 1 < end_ && is(toks_[i], "escape"))
        i += 2;  // (ESCAPE 'c')
      if (prec <= comparison) {
        set_operator(out, oid::bool_);
      } else if (is(op, "||")) {
        pgwire::Oid joined = out.type == oid::jsonb || rhs.type == oid::jsonb ? oid::jsonb
                             : pgwire::element_type_of(out.type)     ? out.type
                             : pgwire::element_type_of(rhs.type)     ? rhs.type
                                                                     : oid::text;
        set_operator(out, joined);
      } else if (is(op, "->") || is(op, "#>")) {  // json -> json, jsonb -> jsonb
        set_operator(out, out.type == oid::json || out.type == oid::jsonb ? out.type : 0);
      } else if (is(op, "->>") || is(op, "#>>")) {
        set_operator(out, oid::text);
      } else if (is(op, "@>") || is(op, "<@") || is(op, "&&")) {
        set_operator(out, oid::bool_);
      } else if (is(op, "-") && out.type == oid::jsonb) {
        set_operator(out, oid::jsonb);
      } else {
        std::int32_t left_scale = out.scale;
        set_operator(out, arithmetic(out.type, rhs.type, op));
        out.scale = arithmetic_scale(out.type, left_scale, rhs.scale, op);
      }
    }
  }

 private:
  static constexpr int comparison = 4;

  // The one column of the subquery toks_(open, close) (SELECT ...): its
  // type, scale and name, as its select list says; none for several or *.
  std::optional<SelectItem> subquery_column(std::size_t open, std::size_t close) const {
    std::vector<Token> inner(toks_.begin() + static_cast<std::ptrdiff_t>(open + 1),
                             toks_.begin() + static_cast<std::ptrdiff_t>(close));
    std::vector<std::pair<std::size_t, std::size_t>> inner_casts;
    std::vector<pgwire::Oid> inner_types;
    for (std::size_t c = 0; c < casts_.size(); ++c)
      if (casts_[c].first > open && casts_[c].second < close) {
        inner_casts.emplace_back(casts_[c].first - open - 1, casts_[c].second - open - 1);
        inner_types.push_back(cast_types_[c]);
      }
    auto items = select_items(inner, inner_casts, inner_types, resolve_, scale_of_);
    if (items.size() != 1 || items[0].star) return std::nullopt;
    return std::move(items[0]);
  }

  // PostgreSQL's precedences, low to high (0: not an infix operator).
  int infix_precedence(std::size_t i) const {
    const Token& t = toks_[i];
    if (is(t, "or")) return 1;
    if (is(t, "and")) return 2;
    if (is(t, "is") || is(t, "isnull") || is(t, "notnull")) return 3;
    if (is(t, "=") || is(t, "<") || is(t, ">") || is(t, "<=") || is(t, ">=") || is(t, "<>") || is(t, "!="))
      return comparison;
    if (is(t, "not") && i + 1 < end_ &&
        (is(toks_[i + 1], "in") || is(toks_[i + 1], "like") || is(toks_[i + 1], "ilike") ||
         is(toks_[i + 1], "between") || is(toks_[i + 1], "similar")))
      return comparison;
    if (is(t, "in") || is(t, "like") || is(t, "ilike") || is(t, "between") || is(t, "glob")) return comparison;
    if (is(t, "similar") && i + 1 < end_ && is(toks_[i + 1], "to")) return comparison;
    if (is(t, "~") || is(t, "~*") || is(t, "!~") || is(t, "!~*")) return comparison;  // (bool, as a comparison)
    if (is(t, "?") || is(t, "?|") || is(t, "?&")) return comparison;  // (jsonb's key tests: bool)
    if (is(t, "||") || is(t, "->") || is(t, "->>") || is(t, "@>") || is(t, "<@") || is(t, "#>") || is(t, "#>>") ||
        is(t, "&&"))
      return 6;  // (PostgreSQL's other operators)
    if (is(t, "+") || is(t, "-")) return 7;
    if (is(t, "*") || is(t, "/") || is(t, "%")) return 8;
    if (is(t, "^")) return 9;
    return 0;
  }

  static pgwire::Oid arithmetic(pgwire::Oid a, pgwire::Oid b, const Token& op) {
    int ra = numeric_rank(a), rb = numeric_rank(b);
    if (is(op, "^") && ra && rb) return a == oid::numeric || b == oid::numeric ? oid::numeric : oid::float8;
    if (ra && rb) {
      int r = std::max(ra, rb);
      if (r == 1) return oid::int2;
      // (real with anything but real is double precision: the preferred type of the category)
      if (r == 5 && (ra == 6 || rb == 6 || ra != rb)) return oid::float8;
      for (pgwire::Oid t : {oid::int4, oid::int8, oid::numeric, oid::float4, oid::float8})
        if (numeric_rank(t) == r) return t;
    }
    if (is(op, "-") && a == oid::date && b == oid::date) return oid::int4;
    auto moment = [](pgwire::Oid t) { return t == oid::timestamp || t == oid::timestamptz; };
    if (is(op, "-") && moment(a) && moment(b)) return oid::interval;
    if ((is(op, "+") || is(op, "-")) && b == oid::interval) {
      if (a == oid::timestamptz) return oid::timestamptz;
      if (a == oid::timestamp || a == oid::date) return oid::timestamp;
      if (a == oid::time) return oid::time;  // (around the clock: datetime.hpp's add_interval)
    }
    if ((is(op, "+") || is(op, "-")) && a == oid::date && (rb >= 1 && rb <= 3)) return oid::date;
    if (is(op, "+") && ((a == oid::date && b == oid::time) || (a == oid::time && b == oid::date))) return oid::timestamp;
    if ((is(op, "*") || is(op, "/")) && a == oid::interval && rb) return oid::interval;  // (interval_functions.hpp: scale)
    if (is(op, "*") && ra && b == oid::interval) return oid::interval;
    if ((is(op, "+") || is(op, "-")) && a == oid::interval && b == oid::interval) return oid::interval;
    return 0;
  }

  // The display scale of a numeric operator's result (SelectItem::scale).
  static std::int32_t arithmetic_scale(pgwire::Oid type, std::int32_t a, std::int32_t b, const Token& op) {
    if (type == oid::int2 || type == oid::int4 || type == oid::int8) return 0;
    if (type != oid::numeric || a < 0 || b < 0) return -1;
    if (is(op, "+") || is(op, "-")) return std::max(a, b);
    if (is(op, "*")) return a + b;
    return -1;  // (division's scale depends on the values)
  }

  // The scale a cast to `type` gives, its type modifier in toks[from, to]
  // ("(10,2)"); `operand`: the operand's scale.
  std::int32_t cast_scale(pgwire::Oid type, std::size_t from, std::size_t to, std::int32_t operand) const {
    if (type == oid::int2 || type == oid::int4 || type == oid::int8) return 0;
    if (type != oid::numeric) return -1;
    for (std::size_t k = from; k + 1 < to && k + 1 < end_; ++k)
      if (is(toks_[k], "(")) {
        if (k + 3 < to && is(toks_[k + 2], ",") && toks_[k + 3].kind == Kind::number &&
            literal_scale(toks_[k + 3].text) == 0 && toks_[k + 3].text.size() <= 4)
          return static_cast<std::int32_t>(std::stol(std::string(toks_[k + 3].text)));
        return k + 2 < to && is(toks_[k + 2], ")") ? 0 : -1;  // numeric(p): scale 0
      }
    return operand;
  }

  static std::int32_t literal_scale(std::string_view text) {
    if (text.find_first_of("eE") != std::string_view::npos) return -1;
    auto point = text.find('.');
    return point == std::string_view::npos ? 0 : static_cast<std::int32_t>(text.size() - point - 1);
  }

  static void set_operator(SelectItem& out, pgwire::Oid type) {
    out.scale = -1;
    out.type = type;
    out.name = "?column?";
    out.column = false;
    out.strong = false;
  }

  // The cast starting at token i (its "::"), if any: index into casts_.
  std::size_t cast_at(std::size_t i) const {
    for (std::size_t c = 0; c < casts_.size(); ++c)
      if (casts_[c].first == i) return c;
    return casts_.size();
  }

  bool prefix(std::size_t& i, SelectItem& out) {
    if (i >= end_) return false;
    const Token& t = toks_[i];
    out = {};
    if (is(t, "-") || is(t, "+") || is(t, "~")) {  // -1 is a negative constant; ~ bitwise NOT
      ++i;
      if (!expression(i, out, 8)) return false;
      out.name = "?column?";
      out.column = false;
      out.strong = false;
      return true;
    }
    if (is(t, "not")) {
      ++i;
      if (!expression(i, out, 2)) return false;
      set_operator(out, oid::bool_);
      return true;
    }
    out.name = "?column?";
    if (t.kind == Kind::number) {
      out.type = literal_type(t.text);
      out.scale = literal_scale(t.text);
      ++i;
    } else if (t.kind == Kind::string) {
      out.type = oid::text;
      ++i;
    } else if (t.kind == Kind::parameter) {
      ++i;
    } else if (is(t, "(")) {
      std::size_t close = matching_paren(toks_, i);
      if (close >= end_) return false;
      if (i + 1 < close && is(toks_[i + 1], "select")) {  // a scalar subquery: its column's type and name
        if (auto item = subquery_column(i, close)) {
          out.type = item->type;
          out.scale = item->scale;
          out.name = item->name.empty() ? "?column?" : item->name;
          out.strong = true;  // (FigureColname: the subquery's column name, even ?column?, at strength 2)
        }
        i = close + 1;
        return postfix(i, out);
      }
      Typer inner(toks_, close, casts_, cast_types_, resolve_, scale_of_);
      std::size_t k = i + 1;
      if (!inner.expression(k, out) || k != close) return false;
      i = close + 1;
    } else if (t.is_keyword("array") && i + 2 < end_ && is(toks_[i + 1], "(") && is(toks_[i + 2], "select")) {
      // ARRAY(SELECT x ...): an array of x's type
      std::size_t close = matching_paren(toks_, i + 1);
      if (close >= end_) return false;
      if (auto item = subquery_column(i + 1, close); item && item->type != 0) out.type = pgwire::array_type_of(item->type);
      out.name = "array";
      i = close + 1;
    } else if (t.is_keyword("array") && i + 1 < end_ && is(toks_[i + 1], "[")) {  // ARRAY[a, b]: its elements' type
      std::size_t close = i + 1;
      for (int depth = 0; close < end_; ++close) {
        if (is(toks_[close], "[")) ++depth;
        if (is(toks_[close], "]") && --depth == 0) break;
      }
      if (close >= end_) return false;
      for (std::size_t k = i + 2; k < close && out.type == 0;) {  // (the first element whose type is known)
        std::size_t comma = item_end(toks_, k, close);
        SelectItem element;
        Typer inner(toks_, comma, casts_, cast_types_, resolve_, scale_of_);
        if (inner.expression(k, element) && element.type != 0) out.type = pgwire::array_type_of(element.type);
        k = comma + 1;
      }
      out.name = "array";
      i = close + 1;
    } else if (is(t, "true") || is(t, "false")) {
      out.type = oid::bool_;
      ++i;
    } else if (is(t, "null")) {
      out.type = oid::text;
      ++i;
    } else if (is(t, "case")) {
      int depth = 0;
      pgwire::Oid result = 0;
      std::string name = "case";
      for (; i < end_; ++i) {
        if (is(toks_[i], "case")) ++depth;
        if (is(toks_[i], "end") && --depth == 0) break;
        if (depth == 1 && is(toks_[i], "then") && result == 0) {
          std::size_t k = i + 1;
          SelectItem branch;
          Typer inner(toks_, end_, casts_, cast_types_, resolve_, scale_of_);
          if (inner.expression(k, branch)) result = branch.type;
        }
        // PostgreSQL names a CASE after its ELSE result when that is a
        // column, a call or a cast of one (CASE ... ELSE name END is name).
        if (depth == 1 && is(toks_[i], "else") && i + 1 < end_ && toks_[i + 1].is_name()) {
          const Token& first = toks_[i + 1];
          bool named = !is(first, "null") && !is(first, "true") && !is(first, "false") && !is(first, "case") &&
                       !is(first, "array") && !is(first, "not") && !is(first, "exists");
          std::size_t k = i + 1;
          SelectItem branch;
          Typer inner(toks_, end_, casts_, cast_types_, resolve_, scale_of_);
          if (named && inner.expression(k, branch) && !branch.name.empty() && branch.name != "?column?")
            name = branch.name;
        }
      }
      if (i >= end_) return false;
      ++i;
      out.type = result;
      out.name = name;
    } else if (is(t, "exists") && i + 1 < end_ && is(toks_[i + 1], "(")) {
      i = matching_paren(toks_, i + 1) + 1;
      out.type = oid::bool_;
      out.name = "exists";
    } else if (is(t, "cast") && i + 1 < end_ && is(toks_[i + 1], "(")) {
      std::size_t close = matching_paren(toks_, i + 1);
      if (close >= end_) return false;
      std::size_t as = close;
      for (std::size_t k = i + 2; k < close; ++k)
        if (is(toks_[k], "as")) as = k;
      if (as == close) return false;
      std::string type_text;
      for (std::size_t k = as + 1; k < close; ++k) type_text += std::string(toks_[k].text) + " ";
      Typer inner(toks_, as, casts_, cast_types_, resolve_, scale_of_);
      std::size_t k = i + 2;
      if (!inner.expression(k, out) || k != as) out = {};
      out.type = sqlite_example::type_named(type_text);
      out.scale = cast_scale(out.type, as + 1, close, out.scale);
      name_after_type(out);
      i = close + 1;
    } else if (t.kind == Kind::word && typed_literal_type(t) != 0 && i + 1 < end_ &&
               toks_[i + 1].kind == Kind::string) {  // date '2024-01-01'
      out.type = typed_literal_type(t);
      name_after_type(out);
      i += 2;
    } else if (t.kind == Kind::word && keyword_type(t.value()) != 0 &&
               !(i + 1 < end_ && (is(toks_[i + 1], "(") || is(toks_[i + 1], ".")))) {
      out.type = keyword_type(t.value());
      out.name = t.value();
      out.strong = true;
      ++i;
    } else if (t.is_name()) {
      std::size_t k = i;
      std::string qualifier, name = identifier(toks_[k]);
      while (k + 2 < end_ && is(toks_[k + 1], ".") && (toks_[k + 2].is_name() || is(toks_[k + 2], "*"))) {
        qualifier = name;
        k += 2;
        if (is(toks_[k], "*")) {
          out.star = true;
          i = k + 1;
          return true;
        }
        name = identifier(toks_[k]);
      }
      if (k + 1 < end_ && is(toks_[k + 1], "(")) {  // a function call
        std::size_t close = matching_paren(toks_, k + 1);
        if (close >= end_) return false;
        pgwire::Oid args[2] = {0, 0};  // the first two arguments' types
        std::int32_t scales[2] = {-1, -1};  // and display scales
        std::size_t second = close;     // the second argument's first token
        std::size_t a = k + 2;
        if (a < close && is(toks_[a], "distinct")) ++a;
        for (int n = 0; n < 2 && a < close && !is(toks_[a], "*"); ++n) {
          std::size_t stop = a;  // up to the argument's comma (or an aggregate's ORDER BY)
          for (int depth = 0; stop < close; ++stop) {
            if (is(toks_[stop], "(") || is(toks_[stop], "[")) ++depth;  // (ARRAY[1, 2] is one argument)
            if (is(toks_[stop], ")") || is(toks_[stop], "]")) --depth;
            if (depth == 0 && (is(toks_[stop], ",") || toks_[stop].is_keyword("order"))) break;
          }
          if (stop == a + 1 && is(toks_[a], "null") && (name == "coalesce" || name == "greatest" || name == "least")) {
            a = stop + 1;  // NULL takes the type of the other arguments
            --n;
            continue;
          }
          Typer inner(toks_, stop, casts_, cast_types_, resolve_, scale_of_);
          SelectItem typed;
          std::size_t p = a;
          if (inner.expression(p, typed) && p == stop) args[n] = typed.type, scales[n] = typed.scale;
          if (n == 0) second = stop + 1;
          a = stop + 1;
        }
        out.type = function_type(name, args[0], args[1]);
        out.scale = name == "extract" ? extract_scale(k + 2, close) : function_scale(name, out.type, scales[0], second, close);
        out.name = name;
        if (name == "trim")  // TRIM(x) is PostgreSQL's btrim(x); TRIM(LEADING ...) ltrim, TRAILING rtrim
          out.name = toks_[k + 2].is_keyword("leading") ? "ltrim" : toks_[k + 2].is_keyword("trailing") ? "rtrim" : "btrim";
        out.strong = true;
        i = close + 1;
        if (i + 2 < end_ && is(toks_[i], "within") && is(toks_[i + 1], "group") && is(toks_[i + 2], "(")) {
          // WITHIN GROUP (ORDER BY x): percentile_disc and mode give x's type
          std::size_t group_close = matching_paren(toks_, i + 2);
          if (group_close >= end_) return false;
          if (name != "percentile_cont" && i + 4 < group_close) {
            Typer inner(toks_, group_close, casts_, cast_types_, resolve_, scale_of_);
            SelectItem ordered;
            std::size_t p = i + 5;
            if (inner.expression(p, ordered)) out.type = ordered.type, out.scale = ordered.scale;
          }
          i = group_close + 1;
        }
        if (i + 1 < end_ && is(toks_[i], "filter") && is(toks_[i + 1], "(")) i = matching_paren(toks_, i + 1) + 1;
        if (i + 1 < end_ && is(toks_[i], "over")) i = is(toks_[i + 1], "(") ? matching_paren(toks_, i + 1) + 1 : i + 2;
      } else {
        out.column = true;
        out.strong = true;
        out.name = name;
        out.type = resolve_ ? resolve_(qualifier, name) : 0;
        if (out.type == oid::int2 || out.type == oid::int4 || out.type == oid::int8) out.scale = 0;
        if (out.type == oid::numeric && scale_of_) out.scale = scale_of_(qualifier, name);
        i = k + 1;
      }
    } else if (is(t, "*")) {
      out.star = true;
      ++i;
      return true;
    } else {
      return false;
    }
    return postfix(i, out);
  }

  // x::type, applied last binds tightest in PostgreSQL; x AT TIME ZONE z
  // (named timezone: timestamp and timestamptz trade places).
  bool postfix(std::size_t& i, SelectItem& out) {
    for (;;) {
      if (i + 3 < end_ && is(toks_[i], "at") && is(toks_[i + 1], "time") && is(toks_[i + 2], "zone")) {
        i += 3;
        SelectItem zone;
        if (!prefix(i, zone)) return false;
        set_operator(out, out.type == oid::timestamptz ? oid::timestamp : oid::timestamptz);
        out.name = "timezone";  // (PostgreSQL's timezone(zone, x) call: a name a cast keeps)
        out.strong = true;
        continue;
      }
      if (i + 1 < end_ && is(toks_[i], "[") && !is(toks_[i + 1], "]")) {  // a[i]: an element; a[i:j]: an array
        std::size_t close = matching_paren(toks_, i);
        if (close >= end_) return false;
        bool slice = false;
        for (std::size_t k = i + 1; k < close; ++k) slice = slice || is(toks_[k], ":");
        if (!slice) out.type = pgwire::element_type_of(out.type);
        out.column = false;  // (named after the array still: FigureColname)
        i = close + 1;
        continue;
      }
      std::size_t c = i < end_ ? cast_at(i) : casts_.size();
      if (c == casts_.size()) return true;
      out.type = cast_types_[c];
      out.scale = cast_scale(out.type, casts_[c].first, casts_[c].second + 1, out.scale);
      name_after_type(out);
      i = casts_[c].second + 1;
    }
  }

  // The display scale of a call's numeric result: abs, sum, min and max
  // keep their argument's; round and trunc give their second argument (an
  // integer literal at toks[second]) or 0, ceil and floor 0.
  std::int32_t function_scale(const std::string& name, pgwire::Oid type, std::int32_t first_scale,
                              std::size_t second, std::size_t close) const {
    if (type == oid::int2 || type == oid::int4 || type == oid::int8) return 0;
    if (type != oid::numeric) return -1;
    if (name == "abs" || name == "sum" || name == "min" || name == "max") return first_scale;
    if (name == "ceil" || name == "ceiling" || name == "floor") return 0;
    if (name == "round" || name == "trunc") {
      if (second >= close) return 0;
      if (second + 1 == close && toks_[second].kind == Kind::number && literal_scale(toks_[second].text) == 0 &&
          toks_[second].text.size() < 5)
        return static_cast<std::int32_t>(std::stol(std::string(toks_[second].text)));
    }
    return -1;
  }

  // extract(field FROM t)'s display scale, as PostgreSQL 14+'s numeric
  // result: microseconds for epoch and second (whole seconds for a date's
  // epoch), milliseconds for milliseconds, none for the other fields.
  std::int32_t extract_scale(std::size_t field, std::size_t close) const {
    if (field + 1 >= close || !is(toks_[field + 1], "from")) return -1;
    std::string name = toks_[field].kind == Kind::string ? toks_[field].value() : identifier(toks_[field]);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name == "milliseconds") return 3;
    if (name != "epoch" && name != "second") return 0;
    Typer source(toks_, close, casts_, cast_types_, resolve_, scale_of_);
    SelectItem typed;
    std::size_t k = field + 2;
    return source.expression(k, typed) && k == close && typed.type == oid::date ? 0 : 6;
  }

  // A cast's name: its operand's when that is a column or a function, else the type's.
  static void name_after_type(SelectItem& out) {
    out.column = false;
    if (out.strong) return;
    pgwire::Oid named = pgwire::element_type_of(out.type) ? pgwire::element_type_of(out.type) : out.type;
    out.name = out.type ? std::string(pgwire::type_name(named)) : "?column?";
    if (auto e = sqlite_example::enum_registry::registry().find(out.type)) out.name = e->name;  // (its array's too)
  }

  const std::vector<Token>& toks_;
  std::size_t end_;
  const std::vector<std::pair<std::size_t, std::size_t>>& casts_;
  const std::vector<pgwire::Oid>& cast_types_;
  const ColumnResolver& resolve_;
  const ColumnScaleResolver& scale_of_;
};

}  // namespace typing

}  // namespace sqlite_dialect
