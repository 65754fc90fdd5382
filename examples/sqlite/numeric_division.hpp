#pragma once
// numeric / numeric as PostgreSQL divides: exact, at the scale its
// select_div_scale picks (at least 16 significant digits, never fewer
// decimals than either operand shows), rounded half away from zero:
// 10 / 3.0 is 3.3333333333333333, 7.0 / 2 is 3.5000000000000000. SQLite's
// `/` is a double's (3.33333333333333). The dialect rewrites a / b to
// pgwire_numeric_div(a, b) when an operand is numeric (operator_rewrites.hpp).
//
// An operand that arrives as a REAL (a float literal, or the double a
// sum of numerics became in SQLite) is read by its 15 significant digits,
// which drops the binary noise (0.1 + 0.2 is 0.3 here, as in PostgreSQL).

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "errors.hpp"
#include "numeric_text.hpp"

namespace sqlite_example::numeric_division {

namespace detail {

// Unsigned decimal strings without leading zeros ("0" for zero).
inline std::string trimmed(std::string s) {
  std::size_t lead = s.find_first_not_of('0');
  return lead == std::string::npos ? "0" : s.substr(lead);
}
inline int compare(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}
inline std::string subtract(const std::string& a, const std::string& b) {  // a >= b
  std::string out = a;
  int borrow = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int d = out[out.size() - 1 - i] - '0' - borrow - (i < b.size() ? b[b.size() - 1 - i] - '0' : 0);
    borrow = d < 0;
    out[out.size() - 1 - i] = static_cast<char>('0' + (d + 10) % 10);
  }
  return trimmed(out);
}
// floor(num / den) and whether the remainder is at least half of den.
inline std::string divide(const std::string& num, const std::string& den, bool& round_up) {
  std::string quotient, rem = "0";
  for (char c : num) {
    rem = trimmed(rem + c);
    char q = '0';
    while (compare(rem, den) >= 0) {
      rem = subtract(rem, den);
      ++q;
    }
    quotient += q;
  }
  std::string twice = rem;  // 2 * rem >= den
  int carry = 0;
  for (std::size_t i = twice.size(); i-- > 0;) {
    int d = (twice[i] - '0') * 2 + carry;
    twice[i] = static_cast<char>('0' + d % 10);
    carry = d / 10;
  }
  if (carry) twice.insert(twice.begin(), '1');
  round_up = compare(trimmed(twice), den) >= 0;
  return trimmed(quotient);
}
inline std::string increment(std::string s) {
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] != '9') {
      ++s[i];
      return s;
    }
    s[i] = '0';
  }
  return "1" + s;
}

// The decimals a numeric text shows (its dscale): 2.50 has 2, 1e3 none.
inline std::int64_t display_scale(std::string_view text) {
  auto dot = text.find('.');
  auto e = text.find_first_of("eE");
  std::int64_t frac = 0;
  if (dot != std::string_view::npos)
    for (std::size_t i = dot + 1; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) ++frac;
  if (e != std::string_view::npos) frac -= std::atoll(std::string(text.substr(e + 1)).c_str());
  return frac < 0 ? 0 : frac;
}

// PostgreSQL's base-10000 weight and leading group of 0.digits * 10^point.
inline void leading_group(const numeric_text::Decimal& d, int& weight, int& first) {
  if (d.digits.empty()) {
    weight = 0;
    first = 0;
    return;
  }
  std::int64_t exponent = d.point - 1;
  weight = static_cast<int>(exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4));
  auto take = static_cast<std::size_t>(exponent - 4 * weight + 1);
  std::string group = d.digits.substr(0, take);
  group.resize(take, '0');
  first = std::atoi(group.c_str());
}

inline std::string text_of(sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_FLOAT) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.15g", sqlite3_value_double(v));
    return buf;
  }
  const unsigned char* t = sqlite3_value_text(v);
  return t ? reinterpret_cast<const char*>(t) : "";
}

}  // namespace detail

// The quotient's text, or "" when an operand is no number (the caller
// falls back to a double's division). Throws nothing; `by_zero` is set
// for a zero divisor.
inline std::string divide(std::string_view a_text, std::string_view b_text, bool& by_zero) {
  using numeric_text::Decimal;
  by_zero = false;
  Decimal a = numeric_text::parse(a_text), b = numeric_text::parse(b_text);
  if (a.kind == Decimal::invalid || b.kind == Decimal::invalid) return {};
  if (a.kind == Decimal::nan || b.kind == Decimal::nan) return "NaN";
  if (b.kind == Decimal::finite && b.digits.empty()) {
    by_zero = true;
    return {};
  }
  if (a.kind != Decimal::finite && b.kind != Decimal::finite) return "NaN";
  if (b.kind != Decimal::finite) return "0";
  if (a.kind != Decimal::finite)
    return (a.kind == Decimal::minus_infinity) != b.negative ? "-Infinity" : "Infinity";
  int weight1 = 0, first1 = 0, weight2 = 0, first2 = 0;
  detail::leading_group(a, weight1, first1);
  detail::leading_group(b, weight2, first2);
  int qweight = weight1 - weight2;
  if (first1 <= first2) --qweight;
  std::int64_t rscale = 16 - static_cast<std::int64_t>(qweight) * 4;
  rscale = std::max({rscale, detail::display_scale(a_text), detail::display_scale(b_text), std::int64_t{0}});
  rscale = std::min<std::int64_t>(rscale, 1000);
  if (a.digits.empty()) return rscale > 0 ? "0." + std::string(static_cast<std::size_t>(rscale), '0') : "0";
  // a / b * 10^rscale = A * 10^shift / B, A and B the digit strings.
  auto la = static_cast<std::int64_t>(a.digits.size()), lb = static_cast<std::int64_t>(b.digits.size());
  std::int64_t shift = rscale + (a.point - la) - (b.point - lb);
  if (shift > 4000 || shift < -4000) return {};
  std::string num = a.digits, den = b.digits;
  if (shift >= 0) num += std::string(static_cast<std::size_t>(shift), '0');
  else den += std::string(static_cast<std::size_t>(-shift), '0');
  bool up = false;
  std::string q = detail::divide(num, den, up);
  if (up) q = detail::increment(q);
  if (static_cast<std::int64_t>(q.size()) <= rscale) q.insert(0, static_cast<std::size_t>(rscale) + 1 - q.size(), '0');
  std::string out = q.substr(0, q.size() - static_cast<std::size_t>(rscale));
  if (rscale > 0) out += "." + q.substr(q.size() - static_cast<std::size_t>(rscale));
  bool zero = q.find_first_not_of('0') == std::string::npos;
  return (a.negative != b.negative && !zero ? "-" : "") + out;
}

// pgwire_numeric_div(a, b)
inline void sql_divide(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  bool by_zero = false;
  std::string q = divide(detail::text_of(argv[0]), detail::text_of(argv[1]), by_zero);
  if (by_zero) return sqlite3_result_error(ctx, function_error("22012", "division by zero").c_str(), -1);
  if (q.empty()) {  // (no numbers: SQLite's division, checked)
    double d = sqlite3_value_double(argv[1]);
    if (d == 0.0) return sqlite3_result_error(ctx, function_error("22012", "division by zero").c_str(), -1);
    return sqlite3_result_double(ctx, sqlite3_value_double(argv[0]) / d);
  }
  sqlite3_result_text(ctx, q.c_str(), static_cast<int>(q.size()), SQLITE_TRANSIENT);
}

inline void register_all(sqlite3* db) {
  sqlite3_create_function_v2(db, "pgwire_numeric_div", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                             nullptr, &sql_divide, nullptr, nullptr, nullptr);
}

}  // namespace sqlite_example::numeric_division
