#pragma once
// The library's Stream over a socket: TCP or Unix, plain or TLS (internal).

#include <memory>

#include <asio/ip/tcp.hpp>
#include <asio/local/stream_protocol.hpp>
#include <asio/ssl/context.hpp>

#include "pgwire/server/stream.hpp"

namespace pgwire::detail {

// `tls` may be null (no certificate configured): start_tls() then fails.
// The stream keeps the context it was made with (Server::reload_tls swaps
// the server's for later connections only).
std::unique_ptr<Stream> make_socket_stream(asio::ip::tcp::socket socket, std::shared_ptr<asio::ssl::context> tls);
std::unique_ptr<Stream> make_socket_stream(asio::local::stream_protocol::socket socket,
                                           std::shared_ptr<asio::ssl::context> tls);

}  // namespace pgwire::detail
