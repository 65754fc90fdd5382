// LATERAL subqueries of one row, inlined (pg_to_sqlite_passes.hpp).
//
// SQLite has no LATERAL: a subquery in FROM cannot see the tables before
// it. The catalog queries that use one give it a select list and nothing
// else, one row computed from the row beside it, as pgbench does to find
// its table in the search path:
//
//   ... CROSS JOIN LATERAL (SELECT array_position(current_schemas(true),
//       n.nspname)) AS o(n) ... WHERE o.n IS NOT NULL
//
// Such a join adds no rows and removes none, so it can go, with each
// reference alias.column replaced by its expression in parentheses, a
// correlated expression SQLite evaluates where it stands. A LATERAL
// subquery with FROM, WHERE, GROUP BY, ... may yield other than one row:
// left as it is (SQLite reports it).

#include <string>
#include <vector>

#include "pg_to_sqlite_passes.hpp"

namespace pgwire::catalog_detail {

namespace {

struct Inlined {
  std::size_t first = 0, end = 0;  // the join's tokens, [first, end)
  std::string alias;               // lower case
  std::vector<std::string> columns;  // lower case
  std::vector<Toks> expressions;
};

bool clause_word(const Tok& t) {
  for (std::string_view w : {"from", "where", "group", "having", "order", "limit", "offset", "union", "intersect",
                             "except", "window", "fetch", "into"})
    if (t.is(w)) return true;
  return false;
}

// The one-row LATERAL join whose LATERAL is at `at`, if it is one.
bool one_row_lateral(const Toks& in, std::size_t at, Inlined& out) {
  if (at + 2 >= in.size() || !in[at + 1].p("(") || !in[at + 2].is("select") || at == 0) return false;
  if (in[at - 1].p(",")) {
    out.first = at - 1;
  } else if (in[at - 1].is("join") && at >= 2 && in[at - 2].is("cross")) {
    out.first = at - 2;
  } else {
    return false;  // (an inner or outer join has an ON condition to keep)
  }
  std::size_t close = match_forward(in, at + 1);
  if (close >= in.size()) return false;
  std::vector<Toks> items(1);
  int depth = 0;
  for (std::size_t k = at + 3; k < close; ++k) {
    if (in[k].p("(") || in[k].p("[")) ++depth;
    if (in[k].p(")") || in[k].p("]")) --depth;
    if (depth == 0 && clause_word(in[k])) return false;
    if (depth == 0 && in[k].p(",")) {
      items.emplace_back();
      continue;
    }
    items.back().push_back(in[k]);
  }
  std::size_t k = close + 1;
  if (k < in.size() && in[k].is("as")) ++k;
  if (k >= in.size() || !alias_word(in[k])) return false;
  out.alias = in[k].low;
  ++k;
  std::vector<std::string> listed;
  if (k < in.size() && in[k].p("(")) {
    std::size_t c = match_forward(in, k);
    if (c >= in.size()) return false;
    for (std::size_t m = k + 1; m < c; ++m)
      if (in[m].name()) listed.push_back(in[m].low);
    k = c + 1;
  }
  out.end = k;
  for (std::size_t n = 0; n < items.size(); ++n) {
    Toks& item = items[n];
    if (item.empty()) return false;
    std::string name = "?column?";
    if (item.size() >= 3 && item[item.size() - 2].is("as") && item.back().name()) {
      name = item.back().low;
      item.resize(item.size() - 2);
    } else if (item.size() == 1 && item[0].name()) {
      name = item[0].low;
    }
    out.columns.push_back(n < listed.size() ? listed[n] : name);
    out.expressions.push_back(std::move(item));
  }
  return true;
}

}  // namespace

Toks inline_lateral_rows(const Toks& in) {
  Toks q = in;
  for (std::size_t at = 0; at < q.size(); ++at) {
    Inlined lateral;
    if (!q[at].is("lateral") || !one_row_lateral(q, at, lateral)) continue;
    Toks out;
    std::vector<bool> in_select_list{false};  // per parenthesis depth
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (i == lateral.first) {
        i = lateral.end - 1;
        continue;
      }
      if (q[i].p("(")) in_select_list.push_back(false);
      if (q[i].p(")") && in_select_list.size() > 1) in_select_list.pop_back();
      if (q[i].is("select")) in_select_list.back() = true;
      if (q[i].is("from") || clause_word(q[i])) in_select_list.back() = false;
      if (i + 2 < q.size() && q[i].name() && q[i].low == lateral.alias && q[i + 1].p(".") && q[i + 2].name()) {
        bool replaced = false;
        for (std::size_t c = 0; c < lateral.columns.size() && !replaced; ++c) {
          if (q[i + 2].low != lateral.columns[c]) continue;
          // A select list item that is the reference alone keeps its name.
          bool whole_item = in_select_list.back() && !out.empty() &&
                            (out.back().is("select") || out.back().is("distinct") || out.back().p(",")) &&
                            (i + 3 >= q.size() || q[i + 3].p(",") || q[i + 3].is("from"));
          out.push_back(punct("("));
          append(out, lateral.expressions[c]);
          out.push_back(punct(")"));
          if (whole_item) {
            out.push_back(word("AS"));
            out.push_back(Tok{Kind::quoted_identifier, "\"" + lateral.columns[c] + "\"", lateral.columns[c]});
          }
          i += 2;
          replaced = true;
        }
        if (replaced) continue;
      }
      out.push_back(q[i]);
    }
    q = std::move(out);
    at = lateral.first == 0 ? 0 : lateral.first - 1;  // (the next LATERAL is after where this one was)
  }
  return q;
}

}  // namespace pgwire::catalog_detail
