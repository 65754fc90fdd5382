#pragma once
// A json, jsonb, numeric or boolean value given to json(b)_build_object,
// json(b)_build_array or json(b)_agg nests as JSON, as in PostgreSQL
// (numbers unquoted, true / false):
// jsonb_build_object('tags', '["a"]'::jsonb) is {"tags": ["a"]}. SQLite's
// json_object / json_array / json_group_array (what those calls become,
// expressions.hpp) take a text as a JSON string ("[\"a\"]") unless it came
// from a JSON function; so an argument the statement types json or jsonb
// (a jsonb column, a ::jsonb cast, doc -> 'k') or numeric (its decimal
// text) is wrapped in json(), a boolean (0/1) in json(pgwire_json_bool()).
// For the json forms (json_builders.hpp), which keep a JSON value's text,
// json and numeric arguments are only marked JSON (pgwire_json_raw) and
// jsonb ones printed as jsonb_out does (pgwire_jsonb_out). An
// aggregate with its own ORDER BY is ordered_aggregates.hpp's.

#include <cstddef>
#include <string>
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
    bool builds = false, json = false;
    for (const char* name : {"json_build_object", "jsonb_build_object", "json_build_array", "jsonb_build_array",
                             "json_agg", "jsonb_agg"})
      if (toks[i].is_keyword(name)) builds = true, json = name[4] != 'b';
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
      if (start < comma && typer.expression(k, typed) && k == comma) {
        // (first among the insertions here: it encloses the argument's own rewrites)
        std::string open, close_text = ")";
        if (json && (typed.type == pgwire::oid::json || typed.type == pgwire::oid::numeric)) {
          open = "pgwire_json_raw(";  // (json keeps its text: json_builders.hpp)
        } else if (json && typed.type == pgwire::oid::jsonb) {
          open = "pgwire_jsonb_out(";  // (as jsonb_out prints it)
        } else if (typed.type == pgwire::oid::json || typed.type == pgwire::oid::jsonb ||
                   typed.type == pgwire::oid::numeric) {
          open = "json(";  // (a numeric is its decimal text: a number, not a string)
        } else if (typed.type == pgwire::oid::bool_) {
          open = "json(pgwire_json_bool(";  // (stored 0/1: json_builders.hpp)
          close_text = "))";
        }
        if (!open.empty()) {
          edits.insert(edits.begin(), Edit{toks[start].offset, toks[start].offset, open});
          edits.push_back({toks[comma - 1].end(), toks[comma - 1].end(), close_text});
        }
      }
      start = comma + 1;
    }
  }
}

}  // namespace sqlite_dialect
