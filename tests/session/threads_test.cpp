// Many sessions at once on a server with two io threads: notifications sent
// from several client threads reach every listener exactly once, and
// CancelRequests racing their queries stop exactly those queries. The
// sanitizer pass runs this under TSan (scripts/test.sh), which is what it is
// for: the hub, the push queues, the cancel registry and the strands meet
// here from different threads.

#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <pgwire/api/auth.hpp>
#include <pgwire/api/notifications.hpp>
#include <pgwire/api/session_commands.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

class Product final : public SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    if (sql == "sleep") {
      // Long enough that only a cancel ends it within the test's patience.
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::seconds(60));
      {
        std::lock_guard lock(mutex_);
        sleeping_.insert(session.client().user);
      }
      started_.notify_all();
      co_await timer.async_wait(asio::use_awaitable);
      out.push_back(Response::command("SLEEP"));
      co_return out;
    }
    for (auto stmt : split_statements(sql)) {
      if (auto r = hub.answer(session, stmt)) {
        out.push_back(std::move(*r));
      } else {
        out.push_back(Response::error(ErrorInfo::error("42601", "unknown statement")));
        break;
      }
    }
    co_return out;
  }
  // Blocks until `user`'s sleep runs: a cancel sent earlier would find the
  // session idle and, as in PostgreSQL, do nothing.
  void wait_sleeping(const std::string& user) {
    std::unique_lock lock(mutex_);
    started_.wait(lock, [&] { return sleeping_.count(user) != 0; });
  }
  NotificationHub hub;

 private:
  std::mutex mutex_;
  std::condition_variable started_;
  std::set<std::string> sleeping_;
};

ServerOptions two_threads() {
  ServerOptions o;
  o.threads = 2;
  return o;
}

struct Fixture {
  std::shared_ptr<Product> product = std::make_shared<Product>();
  TestServer server{two_threads(), {make_trust_auth(), product}};
};

// Logs in and keeps the cancel key.
struct KeyedClient : Client {
  std::int32_t pid = 0;
  std::string key;
  explicit KeyedClient(std::uint16_t port, std::string user) : Client(port) {
    StartupMessage m;
    m.parameters = {{"user", std::move(user)}};
    send(m);
    for (;;) {
      BackendMessage b = recv();
      if (auto* k = std::get_if<BackendKeyData>(&b)) {
        pid = k->process_id;
        key = std::string(k->secret_key);
      }
      if (std::holds_alternative<ReadyForQuery>(b)) break;
    }
  }
};

}  // namespace

TEST_CASE("threads: notifications from several threads reach every listener once", "[threads]") {
  Fixture f;
  constexpr int listeners = 3, senders = 3, per_sender = 20;
  std::vector<std::unique_ptr<Client>> ls;
  for (int i = 0; i < listeners; ++i) {
    ls.push_back(std::make_unique<Client>(f.server.port()));
    ls.back()->login("listener" + std::to_string(i));
    ls.back()->send(Query{"LISTEN work"});
    REQUIRE(ls.back()->until_ready() == "CZ");
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int s = 0; s < senders; ++s) {
    threads.emplace_back([port = f.server.port(), s, &failures] {
      try {
        Client c(port);
        c.login("sender" + std::to_string(s));
        for (int i = 0; i < per_sender; ++i) {
          c.send(Query{"NOTIFY work, '" + std::to_string(s) + ":" + std::to_string(i) + "'"});
          c.until_ready();
        }
      } catch (const std::exception&) {
        ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(failures == 0);
  for (auto& l : ls) {
    std::vector<int> next(senders, 0);  // each sender's notifications arrive in its order
    for (int n = 0; n < senders * per_sender; ++n) {
      auto note = std::get<NotificationResponse>(l->recv());
      std::string payload(note.payload);
      int s = std::stoi(payload.substr(0, payload.find(':')));
      int i = std::stoi(payload.substr(payload.find(':') + 1));
      REQUIRE(s < senders);
      CHECK(i == next[s]);
      next[s] = i + 1;
    }
    CHECK(next == std::vector<int>(senders, per_sender));
  }
}

TEST_CASE("threads: concurrent cancels stop their own queries, and the sessions go on", "[threads]") {
  Fixture f;
  constexpr int sessions = 4;
  std::vector<std::string> outcome(sessions);
  std::vector<std::thread> threads;
  for (int s = 0; s < sessions; ++s) {
    threads.emplace_back([port = f.server.port(), product = f.product.get(), s, &outcome] {
      auto& result = outcome[static_cast<std::size_t>(s)];
      try {
        std::string user = "s" + std::to_string(s);
        KeyedClient c(port, user);
        c.send(Query{"sleep"});
        product->wait_sleeping(user);
        {
          Client canceller(port);  // its own connection, as the protocol has it
          canceller.send(CancelRequest{c.pid, c.key});
          if (!canceller.closed_by_server()) result = "the cancel connection got a reply";
        }
        auto error = std::get<ErrorResponse>(c.recv());
        std::string code(error.get(field::sqlstate));
        std::string after = c.until_ready();
        c.send(Query{"NOTIFY done"});
        result += code + " " + after + " " + c.until_ready();
      } catch (const std::exception& e) {
        result += e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& o : outcome) CHECK(o == "57014 Z CZ");
}
