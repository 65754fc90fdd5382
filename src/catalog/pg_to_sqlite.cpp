// PostgreSQL catalog SQL -> SQLite (pg_to_sqlite.hpp). Works on the
// library's tokens (sql_text.hpp): a flat pass for the token-level
// spellings, then a pass over parenthesised groups for the structures
// (casts need their operand, ANY/ARRAY their group).

#include "pg_to_sqlite.hpp"

#include <algorithm>

#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include <sqlite3.h>

#include "catalog_types.hpp"
#include "relations.hpp"
#include "result_types.hpp"
#include "sql_tokens.hpp"

namespace pgwire::catalog_detail {

namespace {

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

Toks structural_pass(const Toks& in);

// The set-returning functions evaluated in FROM (functions.cpp registers
// pgw_srf_<name> for each, returning the rows as a JSON array).
bool set_returning(std::string_view f) {
  return f == "generate_series" || f == "unnest" || f == "pg_partition_ancestors" || f == "pg_get_keywords";
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

// The catalog relation of the FROM clause of the SELECT that the token at
// `at` belongs to (its first relation, at the same bracket depth), if any.
std::optional<Oid> relation_of_select(const Toks& t, std::size_t at) {
  int depth = 0;
  for (std::size_t k = at + 1; k < t.size(); ++k) {
    if (t[k].p("(")) ++depth;
    if (t[k].p(")") && --depth < 0) return std::nullopt;
    if (depth != 0 || !t[k].is("from")) continue;
    std::size_t r = k + 1;
    if (r + 2 < t.size() && t[r].is("pg_catalog") && t[r + 1].p(".")) r += 2;
    return r < t.size() ? relation_oid(t[r].low) : std::nullopt;
  }
  return std::nullopt;
}

// X.tableoid -> the OID of the relation X names, a bare tableoid -> that of
// its SELECT's relation (SQLite has no system columns).
Toks system_columns(const Toks& in) {
  auto aliases = relation_aliases(in);
  Toks out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    bool column_name = i > 0 && (in[i - 1].p(".") || in[i - 1].is("as"));  // X.tableoid, ... AS tableoid
    if (in[i].is("tableoid") && !column_name && (i + 1 >= in.size() || !in[i + 1].p("("))) {
      if (auto o = relation_of_select(in, i)) {
        auto n = std::to_string(*o);
        out.push_back(Tok{Kind::number, n, n});
        continue;
      }
    }
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
  bool has_from = from_end != std::string::npos || in_from;
  if (from_end == std::string::npos) {
    // The end of this SELECT: before a depth-0 clause that follows it, else the end.
    from_end = out.size();
    int d = 0;
    bool select_seen = false;
    for (std::size_t k = 0; k < out.size(); ++k) {
      d += out[k].p("(") ? 1 : out[k].p(")") ? -1 : 0;
      if (d == 0 && out[k].is("select")) select_seen = true;
      if (d == 0 && select_seen && !has_from && (out[k].is("where") || out[k].is("group") || out[k].is("order") ||
                                                  out[k].is("limit") || out[k].is("union"))) {
        from_end = k;
        break;
      }
    }
  }
  Toks extra;
  for (std::size_t j = 0; j < joins.size(); ++j) {
    // Several set-returning functions in one select list advance together
    // (PostgreSQL zips them): the later ones join on the position.
    if (j == 0 && !has_from) {
      append(extra, {"FROM"});
    } else {
      append(extra, {"JOIN"});
    }
    append(extra, {"json_each", "(", "pgw_array_json", "("});
    append(extra, joins[j].second);
    append(extra, {")", ")", "AS"});
    extra.push_back(word("pgw_x" + std::to_string(j)));
    if (j > 0) {
      append(extra, {"ON"});
      extra.push_back(word("pgw_x" + std::to_string(j)));
      append(extra, {".", "key", "="});
      extra.push_back(word("pgw_x0"));
      append(extra, {".", "key"});
    }
  }
  out.insert(out.begin() + static_cast<std::ptrdiff_t>(from_end), extra.begin(), extra.end());
  return out;
}

// array_agg(x ORDER BY y): SQLite orders aggregate input from 3.44 on; an
// older one gets the rows in the order its plan reads them.
bool ordered_aggregate(const Tok& t) {
  return t.is("array_agg") || t.is("string_agg") || t.is("json_agg") || t.is("pgw_array_agg");
}
bool aggregate_order_by_supported() { return sqlite3_libversion_number() >= 3044000; }
Toks without_order_by(const Toks& args) {
  int d = 0;
  for (std::size_t k = 0; k + 1 < args.size(); ++k) {
    d += args[k].p("(") ? 1 : args[k].p(")") ? -1 : 0;
    if (d == 0 && args[k].is("order") && args[k + 1].is("by")) return slice(args, 0, k);
  }
  return args;
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
      if (!operand.empty() && operand.back().is("typname")) {
        // A name is a fixed char array: typname[0] is its first character
        // (pg_dump's test for an array type).
        append(out, {"substr", "("});
        append(out, operand);
        append(out, {",", "("});
        append(out, inner);
        append(out, {")", "+", "1", ",", "1", ")"});
        i = close;
        continue;
      }
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
    if (in_from && t.is("pg_options_to_table") && at(i + 1) && at(i + 1)->p("(") && !out.empty() &&
        (out.back().is("from") || out.back().is("join") || out.back().p(","))) {
      // Options of foreign objects and columns: there are none (no rows).
      std::size_t k = match_forward(in, i + 1) + 1;
      if (at(k) && at(k)->is("as")) ++k;
      std::string alias = t.low;
      if (at(k) && alias_word(*at(k))) alias = in[k++].text;
      append(out, {"(", "SELECT", "NULL", "AS", "option_name", ",", "NULL", "AS", "option_value", "WHERE", "0", ")"});
      out.push_back(word(alias));
      i = k - 1;
      continue;
    }
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
      Toks inner = slice(in, i + 1, close);
      if (!out.empty() && out.size() >= 2 && ordered_aggregate(out[out.size() - 2]) && !aggregate_order_by_supported())
        inner = without_order_by(inner);
      append(out, structural_pass(inner));
      out.push_back(in[close]);
      i = close;
      continue;
    }
    out.push_back(t);
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

}  // namespace

Translation translate(std::string_view postgres_sql) {
  Toks pg = flat_pass(lex(postgres_sql));
  Translation t;
  t.parameter_types = infer_parameters(pg);
  Toks sqlite = structural_pass(system_columns(pg));
  t.sql = render(sqlite);
  // Subqueries first, innermost first: their columns type the references to
  // them from outside (asyncpg's "ti.name" is typname, a name, two levels up).
  std::map<std::string, Oid>& derived = t.subquery_columns;
  std::vector<std::pair<int, std::size_t>> subqueries;  // (nesting depth, position of its "(")
  int depth = 0;
  for (std::size_t i = 0; i + 1 < pg.size(); ++i) {
    if (pg[i].p("(")) ++depth;
    if (pg[i].p(")")) --depth;
    if (pg[i].p("(") && pg[i + 1].is("select")) subqueries.emplace_back(depth, i);
  }
  std::stable_sort(subqueries.begin(), subqueries.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (auto [level, i] : subqueries) {
    Toks group = slice(pg, i + 1, match_forward(pg, i));
    for (const auto& c : typed_items(group, t.parameter_types, nullptr, &derived))
      if (c.type != 0) derived.emplace(c.name, c.type);
  }
  if (starts_query(pg) || (!pg.empty() && pg[0].p("("))) {
    bool star = false;
    t.columns = typed_items(pg, t.parameter_types, &star, &derived);
    if (star) t.columns.clear();
  }
  return t;
}

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
