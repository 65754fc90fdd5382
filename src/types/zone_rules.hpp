#pragma once
// The rules behind a TimeZone (pgwire/types/time_zone.hpp): the offsets a
// zone had when, read from a TZif file of the time zone database (RFC 8536)
// or from a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgwire::types_detail {

// A POSIX TZ string: a standard offset and, optionally, a daylight one with
// the yearly rule of when it applies.
struct PosixRule {
  struct When {
    char kind = 'M';           // M: month.week.day, J: day 1..365 without Feb 29, N: day 0..365
    int month = 0, week = 0, day = 0;
    std::int32_t time = 7200;  // seconds after local midnight (may be negative or past 24h)
  };
  std::int32_t standard = 0, daylight = 0;  // seconds east of UTC
  std::string standard_name, daylight_name;  // abbreviations ("CET", "+03")
  bool has_daylight = false;
  When start, end;

  bool daylight_at(std::int64_t utc) const noexcept;
  std::int32_t offset_at(std::int64_t utc) const noexcept { return daylight_at(utc) ? daylight : standard; }
  // Reads a TZ string; nullopt for one it cannot read.
  static std::optional<PosixRule> parse(std::string_view tz);
};

struct ZoneRules {
  struct Kind {
    std::int32_t offset = 0;  // seconds east of UTC
    std::string abbreviation;
  };
  std::vector<std::int64_t> transitions;  // seconds since 1970 (UTC), ascending
  std::vector<std::uint8_t> kinds;        // the kind from each transition on
  std::vector<Kind> kind_list;
  Kind initial;                           // before the first transition
  std::optional<PosixRule> after;         // after the last transition (the file's footer), if any

  const Kind* kind_at(std::int64_t utc) const noexcept;  // nullptr: the POSIX rule decides
  std::int32_t offset_at(std::int64_t utc) const noexcept;
  std::string_view abbreviation_at(std::int64_t utc) const noexcept;
  std::int32_t offset_for_local(std::int64_t local) const noexcept;

  // A TZif file's rules; nullopt when the bytes are not one.
  static std::optional<ZoneRules> from_tzif(std::string_view data);
  static ZoneRules from_posix(PosixRule rule);
};

// The database file of a zone name (each component matched regardless of
// case, as PostgreSQL does), and its spelling there; nullopt for none. Only
// names of letters, digits and _ + - / are looked up, so a name never
// leaves the database's directory.
struct ZoneFile {
  std::string path, name;
};
std::optional<ZoneFile> find_zone_file(std::string_view name);

}  // namespace pgwire::types_detail
