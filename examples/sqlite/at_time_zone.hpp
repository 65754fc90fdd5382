#pragma once
// x AT TIME ZONE zone -> pgwire_at_time_zone(x, zone, x's type, zone is an
// interval) (time_zones.hpp): SQLite has no such syntax. x is the primary
// before AT (a column, a call, a typed literal timestamp '...', a
// parenthesized expression, a ::cast), typed by the statement's text; the
// zone the primary after ZONE.

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "operator_rewrites.hpp"
#include "result_types.hpp"
#include "select_list.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

inline void rewrite_at_time_zone(const std::vector<Token>& toks,
                                 const std::vector<std::pair<std::size_t, std::size_t>>& casts,
                                 const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve,
                                 std::vector<Edit>& edits) {
  const std::size_t n = toks.size();
  for (std::size_t at = 1; at + 3 < n; ++at) {
    if (!toks[at].is_keyword("at") || !toks[at + 1].is_keyword("time") || !toks[at + 2].is_keyword("zone")) continue;
    std::size_t start = json_primary_start(toks, at - 1);
    if (start >= n) continue;
    if (start > 0 && toks[start].kind == Kind::string && typed_literal_type(toks[start - 1]) != 0) --start;
    // The zone: a primary, or INTERVAL '...'.
    std::size_t zone = at + 3, end = zone;
    bool interval = toks[zone].is_keyword("interval") && zone + 1 < n && toks[zone + 1].kind == Kind::string;
    if (interval) {
      end = zone + 1;
    } else if (is(toks[zone], "(")) {
      end = matching_paren(toks, zone);
    } else if (toks[zone].is_name() && zone + 1 < n && is(toks[zone + 1], "(")) {
      end = matching_paren(toks, zone + 1);
    } else if (!(toks[zone].kind == Kind::string || toks[zone].kind == Kind::parameter || toks[zone].is_name())) {
      continue;
    }
    if (end >= n) continue;
    while (end + 2 < n && is(toks[end + 1], "::") && toks[end + 2].is_name()) {
      end += 2;
      interval = interval || toks[end].is_keyword("interval");
    }
    typing::Typer typer(toks, at, casts, cast_types, resolve, no_scale);
    SelectItem typed;
    std::size_t k = start;
    pgwire::Oid type = typer.expression(k, typed) && k == at ? typed.type : 0;
    // (first among the insertions here: it encloses the operand's own rewrites)
    edits.insert(edits.begin(), Edit{toks[start].offset, toks[start].offset, "pgwire_at_time_zone("});
    edits.push_back({toks[at].offset, toks[at + 2].end(), ","});
    edits.push_back({toks[end].end(), toks[end].end(),
                     ", " + std::to_string(type) + ", " + (interval ? "1" : "0") + ")"});
  }
}

}  // namespace sqlite_dialect
