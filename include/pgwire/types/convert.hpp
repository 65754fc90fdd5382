#pragma once
// Re-encoding a value of a built-in type between the text and binary
// formats: for proxies and products that hold values in one format but must
// answer in the one each client column asked for.

#include <string_view>
#include <system_error>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/common.hpp"

namespace pgwire {

class TimeZone;

// True for the types (and their one-dimensional arrays) convert_format knows.
bool can_convert_format(Oid type) noexcept;

// Appends `in` (a value of `type` in format `from`) to `out` in format `to`.
// Same formats copy the bytes; otherwise the value is decoded and encoded
// again (so jsonb comes out normalised, as jsonb_out prints it). Unknown
// types: type_errc::unsupported_type.
std::error_code convert_format(Oid type, std::string_view in, FormatCode from, FormatCode to,
                               Buffer& out);
// The same, with timestamptz text written and read in a session's TimeZone
// (time_zone.hpp): the text form of an instant depends on it.
std::error_code convert_format(Oid type, std::string_view in, FormatCode from, FormatCode to,
                               Buffer& out, const TimeZone& zone);

}  // namespace pgwire
