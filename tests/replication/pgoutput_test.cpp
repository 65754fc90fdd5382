// pgoutput's messages against PostgreSQL 15's bytes for the captured workload.

#include "pgwire/replication/pgoutput.hpp"
#include "pgwire/replication/pgoutput_stream.hpp"

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
// Logical decoding messages only with the messages option.
std::vector<Bytes> encode_workload(bool with_messages) {
  std::vector<Bytes> messages;
  Buffer b;
  for (const auto& captured : captured_workload()) {
    bool any = false;
    for (const auto& e : captured.events)
      any = any || e.kind == Event::Kind::truncate || (e.relation && published(*e.relation)) ||
            (with_messages && e.kind == Event::Kind::message);
    if (captured.txn.xid == kXidBeforeOutsideMessage + 1 && with_messages) {
      pgoutput::write_message(outside_message(), b);
      messages.push_back(take(b));
    }
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
        case Event::Kind::message:
          if (!with_messages) continue;
          pgoutput::write_message(e.message, b);
          break;
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
  bool with_messages = GENERATE(false, true);
  INFO("messages " << with_messages);
  std::vector<Bytes> expected;
  for (const auto& row : captured_rows(with_messages ? "pgoutput.v1-messages.hex" : "pgoutput.v1.hex"))
    expected.push_back(pgwire::test::hex(row));
  auto actual = encode_workload(with_messages);
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

TEST_CASE("pgoutput v1: a tuple without one value per column is an error") {
  Buffer b;
  pgoutput::write_change(table_t(), {ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("1")}}, b);
  CHECK(b.error() == make_error_code(codec_errc::invalid_count));
  b.clear();
  pgoutput::write_change(table_t(), {ChangeKind::delete_, OldTuple::key, {TupleValue::of("1")}, {}}, b);
  CHECK(b.error());
  b.clear();
  pgoutput::write_change(table_t(), {ChangeKind::delete_, OldTuple::key, {TupleValue::of("1"), TupleValue::null()}, {}}, b);
  CHECK_FALSE(b.error());
}

TEST_CASE("pgoutput v1: an embedded NUL in a name is an error, not a shifted message") {
  Buffer b;
  pgoutput::write_origin({std::string("a\0b", 3), 1}, b);
  CHECK(b.error());
}

TEST_CASE("pgoutput stream: publication filter, held-back Begin and Relation/Type as PostgreSQL 15 sent them") {
  bool with_messages = GENERATE(false, true);
  INFO("messages " << with_messages);
  PgOutputStream stream([](const Relation& r) { return published(r); },
                        [](Oid oid) {
                          REQUIRE(oid == type_mood().oid);
                          return type_mood();
                        },
                        with_messages);
  std::vector<Bytes> actual;
  auto append = [&](const PgOutputStream::Messages& m) {
    for (const auto& s : m) actual.emplace_back(s);
  };
  for (const auto& captured : captured_workload()) {
    stream.begin(captured.txn);
    for (const auto& e : captured.events) {
      switch (e.kind) {
        // Where PostgreSQL re-sent a Relation, its relation cache entry had
        // been invalidated (TRUNCATE gives the table a new file): the
        // product says so with invalidate(). A Type goes with its Relation.
        case Event::Kind::relation: stream.invalidate(e.relation->oid); break;
        case Event::Kind::type: break;
        case Event::Kind::change: append(stream.change(*e.relation, e.change)); break;
        case Event::Kind::truncate: append(stream.truncate(e.truncate)); break;
        case Event::Kind::message: append(stream.message(e.message)); break;
      }
    }
    append(stream.commit());
    if (captured.txn.xid == kXidBeforeOutsideMessage) append(stream.message(outside_message()));
  }
  std::vector<Bytes> expected;
  for (const auto& row : captured_rows(with_messages ? "pgoutput.v1-messages.hex" : "pgoutput.v1.hex"))
    expected.push_back(pgwire::test::hex(row));
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("message " << i);
    CHECK(actual[i] == expected[i]);
  }
}

TEST_CASE("pgoutput stream: a Relation goes once until invalidated, an unpublished truncate sends nothing") {
  PgOutputStream stream([](const Relation& r) { return published(r); }, [](Oid) { return UserType{}; });
  const Relation& t = table_t();
  RowChange insert{ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("1"), TupleValue::null()}};
  stream.begin(Transaction{1, 10, 20, 0, std::nullopt});
  CHECK(stream.change(t, insert).size() == 3);  // Begin, Relation, Insert
  CHECK(stream.change(t, insert).size() == 1);
  CHECK(stream.truncate(Truncate{{&table_other()}, false, false}).empty());
  CHECK(stream.commit().size() == 1);
  stream.begin(Transaction{2, 30, 40, 0, std::nullopt});
  CHECK(stream.change(t, insert).size() == 2);  // Begin, Insert: the Relation is known
  stream.invalidate(t.oid);
  CHECK(stream.change(t, insert).size() == 2);  // Relation, Insert
  CHECK(stream.commit().size() == 1);
  stream.begin(Transaction{3, 50, 60, 0, std::nullopt});
  CHECK(stream.change(table_other(), {ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("7")}}).empty());
  CHECK(stream.commit().empty());
}

TEST_CASE("pgoutput stream: a changed definition is described again, a keyless DELETE sends nothing") {
  PgOutputStream stream([](const Relation& r) { return published(r); }, [](Oid) { return UserType{}; });
  Relation t = table_t();
  RowChange insert{ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("1"), TupleValue::null()}};
  stream.begin(Transaction{1, 10, 20, 0, std::nullopt});
  CHECK(stream.change(t, insert).size() == 3);  // Begin, Relation, Insert
  // ALTER TABLE ... ADD COLUMN: the same OID, another column list.
  Relation altered = t;
  altered.columns.push_back({"extra", oid::text, -1, "text"});
  RowChange wider{ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("2"), TupleValue::null(), TupleValue::of("x")}};
  auto after = stream.change(altered, wider);
  REQUIRE(after.size() == 2);  // Relation, Insert
  CHECK(after[0].front() == 'R');
  CHECK(stream.change(altered, wider).size() == 1);
  // Without an old tuple (no replica identity), PostgreSQL 15 sends no Delete.
  CHECK(stream.change(altered, {ChangeKind::delete_, OldTuple::none, {}, {}}).empty());
  CHECK(stream.commit().size() == 1);
  stream.begin(Transaction{2, 30, 40, 0, std::nullopt});
  CHECK(stream.change(altered, {ChangeKind::delete_, OldTuple::none, {}, {}}).empty());
  CHECK(stream.commit().empty());  // nothing began: no Begin, no Commit
}
