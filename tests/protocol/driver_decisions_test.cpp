// The decisions the Asio driver (src/server/connection.cpp) asks of the
// protocol layer, by bytes alone on a sans-io session: whose turn it is to
// write (OutputTurns), how a session ends on the server's side
// (SessionEnding), the deadline of the idle wait (IdleWait), what a
// cancellation may abort (CallCancellation), and when a connection gets no
// session at all (flood_cap.hpp). The same through real sockets:
// tests/session/ (copy_notify, operations) and tests/server/.

#include <chrono>

#include "pgwire/protocol/call_cancellation.hpp"
#include "pgwire/protocol/flood_cap.hpp"
#include "pgwire/protocol/idle_wait.hpp"
#include "pgwire/protocol/output_turns.hpp"
#include "pgwire/protocol/session_ending.hpp"
#include "support/codec_util.hpp"
#include "support/fake_driver.hpp"

using namespace pgwire;
using namespace std::chrono_literals;
using protocol::OutputTurns;
using protocol::SessionEnding;
using test::FakeDriver;
using test::startup_bytes;

namespace {

// Backend message types, an error as "E <severity> <code>".
std::string kinds(std::string_view wire) {
  std::string out;
  while (!wire.empty()) {
    FrameResult r = parse_backend_frame(wire);
    REQUIRE(r.complete());
    BackendMessage m;
    REQUIRE_FALSE(decode_backend(r.frame, m));
    wire.remove_prefix(r.size);
    if (!out.empty()) out += ' ';
    if (auto* e = std::get_if<ErrorResponse>(&m)) {
      out += "E " + std::string(e->get(field::severity)) + " " + std::string(e->get(field::sqlstate));
    } else {
      out += message_type(m);
    }
  }
  return out;
}

void log_in(FakeDriver& d) {
  d.send(startup_bytes());
  d.run(false);
  REQUIRE(d.machine.phase() == protocol::Phase::ready);
  d.output.clear();
}

void query(FakeDriver& d, std::string_view sql) {
  d.send(test::encoded(Query{sql}));
  d.run(false);
  d.output.clear();
}

}  // namespace

TEST_CASE("turns: a push goes at once while the session waits, one write at a time", "[driver][push]") {
  FakeDriver d;
  d.eof = false;
  log_in(d);
  OutputTurns turns;
  Buffer out;
  CHECK_FALSE(turns.start_push(d.machine, out));  // nothing pushed: no write
  CHECK(turns.may_flush() == OutputTurns::Flush::now);

  REQUIRE(d.machine.handle()->notify(7, "ch", "one"));
  REQUIRE(turns.start_push(d.machine, out));
  CHECK(kinds(out.view()) == "A");
  CHECK(turns.may_flush() == OutputTurns::Flush::after_push);  // the session's own output waits

  SECTION("a push meanwhile goes in the same turn, after the write") {
    REQUIRE(d.machine.handle()->notify(7, "ch", "two"));
    Buffer other;
    CHECK_FALSE(turns.start_push(d.machine, other));  // the running write takes it
    CHECK(other.empty());
    REQUIRE(turns.push_written(d.machine, out));
    CHECK(kinds(out.view()) == "A");
    CHECK_FALSE(turns.push_written(d.machine, out));
    CHECK(out.empty());
    CHECK(turns.may_flush() == OutputTurns::Flush::now);
  }
  SECTION("a failed write ends the turns: no write starts any more") {
    turns.push_failed(out);
    CHECK(out.empty());
    CHECK(turns.may_flush() == OutputTurns::Flush::closed);
    REQUIRE(d.machine.handle()->notify(7, "ch", "two"));
    CHECK_FALSE(turns.start_push(d.machine, out));
  }
}

TEST_CASE("turns: inside a transaction block a notification waits for its end", "[driver][push]") {
  FakeDriver d;
  d.eof = false;
  log_in(d);
  query(d, "begin");
  OutputTurns turns;
  Buffer out;
  REQUIRE(d.machine.handle()->notify(7, "ch", "later"));
  CHECK_FALSE(turns.start_push(d.machine, out));
  CHECK(turns.may_flush() == OutputTurns::Flush::now);
  d.send(test::encoded(Query{"commit"}));
  d.run(false);
  CHECK(kinds(d.output) == "C A Z");  // the machine sends it itself, before ReadyForQuery
}

TEST_CASE("turns: a copy-both's data go while the session waits inside it", "[driver][push]") {
  FakeDriver d;
  d.eof = false;
  log_in(d);
  Bind b;
  d.send(test::encoded(Parse{"", "copyboth 0", {}}).s + test::encoded(b).s + test::encoded(Execute{"", 0}).s);
  d.run(false);
  REQUIRE(kinds(d.output) == "1 2 W");
  OutputTurns turns;
  Buffer out;
  REQUIRE(d.machine.handle()->copy_data("streamed"));
  REQUIRE(turns.start_push(d.machine, out));
  CHECK(kinds(out.view()) == "d");
  CHECK_FALSE(turns.push_written(d.machine, out));
}

TEST_CASE("ending: a shutdown ends a session at once only where it would end anyway", "[driver][ending]") {
  FakeDriver d;
  d.eof = false;
  SessionEnding ending;
  SECTION("before the login") {
    CHECK(ending.shutdown(d.machine));
    CHECK(ending.terminating());
    CHECK_FALSE(ending.login_limit_applies());  // the login ends at once
    CHECK(ending.login_timer_won(d.machine) == SessionEnding::LoginEnd::terminated);
    CHECK(d.machine.output().empty());  // no startup packet yet: nothing sent
  }
  SECTION("idle, logged in") {
    log_in(d);
    CHECK(ending.shutdown(d.machine));
    d.machine.terminate();
    CHECK(kinds(d.machine.output().view()) == "E FATAL 57P01");
  }
  SECTION("in a transaction block: not yet; the machine ends it after the block") {
    log_in(d);
    query(d, "begin");
    CHECK_FALSE(ending.shutdown(d.machine));
    CHECK_FALSE(ending.terminating());
    d.send(test::encoded(Query{"commit"}));
    d.run(false);
    CHECK(kinds(d.output) == "C Z E FATAL 57P01");
    CHECK(d.finished);
  }
}

TEST_CASE("ending: authentication_timeout is FATAL 57014 and reported once authentication began",
          "[driver][ending]") {
  SessionEnding ending;
  CHECK(ending.login_limit_applies());
  SECTION("before the startup packet: nothing sent, nothing reported") {
    FakeDriver d;
    d.eof = false;
    d.run(false);
    CHECK(ending.login_timer_won(d.machine) == SessionEnding::LoginEnd::timed_out);
    CHECK(d.machine.output().empty());
  }
  SECTION("during a password exchange") {
    test::FakeProductOptions product;
    product.auth = test::FakeAuth::cleartext;
    FakeDriver d({}, product);
    d.eof = false;
    d.send(startup_bytes());
    d.run(false);
    REQUIRE(kinds(d.output) == "R");  // AuthenticationCleartextPassword
    CHECK(ending.login_timer_won(d.machine) == SessionEnding::LoginEnd::timed_out_reported);
    CHECK(kinds(d.machine.output().view()) == "E FATAL 57014");
  }
}

TEST_CASE("ending: the idle limit's FATAL, or 57P01 when terminated meanwhile", "[driver][ending]") {
  protocol::SessionOptions o;
  o.idle_session_timeout = 5s;
  FakeDriver d(o);
  d.eof = false;
  log_in(d);
  SessionEnding ending;
  SECTION("idle") {
    ending.idle_limit_won(d.machine);
    CHECK(kinds(d.machine.output().view()) == "E FATAL 57P05");
  }
  SECTION("terminated") {
    ending.terminate();
    ending.idle_limit_won(d.machine);
    CHECK(kinds(d.machine.output().view()) == "E FATAL 57P01");
  }
  CHECK(d.machine.next() == protocol::Need::close);
}

TEST_CASE("idle wait: the limit covers the whole wait for the next message", "[driver][idle]") {
  using protocol::IdleWait;
  protocol::SessionOptions o;
  o.idle_session_timeout = 5s;
  FakeDriver d(o);
  d.eof = false;
  CHECK_FALSE(IdleWait::limit(d.machine));  // the login: authentication_timeout's
  log_in(d);
  CHECK(IdleWait::between_statements(d.machine));
  REQUIRE(IdleWait::limit(d.machine) == std::optional(std::chrono::milliseconds(5s)));

  IdleWait wait;
  IdleWait::Clock::time_point t0{};
  CHECK_FALSE(wait.step_begins());
  CHECK(wait.deadline(5s, false, t0) == t0 + 5s);
  wait.read_in_time();
  SECTION("a message trickling in keeps the first deadline") {
    bool continues = wait.step_begins();
    CHECK(continues);
    CHECK(wait.deadline(5s, continues, t0 + 4s) == t0 + 5s);
  }
  SECTION("any other step between two reads starts a new wait") {
    CHECK(wait.step_begins());   // a write, say
    CHECK_FALSE(wait.step_begins());  // the next read
    CHECK(wait.deadline(5s, false, t0 + 4s) == t0 + 9s);
  }
  SECTION("part of a message read: not between statements, no limit inside a batch") {
    std::string parse = test::encoded(Parse{"", "select 1", {}});
    d.machine.on_input(std::string_view(parse).substr(0, 3));
    CHECK_FALSE(IdleWait::between_statements(d.machine));
    d.machine.on_input(std::string_view(parse).substr(3));
    d.run(false);
    CHECK_FALSE(IdleWait::limit(d.machine));  // an extended batch has begun: no ReadyForQuery yet
  }
}

TEST_CASE("cancellation: reaches a product call, never the driver's work inside it", "[driver][cancel]") {
  protocol::CallCancellation c;
  CHECK_FALSE(c.request());  // no product call: nothing to cancel (and nothing to reset later)
  auto call = c.begin_call();
  REQUIRE(call.outermost);
  SECTION("during the call: signalled at once, reset after") {
    CHECK(c.request());
    CHECK(c.end_call(call));
  }
  SECTION("a call inside it is covered by the outer one") {
    CHECK_FALSE(c.begin_call().outermost);
    CHECK(c.request());
    CHECK(c.end_call(call));
  }
  SECTION("during the driver's work: not signalled (the machine's flag carries a CancelRequest)") {
    auto shield = c.begin_shield();
    CHECK_FALSE(shield.requested);
    CHECK_FALSE(c.request());
    CHECK_FALSE(c.end_shield(shield));
    CHECK_FALSE(c.end_call(call));
  }
  SECTION("a cancellation the call got already is reset before the driver's work, then signalled again") {
    CHECK(c.request());
    auto shield = c.begin_shield();
    CHECK(shield.requested);
    CHECK(c.end_shield(shield));
    CHECK(c.end_call(call));
  }
  SECTION("a product call inside the driver's work is cancellable again; the request stays for the outer call") {
    auto shield = c.begin_shield();
    auto inner = c.begin_call();
    REQUIRE(inner.outermost);
    CHECK(c.request());
    CHECK(c.end_call(inner));
    CHECK(c.end_shield(shield));
    CHECK(c.end_call(call));
  }
  SECTION("no cancellation: nothing to reset") {
    CHECK_FALSE(c.end_call(call));
  }
  CHECK_FALSE(c.request());  // the call is over
}

TEST_CASE("flood cap: past twice max_connections a connection gets no session", "[driver][limits]") {
  using protocol::refuse_without_session;
  CHECK_FALSE(refuse_without_session(1000000, 0));  // no limit
  CHECK_FALSE(refuse_without_session(5, 3));        // beyond the limit: a session that refuses (53300)
  CHECK(refuse_without_session(6, 3));
  CHECK(refuse_without_session(7, 3));
  Buffer refusal = protocol::refusal_without_session();
  CHECK(kinds(refusal.view()) == "E FATAL 53300");
}
