#pragma once
// PostgreSQL's array comparisons and functions over sqlite_server's arrays,
// which are stored as their text form ('{1,2,NULL}'; values.hpp):
//
// - x op ANY (array) / x op SOME (array) / x op ALL (array), op one of
//   = <> != < > <= >=: the dialect rewrites them to pgwire_any('op',
//   is_all, x, array) (expressions.hpp). `WHERE id = ANY($1)` with a list
//   is how psycopg, node-postgres, asyncpg and pgx send an IN list. With
//   PostgreSQL's NULL rules: no match and a NULL element (or a NULL x) is
//   NULL; ANY over an empty array is false, ALL true. Numbers compare as
//   numbers (exactly: numeric_text.hpp), other values as text;
// - array_length(a, 1), cardinality(a), array_upper(a, 1), array_lower(a, 1),
//   array_position(a, x), array_to_string(a, sep [, null_text]).

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/array.hpp>

#include "errors.hpp"
#include "numeric_text.hpp"

namespace sqlite_example::array_functions {

inline std::string_view text_of(sqlite3_value* v) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return {p ? p : "", static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

// The code points of s, each as its bytes.
inline std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// The array argument's elements; false (the context holds 22P02) when it is no array.
inline bool decode(sqlite3_context* ctx, sqlite3_value* v, pgwire::DecodedArray<std::string>& out) {
  std::string_view text = text_of(v);
  if (pgwire::decode_text(text, out)) {
    sqlite3_result_error(
        ctx, function_error("22P02", "malformed array literal: \"" + std::string(text) + "\"").c_str(), -1);
    return false;
  }
  return true;
}

// -1, 0, 1: x against an element's text, as numbers when both are.
inline int compare(sqlite3_value* x, std::string_view element) {
  std::string_view xt = text_of(x);
  int type = sqlite3_value_type(x);
  auto a = numeric_text::parse(xt), b = numeric_text::parse(element);
  bool numbers = (type == SQLITE_INTEGER || type == SQLITE_FLOAT || a.kind == numeric_text::Decimal::finite) &&
                 b.kind == numeric_text::Decimal::finite;
  if (numbers) return numeric_text::compare(a, b, xt, element);
  int c = xt.compare(element);
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

inline bool holds(std::string_view op, int c) {
  if (op == "=") return c == 0;
  if (op == "<>" || op == "!=") return c != 0;
  if (op == "<") return c < 0;
  if (op == ">") return c > 0;
  if (op == "<=") return c <= 0;
  return c >= 0;  // ">="
}

// x op ANY/ALL (a), a decoded.
inline void answer_any(sqlite3_context* ctx, std::string_view op, bool all, sqlite3_value* x,
                       const pgwire::DecodedArray<std::string>& a) {
  if (a.elements.empty()) return sqlite3_result_int(ctx, all ? 1 : 0);
  if (sqlite3_value_type(x) == SQLITE_NULL) return sqlite3_result_null(ctx);
  bool unknown = false;
  for (const auto& e : a.elements) {
    if (!e) {
      unknown = true;
      continue;
    }
    bool h = holds(op, compare(x, *e));
    if (!all && h) return sqlite3_result_int(ctx, 1);
    if (all && !h) return sqlite3_result_int(ctx, 0);
  }
  if (unknown) return sqlite3_result_null(ctx);
  sqlite3_result_int(ctx, all ? 1 : 0);
}

// pgwire_any(op, is_all, x, array). The array is decoded once per
// statement, not per row (SQLite keeps it with the constant argument:
// sqlite3_set_auxdata), so `WHERE id = ANY($1)` over a big table parses
// the list once.
inline void any(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[3]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view op = text_of(argv[0]);
  bool all = sqlite3_value_int(argv[1]) != 0;
  using Array = pgwire::DecodedArray<std::string>;
  auto* kept = static_cast<Array*>(sqlite3_get_auxdata(ctx, 3));
  if (kept == nullptr) {
    auto decoded = std::make_unique<Array>();
    if (!decode(ctx, argv[3], *decoded)) return;
    sqlite3_set_auxdata(ctx, 3, decoded.release(), [](void* p) { delete static_cast<Array*>(p); });
    kept = static_cast<Array*>(sqlite3_get_auxdata(ctx, 3));  // (SQLite may drop it at once: not a constant)
    if (kept == nullptr) {
      decoded = std::make_unique<Array>();
      if (!decode(ctx, argv[3], *decoded)) return;
      return answer_any(ctx, op, all, argv[2], *decoded);
    }
  }
  answer_any(ctx, op, all, argv[2], *kept);
}

// array_length(a, dim), array_upper(a, dim), array_lower(a, dim): one dimension.
template <int Which>  // 0 length, 1 upper, 2 lower
void bound(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_int(argv[1]) != 1) return sqlite3_result_null(ctx);
  pgwire::DecodedArray<std::string> a;
  if (!decode(ctx, argv[0], a)) return;
  if (a.elements.empty()) return sqlite3_result_null(ctx);
  auto n = static_cast<std::int64_t>(a.elements.size());
  sqlite3_result_int64(ctx, Which == 0 ? n : Which == 1 ? a.lower_bound + n - 1 : a.lower_bound);
}

inline void cardinality(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  pgwire::DecodedArray<std::string> a;
  if (!decode(ctx, argv[0], a)) return;
  sqlite3_result_int64(ctx, static_cast<std::int64_t>(a.elements.size()));
}

inline void position(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  pgwire::DecodedArray<std::string> a;
  if (!decode(ctx, argv[0], a)) return;
  bool null = sqlite3_value_type(argv[1]) == SQLITE_NULL;
  for (std::size_t i = 0; i < a.elements.size(); ++i)
    if (null ? !a.elements[i] : a.elements[i] && compare(argv[1], *a.elements[i]) == 0)
      return sqlite3_result_int64(ctx, a.lower_bound + static_cast<std::int64_t>(i));
  sqlite3_result_null(ctx);
}

inline void to_string(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  pgwire::DecodedArray<std::string> a;
  if (!decode(ctx, argv[0], a)) return;
  std::string separator(text_of(argv[1]));
  std::optional<std::string> null_text;
  if (argc == 3 && sqlite3_value_type(argv[2]) != SQLITE_NULL) null_text = std::string(text_of(argv[2]));
  std::string out;
  bool first = true;
  for (const auto& e : a.elements) {
    if (!e && !null_text) continue;
    if (!first) out += separator;
    out += e ? *e : *null_text;
    first = false;
  }
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// pgwire_array_get(a, i): a[i] (the dialect's rewrite of a subscript);
// NULL outside the bounds, as PostgreSQL. An integer element comes back as
// an integer (n[1] = 1 compares as numbers), any other as its text.
inline void element(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  pgwire::DecodedArray<std::string> a;
  if (!decode(ctx, argv[0], a)) return;
  std::int64_t at = sqlite3_value_int64(argv[1]) - a.lower_bound;
  if (at < 0 || at >= static_cast<std::int64_t>(a.elements.size())) return sqlite3_result_null(ctx);
  const auto& e = a.elements[static_cast<std::size_t>(at)];
  if (!e) return sqlite3_result_null(ctx);
  bool integer = !e->empty() && e->size() < 19;
  for (std::size_t i = 0; i < e->size() && integer; ++i)
    integer = std::isdigit(static_cast<unsigned char>((*e)[i])) || (i == 0 && (*e)[i] == '-' && e->size() > 1);
  if (integer) return sqlite3_result_int64(ctx, std::stoll(*e));
  sqlite3_result_text(ctx, e->data(), static_cast<int>(e->size()), SQLITE_TRANSIENT);
}

// pgwire_array_slice(a, lower, upper): a[lower:upper] (NULL: open), an array.
inline void slice(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  pgwire::DecodedArray<std::string> a;
  if (!decode(ctx, argv[0], a)) return;
  std::int64_t first = a.lower_bound, last = a.lower_bound + static_cast<std::int64_t>(a.elements.size()) - 1;
  if (sqlite3_value_type(argv[1]) != SQLITE_NULL) first = std::max<std::int64_t>(first, sqlite3_value_int64(argv[1]));
  if (sqlite3_value_type(argv[2]) != SQLITE_NULL) last = std::min<std::int64_t>(last, sqlite3_value_int64(argv[2]));
  std::vector<std::optional<std::string>> kept;
  for (std::int64_t i = first; i <= last; ++i) kept.push_back(a.elements[static_cast<std::size_t>(i - a.lower_bound)]);
  pgwire::Buffer out;
  pgwire::encode_text(pgwire::ArrayRef<std::string>(kept), out);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  sqlite3_create_function_v2(db, "pgwire_any", 4, pure, nullptr, &any, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "array_length", 2, pure, nullptr, &bound<0>, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "array_upper", 2, pure, nullptr, &bound<1>, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "array_lower", 2, pure, nullptr, &bound<2>, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "cardinality", 1, pure, nullptr, &cardinality, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "array_position", 2, pure, nullptr, &position, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "array_to_string", 2, pure, nullptr, &to_string, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "array_to_string", 3, pure, nullptr, &to_string, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_array_get", 2, pure, nullptr, &element, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_array_slice", 3, pure, nullptr, &slice, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::array_functions
