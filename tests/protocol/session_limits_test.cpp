// The operational decisions of the session machine, by bytes alone
// (src/protocol/session_limits.cpp): too many clients (53300 before any
// authentication), which idle timeout applies at ReadyForQuery and what it
// sends (57P05, 25P03), and the end of a session by shutdown (57P01).

#include <chrono>

#include "support/codec_util.hpp"
#include "support/fake_driver.hpp"

using namespace pgwire;
using namespace std::chrono_literals;
using test::FakeAuth;
using test::FakeDriver;
using test::startup_bytes;

namespace {

std::string q(std::string_view sql) { return test::encoded(Query{sql}); }

// Message types of the backend stream, errors as "E <severity> <code>",
// ReadyForQuery as "Z <status>".
std::vector<std::string> kinds(std::string_view wire) {
  std::vector<std::string> out;
  while (!wire.empty()) {
    FrameResult r = parse_backend_frame(wire);
    REQUIRE(r.complete());
    BackendMessage m;
    REQUIRE_FALSE(decode_backend(r.frame, m));
    wire.remove_prefix(r.size);
    if (auto* e = std::get_if<ErrorResponse>(&m)) {
      out.push_back("E " + std::string(e->get(field::severity)) + " " + std::string(e->get(field::sqlstate)));
    } else if (auto* z = std::get_if<ReadyForQuery>(&m)) {
      out.push_back(std::string("Z ") + static_cast<char>(z->status));
    } else {
      out.push_back(std::string(1, message_type(m)));
    }
  }
  return out;
}

std::string message_of(std::string_view wire) {
  FrameResult r = parse_backend_frame(wire);
  REQUIRE(r.complete());
  BackendMessage m;
  REQUIRE_FALSE(decode_backend(r.frame, m));
  auto* e = std::get_if<ErrorResponse>(&m);
  REQUIRE(e != nullptr);
  return std::string(e->get(field::message));
}

using V = std::vector<std::string>;

// Logged in and waiting for the client, login output dropped.
void log_in(FakeDriver& d) {
  d.send(startup_bytes());
  d.run(false);
  REQUIRE(kinds(d.output).back() == "Z I");
  d.output.clear();
}

std::vector<std::string> answer_to(FakeDriver& d, std::string_view bytes) {
  d.send(bytes);
  d.run(false);
  auto k = kinds(d.output);
  d.output.clear();
  return k;
}

}  // namespace

TEST_CASE("limits: too many clients gets 53300 after the startup packet, before authentication", "[limits]") {
  test::FakeProductOptions product;
  product.auth = FakeAuth::cleartext;  // authentication work would show as 'R'
  FakeDriver d({}, product);
  d.machine.refuse_too_many_clients();
  d.send(startup_bytes());
  d.run(false);
  CHECK(kinds(d.output) == V{"E FATAL 53300"});
  CHECK(message_of(d.output) == "sorry, too many clients already");
  CHECK(d.finished);
}

TEST_CASE("limits: a CancelRequest is served even when the server is full", "[limits]") {
  FakeDriver d;
  d.machine.refuse_too_many_clients();
  d.send(test::encoded(CancelRequest{7, "abcd"}));
  d.run(false);
  CHECK(d.cancels == 1);
  CHECK(d.output.empty());
}

TEST_CASE("limits: the idle timeout that applies follows the transaction status", "[limits]") {
  protocol::SessionOptions o;
  o.idle_session_timeout = 5s;
  o.idle_in_transaction_session_timeout = 7s;
  FakeDriver d(o);
  CHECK_FALSE(d.machine.idle_limit());  // not before login (authentication_timeout covers that)
  log_in(d);
  CHECK(d.machine.waiting_at_ready_for_query());
  CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(5s)));
  CHECK(answer_to(d, q("begin")) == V{"C", "Z T"});
  CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(7s)));
  CHECK(answer_to(d, q("commit")) == V{"C", "Z I"});
  CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(5s)));

  SECTION("none inside an extended-query batch (no ReadyForQuery yet)") {
    CHECK(answer_to(d, test::encoded(Parse{"", "select 1", {}})) == V{});
    CHECK_FALSE(d.machine.waiting_at_ready_for_query());
    CHECK_FALSE(d.machine.idle_limit());
  }
  SECTION("a failed block counts as in a transaction") {
    CHECK(answer_to(d, q("begin")) == V{"C", "Z T"});
    answer_to(d, q("fail"));
    CHECK(d.machine.transaction_status() == TransactionStatus::failed);
    CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(7s)));
  }
  SECTION("the session may SET its own, 0 turns it off") {
    d.machine.settings().set("idle_session_timeout", "2min");
    CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(2min)));
    d.machine.settings().set("idle_session_timeout", "0");
    CHECK_FALSE(d.machine.idle_limit());
    d.machine.settings().set("idle_session_timeout", "nonsense");  // unreadable: the server's
    CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(5s)));
  }
  SECTION("a SET undone by its transaction's rollback no longer applies") {
    d.machine.settings().set("idle_session_timeout", "2min");
    CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(2min)));
    d.machine.settings().rollback();
    CHECK(d.machine.idle_limit() == std::optional(std::chrono::milliseconds(5s)));
  }
}

TEST_CASE("limits: no idle timeout unless configured", "[limits]") {
  FakeDriver d;
  log_in(d);
  CHECK(d.machine.waiting_at_ready_for_query());
  CHECK_FALSE(d.machine.idle_limit());
}

TEST_CASE("limits: idle timeouts end the session with PostgreSQL's FATAL", "[limits]") {
  FakeDriver d;
  log_in(d);
  SECTION("idle: 57P05") {
    d.machine.idle_limit_expired();
    std::string out(d.machine.output().view());
    CHECK(kinds(out) == V{"E FATAL 57P05"});
    CHECK(message_of(out) == "terminating connection due to idle-session timeout");
  }
  SECTION("in a transaction block: 25P03") {
    CHECK(answer_to(d, q("begin")) == V{"C", "Z T"});
    d.machine.idle_limit_expired();
    std::string out(d.machine.output().view());
    CHECK(kinds(out) == V{"E FATAL 25P03"});
    CHECK(message_of(out) == "terminating connection due to idle-in-transaction timeout");
  }
  CHECK(d.machine.next() == protocol::Need::close);
}

TEST_CASE("limits: a shutdown ends the session when it next waits outside a block", "[limits]") {
  FakeDriver d;
  log_in(d);
  SECTION("idle: at once") {
    CHECK_FALSE(d.machine.shutdown_ends_wait());
    d.machine.shutdown_requested();
    CHECK(d.machine.shutdown_ends_wait());  // the driver stops its wait and terminates
    d.machine.terminate();
    std::string out(d.machine.output().view());
    CHECK(kinds(out) == V{"E FATAL 57P01"});
    CHECK(message_of(out) == "terminating connection due to administrator command");
  }
  SECTION("an extended-query batch under way finishes first") {
    CHECK(answer_to(d, test::encoded(Parse{"", "select 1", {}})) == V{});
    d.machine.shutdown_requested();
    CHECK_FALSE(d.machine.shutdown_ends_wait());
    Bind b;
    d.send(test::encoded(b).s + test::encoded(Execute{"", 0}).s + test::encoded(Sync{}).s);
    d.run(false);
    CHECK(kinds(d.output) == V{"1", "2", "D", "C", "Z I", "E FATAL 57P01"});
    CHECK(d.finished);
  }
  SECTION("a transaction block may end first") {
    CHECK(answer_to(d, q("begin")) == V{"C", "Z T"});
    d.machine.shutdown_requested();
    CHECK_FALSE(d.machine.shutdown_ends_wait());
    CHECK(answer_to(d, q("select 1")) == V{"T", "D", "C", "Z T"});
    CHECK_FALSE(d.finished);
    CHECK(answer_to(d, q("commit")) == V{"C", "Z I", "E FATAL 57P01"});
    CHECK(d.finished);
  }
}

TEST_CASE("limits: terminate before the startup packet sends nothing", "[limits]") {
  FakeDriver d;
  d.run(false);  // waits for the startup packet
  d.machine.terminate();
  CHECK(d.machine.output().empty());
  CHECK(d.machine.next() == protocol::Need::close);
}
