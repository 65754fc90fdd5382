// Set-returning functions in a select list (pg_to_sqlite_passes.hpp):
// SQLite only has them in FROM, so each becomes a join with its rows.

#include <string>
#include <utility>
#include <vector>

#include "pg_to_sqlite_passes.hpp"

namespace pgwire::catalog_detail {

// information_schema._pg_expandarray(a) in a select list (pgjdbc's keys and
// index columns): a set-returning function of (x, n) rows. Evaluated as a
// join with the array's elements, appended to the FROM clause of the same
// SELECT: (_pg_expandarray(a)).n -> its position, .x and the bare call -> the
// element. (A row of it is then its x: (keys).x -> keys.)
Toks expand_select_list_functions(const Toks& in) {
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
      Toks array = first_argument(slice(in, open + 1, close));
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

}  // namespace pgwire::catalog_detail
