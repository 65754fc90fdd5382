#pragma once
// A json or jsonb value given to json(b)_build_object, json(b)_build_array
// or json(b)_agg nests as JSON, as in PostgreSQL:
// jsonb_build_object('tags', '["a"]'::jsonb) is {"tags": ["a"]}. SQLite's
// json_object / json_array / json_group_array (what those calls become,
// expressions.hpp) take a text as a JSON string ("[\"a\"]") unless it came
// from a JSON function; so an argument the statement types json or jsonb
// (a jsonb column, a ::jsonb cast, doc -> 'k') is wrapped in json(). An
// aggregate with its own ORDER BY is ordered_aggregates.hpp's.

#include <cstddef>
#include <utility>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "select_list.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

inline void rewrite_json_arguments(const std::vector<Token>& toks,
                                   const std::vector<std::pair<std::size_t, std::size_t>>& casts,
                                   const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve,
                                   std::vector<Edit>& edits) {
  const std::size_t n = toks.size();
  for (std::size_t i = 0; i + 2 < n; ++i) {
    bool builds = false;
    for (const char* name : {"json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array",
                             "json_agg", "jsonb_agg"})
      if (toks[i].is_keyword(name)) builds = true;
    if (!builds || !is(toks[i + 1], "(") || (i > 0 && is(toks[i - 1], "."))) continue;
    std::size_t close = matching_paren(toks, i + 1);
    if (close >= n) return;
    bool ordered = false;
    for (std::size_t k = i + 2; k + 1 < close; ++k)
      if (toks[k].is_keyword("order") && toks[k + 1].is_keyword("by")) ordered = true;
    if (ordered) continue;
    for (std::size_t start = i + 2; start < close;) {
      std::size_t comma = item_end(toks, start, close);
      if (start < comma && toks[start].is_keyword("distinct")) ++start;
      typing::Typer typer(toks, comma, casts, cast_types, resolve, no_scale);
      SelectItem typed;
      std::size_t k = start;
      if (start < comma && typer.expression(k, typed) && k == comma &&
          (typed.type == pgwire::oid::json || typed.type == pgwire::oid::jsonb)) {
        // (first among the insertions here: it encloses the argument's own rewrites)
        edits.insert(edits.begin(), Edit{toks[start].offset, toks[start].offset, "json("});
        edits.push_back({toks[comma - 1].end(), toks[comma - 1].end(), ")"});
      }
      start = comma + 1;
    }
  }
}

}  // namespace sqlite_dialect
