#pragma once
// PREPARE name [(type, ...)] AS statement and EXECUTE name [(arg, ...)]
// issued as SQL (session_commands.cpp calls them). The statement is kept in
// the session (Session::add_sql_prepared); EXECUTE puts each argument, in
// parentheses and cast to its declared type, where the statement has $n,
// and the result runs as if the client had sent it. pg_dump prepares its
// per-object catalog queries this way (dumpEnumType, dumpFunc, ...).

#include <optional>
#include <string>
#include <string_view>

#include "pgwire/api/results.hpp"
#include "pgwire/protocol/session.hpp"

namespace pgwire::api_detail {

// The PREPARE's response (PREPARE, or 42P05 / 42601); nullopt when the
// statement is no PREPARE (PREPARE TRANSACTION is none).
std::optional<Response> sql_prepare(Session& session, std::string_view statement);

// The statement an EXECUTE runs; nullopt when `statement` is no EXECUTE.
// Throws PgError: 26000 for a name never prepared, 42601 for a wrong
// number of arguments.
std::optional<std::string> sql_execute_text(const Session& session, std::string_view statement);

}  // namespace pgwire::api_detail
