#pragma once
// Array subscripts: a[i] and a[i:j] (either bound may be left out). SQLite
// reads `tags[1]` as the column tags under the alias "1" ([...] quotes an
// identifier there), so every subscript of an expression becomes a call:
// pgwire_array_get(a, i) and pgwire_array_slice(a, i, j)
// (array_functions.hpp). Not touched: ARRAY[...], a type's [] (int[]), and
// a second subscript (arrays here have one dimension).

#include <cstddef>
#include <vector>

#include "tokens.hpp"

namespace sqlite_dialect {

inline void rewrite_subscripts(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  for (std::size_t i = 0; i + 2 < toks.size(); ++i) {
    if (!is(toks[i + 1], "[") || is(toks[i + 2], "]")) continue;
    const Token& t = toks[i];
    bool operand = (t.is_name() && !t.is_keyword("array") && !(i > 0 && is(toks[i - 1], "::"))) || is(t, ")");
    if (!operand) continue;
    // (the operand: a parenthesized expression, as PostgreSQL requires of
    // anything but a column, or a column, qualified or not)
    std::size_t start = i;
    if (is(t, ")")) {
      for (int depth = 0;; --start) {
        if (is(toks[start], ")")) ++depth;
        if (is(toks[start], "(") && --depth == 0) break;
        if (start == 0) break;
      }
      if (!is(toks[start], "(")) continue;
    } else {
      while (start >= 2 && is(toks[start - 1], ".") && toks[start - 2].is_name()) start -= 2;
    }
    std::size_t close = matching_paren(toks, i + 1);
    if (start >= toks.size() || close >= toks.size()) continue;
    if (close + 1 < toks.size() && is(toks[close + 1], "[")) continue;  // a[1][2]
    std::size_t colon = close;
    int depth = 0;
    for (std::size_t k = i + 2; k < close; ++k) {
      if (is(toks[k], "(") || is(toks[k], "[")) ++depth;
      if (is(toks[k], ")") || is(toks[k], "]")) --depth;
      if (depth == 0 && is(toks[k], ":")) colon = k;
    }
    if (colon == close) {
      edits.push_back({toks[start].offset, toks[start].offset, "pgwire_array_get("});
      edits.push_back({toks[i + 1].offset, toks[i + 1].end(), ", "});
      edits.push_back({toks[close].offset, toks[close].end(), ")"});
    } else {
      edits.push_back({toks[start].offset, toks[start].offset, "pgwire_array_slice("});
      edits.push_back({toks[i + 1].offset, toks[i + 1].end(), colon == i + 2 ? ", NULL" : ", "});
      edits.push_back({toks[colon].offset, toks[colon].end(), colon + 1 == close ? ", NULL" : ", "});
      edits.push_back({toks[close].offset, toks[close].end(), ")"});
    }
    i = close;
  }
}

}  // namespace sqlite_dialect
