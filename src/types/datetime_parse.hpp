#pragma once
// Text input of date, time, timetz, timestamp and timestamptz
// (datetime_parse.cpp): the accepted ISO-like forms (see scalar.hpp) read
// into fields, then turned into days or microseconds as date_in and
// timestamp_in do. Internal to the type layer.

#include <cstdint>
#include <string_view>
#include <system_error>

#include "datetime_util.hpp"

namespace pgwire::types_detail {

// Date/time fields of the accepted ISO-like forms; see scalar.hpp.
struct DateTimeFields {
  enum Special { none, pos_infinity, neg_infinity, epoch } special = none;
  bool has_date = false;
  std::int64_t year = 0;  // astronomical after validation
  int month = 0, day = 0;
  bool bc = false;
  bool has_time = false;
  std::int64_t hour = 0;
  int minute = 0, second = 0;
  std::int64_t usec = 0;  // 0 .. 1000000 (rounding may reach a full second)
  bool has_zone = false;
  std::int32_t zone = 0;  // seconds west of UTC
  bool t_separator = false;  // "dateTtime": one field, which time input does not take
};

// Reads `in` (surrounding spaces allowed) into `f` and validates the date
// fields (ValidateDate). Errors, as DateTimeParseError reports them:
// invalid_datetime_format (22007), datetime_field_overflow (22008, a field
// out of range), time_zone_out_of_range (22009).
// time_only: read for time/timetz (DecodeTimeOnly), which checks the hour
// only once the whole text has been read.
std::error_code parse_datetime(std::string_view in, DateTimeFields& f, bool time_only = false);

// Days since 2000-01-01 of validated date fields; false outside date's range.
bool fields_to_days(const DateTimeFields& f, std::int64_t& days);

// The time fields as microseconds since midnight.
inline std::int64_t time_of(const DateTimeFields& f) {
  return ((f.hour * 60 + f.minute) * 60 + f.second) * kUsecPerSec + f.usec;
}

// Microseconds since 2000-01-01 00:00:00, the special words included. With
// apply_zone (timestamptz) a given zone turns the local time into UTC;
// without it (timestamp) the zone is ignored.
std::error_code fields_to_timestamp(const DateTimeFields& f, bool apply_zone, std::int64_t& out);

}  // namespace pgwire::types_detail
