#pragma once
// The library's Stream over a socket: TCP or Unix, plain or TLS (internal).

#include <cstddef>
#include <memory>
#include <span>

#include <asio/awaitable.hpp>
#include <string_view>

#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/ssl/context.hpp>

#include "pgwire/server/stream.hpp"

namespace pgwire::detail {

// Who gets the bytes of DirectSocket::read_some_then(): it is handed its own
// keep-alive back with them.
class ReadWaiter {
 public:
  virtual void read_done(std::shared_ptr<ReadWaiter> self, std::size_t n) = 0;

 protected:
  ~ReadWaiter() = default;
};

// What the driver does with the library's sockets past the Stream
// interface, whose every call is a coroutine frame (docs/PERFORMANCE.md,
// stop 24).
class DirectSocket {
 public:
  // What of `data` went at once, without waiting (0 over TLS); throws
  // std::system_error when the peer is gone. The driver then sends its
  // output without a coroutine or an asynchronous operation when the kernel
  // takes it all.
  virtual std::size_t write_now(std::string_view data) = 0;
  // The asynchronous read itself, as Stream::read_some() but without its
  // frame: throws std::system_error at end of stream and on any error.
  virtual asio::awaitable<std::size_t> read_some_throwing(std::span<char> buffer) = 0;
  // The same read with a plain completion handler, which holds only
  // `waiter` (no coroutine frame while it waits: docs/PERFORMANCE.md, stop
  // 25); `waiter` gets the bytes read, 0 at end of stream and on any error,
  // on the socket's executor (the session's).
  virtual void read_some_then(std::span<char> buffer, std::shared_ptr<ReadWaiter> waiter) = 0;
  // Ends a pending read at once with an error (operation_aborted), without
  // touching the connection (unlike Stream::cancel_read()).
  virtual void abort_read() noexcept = 0;

 protected:
  ~DirectSocket() = default;
};

// `tls` may be null (no certificate configured): start_tls() then fails.
// The stream keeps the context it was made with (Server::reload_tls swaps
// the server's for later connections only).
std::unique_ptr<Stream> make_socket_stream(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls);
std::unique_ptr<Stream> make_socket_stream(asio::local::stream_protocol::socket socket,
                                           std::shared_ptr<asio::ssl::context> tls);

}  // namespace pgwire::detail
