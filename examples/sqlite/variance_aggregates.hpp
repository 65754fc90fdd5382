#pragma once
// variance, var_samp, var_pop, stddev, stddev_samp, stddev_pop as
// PostgreSQL computes them (were 42883):
// - over integers and numeric texts, exactly, as numeric_stddev_internal:
//   (N * sum(x^2) - sum(x)^2) / (N * (N - 1)) (or N * N for the
//   population) at the scale numeric division picks (numeric_division.hpp),
//   the standard deviation that value's square root at the same scale,
//   rounded; a numerator of zero is 0;
// - over floats (a float4/float8 column, a float expression), in double
//   precision with PostgreSQL's Youngs-Cramer accumulation (float.c), so
//   the last digits agree too.
// One row: NULL for the sample forms, 0 for the population's. A sum beyond
// 128 bits falls back to the double path.

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "numeric_aggregates.hpp"
#include "numeric_division.hpp"

namespace sqlite_example::variance_aggregates {

using numeric_aggregates::Int128;
__extension__ typedef unsigned __int128 Uint128;

struct State {
  // Exact: sum(x) at `scale` digits, sum(x^2) at 2 * scale (bytes: SQLite's
  // aggregate memory is 8-byte aligned, __int128 wants 16).
  unsigned char sum_bytes[sizeof(Int128)] = {}, squares_bytes[sizeof(Int128)] = {};
  int scale = 0;
  std::int64_t count = 0;
  bool inexact = false;  // a float, a non-decimal text or an overflow: the double path answers
  // Youngs-Cramer: N, Sx, Sxx.
  double n = 0, sx = 0, sxx = 0;
};

inline Int128 load(const unsigned char* b) {
  Int128 v;
  std::memcpy(&v, b, sizeof v);
  return v;
}
inline void store(unsigned char* b, Int128 v) { std::memcpy(b, &v, sizeof v); }

// sum += value, squares += value^2, the scales aligned; false on overflow.
inline bool add_exact(State& st, Int128 value, int value_scale) {
  using numeric_aggregates::pow10;
  Int128 sum = load(st.sum_bytes), squares = load(st.squares_bytes);
  auto scaled = [](Int128 v, int digits, Int128& out) {
    Int128 factor = pow10(digits), limit = numeric_aggregates::int128_max / factor;
    if (v > limit || v < -limit) return false;
    out = v * factor;
    return true;
  };
  if (value_scale > st.scale) {
    int up = value_scale - st.scale;
    if (!scaled(sum, up, sum) || !scaled(squares, 2 * up, squares)) return false;
    st.scale = value_scale;
  } else if (value_scale < st.scale && !scaled(value, st.scale - value_scale, value)) {
    return false;
  }
  Int128 limit = static_cast<Int128>(1) << 62;  // (|value| < 2^62: its square fits, and the sums grow slowly)
  if (value > limit || value < -limit) return false;
  Int128 square = value * value, half = numeric_aggregates::int128_max / 2;
  if (squares > half || sum > half || sum < -half) return false;
  store(st.sum_bytes, sum + value);
  store(st.squares_bytes, squares + square);
  return true;
}

inline void step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* st = static_cast<State*>(sqlite3_aggregate_context(ctx, sizeof(State)));
  if (st == nullptr) return sqlite3_result_error_nomem(ctx);
  int type = sqlite3_value_type(argv[0]);
  if (type == SQLITE_NULL) return;
  double x = sqlite3_value_double(argv[0]);
  double previous = st->n;
  st->n += 1.0;
  st->sx += x;
  if (previous > 0) {
    double t = x * st->n - st->sx;
    st->sxx += t * t / (st->n * previous);
  }
  ++st->count;
  if (st->inexact) return;
  Int128 mantissa = 0;
  int scale = 0;
  if (type == SQLITE_INTEGER) {
    mantissa = sqlite3_value_int64(argv[0]);
  } else if (type != SQLITE_TEXT ||
             !numeric_aggregates::parse_decimal(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])), mantissa,
                                                scale)) {
    st->inexact = true;
    return;
  }
  if (!add_exact(*st, mantissa, scale)) st->inexact = true;
}

// The decimal text of v / 10^scale.
inline std::string decimal(Int128 v, int scale) {
  std::string digits = numeric_aggregates::digits_of(v < 0 ? -v : v);
  auto s = static_cast<std::size_t>(scale);
  if (digits.size() <= s) digits.insert(0, s + 1 - digits.size(), '0');
  if (s > 0) digits.insert(digits.size() - s, ".");
  return v < 0 ? "-" + digits : digits;
}

// sqrt of the decimal text `v` (>= 0) at its own scale, rounded; false
// when it does not fit 128 bits.
inline bool square_root(const std::string& v, std::string& out) {
  std::size_t point = v.find('.');
  int scale = point == std::string::npos ? 0 : static_cast<int>(v.size() - point - 1);
  std::string digits = v;
  if (point != std::string::npos) digits.erase(point, 1);
  // v = m / 10^s, so sqrt(v) at scale s is sqrt(m * 10^s), rounded.
  digits.append(static_cast<std::size_t>(scale), '0');
  if (digits.size() > 38) return false;
  Uint128 x = 0;
  for (char c : digits) x = x * 10 + static_cast<unsigned>(c - '0');
  auto r = static_cast<Uint128>(std::sqrt(static_cast<long double>(x)));
  while (r > 0 && r * r > x) --r;
  while ((r + 1) * (r + 1) <= x) ++r;
  if (x - r * r > r) ++r;  // (half up: x >= (r + 1/2)^2)
  out = decimal(static_cast<Int128>(r), scale);
  return true;
}

template <bool Sample, bool Root>
inline void value(sqlite3_context* ctx) {
  auto* st = static_cast<State*>(sqlite3_aggregate_context(ctx, 0));
  if (st == nullptr || st->count == 0 || (Sample && st->count == 1)) return sqlite3_result_null(ctx);
  if (st->inexact) {
    double v = st->sxx / (Sample ? st->n - 1.0 : st->n);
    return sqlite3_result_double(ctx, Root ? std::sqrt(v) : v);
  }
  Int128 n = st->count, sum = load(st->sum_bytes), squares = load(st->squares_bytes);
  Int128 half = numeric_aggregates::int128_max / 2;
  // N * sum(x^2) - sum(x)^2, at twice the values' scale.
  bool fits = squares <= half / n && (sum < 0 ? -sum : sum) <= static_cast<Int128>(1) << 62;
  if (!fits) {
    double v = st->sxx / (Sample ? st->n - 1.0 : st->n);
    return sqlite3_result_double(ctx, Root ? std::sqrt(v) : v);
  }
  Int128 numerator = n * squares - sum * sum;
  if (numerator <= 0) return sqlite3_result_int(ctx, 0);
  bool by_zero = false;
  std::string variance = numeric_division::divide(decimal(numerator, 2 * st->scale),
                                                  std::to_string(static_cast<std::int64_t>(n * (Sample ? n - 1 : n))),
                                                  by_zero);
  std::string out = variance;
  if (Root && !square_root(variance, out)) return sqlite3_result_double(ctx, std::sqrt(std::stod(variance)));
  sqlite3_result_text(ctx, out.c_str(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  struct Entry {
    const char* name;
    void (*final)(sqlite3_context*);
  };
  static constexpr Entry entries[] = {
      {"variance", &value<true, false>},   {"var_samp", &value<true, false>},    {"var_pop", &value<false, false>},
      {"stddev", &value<true, true>},      {"stddev_samp", &value<true, true>}, {"stddev_pop", &value<false, true>},
  };
  for (const Entry& e : entries)
    sqlite3_create_function_v2(db, e.name, 1, flags, nullptr, nullptr, &step, e.final, nullptr);
}

}  // namespace sqlite_example::variance_aggregates
