#pragma once
// Base64 (RFC 4648 section 4, standard alphabet, with padding), as SCRAM and
// PostgreSQL's stored secrets use it.

#include <optional>
#include <string>
#include <string_view>

namespace pgwire::auth {

std::string base64_encode(std::string_view bytes);

// Strict decoding: the length must be a multiple of 4, '=' may only pad the
// last group, and whitespace is an error (like PostgreSQL's pg_b64_decode).
// Non-zero bits in the last padded group are ignored, as PostgreSQL does.
// nullopt when the input is not valid base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace pgwire::auth
