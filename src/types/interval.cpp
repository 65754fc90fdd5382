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

// Accumulates interval fields as PostgreSQL's pg_itm_in does: microseconds
// in int64; days, months and years each in int32. A field overflowing is
// interval_field_overflow (22015); only combining years and months at the
// end (itmin2interval) can give datetime_out_of_range, "interval out of
// range" (22008).
struct IntervalAcc {
  std::int64_t usec = 0;
  std::int32_t days = 0;
  std::int32_t months = 0;
  std::int32_t years = 0;
  bool ok = true;

  static bool fits32(std::int64_t v) {
    return v >= std::numeric_limits<std::int32_t>::min() && v <= std::numeric_limits<std::int32_t>::max();
  }
  void add32(std::int32_t& field, std::int64_t val, std::int64_t scale) {
    std::int32_t scaled;
    ok = ok && fits32(val) &&
         !__builtin_mul_overflow(static_cast<std::int32_t>(val), static_cast<std::int32_t>(scale), &scaled) &&
         !__builtin_add_overflow(field, scaled, &field);
  }
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
    auto extra = static_cast<std::int32_t>(frac);
    add32(days, extra, 1);
    fract_usec(frac - static_cast<double>(extra), kUsecPerDay);
  }
  void add_days(std::int64_t val, int scale) { add32(days, val, scale); }
  void add_months(std::int64_t val) { add32(months, val, 1); }
  void add_years(std::int64_t val, int scale) { add32(years, val, scale); }
  // AdjustFractYears: rounded to whole months.
  void fract_years(double frac, int scale) {
    add32(months, static_cast<std::int32_t>(std::rint(frac * scale * 12)), 1);
  }

  std::error_code finish(bool negate, Interval& out) {
    if (negate) {
      constexpr auto min32 = std::numeric_limits<std::int32_t>::min();
      if (usec == std::numeric_limits<std::int64_t>::min() || days == min32 || months == min32 || years == min32) {
        ok = false;
      } else {
        usec = -usec;
        days = -days;
        months = -months;
        years = -years;
      }
    }
    if (!ok) return fail(type_errc::interval_field_overflow);
    std::int64_t total_months = std::int64_t{years} * 12 + months;
    if (!fits32(total_months)) return fail(type_errc::datetime_out_of_range);
    out.microseconds = usec;
    out.days = days;
    out.months = static_cast<std::int32_t>(total_months);
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

// The words of PostgreSQL's date keyword table (datetktbl): months, days
// of the week, eras, the ISO field letters and the special values.
bool is_date_keyword(std::string_view w) {
  static constexpr std::string_view words[] = {
      "ad", "allballs", "am", "apr", "april", "at", "aug", "august", "bc", "d", "dec", "december", "dow", "doy",
      "dst", "epoch", "feb", "february", "fri", "friday", "h", "infinity", "isodow", "isoyear", "j", "jan",
      "january", "jd", "jul", "julian", "july", "jun", "june", "m", "mar", "march", "may", "mm", "mon", "monday",
      "nov", "november", "now", "oct", "october", "on", "pm", "s", "sat", "saturday", "sep", "sept", "september",
      "sun", "sunday", "t", "thu", "thur", "thurs", "thursday", "today", "tomorrow", "tue", "tues", "tuesday",
      "wed", "wednesday", "weds", "y", "yesterday"};
  for (std::string_view k : words) {
    if (iequals(w, k)) return true;
  }
  return false;
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
      acc.add_months(val);
      return acc.fract_days(fval, 30);
    case u_year:
      acc.add_years(val, 1);
      return acc.fract_years(fval, 1);
    case u_decade:
      acc.add_years(val, 10);
      return acc.fract_years(fval, 10);
    case u_century:
      acc.add_years(val, 100);
      return acc.fract_years(fval, 100);
    case u_millennium:
      acc.add_years(val, 1000);
      return acc.fract_years(fval, 1000);
    case u_none:
    case u_after_ago: return;
  }
}

// "[+-]digits[.digits]" -> integer part (truncated toward zero) and signed
// fraction. An integer part beyond int64 is a field overflow (strtoi64's
// ERANGE), anything else not a number a format error.
// `sign`: a sign written apart from the number ("- 5"), or 0.
std::error_code parse_interval_number(std::string_view t, std::int64_t& val, double& fval, char sign = 0) {
  std::size_t i = 0;
  bool neg = sign == '-';
  if (sign == 0 && i < t.size() && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
  std::size_t int_start = i;
  val = 0;
  bool overflow = false;
  while (i < t.size() && is_digit(t[i])) {
    overflow = overflow || __builtin_mul_overflow(val, 10, &val) || __builtin_add_overflow(val, t[i] - '0', &val);
    ++i;
  }
  bool have_int = i > int_start;
  fval = 0;
  if (i < t.size() && t[i] == '.') {
    std::size_t dot = i++;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i - dot > 1) std::from_chars(t.data() + dot, t.data() + i, fval);
    else if (!have_int) return fail(type_errc::invalid_datetime_format);
  } else if (!have_int) {
    return fail(type_errc::invalid_datetime_format);
  }
  if (i != t.size()) return fail(type_errc::invalid_datetime_format);
  if (overflow) return fail(type_errc::interval_field_overflow);
  if (neg) {
    val = -val;
    fval = -fval;
  }
  return {};
}

// "[+-]H+:MM[:SS[.frac]]" or "MM:SS.frac" (DecodeTimeCommon) -> microseconds.
// Fields out of range are a field overflow -- except after a sign: the
// server then retries the token as a number, which fails as a format error.
std::error_code parse_interval_time(std::string_view t, std::int64_t& usec, char sign = 0) {
  Scanner sc(t);
  if (sign == 0 && (sc.peek() == '+' || sc.peek() == '-')) {
    sign = sc.peek();
    sc.skip();
  }
  bool signed_ = sign != 0;
  bool neg = sign == '-';
  auto overflow = [&] {
    return fail(signed_ ? type_errc::invalid_datetime_format : type_errc::interval_field_overflow);
  };
  std::int64_t hour = 0, min = 0, sec = 0, fsec = 0;
  if (sc.digits(hour) == 0) return fail(type_errc::invalid_datetime_format);
  if (is_digit(sc.peek())) return overflow();  // beyond int64
  if (!sc.eat(':') || sc.digits(min, 9) == 0) return fail(type_errc::invalid_datetime_format);
  bool big = is_digit(sc.peek());  // 10+ digits: beyond any valid minute (or int)
  if (sc.peek() == '.') {  // mm:ss.fff
    sc.fraction(fsec);
    sec = min;
    min = hour;
    hour = 0;
  } else if (sc.eat(':')) {
    if (sc.digits(sec, 9) == 0) return fail(type_errc::invalid_datetime_format);
    big = big || is_digit(sc.peek());
    if (sc.peek() == '.') sc.fraction(fsec);
  }
  if (!big && !sc.done()) return fail(type_errc::invalid_datetime_format);
  if (big || min > 59 || sec > 60 || fsec > kUsecPerSec) return overflow();
  IntervalAcc acc;
  acc.micro(hour, 0, kUsecPerHour);
  acc.add_usec(min * kUsecPerMinute + sec * kUsecPerSec + fsec);
  if (!acc.ok) return overflow();
  usec = neg ? -acc.usec : acc.usec;
  return {};
}

std::error_code parse_iso8601_interval(std::string_view s, Interval& out) {
  // P[nY][nM][nW][nD][T[nH][nM][nS]], numbers possibly signed and fractional.
  IntervalAcc acc;
  std::size_t i = 1;
  bool time_part = false;
  if (s.size() == 1) return fail(type_errc::invalid_datetime_format);  // "P" alone; "PT" is zero
  while (i < s.size()) {
    if (s[i] == 'T') {
      if (time_part) return fail(type_errc::invalid_datetime_format);
      time_part = true;
      ++i;
      continue;
    }
    // ParseISO8601Number: what strtod reads (a minus but no plus first, an
    // exponent allowed), beyond 1e15 a field overflow; the fraction is the
    // value less its integer part (so 1.2 gives 0.19999999999999996, as
    // the server computes it).
    if (!(is_digit(s[i]) || s[i] == '-' || s[i] == '.')) return fail(type_errc::invalid_datetime_format);
    double v = 0;
    auto r = std::from_chars(s.data() + i, s.data() + s.size(), v);
    if (r.ec != std::errc{}) return fail(type_errc::invalid_datetime_format);
    if (std::isnan(v) || v < -1.0e15 || v > 1.0e15) return fail(type_errc::interval_field_overflow);
    i = static_cast<std::size_t>(r.ptr - s.data());
    auto val = static_cast<std::int64_t>(std::trunc(v));
    double fval = v - static_cast<double>(val);
    if (i >= s.size()) return fail(type_errc::invalid_datetime_format);
    char unit = s[i++];
    if (!time_part) {
      switch (unit) {
        case 'Y': apply_unit(acc, u_year, val, fval); break;
        case 'M': apply_unit(acc, u_month, val, fval); break;
        case 'W': apply_unit(acc, u_week, val, fval); break;
        case 'D': apply_unit(acc, u_day, val, fval); break;
        default: return fail(type_errc::invalid_datetime_format);
      }
    } else {
      switch (unit) {
        case 'H': apply_unit(acc, u_hour, val, fval); break;
        case 'M': apply_unit(acc, u_min, val, fval); break;
        case 'S': apply_unit(acc, u_sec, val, fval); break;
        default: return fail(type_errc::invalid_datetime_format);
      }
    }
    if (!acc.ok) return fail(type_errc::interval_field_overflow);  // reported where it happens
  }
  return acc.finish(false, out);
}

}  // namespace

std::error_code decode_text(std::string_view in, Interval& out) {
  // ISO 8601 is the server's second try, on the untrimmed text: "P1D " and
  // " P1D" are no intervals.
  if (!in.empty() && in[0] == 'P') return parse_iso8601_interval(in, out);
  std::string_view s = trim(in);
  if (dangling_sign(s)) return fail(type_errc::invalid_datetime_format);
  // Tokens: numbers, times (contain ':'), unit words, '@', "ago". A word run
  // into what follows it is one field for the server (a date or zone name,
  // "mons3", "w00:00", "y.5"), which interval input refuses when it reaches
  // it: a junk token. Only the server's date keywords may be followed
  // directly by a digit or '+' (they end the word there).
  struct Token {
    enum Kind { number, time, word, junk } kind;
    std::string_view text;
    char sign = 0;  // a sign apart from the number: the server joins "- 5" into one field
  };
  auto run_on = [](std::string_view word, char next) {
    if (next == '-' || next == '/' || next == '.') return true;
    return (is_digit(next) || next == '+') && !is_date_keyword(word);
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
    char sign = 0;
    if (is_alpha(c)) {
      while (i < s.size() && is_alpha(s[i])) ++i;
      kind = Token::word;
      if (i < s.size() && run_on(s.substr(start, i - start), s[i])) {
        auto in_field = [](char f) {
          return is_alpha(f) || is_digit(f) || f == '+' || f == '-' || f == '/' || f == '_' || f == '.' || f == ':';
        };
        while (i < s.size() && in_field(s[i])) ++i;
        kind = Token::junk;
      }
    } else if (is_digit(c) || c == '.' || c == '+' || c == '-') {
      // A sign must be followed by a digit (or a word): "-.5" is refused
      // while the text is split into fields, before anything else.
      if ((c == '+' || c == '-') && i + 1 < s.size() && s[i + 1] == '.') {
        return fail(type_errc::invalid_datetime_format);
      }
      if ((c == '+' || c == '-') && i + 1 < s.size() && is_space(s[i + 1])) {
        sign = c;  // dangling_sign() made sure a digit or a word follows the spaces
        while (is_space(s[++i])) {
        }
        start = i;
        if (!is_digit(s[i])) return fail(type_errc::invalid_datetime_format);  // "- day"
      }
      ++i;
      while (i < s.size() && (is_digit(s[i]) || s[i] == '.' || s[i] == ':')) ++i;
      kind = s.substr(start, i - start).find(':') != std::string_view::npos ? Token::time : Token::number;
      bool dot_word = s[i - 1] == '.' && i < s.size() && is_alpha(s[i]);  // "1.c": one field too
      if (dot_word || (i < s.size() && (s[i] == '-' || s[i] == '/') && is_digit(s[i - 1]))) {
        // "10-0", "1/2": one field for the server (the SQL year-month form,
        // not read here), not a number and a signed one.
        auto in_field = [](char f) { return is_alpha(f) || is_digit(f) || f == '-' || f == '/' || f == '.' || f == ':'; };
        while (i < s.size() && in_field(s[i])) ++i;
        kind = Token::junk;
      }
    } else {
      return fail(type_errc::invalid_datetime_format);
    }
    if (n == std::size(tokens)) return fail(type_errc::invalid_datetime_format);
    tokens[n++] = {kind, s.substr(start, i - start), sign};
  }
  if (n == 0) return fail(type_errc::invalid_datetime_format);
  // DecodeInterval walks right to left: a number takes the unit to its right
  // (seconds when there is none; days after hours or a time, so "1 2 hours"
  // and "1 02:00" mean a day and two hours), and each unit may be given once.
  IntervalAcc acc;
  bool ago = false;
  unsigned seen = 0;
  Unit pending = u_none;
  for (std::size_t k = n; k-- > 0;) {
    const Token& t = tokens[k];
    if (t.kind == Token::junk) return fail(type_errc::invalid_datetime_format);
    if (t.kind == Token::word) {
      if (iequals(t.text, "ago")) {  // negates the whole interval, wherever it stands
        ago = true;
        pending = u_after_ago;
        continue;
      }
      pending = lookup_unit(t.text);
      if (pending == u_none) return fail(type_errc::invalid_datetime_format);
      continue;
    }
    if (t.kind == Token::time) {
      constexpr unsigned time_mask = u_hour | u_min | u_sec | u_msec | u_usec;
      std::int64_t usec;
      if ((seen & time_mask) != 0) return fail(type_errc::invalid_datetime_format);
      if (auto ec = parse_interval_time(t.text, usec, t.sign)) return ec;
      seen |= time_mask;
      // DecodeTimeForInterval assigns the time field: fractions of larger
      // units already spilled into it (those to the right) are dropped.
      acc.usec = usec;
      pending = u_day;
      continue;
    }
    if (pending == u_after_ago) return fail(type_errc::invalid_datetime_format);
    Unit unit = pending == u_none ? u_sec : pending;
    std::int64_t val;
    double fval;
    if (auto ec = parse_interval_number(t.text, val, fval, t.sign)) return ec;
    // The server adds the field first and checks for a repeated unit after:
    // an overflow is reported before a repetition.
    apply_unit(acc, unit, val, fval);
    if (!acc.ok) return fail(type_errc::interval_field_overflow);
    unsigned mask = unit;
    if (unit == u_sec && fval != 0) mask |= u_msec | u_usec;
    if ((seen & mask) != 0) return fail(type_errc::invalid_datetime_format);
    seen |= mask;
    if (unit == u_hour) pending = u_day;
  }
  if (seen == 0) return fail(type_errc::invalid_datetime_format);  // units or "ago" without numbers
  return acc.finish(ago, out);
}

std::error_code decode_binary(std::string_view in, Interval& out) {
  if (auto ec = fixed_size(in, 16)) return ec;
  read_be<std::int64_t, 8>(in, 0, out.microseconds);
  read_be<std::int32_t, 4>(in, 8, out.days);
  read_be<std::int32_t, 4>(in, 12, out.months);
  return {};
}

}  // namespace pgwire
