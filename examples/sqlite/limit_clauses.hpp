#pragma once
// LIMIT, OFFSET and FETCH as PostgreSQL takes them, in SQLite's one form.
// PostgreSQL accepts OFFSET alone, OFFSET before LIMIT, LIMIT ALL, the
// standard's OFFSET n ROWS and FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY;
// SQLite knows only LIMIT n [OFFSET m] and LIMIT m, n (offset first). The
// keywords are replaced in place, so the expressions between them keep
// every other rewrite:
//
//   OFFSET m                       -> LIMIT -1 OFFSET m
//   OFFSET m LIMIT n               -> LIMIT m , n
//   LIMIT ALL                      -> LIMIT -1
//   FETCH FIRST n ROWS ONLY        -> LIMIT n      (no n: 1)
//   OFFSET m ROWS FETCH NEXT n ROWS ONLY -> LIMIT m , n
//
// FETCH ... WITH TIES has no SQLite form: 0A000.

#include <cstddef>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "tokens.hpp"

namespace sqlite_dialect {

namespace limit_clauses_detail {

// Where a LIMIT / OFFSET / FETCH count that starts at `k` ends: the next
// word of these clauses, or the end of its query, at its own level.
inline std::size_t count_end(const std::vector<Token>& toks, std::size_t k) {
  for (; k < toks.size(); ++k) {
    const Token& t = toks[k];
    if (is(t, "(")) {
      k = matching_paren(toks, k);
      if (k >= toks.size()) return k;
      continue;
    }
    for (const char* word : {"limit", "offset", "fetch", "row", "rows", "for", "union", "intersect", "except",
                             "returning", "only", "with"})
      if (t.is_keyword(word)) return k;
    if (is(t, ")") || is(t, ";")) return k;
  }
  return k;
}

// A FETCH {FIRST | NEXT} [n] {ROW | ROWS} ONLY clause at toks[at].
struct Fetch {
  std::size_t count_first = 0, count_last = 0;  // [first, last): empty when n is left out
  std::size_t rows = 0, end = 0;                // ROW(S) ONLY: [rows, end)
};

inline bool fetch_clause(const std::vector<Token>& toks, std::size_t at, Fetch& f) {
  if (at == 0 || at + 3 >= toks.size() || !(is(toks[at + 1], "first") || is(toks[at + 1], "next"))) return false;
  f.count_first = at + 2;
  f.count_last = is(toks[at + 2], "row") || is(toks[at + 2], "rows") ? at + 2 : count_end(toks, at + 2);
  if (f.count_last + 1 >= toks.size() || !(is(toks[f.count_last], "row") || is(toks[f.count_last], "rows")) ||
      !is(toks[f.count_last + 1], "only")) {
    if (f.count_last + 2 < toks.size() && is(toks[f.count_last + 1], "with") && is(toks[f.count_last + 2], "ties"))
      throw pgwire::PgError("0A000", "FETCH ... WITH TIES is not supported");
    return false;
  }
  f.rows = f.count_last;
  f.end = f.count_last + 2;
  return true;
}

}  // namespace limit_clauses_detail

inline void rewrite_limit_clauses(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  using namespace limit_clauses_detail;
  const std::size_t n = toks.size();
  auto replace = [&](std::size_t first, std::size_t last, std::string text) {  // tokens [first, last]
    edits.push_back({toks[first].offset, toks[last].end(), std::move(text)});
  };
  // `LIMIT n` or `FETCH ...` at k as the count of `LIMIT m , n`: false if
  // there is no such clause at k.
  auto second_count = [&](std::size_t k) -> bool {
    Fetch f;
    if (k < n && toks[k].is_keyword("limit")) {
      replace(k, k, ",");
      if (k + 1 < n && toks[k + 1].is_keyword("all")) replace(k + 1, k + 1, "-1");
      return true;
    }
    if (k < n && toks[k].is_keyword("fetch") && fetch_clause(toks, k, f)) {
      replace(k, k + 1, f.count_first == f.count_last ? ", 1" : ",");
      replace(f.rows, f.end - 1, "");
      return true;
    }
    return false;
  };
  std::size_t after_limit = n;  // the token after the last LIMIT / FETCH clause
  for (std::size_t i = 1; i < n; ++i) {
    if (is(toks[i - 1], ".")) continue;
    Fetch f;
    if (toks[i].is_keyword("limit")) {
      if (i + 1 < n && toks[i + 1].is_keyword("all")) replace(i + 1, i + 1, "-1");
      after_limit = count_end(toks, i + 1);
    } else if (toks[i].is_keyword("fetch") && fetch_clause(toks, i, f)) {
      replace(i, i + 1, f.count_first == f.count_last ? "LIMIT 1" : "LIMIT");
      replace(f.rows, f.end - 1, "");
      after_limit = f.end;
    } else if (toks[i].is_keyword("offset")) {
      std::size_t end = count_end(toks, i + 1);
      if (end < n && (is(toks[end], "row") || is(toks[end], "rows"))) replace(end, end, ""), ++end;
      if (i == after_limit) {
        i = end - 1;  // LIMIT n OFFSET m: SQLite's own form
      } else if (second_count(end)) {
        replace(i, i, "LIMIT");
        Fetch g;
        after_limit = toks[end].is_keyword("fetch") && fetch_clause(toks, end, g) ? g.end : count_end(toks, end + 1);
        i = end;
      } else {
        replace(i, i, "LIMIT -1 OFFSET");
        i = end - 1;
      }
    }
  }
}

}  // namespace sqlite_dialect
