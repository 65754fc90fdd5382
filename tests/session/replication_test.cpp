// Logical replication through a real pgwire::Server: walsender sessions
// (the session machine's rules), the ReplicationHub's command answers with
// PostgreSQL 15's shapes and errors, and START_REPLICATION streaming in both
// plugin formats with feedback, restart, keepalives and backpressure. The
// hub runs without its own thread: the test calls run_pending() itself, so
// every stream step happens at a point the test chooses.

#include <pgwire/api/auth.hpp>
#include <pgwire/api/replication.hpp>
#include <pgwire/codec/replication.hpp>
#include <pgwire/replication/lsn.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using replication::TupleValue;
using test::Client;
using test::TestServer;

namespace {

RelationPtr table(Oid oid, std::string name) {
  return std::make_shared<replication::Relation>(replication::Relation{
      oid, "public", std::move(name), replication::ReplicaIdentity::default_,
      {{"id", oid::int4, -1, "integer", true}, {"note", oid::text, -1, "text"}}});
}

class Product final : public SimpleQueryHandler {
 public:
  explicit Product(std::shared_ptr<ReplicationHub> h) : hub(std::move(h)) {}
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    if (auto r = hub->answer(session, sql)) {
      out.push_back(std::move(*r));
    } else {
      out.push_back(Response::command("SQL"));  // what the product runs itself
    }
    co_return out;
  }
  std::shared_ptr<ReplicationHub> hub;
};

std::shared_ptr<ReplicationHub> make_hub() {
  ReplicationHub::Options o;
  o.own_thread = false;
  o.system_identifier = 7716138040202053293ull;
  o.wal_sender_timeout = std::chrono::milliseconds(60000);
  o.publication = [](std::string_view name) -> std::optional<std::function<bool(const replication::Relation&)>> {
    if (name != "p") return std::nullopt;
    return [](const replication::Relation& r) { return r.name == "published"; };
  };
  o.may_replicate = [](const ClientInfo& c) { return c.user != "plain"; };
  return std::make_shared<ReplicationHub>(std::move(o));
}

struct Fixture {
  std::shared_ptr<ReplicationHub> hub = make_hub();
  TestServer server{{}, {require_replication_role(make_trust_auth(), hub), std::make_shared<Product>(hub)}};
  RelationPtr orders = table(16389, "orders");
};

// A walsender client: logs in with `replication`, answers as a summary.
struct Walsender : Client {
  Walsender(std::uint16_t port, std::string mode = "database", std::string user = "repl") : Client(port) {
    StartupMessage m;
    m.parameters = {{"user", user}, {"database", "shop"}, {"replication", mode}};
    send(m);
  }
  // The rows of a query's single result, "a|b" per row, or "E <sqlstate>".
  std::vector<std::string> query(std::string sql) {
    send(Query{sql});
    std::vector<std::string> out;
    for (;;) {
      BackendMessage m = recv();
      if (auto* d = std::get_if<DataRow>(&m)) {
        std::string row;
        for (std::size_t i = 0; i < d->values.size(); ++i)
          row += (i ? "|" : "") + (d->values[i] ? std::string(*d->values[i]) : std::string("NULL"));
        out.push_back(row);
      } else if (auto* e = std::get_if<ErrorResponse>(&m)) {
        out.push_back("E " + std::string(e->get(field::sqlstate)));
      } else if (auto* c = std::get_if<CommandComplete>(&m)) {
        out.push_back("C " + std::string(c->tag));
      } else if (std::holds_alternative<ReadyForQuery>(m)) {
        return out;
      }
    }
  }
  // The next replication message of the stream.
  ReplicationMessage next() {
    auto d = std::get<CopyData>(recv());
    ReplicationMessage m;
    REQUIRE_FALSE(decode_replication(d.data, m));
    return m;
  }
  std::string next_text() { return std::string(std::get<XLogData>(next()).data); }
  void feedback(Lsn flushed, std::uint8_t reply = 0) {
    Buffer b;
    encode(StandbyStatusUpdate{flushed, flushed, flushed, 0, reply}, b);
    send_raw(b.view());
  }
  // CopyDone both ways, "COPY 0", "START_REPLICATION", ReadyForQuery.
  void stop() {
    send(CopyDone{});
    for (;;) {
      BackendMessage m = recv();
      if (std::holds_alternative<CopyDone>(m)) break;  // skips what was still in flight
    }
    CHECK(std::get<CommandComplete>(recv()).tag == "COPY 0");
    CHECK(std::get<CommandComplete>(recv()).tag == "START_REPLICATION");
    CHECK(std::holds_alternative<ReadyForQuery>(recv()));
  }
};

ChangeSet insert(const RelationPtr& t, std::string id, std::string note) {
  ChangeSet c;
  c.insert(t, {TupleValue::of(std::move(id)), TupleValue::of(std::move(note))});
  return c;
}

}  // namespace

TEST_CASE("replication: walsender sessions as PostgreSQL's", "[replication]") {
  Fixture f;
  SECTION("replication=database: commands with their shapes, SQL to the product, extended query refused") {
    Walsender c(f.server.port());
    c.until_ready();
    auto id = c.query("IDENTIFY_SYSTEM");
    REQUIRE(id.size() == 2);
    CHECK(id[0] == "7716138040202053293|1|" + replication::format_lsn(f.hub->current_lsn()) + "|shop");
    CHECK(id[1] == "C IDENTIFY_SYSTEM");
    CHECK(c.query("SHOW data_directory_mode") == std::vector<std::string>{"0700", "C SHOW"});
    CHECK(c.query("SHOW no_such_thing") == std::vector<std::string>{"E 42704"});
    auto created = c.query("CREATE_REPLICATION_SLOT s1 LOGICAL test_decoding NOEXPORT_SNAPSHOT");
    CHECK(created == std::vector<std::string>{"s1|" + replication::format_lsn(f.hub->current_lsn()) +
                                                  "|NULL|test_decoding",
                                              "C CREATE_REPLICATION_SLOT"});
    CHECK(c.query("CREATE_REPLICATION_SLOT s1 LOGICAL test_decoding") == std::vector<std::string>{"E 42710"});
    CHECK(c.query("CREATE_REPLICATION_SLOT s2 LOGICAL no_plugin") == std::vector<std::string>{"E 58P01"});
    CHECK(c.query("DROP_REPLICATION_SLOT no_such_slot") == std::vector<std::string>{"E 42704"});
    CHECK(c.query("READ_REPLICATION_SLOT s1") == std::vector<std::string>{"E 0A000"});
    CHECK(c.query("READ_REPLICATION_SLOT nothere") == std::vector<std::string>{"NULL|NULL|NULL", "C READ_REPLICATION_SLOT"});
    CHECK(c.query("BASE_BACKUP") == std::vector<std::string>{"E 0A000"});
    CHECK(c.query("identify_system") == std::vector<std::string>{"C SQL"});  // lower case is SQL
    CHECK(c.query("SELECT 1") == std::vector<std::string>{"C SQL"});
    CHECK(c.query("IDENTIFY_SYSTEM; SELECT 1") == std::vector<std::string>{"E 42601"});
    c.send_batch(Parse{"", "SELECT 1", {}}, Bind{}, Execute{}, Sync{});
    auto e = std::get<ErrorResponse>(c.recv());
    CHECK(e.get(field::sqlstate) == "08P01");
    CHECK(e.get(field::message) == "extended query protocol not supported in a replication connection");
    CHECK(c.until_ready() == "Z");  // Bind and Execute skipped until Sync
    CHECK(c.query("DROP_REPLICATION_SLOT s1") == std::vector<std::string>{"C DROP_REPLICATION_SLOT"});
    CHECK_FALSE(f.hub->slot("s1"));
  }
  SECTION("replication=true: SQL is 0A000, IDENTIFY_SYSTEM has no database, logical slots need one") {
    Walsender c(f.server.port(), "true");
    c.until_ready();
    CHECK(c.query("SELECT 1") == std::vector<std::string>{"E 0A000"});
    auto id = c.query("IDENTIFY_SYSTEM");
    REQUIRE(id.size() == 2);
    CHECK(id[0].substr(id[0].rfind('|')) == "|NULL");
    CHECK(c.query("CREATE_REPLICATION_SLOT s LOGICAL test_decoding") == std::vector<std::string>{"E 0A000"});
  }
  SECTION("a bad replication value is FATAL 22023 with PostgreSQL's hint") {
    Walsender c(f.server.port(), "bogus");
    auto e = std::get<ErrorResponse>(c.recv());
    CHECK(e.get(field::severity) == "FATAL");
    CHECK(e.get(field::sqlstate) == "22023");
    CHECK(e.get(field::message) == "invalid value for parameter \"replication\": \"bogus\"");
    CHECK(e.get(field::hint) == "Valid values are: \"false\", 0, \"true\", 1, \"database\".");
    CHECK(c.closed_by_server());
  }
  SECTION("a role without the replication right is FATAL 42501; replication=false is an ordinary session") {
    Walsender c(f.server.port(), "database", "plain");
    REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
    auto e = std::get<ErrorResponse>(c.recv());
    CHECK(e.get(field::sqlstate) == "42501");
    CHECK(e.get(field::message) == "must be superuser or replication role to start walsender");
    CHECK(c.closed_by_server());
    Walsender ordinary(f.server.port(), "off", "plain");
    ordinary.until_ready();
    CHECK(ordinary.query("IDENTIFY_SYSTEM") == std::vector<std::string>{"C SQL"});
  }
}

TEST_CASE("replication: test_decoding stream, feedback and restart", "[replication]") {
  Fixture f;
  Walsender c(f.server.port());
  c.until_ready();
  f.hub->publish(insert(f.orders, "0", "before the slot"));  // never decoded
  REQUIRE(c.query("CREATE_REPLICATION_SLOT s LOGICAL test_decoding")[1] == "C CREATE_REPLICATION_SLOT");
  f.hub->publish(insert(f.orders, "1", "one"));
  ChangeSet two;
  two.update(f.orders, {TupleValue::of("1"), TupleValue::of("uno")});
  two.remove(f.orders, replication::OldTuple::key, {TupleValue::of("1"), TupleValue::null()});
  Lsn second_end = f.hub->publish(std::move(two));

  c.send(Query{"START_REPLICATION SLOT s LOGICAL 0/0 (\"include-xids\" '0')"});
  auto w = std::get<CopyBothResponse>(c.recv());
  CHECK(w.format == 0);
  CHECK(w.column_formats.empty());
  CHECK(f.hub->slot("s")->active_pid != 0);
  f.hub->run_pending(ReplicationHub::now());
  CHECK(c.next_text() == "BEGIN");
  CHECK(c.next_text() == "table public.orders: INSERT: id[integer]:1 note[text]:'one'");
  auto commit = std::get<XLogData>(c.next());
  CHECK(commit.data == "COMMIT");
  Lsn first_end = commit.wal_start;
  CHECK(c.next_text() == "BEGIN");
  CHECK(c.next_text() == "table public.orders: UPDATE: id[integer]:1 note[text]:'uno'");
  CHECK(c.next_text() == "table public.orders: DELETE: id[integer]:1");
  auto last = std::get<XLogData>(c.next());
  CHECK(last.data == "COMMIT");
  CHECK(last.wal_start == second_end);
  // Caught up: a keepalive says where the server's WAL ends (pg_recvlogical
  // stops at --endpos on it), without asking for a reply.
  auto k = std::get<PrimaryKeepalive>(c.next());
  CHECK(k.wal_end == f.hub->current_lsn());
  CHECK(k.reply_requested == 0);

  SECTION("a silent client gets a keepalive that asks for a reply at half of wal_sender_timeout") {
    f.hub->run_pending(ReplicationHub::now() + 31'000'000);
    auto ping = std::get<PrimaryKeepalive>(c.next());
    CHECK(ping.reply_requested == 1);
    c.feedback(0, 1);  // a reply that asks for one back
    c.stop();
  }
  SECTION("the slot is in use while it streams: 55006 for another session") {
    Walsender other(f.server.port());
    other.until_ready();
    CHECK(other.query("START_REPLICATION SLOT s LOGICAL 0/0") == std::vector<std::string>{"E 55006"});
    CHECK(other.query("DROP_REPLICATION_SLOT s") == std::vector<std::string>{"E 55006"});
    c.stop();
  }
  SECTION("feedback confirms the first transaction: a restart resends only the second") {
    c.feedback(first_end);
    c.stop();  // the session handled the feedback before the CopyDone
    CHECK(f.hub->slot("s")->confirmed_flush == first_end);
    CHECK(f.hub->slot("s")->active_pid == 0);
    c.send(Query{"START_REPLICATION SLOT s LOGICAL 0/0 (\"include-xids\" '0')"});
    REQUIRE(std::holds_alternative<CopyBothResponse>(c.recv()));
    f.hub->run_pending(ReplicationHub::now());
    CHECK(c.next_text() == "BEGIN");
    CHECK(c.next_text() == "table public.orders: UPDATE: id[integer]:1 note[text]:'uno'");
    c.stop();
  }
  SECTION("changes published while it streams arrive at once; bad options are the plugin's errors") {
    f.hub->publish(insert(f.orders, "2", "live"));
    f.hub->run_pending(ReplicationHub::now());
    CHECK(c.next_text() == "BEGIN");
    CHECK(c.next_text() == "table public.orders: INSERT: id[integer]:2 note[text]:'live'");
    CHECK(c.next_text() == "COMMIT");
    c.stop();
    CHECK(c.query("START_REPLICATION SLOT s LOGICAL 0/0 (\"include-xids\" 'maybe')") ==
          std::vector<std::string>{"E 22023"});
    CHECK(c.query("START_REPLICATION SLOT nope LOGICAL 0/0") == std::vector<std::string>{"E 42704"});
  }
}

TEST_CASE("replication: pgoutput follows the publication", "[replication]") {
  Fixture f;
  auto published = table(16400, "published");
  Walsender c(f.server.port());
  c.until_ready();
  REQUIRE(c.query("CREATE_REPLICATION_SLOT po LOGICAL pgoutput")[1] == "C CREATE_REPLICATION_SLOT");
  CHECK(c.query("START_REPLICATION SLOT po LOGICAL 0/0 (proto_version '1', publication_names 'nope')") ==
        std::vector<std::string>{"E 42704"});
  f.hub->publish(insert(f.orders, "1", "not published"));
  f.hub->publish(insert(published, "7", "seven"));
  c.send(Query{"START_REPLICATION SLOT po LOGICAL 0/0 (proto_version '1', publication_names 'p')"});
  REQUIRE(std::holds_alternative<CopyBothResponse>(c.recv()));
  f.hub->run_pending(ReplicationHub::now());
  std::string kinds;
  for (;;) {
    auto m = c.next();
    if (std::holds_alternative<PrimaryKeepalive>(m)) break;
    auto& x = std::get<XLogData>(m);
    kinds += x.data.front();
    if (x.data.front() == 'R') CHECK(x.data.find("published") != std::string_view::npos);
    if (x.data.front() == 'I') CHECK(x.data.find("seven") != std::string_view::npos);
  }
  CHECK(kinds == "BRIC");  // nothing of the transaction on the other table
  c.stop();
}

TEST_CASE("replication: temporary slots end with their session", "[replication]") {
  Fixture f;
  {
    Walsender c(f.server.port());
    c.until_ready();
    REQUIRE(c.query("CREATE_REPLICATION_SLOT t TEMPORARY LOGICAL test_decoding")[1] ==
            "C CREATE_REPLICATION_SLOT");
    CHECK(f.hub->slot("t")->temporary);
    // An error in a walsender session drops its temporary slots (PostgreSQL 15).
    CHECK(c.query("DROP_REPLICATION_SLOT missing") == std::vector<std::string>{"E 42704"});
    CHECK_FALSE(f.hub->slot("t"));
    REQUIRE(c.query("CREATE_REPLICATION_SLOT t TEMPORARY LOGICAL test_decoding")[1] ==
            "C CREATE_REPLICATION_SLOT");
    c.send(Terminate{});
    CHECK(c.closed_by_server());
  }
  // The server closes its end after the session ended: bounded wait for that.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (f.hub->slot("t") && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  CHECK_FALSE(f.hub->slot("t"));
}

TEST_CASE("replication: a slow client stalls its stream, not the server's memory", "[replication]") {
  Fixture f;
  Walsender c(f.server.port());
  c.until_ready();
  REQUIRE(c.query("CREATE_REPLICATION_SLOT big LOGICAL test_decoding")[1] == "C CREATE_REPLICATION_SLOT");
  const std::string note(64 * 1024, 'x');
  const int transactions = 400;  // ~26 MB of XLogData, three times the session's queue
  for (int i = 0; i < transactions; ++i) f.hub->publish(insert(f.orders, std::to_string(i), note));
  c.send(Query{"START_REPLICATION SLOT big LOGICAL 0/0 (\"include-xids\" '0')"});
  REQUIRE(std::holds_alternative<CopyBothResponse>(c.recv()));
  f.hub->run_pending(ReplicationHub::now());  // fills the session's queue, then waits for space
  int rows = 0;
  while (rows < transactions) {
    auto m = c.next();
    if (auto* x = std::get_if<XLogData>(&m); x && x->data.starts_with("table")) {
      CHECK(x->data.find("id[integer]:" + std::to_string(rows) + " ") != std::string_view::npos);
      ++rows;
      if (rows % 50 == 0) f.hub->run_pending(ReplicationHub::now());  // as the hub's thread when woken
    }
  }
  CHECK(rows == transactions);
  c.stop();
}

TEST_CASE("replication: a stream takes only CopyData and CopyDone, as the walsender", "[replication]") {
  Fixture f;
  Walsender c(f.server.port());
  c.until_ready();
  REQUIRE(c.query("CREATE_REPLICATION_SLOT s LOGICAL test_decoding")[1] == "C CREATE_REPLICATION_SLOT");
  c.send(Query{"START_REPLICATION SLOT s LOGICAL 0/0"});
  REQUIRE(std::holds_alternative<CopyBothResponse>(c.recv()));
  c.send(CopyFail{"stop"});
  BackendMessage m = c.recv();
  while (std::holds_alternative<CopyData>(m)) m = c.recv();  // whatever was in flight
  auto e = std::get<ErrorResponse>(m);
  CHECK(e.get(field::severity) == "FATAL");
  CHECK(e.get(field::sqlstate) == "08P01");
  CHECK(e.get(field::message) == "invalid standby message type \"f\"");
  CHECK(c.closed_by_server());
  // The slot is free again once the session is gone.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (f.hub->slot("s")->active_pid != 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  CHECK(f.hub->slot("s")->active_pid == 0);
}

TEST_CASE("replication: the session's wal_sender_timeout paces its keepalives", "[replication]") {
  Fixture f;
  test::Client c(f.server.port());
  StartupMessage m;
  m.parameters = {{"user", "repl"}, {"replication", "database"}, {"options", "-c wal_sender_timeout=2s"}};
  c.send(m);
  c.until_ready();
  c.send(Query{"CREATE_REPLICATION_SLOT s LOGICAL test_decoding"});
  REQUIRE(c.until_ready() == "TDCZ");
  c.send(Query{"START_REPLICATION SLOT s LOGICAL 0/0"});
  REQUIRE(std::holds_alternative<CopyBothResponse>(c.recv()));
  std::int64_t start = ReplicationHub::now();
  f.hub->run_pending(start);
  auto first = std::get<CopyData>(c.recv());  // caught up: the plain keepalive
  CHECK(first.data[0] == 'k');
  f.hub->run_pending(start + 1'100'000);  // past half of 2 s, not of the hub's 60 s
  auto ping = std::get<CopyData>(c.recv());
  ReplicationMessage decoded;
  REQUIRE_FALSE(decode_replication(ping.data, decoded));
  CHECK(std::get<PrimaryKeepalive>(decoded).reply_requested == 1);
}
