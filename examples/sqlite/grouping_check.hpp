#pragma once
// An ungrouped column beside an aggregate, or outside the GROUP BY list:
// PostgreSQL refuses it (42803: column "t.a" must appear in the GROUP BY
// clause or be used in an aggregate function), SQLite answers with an
// arbitrary row's a. Checked where the text leaves no doubt: one SELECT
// (no set operation, no window clause), one table in FROM, and a column of
// that table in the select list outside every aggregate call and subquery.
//   - Without GROUP BY: when the list has an aggregate call (not a window).
//   - With GROUP BY a list of columns, select-list ordinals, aliases or
//     expressions written as in the select list: a column neither grouped
//     nor inside a grouped item. Grouping by the table's whole primary key
//     makes every column of it grouped (PostgreSQL's functional
//     dependency), which `primary_key` tells; without it nothing is
//     checked. ROLLUP, CUBE, GROUPING SETS, or an item not understood:
//     nothing is checked.

#include <cstddef>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include <pgwire/codec/error_info.hpp>

#include "tokens.hpp"

namespace sqlite_dialect {

namespace grouping_detail {

inline bool is_aggregate_name(const Token& t) {
  for (std::string_view name :
       {"count", "sum", "avg", "min", "max", "array_agg", "string_agg", "bool_and", "bool_or", "every", "json_agg",
        "jsonb_agg", "json_object_agg", "jsonb_object_agg", "stddev", "stddev_pop", "stddev_samp", "variance",
        "var_pop", "var_samp", "bit_and", "bit_or", "percentile_cont", "percentile_disc", "mode"})
    if (t.is_keyword(name)) return true;
  return false;
}

// Tokens after which a name starts an operand (else it is an alias: SELECT count(*) n).
inline bool starts_operand_after(const Token& t) {
  if (t.kind == Kind::punct) return !is(t, ")") && !is(t, "]") && !is(t, ".") && !is(t, "::");
  for (std::string_view w : {"select", "distinct", "all", "case", "when", "then", "else", "and", "or", "not"})
    if (t.is_keyword(w)) return true;
  return false;
}

inline bool contains(const std::vector<std::string>& names, const std::string& name) {
  for (const auto& n : names)
    if (sqlite3_stricmp(n.c_str(), name.c_str()) == 0) return true;
  return false;
}

// The [first, end) token ranges of the list items in toks[start, stop).
inline std::vector<std::pair<std::size_t, std::size_t>> list_items(const std::vector<Token>& toks, std::size_t start,
                                                                   std::size_t stop) {
  std::vector<std::pair<std::size_t, std::size_t>> items;
  for (std::size_t first = start; first <= stop;) {
    std::size_t end = item_end(toks, first, stop);
    items.emplace_back(first, end);
    first = end + 1;
  }
  return items;
}

inline bool same_tokens(const std::vector<Token>& toks, std::size_t a, std::size_t b, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k)
    if (toks[a + k].kind != toks[b + k].kind ||
        (toks[a + k].kind == Kind::word ? toks[a + k].value() != toks[b + k].value() : toks[a + k].text != toks[b + k].text))
      return false;
  return true;
}

// The GROUP BY list at toks[group] ("group" "by" ...): the columns it
// groups (in `grouped`), and the select items it names whole (ordinals,
// aliases, the same expression) marked in `skipped`. False when an item is
// none of those (ROLLUP, CUBE, an expression the list does not have, ...).
inline bool grouped_items(const std::vector<Token>& toks, std::size_t from, std::size_t group, const std::string& alias,
                          const ColumnResolver& resolve, std::vector<bool>& skipped,
                          std::vector<std::string>& grouped) {
  auto items = list_items(toks, toks.size() > 1 && toks[1].is_keyword("distinct") ? 2 : 1, from);
  auto mark = [&](std::pair<std::size_t, std::size_t> item) {
    for (std::size_t j = item.first; j < item.second; ++j) skipped[j] = true;
  };
  // The alias an item ends with: `expr AS name` or `expr name`.
  auto alias_of = [&](std::pair<std::size_t, std::size_t> item) -> std::string {
    auto [first, end] = item;
    if (end - first >= 2 && toks[end - 1].is_name() && (toks[end - 2].is_keyword("as") || is(toks[end - 2], ")") ||
                                                         toks[end - 2].is_name()))
      return identifier(toks[end - 1]);
    return {};
  };
  std::size_t stop = group + 2;  // the end of the GROUP BY clause
  for (int depth = 0; stop < toks.size() && !is(toks[stop], ";"); ++stop) {
    if (is(toks[stop], "(")) ++depth;
    if (is(toks[stop], ")")) --depth;
    bool next_clause = false;
    for (std::string_view w : {"having", "order", "limit", "offset", "fetch", "for"})
      next_clause = next_clause || toks[stop].is_keyword(w);
    if (depth == 0 && next_clause) break;
  }
  for (auto [first, end] : list_items(toks, group + 2, stop)) {
    std::size_t n = end - first;
    if (n == 0) return false;
    if (toks[first].is_keyword("rollup") || toks[first].is_keyword("cube") || toks[first].is_keyword("grouping") ||
        is(toks[first], "("))
      return false;
    if (n == 1 && toks[first].kind == Kind::number) {  // an ordinal
      std::size_t ordinal = std::strtoul(std::string(toks[first].text).c_str(), nullptr, 10);
      if (ordinal == 0 || ordinal > items.size()) return false;
      auto item = items[ordinal - 1];
      if (item.second - item.first == 1 && toks[item.first].is_name()) grouped.push_back(identifier(toks[item.first]));
      mark(item);
    } else if (n == 1 && toks[first].is_name() && resolve("", identifier(toks[first])) != 0) {
      grouped.push_back(identifier(toks[first]));
    } else if (n == 3 && toks[first].is_name() && is(toks[first + 1], ".") && toks[first + 2].is_name() &&
               sqlite3_stricmp(identifier(toks[first]).c_str(), alias.c_str()) == 0) {
      grouped.push_back(identifier(toks[first + 2]));
    } else {
      bool found = false;  // an alias of the list, or an expression written as there
      for (auto item : items) {
        auto [a, b] = item;
        std::string named = alias_of(item);
        bool by_alias = n == 1 && toks[first].is_name() && !named.empty() &&
                        sqlite3_stricmp(named.c_str(), identifier(toks[first]).c_str()) == 0;
        bool same = (b - a >= n && same_tokens(toks, a, first, n) &&
                     (b - a == n || (!named.empty() && (b - a == n + 1 || (b - a == n + 2 && toks[a + n].is_keyword("as"))))));
        if (by_alias || same) {
          mark(item);
          found = true;
        }
      }
      if (!found) return false;
    }
  }
  return true;
}

}  // namespace grouping_detail

// A table's primary key columns (none: empty).
using KeyResolver = std::function<std::vector<std::string>(const std::string& table)>;

inline void check_grouping(const std::vector<Token>& toks, const ColumnResolver& resolve,
                           const KeyResolver& primary_key = {}) {
  using namespace grouping_detail;
  if (!resolve || toks.empty() || !toks[0].is_keyword("select")) return;
  std::size_t from = toks.size(), group = toks.size();
  int depth = 0;
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (is(toks[i], "(")) ++depth;
    if (is(toks[i], ")")) --depth;
    if (depth != 0) continue;
    if (from == toks.size() && toks[i].is_keyword("from") && !distinct_from(toks, i)) from = i;
    if (toks[i].is_keyword("group") && i + 1 < toks.size() && toks[i + 1].is_keyword("by") && group == toks.size()) {
      group = i;
      continue;
    }
    for (std::string_view w : {"group", "union", "intersect", "except", "window"})
      if (toks[i].is_keyword(w)) return;
  }
  if (from == toks.size() || (group != toks.size() && !primary_key)) return;
  // FROM name [[AS] alias], then the end of the FROM clause.
  std::size_t k = from + 1;
  if (k >= toks.size() || !toks[k].is_name()) return;
  std::string table = identifier(toks[k]), alias = table;
  ++k;
  if (k + 1 < toks.size() && is(toks[k], ".") && toks[k + 1].is_name()) {  // (schema.table)
    table = alias = identifier(toks[k + 1]);
    k += 2;
  }
  if (k < toks.size() && toks[k].is_keyword("as")) ++k;
  auto clause_ends = [&](std::size_t at) {
    if (at == toks.size() || is(toks[at], ";")) return true;
    for (std::string_view w : {"where", "group", "having", "order", "limit", "offset", "fetch", "for"})
      if (toks[at].is_keyword(w)) return true;
    return false;
  };
  if (!clause_ends(k) && toks[k].kind == Kind::word) alias = identifier(toks[k++]);  // (an alias)
  if (!clause_ends(k)) return;  // (a join, a list, a function, a subquery)
  // The select list: aggregate calls and subqueries are skipped.
  bool aggregate = false;
  std::vector<bool> skipped(from, false);
  for (std::size_t i = 1; i < from; ++i) {
    if (skipped[i]) continue;
    bool call = i + 1 < from && is(toks[i + 1], "(");
    bool subquery = is(toks[i], "(") && i + 1 < from && toks[i + 1].is_keyword("select");
    if (!call && !subquery) continue;
    std::size_t close = matching_paren(toks, call ? i + 1 : i);
    if (close >= from) return;
    std::size_t end = close;
    if (call && end + 2 < from && toks[end + 1].is_keyword("within") && toks[end + 2].is_keyword("group"))
      end = matching_paren(toks, end + 3);
    if (call && end + 1 < from && toks[end + 1].is_keyword("filter")) end = matching_paren(toks, end + 2);
    if (end >= from) return;
    bool window = end + 1 < from && toks[end + 1].is_keyword("over");
    if (subquery || (is_aggregate_name(toks[i]) && !window && !(i > 0 && is(toks[i - 1], ".")))) {
      if (!subquery) aggregate = true;
      for (std::size_t j = i; j <= end; ++j) skipped[j] = true;
    }
  }
  std::vector<std::string> grouped;
  if (group != toks.size()) {
    if (!grouped_items(toks, from, group, alias, resolve, skipped, grouped)) return;
    auto key = primary_key(table);
    bool whole_key = !key.empty();
    for (const auto& column : key) whole_key = whole_key && contains(grouped, column);
    if (whole_key) return;
  } else if (!aggregate) {
    return;
  }
  for (std::size_t i = 1; i < from; ++i) {
    if (skipped[i] || !toks[i].is_name() ||
        (i + 1 < from && (is(toks[i + 1], "(") || is(toks[i + 1], ".") || toks[i + 1].kind == Kind::string)))
      continue;  // (a call, a qualifier, a typed literal: date '...')
    bool qualified = i >= 2 && is(toks[i - 1], ".") && toks[i - 2].is_name();
    if (qualified ? sqlite3_stricmp(identifier(toks[i - 2]).c_str(), alias.c_str()) != 0
                  : !starts_operand_after(toks[i - 1]))
      continue;
    std::string column = identifier(toks[i]);
    if (resolve(qualified ? identifier(toks[i - 2]) : std::string(), column) == 0 || contains(grouped, column)) continue;
    throw pgwire::PgError("42803", "column \"" + alias + "." + column +
                                       "\" must appear in the GROUP BY clause or be used in an aggregate function");
  }
}

}  // namespace sqlite_dialect
