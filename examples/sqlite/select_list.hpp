#pragma once
// The result list of a statement, item by item: the first top-level SELECT
// of a query (or VALUES), or the RETURNING list of INSERT, UPDATE and
// DELETE, each item typed and named as PostgreSQL would (expression_typer.hpp).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/oid.hpp>

#include "expression_typer.hpp"
#include "result_types.hpp"
#include "tokens.hpp"

namespace sqlite_dialect {

// The items of the statement's result list: the first top-level SELECT of a
// SELECT / WITH / VALUES-less query, or the RETURNING list of INSERT,
// UPDATE and DELETE. `casts`: (first, last) token of every `::type`, with
// its type. Empty when the statement has no such list.
inline std::vector<SelectItem> select_items(const std::vector<Token>& toks,
                                            const std::vector<std::pair<std::size_t, std::size_t>>& casts,
                                            const std::vector<pgwire::Oid>& cast_types, const ColumnResolver& resolve,
                                            const ColumnScaleResolver& scale_of) {
  std::vector<SelectItem> items;
  if (toks.empty()) return items;
  if (is(toks[0], "values") && toks.size() > 2 && is(toks[1], "(")) {
    // VALUES (1, 'a'), (2.5, NULL): each column's type is the rows' common
    // type, as PostgreSQL's select_common_type finds it for the usual cases
    // (the widest number; NULL takes the others' type).
    for (std::size_t open = 1, row = 0; open < toks.size() && is(toks[open], "("); ++row) {
      std::size_t close = matching_paren(toks, open);
      if (close >= toks.size()) break;
      std::size_t column = 0;
      for (std::size_t start = open + 1; start < close; ++column) {
        std::size_t comma = item_end(toks, start, close);
        SelectItem item;
        typing::Typer typer(toks, comma, casts, cast_types, resolve, scale_of);
        std::size_t k = start;
        if (!typer.expression(k, item) || k != comma) item = SelectItem{};
        if (comma == start + 1 && is(toks[start], "null")) item.type = 0;  // (no type of its own)
        item.aliased = true;  // SQLite's names (column1, ...) are PostgreSQL's
        item.scale = -1;      // (each row's own)
        if (row == 0) {
          items.push_back(std::move(item));
        } else if (column < items.size()) {
          pgwire::Oid& type = items[column].type;
          int ra = typing::numeric_rank(type), rb = typing::numeric_rank(item.type);
          if (type == 0 || (ra && rb && rb > ra)) type = item.type;
        }
        start = comma + 1;
      }
      open = close + 1;
      if (open >= toks.size() || !is(toks[open], ",")) break;
      ++open;
    }
    return items;
  }
  std::size_t i = 0;
  bool select = is(toks[0], "select") || is(toks[0], "with") || is(toks[0], "(");
  bool returning = is(toks[0], "insert") || is(toks[0], "update") || is(toks[0], "delete");
  if (!select && !returning) return items;
  // Find the list's start: the first SELECT (or RETURNING) outside parentheses.
  for (; i < toks.size(); ++i) {
    if (is(toks[i], "(") && !(select && i == 0)) {
      i = matching_paren(toks, i);
      continue;
    }
    if (select && is(toks[i], "select")) break;
    if (returning && is(toks[i], "returning")) break;
  }
  if (i >= toks.size()) return items;
  ++i;
  if (i < toks.size() && (is(toks[i], "distinct") || is(toks[i], "all"))) {
    if (is(toks[i], "distinct") && i + 1 < toks.size() && is(toks[i + 1], "on")) i = matching_paren(toks, i + 2);
    ++i;
  }
  static constexpr std::string_view ends[] = {"from",   "where",  "group", "order",  "limit",     "union",
                                              "having", "window", "into",  "except", "intersect", "offset",
                                              "fetch",  "for",    ";",     ")"};
  auto is_end = [&](std::size_t k) {
    if (k > 0 && is(toks[k], "group") && is(toks[k - 1], "within")) return false;  // (an ordered-set aggregate's)
    if (distinct_from(toks, k)) return false;
    for (auto e : ends)
      if (is(toks[k], e)) return true;
    return false;
  };
  // The list ends at the first end word outside parentheses.
  std::size_t stop = i;
  for (int depth = 0; stop < toks.size(); ++stop) {
    if (is(toks[stop], "("))
      ++depth;
    else if (is(toks[stop], ")") && depth > 0)
      --depth;
    else if (depth == 0 && is_end(stop))
      break;
  }
  for (std::size_t start = i; start < stop;) {
    std::size_t comma = item_end(toks, start, stop);
    SelectItem item;
    typing::Typer typer(toks, comma, casts, cast_types, resolve, scale_of);
    std::size_t k = start;
    bool ok = typer.expression(k, item);
    item.expression_end = k;
    if (ok && k == start + 1 && toks[start].kind == Kind::parameter) item.parameter = param(toks[start]);
    if (ok && k < comma) {  // an alias: AS name, or a bare name
      if (is(toks[k], "as")) ++k;
      if (k + 1 == comma && toks[k].is_name()) {
        item.aliased = true;
        item.name = identifier(toks[k]);
      } else {
        ok = false;
      }
    } else if (ok && k != comma) {
      ok = false;
    }
    if (!ok) item = SelectItem{};  // not understood: SQLite's name, type by value
    items.push_back(std::move(item));
    start = comma + 1;
  }
  // UNION, INTERSECT, EXCEPT: the rows of the other lists have their own scales.
  for (std::size_t k = stop, depth = 0; k < toks.size(); ++k) {
    if (is(toks[k], "(")) ++depth;
    if (is(toks[k], ")") && depth > 0) --depth;
    if (depth == 0 && (is(toks[k], "union") || is(toks[k], "intersect") || is(toks[k], "except")))
      for (auto& item : items) item.scale = -1;
  }
  return items;
}

}  // namespace sqlite_dialect
