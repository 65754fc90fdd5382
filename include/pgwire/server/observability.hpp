#pragma once
// Observability without a forced dependency (docs/OPERATIONS.md): a logger
// interface the product implements over its own logging, connection events
// as optional callbacks, and the server's Counters (pgwire/protocol/counters.hpp).
// All are off until set in ServerOptions. Nothing the library logs or
// reports carries a secret: no password, no SCRAM exchange, no cancel key,
// no query text (it may hold one: ALTER ROLE ... PASSWORD).

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "pgwire/protocol/counters.hpp"

namespace pgwire {

enum class LogLevel { debug, info, warning, error };

const char* to_string(LogLevel level) noexcept;

class Logger {
 public:
  virtual ~Logger() = default;
  // Asked first, so a disabled level costs no formatting.
  virtual bool enabled(LogLevel level) const noexcept = 0;
  // One formatted line, without a trailing newline. Called from io threads:
  // it must be thread-safe and should not block for long.
  virtual void write(LogLevel level, std::string_view message) = 0;
};

// Formats and writes when `logger` is set and the level enabled.
template <class... Args>
void log(Logger* logger, LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (logger && logger->enabled(level)) logger->write(level, fmt::format(format, std::forward<Args>(args)...));
}

// Why a session ended.
enum class CloseReason {
  client_left,          // Terminate, or the client closed the connection
  fatal_error,          // the session sent a FATAL (its SQLSTATE in ClosedConnection)
  server_stopped,       // Server::stop(), or a shutdown cut it off
  connection_lost,      // a read or write failed
};

const char* to_string(CloseReason reason) noexcept;

struct AcceptedConnection {
  std::string remote_address;  // "127.0.0.1:5555" or "unix"
};

struct AuthenticatedConnection {
  std::string remote_address;
  std::int32_t process_id = 0;
  std::string user;
  std::string database;
  std::string application_name;
  bool tls = false;
};

struct ClosedConnection {
  std::string remote_address;
  std::int32_t process_id = 0;  // 0 when it never logged in
  std::string user;             // empty when it never logged in
  CloseReason reason = CloseReason::client_left;
  std::string sqlstate;  // of the FATAL, for fatal_error (57P01 shutdown, 57P05 idle, 53300, 28P01, ...)
  std::chrono::steady_clock::duration lifetime{};
};

// Connection events, called on the session's io thread: keep them short and
// thread-safe (they run concurrently for different sessions with threads > 1).
class ConnectionEvents {
 public:
  virtual ~ConnectionEvents() = default;
  virtual void accepted(const AcceptedConnection&) {}
  virtual void authenticated(const AuthenticatedConnection&) {}
  virtual void closed(const ClosedConnection&) {}
};

}  // namespace pgwire
