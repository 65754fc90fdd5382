#pragma once
// x AT TIME ZONE zone. A string zone is, as PostgreSQL reads it: UTC (and
// its aliases); a POSIX offset, '+05' and 'UTC+5' being five hours WEST of
// Greenwich; else a name of the time zone database (Europe/Paris, EST5EDT,
// pgwire/types/time_zone.hpp), with its daylight saving rules. An interval zone is
// a fixed offset east of Greenwich (INTERVAL '+05:00'). A string that is
// none of them is 22023 "not recognized", as PostgreSQL says.
//
// pgwire_at_time_zone(x, zone, x_type, zone_is_interval) (the dialect's
// rewrite, at_time_zone.hpp):
//   timestamp x  -> the timestamptz of x read as local time in the zone;
//   timestamptz x -> the timestamp the zone's clocks showed at x.

#include <sqlite3.h>

#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <pgwire/types.hpp>

#include "array_functions.hpp"
#include "datetime.hpp"
#include "errors.hpp"

namespace sqlite_example::time_zones {

// (a NULL or a failed conversion reads as empty)
using array_functions::text_of;

// [+-]hh[:mm[:ss]] or hhmm -> seconds (sign as written); nullopt if not one.
inline std::optional<std::int64_t> offset_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int sign = 1;
  if (s[0] == '+' || s[0] == '-') {
    sign = s[0] == '-' ? -1 : 1;
    s.remove_prefix(1);
  }
  std::int64_t parts[3] = {0, 0, 0};
  std::size_t part = 0, digits = 0;
  for (char c : s) {
    if (c == ':') {
      if (digits == 0 || ++part > 2) return std::nullopt;
      digits = 0;
    } else if (c >= '0' && c <= '9' && digits < 2) {
      parts[part] = parts[part] * 10 + (c - '0');
      ++digits;
    } else if (c >= '0' && c <= '9' && part == 0 && digits < 4) {  // hhmm
      parts[0] = parts[0] * 10 + (c - '0');
      ++digits;
    } else {
      return std::nullopt;
    }
  }
  if (digits == 0) return std::nullopt;
  if (part == 0 && digits > 2) parts[1] = parts[0] % 100, parts[0] /= 100;
  if (parts[0] > 15 * 24 || parts[1] > 59 || parts[2] > 59) return std::nullopt;
  return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]);
}

// A zone: a fixed offset (seconds east of Greenwich), or the database's.
struct ZoneRule {
  std::int64_t fixed_east = 0;
  pgwire::TimeZonePtr zone;
};

// The zone a string names; nullopt (the context then holds the error) when
// it names none.
inline std::optional<ZoneRule> read_zone(sqlite3_context* ctx, std::string_view zone) {
  std::string lower;
  for (char c : zone) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (const char* utc : {"utc", "gmt", "z", "zulu", "uct", "universal", "greenwich", "etc/utc", "etc/gmt",
                          "etc/universal", "etc/zulu", "etc/uct", "etc/greenwich"})
    if (lower == utc) return ZoneRule{};
  // POSIX: an optional abbreviation of letters, then the offset west of Greenwich.
  std::size_t letters = 0;
  while (letters < lower.size() && std::isalpha(static_cast<unsigned char>(lower[letters]))) ++letters;
  if (letters == 0 || letters >= 3) {
    if (auto west = offset_digits(std::string_view(lower).substr(letters))) return ZoneRule{-*west, nullptr};
  }
  if (auto named = pgwire::TimeZone::named(zone)) return ZoneRule{0, std::move(named)};
  sqlite3_result_error(ctx, function_error("22023", "time zone \"" + std::string(zone) + "\" not recognized").c_str(),
                       -1);
  return std::nullopt;
}

inline void at_time_zone(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string_view value = text_of(argv[0]), zone = text_of(argv[1]);
  auto type = static_cast<pgwire::Oid>(sqlite3_value_int64(argv[2]));
  if (type != pgwire::oid::timestamp && type != pgwire::oid::timestamptz)
    type = datetime::form_of(value) == pgwire::oid::timestamptz ? pgwire::oid::timestamptz : pgwire::oid::timestamp;
  ZoneRule rule;
  if (sqlite3_value_int(argv[3]) != 0) {  // an interval: its time part, east of Greenwich
    pgwire::Buffer bin;
    if (auto ec = pgwire::convert_format(pgwire::oid::interval, zone, pgwire::format_text, pgwire::format_binary, bin)) {
      auto info = pgwire::type_error_info(ec, pgwire::oid::interval, zone, pgwire::format_text);
      return sqlite3_result_error(ctx, function_error(info.code, message_with_hint(info)).c_str(), -1);
    }
    rule.fixed_east = datetime::read_be(bin.view(), 0, 8) / 1000000;
  } else {
    auto read = read_zone(ctx, zone);
    if (!read) return;
    rule = std::move(*read);
  }
  std::int64_t usecs;
  std::string code, message;
  if (!datetime::moment_usecs(value, usecs, code, message))
    return sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
  std::int64_t east = rule.fixed_east;
  if (rule.zone)  // (x timestamptz: the zone's offset at that moment; x timestamp: at that local time)
    east = type == pgwire::oid::timestamp ? rule.zone->offset_for_local(datetime::unix_seconds(usecs))
                                          : rule.zone->offset_at(datetime::unix_seconds(usecs));
  std::int64_t shift = east * 1000000;
  pgwire::Oid result = type == pgwire::oid::timestamp ? pgwire::oid::timestamptz : pgwire::oid::timestamp;
  usecs = type == pgwire::oid::timestamp ? usecs - shift : usecs + shift;
  pgwire::Buffer out;
  if (!datetime::moment_text(result, usecs, out))
    return sqlite3_result_error(ctx, function_error("22008", "timestamp out of range").c_str(), -1);
  sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  sqlite3_create_function_v2(db, "pgwire_at_time_zone", 4, pure, nullptr, &at_time_zone, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::time_zones
