#pragma once
// The library's Stream over a socket: TCP or Unix, plain or TLS (internal).

#include <cstddef>
#include <memory>
#include <string_view>

#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/ssl/context.hpp>

#include "pgwire/server/stream.hpp"

namespace pgwire::detail {

// A stream that can write without waiting (the library's sockets): the
// driver then sends its output at once, without a coroutine or an
// asynchronous operation, when the kernel takes it all.
class ImmediateWrites {
 public:
  // What of `data` went at once (0 over TLS); throws std::system_error when
  // the peer is gone.
  virtual std::size_t write_now(std::string_view data) = 0;

 protected:
  ~ImmediateWrites() = default;
};

// `tls` may be null (no certificate configured): start_tls() then fails.
// The stream keeps the context it was made with (Server::reload_tls swaps
// the server's for later connections only).
std::unique_ptr<Stream> make_socket_stream(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls);
std::unique_ptr<Stream> make_socket_stream(asio::local::stream_protocol::socket socket,
                                           std::shared_ptr<asio::ssl::context> tls);

}  // namespace pgwire::detail
