#pragma once
// What a walsender session (startup parameter `replication`) may send,
// decided before the product sees it (src/protocol/walsender_rules.cpp).

#include <string_view>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/protocol/session.hpp"

namespace pgwire::protocol {

// The mode the startup packet asks for; throws PgError FATAL 22023 for a
// value that is neither a Boolean nor "database".
ReplicationMode replication_mode(const ClientInfo& client);
// A simple Query: throws PgError 0A000 for SQL in a physical walsender.
void check_walsender_query(ReplicationMode mode, std::string_view sql);
// An extended-query message: throws PgError 08P01 in any walsender.
void check_walsender_extended(ReplicationMode mode);
// The answer to a FunctionCall in a walsender (08P01).
ErrorInfo walsender_function_call_error();

}  // namespace pgwire::protocol
