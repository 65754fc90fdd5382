#pragma once
// The server: listens on TCP and/or a Unix socket and runs one coroutine per
// connection on an io_context of N threads. Asio itself stays out of this
// header (it is compiled once in src/server/).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgwire/api/extended.hpp"
#include "pgwire/api/handlers.hpp"
#include "pgwire/codec/framing.hpp"
#include "pgwire/server/observability.hpp"

namespace pgwire {

namespace detail {
struct ServerAccess;
}

struct TlsOptions {
  std::string cert_file;  // PEM certificate chain
  std::string key_file;   // PEM private key
  // The lowest protocol accepted, PostgreSQL's ssl_min_protocol_version:
  // "TLSv1.2" (the default) or "TLSv1.3".
  std::string min_protocol_version = "TLSv1.2";
  // OpenSSL cipher list for TLS 1.2 (PostgreSQL's ssl_ciphers), and the
  // TLS 1.3 ciphersuites; empty: OpenSSL's defaults.
  std::string ciphers;
  std::string ciphersuites;
  // Client certificates, verified against ca_file (PEM, PostgreSQL's
  // ssl_ca_file): none asked; optional (asked, verified when sent: a bad
  // one fails the handshake); required (a client without one fails the
  // handshake). A verified certificate's CN and DNS names reach the
  // StartupHandler as ClientInfo::client_certificate (make_cert_auth()).
  enum class ClientCertificates { none, optional, required };
  ClientCertificates client_certificates = ClientCertificates::none;
  std::string ca_file;
};

struct ServerOptions {
  // "host:port" ("[::1]:5432" for IPv6). Port 0 picks a free port (see ports()).
  std::vector<std::string> listen = {"127.0.0.1:5432"};
  // Unix-domain socket path (e.g. "/tmp/.s.PGSQL.5432"), empty for none.
  std::string unix_socket;
  // io threads, each running an io_context of its own; connections are
  // dealt out to them in turn. A connection stays on its thread, so the calls for one
  // session never overlap; with threads > 1 the calls for different sessions
  // run concurrently, so handler objects (shared by every session) must be
  // thread-safe for what they share. Session state (Session::state<T>(),
  // Statement handles) is per connection and needs no locking.
  std::size_t threads = 1;
  std::optional<TlsOptions> tls;
  // Accept PostgreSQL 17 direct SSL (TLS ClientHello first, ALPN required).
  bool direct_tls = true;
  FrameLimits limits = FrameLimits::server_defaults();
  // Covers TLS handshake, startup and authentication, as PostgreSQL's
  // authentication_timeout (default 60 s) does.
  std::chrono::milliseconds authentication_timeout{60000};
  // Output is written when a batch reaches this size; a result streams in
  // batches of this size, and the handler waits while the client is slow.
  std::size_t flush_threshold = 64 * 1024;
  std::string server_version = default_server_version;
  // At most this many sessions at once (0: no limit). One more gets FATAL
  // 53300 "sorry, too many clients already" once its startup packet (and any
  // TLS negotiation) is in, before any authentication work, as PostgreSQL;
  // a CancelRequest is still served. A session frees its slot as it closes.
  // Once twice this many sessions are live (PostgreSQL's limit on
  // postmaster children), a new connection costs no session at all: it gets
  // the 53300 at once, before it sends anything, and is closed.
  std::size_t max_connections = 0;
  // PostgreSQL 15's idle_session_timeout (FATAL 57P05) and
  // idle_in_transaction_session_timeout (FATAL 25P03): how long a session
  // may wait for the client after ReadyForQuery, outside or inside a
  // transaction block; zero: no limit. A session may SET its own.
  std::chrono::milliseconds idle_session_timeout{0};
  std::chrono::milliseconds idle_in_transaction_session_timeout{0};
  // TCP keepalive on accepted TCP connections (PostgreSQL's tcp_keepalives_*);
  // zero leaves the system default for that value.
  struct Keepalive {
    bool enabled = true;                // SO_KEEPALIVE (PostgreSQL always sets it)
    std::chrono::seconds idle{0};       // TCP_KEEPIDLE
    std::chrono::seconds interval{0};   // TCP_KEEPINTVL
    int count = 0;                      // TCP_KEEPCNT
  } keepalive;
  // Observability (observability.hpp, docs/OPERATIONS.md): both off when null.
  std::shared_ptr<Logger> logger;
  std::shared_ptr<ConnectionEvents> events;
  // DECLARE / FETCH / MOVE / CLOSE implemented by the library over the
  // handlers (see pgwire/protocol/cursor_grammar.hpp). Off for products that have cursors
  // of their own (e.g. a proxy to PostgreSQL): the statements then reach the
  // handlers like any other.
  bool sql_cursors = true;
};

struct Handlers {
  std::shared_ptr<StartupHandler> startup;             // required
  std::shared_ptr<SimpleQueryHandler> simple_query;    // 'Q'; without it: 0A000
  std::shared_ptr<ExtendedQueryHandler> extended_query;  // Parse/Bind/...; without it: 0A000
};

class Server {
 public:
  Server(ServerOptions options, Handlers handlers);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds every listener; throws std::system_error when one cannot be bound.
  void start();
  // start() if needed, then serves on `threads` threads until stop().
  void run();
  // Stops accepting and closes every connection; run() returns. Thread-safe.
  void stop();
  // Graceful shutdown ("fast with a grace period"; docs/OPERATIONS.md):
  // stops accepting; a session waiting for the client outside a transaction
  // block gets FATAL 57P01 "terminating connection due to administrator
  // command" at once, any other once its work is done (its statement
  // finished, its transaction block ended); after `grace` the rest get it
  // too, their running statements cancelled. run() returns when the last
  // session is gone (a product call that ignores the cancellation is cut off
  // one second after the grace). Thread-safe; a second call does nothing.
  void shutdown(std::chrono::milliseconds grace);
  // Loads `tls` (certificate, key, CA, policy) and uses it for connections
  // accepted from now on; sessions already in TLS keep theirs. Throws (and
  // keeps the current one) when it cannot be loaded. Thread-safe. With no
  // TLS at construction, TLS is then offered from now on.
  void reload_tls(const TlsOptions& tls);
  // What the server has done so far; readable from any thread at any time.
  const Counters& counters() const noexcept;
  // Bound TCP ports, in the order of options.listen (after start()).
  std::vector<std::uint16_t> ports() const;

 private:
  friend struct detail::ServerAccess;  // make_server(), serve(), async_stop() (embed.hpp)
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pgwire
