#pragma once
// Encodings the session's rule files share (internal to src/protocol/).

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

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

// Throws ERROR 22021 unless every string is valid UTF-8: what PostgreSQL's
// pq_getmsgstring does to names and query texts as it reads them.
void require_utf8(std::initializer_list<std::string_view> strings);

// 57014, what PostgreSQL sends for a statement a CancelRequest stopped.
ErrorInfo canceled_error();

}  // namespace pgwire::protocol
