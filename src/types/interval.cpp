// interval: text output (IntervalStyle postgres), text input (DecodeInterval's
// "1 year 2 mons 3 days 04:05:06" and "@ 1 hour ago" forms, and ISO 8601
// "P1Y2M3DT4H5M6S"), and the binary form (microseconds, days, months).

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "datetime_util.hpp"
#include "pgwire/types/scalar.hpp"

namespace pgwire {

using namespace types_detail;

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
