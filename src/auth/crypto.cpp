#include "crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "pgwire/auth/base64.hpp"
#include "pgwire/auth/md5.hpp"
#include "pgwire/auth/random.hpp"

namespace pgwire::auth {

// ---- random -------------------------------------------------------------

void random_bytes(std::span<unsigned char> out) {
  while (!out.empty()) {
    std::size_t n = std::min<std::size_t>(out.size(), INT_MAX);
    if (RAND_bytes(out.data(), static_cast<int>(n)) != 1)
      throw std::runtime_error("pgwire: RAND_bytes failed (CSPRNG unavailable)");
    out = out.subspan(n);
  }
}
void random_bytes(std::span<std::byte> out) {
  random_bytes(std::span<unsigned char>(reinterpret_cast<unsigned char*>(out.data()), out.size()));
}
void random_bytes(std::span<char> out) {
  random_bytes(std::span<unsigned char>(reinterpret_cast<unsigned char*>(out.data()), out.size()));
}

// ---- base64 -------------------------------------------------------------

namespace {
constexpr char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int b64_value(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += b64_alphabet[(v >> 18) & 63];
    out += b64_alphabet[(v >> 12) & 63];
    out += b64_alphabet[(v >> 6) & 63];
    out += b64_alphabet[v & 63];
  }
  std::size_t rest = bytes.size() - i;
  if (rest != 0) {
    std::uint32_t v = byte(i) << 16;
    if (rest == 2) v |= byte(i + 1) << 8;
    out += b64_alphabet[(v >> 18) & 63];
    out += b64_alphabet[(v >> 12) & 63];
    out += rest == 2 ? b64_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      char c = text[i + k];
      int d = 0;
      if (c == '=') {
        if (!last || k < 4 - pad) return std::nullopt;
      } else {
        d = b64_value(c);
        if (d < 0) return std::nullopt;
      }
      v = (v << 6) | static_cast<std::uint32_t>(d);
    }
    std::size_t n = last ? 3 - pad : 3;
    out += static_cast<char>((v >> 16) & 0xFF);
    if (n > 1) out += static_cast<char>((v >> 8) & 0xFF);
    if (n > 2) out += static_cast<char>(v & 0xFF);
  }
  return out;
}

// ---- primitives ---------------------------------------------------------

namespace detail {

Key sha256(std::string_view data) {
  Key out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("pgwire: SHA-256 failed");
  return out;
}

Key hmac_sha256(std::string_view key, std::string_view data) {
  Key out{};
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &len) == nullptr)
    throw std::runtime_error("pgwire: HMAC-SHA-256 failed");
  return out;
}

Key salted_password(std::string_view password, std::string_view salt, int iterations) {
  Key out{};
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()), out.data()) != 1)
    throw std::runtime_error("pgwire: PBKDF2 failed");
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace detail

// ---- MD5 ----------------------------------------------------------------

namespace {
std::string md5_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr) != 1)
    throw std::runtime_error("pgwire: MD5 unavailable");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * len);
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

bool is_md5_hash(std::string_view s) noexcept {
  if (s.size() != 35 || s.substr(0, 3) != "md5") return false;
  return std::all_of(s.begin() + 3, s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}
}  // namespace

std::string md5_password_hash(std::string_view user, std::string_view password) {
  std::string in;
  in.reserve(password.size() + user.size());
  in.append(password).append(user);
  return "md5" + md5_hex(in);
}

std::array<char, 4> md5_random_salt() {
  std::array<char, 4> salt{};
  random_bytes(std::span<char>(salt));
  return salt;
}

std::string md5_salted_response(std::string_view stored, std::array<char, 4> salt) {
  std::string in(stored.substr(stored.size() >= 3 ? 3 : stored.size()));
  in.append(salt.data(), salt.size());
  return "md5" + md5_hex(in);
}

bool md5_verify(std::string_view stored, std::array<char, 4> salt,
                std::string_view client_response) {
  if (!is_md5_hash(stored)) return false;
  std::string expected = md5_salted_response(stored, salt);
  return detail::constant_time_equal(expected, client_response);
}

}  // namespace pgwire::auth
