// PostgreSQL catalog SQL -> SQLite (pg_to_sqlite.hpp). Works on the
// library's tokens (sql_text.hpp): a flat pass for the token-level
// spellings, then a pass over parenthesised groups for the structures
// (casts need their operand, ANY/ARRAY their group).

#include "pg_to_sqlite.hpp"

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "catalog_types.hpp"
#include "pgwire/protocol/sql_text.hpp"
#include "relations.hpp"

namespace pgwire::catalog_detail {

namespace {

using Kind = SqlToken::Kind;

struct Tok {
  Kind kind = Kind::punct;
  std::string text;  // as SQLite reads it
  std::string low;   // words: lower case; others: text

  bool is(std::string_view keyword) const { return kind == Kind::word && low == keyword; }
  bool p(std::string_view punct) const { return kind == Kind::punct && text == punct; }
  bool name() const { return kind == Kind::word || kind == Kind::quoted_identifier; }
};
using Toks = std::vector<Tok>;

Tok word(std::string text) {
  Tok t{Kind::word, text, text};
  for (auto& c : t.low) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return t;
}
Tok punct(std::string text) { return Tok{Kind::punct, text, text}; }

std::string sqlite_string(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

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

// Words SQLite does not take as a column alias.
bool sqlite_reserved(std::string_view w) {
  static const std::set<std::string_view> s{
      "default", "check", "table", "index", "order", "group", "where", "select", "from", "values", "limit",
      "having", "union", "primary", "references", "foreign", "unique", "constraint", "collate", "using",
      "natural", "join", "on", "offset", "to", "into", "transaction", "exists", "not", "null", "is", "in",
      "case", "when", "then", "else", "end", "all", "distinct", "and", "or", "between", "like", "glob",
      "regexp", "escape", "cast", "create", "drop", "delete", "insert", "update", "set", "returning",
      "nothing", "do", "raise", "deferrable", "autoincrement", "except", "intersect", "left", "right",
      "full", "inner", "outer", "cross", "add", "alter", "commit", "rollback", "begin", "temp", "temporary"};
  return s.count(w) > 0;
}

// The token-level spellings.
Toks flat_pass(const Toks& in) {
  Toks out;
  auto at = [&](std::size_t i) -> const Tok* { return i < in.size() ? &in[i] : nullptr; };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Tok& t = in[i];
    // OPERATOR(pg_catalog.~) -> ~
    if (t.is("operator") && at(i + 1) && at(i + 1)->p("(")) {
      std::size_t j = i + 2;
      if (at(j + 1) && at(j + 1)->p(".")) j += 2;
      if (at(j) && at(j + 1) && at(j + 1)->p(")")) {
        Toks op{in[j]};
        auto rest = flat_pass(op);
        out.insert(out.end(), rest.begin(), rest.end());
        i = j + 1;
        continue;
      }
    }
    if (t.is("collate") && at(i + 1) && at(i + 1)->name()) {  // COLLATE "C" / pg_catalog.default
      i += 1;
      if (at(i + 1) && at(i + 1)->p(".") && at(i + 2)) i += 2;
      continue;
    }
    if (t.is("pg_catalog") && at(i + 1) && at(i + 1)->p(".") && at(i + 2) && at(i + 2)->name()) {
      ++i;
      continue;
    }
    if (t.is("is") && at(i + 1)) {
      bool negated = at(i + 1)->is("not");
      std::size_t j = negated ? i + 2 : i + 1;
      if (at(j) && at(j)->is("distinct") && at(j + 1) && at(j + 1)->is("from")) {
        out.push_back(word("IS"));
        if (!negated) out.push_back(word("NOT"));
        i = j + 1;
        continue;
      }
    }
    bool called = at(i + 1) && at(i + 1)->p("(");
    bool qualified = !out.empty() && out.back().p(".");
    if (t.kind == Kind::word && !called && !qualified &&
        (t.low == "current_user" || t.low == "session_user" || t.low == "current_role")) {
      for (auto s : {"pgw_current_user", "(", ")"}) out.push_back(s[0] == 'p' ? word(s) : punct(s));
      continue;
    }
    if (t.kind == Kind::word && !called && !qualified && (t.low == "current_catalog" || t.low == "current_schema")) {
      out.push_back(word(t.low == "current_catalog" ? "current_database" : "current_schema"));
      out.push_back(punct("("));
      out.push_back(punct(")"));
      continue;
    }
    // An alias PostgreSQL accepts after AS that SQLite reserves ("AS DEFAULT",
    // SQLAlchemy): quoted, in the case PostgreSQL folds it to.
    if (t.kind == Kind::word && !out.empty() && out.back().is("as") && sqlite_reserved(t.low)) {
      out.push_back(Tok{Kind::quoted_identifier, "\"" + t.low + "\"", t.low});
      continue;
    }
    if (t.is("json_build_object") && called) {
      out.push_back(word("json_object"));
      continue;
    }
    if (t.is("ilike")) {
      out.push_back(word("LIKE"));
      continue;
    }
    if (t.kind == Kind::punct) {
      const std::string& o = t.text;
      if (o == "~~" || o == "~~*") {
        out.push_back(word("LIKE"));
        continue;
      }
      if (o == "!~~" || o == "!~~*") {
        out.push_back(word("NOT"));
        out.push_back(word("LIKE"));
        continue;
      }
      if (o == "~" || o == "!~" || o == "~*" || o == "!~*") {
        if (o[0] == '!') out.push_back(word("NOT"));
        out.push_back(word("REGEXP"));
        if (o.back() == '*') {  // case-insensitive: regexp() reads a leading \x01
          for (auto s : {"char", "(", "1", ")", "||"})
            out.push_back(s[0] == 'c' ? word(s) : s[0] == '1' ? Tok{Kind::number, "1", "1"} : punct(s));
        }
        continue;
      }
    }
    out.push_back(t);
  }
  // A boolean column compared with a string ("indisprimary = 'f'"):
  // PostgreSQL reads the string as a boolean; SQLite holds 0/1.
  for (std::size_t i = 0; i + 2 < out.size(); ++i) {
    bool comparison = out[i + 1].p("=") || out[i + 1].p("<>") || out[i + 1].p("!=");
    if (!comparison) continue;
    Tok* literal = nullptr;
    if (out[i].name() && out[i + 2].kind == Kind::string && catalog_column_type(out[i].low) == oid::bool_)
      literal = &out[i + 2];
    if (out[i + 2].name() && out[i].kind == Kind::string && catalog_column_type(out[i + 2].low) == oid::bool_ &&
        !(i + 3 < out.size() && out[i + 3].p(".")))
      literal = &out[i];
    if (literal == nullptr) continue;
    std::string v = literal->text.size() >= 2 ? literal->text.substr(1, literal->text.size() - 2) : "";
    for (auto& ch : v) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (v == "t" || v == "true" || v == "y" || v == "yes" || v == "on" || v == "1") *literal = Tok{Kind::number, "1", "1"};
    if (v == "f" || v == "false" || v == "n" || v == "no" || v == "off" || v == "0") *literal = Tok{Kind::number, "0", "0"};
  }
  // PostgreSQL's LIKE escapes with a backslash by default; SQLite's only
  // with an ESCAPE clause (psql's completion queries send 'books\_%').
  Toks escaped;
  for (std::size_t i = 0; i < out.size(); ++i) {
    escaped.push_back(out[i]);
    if (out[i].is("like") && i + 1 < out.size() && out[i + 1].kind == Kind::string &&
        !(i + 2 < out.size() && out[i + 2].is("escape"))) {
      escaped.push_back(out[++i]);
      escaped.push_back(word("ESCAPE"));
      escaped.push_back(Tok{Kind::string, "'\\'", "'\\'"});
    }
  }
  return escaped;
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

const std::set<std::string, std::less<>>& not_functions() {
  static const std::set<std::string, std::less<>> s{
      "and", "or", "not", "in", "exists", "select", "where", "when", "then", "else", "case", "on", "is", "like",
      "regexp", "values", "from", "any", "all", "some", "between", "as", "using", "join", "by", "over", "filter",
      "union", "intersect", "except", "having", "limit", "offset", "with", "distinct", "return"};
  return s;
}

// Where the operand ending at out.back() begins (a cast's or subscript's).
std::size_t operand_start(const Toks& out) {
  if (out.empty()) throw std::runtime_error("a cast without an operand");
  std::size_t j = out.size() - 1;
  auto chain = [&](std::size_t k) {
    while (k >= 2 && out[k - 1].p(".") && out[k - 2].name()) k -= 2;
    return k;
  };
  if (out[j].p(")") || out[j].p("]")) {
    std::size_t k = match_backward(out, j);
    if (k > 0 && out[k - 1].name() && !(out[k - 1].kind == Kind::word && not_functions().count(out[k - 1].low)))
      return chain(k - 1);
    return k;
  }
  if (out[j].is("end")) {
    int depth = 0;
    for (std::size_t k = j + 1; k-- > 0;) {
      if (out[k].is("end")) ++depth;
      if (out[k].is("case") && --depth == 0) return k;
    }
  }
  if (out[j].name()) return chain(j);
  return j;
}

// A type name after "::": its OID (0 when unknown) and where it ends.
std::pair<Oid, std::size_t> read_type(const Toks& in, std::size_t i) {
  auto at = [&](std::size_t k) -> const Tok* { return k < in.size() ? &in[k] : nullptr; };
  if (at(i) && at(i)->is("pg_catalog") && at(i + 1) && at(i + 1)->p(".")) i += 2;
  if (at(i + 1) && at(i + 1)->p(".") && at(i + 2) && at(i + 2)->name()) i += 2;  // information_schema.sql_identifier
  if (!at(i) || !at(i)->name()) throw std::runtime_error("a cast without a type");
  std::string name = at(i)->kind == Kind::quoted_identifier ? "\"" + at(i)->low + "\"" : at(i)->low;
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

Toks structural_pass(const Toks& in);

// The set-returning functions evaluated in FROM (functions.cpp registers
// pgw_srf_<name> for each, returning the rows as a JSON array).
bool set_returning(std::string_view f) {
  return f == "generate_series" || f == "unnest" || f == "pg_partition_ancestors" || f == "pg_get_keywords";
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

// ARRAY(SELECT e ...): names the first result column so that the
// aggregate over the subquery can refer to it.
std::string name_first_column(Toks& q) {
  std::size_t i = 0;
  int depth = 0;
  while (i < q.size() && !(depth == 0 && q[i].is("select"))) {
    depth += q[i].p("(") ? 1 : q[i].p(")") ? -1 : 0;
    ++i;
  }
  if (i == q.size()) throw std::runtime_error("ARRAY() without SELECT");
  ++i;
  if (i < q.size() && (q[i].is("distinct") || q[i].is("all"))) ++i;
  std::size_t end = i;
  depth = 0;
  for (; end < q.size(); ++end) {
    if (q[end].p("(")) ++depth;
    if (q[end].p(")")) --depth;
    if (depth == 0 && (q[end].p(",") || q[end].is("from") || clause_end(q[end]))) break;
  }
  if (end >= 2 && q[end - 2].is("as")) return q[end - 1].text;
  q.insert(q.begin() + static_cast<std::ptrdiff_t>(end), {word("AS"), word("pgw_e")});
  return "pgw_e";
}

bool starts_query(const Toks& t) { return !t.empty() && (t[0].is("select") || t[0].is("with") || t[0].is("values")); }

// alias -> relation for the catalog relations a query names ("pg_class c").
std::map<std::string, Oid> relation_aliases(const Toks& t) {
  std::map<std::string, Oid> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind != Kind::word) continue;
    auto o = relation_oid(t[i].low);
    if (!o || (i + 1 < t.size() && t[i + 1].p("("))) continue;
    out[t[i].low] = *o;
    std::size_t k = i + 1;
    if (k < t.size() && t[k].is("as")) ++k;
    if (k < t.size() && alias_word(t[k]) && !clause_end(t[k])) out[t[k].low] = *o;
  }
  return out;
}

// X.tableoid -> the OID of the relation X names (SQLite has no system columns).
Toks system_columns(const Toks& in) {
  auto aliases = relation_aliases(in);
  Toks out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i + 2 < in.size() && in[i].name() && in[i + 1].p(".") && in[i + 2].is("tableoid")) {
      auto it = aliases.find(in[i].low);
      if (it != aliases.end()) {
        auto n = std::to_string(it->second);
        out.push_back(Tok{Kind::number, n, n});
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

// information_schema._pg_expandarray(a) in a select list (pgjdbc's keys and
// index columns): a set-returning function of (x, n) rows. Evaluated as a
// join with the array's elements, appended to the FROM clause of the same
// SELECT: (_pg_expandarray(a)).n -> its position, .x and the bare call -> the
// element. (A row of it is then its x: (keys).x -> keys.)
Toks expand_arrays(const Toks& in) {
  auto at = [&](std::size_t k) -> const Tok* { return k < in.size() ? &in[k] : nullptr; };
  auto call_at = [&](std::size_t k) {
    return at(k + 3) && in[k].is("information_schema") && in[k + 1].p(".") && in[k + 2].is("_pg_expandarray") &&
           in[k + 3].p("(");
  };
  Toks out;
  std::vector<std::pair<std::string, Toks>> joins;  // rendered args -> args
  auto alias_for = [&](const Toks& args) {
    std::string key;
    for (const auto& t : args) key += t.text + " ";
    for (std::size_t j = 0; j < joins.size(); ++j)
      if (joins[j].first == key) return "pgw_x" + std::to_string(j);
    joins.emplace_back(key, args);
    return "pgw_x" + std::to_string(joins.size() - 1);
  };
  int depth = 0;
  std::size_t from_end = std::string::npos;  // where the depth-0 FROM clause ends in `out`
  bool in_from = false, seen_select = false;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (depth == 0 && in[i].p("(") && call_at(i + 1)) {
      std::size_t open = i + 4, close = match_forward(in, open);
      if (at(close + 3) && in[close + 1].p(")") && in[close + 2].p(".")) {
        std::string alias = alias_for(slice(in, open + 1, close));
        if (in[close + 3].is("n")) {
          append(out, {"("});
          out.push_back(word(alias));
          append(out, {".", "key", "+", "1", ")"});
        } else {
          out.push_back(word(alias));
          append(out, {".", "value"});
        }
        i = close + 3;
        continue;
      }
    }
    // unnest(a) and generate_subscripts(a, 1) in a select list (SQLAlchemy's
    // index columns): the elements and their subscripts, side by side.
    if (depth == 0 && seen_select && !in_from && at(i + 1) && in[i + 1].p("(") &&
        (in[i].is("unnest") || in[i].is("generate_subscripts"))) {
      std::size_t open = i + 1, close = match_forward(in, open);
      Toks args = slice(in, open + 1, close);
      Toks array = args;
      int d = 0;
      for (std::size_t k = 0; k < args.size(); ++k) {
        d += args[k].p("(") ? 1 : args[k].p(")") ? -1 : 0;
        if (d == 0 && args[k].p(",")) {
          array = slice(args, 0, k);
          break;
        }
      }
      std::string alias = alias_for(array);
      if (in[i].is("unnest")) {
        out.push_back(word(alias));
        append(out, {".", "value"});
      } else {
        append(out, {"("});
        out.push_back(word(alias));
        append(out, {".", "key", "+", "array_lower", "("});
        append(out, array);
        append(out, {",", "1", ")", ")"});
      }
      i = close;
      continue;
    }
    if (depth == 0 && call_at(i)) {
      std::size_t open = i + 3, close = match_forward(in, open);
      out.push_back(word(alias_for(slice(in, open + 1, close))));
      append(out, {".", "value"});
      i = close;
      continue;
    }
    // (a.b).x -> a.b
    if (in[i].p("(") && at(i + 6) && in[i + 1].name() && in[i + 2].p(".") && in[i + 3].name() &&
        in[i + 4].p(")") && in[i + 5].p(".") && in[i + 6].is("x")) {
      out.push_back(in[i + 1]);
      out.push_back(in[i + 2]);
      out.push_back(in[i + 3]);
      i += 6;
      continue;
    }
    if (in[i].p("(")) ++depth;
    if (in[i].p(")")) --depth;
    if (depth == 0 && in[i].is("select")) seen_select = true;
    if (depth == 0 && in[i].is("from")) in_from = true;
    if (depth == 0 && in_from && clause_end(in[i]) && !in[i].is("on") && !in[i].is("using")) {
      in_from = false;
      if (from_end == std::string::npos) from_end = out.size();
    }
    out.push_back(in[i]);
  }
  if (joins.empty()) return out;
  if (from_end == std::string::npos) from_end = out.size();
  Toks extra;
  for (std::size_t j = 0; j < joins.size(); ++j) {
    append(extra, {"JOIN", "json_each", "(", "pgw_array_json", "("});
    append(extra, joins[j].second);
    append(extra, {")", ")", "AS"});
    extra.push_back(word("pgw_x" + std::to_string(j)));
  }
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(from_end), extra.begin(), extra.end());
  return out;
}

Toks structural_pass(const Toks& raw) {
  Toks in = expand_arrays(raw);
  Toks out;
  bool in_from = false;
  auto at = [&](std::size_t k) -> const Tok* { return k < in.size() ? &in[k] : nullptr; };
  for (std::size_t i = 0; i < in.size(); ++i) {
    const Tok& t = in[i];
    if (t.p("::")) {
      auto [type, end] = read_type(in, i + 1);
      const auto* info = find_catalog_type(type);
      std::string fn = "pgw_to_" + std::string(info ? info->name : "text");
      std::size_t start = operand_start(out);
      Toks operand = slice(out, start, out.size());
      out.resize(start);
      out.push_back(word(fn));
      out.push_back(punct("("));
      append(out, operand);
      out.push_back(punct(")"));
      i = end - 1;
      continue;
    }
    if (t.is("array") && at(i + 1) && at(i + 1)->p("[")) {
      std::size_t close = match_forward(in, i + 1);
      append(out, {"pgw_array", "("});
      append(out, structural_pass(slice(in, i + 2, close)));
      append(out, {")"});
      i = close;
      continue;
    }
    if (t.is("array") && at(i + 1) && at(i + 1)->p("(")) {
      std::size_t close = match_forward(in, i + 1);
      Toks inner = structural_pass(slice(in, i + 2, close));
      std::string column = name_first_column(inner);
      append(out, {"(", "SELECT", "pgw_array_agg", "("});
      out.push_back(word(column));
      append(out, {")", "FROM", "("});
      append(out, inner);
      append(out, {")", ")"});
      i = close;
      continue;
    }
    if ((t.p("=") || t.p("<>") || t.p("!=")) && at(i + 1) &&
        (at(i + 1)->is("any") || at(i + 1)->is("some") || at(i + 1)->is("all")) && at(i + 2) && at(i + 2)->p("(")) {
      bool negated = !t.p("=");
      if (negated != at(i + 1)->is("all")) throw std::runtime_error("unsupported ANY/ALL comparison");
      std::size_t close = match_forward(in, i + 2);
      Toks inner = structural_pass(slice(in, i + 3, close));
      if (negated) append(out, {"NOT"});
      append(out, {"IN", "("});
      if (starts_query(inner)) {
        append(out, inner);
      } else {
        append(out, {"SELECT", "value", "FROM", "json_each", "(", "pgw_array_json", "("});
        append(out, inner);
        append(out, {")", ")"});
      }
      append(out, {")"});
      i = close;
      continue;
    }
    if (t.p("[")) {
      std::size_t close = match_forward(in, i);
      Toks inner = structural_pass(slice(in, i + 1, close));
      std::size_t start = operand_start(out);
      Toks operand = slice(out, start, out.size());
      out.resize(start);
      append(out, {"pgw_array_get", "("});
      append(out, operand);
      append(out, {","});
      append(out, inner);
      append(out, {")"});
      i = close;
      continue;
    }
    if (t.is("trim") && at(i + 1) && at(i + 1)->p("(")) {
      // trim([leading | trailing | both] [chars] FROM x) -> ltrim / rtrim / trim(x, chars)
      std::size_t close = match_forward(in, i + 1);
      Toks inner = slice(in, i + 2, close);
      std::size_t from = inner.size();
      int depth = 0;
      for (std::size_t k = 0; k < inner.size(); ++k) {
        depth += inner[k].p("(") ? 1 : inner[k].p(")") ? -1 : 0;
        if (depth == 0 && inner[k].is("from")) {
          from = k;
          break;
        }
      }
      if (from < inner.size()) {
        std::size_t k = 0;
        std::string fn = "trim";
        if (inner[0].is("leading") || inner[0].is("trailing") || inner[0].is("both")) {
          fn = inner[0].is("leading") ? "ltrim" : inner[0].is("trailing") ? "rtrim" : "trim";
          k = 1;
        }
        Toks chars = structural_pass(slice(inner, k, from));
        if (chars.empty()) chars.push_back(Tok{Kind::string, "' '", "' '"});
        out.push_back(word(fn));
        append(out, {"("});
        append(out, structural_pass(slice(inner, from + 1, inner.size())));
        append(out, {","});
        append(out, chars);
        append(out, {")"});
        i = close;
        continue;
      }
    }
    if (t.is("from") || t.is("join")) {
      in_from = true;
      out.push_back(t);
      continue;
    }
    if (clause_end(t)) in_from = false;
    if (in_from && t.kind == Kind::word && set_returning(t.low) && at(i + 1) && at(i + 1)->p("(") && !out.empty() &&
        (out.back().is("from") || out.back().is("join") || out.back().p(",")) && !t.is("lateral")) {
      // A set-returning function in FROM: rows of a JSON array.
      std::size_t close = match_forward(in, i + 1);
      Toks args = structural_pass(slice(in, i + 2, close));
      std::size_t k = close + 1;
      bool ordinality = false;
      if (at(k) && at(k)->is("with") && at(k + 1) && at(k + 1)->is("ordinality")) {
        ordinality = true;
        k += 2;
      }
      if (at(k) && at(k)->is("as")) ++k;
      std::string alias = t.low;
      if (at(k) && alias_word(*at(k))) alias = in[k++].text;
      std::vector<std::string> columns;
      if (at(k) && at(k)->p("(")) {
        std::size_t c = match_forward(in, k);
        for (std::size_t m = k + 1; m < c; ++m)
          if (in[m].name()) columns.push_back(in[m].text);
        k = c + 1;
      }
      if (columns.empty()) columns.push_back(alias);
      append(out, {"(", "SELECT", "value", "AS"});
      out.push_back(word(columns[0]));
      if (ordinality && columns.size() > 1) {
        append(out, {",", "key", "+", "1", "AS"});
        out.push_back(word(columns[1]));
      }
      append(out, {"FROM", "json_each", "("});
      out.push_back(word("pgw_srf_" + t.low));
      append(out, {"("});
      append(out, args);
      append(out, {")", ")", ")"});
      out.push_back(word(alias));
      i = k - 1;
      continue;
    }
    if (t.p("(")) {
      std::size_t close = match_forward(in, i);
      out.push_back(t);
      append(out, structural_pass(slice(in, i + 1, close)));
      out.push_back(in[close]);
      i = close;
      continue;
    }
    out.push_back(t);
  }
  return out;
}

std::string render(const Toks& toks) {
  std::string out;
  for (const auto& t : toks) {
    if (!out.empty()) out += ' ';
    out += t.text;
  }
  return out;
}

// ---- result columns, from the PostgreSQL text ----

struct Typed {
  std::string name = "?column?";
  Oid type = oid::text;
};

Oid function_type(std::string_view f, const Toks& args, const std::vector<Oid>& params);
Typed infer(const Toks& e, const std::vector<Oid>& params);

// The result columns of the subqueries of the statement being translated,
// by name (translate() sets it).
thread_local const std::map<std::string, Oid>* derived_columns = nullptr;

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

Typed infer(const Toks& e, const std::vector<Oid>& params) {
  Typed r;
  if (e.empty()) return r;
  // Whole in parentheses: a scalar subquery or a grouped expression.
  if (e.front().p("(") && match_forward(e, 0) == e.size() - 1) {
    Toks inner = slice(e, 1, e.size() - 1);
    if (starts_query(inner)) {
      auto items = select_items(inner);
      if (items.empty()) return r;
      Typed first;
      auto& it = items[0];
      if (it.size() >= 2 && it[it.size() - 2].is("as")) {
        first = infer(slice(it, 0, it.size() - 2), params);
        first.name = it.back().low;
      } else {
        first = infer(it, params);
      }
      return first;
    }
    Typed g = infer(inner, params);
    return g;
  }
  // Top-level shape.
  int depth = 0, case_depth = 0;
  bool boolean = false, concat = false;
  std::size_t last_cast = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (e[i].p("(") || e[i].p("[")) ++depth;
    if (e[i].p(")") || e[i].p("]")) --depth;
    if (depth != 0) continue;
    if (e[i].is("case")) ++case_depth;
    if (e[i].is("end")) --case_depth;
    if (case_depth != 0) continue;
    if (bool_operator(e[i])) boolean = true;
    if (e[i].p("||")) concat = true;
    if (e[i].p("::")) last_cast = i;
  }
  if (boolean) {
    if (e.front().is("exists")) r.name = "exists";
    r.type = oid::bool_;
    return r;
  }
  if (concat) return r;
  if (last_cast > 0) {
    auto [type, end] = read_type(e, last_cast + 1);
    if (end == e.size()) {
      Typed inner = infer(slice(e, 0, last_cast), params);
      r.type = type ? type : oid::text;
      r.name = inner.name != "?column?" ? inner.name : std::string(type ? format_type(type, -1) : "text");
      if (r.type == oid::varchar) r.name = inner.name != "?column?" ? inner.name : "varchar";
      const auto* ct = find_catalog_type(r.type);
      if (inner.name == "?column?" && ct) r.name = std::string(ct->name);
      return r;
    }
  }
  if (e.front().is("case") && e.back().is("end")) {
    r.name = "case";
    int nested = 0;
    for (std::size_t i = 1; i < e.size(); ++i) {
      if (e[i].is("case")) ++nested;
      if (e[i].is("end")) --nested;
      if (nested == 0 && e[i].is("then")) {
        std::size_t j = i + 1;
        int n2 = 0, d2 = 0;
        for (; j < e.size(); ++j) {
          if (e[j].p("(")) ++d2;
          if (e[j].p(")")) --d2;
          if (d2 == 0 && e[j].is("case")) ++n2;
          if (d2 == 0 && n2 == 0 && (e[j].is("when") || e[j].is("else") || e[j].is("end"))) break;
          if (d2 == 0 && e[j].is("end")) --n2;
        }
        Typed v = infer(slice(e, i + 1, j), params);
        r.type = v.type;
        return r;
      }
    }
    return r;
  }
  if (e.size() == 1) {
    const Tok& t = e[0];
    if (t.kind == Kind::string) return r;
    if (t.kind == Kind::number) {
      r.type = t.text.find_first_of(".eE") != std::string::npos ? oid::numeric
               : t.text.size() > 9                              ? oid::int8
                                                                : oid::int4;
      return r;
    }
    if (t.kind == Kind::parameter) {
      auto n = static_cast<std::size_t>(std::stoul(t.text.substr(1)));
      r.type = n >= 1 && n <= params.size() && params[n - 1] ? params[n - 1] : oid::text;
      return r;
    }
    if (t.is("true") || t.is("false")) {
      r.name = "bool";
      r.type = oid::bool_;
      return r;
    }
    if (t.is("null")) return r;
  }
  // A column reference a.b.c
  bool column_ref = e.back().name();
  for (std::size_t i = 0; i < e.size(); ++i)
    if (i % 2 == 0 ? !e[i].name() : !e[i].p(".")) column_ref = false;
  if (column_ref && e.size() % 2 == 1) {
    r.name = e.back().low;
    r.type = catalog_column_type(r.name);  // 0: not a catalog column (the engine asks SQLite)
    if (derived_columns && (r.type == 0 || e.size() > 1)) {
      // A column of a subquery in FROM ("tmp.non_unique"): the type of its item there.
      auto it = derived_columns->find(r.name);
      if (it != derived_columns->end() && it->second != 0) r.type = it->second;
    }
    return r;
  }
  // ARRAY[...] / ARRAY(...)
  if (e.front().is("array") && e.size() >= 2) {
    r.name = "array";
    Toks inner = slice(e, 2, e.size() - 1);
    Typed element;
    if (e[1].p("(")) {
      auto items = select_items(inner);
      if (!items.empty()) element = infer(items[0], params);
    } else {
      auto items = select_items(Toks{word("select")});
      (void)items;
      Toks first;
      int d = 0;
      for (const auto& t : inner) {
        if (t.p("(")) ++d;
        if (t.p(")")) --d;
        if (d == 0 && t.p(",")) break;
        first.push_back(t);
      }
      element = infer(first, params);
    }
    r.type = array_type_of(element.type) ? array_type_of(element.type) : oid::text_array;
    if (element.type == oid::name) r.type = oid::name_array;
    return r;
  }
  // A function call f(...) or schema.f(...)
  std::size_t open = 0;
  if (e.size() >= 3 && e[0].name() && e[1].p("(")) open = 1;
  if (e.size() >= 5 && e[0].name() && e[1].p(".") && e[2].name() && e[3].p("(")) open = 3;
  if (open > 0 && match_forward(e, open) == e.size() - 1) {
    std::string f = e[open - 1].low;
    r.name = f == "pgw_current_user" ? "current_user" : f;
    r.type = function_type(f, slice(e, open + 1, e.size() - 1), params);
    return r;
  }
  if (e.size() >= 3 && (e[1].p("+") || e[1].p("-") || e[1].p("*") || e[1].p("/"))) {
    r.type = infer(slice(e, 0, 1), params).type;
    return r;
  }
  return r;
}

Oid function_type(std::string_view f, const Toks& args, const std::vector<Oid>& params) {
  static const std::pair<std::string_view, Oid> kTypes[] = {
      {"pg_get_userbyid", oid::name}, {"pg_encoding_to_char", oid::name}, {"current_database", oid::name},
      {"current_schema", oid::name}, {"pgw_current_user", oid::name}, {"session_user", oid::name},
      {"pg_table_is_visible", oid::bool_}, {"pg_type_is_visible", oid::bool_},
      {"pg_function_is_visible", oid::bool_}, {"has_table_privilege", oid::bool_},
      {"has_schema_privilege", oid::bool_}, {"has_database_privilege", oid::bool_},
      {"has_function_privilege", oid::bool_}, {"has_column_privilege", oid::bool_}, {"pg_has_role", oid::bool_},
      {"pg_relation_is_publishable", oid::bool_}, {"pg_is_in_recovery", oid::bool_},
      {"count", oid::int8}, {"pg_relation_size", oid::int8}, {"pg_total_relation_size", oid::int8},
      {"pg_table_size", oid::int8}, {"pg_indexes_size", oid::int8}, {"length", oid::int4},
      {"char_length", oid::int4}, {"array_length", oid::int4}, {"array_upper", oid::int4},
      {"array_lower", oid::int4}, {"cardinality", oid::int4}, {"pg_backend_pid", oid::int4},
      {"generate_series", oid::int4}, {"strpos", oid::int4}, {"position", oid::int4},
      {"current_schemas", oid::name_array}, {"pg_get_keywords", oid::text}};
  for (const auto& [name, type] : kTypes)
    if (name == f) return type;
  if (f.starts_with("pgw_to_")) {
    const auto* t = find_catalog_type(f.substr(7));
    return t ? t->oid : oid::text;
  }
  if (f == "max" || f == "min" || f == "coalesce" || f == "nullif" || f == "array_agg" || f == "unnest" ||
      f == "sum") {
    Toks first;
    int d = 0;
    for (const auto& t : args) {
      if (t.p("(")) ++d;
      if (t.p(")")) --d;
      if (d == 0 && t.p(",")) break;
      first.push_back(t);
    }
    Oid t = infer(first, params).type;
    if (f == "array_agg") return array_type_of(t) ? array_type_of(t) : oid::text_array;
    if (f == "unnest") return element_type_of(t) ? element_type_of(t) : oid::text;
    if (f == "sum") return t == oid::int8 || t == oid::numeric ? oid::numeric : oid::int8;
    return t;
  }
  return oid::text;
}

std::vector<Oid> infer_parameters(const Toks& t) {
  std::vector<Oid> out;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind != Kind::parameter) continue;
    auto n = static_cast<std::size_t>(std::stoul(t[i].text.substr(1)));
    if (n == 0 || n > 65535) continue;
    if (out.size() < n) out.resize(n, 0);
    Oid type = 0;
    if (i + 1 < t.size() && t[i + 1].p("::")) {
      type = read_type(t, i + 2).first;
    } else if (i >= 2 && bool_operator(t[i - 1]) && t[i - 2].name()) {
      type = catalog_column_type(t[i - 2].low);
    } else if (i + 2 < t.size() && bool_operator(t[i + 1]) && t[i + 2].name()) {
      std::size_t k = i + 2;
      while (k + 2 < t.size() && t[k + 1].p(".") && t[k + 2].name()) k += 2;
      type = catalog_column_type(t[k].low);
    }
    if (out[n - 1] == 0) out[n - 1] = type;
  }
  return out;
}

bool catalog_function(std::string_view f) {
  static const std::set<std::string_view> s{
      "format_type", "obj_description", "col_description", "shobj_description", "pg_table_is_visible",
      "pg_type_is_visible", "pg_function_is_visible", "pg_encoding_to_char", "pg_get_userbyid",
      "current_schemas", "has_table_privilege", "has_schema_privilege", "has_database_privilege",
      "has_function_privilege", "pg_has_role", "pg_relation_size", "pg_total_relation_size", "pg_table_size",
      "pg_indexes_size", "pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef", "pg_get_viewdef",
      "pg_get_function_result", "pg_get_function_arguments", "pg_get_function_identity_arguments",
      "pg_get_triggerdef", "pg_get_serial_sequence", "regclass", "regtype", "regproc", "regprocedure",
      "regnamespace", "regrole", "to_regclass", "to_regtype"};
  return s.count(f) > 0;
}

std::vector<ResultColumn> typed_items(const Toks& query, const std::vector<Oid>& params, bool* star = nullptr);

}  // namespace

Translation translate(std::string_view postgres_sql) {
  Toks pg = flat_pass(lex(postgres_sql));
  Translation t;
  t.parameter_types = infer_parameters(pg);
  Toks sqlite = structural_pass(system_columns(pg));
  t.sql = render(sqlite);
  // Subqueries first: their columns type the outer query's references to them.
  std::map<std::string, Oid>& derived = t.subquery_columns;
  for (std::size_t i = 0; i + 1 < pg.size(); ++i) {
    if (!pg[i].p("(") || !pg[i + 1].is("select")) continue;
    Toks group = slice(pg, i + 1, match_forward(pg, i));
    for (const auto& c : typed_items(group, t.parameter_types))
      if (c.type != 0) derived.emplace(c.name, c.type);
  }
  derived_columns = &derived;
  struct Reset {
    ~Reset() { derived_columns = nullptr; }
  } reset;
  if (starts_query(pg) || (!pg.empty() && pg[0].p("("))) {
    bool star = false;
    t.columns = typed_items(pg, t.parameter_types, &star);
    if (star) t.columns.clear();
  }
  return t;
}

namespace {

std::vector<ResultColumn> typed_items(const Toks& query, const std::vector<Oid>& params, bool* star) {
  std::vector<ResultColumn> columns;
  {
    for (auto& item : select_items(query)) {
      Typed typed;
      if (item.size() >= 2 && item[item.size() - 2].is("as")) {
        typed = infer(slice(item, 0, item.size() - 2), params);
        typed.name = item.back().low;
      } else if (item.size() >= 2 && alias_word(item.back()) && !item[item.size() - 2].p(".") &&
                 !bool_operator(item[item.size() - 2]) && !item[item.size() - 2].is("case") &&
                 (item[item.size() - 2].p(")") || item[item.size() - 2].name() ||
                  item[item.size() - 2].kind == Kind::string || item[item.size() - 2].kind == Kind::number) &&
                 !item.back().is("end") && !item.back().is("null") && !item.back().is("true") &&
                 !item.back().is("false") && !item[item.size() - 2].is("not") && !item[item.size() - 2].is("is")) {
        typed = infer(slice(item, 0, item.size() - 1), params);
        typed.name = item.back().low;
      } else if (item.back().p("*")) {
        if (star) *star = true;  // SELECT *: SQLite's declared types decide
        return {};
      } else {
        typed = infer(item, params);
      }
      columns.push_back({typed.name, typed.type});
    }
  }
  return columns;
}

}  // namespace

bool reads_catalog(std::string_view sql) {
  std::vector<SqlToken> tokens;
  try {
    tokens = tokenize(sql);
  } catch (...) {
    return false;
  }
  if (tokens.empty()) return false;
  const auto& first = tokens[0];
  if (!(first.is_keyword("select") || first.is_keyword("with") || first.is_keyword("values") ||
        first.is_punct("(")))
    return false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto& t = tokens[i];
    if (t.kind != Kind::word) continue;
    auto v = t.value();
    if (v == "pg_catalog" || v == "information_schema" || is_catalog_relation(v)) return true;
    if (catalog_function(v)) return true;
  }
  return false;
}

}  // namespace pgwire::catalog_detail
