// test_decoding's lines against PostgreSQL 15's for the captured workload.

#include "pgwire/replication/test_decoding.hpp"

#include <algorithm>

#include "pgwire/codec/error_info.hpp"
#include "replication/captured_workload.hpp"

using namespace pgwire;
using namespace pgwire::replication;
using namespace pgwire::test::replication;

namespace {

std::vector<std::string> decode_workload(const TestDecodingOptions& options) {
  std::vector<std::string> lines;
  auto append = [&](std::vector<std::string> more) { lines.insert(lines.end(), more.begin(), more.end()); };
  for (const auto& captured : captured_workload()) {
    TestDecodingTransaction txn(captured.txn, options);
    append(txn.begin());
    for (const auto& e : captured.events) {
      if (e.kind == Event::Kind::change) append(txn.change(*e.relation, e.change));
      if (e.kind == Event::Kind::truncate) append(txn.truncate(e.truncate));
      if (e.kind == Event::Kind::message) append(txn.message(e.message));
    }
    append(txn.commit());
    if (captured.txn.xid == kXidBeforeOutsideMessage) lines.push_back(test_decoding_message(outside_message()));
  }
  return lines;
}

TestDecodingOptions options_of(PluginOptions options) { return parse_test_decoding_options(options); }

}  // namespace

TEST_CASE("test_decoding: default options print PostgreSQL's lines") {
  CHECK(decode_workload(options_of({})) == captured_rows("test_decoding.default.txt"));
}

TEST_CASE("test_decoding: include-xids 0") {
  CHECK(decode_workload(options_of({{"include-xids", "0"}})) == captured_rows("test_decoding.no-xids.txt"));
}

TEST_CASE("test_decoding: include-timestamp 1 prints the commit time in UTC") {
  CHECK(decode_workload(options_of({{"include-timestamp", "1"}})) ==
        captured_rows("test_decoding.timestamp.txt"));
}

TEST_CASE("test_decoding: skip-empty-xacts drops transactions without changes") {
  CHECK(decode_workload(options_of({{"skip-empty-xacts", "1"}, {"include-xids", "0"}})) ==
        captured_rows("test_decoding.skip-empty.txt"));
}

TEST_CASE("test_decoding: only-local drops transactions from an origin") {
  auto lines = decode_workload(options_of({{"only-local", std::nullopt}}));
  auto all = captured_rows("test_decoding.default.txt");
  // Transaction 747 is the one with an origin.
  for (const char* line : {"BEGIN 747", "table public.t: INSERT: id[integer]:10 name[text]:'from upstream'", "COMMIT 747"}) {
    auto at = std::find(all.begin(), all.end(), line);
    REQUIRE(at != all.end());
    all.erase(at);
  }
  CHECK(lines == all);
}

TEST_CASE("test_decoding: values are quoted by type and names by quote_identifier") {
  Relation r{1, "My Schema", "select", ReplicaIdentity::default_,
             {{"b", 1560, -1, "bit(3)", false}, {"f", oid::float8, -1, "double precision", false},
              {"user", oid::text, -1, "text", false}, {"a\"b", oid::bool_, -1, "boolean", false}}};
  RowChange insert{ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("101"), TupleValue::of("NaN"), TupleValue::of("a'b"), TupleValue::of("f")}};
  CHECK(test_decoding_change(r, insert) ==
        "table \"My Schema\".\"select\": INSERT: b[bit(3)]:B'101' f[double precision]:NaN "
        "\"user\"[text]:'a''b' \"a\"\"b\"[boolean]:false");
  RowChange gone{ChangeKind::delete_, OldTuple::none, {}, {}};
  CHECK(test_decoding_change(r, gone) == "table \"My Schema\".\"select\": DELETE: (no-tuple-data)");
}

TEST_CASE("test_decoding: a tuple without one value per column is an error") {
  RowChange short_row{ChangeKind::insert, OldTuple::none, {}, {TupleValue::of("1")}};
  CHECK_THROWS_AS(test_decoding_change(table_t(), short_row), PgError);
}

TEST_CASE("test_decoding: option errors are test_decoding's") {
  auto code_of = [](PluginOptions options) -> std::string {
    try {
      parse_test_decoding_options(options);
    } catch (const PgError& e) {
      return e.info().code + " " + e.info().message;
    }
    return "no error";
  };
  CHECK(code_of({{"include-xids", "maybe"}}) ==
        "22023 could not parse value \"maybe\" for parameter \"include-xids\"");
  CHECK(code_of({{"no-such", "1"}}) == "22023 option \"no-such\" = \"1\" is unknown");
  CHECK(code_of({{"no-such", std::nullopt}}) == "22023 option \"no-such\" = \"(null)\" is unknown");
  CHECK(code_of({{"force-binary", std::nullopt}, {"include-timestamp", "on"}}) == "no error");
  CHECK(options_of({{"include-xids", "OF"}}).include_xids == false);
}

TEST_CASE("parse_bool accepts PostgreSQL's spellings and prefixes") {
  for (auto t : {"t", "TRUE", "y", "yes", "on", "1"}) CHECK(parse_bool(t) == std::optional<bool>(true));
  for (auto f : {"f", "fals", "n", "NO", "of", "off", "0"}) CHECK(parse_bool(f) == std::optional<bool>(false));
  for (auto bad : {"", "o", "2", "truex", "onn"}) CHECK_FALSE(parse_bool(bad).has_value());
}
