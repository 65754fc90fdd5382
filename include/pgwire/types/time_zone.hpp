#pragma once
// A session's TimeZone, as PostgreSQL reads the setting and applies it:
// timestamptz text is printed in it ("2024-07-01 08:00:00-04" in
// America/New_York; binary stays UTC microseconds), and a timestamptz text
// without an offset is read as its local time.
//
// The setting's forms (PostgreSQL's check_timezone):
//   - a name of the system's time zone database (/usr/share/zoneinfo, or
//     $TZDIR): looked up regardless of case, and named as the file is
//     spelled (europe/paris is Europe/Paris), with its daylight saving rules;
//   - a number of hours east of Greenwich ('-7', '5.5'): a fixed offset,
//     named as PostgreSQL names it (<-07>+07);
//   - a POSIX zone ('UTC+3' is three hours WEST, '<+03>-03', 'EST5EDT4'),
//     named as written.
// Anything else is no zone (find() returns nullptr): SET answers 22023.
//
// A zone is immutable and shared: a session keeps the one its setting
// names (Settings::time_zone()), and any thread may read it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace pgwire {

namespace types_detail {
struct ZoneRules;
}

class TimeZone {
 public:
  // UTC: the built-in default, and what an unreadable setting falls back to.
  static std::shared_ptr<const TimeZone> utc();
  // The zone a TimeZone setting names; nullptr when it names none.
  static std::shared_ptr<const TimeZone> find(std::string_view setting);
  // A zone of the database only (no numbers, no POSIX forms): what
  // x AT TIME ZONE 'name' reads after PostgreSQL's own offset forms.
  static std::shared_ptr<const TimeZone> named(std::string_view name);
  // A fixed offset east of Greenwich (SET TIME ZONE -7, INTERVAL '+02:00').
  static std::shared_ptr<const TimeZone> fixed(std::int32_t seconds_east);

  explicit TimeZone(std::string name, std::shared_ptr<const types_detail::ZoneRules> rules);

  // The setting's canonical spelling (what SHOW TimeZone prints).
  const std::string& name() const noexcept { return name_; }
  // True for a zone that is UTC all year (no offset to apply).
  bool is_utc() const noexcept { return utc_; }

  // Seconds east of Greenwich at an instant (seconds since 1970, UTC).
  std::int32_t offset_at(std::int64_t unix_seconds) const noexcept;
  // The abbreviation in use then ("EDT", "CET", "+0530"); empty if unknown.
  std::string_view abbreviation_at(std::int64_t unix_seconds) const noexcept;
  // The offset that makes a local clock time (seconds since 1970 on the
  // zone's clocks) an instant. In a spring-forward gap it is the offset of
  // before the change, in a fall-back overlap the one after it: both read
  // as standard time, as PostgreSQL's DetermineTimeZoneOffset does.
  std::int32_t offset_for_local(std::int64_t local_seconds) const noexcept;

 private:
  std::string name_;
  std::shared_ptr<const types_detail::ZoneRules> rules_;
  bool utc_ = false;
};

using TimeZonePtr = std::shared_ptr<const TimeZone>;

}  // namespace pgwire
