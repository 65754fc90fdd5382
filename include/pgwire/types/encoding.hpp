#pragma once
// The server encoding is UTF8, and PostgreSQL verifies every string a client
// sends (pg_verify_mbstr): query texts, statement and portal names, text
// parameters, text values. These are that check and its error.

#include <cstddef>
#include <string_view>

#include "pgwire/codec/error_info.hpp"

namespace pgwire {

// The offset of the first character PostgreSQL's UTF-8 verifier refuses (a
// NUL byte, a bad or truncated sequence, an overlong form, a surrogate,
// anything above U+10FFFF), or npos when there is none.
std::size_t invalid_utf8_at(std::string_view s) noexcept;
inline bool valid_utf8(std::string_view s) noexcept { return invalid_utf8_at(s) == std::string_view::npos; }

// ERROR 22021 `invalid byte sequence for encoding "UTF8": 0xe9 0x74`, naming
// the bytes of the first invalid character of `s` as PostgreSQL does.
ErrorInfo invalid_utf8_error(std::string_view s);

}  // namespace pgwire
