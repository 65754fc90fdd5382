#pragma once
// Internal: the OpenSSL primitives SCRAM and MD5 need, with std types.

#include <array>
#include <cstddef>
#include <string_view>

namespace pgwire::auth::detail {

using Key = std::array<unsigned char, 32>;

inline std::string_view as_view(const Key& k) noexcept {
  return {reinterpret_cast<const char*>(k.data()), k.size()};
}

Key sha256(std::string_view data);
Key hmac_sha256(std::string_view key, std::string_view data);
// Hi() of RFC 5802: PBKDF2-HMAC-SHA-256 with a 32-byte output.
Key salted_password(std::string_view password, std::string_view salt, int iterations);
// Constant-time for equal sizes (CRYPTO_memcmp); sizes are not secret.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace pgwire::auth::detail
