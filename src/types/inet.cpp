// inet / cidr: PostgreSQL's network_out/network_in, ported from its
// inet_net_ntop.c and inet_net_pton.c (ISC code) so that abbreviations and
// classful defaults behave identically.

#include <charconv>
#include <cstring>

#include "pgwire/types/scalar.hpp"
#include "util.hpp"

namespace pgwire {

using namespace types_detail;

namespace {

int max_bits(Inet::Family f) { return f == Inet::Family::v4 ? 32 : 128; }
std::size_t addr_size(Inet::Family f) { return f == Inet::Family::v4 ? 4 : 16; }

// addressOK: no bits set right of the netmask (required for cidr).
bool host_bits_clear(const Inet& v) {
  std::size_t n = addr_size(v.family);
  for (std::size_t i = 0; i < n; ++i) {
    int keep = static_cast<int>(v.bits) - static_cast<int>(i) * 8;
    unsigned mask = keep >= 8 ? 0xFFu : keep <= 0 ? 0u : (0xFFu << (8 - keep)) & 0xFFu;
    if ((v.address[i] & ~mask & 0xFFu) != 0) return false;
  }
  return true;
}

bool valid(const Inet& v) {
  if (v.family != Inet::Family::v4 && v.family != Inet::Family::v6) return false;
  if (v.bits > max_bits(v.family)) return false;
  return !v.is_cidr || host_bits_clear(v);
}

char* put_dec(char* p, unsigned v) { return std::to_chars(p, p + 3, v).ptr; }

// inet_net_ntop_ipv6: longest run (>= 2) of zero words as "::", IPv4-mapped
// and -compatible addresses with a dotted tail.
char* put_ipv6(char* p, const std::uint8_t* src) {
  unsigned words[8];
  for (int i = 0; i < 8; ++i) words[i] = (static_cast<unsigned>(src[2 * i]) << 8) | src[2 * i + 1];
  int best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
  for (int i = 0; i < 8; ++i) {
    if (words[i] == 0) {
      if (cur_base == -1) {
        cur_base = i;
        cur_len = 1;
      } else {
        ++cur_len;
      }
    } else if (cur_base != -1) {
      if (best_base == -1 || cur_len > best_len) best_base = cur_base, best_len = cur_len;
      cur_base = -1;
    }
  }
  if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) best_base = cur_base, best_len = cur_len;
  if (best_base != -1 && best_len < 2) best_base = -1;
  for (int i = 0; i < 8; ++i) {
    if (best_base != -1 && i >= best_base && i < best_base + best_len) {
      if (i == best_base) *p++ = ':';
      continue;
    }
    if (i != 0) *p++ = ':';
    if (i == 6 && best_base == 0 &&
        (best_len == 6 || (best_len == 7 && words[7] != 0x0001) || (best_len == 5 && words[5] == 0xffff))) {
      for (int k = 12; k < 16; ++k) {
        if (k != 12) *p++ = '.';
        p = put_dec(p, src[k]);
      }
      return p;
    }
    p = std::to_chars(p, p + 4, words[i], 16).ptr;
  }
  if (best_base != -1 && best_base + best_len == 8) *p++ = ':';
  return p;
}

// --- parsing (C-string ports) ----------------------------------------------------

// inet_net_pton_ipv4 (inet): 1-4 decimal octets and optional /bits; without
// /bits all four octets are required.
int pton_ipv4_inet(const char* src, std::uint8_t* dst) {
  const std::uint8_t* odst = dst;
  int ch, bits;
  std::size_t size = 4;
  while (ch = static_cast<unsigned char>(*src++), is_digit(static_cast<char>(ch))) {
    int tmp = 0;
    do {
      tmp = tmp * 10 + (ch - '0');
      if (tmp > 255) return -1;
    } while ((ch = static_cast<unsigned char>(*src++)) != '\0' && is_digit(static_cast<char>(ch)));
    if (size-- == 0) return -1;
    *dst++ = static_cast<std::uint8_t>(tmp);
    if (ch == '\0' || ch == '/') break;
    if (ch != '.') return -1;
  }
  bits = -1;
  if (ch == '/' && is_digit(src[0]) && dst > odst) {
    ch = static_cast<unsigned char>(*src++);
    bits = 0;
    do {
      bits = bits * 10 + (ch - '0');
      if (bits > 1000) bits = 1000;
    } while ((ch = static_cast<unsigned char>(*src++)) != '\0' && is_digit(static_cast<char>(ch)));
    if (ch != '\0') return -1;
    if (bits > 32) return -1;
  }
  if (ch != '\0') return -1;
  if (bits == -1) {
    if (dst - odst == 4) {
      bits = 32;
    } else {
      return -1;
    }
  }
  if (dst == odst) return -1;
  if ((bits / 8) > (dst - odst)) return -1;
  while (size-- > 0) *dst++ = 0;
  return bits;
}

// inet_cidr_pton_ipv4 (cidr): also "0x" hex strings, abbreviated networks,
// and a classful netmask when /bits is absent.
int pton_ipv4_cidr(const char* src, std::uint8_t* dst, std::size_t size) {
  const std::uint8_t* odst = dst;
  int ch = static_cast<unsigned char>(*src++);
  if (ch == '0' && (src[0] == 'x' || src[0] == 'X') && hex_value(src[1]) >= 0) {
    int dirty = 0, tmp = 0;
    ++src;
    while ((ch = static_cast<unsigned char>(*src++)) != '\0' && hex_value(static_cast<char>(ch)) >= 0) {
      int n = hex_value(static_cast<char>(ch));
      tmp = dirty == 0 ? n : (tmp << 4) | n;
      if (++dirty == 2) {
        if (size-- <= 0) return -1;
        *dst++ = static_cast<std::uint8_t>(tmp);
        dirty = 0;
      }
    }
    if (dirty) {
      if (size-- <= 0) return -1;
      *dst++ = static_cast<std::uint8_t>(tmp << 4);
    }
  } else if (is_digit(static_cast<char>(ch))) {
    for (;;) {
      int tmp = 0;
      do {
        tmp = tmp * 10 + (ch - '0');
        if (tmp > 255) return -1;
      } while ((ch = static_cast<unsigned char>(*src++)) != '\0' && is_digit(static_cast<char>(ch)));
      if (size-- <= 0) return -1;
      *dst++ = static_cast<std::uint8_t>(tmp);
      if (ch == '\0' || ch == '/') break;
      if (ch != '.') return -1;
      ch = static_cast<unsigned char>(*src++);
      if (!is_digit(static_cast<char>(ch))) return -1;
    }
  } else {
    return -1;
  }
  int bits = -1;
  if (ch == '/' && is_digit(src[0]) && dst > odst) {
    ch = static_cast<unsigned char>(*src++);
    bits = 0;
    do {
      bits = bits * 10 + (ch - '0');
      if (bits > 1000) bits = 1000;
    } while ((ch = static_cast<unsigned char>(*src++)) != '\0' && is_digit(static_cast<char>(ch)));
    if (ch != '\0') return -1;
    if (bits > 32) return -1;
  }
  if (ch != '\0') return -1;
  if (dst == odst) return -1;
  if (bits == -1) {
    if (*odst >= 240) {
      bits = 32;  // class E
    } else if (*odst >= 224) {
      bits = 8;  // class D
    } else if (*odst >= 192) {
      bits = 24;  // class C
    } else if (*odst >= 128) {
      bits = 16;  // class B
    } else {
      bits = 8;  // class A
    }
    if (bits < (dst - odst) * 8) bits = static_cast<int>(dst - odst) * 8;  // widen to the octets given
    if (bits == 8 && *odst == 224) bits = 4;
  }
  while (bits > (dst - odst) * 8) {
    if (size-- <= 0) return -1;
    *dst++ = 0;
  }
  return bits;
}

// getbits: "/bits" decimal without leading zeros, at most 128.
bool getbits(const char* src, int* bitsp) {
  int n = 0, val = 0, ch;
  while ((ch = static_cast<unsigned char>(*src++)) != '\0') {
    if (!is_digit(static_cast<char>(ch))) return false;
    if (n++ != 0 && val == 0) return false;  // no leading zeros
    val = val * 10 + (ch - '0');
    if (val > 128) return false;
  }
  if (n == 0) return false;
  *bitsp = val;
  return true;
}

// getv4: a dotted IPv4 tail ending the IPv6 text, optionally followed by /bits.
bool getv4(const char* src, std::uint8_t* dst, int* bitsp) {
  const std::uint8_t* odst = dst;
  int n = 0, ch;
  unsigned val = 0;
  while ((ch = static_cast<unsigned char>(*src++)) != '\0') {
    if (is_digit(static_cast<char>(ch))) {
      if (n++ != 0 && val == 0) return false;  // no leading zeros
      val = val * 10 + static_cast<unsigned>(ch - '0');
      if (val > 255) return false;
      continue;
    }
    if (ch == '.' || ch == '/') {
      if (dst - odst > 3) return false;
      *dst++ = static_cast<std::uint8_t>(val);
      if (ch == '/') return getbits(src, bitsp);
      val = 0;
      n = 0;
      continue;
    }
    return false;
  }
  if (n == 0) return false;
  if (dst - odst > 3) return false;
  *dst = static_cast<std::uint8_t>(val);
  return true;  // fewer than four octets leave zeros ("::1.2" is ::1.2.0.0)
}

// inet_cidr_pton_ipv6 (used for both inet and cidr).
int pton_ipv6(const char* src, std::uint8_t* dst) {
  std::uint8_t tmp[16] = {};
  std::uint8_t* tp = tmp;
  std::uint8_t* endp = tp + 16;
  std::uint8_t* colonp = nullptr;
  if (*src == ':' && *++src != ':') return -1;
  const char* curtok = src;
  bool saw_xdigit = false;
  unsigned val = 0;
  int bits = -1, digits = 0, ch;
  while ((ch = static_cast<unsigned char>(*src++)) != '\0') {
    int h = hex_value(static_cast<char>(ch));
    if (h >= 0) {
      val = (val << 4) | static_cast<unsigned>(h);
      if (++digits > 4) return -1;
      saw_xdigit = true;
      continue;
    }
    if (ch == ':') {
      curtok = src;
      if (!saw_xdigit) {
        if (colonp) return -1;
        colonp = tp;
        continue;
      }
      if (*src == '\0') return -1;
      if (tp + 2 > endp) return -1;
      *tp++ = static_cast<std::uint8_t>(val >> 8);
      *tp++ = static_cast<std::uint8_t>(val);
      saw_xdigit = false;
      digits = 0;
      val = 0;
      continue;
    }
    if (ch == '.' && tp + 4 <= endp && getv4(curtok, tp, &bits)) {
      tp += 4;
      saw_xdigit = false;
      break;
    }
    if (ch == '/' && getbits(src, &bits)) break;
    return -1;
  }
  if (saw_xdigit) {
    if (tp + 2 > endp) return -1;
    *tp++ = static_cast<std::uint8_t>(val >> 8);
    *tp++ = static_cast<std::uint8_t>(val);
  }
  if (bits == -1) bits = 128;
  if (colonp != nullptr) {
    const long n = tp - colonp;
    if (tp == endp) return -1;
    for (long i = 1; i <= n; ++i) {
      endp[-i] = colonp[n - i];
      colonp[n - i] = 0;
    }
    tp = endp;
  }
  if (tp != endp) return -1;
  std::memcpy(dst, tmp, 16);
  return bits;
}

}  // namespace

void encode_text(const Inet& v, Buffer& out) {
  if (!valid(v)) return out.set_error(type_errc::invalid_text);
  std::size_t start = out.size();
  char* p0 = out.extend(64);
  char* p = p0;
  if (v.family == Inet::Family::v4) {
    for (int k = 0; k < 4; ++k) {
      if (k != 0) *p++ = '.';
      p = put_dec(p, v.address[static_cast<std::size_t>(k)]);
    }
  } else {
    p = put_ipv6(p, v.address.data());
  }
  // network_out: "/bits" unless a full-length inet; cidr always shows it.
  if (v.bits != max_bits(v.family) || v.is_cidr) {
    *p++ = '/';
    p = put_dec(p, v.bits);
  }
  out.truncate(start + static_cast<std::size_t>(p - p0));
}

void encode_binary(const Inet& v, Buffer& out) {
  if (!valid(v)) return out.set_error(type_errc::invalid_text);
  std::size_t n = addr_size(v.family);
  char* p = out.extend(4 + n);
  p[0] = static_cast<char>(v.family);
  p[1] = static_cast<char>(v.bits);
  p[2] = v.is_cidr ? 1 : 0;
  p[3] = static_cast<char>(n);
  std::memcpy(p + 4, v.address.data(), n);
}

namespace {

// network_in's parse, without cidr's check that no bits are set right of the mask.
std::error_code parse_network(std::string_view in, bool cidr, Inet& r) {
  // The ported parsers want a C string; real addresses are short.
  char buf[128];
  if (in.empty() || in.size() >= sizeof buf || in.find('\0') != std::string_view::npos) {
    return fail(type_errc::invalid_text);
  }
  std::memcpy(buf, in.data(), in.size());
  buf[in.size()] = '\0';
  r.is_cidr = cidr;
  int bits;
  if (in.find(':') != std::string_view::npos) {
    r.family = Inet::Family::v6;
    bits = pton_ipv6(buf, r.address.data());
  } else {
    r.family = Inet::Family::v4;
    bits = cidr ? pton_ipv4_cidr(buf, r.address.data(), 4) : pton_ipv4_inet(buf, r.address.data());
  }
  if (bits < 0 || bits > max_bits(r.family)) return fail(type_errc::invalid_text);
  r.bits = static_cast<std::uint8_t>(bits);
  return {};
}

}  // namespace

namespace types_detail {

bool cidr_has_host_bits(std::string_view in) {
  Inet r;
  return !parse_network(in, true, r) && !host_bits_clear(r);
}

}  // namespace types_detail

std::error_code decode_text(std::string_view in, Inet& out, Oid type) {
  bool cidr = type == oid::cidr;
  Inet r;
  if (auto ec = parse_network(in, cidr, r)) return ec;
  if (cidr && !host_bits_clear(r)) return fail(type_errc::invalid_text);
  out = r;
  return {};
}

std::error_code decode_binary(std::string_view in, Inet& out, Oid type) {
  // network_recv reads byte by byte and checks each field as it comes:
  // running out of bytes is 08P01, a bad field or bytes left over 22P03.
  if (in.empty()) return fail(type_errc::insufficient_data);
  auto family = static_cast<std::uint8_t>(in[0]);
  if (family != 2 && family != 3) return fail(type_errc::invalid_binary);
  Inet r;
  r.family = static_cast<Inet::Family>(family);
  r.is_cidr = type == oid::cidr;  // the wire's is_cidr byte is ignored, as network_recv does
  if (in.size() < 2) return fail(type_errc::insufficient_data);
  auto bits = static_cast<std::uint8_t>(in[1]);
  if (bits > max_bits(r.family)) return fail(type_errc::invalid_binary);
  r.bits = bits;
  std::size_t n = addr_size(r.family);
  if (in.size() < 4) return fail(type_errc::insufficient_data);
  if (static_cast<std::uint8_t>(in[3]) != n) return fail(type_errc::invalid_binary);
  if (in.size() < 4 + n) return fail(type_errc::insufficient_data);
  std::memcpy(r.address.data(), in.data() + 4, n);
  if (r.is_cidr && !host_bits_clear(r)) return fail(type_errc::invalid_binary);
  if (in.size() > 4 + n) return fail(type_errc::invalid_binary);
  out = r;
  return {};
}

}  // namespace pgwire
