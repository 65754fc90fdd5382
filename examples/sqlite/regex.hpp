#pragma once
// PostgreSQL's regular-expression match operators on SQLite: `a ~ b`,
// `a ~* b`, `a !~ b`, `a !~* b` become `a REGEXP b` / `a NOT REGEXP b` (the
// dialect's rewrite; SQLite calls the function regexp(pattern, value)),
// the case-insensitive ones with the pattern wrapped in pgwire_icase().
// Patterns are std::regex ECMAScript ones, which agree with PostgreSQL's
// advanced regular expressions on the everyday syntax (classes, anchors,
// quantifiers, groups, alternation); an invalid pattern is 2201B, as in
// PostgreSQL. A compiled pattern is kept for the rest of the statement.

#include <sqlite3.h>

#include <regex>
#include <string>
#include <string_view>

#include "errors.hpp"

namespace sqlite_example::regex {

inline constexpr std::string_view icase_marker = "\x01pgwire-icase\x01";

inline void icase(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string marked(icase_marker);
  marked.append(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  sqlite3_result_text(ctx, marked.data(), static_cast<int>(marked.size()), SQLITE_TRANSIENT);
}

// regexp(pattern, value): SQLite's REGEXP operator.
inline void regexp(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  auto* compiled = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, 0));
  if (compiled == nullptr) {
    std::string_view pattern(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                             static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
    auto flags = std::regex::ECMAScript;
    if (pattern.starts_with(icase_marker)) {
      pattern.remove_prefix(icase_marker.size());
      flags |= std::regex::icase;
    }
    try {
      compiled = new std::regex(pattern.begin(), pattern.end(), flags);
    } catch (const std::regex_error& e) {
      return sqlite3_result_error(
          ctx, function_error("2201B", "invalid regular expression: " + std::string(e.what())).c_str(), -1);
    }
    sqlite3_set_auxdata(ctx, 0, compiled, [](void* p) { delete static_cast<std::regex*>(p); });
    compiled = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, 0));
    if (compiled == nullptr) return sqlite3_result_error_nomem(ctx);
  }
  std::string_view value(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])),
                         static_cast<std::size_t>(sqlite3_value_bytes(argv[1])));
  sqlite3_result_int(ctx, std::regex_search(value.begin(), value.end(), *compiled) ? 1 : 0);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  sqlite3_create_function_v2(db, "regexp", 2, pure, nullptr, &regexp, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_icase", 1, pure, nullptr, &icase, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::regex
