#pragma once
// Interval arithmetic by the operands' types: `t + interval '1 day'`,
// `t - '2 hours'::interval`, `iv1 + iv2` become calls of datetime.hpp's
// functions; SQLite would subtract the leading numbers of two strings. The
// left operand is what PostgreSQL binds to + and - (found backwards:
// operands joined by + - * / % ||, each with its calls, parentheses,
// qualifiers and casts: operand_extents.hpp).

#include <cstddef>
#include <functional>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "operand_extents.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

// The edits for `moment +/- interval` and `interval +/- interval`: the
// right operand is an interval literal or cast, or any operand the
// statement types interval (a column, a call, `iv * 2`), or a plain string
// beside an interval (PostgreSQL reads `iv + '3 hours'` as an interval).
// moment +/- x -> pgwire_add_interval(moment, sign, x), interval +/- x ->
// pgwire_interval_add(a, sign, x) (datetime.hpp): the texts alone cannot
// tell an interval of 03:00:00 from a time of day. date + time is a
// timestamp, as date + interval. `type_of(first, end)`: the type of
// toks[first, end), or 0.
//
// Operators are taken right to left: in `t + a - b` the wrapper of `- b`,
// made first, encloses the one of `+ a` (apply_edits). Run after the
// interval scaling and the division guard, whose wrappers then sit inside
// this one's right operand.
inline void rewrite_interval_arithmetic(const std::vector<Token>& toks, const std::vector<CastSpan>& casts,
                                        std::vector<Edit>& edits,
                                        const std::function<pgwire::Oid(std::size_t, std::size_t)>& type_of) {
  const std::size_t n = toks.size();
  std::vector<std::size_t> cast_end(n + 1, 0);
  for (const auto& c : casts) cast_end[c.at] = c.last;
  auto typed = [&](std::size_t first, std::size_t end) -> pgwire::Oid { return type_of ? type_of(first, end) : 0; };
  for (std::size_t i = n - 1; i-- > 1;) {
    if (!is(toks[i], "+") && !is(toks[i], "-")) continue;
    std::size_t start = detail::left_operand_start(toks, i - 1, casts);
    if (start >= i) continue;
    // The right operand: a primary and what binds tighter than + and -.
    std::size_t end = toks[i + 1].is_keyword("interval") && i + 2 < n && toks[i + 2].kind == Kind::string
                          ? i + 2
                          : detail::operand_end(toks, i + 1, cast_end);
    while (end + 2 < n && (is(toks[end + 1], "*") || is(toks[end + 1], "/") || is(toks[end + 1], "%"))) {
      std::size_t next = detail::operand_end(toks, end + 2, cast_end);
      if (next >= n) break;
      end = next;
    }
    if (end >= n) continue;
    bool interval_literal = toks[i + 1].is_keyword("interval") && end == i + 2;
    bool interval_cast = false;
    for (const auto& c : casts)
      if (c.at == i + 2 && c.last == end && c.type == pgwire::oid::interval && toks[i + 1].kind == Kind::string)
        interval_cast = true;
    pgwire::Oid left = typed(start, i);
    pgwire::Oid right = interval_literal || interval_cast ? pgwire::oid::interval : typed(i + 1, end + 1);
    bool plain_string = end == i + 1 && toks[i + 1].kind == Kind::string;
    const char* call = nullptr;
    if (left == pgwire::oid::interval && (right == pgwire::oid::interval || plain_string)) {
      call = "pgwire_interval_add(";
    } else if (right == pgwire::oid::interval && left != pgwire::oid::interval) {
      call = "pgwire_add_interval(";
    } else if (left == pgwire::oid::date && right == pgwire::oid::time && is(toks[i], "+")) {
      call = "pgwire_add_interval(";  // (a time of day reads as the interval since midnight)
    }
    if (call == nullptr) continue;
    edits.push_back({toks[start].offset, toks[start].offset, call});
    edits.push_back({toks[i].offset, toks[i].end(), is(toks[i], "-") ? ", -1, " : ", 1, "});
    edits.push_back({toks[end].end(), toks[end].end(), ")"});
  }
}

}  // namespace sqlite_dialect
