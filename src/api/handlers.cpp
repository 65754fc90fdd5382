#include "pgwire/api/handlers.hpp"

#include <cctype>

namespace pgwire {

std::vector<std::pair<std::string, std::string>> StartupHandler::server_parameters(
    const ClientInfo& client) {
  // What PostgreSQL 15 reports at login; drivers read server_version,
  // integer_datetimes, standard_conforming_strings and client_encoding (JDBC
  // refuses anything but UTF8).
  return {
      {"server_encoding", "UTF8"},
      {"client_encoding", "UTF8"},
      {"DateStyle", "ISO, MDY"},
      {"IntervalStyle", "postgres"},
      {"TimeZone", "UTC"},
      {"integer_datetimes", "on"},
      {"standard_conforming_strings", "on"},
      {"application_name", client.application_name},
      {"is_superuser", "off"},
      {"session_authorization", client.user},
      {"default_transaction_read_only", "off"},
      {"in_hot_standby", "off"},
  };
}

asio::awaitable<std::vector<Response>> SimpleQueryHandler::query(Session&, std::string_view) {
  throw PgError(sqlstate::feature_not_supported, "simple query protocol is not supported");
  co_return std::vector<Response>{};
}

asio::awaitable<void> SimpleQueryHandler::stream(Session& session, std::string_view sql,
                                                 ResponseSink& out) {
  std::vector<Response> responses = co_await query(session, sql);
  for (auto& r : responses) {
    bool ok = co_await out.send(r);
    if (!ok) break;
  }
}

}  // namespace pgwire
