#pragma once
// Where NULLs sort: PostgreSQL sorts them as larger than every value, so
// they come last in ascending order and first in descending order; SQLite
// sorts them as smaller (first ascending, last descending). Every ORDER BY
// item without its own NULLS FIRST | LAST gets PostgreSQL's placement
// spelled out: in a query and in a window's OVER (... ORDER BY ...); an
// aggregate's (string_agg(x, ',' ORDER BY y)) is ordered_aggregates.hpp's,
// which places them itself. SQLite still walks an
// index for such an ORDER BY (EXPLAIN QUERY PLAN: SCAN ... USING INDEX).

#include <cstddef>
#include <vector>

#include "tokens.hpp"

namespace sqlite_dialect {

namespace null_ordering_detail {

// A word that ends an ORDER BY list at its own level.
inline bool ends_order_by(const Token& t) {
  for (const char* word : {"limit", "offset", "fetch", "for", "union", "intersect", "except", "window", "rows",
                           "range", "groups", "returning", "into"})
    if (t.is_keyword(word)) return true;
  return is(t, ")") || is(t, ";");
}

}  // namespace null_ordering_detail

inline void rewrite_null_ordering(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  using namespace null_ordering_detail;
  const std::size_t n = toks.size();
  for (std::size_t i = 0; i + 1 < n; ++i) {
    if (!toks[i].is_keyword("order") || !toks[i + 1].is_keyword("by")) continue;
    // An aggregate's own ORDER BY (string_agg(x, ',' ORDER BY y)) is
    // ordered_aggregates.hpp's, which places NULLs itself.
    std::size_t open = i;
    for (int depth = 0; open-- > 0;) {
      if (is(toks[open], ")")) ++depth;
      if (is(toks[open], "(") && depth-- == 0) break;
    }
    if (open < i && open > 0 && toks[open - 1].kind == Kind::word && !toks[open - 1].is_keyword("over") &&
        !toks[open + 1].is_keyword("select") && !toks[open + 1].is_keyword("with") &&
        !toks[open + 1].is_keyword("values"))
      continue;
    std::size_t k = i + 2;
    for (;;) {  // one item per turn
      std::size_t first = k, last = k;
      bool descending = false, placed = false;
      for (; k < n && !is(toks[k], ",") && !ends_order_by(toks[k]); ++k) {
        if (is(toks[k], "(")) {
          std::size_t close = matching_paren(toks, k);
          if (close >= n) return;  // (unbalanced: SQLite reports it)
          k = close;
        } else if (toks[k].is_keyword("desc")) {
          descending = true;
        } else if (toks[k].is_keyword("asc")) {
          descending = false;
        } else if (toks[k].is_keyword("nulls") || toks[k].is_keyword("using")) {
          placed = true;  // (its own placement, or an operator's order: left alone)
        }
        last = k;
      }
      if (k > first && !placed)
        edits.push_back({toks[last].end(), toks[last].end(), descending ? " NULLS FIRST" : " NULLS LAST"});
      if (k >= n || !is(toks[k], ",")) break;
      ++k;
    }
  }
}

}  // namespace sqlite_dialect
