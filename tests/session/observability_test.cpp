// Logger, ConnectionEvents and Counters of a real pgwire::Server over
// loopback: what a product sees of a failed login, a session with results
// and errors, and its end; levels filter; no secret reaches a log line.

#include <mutex>
#include <optional>
#include <thread>

#include <pgwire/api/auth.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

class Lines final : public Logger {
 public:
  bool enabled(LogLevel level) const noexcept override { return level >= LogLevel::info; }
  void write(LogLevel level, std::string_view message) override {
    std::lock_guard lock(m_);
    lines_.push_back(std::string(to_string(level)) + " " + std::string(message));
  }
  std::vector<std::string> lines() {
    std::lock_guard lock(m_);
    return lines_;
  }

 private:
  std::mutex m_;
  std::vector<std::string> lines_;
};

class Events final : public ConnectionEvents {
 public:
  void accepted(const AcceptedConnection& c) override {
    std::lock_guard lock(m_);
    log_.push_back("accepted " + c.remote_address.substr(0, 10));
  }
  void authenticated(const AuthenticatedConnection& c) override {
    std::lock_guard lock(m_);
    log_.push_back("authenticated " + c.user + " " + c.database + (c.process_id != 0 ? " pid" : " nopid"));
  }
  void closed(const ClosedConnection& c) override {
    std::lock_guard lock(m_);
    log_.push_back("closed " + c.user + " " + to_string(c.reason) + " " + c.sqlstate);
  }
  std::vector<std::string> log() {
    std::lock_guard lock(m_);
    return log_;
  }

 private:
  std::mutex m_;
  std::vector<std::string> log_;
};

class Answers final : public SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<Response>> query(Session&, std::string_view sql) override {
    std::vector<Response> out;
    if (sql.starts_with("bad")) {
      out.push_back(Response::error(ErrorInfo::error("42601", "syntax error")));
    } else {
      out.push_back(Response::rows(make_schema({{"v", 25}}), make_text_rows({{"a"}, {"b"}})));
    }
    co_return out;
  }
};

void password_login(Client& c, const std::string& password) {
  StartupMessage m;
  m.parameters = {{"user", "alice"}, {"database", "db"}};
  c.send(m);
  BackendMessage r = c.recv();
  REQUIRE(std::holds_alternative<AuthenticationCleartextPassword>(r));
  c.send(PasswordMessage{password});
}

}  // namespace

TEST_CASE("observability: counters, events and log lines of a session's life", "[observability]") {
  auto lines = std::make_shared<Lines>();
  auto events = std::make_shared<Events>();
  auto users = std::make_shared<StaticAuthSource>();
  users->add("alice", "s3cret-pw");
  ServerOptions o;
  o.logger = lines;
  o.events = events;
  std::optional<TestServer> server;
  server.emplace(o, Handlers{make_cleartext_auth(users), std::make_shared<Answers>()});

  {
    Client wrong(server->port());
    password_login(wrong, "not-the-s3cret");
    BackendMessage m = wrong.recv();
    REQUIRE(std::holds_alternative<ErrorResponse>(m));
    CHECK(wrong.closed_by_server());
  }
  {
    Client c(server->port());
    password_login(c, "s3cret-pw");
    c.until_ready();
    c.send(Query{"select 'secret-in-sql'"});
    c.until_ready();
    c.send(Query{"bad"});
    c.until_ready();
    c.send(Terminate{});
    CHECK(c.closed_by_server());
  }

  auto ev = events->log();
  REQUIRE(ev.size() == 5);
  CHECK(ev[0] == "accepted 127.0.0.1:");
  CHECK(ev[1] == "closed  fatal error 28P01");  // never logged in: no user
  CHECK(ev[2] == "accepted 127.0.0.1:");
  CHECK(ev[3] == "authenticated alice db pid");
  CHECK(ev[4] == "closed alice client left ");

  auto ls = lines->lines();
  bool authorized = false, failed = false;
  for (const auto& l : ls) {
    CHECK(l.find("s3cret") == std::string::npos);
    CHECK(l.find("secret-in-sql") == std::string::npos);
    CHECK(!l.starts_with("DEBUG"));  // not enabled: never written
    if (l.starts_with("INFO connection authorized: user=alice database=db")) authorized = true;
    if (l.starts_with("INFO authentication failed: user=alice database=db") &&
        l.find("28P01 password authentication failed") != std::string::npos)
      failed = true;
  }
  CHECK(authorized);
  CHECK(failed);
}

TEST_CASE("observability: Server::counters", "[observability]") {
  ServerOptions o;
  o.listen = {"127.0.0.1:0"};
  o.max_connections = 1;
  Server server(o, Handlers{make_trust_auth(), std::make_shared<Answers>()});
  server.start();
  std::thread t([&] { server.run(); });
  const Counters& c = server.counters();
  {
    Client a(server.ports().at(0));
    a.login();
    CHECK(c.connections_open == 1);
    a.send(Query{"select"});
    a.until_ready();
    a.send(Query{"bad"});
    a.until_ready();
    Client b(server.ports().at(0));
    StartupMessage m;
    m.parameters = {{"user", "u"}};
    b.send(m);
    CHECK(std::holds_alternative<ErrorResponse>(b.recv()));
    CHECK(b.closed_by_server());
    // A CancelRequest over the limit is served (silently), not refused.
    Client cancel(server.ports().at(0));
    cancel.send(CancelRequest{12345, "abcd"});
    CHECK(cancel.closed_by_server());
    a.send(Terminate{});
    CHECK(a.closed_by_server());
  }
  CHECK(c.connections_total == 3);
  CHECK(c.connections_open == 0);
  CHECK(c.connections_refused == 1);
  CHECK(c.statements == 1);
  CHECK(c.errors == 2);
  CHECK(c.errors_in_class("42") == 1);
  CHECK(c.errors_in_class("53") == 1);
  CHECK(c.bytes_in > 0);
  CHECK(c.bytes_out > 0);
  CHECK(c.authentications_failed == 0);
  server.stop();
  t.join();
}
