#pragma once
// Set-returning functions and FROM items SQLite reads differently (text
// edits, tokens.hpp), for sqlite_dialect.hpp's rewrite:
// - a set-returning call in a select list (generate_series, unnest,
//   jsonb_array_elements, ...), alone or among other items, becomes the
//   table function in the FROM list (series.hpp, set_functions.hpp);
// - column aliases of a table function or a VALUES list in FROM
//   (`AS t(x)`), which SQLite has not, become a subquery's names;
// - a function returning one value as a FROM item becomes a one-row subquery.
// is_alias and in_from_clause tell FROM items apart for translate.hpp too.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "tokens.hpp"

namespace sqlite_dialect {

// A set-returning function with one result column of its own name, which
// an alias renames (series.hpp, set_functions.hpp); `column`: that of a
// function whose column has a fixed name instead (jsonb_array_elements'
// "value").
inline bool set_function(const Token& t, std::string* column = nullptr) {
  for (const char* name : {"generate_series", "unnest", "jsonb_object_keys", "json_object_keys"})
    if (t.is_keyword(name)) return column ? (*column = name, true) : true;
  for (const char* name : {"jsonb_array_elements", "json_array_elements", "jsonb_array_elements_text",
                           "json_array_elements_text"})
    if (t.is_keyword(name)) return column ? (*column = "value", true) : true;
  return false;
}

// `SELECT generate_series(a, b[, step]) [AS name]` (or unnest(a),
// jsonb_array_elements(doc), ...), the whole statement: a set-returning
// function in the select list, which SQLite has not; the same rows come
// from the table function.
inline void rewrite_series_select(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  std::size_t n = toks.size();
  while (n > 0 && is(toks[n - 1], ";")) --n;
  std::string column;
  if (n < 5 || !toks[0].is_keyword("select") || !set_function(toks[1], &column) || !is(toks[2], "(")) return;
  std::size_t close = matching_paren(toks, 2);
  if (close >= n) return;
  std::string name = toks[1].value();
  if (close + 1 < n) {
    std::size_t k = close + 1;
    if (toks[k].is_keyword("as")) ++k;
    if (k + 1 != n || !toks[k].is_name()) return;
    name = identifier(toks[k]);
  }
  edits.push_back({toks[1].offset, toks[1].offset, column + " AS " + quote_identifier(name) + " FROM "});
  if (close + 1 < n) edits.push_back({toks[close].end(), toks[n - 1].end(), ""});
}

// `SELECT id, unnest(tags) FROM t` (or jsonb_array_elements(items), ...):
// one set-returning call among a select list's items, with a FROM list.
// Its rows come from the table function joined to the FROM list (SQLite
// lets it read the other items' columns): `SELECT id, pgwire_srf.unnest AS
// unnest FROM t, unnest(tags) AS pgwire_srf`. Only for arguments of names,
// ->, literals and parentheses, which no other rewrite changes (they move).
// Without a FROM list the call becomes one: SELECT generate_series(1, 3), 'x'.
// toks[first, n): one SELECT (the statement's, or a subquery's up to its ")").
inline void rewrite_set_function_items(const std::vector<Token>& toks, std::size_t first, std::size_t n,
                                       std::vector<Edit>& edits) {
  if (n < first + 6 || !toks[first].is_keyword("select")) return;
  std::size_t call = n, close = n, from = n, from_end = n;
  bool several_items = false;
  for (std::size_t k = first + 1; k < n; ++k) {
    if (is(toks[k], "(")) {
      std::size_t c = matching_paren(toks, k);
      if (c >= n) return;
      k = c;
      continue;
    }
    if (from == n) {
      several_items = several_items || is(toks[k], ",");
      if (toks[k].is_keyword("from")) {
        from = k;
      } else if ((is(toks[k - 1], "select") || is(toks[k - 1], ",")) && k + 1 < n && set_function(toks[k]) &&
                 is(toks[k + 1], "(")) {
        if (call != n) return;  // (two of them: PostgreSQL zips their rows)
        call = k;
        close = matching_paren(toks, k + 1);
        if (close >= n) return;
      }
      continue;
    }
    for (const char* word : {"where", "group", "having", "window", "order", "limit", "offset", "fetch", "for", "union",
                             "intersect", "except"})
      if (toks[k].is_keyword(word) && from_end == n) from_end = k;
    if (is(toks[k], ";") && from_end == n) from_end = k;
  }
  if (call == n) return;
  bool no_from = from == n;  // (SELECT generate_series(1, 3) AS n, 'x': the call becomes the FROM list)
  if (no_from && !several_items) return;  // (the call alone: rewrite_series_select's)
  if (no_from)
    for (std::size_t k = close + 1, depth = 0; k < n && from_end == n; ++k) {
      if (is(toks[k], "(")) ++depth;
      if (is(toks[k], ")") && depth > 0) --depth;
      if (depth != 0) continue;
      for (const char* word : {"where", "group", "having", "order", "limit", "offset", "union", "intersect", "except"})
        if (toks[k].is_keyword(word)) from_end = k;
      if (is(toks[k], ";")) from_end = k;
    }
  for (std::size_t k = call + 2; k < close; ++k) {
    const Token& t = toks[k];
    bool plain = t.is_name() || t.kind == Kind::string || t.kind == Kind::number || is(t, ".") || is(t, "->") ||
                 is(t, ",") || is(t, "(") || is(t, ")");
    if (!plain || t.is_keyword("array")) return;
  }
  std::string column;
  set_function(toks[call], &column);
  bool aliased = close + 1 < n && (toks[close + 1].is_keyword("as") || (toks[close + 1].is_name() && !toks[close + 1].is_keyword("from")));
  std::string source = "pgwire_srf." + column + (aliased ? "" : " AS " + quote_identifier(toks[call].value()));
  std::size_t args_from = toks[call + 2 < close ? call + 2 : close].offset;
  std::string moved = (no_from ? " FROM " : ", ") + toks[call].value() + "(" +
                      std::string(toks[call].text.data() + (args_from - toks[call].offset),
                                  toks[close].offset - args_from) +
                      ") AS pgwire_srf";
  edits.push_back({toks[call].offset, toks[close].end(), source});
  std::size_t at = from_end < n ? toks[from_end].offset : toks[n - 1].end();
  edits.push_back({at, at, from_end < n ? moved + " " : moved});
}

inline void rewrite_set_function_items(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  rewrite_set_function_items(toks, 0, toks.size(), edits);
  for (std::size_t open = 0; open + 1 < toks.size(); ++open)
    if (is(toks[open], "(") && toks[open + 1].is_keyword("select"))
      rewrite_set_function_items(toks, open + 1, std::min(matching_paren(toks, open), toks.size()), edits);
}

// A name after a FROM item that is its alias, not the clause that follows.
inline bool is_alias(const Token& t) {
  if (t.kind == Kind::quoted_identifier) return true;
  if (!t.is_name()) return false;
  for (std::string_view clause : {"where", "join", "inner", "left", "right", "full", "cross", "natural", "on",
                                  "using", "group", "order", "limit", "offset", "union", "intersect", "except",
                                  "window", "having", "fetch", "for", "returning", "with", "lateral"})
    if (t.is_keyword(clause)) return false;
  return true;
}

// The nearest token before toks[at], at its own depth, that `stop` takes;
// toks.size() when an unmatched "(" comes first.
template <class Stop>
std::size_t back_at_depth(const std::vector<Token>& toks, std::size_t at, Stop stop) {
  int depth = 0;
  for (std::size_t j = at; j-- > 0;) {
    if (is(toks[j], ")")) ++depth;
    if (is(toks[j], "(")) {
      if (depth == 0) return toks.size();
      --depth;
    }
    if (depth == 0 && stop(toks[j])) return j;
  }
  return toks.size();
}

// Is token `at` an item of a FROM clause (not of a select list)? The
// nearest clause word before it at its own depth decides.
inline bool in_from_clause(const std::vector<Token>& toks, std::size_t at) {
  std::size_t j = at;
  do {  // (passing IS DISTINCT FROM's)
    j = back_at_depth(toks, j, [](const Token& t) {
      for (const char* w : {"from", "join", "select", "where", "on", "returning", "set"})
        if (t.is_keyword(w)) return true;
      return false;
    });
  } while (j < toks.size() && distinct_from(toks, j));
  return j < toks.size() && (toks[j].is_keyword("from") || toks[j].is_keyword("join"));
}

// Whether the FROM at toks[at] is a SELECT's (not extract's, trim's,
// substring's, ...): its SELECT comes before any parenthesis it is in.
inline bool select_from(const std::vector<Token>& toks, std::size_t at) {
  return back_at_depth(toks, at, [](const Token& t) { return t.is_keyword("select"); }) < toks.size();
}

// A table-valued function SQLite has (series.hpp, set_functions.hpp, its
// JSON and pragma tables): a FROM item as it stands.
inline bool table_function(const Token& t) {
  if (set_function(t)) return true;
  for (const char* name : {"jsonb_each", "jsonb_each_text", "json_each_text", "json_each", "json_tree"})
    if (t.is_keyword(name)) return true;
  return t.is_name() && t.value().rfind("pragma_", 0) == 0;
}

// A function returning one value as a FROM item (SELECT * FROM
// current_schema(), FROM now() AS t, as TypeORM asks for its schema):
// PostgreSQL reads it as a table of one row, whose column is named as the
// alias, else as the function; SQLite would look for a table-valued
// function of that name. It becomes (SELECT f(...) AS name) AS alias, and
// the column's type, as `type_of(first, end)` gives the call's, goes to
// `columns` (where `*` brings the column in, rows.hpp types it by name).
template <class TypeOf>
void rewrite_scalar_functions_in_from(const std::vector<Token>& toks, std::vector<Edit>& edits,
                                      std::vector<std::pair<std::string, pgwire::Oid>>& columns, TypeOf type_of) {
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    if (toks[i].kind != Kind::word || !is(toks[i + 1], "(") || table_function(toks[i])) continue;
    bool item = (toks[i - 1].is_keyword("from") && select_from(toks, i - 1)) || toks[i - 1].is_keyword("join") ||
                (is(toks[i - 1], ",") && in_from_clause(toks, i));
    if (!item) continue;
    std::size_t close = matching_paren(toks, i + 1);
    if (close >= toks.size()) continue;
    std::size_t k = close + 1, end = close;  // end: the last token replaced
    if (k < toks.size() && toks[k].is_keyword("with")) continue;  // (WITH ORDINALITY: not this)
    if (k < toks.size() && toks[k].is_keyword("as")) ++k;
    std::string alias = identifier(toks[i]), column = alias;
    if (k < toks.size() && is_alias(toks[k])) {
      alias = column = identifier(toks[k]);
      end = k;
      if (k + 1 < toks.size() && is(toks[k + 1], "(")) {  // AS t(x)
        std::size_t list_close = matching_paren(toks, k + 1);
        if (list_close >= toks.size()) continue;
        for (std::size_t m = k + 2; m < list_close; ++m)
          if (toks[m].is_name()) {
            column = identifier(toks[m]);
            break;
          }
        end = list_close;
      }
    }
    if (pgwire::Oid type = type_of(i, close + 1)) columns.emplace_back(column, type);
    edits.push_back({toks[i].offset, toks[i].offset, "(SELECT "});
    edits.push_back({toks[close].end(), toks[end].end(),
                     " AS " + quote_identifier(column) + ") AS " + quote_identifier(alias)});
    i = end;
  }
}

// Whether the arguments toks(open, close) read a column (a name that is no
// call, type or value keyword): unnest(t.tags), not unnest(ARRAY[1, 2]).
inline bool reads_columns(const std::vector<Token>& toks, std::size_t open, std::size_t close) {
  for (std::size_t k = open + 1; k < close; ++k) {
    if (!toks[k].is_name() || is(toks[k - 1], "::") || (k + 1 < close && is(toks[k + 1], "("))) continue;
    bool value = false;
    for (const char* word : {"array", "true", "false", "null", "and", "or", "not", "is", "in", "as", "case", "when",
                             "then", "else", "end", "distinct", "from", "interval", "date", "timestamp", "timestamptz"})
      value = value || toks[k].is_keyword(word);
    if (!value) return true;
  }
  return false;
}

// Column aliases of a table function or a VALUES list in FROM, which SQLite
// has not: `generate_series(1, 3) AS t(x)` -> `(SELECT generate_series AS
// "x" FROM generate_series(1, 3)) AS t`, `(VALUES (1, 'a')) AS v(n, s)` ->
// `(SELECT column1 AS "n", column2 AS "s" FROM (VALUES (1, 'a'))) AS v`.
// f(args) WITH ORDINALITY [[AS] alias [(names)]] in FROM, f a set-returning
// function: a subquery adding the row's number, which is the function's
// rowid (1, 2, ...: series.hpp, set_functions.hpp), named `ordinality` or
// by the last name. `column`: a one-column function's, else empty (a key
// and value pair, jsonb_each). A call reading another FROM item's columns
// is left alone (a subquery in FROM cannot read them: no LATERAL in
// SQLite). Returns the last token it read.
inline std::size_t with_ordinality(const std::vector<Token>& toks, std::size_t call, std::size_t close,
                                   const std::string& column, std::vector<Edit>& edits) {
  std::size_t k = close + 3;  // past WITH ORDINALITY
  if (reads_columns(toks, call + 1, close)) return k - 1;
  if (k < toks.size() && toks[k].is_keyword("as")) ++k;
  std::string alias = identifier(toks[call]);
  std::vector<std::string> names;
  std::size_t last = close + 2;
  if (k < toks.size() && is_alias(toks[k])) {
    alias = identifier(toks[k]);
    last = k;
    if (k + 1 < toks.size() && is(toks[k + 1], "(")) {
      std::size_t list_close = matching_paren(toks, k + 1);
      if (list_close >= toks.size()) return k;
      for (std::size_t m = k + 2; m < list_close; ++m)
        if (toks[m].is_name()) names.push_back(identifier(toks[m]));
      last = list_close;
    }
  }
  std::vector<std::string> sources;
  if (column.empty()) {
    sources = {"key", "value"};
  } else {
    sources = {column};
  }
  sources.push_back("rowid");
  std::string select = "(SELECT ";
  for (std::size_t n = 0; n < sources.size(); ++n) {
    std::string name = n < names.size() ? names[n]
                       : n + 1 == sources.size() ? std::string("ordinality")
                       : column.empty() || column == "value" ? sources[n]  // (fixed names: jsonb_array_elements')
                       : alias;  // (a one-column function's column takes the alias's name)
    select += (n ? ", " : "") + sources[n] + " AS " + quote_identifier(name);
  }
  edits.push_back({toks[call].offset, toks[call].offset, select + " FROM "});
  edits.push_back({toks[close].end(), toks[last].end(), ") AS " + quote_identifier(alias)});
  return last;
}

inline void rewrite_column_aliases(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  for (std::size_t i = 0; i + 3 < toks.size(); ++i) {
    if (!is(toks[i], "(")) continue;
    std::string column;
    bool series = i > 0 && set_function(toks[i - 1], &column) && !(i > 1 && is(toks[i - 2], "."));
    bool pair = i > 0 && (toks[i - 1].is_keyword("jsonb_each") || toks[i - 1].is_keyword("jsonb_each_text") ||
                          toks[i - 1].is_keyword("json_each_text"));
    bool values = toks[i + 1].is_keyword("values");
    if (!series && !values && !pair) continue;
    std::size_t close = matching_paren(toks, i);
    if ((series || pair) && close + 2 < toks.size() && toks[close + 1].is_keyword("with") &&
        toks[close + 2].is_keyword("ordinality")) {
      i = with_ordinality(toks, i - 1, close, series ? column : std::string(), edits);
      continue;
    }
    std::size_t k = close + 1;
    if (k < toks.size() && toks[k].is_keyword("as")) ++k;
    if (series && in_from_clause(toks, i - 1) && k < toks.size() && is_alias(toks[k]) && (k + 1 >= toks.size() || !is(toks[k + 1], "("))) {
      // `generate_series(1, 3) i`: the alias names the table and its one
      // column, as for any function returning a scalar in PostgreSQL.
      std::string alias = quote_identifier(identifier(toks[k]));
      if (reads_columns(toks, i, close) || column == "value") {
        // unnest(t.tags) AS tag reads another FROM item, which a subquery
        // in FROM cannot (SQLite has no LATERAL); and jsonb_array_elements'
        // column keeps its name "value" (e.value) beside the alias. The
        // alias stays the table's, and its uses as a column name become the
        // table's one column (named as the alias in a select list).
        std::string name = identifier(toks[k]);
        for (std::size_t u = 0; u < toks.size(); ++u) {
          if (u == k || !toks[u].is_name() || identifier(toks[u]) != name || (u > 0 && is(toks[u - 1], ".")) ||
              (u + 1 < toks.size() && (is(toks[u + 1], ".") || is(toks[u + 1], "("))))
            continue;
          bool item = u > 0 && (is(toks[u - 1], "select") || is(toks[u - 1], ",")) &&
                      (u + 1 == toks.size() || is(toks[u + 1], ",") || toks[u + 1].is_keyword("from"));
          edits.push_back({toks[u].offset, toks[u].end(), alias + "." + column + (item ? " AS " + alias : "")});
        }
        i = k;
        continue;
      }
      edits.push_back({toks[i - 1].offset, toks[i - 1].offset, "(SELECT " + column + " AS " + alias + " FROM "});
      edits.push_back({toks[close].end(), toks[k].end(), ") AS " + alias});
      i = k;
      continue;
    }
    if (k + 2 >= toks.size() || !toks[k].is_name() || !is(toks[k + 1], "(")) continue;
    std::size_t list_close = matching_paren(toks, k + 1);
    if (list_close >= toks.size()) continue;
    std::vector<std::string> names;
    for (std::size_t m = k + 2; m < list_close; ++m)
      if (toks[m].is_name()) names.push_back(identifier(toks[m]));
    std::string select = "(SELECT ";
    for (std::size_t n = 0; n < names.size(); ++n) {
      std::string source = pair ? (n == 0 ? "key" : "value") : series ? column : "column" + std::to_string(n + 1);
      select += (n ? ", " : "") + source + " AS " + quote_identifier(names[n]);
    }
    select += " FROM ";
    std::size_t from = series || pair ? i - 1 : i;
    edits.push_back({toks[from].offset, toks[from].offset, select});
    edits.push_back({toks[close].end(), toks[list_close].end(), ") AS " + quote_identifier(identifier(toks[k]))});
    i = list_close;
  }
}

}  // namespace sqlite_dialect
