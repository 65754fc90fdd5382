#pragma once
// jsonb's operators and functions that SQLite's JSON1 lacks, over the JSON
// texts sqlite_server keeps (json_values.hpp parses them):
//   a @> b, a <@ b       pgwire_jsonb_contains(a, b), pgwire_jsonb_contained(a, b)
//   a || b               pgwire_jsonb_concat(a, b): objects merge, arrays join
//   a #> path, a #>> path pgwire_jsonb_path(a, path, as_text): path a text[]
//   a - k                pgwire_jsonb_minus(a, k): a key, string element or index
//   jsonb_set(target, path, value [, create_missing]), jsonb_typeof, json_typeof,
//   to_json, to_jsonb, jsonb_pretty, jsonb_strip_nulls,
//   jsonb_extract_path(_text)(doc, VARIADIC keys)
// The operators are the dialect's rewrites (json_array_operators.hpp). A jsonb
// result is compact JSON with SQLite's JSON subtype, so it nests in
// json_object() and json_group_array(); the result column's jsonb type
// prints it as jsonb_out does. A text that is no JSON is 22P02.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/types/array.hpp>

#include "array_functions.hpp"
#include "errors.hpp"
#include "function_table.hpp"
#include "json_values.hpp"

namespace sqlite_example::jsonb_functions {

using json_values::Value;

inline constexpr unsigned json_subtype = 'J';  // (SQLite's JSON1 marks its JSON results so)

inline std::optional<Value> argument(sqlite3_context* ctx, sqlite3_value* v) {
  auto parsed = json_values::parse(array_functions::text_of(v));
  if (!parsed)
    sqlite3_result_error(ctx, function_error("22P02", "invalid input syntax for type json").c_str(), -1);
  return parsed;
}

inline void result_json(sqlite3_context* ctx, const Value& v) {
  std::string text = json_values::print(v);
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  sqlite3_result_subtype(ctx, json_subtype);
}

inline void contains(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(argc, argv)) return sqlite3_result_null(ctx);
  auto a = argument(ctx, argv[0]);
  if (!a) return;
  auto b = argument(ctx, argv[1]);
  if (!b) return;
  bool reversed = sqlite3_user_data(ctx) != nullptr;  // (a <@ b)
  sqlite3_result_int(ctx, (reversed ? json_values::contains(*b, *a) : json_values::contains(*a, *b)) ? 1 : 0);
}

inline void concat(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(argc, argv)) return sqlite3_result_null(ctx);
  auto a = argument(ctx, argv[0]);
  if (!a) return;
  auto b = argument(ctx, argv[1]);
  if (!b) return;
  if (a->kind == Value::object && b->kind == Value::object) {
    for (std::size_t i = 0; i < b->keys.size(); ++i) {
      a->keys.push_back(std::move(b->keys[i]));
      a->items.push_back(std::move(b->items[i]));
    }
    json_values::normalize(*a);
    return result_json(ctx, *a);
  }
  Value joined;
  joined.kind = Value::array;
  for (Value* side : {&*a, &*b}) {
    if (side->kind == Value::array) {
      for (auto& e : side->items) joined.items.push_back(std::move(e));
    } else {
      joined.items.push_back(std::move(*side));
    }
  }
  result_json(ctx, joined);
}

// A text[] path ('{a,b,1}'); false after reporting it malformed.
inline bool path_of(sqlite3_context* ctx, sqlite3_value* v, std::vector<std::string>& out) {
  pgwire::DecodedArray<std::string> path;
  if (!array_functions::decode(ctx, v, path)) return false;
  for (const auto& e : path.elements) {
    if (!e) {
      sqlite3_result_error(ctx, function_error("22004", "path element must not be null").c_str(), -1);
      return false;
    }
    out.emplace_back(*e);
  }
  return true;
}

// An array index as jsonb reads a path step: an integer, negative from the end.
inline std::optional<std::size_t> index_of(const Value& array, std::string_view step) {
  if (step.empty()) return std::nullopt;
  std::size_t k = step[0] == '-' ? 1 : 0;
  if (k == step.size() || step.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (; k < step.size(); ++k) {
    if (step[k] < '0' || step[k] > '9') return std::nullopt;
    n = n * 10 + (step[k] - '0');
  }
  if (step[0] == '-') n = static_cast<std::int64_t>(array.items.size()) - n;
  if (n < 0 || n >= static_cast<std::int64_t>(array.items.size())) return std::nullopt;
  return static_cast<std::size_t>(n);
}

inline const Value* step_into(const Value& v, std::string_view step) {
  if (v.kind == Value::object) return v.member(step);
  if (v.kind == Value::array) {
    auto i = index_of(v, step);
    return i ? &v.items[*i] : nullptr;
  }
  return nullptr;
}

// The value at the path, as jsonb or (as_text) as text: a string's own
// text, JSON null as SQL NULL.
inline void result_at(sqlite3_context* ctx, const Value* at, bool as_text) {
  if (!at) return sqlite3_result_null(ctx);
  if (!as_text) return result_json(ctx, *at);
  if (at->kind == Value::null) return sqlite3_result_null(ctx);
  std::string text = at->kind == Value::string ? at->text : json_values::print(*at);
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

inline void path(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(2, argv)) return sqlite3_result_null(ctx);
  auto doc = argument(ctx, argv[0]);
  if (!doc) return;
  std::vector<std::string> steps;
  if (!path_of(ctx, argv[1], steps)) return;
  const Value* at = &*doc;
  for (const auto& step : steps)
    if (at) at = step_into(*at, step);
  result_at(ctx, at, argc > 2 && sqlite3_value_int(argv[2]) != 0);
}

// jsonb_extract_path(doc, VARIADIC keys) and its _text form (user data: 1).
inline void extract_path(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc < 1 || any_null(argc, argv)) return sqlite3_result_null(ctx);
  auto doc = argument(ctx, argv[0]);
  if (!doc) return;
  const Value* at = &*doc;
  for (int i = 1; i < argc && at; ++i) at = step_into(*at, array_functions::text_of(argv[i]));
  result_at(ctx, at, sqlite3_user_data(ctx) != nullptr);
}

inline void minus(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(argc, argv)) return sqlite3_result_null(ctx);
  auto doc = argument(ctx, argv[0]);
  if (!doc) return;
  if (sqlite3_value_type(argv[1]) == SQLITE_INTEGER) {
    if (doc->kind != Value::array) {
      if (doc->kind == Value::object)
        return sqlite3_result_error(ctx, function_error("22023", "cannot delete from object using integer index").c_str(),
                                    -1);
      return sqlite3_result_error(ctx, function_error("22023", "cannot delete from scalar").c_str(), -1);
    }
    if (auto i = index_of(*doc, std::to_string(sqlite3_value_int64(argv[1]))))
      doc->items.erase(doc->items.begin() + static_cast<std::ptrdiff_t>(*i));
    return result_json(ctx, *doc);
  }
  std::string_view key = array_functions::text_of(argv[1]);
  if (doc->kind == Value::object) {
    for (std::size_t i = 0; i < doc->keys.size(); ++i)
      if (doc->keys[i] == key) {
        doc->keys.erase(doc->keys.begin() + static_cast<std::ptrdiff_t>(i));
        doc->items.erase(doc->items.begin() + static_cast<std::ptrdiff_t>(i));
        break;
      }
  } else if (doc->kind == Value::array) {
    std::vector<Value> kept;
    for (auto& e : doc->items)
      if (!(e.kind == Value::string && e.text == key)) kept.push_back(std::move(e));
    doc->items = std::move(kept);
  } else {
    return sqlite3_result_error(ctx, function_error("22023", "cannot delete from scalar").c_str(), -1);
  }
  result_json(ctx, *doc);
}

// jsonb_set: the value at the path replaced; a missing last key or index
// added when create_missing (the default).
inline bool set_at(Value& v, const std::vector<std::string>& steps, std::size_t k, Value& replacement, bool create) {
  const std::string& step = steps[k];
  bool last = k + 1 == steps.size();
  if (v.kind == Value::object) {
    for (std::size_t i = 0; i < v.keys.size(); ++i)
      if (v.keys[i] == step) return last ? (v.items[i] = std::move(replacement), true)
                                         : set_at(v.items[i], steps, k + 1, replacement, create);
    if (last && create) {
      v.keys.push_back(step);
      v.items.push_back(std::move(replacement));
      json_values::normalize(v);
    }
    return true;
  }
  if (v.kind == Value::array) {
    if (auto i = index_of(v, step)) return last ? (v.items[*i] = std::move(replacement), true)
                                                : set_at(v.items[*i], steps, k + 1, replacement, create);
    if (last && create) {
      bool front = !step.empty() && step[0] == '-';
      if (front)
        v.items.insert(v.items.begin(), std::move(replacement));
      else
        v.items.push_back(std::move(replacement));
    }
    return true;
  }
  return true;
}

inline void set(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(3, argv)) return sqlite3_result_null(ctx);
  auto doc = argument(ctx, argv[0]);
  if (!doc) return;
  auto replacement = argument(ctx, argv[2]);
  if (!replacement) return;
  std::vector<std::string> steps;
  if (!path_of(ctx, argv[1], steps)) return;
  if (doc->kind != Value::object && doc->kind != Value::array)
    return sqlite3_result_error(ctx, function_error("22023", "cannot set path in scalar").c_str(), -1);
  if (!steps.empty()) set_at(*doc, steps, 0, *replacement, argc < 4 || sqlite3_value_int(argv[3]) != 0);
  result_json(ctx, *doc);
}

inline void type_of(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto doc = argument(ctx, argv[0]);
  if (!doc) return;
  static constexpr const char* names[] = {"null", "boolean", "number", "string", "array", "object"};
  sqlite3_result_text(ctx, names[doc->kind], -1, SQLITE_STATIC);
}

inline void to_json(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_value* v = argv[0];
  switch (sqlite3_value_type(v)) {
    case SQLITE_NULL: return sqlite3_result_null(ctx);
    case SQLITE_INTEGER:
    case SQLITE_FLOAT: {
      Value n;
      n.kind = Value::number;
      n.text = array_functions::text_of(v);
      return result_json(ctx, n);
    }
    default: {
      if (sqlite3_value_subtype(v) == json_subtype) {  // (already JSON: json_object(), a jsonb result)
        if (auto doc = argument(ctx, v)) result_json(ctx, *doc);
        return;
      }
      Value s;
      s.kind = Value::string;
      s.text = array_functions::text_of(v);
      result_json(ctx, s);
    }
  }
}

inline void pretty(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto doc = argument(ctx, argv[0]);
  if (!doc) return;
  std::string text = json_values::pretty(*doc);
  sqlite3_result_text(ctx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

inline void strip(Value& v) {
  if (v.kind == Value::object) {
    std::vector<std::string> keys;
    std::vector<Value> items;
    for (std::size_t i = 0; i < v.keys.size(); ++i) {
      if (v.items[i].kind == Value::null) continue;
      strip(v.items[i]);
      keys.push_back(std::move(v.keys[i]));
      items.push_back(std::move(v.items[i]));
    }
    v.keys = std::move(keys);
    v.items = std::move(items);
  } else if (v.kind == Value::array) {
    for (auto& e : v.items) strip(e);
  }
}

inline void strip_nulls(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto doc = argument(ctx, argv[0]);
  if (!doc) return;
  strip(*doc);
  result_json(ctx, *doc);
}

inline void register_all(sqlite3* db) {
  int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
#ifdef SQLITE_SUBTYPE
  pure |= SQLITE_SUBTYPE;
#endif
#ifdef SQLITE_RESULT_SUBTYPE
  pure |= SQLITE_RESULT_SUBTYPE;
#endif
  auto add = [&](const char* name, int args, void (*f)(sqlite3_context*, int, sqlite3_value**), void* data = nullptr) {
    sqlite3_create_function_v2(db, name, args, pure, data, f, nullptr, nullptr, nullptr);
  };
  static int as_text = 1;
  add("pgwire_jsonb_contains", 2, &contains);
  add("pgwire_jsonb_contained", 2, &contains, &as_text);  // (user data: the operands swapped)
  add("pgwire_jsonb_concat", 2, &concat);
  add("pgwire_jsonb_path", 3, &path);
  add("pgwire_jsonb_minus", 2, &minus);
  add("jsonb_set", 3, &set);
  add("jsonb_set", 4, &set);
  for (const char* name : {"jsonb_typeof", "json_typeof"}) add(name, 1, &type_of);
  for (const char* name : {"to_json", "to_jsonb"}) add(name, 1, &to_json);
  add("jsonb_pretty", 1, &pretty);
  add("jsonb_strip_nulls", 1, &strip_nulls);
  add("jsonb_extract_path", -1, &extract_path);
  add("jsonb_extract_path_text", -1, &extract_path, &as_text);
}

}  // namespace sqlite_example::jsonb_functions
