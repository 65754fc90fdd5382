#pragma once
// The string functions SQL spells with keywords, which SQLite cannot parse
// (the dialect's rewrite_calls in expressions.hpp turns them into calls):
//   trim([both | leading | trailing] [chars] FROM s) -> pgwire_trim('b'|'l'|'t', chars, s)
//   overlay(s PLACING r FROM a [FOR n])              -> pgwire_overlay(s, r, a[, n])
// Both count characters (UTF-8 code points), as PostgreSQL does.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "array_functions.hpp"
#include "errors.hpp"

namespace sqlite_example::string_syntax {

using array_functions::characters;
using array_functions::text_of;

// pgwire_trim(mode, chars, s): chars NULL is a space.
inline void trim(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[2]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  bool null_chars = sqlite3_value_type(argv[1]) == SQLITE_NULL;
  std::string_view mode = text_of(argv[0]);
  std::string chars_text = null_chars ? std::string(" ") : std::string(text_of(argv[1]));
  std::string s(text_of(argv[2]));
  auto set = characters(chars_text);
  auto in_set = [&](std::string_view c) {
    for (auto x : set)
      if (x == c) return true;
    return false;
  };
  auto chars = characters(s);
  std::size_t first = 0, last = chars.size();
  if (mode != "t")
    while (first < last && in_set(chars[first])) ++first;
  if (mode != "l")
    while (last > first && in_set(chars[last - 1])) --last;
  std::string out;
  for (std::size_t i = first; i < last; ++i) out += chars[i];
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// pgwire_overlay(s, r, from[, count]): s with `count` characters from
// `from` (1-based) replaced by r; count defaults to r's length.
inline void overlay(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string s(text_of(argv[0])), r(text_of(argv[1]));
  auto chars = characters(s);
  std::int64_t from = sqlite3_value_int64(argv[2]);
  std::int64_t count = argc > 3 ? sqlite3_value_int64(argv[3]) : static_cast<std::int64_t>(characters(r).size());
  if (from < 1) return sqlite3_result_error(ctx, function_error("22011", "negative substring length not allowed").c_str(), -1);
  std::string out;
  auto size = static_cast<std::int64_t>(chars.size());
  for (std::int64_t i = 0; i < from - 1 && i < size; ++i) out += chars[static_cast<std::size_t>(i)];
  out += r;
  for (std::int64_t i = std::max<std::int64_t>(from - 1 + count, 0); i < size; ++i) out += chars[static_cast<std::size_t>(i)];
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  sqlite3_create_function_v2(db, "pgwire_trim", 3, pure, nullptr, &trim, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_overlay", 3, pure, nullptr, &overlay, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_overlay", 4, pure, nullptr, &overlay, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::string_syntax
