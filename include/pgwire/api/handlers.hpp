#pragma once
// The interfaces a product implements. Each method is a coroutine on the
// connection's Asio executor: it may co_await I/O of its own (an upstream
// database, a storage engine) without blocking other connections.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <asio/awaitable.hpp>

#include "pgwire/api/results.hpp"
#include "pgwire/protocol/session.hpp"
#include "pgwire/protocol/sql_text.hpp"
#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/frontend.hpp"

namespace pgwire {

// Authentication: the library has already negotiated TLS and the protocol
// version and decoded the StartupMessage. A StartupHandler runs the exchange.
class AuthExchange {
 public:
  virtual ~AuthExchange() = default;
  virtual const ClientInfo& client() const noexcept = 0;
  // Sends an Authentication* request and returns the body of the client's
  // 'p' answer (decode it with decode_body as PasswordMessage,
  // SASLInitialResponse, ...). A message of another type is a protocol
  // violation and ends the connection before this returns.
  virtual asio::awaitable<std::string> exchange(const BackendMessage& request) = 0;
  // Sends an Authentication* message that expects no answer (SASLFinal).
  virtual void send(const BackendMessage& message) = 0;
  // tls-server-end-point channel-binding data of the certificate this TLS
  // session presented (RFC 5929); empty without TLS.
  virtual std::string_view tls_server_end_point() const noexcept = 0;
};

class StartupHandler {
 public:
  virtual ~StartupHandler() = default;
  // Return to accept the client (the library then sends AuthenticationOk,
  // ParameterStatus, BackendKeyData, ReadyForQuery). Throw PgError to refuse:
  // it is sent as FATAL and the connection is closed (28P01 wrong password,
  // 28000 unknown role, 3D000 unknown database, ...).
  virtual asio::awaitable<void> authenticate(AuthExchange& exchange) = 0;

  // ParameterStatus values sent after authentication, on top of the
  // library's defaults (server_version, server_encoding, client_encoding,
  // DateStyle, IntervalStyle, TimeZone, integer_datetimes,
  // standard_conforming_strings, application_name, is_superuser,
  // session_authorization). Override to change or add.
  virtual std::vector<std::pair<std::string, std::string>> server_parameters(
      const ClientInfo& client);
};

// Streams the results of a simple query: each Response is sent (its rows
// pulled to the end) before send() returns.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  // (By reference: GCC 12 mishandles non-trivial temporaries in co_await
  // expressions.) False when `r` was an error (or its rows ended in one): stop, as
  // PostgreSQL skips the rest of the query string.
  virtual asio::awaitable<bool> send(Response& r) = 0;
};

class SimpleQueryHandler {
 public:
  virtual ~SimpleQueryHandler() = default;
  // Override ONE of the two. Neither is called for an empty query (only
  // spaces, comments and ';'): the library answers EmptyQueryResponse.
  //
  // query(): one Response per statement of `sql` (which may hold several).
  // Stop at the first Response::error. Throwing PgError is the same as
  // returning it last; any other exception is XX000.
  virtual asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql);
  // stream(): for products that learn about statements one at a time (a
  // proxy reading an upstream's results): send each as it comes. The
  // default runs query() and sends its Responses in order.
  virtual asio::awaitable<void> stream(Session& session, std::string_view sql, ResponseSink& out);
};

}  // namespace pgwire
