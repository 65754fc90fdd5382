#pragma once
// Functions that make or reshape intervals, as PostgreSQL's:
// - make_interval(years, months, weeks, days, hours, mins, secs), by
//   position or by name (days => 3): the dialect's rewrite_calls
//   (expressions.hpp) passes each as a ('name', value) pair to
//   pgwire_make_interval, since SQLite cannot parse `=>`;
// - justify_hours (24 hours make a day), justify_days (30 days make a
//   month) and justify_interval (both, with the signs made to agree), with
//   PostgreSQL's arithmetic (timestamp.c's interval_justify_*);
// - interval * / number and interval +/- interval (the dialect's
//   rewrite_interval_scaling and rewrite_interval_arithmetic), and the sum
//   and average of intervals (numeric_aggregates.hpp).

#include <sqlite3.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <pgwire/types.hpp>

#include "array_functions.hpp"
#include "datetime.hpp"
#include "errors.hpp"

namespace sqlite_example::interval_functions {

using array_functions::text_of;

struct Span {
  std::int64_t time = 0;  // microseconds
  std::int32_t day = 0, month = 0;
};

inline constexpr std::int64_t usecs_per_day = 86400LL * 1000000;

// An interval's text as its fields; the error when it is none.
inline std::error_code parse(std::string_view text, Span& out) {
  pgwire::Buffer bin;
  if (auto ec = pgwire::convert_format(pgwire::oid::interval, text, pgwire::format_text, pgwire::format_binary, bin))
    return ec;
  out.time = datetime::read_be(bin.view(), 0, 8);
  out.day = static_cast<std::int32_t>(datetime::read_be(bin.view(), 8, 4));
  out.month = static_cast<std::int32_t>(datetime::read_be(bin.view(), 12, 4));
  return {};
}

inline bool read(sqlite3_context* ctx, sqlite3_value* v, Span& out) {
  std::string_view text = text_of(v);
  if (auto ec = parse(text, out)) {
    auto info = pgwire::type_error_info(ec, pgwire::oid::interval, text, pgwire::format_text);
    sqlite3_result_error(ctx, function_error(info.code, message_with_hint(info)).c_str(), -1);
    return false;
  }
  return true;
}

inline void result(sqlite3_context* ctx, const Span& s) {
  unsigned char be[16];
  auto put = [&](int at, std::uint64_t v, int bytes) {
    for (int k = 0; k < bytes; ++k) be[at + k] = static_cast<unsigned char>(v >> (8 * (bytes - 1 - k)));
  };
  put(0, static_cast<std::uint64_t>(s.time), 8);
  put(8, static_cast<std::uint32_t>(s.day), 4);
  put(12, static_cast<std::uint32_t>(s.month), 4);
  pgwire::Buffer out;
  pgwire::convert_format(pgwire::oid::interval, std::string_view(reinterpret_cast<const char*>(be), 16),
                         pgwire::format_binary, pgwire::format_text, out);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// The steps of PostgreSQL's interval_justify_* (timestamp.c), in its order.
// Whole days of the time into days.
inline void carry_days(Span& s) {
  std::int64_t whole = s.time / usecs_per_day;
  s.time -= whole * usecs_per_day;
  s.day += static_cast<std::int32_t>(whole);
}
// Whole 30-day months of the days into months.
inline void carry_months(Span& s) {
  std::int32_t whole = s.day / 30;
  s.day -= whole * 30;
  s.month += whole;
}
// The days and the time made to agree in sign.
inline void align_time(Span& s) {
  if (s.day > 0 && s.time < 0) {
    s.time += usecs_per_day;
    --s.day;
  } else if (s.day < 0 && s.time > 0) {
    s.time -= usecs_per_day;
    ++s.day;
  }
}
// The months and the days made to agree in sign (`with_time`: a zero day
// count takes the time's sign, as justify_interval does).
inline void align_days(Span& s, bool with_time) {
  auto sign = [&](bool positive) {
    return positive ? s.day > 0 || (with_time && s.day == 0 && s.time > 0)
                    : s.day < 0 || (with_time && s.day == 0 && s.time < 0);
  };
  if (s.month > 0 && sign(false)) {
    s.day += 30;
    --s.month;
  } else if (s.month < 0 && sign(true)) {
    s.day -= 30;
    ++s.month;
  }
}

// justify_hours / justify_days / justify_interval: the user data says
// which ('h', 'd', 'i').
inline void justify(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  Span s;
  if (!read(ctx, argv[0], s)) return;
  char how = *static_cast<const char*>(sqlite3_user_data(ctx));
  if (how == 'h') {
    carry_days(s);
    align_time(s);
  } else if (how == 'd') {
    carry_months(s);
    align_days(s, false);
  } else {
    // (days first when they agree with the time: it keeps the sum in range)
    if ((s.day > 0 && s.time > 0) || (s.day < 0 && s.time < 0)) carry_months(s);
    carry_days(s);
    carry_months(s);
    align_days(s, true);
    align_time(s);
  }
  result(ctx, s);
}

// pgwire_make_interval('name', value, ...): the fields make_interval names.
inline void make(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  Span s;
  double seconds = 0;
  for (int i = 0; i + 1 < argc; i += 2) {
    if (sqlite3_value_type(argv[i + 1]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    std::string_view name = text_of(argv[i]);
    auto n = sqlite3_value_int64(argv[i + 1]);
    if (name == "years") s.month += static_cast<std::int32_t>(n * 12);
    else if (name == "months") s.month += static_cast<std::int32_t>(n);
    else if (name == "weeks") s.day += static_cast<std::int32_t>(n * 7);
    else if (name == "days") s.day += static_cast<std::int32_t>(n);
    else if (name == "hours") s.time += n * 3600 * 1000000;
    else if (name == "mins") s.time += n * 60 * 1000000;
    else if (name == "secs") seconds += sqlite3_value_double(argv[i + 1]);
    else
      return sqlite3_result_error(
          ctx, function_error("42883", "function make_interval(" + std::string(name) + " => ...) does not exist").c_str(),
          -1);
  }
  s.time += static_cast<std::int64_t>(std::llround(seconds * 1000000));
  result(ctx, s);
}

// s * factor as PostgreSQL's interval_mul: the months' fraction goes down
// to days (30 a month), the days' fraction to the time, rounded to the
// microsecond. False when the result is out of an interval's range.
inline bool scaled(const Span& s, double factor, Span& out) {
  double months = s.month * factor;
  if (!std::isfinite(months) || months > INT32_MAX || months < INT32_MIN) return false;
  out.month = static_cast<std::int32_t>(months);
  double month_remainder_days = (months - out.month) * 30;
  double days = s.day * factor;
  if (!std::isfinite(days) || days > INT32_MAX || days < INT32_MIN) return false;
  out.day = static_cast<std::int32_t>(days);
  double seconds = (days - out.day + month_remainder_days - static_cast<std::int32_t>(month_remainder_days)) * 86400;
  seconds = std::rint(seconds * 1e6) / 1e6;
  if (std::fabs(seconds) >= 86400) {
    out.day += static_cast<std::int32_t>(seconds / 86400);
    seconds -= static_cast<std::int32_t>(seconds / 86400) * 86400.0;
  }
  out.day += static_cast<std::int32_t>(month_remainder_days);
  double time = std::rint(static_cast<double>(s.time) * factor + seconds * 1e6);
  if (!std::isfinite(time) || std::fabs(time) > 9.2e18) return false;
  out.time = static_cast<std::int64_t>(time);
  return true;
}

inline void out_of_range(sqlite3_context* ctx) {
  sqlite3_result_error(ctx, function_error("22008", "interval out of range").c_str(), -1);
}

// pgwire_interval_scale(a, b, divide): interval * number (either side) or
// interval / number (scaled()).
inline void scale(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  bool divide = sqlite3_value_int(argv[2]) != 0;
  // (the number is the operand SQLite holds as one; 2 * interval '1 day' has it first)
  int number = sqlite3_value_type(argv[0]) == SQLITE_INTEGER || sqlite3_value_type(argv[0]) == SQLITE_FLOAT ? 0 : 1;
  Span s;
  if (!read(ctx, argv[1 - number], s)) return;
  double factor = sqlite3_value_double(argv[number]);
  if (divide) {
    if (factor == 0.0) return sqlite3_result_error(ctx, function_error("22012", "division by zero").c_str(), -1);
    factor = 1.0 / factor;
  }
  Span out;
  if (!scaled(s, factor, out)) return out_of_range(ctx);
  result(ctx, out);
}

// Field-wise a + sign * b, as PostgreSQL's interval_pl/interval_mi (no
// carrying between fields); false when a field leaves its range.
inline bool sum_of(const Span& a, const Span& b, int sign, Span& out) {
  std::int64_t months = std::int64_t{a.month} + sign * std::int64_t{b.month};
  std::int64_t days = std::int64_t{a.day} + sign * std::int64_t{b.day};
  if (months > INT32_MAX || months < INT32_MIN || days > INT32_MAX || days < INT32_MIN) return false;
  if (__builtin_add_overflow(a.time, sign * b.time, &out.time)) return false;
  out.month = static_cast<std::int32_t>(months);
  out.day = static_cast<std::int32_t>(days);
  return true;
}

// pgwire_interval_add(a, sign, b): interval +/- interval.
inline void add(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  Span a, b, out;
  if (!read(ctx, argv[0], a) || !read(ctx, argv[2], b)) return;
  if (!sum_of(a, b, sqlite3_value_int(argv[1]) < 0 ? -1 : 1, out)) return out_of_range(ctx);
  result(ctx, out);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  static char hours = 'h', days = 'd', both = 'i';
  sqlite3_create_function_v2(db, "justify_hours", 1, pure, &hours, &justify, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "justify_days", 1, pure, &days, &justify, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "justify_interval", 1, pure, &both, &justify, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_make_interval", -1, pure, nullptr, &make, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_interval_scale", 3, pure, nullptr, &scale, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_interval_add", 3, pure, nullptr, &add, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::interval_functions
