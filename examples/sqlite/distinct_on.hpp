#pragma once
// SELECT DISTINCT ON (k, ...) ... ORDER BY ...: PostgreSQL keeps the first
// row of each group of equal keys, first in the query's ORDER BY. SQLite
// has no DISTINCT ON, so the statement becomes a window over the same rows:
//
//   SELECT * FROM (SELECT <items>,
//       row_number() OVER (PARTITION BY <keys> ORDER BY <order>) AS pgwire_distinct_rn,
//       row_number() OVER (ORDER BY <order>) AS pgwire_distinct_at
//     FROM ... WHERE ... GROUP BY ... HAVING ...) AS pgwire_distinct
//   WHERE pgwire_distinct_rn = 1 ORDER BY pgwire_distinct_at LIMIT ...
//
// The two window columns come last and are hidden from the result
// (Rewritten::hidden_columns); the result's names and types are those of
// the original list (translate.hpp). A key or ORDER BY item that names an
// output column (its alias or its position) becomes that item's
// expression, because a window sees only the FROM list's columns. Only the
// statement's own SELECT is rewritten (not one in a subquery, nor a part of
// a UNION): there the window columns would show.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "../sqlite_dialect.hpp"

namespace sqlite_example::distinct_on {

inline constexpr std::size_t hidden_columns = 2;

namespace detail {

using sqlite_dialect::is;
using sqlite_dialect::Kind;
using sqlite_dialect::Token;

// A select-list item: its expression's tokens [first, last) and its alias.
struct Item {
  std::size_t first, last;
  std::string alias;
};

inline bool ends_select_list(const Token& t) {
  for (const char* word : {"from", "where", "group", "having", "window", "order", "limit", "offset", "fetch", "for",
                           "union", "intersect", "except", "into"})
    if (t.is_keyword(word)) return true;
  return is(t, ";");
}

inline bool ends_order_by(const Token& t) {
  for (const char* word : {"limit", "offset", "fetch", "for"})
    if (t.is_keyword(word)) return true;
  return is(t, ";");
}

// The alias of the item toks[first, last), if it ends in one (AS name, or a
// bare name after the expression); `last` then moves before it.
inline std::string take_alias(const std::vector<Token>& toks, std::size_t first, std::size_t& last) {
  if (last - first >= 3 && is(toks[last - 2], "as") && toks[last - 1].is_name()) {
    last -= 2;
    return sqlite_dialect::identifier(toks[last + 1]);
  }
  if (last - first < 2) return {};
  const Token& name = toks[last - 1];
  const Token& before = toks[last - 2];
  if (name.kind != Kind::word && name.kind != Kind::quoted_identifier) return {};
  for (const char* word : {"null", "true", "false", "end", "unknown"})
    if (name.is_keyword(word)) return {};
  bool operand_ends = is(before, ")") || before.kind == Kind::word || before.kind == Kind::quoted_identifier ||
                      before.kind == Kind::number || before.kind == Kind::string;
  if (!operand_ends || before.is_keyword("collate") || (last - first >= 3 && is(toks[last - 3], "::"))) return {};
  --last;
  return sqlite_dialect::identifier(name);
}

// An expression with its tokens joined, for comparing two of them.
inline std::string normalized(const std::vector<Token>& toks, std::size_t first, std::size_t last) {
  std::string out;
  for (std::size_t k = first; k < last; ++k) out += toks[k].value() + " ";
  return out;
}

class Rewriter {
 public:
  Rewriter(std::string_view sql, const std::vector<Token>& toks) : sql_(sql), toks_(toks) {}

  // The expression text an ORDER BY item or DISTINCT ON key [first, last)
  // stands for: an output column's expression when it names one.
  std::string expression(std::size_t first, std::size_t last, std::string* compared = nullptr) const {
    if (last == first + 1) {
      const Token& t = toks_[first];
      if (t.kind == Kind::number && t.text.find_first_not_of("0123456789") == std::string_view::npos) {
        std::size_t n = std::stoul(std::string(t.text));
        if (n == 0 || n > items_.size())
          throw pgwire::PgError("42P10", "ORDER BY position " + std::string(t.text) + " is not in select list");
        return item_text(items_[n - 1], compared);
      }
      if (t.kind == Kind::word || t.kind == Kind::quoted_identifier)
        for (const Item& item : items_)
          if (!item.alias.empty() && item.alias == sqlite_dialect::identifier(t)) return item_text(item, compared);
    }
    if (compared) *compared = normalized(toks_, first, last);
    return text(first, last);
  }

  std::optional<std::string> run() {
    const std::size_t n = toks_.size();
    if (n == 0 || !(is(toks_[0], "select") || is(toks_[0], "with"))) return std::nullopt;
    std::size_t select = 0;
    while (select < n && !is(toks_[select], "select")) {
      if (is(toks_[select], "(")) select = sqlite_dialect::matching_paren(toks_, select);
      ++select;
    }
    if (select + 3 >= n || !is(toks_[select + 1], "distinct") || !is(toks_[select + 2], "on") ||
        !is(toks_[select + 3], "("))
      return std::nullopt;
    std::size_t keys_close = sqlite_dialect::matching_paren(toks_, select + 3);
    if (keys_close >= n) return std::nullopt;
    // The clauses after the list, at this level.
    std::size_t list_end = n, order = n, tail = n;
    for (std::size_t k = keys_close + 1; k < n; ++k) {
      const Token& t = toks_[k];
      if (is(t, "(")) {
        k = sqlite_dialect::matching_paren(toks_, k);
        continue;
      }
      if (t.is_keyword("union") || t.is_keyword("intersect") || t.is_keyword("except") || t.is_keyword("into"))
        return std::nullopt;
      bool within_group = t.is_keyword("group") && toks_[k - 1].is_keyword("within");  // (an aggregate's)
      if (list_end == n && ends_select_list(t) && !within_group) list_end = k;
      if (order == n && k + 1 < n && t.is_keyword("order") && toks_[k + 1].is_keyword("by")) order = k;
      if (tail == n && ends_order_by(t)) tail = k;
    }
    for (std::size_t start = keys_close + 1; start < list_end;) {
      std::size_t comma = sqlite_dialect::item_end(toks_, start, list_end);
      std::size_t last = comma;
      std::string alias = take_alias(toks_, start, last);
      items_.push_back({start, last, std::move(alias)});
      start = comma + 1;
    }
    // DISTINCT ON (a, b): each key's expression.
    std::vector<std::string> keys, key_forms;
    std::vector<std::size_t> key_at;
    for (std::size_t start = select + 4; start < keys_close;) {
      std::size_t comma = sqlite_dialect::item_end(toks_, start, keys_close);
      key_forms.emplace_back();
      keys.push_back(expression(start, comma, &key_forms.back()));
      key_at.push_back(start);
      start = comma + 1;
    }
    // ORDER BY: each item's expression and its ASC / DESC / NULLS words.
    // As PostgreSQL's transformDistinctOnClause: the keys must come first
    // (in any order); keys the ORDER BY leaves out sort after it.
    std::vector<std::string> order_items;
    std::vector<bool> covered(keys.size(), false);
    bool skipped = false;
    std::size_t order_end = order < n ? tail : n;
    for (std::size_t start = order + 2; order < n && start < order_end;) {
      std::size_t comma = sqlite_dialect::item_end(toks_, start, order_end);
      std::size_t last = comma;
      while (last > start + 1 && (toks_[last - 1].is_keyword("asc") || toks_[last - 1].is_keyword("desc") ||
                                  toks_[last - 1].is_keyword("first") || toks_[last - 1].is_keyword("last") ||
                                  toks_[last - 1].is_keyword("nulls")))
        --last;
      std::string form;
      std::string item = expression(start, last, &form);
      auto key = std::find(key_forms.begin(), key_forms.end(), form);
      if (key == key_forms.end()) {
        skipped = true;
      } else {
        auto k = static_cast<std::size_t>(key - key_forms.begin());
        if (skipped) mismatch(key_at[k]);
        covered[k] = true;
      }
      order_items.push_back(item + text_between(last, comma));
      start = comma + 1;
    }
    for (std::size_t k = 0; k < keys.size(); ++k) {
      if (covered[k]) continue;
      if (skipped) mismatch(key_at[k]);
      order_items.push_back(keys[k]);
    }
    std::string key_list = join(keys), order_list = join(order_items);
    std::string out(sql_.substr(0, toks_[select].offset));
    out += "SELECT * FROM (SELECT ";
    out += text(keys_close + 1, list_end);
    out += ", row_number() OVER (PARTITION BY " + key_list +
           " ORDER BY " + order_list + ") AS pgwire_distinct_rn";
    out += ", row_number() OVER (ORDER BY " + order_list + ") AS pgwire_distinct_at ";
    out += text(list_end, order < n ? order : tail);
    out += ") AS pgwire_distinct WHERE pgwire_distinct_rn = 1 ORDER BY pgwire_distinct_at ";
    if (tail < n) out += sql_.substr(toks_[tail].offset);
    return out;
  }

 private:
  [[noreturn]] void mismatch(std::size_t key) const {
    auto info = pgwire::ErrorInfo::error("42P10", "SELECT DISTINCT ON expressions must match initial ORDER BY expressions");
    std::size_t chars = 1;  // (PostgreSQL's position counts characters)
    for (char c : sql_.substr(0, toks_[key].offset)) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    info.position = std::to_string(chars);
    throw pgwire::PgError(std::move(info));
  }
  std::string text(std::size_t first, std::size_t last) const {
    if (first >= last) return {};
    return std::string(sql_.substr(toks_[first].offset, toks_[last - 1].end() - toks_[first].offset));
  }
  // The text of toks[first, last) with what lies between them and before.
  std::string text_between(std::size_t first, std::size_t last) const {
    if (first >= last) return {};
    return " " + text(first, last);
  }
  std::string item_text(const Item& item, std::string* compared) const {
    if (item.last == item.first + 1 && is(toks_[item.first], "*"))
      throw pgwire::PgError("0A000", "DISTINCT ON with an ORDER BY position of a * item is not supported");
    if (compared) *compared = normalized(toks_, item.first, item.last);
    return "(" + text(item.first, item.last) + ")";
  }
  static std::string join(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
  }

  std::string_view sql_;
  const std::vector<Token>& toks_;
  std::vector<Item> items_;
};

}  // namespace detail

// The statement with its DISTINCT ON done by a window, or nullopt when it
// has none (at its own level).
inline std::optional<std::string> rewrite(std::string_view sql, const std::vector<sqlite_dialect::Token>& toks) {
  return detail::Rewriter(sql, toks).run();
}

}  // namespace sqlite_example::distinct_on
