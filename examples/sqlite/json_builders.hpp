#pragma once
// json_build_object(k, v, ...) and json_build_array(v, ...) as PostgreSQL
// prints their json (not jsonb) results: {"a" : 1, "b" : "x"} and
// [1, "x"]. SQLite's json_object and json_array (which the jsonb forms
// still use: a jsonb result prints as jsonb_out does anyway) write compact
// JSON and rewrite nested JSON; these keep a JSON argument's text as it
// came, as PostgreSQL keeps a json value's. A value is JSON when SQLite
// marks it so (a JSON function's result, or json() around an argument the
// statement types json, jsonb, numeric or boolean: json_arguments.hpp);
// numbers are numbers, other texts strings, NULL null.

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "array_functions.hpp"
#include "errors.hpp"
#include "json_values.hpp"

namespace sqlite_example::json_builders {

inline constexpr unsigned json_subtype = 'J';

// (a NULL or a failed conversion reads as empty)
using array_functions::text_of;

inline void append_value(std::string& out, sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: out += "null"; return;
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: out += text_of(v); return;
    default:
      if (sqlite3_value_subtype(v) == json_subtype) {
        out += text_of(v);
      } else {
        json_values::detail::quote(out, text_of(v));
      }
  }
}

inline void result_json(sqlite3_context* ctx, const std::string& text) {
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  sqlite3_result_subtype(ctx, json_subtype);
}

inline void build_object(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc % 2 != 0)
    return sqlite3_result_error(ctx, function_error("22023", "argument list must have even number of elements").c_str(),
                                -1);
  std::string out = "{";
  for (int i = 0; i < argc; i += 2) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
      return sqlite3_result_error(
          ctx, function_error("22023", "argument " + std::to_string(i + 1) + " cannot be null").c_str(), -1);
    if (i > 0) out += ", ";
    json_values::detail::quote(out, text_of(argv[i]));
    out += " : ";
    append_value(out, argv[i + 1]);
  }
  out += "}";
  result_json(ctx, out);
}

inline void build_array(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  std::string out = "[";
  for (int i = 0; i < argc; ++i) {
    if (i > 0) out += ", ";
    append_value(out, argv[i]);
  }
  out += "]";
  result_json(ctx, out);
}

// pgwire_json_bool(b): a boolean (stored 0/1) as JSON's 'true' / 'false'.
inline void json_bool(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  sqlite3_result_text(ctx, sqlite3_value_int(argv[0]) != 0 ? "true" : "false", -1, SQLITE_STATIC);
}

// pgwire_json_raw(x): x's text marked JSON as it is (a json value, a
// numeric's decimal text). pgwire_jsonb_out(x): x as jsonb_out prints it.
inline void json_raw(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  result_json(ctx, std::string(text_of(argv[0])));
}

inline void jsonb_out(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto doc = json_values::parse(text_of(argv[0]));
  if (!doc) return sqlite3_result_error(ctx, function_error("22P02", "invalid input syntax for type json").c_str(), -1);
  result_json(ctx, json_values::print(*doc));
}

inline void register_all(sqlite3* db) {
  int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
#ifdef SQLITE_SUBTYPE
  flags |= SQLITE_SUBTYPE;
#endif
#ifdef SQLITE_RESULT_SUBTYPE
  flags |= SQLITE_RESULT_SUBTYPE;
#endif
  sqlite3_create_function_v2(db, "pgwire_json_build_object", -1, flags, nullptr, &build_object, nullptr, nullptr,
                             nullptr);
  sqlite3_create_function_v2(db, "pgwire_json_build_array", -1, flags, nullptr, &build_array, nullptr, nullptr,
                             nullptr);
  sqlite3_create_function_v2(db, "pgwire_json_bool", 1, flags, nullptr, &json_bool, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_json_raw", 1, flags, nullptr, &json_raw, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_jsonb_out", 1, flags, nullptr, &jsonb_out, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::json_builders
