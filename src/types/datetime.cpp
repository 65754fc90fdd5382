// date, time, timetz, timestamp, timestamptz: the text and binary encoders and
// decoders of scalar.hpp, and the Date/Timestamp range helpers. Text input is
// parsed by datetime_parse.cpp; the calendar and output primitives are in
// datetime_util.hpp. interval is in interval.cpp.

#include <cstring>
#include <limits>

#include "datetime_parse.hpp"
#include "datetime_util.hpp"
#include "pgwire/types/scalar.hpp"
#include "pgwire/types/time_zone.hpp"

namespace pgwire {

using namespace types_detail;

namespace {

// Seconds since 1970 (UTC) of microseconds since 2000, rounded down.
std::int64_t unix_seconds_of(std::int64_t pg_microseconds) {
  std::int64_t s = pg_microseconds / kUsecPerSec;
  if (pg_microseconds % kUsecPerSec < 0) --s;
  return s + 946684800;
}

// `zone_west`: the offset printed after a timestamptz (seconds WEST of
// Greenwich, as put_zone takes it); t is already the zone's local time.
void put_timestamp_text(std::int64_t t, bool with_zone, Buffer& out, std::int32_t zone_west = 0) {
  if (t == std::numeric_limits<std::int64_t>::max()) return out.put_bytes("infinity");
  if (t == std::numeric_limits<std::int64_t>::min()) return out.put_bytes("-infinity");
  if (!valid_timestamp(t)) return out.set_error(type_errc::datetime_out_of_range);
  // timestamp2tm: split into days and a non-negative time of day.
  std::int64_t date = t / kUsecPerDay;
  std::int64_t time = t - date * kUsecPerDay;
  if (time < 0) {
    time += kUsecPerDay;
    date -= 1;
  }
  YearMonthDay d = j2date(date + kEpochJdate);
  write_bounded(out, 48, [&](char* p) {
    p = put_ymd(p, d);
    *p++ = ' ';
    p = put_time_of_day(p, time);
    if (with_zone) p = put_zone(p, zone_west);
    if (d.year <= 0) {
      std::memcpy(p, " BC", 3);
      p += 3;
    }
    return p;
  });
}

}  // namespace

// Date helpers -------------------------------------------------------------------

Date Date::from_ymd(YearMonthDay ymd) noexcept {
  return Date{static_cast<std::int32_t>(date2j(ymd.year, ymd.month, ymd.day) - kEpochJdate)};
}
YearMonthDay Date::to_ymd() const noexcept { return j2date(static_cast<std::int64_t>(days) + kEpochJdate); }
bool Date::is_valid() const noexcept { return !is_finite() || valid_date_days(days); }
bool Timestamp::is_valid() const noexcept { return !is_finite() || valid_timestamp(microseconds); }
bool TimestampTz::is_valid() const noexcept { return !is_finite() || valid_timestamp(microseconds); }

// date -----------------------------------------------------------------------------

void encode_text(Date v, Buffer& out) {
  if (v == Date::infinity()) return out.put_bytes("infinity");
  if (v == Date::minus_infinity()) return out.put_bytes("-infinity");
  if (!v.is_valid()) return out.set_error(type_errc::datetime_out_of_range);
  YearMonthDay d = v.to_ymd();
  write_bounded(out, 24, [&](char* p) {
    p = put_ymd(p, d);
    if (d.year <= 0) {
      std::memcpy(p, " BC", 3);
      p += 3;
    }
    return p;
  });
}
void encode_binary(Date v, Buffer& out) {
  if (!v.is_valid()) return out.set_error(type_errc::datetime_out_of_range);
  out.put_i32(v.days);
}

std::error_code decode_text(std::string_view in, Date& out) {
  DateTimeFields f;
  if (auto ec = parse_datetime(in, f)) return ec;
  if (f.special == DateTimeFields::pos_infinity) return out = Date::infinity(), std::error_code{};
  if (f.special == DateTimeFields::neg_infinity) return out = Date::minus_infinity(), std::error_code{};
  if (f.special == DateTimeFields::epoch) return out = Date{-10957}, std::error_code{};  // 1970-01-01
  if (!f.has_date) return fail(type_errc::invalid_datetime_format);
  std::int64_t days;
  if (!fields_to_days(f, days)) return fail(type_errc::datetime_out_of_range);
  out.days = static_cast<std::int32_t>(days);
  return {};
}
std::error_code decode_binary(std::string_view in, Date& out) {
  if (auto ec = fixed_size(in, 4)) return ec;
  read_be<std::int32_t, 4>(in, 0, out.days);
  return out.is_valid() ? std::error_code{} : fail(type_errc::datetime_out_of_range);
}

// time / timetz -----------------------------------------------------------------------

void encode_text(Time v, Buffer& out) {
  if (v.microseconds < 0 || v.microseconds > kUsecPerDay) return out.set_error(type_errc::datetime_out_of_range);
  write_bounded(out, 16, [&](char* p) { return put_time_of_day(p, v.microseconds); });
}
void encode_binary(Time v, Buffer& out) {
  if (v.microseconds < 0 || v.microseconds > kUsecPerDay) return out.set_error(type_errc::datetime_out_of_range);
  out.put_i64(v.microseconds);
}
void encode_text(TimeTz v, Buffer& out) {
  if (v.microseconds < 0 || v.microseconds > kUsecPerDay || v.zone <= -kTzDispLimit || v.zone >= kTzDispLimit) {
    return out.set_error(type_errc::datetime_out_of_range);
  }
  write_bounded(out, 32, [&](char* p) { return put_zone(put_time_of_day(p, v.microseconds), v.zone); });
}
void encode_binary(TimeTz v, Buffer& out) {
  if (v.microseconds < 0 || v.microseconds > kUsecPerDay || v.zone <= -kTzDispLimit || v.zone >= kTzDispLimit) {
    return out.set_error(type_errc::datetime_out_of_range);
  }
  out.put_i64(v.microseconds);
  out.put_i32(v.zone);
}

std::error_code decode_text(std::string_view in, Time& out) {
  DateTimeFields f;
  if (auto ec = parse_datetime(in, f, true)) return ec;
  if (f.special != DateTimeFields::none || !f.has_time || f.t_separator) {
    return fail(type_errc::invalid_datetime_format);
  }
  out.microseconds = time_of(f);
  return {};
}
std::error_code decode_binary(std::string_view in, Time& out) {
  if (auto ec = fixed_size(in, 8)) return ec;
  read_be<std::int64_t, 8>(in, 0, out.microseconds);
  if (out.microseconds < 0 || out.microseconds > kUsecPerDay) return fail(type_errc::datetime_out_of_range);
  return {};
}
std::error_code decode_text(std::string_view in, TimeTz& out) {
  DateTimeFields f;
  if (auto ec = parse_datetime(in, f, true)) return ec;
  if (f.special != DateTimeFields::none || !f.has_time || f.t_separator) {
    return fail(type_errc::invalid_datetime_format);
  }
  out.microseconds = time_of(f);
  out.zone = f.has_zone ? f.zone : 0;  // no zone: the session's, UTC
  return {};
}
std::error_code decode_binary(std::string_view in, TimeTz& out) {
  if (auto ec = fixed_size(in, 12)) return ec;
  read_be<std::int64_t, 8>(in, 0, out.microseconds);
  read_be<std::int32_t, 4>(in, 8, out.zone);
  // timetz_recv checks the time, then the zone (22008, then 22009).
  if (out.microseconds < 0 || out.microseconds > kUsecPerDay) return fail(type_errc::datetime_out_of_range);
  if (out.zone <= -kTzDispLimit || out.zone >= kTzDispLimit) return fail(type_errc::time_zone_out_of_range);
  return {};
}

// timestamp / timestamptz -------------------------------------------------------------

void encode_text(Timestamp v, Buffer& out) { put_timestamp_text(v.microseconds, false, out); }
void encode_text(TimestampTz v, Buffer& out) { put_timestamp_text(v.microseconds, true, out); }
void encode_text(TimestampTz v, Buffer& out, const TimeZone& zone) {
  if (zone.is_utc() || !v.is_finite() || !valid_timestamp(v.microseconds))
    return put_timestamp_text(v.microseconds, true, out);
  std::int32_t east = zone.offset_at(unix_seconds_of(v.microseconds));
  put_timestamp_text(v.microseconds + std::int64_t{east} * kUsecPerSec, true, out, -east);
}
void encode_binary(Timestamp v, Buffer& out) {
  if (!v.is_valid()) return out.set_error(type_errc::datetime_out_of_range);
  out.put_i64(v.microseconds);
}
void encode_binary(TimestampTz v, Buffer& out) {
  if (!v.is_valid()) return out.set_error(type_errc::datetime_out_of_range);
  out.put_i64(v.microseconds);
}

std::error_code decode_text(std::string_view in, Timestamp& out) {
  DateTimeFields f;
  if (auto ec = parse_datetime(in, f)) return ec;
  return fields_to_timestamp(f, false, out.microseconds);  // timestamp ignores a zone
}
std::error_code decode_text(std::string_view in, TimestampTz& out) {
  DateTimeFields f;
  if (auto ec = parse_datetime(in, f)) return ec;
  return fields_to_timestamp(f, true, out.microseconds);
}
std::error_code decode_text(std::string_view in, TimestampTz& out, const TimeZone& zone) {
  DateTimeFields f;
  if (auto ec = parse_datetime(in, f)) return ec;
  if (f.has_zone || zone.is_utc() || f.special != DateTimeFields::none) return fields_to_timestamp(f, true, out.microseconds);
  std::int64_t local;  // (no offset written: the zone's clocks)
  if (auto ec = fields_to_timestamp(f, false, local)) return ec;
  std::int32_t east = zone.offset_for_local(unix_seconds_of(local));
  local -= std::int64_t{east} * kUsecPerSec;
  if (!valid_timestamp(local)) return fail(type_errc::datetime_out_of_range);
  out.microseconds = local;
  return {};
}
std::error_code decode_binary(std::string_view in, Timestamp& out) {
  if (auto ec = fixed_size(in, 8)) return ec;
  read_be<std::int64_t, 8>(in, 0, out.microseconds);
  return out.is_valid() ? std::error_code{} : fail(type_errc::datetime_out_of_range);
}
std::error_code decode_binary(std::string_view in, TimestampTz& out) {
  if (auto ec = fixed_size(in, 8)) return ec;
  read_be<std::int64_t, 8>(in, 0, out.microseconds);
  return out.is_valid() ? std::error_code{} : fail(type_errc::datetime_out_of_range);
}

}  // namespace pgwire
