// COPY and LISTEN/NOTIFY through a real pgwire::Server (the Asio driver):
// CopyInTarget / CopyOutSource performed by the driver, NotificationHub with
// PostgreSQL's transaction rules, and a notification reaching a client that
// sits idle in its read (the driver wakes up for it).

#include <algorithm>
#include <thread>

#include <pgwire/api/auth.hpp>
#include <pgwire/api/copy.hpp>
#include <pgwire/api/notifications.hpp>
#include <pgwire/api/session_commands.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

// COPY FROM STDIN: counts rows ('\n'), keeps the data; "fail" in the data
// is rejected as PostgreSQL rejects bad input.
class LineTarget final : public CopyInTarget {
 public:
  explicit LineTarget(std::string* sink) : sink_(sink) {}
  asio::awaitable<void> write(Session&, std::string_view data) override {
    if (data.find("fail") != std::string_view::npos) throw PgError("22P04", "bad COPY data");
    buffered_.append(data);
    co_return;
  }
  asio::awaitable<std::uint64_t> finish(Session&) override {
    *sink_ = buffered_;
    co_return static_cast<std::uint64_t>(std::count(buffered_.begin(), buffered_.end(), '\n'));
  }
  asio::awaitable<void> abort(Session&, std::string_view reason) override {
    *sink_ = "aborted: " + std::string(reason);
    co_return;
  }

 private:
  std::string* sink_;
  std::string buffered_;
};

// COPY TO STDOUT of n rows "i\n", batch by batch.
class CountingSource final : public CopyOutSource {
 public:
  explicit CountingSource(int n) : n_(n) {}
  asio::awaitable<bool> fill(Session&, CopyWriter& out) override {
    for (; at_ < n_ && out.wants_more(); ++at_) out.send(std::to_string(at_) + "\n");
    co_return at_ < n_;
  }

 private:
  int n_;
  int at_ = 0;
};

// Copy-both, as a replication stream: "ping" from the client is answered
// with "pong" through the session's handle; the test pushes more from its
// own thread while the session waits for the client.
class PingStream final : public CopyBothTarget {
 public:
  asio::awaitable<void> write(Session& session, std::string_view data) override {
    received_ += data;
    if (data == "ping") session.handle()->copy_data("pong");
    co_return;
  }
  asio::awaitable<std::uint64_t> finish(Session&) override { co_return received_.size(); }
  std::optional<std::string> command_tag() const override { return "START_REPLICATION"; }

 private:
  std::string received_;
};

class Product final : public SimpleQueryHandler {
 public:
  Product() : commands(SessionCommands::Options{{}, true}) {}
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      if (auto r = hub.answer(session, stmt)) {
        out.push_back(std::move(*r));
      } else if (auto c = commands.answer(session, stmt)) {
        out.push_back(std::move(*c));
      } else if (stmt == "copy both") {
        handle = session.handle();
        out.push_back(Response::copy_both(std::make_unique<PingStream>(), CopyFormat::binary, 0));
      } else if (stmt == "copy in") {
        out.push_back(Response::copy_in(std::make_unique<LineTarget>(&copied), CopyFormat::text, 1));
      } else if (stmt.substr(0, 8) == "copy out") {
        int n = std::stoi(std::string(stmt.substr(9)));
        out.push_back(Response::copy_out(std::make_unique<CountingSource>(n), CopyFormat::csv, 1));
      } else {
        out.push_back(Response::error(ErrorInfo::error("42601", "unknown statement")));
      }
      if (out.back().kind() == Response::Kind::error) break;
    }
    co_return out;
  }
  NotificationHub hub;
  SessionCommands commands;
  std::string copied;
  std::shared_ptr<SessionHandle> handle;  // of the last "copy both" session
};

struct Fixture {
  std::shared_ptr<Product> product = std::make_shared<Product>();
  TestServer server{{}, {make_trust_auth(), product}};
};

}  // namespace

TEST_CASE("COPY through the Asio driver", "[copy]") {
  Fixture f;
  Client c(f.server.port());
  c.login();
  SECTION("copy-in: CopyInResponse, data in any split, COPY n") {
    c.send(Query{"copy in"});
    auto g = std::get<CopyInResponse>(c.recv());
    CHECK(g.format == 0);
    CHECK(g.column_formats == std::vector<FormatCode>{0});
    c.send_batch(CopyData{"a\nb"}, CopyData{"\nc\n"}, CopyDone{});
    CHECK(std::get<CommandComplete>(c.recv()).tag == "COPY 3");
    CHECK(c.until_ready() == "Z");
    CHECK(f.product->copied == "a\nb\nc\n");
  }
  SECTION("copy-in: CopyFail is 57014 and the target is told") {
    c.send(Query{"copy in"});
    REQUIRE(std::holds_alternative<CopyInResponse>(c.recv()));
    c.send_batch(CopyData{"a\n"}, CopyFail{"no more"});
    auto e = std::get<ErrorResponse>(c.recv());
    CHECK(e.get(field::sqlstate) == "57014");
    CHECK(e.get(field::message) == "COPY from stdin failed: no more");
    CHECK(c.until_ready() == "Z");
    CHECK(f.product->copied == "aborted: no more");
  }
  SECTION("copy-in: the target's error ends it; later data is dropped") {
    c.send(Query{"copy in"});
    REQUIRE(std::holds_alternative<CopyInResponse>(c.recv()));
    c.send_batch(CopyData{"fail\n"}, CopyData{"more\n"}, CopyDone{}, Query{"copy out 1"});
    CHECK(std::get<ErrorResponse>(c.recv()).get(field::sqlstate) == "22P04");
    CHECK(c.until_ready() == "Z");
    CHECK(c.until_ready() == "HdcCZ");  // the Query after the dropped COPY messages runs
  }
  SECTION("copy-both: the product streams from another thread while the client idles; CopyDone both ways") {
    c.send(Query{"copy both"});
    auto w = std::get<CopyBothResponse>(c.recv());
    CHECK(w.format == 1);
    REQUIRE(f.product->handle);
    // The client sends nothing: the session is blocked reading it.
    std::thread([h = f.product->handle] {
      for (int i = 0; i < 3; ++i) h->copy_data("tick " + std::to_string(i));
    }).join();
    for (int i = 0; i < 3; ++i) CHECK(std::get<CopyData>(c.recv()).data == "tick " + std::to_string(i));
    c.send(CopyData{"ping"});
    CHECK(std::get<CopyData>(c.recv()).data == "pong");
    c.send(CopyDone{});
    REQUIRE(std::holds_alternative<CopyDone>(c.recv()));
    CHECK(std::get<CommandComplete>(c.recv()).tag == "COPY 0");  // as PostgreSQL's walsender
    CHECK(std::get<CommandComplete>(c.recv()).tag == "START_REPLICATION");
    CHECK(c.until_ready() == "Z");
    CHECK_FALSE(f.product->handle->copy_done_sent());
  }
  SECTION("copy-out: many batches, CopyDone, COPY n") {
    c.send(Query{"copy out 20000"});
    auto h = std::get<CopyOutResponse>(c.recv());
    CHECK(h.format == 0);
    int rows = 0;
    for (;;) {
      BackendMessage m = c.recv();
      if (auto* d = std::get_if<CopyData>(&m)) {
        CHECK(d->data == std::to_string(rows) + "\n");
        ++rows;
        continue;
      }
      REQUIRE(std::holds_alternative<CopyDone>(m));
      break;
    }
    CHECK(rows == 20000);
    CHECK(std::get<CommandComplete>(c.recv()).tag == "COPY 20000");
    CHECK(c.until_ready() == "Z");
  }
}

TEST_CASE("LISTEN/NOTIFY through the Asio driver", "[notify]") {
  Fixture f;
  Client listener(f.server.port());
  Client notifier(f.server.port());
  listener.login("listener");
  notifier.login("notifier");
  listener.send(Query{"LISTEN Jobs"});
  CHECK(listener.until_ready() == "CZ");
  REQUIRE(f.product->hub.listeners("jobs") == 1);

  SECTION("an idle listener gets it without sending anything") {
    notifier.send(Query{"NOTIFY jobs, 'one'"});
    CHECK(notifier.until_ready() == "CZ");
    // The listener is blocked in its read: the server must push.
    auto a = std::get<NotificationResponse>(listener.recv());
    CHECK(a.channel == "jobs");
    CHECK(a.payload == "one");
    CHECK(a.process_id != 0);
  }
  SECTION("never after a rollback") {
    notifier.send(Query{"BEGIN; NOTIFY jobs, 'lost'"});
    CHECK(notifier.until_ready() == "CCZ");
    notifier.send(Query{"ROLLBACK"});
    notifier.until_ready();
    notifier.send(Query{"NOTIFY jobs, 'after'"});
    notifier.until_ready();
    CHECK(std::get<NotificationResponse>(listener.recv()).payload == "after");  // not "lost"
  }
  SECTION("x and y of one committed block arrive once each, in order") {
    notifier.send(Query{"BEGIN"});
    notifier.until_ready();
    notifier.send(Query{"NOTIFY jobs, 'x'; NOTIFY jobs, 'x'; SELECT pg_notify('jobs', 'y')"});
    CHECK(notifier.until_ready() == "CCTDCZ");
    notifier.send(Query{"COMMIT"});
    notifier.until_ready();
    CHECK(std::get<NotificationResponse>(listener.recv()).payload == "x");
    CHECK(std::get<NotificationResponse>(listener.recv()).payload == "y");
    listener.send(Query{"NOTIFY jobs, 'self'"});  // a session gets its own, before ReadyForQuery
    CHECK(listener.until_ready() == "CAZ");
  }
  SECTION("a listener inside a transaction block gets it when the block ends") {
    listener.send(Query{"BEGIN"});
    listener.until_ready();
    notifier.send(Query{"NOTIFY jobs, 'held'"});
    notifier.until_ready();
    listener.send(Query{"COMMIT"});
    CHECK(listener.until_ready() == "CAZ");
  }
  SECTION("UNLISTEN stops delivery; bad channels and payloads are 22023") {
    listener.send(Query{"UNLISTEN *"});
    listener.until_ready();
    CHECK(f.product->hub.listeners("jobs") == 0);
    notifier.send(Query{"NOTIFY jobs, 'nobody'"});
    notifier.until_ready();
    notifier.send(Query{"NOTIFY jobs, '" + std::string(8000, 'p') + "'"});
    CHECK(std::get<ErrorResponse>(notifier.recv()).get(field::sqlstate) == "22023");
    notifier.until_ready();
    notifier.send(Query{"SELECT pg_notify('', 'x')"});
    CHECK(std::get<ErrorResponse>(notifier.recv()).get(field::sqlstate) == "22023");
    notifier.until_ready();
    listener.send(Query{"NOTIFY other"});  // nothing queued for jobs reaches it
    CHECK(listener.until_ready() == "CZ");
  }
}
