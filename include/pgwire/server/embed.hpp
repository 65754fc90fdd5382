#pragma once
// Running the server inside a product's own Asio program: on the product's
// executor (the product runs its io_context), with streams the product
// accepted itself (a port that serves several protocols), stopped
// asynchronously. Server::run() (server.hpp) remains the one-line path.
//
//   auto server = pgwire::make_server(io.get_executor(), options, handlers);
//   server->start();                       // listeners of options.listen, if any
//   co_spawn(io, pgwire::serve(*server, std::move(socket)), detached);
//   co_await pgwire::async_stop(*server);  // closes everything, waits for it

#include <memory>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>

#include "pgwire/server/server.hpp"
#include "pgwire/server/stream.hpp"

namespace pgwire {

// A server whose listeners and connections run on `executor` (each
// connection on a strand of it). run() is not for such a server.
std::unique_ptr<Server> make_server(asio::any_io_executor executor, ServerOptions options, Handlers handlers);

// Serves one client over `stream` until its session ends. TLS is offered
// when the server has options.tls and the stream supports start_tls().
asio::awaitable<void> serve(Server& server, std::unique_ptr<Stream> stream);
asio::awaitable<void> serve(Server& server, asio::ip::tcp::socket socket);
asio::awaitable<void> serve(Server& server, asio::local::stream_protocol::socket socket);

// Stops accepting, closes every connection, and completes once the last
// session has ended. Destroy the Server only after this completed: open
// sessions refer to it.
asio::awaitable<void> async_stop(Server& server);

}  // namespace pgwire
