#pragma once
// INSERT / UPDATE / DELETE forms of PostgreSQL that SQLite writes
// otherwise, as text edits (tokens.hpp):
// - RETURNING t.* (t the statement's table or its alias): RETURNING *,
//   SQLite allowing no "TABLE.*" there;
// - DELETE FROM t [AS] a USING x, y WHERE cond: DELETE FROM t AS a WHERE
//   EXISTS (SELECT 1 FROM x, y WHERE cond), the same rows (cond sees t's
//   row through the correlation).

#include <string>
#include <vector>

#include "tokens.hpp"

namespace sqlite_dialect {

namespace dml_detail {

// The first token at depth 0 from `from` that is `word`, or toks.size().
inline std::size_t top_level(const std::vector<Token>& toks, std::size_t from, std::string_view word) {
  for (std::size_t k = from, depth = 0; k < toks.size(); ++k) {
    if (is(toks[k], "(")) ++depth;
    if (is(toks[k], ")") && depth > 0) --depth;
    if (depth == 0 && is(toks[k], word)) return k;
  }
  return toks.size();
}

}  // namespace dml_detail

inline void rewrite_dml_forms(const std::vector<Token>& toks, std::vector<Edit>& edits) {
  if (toks.size() < 3) return;
  bool insert = is(toks[0], "insert"), update = is(toks[0], "update"), del = is(toks[0], "delete");
  if (!insert && !update && !del) return;
  // The statement's table and alias.
  std::size_t t = insert ? dml_detail::top_level(toks, 1, "into") + 1 : del ? 2 : 1;
  if (update && t < toks.size() && is(toks[t], "only")) ++t;
  if (del && t < toks.size() && is(toks[t], "only")) ++t;
  if (t >= toks.size() || !toks[t].is_name()) return;
  if (t + 2 < toks.size() && is(toks[t + 1], ".") && toks[t + 2].is_name()) t += 2;
  std::string table = identifier(toks[t]), alias;
  std::size_t a = t + 1;
  bool as = a < toks.size() && is(toks[a], "as");
  if (as) ++a;
  bool bare_alias = !as && a < toks.size() && toks[a].kind == Kind::word && !is(toks[a], "using") &&
                    !is(toks[a], "where") && !is(toks[a], "set") && !is(toks[a], "returning") &&
                    !is(toks[a], "values") && !is(toks[a], "select") && !is(toks[a], "default") &&
                    !is(toks[a], "on") && !is(toks[a], "overriding");
  if ((as || bare_alias) && a < toks.size() && toks[a].is_name()) alias = identifier(toks[a]);

  std::size_t returning = dml_detail::top_level(toks, t, "returning");
  for (std::size_t k = returning + 1; k + 2 < toks.size(); ++k)
    if (toks[k].is_name() && is(toks[k + 1], ".") && is(toks[k + 2], "*") &&
        (identifier(toks[k]) == table || (!alias.empty() && identifier(toks[k]) == alias)) &&
        (is(toks[k - 1], ",") || k == returning + 1))
      edits.push_back({toks[k].offset, toks[k + 2].end(), "*"});

  if (!del) return;
  std::size_t using_at = dml_detail::top_level(toks, t, "using");
  if (using_at >= toks.size() || using_at >= returning) return;
  if (bare_alias && !alias.empty()) edits.push_back({toks[a].offset, toks[a].offset, "AS "});
  edits.push_back({toks[using_at].offset, toks[using_at].end(), "WHERE EXISTS (SELECT 1 FROM"});
  std::size_t end = returning < toks.size() ? returning : toks.size();
  while (end > using_at + 1 && is(toks[end - 1], ";")) --end;
  edits.push_back({toks[end - 1].end(), toks[end - 1].end(), ")"});
}

}  // namespace sqlite_dialect
