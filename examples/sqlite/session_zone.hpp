#pragma once
// The session's TimeZone where SQLite's functions run. A session's settings
// live on its io thread; each statement's job brings the zone its TimeZone
// setting names to the connection's worker (Worker::use_zone), and the
// worker makes it the thread's current one while its jobs run, so a cast,
// extract() or date_trunc() of a timestamptz reads it here, as PostgreSQL's
// functions read the session's zone. Outside a job: UTC.

#include <pgwire/types/time_zone.hpp>

namespace sqlite_example::session_zone {

inline const pgwire::TimeZone*& slot() {
  thread_local const pgwire::TimeZone* zone = nullptr;
  return zone;
}

inline const pgwire::TimeZone& current() {
  static const pgwire::TimeZonePtr utc = pgwire::TimeZone::utc();
  const pgwire::TimeZone* zone = slot();
  return zone ? *zone : *utc;
}

// Seconds east of Greenwich at an instant (seconds since 1970) in the current zone.
inline std::int32_t offset_at(std::int64_t unix_seconds) { return current().offset_at(unix_seconds); }

}  // namespace sqlite_example::session_zone
