#pragma once
// Casts between dates and timestamps (cast_moment), and timestamps plus or
// minus an interval, as PostgreSQL computes them (the
// dialect rewrites `t + interval '1 day'` and `t - '2 hours'::interval` into
// pgwire_add_interval(t, sign, interval); SQLite itself would subtract the
// leading numbers of two strings). Values are PostgreSQL's text forms (what
// sqlite_server stores); the session's TimeZone is UTC, so a day is 24 hours.
// Months are calendar months, clamped to the month's last day (Jan 31 +
// 1 month = Feb 29 in a leap year), then days, then the time part, as
// PostgreSQL's timestamp_pl_interval does.

#include <sqlite3.h>

#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include <pgwire/types.hpp>

#include "errors.hpp"
#include "session_zone.hpp"

namespace sqlite_example::datetime {

inline std::int64_t read_be(std::string_view b, std::size_t at, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// Days since 1970-01-01 <-> civil date (proleptic Gregorian).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  auto yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

inline void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

inline unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}

constexpr std::int64_t usecs_per_day = 86400LL * 1000000;
constexpr std::int64_t unix_to_pg_days = 10957;  // 1970-01-01 .. 2000-01-01

// The type a stored date/time text has, by its form: a date, or a
// timestamp with or without a zone.
inline pgwire::Oid form_of(std::string_view value) {
  if (value.size() == 10) return pgwire::oid::date;
  auto zone = value.find_last_of("+-Z");
  return zone != std::string_view::npos && zone > 10 ? pgwire::oid::timestamptz : pgwire::oid::timestamp;
}

inline bool looks_like_date(std::string_view v) {
  return v.size() >= 10 && v[4] == '-' && v[7] == '-' && std::isdigit(static_cast<unsigned char>(v[0]));
}

// Microseconds since 2000 (UTC) <-> the session zone's clock time then
// (session_zone.hpp); infinities stay.
inline std::int64_t unix_seconds(std::int64_t usecs) {
  return (usecs >= 0 ? usecs / 1000000 : (usecs - 999999) / 1000000) + unix_to_pg_days * 86400;
}
inline bool finite_usecs(std::int64_t usecs) { return usecs != INT64_MAX && usecs != INT64_MIN; }
inline std::int64_t to_local(std::int64_t usecs) {
  if (!finite_usecs(usecs)) return usecs;
  return usecs + std::int64_t{session_zone::offset_at(unix_seconds(usecs))} * 1000000;
}
inline std::int64_t from_local(std::int64_t usecs) {
  if (!finite_usecs(usecs)) return usecs;
  return usecs - std::int64_t{session_zone::current().offset_for_local(unix_seconds(usecs))} * 1000000;
}

// A date/time text as type `to` (date, time, timestamp, timestamptz), as
// PostgreSQL's casts convert them (in the session's TimeZone); an error
// message on failure.
inline bool cast_moment(std::string_view value, pgwire::Oid to, std::string& out, std::string& code,
                        std::string& error) {
  auto fail = [&](pgwire::Oid type, std::string_view text, std::error_code ec) {
    auto info = pgwire::type_error_info(ec, type, text, pgwire::format_text);
    code = info.code;
    error = message_with_hint(info);
    return false;
  };
  pgwire::Buffer bin, text;
  // Not a date or timestamp (e.g. '12:30'::time, 'abc'::date): the target's own input rules.
  if (!looks_like_date(value) || (value.size() > 10 && value[10] != ' ' && value[10] != 'T')) {
    if (auto ec = pgwire::convert_format(to, value, pgwire::format_text, pgwire::format_binary, bin,
                                         session_zone::current()))
      return fail(to, value, ec);
    if (auto ec = pgwire::convert_format(to, bin.view(), pgwire::format_binary, pgwire::format_text, text))
      return fail(to, value, ec);
    out.assign(text.view());
    return true;
  }
  pgwire::Oid from = form_of(value);
  if (auto ec = pgwire::convert_format(from, value, pgwire::format_text, pgwire::format_binary, bin))
    return fail(from == pgwire::oid::date ? to : from, value, ec);
  std::int64_t usecs =
      from == pgwire::oid::date ? read_be(bin.view(), 0, 4) * usecs_per_day : read_be(bin.view(), 0, 8);
  // Between an instant and a clock time: the session zone's clocks.
  if (from == pgwire::oid::timestamptz && to != pgwire::oid::timestamptz) {
    usecs = to_local(usecs);
  } else if (from != pgwire::oid::timestamptz && to == pgwire::oid::timestamptz) {
    usecs = from_local(usecs);
  }
  std::int64_t day = (usecs >= 0 ? usecs : usecs - usecs_per_day + 1) / usecs_per_day;
  unsigned char be[8];
  std::size_t n = 8;
  std::int64_t encoded = usecs;
  if (to == pgwire::oid::date) {
    encoded = day;
    n = 4;
  } else if (to == pgwire::oid::time) {
    encoded = usecs - day * usecs_per_day;
  }
  for (std::size_t k = 0; k < n; ++k)
    be[k] = static_cast<unsigned char>(static_cast<std::uint64_t>(encoded) >> (8 * (n - 1 - k)));
  if (auto ec = pgwire::convert_format(to, std::string_view(reinterpret_cast<const char*>(be), n),
                                       pgwire::format_binary, pgwire::format_text, text))
    return fail(to, value, ec);
  out.assign(text.view());
  return true;
}

// A date text -> days since 2000-01-01; false after reporting the error.
inline bool date_days(sqlite3_context* ctx, std::string_view value, std::int64_t& days) {
  pgwire::Buffer bin;
  if (auto ec = pgwire::convert_format(pgwire::oid::date, value, pgwire::format_text, pgwire::format_binary, bin)) {
    auto info = pgwire::type_error_info(ec, pgwire::oid::date, value, pgwire::format_text);
    sqlite3_result_error(ctx, function_error(info.code, message_with_hint(info)).c_str(), -1);
    return false;
  }
  days = read_be(bin.view(), 0, 4);
  return true;
}

// pgwire_date_add(date, days): a date.
inline void date_add(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::int64_t days;
  std::string_view value(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                         static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  if (!date_days(ctx, value, days)) return;
  std::int64_t sum = days + sqlite3_value_int64(argv[1]);
  unsigned char be[4];
  for (int k = 0; k < 4; ++k) be[k] = static_cast<unsigned char>(static_cast<std::uint64_t>(sum) >> (24 - 8 * k));
  pgwire::Buffer text;
  if (sum < INT32_MIN || sum > INT32_MAX ||
      pgwire::convert_format(pgwire::oid::date, std::string_view(reinterpret_cast<const char*>(be), 4),
                             pgwire::format_binary, pgwire::format_text, text))
    return sqlite3_result_error(ctx, function_error("22008", "date out of range").c_str(), -1);
  sqlite3_result_text(ctx, text.view().data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// pgwire_date_diff(a, b): a - b in days.
inline void date_diff(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::int64_t a, b;
  auto text = [](sqlite3_value* v) {
    return std::string_view(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                            static_cast<std::size_t>(sqlite3_value_bytes(v)));
  };
  if (!date_days(ctx, text(argv[0]), a) || !date_days(ctx, text(argv[1]), b)) return;
  sqlite3_result_int64(ctx, a - b);
}

// A moment (microseconds since 2000-01-01) plus an interval, as PostgreSQL
// adds one: the months first (a day past the month's end is its last day),
// then the days, then the time.
inline std::int64_t shifted(std::int64_t usecs, std::int64_t months, std::int64_t days, std::int64_t micros) {
  std::int64_t day = (usecs >= 0 ? usecs : usecs - usecs_per_day + 1) / usecs_per_day;
  std::int64_t time = usecs - day * usecs_per_day;
  if (months != 0) {
    std::int64_t y;
    unsigned m, d;
    civil_from_days(day + unix_to_pg_days, y, m, d);
    std::int64_t total = y * 12 + (m - 1) + months;
    y = (total >= 0 ? total : total - 11) / 12;
    m = static_cast<unsigned>(total - y * 12) + 1;
    if (d > days_in_month(y, m)) d = days_in_month(y, m);
    day = days_from_civil(y, m, d) - unix_to_pg_days;
  }
  return (day + days) * usecs_per_day + time + micros;
}

// A date or timestamp text as microseconds since 2000-01-01 (UTC); false
// with the type's input error in `code` and `message`.
inline bool moment_usecs(std::string_view value, std::int64_t& usecs, std::string& code, std::string& message) {
  pgwire::Oid type = form_of(value);
  pgwire::Buffer bin;
  if (auto ec = pgwire::convert_format(type, value, pgwire::format_text, pgwire::format_binary, bin)) {
    auto info = pgwire::type_error_info(ec, type, value, pgwire::format_text);
    code = info.code;
    message = message_with_hint(info);
    return false;
  }
  usecs = type == pgwire::oid::date ? read_be(bin.view(), 0, 4) * usecs_per_day : read_be(bin.view(), 0, 8);
  return true;
}

// An interval's text from its three fields.
inline bool interval_text(std::int64_t months, std::int64_t days, std::int64_t usecs, pgwire::Buffer& out) {
  unsigned char be[16];
  auto put = [&](int at, std::uint64_t v, int bytes) {
    for (int k = 0; k < bytes; ++k) be[at + k] = static_cast<unsigned char>(v >> (8 * (bytes - 1 - k)));
  };
  put(0, static_cast<std::uint64_t>(usecs), 8);
  put(8, static_cast<std::uint32_t>(static_cast<std::int32_t>(days)), 4);
  put(12, static_cast<std::uint32_t>(static_cast<std::int32_t>(months)), 4);
  return !pgwire::convert_format(pgwire::oid::interval, std::string_view(reinterpret_cast<const char*>(be), 16),
                                 pgwire::format_binary, pgwire::format_text, out);
}

// pgwire_timestamp_diff(a, b): a - b as PostgreSQL's timestamp_mi gives it,
// whole days and the time (justify_hours): '4 days 09:30:00'.
inline void timestamp_diff(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::int64_t a = 0, b = 0;
  std::string code, message;
  auto text = [&](int i) {
    return std::string_view(reinterpret_cast<const char*>(sqlite3_value_text(argv[i])),
                            static_cast<std::size_t>(sqlite3_value_bytes(argv[i])));
  };
  if (!moment_usecs(text(0), a, code, message) || !moment_usecs(text(1), b, code, message))
    return sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
  std::int64_t diff = a - b;
  pgwire::Buffer out;
  if (!interval_text(0, diff / usecs_per_day, diff % usecs_per_day, out))
    return sqlite3_result_error(ctx, function_error("22008", "interval out of range").c_str(), -1);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

__extension__ typedef __int128 Span;  // (a GCC and Clang extension: a month of microseconds times 2^31)

// An interval's place in PostgreSQL's order (interval_cmp_value: a month
// is 30 days, a day 24 hours); false for a text that is no interval.
inline bool interval_span(std::string_view text, Span& span) {
  pgwire::Buffer bin;
  if (pgwire::convert_format(pgwire::oid::interval, text, pgwire::format_text, pgwire::format_binary, bin)) return false;
  span = static_cast<Span>(read_be(bin.view(), 0, 8)) +
         static_cast<Span>(read_be(bin.view(), 8, 4) + read_be(bin.view(), 12, 4) * 30) * usecs_per_day;
  return true;
}

// COLLATE pgwire_interval, declared on interval columns (column_defs.hpp):
// ORDER BY, comparisons, min/max and keys compare intervals as PostgreSQL
// does ('2 days' < '10 days'); a text that is no interval after them, by bytes.
inline int collate_interval(void*, int a_size, const void* a, int b_size, const void* b) {
  std::string_view at(static_cast<const char*>(a), static_cast<std::size_t>(a_size));
  std::string_view bt(static_cast<const char*>(b), static_cast<std::size_t>(b_size));
  Span sa = 0, sb = 0;
  bool va = interval_span(at, sa), vb = interval_span(bt, sb);
  if (va != vb) return va ? -1 : 1;
  if (!va) return at < bt ? -1 : at > bt ? 1 : 0;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

// A moment's text as `type` (timestamp, timestamptz); false when out of range.
inline bool moment_text(pgwire::Oid type, std::int64_t usecs, pgwire::Buffer& out) {
  unsigned char be[8];
  for (int k = 0; k < 8; ++k) be[k] = static_cast<unsigned char>(static_cast<std::uint64_t>(usecs) >> (56 - 8 * k));
  return !pgwire::convert_format(type, std::string_view(reinterpret_cast<const char*>(be), 8), pgwire::format_binary,
                                 pgwire::format_text, out);
}

// pgwire_add_interval(value, sign, interval)
inline void add_interval(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[2]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string_view value(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                         static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  std::string_view span(reinterpret_cast<const char*>(sqlite3_value_text(argv[2])),
                        static_cast<std::size_t>(sqlite3_value_bytes(argv[2])));
  int sign = sqlite3_value_int(argv[1]) < 0 ? -1 : 1;
  auto fail = [&](pgwire::Oid type, std::string_view text, std::error_code ec) {
    auto info = pgwire::type_error_info(ec, type, text, pgwire::format_text);
    sqlite3_result_error(ctx, function_error(info.code, message_with_hint(info)).c_str(), -1);
  };
  // A time of day (10:00, 23:59:59.5): the interval's time part added
  // around the clock, as PostgreSQL's time + interval (days and months go).
  if (value.size() >= 5 && value[2] == ':' && !looks_like_date(value)) {
    pgwire::Buffer tbin, ibin, out;
    if (auto ec = pgwire::convert_format(pgwire::oid::time, value, pgwire::format_text, pgwire::format_binary, tbin))
      return fail(pgwire::oid::time, value, ec);
    if (auto ec = pgwire::convert_format(pgwire::oid::interval, span, pgwire::format_text, pgwire::format_binary, ibin))
      return fail(pgwire::oid::interval, span, ec);
    std::int64_t usecs = (read_be(tbin.view(), 0, 8) + sign * read_be(ibin.view(), 0, 8)) % usecs_per_day;
    if (usecs < 0) usecs += usecs_per_day;
    unsigned char be[8];
    for (int k = 0; k < 8; ++k) be[k] = static_cast<unsigned char>(static_cast<std::uint64_t>(usecs) >> (56 - 8 * k));
    pgwire::convert_format(pgwire::oid::time, std::string_view(reinterpret_cast<const char*>(be), 8),
                           pgwire::format_binary, pgwire::format_text, out);
    return sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  }
  // The value's type by its form: a date, or a timestamp with or without a zone.
  pgwire::Oid type = pgwire::oid::timestamp;
  if (value.size() == 10) {
    type = pgwire::oid::date;
  } else {
    auto zone = value.find_last_of("+-Z");
    if (zone != std::string_view::npos && zone > 10) type = pgwire::oid::timestamptz;
  }
  pgwire::Buffer bin, ibin, out;
  if (auto ec = pgwire::convert_format(type, value, pgwire::format_text, pgwire::format_binary, bin))
    return fail(type, value, ec);
  if (auto ec = pgwire::convert_format(pgwire::oid::interval, span, pgwire::format_text, pgwire::format_binary, ibin))
    return fail(pgwire::oid::interval, span, ec);
  std::int64_t usecs =
      type == pgwire::oid::date ? read_be(bin.view(), 0, 4) * usecs_per_day : read_be(bin.view(), 0, 8);
  std::int64_t months = read_be(ibin.view(), 12, 4) * sign, days = read_be(ibin.view(), 8, 4) * sign,
               micros = read_be(ibin.view(), 0, 8) * sign;
  if (type == pgwire::oid::timestamptz && (months != 0 || days != 0) && finite_usecs(usecs)) {
    // A timestamptz's months and days are the session zone's calendar (a
    // day across a DST change is 23 or 25 hours), its time part is elapsed
    // time, as PostgreSQL's timestamptz_pl_interval.
    usecs = from_local(shifted(to_local(usecs), months, days, 0)) + micros;
  } else {
    usecs = shifted(usecs, months, days, micros);
  }
  pgwire::Oid result = type == pgwire::oid::date ? pgwire::oid::timestamp : type;
  if (!moment_text(result, usecs, out))
    return sqlite3_result_error(ctx, function_error("22008", "timestamp out of range").c_str(), -1);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

}  // namespace sqlite_example::datetime
