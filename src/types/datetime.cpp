// date, time, timetz, timestamp, timestamptz, interval.
//
// Calendar arithmetic is PostgreSQL's own (date2j/j2date, Julian day numbers),
// so BC dates and the range limits come out exactly as the server has them.

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "pgwire/types/scalar.hpp"
#include "util.hpp"

namespace pgwire {

using namespace types_detail;

namespace {

constexpr std::int64_t kUsecPerSec = 1000000;
constexpr std::int64_t kUsecPerMinute = 60 * kUsecPerSec;
constexpr std::int64_t kUsecPerHour = 60 * kUsecPerMinute;
constexpr std::int64_t kUsecPerDay = 24 * kUsecPerHour;
constexpr std::int64_t kEpochJdate = 2451545;        // POSTGRES_EPOCH_JDATE: 2000-01-01
constexpr std::int64_t kDateEndJulian = 2147483494;  // 5874898-01-01
constexpr std::int64_t kMinTimestamp = -211813488000000000;   // 4714-11-24 00:00:00 BC
constexpr std::int64_t kEndTimestamp = 9223371331200000000;   // 294277-01-01 00:00:00
constexpr std::int32_t kTzDispLimit = 16 * 3600;              // |zone| must stay below 16 hours

// date2j, in 64 bits so that no input year can overflow it.
constexpr std::int64_t date2j(std::int64_t y, std::int64_t m, std::int64_t d) {
  if (m > 2) {
    m += 1;
    y += 4800;
  } else {
    m += 13;
    y += 4799;
  }
  std::int64_t century = y / 100;
  std::int64_t julian = y * 365 - 32167;
  julian += y / 4 - century + century / 4;
  julian += 7834 * m / 256 + d;
  return julian;
}

// j2date, verbatim (its unsigned arithmetic is valid for 0 <= jd <= INT32_MAX).
YearMonthDay j2date(std::int64_t jd) {
  std::uint32_t julian = static_cast<std::uint32_t>(jd) + 32044;
  std::uint32_t quad = julian / 146097;
  std::uint32_t extra = (julian - quad * 146097) * 4 + 3;
  julian += 60 + quad * 3 + extra / 146097;
  quad = julian / 1461;
  julian -= quad * 1461;
  std::uint32_t y = julian * 4 / 1461;
  julian = ((y != 0) ? ((julian + 305) % 365) : ((julian + 306) % 366)) + 123;
  y += quad * 4;
  YearMonthDay r;
  r.year = static_cast<std::int32_t>(y) - 4800;
  quad = julian * 2141 / 65536;
  r.day = static_cast<std::int32_t>(julian - 7834 * quad / 256);
  r.month = static_cast<std::int32_t>((quad + 10) % 12 + 1);
  return r;
}

constexpr bool is_leap(std::int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
constexpr int days_in_month(std::int64_t y, int m) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

constexpr bool valid_date_days(std::int64_t days) {
  return days >= -kEpochJdate && days < kDateEndJulian - kEpochJdate;
}
constexpr bool valid_timestamp(std::int64_t t) { return t >= kMinTimestamp && t < kEndTimestamp; }

// --- output ------------------------------------------------------------------

char* put_2(char* p, std::int64_t v) { return put_uint(p, static_cast<std::uint64_t>(v), 2); }

// "YYYY-MM-DD"; the era suffix is the caller's (it goes after the time).
char* put_ymd(char* p, const YearMonthDay& d) {
  std::int64_t y = d.year > 0 ? d.year : -(static_cast<std::int64_t>(d.year) - 1);
  p = put_uint(p, static_cast<std::uint64_t>(y), 4);
  *p++ = '-';
  p = put_2(p, d.month);
  *p++ = '-';
  return put_2(p, d.day);
}

// AppendSeconds: two-digit seconds, then the fraction without trailing zeros.
char* put_seconds(char* p, std::int64_t sec, std::int64_t fsec) {
  p = put_2(p, sec < 0 ? -sec : sec);
  if (fsec == 0) return p;
  std::int64_t f = fsec < 0 ? -fsec : fsec;
  *p++ = '.';
  char digits[6];
  for (int i = 5; i >= 0; --i, f /= 10) digits[i] = static_cast<char>('0' + f % 10);
  int n = 6;
  while (digits[n - 1] == '0') --n;
  std::memcpy(p, digits, static_cast<std::size_t>(n));
  return p + n;
}

// "HH:MM:SS[.ffffff]" of a time of day in microseconds (0 .. 24:00:00).
char* put_time_of_day(char* p, std::int64_t t) {
  std::int64_t hour = t / kUsecPerHour;
  t -= hour * kUsecPerHour;
  std::int64_t min = t / kUsecPerMinute;
  t -= min * kUsecPerMinute;
  std::int64_t sec = t / kUsecPerSec;
  p = put_2(p, hour);
  *p++ = ':';
  p = put_2(p, min);
  *p++ = ':';
  return put_seconds(p, sec, t - sec * kUsecPerSec);
}

// EncodeTimezone: zone is seconds west, printed as east-positive +HH[:MM[:SS]].
char* put_zone(char* p, std::int32_t zone) {
  std::int32_t sec = zone < 0 ? -zone : zone;
  std::int32_t min = sec / 60;
  sec -= min * 60;
  std::int32_t hour = min / 60;
  min -= hour * 60;
  *p++ = zone <= 0 ? '+' : '-';
  p = put_2(p, hour);
  if (sec != 0 || min != 0) {
    *p++ = ':';
    p = put_2(p, min);
  }
  if (sec != 0) {
    *p++ = ':';
    p = put_2(p, sec);
  }
  return p;
}

template <class F>
void write_bounded(Buffer& out, std::size_t max, F&& write) {
  std::size_t start = out.size();
  char* p = out.extend(max);
  char* e = write(p);
  out.truncate(start + static_cast<std::size_t>(e - p));
}

void put_timestamp_text(std::int64_t t, bool with_zone, Buffer& out) {
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
    if (with_zone) p = put_zone(p, 0);  // session TimeZone is UTC
    if (d.year <= 0) {
      std::memcpy(p, " BC", 3);
      p += 3;
    }
    return p;
  });
}

// --- input -------------------------------------------------------------------

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

class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek(std::size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  void skip(std::size_t n = 1) { i_ += n; }
  std::size_t pos() const { return i_; }
  void seek(std::size_t i) { i_ = i; }
  std::string_view rest() const { return s_.substr(i_); }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  void skip_spaces() {
    while (is_space(peek())) ++i_;
  }
  // 1+ digits (at most max_digits); saturates rather than overflowing.
  std::size_t digits(std::int64_t& v, std::size_t max_digits = 18) {
    std::size_t start = i_;
    v = 0;
    while (is_digit(peek()) && i_ - start < max_digits) {
      v = v * 10 + (s_[i_] - '0');
      ++i_;
    }
    return i_ - start;
  }
  std::string_view letters() {
    std::size_t start = i_;
    while (is_alpha(peek())) ++i_;
    return s_.substr(start, i_ - start);
  }
  // ".ddd" -> rounded microseconds, as ParseFractionalSecond (strtod, rint).
  bool fraction(std::int64_t& usec) {
    std::size_t start = i_;
    if (!eat('.')) return false;
    while (is_digit(peek())) ++i_;
    double frac = 0;
    if (i_ - start > 1) {
      std::from_chars(s_.data() + start, s_.data() + i_, frac);
    }
    usec = static_cast<std::int64_t>(std::rint(frac * 1000000.0));
    return true;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
};

// [+-]HH[:MM[:SS]] or [+-]HHMM (DecodeTimezone), or Z/UTC/GMT.
std::error_code parse_zone(Scanner& sc, std::int32_t& zone) {
  char sign = sc.peek();
  if (sign != '+' && sign != '-') return fail(type_errc::invalid_text);
  std::size_t start = sc.pos();
  sc.skip();
  std::int64_t hr = 0, min = 0, sec = 0;
  if (sc.digits(hr, 9) == 0) return fail(type_errc::invalid_text);
  if (sc.eat(':')) {
    if (sc.digits(min, 9) == 0) return fail(type_errc::invalid_text);
    if (sc.eat(':') && sc.digits(sec, 9) == 0) return fail(type_errc::invalid_text);
  } else if (sc.pos() - start > 3) {  // run together: +HHMM
    min = hr % 100;
    hr /= 100;
  }
  if (hr > 15 || min >= 60 || sec >= 60) return fail(type_errc::datetime_out_of_range);
  auto tz = static_cast<std::int32_t>((hr * 60 + min) * 60 + sec);
  zone = sign == '-' ? tz : -tz;
  return {};
}

std::error_code parse_time_fields(Scanner& sc, DateTimeFields& f) {
  std::int64_t h = 0, m = 0, s = 0;
  if (sc.digits(h, 2) == 0 || !sc.eat(':') || sc.digits(m, 2) == 0) return fail(type_errc::invalid_text);
  if (sc.eat(':')) {
    if (sc.digits(s, 2) == 0) return fail(type_errc::invalid_text);
    if (sc.peek() == '.') sc.fraction(f.usec);
  } else if (sc.peek() == '.') {  // two fields with a fraction are mm:ss.fff
    sc.fraction(f.usec);
    s = m;
    m = h;
    h = 0;
  }
  if (is_digit(sc.peek())) return fail(type_errc::invalid_text);
  f.has_time = true;
  f.hour = h;
  f.minute = static_cast<int>(m);
  f.second = static_cast<int>(s);
  // time_overflows(): fields individually, then the total against 24:00:00.
  if (h > 24 || m >= 60 || s > 60 || f.usec > kUsecPerSec ||
      ((h * 60 + m) * 60 + s) * kUsecPerSec + f.usec > kUsecPerDay) {
    return fail(type_errc::datetime_out_of_range);
  }
  return {};
}

std::error_code parse_datetime(std::string_view in, DateTimeFields& f) {
  std::string_view s = trim(in);
  if (iequals(s, "infinity")) return f.special = DateTimeFields::pos_infinity, std::error_code{};
  if (iequals(s, "-infinity")) return f.special = DateTimeFields::neg_infinity, std::error_code{};
  if (iequals(s, "epoch")) return f.special = DateTimeFields::epoch, std::error_code{};
  Scanner sc(s);
  std::int64_t y = 0, m = 0, d = 0;
  std::size_t ny = sc.digits(y, 9);
  if (ny > 0 && sc.peek() == '-') {
    // Year first needs 3+ digits; shorter ones would be read per DateStyle.
    if (ny < 3) return fail(type_errc::invalid_text);
    sc.skip();
    if (sc.digits(m, 2) == 0 || !sc.eat('-') || sc.digits(d, 2) == 0 || is_digit(sc.peek())) {
      return fail(type_errc::invalid_text);
    }
    f.has_date = true;
    f.year = y;
    f.month = static_cast<int>(m);
    f.day = static_cast<int>(d);
    if ((sc.peek() == 'T' || sc.peek() == 't') && is_digit(sc.peek(1))) {
      sc.skip();
      f.t_separator = true;
      if (auto ec = parse_time_fields(sc, f)) return ec;
    } else {
      std::size_t save = sc.pos();
      sc.skip_spaces();
      if (is_digit(sc.peek())) {
        if (auto ec = parse_time_fields(sc, f)) return ec;
      } else {
        sc.seek(save);
      }
    }
  } else {
    sc.seek(0);
    if (auto ec = parse_time_fields(sc, f)) return ec;
  }
  // Optional zone, then optional era, each possibly after spaces.
  for (int field = 0; field < 2; ++field) {
    sc.skip_spaces();
    if (sc.done()) break;
    if (sc.peek() == '+' || sc.peek() == '-') {
      // Right after a date, a minus would continue the date field.
      if (f.has_zone || (!f.has_time && sc.peek() == '-' && !is_space(s[sc.pos() - 1]))) {
        return fail(type_errc::invalid_text);
      }
      if (auto ec = parse_zone(sc, f.zone)) return ec;
      f.has_zone = true;
      continue;
    }
    std::string_view word = sc.letters();
    if (!f.has_zone && (iequals(word, "z") || iequals(word, "utc") || iequals(word, "gmt") || iequals(word, "zulu"))) {
      f.has_zone = true;
      f.zone = 0;
    } else if (f.has_date && (iequals(word, "bc") || iequals(word, "ad"))) {
      f.bc = iequals(word, "bc");
      break;
    } else {
      return fail(type_errc::invalid_text);
    }
  }
  sc.skip_spaces();
  if (!sc.done()) return fail(type_errc::invalid_text);
  if (f.has_date) {
    // ValidateDate: year 0 does not exist; BC years count backwards from 1.
    if (f.year <= 0 || f.month < 1 || f.month > 12) return fail(type_errc::datetime_out_of_range);
    if (f.bc) f.year = -(f.year - 1);
    if (f.day < 1 || f.day > days_in_month(f.year, f.month)) return fail(type_errc::datetime_out_of_range);
  }
  return {};
}

// Julian day of validated fields; false outside IS_VALID_JULIAN (the range
// the Julian-day routines handle: from 4714-11-01 BC). date then narrows it
// to its own range; timestamps check the final value instead, after the zone.
bool fields_to_julian(const DateTimeFields& f, std::int64_t& j) {
  if (f.year < -4713 || (f.year == -4713 && f.month < 11)) return false;
  if (f.year > 5874898 || (f.year == 5874898 && f.month >= 6)) return false;
  j = date2j(f.year, f.month, f.day);
  return true;
}

bool fields_to_days(const DateTimeFields& f, std::int64_t& days) {
  std::int64_t j;
  if (!fields_to_julian(f, j) || j < 0 || j >= kDateEndJulian) return false;
  days = j - kEpochJdate;
  return true;
}

std::int64_t time_of(const DateTimeFields& f) {
  return ((f.hour * 60 + f.minute) * 60 + f.second) * kUsecPerSec + f.usec;
}

std::error_code fields_to_timestamp(const DateTimeFields& f, bool apply_zone, std::int64_t& out) {
  if (f.special == DateTimeFields::pos_infinity) return out = std::numeric_limits<std::int64_t>::max(), std::error_code{};
  if (f.special == DateTimeFields::neg_infinity) return out = std::numeric_limits<std::int64_t>::min(), std::error_code{};
  if (f.special == DateTimeFields::epoch) return out = -unix_epoch_microseconds, std::error_code{};
  if (!f.has_date) return fail(type_errc::invalid_text);
  std::int64_t j;
  if (!fields_to_julian(f, j)) return fail(type_errc::datetime_out_of_range);
  std::int64_t days = j - kEpochJdate;
  // Days beyond timestamp's range would overflow the multiplication.
  if (days < kMinTimestamp / kUsecPerDay - 1 || days > kEndTimestamp / kUsecPerDay + 1) {
    return fail(type_errc::datetime_out_of_range);
  }
  std::int64_t t = days * kUsecPerDay + time_of(f);
  if (apply_zone && f.has_zone) t += static_cast<std::int64_t>(f.zone) * kUsecPerSec;
  if (!valid_timestamp(t)) return fail(type_errc::datetime_out_of_range);
  out = t;
  return {};
}

template <class T, std::size_t N>
bool read_be(std::string_view in, std::size_t at, T& out) {
  if (in.size() < at + N) return false;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < N; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  out = static_cast<T>(v);
  return true;
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
  if (!f.has_date) return fail(type_errc::invalid_text);
  std::int64_t days;
  if (!fields_to_days(f, days)) return fail(type_errc::datetime_out_of_range);
  out.days = static_cast<std::int32_t>(days);
  return {};
}
std::error_code decode_binary(std::string_view in, Date& out) {
  if (in.size() != 4 || !read_be<std::int32_t, 4>(in, 0, out.days)) return fail(type_errc::invalid_binary);
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
  if (auto ec = parse_datetime(in, f)) return ec;
  if (f.special != DateTimeFields::none || !f.has_time || f.t_separator) return fail(type_errc::invalid_text);
  out.microseconds = time_of(f);
  return {};
}
std::error_code decode_binary(std::string_view in, Time& out) {
  if (in.size() != 8 || !read_be<std::int64_t, 8>(in, 0, out.microseconds)) return fail(type_errc::invalid_binary);
  if (out.microseconds < 0 || out.microseconds > kUsecPerDay) return fail(type_errc::datetime_out_of_range);
  return {};
}
std::error_code decode_text(std::string_view in, TimeTz& out) {
  DateTimeFields f;
  if (auto ec = parse_datetime(in, f)) return ec;
  if (f.special != DateTimeFields::none || !f.has_time || f.t_separator) return fail(type_errc::invalid_text);
  out.microseconds = time_of(f);
  out.zone = f.has_zone ? f.zone : 0;  // no zone: the session's, UTC
  return {};
}
std::error_code decode_binary(std::string_view in, TimeTz& out) {
  if (in.size() != 12 || !read_be<std::int64_t, 8>(in, 0, out.microseconds) ||
      !read_be<std::int32_t, 4>(in, 8, out.zone)) {
    return fail(type_errc::invalid_binary);
  }
  if (out.microseconds < 0 || out.microseconds > kUsecPerDay || out.zone <= -kTzDispLimit ||
      out.zone >= kTzDispLimit) {
    return fail(type_errc::datetime_out_of_range);
  }
  return {};
}

// timestamp / timestamptz -------------------------------------------------------------

void encode_text(Timestamp v, Buffer& out) { put_timestamp_text(v.microseconds, false, out); }
void encode_text(TimestampTz v, Buffer& out) { put_timestamp_text(v.microseconds, true, out); }
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
std::error_code decode_binary(std::string_view in, Timestamp& out) {
  if (in.size() != 8 || !read_be<std::int64_t, 8>(in, 0, out.microseconds)) return fail(type_errc::invalid_binary);
  return out.is_valid() ? std::error_code{} : fail(type_errc::datetime_out_of_range);
}
std::error_code decode_binary(std::string_view in, TimestampTz& out) {
  if (in.size() != 8 || !read_be<std::int64_t, 8>(in, 0, out.microseconds)) return fail(type_errc::invalid_binary);
  return out.is_valid() ? std::error_code{} : fail(type_errc::datetime_out_of_range);
}

// interval -----------------------------------------------------------------------------

namespace {

// AddPostgresIntPart: "<n> <unit>[s]", with "+" before a positive value that
// follows a negative one.
char* put_interval_part(char* p, std::int64_t value, std::string_view unit, bool& is_zero, bool& is_before) {
  if (value == 0) return p;
  if (!is_zero) *p++ = ' ';
  if (is_before && value > 0) *p++ = '+';
  p = std::to_chars(p, p + 24, value).ptr;
  *p++ = ' ';
  std::memcpy(p, unit.data(), unit.size());
  p += unit.size();
  if (value != 1) *p++ = 's';
  is_before = value < 0;
  is_zero = false;
  return p;
}

}  // namespace

void encode_text(Interval v, Buffer& out) {
  // interval2itm + EncodeInterval (IntervalStyle postgres).
  std::int64_t year = v.months / 12;
  std::int64_t mon = v.months % 12;
  std::int64_t time = v.microseconds;
  std::int64_t hour = time / kUsecPerHour;
  time -= hour * kUsecPerHour;
  std::int64_t min = time / kUsecPerMinute;
  time -= min * kUsecPerMinute;
  std::int64_t sec = time / kUsecPerSec;
  std::int64_t fsec = time - sec * kUsecPerSec;
  write_bounded(out, 128, [&](char* p) {
    bool is_zero = true, is_before = false;
    p = put_interval_part(p, year, "year", is_zero, is_before);
    p = put_interval_part(p, mon, "mon", is_zero, is_before);
    p = put_interval_part(p, v.days, "day", is_zero, is_before);
    if (is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
      bool minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
      if (!is_zero) *p++ = ' ';
      if (minus) {
        *p++ = '-';
      } else if (is_before) {
        *p++ = '+';
      }
      p = put_2(p, hour < 0 ? -hour : hour);
      *p++ = ':';
      p = put_2(p, min < 0 ? -min : min);
      *p++ = ':';
      p = put_seconds(p, sec, fsec);
    }
    return p;
  });
}
void encode_binary(Interval v, Buffer& out) {
  out.put_i64(v.microseconds);
  out.put_i32(v.days);
  out.put_i32(v.months);
}

namespace {

// Accumulates interval fields like PostgreSQL's pg_itm_in, in wider integers;
// the final check keeps days and months within int32.
struct IntervalAcc {
  std::int64_t usec = 0;
  std::int64_t days = 0;
  std::int64_t months = 0;
  bool ok = true;

  void add_usec(std::int64_t v) { ok = ok && !__builtin_add_overflow(usec, v, &usec); }
  // AdjustFractMicroseconds: truncate, then round the leftover fraction.
  void fract_usec(double frac, std::int64_t scale) {
    if (frac == 0) return;
    frac *= static_cast<double>(scale);
    if (!(std::fabs(frac) < 9.2e18)) {
      ok = false;
      return;
    }
    auto u = static_cast<std::int64_t>(frac);
    frac -= static_cast<double>(u);
    add_usec(u + static_cast<std::int64_t>(std::rint(frac)));
  }
  void micro(std::int64_t val, double fval, std::int64_t scale) {
    std::int64_t prod;
    ok = ok && !__builtin_mul_overflow(val, scale, &prod);
    if (ok) add_usec(prod);
    fract_usec(fval, scale);
  }
  // AdjustFractDays: whole days, the remainder as microseconds.
  void fract_days(double frac, int scale) {
    if (frac == 0) return;
    frac *= scale;
    auto extra = static_cast<std::int64_t>(frac);
    days += extra;
    fract_usec(frac - static_cast<double>(extra), kUsecPerDay);
  }
  void add_days(std::int64_t val, int scale) {
    if (val < std::numeric_limits<std::int32_t>::min() || val > std::numeric_limits<std::int32_t>::max()) ok = false;
    else days += val * scale;
  }
  void add_months(std::int64_t val, std::int64_t scale) {
    if (val < std::numeric_limits<std::int32_t>::min() || val > std::numeric_limits<std::int32_t>::max()) ok = false;
    else months += val * scale;
  }
  // AdjustFractYears: rounded to whole months.
  void fract_years(double frac, int scale) { months += static_cast<std::int64_t>(std::rint(frac * scale * 12)); }

  std::error_code finish(bool negate, Interval& out) {
    if (negate) {
      if (usec == std::numeric_limits<std::int64_t>::min()) ok = false;
      usec = -usec;
      days = -days;
      months = -months;
    }
    auto fits32 = [](std::int64_t v) {
      return v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max();
    };
    if (!ok || !fits32(days) || !fits32(months)) return fail(type_errc::datetime_out_of_range);
    out.microseconds = usec;
    out.days = static_cast<std::int32_t>(days);
    out.months = static_cast<std::int32_t>(months);
    return {};
  }
};

enum Unit : unsigned {
  u_none = 0,
  u_usec = 1 << 0,
  u_msec = 1 << 1,
  u_sec = 1 << 2,
  u_min = 1 << 3,
  u_hour = 1 << 4,
  u_day = 1 << 5,
  u_week = 1 << 6,
  u_month = 1 << 7,
  u_year = 1 << 8,
  u_decade = 1 << 9,
  u_century = 1 << 10,
  u_millennium = 1 << 11,
  u_after_ago = 1 << 12,  // a number right before "ago" has no unit: an error
};

Unit lookup_unit(std::string_view w) {
  static constexpr struct {
    std::string_view name;
    Unit unit;
  } units[] = {
      {"microsecond", u_usec}, {"microseconds", u_usec}, {"us", u_usec}, {"usec", u_usec}, {"usecs", u_usec},
      {"usecond", u_usec}, {"useconds", u_usec}, {"millisecond", u_msec}, {"milliseconds", u_msec},
      {"ms", u_msec}, {"msec", u_msec}, {"msecs", u_msec}, {"msecond", u_msec}, {"mseconds", u_msec},
      {"s", u_sec}, {"sec", u_sec}, {"secs", u_sec}, {"second", u_sec}, {"seconds", u_sec},
      {"m", u_min}, {"min", u_min}, {"mins", u_min}, {"minute", u_min}, {"minutes", u_min},
      {"h", u_hour}, {"hr", u_hour}, {"hrs", u_hour}, {"hour", u_hour}, {"hours", u_hour},
      {"d", u_day}, {"day", u_day}, {"days", u_day}, {"w", u_week}, {"week", u_week}, {"weeks", u_week},
      {"mon", u_month}, {"mons", u_month}, {"month", u_month}, {"months", u_month},
      {"y", u_year}, {"yr", u_year}, {"yrs", u_year}, {"year", u_year}, {"years", u_year},
      {"dec", u_decade}, {"decs", u_decade}, {"decade", u_decade}, {"decades", u_decade},
      {"c", u_century}, {"cent", u_century}, {"century", u_century}, {"centuries", u_century},
      {"mil", u_millennium}, {"mils", u_millennium}, {"millennium", u_millennium}, {"millennia", u_millennium},
  };
  for (const auto& u : units) {
    if (iequals(w, u.name)) return u.unit;
  }
  return u_none;
}

// Applies "<val>.<fval> <unit>" as DecodeInterval does.
void apply_unit(IntervalAcc& acc, Unit unit, std::int64_t val, double fval) {
  switch (unit) {
    case u_usec: return acc.micro(val, fval, 1);
    case u_msec: return acc.micro(val, fval, 1000);
    case u_sec: return acc.micro(val, fval, kUsecPerSec);
    case u_min: return acc.micro(val, fval, kUsecPerMinute);
    case u_hour: return acc.micro(val, fval, kUsecPerHour);
    case u_day:
      acc.add_days(val, 1);
      return acc.fract_usec(fval, kUsecPerDay);
    case u_week:
      acc.add_days(val, 7);
      return acc.fract_days(fval, 7);
    case u_month:
      acc.add_months(val, 1);
      return acc.fract_days(fval, 30);
    case u_year:
      acc.add_months(val, 12);
      return acc.fract_years(fval, 1);
    case u_decade:
      acc.add_months(val, 120);
      return acc.fract_years(fval, 10);
    case u_century:
      acc.add_months(val, 1200);
      return acc.fract_years(fval, 100);
    case u_millennium:
      acc.add_months(val, 12000);
      return acc.fract_years(fval, 1000);
    case u_none:
    case u_after_ago: return;
  }
}

// "[+-]digits[.digits]" -> integer part (truncated toward zero) and signed fraction.
bool parse_interval_number(std::string_view t, std::int64_t& val, double& fval) {
  std::size_t i = 0;
  bool neg = false;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  std::size_t int_start = i;
  val = 0;
  while (i < t.size() && is_digit(t[i])) {
    if (__builtin_mul_overflow(val, 10, &val) || __builtin_add_overflow(val, t[i] - '0', &val)) return false;
    ++i;
  }
  bool have_int = i > int_start;
  fval = 0;
  if (i < t.size() && t[i] == '.') {
    std::size_t dot = i++;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i - dot > 1) std::from_chars(t.data() + dot, t.data() + i, fval);
    else if (!have_int) return false;
  } else if (!have_int) {
    return false;
  }
  if (i != t.size()) return false;
  if (neg) {
    val = -val;
    fval = -fval;
  }
  return true;
}

// "[+-]H+:MM[:SS[.frac]]" or "MM:SS.frac" (DecodeTimeCommon) -> microseconds.
bool parse_interval_time(std::string_view t, std::int64_t& usec) {
  Scanner sc(t);
  bool neg = false;
  if (sc.peek() == '+' || sc.peek() == '-') {
    neg = sc.peek() == '-';
    sc.skip();
  }
  std::int64_t hour = 0, min = 0, sec = 0, fsec = 0;
  if (sc.digits(hour) == 0 || !sc.eat(':') || sc.digits(min, 9) == 0) return false;
  if (sc.peek() == '.') {  // mm:ss.fff
    sc.fraction(fsec);
    sec = min;
    min = hour;
    hour = 0;
  } else if (sc.eat(':')) {
    if (sc.digits(sec, 9) == 0) return false;
    if (sc.peek() == '.') sc.fraction(fsec);
  }
  if (!sc.done() || min > 59 || sec > 60 || fsec > kUsecPerSec) return false;
  IntervalAcc acc;
  acc.micro(hour, 0, kUsecPerHour);
  acc.add_usec(min * kUsecPerMinute + sec * kUsecPerSec + fsec);
  if (!acc.ok) return false;
  usec = neg ? -acc.usec : acc.usec;
  return true;
}

std::error_code parse_iso8601_interval(std::string_view s, Interval& out) {
  // P[nY][nM][nW][nD][T[nH][nM][nS]], numbers possibly signed and fractional.
  IntervalAcc acc;
  std::size_t i = 1;
  bool time_part = false;
  if (s.size() == 1) return fail(type_errc::invalid_text);  // "P" alone; "PT" is zero
  while (i < s.size()) {
    if (s[i] == 'T') {
      if (time_part) return fail(type_errc::invalid_text);
      time_part = true;
      ++i;
      continue;
    }
    std::size_t start = i;
    if (s[i] == '+' || s[i] == '-') ++i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '.')) ++i;
    std::int64_t val;
    double fval;
    if (i >= s.size() || !parse_interval_number(s.substr(start, i - start), val, fval)) {
      return fail(type_errc::invalid_text);
    }
    char unit = s[i++];
    if (!time_part) {
      switch (unit) {
        case 'Y': apply_unit(acc, u_year, val, fval); break;
        case 'M': apply_unit(acc, u_month, val, fval); break;
        case 'W': apply_unit(acc, u_week, val, fval); break;
        case 'D': apply_unit(acc, u_day, val, fval); break;
        default: return fail(type_errc::invalid_text);
      }
    } else {
      switch (unit) {
        case 'H': apply_unit(acc, u_hour, val, fval); break;
        case 'M': apply_unit(acc, u_min, val, fval); break;
        case 'S': apply_unit(acc, u_sec, val, fval); break;
        default: return fail(type_errc::invalid_text);
      }
    }
  }
  return acc.finish(false, out);
}

}  // namespace

std::error_code decode_text(std::string_view in, Interval& out) {
  std::string_view s = trim(in);
  if (!s.empty() && s[0] == 'P') return parse_iso8601_interval(s, out);
  // Tokens: numbers, times (contain ':'), unit words, '@', "ago".
  struct Token {
    enum Kind { number, time, word } kind;
    std::string_view text;
  };
  Token tokens[64];
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    char c = s[i];
    if (is_space(c) || c == '@') {
      ++i;
      continue;
    }
    std::size_t start = i;
    Token::Kind kind;
    if (is_alpha(c)) {
      while (i < s.size() && is_alpha(s[i])) ++i;
      kind = Token::word;
    } else if (is_digit(c) || c == '.' || c == '+' || c == '-') {
      ++i;
      while (i < s.size() && (is_digit(s[i]) || s[i] == '.' || s[i] == ':')) ++i;
      kind = s.substr(start, i - start).find(':') != std::string_view::npos ? Token::time : Token::number;
    } else {
      return fail(type_errc::invalid_text);
    }
    if (n == std::size(tokens)) return fail(type_errc::invalid_text);
    tokens[n++] = {kind, s.substr(start, i - start)};
  }
  if (n == 0) return fail(type_errc::invalid_text);
  // DecodeInterval walks right to left: a number takes the unit to its right
  // (seconds when there is none; days after hours or a time, so "1 2 hours"
  // and "1 02:00" mean a day and two hours), and each unit may be given once.
  IntervalAcc acc;
  bool ago = false;
  unsigned seen = 0;
  Unit pending = u_none;
  for (std::size_t k = n; k-- > 0;) {
    const Token& t = tokens[k];
    if (t.kind == Token::word) {
      if (iequals(t.text, "ago")) {  // negates the whole interval, wherever it stands
        ago = true;
        pending = u_after_ago;
        continue;
      }
      pending = lookup_unit(t.text);
      if (pending == u_none) return fail(type_errc::invalid_text);
      continue;
    }
    if (t.kind == Token::time) {
      constexpr unsigned time_mask = u_hour | u_min | u_sec | u_msec | u_usec;
      std::int64_t usec;
      if ((seen & time_mask) != 0) return fail(type_errc::invalid_text);
      if (!parse_interval_time(t.text, usec)) return fail(type_errc::invalid_text);
      seen |= time_mask;
      // DecodeTimeForInterval assigns the time field: fractions of larger
      // units already spilled into it (those to the right) are dropped.
      acc.usec = usec;
      pending = u_day;
      continue;
    }
    if (pending == u_after_ago) return fail(type_errc::invalid_text);
    Unit unit = pending == u_none ? u_sec : pending;
    std::int64_t val;
    double fval;
    if (!parse_interval_number(t.text, val, fval)) return fail(type_errc::invalid_text);
    unsigned mask = unit;
    if (unit == u_sec && fval != 0) mask |= u_msec | u_usec;
    if ((seen & mask) != 0) return fail(type_errc::invalid_text);
    seen |= mask;
    apply_unit(acc, unit, val, fval);
    if (unit == u_hour) pending = u_day;
  }
  if (seen == 0) return fail(type_errc::invalid_text);  // units or "ago" without numbers
  return acc.finish(ago, out);
}

std::error_code decode_binary(std::string_view in, Interval& out) {
  if (in.size() != 16 || !read_be<std::int64_t, 8>(in, 0, out.microseconds) ||
      !read_be<std::int32_t, 4>(in, 8, out.days) || !read_be<std::int32_t, 4>(in, 12, out.months)) {
    return fail(type_errc::invalid_binary);
  }
  return {};
}

}  // namespace pgwire
