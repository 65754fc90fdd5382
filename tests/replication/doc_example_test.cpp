// The example of docs/REPLICATION.md, verbatim, with its comments checked.

#include "pgwire/replication.hpp"
#include "pgwire/types/oid.hpp"
#include "support/catch.hpp"

TEST_CASE("docs/REPLICATION.md: the publishing example does what its comments say") {
  using namespace pgwire::replication;

  Relation orders{16389, "public", "orders", ReplicaIdentity::default_,
                  {{"id", pgwire::oid::int4, -1, "integer", /*key=*/true},
                   {"note", pgwire::oid::text, -1, "text"}}};
  Transaction txn{/*xid=*/733, /*commit_lsn=*/0x153EBE0, /*end_lsn=*/0x153EC10,
                  /*commit_time=*/849867275950604};
  RowChange insert{ChangeKind::insert, OldTuple::none, {},
                   {TupleValue::of("1"), TupleValue::of("x")}};

  // test_decoding, for START_REPLICATION SLOT s LOGICAL 0/0 ("include-xids" '1'):
  TestDecodingTransaction td(txn, parse_test_decoding_options({{"include-xids", "1"}}));
  auto begin = td.begin();               // "BEGIN 733"
  auto row = td.change(orders, insert);  // "table public.orders: INSERT: id[integer]:1 note[text]:'x'"
  auto commit = td.commit();             // "COMMIT 733"

  // pgoutput, for a subscriber whose publications hold every table:
  // one XLogData payload per message.
  PgOutputStream stream([](const Relation&) { return true; },
                        [](pgwire::Oid) { return UserType{}; });
  stream.begin(txn);
  auto first = stream.change(orders, insert);  // Begin, Relation, Insert
  auto last = stream.commit();                 // Commit

  CHECK(begin == std::vector<std::string>{"BEGIN 733"});
  CHECK(row == std::vector<std::string>{"table public.orders: INSERT: id[integer]:1 note[text]:'x'"});
  CHECK(commit == std::vector<std::string>{"COMMIT 733"});
  REQUIRE(first.size() == 3);
  CHECK(first[0][0] == 'B');
  CHECK(first[1][0] == 'R');
  CHECK(first[2][0] == 'I');
  REQUIRE(last.size() == 1);
  CHECK(last[0][0] == 'C');
}
