#pragma once
// sum() and avg() as PostgreSQL computes them for integers and numeric:
// exactly. sum keeps the largest scale seen (1.50 + 2 is 3.50); avg is
// printed at the scale PostgreSQL's numeric division picks (avg of 1 and 2
// is 1.5000000000000000, of 100000 and 100001 100000.500000000000).
// SQLite's own sum() and avg() add in a double when a value is not an
// integer: psql showed other digits than PostgreSQL's, and a large sum lost
// its last digits.
//
// The values are integers (int2/4/8 columns) or numeric text (numeric
// columns keep their exact text, numeric_text.hpp): summed exactly in 128
// bits at the largest scale seen. A float (float4/8 columns, whose sum and
// avg PostgreSQL returns as float8), a text that is not a plain decimal,
// or a sum beyond 128 bits is added as a double instead, as SQLite did.
// Both are window functions too (sum(x) OVER (...)).
//
// Intervals (texts such as "1 day 02:00:00") are summed field by field, as
// PostgreSQL's interval_pl, and averaged by interval division
// (interval_functions.hpp): SQLite added their leading numbers.

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "interval_functions.hpp"
#include "numeric_division.hpp"

namespace sqlite_example::numeric_aggregates {

__extension__ typedef __int128 Int128;  // (a GCC and Clang extension)

struct State {
  // The exact sum, at `scale` fractional digits. Kept as bytes: SQLite's
  // aggregate memory is 8-byte aligned, and __int128 wants 16.
  unsigned char sum_bytes[sizeof(Int128)] = {};
  Int128 sum() const {
    Int128 v;
    std::memcpy(&v, sum_bytes, sizeof v);
    return v;
  }
  void set_sum(Int128 v) { std::memcpy(sum_bytes, &v, sizeof v); }
  int scale = 0;
  std::int64_t count = 0;
  double approx = 0;   // the same sum as a double
  bool inexact = false;  // a float, a non-decimal text or an overflow was seen
  bool decimal = false;  // a numeric text was seen: sum() answers as text
  // The intervals' fields summed, while every value is an interval's text.
  std::int64_t interval_time = 0, interval_days = 0, interval_months = 0;
  bool interval = false;      // an interval was seen
  bool not_interval = false;  // a number was seen
};

static_assert(alignof(State) <= 8, "sqlite3_aggregate_context's memory is 8-byte aligned");

inline constexpr int max_scale = 30;

inline Int128 pow10(int n) {
  Int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

inline constexpr Int128 int128_max = static_cast<Int128>((static_cast<unsigned __int128>(1) << 127) - 1);

// A decimal ([+-]digits[.digits][e[+-]digits]) as mantissa and scale;
// false for anything else (NaN, Infinity, too many digits).
inline bool parse_decimal(std::string_view s, Int128& mantissa, int& scale) {
  std::size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  mantissa = 0;
  scale = 0;
  bool digits = false, point = false;
  int significant = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    digits = true;
    if (mantissa != 0 || c != '0') ++significant;
    if (significant > 36) return false;
    mantissa = mantissa * 10 + (c - '0');
    if (point) ++scale;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {  // 1.5e3: numeric_in's exponent, scale 0
    bool minus = ++i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    int exponent = 0;
    std::size_t start = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9' && exponent <= 100; ++i) exponent = exponent * 10 + (s[i] - '0');
    if (i == start) return false;
    scale -= minus ? -exponent : exponent;
    if (scale < 0) {
      if (significant - scale > 36) return false;
      mantissa *= pow10(-scale);
      scale = 0;
    }
  }
  if (i != s.size() || !digits || scale > max_scale) return false;
  if (negative) mantissa = -mantissa;
  return true;
}

// sum += sign * value (value at `value_scale`); false on overflow.
inline bool add(State& st, Int128 value, int value_scale, int sign) {
  if (value_scale > st.scale) {
    Int128 factor = pow10(value_scale - st.scale);
    Int128 sum = st.sum();
    Int128 magnitude = sum < 0 ? -sum : sum;
    if (magnitude > int128_max / factor) return false;
    st.set_sum(sum * factor);
    st.scale = value_scale;
  } else if (value_scale < st.scale) {
    Int128 factor = pow10(st.scale - value_scale);
    Int128 magnitude = value < 0 ? -value : value;
    if (magnitude > int128_max / factor) return false;
    value *= factor;
  }
  Int128 limit = int128_max / 2;  // (room for the next addition's sign)
  Int128 magnitude = value < 0 ? -value : value;
  Int128 sum = st.sum();
  Int128 sum_magnitude = sum < 0 ? -sum : sum;
  if (magnitude > limit || sum_magnitude > limit) return false;
  st.set_sum(sum + sign * value);
  return true;
}

inline void accumulate(sqlite3_context* ctx, sqlite3_value* v, int sign) {
  auto* st = static_cast<State*>(sqlite3_aggregate_context(ctx, sizeof(State)));
  if (st == nullptr) return sqlite3_result_error_nomem(ctx);
  int type = sqlite3_value_type(v);
  if (type == SQLITE_NULL) return;
  st->count += sign;
  st->approx += sign * sqlite3_value_double(v);
  if (type != SQLITE_TEXT && type != SQLITE_BLOB) st->not_interval = true;
  if (st->inexact && !(st->interval && !st->not_interval)) return;
  Int128 mantissa = 0;
  int scale = 0;
  if (type == SQLITE_INTEGER) {
    mantissa = sqlite3_value_int64(v);
  } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
    bool decimal = text != nullptr && parse_decimal(text, mantissa, scale);
    interval_functions::Span span;
    if (decimal) st->not_interval = true;
    if (text != nullptr && !decimal && !st->not_interval && !interval_functions::parse(text, span)) {
      st->interval = true;
      if (__builtin_mul_overflow(span.time, sign, &span.time) ||
          __builtin_add_overflow(st->interval_time, span.time, &st->interval_time))
        st->not_interval = true;  // (beyond any interval: the number path's answer)
      st->interval_days += sign * span.day;
      st->interval_months += sign * span.month;
      return;
    }
    if (!decimal) st->inexact = true;
    st->decimal = true;
  } else {
    st->inexact = true;  // a float: PostgreSQL's avg(float8) is a double
  }
  if (!st->inexact && !add(*st, mantissa, scale, sign)) st->inexact = true;
}

inline void step(sqlite3_context* ctx, int, sqlite3_value** argv) { accumulate(ctx, argv[0], 1); }
inline void inverse(sqlite3_context* ctx, int, sqlite3_value** argv) { accumulate(ctx, argv[0], -1); }

inline std::string digits_of(Int128 v) {  // v >= 0
  std::string s;
  do {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v > 0);
  return s;
}

// The exact sum as decimal text at the largest scale seen.
inline std::string sum_text(const State& st) {
  Int128 sum = st.sum();
  std::string digits = digits_of(sum < 0 ? -sum : sum);
  auto scale = static_cast<std::size_t>(st.scale);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  if (scale > 0) digits.insert(digits.size() - scale, ".");
  if (sum < 0) digits.insert(0, "-");
  return digits;
}

// sum / count as numeric_div divides (numeric_division.hpp), as text.
inline std::string divide(const State& st) {
  bool by_zero = false;  // (count > 0 here)
  return numeric_division::divide(sum_text(st), std::to_string(st.count), by_zero);
}

// The intervals' sum (the fields within their ranges), or false.
inline bool interval_sum(const State& st, interval_functions::Span& out) {
  if (st.interval_days > INT32_MAX || st.interval_days < INT32_MIN || st.interval_months > INT32_MAX ||
      st.interval_months < INT32_MIN)
    return false;
  out.time = st.interval_time;
  out.day = static_cast<std::int32_t>(st.interval_days);
  out.month = static_cast<std::int32_t>(st.interval_months);
  return true;
}

// True when the values were intervals: the answer is given.
inline bool interval_value(sqlite3_context* ctx, const State& st, bool average) {
  if (!st.interval || st.not_interval) return false;
  interval_functions::Span sum, out;
  if (!interval_sum(st, sum) || (average && !interval_functions::scaled(sum, 1.0 / static_cast<double>(st.count), out)))
    interval_functions::out_of_range(ctx);
  else
    interval_functions::result(ctx, average ? out : sum);
  return true;
}

inline void value(sqlite3_context* ctx) {
  auto* st = static_cast<State*>(sqlite3_aggregate_context(ctx, 0));
  if (st == nullptr || st->count <= 0) return sqlite3_result_null(ctx);
  if (interval_value(ctx, *st, true)) return;
  if (st->inexact) return sqlite3_result_double(ctx, st->approx / static_cast<double>(st->count));
  std::string text = divide(*st);
  sqlite3_result_text(ctx, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// The exact sum: an integer when it is one that fits 64 bits (as SQLite's
// sum of integers), else its decimal text at the largest scale seen.
inline void sum_value(sqlite3_context* ctx) {
  auto* st = static_cast<State*>(sqlite3_aggregate_context(ctx, 0));
  if (st == nullptr || st->count <= 0) return sqlite3_result_null(ctx);
  if (interval_value(ctx, *st, false)) return;
  if (st->inexact) return sqlite3_result_double(ctx, st->approx);
  Int128 sum = st->sum();
  if (st->scale == 0 && !st->decimal && sum >= INT64_MIN && sum <= INT64_MAX)
    return sqlite3_result_int64(ctx, static_cast<std::int64_t>(sum));
  std::string digits = sum_text(*st);
  sqlite3_result_text(ctx, digits.c_str(), static_cast<int>(digits.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  sqlite3_create_window_function(db, "avg", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr, &step, &value, &value,
                                 &inverse, nullptr);
  sqlite3_create_window_function(db, "sum", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr, &step, &sum_value,
                                 &sum_value, &inverse, nullptr);
}

}  // namespace sqlite_example::numeric_aggregates
