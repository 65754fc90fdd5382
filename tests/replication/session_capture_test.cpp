// What a real client and a real PostgreSQL 15 walsender exchanged
// (data/sessions/, capture_sessions.sh): pg_recvlogical's commands go through
// the grammar and option parsers, the walsender's copy-both stream through
// the codec, and its XLogData payloads are the lines our test_decoding
// encoder makes for the same three transactions.

#include <fstream>
#include <iterator>

#include "pgwire/codec.hpp"
#include "pgwire/replication/command.hpp"
#include "pgwire/replication/test_decoding.hpp"
#include "pgwire/types/oid.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using namespace pgwire::replication;

namespace {

std::string session_file(const char* name) {
  std::string path = PGWIRE_REPLICATION_DATA_DIR;
  path += "/sessions/";
  path += name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every typed frame of a stream, from `at` on.
std::vector<Frame> frames(std::string_view stream, bool backend, std::size_t at = 0) {
  std::vector<Frame> out;
  while (at < stream.size()) {
    FrameResult r = backend ? parse_backend_frame(stream.substr(at)) : parse_frontend_frame(stream.substr(at));
    REQUIRE_FALSE(r.error);
    REQUIRE(r.complete());
    out.push_back(r.frame);
    at += r.size;
  }
  return out;
}

}  // namespace

TEST_CASE("pg_recvlogical's commands parse as PostgreSQL 15 parsed them") {
  std::string fe = session_file("recvlogical.fe.bin");
  FrameResult startup = parse_startup_frame(fe);
  REQUIRE(startup.complete());
  std::vector<std::string> queries;
  int feedback = 0;
  for (const Frame& f : frames(fe, false, startup.size)) {
    FrontendMessage m;
    REQUIRE_FALSE(decode_frontend(f, m));
    if (auto* q = std::get_if<Query>(&m)) queries.emplace_back(q->query);
    if (f.type == 'd') {
      ReplicationMessage r;
      REQUIRE_FALSE(decode_replication(f.body, r));
      feedback += std::holds_alternative<StandbyStatusUpdate>(r);
    }
  }
  CHECK(feedback > 0);
  REQUIRE_FALSE(queries.empty());
  // pg_recvlogical sends SQL too (set_config of search_path): in a
  // replication=database session that must go to SQL, not to the grammar.
  bool started = false;
  int sql_queries = 0;
  for (const auto& sql : queries) {
    INFO(sql);
    if (!is_replication_command(sql)) {
      CHECK(sql.rfind("SELECT ", 0) == 0);
      ++sql_queries;
      continue;
    }
    auto parsed = parse_replication_command(sql);
    if (auto* start = std::get_if<StartReplication>(&parsed.command)) {
      started = true;
      CHECK(start->slot == std::optional<std::string>("golden_slot"));
      CHECK(start->logical);
      CHECK_FALSE(parse_test_decoding_options(start->options).include_xids);
    }
  }
  CHECK(started);
  CHECK(sql_queries == 1);
}

TEST_CASE("the walsender's test_decoding stream is what our encoder makes") {
  std::string be = session_file("recvlogical.be.bin");
  std::vector<std::string> payloads;
  bool copy_both = false;
  for (const Frame& f : frames(be, true)) {
    BackendMessage m;
    REQUIRE_FALSE(decode_backend(f, m));
    copy_both = copy_both || f.type == 'W';
    if (f.type != 'd') continue;
    ReplicationMessage r;
    REQUIRE_FALSE(decode_replication(f.body, r));
    if (auto* x = std::get_if<XLogData>(&r)) payloads.emplace_back(x->data);
  }
  CHECK(copy_both);

  Relation r{0, "public", "r", ReplicaIdentity::default_,
             {{"id", oid::int4, -1, "integer", true}, {"v", oid::text, -1, "text", false}}};
  TestDecodingOptions options = parse_test_decoding_options({{"include-xids", "0"}});
  std::vector<RowChange> changes = {
      {ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("1"), TupleValue::of("a")}},
      {ChangeKind::update, OldTuple::none, {}, {TupleValue::of("1"), TupleValue::of("b")}},
      {ChangeKind::delete_, OldTuple::key, {TupleValue::of("1"), TupleValue::null()}, {}},
  };
  std::vector<std::string> expected;
  for (const auto& change : changes) {
    Transaction txn;  // xids and times are not printed with these options
    TestDecodingTransaction t(txn, options);
    for (auto part : {t.begin(), t.change(r, change), t.commit()}) expected.insert(expected.end(), part.begin(), part.end());
  }
  CHECK(payloads == expected);
}
