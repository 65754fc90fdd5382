#pragma once
// What the catalog's SQLite functions share (functions.cpp,
// array_functions.cpp, definition_functions.cpp): reading arguments,
// setting results, the subtypes that mark reg* values, registration.

#include <sqlite3.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "catalog_types.hpp"
#include "functions.hpp"

namespace pgwire::catalog_detail {

inline FunctionContext& ctx(sqlite3_context* c) { return *static_cast<FunctionContext*>(sqlite3_user_data(c)); }
inline const Snapshot& snap(sqlite3_context* c) { return *ctx(c).snapshot; }

inline bool is_null(sqlite3_value* v) { return sqlite3_value_type(v) == SQLITE_NULL; }
inline std::string text(sqlite3_value* v) {
  const auto* p = sqlite3_value_text(v);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_value_bytes(v)))
           : std::string();
}
inline void result(sqlite3_context* c, const std::string& s) {
  sqlite3_result_text(c, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}
inline void result_bool(sqlite3_context* c, bool b) { sqlite3_result_int(c, b ? 1 : 0); }

inline std::optional<std::int64_t> integer(sqlite3_value* v) {
  switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER: return sqlite3_value_int64(v);
    case SQLITE_FLOAT: return static_cast<std::int64_t>(sqlite3_value_double(v));
    case SQLITE_TEXT: {
      auto s = text(v);
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
      if (ec == std::errc() && p == s.data() + s.size()) return n;
      return std::nullopt;
    }
    default: return std::nullopt;
  }
}

// The text `m` maps the OID argument `v` to; NULL when none.
template <class Map>
inline void lookup_text(sqlite3_context* c, sqlite3_value* v, const Map& m) {
  if (is_null(v)) return sqlite3_result_null(c);
  auto n = integer(v);
  if (!n) return sqlite3_result_null(c);
  auto it = m.find(static_cast<Oid>(*n));
  if (it == m.end()) return sqlite3_result_null(c);
  result(c, it->second);
}

// Subtypes mark reg* values so that a following ::text prints their name.
inline constexpr unsigned sub_regclass = 'C', sub_regtype = 'T', sub_regproc = 'P', sub_regnamespace = 'N',
                   sub_regrole = 'R';

inline Oid subtype_type(unsigned sub) {
  switch (sub) {
    case sub_regclass: return catoid::regclass;
    case sub_regtype: return catoid::regtype;
    case sub_regproc: return catoid::regproc;
    case sub_regnamespace: return catoid::regnamespace;
    case sub_regrole: return catoid::regrole;
    default: return 0;
  }
}

using Fn = void (*)(sqlite3_context*, int, sqlite3_value**);

inline void add(sqlite3* db, const char* name, int args, Fn fn, FunctionContext* context) {
  // Subtypes carry reg* values into ::text; SQLite 3.45+ drops them unless
  // the functions say they set (RESULT_SUBTYPE) and read (SUBTYPE) them.
  int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_SUBTYPE;
#ifdef SQLITE_RESULT_SUBTYPE
  flags |= SQLITE_RESULT_SUBTYPE;
#endif
  if (sqlite3_create_function_v2(db, name, args, flags, context, fn, nullptr, nullptr, nullptr) != SQLITE_OK)
    throw std::runtime_error(std::string("catalog: cannot register ") + name);
}


// The array functions (array_functions.cpp).
void register_array_functions(sqlite3* db, FunctionContext* context);
// pg_get_expr, pg_get_*def, pg_get_serial_sequence (definition_functions.cpp).
void register_definition_functions(sqlite3* db, FunctionContext* context);

}  // namespace pgwire::catalog_detail
