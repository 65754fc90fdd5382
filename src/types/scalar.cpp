// bool, integers, floats, strings, bytea, "char", oid, uuid, json(b).

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "pgwire/types/scalar.hpp"
#include "json.hpp"
#include "util.hpp"

namespace pgwire {

using namespace types_detail;


namespace {

template <class I>
void put_int_text(I v, Buffer& out) {
  write_bounded(out, 20, [&](char* p) { return std::to_chars(p, p + 20, v).ptr; });
}

// Digits of a decimal d.ddd x 10^exp as written by to_chars' scientific form.
struct Decimal {
  char digits[24];
  int n = 0;    // significant digits, no trailing zeros
  int exp = 0;  // decimal exponent of the first digit
  bool neg = false;
};

Decimal parse_scientific(const char* p, const char* end) {
  Decimal d;
  d.neg = *p == '-';
  if (d.neg) ++p;
  for (; *p != 'e'; ++p) {
    if (*p != '.') d.digits[d.n++] = *p;
  }
  while (d.n > 1 && d.digits[d.n - 1] == '0') --d.n;
  ++p;
  bool exp_neg = *p == '-';
  for (++p; p < end; ++p) d.exp = d.exp * 10 + (*p - '0');
  if (exp_neg) d.exp = -d.exp;
  return d;
}

// Is the decimal exactly odd * 2^k? (odd < 2^56)
bool decimal_equals_dyadic(const Decimal& d, std::uint64_t odd, int k) {
  int q = d.exp - (d.n - 1);  // value = m * 10^q = m * 5^q * 2^q
  // The powers of two must agree, so m must hold exactly k - q factors of
  // two (m < 10^17 < 2^57): this rejects almost every decimal before its
  // digits are read (the check runs for every float sent as text).
  int twos = k - q;
  if (twos < 0 || twos > 56) return false;
  std::uint64_t m = 0;
  for (int i = 0; i < d.n; ++i) m = m * 10 + static_cast<std::uint64_t>(d.digits[i] - '0');
  if (std::countr_zero(m) != twos) return false;
  m >>= twos;
  // 5^|q| divides odd (q >= 0) or m (q < 0): it cannot exceed that side.
  const std::uint64_t limit = q >= 0 ? odd : m;
  std::uint64_t pow5 = 1;
  for (int i = 0; i < (q < 0 ? -q : q); ++i) {
    if (pow5 > limit / 5) return false;
    pow5 *= 5;
  }
  if (q >= 0) return m <= odd / pow5 && m * pow5 == odd;
  return m % pow5 == 0 && m / pow5 == odd;
}

// PostgreSQL's Ryu is built with acceptBounds = false: a decimal lying exactly
// on the midpoint to a neighbouring float is not used, though it would read
// back correctly under round-half-even. std::to_chars does use it, so such
// (rare) outputs must be lengthened to match.
template <class F>
bool on_rounding_bound(F v, const Decimal& d) {
  using Bits = std::conditional_t<sizeof(F) == 8, std::uint64_t, std::uint32_t>;
  constexpr int mantissa_bits = sizeof(F) == 8 ? 52 : 23;
  constexpr int bias = sizeof(F) == 8 ? 1023 : 127;
  Bits bits = std::bit_cast<Bits>(v);
  std::uint64_t mantissa = bits & ((Bits{1} << mantissa_bits) - 1);
  int exponent = static_cast<int>((bits >> mantissa_bits) & ((Bits{1} << (sizeof(F) == 8 ? 11 : 8)) - 1));
  std::uint64_t m2 = exponent == 0 ? mantissa : mantissa | (std::uint64_t{1} << mantissa_bits);
  int e2 = (exponent == 0 ? 1 : exponent) - bias - mantissa_bits;  // v = m2 * 2^e2
  if (decimal_equals_dyadic(d, 2 * m2 + 1, e2 - 1)) return true;  // upper midpoint
  if (mantissa == 0 && exponent > 1) return decimal_equals_dyadic(d, 4 * m2 - 1, e2 - 2);  // narrower gap below
  return decimal_equals_dyadic(d, 2 * m2 - 1, e2 - 1);
}

// PostgreSQL's float output with extra_float_digits > 0 is Ryu's shortest
// round-trip digits, printed in fixed notation when the decimal exponent is
// in [-4, threshold) -- threshold DBL_DIG (15) for float8, FLT_DIG (6) for
// float4 -- and otherwise as d.ddde[+-]XX (at least two exponent digits).
template <class F>
void put_float_text(F v, int threshold, Buffer& out) {
  if (std::isnan(v)) return out.put_bytes("NaN");
  if (std::isinf(v)) return out.put_bytes(v > 0 ? "Infinity" : "-Infinity");
  if (v == 0) return out.put_bytes(std::signbit(v) ? "-0" : "0");
  // An integral value below 10^threshold is printed in fixed notation, and
  // its shortest round-trip digits are the integer's own: there floats are
  // spaced at most 1/4 apart, so any shorter decimal (an integer) within half
  // a spacing is the value itself. (Ryu has the same small-integer case.)
  // Such values are common in real data, and this skips the costly search.
  constexpr F fixed_limit = sizeof(F) == 8 ? F(1e15) : F(1e6);
  if (std::fabs(v) < fixed_limit && v == std::trunc(v)) return put_int_text(static_cast<std::int64_t>(v), out);
  char sci[40];
  const char* sci_end = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific).ptr;
  Decimal d = parse_scientific(sci, sci_end);
  if (on_rounding_bound(std::fabs(v), d)) {
    // The next lengths, correctly rounded, until one lies strictly inside.
    for (int precision = d.n; precision <= (sizeof(F) == 8 ? 17 : 9); ++precision) {
      sci_end = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific, precision).ptr;
      d = parse_scientific(sci, sci_end);
      F back{};
      std::from_chars(sci, sci_end, back);
      if (back == v && !on_rounding_bound(std::fabs(v), d)) break;
    }
  }
  write_bounded(out, 48, [&](char* q) {
    if (d.neg) *q++ = '-';
    auto n = static_cast<std::size_t>(d.n);
    if (d.exp < -4 || d.exp >= threshold) {
      *q++ = d.digits[0];
      if (n > 1) {
        *q++ = '.';
        std::memcpy(q, d.digits + 1, n - 1);
        q += n - 1;
      }
      *q++ = 'e';
      *q++ = d.exp < 0 ? '-' : '+';
      return put_uint(q, static_cast<std::uint64_t>(d.exp < 0 ? -d.exp : d.exp), 2);
    }
    if (d.exp < 0) {
      *q++ = '0';
      *q++ = '.';
      for (int i = -1; i > d.exp; --i) *q++ = '0';
      std::memcpy(q, d.digits, n);
      return q + n;
    }
    auto int_digits = static_cast<std::size_t>(d.exp + 1);
    if (n <= int_digits) {
      std::memcpy(q, d.digits, n);
      q += n;
      for (std::size_t i = n; i < int_digits; ++i) *q++ = '0';
      return q;
    }
    std::memcpy(q, d.digits, int_digits);
    q += int_digits;
    *q++ = '.';
    std::memcpy(q, d.digits + int_digits, n - int_digits);
    return q + (n - int_digits);
  });
}

// pg_strtoint16/32/64: [ws][+-]digits[ws].
template <class I>
std::error_code parse_int(std::string_view in, I& out) {
  std::string_view s = trim(in);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || !is_digit(s[0])) return fail(type_errc::invalid_text);
  // The server accumulates the digits negatively and reports an overflow as
  // soon as it happens, before looking at what follows them ("99999x" is
  // 22003); only then is the positive limit checked ("32768x" is 22P02).
  const std::uint64_t max = static_cast<std::uint64_t>(std::numeric_limits<I>::max());
  std::uint64_t mag = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    auto d = static_cast<std::uint64_t>(s[i] - '0');
    if (mag > (max + 1 - d) / 10) return fail(type_errc::out_of_range);
    mag = mag * 10 + d;
  }
  if (i != s.size()) return fail(type_errc::invalid_text);
  if (!neg && mag > max) return fail(type_errc::out_of_range);
  out = static_cast<I>(neg ? 0 - mag : mag);
  return {};
}

template <class F>
std::error_code parse_float(std::string_view in, F& out) {
  std::string_view s = trim(in);
  bool neg = false;
  std::string_view body = s;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    neg = body[0] == '-';
    body.remove_prefix(1);
  }
  // strtod's special forms (float8in relies on them, and falls back to the
  // same spellings itself).
  if (iequals(body, "infinity") || iequals(body, "inf")) {
    out = neg ? -std::numeric_limits<F>::infinity() : std::numeric_limits<F>::infinity();
    return {};
  }
  if (iequals(body, "nan")) {
    out = neg ? -std::numeric_limits<F>::quiet_NaN() : std::numeric_limits<F>::quiet_NaN();
    return {};
  }
  if (body.empty() || !(is_digit(body[0]) || body[0] == '.')) return fail(type_errc::invalid_text);
  // strtod also reads C99 hex floats ("0x1.8p3"); from_chars wants them without "0x".
  auto format = std::chars_format::general;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X') &&
      (hex_value(body[2]) >= 0 || body[2] == '.')) {
    body.remove_prefix(2);
    format = std::chars_format::hex;
  }
  F v{};
  auto r = std::from_chars(body.data(), body.data() + body.size(), v, format);
  // from_chars reports overflow and underflow to zero, not subnormal results:
  // exactly PostgreSQL's rule.
  if (r.ec == std::errc::result_out_of_range) return fail(type_errc::out_of_range);
  if (r.ec != std::errc{} || r.ptr != body.data() + body.size()) return fail(type_errc::invalid_text);
  out = neg ? -v : v;
  return {};
}

template <class T, std::size_t N>
std::error_code read_exact(std::string_view in, T& out) {
  if (auto ec = fixed_size(in, N)) return ec;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < N; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  out = static_cast<T>(v);
  return {};
}

// jsonb_recv's version byte: only version 1 exists. (The server reports
// another version as an internal error, XX000; a malformed value is what it
// is, so this says 22P03.)
std::error_code jsonb_version(std::string_view in) {
  if (in.empty()) return fail(type_errc::insufficient_data);
  return in[0] == 1 ? std::error_code{} : fail(type_errc::invalid_binary);
}

}  // namespace

// bool ----------------------------------------------------------------------

void encode_text(bool v, Buffer& out) { out.put_char(v ? 't' : 'f'); }
void encode_binary(bool v, Buffer& out) { out.put_u8(v ? 1 : 0); }

std::error_code decode_text(std::string_view in, bool& out) {
  // parse_bool_with_len: any unique prefix of true/false/yes/no, "on"/"off"
  // (at least 2 letters), 1/0.
  std::string_view s = trim(in);
  if (s.empty()) return fail(type_errc::invalid_text);
  auto prefix_of = [&](std::string_view word, std::size_t min_len) {
    return s.size() >= min_len && s.size() <= word.size() && iequals(s, word.substr(0, s.size()));
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || s == "1") {
    out = true;
    return {};
  }
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0") {
    out = false;
    return {};
  }
  return fail(type_errc::invalid_text);
}

std::error_code decode_binary(std::string_view in, bool& out) {
  if (auto ec = fixed_size(in, 1)) return ec;
  out = in[0] != 0;  // boolrecv: any nonzero byte is true
  return {};
}

// Integers --------------------------------------------------------------------

void encode_text(std::int16_t v, Buffer& out) { put_int_text(v, out); }
void encode_binary(std::int16_t v, Buffer& out) { out.put_i16(v); }
void encode_text(std::int32_t v, Buffer& out) { put_int_text(v, out); }
void encode_binary(std::int32_t v, Buffer& out) { out.put_i32(v); }
void encode_text(std::int64_t v, Buffer& out) { put_int_text(v, out); }
void encode_binary(std::int64_t v, Buffer& out) { out.put_i64(v); }

std::error_code decode_text(std::string_view in, std::int16_t& out) { return parse_int(in, out); }
std::error_code decode_text(std::string_view in, std::int32_t& out) { return parse_int(in, out); }
std::error_code decode_text(std::string_view in, std::int64_t& out) { return parse_int(in, out); }
std::error_code decode_binary(std::string_view in, std::int16_t& out) {
  return read_exact<std::int16_t, 2>(in, out);
}
std::error_code decode_binary(std::string_view in, std::int32_t& out) {
  return read_exact<std::int32_t, 4>(in, out);
}
std::error_code decode_binary(std::string_view in, std::int64_t& out) {
  return read_exact<std::int64_t, 8>(in, out);
}

// Floats ----------------------------------------------------------------------

void encode_text(float v, Buffer& out) { put_float_text(v, 6, out); }
void encode_binary(float v, Buffer& out) { out.put_u32(std::bit_cast<std::uint32_t>(v)); }
void encode_text(double v, Buffer& out) { put_float_text(v, 15, out); }
void encode_binary(double v, Buffer& out) { out.put_u64(std::bit_cast<std::uint64_t>(v)); }

std::error_code decode_text(std::string_view in, float& out) { return parse_float(in, out); }
std::error_code decode_text(std::string_view in, double& out) { return parse_float(in, out); }
std::error_code decode_binary(std::string_view in, float& out) {
  std::uint32_t bits;
  if (auto ec = read_exact<std::uint32_t, 4>(in, bits)) return ec;
  out = std::bit_cast<float>(bits);
  return {};
}
std::error_code decode_binary(std::string_view in, double& out) {
  std::uint64_t bits;
  if (auto ec = read_exact<std::uint64_t, 8>(in, bits)) return ec;
  out = std::bit_cast<double>(bits);
  return {};
}

// Strings ---------------------------------------------------------------------

void encode_text(std::string_view v, Buffer& out) { out.put_bytes(v); }
void encode_binary(std::string_view v, Buffer& out) { out.put_bytes(v); }

std::error_code decode_text(std::string_view in, std::string_view& out, Oid type) {
  if (!valid_utf8(in)) return fail(type_errc::invalid_encoding);
  if (type == oid::name && in.size() >= 64) {
    // namein truncates to NAMEDATALEN-1 bytes without splitting a character.
    std::size_t n = 63;
    while (n > 0 && (static_cast<unsigned char>(in[n]) & 0xC0) == 0x80) --n;
    in = in.substr(0, n);
  } else if (type == oid::json || type == oid::jsonb) {
    if (auto ec = type == oid::json ? check_json(in) : check_jsonb(in)) return ec;
  }
  out = in;
  return {};
}

std::error_code decode_binary(std::string_view in, std::string_view& out, Oid type) {
  if (type == oid::jsonb) {
    if (auto ec = jsonb_version(in)) return ec;
    in.remove_prefix(1);
  }
  if (!valid_utf8(in)) return fail(type_errc::invalid_encoding);
  if (type == oid::name && in.size() >= 64) return fail(type_errc::name_too_long);  // namerecv
  if (type == oid::json || type == oid::jsonb) {
    if (auto ec = type == oid::json ? check_json(in) : check_jsonb(in)) return ec;
  }
  out = in;
  return {};
}

// bytea ------------------------------------------------------------------------

void encode_text(Bytea v, Buffer& out) {
  char* p = out.extend(2 + 2 * v.data.size());
  *p++ = '\\';
  *p++ = 'x';
  for (char c : v.data) {
    auto b = static_cast<unsigned char>(c);
    *p++ = hex_digits[b >> 4];
    *p++ = hex_digits[b & 15];
  }
}
void encode_binary(Bytea v, Buffer& out) { out.put_bytes(v.data); }

std::error_code decode_text(std::string_view in, Bytea& out, std::string& storage) {
  if (!valid_utf8(in)) return fail(type_errc::invalid_encoding);
  storage.clear();
  if (in.size() >= 2 && in[0] == '\\' && in[1] == 'x') {
    storage.reserve((in.size() - 2) / 2);
    for (std::size_t i = 2; i < in.size();) {
      char c = in[i];
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
        ++i;
        continue;
      }
      // hex_decode's order: the first digit, then a missing second, then it.
      int hi = hex_value(c);
      if (hi < 0) return fail(type_errc::invalid_hex_digit);
      if (i + 1 >= in.size()) return fail(type_errc::odd_hex_digits);
      int lo = hex_value(in[i + 1]);
      if (lo < 0) return fail(type_errc::invalid_hex_digit);
      storage.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    out.data = storage;
    return {};
  }
  if (in.find('\\') == std::string_view::npos) {  // nothing escaped: view the input
    out.data = in;
    return {};
  }
  storage.reserve(in.size());
  for (std::size_t i = 0; i < in.size();) {
    if (in[i] != '\\') {
      storage.push_back(in[i++]);
    } else if (i + 1 < in.size() && in[i + 1] == '\\') {
      storage.push_back('\\');
      i += 2;
    } else if (i + 3 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '3' && in[i + 2] >= '0' &&
               in[i + 2] <= '7' && in[i + 3] >= '0' && in[i + 3] <= '7') {
      storage.push_back(static_cast<char>(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0')));
      i += 4;
    } else {
      return fail(type_errc::invalid_text);
    }
  }
  out.data = storage;
  return {};
}

std::error_code decode_binary(std::string_view in, Bytea& out) {
  out.data = in;
  return {};
}

// "char" -------------------------------------------------------------------------

void encode_text(Char v, Buffer& out) {
  auto c = static_cast<unsigned char>(v.value);
  if (c >= 0x80) {  // charout (PG 15): high-bit bytes as \ooo, so output stays valid text
    char* p = out.extend(4);
    p[0] = '\\';
    p[1] = static_cast<char>('0' + (c >> 6));
    p[2] = static_cast<char>('0' + ((c >> 3) & 7));
    p[3] = static_cast<char>('0' + (c & 7));
  } else if (c != 0) {
    out.put_char(v.value);
  }
}
void encode_binary(Char v, Buffer& out) { out.put_char(v.value); }

std::error_code decode_text(std::string_view in, Char& out) {
  if (!valid_utf8(in)) return fail(type_errc::invalid_encoding);
  auto oct = [](char c) { return c >= '0' && c <= '7'; };
  if (in.size() == 4 && in[0] == '\\' && oct(in[1]) && oct(in[2]) && oct(in[3])) {
    out.value = static_cast<char>(static_cast<unsigned char>(((in[1] - '0') << 6) + ((in[2] - '0') << 3) + (in[3] - '0')));
  } else {
    out.value = in.empty() ? '\0' : in[0];  // charin keeps the first byte
  }
  return {};
}

std::error_code decode_binary(std::string_view in, Char& out) {
  if (auto ec = fixed_size(in, 1)) return ec;
  out.value = in[0];
  return {};
}

// oid ------------------------------------------------------------------------------

void encode_text(OidValue v, Buffer& out) { put_int_text(v.value, out); }
void encode_binary(OidValue v, Buffer& out) { out.put_u32(v.value); }

std::error_code decode_text(std::string_view in, OidValue& out) {
  // oidin: strtoul, which also takes a minus sign; values that fit in either
  // uint32 or int32 are accepted ("-1" is 4294967295).
  std::string_view s = trim(in);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || !is_digit(s[0])) return fail(type_errc::invalid_text);
  // strtoul's own overflow (beyond 64 bits) is reported before trailing
  // characters are looked at; the 32-bit range after them.
  std::uint64_t mag = 0;
  std::size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (__builtin_mul_overflow(mag, 10u, &mag) ||
        __builtin_add_overflow(mag, static_cast<unsigned>(s[i] - '0'), &mag)) {
      return fail(type_errc::out_of_range);
    }
  }
  if (i != s.size()) return fail(type_errc::invalid_text);
  if (mag > (neg ? 0x80000000u : 0xFFFFFFFFu)) return fail(type_errc::out_of_range);
  out.value = static_cast<Oid>(neg ? 0 - mag : mag);
  return {};
}

std::error_code decode_binary(std::string_view in, OidValue& out) {
  return read_exact<Oid, 4>(in, out.value);
}

// uuid -------------------------------------------------------------------------------

void encode_text(Uuid v, Buffer& out) {
  char* p = out.extend(36);
  for (std::size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) *p++ = '-';
    *p++ = hex_digits[v.bytes[i] >> 4];
    *p++ = hex_digits[v.bytes[i] & 15];
  }
}
void encode_binary(Uuid v, Buffer& out) {
  std::memcpy(out.extend(16), v.bytes.data(), 16);
}

std::error_code decode_text(std::string_view in, Uuid& out) {
  // string_to_uuid: optional braces; a hyphen may follow any even byte group.
  std::size_t i = 0;
  bool braces = !in.empty() && in[0] == '{';
  if (braces) ++i;
  for (std::size_t b = 0; b < 16; ++b) {
    if (in.size() - i < 2) return fail(type_errc::invalid_text);
    int hi = hex_value(in[i]), lo = hex_value(in[i + 1]);
    if (hi < 0 || lo < 0) return fail(type_errc::invalid_text);
    out.bytes[b] = static_cast<std::uint8_t>(hi * 16 + lo);
    i += 2;
    if (i < in.size() && in[i] == '-' && b % 2 == 1 && b < 15) ++i;
  }
  if (braces) {
    if (i >= in.size() || in[i] != '}') return fail(type_errc::invalid_text);
    ++i;
  }
  return i == in.size() ? std::error_code{} : fail(type_errc::invalid_text);
}

std::error_code decode_binary(std::string_view in, Uuid& out) {
  if (auto ec = fixed_size(in, 16)) return ec;
  std::memcpy(out.bytes.data(), in.data(), 16);
  return {};
}

// jsonb --------------------------------------------------------------------------------
// Always normalised (json.cpp): what a product hands us is printed as
// jsonb_out would print it, and what a client sends is read as jsonb_in would.

void encode_text(Jsonb v, Buffer& out) {
  if (auto ec = normalize_jsonb(v.text, out)) out.set_error(ec);
}
void encode_binary(Jsonb v, Buffer& out) {
  std::size_t at = out.size();
  out.put_u8(1);  // jsonb_send's version
  if (auto ec = normalize_jsonb(v.text, out)) {
    out.truncate(at);
    out.set_error(ec);
  }
}

std::error_code decode_text(std::string_view in, Jsonb& out, std::string& storage) {
  if (auto ec = normalize_jsonb(in, storage)) return ec;
  out.text = storage == in ? in : std::string_view(storage);  // like numeric: view the input when it is canonical
  return {};
}
std::error_code decode_binary(std::string_view in, Jsonb& out, std::string& storage) {
  if (auto ec = jsonb_version(in)) return ec;
  return decode_text(in.substr(1), out, storage);
}

}  // namespace pgwire
