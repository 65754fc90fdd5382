#pragma once
// The text form of a WAL position: two hexadecimal halves, "16/B374D848".

#include <optional>
#include <string>
#include <string_view>

#include "pgwire/codec/replication.hpp"

namespace pgwire::replication {

// "%X/%X" as PostgreSQL 15 prints an LSN (upper case, no padding).
std::string format_lsn(Lsn lsn);

// 1 to 8 hex digits, '/', 1 to 8 hex digits (pg_lsn's input form), the
// whole text. nullopt otherwise.
std::optional<Lsn> parse_lsn(std::string_view text);

}  // namespace pgwire::replication
