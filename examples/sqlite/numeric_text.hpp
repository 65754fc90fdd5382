#pragma once
// numeric columns stored exactly. SQLite has no decimal type: a column
// declared NUMERIC has its NUMERIC affinity, which turns '1.50' into the
// REAL 1.5 and keeps 15 significant digits of
// -12345678901234567890.0123456789. sqlite_server therefore declares a
// numeric column NUMERIC_AS_TEXT(p,s) (column_defs.hpp): TEXT affinity,
// so every value is kept as the decimal text it was given, and
//
// - `COLLATE pgwire_numeric` orders and compares those texts as numbers,
//   exactly: ORDER BY, =, <, min/max, GROUP BY, DISTINCT and the column's
//   indexes and keys all use it (1.5 = 1.50, 9 < 10). A number compared
//   with the column gets its TEXT affinity, and so the collation, too;
// - `pgwire_numeric_fits(value, p, s)`, a CHECK of numeric(p,s), is
//   PostgreSQL's 22003 "numeric field overflow";
// - round_to_scale() gives a value the column's scale when it is written
//   (pgwire_numeric_round, numeric_assignments.hpp) and on output (values.hpp);
// - sum() and avg() add such texts exactly (numeric_aggregates.hpp).
// Arithmetic (price * 2) is still SQLite's, in doubles.

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <string>
#include <string_view>

#include "errors.hpp"

namespace sqlite_example::numeric_text {

inline constexpr std::string_view declared_name = "NUMERIC_AS_TEXT";  // (contains TEXT: TEXT affinity)
inline constexpr std::string_view collation = "pgwire_numeric";

// A decimal text as sign, significant digits and the power of ten of the
// first one: 0.digits * 10^point. Zero has no digits.
struct Decimal {
  enum Kind : std::uint8_t { minus_infinity, finite, plus_infinity, nan, invalid } kind = invalid;
  bool negative = false;
  std::string digits;
  std::int64_t point = 0;
};

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

inline bool iequals_prefix(std::string_view s, std::string_view word) {
  if (s.size() < word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i)
    if ((s[i] | 0x20) != (word[i] | 0x20)) return false;
  return true;
}

// What numeric_in reads: [+-]digits[.digits][e[+-]digits], NaN, [+-]Infinity, [+-]inf.
inline Decimal parse(std::string_view s) {
  Decimal d;
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  bool negative = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (s.size() == 3 && iequals_prefix(s, "nan")) {
    d.kind = Decimal::nan;
    return d;
  }
  if ((body.size() == 8 && iequals_prefix(body, "infinity")) || (body.size() == 3 && iequals_prefix(body, "inf"))) {
    d.kind = negative ? Decimal::minus_infinity : Decimal::plus_infinity;
    return d;
  }
  std::size_t i = 0, int_digits = 0;
  std::string all;
  while (i < body.size() && body[i] >= '0' && body[i] <= '9') all += body[i++], ++int_digits;
  if (i < body.size() && body[i] == '.') {
    ++i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') all += body[i++];
  }
  if (all.empty()) return d;
  std::int64_t exponent = 0;
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    ++i;
    bool minus = false;
    if (i < body.size() && (body[i] == '+' || body[i] == '-')) minus = body[i++] == '-';
    std::size_t start = i;
    while (i < body.size() && body[i] >= '0' && body[i] <= '9') {
      if (exponent < 100000000) exponent = exponent * 10 + (body[i] - '0');
      ++i;
    }
    if (i == start) return d;
    if (minus) exponent = -exponent;
  }
  if (i != body.size()) return d;
  d.kind = Decimal::finite;
  std::size_t lead = all.find_first_not_of('0');
  if (lead == std::string::npos) return d;  // zero: no sign, no digits
  std::size_t tail = all.find_last_not_of('0');
  d.negative = negative;
  d.digits = all.substr(lead, tail - lead + 1);
  d.point = static_cast<std::int64_t>(int_digits) - static_cast<std::int64_t>(lead) + exponent;
  return d;
}

// -1, 0, 1 as PostgreSQL orders numerics: -Infinity < numbers < Infinity <
// NaN; a text that is no number (a value written around the column's
// CHECK, e.g. by another program) after all of them, by its bytes.
inline int compare(const Decimal& a, const Decimal& b, std::string_view a_text, std::string_view b_text) {
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.kind == Decimal::invalid) return a_text < b_text ? -1 : a_text > b_text ? 1 : 0;
  if (a.kind != Decimal::finite) return 0;
  auto sign = [](const Decimal& d) { return d.digits.empty() ? 0 : d.negative ? -1 : 1; };
  int sa = sign(a), sb = sign(b);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int magnitude = a.point != b.point ? (a.point < b.point ? -1 : 1) : a.digits.compare(b.digits) < 0 ? -1
                                                                    : a.digits == b.digits          ? 0
                                                                                                   : 1;
  return sa * magnitude;
}

inline int collate(void*, int a_size, const void* a, int b_size, const void* b) {
  std::string_view at(static_cast<const char*>(a), static_cast<std::size_t>(a_size));
  std::string_view bt(static_cast<const char*>(b), static_cast<std::size_t>(b_size));
  if (at == bt) return 0;
  return compare(parse(at), parse(bt), at, bt);
}

// The value rounded half away from zero to `scale` fractional digits, as
// PostgreSQL stores it in numeric(p, scale): 1.5 -> 1.50, 2.345 -> 2.35.
// Not a finite number: the text as it is (NaN, Infinity).
// `truncate`: drop the further digits instead (trunc(x, n)).
inline std::string round_to_scale(std::string_view text, std::int64_t scale, bool truncate = false) {
  Decimal d = parse(text);
  // (A value the column's CHECKs let through has at most 131072 integer
  // digits, and a scale is at most 16383; this is no place to allocate what
  // a text or a caller announces.)
  if (d.kind != Decimal::finite || scale < 0 || scale > 16383 || d.point + scale > 1'000'000) return std::string(text);
  // Digits from 10^(point-1) down to 10^-scale, one more to round by.
  std::int64_t keep = d.point + scale;  // how many of the digits are kept
  std::string kept;
  bool up = false;
  if (keep >= 0) {
    kept = d.digits.substr(0, static_cast<std::size_t>(std::min<std::int64_t>(keep, d.digits.size())));
    if (static_cast<std::int64_t>(d.digits.size()) > keep && !truncate)
      up = d.digits[static_cast<std::size_t>(keep)] >= '5';
    kept.append(static_cast<std::size_t>(keep - static_cast<std::int64_t>(kept.size())), '0');
  }
  std::int64_t point = d.point;
  for (std::size_t i = kept.size(); up && i-- > 0;) {
    up = kept[i] == '9';
    kept[i] = up ? '0' : static_cast<char>(kept[i] + 1);
  }
  if (up) {  // 9.99 -> 10.0, or 0.004 at scale 2 -> nothing kept, no carry
    kept.insert(kept.begin(), '1');
    ++point;
  }
  // kept holds the digits from 10^(point-1) down to 10^-scale.
  std::string integer, fraction;
  if (point > 0) {
    integer = kept.substr(0, static_cast<std::size_t>(point));
    fraction = kept.substr(static_cast<std::size_t>(point));
  } else {
    fraction = std::string(static_cast<std::size_t>(std::min<std::int64_t>(-point, scale)), '0') + kept;
  }
  if (integer.empty()) integer = "0";
  fraction.resize(static_cast<std::size_t>(std::max<std::int64_t>(scale, 0)), '0');
  bool zero = integer.find_first_not_of('0') == std::string::npos && fraction.find_first_not_of('0') == std::string::npos;
  std::string out = d.negative && !zero ? "-" : "";
  out += integer;
  if (scale > 0) out += "." + fraction;
  return out;
}

// pgwire_numeric_fits(value, precision, scale): true, or PostgreSQL's
// error for a value numeric(precision, scale) cannot hold once rounded.
inline void fits(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_int(ctx, 1);
  auto precision = sqlite3_value_int64(argv[1]), scale = sqlite3_value_int64(argv[2]);
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string_view value(text ? text : "", static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  Decimal d = parse(value);
  std::string where = "A field with precision " + std::to_string(precision) + ", scale " + std::to_string(scale);
  if (d.kind == Decimal::plus_infinity || d.kind == Decimal::minus_infinity)
    return sqlite3_result_error(
        ctx, function_error("22003", "numeric field overflow", where + " cannot hold an infinite value.").c_str(), -1);
  if (d.kind != Decimal::finite) return sqlite3_result_int(ctx, 1);  // NaN fits; bad text is pgwire_valid's
  // Rounding adds at most one integer digit (9.995 -> 10.00): only a value
  // at the limit is rounded to see.
  std::int64_t allowed = precision - scale;
  bool over = !d.digits.empty() && d.point > allowed;
  if (!over && !d.digits.empty() && d.point == allowed) {
    Decimal rounded = parse(round_to_scale(value, scale));
    over = !rounded.digits.empty() && rounded.point > allowed;
  }
  if (over) {
    std::string limit = allowed != 0 ? "10^" + std::to_string(allowed) : "1";
    return sqlite3_result_error(
        ctx,
        function_error("22003", "numeric field overflow", where + " must round to an absolute value less than " +
                                                              limit + ".")
            .c_str(),
        -1);
  }
  sqlite3_result_int(ctx, 1);
}

// pgwire_numeric_round(value, scale): what a numeric(p, scale) column
// stores for a value written to it (numeric_assignments.hpp): the value's
// decimal text at the scale. A float is taken at SQLite's 15 digits (1.089,
// not 1.0889999999999999); a text that is no number is left for the
// column's CHECK to report.
inline void round_value(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string_view value(text ? text : "", static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  if (parse(value).kind != Decimal::finite) return sqlite3_result_value(ctx, argv[0]);
  std::string rounded = round_to_scale(value, sqlite3_value_int64(argv[1]));
  sqlite3_result_text(ctx, rounded.data(), static_cast<int>(rounded.size()), SQLITE_TRANSIENT);
}

// round(x, n) and trunc(x, n), PostgreSQL's numeric functions: the digits
// are cut exactly from x's decimal text (2.675 rounds to 2.68; as a double
// it is 2.67499... and SQLite's round gives 2.67). The result is a REAL, as
// SQLite's own, so comparisons and sorting stay numeric; the result list
// prints it at n digits (select_list.hpp's display scale).
template <bool Truncate>
void round_digits(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::int64_t n = sqlite3_value_int64(argv[1]);
  if (n < 0 || n > 1000) {  // (tens, hundreds, ...: as doubles)
    double unit = std::pow(10.0, static_cast<double>(-std::clamp<std::int64_t>(n, -300, 300)));
    double x = sqlite3_value_double(argv[0]) / unit;
    double result = (Truncate ? std::trunc(x) : std::round(x)) * unit;
    if (n < 0 && std::fabs(result) < 9e15) return sqlite3_result_int64(ctx, static_cast<std::int64_t>(result));
    return sqlite3_result_double(ctx, result);
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string_view value(text ? text : "", static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  if (parse(value).kind != Decimal::finite) return sqlite3_result_value(ctx, argv[0]);
  std::string digits = round_to_scale(value, n, Truncate);
  double result = std::strtod(digits.c_str(), nullptr);
  if (n == 0 && std::fabs(result) < 9e15) return sqlite3_result_int64(ctx, static_cast<std::int64_t>(result));
  sqlite3_result_double(ctx, result);
}

inline void register_all(sqlite3* db) {
  sqlite3_create_collation_v2(db, collation.data(), SQLITE_UTF8, nullptr, &collate, nullptr);
  sqlite3_create_function_v2(db, "pgwire_numeric_fits", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                             nullptr, &fits, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "round", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                             &round_digits<false>, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "trunc", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                             &round_digits<true>, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_numeric_round", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                             nullptr, &round_value, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::numeric_text
