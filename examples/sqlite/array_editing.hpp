#pragma once
// PostgreSQL's functions that build and compare arrays, over sqlite_server's
// arrays in their text form ('{1,2,NULL}'; array_functions.hpp reads them):
//   string_to_array(s, delimiter [, null_string])
//   array_append(a, x), array_prepend(x, a), array_cat(a, b)   (and a || b,
//     a || x, x || a: the dialect's rewrite, json_array_operators.hpp)
//   array_remove(a, x), array_replace(a, from, to)
//   a @> b, a <@ b, a && b  as pgwire_array_contains(a, b),
//     pgwire_array_contained(a, b), pgwire_array_overlap(a, b)
// Elements compare as array_functions.hpp's compare() does: as numbers when
// both are, else as text; NULL equals nothing (array_remove's and
// array_replace's NULL argument matches NULL elements, as PostgreSQL's).
// Results are printed as array_out does (pgwire::encode_text).

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/buffer.hpp>
#include <pgwire/types/array.hpp>

#include "array_functions.hpp"
#include "numeric_text.hpp"

namespace sqlite_example::array_editing {

using Elements = std::vector<std::optional<std::string>>;

inline void result_array(sqlite3_context* ctx, const Elements& elements) {
  pgwire::Buffer out;
  pgwire::encode_text(pgwire::ArrayRef<std::string>(elements, pgwire::oid::text), out);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// The array argument's elements; false (the context holds 22P02) when it is no array.
inline bool elements_of(sqlite3_context* ctx, sqlite3_value* v, Elements& out) {
  pgwire::DecodedArray<std::string> a;
  if (!array_functions::decode(ctx, v, a)) return false;
  for (auto& e : a.elements) out.emplace_back(e ? std::optional<std::string>(std::string(*e)) : std::nullopt);
  return true;
}

inline std::optional<std::string> element_of(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return std::nullopt;
  return std::string(array_functions::text_of(v));
}

inline bool same(const std::string& a, const std::string& b) {
  auto x = numeric_text::parse(a), y = numeric_text::parse(b);
  if (x.kind == numeric_text::Decimal::finite && y.kind == numeric_text::Decimal::finite)
    return numeric_text::compare(x, y, a, b) == 0;
  return a == b;
}

inline void string_to_array(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view s = array_functions::text_of(argv[0]);
  std::optional<std::string> null_string;
  if (argc > 2 && sqlite3_value_type(argv[2]) != SQLITE_NULL) null_string = std::string(array_functions::text_of(argv[2]));
  Elements out;
  auto add = [&](std::string_view part) {
    if (null_string && part == *null_string)
      out.emplace_back(std::nullopt);
    else
      out.emplace_back(std::string(part));
  };
  if (!s.empty()) {
    if (sqlite3_value_type(argv[1]) == SQLITE_NULL) {  // each character (UTF-8 sequence) alone
      for (std::string_view c : array_functions::characters(s)) add(c);
    } else if (std::string_view delimiter = array_functions::text_of(argv[1]); delimiter.empty()) {
      add(s);
    } else {
      for (std::size_t from = 0;;) {
        std::size_t at = s.find(delimiter, from);
        add(s.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
        if (at == std::string_view::npos) break;
        from = at + delimiter.size();
      }
    }
  }
  result_array(ctx, out);
}

// array_append(a, x) (user data 0), array_prepend(x, a) (1).
inline void append(sqlite3_context* ctx, int, sqlite3_value** argv) {
  bool prepend = sqlite3_user_data(ctx) != nullptr;
  sqlite3_value* array = argv[prepend ? 1 : 0];
  Elements elements;
  if (sqlite3_value_type(array) != SQLITE_NULL && !elements_of(ctx, array, elements)) return;
  auto x = element_of(argv[prepend ? 0 : 1]);
  if (prepend)
    elements.insert(elements.begin(), std::move(x));
  else
    elements.push_back(std::move(x));
  result_array(ctx, elements);
}

inline void cat(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL && sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  Elements elements;
  for (int i = 0; i < 2; ++i)
    if (sqlite3_value_type(argv[i]) != SQLITE_NULL && !elements_of(ctx, argv[i], elements)) return;
  result_array(ctx, elements);
}

// array_remove(a, x) (argc 2) and array_replace(a, from, to) (argc 3).
inline void remove_or_replace(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  Elements elements, out;
  if (!elements_of(ctx, argv[0], elements)) return;
  auto target = element_of(argv[1]);
  for (auto& e : elements) {
    bool match = target ? e && same(*e, *target) : !e;
    if (!match)
      out.push_back(std::move(e));
    else if (argc == 3)
      out.push_back(element_of(argv[2]));
  }
  result_array(ctx, out);
}

inline bool holds(const Elements& a, const std::string& x) {
  for (const auto& e : a)
    if (e && same(*e, x)) return true;
  return false;
}

// pgwire_array_contains(a, b) (user data 0), pgwire_array_contained(a, b)
// (1: b contains a), pgwire_array_overlap(a, b) (2).
inline void compare_sets(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  Elements a, b;
  if (!elements_of(ctx, argv[0], a) || !elements_of(ctx, argv[1], b)) return;
  auto mode = reinterpret_cast<std::intptr_t>(sqlite3_user_data(ctx));
  if (mode == 1) std::swap(a, b);
  if (mode == 2) {
    for (const auto& e : b)
      if (e && holds(a, *e)) return sqlite3_result_int(ctx, 1);
    return sqlite3_result_int(ctx, 0);
  }
  for (const auto& e : b)
    if (!e || !holds(a, *e)) return sqlite3_result_int(ctx, 0);
  sqlite3_result_int(ctx, 1);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  auto add = [&](const char* name, int args, void (*f)(sqlite3_context*, int, sqlite3_value**), std::intptr_t data = 0) {
    sqlite3_create_function_v2(db, name, args, pure, reinterpret_cast<void*>(data), f, nullptr, nullptr, nullptr);
  };
  add("string_to_array", 2, &string_to_array);
  add("string_to_array", 3, &string_to_array);
  add("array_append", 2, &append);
  add("array_prepend", 2, &append, 1);
  add("array_cat", 2, &cat);
  add("array_remove", 2, &remove_or_replace);
  add("array_replace", 3, &remove_or_replace);
  add("pgwire_array_contains", 2, &compare_sets, 0);
  add("pgwire_array_contained", 2, &compare_sets, 1);
  add("pgwire_array_overlap", 2, &compare_sets, 2);
}

}  // namespace sqlite_example::array_editing
