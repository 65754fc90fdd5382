#include "socket_stream.hpp"

#include <variant>

#include <asio/bind_allocator.hpp>
#include <asio/connect.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>
#include <fmt/format.h>
#include <openssl/ssl.h>

#include "exact_allocator.hpp"
#include "pgwire/auth/channel_binding.hpp"
#include "tls.hpp"

namespace pgwire::detail {

namespace {

using tcp = asio::ip::tcp;
using unix_socket = asio::local::stream_protocol::socket;
constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);

class SocketStream final : public Stream, public DirectSocket {
 public:
  SocketStream(tcp::socket s, std::shared_ptr<asio::ssl::context> tls) : s_(std::move(s)), tls_(std::move(tls)) {
    std::error_code ec;
    auto& sock = std::get<tcp::socket>(s_);
    sock.set_option(tcp::no_delay(true), ec);
    sock.non_blocking(true, ec);  // write() tries at once
  }
  SocketStream(unix_socket s, std::shared_ptr<asio::ssl::context> tls) : s_(std::move(s)), tls_(std::move(tls)) {
    std::error_code ec;
    std::get<unix_socket>(s_).non_blocking(true, ec);  // write() tries at once
  }
  ~SocketStream() override { close(); }

  asio::awaitable<std::size_t> read_some(std::span<char> buf) override {
    auto b = asio::buffer(buf.data(), buf.size());
    auto [ec, n] = co_await std::visit([&](auto& s) { return deref(s).async_read_some(b, nothrow); }, s_);
    if (ec) co_return 0;  // EOF, reset, cancelled: all end the connection
    co_return n;
  }

  // A plain socket (non-blocking) is written at once: when the kernel takes
  // it all, as it mostly does, there is no asynchronous operation and no
  // completion through the scheduler (each cost an epoll_wait more per
  // write, docs/PERFORMANCE.md, stop 24). The rest, and TLS, go the
  // asynchronous way.
  asio::awaitable<void> write(std::string_view data) override {
    std::size_t written = write_now(data);
    if (written == data.size()) co_return;
    auto b = asio::buffer(data.data() + written, data.size() - written);
    auto [ec, n] = co_await std::visit([&](auto& s) { return asio::async_write(deref(s), b, nothrow); }, s_);
    if (ec) throw std::system_error(ec);
  }

  asio::awaitable<std::size_t> read_some_throwing(std::span<char> buf) override {
    auto b = asio::buffer(buf.data(), buf.size());
    return std::visit([&](auto& s) { return deref(s).async_read_some(b, asio::use_awaitable); }, s_);
  }

  void read_some_then(std::span<char> buf, std::shared_ptr<ReadWaiter> waiter) override {
    auto b = asio::buffer(buf.data(), buf.size());
    std::visit(
        [&](auto& s) {
          deref(s).async_read_some(
              b, asio::bind_allocator(ExactAllocator<void>(),
                                      [w = std::move(waiter)](std::error_code ec, std::size_t n) mutable {
                                        ReadWaiter& to = *w;
                                        to.read_done(std::move(w), ec ? 0 : n);
                                      }));
        },
        s_);
  }

  void abort_read() noexcept override {
    std::visit(
        [](auto& s) {
          std::error_code ec;
          lowest(s).cancel(ec);
        },
        s_);
  }

  std::size_t write_now(std::string_view data) override {
    return std::visit([&](auto& s) { return write_now(s, data); }, s_);
  }

  // Replaces the plain socket by a TLS stream over it and runs the server
  // handshake.
  asio::awaitable<bool> start_tls(std::string_view initial, protocol::TlsFacts& facts) override {
    if (!tls_ || ssl_) co_return false;
    bool ok = false;
    if (auto* t = std::get_if<tcp::socket>(&s_)) {
      tcp::socket sock = std::move(*t);
      ok = co_await handshake(std::move(sock), initial);
    } else if (auto* u = std::get_if<unix_socket>(&s_)) {
      unix_socket sock = std::move(*u);
      ok = co_await handshake(std::move(sock), initial);
    }
    if (!ok) co_return false;
    facts.alpn = negotiated_alpn(ssl_);
    facts.version = SSL_get_version(ssl_);
    facts.server_end_point = auth::tls_server_end_point(SSL_get_certificate(ssl_)).value_or("");
    facts.client_certificate = verified_client_certificate(ssl_);
    co_return true;
  }

  void close() noexcept override {
    std::visit(
        [](auto& s) {
          std::error_code ec;
          lowest(s).shutdown(asio::socket_base::shutdown_both, ec);
          lowest(s).close(ec);
        },
        s_);
  }

  // SHUT_RD wakes a pending read (it returns end of stream) and leaves the
  // sending side, and a TLS stream's writes, as they are.
  void cancel_read() noexcept override {
    std::visit(
        [](auto& s) {
          std::error_code ec;
          lowest(s).shutdown(asio::socket_base::shutdown_receive, ec);
        },
        s_);
  }

  // Asked once, as the session begins (the session keeps it): not kept
  // here too.
  std::string remote_address() const override {
    return std::visit([](const auto& s) { return address_of(lowest_const(s)); }, s_);
  }

 private:
  template <class Sock>
  asio::awaitable<bool> handshake(Sock sock, std::string_view initial) {
    auto tls = std::make_unique<asio::ssl::stream<Sock>>(std::move(sock), *tls_);
    auto [ec, used] = co_await tls->async_handshake(asio::ssl::stream_base::server,
                                                    asio::buffer(initial.data(), initial.size()), nothrow);
    ssl_ = tls->native_handle();
    s_ = std::move(tls);
    co_return !ec;
  }

  // What a plain socket takes now without waiting; a failed socket throws
  // as the asynchronous write would.
  template <class S>
  static std::size_t write_now(S& s, std::string_view data) {
    std::error_code ec;
    std::size_t n = s.write_some(asio::buffer(data.data(), data.size()), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return 0;
    if (ec) throw std::system_error(ec);
    return n;
  }
  template <class S>
  static std::size_t write_now(std::unique_ptr<S>&, std::string_view) {
    return 0;
  }

  template <class S>
  static S& deref(S& s) { return s; }
  template <class S>
  static S& deref(std::unique_ptr<S>& s) { return *s; }
  static std::string address_of(const tcp::socket& s) {
    std::error_code ec;
    auto ep = s.remote_endpoint(ec);
    if (ec) return {};
    return fmt::format("{}:{}", ep.address().to_string(), ep.port());
  }
  static std::string address_of(const unix_socket&) { return "unix"; }
  template <class S>
  static const S& lowest_const(const S& s) { return s; }
  template <class S>
  static const S& lowest_const(const std::unique_ptr<asio::ssl::stream<S>>& s) { return s->next_layer(); }
  template <class S>
  static S& lowest(S& s) { return s; }
  template <class S>
  static auto& lowest(std::unique_ptr<asio::ssl::stream<S>>& s) { return s->lowest_layer(); }

  std::variant<tcp::socket, unix_socket, std::unique_ptr<asio::ssl::stream<tcp::socket>>,
               std::unique_ptr<asio::ssl::stream<unix_socket>>>
      s_;
  std::shared_ptr<asio::ssl::context> tls_;
  SSL* ssl_ = nullptr;
};

}  // namespace

std::unique_ptr<Stream> make_socket_stream(tcp::socket socket, std::shared_ptr<asio::ssl::context> tls) {
  return std::make_unique<SocketStream>(std::move(socket), std::move(tls));
}

std::unique_ptr<Stream> make_socket_stream(unix_socket socket, std::shared_ptr<asio::ssl::context> tls) {
  return std::make_unique<SocketStream>(std::move(socket), std::move(tls));
}

}  // namespace pgwire::detail
