#pragma once
// One client's session, driven by the Asio driver (internal).

#include <memory>
#include <mutex>

#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>

#include "admission.hpp"
#include "pgwire/protocol/cancel_registry.hpp"
#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/server/server.hpp"
#include "pgwire/server/stream.hpp"

namespace pgwire::detail {

// What every connection of one server shares.
struct Shared {
  ServerOptions options;
  Handlers handlers;
  // Swapped by Server::reload_tls: read it through current_tls().
  std::shared_ptr<asio::ssl::context> tls;
  mutable std::mutex tls_mutex;
  std::shared_ptr<asio::ssl::context> current_tls() const {
    std::lock_guard lock(tls_mutex);
    return tls;
  }
  // What every session's machine is given, built once by
  // prepare_session_options(): with and without TLS, as reload_tls() may
  // add a context later.
  std::shared_ptr<const protocol::SessionOptions> session_options[2];
  protocol::CancelRegistry registry;
  // The live sessions, their slots of options.max_connections, the shutdown
  // state (admission.cpp).
  LiveSessions live;
  Counters counters;
};

class IdleSweep;

// Builds shared.session_options from shared.options and shared.handlers
// (the server's constructor): a session then takes its options without the
// lock and comparison of protocol::detail::share_options().
void prepare_session_options(Shared& shared);

// Starts one client's session, which runs to its end on `executor`. Called
// there (the product's ConnectionEvents see the session's thread). Nothing
// waits for it: an idle session holds no coroutine frame once `sweep` (of
// the io thread that runs `executor`; none on a product's executor) found
// it waiting (idle_sweep.hpp).
void start_connection(Shared& shared, std::unique_ptr<Stream> stream, const asio::any_io_executor& executor,
                      IdleSweep* sweep);

// The same, awaited until the session ends (embedding: serve(), embed.hpp),
// on the executor it is awaited on.
asio::awaitable<void> serve_connection(Shared& shared, std::unique_ptr<Stream> stream);

}  // namespace pgwire::detail
