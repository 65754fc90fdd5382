#pragma once
// to_date(text, template) and to_timestamp(text, template): PostgreSQL's
// reading of a date/time by a template (formatting.c's to_timestamp), for
// the patterns to_char writes (date_functions.hpp): YYYY YY MM DD DDD HH24
// HH12 HH MI SS MS US AM PM (A.M. P.M.), Mon Month (any case), Dy Day (read
// and ignored), the FM and FX prefixes (ignored), "quoted text"; no year is
// year 0 (1 BC), as PostgreSQL's. Numbers
// may have fewer digits than their pattern (2024-5-6); a separator or
// space of the template skips the input's separators and spaces, as
// PostgreSQL does outside FX mode. The fields are then the local time of
// the session's TimeZone (to_timestamp) or a date, checked by the type's
// input (cast_moment: 2024-02-30 is 22008).

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include <pgwire/types.hpp>

#include "datetime.hpp"
#include "errors.hpp"

namespace sqlite_example::date_parsing {

struct Parsed {
  int year = 0, month = 1, day = 1, day_of_year = 0, hour = 0, minute = 0, second = 0;
  long micro = 0;
  int meridiem = 0;  // 0 none, 1 AM, 2 PM
};

inline bool starts_with_nocase(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (std::size_t k = 0; k < p.size(); ++k)
    if (std::tolower(static_cast<unsigned char>(s[k])) != std::tolower(static_cast<unsigned char>(p[k]))) return false;
  return true;
}

// The patterns that are one number of at most `width` digits into a field.
struct Field {
  std::string_view pattern;
  int width;
  int Parsed::*member;
};

inline const Field* simple_field(std::string_view rest) {
  static constexpr Field fields[] = {{"MM", 2, &Parsed::month}, {"DDD", 3, &Parsed::day_of_year},
                                     {"DD", 2, &Parsed::day},   {"HH24", 2, &Parsed::hour},
                                     {"MI", 2, &Parsed::minute}, {"SS", 2, &Parsed::second}};
  for (const Field& f : fields)
    if (rest.starts_with(f.pattern)) return &f;
  return nullptr;
}

// Reads `in` by `fmt`; false with PostgreSQL's message otherwise.
inline bool parse(std::string_view in, std::string_view fmt, Parsed& out, std::string& message, std::string& detail) {
  static constexpr const char* months[] = {"january", "february", "march",     "april",   "may",      "june",
                                           "july",    "august",   "september", "october", "november", "december"};
  static constexpr const char* days[] = {"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
  std::size_t i = 0;
  auto skip_space = [&] {
    while (i < in.size() && std::isspace(static_cast<unsigned char>(in[i]))) ++i;
  };
  // Up to `width` digits (a sign for a year), at least one.
  auto number = [&](std::string_view pattern, int width, long& v, int* digits_read = nullptr) {
    skip_space();
    bool negative = false;
    if (pattern == "YYYY" && i < in.size() && in[i] == '-') negative = (++i, true);
    std::size_t start = i;
    v = 0;
    while (i < in.size() && i - start < static_cast<std::size_t>(width) && std::isdigit(static_cast<unsigned char>(in[i])))
      v = v * 10 + (in[i++] - '0');
    if (digits_read) *digits_read = static_cast<int>(i - start);
    if (i == start) {
      std::string rest(in.substr(start, 10));
      message = "invalid value \"" + rest + "\" for \"" + std::string(pattern) + "\"";
      detail = "Value must be an integer.";
      return false;
    }
    if (negative) v = -v;
    return true;
  };
  // A month or day name (full or its first three letters).
  auto name = [&](const char* const* names, int count, bool full, long& v, std::string_view pattern) {
    skip_space();
    for (int k = 0; k < count; ++k) {
      std::string_view n = names[k];
      if (full && starts_with_nocase(in.substr(i), n)) {
        i += n.size();
        v = k + 1;
        return true;
      }
      if (!full && starts_with_nocase(in.substr(i), n.substr(0, 3))) {
        i += 3;
        v = k + 1;
        return true;
      }
    }
    message = "invalid value \"" + std::string(in.substr(i, 10)) + "\" for \"" + std::string(pattern) + "\"";
    return false;
  };
  for (std::size_t f = 0; f < fmt.size();) {
    auto rest = fmt.substr(f);
    if (starts_with_nocase(rest, "FM") || starts_with_nocase(rest, "FX")) {
      f += 2;
      continue;
    }
    if (rest[0] == '"') {  // quoted text: as many input characters
      std::size_t close = fmt.find('"', f + 1);
      std::size_t n = (close == std::string_view::npos ? fmt.size() : close) - f - 1;
      i = std::min(in.size(), i + n);
      f = close == std::string_view::npos ? fmt.size() : close + 1;
      continue;
    }
    long v = 0;
    auto take = [&](std::string_view p) {
      if (!rest.starts_with(p)) return false;
      f += p.size();
      return true;
    };
    bool ok = true;
    if (take("YYYY")) {
      // (four digits before another field, as 20240506 by YYYYMMDD; more before a separator)
      bool separated = f >= fmt.size() || !std::isalpha(static_cast<unsigned char>(fmt[f]));
      ok = number("YYYY", separated ? 9 : 4, v);
      out.year = static_cast<int>(v);
    } else if (take("YY")) {
      int read = 0;
      ok = number("YY", 2, v, &read);
      out.year = static_cast<int>(read <= 2 ? (v < 70 ? 2000 + v : 1900 + v) : v);  // (PostgreSQL's adjust_partial_year_to_2020)
    } else if (take("HH12") || (!rest.starts_with("HH24") && take("HH"))) {
      ok = number("HH", 2, v);
      out.hour = static_cast<int>(v);
      if (ok && (v < 1 || v > 12)) {
        message = "hour \"" + std::to_string(v) + "\" is invalid for the 12-hour clock";
        return false;
      }
    } else if (const Field* field = simple_field(rest)) {
      f += field->pattern.size();
      ok = number(field->pattern, field->width, v);
      out.*(field->member) = static_cast<int>(v);
    } else if (take("MS")) {
      int read = 0;
      ok = number("MS", 3, v, &read);
      for (; read < 3; ++read) v *= 10;  // (.5 is 500 ms)
      out.micro = v * 1000;
    } else if (take("US")) {
      int read = 0;
      ok = number("US", 6, v, &read);
      for (; read < 6; ++read) v *= 10;
      out.micro = v;
    } else if (starts_with_nocase(rest, "A.M.") || starts_with_nocase(rest, "P.M.") || starts_with_nocase(rest, "AM") ||
               starts_with_nocase(rest, "PM")) {
      f += rest[1] == '.' ? 4 : 2;
      skip_space();
      if (starts_with_nocase(in.substr(i), "A.M.") || starts_with_nocase(in.substr(i), "P.M.")) {
        out.meridiem = std::tolower(static_cast<unsigned char>(in[i])) == 'a' ? 1 : 2;
        i += 4;
      } else if (starts_with_nocase(in.substr(i), "AM") || starts_with_nocase(in.substr(i), "PM")) {
        out.meridiem = std::tolower(static_cast<unsigned char>(in[i])) == 'a' ? 1 : 2;
        i += 2;
      } else {
        message = "invalid value \"" + std::string(in.substr(i, 10)) + "\" for \"AM\"";
        return false;
      }
    } else if (starts_with_nocase(rest, "MONTH")) {
      f += 5;
      ok = name(months, 12, true, v, "Month");
      out.month = static_cast<int>(v);
    } else if (starts_with_nocase(rest, "MON")) {
      f += 3;
      ok = name(months, 12, false, v, "Mon");
      out.month = static_cast<int>(v);
    } else if (starts_with_nocase(rest, "DAY")) {
      f += 3;
      ok = name(days, 7, true, v, "Day");
    } else if (starts_with_nocase(rest, "DY")) {
      f += 2;
      ok = name(days, 7, false, v, "Dy");
    } else {
      // A separator or space: the input's separators and spaces.
      ++f;
      if (i < in.size() && !std::isalnum(static_cast<unsigned char>(in[i]))) {
        ++i;
      } else if (!std::isalnum(static_cast<unsigned char>(rest[0])) && i < in.size()) {
        // (no separator where the template has one: PostgreSQL reads on)
      } else if (i < in.size()) {
        ++i;  // (a template letter that is no pattern skips a character)
      }
    }
    if (!ok) return false;
  }
  if (out.meridiem == 1 && out.hour == 12) out.hour = 0;
  if (out.meridiem == 2 && out.hour < 12) out.hour += 12;
  return true;
}

// The fields as text of `type`'s input (year-month-day [time]).
inline std::string fields_text(const Parsed& p, bool with_time) {
  int year = p.year, month = p.month, day = p.day;
  if (p.day_of_year > 0) {  // DDD: the day of that year
    std::int64_t n = datetime::days_from_civil(year, 1, 1) + p.day_of_year - 1;
    std::int64_t y;
    unsigned m, d;
    datetime::civil_from_days(n, y, m, d);
    year = static_cast<int>(y);
    month = static_cast<int>(m);
    day = static_cast<int>(d);
  }
  char buf[96];
  bool bc = year <= 0;
  int shown = bc ? 1 - year : year;
  if (with_time)
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d.%06ld%s", shown, month, day, p.hour, p.minute,
                  p.second, p.micro, bc ? " BC" : "");
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d%s", shown, month, day, bc ? " BC" : "");
  return buf;
}

// to_date(text, template) and to_timestamp(text, template): `type` is the
// function's data (date or timestamptz).
inline void by_template(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  auto type = *static_cast<const pgwire::Oid*>(sqlite3_user_data(ctx));
  auto text = [](sqlite3_value* v) {
    return std::string_view(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                            static_cast<std::size_t>(sqlite3_value_bytes(v)));
  };
  Parsed p;
  std::string message, detail;
  if (!parse(text(argv[0]), text(argv[1]), p, message, detail))
    return sqlite3_result_error(ctx, function_error("22007", message, detail).c_str(), -1);
  std::string out, code, fields = fields_text(p, type != pgwire::oid::date);
  if (!datetime::cast_moment(fields, type, out, code, message)) {
    message = message.substr(0, message.find('\x1e'));  // (no DateStyle hint: the template says the order)
    // (the message quotes the text as given, as PostgreSQL's)
    if (auto at = message.find('"' + fields + '"'); at != std::string::npos)
      message.replace(at + 1, fields.size(), text(argv[0]));
    return sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
  }
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  constexpr int stable = SQLITE_UTF8 | SQLITE_INNOCUOUS;  // (to_timestamp reads the session's TimeZone)
  static const pgwire::Oid date = pgwire::oid::date, timestamptz = pgwire::oid::timestamptz;
  sqlite3_create_function_v2(db, "to_date", 2, stable, const_cast<pgwire::Oid*>(&date), &by_template, nullptr, nullptr,
                             nullptr);
  sqlite3_create_function_v2(db, "to_timestamp", 2, stable, const_cast<pgwire::Oid*>(&timestamptz), &by_template,
                             nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::date_parsing
