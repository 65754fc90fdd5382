#pragma once
// enum_first(x), enum_last(x), enum_range(x) and enum_range(a, b) of enum
// types (enum_types.hpp). They take their type from the argument's type,
// `enum_range(NULL::mood)`, which SQLite cannot see in a NULL: the
// dialect passes the type's OID as one more argument (pass_type), and
// these functions read the labels from the registry.
//   enum_first / enum_last: the first / last label (typed as the enum);
//   enum_range: the labels, or those from a to b (NULL: an open end), as
//   an array's text ({sad,ok,happy}, typed as the enum's array).

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../sqlite_dialect.hpp"
#include "enum_registry.hpp"
#include "errors.hpp"

namespace sqlite_example::enum_functions {

using sqlite_dialect::is;
using sqlite_dialect::Token;

// The statement with each enum call's type OID appended to its arguments;
// nullopt when it has no such call.
inline std::optional<std::string> pass_type(std::string_view sql, const std::vector<Token>& toks) {
  std::vector<sqlite_dialect::Edit> edits;
  for (std::size_t i = 0; i + 1 < toks.size(); ++i) {
    if (!(is(toks[i], "enum_first") || is(toks[i], "enum_last") || is(toks[i], "enum_range")) || !is(toks[i + 1], "("))
      continue;
    std::size_t close = sqlite_dialect::matching_paren(toks, i + 1);
    if (close >= toks.size()) continue;
    pgwire::Oid type = 0;
    for (std::size_t k = i + 2; k + 1 < close && type == 0; ++k)
      if (is(toks[k], "::")) type = enum_registry::oid_named(toks[k + 1].text);
    if (type == 0) continue;
    edits.push_back({toks[close].offset, toks[close].offset, ", " + std::to_string(type)});
  }
  if (edits.empty()) return std::nullopt;
  return sqlite_dialect::apply_edits(sql, std::move(edits));
}

namespace detail {

inline std::shared_ptr<const enum_registry::EnumType> type_of(sqlite3_context* ctx, sqlite3_value* oid) {
  auto t = enum_registry::registry().find(static_cast<pgwire::Oid>(sqlite3_value_int64(oid)));
  if (!t) sqlite3_result_error(ctx, function_error("42704", "could not determine actual enum type").c_str(), -1);
  return t;
}

inline void first_or_last(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto t = type_of(ctx, argv[argc - 1]);
  if (!t) return;
  bool last = *static_cast<bool*>(sqlite3_user_data(ctx));
  if (t->labels.empty()) return sqlite3_result_null(ctx);
  const std::string& label = last ? t->labels.back() : t->labels.front();
  sqlite3_result_text(ctx, label.data(), static_cast<int>(label.size()), SQLITE_TRANSIENT);
}

// An array element as array_out writes it: quoted when it must be.
inline std::string array_element(std::string_view label) {
  bool quote = label.empty() || label.size() == 4 && (label[0] | 0x20) == 'n' && (label[1] | 0x20) == 'u' &&
                                    (label[2] | 0x20) == 'l' && (label[3] | 0x20) == 'l';
  for (char c : label) quote = quote || c == ',' || c == '{' || c == '}' || c == '"' || c == '\\' || c == ' ' ||
                               c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  if (!quote) return std::string(label);
  std::string out = "\"";
  for (char c : label) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

inline void range(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto t = type_of(ctx, argv[argc - 1]);
  if (!t) return;
  std::size_t from = 0, to = t->labels.size();
  if (argc == 3) {
    auto bound = [&](sqlite3_value* v, std::size_t open) -> std::optional<std::size_t> {
      if (sqlite3_value_type(v) == SQLITE_NULL) return open;
      int at = t->position(reinterpret_cast<const char*>(sqlite3_value_text(v)));
      if (at < 0) return std::nullopt;
      return static_cast<std::size_t>(at);
    };
    auto a = bound(argv[0], 0), b = bound(argv[1], t->labels.size() - 1);
    if (!a || !b) return sqlite3_result_null(ctx);
    from = *a;
    to = *b + 1;
  }
  std::string out = "{";
  for (std::size_t i = from; i < to; ++i) out += (i == from ? "" : ",") + array_element(t->labels[i]);
  out += "}";
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

}  // namespace detail

inline void register_all(sqlite3* db) {
  constexpr int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS;  // (not deterministic: ALTER TYPE changes the answer)
  static bool first = false, last = true;
  sqlite3_create_function_v2(db, "enum_first", 2, flags, &first, &detail::first_or_last, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "enum_last", 2, flags, &last, &detail::first_or_last, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "enum_range", 2, flags, nullptr, &detail::range, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "enum_range", 3, flags, nullptr, &detail::range, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::enum_functions
