#pragma once
// One client connection as the driver sees it: bytes in, bytes out, an
// optional TLS upgrade. The library's sockets (TCP, Unix, TLS over either)
// implement it in src/server/socket_stream.cpp; a product can implement it
// for a stream it accepted itself (a port that serves several protocols),
// and tests implement it in memory.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include <asio/awaitable.hpp>

#include "pgwire/protocol/tls_facts.hpp"

namespace pgwire {

class Stream {
 public:
  virtual ~Stream() = default;
  // Some bytes into `buffer`; 0 at end of stream or on any error.
  virtual asio::awaitable<std::size_t> read_some(std::span<char> buffer) = 0;
  // All of `data`; throws std::system_error when the peer is gone.
  virtual asio::awaitable<void> write(std::string_view data) = 0;
  // Server side of a TLS handshake; `initial` holds bytes of it already read
  // (a direct-SSL ClientHello). False when it failed or TLS is not available.
  virtual asio::awaitable<bool> start_tls(std::string_view initial, protocol::TlsFacts& facts) = 0;
  virtual void close() noexcept = 0;
  // Makes a pending read_some() return 0 soon, and later ones at once,
  // leaving writes alone: a server shutdown ends the session with a FATAL
  // then. A stream that cannot (this default) leaves such a session to the
  // hard close one second after the shutdown's grace.
  virtual void cancel_read() noexcept {}
  // "127.0.0.1:5555", "unix", or what the product wants handlers to see.
  virtual std::string remote_address() const = 0;
};

}  // namespace pgwire
