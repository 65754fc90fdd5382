// Operations against a real pgwire::Server over loopback: max_connections
// (53300 before authentication, slots freed at close), graceful shutdown
// (57P01, statements and blocks finish within the grace, the rest cut at its
// end, run() returns), the idle timeouts (57P05, 25P03) and TCP keepalive.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <pgwire/api/auth.hpp>
#include <pgwire/api/copy.hpp>

#include "session/client.hpp"
#include "session/fatal.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using namespace std::chrono_literals;
using test::Client;

namespace {

// Counts down as product calls begin, so a test knows a statement is running.
class Started {
 public:
  void arrive() {
    std::lock_guard lock(m_);
    ++n_;
    cv_.notify_all();
  }
  bool wait(int n) {
    std::unique_lock lock(m_);
    return cv_.wait_for(lock, 10s, [&] { return n_ >= n; });
  }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  int n_ = 0;
};

// COPY FROM STDIN that counts lines.
class Lines final : public CopyInTarget {
 public:
  asio::awaitable<void> write(Session&, std::string_view data) override {
    lines_ += static_cast<std::uint64_t>(std::count(data.begin(), data.end(), '\n'));
    co_return;
  }
  asio::awaitable<std::uint64_t> finish(Session&) override { co_return lines_; }
  asio::awaitable<void> abort(Session&, std::string_view) override { co_return; }

 private:
  std::uint64_t lines_ = 0;
};

class Ops final : public SimpleQueryHandler {
 public:
  explicit Ops(Started& started) : started_(started) {}
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    if (sql == "begin") out.push_back(Response::begin());
    else if (sql == "copy") out.push_back(Response::copy_in(std::make_unique<Lines>(), CopyFormat::text, 1));
    else if (sql == "commit") out.push_back(Response::commit());
    else if (sql == "slow" || sql == "hang") {
      // A statement that takes a while (slow: 300 ms; hang: until cancelled).
      started_.arrive();
      asio::steady_timer t(co_await asio::this_coro::executor, sql == "slow" ? 300ms : 600s);
      co_await t.async_wait(asio::use_awaitable);
      out.push_back(Response::command("DONE"));
    } else if (sql.starts_with("set_idle ")) {
      session.set_parameter("idle_session_timeout", sql.substr(9));
      out.push_back(Response::command("SET"));
    } else {
      out.push_back(Response::command("OK"));
    }
    co_return out;
  }

 private:
  Started& started_;
};

class CountingTrust final : public StartupHandler {
 public:
  asio::awaitable<void> authenticate(AuthExchange&) override {
    ++calls;
    co_return;
  }
  std::atomic<int> calls{0};
};

// A server whose run() the test can watch return.
class Running {
 public:
  Running(ServerOptions o, std::shared_ptr<StartupHandler> auth, Started& started)
      : server_(adjust(std::move(o)), Handlers{std::move(auth), std::make_shared<Ops>(started)}) {
    server_.start();
    returned_ = std::async(std::launch::async, [this] { server_.run(); });
  }
  ~Running() {
    server_.stop();
    returned_.wait();
  }
  Server& server() { return server_; }
  std::uint16_t port() const { return server_.ports().at(0); }
  // run() returned within `limit`.
  bool returned_within(std::chrono::milliseconds limit) {
    return returned_.wait_for(limit) == std::future_status::ready;
  }

 private:
  static ServerOptions adjust(ServerOptions o) {
    o.listen = {"127.0.0.1:0"};
    return o;
  }
  Server server_;
  std::future<void> returned_;
};

void startup(Client& c) {
  StartupMessage m;
  m.parameters = {{"user", "alice"}};
  c.send(m);
}

TransactionStatus query(Client& c, std::string_view sql) {
  c.send(Query{sql});
  TransactionStatus status{};
  c.until_ready(&status);
  return status;
}

const std::string admin = "terminating connection due to administrator command";

}  // namespace

TEST_CASE("max_connections: one more gets 53300 before authentication, a closed session frees its slot",
          "[operations]") {
  Started started;
  auto auth = std::make_shared<CountingTrust>();
  ServerOptions o;
  o.max_connections = 1;
  Running server(o, auth, started);

  Client a(server.port());
  a.login();
  CHECK(auth->calls == 1);

  Client b(server.port());
  startup(b);
  expect_fatal(b, "53300", "sorry, too many clients already");
  CHECK(auth->calls == 1);  // no authentication work was spent on it

  a.send(Terminate{});
  CHECK(a.closed_by_server());  // the slot is free before the close is seen
  Client c(server.port());
  c.login();
  CHECK(auth->calls == 2);
  CHECK(query(c, "x") == TransactionStatus::idle);
}

TEST_CASE("shutdown: idle sessions end at once, a running statement and an open block finish first",
          "[operations]") {
  Started started;
  ServerOptions o;
  o.threads = GENERATE(1, 2);
  Running server(o, make_trust_auth(), started);
  Client idle(server.port()), block(server.port()), busy(server.port());
  idle.login();
  block.login();
  busy.login();
  CHECK(query(block, "begin") == TransactionStatus::in_transaction);
  busy.send(Query{"slow"});
  REQUIRE(started.wait(1));

  server.server().shutdown(30s);
  expect_fatal(idle, "57P01", admin);
  // The statement finishes and is answered; then the session ends.
  CHECK(busy.until_ready() == "CZ");
  expect_fatal(busy, "57P01", admin);
  // The block may end: COMMIT is answered, then the session ends.
  CHECK(query(block, "commit") == TransactionStatus::idle);
  expect_fatal(block, "57P01", admin);
  // Every session gone: run() returns long before the grace is over.
  CHECK(server.returned_within(20s));
  CHECK_THROWS(Client(server.port()));  // no longer accepting
}

TEST_CASE("shutdown: a COPY under way finishes first", "[operations]") {
  Started started;
  Running server({}, make_trust_auth(), started);
  Client c(server.port());
  c.login();
  c.send(Query{"copy"});
  REQUIRE(std::holds_alternative<CopyInResponse>(c.recv()));
  server.server().shutdown(30s);
  c.send_batch(CopyData{"a\nb\n"}, CopyDone{});
  CHECK(std::get<CommandComplete>(c.recv()).tag == "COPY 2");
  CHECK(c.until_ready() == "Z");
  expect_fatal(c, "57P01", admin);
  CHECK(server.returned_within(20s));
}

TEST_CASE("shutdown: a COPY whose client stalls ends at the grace", "[operations]") {
  Started started;
  Running server({}, make_trust_auth(), started);
  Client c(server.port());
  c.login();
  c.send(Query{"copy"});
  REQUIRE(std::holds_alternative<CopyInResponse>(c.recv()));
  c.send(CopyData{"a\n"});
  server.server().shutdown(200ms);
  expect_fatal(c, "57P01", admin);  // not a silent close one second later
  CHECK(server.returned_within(20s));
}

TEST_CASE("shutdown: after the grace, the rest end too, a running statement cancelled", "[operations]") {
  Started started;
  Running server({}, make_trust_auth(), started);
  Client block(server.port()), busy(server.port());
  block.login();
  busy.login();
  CHECK(query(block, "begin") == TransactionStatus::in_transaction);
  busy.send(Query{"hang"});
  REQUIRE(started.wait(1));

  server.server().shutdown(200ms);
  expect_fatal(block, "57P01", admin);
  expect_fatal(busy, "57P01", admin);  // no 57014 first: the session ends
  CHECK(server.returned_within(20s));
}

TEST_CASE("shutdown: with no session, run() returns at once", "[operations]") {
  Started started;
  Running server({}, make_trust_auth(), started);
  server.server().shutdown(30s);
  CHECK(server.returned_within(20s));
}

TEST_CASE("idle timeouts: 57P05 when idle, 25P03 in a transaction block", "[operations]") {
  Started started;
  ServerOptions o;
  o.idle_session_timeout = 100ms;
  o.idle_in_transaction_session_timeout = 150ms;
  Running server(o, make_trust_auth(), started);

  Client idle(server.port()), block(server.port());
  idle.login();
  block.login();
  CHECK(query(block, "begin") == TransactionStatus::in_transaction);
  expect_fatal(idle, "57P05", "terminating connection due to idle-session timeout");
  expect_fatal(block, "25P03", "terminating connection due to idle-in-transaction timeout");
}

TEST_CASE("idle timeouts: a message trickling in does not restart the wait", "[operations]") {
  Started started;
  ServerOptions o;
  o.idle_session_timeout = 300ms;
  Running server(o, make_trust_auth(), started);
  Client c(server.port());
  c.login();
  Buffer q;
  encode(Query{std::string(200, 'x')}, q);
  std::string bytes(q.view());
  // One byte every 50 ms would take 10 s; each restarting the wait would
  // keep the session forever. The FATAL comes after about 300 ms instead.
  CHECK(c.trickle(bytes, 50) < bytes.size());
  expect_fatal(c, "57P05", "terminating connection due to idle-session timeout");
}

TEST_CASE("idle timeouts: a session may SET its own idle_session_timeout", "[operations]") {
  Started started;
  Running server({}, make_trust_auth(), started);
  Client c(server.port());
  c.login();
  CHECK(query(c, "set_idle 100ms") == TransactionStatus::idle);
  expect_fatal(c, "57P05", "terminating connection due to idle-session timeout");
}

namespace {

// The server's end of a loopback connection in /proc/net/tcp: its timer
// ("tr", 2 = keepalive) and when it fires, in clock ticks.
std::pair<int, long> server_timer(std::uint16_t server_port, std::uint16_t client_port) {
  std::ifstream f("/proc/net/tcp");
  std::string line;
  std::getline(f, line);  // header
  char local[32], remote[32];
  while (std::getline(f, line)) {
    std::istringstream in(line);
    std::string sl, loc, rem, st, queues, timer;
    in >> sl >> loc >> rem >> st >> queues >> timer;
    std::snprintf(local, sizeof local, ":%04X", server_port);
    std::snprintf(remote, sizeof remote, ":%04X", client_port);
    if (loc.ends_with(local) && rem.ends_with(remote)) {
      auto colon = timer.find(':');
      return {std::stoi(timer.substr(0, colon), nullptr, 16), std::stol(timer.substr(colon + 1), nullptr, 16)};
    }
  }
  FAIL("the server's socket is not in /proc/net/tcp");
  return {};
}

}  // namespace

TEST_CASE("keepalive: accepted TCP connections get the configured keepalive", "[operations]") {
  Started started;
  ServerOptions o;
  o.keepalive.idle = 7s;
  o.keepalive.interval = 3s;
  o.keepalive.count = 4;
  Running server(o, make_trust_auth(), started);
  Client c(server.port());
  c.login();
  auto [timer, when] = server_timer(server.port(), c.local_port());
  CHECK(timer == 2);      // the keepalive timer runs
  CHECK(when <= 7 * 100);  // within 7 s (USER_HZ ticks), not the system's 2 hours

  ServerOptions off;
  off.keepalive.enabled = false;
  Running plain(off, make_trust_auth(), started);
  Client d(plain.port());
  d.login();
  CHECK(server_timer(plain.port(), d.local_port()).first == 0);
}
