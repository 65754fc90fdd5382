// What a session keeps once it is idle, and what it keeps only while it
// needs it (docs/PERFORMANCE.md, "Stop 24: idle memory"): the login's state
// is freed once the session is logged in, options are shared between
// sessions, and everything freed or never allocated comes back when a later
// message needs it.

#include <thread>

#include "support/codec_util.hpp"
#include "support/fake_driver.hpp"

using namespace pgwire;
using test::FakeAuth;
using test::FakeDriver;
using test::FakeProductOptions;
using test::startup_bytes;

namespace {

std::vector<BackendMessage> backend_messages(std::string_view wire) {
  std::vector<BackendMessage> out;
  while (!wire.empty()) {
    FrameResult r = parse_backend_frame(wire);
    REQUIRE(r.complete());
    BackendMessage m;
    REQUIRE_FALSE(decode_backend(r.frame, m));
    out.push_back(m);
    wire.remove_prefix(r.size);
  }
  return out;
}

template <class M>
std::vector<M> all_of(std::string_view wire) {
  std::vector<M> out;
  for (auto& m : backend_messages(wire))
    if (auto* v = std::get_if<M>(&m)) out.push_back(*v);
  return out;
}

std::string tags(std::string_view wire) {
  std::string out;
  for (auto& c : all_of<CommandComplete>(wire)) out += std::string(c.tag) + ";";
  return out;
}

}  // namespace

TEST_CASE("memory: the login's state is gone once logged in, its cancel key went out whole", "[session][memory]") {
  for (ProtocolVersion version : {protocol_3_0, protocol_3_2}) {
    FakeProductOptions product;
    product.auth = FakeAuth::cleartext;
    FakeDriver d({}, product);
    d.send(startup_bytes("alice", version) + test::encoded(PasswordMessage{"secret"}));
    d.run(false);
    auto keys = all_of<BackendKeyData>(d.output);
    REQUIRE(keys.size() == 1);
    // The fake product hands out cancel_key_length() bytes of 'k' (4 on 3.0,
    // 32 on 3.2): the key was kept whole until BackendKeyData.
    CHECK(keys[0].process_id == 4242);
    CHECK(keys[0].secret_key == std::string(version == protocol_3_2 ? 32 : 4, 'k'));
    // What only authentication needed is gone.
    CHECK(d.machine.auth_response().empty());
    CHECK(d.machine.tls_server_end_point().empty());
    // What the session keeps is still there.
    CHECK(d.machine.client().user == "alice");
    CHECK(d.machine.client().database == "db");
    CHECK(d.machine.process_id() == 4242);
    // The driver's answers that only a login takes are ignored afterwards.
    d.machine.logged_in(1, "zzzz", {{"late", "1"}});
    d.machine.tls_established({});
    CHECK(d.machine.process_id() == 1);
    d.output.clear();
    d.send(test::encoded(Query{"select 1"}));
    d.run(false);
    CHECK(tags(d.output) == "SELECT 1;");
    CHECK_FALSE(d.machine.settings().get("late"));
  }
}

TEST_CASE("memory: sessions given equal options share one copy of them", "[session][memory]") {
  protocol::SessionOptions options;
  options.server_version = "15.4 (memory test)";
  options.engine.flush_threshold = 12345;
  auto a = std::make_unique<protocol::SessionMachine>(options);
  protocol::SessionMachine b(options);
  CHECK(&a->options() == &b.options());
  CHECK(b.options().server_version == "15.4 (memory test)");
  CHECK(b.options().engine.flush_threshold == 12345);
  // Other options are the session's own; the shared copy lives as long as a
  // session holds it.
  protocol::SessionOptions other = options;
  other.engine.limits.max_message = 20000;
  protocol::SessionMachine c(other);
  CHECK(&c.options() != &b.options());
  CHECK(c.options().engine.limits.max_message == 20000);
  a.reset();
  CHECK(b.options().server_version == "15.4 (memory test)");
  // A driver may share its own.
  auto mine = std::make_shared<const protocol::SessionOptions>(options);
  protocol::SessionMachine e(mine);
  CHECK(&e.options() == mine.get());
}

TEST_CASE("memory: the server_version given in the options reaches each session that shares them", "[session][memory]") {
  protocol::SessionOptions options;
  options.server_version = "15.9";
  FakeDriver first(options), second(options);
  for (FakeDriver* d : {&first, &second}) {
    d->send(startup_bytes());
    d->run(false);
    bool seen = false;
    for (auto& p : all_of<ParameterStatus>(d->output))
      if (p.name == "server_version") seen = p.value == "15.9";
    CHECK(seen);
  }
}

namespace {

// A logged-in session of the fake product, its login output dropped.
struct Idle {
  FakeDriver d;
  explicit Idle(FakeProductOptions product = {}) : d({}, std::move(product)) {
    d.send(startup_bytes());
    d.run(false);
    REQUIRE(!all_of<ReadyForQuery>(d.output).empty());
    d.output.clear();
  }
  std::string exchange(std::string_view bytes) {
    d.send(bytes);
    d.run(false);
    return std::exchange(d.output, {});
  }
  std::string query(std::string_view sql) { return exchange(test::encoded(Query{sql})); }
};

std::string codes(std::string_view wire) {
  std::string out;
  for (auto& e : all_of<ErrorResponse>(wire)) out += std::string(e.get(field::sqlstate)) + ";";
  return out;
}

std::string statuses(std::string_view wire) {
  std::string out;
  for (auto& z : all_of<ReadyForQuery>(wire)) out += static_cast<char>(z.status);
  return out;
}

std::string extended(std::string_view sql, std::string_view name = "") {
  return test::encoded(Parse{name, sql, {}}) + test::encoded(Bind{"", name, {}, {}, {}}) +
         test::encoded(Execute{"", 0}) + test::encoded(Sync{});
}

}  // namespace

TEST_CASE("memory: statements outlive the store's release, which the next Parse undoes", "[session][memory]") {
  Idle s;
  // A named statement stays across simple queries (which drop the unnamed one).
  CHECK(tags(s.exchange(extended("select 2", "kept"))) == "SELECT 2;");
  CHECK(tags(s.query("select 1")) == "SELECT 1;");
  std::string again = test::encoded(Bind{"", "kept", {}, {}, {}}) + test::encoded(Execute{"", 0}) +
                      test::encoded(Sync{});
  CHECK(tags(s.exchange(again)) == "SELECT 2;");
  // The unnamed statement alone: a Query drops it, the store holds nothing,
  // and a Bind of it is 26000 as in PostgreSQL; a new Parse works again.
  s.d.machine.deallocate_all();
  CHECK(tags(s.exchange(extended("select 3"))) == "SELECT 3;");
  CHECK(tags(s.query("select 1")) == "SELECT 1;");
  std::string unnamed = test::encoded(Bind{"", "", {}, {}, {}}) + test::encoded(Execute{"", 0}) +
                        test::encoded(Sync{});
  CHECK(codes(s.exchange(unnamed)) == "26000;");
  CHECK(tags(s.exchange(extended("select 4"))) == "SELECT 4;");
  CHECK(tags(s.exchange(extended("select 5"))) == "SELECT 5;");
}

TEST_CASE("memory: cursors and transaction-end hooks come and go with their use", "[session][memory]") {
  Idle s;
  SECTION("a WITH HOLD cursor survives the transaction's end and each ReadyForQuery after it") {
    CHECK(statuses(s.query("begin")) == "T");
    CHECK(tags(s.query("declare c cursor with hold for select 5")) == "DECLARE CURSOR;");
    CHECK(tags(s.query("commit")) == "COMMIT;");
    CHECK(tags(s.query("select 1")) == "SELECT 1;");
    CHECK(tags(s.query("fetch 2 from c")) == "FETCH 2;");
    CHECK(tags(s.query("close c")) == "CLOSE CURSOR;");
    CHECK(codes(s.query("fetch 1 from c")) == "34000;");
    // Declared again after everything was released.
    CHECK(tags(s.query("begin; declare d cursor for select 3; fetch all from d")) == "BEGIN;DECLARE CURSOR;FETCH 3;");
    CHECK(tags(s.query("commit")) == "COMMIT;");
    CHECK(codes(s.query("fetch 1 from d")) == "34000;");  // closed with its transaction
  }
  SECTION("hooks run once at their transaction's end, one registered by a hook at the next") {
    std::vector<std::string> ran;
    s.d.machine.at_transaction_end([&](bool committed) {
      ran.push_back(committed ? "first committed" : "first rolled back");
      s.d.machine.at_transaction_end([&](bool c) { ran.push_back(c ? "second committed" : "second rolled back"); });
    });
    CHECK(tags(s.query("select 1")) == "SELECT 1;");
    CHECK(ran == std::vector<std::string>{"first committed"});
    CHECK(codes(s.query("fail 22012")) == "22012;");
    CHECK(ran == std::vector<std::string>{"first committed", "second rolled back"});
    CHECK(tags(s.query("select 1")) == "SELECT 1;");
    CHECK(ran.size() == 2);
    // A hook registered in a block runs at its COMMIT, not at a ReadyForQuery before it.
    CHECK(statuses(s.query("begin")) == "T");
    s.d.machine.at_transaction_end([&](bool c) { ran.push_back(c ? "block committed" : "block rolled back"); });
    CHECK(tags(s.query("select 1")) == "SELECT 1;");
    CHECK(ran.size() == 2);
    CHECK(tags(s.query("commit")) == "COMMIT;");
    CHECK(ran.back() == "block committed");
  }
}

TEST_CASE("memory: a SET's transaction state survives ReadyForQuery inside a block, and is gone after", "[session][memory]") {
  Idle s;
  auto reports = [](std::string_view wire) {
    std::string out;
    for (auto& p : all_of<ParameterStatus>(wire)) out += std::string(p.name) + "=" + std::string(p.value) + ";";
    return out;
  };
  CHECK(statuses(s.query("begin")) == "T");
  CHECK(reports(s.query("set application_name one")) == "application_name=one;");
  CHECK(reports(s.query("setlocal DateStyle German")) == "DateStyle=german;");  // the fake folds case
  CHECK(reports(s.query("select 1")) == "");
  CHECK(reports(s.query("rollback")) == "application_name=;DateStyle=ISO, MDY;");
  CHECK_FALSE(s.d.machine.settings().get("application_name"));  // not set at login
  CHECK(reports(s.query("set application_name two")) == "application_name=two;");
  CHECK(reports(s.query("select 1")) == "");
  CHECK(s.d.machine.settings().get("application_name") == "two");
  CHECK(statuses(s.query("begin")) == "T");
  CHECK(reports(s.query("setlocal application_name three")) == "application_name=three;");
  CHECK(reports(s.query("commit")) == "application_name=two;");
}

TEST_CASE("memory: a cancel hook lives until its statement ends, the last one set wins", "[session][memory]") {
  Idle s;
  auto token = std::make_shared<int>(0);
  int first = 0, second = 0;
  s.d.machine.on_cancel([token, &first] { ++first; });
  s.d.machine.on_cancel([token, &second] { ++second; });
  CHECK(token.use_count() == 2);  // the first one was dropped when replaced
  CHECK_FALSE(s.d.machine.take_cancel_hook());  // no cancel requested
  CHECK(token.use_count() == 2);
  CHECK(tags(s.query("select 1")) == "SELECT 1;");
  CHECK(token.use_count() == 1);  // dropped with the statement
  s.d.machine.on_cancel(nullptr);
  CHECK(token.use_count() == 1);
  // The fake's "cancelme" sets a hook, cancels and runs it from the driver.
  CHECK(codes(s.query("cancelme")) == "57014;");
  CHECK(s.d.cancel_hooks == 1);
  CHECK(first == 0);
  CHECK(second == 0);
}

TEST_CASE("memory: the push queue is made when first asked for, with the driver's waker and the pid", "[session][memory][push]") {
  SECTION("asked for after login") {
    Idle s;
    int woken = 0;
    s.d.machine.set_push_waker([&woken] { ++woken; });
    // Nothing pushed, nothing to drain: the session goes on without a queue.
    CHECK(tags(s.query("select 1")) == "SELECT 1;");
    Buffer out;
    CHECK_FALSE(s.d.machine.take_pushes_while_reading(out));
    auto h = s.d.machine.handle();
    REQUIRE(h);
    CHECK(h == s.d.machine.handle());  // one queue per session
    CHECK(h->process_id() == 4242);
    CHECK(h->notify(7, "ch", "hello"));
    CHECK(woken == 1);  // the waker set before the queue existed was handed over
    CHECK(s.d.machine.take_pushes_while_reading(out));
    auto notes = all_of<NotificationResponse>(out.view());
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].channel == "ch");
    // A waker set once the queue exists goes straight to it.
    int later = 0;
    s.d.machine.set_push_waker([&later] { ++later; });
    CHECK(h->notice(ErrorInfo::notice("n")));
    CHECK(later == 1);
    CHECK(woken == 1);
  }
  SECTION("asked for before the startup packet: the pid arrives at login") {
    FakeDriver d;
    auto h = d.machine.handle();
    CHECK(h->process_id() == 0);
    d.send(startup_bytes());
    d.run(false);
    CHECK(h->process_id() == 4242);
    CHECK(h->notify(1, "early", "x"));
    d.output.clear();
    d.send(test::encoded(Query{"select 1"}));
    d.run(false);
    CHECK(all_of<NotificationResponse>(d.output).size() == 1);  // delivered before ReadyForQuery
  }
  SECTION("many threads asking at once get the same queue") {
    Idle s;
    std::vector<std::shared_ptr<SessionHandle>> got(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < got.size(); ++i)
      threads.emplace_back([&s, &got, i] { got[i] = s.d.machine.handle(); });
    for (auto& t : threads) t.join();
    for (auto& h : got) CHECK(h == got[0]);
    CHECK(got[0]->alive());
  }
  SECTION("the queue outlives the session and refuses pushes after it") {
    std::shared_ptr<SessionHandle> h;
    {
      Idle s;
      h = s.d.machine.handle();
    }
    CHECK_FALSE(h->alive());
    CHECK_FALSE(h->notify(1, "c", "p"));
  }
}

namespace {

// A driver that answers Need::execute / Need::prepare as told, right or
// wrong: give() now writes into the asking coroutine's variable, and an
// answer of the wrong kind must end that statement, not the process.
struct WrongAnswers {
  protocol::SessionMachine m;
  std::string out;
  bool give_at_prepare = false;  // give(Response) where done() belongs
  bool done_at_execute = false;  // done() where give(Response) belongs

  void run(std::string_view input) {
    m.on_input(input);
    for (;;) {
      protocol::Need n = m.next();
      out.append(m.output().view());
      m.output().clear();
      switch (n) {
        case protocol::Need::read: return;
        case protocol::Need::write: break;
        case protocol::Need::authenticate: m.logged_in(1, "kkkk", {}); break;
        case protocol::Need::prepare:
          if (give_at_prepare) {
            m.give(Response::command("X"));
          } else {
            m.done();
          }
          break;
        case protocol::Need::execute:
          if (done_at_execute) {
            m.done();
          } else {
            m.give(Response::command("SELECT 0"));
          }
          break;
        case protocol::Need::bind:
        case protocol::Need::sync: m.done(); break;
        default: FAIL("unexpected request " << protocol::to_string(n)); return;
      }
    }
  }
};

}  // namespace

TEST_CASE("memory: an answer of the wrong kind is the statement's XX000, and the next one is answered", "[session][memory]") {
  WrongAnswers w;
  w.run(startup_bytes());
  REQUIRE(statuses(w.out) == "I");
  w.out.clear();
  std::string batch = extended("select 1");
  w.give_at_prepare = true;
  w.run(batch);
  CHECK(codes(w.out) == "XX000;");
  CHECK(statuses(w.out) == "I");
  w.out.clear();
  w.give_at_prepare = false;
  w.done_at_execute = true;
  w.run(batch);
  CHECK(codes(w.out) == "XX000;");
  w.out.clear();
  w.done_at_execute = false;
  w.run(batch);
  CHECK(codes(w.out).empty());
  CHECK(tags(w.out) == "SELECT 0;");
}
