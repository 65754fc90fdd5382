#pragma once
// GROUP BY ROLLUP (...), CUBE (...) and GROUPING SETS (...), which SQLite
// has not, as one grouped SELECT per grouping set joined by UNION ALL:
//
//   SELECT a, b, sum(x) FROM t GROUP BY ROLLUP (a, b) ORDER BY 1, 2
//   -> SELECT a, b, sum(x) FROM t GROUP BY a, b
//      UNION ALL SELECT a, NULL AS "b", sum(x) FROM t GROUP BY a
//      UNION ALL SELECT NULL AS "a", NULL AS "b", sum(x) FROM t
//      ORDER BY 1, 2
//
// In each part the grouping expressions outside its set become NULL in the
// select list and HAVING (not inside an aggregate's arguments), and
// grouping(e, ...) becomes its bit mask. Plain GROUP BY items before the
// sets are in every part. ORDER BY, LIMIT and OFFSET apply to the union,
// so ORDER BY names output columns or positions, as SQLite requires of a
// compound SELECT. Only the statement's own SELECT is rewritten.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../sqlite_dialect.hpp"

namespace sqlite_example::grouping_sets {

namespace detail {

using sqlite_dialect::is;
using sqlite_dialect::Token;

struct Range {
  std::size_t first, last;  // tokens [first, last)
};

inline std::string key(const std::vector<Token>& toks, Range r) {
  std::string out;
  for (std::size_t k = r.first; k < r.last; ++k) out += toks[k].value() + " ";
  return out;
}

inline bool aggregate(const Token& t) {
  for (const char* name : {"sum", "count", "avg", "min", "max", "array_agg", "string_agg", "json_agg", "jsonb_agg",
                           "bool_and", "bool_or", "every", "group_concat", "json_object_agg", "jsonb_object_agg",
                           "percentile_cont", "percentile_disc", "mode", "stddev", "variance"})
    if (t.is_keyword(name)) return true;
  return false;
}

// The items of a parenthesized list toks(open, close), split at its commas.
inline std::vector<Range> items(const std::vector<Token>& toks, std::size_t open, std::size_t close) {
  std::vector<Range> out;
  for (std::size_t start = open + 1; start < close;) {
    std::size_t comma = sqlite_dialect::item_end(toks, start, close);
    if (comma > start) out.push_back({start, comma});
    start = comma + 1;
  }
  return out;
}

class Rewriter {
 public:
  Rewriter(std::string_view sql, const std::vector<Token>& toks) : sql_(sql), toks_(toks) {}

  std::optional<std::string> run() {
    const std::size_t n = toks_.size();
    if (n < 6 || !is(toks_[0], "select")) return std::nullopt;
    // The clauses of the statement's own SELECT.
    std::size_t group = n, group_end = n, tail = n;
    for (std::size_t k = 1; k < n; ++k) {
      const Token& t = toks_[k];
      if (is(t, "(")) {
        k = sqlite_dialect::matching_paren(toks_, k);
        continue;
      }
      if (t.is_keyword("union") || t.is_keyword("intersect") || t.is_keyword("except")) return std::nullopt;
      if (group == n && k + 1 < n && t.is_keyword("group") && toks_[k + 1].is_keyword("by") &&
          !toks_[k - 1].is_keyword("within"))
        group = k;
      else if (group < n && group_end == n &&
               (t.is_keyword("having") || t.is_keyword("window") || t.is_keyword("order") || t.is_keyword("limit") ||
                t.is_keyword("offset") || t.is_keyword("fetch") || is(t, ";")))
        group_end = k;
      if (tail == n && (t.is_keyword("order") || t.is_keyword("limit") || t.is_keyword("offset") ||
                        t.is_keyword("fetch") || is(t, ";")))
        tail = k;
    }
    if (group == n) return std::nullopt;
    // GROUP BY plain items, then one ROLLUP / CUBE / GROUPING SETS.
    std::vector<Range> plain;
    std::vector<std::vector<Range>> sets;
    for (std::size_t start = group + 2; start < group_end;) {
      std::size_t comma = sqlite_dialect::item_end(toks_, start, group_end);
      const Token& t = toks_[start];
      bool rollup = t.is_keyword("rollup"), cube = t.is_keyword("cube");
      bool grouping = t.is_keyword("grouping") && start + 1 < comma && toks_[start + 1].is_keyword("sets");
      std::size_t open = start + (grouping ? 2 : 1);
      if ((rollup || cube || grouping) && open < comma && is(toks_[open], "(")) {
        if (!sets.empty()) return std::nullopt;  // (two of them: their cross product, not done)
        std::size_t close = sqlite_dialect::matching_paren(toks_, open);
        if (close >= comma) return std::nullopt;
        auto elements = items(toks_, open, close);
        if (rollup) {
          for (std::size_t size = elements.size() + 1; size-- > 0;)
            sets.emplace_back(elements.begin(), elements.begin() + static_cast<std::ptrdiff_t>(size));
        } else if (cube) {
          if (elements.size() > 12) return std::nullopt;
          std::size_t all = (std::size_t{1} << elements.size()) - 1;
          for (std::size_t mask = all + 1; mask-- > 0;) {
            std::vector<Range> set;
            for (std::size_t e = 0; e < elements.size(); ++e)
              if (mask & (std::size_t{1} << (elements.size() - 1 - e))) set.push_back(elements[e]);
            sets.push_back(std::move(set));
          }
        } else {
          for (Range e : elements) {
            if (is(toks_[e.first], "(") && sqlite_dialect::matching_paren(toks_, e.first) + 1 == e.last)
              sets.push_back(items(toks_, e.first, e.last - 1));
            else
              sets.push_back({e});
          }
        }
      } else {
        plain.push_back({start, comma});
      }
      start = comma + 1;
    }
    if (sets.empty()) return std::nullopt;
    for (const auto& set : sets)
      for (Range r : set) grouped_.push_back(key(toks_, r));
    std::size_t from = n;  // the select list ends at FROM (or at GROUP BY without one)
    for (std::size_t k = 1; k < group; ++k) {
      if (is(toks_[k], "(")) {
        k = sqlite_dialect::matching_paren(toks_, k);
        continue;
      }
      if (toks_[k].is_keyword("from")) {
        from = k;
        break;
      }
    }
    if (from == n) from = group;
    std::string out;
    for (std::size_t s = 0; s < sets.size(); ++s) {
      std::vector<std::string> in;
      for (Range r : sets[s]) in.push_back(key(toks_, r));
      if (s > 0) out += " UNION ALL ";
      out += "SELECT " + substituted(1, from, in) + " " + text(from, group);
      std::string by;
      for (Range r : plain) by += (by.empty() ? "" : ", ") + text(r.first, r.last);
      for (Range r : sets[s]) by += (by.empty() ? "" : ", ") + text(r.first, r.last);
      if (!by.empty()) out += " GROUP BY " + by;
      if (group_end < tail) out += " " + substituted(group_end, tail, in);
    }
    if (tail < n) out += " " + std::string(sql_.substr(toks_[tail].offset));
    return out;
  }

 private:
  std::string text(std::size_t first, std::size_t last) const {
    if (first >= last) return {};
    return std::string(sql_.substr(toks_[first].offset, toks_[last - 1].end() - toks_[first].offset));
  }

  // toks[first, last) with the grouped expressions not in `in` as NULL
  // (aliased as the item they make up whole) and grouping(...) as its mask.
  std::string substituted(std::size_t first, std::size_t last, const std::vector<std::string>& in) const {
    auto member = [&](const std::string& k) {
      for (const auto& i : in)
        if (i == k) return true;
      return false;
    };
    std::string out;
    std::size_t copied = toks_[first].offset;
    auto replace = [&](std::size_t from, std::size_t to, const std::string& with) {
      out += sql_.substr(copied, toks_[from].offset - copied);
      out += with;
      copied = toks_[to - 1].end();
    };
    std::size_t inside_aggregate = 0;  // (the close of the aggregate call we are in)
    for (std::size_t k = first; k < last; ++k) {
      if (k >= inside_aggregate) inside_aggregate = 0;
      if (inside_aggregate == 0 && detail::aggregate(toks_[k]) && k + 1 < last && is(toks_[k + 1], "(")) {
        inside_aggregate = sqlite_dialect::matching_paren(toks_, k + 1);
        continue;
      }
      if (inside_aggregate) continue;
      if (toks_[k].is_keyword("grouping") && k + 1 < last && is(toks_[k + 1], "(")) {
        std::size_t close = sqlite_dialect::matching_paren(toks_, k + 1);
        if (close >= last) break;
        long mask = 0;
        for (Range r : items(toks_, k + 1, close)) mask = (mask << 1) | (member(key(toks_, r)) ? 0 : 1);
        replace(k, close + 1, std::to_string(mask));
        k = close;
        continue;
      }
      for (const auto& g : grouped_) {
        // (g spelled as tokens joined by spaces: compare token by token)
        std::size_t end = k;
        std::string here;
        while (end < last && here.size() < g.size()) here += toks_[end++].value() + " ";
        if (here != g || member(g) || (k > 0 && is(toks_[k - 1], ".")) || (end < last && is(toks_[end], "(")))
          continue;
        bool whole = (is(toks_[k - 1], "select") || is(toks_[k - 1], ",")) && (end == last || is(toks_[end], ","));
        std::string name = end == k + 1 ? toks_[k].value() : "";
        replace(k, end, whole && !name.empty() ? "NULL AS " + sqlite_dialect::quote_identifier(name) : "NULL");
        k = end - 1;
        break;
      }
    }
    out += sql_.substr(copied, toks_[last - 1].end() - copied);
    return out;
  }

  std::string_view sql_;
  const std::vector<Token>& toks_;
  std::vector<std::string> grouped_;
};

}  // namespace detail

// The statement with its grouping sets as a UNION ALL of GROUP BYs, or
// nullopt when it has none.
inline std::optional<std::string> rewrite(std::string_view sql, const std::vector<sqlite_dialect::Token>& toks) {
  return detail::Rewriter(sql, toks).run();
}

}  // namespace sqlite_example::grouping_sets
