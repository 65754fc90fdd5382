// Embedding: the server on a product's own io_context (make_server), with its
// own listener and with a socket the product accepted itself, stopped by
// async_stop() while a session is open.

#include <thread>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/use_awaitable.hpp>

#include "pgwire/api/auth.hpp"
#include "pgwire/server/embed.hpp"
#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;

namespace {

class One final : public SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<Response>> query(Session&, std::string_view) override {
    std::vector<Response> out;
    out.push_back(Response::command("DONE"));
    co_return out;
  }
};

}  // namespace

TEST_CASE("embed: a server on the product's io_context, stopped asynchronously", "[embed]") {
  asio::io_context io;
  ServerOptions options;
  options.listen = {"127.0.0.1:0"};
  auto server = make_server(io.get_executor(), options, {make_trust_auth(), std::make_shared<One>()});
  server->start();
  // A socket the product accepted itself, handed to the library.
  asio::ip::tcp::acceptor own(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::uint16_t own_port = own.local_endpoint().port();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto socket = co_await own.async_accept(asio::use_awaitable);
        co_await serve(*server, std::move(socket));
      },
      [](std::exception_ptr) {});
  std::thread runner([&] { io.run(); });

  test::Client listened(server->ports().at(0));
  listened.login();
  listened.send(Query{"anything"});
  CHECK(listened.until_ready() == "CZ");
  test::Client handed(own_port);
  handed.login();
  handed.send(Query{"anything"});
  CHECK(handed.until_ready() == "CZ");

  std::atomic<bool> stopped{false};
  asio::co_spawn(io, async_stop(*server), [&](std::exception_ptr) { stopped = true; });
  // Both sessions are closed by the server, and run() returns: nothing of
  // the server is left on the product's io_context.
  CHECK(listened.closed_by_server());
  CHECK(handed.closed_by_server());
  runner.join();
  CHECK(stopped.load());
}
