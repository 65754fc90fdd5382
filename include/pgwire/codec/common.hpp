#pragma once
// Vocabulary shared by frontend and backend messages.
//
// Decoded messages hold views (std::string_view) into the frame they were
// decoded from: decoding copies nothing, and a message is valid as long as the
// bytes of its frame are. Byte strings (parameter values, CopyData, SASL data)
// are also string_views: they are binary-safe and may contain NUL bytes.

#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>

#include "pgwire/codec/buffer.hpp"

namespace pgwire {

using Oid = std::uint32_t;

// A field value on the wire: Int32 length, -1 for SQL NULL.
using Value = std::optional<std::string_view>;

// Format codes as sent by the client. Kept as raw Int16: an unknown code is an
// ERROR for the statement in PostgreSQL, not a framing failure.
using FormatCode = std::int16_t;
inline constexpr FormatCode format_text = 0;
inline constexpr FormatCode format_binary = 1;

struct ProtocolVersion {
  std::uint16_t major = 3;
  std::uint16_t minor = 0;
  constexpr std::int32_t code() const noexcept {
    return static_cast<std::int32_t>((std::uint32_t{major} << 16) | minor);
  }
  friend constexpr bool operator==(ProtocolVersion, ProtocolVersion) = default;
  friend constexpr auto operator<=>(ProtocolVersion, ProtocolVersion) = default;
};
inline constexpr ProtocolVersion protocol_3_0{3, 0};
inline constexpr ProtocolVersion protocol_3_2{3, 2};

// Request codes of the untyped startup-phase packets.
inline constexpr std::int32_t cancel_request_code = 80877102;
inline constexpr std::int32_t ssl_request_code = 80877103;
inline constexpr std::int32_t gssenc_request_code = 80877104;

enum class TransactionStatus : char { idle = 'I', in_transaction = 'T', failed = 'E' };

// Target of Describe and Close.
enum class TargetKind : char { statement = 'S', portal = 'P' };

// CopyData and CopyDone travel in both directions with the same layout.
struct CopyData {
  std::string_view data;
  friend bool operator==(const CopyData&, const CopyData&) = default;
};
struct CopyDone {
  friend bool operator==(const CopyDone&, const CopyDone&) = default;
};
void encode(const CopyData& m, Buffer& out);
void encode(const CopyDone& m, Buffer& out);

}  // namespace pgwire
