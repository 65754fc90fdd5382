#pragma once
// The little SQL understanding sqlite_server needs on top of SQLite:
//
// - PostgreSQL casts (`$1::int4`, `'2024-02-29'::date`) are not SQLite
//   syntax. They are removed before SQLite sees the statement; a cast on a
//   parameter types that parameter (as in PostgreSQL).
// - SQLite cannot say what type a parameter has; PostgreSQL infers it from
//   the context. The common contexts are recognised here: a column of an
//   INSERT column list (`INSERT INTO t (a, b) VALUES ($1, $2)`), a comparison
//   with a column (`WHERE id = $1`, `SET a = $1`), LIMIT/OFFSET. The caller
//   resolves the column names to declared types.
//
// Token patterns, not a parser: anything it does not recognise is left alone,
// and the parameter stays untyped (text), which is what it was before.

#include <string>
#include <string_view>
#include <vector>

#include <pgwire/protocol/sql_text.hpp>
#include <pgwire/types/oid.hpp>

namespace sqlite_dialect {

// The library's SQL tokenizer (PostgreSQL's lexical rules: quotes, dollar
// quotes, nested comments, $n parameters, operators).
using Token = pgwire::SqlToken;
using Kind = pgwire::SqlToken::Kind;

inline std::vector<Token> tokenize(std::string_view s) { return pgwire::tokenize(s); }

// A keyword (any case) or an operator / punctuation.
inline bool is(const Token& t, std::string_view text) { return t.is_keyword(text) || t.is_punct(text); }

// The n of a $n parameter.
inline int param(const Token& t) {
  int n = 0;
  for (std::size_t i = 1; i < t.text.size() && t.text[i] >= '0' && t.text[i] <= '9' && n < 100000; ++i)
    n = n * 10 + (t.text[i] - '0');
  return n;
}

struct Rewritten {
  std::string sql;                 // what SQLite gets: the casts removed
  std::vector<pgwire::Oid> casts;  // per $n (index n-1): the type of `$n::type`, 0 if none
  // Per column of the first SELECT list: the type of a cast applied last to
  // the whole column (`$1::int4`, `count(*)::int4 AS n`), 0 if none. SQLite
  // would judge those columns by their value; PostgreSQL reports the cast.
  std::vector<pgwire::Oid> column_casts;
  // The name PostgreSQL gives such a column without an alias: the type's
  // ("SELECT 1::int4" is column "int4"); empty: SQLite's name stands.
  std::vector<std::string> column_names;
};

struct Cast {
  std::size_t at, last;  // token of "::" and the type's last token
  pgwire::Oid type;
};

// column_casts of `toks` (see Rewritten) from the casts found in them.
inline void select_list_casts(const std::vector<Token>& toks, const std::vector<Cast>& casts, Rewritten& out) {
  std::size_t i = 0;
  while (i < toks.size() && !is(toks[i], "select")) {
    if (is(toks[i], "(")) return;  // a WITH query or the like: leave it to SQLite
    ++i;
  }
  if (i == toks.size()) return;
  static constexpr std::string_view ends[] = {"from", "where", "group", "order", "limit", "union", "having",
                                              "window", "into", "except", "intersect", ";"};
  std::size_t start = ++i, depth = 0;
  auto finish = [&](std::size_t end) {  // the column is toks[start, end)
    pgwire::Oid type = 0;
    std::string name;
    for (const Cast& c : casts) {
      if (c.at < start || c.last >= end) continue;
      std::size_t rest = end - c.last - 1;  // nothing, "alias" or "AS alias" may follow
      bool alias = rest == 0 || (rest == 1 && toks[end - 1].kind != Kind::punct) ||
                   (rest == 2 && is(toks[c.last + 1], "as"));
      type = alias ? c.type : 0;
      name.clear();
      if (type != 0 && rest == 0) {
        pgwire::Oid named = pgwire::element_type_of(type) ? pgwire::element_type_of(type) : type;
        name = std::string(pgwire::type_name(named));
      }
    }
    out.column_casts.push_back(type);
    out.column_names.push_back(std::move(name));
  };
  for (; i < toks.size(); ++i) {
    if (is(toks[i], "(")) ++depth;
    if (is(toks[i], ")") && depth > 0) --depth;
    if (depth > 0) continue;
    if (is(toks[i], ",")) {
      finish(i);
      start = i + 1;
      continue;
    }
    bool end = false;
    for (auto e : ends) end = end || is(toks[i], e);
    if (end) break;
  }
  finish(i);
}

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

// Removes `::type` casts whose type is a built-in PostgreSQL type, and turns
// constant ARRAY[...] constructors into array literals.
inline Rewritten strip_casts(std::string_view sql) {
  auto toks = tokenize(sql);
  Rewritten out;
  std::vector<Cast> found;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    std::string literal;
    if (std::size_t last = array_literal(toks, i, literal)) {
      out.sql.append(sql.substr(copied, toks[i].offset - copied));
      out.sql.append(literal);
      copied = toks[last].end();
      i = last;
      continue;
    }
    if (!is(toks[i], "::") || i + 1 >= toks.size()) continue;
    // The longest run of up to four words that names a type ("double
    // precision", "timestamp with time zone"), then "(p,s)" and "[]".
    std::size_t first = i + 1, words = 0;
    pgwire::Oid type = 0;
    for (std::size_t k = 1; k <= 4 && first + k - 1 < toks.size(); ++k) {
      const Token& t = toks[first + k - 1];
      if (t.kind != Kind::word && !(k == 1 && t.kind == Kind::quoted_identifier)) break;
      auto span = sql.substr(toks[first].offset, t.end() - toks[first].offset);
      if (auto o = pgwire::type_from_sql_name(span)) {
        type = o;
        words = k;
      }
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
    std::size_t end = toks[last].end();
    type = pgwire::type_from_sql_name(sql.substr(toks[first].offset, end - toks[first].offset));
    if (type == 0) continue;
    found.push_back({i, last, type});
    if (i > 0 && toks[i - 1].kind == Kind::parameter) {
      auto n = static_cast<std::size_t>(param(toks[i - 1]));
      if (out.casts.size() < n) out.casts.resize(n, 0);
      out.casts[n - 1] = type;
    }
    out.sql.append(sql.substr(copied, toks[i].offset - copied));
    copied = end;
    i = last;
  }
  out.sql.append(sql.substr(copied));
  select_list_casts(toks, found, out);
  return out;
}

// Where a parameter's type can come from: a column (of one of `tables`),
// or a fixed type (LIMIT/OFFSET take int8).
struct ParamContext {
  std::string column;
  pgwire::Oid type = 0;
};

// A name as written; a quoted identifier without its quotes.
inline std::string unquote(const Token& t) {
  return t.kind == Kind::quoted_identifier ? t.value() : std::string(t.text);
}

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
              if (j == start + 1 && toks[start].kind == Kind::parameter) {
                if (listed && k < cols.size()) set(param(toks[start]), {cols[k], 0});
                if (!listed) {
                  auto n = static_cast<std::size_t>(param(toks[start]));
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
    if (i >= 2 && is_op(i - 1) && is_name(i - 2)) {  // col = $n
      set(param(toks[i]), {unquote(toks[i - 2]), 0});
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
