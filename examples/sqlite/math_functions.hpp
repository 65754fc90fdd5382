#pragma once
// sqrt, ln, log, log10, exp, power and pow with PostgreSQL's errors where
// SQLite's math functions return NULL (or Infinity): the square root or
// logarithm of a negative number or of zero, zero to a negative power, a
// negative number to a fractional one, a result beyond a double (float.c's
// messages and SQLSTATEs). The values are SQLite's, in double precision.

#include <sqlite3.h>

#include <cmath>
#include <string_view>

#include "errors.hpp"
#include "function_table.hpp"

namespace sqlite_example::math_functions {

inline void fail(sqlite3_context* ctx, std::string_view code, std::string_view message) {
  sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
}

// The double result, or PostgreSQL's overflow and underflow errors.
inline void result(sqlite3_context* ctx, double v, bool zero_allowed = true) {
  if (std::isinf(v)) return fail(ctx, "22003", "value out of range: overflow");
  if (v == 0.0 && !zero_allowed) return fail(ctx, "22003", "value out of range: underflow");
  sqlite3_result_double(ctx, v);
}

inline void square_root(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(argc, argv)) return sqlite3_result_null(ctx);
  double x = sqlite3_value_double(argv[0]);
  if (x < 0) return fail(ctx, "2201F", "cannot take square root of a negative number");
  result(ctx, std::sqrt(x));
}

// The logarithm of x to `base` (e, 10, or the first argument of log(b, x)).
inline bool logarithm(sqlite3_context* ctx, double x, double& out) {
  if (x == 0) return fail(ctx, "2201E", "cannot take logarithm of zero"), false;
  if (x < 0) return fail(ctx, "2201E", "cannot take logarithm of a negative number"), false;
  out = std::log(x);
  return true;
}

template <int Base>  // 0: e; 10
inline void log_of(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(argc, argv)) return sqlite3_result_null(ctx);
  double x = 0, b = 0;
  if (!logarithm(ctx, sqlite3_value_double(argv[argc - 1]), x)) return;
  if (argc == 2) {  // log(b, x)
    if (!logarithm(ctx, sqlite3_value_double(argv[0]), b)) return;
    if (b == 0) return fail(ctx, "22012", "division by zero");
    return result(ctx, x / b);
  }
  result(ctx, Base == 0 ? x : std::log10(sqlite3_value_double(argv[0])));  // (log10 exact at powers of ten)
}

inline void exponential(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(argc, argv)) return sqlite3_result_null(ctx);
  double x = sqlite3_value_double(argv[0]);
  result(ctx, std::exp(x), std::isinf(x) && x < 0);
}

inline void power(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (any_null(argc, argv)) return sqlite3_result_null(ctx);
  double x = sqlite3_value_double(argv[0]), y = sqlite3_value_double(argv[1]);
  if (x == 0 && y < 0) return fail(ctx, "2201F", "zero raised to a negative power is undefined");
  if (x < 0 && std::floor(y) != y)
    return fail(ctx, "2201F", "a negative number raised to a non-integer power yields a complex result");
  result(ctx, std::pow(x, y));
}

inline void register_all(sqlite3* db) {
  static constexpr ScalarFunction functions[] = {
      {"sqrt", 1, &square_root}, {"ln", 1, &log_of<0>}, {"log", 1, &log_of<10>}, {"log10", 1, &log_of<10>},
      {"log", 2, &log_of<0>},    {"exp", 1, &exponential}, {"power", 2, &power}, {"pow", 2, &power},
  };
  register_scalars(db, functions);
}

}  // namespace sqlite_example::math_functions
