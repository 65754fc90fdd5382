#pragma once
// Small text helpers shared by the type encoders/decoders. Everything here is
// locale-independent: PostgreSQL's parsers use isspace/isdigit in the C locale.

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/types/encoding.hpp"
#include "pgwire/types/error.hpp"

namespace pgwire::types_detail {

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr char to_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
inline constexpr char hex_digits[] = "0123456789abcdef";

constexpr std::string_view ltrim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}
constexpr std::string_view rtrim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}
constexpr std::string_view trim(std::string_view s) noexcept { return rtrim(ltrim(s)); }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  }
  return true;
}
constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// Decimal digits of v, at least `width` of them (zero-padded). Returns the end.
inline char* put_uint(char* p, std::uint64_t v, int width = 1) noexcept {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i) *p++ = '0';
  while (n > 0) *p++ = tmp[--n];
  return p;
}

// Reserves `max` bytes, lets `write` fill a prefix and returns its end, then
// gives back the rest: one capacity check, no temporary.
template <class F>
void write_bounded(Buffer& out, std::size_t max, F&& write) {
  std::size_t start = out.size();
  char* p = out.extend(max);
  char* e = write(p);
  out.truncate(start + static_cast<std::size_t>(e - p));
}

// invalid_utf8_at / valid_utf8: pgwire/types/encoding.hpp.

inline std::error_code fail(type_errc e) noexcept { return make_error_code(e); }

// For the error message (array.cpp): the first element of the text array
// literal `in` that its element type refuses with `ec`, as written (empty
// when none is found).
std::string failing_array_element(std::string_view in, Oid element, std::error_code ec);

// For the error message (array.cpp): the part of a malformed array literal
// the server quotes -- the whole of it, or the part after "[..]=" when the
// braces are what is wrong.
std::string_view malformed_array_text(std::string_view in);

// For the error message (inet.cpp): whether `in` is a cidr that only fails
// for bits set right of its mask ("invalid cidr value", not a syntax error).
bool cidr_has_host_bits(std::string_view in);

// A fixed-width binary value. The receive functions read the bytes they need
// from the parameter: running short fails in the message reader (08P01),
// bytes left over fail afterwards as an incorrect binary format (22P03).
inline std::error_code fixed_size(std::string_view in, std::size_t n) noexcept {
  if (in.size() < n) return fail(type_errc::insufficient_data);
  return in.size() > n ? fail(type_errc::invalid_binary) : std::error_code{};
}

}  // namespace pgwire::types_detail
