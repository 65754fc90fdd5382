#pragma once
// One client's session, driven by the Asio driver (internal).

#include <functional>
#include <memory>
#include <mutex>
#include <set>

#include <asio/awaitable.hpp>
#include <asio/ssl/context.hpp>

#include "pgwire/protocol/cancel_registry.hpp"
#include "pgwire/server/server.hpp"
#include "pgwire/server/stream.hpp"

namespace pgwire::detail {

class Connection;

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
  // Live connections, for stop().
  std::mutex live_mutex;
  std::set<std::weak_ptr<Connection>, std::owner_less<>> live;
  std::function<void()> on_idle;  // called (under live_mutex) when the last one ends
  // Sessions holding a slot of options.max_connections (under live_mutex).
  std::size_t admitted = 0;
  Counters counters;
  bool shutting_down = false;  // under live_mutex
};

// Runs one client's session to its end, on the executor it is awaited on
// (a strand when the server has several threads).
asio::awaitable<void> serve_connection(Shared& shared, std::unique_ptr<Stream> stream);

// Asks every live connection to close (on its own executor); returns how
// many there were.
std::size_t close_all_connections(Shared& shared);

// Server::shutdown: every live session ends at its next wait for the client
// outside a transaction block (begin), or now (terminate).
void begin_shutdown_all(Shared& shared);
void terminate_all(Shared& shared);

}  // namespace pgwire::detail
