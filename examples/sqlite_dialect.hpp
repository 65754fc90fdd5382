#pragma once
// PostgreSQL's SQL as SQLite runs it, statement text to statement text (no
// database needed; sqlite/translate.hpp adds what needs the schema: DDL,
// DEFAULT in VALUES, column types):
//
// - rewrite(): casts (`$1::int4`, `'2024-02-29'::date`, CAST(x AS t)),
//   ARRAY[...] constants, value keywords (CURRENT_TIMESTAMP, current_user),
//   division by zero, interval and date arithmetic, PostgreSQL-only call
//   syntax and functions, regular-expression operators (sqlite/expressions.hpp,
//   sqlite/date_arithmetic.hpp), and the result columns' PostgreSQL types
//   and names (sqlite/select_list.hpp).
// - infer_parameters(): SQLite cannot say what type a parameter has;
//   PostgreSQL infers it from the context. The common contexts are
//   recognised here: a column of an INSERT column list (`INSERT INTO t (a,
//   b) VALUES ($1, $2)`), a comparison with a column (`WHERE id = $1`,
//   `SET a = $1`), LIMIT/OFFSET. The caller resolves the column names to
//   declared types.
//
// Token patterns, not a parser: anything not recognised is left to SQLite
// as written (and a parameter stays untyped: text).

#include <string>
#include <string_view>
#include <vector>

#include <cctype>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/protocol/sql_text.hpp>
#include <pgwire/types.hpp>
#include <pgwire/types/oid.hpp>

#include "sqlite/array_subscripts.hpp"
#include "sqlite/at_time_zone.hpp"
#include "sqlite/column_types.hpp"
#include "sqlite/date_arithmetic.hpp"
#include "sqlite/dml_rewrites.hpp"
#include "sqlite/expressions.hpp"
#include "sqlite/grouping_check.hpp"
#include "sqlite/json_arguments.hpp"
#include "sqlite/json_array_operators.hpp"
#include "sqlite/limit_clauses.hpp"
#include "sqlite/moment_comparisons.hpp"
#include "sqlite/null_ordering.hpp"
#include "sqlite/numeric_operands.hpp"
#include "sqlite/numeric_text.hpp"
#include "sqlite/operator_rewrites.hpp"
#include "sqlite/scalar_subqueries.hpp"
#include "sqlite/select_list.hpp"
#include "sqlite/set_function_calls.hpp"
#include "sqlite/tokens.hpp"

namespace sqlite_dialect {

struct Rewritten {
  std::string sql;                 // what SQLite gets (see rewrite())
  std::vector<pgwire::Oid> casts;  // per $n (index n-1): the type of `$n::type`, 0 if none
  // The result list as PostgreSQL types and names it (select_list.hpp);
  // empty when not known.
  std::vector<SelectItem> columns;
  // Columns of VALUES lists and generate_series in the FROM list, by name:
  // their types where `*` brings them in (set by the caller, translate.hpp).
  std::vector<std::pair<std::string, pgwire::Oid>> from_columns;
  // Trailing columns of `sql` that are the rewrite's own, not the result's
  // (distinct_on.hpp's window columns).
  std::size_t hidden_columns = 0;
};

struct Cast {
  std::size_t at, last;  // token of "::" and the type's last token
  pgwire::Oid type;
};

// ARRAY[1, NULL, -3] or ARRAY['a', NULL] of constants (what psycopg2 sends
// for a list) -> the array's text form as a string literal, '{1,NULL,-3}'.
// Returns the index of the closing ']' or 0 when it is not such a constructor.
inline std::size_t array_literal(const std::vector<Token>& toks, std::size_t i, std::string& literal) {
  if (!is(toks[i], "array") || i + 1 >= toks.size() || !is(toks[i + 1], "[")) return 0;
  std::string body = "{";
  std::size_t j = i + 2;
  for (bool first = true;; first = false) {
    if (j >= toks.size()) return 0;
    if (first && is(toks[j], "]")) break;
    if (!first) body.push_back(',');
    bool minus = is(toks[j], "-");
    if (minus) ++j;
    if (j >= toks.size()) return 0;
    const Token& e = toks[j];
    if (e.kind == Kind::number) {
      body += (minus ? "-" : "") + std::string(e.text);
    } else if (!minus && is(e, "null")) {
      body += "NULL";
    } else if (!minus && e.kind == Kind::string && (e.text[0] == '\'' || e.text[0] == 'e' || e.text[0] == 'E')) {
      body.push_back('"');
      for (char c : e.value()) {
        if (c == '"' || c == '\\') body.push_back('\\');
        body.push_back(c);
      }
      body.push_back('"');
    } else {
      return 0;
    }
    ++j;
    if (j < toks.size() && is(toks[j], "]")) break;
    if (j >= toks.size() || !is(toks[j], ",")) return 0;
    ++j;
  }
  body.push_back('}');
  literal = "'";
  for (char c : body) {
    if (c == '\'') literal.push_back('\'');
    literal.push_back(c);
  }
  literal.push_back('\'');
  return j;
}

// The `::type` casts whose type is a built-in PostgreSQL type.
inline std::vector<Cast> find_casts(std::string_view sql, const std::vector<Token>& toks) {
  std::vector<Cast> found;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (!is(toks[i], "::") || i + 1 >= toks.size()) continue;
    // The longest run of up to four words that names a type ("double
    // precision", "timestamp with time zone"), then "(p,s)" and "[]".
    std::size_t first = i + 1, words = 0;
    // (schema-qualified: ::pg_catalog.int4, ::"public"."mood" as Sequelize writes it)
    if (first + 2 < toks.size() && toks[first].is_name() && is(toks[first + 1], ".") && toks[first + 2].is_name() &&
        (toks[first].value() == "public" || toks[first].value() == "pg_catalog"))
      first += 2;
    pgwire::Oid type = 0;
    for (std::size_t k = 1; k <= 4 && first + k - 1 < toks.size(); ++k) {
      const Token& t = toks[first + k - 1];
      if (t.kind != Kind::word && !(k == 1 && t.kind == Kind::quoted_identifier)) break;
      auto span = sql.substr(toks[first].offset, t.end() - toks[first].offset);
      if (auto o = sqlite_example::type_named(span)) {
        type = o;
        words = k;
      }
    }
    // 'public.s'::regclass names a relation by its name, which is what the
    // sequence functions take (sequences.hpp): the cast goes, as a text cast.
    if (type == 0 && toks[first].kind == Kind::word && toks[first].value() == "regclass") {
      type = pgwire::oid::text;
      words = 1;
    }
    if (type == 0) continue;
    std::size_t last = first + words - 1;
    auto next_is = [&](std::string_view p) { return last + 1 < toks.size() && is(toks[last + 1], p); };
    if (next_is("(")) {
      std::size_t j = last + 1;
      while (j < toks.size() && !is(toks[j], ")")) ++j;
      if (j == toks.size()) continue;
      last = j;
    }
    while (next_is("[")) {
      std::size_t j = last + 2;
      if (j < toks.size() && toks[j].kind == Kind::number) ++j;
      if (j >= toks.size() || !is(toks[j], "]")) break;
      last = j;
    }
    if (type != pgwire::oid::text || toks[first].value() != "regclass")
      type = sqlite_example::type_named(sql.substr(toks[first].offset, toks[last].end() - toks[first].offset));
    if (type == 0) continue;
    found.push_back({i, last, type});
    i = last;
  }
  return found;
}

// Casts whose value changes (pgwire_cast, functions.hpp): to integers
// (rounding, range), to boolean (0/1), and between dates and timestamps. Others are removed:
// SQLite converts text and numbers where it uses them, and the result
// column is typed by the cast.
inline bool converting_cast(pgwire::Oid type) {
  return type == pgwire::oid::int2 || type == pgwire::oid::int4 || type == pgwire::oid::int8 ||
         type == pgwire::oid::bool_ ||
         type == pgwire::oid::date || type == pgwire::oid::time || type == pgwire::oid::timestamp ||
         type == pgwire::oid::timestamptz || sqlite_example::enum_registry::is_enum(type);  // (enum_types.hpp: checked)
}

// The first token of what the cast at toks[at] ("::") applies to: the
// primary before it (:: binds tightest); toks.size() for a parameter ($1::int4
// types the parameter instead) or a shape not recognised.
inline std::size_t cast_operand_start(const std::vector<Token>& toks, std::size_t at, const std::vector<Cast>& casts,
                                      const std::vector<std::size_t>& starts) {
  if (at == 0) return toks.size();
  std::size_t k = at - 1;
  for (std::size_t c = 0; c < starts.size(); ++c)  // x::text::int: x
    if (casts[c].last == k) return starts[c];
  const Token& t = toks[k];
  if (is(t, ")")) {
    int depth = 0;
    for (std::size_t j = k + 1; j-- > 0;) {
      if (is(toks[j], ")")) ++depth;
      if (is(toks[j], "(") && --depth == 0) {
        k = j;
        break;
      }
      if (j == 0) return toks.size();
    }
    bool call = k > 0 && toks[k - 1].kind == Kind::word;  // f(...)::int, not SELECT (...)::int
    for (const char* word : {"in", "exists", "select", "where", "and", "or", "not", "when", "then", "else", "case", "on",
                             "by", "having", "from", "join", "as", "distinct", "all", "any", "some", "values", "set",
                             "returning", "between", "like", "ilike", "is", "limit", "offset", "union", "except",
                             "intersect", "with", "using"})
      if (call && toks[k - 1].is_keyword(word)) call = false;
    if (call) --k;
  } else if (t.kind == Kind::parameter || !(t.is_name() || t.kind == Kind::number || t.kind == Kind::string)) {
    return toks.size();
  }
  while (k >= 2 && is(toks[k - 1], ".") && toks[k - 2].is_name()) k -= 2;
  return k;
}

// CAST(x AS type) with a PostgreSQL type: SQLite would apply its affinity
// rules for the type's name (CAST('2024-01-01' AS date) is 2024, CAST(x AS
// uuid) a number). Converting casts become pgwire_cast(x, type), as does a
// timestamptz's cast to text; other text casts CAST(x AS TEXT), floats
// CAST(x AS REAL); any other type keeps the value (checked when read, typed
// by the result column). `type_of(first, end)`: an expression's type.
template <class TypeOf>
void rewrite_cast_calls(std::string_view sql, const std::vector<Token>& toks, std::vector<Edit>& edits,
                        const TypeOf& type_of) {
  for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
    if (!toks[i].is_keyword("cast") || !is(toks[i + 1], "(")) continue;
    std::size_t close = matching_paren(toks, i + 1), as = close;
    if (close >= toks.size()) continue;
    int depth = 0;
    for (std::size_t k = i + 1; k < close; ++k) {
      if (is(toks[k], "(")) ++depth;
      if (is(toks[k], ")")) --depth;
      if (depth == 1 && toks[k].is_keyword("as")) as = k;
    }
    if (as == close || as + 1 >= close) continue;
    auto type_text = sql.substr(toks[as + 1].offset, toks[close - 1].end() - toks[as + 1].offset);
    pgwire::Oid type = sqlite_example::type_named(type_text);
    if (type == 0) continue;  // SQLite's own type names: SQLite's cast
    std::string sqlite_type;
    // (a timestamptz's text: its session zone's, as x::text)
    bool instant_text = (type == pgwire::oid::text || type == pgwire::oid::varchar) &&
                        type_of(i + 2, as) == pgwire::oid::timestamptz;
    bool literal = as == i + 3 && toks[i + 2].kind == Kind::string;
    if (converting_cast(type) || instant_text) {
      edits.push_back({toks[i].offset, toks[i + 1].end(), "pgwire_cast("});
      // (a literal is read by the type's input function: '3.7' is no integer)
      edits.push_back({toks[as].offset, toks[close].offset, ", " + std::to_string(type) + (literal ? ", 1" : "")});
      continue;
    }
    if (type == pgwire::oid::text || type == pgwire::oid::varchar || type == pgwire::oid::bpchar ||
        type == pgwire::oid::name)
      sqlite_type = "TEXT";
    else if (type == pgwire::oid::float4 || type == pgwire::oid::float8)
      sqlite_type = "REAL";
    else if (type == pgwire::oid::numeric)
      sqlite_type = "NUMERIC";
    // (SQLite's CAST reads 'q' as 0: a literal is read by the type's input
    // function, as PostgreSQL reads it when parsing)
    if ((sqlite_type == "REAL" || sqlite_type == "NUMERIC") && literal) {
      std::string text = toks[i + 2].value();
      numeric_operands_detail::check_literal(text, type);
      // (Infinity and NaN, which SQLite's CAST reads as 0: the text itself,
      // which the result column's type prints)
      for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (text.find("inf") != std::string::npos || text.find("nan") != std::string::npos) sqlite_type.clear();
    }
    if (!sqlite_type.empty()) {
      edits.push_back({toks[as + 1].offset, toks[close - 1].end(), sqlite_type});
    } else {  // (x): the value as it is
      edits.push_back({toks[i].offset, toks[i].end(), ""});
      edits.push_back({toks[as].offset, toks[close].offset, ""});
    }
  }
}

// format_type's spelling of a type (what pg_typeof prints: "character",
// where a column's type without a length is "character(1)").
inline std::string type_display_name(pgwire::Oid t) {
  return t == pgwire::oid::bpchar ? "character" : sqlite_example::column_types::format_type(t, "");
}

// Is toks[first, end) a string literal or a column of a string type? A
// cast of it to an integer follows PostgreSQL's text input rules ('3.7'
// is an error, pgwire_cast's third argument); any other operand is a
// number, which rounds (a numeric column's decimal text among them).
inline bool text_operand(const std::vector<Token>& toks, std::size_t first, std::size_t end,
                         const ColumnResolver& resolve) {
  if (end == first + 1 && toks[first].kind == Kind::string) return true;
  if (!resolve || (end != first + 1 && end != first + 3)) return false;
  if (end == first + 3 && !(toks[first].is_name() && is(toks[first + 1], "."))) return false;
  const Token& column = toks[end - 1];
  if (!column.is_name()) return false;
  pgwire::Oid t = resolve(end == first + 3 ? identifier(toks[first]) : std::string(), identifier(column));
  return t == pgwire::oid::text || t == pgwire::oid::varchar || t == pgwire::oid::bpchar || t == pgwire::oid::name;
}

// What SQLite runs for a PostgreSQL statement, and what PostgreSQL would
// report about it:
// - `::type` casts of built-in types are removed, or become pgwire_cast()
//   where the value changes (converting_cast); a cast on a parameter types
//   that parameter (as in PostgreSQL);
// - constant ARRAY[...] constructors become array literals;
// - value keywords and session functions, division by zero, interval
//   and date arithmetic (date_arithmetic.hpp), public.t, ILIKE, FOR UPDATE (expressions.hpp);
// - the result list's PostgreSQL types and names (select_list.hpp), with
//   `resolve` telling the types of columns.
inline Rewritten rewrite(std::string_view sql, const Identity& who = {}, const ColumnResolver& resolve = {},
                         const ColumnScaleResolver& scale_of = {}, const KeyResolver& primary_key = {}) {
  auto toks = tokenize(sql);
  check_grouping(toks, resolve, primary_key);
  numeric_operands_detail::check_arithmetic_literals(toks);
  Rewritten out;
  std::vector<Edit> edits;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    std::string literal;
    if (std::size_t last = array_literal(toks, i, literal)) {
      edits.push_back({toks[i].offset, toks[last].end(), std::move(literal)});
      i = last;
    } else if (is(toks[i], "array") && i + 2 < toks.size() && is(toks[i + 1], "[") && !is(toks[i + 2], "]") &&
               !(i > 0 && is(toks[i - 1], "."))) {
      // ARRAY[a, b + 1] of expressions: pgwire_array(a, b + 1) (builtins.hpp);
      // not an array of arrays (its inner constants are literals by now).
      std::size_t close = i + 1;
      bool nested = false;
      for (int depth = 0; close < toks.size(); ++close) {
        if (is(toks[close], "[") && ++depth > 1) nested = true;
        if (is(toks[close], "]") && --depth == 0) break;
      }
      if (close < toks.size() && !nested) {
        edits.push_back({toks[i].offset, toks[i + 1].end(), "pgwire_array("});
        edits.push_back({toks[close].offset, toks[close].end(), ")"});
      }
    }
  }
  // E'a\nb', N'x', $$it's$$, $tag$...$tag$: SQLite knows only '...'.
  for (const Token& t : toks)
    if (t.kind == Kind::string && !t.text.empty() && (t.text[0] == '$' || t.text[0] == 'e' || t.text[0] == 'E' ||
                                                      t.text[0] == 'n' || t.text[0] == 'N'))
      edits.push_back({t.offset, t.end(), quote_literal(t.value())});
  auto casts = find_casts(sql, toks);
  std::vector<CastSpan> spans;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  std::vector<pgwire::Oid> types;
  for (const Cast& c : casts) {
    spans.push_back({c.at, c.last, c.type});
    ranges.emplace_back(c.at, c.last);
    types.push_back(c.type);
    if (c.at > 0 && toks[c.at - 1].kind == Kind::parameter) {
      auto n = static_cast<std::size_t>(param(toks[c.at - 1]));
      if (out.casts.size() < n) out.casts.resize(n, 0);
      out.casts[n - 1] = c.type;
    }
  }
  // The type of the expression toks[first, end) (0: not known).
  auto type_of = [&](std::size_t first, std::size_t end) -> pgwire::Oid {
    if (!resolve) return 0;
    typing::Typer typer(toks, end, ranges, types, resolve, scale_of);
    SelectItem item;
    std::size_t k = first;
    return typer.expression(k, item) && k == end ? item.type : 0;
  };
  std::vector<std::size_t> operand_starts;  // per cast: its operand's first token (toks.size(): not wrapped)
  for (std::size_t c = 0; c < casts.size(); ++c) {
    std::size_t start = converting_cast(casts[c].type) ? cast_operand_start(toks, casts[c].at, casts, operand_starts)
                                                       : toks.size();
    // A timestamptz's text is its session zone's (the stored text is UTC): x::text converts.
    if (start == toks.size() && (casts[c].type == pgwire::oid::text || casts[c].type == pgwire::oid::varchar)) {
      std::size_t from = cast_operand_start(toks, casts[c].at, casts, operand_starts);
      if (from < toks.size() && type_of(from, casts[c].at) == pgwire::oid::timestamptz) start = from;
    }
    operand_starts.push_back(start);
    if (start < toks.size()) spans[c].operand = start;
  }
  // Wrappers made first enclose those made later at the same place
  // (apply_edits): interval and date arithmetic, then division, then casts.
  rewrite_moment_comparisons(toks, spans, edits, type_of);  // (first: it encloses a whole operand)
  rewrite_json_array_operators(toks, ranges, types, resolve, edits);  // (its calls enclose their operands)
  rewrite_at_time_zone(toks, ranges, types, resolve, edits);
  rewrite_any_all(toks, spans, edits);  // (first: it encloses the casts and arithmetic of its operand)
  rewrite_json_text(toks, edits);
  // pg_typeof(x): the type the statement's text gives x, as format_type
  // spells it, for pgwire_typeof(name, x) (functions.hpp) to return; when
  // the text does not tell, pgwire_typeof judges by the value.
  for (std::size_t i = 0; i + 2 < toks.size(); ++i) {
    if (!toks[i].is_keyword("pg_typeof") || !is(toks[i + 1], "(") || (i > 0 && is(toks[i - 1], "."))) continue;
    std::size_t close = matching_paren(toks, i + 1);
    if (close >= toks.size()) break;
    SelectItem typed;
    typing::Typer typer(toks, close, ranges, types, resolve, scale_of);
    std::size_t k = i + 2;
    std::string name;
    if (typer.expression(k, typed) && k == close && typed.type != 0) name = type_display_name(typed.type);
    edits.push_back({toks[i].offset, toks[i + 1].end(), "pgwire_typeof(" + quote_literal(name) + ", "});
  }
  rewrite_exponents(toks, spans, edits);
  guard_division(toks, spans, edits, resolve, type_of);
  rewrite_interval_scaling(toks, spans, edits, type_of);
  rewrite_interval_arithmetic(toks, spans, edits, type_of);  // (encloses the two above)
  rewrite_date_arithmetic(toks, spans, resolve, edits);
  for (std::size_t c = 0; c < casts.size(); ++c) {
    std::size_t start = operand_starts[c];
    if (start < toks.size()) {
      edits.push_back({toks[start].offset, toks[start].offset, "pgwire_cast("});
      std::string type = ", " + std::to_string(casts[c].type);
      if (text_operand(toks, start, casts[c].at, resolve)) type += ", 1";
      type += ")";
      edits.push_back({toks[casts[c].at].offset, toks[casts[c].last].end(), std::move(type)});
    } else {
      edits.push_back({toks[casts[c].at].offset, toks[casts[c].last].end(), ""});
    }
  }
  for (std::size_t i = 0; i + 1 < toks.size(); ++i)  // date '2024-01-01' -> '2024-01-01'
    if (typed_literal_type(toks[i]) != 0 && toks[i + 1].kind == Kind::string && (i == 0 || !is(toks[i - 1], ".")))
      edits.push_back({toks[i].offset, toks[i + 1].offset, ""});
  rewrite_keywords(toks, who, edits);
  rewrite_names(toks, edits);
  remove_locking_clauses(toks, edits);
  rewrite_null_ordering(toks, edits);
  rewrite_calls(toks, edits);
  keep_long_numbers(toks, edits);
  rewrite_series_select(toks, edits);
  rewrite_set_function_items(toks, edits);
  rewrite_cast_calls(sql, toks, edits, type_of);
  rewrite_column_aliases(toks, edits);
  rewrite_scalar_functions_in_from(toks, edits, out.from_columns, [&](std::size_t first, std::size_t end) {
    typing::Typer typer(toks, end, ranges, types, resolve, scale_of);
    SelectItem item;
    std::size_t k = first;
    return typer.expression(k, item) && k == end ? item.type : pgwire::Oid(0);
  });
  rewrite_regex_operators(toks, edits);
  rewrite_similar_to(toks, edits);
  rewrite_subscripts(toks, edits);
  rewrite_json_key_operators(toks, edits);
  rewrite_dml_forms(toks, edits);
  rewrite_limit_clauses(toks, edits);
  rewrite_numeric_operands(toks, ranges, types, resolve, scale_of, edits, out.from_columns);
  rewrite_json_arguments(toks, ranges, types, resolve, edits);
  rewrite_scalar_subqueries(toks, edits);
  out.columns = select_items(toks, ranges, types, resolve, scale_of);
  // A numeric expression's value is its decimal text (numeric_text.hpp): it
  // orders as a number only with the column collation, which a function
  // or CASE does not pass on (ORDER BY coalesce(price, 0), or its alias).
  for (const auto& item : out.columns)
    if (item.type == pgwire::oid::numeric && !item.column && !item.star && item.expression_end > 0 &&
        item.expression_end <= toks.size() && !is(toks[0], "values"))
      edits.push_back({toks[item.expression_end - 1].end(), toks[item.expression_end - 1].end(),
                       " COLLATE " + std::string(sqlite_example::numeric_text::collation)});
  out.sql = apply_edits(sql, std::move(edits));
  return out;
}

// rewrite() without a session (COPY's query).
inline Rewritten strip_casts(std::string_view sql) { return rewrite(sql); }

// Where a parameter's type can come from: a column (of one of `tables`),
// or a fixed type (LIMIT/OFFSET take int8).
struct ParamContext {
  std::string column;
  pgwire::Oid type = 0;
  bool array = false;  // an array of the column's type (col = ANY($n))
};

struct Inference {
  std::vector<std::string> tables;      // FROM / JOIN / UPDATE / INTO targets, in order
  std::vector<ParamContext> params;     // per $n (index n-1)
  std::vector<std::size_t> positional;  // INSERT without a column list: $n is the k-th column
};

inline Inference infer_parameters(std::string_view sql) {
  auto toks = tokenize(sql);
  Inference inf;
  auto set = [&](int n, ParamContext c) {
    if (n <= 0) return;
    auto idx = static_cast<std::size_t>(n - 1);
    if (inf.params.size() <= idx) inf.params.resize(idx + 1);
    if (inf.params[idx].column.empty() && inf.params[idx].type == 0) inf.params[idx] = std::move(c);
  };
  auto is_name = [&](std::size_t i) {
    return i < toks.size() && (toks[i].kind == Kind::word || toks[i].kind == Kind::quoted_identifier);
  };
  // A possibly qualified name starting at i: returns the last part, moves i past it.
  auto name_at = [&](std::size_t& i) {
    std::string last = unquote(toks[i]);
    while (i + 2 < toks.size() && is(toks[i + 1], ".") && is_name(i + 2)) {
      i += 2;
      last = unquote(toks[i]);
    }
    ++i;
    return last;
  };
  for (std::size_t i = 0; i < toks.size(); ++i) {
    for (auto kw : {"from", "join", "update", "into"}) {
      if (is(toks[i], kw) && is_name(i + 1)) {
        std::size_t j = i + 1;
        std::string table = name_at(j);
        inf.tables.push_back(table);
        if (std::string_view(kw) != "into") continue;
        // INSERT INTO t [(c1, c2, ...)] VALUES (e1, e2, ...)[, (...)]
        std::vector<std::string> cols;
        bool listed = j < toks.size() && is(toks[j], "(");
        if (listed) {
          for (++j; j < toks.size() && !is(toks[j], ")"); ++j)
            if (is_name(j)) cols.push_back(unquote(toks[j]));
          ++j;
        }
        if (j >= toks.size() || !is(toks[j], "values")) continue;
        for (++j; j < toks.size() && is(toks[j], "("); ++j) {
          std::size_t k = 0, depth = 0, start = j + 1;
          for (++j; j < toks.size(); ++j) {
            bool close = is(toks[j], ")"), comma = is(toks[j], ",");
            if (depth == 0 && (close || comma)) {
              // (a value the translation rounds for a numeric(p,s) column is
              // pgwire_numeric_round($n, s): numeric_assignments.hpp)
              std::size_t value = start;
              bool single = j == start + 1;
              if (j == start + 6 && toks[start].is_keyword("pgwire_numeric_round") && is(toks[start + 1], "(") &&
                  toks[start + 2].kind == Kind::parameter && is(toks[start + 3], ","))
                value = start + 2, single = true;
              if (single && toks[value].kind == Kind::parameter) {
                if (listed && k < cols.size()) set(param(toks[value]), {cols[k], 0});
                if (!listed) {
                  auto n = static_cast<std::size_t>(param(toks[value]));
                  if (inf.positional.size() < n) inf.positional.resize(n, 0);
                  inf.positional[n - 1] = k + 1;
                }
              }
              ++k;
              start = j + 1;
              if (close) break;
            } else if (is(toks[j], "(")) {
              ++depth;
            } else if (close) {
              --depth;
            }
          }
          if (j + 1 >= toks.size() || !is(toks[j + 1], ",")) break;
          ++j;
        }
      }
    }
    if (toks[i].kind != Kind::parameter) continue;
    static constexpr std::string_view ops[] = {"=", "<>", "!=", "<", ">", "<=", ">="};
    auto is_op = [&](std::size_t k) {
      for (auto op : ops)
        if (k < toks.size() && is(toks[k], op)) return true;
      return false;
    };
    // col op ANY($n), as the translation has it: pgwire_any('op', 0, [t.]col, $n) (expressions.hpp)
    if (i >= 8 && is(toks[i - 1], ",") && is_name(i - 2)) {
      std::size_t c = i - 2, k = i - 3;
      if (is(toks[k], ".") && k >= 1 && is_name(k - 1)) k -= 2;
      if (k >= 5 && is(toks[k], ",") && toks[k - 1].kind == Kind::number && is(toks[k - 2], ",") &&
          toks[k - 3].kind == Kind::string && is(toks[k - 4], "(") && toks[k - 5].is_keyword("pgwire_any")) {
        set(param(toks[i]), {unquote(toks[c]), 0, true});
        continue;
      }
    }
    if (i >= 2 && is_op(i - 1) && is_name(i - 2)) {  // col = $n
      set(param(toks[i]), {unquote(toks[i - 2]), 0});
    } else if (i >= 4 && is(toks[i - 1], "(") && toks[i - 2].is_keyword("pgwire_numeric_round") && is(toks[i - 3], "=") &&
               is_name(i - 4)) {  // SET col = pgwire_numeric_round($n, s) (numeric_assignments.hpp)
      set(param(toks[i]), {unquote(toks[i - 4]), 0});
    } else if (is_op(i + 1) && is_name(i + 2)) {  // $n = col (or t.col)
      std::size_t j = i + 2;
      set(param(toks[i]), {name_at(j), 0});
    } else if (i >= 1 && (is(toks[i - 1], "limit") || is(toks[i - 1], "offset"))) {
      set(param(toks[i]), {"", pgwire::oid::int8});
    }
  }
  return inf;
}

}  // namespace sqlite_dialect
