#pragma once
// Errors reported by the codec. Every decode failure is one of these codes:
// the codec never throws and never reads past the bytes it was given.

#include <system_error>

namespace pgwire {

enum class codec_errc {
  // Framing
  invalid_length = 1,       // length field < 4 (or < 8 for startup packets)
  message_too_large,        // length field over the configured limit
  unknown_message_type,     // type byte not valid for this direction
  // Message bodies
  truncated,                // body ended before a field was complete
  trailing_bytes,           // body has bytes after the last field
  missing_terminator,       // C string without NUL, or startup packet without final NUL
  invalid_count,            // negative count, or count larger than the bytes left
  invalid_value,            // e.g. unknown Describe target, ReadyForQuery status
  unsupported_protocol,     // startup packet whose major version is not 3
  unknown_request_code,     // e.g. an unknown Authentication subtype
  // Encoding
  embedded_nul,             // a C-string field contains a NUL byte
  value_too_large,          // a count or length does not fit its wire field
};

const std::error_category& codec_category() noexcept;

inline std::error_code make_error_code(codec_errc e) noexcept {
  return {static_cast<int>(e), codec_category()};
}

}  // namespace pgwire

template <>
struct std::is_error_code_enum<pgwire::codec_errc> : std::true_type {};
