// Text input of date, time, timetz, timestamp and timestamptz: the
// DecodeDateTime subset declared in datetime_parse.hpp (ISO dates, times with
// an optional fraction, numeric and UTC zones, the era, the special words)
// and the conversion of its fields to days and microseconds.

#include <chrono>
#include <limits>

#include "datetime_parse.hpp"

namespace pgwire::types_detail {

namespace {

// [+-]HH[:MM[:SS]] or [+-]HHMM (DecodeTimezone), or Z/UTC/GMT.
std::error_code parse_zone(Scanner& sc, std::int32_t& zone) {
  char sign = sc.peek();
  if (sign != '+' && sign != '-') return fail(type_errc::invalid_datetime_format);
  std::size_t start = sc.pos();
  sc.skip();
  std::int64_t hr = 0, min = 0, sec = 0;
  if (sc.digits(hr, 9) == 0) return fail(type_errc::invalid_datetime_format);
  if (sc.eat(':')) {
    if (sc.digits(min, 9) == 0) return fail(type_errc::invalid_datetime_format);
    if (sc.eat(':') && sc.digits(sec, 9) == 0) return fail(type_errc::invalid_datetime_format);
  } else if (sc.pos() - start > 3) {  // run together: +HHMM
    min = hr % 100;
    hr /= 100;
  }
  if (hr > 15 || min >= 60 || sec >= 60) return fail(type_errc::time_zone_out_of_range);
  auto tz = static_cast<std::int32_t>((hr * 60 + min) * 60 + sec);
  zone = sign == '-' ? tz : -tz;
  return {};
}

// "m-d-y": DateStyle MDY's reading of a date whose first field is short,
// which this parser does not take. The server refuses it when a field is out
// of range (ValidateDate: 22008); otherwise it would read a date that this
// layer cannot, so 22007 (a form not read) is the nearest answer.
std::error_code mdy_error(Scanner& sc, std::int64_t month) {
  sc.skip();  // the '-'
  std::int64_t day = 0, year = 0;
  std::size_t nd = sc.digits(day, 9);
  std::size_t ny = nd > 0 && sc.eat('-') ? sc.digits(year, 9) : 0;
  sc.skip_spaces();
  if (ny == 0 || !sc.done()) return fail(type_errc::invalid_datetime_format);
  if (ny <= 2) year += year < 70 ? 2000 : 1900;  // two-digit years, as DecodeDate adjusts them
  if (month < 1 || month > 12 || day < 1 || day > 31) return fail(type_errc::month_day_overflow);
  if (year <= 0 || day > days_in_month(year, static_cast<int>(month))) return fail(type_errc::datetime_field_overflow);
  return fail(type_errc::invalid_datetime_format);
}

// A month's or a weekday's name, as PostgreSQL's datetktbl spells them
// (any case; "sept" too). 1..12 for a month, 0 for a weekday, -1 for neither.
int month_or_weekday(std::string_view word) {
  static constexpr std::string_view months[] = {"january", "february", "march",     "april",   "may",      "june",
                                                "july",    "august",   "september", "october", "november", "december"};
  static constexpr std::string_view days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  auto names = [&](std::string_view full, std::string_view extra = {}) {
    return iequals(word, full) || (word.size() == 3 && iequals(word, full.substr(0, 3))) ||
           (!extra.empty() && iequals(word, extra));
  };
  for (int m = 0; m < 12; ++m)
    if (names(months[m], m == 8 ? "sept" : "")) return m + 1;
  for (std::string_view d : days)
    if (names(d, d == "tuesday" ? "tues" : d == "wednesday" ? "wednes" : d == "thursday" ? "thurs" : "")) return 0;
  return -1;
}

// A date of fields PostgreSQL's DecodeDate reads with DateStyle 'ISO, MDY'
// beside the ISO year-month-day of parse_datetime: a month's name with the
// day and year in either order ("Jan 6 2024", "January 6, 2024",
// "6 Jan 2024", "2024-Jan-06", a weekday's name ignored), or three numbers
// month/day/year ("1/6/2024", "1-6-24": two-digit years are 1970..2069) or
// year/month/day ("2024/01/06"). The scanner is left after the date.
std::error_code parse_spelled_date(Scanner& sc, DateTimeFields& f) {
  struct Number {
    std::int64_t value;
    std::size_t digits;
  };
  Number numbers[3];
  std::size_t count = 0;
  int month = 0;
  std::size_t end = sc.pos();  // after the last date field
  while (true) {
    std::size_t at = sc.pos();
    while (is_space(sc.peek()) || sc.peek() == ',' || sc.peek() == '/' || (sc.peek() == '-' && count + (month > 0) > 0) ||
           (sc.peek() == '.' && count + (month > 0) > 0 && !is_digit(sc.peek(1))))
      sc.skip();
    if (is_alpha(sc.peek())) {
      std::size_t word_at = sc.pos();
      int named = month_or_weekday(sc.letters());
      if (named < 0 || (named > 0 && month > 0)) {  // (a zone, an era: the caller's)
        sc.seek(word_at == at ? at : word_at);
        break;
      }
      if (named > 0) month = named;
      end = sc.pos();
      continue;
    }
    if (!is_digit(sc.peek()) || count + (month > 0) >= 3) {
      sc.seek(at);
      break;
    }
    std::int64_t v = 0;
    std::size_t n = sc.number(v);
    if (sc.peek() == ':') {  // a time: the date has ended
      sc.seek(at);
      break;
    }
    numbers[count++] = {v, n};
    end = sc.pos();
  }
  sc.seek(end);
  auto year_of = [](const Number& n) { return n.digits <= 2 ? n.value + (n.value < 70 ? 2000 : 1900) : n.value; };
  if (month > 0) {
    if (count != 2) return fail(type_errc::invalid_datetime_format);
    bool first_is_year = numbers[0].digits >= 3 || numbers[0].value > 31;
    f.day = static_cast<int>(first_is_year ? numbers[1].value : numbers[0].value);
    f.year = year_of(first_is_year ? numbers[0] : numbers[1]);
    f.month = month;
  } else {
    if (count != 3) return fail(type_errc::invalid_datetime_format);
    bool year_first = numbers[0].digits >= 3;
    f.year = year_of(year_first ? numbers[0] : numbers[2]);
    f.month = static_cast<int>(year_first ? numbers[1].value : numbers[0].value);
    f.day = static_cast<int>(year_first ? numbers[2].value : numbers[1].value);
  }
  if (f.month > 12 || f.day > 31) return fail(type_errc::month_day_overflow);
  f.has_date = true;
  return {};
}

// A date spelled otherwise than year-month-day: a letter first, or a
// number ending at '/', or two digits then '-' (month-day-year), or a
// number, a space and a word ("6 Jan 2024"), or a year then '-' and a word.
bool spelled_date_ahead(std::string_view s) {
  if (s.empty()) return false;
  if (is_alpha(s[0])) return true;
  std::size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  if (n == 0 || n >= s.size()) return false;
  if (s[n] == '/') return true;
  if (s[n] == '-' && n <= 2) return true;
  if (s[n] == '-' && n + 1 < s.size() && is_alpha(s[n + 1])) return true;
  if (is_space(s[n])) {
    std::size_t k = n;
    while (k < s.size() && is_space(s[k])) ++k;
    return k < s.size() && is_alpha(s[k]) && month_or_weekday(s.substr(k, std::min<std::size_t>(s.size() - k, 3))) > 0;
  }
  return false;
}

// The hour, and the whole time against 24:00:00 (time_overflows).
bool time_overflows(const DateTimeFields& f) {
  return f.hour > 24 || time_of(f) > kUsecPerDay;
}

// DecodeTime checks minutes, seconds and the fraction at once. The hour and
// the total are checked at once too for a date or timestamp (DecodeDateTime)
// but only after the whole text for time and timetz (DecodeTimeOnly): there
// "25:00 x" is a format error, "12:60 x" a field overflow.
std::error_code parse_time_fields(Scanner& sc, DateTimeFields& f, bool time_only) {
  std::int64_t h = 0, m = 0, s = 0;
  if (sc.number(h) == 0 || !sc.eat(':') || sc.number(m) == 0) return fail(type_errc::invalid_datetime_format);
  if (sc.eat(':')) {
    if (sc.number(s) == 0) return fail(type_errc::invalid_datetime_format);
    if (sc.peek() == '.') sc.fraction(f.usec);
  } else if (sc.peek() == '.') {  // two fields with a fraction are mm:ss.fff
    sc.fraction(f.usec);
    s = m;
    m = h;
    h = 0;
  }
  // The server's time field runs on over digits, ':' and '.': anything of
  // those left over makes it unreadable, before its values are looked at.
  if (is_digit(sc.peek()) || sc.peek() == ':' || sc.peek() == '.') return fail(type_errc::invalid_datetime_format);
  f.has_time = true;
  f.hour = h;
  f.minute = static_cast<int>(m);
  f.second = static_cast<int>(s);
  if (m >= 60 || s > 60 || f.usec > kUsecPerSec || (!time_only && time_overflows(f))) {
    return fail(type_errc::datetime_field_overflow);
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

}  // namespace

std::error_code parse_datetime(std::string_view in, DateTimeFields& f, bool time_only) {
  std::string_view s = trim(in);
  if (dangling_sign(s)) return fail(type_errc::invalid_datetime_format);
  if (iequals(s, "infinity")) return f.special = DateTimeFields::pos_infinity, std::error_code{};
  if (iequals(s, "-infinity")) return f.special = DateTimeFields::neg_infinity, std::error_code{};
  if (iequals(s, "epoch")) return f.special = DateTimeFields::epoch, std::error_code{};
  // now, today, tomorrow, yesterday: PostgreSQL reads them at the
  // transaction's start, here at the call (the library has no session);
  // the day is UTC's, midnight without a zone (read in the session's).
  int day_offset = iequals(s, "today") ? 0 : iequals(s, "tomorrow") ? 1 : iequals(s, "yesterday") ? -1 : 2;
  if (day_offset != 2 || iequals(s, "now")) {
    auto since_epoch = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
    std::int64_t days = since_epoch / kUsecPerDay - (since_epoch % kUsecPerDay < 0 ? 1 : 0);
    std::int64_t usec_of_day = since_epoch - days * kUsecPerDay;
    YearMonthDay ymd = j2date(days + (day_offset == 2 ? 0 : day_offset) + 2440588);  // (2440588: 1970-01-01)
    f.has_date = true;
    f.year = ymd.year;
    f.month = ymd.month;
    f.day = ymd.day;
    if (day_offset == 2) {  // now: the instant, in UTC
      f.has_time = true;
      f.hour = usec_of_day / (3600 * kUsecPerSec);
      f.minute = static_cast<int>(usec_of_day / (60 * kUsecPerSec) % 60);
      f.second = static_cast<int>(usec_of_day / kUsecPerSec % 60);
      f.usec = usec_of_day % kUsecPerSec;
      f.has_zone = true;
      f.zone = 0;
    }
    return {};
  }
  Scanner sc(s);
  std::int64_t y = 0, m = 0, d = 0;
  if (!time_only && spelled_date_ahead(s)) {
    if (auto ec = parse_spelled_date(sc, f)) return ec;
    std::size_t save = sc.pos();
    sc.skip_spaces();
    if ((sc.peek() == 'T' || sc.peek() == 't') && is_digit(sc.peek(1))) sc.skip();
    if (is_digit(sc.peek())) {
      if (auto ec = parse_time_fields(sc, f, time_only)) return ec;
    } else {
      sc.seek(save);
    }
  } else if (std::size_t ny = sc.digits(y, 9); ny > 0 && sc.peek() == '-') {
    // Year first needs 3+ digits (time and timetz input: a date read per
    // DateStyle, which spelled_date_ahead takes for the other types).
    if (ny < 3) return mdy_error(sc, y);
    sc.skip();
    if (sc.digits(m, 2) == 0 || !sc.eat('-') || sc.digits(d, 2) == 0 || is_digit(sc.peek())) {
      return fail(type_errc::invalid_datetime_format);
    }
    f.has_date = true;
    f.year = y;
    f.month = static_cast<int>(m);
    f.day = static_cast<int>(d);
    if ((sc.peek() == 'T' || sc.peek() == 't') && is_digit(sc.peek(1))) {
      sc.skip();
      // One "dateTtime" field, which time and timetz input do not take.
      if (time_only) return fail(type_errc::invalid_datetime_format);
      f.t_separator = true;
      if (auto ec = parse_time_fields(sc, f, time_only)) return ec;
    } else {
      std::size_t save = sc.pos();
      sc.skip_spaces();
      if (is_digit(sc.peek())) {
        if (auto ec = parse_time_fields(sc, f, time_only)) return ec;
      } else {
        sc.seek(save);
      }
    }
  } else {
    sc.seek(0);
    if (auto ec = parse_time_fields(sc, f, time_only)) return ec;
  }
  // Optional zone, then optional era, each possibly after spaces.
  for (int field = 0; field < 2; ++field) {
    sc.skip_spaces();
    if (sc.done()) break;
    if (sc.peek() == '+' || sc.peek() == '-') {
      // Right after a date, a minus would continue the date field.
      if (f.has_zone || (!f.has_time && sc.peek() == '-' && !is_space(s[sc.pos() - 1]))) {
        return fail(type_errc::invalid_datetime_format);
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
      return fail(type_errc::invalid_datetime_format);
    }
  }
  sc.skip_spaces();
  if (!sc.done()) return fail(type_errc::invalid_datetime_format);
  if (time_only && f.has_time && time_overflows(f)) return fail(type_errc::datetime_field_overflow);
  if (f.has_date) {
    // ValidateDate: year 0 does not exist; BC years count backwards from 1.
    if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > 31) return fail(type_errc::month_day_overflow);
    if (f.year <= 0) return fail(type_errc::datetime_field_overflow);
    if (f.bc) f.year = -(f.year - 1);
    if (f.day > days_in_month(f.year, f.month)) return fail(type_errc::datetime_field_overflow);
  }
  return {};
}

bool fields_to_days(const DateTimeFields& f, std::int64_t& days) {
  std::int64_t j;
  if (!fields_to_julian(f, j) || j < 0 || j >= kDateEndJulian) return false;
  days = j - kEpochJdate;
  return true;
}

std::error_code fields_to_timestamp(const DateTimeFields& f, bool apply_zone, std::int64_t& out) {
  if (f.special == DateTimeFields::pos_infinity) return out = std::numeric_limits<std::int64_t>::max(), std::error_code{};
  if (f.special == DateTimeFields::neg_infinity) return out = std::numeric_limits<std::int64_t>::min(), std::error_code{};
  if (f.special == DateTimeFields::epoch) return out = -unix_epoch_microseconds, std::error_code{};
  if (!f.has_date) return fail(type_errc::invalid_datetime_format);
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

}  // namespace pgwire::types_detail
