#pragma once
// Cryptographically secure random bytes, for salts, nonces and cancel keys.
//
// A thin layer over OpenSSL's RAND_bytes (the process-wide DRBG, seeded from
// the operating system and safe to call from any thread).

#include <cstddef>
#include <span>

namespace pgwire::auth {

// Fills out with random bytes. Throws std::runtime_error only if OpenSSL's
// generator fails (it cannot be seeded): never a partial or predictable fill.
void random_bytes(std::span<std::byte> out);
void random_bytes(std::span<char> out);
void random_bytes(std::span<unsigned char> out);

}  // namespace pgwire::auth
