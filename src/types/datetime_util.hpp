#pragma once
// What the date/time codecs (datetime.cpp, datetime_parse.cpp) and the
// interval codec (interval.cpp) share: the microsecond units and range limits,
// PostgreSQL's Julian-day calendar arithmetic, the text output primitives
// (two-digit fields, seconds with a fraction, time of day, zone offset), the
// big-endian field reader of the binary decoders, and the Scanner the text
// decoders read with. Internal to the type layer.
//
// Calendar arithmetic is PostgreSQL's own (date2j/j2date, Julian day numbers),
// so BC dates and the range limits come out exactly as the server has them.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "pgwire/types/scalar.hpp"
#include "util.hpp"

namespace pgwire::types_detail {

inline constexpr std::int64_t kUsecPerSec = 1000000;
inline constexpr std::int64_t kUsecPerMinute = 60 * kUsecPerSec;
inline constexpr std::int64_t kUsecPerHour = 60 * kUsecPerMinute;
inline constexpr std::int64_t kUsecPerDay = 24 * kUsecPerHour;
inline constexpr std::int64_t kEpochJdate = 2451545;        // POSTGRES_EPOCH_JDATE: 2000-01-01
inline constexpr std::int64_t kDateEndJulian = 2147483494;  // 5874898-01-01
inline constexpr std::int64_t kMinTimestamp = -211813488000000000;   // 4714-11-24 00:00:00 BC
inline constexpr std::int64_t kEndTimestamp = 9223371331200000000;   // 294277-01-01 00:00:00
inline constexpr std::int32_t kTzDispLimit = 16 * 3600;              // |zone| must stay below 16 hours

// --- calendar ----------------------------------------------------------------

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
inline YearMonthDay j2date(std::int64_t jd) {
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

// --- text output -------------------------------------------------------------

inline char* put_2(char* p, std::int64_t v) { return put_uint(p, static_cast<std::uint64_t>(v), 2); }

// "YYYY-MM-DD"; the era suffix is the caller's (it goes after the time).
inline char* put_ymd(char* p, const YearMonthDay& d) {
  std::int64_t y = d.year > 0 ? d.year : -(static_cast<std::int64_t>(d.year) - 1);
  p = put_uint(p, static_cast<std::uint64_t>(y), 4);
  *p++ = '-';
  p = put_2(p, d.month);
  *p++ = '-';
  return put_2(p, d.day);
}

// AppendSeconds: two-digit seconds, then the fraction without trailing zeros.
inline char* put_seconds(char* p, std::int64_t sec, std::int64_t fsec) {
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
inline char* put_time_of_day(char* p, std::int64_t t) {
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
inline char* put_zone(char* p, std::int32_t zone) {
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

// --- input -------------------------------------------------------------------

// Big-endian N-byte integer at `at`; false when `in` is too short.
template <class T, std::size_t N>
bool read_be(std::string_view in, std::size_t at, T& out) {
  if (in.size() < at + N) return false;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < N; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  out = static_cast<T>(v);
  return true;
}

// ParseDateTime's own complaint, made before any field is decoded: a sign
// followed (after spaces) by neither a digit nor a letter ("04:05 -",
// "+-5"). A format error whatever else is wrong with the text.
inline bool dangling_sign(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '+' && s[i] != '-') continue;
    std::size_t j = i + 1;
    while (j < s.size() && is_space(s[j])) ++j;
    if (j == s.size() || !(is_digit(s[j]) || is_alpha(s[j]))) return true;
  }
  return false;
}

// A cursor over date/time text: digits, letters, a fraction of a second.
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
  // All the digits there are (1+), as strtoint reads a field: leading zeros
  // are fine, and a value past 10^15 stays there (out of any field's range).
  std::size_t number(std::int64_t& v) {
    std::size_t start = i_;
    v = 0;
    for (; is_digit(peek()); ++i_) {
      if (v < 1'000'000'000'000'000) v = v * 10 + (s_[i_] - '0');
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

}  // namespace pgwire::types_detail
