#pragma once
// The changes of tests/replication/workload.sql as a product would publish
// them, with the xids, LSNs, commit times and OIDs of the PostgreSQL 15 run
// whose output is in data/ (see capture.sh). The encoders' output for these
// must equal PostgreSQL's.

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "pgwire/replication/change.hpp"
#include "pgwire/types/oid.hpp"
#include "support/catch.hpp"

namespace pgwire::test::replication {

using namespace pgwire::replication;

inline Column col(std::string name, Oid type, std::string type_name, bool key = false, std::int32_t typmod = -1) {
  return {std::move(name), type, typmod, std::move(type_name), key};
}

inline const Relation& table_t() {
  static const Relation r{16389, "public", "t", ReplicaIdentity::default_,
                          {col("id", oid::int4, "integer", true), col("name", oid::text, "text")}};
  return r;
}
inline const Relation& table_u() {  // REPLICA IDENTITY FULL: every column is key
  static const Relation r{16396, "public", "u", ReplicaIdentity::full,
                          {col("a", oid::int4, "integer", true),
                           col("b", oid::varchar, "character varying", true, 14),  // varchar(10)
                           col("ok", oid::bool_, "boolean", true), col("n", oid::numeric, "numeric", true)}};
  return r;
}
inline const Relation& table_big() {
  static const Relation r{16401, "public", "big", ReplicaIdentity::default_,
                          {col("id", oid::int4, "integer", true), col("note", oid::text, "text"),
                           col("n", oid::int4, "integer")}};
  return r;
}
inline const UserType& type_mood() {
  static const UserType t{16385, "public", "mood"};
  return t;
}
inline const Relation& table_v() {
  static const Relation r{16408, "public", "v", ReplicaIdentity::default_,
                          {col("Key", oid::int4, "integer", true), col("m", type_mood().oid, "mood"),
                           col("at", oid::timestamp, "timestamp without time zone")}};
  return r;
}
inline const Relation& table_other() {  // not in the publication
  static const Relation r{16413, "public", "other", ReplicaIdentity::default_, {col("x", oid::int4, "integer")}};
  return r;
}

// One thing a transaction publishes. Relation and Type are pgoutput's
// metadata, placed where PostgreSQL sent them; test_decoding ignores them.
struct Event {
  enum class Kind { relation, type, change, truncate, message } kind;
  const Relation* relation = nullptr;
  const UserType* type = nullptr;
  RowChange change;
  Truncate truncate;
  LogicalMessage message;
};

inline Event rel(const Relation& r) { return {Event::Kind::relation, &r, nullptr, {}, {}, {}}; }
inline Event typ(const UserType& t) { return {Event::Kind::type, nullptr, &t, {}, {}, {}}; }
inline Event insert(const Relation& r, Tuple t) {
  return {Event::Kind::change, &r, nullptr, {ChangeKind::insert, OldTuple::none, {}, std::move(t)}, {}, {}};
}
inline Event update(const Relation& r, OldTuple old_kind, Tuple old_tuple, Tuple t) {
  return {Event::Kind::change, &r, nullptr, {ChangeKind::update, old_kind, std::move(old_tuple), std::move(t)}, {}, {}};
}
inline Event remove(const Relation& r, OldTuple old_kind, Tuple old_tuple) {
  return {Event::Kind::change, &r, nullptr, {ChangeKind::delete_, old_kind, std::move(old_tuple), {}}, {}, {}};
}
inline Event truncate(std::vector<const Relation*> rels, bool cascade, bool restart) {
  return {Event::Kind::truncate, nullptr, nullptr, {}, {std::move(rels), cascade, restart}, {}};
}
inline Event message(Lsn lsn, std::string content) {  // transactional, prefix "app"
  return {Event::Kind::message, nullptr, nullptr, {}, {}, {true, lsn, "app", std::move(content)}};
}

struct CapturedTransaction {
  Transaction txn;
  std::vector<Event> events;
};

inline TupleValue v(std::string s) { return TupleValue::of(std::move(s)); }
inline const TupleValue null = TupleValue::null();

inline const std::vector<CapturedTransaction>& captured_workload() {
  static const std::vector<CapturedTransaction> w = [] {
    const Relation &t = table_t(), &u = table_u(), &big = table_big(), &vt = table_v();
    std::vector<CapturedTransaction> out;
    auto add = [&](std::uint32_t xid, Lsn commit, Lsn end, std::int64_t time, std::vector<Event> events) {
      out.push_back({Transaction{xid, commit, end, time, std::nullopt}, std::move(events)});
    };
    add(733, 0x153EBE0, 0x153EC10, 849868425608457,
        {rel(t), insert(t, {v("1"), v("x")}), insert(t, {v("2"), null}), insert(t, {v("3"), v("it's")})});
    add(734, 0x153ECE8, 0x153ED18, 849868425612601,
        {update(t, OldTuple::none, {}, {v("1"), v("y")}),
         update(t, OldTuple::key, {v("2"), null}, {v("4"), null})});
    add(735, 0x153ED58, 0x153ED88, 849868425620006, {remove(t, OldTuple::key, {v("3"), null})});
    add(736, 0x153EE10, 0x153EE40, 849868425624100,
        {rel(u), insert(u, {v("1"), v("a"), v("t"), v("1.50")}), insert(u, {v("2"), null, v("f"), null})});
    add(737, 0x153EEA8, 0x153EED8, 849868425632023,
        {update(u, OldTuple::full, {v("1"), v("a"), v("t"), v("1.50")}, {v("1"), v("b"), v("t"), v("1.50")})});
    add(738, 0x153EF20, 0x153EF50, 849868425635905, {remove(u, OldTuple::full, {v("2"), null, v("f"), null})});
    add(739, 0x153FD68, 0x153FD98, 849868425644362,
        {rel(big), insert(big, {v("1"), v(std::string(3000, 'z')), v("1")})});
    add(740, 0x153FE30, 0x153FE60, 849868425647997,
        {update(big, OldTuple::none, {}, {v("1"), TupleValue::unchanged_toast(), v("2")})});
    add(741, 0x153FF48, 0x153FF78, 849868425656206,
        {typ(type_mood()), rel(vt), insert(vt, {v("1"), v("sad"), v("2026-01-02 03:04:05.5")})});
    add(742, 0, 0x153FFE8, 849868425659997, {insert(table_other(), {v("7")})});
    add(743, 0, 0x15424F0, 849868425666925, {});  // CREATE TABLE only
    add(744, 0x1543070, 0x15431E0, 849868425687830, {rel(t), truncate({&t}, false, false)});
    add(745, 0x1544310, 0x1544518, 849868425719805,
        {rel(big), typ(type_mood()), rel(vt), truncate({&big, &vt}, true, true)});
    add(746, 0, 0x1544780, 849868425736334, {});  // pg_replication_origin_create
    add(747, 0x1544870, 0x15448B8, 820540800000000, {rel(t), insert(t, {v("10"), v("from upstream")})});
    out.back().txn.origin = Origin{"upstream", 0xABCDEF};
    add(748, 0x1544900, 0x1544930, 849868425752047, {message(0x1544900, "in a transaction")});
    // Between 748 and 749: the non-transactional message of outside_message().
    add(749, 0x1544A38, 0x1544A68, 849868425756102,
        {insert(t, {v("11"), v("m")}), message(0x1544A38, "with a change")});
    return out;
  }();
  return w;
}

// pg_logical_emit_message(false, 'app', 'outside'), decoded after 748.
inline const LogicalMessage& outside_message() {
  static const LogicalMessage m{false, 0x1544970, "app", "outside"};
  return m;
}
inline constexpr std::uint32_t kXidBeforeOutsideMessage = 748;

inline bool published(const Relation& r) { return &r != &table_other(); }

// The data column of a capture: one output row a line, "lsn TAB xid TAB data".
inline std::vector<std::string> captured_rows(const std::string& file) {
  std::string path = PGWIRE_REPLICATION_DATA_DIR;
  path += '/';
  path += file;
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) {
    auto second_tab = line.find('\t', line.find('\t') + 1);
    REQUIRE(second_tab != std::string::npos);
    rows.push_back(line.substr(second_tab + 1));
  }
  return rows;
}

}  // namespace pgwire::test::replication
