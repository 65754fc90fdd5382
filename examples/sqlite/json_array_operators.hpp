#pragma once
// jsonb's and arrays' operators SQLite has no syntax or meaning for, as
// calls of jsonb_functions.hpp's and array_editing.hpp's functions, where
// the statement types an operand jsonb (a jsonb column, a ::jsonb cast,
// doc -> 'k', jsonb_build_object) or an array (an int[] column, ARRAY[...],
// a ::text[] cast):
//   jsonb: a @> b -> pgwire_jsonb_contains(a, b), a <@ b -> pgwire_jsonb_contained(a, b),
//          a || b -> pgwire_jsonb_concat(a, b) (SQLite's || would join the texts),
//          a #> p -> pgwire_jsonb_path(a, p, 0), a #>> p -> pgwire_jsonb_path(a, p, 1),
//          a - k  -> pgwire_jsonb_minus(a, k) (SQLite's - would subtract)
//   arrays: a @> b, a <@ b, a && b -> pgwire_array_contains / _contained / _overlap,
//          a || b -> array_cat(a, b), a || x -> array_append(a, x), x || a -> array_prepend(x, a)
// The left operand is what operator_rewrites.hpp's json_chain finds (a
// primary, or a chain of ->, ->> and ||), the right one a primary with its
// casts. A chain (a || b || c) is rewritten from its last operator back,
// so the outer call is made first and encloses the inner one.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "operator_rewrites.hpp"
#include "select_list.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

namespace json_array_operators_detail {

struct Operand {
  std::size_t first, last;  // tokens [first, last]
};

// The right operand's last token: the primary json_chain found, with its ::casts.
inline std::size_t with_casts(const std::vector<Token>& toks, std::size_t end) {
  while (end + 2 < toks.size() && is(toks[end + 1], "::") && toks[end + 2].is_name()) {
    end += 2;
    if (end + 2 < toks.size() && is(toks[end + 1], "[") && is(toks[end + 2], "]")) end += 2;  // ::text[]
  }
  return end;
}

inline pgwire::Oid type_of(const std::vector<Token>& toks, Operand o,
                           const std::vector<std::pair<std::size_t, std::size_t>>& casts,
                           const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve) {
  typing::Typer typer(toks, o.last + 1, casts, cast_types, resolve, no_scale);
  SelectItem typed;
  std::size_t k = o.first;
  return typer.expression(k, typed) && k == o.last + 1 ? typed.type : 0;
}

}  // namespace json_array_operators_detail

inline void rewrite_json_array_operators(const std::vector<Token>& toks,
                                    const std::vector<std::pair<std::size_t, std::size_t>>& casts,
                                    const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve,
                                    std::vector<Edit>& edits) {
  using namespace json_array_operators_detail;
  const std::size_t n = toks.size();
  for (std::size_t i = n - 1; i-- > 1;) {  // (from the last operator back)
    const Token& op = toks[i];
    bool contains = is(op, "@>"), contained = is(op, "<@"), concat = is(op, "||"), path = is(op, "#>"),
         path_text = is(op, "#>>"), minus = is(op, "-"), overlap = is(op, "&&");
    if (!(contains || contained || concat || path || path_text || minus || overlap)) continue;
    bool negative = i + 2 < n && is(toks[i + 1], "-") && toks[i + 2].kind == Kind::number;  // doc - -1
    auto [start, end] = negative ? std::pair{json_primary_start(toks, i - 1), i + 2} : json_chain(toks, i);
    if (start >= n) continue;
    if (minus) start = json_primary_start(toks, i - 1);  // (- binds tighter than the JSON operators)
    end = with_casts(toks, end);
    Operand left{start, i - 1}, right{i + 1, end};
    pgwire::Oid lt = type_of(toks, left, casts, cast_types, resolve);
    if (minus && lt != pgwire::oid::jsonb) continue;  // (arithmetic: the right side need not be typed)
    pgwire::Oid rt = type_of(toks, right, casts, cast_types, resolve);
    bool left_array = pgwire::element_type_of(lt) != 0, right_array = pgwire::element_type_of(rt) != 0;
    if ((contains || contained || concat || overlap) && (left_array || right_array)) {
      std::string call = contains    ? "pgwire_array_contains("
                         : contained ? "pgwire_array_contained("
                         : overlap   ? "pgwire_array_overlap("
                         : left_array && right_array ? "array_cat("
                         : left_array                ? "array_append("
                                                     : "array_prepend(";
      edits.push_back({toks[start].offset, toks[start].offset, call});
      edits.push_back({op.offset, op.end(), ","});
      edits.push_back({toks[end].end(), toks[end].end(), ")"});
      continue;
    }
    bool jsonb = lt == pgwire::oid::jsonb || ((contains || contained || concat) && rt == pgwire::oid::jsonb);
    if (!jsonb) continue;
    std::string call = contains  ? "pgwire_jsonb_contains("
                       : contained ? "pgwire_jsonb_contained("
                       : concat    ? "pgwire_jsonb_concat("
                       : minus     ? "pgwire_jsonb_minus("
                                   : "pgwire_jsonb_path(";
    edits.push_back({toks[start].offset, toks[start].offset, call});
    edits.push_back({op.offset, op.end(), ","});
    edits.push_back({toks[end].end(), toks[end].end(), path ? ", 0)" : path_text ? ", 1)" : ")"});
  }
}

}  // namespace sqlite_dialect
