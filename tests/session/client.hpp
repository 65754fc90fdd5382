#pragma once
// A blocking test client built on the codec: scripts the exact bytes a
// session exchanges with a real pgwire::Server over loopback TCP.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "pgwire/codec.hpp"
#include "pgwire/server/server.hpp"

namespace pgwire::test {

class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("connect failed");
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  template <class M>
  void send(const M& m) {
    Buffer b;
    encode(m, b);
    send_raw(b.view());
  }

  // Next backend message; views stay valid until the next recv().
  BackendMessage recv() {
    for (;;) {
      in_.consume(consumed_);
      consumed_ = 0;
      FrameResult r = parse_backend_frame(in_.pending());
      if (r.error) throw std::runtime_error("bad frame from server");
      if (r.complete()) {
        consumed_ = r.size;
        BackendMessage m;
        if (decode_backend(r.frame, m)) throw std::runtime_error("undecodable message");
        return m;
      }
      if (!fill()) throw std::runtime_error("connection closed while waiting for a message");
    }
  }
  char recv_byte() {
    in_.consume(consumed_);
    consumed_ = 0;
    while (in_.pending().empty())
      if (!fill()) throw std::runtime_error("closed");
    char c = in_.pending()[0];
    consumed_ = 1;
    return c;
  }
  // Bytes (or the close) arrived within `ms` milliseconds.
  bool readable(int ms) {
    if (!in_.pending().empty() && in_.pending().size() > consumed_) return true;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, ms) == 1;
  }
  // Sends `bytes` one at a time, `pause_ms` apart, until the server answers
  // or closes: a client trickling a message in. Returns how many went out.
  std::size_t trickle(std::string_view bytes, int pause_ms) {
    std::size_t sent = 0;
    for (; sent < bytes.size() && !readable(pause_ms); ++sent) send_raw(bytes.substr(sent, 1));
    return sent;
  }
  // True when the server closed the connection (after draining what it sent).
  bool closed_by_server() {
    in_.consume(consumed_);
    consumed_ = 0;
    for (;;) {
      if (!fill()) return true;
    }
  }
  // The client's own port (to find the server's end of this connection).
  std::uint16_t local_port() const {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  }
  // Several messages in one write (a pipelined batch).
  template <class... M>
  void send_batch(const M&... m) {
    Buffer b;
    (encode(m, b), ...);
    send_raw(b.view());
  }

  // StartupMessage as `user` on a trust server, then up to ReadyForQuery.
  void login(std::string user = "u") {
    StartupMessage m;
    m.parameters = {{"user", user}};
    send(m);
    until_ready();
  }

  // Reads until ReadyForQuery; returns every message type byte seen.
  std::string until_ready(TransactionStatus* status = nullptr) {
    std::string types;
    for (;;) {
      BackendMessage m = recv();
      types.push_back(message_type(m));
      if (auto* z = std::get_if<ReadyForQuery>(&m)) {
        if (status) *status = z->status;
        return types;
      }
    }
  }

 private:
  bool fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) throw std::runtime_error("timed out waiting for the server");
    auto space = in_.prepare(4096);
    ssize_t n = ::recv(fd_, space.data(), space.size(), 0);
    if (n <= 0) return false;
    in_.commit(static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  FrameBuffer in_;
  std::size_t consumed_ = 0;
};

// A pgwire::Server on an ephemeral loopback port, served by a background thread.
class TestServer {
 public:
  TestServer(ServerOptions options, Handlers handlers) : server_(adjust(std::move(options)), std::move(handlers)) {
    server_.start();
    thread_ = std::thread([this] { server_.run(); });
  }
  ~TestServer() {
    server_.stop();
    thread_.join();
  }
  std::uint16_t port() const { return server_.ports().at(0); }
  Server& server() { return server_; }

 private:
  static ServerOptions adjust(ServerOptions o) {
    o.listen = {"127.0.0.1:0"};
    return o;
  }
  Server server_;
  std::thread thread_;
};

}  // namespace pgwire::test
