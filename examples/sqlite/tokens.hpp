#pragma once
// Tokens of sqlite_server's dialect layer: the library's SQL tokenizer
// (PostgreSQL's lexical rules: quotes, dollar quotes, nested comments, $n
// parameters, operators) and the few helpers every rewrite uses, plus text
// edits on the original statement (each rewrite says what to replace; the
// edits are applied once, in order of position).

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/protocol/sql_text.hpp>
#include <pgwire/types/oid.hpp>

namespace sqlite_dialect {

using Token = pgwire::SqlToken;
using Kind = pgwire::SqlToken::Kind;

inline std::vector<Token> tokenize(std::string_view s) { return pgwire::tokenize(s); }

// (qualifier or "", column) -> the column's PostgreSQL type, 0 if unknown
// (the caller knows the schema; the dialect only the statement).
using ColumnResolver = std::function<pgwire::Oid(std::string_view, std::string_view)>;
// (qualifier or "", column) -> the scale of a numeric(p,s) column, -1 for
// any other column (the result list's display scales, select_list.hpp).
using ColumnScaleResolver = std::function<std::int32_t(std::string_view, std::string_view)>;
// No scales known (for a Typer, which keeps a reference to its resolvers:
// never a temporary).
inline const ColumnScaleResolver no_scale;

// A keyword (any case) or an operator / punctuation.
inline bool is(const Token& t, std::string_view text) { return t.is_keyword(text) || t.is_punct(text); }

// The n of a $n parameter.
inline int param(const Token& t) {
  int n = 0;
  for (std::size_t i = 1; i < t.text.size() && t.text[i] >= '0' && t.text[i] <= '9' && n < 100000; ++i)
    n = n * 10 + (t.text[i] - '0');
  return n;
}

// A name as written; a quoted identifier without its quotes.
inline std::string unquote(const Token& t) {
  return t.kind == Kind::quoted_identifier ? t.value() : std::string(t.text);
}

// A name as PostgreSQL resolves it: unquoted names fold to lower case.
inline std::string identifier(const Token& t) { return t.value(); }

// `name` as a quoted SQLite identifier.
inline std::string quote_identifier(std::string_view name) {
  std::string q = "\"";
  for (char c : name) {
    if (c == '"') q.push_back('"');
    q.push_back(c);
  }
  return q + "\"";
}

inline std::string quote_literal(std::string_view value) {
  std::string q = "'";
  for (char c : value) {
    if (c == '\'') q.push_back('\'');
    q.push_back(c);
  }
  return q + "'";
}

// The index of the ')' matching the '(' at toks[open], or toks.size().
inline std::size_t matching_paren(const std::vector<Token>& toks, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < toks.size(); ++i) {
    if (is(toks[i], "(") || is(toks[i], "[")) ++depth;
    if ((is(toks[i], ")") || is(toks[i], "]")) && --depth == 0) return i;
  }
  return toks.size();
}

// toks[k] is the FROM of `IS [NOT] DISTINCT FROM`, an operator's, not a
// clause's (a select list does not end there).
inline bool distinct_from(const std::vector<Token>& toks, std::size_t k) {
  return k >= 2 && toks[k].is_keyword("from") && toks[k - 1].is_keyword("distinct") &&
         (toks[k - 2].is_keyword("is") || toks[k - 2].is_keyword("not"));
}

// The end of the list item starting at toks[start]: its comma, or `stop`.
inline std::size_t item_end(const std::vector<Token>& toks, std::size_t start, std::size_t stop) {
  std::size_t comma = start;
  for (int depth = 0; comma < stop; ++comma) {
    if (is(toks[comma], "(") || is(toks[comma], "[")) ++depth;  // (ARRAY[1, 2] is one item)
    if (is(toks[comma], ")") || is(toks[comma], "]")) --depth;
    if (depth == 0 && is(toks[comma], ",")) break;
  }
  return comma;
}

// Replace sql[from, to) by text (from == to: an insertion).
struct Edit {
  std::size_t from, to;
  std::string text;
};

inline std::string apply_edits(std::string_view sql, std::vector<Edit> edits) {
  // Insertions before replacements starting at the same place; otherwise in
  // the order they were made (a closing ")" made first stays first).
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) {
    if (a.from != b.from) return a.from < b.from;
    return (a.to == a.from) && (b.to != b.from);
  });
  std::string out;
  std::size_t copied = 0;
  for (const Edit& e : edits) {
    if (e.from < copied) continue;  // inside a replaced range: already gone
    out.append(sql.substr(copied, e.from - copied));
    out.append(e.text);
    copied = e.to;
  }
  out.append(sql.substr(copied));
  return out;
}

}  // namespace sqlite_dialect
