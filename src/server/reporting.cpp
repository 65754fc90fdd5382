#include "reporting.hpp"

#include "connection.hpp"

namespace pgwire {

const char* to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "DEBUG";
    case LogLevel::info: return "INFO";
    case LogLevel::warning: return "WARNING";
    case LogLevel::error: return "ERROR";
  }
  return "?";
}

const char* to_string(CloseReason reason) noexcept {
  switch (reason) {
    case CloseReason::client_left: return "client left";
    case CloseReason::fatal_error: return "fatal error";
    case CloseReason::server_stopped: return "server stopped";
    case CloseReason::connection_lost: return "connection lost";
  }
  return "?";
}

namespace detail {

namespace {
constexpr auto relaxed = std::memory_order_relaxed;
}

std::string failure_summary(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const PgError& e) {
    return e.info().code + " " + e.info().message;
  } catch (...) {
    // Another exception's text is the product's: it might hold anything.
  }
  return "the startup handler failed";
}

SessionReport::SessionReport(Shared& shared) : shared_(shared), counters_(shared.counters) {
  shared_.counters.connections_total.fetch_add(1, relaxed);
  shared_.counters.connections_open.fetch_add(1, relaxed);
}

void SessionReport::accepted(const ClientInfo& client) {
  log(shared_.options.logger.get(), LogLevel::debug, "connection received: host={}", client.remote_address);
  if (auto& e = shared_.options.events) e->accepted(AcceptedConnection{client.remote_address});
}

void SessionReport::refused_too_many(const ClientInfo& client) {
  shared_.counters.connections_refused.fetch_add(1, relaxed);
  log(shared_.options.logger.get(), LogLevel::warning, "too many clients: refusing host={} (max_connections={})",
      client.remote_address, shared_.options.max_connections);
}

void SessionReport::authenticated(const ClientInfo& client, std::int32_t process_id) {
  log(shared_.options.logger.get(), LogLevel::info,
      "connection authorized: user={} database={} application_name={} host={} pid={}{}", client.user,
      client.database, client.application_name, client.remote_address, process_id, client.tls ? " tls" : "");
  if (auto& e = shared_.options.events)
    e->authenticated(AuthenticatedConnection{client.remote_address, process_id, client.user, client.database,
                                             client.application_name, client.tls});
}

void SessionReport::authentication_failed(const ClientInfo& client, std::string_view why) {
  shared_.counters.authentications_failed.fetch_add(1, relaxed);
  log(shared_.options.logger.get(), LogLevel::info, "authentication failed: user={} database={} host={}: {}",
      client.user, client.database, client.remote_address, why);
}

void SessionReport::closed(const ClientInfo& client, std::int32_t process_id) {
  if (std::exchange(closed_, true)) return;
  shared_.counters.connections_open.fetch_sub(1, relaxed);
  ClosedConnection c;
  c.remote_address = client.remote_address;
  c.process_id = process_id;
  c.user = process_id != 0 ? client.user : std::string();
  c.sqlstate = tally_.fatal_sqlstate();
  c.reason = !c.sqlstate.empty() ? CloseReason::fatal_error
             : stopped_          ? CloseReason::server_stopped
             : lost_             ? CloseReason::connection_lost
                                 : CloseReason::client_left;
  c.lifetime = std::chrono::steady_clock::now() - started_;
  log(shared_.options.logger.get(), LogLevel::info, "disconnection: session time: {:.3f} s user={} host={} pid={}: {}{}",
      std::chrono::duration<double>(c.lifetime).count(), c.user, c.remote_address, process_id, to_string(c.reason),
      c.sqlstate.empty() ? "" : " " + c.sqlstate);
  if (auto& e = shared_.options.events) e->closed(c);
}

}  // namespace detail
}  // namespace pgwire
