// numeric: canonical decimal text <-> PostgreSQL's base-10000 wire format.
//
// Nothing is converted through binary floating point: text is parsed into
// (digits, decimal point position, display scale) and both outputs are
// produced digit by digit, so any precision PostgreSQL allows round-trips.

#include <algorithm>
#include <cstring>

#include "pgwire/types/scalar.hpp"
#include "util.hpp"

namespace pgwire {

using namespace types_detail;

namespace {

constexpr std::int64_t kMaxDscale = 0x3FFF;        // NUMERIC_DSCALE_MAX
constexpr std::int64_t kMaxWeight = 32767;         // weight is an int16 on disk and wire
constexpr std::int64_t kMaxExponent = 2147483647 / 2;  // numeric_in's own exponent limit
constexpr std::uint16_t kPos = 0x0000, kNeg = 0x4000, kNaN = 0xC000, kPinf = 0xD000, kNinf = 0xF000;

constexpr std::int64_t floor_div4(std::int64_t v) { return v >= 0 ? v / 4 : -((-v + 3) / 4); }

// A numeric literal as numeric_in reads it. The decimal digits D are the
// digits before the point followed by those after it, as written; `point`
// is how many digits of D lie before the decimal point once the exponent is
// applied (may be negative or beyond D).
struct Parsed {
  enum Kind { finite, nan, pinf, ninf } kind = finite;
  bool negative = false;
  std::string_view int_digits, frac_digits;
  std::int64_t point = 0;
  std::int64_t dscale = 0;
  std::int64_t first = -1, last = -1;  // first/last nonzero digit of D; -1 when zero

  std::int64_t size() const { return static_cast<std::int64_t>(int_digits.size() + frac_digits.size()); }
  char digit(std::int64_t i) const {
    auto n = static_cast<std::int64_t>(int_digits.size());
    if (i < 0 || i >= size()) return '0';
    return i < n ? int_digits[static_cast<std::size_t>(i)] : frac_digits[static_cast<std::size_t>(i - n)];
  }
  // Base-10000 digit whose decimal positions are 4g .. 4g+3.
  std::uint16_t group(std::int64_t g) const {
    int v = 0;
    for (std::int64_t p = 4 * g + 3; p >= 4 * g; --p) v = v * 10 + (digit(point - 1 - p) - '0');
    return static_cast<std::uint16_t>(v);
  }
  std::int64_t text_size() const {
    if (kind == nan) return 3;
    if (kind == pinf) return 8;
    if (kind == ninf) return 9;
    std::int64_t n = (first >= 0 && negative ? 1 : 0);
    n += first >= 0 && point > first ? point - first : 1;
    if (dscale > 0) n += 1 + dscale;
    return n;
  }
  char* write_text(char* p) const {
    if (kind != finite) {
      std::string_view s = kind == nan ? "NaN" : kind == pinf ? "Infinity" : "-Infinity";
      std::memcpy(p, s.data(), s.size());
      return p + s.size();
    }
    if (first < 0) {  // zero has no sign
      *p++ = '0';
    } else {
      if (negative) *p++ = '-';
      if (point <= first) {
        *p++ = '0';
      } else {
        for (std::int64_t i = first; i < point; ++i) *p++ = digit(i);
      }
    }
    if (dscale > 0) {
      *p++ = '.';
      for (std::int64_t i = point; i < point + dscale; ++i) *p++ = digit(i);
    }
    return p;
  }
};

std::error_code parse(std::string_view in, Parsed& out) {
  std::string_view s = ltrim(in);
  // numeric_in tests these prefixes in this order, then allows only spaces.
  static constexpr struct {
    std::string_view word;
    Parsed::Kind kind;
  } specials[] = {{"NaN", Parsed::nan},       {"Infinity", Parsed::pinf}, {"+Infinity", Parsed::pinf},
                  {"-Infinity", Parsed::ninf}, {"inf", Parsed::pinf},      {"+inf", Parsed::pinf},
                  {"-inf", Parsed::ninf}};
  for (const auto& sp : specials) {
    if (istarts_with(s, sp.word)) {
      if (!ltrim(s.substr(sp.word.size())).empty()) return fail(type_errc::invalid_text);
      out = Parsed{};
      out.kind = sp.kind;
      return {};
    }
  }
  out = Parsed{};
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) out.negative = s[i++] == '-';
  std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  out.int_digits = s.substr(int_start, i - int_start);
  if (i < s.size() && s[i] == '.') {
    std::size_t frac_start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    out.frac_digits = s.substr(frac_start, i - frac_start);
  }
  if (out.int_digits.empty() && out.frac_digits.empty()) return fail(type_errc::invalid_text);
  std::int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    while (i < s.size() && is_space(s[i])) ++i;  // strtol skips leading spaces
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    std::size_t exp_start = i;
    while (i < s.size() && is_digit(s[i])) {
      if (exponent <= kMaxExponent) exponent = exponent * 10 + (s[i] - '0');
      ++i;
    }
    if (i == exp_start) return fail(type_errc::invalid_text);
    if (exponent >= kMaxExponent) return fail(type_errc::out_of_range);
    if (neg) exponent = -exponent;
  }
  if (!ltrim(s.substr(i)).empty()) return fail(type_errc::invalid_text);

  out.point = static_cast<std::int64_t>(out.int_digits.size()) + exponent;
  out.dscale = static_cast<std::int64_t>(out.frac_digits.size()) - exponent;
  if (out.dscale < 0) out.dscale = 0;
  if (out.dscale > kMaxDscale) return fail(type_errc::out_of_range);
  for (std::int64_t k = 0; k < out.size(); ++k) {
    if (out.digit(k) != '0') {
      if (out.first < 0) out.first = k;
      out.last = k;
    }
  }
  if (out.first >= 0 && floor_div4(out.point - 1 - out.first) > kMaxWeight) {
    return fail(type_errc::out_of_range);
  }
  return {};
}

// True when `s` is exactly what numeric_out would print for its value, so it
// can be used as is.
bool is_canonical(std::string_view s) {
  if (s == "NaN" || s == "Infinity" || s == "-Infinity") return true;
  std::size_t i = 0;
  bool neg = !s.empty() && s[0] == '-';
  if (neg) ++i;
  std::size_t int_start = i;
  while (i < s.size() && is_digit(s[i])) ++i;
  std::size_t int_len = i - int_start;
  if (int_len == 0 || (int_len > 1 && s[int_start] == '0')) return false;
  if (int_len > 4 * (kMaxWeight + 1)) return false;
  bool nonzero = s[int_start] != '0';
  if (i < s.size()) {
    if (s[i] != '.') return false;
    std::size_t frac_start = ++i;
    while (i < s.size() && is_digit(s[i])) nonzero |= s[i++] != '0';
    std::size_t frac_len = i - frac_start;
    if (frac_len == 0 || i != s.size() || static_cast<std::int64_t>(frac_len) > kMaxDscale) return false;
  }
  return !(neg && !nonzero);  // "-0" prints as "0"
}

}  // namespace

void encode_text(Numeric v, Buffer& out) {
  if (is_canonical(v.text)) return out.put_bytes(v.text);
  Parsed p;
  if (auto ec = parse(v.text, p)) return out.set_error(ec);
  char* dst = out.extend(static_cast<std::size_t>(p.text_size()));
  p.write_text(dst);
}

void encode_binary(Numeric v, Buffer& out) {
  Parsed p;
  if (auto ec = parse(v.text, p)) return out.set_error(ec);
  switch (p.kind) {
    // numeric_send sends what it finds in the special value's short header:
    // for the infinities that decodes as dscale 32.
    case Parsed::nan: return out.put_bytes(std::string_view("\0\0\0\0\xC0\0\0\0", 8));
    case Parsed::pinf: return out.put_bytes(std::string_view("\0\0\0\0\xD0\0\0\x20", 8));
    case Parsed::ninf: return out.put_bytes(std::string_view("\0\0\0\0\xF0\0\0\x20", 8));
    case Parsed::finite: break;
  }
  if (p.first < 0) {  // zero: no digits, weight 0, positive
    out.put_u16(0);
    out.put_i16(0);
    out.put_u16(kPos);
    out.put_u16(static_cast<std::uint16_t>(p.dscale));
    return;
  }
  std::int64_t weight = floor_div4(p.point - 1 - p.first);
  std::int64_t last_group = floor_div4(p.point - 1 - p.last);
  std::int64_t ndigits = weight - last_group + 1;  // leading/trailing zero groups stripped
  char* dst = out.extend(8 + 2 * static_cast<std::size_t>(ndigits));
  Buffer::store16(dst, static_cast<std::uint16_t>(ndigits));  // read back as uint16 by numeric_recv
  Buffer::store16(dst + 2, static_cast<std::uint16_t>(weight));
  Buffer::store16(dst + 4, p.negative ? kNeg : kPos);
  Buffer::store16(dst + 6, static_cast<std::uint16_t>(p.dscale));
  dst += 8;
  for (std::int64_t g = weight; g >= last_group; --g, dst += 2) Buffer::store16(dst, p.group(g));
}

std::error_code decode_text(std::string_view in, Numeric& out, std::string& storage) {
  if (is_canonical(in)) {
    out.text = in;
    return {};
  }
  Parsed p;
  if (auto ec = parse(in, p)) return ec;
  storage.resize(static_cast<std::size_t>(p.text_size()));
  p.write_text(storage.data());
  out.text = storage;
  return {};
}

std::error_code decode_binary(std::string_view in, Numeric& out, std::string& storage) {
  auto u16 = [&](std::size_t at) {
    return static_cast<std::uint16_t>((static_cast<unsigned char>(in[at]) << 8) | static_cast<unsigned char>(in[at + 1]));
  };
  if (in.size() < 8) return fail(type_errc::insufficient_data);
  std::size_t ndigits = u16(0);
  auto weight = static_cast<std::int16_t>(u16(2));
  std::uint16_t sign = u16(4);
  std::uint16_t dscale = u16(6);
  if (sign != kPos && sign != kNeg && sign != kNaN && sign != kPinf && sign != kNinf) {
    return fail(type_errc::invalid_binary);
  }
  if (dscale > kMaxDscale) return fail(type_errc::invalid_binary);
  // numeric_recv reads the digits one by one: a bad digit before the bytes
  // run out is 22P03, running out 08P01, bytes left over 22P03.
  std::size_t present = std::min(ndigits, (in.size() - 8) / 2);
  for (std::size_t i = 0; i < present; ++i) {
    if (u16(8 + 2 * i) >= 10000) return fail(type_errc::invalid_binary);
  }
  if (auto ec = fixed_size(in, 8 + 2 * ndigits)) return ec;
  // Special values need no storage: string literals live forever.
  if (sign == kNaN) return out.text = "NaN", std::error_code{};
  if (sign == kPinf) return out.text = "Infinity", std::error_code{};
  if (sign == kNinf) return out.text = "-Infinity", std::error_code{};

  // Decimal digit at position p (10^p), digits below -dscale dropped as
  // numeric_recv's trunc_var does.
  auto digit_at = [&](std::int64_t p) -> int {
    if (p < -static_cast<std::int64_t>(dscale)) return 0;
    std::int64_t g = floor_div4(p);
    std::int64_t i = weight - g;
    if (i < 0 || i >= static_cast<std::int64_t>(ndigits)) return 0;
    int v = u16(8 + 2 * static_cast<std::size_t>(i));
    for (std::int64_t k = 4 * g; k < p; ++k) v /= 10;
    return v % 10;
  };
  // Highest nonzero decimal position that survives truncation.
  std::int64_t high = 0;
  bool nonzero = false;
  for (std::size_t i = 0; i < ndigits && !nonzero; ++i) {
    int v = u16(8 + 2 * i);
    if (v == 0) continue;
    std::int64_t top = 4 * (weight - static_cast<std::int64_t>(i)) + (v >= 1000 ? 3 : v >= 100 ? 2 : v >= 10 ? 1 : 0);
    if (top < -static_cast<std::int64_t>(dscale)) break;  // everything left is truncated
    high = top;
    nonzero = true;
  }
  bool negative = nonzero && sign == kNeg;
  std::int64_t int_len = nonzero && high >= 0 ? high + 1 : 1;
  storage.resize(static_cast<std::size_t>((negative ? 1 : 0) + int_len + (dscale > 0 ? 1 + dscale : 0)));
  char* p = storage.data();
  if (negative) *p++ = '-';
  for (std::int64_t pos = int_len - 1; pos >= 0; --pos) *p++ = static_cast<char>('0' + digit_at(pos));
  if (dscale > 0) {
    *p++ = '.';
    for (std::int64_t pos = -1; pos >= -static_cast<std::int64_t>(dscale); --pos) {
      *p++ = static_cast<char>('0' + digit_at(pos));
    }
  }
  out.text = storage;
  return {};
}

}  // namespace pgwire
