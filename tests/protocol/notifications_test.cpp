// NotificationHub's rules by bytes alone: two sans-io sessions (SyncDriver,
// no sockets) share one hub; what each client receives is read from the
// session's output. The same rules through the Asio driver are in
// tests/session/copy_notify_test.cpp.

#include <pgwire/api/notifications.hpp>
#include <pgwire/protocol/sql_text.hpp>

#include "support/catch.hpp"
#include "support/codec_util.hpp"
#include "support/sync_driver.hpp"

using namespace pgwire;

namespace {

// A product that is nothing but the hub, plus BEGIN/COMMIT/ROLLBACK.
class HubSession final : public test::SyncDriver {
 public:
  HubSession(NotificationHub& hub, std::int32_t pid) : hub_(hub), pid_(pid) {
    StartupMessage m;
    m.parameters = {{"user", "u"}};
    send(test::encoded(m));
    run(false);
    output.clear();
  }

  // Sends a simple Query; returns the backend messages' type letters (with
  // "A<payload>" for a notification) up to where the session waits again.
  std::string exchange(std::string_view sql) {
    send(test::encoded(Query{sql}));
    run(false);
    return drain_output();
  }
  // What the session sends while it waits for the client (the driver's wake-up).
  std::string pushed() {
    Buffer b;
    machine.take_pushes_while_reading(b);
    std::string out = output;
    output.assign(b.view());
    std::string s = drain_output();
    output = out;
    return s;
  }

 private:
  std::string drain_output() {
    std::string s;
    std::string_view wire = output;
    while (!wire.empty()) {
      FrameResult r = parse_backend_frame(wire);
      REQUIRE(r.complete());
      BackendMessage m;
      REQUIRE_FALSE(decode_backend(r.frame, m));
      s.push_back(r.frame.type);
      if (auto* a = std::get_if<NotificationResponse>(&m))
        s += "<" + std::to_string(a->process_id) + ":" + std::string(a->channel) + ":" + std::string(a->payload) + ">";
      wire.remove_prefix(r.size);
    }
    output.clear();
    return s;
  }

  void authenticate() override { machine.logged_in(pid_, "kkkk", {}); }
  Response execute(Portal& p) override { return answer(p.statement->sql); }
  std::vector<Response> query(std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      out.push_back(answer(stmt));
      if (out.back().kind() == Response::Kind::error) break;
    }
    return out;
  }
  bool fill(RowStream&, RowWriter&) override { throw std::logic_error("no rows here"); }
  Response answer(std::string_view stmt) {
    if (auto r = hub_.answer(machine, stmt)) return std::move(*r);
    if (stmt == "begin") return Response::begin();
    if (stmt == "commit") return Response::commit();
    if (stmt == "rollback") return Response::rollback();
    return Response::error(ErrorInfo::error("42601", "unknown"));
  }

  NotificationHub& hub_;
  std::int32_t pid_;
};

}  // namespace

TEST_CASE("NotificationHub by bytes: delivery at commit, to idle listeners", "[notify]") {
  NotificationHub hub;
  HubSession listener(hub, 1);
  HubSession notifier(hub, 2);
  CHECK(listener.exchange("LISTEN ch") == "CZ");
  CHECK(hub.listeners("ch") == 1);

  SECTION("an idle listener's session hands the push to its driver at once") {
    CHECK(notifier.exchange("NOTIFY ch, 'x'") == "CZ");
    CHECK(listener.pushed() == "A<2:ch:x>");
  }
  SECTION("the notifying session gets its own before ReadyForQuery") {
    CHECK(listener.exchange("NOTIFY ch, 'me'") == "CA<1:ch:me>Z");
  }
  SECTION("a transaction block: at COMMIT, folded; nothing after ROLLBACK") {
    CHECK(notifier.exchange("begin; NOTIFY ch, 'a'; NOTIFY ch, 'a'; NOTIFY ch, 'b'") == "CCCCZ");
    CHECK(listener.pushed().empty());
    CHECK(notifier.exchange("commit") == "CZ");
    CHECK(listener.pushed() == "A<2:ch:a>A<2:ch:b>");
    CHECK(notifier.exchange("begin; NOTIFY ch, 'lost'") == "CCZ");
    CHECK(notifier.exchange("rollback") == "CZ");
    CHECK(listener.pushed().empty());
  }
  SECTION("an error in an implicit transaction rolls its NOTIFY back") {
    CHECK(notifier.exchange("NOTIFY ch, 'no'; bogus") == "CEZ");
    CHECK(listener.pushed().empty());
  }
  SECTION("a listener inside a block gets it when its block ends") {
    CHECK(listener.exchange("begin") == "CZ");
    CHECK(notifier.exchange("NOTIFY ch, 'held'") == "CZ");
    CHECK(listener.pushed().empty());
    CHECK(listener.exchange("commit") == "CA<2:ch:held>Z");
  }
  SECTION("LISTEN and UNLISTEN take effect at commit") {
    CHECK(notifier.exchange("begin; LISTEN ch") == "CCZ");
    CHECK(hub.listeners("ch") == 1);
    CHECK(notifier.exchange("rollback") == "CZ");
    CHECK(hub.listeners("ch") == 1);
    CHECK(listener.exchange("begin; UNLISTEN *") == "CCZ");
    CHECK(hub.listeners("ch") == 1);
    CHECK(listener.exchange("commit") == "CZ");
    CHECK(hub.listeners("ch") == 0);
  }
  SECTION("limits: 22023 for an empty channel or an 8000-byte payload; 25P02 in a failed block") {
    CHECK(notifier.exchange("NOTIFY \"\"") == "EZ");
    CHECK(notifier.exchange("NOTIFY ch, '" + std::string(8000, 'p') + "'") == "EZ");
    CHECK(notifier.exchange("begin; bogus") == "CEZ");
    CHECK(notifier.exchange("NOTIFY ch") == "EZ");
  }
}
