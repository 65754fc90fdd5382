#pragma once
// PostgreSQL's date_part(field, t) (and extract(field FROM t), which the
// dialect rewrites to it), date_trunc(field, t) and to_char(t, format), on
// PostgreSQL's text
// forms of date, timestamp and timestamptz; a timestamptz's fields are its
// local time in the session's TimeZone (session_zone.hpp).
// Registered by builtins.hpp.

#include <sqlite3.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <pgwire/types.hpp>

#include "column_types.hpp"
#include "datetime.hpp"
#include "errors.hpp"
#include "number_format.hpp"
#include "numeric_text.hpp"
#include "session_zone.hpp"

namespace sqlite_example::dates {

inline std::string_view text_of(sqlite3_value* v) {
  return {reinterpret_cast<const char*>(sqlite3_value_text(v)), static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

inline void error(sqlite3_context* ctx, std::string_view code, std::string_view message) {
  sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
}

// A date/time text -> (its type, microseconds since 2000-01-01 UTC); false
// after reporting the type's input error.
inline bool moment(sqlite3_context* ctx, std::string_view value, pgwire::Oid& type, std::int64_t& usecs) {
  type = datetime::form_of(value);
  pgwire::Buffer bin;
  if (auto ec = pgwire::convert_format(type, value, pgwire::format_text, pgwire::format_binary, bin)) {
    auto info = pgwire::type_error_info(ec, type, value, pgwire::format_text);
    error(ctx, info.code, message_with_hint(info));
    return false;
  }
  usecs = type == pgwire::oid::date ? datetime::read_be(bin.view(), 0, 4) * datetime::usecs_per_day
                                    : datetime::read_be(bin.view(), 0, 8);
  return true;
}

struct Fields {
  std::int64_t year;
  unsigned month, day;
  std::int64_t day_number, time;  // days since 2000-01-01; microseconds into the day
};

inline Fields fields_of(std::int64_t usecs) {
  Fields f{};
  f.day_number = (usecs >= 0 ? usecs : usecs - datetime::usecs_per_day + 1) / datetime::usecs_per_day;
  f.time = usecs - f.day_number * datetime::usecs_per_day;
  datetime::civil_from_days(f.day_number + datetime::unix_to_pg_days, f.year, f.month, f.day);
  return f;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A number as date_part returns it: an integer when it is one.
inline void result_part(sqlite3_context* ctx, double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e15) return sqlite3_result_int64(ctx, static_cast<std::int64_t>(v));
  sqlite3_result_double(ctx, v);
}

// date_part(field, interval): PostgreSQL's interval_part. A time of day
// ('01:30:00') reads the same as an interval of that length.
inline void interval_part(sqlite3_context* ctx, const std::string& field, std::int64_t time, std::int64_t days,
                          std::int64_t months) {
  std::int64_t years = months / 12;
  double v;
  if (field == "epoch")
    v = static_cast<double>(time) / 1e6 + 365.25 * 86400 * static_cast<double>(years) +
        30.0 * 86400 * static_cast<double>(months % 12) + 86400.0 * static_cast<double>(days);
  else if (field == "microseconds")
    v = static_cast<double>(time % 60000000);
  else if (field == "milliseconds")
    v = static_cast<double>(time % 60000000) / 1e3;
  else if (field == "second")
    v = static_cast<double>(time % 60000000) / 1e6;
  else if (field == "minute")
    v = static_cast<double>(time / 60000000 % 60);
  else if (field == "hour")
    v = static_cast<double>(time / 3600000000);
  else if (field == "day")
    v = static_cast<double>(days);
  else if (field == "month")
    v = static_cast<double>(months % 12);
  else if (field == "quarter")
    v = static_cast<double>(months % 12 / 3 + 1);
  else if (field == "year")
    v = static_cast<double>(years);
  else if (field == "decade")
    v = static_cast<double>(years / 10);
  else if (field == "century")
    v = static_cast<double>(years / 100);
  else if (field == "millennium")
    v = static_cast<double>(years / 1000);
  else {
    bool known = false;  // (a unit of other types: 0A000 "not supported", as PostgreSQL has it)
    for (const char* unit : {"dow", "isodow", "doy", "week", "isoyear", "julian", "timezone", "timezone_hour",
                             "timezone_minute"})
      known = known || field == unit;
    return error(ctx, known ? "0A000" : "22023",
                 "unit \"" + field + "\" not " + (known ? "supported" : "recognized") + " for type interval");
  }
  result_part(ctx, v);
}

// date_part(field, t): a double, as PostgreSQL's date_part; extract() (the
// dialect's rewrite) reads the same value as numeric (its display scale is
// the dialect's, select_list.hpp). t is a date, timestamp, timestamptz, or
// else an interval or a time of day.
inline void date_part(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string field = lower(text_of(argv[0]));
  pgwire::Oid type = datetime::form_of(text_of(argv[1]));
  std::int64_t usecs;
  std::string code, message;
  if (!datetime::moment_usecs(text_of(argv[1]), usecs, code, message)) {
    pgwire::Buffer bin;
    if (pgwire::convert_format(pgwire::oid::interval, text_of(argv[1]), pgwire::format_text, pgwire::format_binary,
                               bin))
      return error(ctx, code, message);
    return interval_part(ctx, field, datetime::read_be(bin.view(), 0, 8), datetime::read_be(bin.view(), 8, 4),
                         datetime::read_be(bin.view(), 12, 4));
  }
  // A timestamptz's fields are its local time in the session's TimeZone (not its epoch).
  bool zoned = type == pgwire::oid::timestamptz;
  std::int32_t east = zoned ? session_zone::offset_at(datetime::unix_seconds(usecs)) : 0;
  Fields f = fields_of(usecs + std::int64_t{east} * 1000000);
  std::int64_t dow = ((f.day_number + 6) % 7 + 7) % 7;  // 2000-01-01 was a Saturday (6)
  double seconds = static_cast<double>(f.time % 60000000) / 1e6;
  double v;
  if (field == "year")
    v = static_cast<double>(f.year);
  else if (field == "month")
    v = f.month;
  else if (field == "day")
    v = f.day;
  else if (field == "hour")
    v = static_cast<double>(f.time / 3600000000);
  else if (field == "minute")
    v = static_cast<double>(f.time / 60000000 % 60);
  else if (field == "second")
    v = seconds;
  else if (field == "milliseconds")
    v = seconds * 1000;
  else if (field == "microseconds")
    v = static_cast<double>(f.time % 60000000);
  else if (field == "dow")
    v = static_cast<double>(dow);
  else if (field == "isodow")
    v = static_cast<double>(dow == 0 ? 7 : dow);
  else if (field == "doy")
    v = static_cast<double>(f.day_number + datetime::unix_to_pg_days - datetime::days_from_civil(f.year, 1, 1) + 1);
  else if (field == "quarter")
    v = (f.month - 1) / 3 + 1;
  else if (field == "decade")
    v = std::floor(static_cast<double>(f.year) / 10);
  else if (field == "century")
    v = f.year > 0 ? static_cast<double>((f.year + 99) / 100) : -static_cast<double>((99 - (f.year - 1)) / 100);
  else if (field == "millennium")
    v = f.year > 0 ? static_cast<double>((f.year + 999) / 1000) : -static_cast<double>((999 - (f.year - 1)) / 1000);
  else if (zoned && field == "timezone")
    v = east;
  else if (zoned && field == "timezone_hour")
    v = east / 3600;
  else if (zoned && field == "timezone_minute")
    v = east / 60 % 60;
  else if (field == "epoch")
    v = static_cast<double>(usecs) / 1e6 + 946684800.0;
  else if (field == "julian")  // (2000-01-01 is Julian day 2451545)
    v = static_cast<double>(f.day_number + 2451545) + static_cast<double>(f.time) / 86400e6;
  else if (field == "week") {
    // ISO 8601 week: the week (Monday first) holding the year's first Thursday is week 1.
    std::int64_t days = f.day_number + datetime::unix_to_pg_days;
    std::int64_t iso_dow = dow == 0 ? 7 : dow;
    std::int64_t thursday = days - iso_dow + 4;
    std::int64_t ty;
    unsigned tm, td;
    datetime::civil_from_days(thursday, ty, tm, td);
    v = static_cast<double>((thursday - datetime::days_from_civil(ty, 1, 1)) / 7 + 1);
  } else {
    return error(ctx, "22023", "unit \"" + field + "\" not recognized for type " + column_types::format_type(type, ""));
  }
  result_part(ctx, v);
}

// date_trunc(field, t): t cut down to the field (its type kept; a date
// becomes a timestamptz, the overload PostgreSQL picks for a date).
// A moment as the text of `type` (timestamp, timestamptz), into the result.
inline void result_moment(sqlite3_context* ctx, pgwire::Oid type, std::int64_t usecs) {
  pgwire::Buffer out;
  if (!datetime::moment_text(type, usecs, out)) return error(ctx, "22008", "timestamp out of range");
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// make_date(year, month, day): a date; a day that does not exist is 22008.
inline void make_date(sqlite3_context* ctx, int, sqlite3_value** argv) {
  for (int i = 0; i < 3; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::int64_t y = sqlite3_value_int64(argv[0]), m = sqlite3_value_int64(argv[1]), d = sqlite3_value_int64(argv[2]);
  std::int64_t y0 = y < 0 ? y + 1 : y;  // (year -1 is 1 BC, the proleptic year 0)
  bool valid = y != 0 && m >= 1 && m <= 12 && d >= 1 && y0 > -4713 && y0 < 5874898;
  if (valid) {
    std::int64_t days = datetime::days_from_civil(y0, static_cast<unsigned>(m), static_cast<unsigned>(d));
    std::int64_t ny;
    unsigned nm, nd;
    datetime::civil_from_days(days, ny, nm, nd);
    valid = ny == y0 && nm == m && nd == d;
  }
  if (!valid)
    return error(ctx, "22008",
                 "date field value out of range: " + std::to_string(y) + "-" + (m < 10 ? "0" : "") + std::to_string(m) +
                     "-" + (d < 10 ? "0" : "") + std::to_string(d));
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lld%s", static_cast<long long>(y < 0 ? -y : y),
                static_cast<long long>(m), static_cast<long long>(d), y < 0 ? " BC" : "");
  sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
}

// to_timestamp(seconds since 1970): a timestamp with time zone.
inline void to_timestamp(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  double seconds = sqlite3_value_double(argv[0]);
  if (!(std::fabs(seconds) < 9.0e12)) return error(ctx, "22008", "timestamp out of range");
  auto usecs = static_cast<std::int64_t>(std::llround((seconds - 946684800.0) * 1e6));
  result_moment(ctx, pgwire::oid::timestamptz, usecs);
}

// age(a, b) and age(b) (from today's midnight): PostgreSQL's symbolic
// difference, in years, months, days and time, each field borrowing from
// the next as timestamp_age does.
inline void age(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  pgwire::Oid type;
  std::int64_t t1, t2;
  if (argc == 2) {
    if (!moment(ctx, text_of(argv[0]), type, t1)) return;
  } else {
    auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count() -
               datetime::unix_to_pg_days * datetime::usecs_per_day;
    t1 = (now >= 0 ? now : now - datetime::usecs_per_day + 1) / datetime::usecs_per_day * datetime::usecs_per_day;
  }
  if (!moment(ctx, text_of(argv[argc - 1]), type, t2)) return;
  Fields a = fields_of(t1), b = fields_of(t2);
  std::int64_t usec = a.time % 1000000 - b.time % 1000000;
  std::int64_t sec = a.time / 1000000 % 60 - b.time / 1000000 % 60;
  std::int64_t min = a.time / 60000000 % 60 - b.time / 60000000 % 60;
  std::int64_t hour = a.time / 3600000000 - b.time / 3600000000;
  std::int64_t day = static_cast<std::int64_t>(a.day) - b.day;
  std::int64_t mon = static_cast<std::int64_t>(a.month) - b.month;
  std::int64_t year = a.year - b.year;
  bool flip = t1 < t2;
  auto negate = [&] {
    usec = -usec, sec = -sec, min = -min, hour = -hour, day = -day, mon = -mon, year = -year;
  };
  if (flip) negate();
  while (usec < 0) usec += 1000000, --sec;
  while (sec < 0) sec += 60, --min;
  while (min < 0) min += 60, --hour;
  while (hour < 0) hour += 24, --day;
  while (day < 0) {
    const Fields& f = flip ? a : b;
    day += datetime::days_in_month(f.year, f.month);
    --mon;
  }
  while (mon < 0) mon += 12, --year;
  if (flip) negate();
  std::int64_t micros = ((hour * 60 + min) * 60 + sec) * 1000000 + usec;
  pgwire::Buffer out;
  if (!datetime::interval_text(year * 12 + mon, day, micros, out)) return error(ctx, "22008", "interval out of range");
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void date_trunc(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string field = lower(text_of(argv[0]));
  pgwire::Oid type;
  std::int64_t usecs;
  if (!moment(ctx, text_of(argv[1]), type, usecs)) return;
  // A timestamptz (or a date, read as one) is cut in the session zone's clock time.
  bool zoned = type == pgwire::oid::timestamptz || type == pgwire::oid::date;
  if (type == pgwire::oid::timestamptz) usecs = datetime::to_local(usecs);
  Fields f = fields_of(usecs);
  std::int64_t day = f.day_number, time = f.time;
  auto to_day = [&](std::int64_t y, unsigned m, unsigned d) {
    day = datetime::days_from_civil(y, m, d) - datetime::unix_to_pg_days;
    time = 0;
  };
  if (field == "microseconds") {
  } else if (field == "milliseconds")
    time -= time % 1000;
  else if (field == "second")
    time -= time % 1000000;
  else if (field == "minute")
    time -= time % 60000000;
  else if (field == "hour")
    time -= time % 3600000000;
  else if (field == "day")
    time = 0;
  else if (field == "week") {
    std::int64_t dow = ((f.day_number + 6) % 7 + 7) % 7;
    day -= dow == 0 ? 6 : dow - 1;  // back to Monday
    time = 0;
  } else if (field == "month")
    to_day(f.year, f.month, 1);
  else if (field == "quarter")
    to_day(f.year, (f.month - 1) / 3 * 3 + 1, 1);
  else if (field == "year")
    to_day(f.year, 1, 1);
  else if (field == "decade")
    to_day(f.year - ((f.year % 10) + 10) % 10, 1, 1);
  else if (field == "century")
    to_day(f.year > 0 ? (f.year - 1) / 100 * 100 + 1 : f.year, 1, 1);
  else if (field == "millennium")
    to_day(f.year > 0 ? (f.year - 1) / 1000 * 1000 + 1 : f.year, 1, 1);
  else
    return error(ctx, "22023", "unit \"" + field + "\" not recognized for type " + column_types::format_type(type, ""));
  std::int64_t out_usecs = day * datetime::usecs_per_day + time;
  if (zoned) out_usecs = datetime::from_local(out_usecs);
  result_moment(ctx, zoned ? pgwire::oid::timestamptz : type, out_usecs);
}

// to_char(t, format) for dates and timestamps: the common template
// patterns (YYYY YY MM DD DDD D HH24 HH12 HH MI SS MS US AM PM Mon Month Dy
// Day Q, upper/lower-case name variants, the FM prefix, "quoted text");
// other characters are copied. A number: number_format.hpp.
inline void to_char(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  // A number (a numeric column's value is its decimal text: numeric_text.hpp).
  if (sqlite3_value_type(argv[0]) != SQLITE_TEXT ||
      numeric_text::parse(text_of(argv[0])).kind == numeric_text::Decimal::finite) {
    std::string_view number = text_of(argv[0]);
    if (numeric_text::parse(number).kind != numeric_text::Decimal::finite)
      return error(ctx, "0A000", "to_char of this value is not supported");
    std::string unsupported;
    auto pattern = number_format::parse(text_of(argv[1]), unsupported);
    if (!pattern) return error(ctx, "0A000", "the to_char pattern \"" + unsupported + "\" is not supported");
    std::string out = number_format::format(number, *pattern);
    return sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  }
  pgwire::Oid type;
  std::int64_t usecs;
  if (!moment(ctx, text_of(argv[0]), type, usecs)) return;
  // A timestamptz prints its local time in the session's TimeZone (and TZ, OF: the zone's).
  bool zoned = type == pgwire::oid::timestamptz;
  std::int64_t unix_seconds = datetime::unix_seconds(usecs);
  std::int32_t east = zoned ? session_zone::offset_at(unix_seconds) : 0;
  Fields f = fields_of(usecs + std::int64_t{east} * 1000000);
  std::int64_t dow = ((f.day_number + 6) % 7 + 7) % 7;
  static constexpr const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                           "July",    "August",   "September", "October", "November", "December"};
  static constexpr const char* days[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  std::int64_t hour = f.time / 3600000000, minute = f.time / 60000000 % 60, second = f.time / 1000000 % 60;
  std::int64_t micro = f.time % 1000000;
  std::int64_t doy = f.day_number + datetime::unix_to_pg_days - datetime::days_from_civil(f.year, 1, 1) + 1;
  std::string_view fmt = text_of(argv[1]);
  std::string out;
  auto number = [&](std::int64_t v, int width, bool fill) {
    std::string digits = std::to_string(v < 0 ? -v : v);
    if (fill && static_cast<int>(digits.size()) < width)
      digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
    out += (v < 0 ? "-" : "") + digits;
  };
  // A name in the pattern's case: "Mon" -> Jan, "MON" -> JAN, "mon" -> jan; full names padded to 9 unless FM.
  auto name = [&](std::string_view pattern, std::string full, bool abbreviated, bool fill) {
    std::string v = abbreviated ? full.substr(0, 3) : full;
    bool upper = pattern.size() > 1 && std::isupper(static_cast<unsigned char>(pattern[1]));
    bool lower_all = std::islower(static_cast<unsigned char>(pattern[0]));
    for (char& c : v)
      c = static_cast<char>(upper       ? std::toupper(static_cast<unsigned char>(c))
                            : lower_all ? std::tolower(static_cast<unsigned char>(c))
                                        : c);
    if (!abbreviated && fill && v.size() < 9) v.append(9 - v.size(), ' ');
    out += v;
  };
  for (std::size_t i = 0; i < fmt.size();) {
    auto rest = fmt.substr(i);
    bool fill = true;
    if (rest.starts_with("FM") || rest.starts_with("fm")) {
      fill = false;
      i += 2;
      rest = fmt.substr(i);
    }
    auto take = [&](std::string_view p) {
      if (rest.size() < p.size()) return false;
      for (std::size_t k = 0; k < p.size(); ++k)
        if (std::toupper(static_cast<unsigned char>(rest[k])) != p[k]) return false;
      i += p.size();
      return true;
    };
    std::string_view here = rest;
    if (!rest.empty() && rest[0] == '"') {  // quoted literal text
      std::size_t close = rest.find('"', 1);
      out += rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
      i += close == std::string_view::npos ? rest.size() : close + 1;
    } else if (take("YYYY"))
      number(f.year, 4, fill);
    else if (take("YY"))
      number(f.year % 100, 2, fill);
    else if (take("MONTH"))
      name(here, months[f.month - 1], false, fill);
    else if (take("MON"))
      name(here, months[f.month - 1], true, fill);
    else if (take("MM"))
      number(f.month, 2, fill);
    else if (take("DAY"))
      name(here, days[dow], false, fill);
    else if (take("DDD"))
      number(doy, 3, fill);
    else if (take("DD"))
      number(f.day, 2, fill);
    else if (take("DY"))
      name(here, days[dow], true, fill);
    else if (take("D"))
      number(dow + 1, 1, fill);
    else if (take("HH24"))
      number(hour, 2, fill);
    else if (take("HH12") || take("HH"))
      number(hour % 12 == 0 ? 12 : hour % 12, 2, fill);
    else if (take("MI"))
      number(minute, 2, fill);
    else if (take("SS"))
      number(second, 2, fill);
    else if (take("MS"))
      number(micro / 1000, 3, true);
    else if (take("US"))
      number(micro, 6, true);
    else if (take("AM") || take("PM")) {
      bool lower_case = std::islower(static_cast<unsigned char>(here[0]));
      out += hour < 12 ? (lower_case ? "am" : "AM") : (lower_case ? "pm" : "PM");
    } else if (take("Q"))
      number((f.month - 1) / 3 + 1, 1, fill);
    else if (take("TZH")) {  // (before TZ: the longest pattern first)
      if (zoned) out += (east < 0 ? "-" : "+"), number(std::abs(east) / 3600, 2, fill);
    } else if (take("TZM")) {
      if (zoned) number(std::abs(east) / 60 % 60, 2, fill);
    } else if (take("TZ")) {  // the abbreviation (empty for a timestamp), in the pattern's case
      std::string a = zoned ? std::string(session_zone::current().abbreviation_at(unix_seconds)) : "";
      if (std::islower(static_cast<unsigned char>(here[0])))
        for (char& c : a) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out += a;
    } else if (take("OF")) {  // the offset: +05:30, -04
      if (zoned) {
        out += east < 0 ? "-" : "+";
        number(std::abs(east) / 3600, 2, true);
        if (east % 3600 != 0) out += ":", number(std::abs(east) / 60 % 60, 2, true);
      }
    }
    else {
      out.push_back(rest[0]);
      ++i;
    }
  }
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

}  // namespace sqlite_example::dates
