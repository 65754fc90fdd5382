// pgoutput's messages against PostgreSQL 15's bytes for the captured workload.

#include "pgwire/replication/pgoutput.hpp"

#include "replication/captured_workload.hpp"
#include "support/codec_util.hpp"

using namespace pgwire;
using namespace pgwire::replication;
using namespace pgwire::test::replication;
using pgwire::test::Bytes;

namespace {

Bytes take(Buffer& b) {
  REQUIRE_FALSE(b.error());
  Bytes out(std::string(b.view()));
  b.clear();
  return out;
}

// What a pgoutput slot on publication "pub" sends for the workload: as in
// PostgreSQL 15, a transaction without published changes sends nothing.
std::vector<Bytes> encode_workload() {
  std::vector<Bytes> messages;
  Buffer b;
  for (const auto& captured : captured_workload()) {
    bool any = false;
    for (const auto& e : captured.events)
      any = any || e.kind == Event::Kind::truncate || (e.relation && published(*e.relation));
    if (!any) continue;
    pgoutput::write_begin(captured.txn, b);
    messages.push_back(take(b));
    if (captured.txn.origin) {
      pgoutput::write_origin(*captured.txn.origin, b);
      messages.push_back(take(b));
    }
    for (const auto& e : captured.events) {
      switch (e.kind) {
        case Event::Kind::relation: pgoutput::write_relation(*e.relation, b); break;
        case Event::Kind::type: pgoutput::write_type(*e.type, b); break;
        case Event::Kind::change: pgoutput::write_change(*e.relation, e.change, b); break;
        case Event::Kind::truncate: pgoutput::write_truncate(e.truncate, b); break;
      }
      messages.push_back(take(b));
    }
    pgoutput::write_commit(captured.txn, b);
    messages.push_back(take(b));
  }
  return messages;
}

}  // namespace

TEST_CASE("pgoutput v1: every message equals PostgreSQL 15's bytes") {
  std::vector<Bytes> expected;
  for (const auto& row : captured_rows("pgoutput.v1.hex")) expected.push_back(pgwire::test::hex(row));
  auto actual = encode_workload();
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("message " << i);
    CHECK(actual[i] == expected[i]);
  }
}

TEST_CASE("pgoutput v1: pg_catalog relations have an empty namespace") {
  Buffer b;
  pgoutput::write_relation({1259, "pg_catalog", "pg_class", ReplicaIdentity::nothing, {}}, b);
  CHECK(take(b) == pgwire::test::hex("52 000004eb 00 70675f636c61737300 6e 0000"));
  pgoutput::write_type({16385, "pg_catalog", "x"}, b);
  CHECK(take(b) == pgwire::test::hex("59 00004001 00 7800"));
}

TEST_CASE("pgoutput v1: an embedded NUL in a name is an error, not a shifted message") {
  Buffer b;
  pgoutput::write_origin({std::string("a\0b", 3), 1}, b);
  CHECK(b.error());
}
