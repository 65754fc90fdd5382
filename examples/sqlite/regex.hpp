#pragma once
// PostgreSQL's regular-expression match operators on SQLite: `a ~ b`,
// `a ~* b`, `a !~ b`, `a !~* b` become `a REGEXP b` / `a NOT REGEXP b` (the
// dialect's rewrite; SQLite calls the function regexp(pattern, value)),
// the case-insensitive ones with the pattern wrapped in pgwire_icase().
// Patterns are std::regex ECMAScript ones, which agree with PostgreSQL's
// advanced regular expressions on the everyday syntax (classes, anchors,
// quantifiers, groups, alternation); an invalid pattern is 2201B, as in
// PostgreSQL. A constant pattern is compiled once per statement. Also
// regexp_replace(s, pattern, replacement [, flags]) and regexp_match(s,
// pattern [, flags]) (flags g and i).

#include <sqlite3.h>

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/buffer.hpp>
#include <pgwire/types/array.hpp>

#include "array_functions.hpp"
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

// (a NULL or a failed conversion reads as empty)
using array_functions::text_of;

// PostgreSQL's words (regerror) for why a pattern does not compile.
inline std::string reason(const std::regex_error& e) {
  namespace rc = std::regex_constants;
  switch (e.code()) {
    case rc::error_paren: return "parentheses () not balanced";
    case rc::error_brack: return "brackets [] not balanced";
    case rc::error_brace: return "braces {} not balanced";
    case rc::error_badbrace: return "invalid repetition count(s)";
    case rc::error_badrepeat: return "quantifier operand invalid";
    case rc::error_escape: return "invalid escape \\ sequence";
    case rc::error_range: return "invalid character range";
    case rc::error_ctype: return "invalid character class";
    case rc::error_collate: return "invalid collating element";
    default: return e.what();
  }
}

// The pattern argv[at] compiled with `flags` (an icase marker adds icase):
// kept for the rest of the statement when the pattern is a constant
// (sqlite3_set_auxdata), else in `local`; nullptr after reporting 2201B.
inline const std::regex* compiled_pattern(sqlite3_context* ctx, sqlite3_value** argv, int at,
                                          std::regex::flag_type flags, std::optional<std::regex>& local) {
  if (auto* kept = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, at))) return kept;
  std::string_view pattern = text_of(argv[at]);
  if (pattern.starts_with(icase_marker)) {
    pattern.remove_prefix(icase_marker.size());
    flags |= std::regex::icase;
  }
  try {
    local.emplace(pattern.begin(), pattern.end(), flags);
  } catch (const std::regex_error& e) {
    sqlite3_result_error(ctx, function_error("2201B", "invalid regular expression: " + reason(e)).c_str(), -1);
    return nullptr;
  }
  sqlite3_set_auxdata(ctx, at, new std::regex(*local), [](void* p) { delete static_cast<std::regex*>(p); });
  if (auto* kept = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, at))) return kept;
  return &*local;  // (not a constant: SQLite dropped the copy at once)
}

// regexp(pattern, value): SQLite's REGEXP operator.
inline void regexp(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::optional<std::regex> local;
  const std::regex* compiled = compiled_pattern(ctx, argv, 0, std::regex::ECMAScript, local);
  if (compiled == nullptr) return;
  std::string_view value = text_of(argv[1]);
  sqlite3_result_int(ctx, std::regex_search(value.begin(), value.end(), *compiled) ? 1 : 0);
}

// A function's flags argument (argv[at], if given): 'g' global, 'i' icase.
inline bool read_flags(sqlite3_context* ctx, int argc, sqlite3_value** argv, int at, bool& global,
                       std::regex::flag_type& flags) {
  global = false;
  flags = std::regex::ECMAScript;
  if (argc <= at || sqlite3_value_type(argv[at]) == SQLITE_NULL) return true;
  for (char c : text_of(argv[at])) {
    if (c == 'g') global = true;
    else if (c == 'i') flags |= std::regex::icase;
    else if (c != 'c' && c != 'n' && c != 's' && c != 't') {
      sqlite3_result_error(ctx, function_error("22023", std::string("invalid regular expression option: \"") + c + "\"").c_str(), -1);
      return false;
    }
  }
  return true;
}

// PostgreSQL's replacement text (\1 .. \9, \& the match, \\ a backslash)
// as std::regex's format ($1, $&, $$).
inline std::string replacement_format(std::string_view r) {
  std::string out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r[i] == '$') {
      out += "$$";
    } else if (r[i] == '\\' && i + 1 < r.size() && r[i + 1] >= '1' && r[i + 1] <= '9') {
      out += '$';
      out += r[++i];
    } else if (r[i] == '\\' && i + 1 < r.size() && r[i + 1] == '&') {
      out += "$&";
      ++i;
    } else if (r[i] == '\\' && i + 1 < r.size() && r[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else {
      out += r[i];
    }
  }
  return out;
}

// regexp_replace(source, pattern, replacement [, flags]).
inline void replace(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < 3; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  bool global;
  std::regex::flag_type flags;
  if (!read_flags(ctx, argc, argv, 3, global, flags)) return;
  std::optional<std::regex> local;
  const std::regex* compiled = compiled_pattern(ctx, argv, 1, flags, local);
  if (compiled == nullptr) return;
  std::string source(text_of(argv[0]));
  auto how = global ? std::regex_constants::format_default : std::regex_constants::format_first_only;
  std::string out = std::regex_replace(source, *compiled, replacement_format(text_of(argv[2])), how);
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// regexp_match(s, pattern [, flags]): the first match's groups as text[]
// (the whole match when there are none); NULL without a match.
inline void match(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  bool global;
  std::regex::flag_type flags;
  if (!read_flags(ctx, argc, argv, 2, global, flags)) return;
  std::optional<std::regex> local;
  const std::regex* compiled = compiled_pattern(ctx, argv, 1, flags, local);
  if (compiled == nullptr) return;
  std::string_view s = text_of(argv[0]);
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(s.begin(), s.end(), m, *compiled)) return sqlite3_result_null(ctx);
  std::vector<std::optional<std::string>> groups;
  if (m.size() == 1) groups.emplace_back(m[0].str());
  for (std::size_t g = 1; g < m.size(); ++g)
    groups.emplace_back(m[g].matched ? std::optional<std::string>(m[g].str()) : std::nullopt);
  pgwire::Buffer out;
  pgwire::encode_text(pgwire::ArrayRef<std::string>(groups, pgwire::oid::text), out);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// regexp_split_to_array(s, pattern [, flags]): the texts between the matches.
inline void split_to_array(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  bool global;
  std::regex::flag_type flags;
  if (!read_flags(ctx, argc, argv, 2, global, flags)) return;
  std::optional<std::regex> local;
  const std::regex* compiled = compiled_pattern(ctx, argv, 1, flags, local);
  if (compiled == nullptr) return;
  std::string s(text_of(argv[0]));
  std::vector<std::optional<std::string>> parts;
  for (std::sregex_token_iterator it(s.begin(), s.end(), *compiled, -1), end; it != end; ++it) parts.emplace_back(*it);
  if (parts.empty()) parts.emplace_back(std::string());
  pgwire::Buffer out;
  pgwire::encode_text(pgwire::ArrayRef<std::string>(parts, pgwire::oid::text), out);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  sqlite3_create_function_v2(db, "regexp", 2, pure, nullptr, &regexp, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_icase", 1, pure, nullptr, &icase, nullptr, nullptr, nullptr);
  for (int args : {3, 4})
    sqlite3_create_function_v2(db, "regexp_replace", args, pure, nullptr, &replace, nullptr, nullptr, nullptr);
  for (int args : {2, 3}) {
    sqlite3_create_function_v2(db, "regexp_match", args, pure, nullptr, &match, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "regexp_split_to_array", args, pure, nullptr, &split_to_array, nullptr, nullptr,
                               nullptr);
  }
}

}  // namespace sqlite_example::regex
