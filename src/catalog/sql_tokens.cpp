// The catalog layer's tokens and the structures read from them (sql_tokens.hpp).

#include "sql_tokens.hpp"

#include <algorithm>
#include <stdexcept>

#include "catalog_types.hpp"

namespace pgwire::catalog_detail {

namespace {

std::string sqlite_string(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

Tok word(std::string text) {
  Tok t{Kind::word, text, text};
  for (auto& c : t.low) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return t;
}
Tok punct(std::string text) { return Tok{Kind::punct, text, text}; }

Toks lex(std::string_view sql) {
  Toks out;
  for (const auto& t : tokenize(sql)) {
    if (!t.terminated) throw std::runtime_error("unterminated quoted string or identifier");
    switch (t.kind) {
      case Kind::string: {
        char first = t.text.empty() ? '\'' : t.text[0];
        if (first == '\'') {
          out.push_back({Kind::string, std::string(t.text), std::string(t.text)});
        } else if (first == 'x' || first == 'X') {
          out.push_back({Kind::string, std::string(t.text), std::string(t.text)});
        } else {  // E'', N'', $$..$$, B'': the value, quoted SQLite's way
          auto v = sqlite_string(t.value());
          out.push_back({Kind::string, v, v});
        }
        break;
      }
      case Kind::word: out.push_back({Kind::word, std::string(t.text), t.value()}); break;
      case Kind::quoted_identifier: out.push_back({Kind::quoted_identifier, std::string(t.text), t.value()}); break;
      default: out.push_back({t.kind, std::string(t.text), std::string(t.text)});
    }
  }
  while (!out.empty() && out.back().p(";")) out.pop_back();
  return out;
}

std::size_t match_forward(const Toks& t, std::size_t open) {
  std::string_view o = t[open].text, c = o == "(" ? ")" : "]";
  int depth = 0;
  for (std::size_t i = open; i < t.size(); ++i) {
    if (t[i].p(o)) ++depth;
    if (t[i].p(c) && --depth == 0) return i;
  }
  throw std::runtime_error("unbalanced " + std::string(o));
}

std::size_t match_backward(const Toks& t, std::size_t close) {
  std::string_view c = t[close].text, o = c == ")" ? "(" : "[";
  int depth = 0;
  for (std::size_t i = close + 1; i-- > 0;) {
    if (t[i].p(c)) ++depth;
    if (t[i].p(o) && --depth == 0) return i;
  }
  throw std::runtime_error("unbalanced " + std::string(c));
}

// A type name after "::": its OID (0 when unknown) and where it ends.
std::pair<Oid, std::size_t> read_type(const Toks& in, std::size_t i) {
  auto at = [&](std::size_t k) -> const Tok* { return k < in.size() ? &in[k] : nullptr; };
  if (at(i) && at(i)->is("pg_catalog") && at(i + 1) && at(i + 1)->p(".")) i += 2;
  if (at(i + 1) && at(i + 1)->p(".") && at(i + 2) && at(i + 2)->name()) i += 2;  // information_schema.sql_identifier
  if (!at(i) || !at(i)->name()) throw std::runtime_error("a cast without a type");
  // (a quoted name in lower case is the type's own: ::"regtype", as TypeORM writes it)
  bool folded = at(i)->kind != Kind::quoted_identifier ||
                std::none_of(at(i)->low.begin(), at(i)->low.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  std::string name = folded ? at(i)->low : "\"" + at(i)->low + "\"";
  std::size_t end = i + 1;
  auto next_is = [&](std::string_view w) { return at(end) && at(end)->is(w); };
  if (name == "double" && next_is("precision")) {
    name += " precision";
    ++end;
  } else if ((name == "character" || name == "char") && next_is("varying")) {
    name += " varying";
    ++end;
  }
  std::string modifier;
  if (at(end) && at(end)->p("(")) {
    std::size_t close = match_forward(in, end);
    modifier = "(1)";
    end = close + 1;
  }
  if ((name == "timestamp" || name == "time") && (next_is("with") || next_is("without"))) {
    name += next_is("with") ? " with time zone" : " without time zone";
    end += 3;
  }
  int dims = 0;
  while (at(end) && at(end)->p("[") && at(end + 1) && at(end + 1)->p("]")) {
    ++dims;
    end += 2;
  }
  Oid type = type_from_sql_name(name + modifier);
  if (type == 0) {
    const auto* t = find_catalog_type(name);
    type = t ? t->oid : 0;
  }
  if (type != 0 && dims > 0) {
    const auto* t = find_catalog_type(type);
    type = t && t->category != 'A' ? t->array : type;
  }
  return {type, end};
}

bool clause_end(const Tok& t) {
  for (auto w : {"where", "group", "order", "having", "limit", "union", "intersect", "except", "on", "using",
                 "window", "offset", "select", "returning"})
    if (t.is(w)) return true;
  return false;
}

bool alias_word(const Tok& t) {
  if (t.kind == Kind::quoted_identifier) return true;
  if (t.kind != Kind::word) return false;
  for (auto w : {"where", "join", "left", "right", "inner", "full", "cross", "on", "group", "order", "limit",
                 "union", "natural", "using", "window", "having", "offset", "intersect", "except", "lateral"})
    if (t.low == w) return false;
  return true;
}

void append(Toks& out, std::initializer_list<const char*> items) {
  for (const char* s : items) {
    char c = s[0];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
      out.push_back(word(s));
    else if (c >= '0' && c <= '9')
      out.push_back(Tok{Kind::number, s, s});
    else
      out.push_back(punct(s));
  }
}
void append(Toks& out, const Toks& more) { out.insert(out.end(), more.begin(), more.end()); }

Toks slice(const Toks& in, std::size_t from, std::size_t to) {
  return Toks(in.begin() + static_cast<std::ptrdiff_t>(from), in.begin() + static_cast<std::ptrdiff_t>(to));
}

bool starts_query(const Toks& t) { return !t.empty() && (t[0].is("select") || t[0].is("with") || t[0].is("values")); }


std::string render(const Toks& toks) {
  std::string out;
  for (const auto& t : toks) {
    if (!out.empty()) out += ' ';
    out += t.text;
  }
  return out;
}

// The items of the first top-level SELECT list of `q`.
std::vector<Toks> select_items(const Toks& q) {
  std::size_t i = 0;
  int depth = 0;
  while (i < q.size() && !(depth == 0 && q[i].is("select"))) {
    depth += q[i].p("(") ? 1 : q[i].p(")") ? -1 : 0;
    ++i;
  }
  std::vector<Toks> items;
  if (i == q.size()) return items;
  ++i;
  if (i < q.size() && q[i].is("all")) ++i;
  if (i < q.size() && q[i].is("distinct")) {
    ++i;
    if (i < q.size() && q[i].is("on") && i + 1 < q.size()) i = match_forward(q, i + 1) + 1;
  }
  Toks cur;
  depth = 0;
  for (; i < q.size(); ++i) {
    if (q[i].p("(") || q[i].p("[")) ++depth;
    if (q[i].p(")") || q[i].p("]")) --depth;
    if (depth < 0) break;
    if (depth == 0 && (q[i].is("from") || q[i].is("into") || clause_end(q[i]))) break;
    if (depth == 0 && q[i].p(",")) {
      items.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    cur.push_back(q[i]);
  }
  if (!cur.empty()) items.push_back(std::move(cur));
  return items;
}

bool bool_operator(const Tok& t) {
  if (t.kind == Kind::punct)
    for (auto o : {"=", "<>", "!=", "<", ">", "<=", ">=", "~", "!~", "~*", "!~*", "~~", "!~~"})
      if (t.text == o) return true;
  for (auto w : {"and", "or", "not", "is", "in", "like", "ilike", "between", "exists", "regexp", "similar"})
    if (t.is(w)) return true;
  return false;
}

Toks first_argument(const Toks& list) {
  Toks first;
  int depth = 0;
  for (const auto& t : list) {
    if (t.p("(")) ++depth;
    if (t.p(")")) --depth;
    if (depth == 0 && t.p(",")) break;
    first.push_back(t);
  }
  return first;
}

}  // namespace pgwire::catalog_detail
