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
// A tokenizer, not a parser: anything it does not recognise is left alone,
// and the parameter stays untyped (text), which is what it was before.

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/oid.hpp>

namespace sqlite_dialect {

struct Token {
  enum Kind { word, quoted, string, placeholder, number, punct } kind;
  std::size_t pos, len;
  int param = 0;  // $n

  std::string_view text(std::string_view sql) const { return sql.substr(pos, len); }
};

inline bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

inline std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  auto quoted_until = [&](std::size_t start, char q, bool backslash) {
    std::size_t j = start + 1;
    while (j < s.size()) {
      if (backslash && s[j] == '\\') {
        j += 2;
        continue;
      }
      if (s[j] == q) {
        if (j + 1 < s.size() && s[j + 1] == q) {  // '' inside a literal
          j += 2;
          continue;
        }
        return j + 1;
      }
      ++j;
    }
    return s.size();
  };
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      std::size_t end = s.find("*/", i + 2);
      i = end == std::string_view::npos ? s.size() : end + 2;
    } else if (c == '\'') {
      std::size_t end = quoted_until(i, '\'', false);
      out.push_back({Token::string, i, end - i});
      i = end;
    } else if ((c == 'e' || c == 'E') && i + 1 < s.size() && s[i + 1] == '\'') {
      std::size_t end = quoted_until(i + 1, '\'', true);
      out.push_back({Token::string, i, end - i});
      i = end;
    } else if (c == '"') {
      std::size_t end = quoted_until(i, '"', false);
      out.push_back({Token::quoted, i, end - i});
      i = end;
    } else if (c == '$' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      std::size_t j = i + 1;
      int n = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) && n < 100000)
        n = n * 10 + (s[j++] - '0');
      out.push_back({Token::placeholder, i, j - i, n});
      i = j;
    } else if (c == '$') {  // $tag$ ... $tag$
      std::size_t close = s.find('$', i + 1);
      std::string_view tag = close == std::string_view::npos ? s.substr(i, 1) : s.substr(i, close - i + 1);
      std::size_t end = close == std::string_view::npos ? std::string_view::npos : s.find(tag, close + 1);
      end = end == std::string_view::npos ? s.size() : end + tag.size();
      out.push_back({Token::string, i, end - i});
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      std::size_t j = i;
      while (j < s.size() && (is_word_char(s[j]) || s[j] == '.')) ++j;
      out.push_back({Token::number, i, j - i});
      i = j;
    } else if (is_word_char(c)) {
      std::size_t j = i;
      while (j < s.size() && is_word_char(s[j])) ++j;
      out.push_back({Token::word, i, j - i});
      i = j;
    } else {
      static constexpr std::string_view two[] = {"::", "<>", "!=", "<=", ">=", "||"};
      std::size_t len = 1;
      for (auto op : two)
        if (s.substr(i, 2) == op) len = 2;
      out.push_back({Token::punct, i, len});
      i += len;
    }
  }
  return out;
}

inline bool is(const Token& t, std::string_view sql, std::string_view text) {
  if (t.kind != Token::word && t.kind != Token::punct) return false;
  auto w = t.text(sql);
  if (w.size() != text.size()) return false;
  for (std::size_t i = 0; i < w.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(w[i])) != text[i]) return false;
  return true;
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
inline void select_list_casts(std::string_view sql, const std::vector<Token>& toks, const std::vector<Cast>& casts,
                              Rewritten& out) {
  std::size_t i = 0;
  while (i < toks.size() && !is(toks[i], sql, "select")) {
    if (is(toks[i], sql, "(")) return;  // a WITH query or the like: leave it to SQLite
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
      bool alias = rest == 0 || (rest == 1 && toks[end - 1].kind != Token::punct) ||
                   (rest == 2 && is(toks[c.last + 1], sql, "as"));
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
    if (is(toks[i], sql, "(")) ++depth;
    if (is(toks[i], sql, ")") && depth > 0) --depth;
    if (depth > 0) continue;
    if (is(toks[i], sql, ",")) {
      finish(i);
      start = i + 1;
      continue;
    }
    bool end = false;
    for (auto e : ends) end = end || is(toks[i], sql, e);
    if (end) break;
  }
  finish(i);
}

// The value of a string literal token ('it''s', E'a\\b').
inline std::string literal_value(std::string_view sql, const Token& t) {
  std::string_view w = t.text(sql);
  bool escapes = w[0] == 'e' || w[0] == 'E';
  if (escapes) w.remove_prefix(1);
  std::string out;
  for (std::size_t i = 1; i + 1 < w.size(); ++i) {
    if (w[i] == '\'' && w[i + 1] == '\'') ++i;
    else if (escapes && w[i] == '\\' && i + 2 < w.size()) ++i;
    out.push_back(w[i]);
  }
  return out;
}

// ARRAY[1, NULL, -3] or ARRAY['a', NULL] of constants (what psycopg2 sends
// for a list) -> the array's text form as a string literal, '{1,NULL,-3}'.
// Returns the index of the closing ']' or 0 when it is not such a constructor.
inline std::size_t array_literal(std::string_view sql, const std::vector<Token>& toks, std::size_t i,
                                 std::string& literal) {
  if (!is(toks[i], sql, "array") || i + 1 >= toks.size() || !is(toks[i + 1], sql, "[")) return 0;
  std::string body = "{";
  std::size_t j = i + 2;
  for (bool first = true;; first = false) {
    if (j >= toks.size()) return 0;
    if (first && is(toks[j], sql, "]")) break;
    if (!first) body.push_back(',');
    bool minus = is(toks[j], sql, "-");
    if (minus) ++j;
    if (j >= toks.size()) return 0;
    const Token& e = toks[j];
    if (e.kind == Token::number) {
      body += (minus ? "-" : "") + std::string(e.text(sql));
    } else if (!minus && is(e, sql, "null")) {
      body += "NULL";
    } else if (!minus && e.kind == Token::string && e.text(sql)[0] != '$') {
      body.push_back('"');
      for (char c : literal_value(sql, e)) {
        if (c == '"' || c == '\\') body.push_back('\\');
        body.push_back(c);
      }
      body.push_back('"');
    } else {
      return 0;
    }
    ++j;
    if (j < toks.size() && is(toks[j], sql, "]")) break;
    if (j >= toks.size() || !is(toks[j], sql, ",")) return 0;
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
    if (std::size_t last = array_literal(sql, toks, i, literal)) {
      out.sql.append(sql.substr(copied, toks[i].pos - copied));
      out.sql.append(literal);
      copied = toks[last].pos + toks[last].len;
      i = last;
      continue;
    }
    if (!is(toks[i], sql, "::") || i + 1 >= toks.size()) continue;
    // The longest run of up to four words that names a type ("double
    // precision", "timestamp with time zone"), then "(p,s)" and "[]".
    std::size_t first = i + 1, words = 0;
    pgwire::Oid type = 0;
    for (std::size_t k = 1; k <= 4 && first + k - 1 < toks.size(); ++k) {
      const Token& t = toks[first + k - 1];
      if (t.kind != Token::word && !(k == 1 && t.kind == Token::quoted)) break;
      auto span = sql.substr(toks[first].pos, t.pos + t.len - toks[first].pos);
      if (auto o = pgwire::type_from_sql_name(span)) {
        type = o;
        words = k;
      }
    }
    if (type == 0) continue;
    std::size_t last = first + words - 1;
    auto next_is = [&](std::string_view p) { return last + 1 < toks.size() && is(toks[last + 1], sql, p); };
    if (next_is("(")) {
      std::size_t j = last + 1;
      while (j < toks.size() && !is(toks[j], sql, ")")) ++j;
      if (j == toks.size()) continue;
      last = j;
    }
    while (next_is("[")) {
      std::size_t j = last + 2;
      if (j < toks.size() && toks[j].kind == Token::number) ++j;
      if (j >= toks.size() || !is(toks[j], sql, "]")) break;
      last = j;
    }
    std::size_t end = toks[last].pos + toks[last].len;
    type = pgwire::type_from_sql_name(sql.substr(toks[first].pos, end - toks[first].pos));
    if (type == 0) continue;
    found.push_back({i, last, type});
    if (i > 0 && toks[i - 1].kind == Token::placeholder) {
      auto n = static_cast<std::size_t>(toks[i - 1].param);
      if (out.casts.size() < n) out.casts.resize(n, 0);
      out.casts[n - 1] = type;
    }
    out.sql.append(sql.substr(copied, toks[i].pos - copied));
    copied = end;
    i = last;
  }
  out.sql.append(sql.substr(copied));
  select_list_casts(sql, toks, found, out);
  return out;
}

// Where a parameter's type can come from: a column (of one of `tables`),
// or a fixed type (LIMIT/OFFSET take int8).
struct ParamContext {
  std::string column;
  pgwire::Oid type = 0;
};

inline std::string unquote(std::string_view sql, const Token& t) {
  std::string_view w = t.text(sql);
  if (t.kind != Token::quoted) return std::string(w);
  std::string out;
  for (std::size_t i = 1; i + 1 < w.size(); ++i) {
    out.push_back(w[i]);
    if (w[i] == '"') ++i;
  }
  return out;
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
    return i < toks.size() && (toks[i].kind == Token::word || toks[i].kind == Token::quoted);
  };
  // A possibly qualified name starting at i: returns the last part, moves i past it.
  auto name_at = [&](std::size_t& i) {
    std::string last = unquote(sql, toks[i]);
    while (i + 2 < toks.size() && is(toks[i + 1], sql, ".") && is_name(i + 2)) {
      i += 2;
      last = unquote(sql, toks[i]);
    }
    ++i;
    return last;
  };
  for (std::size_t i = 0; i < toks.size(); ++i) {
    for (auto kw : {"from", "join", "update", "into"}) {
      if (is(toks[i], sql, kw) && is_name(i + 1)) {
        std::size_t j = i + 1;
        std::string table = name_at(j);
        inf.tables.push_back(table);
        if (std::string_view(kw) != "into") continue;
        // INSERT INTO t [(c1, c2, ...)] VALUES (e1, e2, ...)[, (...)]
        std::vector<std::string> cols;
        bool listed = j < toks.size() && is(toks[j], sql, "(");
        if (listed) {
          for (++j; j < toks.size() && !is(toks[j], sql, ")"); ++j)
            if (is_name(j)) cols.push_back(unquote(sql, toks[j]));
          ++j;
        }
        if (j >= toks.size() || !is(toks[j], sql, "values")) continue;
        for (++j; j < toks.size() && is(toks[j], sql, "("); ++j) {
          std::size_t k = 0, depth = 0, start = j + 1;
          for (++j; j < toks.size(); ++j) {
            bool close = is(toks[j], sql, ")"), comma = is(toks[j], sql, ",");
            if (depth == 0 && (close || comma)) {
              if (j == start + 1 && toks[start].kind == Token::placeholder) {
                if (listed && k < cols.size()) set(toks[start].param, {cols[k], 0});
                if (!listed) {
                  auto n = static_cast<std::size_t>(toks[start].param);
                  if (inf.positional.size() < n) inf.positional.resize(n, 0);
                  inf.positional[n - 1] = k + 1;
                }
              }
              ++k;
              start = j + 1;
              if (close) break;
            } else if (is(toks[j], sql, "(")) {
              ++depth;
            } else if (close) {
              --depth;
            }
          }
          if (j + 1 >= toks.size() || !is(toks[j + 1], sql, ",")) break;
          ++j;
        }
      }
    }
    if (toks[i].kind != Token::placeholder) continue;
    static constexpr std::string_view ops[] = {"=", "<>", "!=", "<", ">", "<=", ">="};
    auto is_op = [&](std::size_t k) {
      for (auto op : ops)
        if (k < toks.size() && is(toks[k], sql, op)) return true;
      return false;
    };
    if (i >= 2 && is_op(i - 1) && is_name(i - 2)) {  // col = $n
      set(toks[i].param, {unquote(sql, toks[i - 2]), 0});
    } else if (is_op(i + 1) && is_name(i + 2)) {  // $n = col (or t.col)
      std::size_t j = i + 2;
      set(toks[i].param, {name_at(j), 0});
    } else if (i >= 1 && (is(toks[i - 1], sql, "limit") || is(toks[i - 1], sql, "offset"))) {
      set(toks[i].param, {"", pgwire::oid::int8});
    }
  }
  return inf;
}

}  // namespace sqlite_dialect
