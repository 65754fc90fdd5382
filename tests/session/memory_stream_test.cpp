// Whole sessions through the real Asio driver and the library's own
// authentication handlers, over an in-memory Stream: no socket anywhere. The
// stream also proves the embedding path (make_server + serve(stream)). A
// scripted client answers what the server sends and sends its next batch at
// each ReadyForQuery; a session that waits for a client with nothing more to
// say sees end of stream, so a hang shows up as an unfinished script.

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include "pgwire/api/auth.hpp"
#include "pgwire/api/extended.hpp"
#include "pgwire/auth/md5.hpp"
#include "pgwire/auth/scram.hpp"
#include "pgwire/codec.hpp"
#include "pgwire/server/embed.hpp"
#include "support/catch.hpp"

using namespace pgwire;

namespace {

// "rows N": N rows (i int4); "fail": 22012; "begin"/"commit".
class Product final : public SimpleQueryHandler, public ExtendedQueryHandler {
 public:
  static SchemaPtr schema() { return make_schema({{"i", oid::int4}}); }
  static Response answer(std::string_view sql) {
    if (sql.starts_with("rows ")) {
      int n = std::stoi(std::string(sql.substr(5)));
      return Response::rows(schema(), make_row_source([n, i = 0](RowWriter& w) mutable {
                              if (i >= n) return false;
                              w.begin_row();
                              w.add(static_cast<std::int32_t>(i));
                              w.end_row();
                              return ++i < n;
                            }));
    }
    if (sql == "fail") return Response::error(ErrorInfo::error("22012", "division by zero"));
    if (sql == "begin") return Response::begin();
    if (sql == "commit") return Response::commit();
    return Response::command("DONE");
  }
  asio::awaitable<std::vector<Response>> query(Session&, std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) out.push_back(answer(stmt));
    co_return out;
  }
  asio::awaitable<void> prepare(Session&, Statement& stmt) override {
    if (stmt.sql.starts_with("rows")) stmt.columns = schema();
    co_return;
  }
  asio::awaitable<Response> execute(Session&, Portal& portal) override {
    co_return answer(portal.statement->sql);
  }
};

template <class M>
std::string bytes_of(const M& m) {
  Buffer b;
  encode(m, b);
  return std::string(b.view());
}

// The client side of one connection, in memory.
class ScriptedClient final : public Stream {
 public:
  ScriptedClient(std::string password, std::vector<std::string> batches, std::vector<std::string>& log,
                 bool& done)
      : password_(std::move(password)), batches_(std::move(batches)), log_(log), done_(done) {
    StartupMessage m;
    m.version = protocol_3_0;
    m.parameters = {{"user", "alice"}, {"database", "db"}};
    to_server_ = bytes_of(m);
  }

  asio::awaitable<std::size_t> read_some(std::span<char> buffer) override {
    std::size_t n = std::min(buffer.size(), to_server_.size() - sent_);
    std::copy_n(to_server_.data() + sent_, n, buffer.data());
    sent_ += n;
    co_return n;  // 0: the client has nothing more to say (end of stream)
  }
  asio::awaitable<void> write(std::string_view data) override {
    from_server_.append(data);
    react();
    co_return;
  }
  asio::awaitable<bool> start_tls(std::string_view, protocol::TlsFacts&) override { co_return false; }
  void close() noexcept override { closed_ = true; }
  std::string remote_address() const override { return "memory"; }

 private:
  void send(std::string bytes) { to_server_ += bytes; }

  void react() {
    for (;;) {
      FrameResult r = parse_backend_frame(std::string_view(from_server_).substr(read_));
      if (!r.complete()) return;
      BackendMessage m;
      REQUIRE_FALSE(decode_backend(r.frame, m));
      read_ += r.size;
      on(m);
    }
  }

  void on(const BackendMessage& m) {
    if (std::holds_alternative<AuthenticationCleartextPassword>(m)) {
      log_.push_back("R cleartext");
      send(bytes_of(PasswordMessage{password_}));
    } else if (auto* md5 = std::get_if<AuthenticationMD5Password>(&m)) {
      log_.push_back("R md5");
      auto answer = auth::md5_salted_response(auth::md5_password_hash("alice", password_), md5->salt);
      send(bytes_of(PasswordMessage{answer}));
    } else if (std::holds_alternative<AuthenticationSASL>(m)) {
      log_.push_back("R sasl");
      scram_.emplace(password_);
      std::string first = scram_->client_first_message();
      send(bytes_of(SASLInitialResponse{scram_->mechanism(), first}));
    } else if (auto* cont = std::get_if<AuthenticationSASLContinue>(&m)) {
      auto step = scram_->handle_server_first(cont->data);
      REQUIRE(step);
      send(bytes_of(SASLResponse{step.message}));
    } else if (auto* fin = std::get_if<AuthenticationSASLFinal>(&m)) {
      CHECK_FALSE(scram_->verify_server_final(fin->data));
      log_.push_back("R sasl verified");
    } else if (std::holds_alternative<AuthenticationOk>(m)) {
      log_.push_back("R ok");
    } else if (auto* e = std::get_if<ErrorResponse>(&m)) {
      log_.push_back("E " + std::string(e->get(field::severity)) + " " + std::string(e->get(field::sqlstate)));
    } else if (auto* c = std::get_if<CommandComplete>(&m)) {
      log_.push_back("C " + std::string(c->tag));
    } else if (std::holds_alternative<DataRow>(m)) {
      log_.push_back("D");
    } else if (std::holds_alternative<PortalSuspended>(m)) {
      log_.push_back("s");
    } else if (auto* z = std::get_if<ReadyForQuery>(&m)) {
      log_.push_back(std::string("Z ") + static_cast<char>(z->status));
      if (next_batch_ < batches_.size()) {
        send(batches_[next_batch_]);
      } else if (next_batch_ == batches_.size()) {
        send(bytes_of(Terminate{}));
        done_ = true;
      }
      ++next_batch_;
    }
  }

  std::string password_;
  std::vector<std::string> batches_;
  std::vector<std::string>& log_;
  bool& done_;
  std::optional<auth::ScramClient> scram_;
  std::string to_server_;
  std::size_t sent_ = 0;
  std::string from_server_;
  std::size_t read_ = 0;
  std::size_t next_batch_ = 0;
  bool closed_ = false;
};

struct Outcome {
  std::vector<std::string> log;
  bool script_done = false;
};

Outcome run_session(std::shared_ptr<StartupHandler> auth, std::string password, std::vector<std::string> batches) {
  asio::io_context io;
  auto product = std::make_shared<Product>();
  auto server = make_server(io.get_executor(), {}, {std::move(auth), product, product});
  Outcome out;
  auto client = std::make_unique<ScriptedClient>(std::move(password), std::move(batches), out.log, out.script_done);
  bool ended = false;
  asio::co_spawn(io, serve(*server, std::move(client)), [&](std::exception_ptr) { ended = true; });
  io.run();
  REQUIRE(ended);  // the session ended: io.run() returned because nothing was left
  return out;
}

std::shared_ptr<AuthSource> users() {
  return std::make_shared<StaticAuthSource>(std::map<std::string, std::string>{{"alice", "s3cret"}});
}

std::string q(std::string_view sql) { return bytes_of(Query{sql}); }

using V = std::vector<std::string>;

V tail(const V& v, std::size_t n) { return V(v.end() - static_cast<std::ptrdiff_t>(std::min(n, v.size())), v.end()); }

}  // namespace

TEST_CASE("memory stream: every authentication method, then queries", "[memory]") {
  struct Method {
    const char* name;
    std::shared_ptr<StartupHandler> handler;
    V first;
  };
  std::vector<Method> methods = {
      {"trust", make_trust_auth(), {"R ok"}},
      {"cleartext", make_cleartext_auth(users()), {"R cleartext", "R ok"}},
      {"md5", make_md5_auth(users()), {"R md5", "R ok"}},
      {"scram", make_scram_auth(users()), {"R sasl", "R sasl verified", "R ok"}},
  };
  for (auto& m : methods) {
    DYNAMIC_SECTION(m.name) {
      auto out = run_session(m.handler, "s3cret", {q("rows 2"), q("begin"), q("fail"), q("commit")});
      REQUIRE(out.log.size() >= m.first.size());
      CHECK(V(out.log.begin(), out.log.begin() + static_cast<std::ptrdiff_t>(m.first.size())) == m.first);
      // COMMIT of the failed block rolls back: PostgreSQL's tag is ROLLBACK.
      V expected_tail = {"Z I", "D", "D", "C SELECT 2", "Z I", "C BEGIN", "Z T", "E ERROR 22012", "Z E", "C ROLLBACK",
                         "Z I"};
      CHECK(tail(out.log, expected_tail.size()) == expected_tail);
      CHECK(out.script_done);
    }
  }
}

TEST_CASE("memory stream: a wrong password is FATAL 28P01 and ends the session", "[memory]") {
  auto out = run_session(make_md5_auth(users()), "wrong", {q("rows 1")});
  CHECK(out.log == V{"R md5", "E FATAL 28P01"});
  CHECK_FALSE(out.script_done);
}

TEST_CASE("memory stream: extended query with pipelining, row limits and an error", "[memory]") {
  std::string suspended = bytes_of(Parse{"", "rows 3", {}}) + bytes_of(Bind{}) + bytes_of(Execute{"", 2}) +
                          bytes_of(Execute{"", 0}) + bytes_of(Sync{});
  std::string again = bytes_of(Parse{"", "rows 1", {}}) + bytes_of(Bind{}) + bytes_of(Execute{"", 0}) +
                      bytes_of(Sync{});
  std::string failing = bytes_of(Parse{"", "fail", {}}) + bytes_of(Bind{}) + bytes_of(Execute{"", 0}) +
                        bytes_of(Parse{"", "rows 1", {}}) + bytes_of(Sync{});
  auto out = run_session(make_trust_auth(), "", {suspended, again, failing, q("rows 1")});
  V expected = {"R ok", "Z I", "D", "D", "s", "D", "C SELECT 1", "Z I", "D", "C SELECT 1", "Z I",
                "E ERROR 22012", "Z I", "D", "C SELECT 1", "Z I"};
  CHECK(out.log == expected);
  CHECK(out.script_done);
}

TEST_CASE("memory stream: SQL cursors over the product's rows", "[memory]") {
  auto out = run_session(make_trust_auth(), "",
                         {q("begin"), q("declare c cursor for rows 3"), q("fetch 2 from c"), q("fetch all from c"),
                          q("commit"), q("fetch 1 from c")});
  V expected = {"R ok", "Z I", "C BEGIN", "Z T", "C DECLARE CURSOR", "Z T", "D", "D", "C FETCH 2", "Z T",
                "D", "C FETCH 1", "Z T", "C COMMIT", "Z I", "E ERROR 34000", "Z I"};
  CHECK(out.log == expected);
  CHECK(out.script_done);
}
