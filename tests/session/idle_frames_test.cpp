// A session that waits for its client without coroutine frames (the idle
// sweep ended its coroutine: src/server/idle_sweep.hpp) is still a whole
// session: a NOTIFY reaches it, its idle_session_timeout ends it (over the
// whole wait, however the bytes trickle in), a shutdown ends it with 57P01,
// and its next query is answered, after which it waits without frames again.

#include <chrono>
#include <thread>

#include <pgwire/api/auth.hpp>
#include <pgwire/api/notifications.hpp>

#include "../../src/server/introspection.hpp"
#include "session/client.hpp"
#include "session/fatal.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using namespace std::chrono_literals;
using test::Client;
using test::TestServer;

namespace {

class Product final : public SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    if (auto r = hub.answer(session, sql)) {
      out.push_back(std::move(*r));
    } else {
      out.push_back(Response::command("DONE"));
    }
    co_return out;
  }
  NotificationHub hub;
};

// Polls the server (a condition with a deadline, not a sleep standing in for
// one) until `n` sessions wait without frames.
bool until_without_frames(Server& server, std::size_t n) {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (detail::sessions_waiting_without_frames(server) != n) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("idle frames: an idle session gives up its coroutine and still answers its next query",
          "[idle-frames]") {
  auto product = std::make_shared<Product>();
  TestServer s({}, {make_trust_auth(), product});
  Client c(s.port());
  c.login();
  REQUIRE(until_without_frames(s.server(), 1));
  for (int i = 0; i < 3; ++i) {
    c.send(Query{"anything"});
    CHECK(c.until_ready() == "CZ");
    REQUIRE(until_without_frames(s.server(), 1));  // and again after each statement
  }
  // A message split across reads: the first part wakes the session, the
  // rest is read in its coroutine.
  Buffer q;
  encode(Query{std::string(300, 'x')}, q);
  std::string bytes(q.view());
  c.send_raw(bytes.substr(0, 3));
  CHECK(!c.readable(20));
  c.send_raw(bytes.substr(3));
  CHECK(c.until_ready() == "CZ");
}

TEST_CASE("idle frames: a NOTIFY reaches a listener that waits without frames", "[idle-frames]") {
  auto product = std::make_shared<Product>();
  TestServer s({}, {make_trust_auth(), product});
  Client listener(s.port()), notifier(s.port());
  listener.login("listener");
  notifier.login("notifier");
  listener.send(Query{"LISTEN jobs"});
  CHECK(listener.until_ready() == "CZ");
  REQUIRE(until_without_frames(s.server(), 2));
  notifier.send(Query{"NOTIFY jobs, 'one'"});
  CHECK(notifier.until_ready() == "CZ");
  auto n = std::get<NotificationResponse>(listener.recv());
  CHECK(n.payload == "one");
  // The push did not wake the session's coroutine: it answers as before.
  listener.send(Query{"UNLISTEN *"});
  CHECK(listener.until_ready() == "CZ");
}

TEST_CASE("idle frames: idle_session_timeout ends a session that waits without frames", "[idle-frames]") {
  ServerOptions o;
  o.idle_session_timeout = 600ms;
  TestServer s(o, {make_trust_auth(), std::make_shared<Product>()});
  Client c(s.port());
  c.login();
  auto since = std::chrono::steady_clock::now();
  REQUIRE(until_without_frames(s.server(), 1));
  REQUIRE(std::chrono::steady_clock::now() - since < 600ms);  // before its limit
  expect_fatal(c, "57P05");
}

TEST_CASE("idle frames: bytes trickling in after a wait without frames do not restart the idle limit",
          "[idle-frames]") {
  ServerOptions o;
  o.idle_session_timeout = 600ms;
  TestServer s(o, {make_trust_auth(), std::make_shared<Product>()});
  Client c(s.port());
  c.login();
  REQUIRE(until_without_frames(s.server(), 1));
  Buffer q;
  encode(Query{std::string(200, 'x')}, q);
  std::string bytes(q.view());
  // One byte every 50 ms would take 10 s; the FATAL comes at the limit of
  // the whole wait instead.
  CHECK(c.trickle(bytes, 50) < bytes.size());
  expect_fatal(c, "57P05");
}

TEST_CASE("idle frames: a shutdown ends a session that waits without frames with 57P01", "[idle-frames]") {
  TestServer s({}, {make_trust_auth(), std::make_shared<Product>()});
  Client c(s.port());
  c.login();
  REQUIRE(until_without_frames(s.server(), 1));
  s.server().shutdown(10s);
  expect_fatal(c, "57P01");
}
