#pragma once
// A date compared with a timestamp: PostgreSQL compares the date as its
// midnight (a timestamptz's in the session's TimeZone), so
// '2024-03-01'::timestamp = '2024-03-01'::date is true. The stored texts
// differ ("2024-03-01 00:00:00" against "2024-03-01"), and SQLite compared
// them as texts: = was false, and a date sorted before every time of its
// own day. The date operand becomes pgwire_cast(d, timestamp type)
// (functions.hpp), when both operands' types are known (`type_of`).
//
// Only a date operand that is one primary (a column, a literal, a cast, a
// call, current_date) is wrapped: a wrapper of date arithmetic (d + 1)
// would share both its ends, which apply_edits cannot nest. Run before the
// casts' and keywords' rewrites, whose edits then sit inside this one.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "expressions.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

inline void rewrite_moment_comparisons(const std::vector<Token>& toks, const std::vector<CastSpan>& casts,
                                       std::vector<Edit>& edits,
                                       const std::function<pgwire::Oid(std::size_t, std::size_t)>& type_of) {
  if (!type_of) return;
  const std::size_t n = toks.size();
  std::vector<std::size_t> cast_end(n + 1, 0);
  for (const auto& c : casts) cast_end[c.at] = c.last;
  auto comparison = [](const Token& t) {
    for (const char* op : {"=", "<>", "!=", "<", ">", "<=", ">="})
      if (t.is_punct(op)) return true;
    return false;
  };
  auto zoned = [](pgwire::Oid t) { return t == pgwire::oid::timestamp || t == pgwire::oid::timestamptz; };
  // The last token of the operand starting at toks[first]: primaries joined
  // by the operators that bind tighter than a comparison.
  auto primary_end = [&](std::size_t first) {
    if (first + 1 < n && toks[first + 1].kind == Kind::string &&  // date '...', timestamp '...'
        (toks[first].is_keyword("date") || toks[first].is_keyword("timestamp") ||
         toks[first].is_keyword("timestamptz") || toks[first].is_keyword("interval")))
      return first + 1;
    return detail::operand_end(toks, first, cast_end);
  };
  auto operand_end = [&](std::size_t first) {
    std::size_t end = primary_end(first);
    while (end < n && end + 2 < n &&
           (is(toks[end + 1], "+") || is(toks[end + 1], "-") || is(toks[end + 1], "*") || is(toks[end + 1], "/") ||
            is(toks[end + 1], "%")))
      end = primary_end(end + 2);
    return end;
  };
  auto one_primary = [&](std::size_t first, std::size_t last) { return primary_end(first) == last; };
  auto wrap = [&](std::size_t first, std::size_t last, pgwire::Oid to) {
    edits.push_back({toks[first].offset, toks[first].offset, "pgwire_cast("});
    edits.push_back({toks[last].end(), toks[last].end(), ", " + std::to_string(to) + ")"});
  };
  for (std::size_t p = 1; p + 1 < n; ++p) {
    if (!comparison(toks[p])) continue;
    std::size_t start = detail::left_operand_start(toks, p - 1, casts);
    std::size_t end = operand_end(p + 1);
    if (start >= p || end >= n) continue;
    pgwire::Oid left = type_of(start, p), right = type_of(p + 1, end + 1);
    if (left == pgwire::oid::date && zoned(right) && one_primary(start, p - 1)) wrap(start, p - 1, right);
    if (right == pgwire::oid::date && zoned(left) && one_primary(p + 1, end)) wrap(p + 1, end, left);
  }
}

}  // namespace sqlite_dialect
