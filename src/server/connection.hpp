#pragma once
// One client's session, driven by the Asio driver (internal).

#include <memory>
#include <mutex>

#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>

#include "admission.hpp"
#include "pgwire/protocol/cancel_registry.hpp"
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
  protocol::CancelRegistry registry;
  // The live sessions, their slots of options.max_connections, the shutdown
  // state (admission.cpp).
  LiveSessions live;
  Counters counters;
};

// Starts one client's session, which runs to its end on `executor`. Called
// there (the product's ConnectionEvents see the session's thread). Nothing
// waits for it: an idle session holds only its own coroutine's frames.
void start_connection(Shared& shared, std::unique_ptr<Stream> stream, const asio::any_io_executor& executor);

// The same, awaited until the session ends (embedding: serve(), embed.hpp),
// on the executor it is awaited on.
asio::awaitable<void> serve_connection(Shared& shared, std::unique_ptr<Stream> stream);

}  // namespace pgwire::detail
