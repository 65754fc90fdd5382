#pragma once
// jsonb's key-existence operators, which SQLite has no syntax for, and
// ->>'s text (pgwire_json_text, for rewrite_json_text in operator_rewrites.hpp):
//   doc ? 'k'          the string is a top-level key (of an object) or a
//                      string element (of an array, or the scalar itself)
//   doc ?| array[...]  any of them is;  doc ?& array[...]  all of them are
// The translation (rewrite_json_key_operators, operator_rewrites.hpp) turns
// them into SQLite's MATCH, an infix operator that calls match(Y, X) with
// the comparison operators' precedence, as PostgreSQL's `?` binds against
// AND/OR/NOT: doc ? 'k' -> doc MATCH 'k', doc ?| a -> doc MATCH
// pgwire_keys_any(a). A NULL operand gives NULL.

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>

#include "array_functions.hpp"
#include "json_values.hpp"

namespace sqlite_example::json_key_operators {

// pgwire_keys_any / pgwire_keys_all mark their array for match().
inline constexpr std::string_view any_tag = "\x01pgwire_keys_any\x01", all_tag = "\x01pgwire_keys_all\x01";

// Whether `key` is a top-level key or string element of `doc` (-1: `doc`
// is no JSON; the context then holds the error). Parsed here
// (json_values.hpp), not by a statement of SQLite's JSON1 per row.
inline int has_key(sqlite3_context* ctx, const std::optional<json_values::Value>& doc, std::string_view key) {
  using V = json_values::Value;
  if (!doc) {
    sqlite3_result_error(ctx, function_error("22P02", "invalid input syntax for type json").c_str(), -1);
    return -1;
  }
  if (doc->kind == V::object) return doc->member(key) ? 1 : 0;
  if (doc->kind == V::string) return doc->text == key ? 1 : 0;
  if (doc->kind != V::array) return 0;
  for (const V& e : doc->items)
    if (e.kind == V::string && e.text == key) return 1;
  return 0;
}

// match(key or tagged array, doc): what doc MATCH y asks.
inline void match(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string_view wanted = array_functions::text_of(argv[0]);
  bool any = wanted.starts_with(any_tag), all = wanted.starts_with(all_tag);
  auto doc = json_values::parse(array_functions::text_of(argv[1]));
  if (!any && !all) {
    int found = has_key(ctx, doc, wanted);
    if (found >= 0) sqlite3_result_int(ctx, found);
    return;
  }
  std::string_view list = wanted.substr(any_tag.size());
  pgwire::DecodedArray<std::string> keys;
  if (pgwire::decode_text(list, keys))
    return sqlite3_result_error(
        ctx, function_error("22P02", "malformed array literal: \"" + std::string(list) + "\"").c_str(), -1);
  for (const auto& key : keys.elements) {
    if (!key) continue;  // (a NULL key is in no document)
    int found = has_key(ctx, doc, *key);
    if (found < 0) return;
    if (any && found) return sqlite3_result_int(ctx, 1);
    if (all && !found) return sqlite3_result_int(ctx, 0);
  }
  sqlite3_result_int(ctx, all ? 1 : 0);
}

// pgwire_json_text(j): what PostgreSQL's ->> gives for the JSON text j
// that SQLite's -> gave: a string unquoted, null as NULL, anything else
// (numbers, true/false, objects, arrays) as its JSON text.
inline void json_text(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view j = array_functions::text_of(argv[0]);
  if (j == "null") return sqlite3_result_null(ctx);
  if (!j.starts_with("\"")) return sqlite3_result_text(ctx, j.data(), static_cast<int>(j.size()), SQLITE_TRANSIENT);
  if (j.find('\\') == std::string_view::npos && j.size() >= 2)  // (no escapes: the text between the quotes)
    return sqlite3_result_text(ctx, j.data() + 1, static_cast<int>(j.size() - 2), SQLITE_TRANSIENT);
  auto string = json_values::parse(j);  // (escapes: decoded)
  if (!string || string->kind != json_values::Value::string) return sqlite3_result_null(ctx);
  sqlite3_result_text(ctx, string->text.data(), static_cast<int>(string->text.size()), SQLITE_TRANSIENT);
}

inline void tag(sqlite3_context* ctx, sqlite3_value* v, std::string_view with) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string out(with);
  out += array_functions::text_of(v);
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  sqlite3_create_function_v2(db, "match", 2, flags, nullptr, &match, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_json_text", 1, flags, nullptr, &json_text, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(
      db, "pgwire_keys_any", 1, flags, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) { tag(ctx, argv[0], any_tag); }, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(
      db, "pgwire_keys_all", 1, flags, nullptr,
      [](sqlite3_context* ctx, int, sqlite3_value** argv) { tag(ctx, argv[0], all_tag); }, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::json_key_operators
