// The structures of PostgreSQL's catalog SQL that SQLite spells otherwise
// (pg_to_sqlite_passes.hpp): each needs its operand (a cast, a subscript)
// or its parenthesised group (ARRAY, ANY/ALL, trim FROM, a set-returning
// function in FROM), so this pass reads groups and recurses into them.

#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "catalog_types.hpp"
#include "pg_to_sqlite_passes.hpp"

namespace pgwire::catalog_detail {

namespace {

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

// A set-returning function in FROM at in[i] (out ends with FROM, JOIN or a
// comma): rows of a JSON array, `(SELECT value AS c [, key + 1 AS n] FROM
// json_each(pgw_srf_f(args))) alias`; several arrays of unnest() advance
// together (json_extract(value, '$[j]')), as PostgreSQL's multi-argument
// unnest does. Returns the index after the call's alias and column list.
//
// SQLite has no LATERAL: when the arguments read the FROM item just
// before (`FROM pg_index i, unnest(i.indkey, i.indoption) WITH ORDINALITY
// k(key, option, n)`, Django's index query), the two become one subquery
// under the item's alias, `(SELECT i.*, <the function's columns> FROM
// pg_index i, json_each(...) pgw_lateral) i`, and `renamed` maps the
// function's alias to it (the caller renames alias.column).
std::size_t function_in_from(const Toks& in, std::size_t i, Toks& out,
                             std::vector<std::pair<std::string, std::string>>& renamed) {
  const Tok& t = in[i];
  auto at = [&](std::size_t k) -> const Tok* { return k < in.size() ? &in[k] : nullptr; };
  std::size_t close = match_forward(in, i + 1);
  Toks args = rewrite_structures(slice(in, i + 2, close));
  std::size_t arrays = args.empty() ? 0 : 1;
  for (std::size_t k = 0, depth = 0; k < args.size(); ++k) {
    if (args[k].p("(")) ++depth;
    if (args[k].p(")")) --depth;
    if (depth == 0 && args[k].p(",")) ++arrays;
  }
  bool zipped = t.is("unnest") && arrays > 1;
  std::size_t k = close + 1;
  bool ordinality = false;
  if (at(k) && at(k)->is("with") && at(k + 1) && at(k + 1)->is("ordinality")) {
    ordinality = true;
    k += 2;
  }
  if (at(k) && at(k)->is("as")) ++k;
  std::string alias = t.low, alias_low = t.low;
  if (at(k) && alias_word(*at(k))) {
    alias_low = in[k].low;
    alias = in[k++].text;
  }
  std::vector<std::string> columns;
  if (at(k) && at(k)->p("(")) {
    std::size_t c = match_forward(in, k);
    for (std::size_t m = k + 1; m < c; ++m)
      if (in[m].name()) columns.push_back(in[m].text);
    k = c + 1;
  }
  std::size_t values = zipped ? arrays : 1;
  while (columns.size() < values) columns.push_back(zipped ? t.low : alias);

  // The item before: out ends `FROM|,|JOIN relation [AS] [alias] ,`.
  std::size_t rel = out.size();
  std::string partner, partner_low;
  if (out.size() >= 3 && out.back().p(",")) {
    std::size_t e = out.size() - 1;
    std::size_t r = out[e - 1].name() && out[e - 2].name() && !out[e - 2].is("from") && !out[e - 2].p(",")
                        ? e - 2 - (out[e - 2].is("as") ? 1 : 0)
                        : e - 1;
    bool plain = r > 0 && r < e && out[r].name() && (out[r - 1].is("from") || out[r - 1].p(",") || out[r - 1].is("join"));
    std::string name = out[e - 1].name() ? out[e - 1].low : "";
    bool read = false;
    for (std::size_t m = 0; plain && m + 1 < args.size(); ++m) read = read || (args[m].name() && args[m].low == name && args[m + 1].p("."));
    if (read) {
      rel = r;
      partner = out[e - 1].text;
      partner_low = name;
    }
  }
  std::string source = partner.empty() ? "" : "pgw_lateral.";
  Toks item{punct("("), word("SELECT")};
  if (!partner.empty()) {
    item.push_back(word(partner + ".*"));
    item.push_back(punct(","));
  }
  for (std::size_t j = 0; j < values; ++j) {
    if (j > 0) item.push_back(punct(","));
    if (zipped) {
      append(item, {"json_extract", "("});
      item.push_back(word(source + "value"));
      item.push_back(punct(","));
      item.push_back(Tok{Kind::string, "'$[" + std::to_string(j) + "]'", "'$[" + std::to_string(j) + "]'"});
      append(item, {")"});
    } else {
      item.push_back(word(source + "value"));
    }
    item.push_back(word("AS"));
    item.push_back(word(columns[j]));
  }
  if (ordinality && columns.size() > values) {
    item.push_back(punct(","));
    item.push_back(word(source + "key"));
    append(item, {"+", "1", "AS"});
    item.push_back(word(columns[values]));
  }
  item.push_back(word("FROM"));
  if (!partner.empty()) {
    item.insert(item.end(), out.begin() + static_cast<std::ptrdiff_t>(rel), out.end());  // (relation alias ,)
    out.resize(rel);
  }
  append(item, {"json_each", "("});
  item.push_back(word("pgw_srf_" + t.low));
  append(item, {"("});
  append(item, args);
  append(item, {")", ")"});
  if (!partner.empty()) item.push_back(word("pgw_lateral"));
  item.push_back(punct(")"));
  item.push_back(word(partner.empty() ? alias : partner));
  append(out, item);
  if (!partner.empty()) renamed.emplace_back(alias_low, partner);
  return k;
}

}  // namespace

Toks rewrite_structures(const Toks& raw) {
  Toks in = expand_select_list_functions(raw);
  Toks out;
  std::vector<std::pair<std::string, std::string>> renamed;  // alias (lower case), the name it becomes
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
    if (t.is("cast") && at(i + 1) && at(i + 1)->p("(")) {
      // CAST(x AS type): as x::type (Sequel sends CAST(CAST('"t"' AS regclass) AS oid))
      std::size_t close = match_forward(in, i + 1), as = close;
      int depth = 0;
      for (std::size_t k = i + 2; k < close; ++k) {
        depth += in[k].p("(") ? 1 : in[k].p(")") ? -1 : 0;
        if (depth == 0 && in[k].is("as")) as = k;
      }
      if (as < close) {
        auto [type, end] = read_type(in, as + 1);
        if (end == close) {
          const auto* info = find_catalog_type(type);
          out.push_back(word("pgw_to_" + std::string(info ? info->name : "text")));
          out.push_back(punct("("));
          append(out, rewrite_structures(slice(in, i + 2, as)));
          out.push_back(punct(")"));
          i = close;
          continue;
        }
      }
    }
    if (t.is("array") && at(i + 1) && at(i + 1)->p("[")) {
      std::size_t close = match_forward(in, i + 1);
      append(out, {"pgw_array", "("});
      append(out, rewrite_structures(slice(in, i + 2, close)));
      append(out, {")"});
      i = close;
      continue;
    }
    if (t.is("array") && at(i + 1) && at(i + 1)->p("(")) {
      std::size_t close = match_forward(in, i + 1);
      Toks inner = rewrite_structures(slice(in, i + 2, close));
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
      Toks inner = rewrite_structures(slice(in, i + 3, close));
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
      Toks inner = rewrite_structures(slice(in, i + 1, close));
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
        Toks chars = rewrite_structures(slice(inner, k, from));
        if (chars.empty()) chars.push_back(Tok{Kind::string, "' '", "' '"});
        out.push_back(word(fn));
        append(out, {"("});
        append(out, rewrite_structures(slice(inner, from + 1, inner.size())));
        append(out, {","});
        append(out, chars);
        append(out, {")"});
        i = close;
        continue;
      }
    }
    if (t.is("substring") && at(i + 1) && at(i + 1)->p("(")) {
      // substring(x FROM 'pattern') -> pgw_regexp_substring(x, pattern) (functions.cpp);
      // substring(x FROM n [FOR m]) -> substr(x, n[, m]) (DBD::Pg's last_insert_id sends the first)
      std::size_t close = match_forward(in, i + 1);
      Toks inner = slice(in, i + 2, close);
      std::size_t from = inner.size(), for_at = inner.size();
      int depth = 0;
      for (std::size_t k = 0; k < inner.size(); ++k) {
        depth += inner[k].p("(") ? 1 : inner[k].p(")") ? -1 : 0;
        if (depth == 0 && inner[k].is("from") && from == inner.size()) from = k;
        if (depth == 0 && inner[k].is("for") && from < k) for_at = k;
      }
      if (from < inner.size() && from > 0) {
        Toks subject = rewrite_structures(slice(inner, 0, from));
        Toks start = rewrite_structures(slice(inner, from + 1, for_at));
        bool pattern = start.size() == 1 && start[0].kind == Kind::string && for_at == inner.size();
        out.push_back(word(pattern ? "pgw_regexp_substring" : "substr"));
        append(out, {"("});
        append(out, subject);
        append(out, {","});
        append(out, start);
        if (for_at < inner.size()) {
          append(out, {","});
          append(out, rewrite_structures(slice(inner, for_at + 1, inner.size())));
        }
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
      i = function_in_from(in, i, out, renamed) - 1;
      continue;
    }
    if (in_from && t.p("(") && at(i + 1) && at(i + 1)->is("values") && !out.empty() &&
        (out.back().is("from") || out.back().is("join") || out.back().p(","))) {
      // (VALUES ...) [AS] alias(a, b, ...), as psql's \gdesc sends: SQLite
      // names a VALUES list's columns column1, column2, ... and takes no
      // column list after an alias.
      std::size_t close = match_forward(in, i);
      std::size_t k = close + 1;
      if (at(k) && at(k)->is("as")) ++k;
      if (at(k) && alias_word(*at(k)) && at(k + 1) && at(k + 1)->p("(")) {
        std::string alias = in[k].text;
        std::size_t c = match_forward(in, k + 1);
        append(out, {"(", "SELECT"});
        std::size_t n = 0;
        for (std::size_t m = k + 2; m < c; ++m) {
          if (!in[m].name()) continue;
          if (n > 0) out.push_back(punct(","));
          out.push_back(word("column" + std::to_string(++n)));
          out.push_back(word("AS"));
          out.push_back(word(in[m].text));
        }
        append(out, {"FROM", "("});
        append(out, rewrite_structures(slice(in, i + 1, close)));
        append(out, {")", ")"});
        out.push_back(word(alias));
        i = c;
        continue;
      }
    }
    if (t.p("(")) {
      std::size_t close = match_forward(in, i);
      out.push_back(t);
      Toks inner = slice(in, i + 1, close);
      if (!out.empty() && out.size() >= 2 && ordered_aggregate(out[out.size() - 2]) && !aggregate_order_by_supported())
        inner = without_order_by(inner);
      append(out, rewrite_structures(inner));
      out.push_back(in[close]);
      i = close;
      continue;
    }
    out.push_back(t);
  }
  for (const auto& [from, to] : renamed)  // (a function merged with the item before it: its alias is that item's)
    for (std::size_t k = 0; k + 1 < out.size(); ++k)
      if (out[k].name() && out[k].low == from && out[k + 1].p(".")) out[k] = word(to);
  return out;
}

}  // namespace pgwire::catalog_detail
