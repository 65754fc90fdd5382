// The example of docs/REPLICATION.md ("Publishing changes"), verbatim, run
// against a real server with the hub's own thread, and read the way
// pg_recvlogical reads it: the lines the page shows must arrive.

#include <pgwire/api/auth.hpp>
#include <pgwire/api/replication.hpp>
#include <pgwire/types/oid.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;

namespace {

class HubOnly final : public SimpleQueryHandler {
 public:
  explicit HubOnly(std::shared_ptr<ReplicationHub> h) : hub(std::move(h)) {}
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    if (auto r = hub->answer(session, sql)) out.push_back(std::move(*r));
    co_return out;
  }
  std::shared_ptr<ReplicationHub> hub;
};

std::string next_line(test::Client& c) {
  for (;;) {
    auto d = std::get<CopyData>(c.recv());
    ReplicationMessage m;
    REQUIRE_FALSE(decode_replication(d.data, m));
    if (auto* x = std::get_if<XLogData>(&m)) return std::string(x->data);
  }
}

}  // namespace

TEST_CASE("docs/REPLICATION.md: the product example streams what the page shows", "[replication]") {
  // ---- from the page
  using pgwire::replication::TupleValue;

  // One hub per server; its thread streams to the clients.
  auto hub = std::make_shared<pgwire::ReplicationHub>();
  // ----
  test::TestServer server({}, {require_replication_role(make_trust_auth(), hub), std::make_shared<HubOnly>(hub)});
  test::Client c(server.port());
  StartupMessage login;
  login.parameters = {{"user", "u"}, {"replication", "database"}, {"application_name", "pg_recvlogical"}};
  c.send(login);
  c.until_ready();
  c.send(Query{"CREATE_REPLICATION_SLOT \"s\" LOGICAL \"test_decoding\" NOEXPORT_SNAPSHOT"});
  REQUIRE(c.until_ready() == "TDCZ");

  // ---- from the page
  // A table as the plugins describe it (OID, schema, name, columns with their
  // type OID, format_type name and whether they are in the replica identity).
  auto orders = std::make_shared<pgwire::replication::Relation>(pgwire::replication::Relation{
      16389, "public", "orders", pgwire::replication::ReplicaIdentity::default_,
      {{"id", pgwire::oid::int4, -1, "integer", /*key=*/true}, {"note", pgwire::oid::text, -1, "text"}}});

  // Where the product commits a transaction: its changes, in order, with
  // values in PostgreSQL's text format. The hub gives it an xid and LSNs.
  pgwire::ChangeSet txn;
  txn.insert(orders, {TupleValue::of("1"), TupleValue::of("one")});
  txn.update(orders, {TupleValue::of("1"), TupleValue::of("uno")});
  txn.remove(orders, pgwire::replication::OldTuple::key, {TupleValue::of("1"), TupleValue::null()});
  hub->publish(std::move(txn));
  // ----

  c.send(Query{"START_REPLICATION SLOT \"s\" LOGICAL 0/0"});  // pg_recvlogical's, without options
  REQUIRE(std::holds_alternative<CopyBothResponse>(c.recv()));
  CHECK(next_line(c) == "BEGIN 1000");
  CHECK(next_line(c) == "table public.orders: INSERT: id[integer]:1 note[text]:'one'");
  CHECK(next_line(c) == "table public.orders: UPDATE: id[integer]:1 note[text]:'uno'");
  CHECK(next_line(c) == "table public.orders: DELETE: id[integer]:1");
  CHECK(next_line(c) == "COMMIT 1000");
}
