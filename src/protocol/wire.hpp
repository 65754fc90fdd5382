#pragma once
// Encodings the session's rule files share (internal to src/protocol/).

#include <cstdint>
#include <span>
#include <string>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/protocol/results.hpp"

namespace pgwire::protocol {

// RowDescription of `schema`, each column in its result format (none: all
// text; one: all the same).
void encode_row_description(const Schema& schema, std::span<const FormatCode> formats, Buffer& out);

// CommandComplete of a row-returning statement: "SELECT 3", "INSERT 0 3",
// "FETCH 3"; commands without a count (SHOW, EXPLAIN) as given.
std::string rows_tag(const std::string& command, std::uint64_t count);

// 57014, what PostgreSQL sends for a statement a CancelRequest stopped.
ErrorInfo canceled_error();

}  // namespace pgwire::protocol
