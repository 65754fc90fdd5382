#pragma once
// PostgreSQL built-in functions that SQLite lacks (or spells differently),
// registered on every connection by functions.hpp:
//
// - strings: char_length, octet_length, reverse, initcap, translate,
//   concat, concat_ws, left, right (keywords to SQLite: the
//   dialect calls pgwire_left/pgwire_right), strpos, repeat, lpad, rpad,
//   split_part, and position(a IN b) (the dialect rewrites it to
//   pgwire_position(a, b));
// - array_agg (the array's text form);
// - numbers: greatest, least (NULLs ignored), mod (22012 for zero), and
//   ceil, floor, trunc, round of one argument giving integral values;
// - dates and times: date_part / extract and date_trunc
//   (date_functions.hpp).
//
// Errors are PostgreSQL's (22023 for an unknown field, the type's input
// error for a malformed value).

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <pgwire/auth/md5.hpp>
#include <pgwire/types.hpp>

#include "date_functions.hpp"
#include "errors.hpp"
#include "function_table.hpp"

namespace sqlite_example::builtins {

inline std::string_view text_of(sqlite3_value* v) {
  return {reinterpret_cast<const char*>(sqlite3_value_text(v)), static_cast<std::size_t>(sqlite3_value_bytes(v))};
}

inline void result(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

inline void error(sqlite3_context* ctx, std::string_view code, std::string_view message) {
  sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
}

// UTF-8 characters, as PostgreSQL counts them for left/right/lpad/...
inline std::size_t byte_at(std::string_view s, std::int64_t chars) {
  std::size_t i = 0;
  for (std::int64_t n = 0; i < s.size() && n < chars; ++n) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
  }
  return i;
}
inline std::int64_t length_of(std::string_view s) {
  std::int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// concat(...): NULLs are skipped. concat_ws(sep, ...): likewise.
inline void concat(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i)
    if (sqlite3_value_type(argv[i]) != SQLITE_NULL) out += text_of(argv[i]);
  result(ctx, out);
}
inline void concat_ws(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  if (argc < 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string sep(text_of(argv[0])), out;
  bool first = true;
  for (int i = 1; i < argc; ++i) {
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) continue;
    if (!first) out += sep;
    out += text_of(argv[i]);
    first = false;
  }
  result(ctx, out);
}

// left/right(s, n): n < 0 counts from the other end.
template <bool Left>
void side(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string_view s = text_of(argv[0]);
  std::int64_t n = sqlite3_value_int64(argv[1]), len = length_of(s);
  std::int64_t keep = n >= 0 ? std::min(n, len) : std::max<std::int64_t>(0, len + n);
  std::size_t cut = byte_at(s, Left ? keep : len - keep);
  result(ctx, std::string(Left ? s.substr(0, cut) : s.substr(cut)));
}

// strpos(s, sub) and pgwire_position(sub, s): 1-based character position, 0 if absent.
inline std::int64_t position_in(std::string_view s, std::string_view sub) {
  auto at = s.find(sub);
  return at == std::string_view::npos ? 0 : length_of(s.substr(0, at)) + 1;
}
template <bool Swapped>
void strpos(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  sqlite3_result_int64(
      ctx, Swapped ? position_in(text_of(argv[1]), text_of(argv[0])) : position_in(text_of(argv[0]), text_of(argv[1])));
}

inline void repeat(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::string_view s = text_of(argv[0]);
  std::int64_t n = sqlite3_value_int64(argv[1]);
  if (n > 0 && s.size() * static_cast<std::uint64_t>(n) > 256u * 1024 * 1024)
    return error(ctx, "54000", "requested length too large");
  std::string out;
  for (std::int64_t i = 0; i < n; ++i) out += s;
  result(ctx, out);
}

// lpad/rpad(s, length[, fill]): truncated to length when longer.
template <bool LeftPad>
void pad(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view s = text_of(argv[0]);
  std::int64_t want = std::max<std::int64_t>(0, sqlite3_value_int64(argv[1]));
  std::string fill = argc > 2 ? std::string(text_of(argv[2])) : std::string(" ");
  std::int64_t len = length_of(s);
  if (len >= want || fill.empty()) return result(ctx, std::string(s.substr(0, byte_at(s, want))));
  std::string padding;
  std::int64_t fill_len = length_of(fill);
  for (std::int64_t missing = want - len; missing > 0; missing -= fill_len)
    padding += missing >= fill_len ? fill : fill.substr(0, byte_at(fill, missing));
  result(ctx, LeftPad ? padding + std::string(s) : std::string(s) + padding);
}

// split_part(s, delimiter, n): the n-th field (n < 0 from the end).
inline void split_part(sqlite3_context* ctx, int, sqlite3_value** argv) {
  for (int i = 0; i < 3; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string_view s = text_of(argv[0]), d = text_of(argv[1]);
  std::int64_t n = sqlite3_value_int64(argv[2]);
  if (n == 0) return error(ctx, "22023", "field position must not be zero");
  std::vector<std::string_view> parts;
  if (d.empty()) {
    parts.push_back(s);
  } else {
    for (std::size_t at = 0;;) {
      auto next = s.find(d, at);
      parts.push_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
      if (next == std::string_view::npos) break;
      at = next + d.size();
    }
  }
  auto count = static_cast<std::int64_t>(parts.size());
  std::int64_t index = n > 0 ? n - 1 : count + n;
  result(ctx, index >= 0 && index < count ? std::string(parts[static_cast<std::size_t>(index)]) : std::string());
}

inline void char_length(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, length_of(text_of(argv[0])));
}
inline void octet_length(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  sqlite3_result_int64(ctx, sqlite3_value_bytes(argv[0]));
}

// The UTF-8 characters of s.
inline std::vector<std::string_view> characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = byte_at(s.substr(i), 1);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

inline void reverse(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto chars = characters(text_of(argv[0]));
  std::string out;
  for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
  result(ctx, out);
}

// initcap: the first letter of each word upper case, the rest lower (ASCII).
inline void initcap(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string out(text_of(argv[0]));
  bool word = false;
  for (char& c : out) {
    auto u = static_cast<unsigned char>(c);
    bool alnum = std::isalnum(u) != 0 || u >= 0x80;
    c = static_cast<char>(word ? std::tolower(u) : std::toupper(u));
    word = alnum;
  }
  result(ctx, out);
}

// translate(s, from, to): each character of `from` becomes the one at the
// same place in `to`, or is removed when `to` is shorter.
inline void translate(sqlite3_context* ctx, int, sqlite3_value** argv) {
  for (int i = 0; i < 3; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto from = characters(text_of(argv[1])), to = characters(text_of(argv[2]));
  std::string out;
  for (auto c : characters(text_of(argv[0]))) {
    auto at = std::find(from.begin(), from.end(), c);
    if (at == from.end()) {
      out += c;
    } else if (auto k = static_cast<std::size_t>(at - from.begin()); k < to.size()) {
      out += to[k];
    }
  }
  result(ctx, out);
}

// greatest/least(...): NULLs are ignored (SQLite's max/min would answer NULL).
template <bool Greatest>
void extreme(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  sqlite3_value* best = nullptr;
  for (int i = 0; i < argc; ++i) {
    sqlite3_value* v = argv[i];
    if (sqlite3_value_type(v) == SQLITE_NULL) continue;
    if (best == nullptr) {
      best = v;
      continue;
    }
    bool numbers = sqlite3_value_numeric_type(v) != SQLITE_TEXT && sqlite3_value_numeric_type(best) != SQLITE_TEXT &&
                   sqlite3_value_type(v) != SQLITE_BLOB && sqlite3_value_type(best) != SQLITE_BLOB;
    int cmp = numbers ? (sqlite3_value_double(v) < sqlite3_value_double(best)   ? -1
                         : sqlite3_value_double(v) > sqlite3_value_double(best) ? 1
                                                                                : 0)
                      : text_of(v).compare(text_of(best));
    if (Greatest ? cmp > 0 : cmp < 0) best = v;
  }
  if (best == nullptr) return sqlite3_result_null(ctx);
  sqlite3_result_value(ctx, best);
}

// div(a, b): the integer quotient, truncated toward zero; b = 0 is 22012.
inline void div(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  if (sqlite3_value_numeric_type(argv[0]) == SQLITE_INTEGER && sqlite3_value_numeric_type(argv[1]) == SQLITE_INTEGER) {
    std::int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    if (b == 0) return error(ctx, "22012", "division by zero");
    return sqlite3_result_int64(ctx, b == -1 ? -a : a / b);
  }
  double b = sqlite3_value_double(argv[1]);
  if (b == 0) return error(ctx, "22012", "division by zero");
  double q = std::trunc(sqlite3_value_double(argv[0]) / b);
  if (std::fabs(q) < 9e15) return sqlite3_result_int64(ctx, static_cast<std::int64_t>(q));  // (an integral numeric)
  sqlite3_result_double(ctx, q);
}

// mod(a, b): the remainder with a's sign; b = 0 is 22012.
inline void mod(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  if (sqlite3_value_numeric_type(argv[0]) == SQLITE_INTEGER && sqlite3_value_numeric_type(argv[1]) == SQLITE_INTEGER) {
    std::int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
    if (b == 0) return error(ctx, "22012", "division by zero");
    return sqlite3_result_int64(ctx, b == -1 ? 0 : a % b);
  }
  double b = sqlite3_value_double(argv[1]);
  if (b == 0) return error(ctx, "22012", "division by zero");
  sqlite3_result_double(ctx, std::fmod(sqlite3_value_double(argv[0]), b));
}

// gcd(a, b) / lcm(a, b) of integers: never negative; PostgreSQL's 22003
// where the result leaves bigint (gcd(min, 0), lcm past 2^63).
template <bool Lcm>
inline void gcd_lcm(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  std::int64_t a = sqlite3_value_int64(argv[0]), b = sqlite3_value_int64(argv[1]);
  auto magnitude = [](std::int64_t v) { return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v); };
  std::uint64_t x = magnitude(a), y = magnitude(b);
  while (y != 0) x = std::exchange(y, x % y);
  constexpr auto max = static_cast<std::uint64_t>(INT64_MAX);
  if (!Lcm) {
    if (x > max) return error(ctx, "22003", "bigint out of range");
    return sqlite3_result_int64(ctx, static_cast<std::int64_t>(x));
  }
  if (a == 0 || b == 0) return sqlite3_result_int64(ctx, 0);
  std::uint64_t factor = magnitude(a) / x, other = magnitude(b);
  if (other != 0 && factor > max / other) return error(ctx, "22003", "bigint out of range");
  sqlite3_result_int64(ctx, static_cast<std::int64_t>(factor * other));
}

// starts_with(string, prefix)
inline void starts_with(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  sqlite3_result_int(ctx, text_of(argv[0]).starts_with(text_of(argv[1])) ? 1 : 0);
}

// md5(text): 32 lowercase hex digits, as PostgreSQL's (the library's MD5,
// which password hashes use: "md5" + md5hex(password + user)).
inline void md5(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::string hex = pgwire::auth::md5_password_hash("", text_of(argv[0])).substr(3);
  sqlite3_result_text(ctx, hex.data(), static_cast<int>(hex.size()), SQLITE_TRANSIENT);
}

// ceil/floor/trunc/round(x): an integral result, as PostgreSQL prints it ("3", not "3.0").
template <double (*F)(double)>
void integral(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_value* v = argv[0];
  if (sqlite3_value_type(v) == SQLITE_NULL) return sqlite3_result_null(ctx);
  if (sqlite3_value_numeric_type(v) == SQLITE_INTEGER) return sqlite3_result_int64(ctx, sqlite3_value_int64(v));
  double d = F(sqlite3_value_double(v));
  if (std::fabs(d) < 9e15) return sqlite3_result_int64(ctx, static_cast<std::int64_t>(d));
  sqlite3_result_double(ctx, d);
}
inline double ceil_of(double d) { return std::ceil(d); }
inline double floor_of(double d) { return std::floor(d); }
inline double trunc_of(double d) { return std::trunc(d); }
inline double round_of(double d) { return std::round(d); }  // half away from zero, as numeric's round

// array_agg(x): the values in PostgreSQL's array text form ('{1,NULL,"a b"}');
// the result column is typed x's array type (select_list.hpp), so it reaches
// the client through the type layer like any stored array.
struct ArrayAgg {
  std::string* text;  // "{e1,e2,..." so far
};

// Appends v as an element of an array's text form (quoted where array_in needs it).
inline void append_array_element(std::string& out, sqlite3_value* v) {
  if (sqlite3_value_type(v) == SQLITE_NULL) {
    out += "NULL";
    return;
  }
  std::string_view e = text_of(v);
  bool quote = e.empty() || e.size() == 4 && (e[0] == 'n' || e[0] == 'N') && lower(e) == "null";
  for (char c : e)
    quote = quote || c == '{' || c == '}' || c == ',' || c == '"' || c == '\\' ||
            std::isspace(static_cast<unsigned char>(c));
  if (!quote) {
    out += e;
    return;
  }
  out.push_back('"');
  for (char c : e) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

// pgwire_array(a, b, ...): ARRAY[a, b, ...] of expressions, as the
// array's text form (the dialect's rewrite; constants become a literal).
inline void array_of(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  std::string out = "{";
  for (int i = 0; i < argc; ++i) {
    if (i > 0) out.push_back(',');
    append_array_element(out, argv[i]);
  }
  out.push_back('}');
  result(ctx, out);
}

inline void array_agg_step(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* agg = static_cast<ArrayAgg*>(sqlite3_aggregate_context(ctx, sizeof(ArrayAgg)));
  if (agg == nullptr) return sqlite3_result_error_nomem(ctx);
  if (agg->text == nullptr) agg->text = new std::string("{");
  std::string& out = *agg->text;
  if (out.size() > 1) out.push_back(',');
  append_array_element(out, argv[0]);
}

inline void array_agg_final(sqlite3_context* ctx) {
  auto* agg = static_cast<ArrayAgg*>(sqlite3_aggregate_context(ctx, 0));
  if (agg == nullptr || agg->text == nullptr) return sqlite3_result_null(ctx);  // no rows: NULL, as PostgreSQL
  agg->text->push_back('}');
  result(ctx, *agg->text);
  delete agg->text;
  agg->text = nullptr;
}

inline void register_all(sqlite3* db) {
  static constexpr ScalarFunction entries[] = {
      {"concat", -1, &concat},
      {"pgwire_array", -1, &array_of},
      {"concat_ws", -1, &concat_ws},
      {"pgwire_left", 2, &side<true>},
      {"pgwire_right", 2, &side<false>},
      {"strpos", 2, &strpos<false>},
      {"pgwire_position", 2, &strpos<true>},
      {"repeat", 2, &repeat},
      {"lpad", 2, &pad<true>},
      {"lpad", 3, &pad<true>},
      {"rpad", 2, &pad<false>},
      {"rpad", 3, &pad<false>},
      {"split_part", 3, &split_part},
      {"date_part", 2, &dates::date_part},
      {"date_trunc", 2, &dates::date_trunc},
      {"to_char", 2, &dates::to_char},
      {"to_timestamp", 1, &dates::to_timestamp},
      {"age", 1, &dates::age},
      {"age", 2, &dates::age},
      {"char_length", 1, &char_length},
      {"character_length", 1, &char_length},
      {"octet_length", 1, &octet_length},
      {"reverse", 1, &reverse},
      {"initcap", 1, &initcap},
      {"translate", 3, &translate},
      {"greatest", -1, &extreme<true>},
      {"least", -1, &extreme<false>},
      {"mod", 2, &mod},
      {"div", 2, &div},
      {"gcd", 2, &gcd_lcm<false>},
      {"lcm", 2, &gcd_lcm<true>},
      {"starts_with", 2, &starts_with},
      {"make_date", 3, &dates::make_date},
      {"md5", 1, &md5},
      {"ceil", 1, &integral<&ceil_of>},
      {"ceiling", 1, &integral<&ceil_of>},
      {"floor", 1, &integral<&floor_of>},
      {"trunc", 1, &integral<&trunc_of>},
      {"round", 1, &integral<&round_of>},
  };
  register_scalars(db, entries);
  sqlite3_create_function_v2(db, "array_agg", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, nullptr, nullptr, &array_agg_step,
                             &array_agg_final, nullptr);
}

}  // namespace sqlite_example::builtins
