// The rules of a walsender session (a startup packet with `replication`),
// as PostgreSQL 15 applies them before any replication command runs:
//   - the parameter's value: a Boolean (physical replication) or "database"
//     (logical); anything else is FATAL 22023 before authentication
//     (ProcessStartupPacket);
//   - a physical walsender runs replication commands only: SQL gets 0A000
//     (exec_replication_command);
//   - no walsender speaks the extended query protocol or the fast-path
//     interface: 08P01 (forbidden_in_wal_sender), after which an extended
//     batch is skipped until Sync like any other error in it.
// The commands themselves are answered by the product's handlers (the api
// layer's ReplicationHub): they arrive as simple queries.

#include "pgwire/protocol/walsender_rules.hpp"

#include <fmt/format.h>

#include "pgwire/replication/command.hpp"
#include "pgwire/replication/plugin_option.hpp"

namespace pgwire::protocol {

ReplicationMode replication_mode(const ClientInfo& client) {
  auto value = client.startup_parameter("replication");
  if (!value) return ReplicationMode::none;
  if (*value == "database") return ReplicationMode::logical;
  if (auto physical = replication::parse_bool(*value))
    return *physical ? ReplicationMode::physical : ReplicationMode::none;
  ErrorInfo e = ErrorInfo::fatal(sqlstate::invalid_parameter_value,
                                 fmt::format("invalid value for parameter \"replication\": \"{}\"", *value));
  e.hint = "Valid values are: \"false\", 0, \"true\", 1, \"database\".";
  throw PgError(std::move(e));
}

void check_walsender_query(ReplicationMode mode, std::string_view sql) {
  if (mode != ReplicationMode::physical || replication::is_replication_command(sql)) return;
  throw PgError(sqlstate::feature_not_supported, "cannot execute SQL commands in WAL sender for physical replication");
}

void check_walsender_extended(ReplicationMode mode) {
  if (mode == ReplicationMode::none) return;
  throw PgError(sqlstate::protocol_violation, "extended query protocol not supported in a replication connection");
}

ErrorInfo walsender_function_call_error() {
  return ErrorInfo::error(sqlstate::protocol_violation,
                          "fastpath function calls not supported in a replication connection");
}

}  // namespace pgwire::protocol
