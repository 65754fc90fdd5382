// Addresses and ranges of pg_hba.conf rules: parsing (PostgreSQL's messages)
// and matching a client address.

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <string>

#include "pgwire/auth/hba.hpp"

namespace pgwire::auth {

namespace {

std::invalid_argument bad(std::string message) { return std::invalid_argument(std::move(message)); }

IpAddress prefix_mask(IpAddress::Family family, int bits) {
  IpAddress m;
  m.family = family;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8)
    m.bytes[i] = static_cast<std::uint8_t>(bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff);
  return m;
}

int width(IpAddress::Family f) { return f == IpAddress::Family::v4 ? 4 : 16; }

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // A zone ("%eth0") names the interface of a link-local address; it is not
  // part of the address.
  std::string s(text.substr(0, text.find('%')));
  IpAddress a;
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
    a.family = Family::v4;
    return a;
  }
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  a.family = Family::v6;
  return a;
}

IpRange IpRange::cidr(std::string_view text) {
  auto slash = text.find('/');
  std::string_view host = text.substr(0, slash);
  auto address = IpAddress::parse(host);
  if (!address) {
    if (slash != std::string_view::npos)
      throw bad("specifying both host name and CIDR mask is invalid: \"" + std::string(text) + "\"");
    throw bad("invalid IP address \"" + std::string(text) + "\"");
  }
  int max_bits = width(address->family) * 8;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    std::string_view len = text.substr(slash + 1);
    auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
    if (len.empty() || ec != std::errc() || end != len.data() + len.size() || bits < 0 || bits > max_bits)
      throw bad("invalid CIDR mask in address \"" + std::string(text) + "\"");
  }
  return {*address, prefix_mask(address->family, bits)};
}

IpRange IpRange::with_mask(std::string_view address_text, std::string_view mask_text) {
  auto address = IpAddress::parse(address_text);
  if (!address) throw bad("invalid IP address \"" + std::string(address_text) + "\"");
  auto mask = IpAddress::parse(mask_text);
  if (!mask) throw bad("invalid IP mask \"" + std::string(mask_text) + "\"");
  if (mask->family != address->family) throw bad("IP address and mask do not match");
  return {*address, *mask};
}

bool IpRange::contains(const IpAddress& client) const noexcept {
  if (client.family != address.family) return false;
  for (int i = 0; i < width(client.family); ++i)
    if ((client.bytes[i] ^ address.bytes[i]) & mask.bytes[i]) return false;
  return true;
}

}  // namespace pgwire::auth
