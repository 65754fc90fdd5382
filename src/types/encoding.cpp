#include "pgwire/types/encoding.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <cstring>

namespace pgwire {

namespace {

// Eight bytes at a time while the text is plain ASCII without NUL, which
// almost every query text is: the check then costs little on the hot path.
bool ascii_without_nul(const unsigned char* p) noexcept {
  std::uint64_t w;
  std::memcpy(&w, p, sizeof w);
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  bool has_high = (w & highs) != 0;
  bool has_zero = ((w - ones) & ~w & highs) != 0;
  return !has_high && !has_zero;
}

// How many bytes a lead byte announces (1 for a byte no sequence starts with).
std::size_t announced_length(unsigned char lead) noexcept {
  return (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 1;
}

}  // namespace

std::size_t invalid_utf8_at(std::string_view s) noexcept {
  auto begin = reinterpret_cast<const unsigned char*>(s.data());
  auto p = begin, end = begin + s.size();
  auto here = [&] { return static_cast<std::size_t>(p - begin); };
  while (p < end) {
    if (end - p >= 8 && ascii_without_nul(p)) {
      p += 8;
      continue;
    }
    unsigned char c = *p;
    if (c < 0x80) {
      if (c == 0) return here();
      ++p;
      continue;
    }
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return here();
    }
    if (static_cast<std::size_t>(end - p) < n) return here();
    if (p[1] < lo || p[1] > hi) return here();
    for (std::size_t i = 2; i < n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return here();
    }
    p += n;
  }
  return std::string_view::npos;
}

// report_invalid_encoding: the bytes of the first invalid character, as many
// as its lead byte announces, as far as the input goes.
ErrorInfo invalid_utf8_error(std::string_view s) {
  std::size_t at = invalid_utf8_at(s);
  if (at == std::string_view::npos) at = 0;
  std::size_t n = s.empty() ? 0 : announced_length(static_cast<unsigned char>(s[at]));
  std::string bytes;
  for (std::size_t i = at; i < s.size() && i < at + n; ++i)
    bytes += fmt::format("{}0x{:02x}", i > at ? " " : "", static_cast<unsigned char>(s[i]));
  if (bytes.empty()) bytes = "0x00";
  return ErrorInfo::error(sqlstate::character_not_in_repertoire,
                          fmt::format("invalid byte sequence for encoding \"UTF8\": {}", bytes));
}

}  // namespace pgwire
