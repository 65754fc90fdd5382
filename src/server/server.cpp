// The listeners and the Server object: binds TCP and Unix sockets, accepts,
// and spawns one session per connection (connection.cpp). With N io threads
// the server owns N io_contexts, one per thread, and deals the connections
// out in turn: a session lives on one context run by one thread, so its calls
// never overlap without a strand, and its executor (a plain io_context
// executor) fits in any_io_executor's small buffer, which a strand does not
// (each copy of a strand-holding executor allocated: measured in
// docs/PERFORMANCE.md). No
// protocol rule lives here or anywhere in src/server/: the session machine
// (src/protocol/) makes every protocol decision.

#include "pgwire/server/server.hpp"

#include <atomic>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <thread>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/strand.hpp>
#include <asio/use_awaitable.hpp>

#include "connection.hpp"
#include "idle_sweep.hpp"
#include "introspection.hpp"
#include "keepalive.hpp"
#include "pgwire/protocol/flood_cap.hpp"
#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/server/embed.hpp"
#include "socket_stream.hpp"
#include "tls.hpp"

namespace pgwire {

using asio::awaitable;
using tcp = asio::ip::tcp;
using unix_stream = asio::local::stream_protocol;
constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);
// A session waiting for its client this long (to twice as long) gives up
// its coroutine frames (idle_sweep.hpp): long for a busy client's next
// statement, short for a client gone quiet.
constexpr std::chrono::milliseconds idle_sweep_period{25};

struct Server::Impl {
  detail::Shared shared;
  // One per own io_context, listing its sessions that wait for their client
  // in their coroutine (idle_sweep.hpp). Before own_io: destroyed after the
  // sessions that io_contexts' destruction may still end.
  std::vector<std::unique_ptr<detail::IdleSweep>> sweeps;
  // One per io thread; the first runs the listeners and the server's own
  // work. Empty when the server runs on a product's executor.
  std::vector<std::unique_ptr<asio::io_context>> own_io;
  std::size_t next_io = 0;  // where the next connection goes (accept loop only)
  asio::any_io_executor executor;

  void stop_own_io() {
    for (auto& io : own_io) io->stop();
  }
  // The executor of the next accepted connection: the next own io_context
  // (and its sweep), or a strand of the product's executor (which may run
  // several threads; no sweep).
  asio::any_io_executor connection_executor(detail::IdleSweep*& sweep) {
    sweep = nullptr;
    if (own_io.empty()) return asio::make_strand(executor);
    std::size_t i = next_io++ % own_io.size();
    sweep = sweeps[i].get();
    return own_io[i]->get_executor();
  }
  std::vector<tcp::acceptor> acceptors;
  std::optional<unix_stream::acceptor> unix_acceptor;
  std::vector<std::uint16_t> ports;
  bool started = false;
  std::atomic<bool> shutdown_begun{false};
  std::optional<asio::steady_timer> grace_timer;  // on `executor`, after shutdown()

  // Every session is gone after a shutdown(): run() returns (on a
  // product's executor: the grace timer no longer holds it).
  void shutdown_finished() {
    if (!own_io.empty()) {
      stop_own_io();
      return;
    }
    asio::post(executor, [this] {
      if (grace_timer) grace_timer->cancel();
    });
  }

  // Server::shutdown(), on `executor`.
  void begin_shutdown(std::chrono::milliseconds grace) {
    close_listeners();
    if (!shared.live.begin_shutdown([this] { shutdown_finished(); })) {
      shutdown_finished();
      return;
    }
    grace_timer.emplace(executor, grace);
    grace_timer->async_wait([this](std::error_code ec) {
      if (ec) return;
      shared.live.terminate_all();
      // A product call that ignores its cancellation does not hold run() forever.
      grace_timer->expires_after(std::chrono::seconds(1));
      grace_timer->async_wait([this](std::error_code ec2) {
        if (ec2) return;
        shared.live.close_all();
        shutdown_finished();
      });
    });
  }

  std::shared_ptr<asio::ssl::context> tls() const { return shared.current_tls(); }

  void spawn(std::unique_ptr<Stream> stream, const asio::any_io_executor& on, detail::IdleSweep* sweep) {
    asio::post(on, [this, stream = std::move(stream), on, sweep]() mutable {
      try {
        detail::start_connection(shared, std::move(stream), on, sweep);
      } catch (...) {  // out of memory: this client is dropped, not the server
      }
    });
  }

  // An accept error other than our own close (EMFILE when the process is out
  // of descriptors, ENOBUFS) would fail again at once: wait a little instead
  // of spinning, and keep serving the connections already open.
  static awaitable<void> back_off(const asio::any_io_executor& ex) {
    asio::steady_timer t(ex, std::chrono::milliseconds(100));
    co_await t.async_wait(nothrow);
  }

  // A connection that gets no session (protocol/flood_cap.hpp): one
  // best-effort write of the refusal, then the socket closes.
  template <class Socket>
  void refuse_without_session(Socket& sock) {
    static const Buffer refusal = protocol::refusal_without_session();
    std::error_code ec;
    sock.non_blocking(true, ec);
    if (!ec) sock.write_some(asio::buffer(refusal.view().data(), refusal.view().size()), ec);
    sock.close(ec);
    log(shared.options.logger.get(), LogLevel::warning,
        "too many clients: refusing a connection at once (max_connections={})", shared.options.max_connections);
  }

  template <class Acceptor>
  awaitable<void> accept(Acceptor& acc) {
    for (;;) {
      detail::IdleSweep* sweep = nullptr;
      auto on = connection_executor(sweep);
      auto [ec, sock] = co_await acc.async_accept(on, nothrow);
      if (ec == asio::error::operation_aborted || !acc.is_open()) co_return;
      if (ec) {
        log(shared.options.logger.get(), LogLevel::warning, "accept failed ({}): retrying in 100 ms", ec.message());
        co_await back_off(executor);
        continue;
      }
      if (protocol::refuse_without_session(shared.live.count(), shared.options.max_connections)) {
        refuse_without_session(sock);
        continue;
      }
      if constexpr (std::is_same_v<typename std::decay_t<decltype(sock)>::protocol_type, tcp>)
        detail::apply_keepalive(sock.native_handle(), shared.options.keepalive);
      auto stream = detail::make_socket_stream(std::move(sock), tls());
      spawn(std::move(stream), on, sweep);
    }
  }

  void close_listeners() {
    std::error_code ec;
    for (auto& acc : acceptors) acc.close(ec);
    if (unix_acceptor) unix_acceptor->close(ec);
  }
};

Server::Server(ServerOptions options, Handlers handlers) : impl_(std::make_unique<Impl>()) {
  impl_->shared.options = std::move(options);
  impl_->shared.handlers = std::move(handlers);
  if (impl_->shared.options.tls)
    impl_->shared.tls = detail::make_server_tls_context(*impl_->shared.options.tls);
  detail::prepare_session_options(impl_->shared);
  // Concurrency hint 1: each context is run by one thread only.
  std::size_t threads = std::max<std::size_t>(impl_->shared.options.threads, 1);
  for (std::size_t i = 0; i < threads; ++i) {
    impl_->own_io.push_back(std::make_unique<asio::io_context>(1));
    // Its reactor (epoll, eventfd, timerfd) now, not with its first
    // connection: the server's descriptors stay what they were at start.
    asio::steady_timer reactor_now(*impl_->own_io.back());
    impl_->sweeps.push_back(std::make_unique<detail::IdleSweep>(*impl_->own_io.back(), idle_sweep_period));
  }
  impl_->executor = impl_->own_io.front()->get_executor();
}

Server::~Server() {
  impl_->shared.live.forget_idle_callback();  // sessions destroyed below must not call back
  impl_->stop_own_io();
  for (auto& sweep : impl_->sweeps) sweep->stop();  // its timer before its io_context
  impl_->close_listeners();
  if (!impl_->shared.options.unix_socket.empty() && impl_->unix_acceptor) {
    std::error_code ec;
    std::filesystem::remove(impl_->shared.options.unix_socket, ec);
  }
}

void Server::start() {
  auto& d = *impl_;
  if (d.started) return;
  for (const auto& spec : d.shared.options.listen) {
    auto colon = spec.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("listen address needs host:port: " + spec);
    std::string host = spec.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto port = static_cast<std::uint16_t>(std::stoi(spec.substr(colon + 1)));
    tcp::endpoint ep(asio::ip::make_address(host), port);
    tcp::acceptor acc(d.executor);
    acc.open(ep.protocol());
    acc.set_option(tcp::acceptor::reuse_address(true));
    acc.bind(ep);
    acc.listen(asio::socket_base::max_listen_connections);
    d.ports.push_back(acc.local_endpoint().port());
    d.acceptors.push_back(std::move(acc));
  }
  if (!d.shared.options.unix_socket.empty()) {
    std::error_code ec;
    std::filesystem::remove(d.shared.options.unix_socket, ec);
    d.unix_acceptor.emplace(d.executor, unix_stream::endpoint(d.shared.options.unix_socket));
  }
  for (auto& acc : d.acceptors) asio::co_spawn(d.executor, d.accept(acc), asio::detached);
  if (d.unix_acceptor) asio::co_spawn(d.executor, d.accept(*d.unix_acceptor), asio::detached);
  d.started = true;
}

void Server::run() {
  if (impl_->own_io.empty()) throw std::logic_error("Server::run(): this server runs on the product's executor");
  start();
  // Every context keeps running until stop() or the end of a shutdown,
  // even while it has no connection.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  for (auto& io : impl_->own_io) work.push_back(asio::make_work_guard(*io));
  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < impl_->own_io.size(); ++i)
    threads.emplace_back([io = impl_->own_io[i].get()] { io->run(); });
  impl_->own_io.front()->run();
  for (auto& t : threads) t.join();
}

void Server::stop() {
  if (!impl_->own_io.empty()) {
    impl_->stop_own_io();
    return;
  }
  asio::post(impl_->executor, [d = impl_.get()] {
    d->close_listeners();
    d->shared.live.close_all();
  });
}

void Server::shutdown(std::chrono::milliseconds grace) {
  if (impl_->shutdown_begun.exchange(true)) return;
  asio::post(impl_->executor, [d = impl_.get(), grace] { d->begin_shutdown(grace); });
}

void Server::reload_tls(const TlsOptions& tls) {
  std::shared_ptr<asio::ssl::context> loaded = detail::make_server_tls_context(tls);
  {
    std::lock_guard lock(impl_->shared.tls_mutex);
    impl_->shared.tls = std::move(loaded);
  }
  log(impl_->shared.options.logger.get(), LogLevel::info, "TLS context reloaded from {}", tls.cert_file);
}

const Counters& Server::counters() const noexcept { return impl_->shared.counters; }

std::vector<std::uint16_t> Server::ports() const { return impl_->ports; }

// Embedding (embed.hpp) -----------------------------------------------------------

struct detail::ServerAccess {
  static Server::Impl& impl(Server& s) noexcept { return *s.impl_; }
};

std::unique_ptr<Server> make_server(asio::any_io_executor executor, ServerOptions options, Handlers handlers) {
  auto server = std::make_unique<Server>(std::move(options), std::move(handlers));
  auto& d = detail::ServerAccess::impl(*server);
  for (auto& sweep : d.sweeps) sweep->stop();
  d.sweeps.clear();
  d.own_io.clear();
  d.executor = std::move(executor);
  return server;
}

awaitable<void> serve(Server& server, std::unique_ptr<Stream> stream) {
  co_await detail::serve_connection(detail::ServerAccess::impl(server).shared, std::move(stream));
}

awaitable<void> serve(Server& server, tcp::socket socket) {
  auto stream = detail::make_socket_stream(std::move(socket), detail::ServerAccess::impl(server).tls());
  co_await detail::serve_connection(detail::ServerAccess::impl(server).shared, std::move(stream));
}

awaitable<void> serve(Server& server, unix_stream::socket socket) {
  auto stream = detail::make_socket_stream(std::move(socket), detail::ServerAccess::impl(server).tls());
  co_await detail::serve_connection(detail::ServerAccess::impl(server).shared, std::move(stream));
}

std::size_t detail::sessions_waiting_without_frames(Server& server) {
  return ServerAccess::impl(server).shared.live.count_waiting_without_frames();
}

awaitable<void> async_stop(Server& server) {
  auto& d = detail::ServerAccess::impl(server);
  auto ex = co_await asio::this_coro::executor;
  d.close_listeners();
  auto idle = std::make_shared<asio::steady_timer>(ex, asio::steady_timer::time_point::max());
  if (!d.shared.live.call_when_idle([idle] { asio::post(idle->get_executor(), [idle] { idle->cancel(); }); }))
    co_return;
  d.shared.live.close_all();
  co_await idle->async_wait(nothrow);
  d.shared.live.forget_idle_callback();
}

}  // namespace pgwire
