#pragma once
// Logical replication for products: a product publishes its committed
// changes to a ReplicationHub, and every PostgreSQL replication client
// (pg_recvlogical, psycopg2's LogicalReplicationConnection, pgjdbc's
// PGReplicationStream, pgoutput subscribers, Debezium-style CDC tools)
// streams them from a slot.
//
//   auto hub = std::make_shared<pgwire::ReplicationHub>();
//   // in the SimpleQueryHandler, before anything else:
//   if (auto r = hub->answer(session, sql)) { out.push_back(std::move(*r)); co_return out; }
//   // wherever the product commits:
//   pgwire::ChangeSet txn;
//   txn.insert(orders, {TupleValue::of("1"), TupleValue::of("x")});
//   hub->publish(std::move(txn));
//
// The hub keeps the slots (create, drop, confirmed_flush_lsn, restart_lsn;
// temporary slots go with their session), numbers the changes with
// increasing LSNs, keeps each transaction until every slot has confirmed it,
// answers the replication commands of walsender sessions (IDENTIFY_SYSTEM,
// SHOW, CREATE_/DROP_/READ_REPLICATION_SLOT, START_REPLICATION,
// TIMELINE_HISTORY) with PostgreSQL 15's result shapes and errors, and
// streams: XLogData in the slot's plugin format (test_decoding, pgoutput
// proto 1), PrimaryKeepalive when the client is caught up and with reply
// requested at half of wal_sender_timeout, StandbyStatusUpdate moving the
// slot's confirmed_flush_lsn. A slow client fills its session's bounded
// queue and its stream waits: the hub never holds more than the
// transactions not yet confirmed (docs/REPLICATION.md).
//
// The session machine decides what a walsender session may send at all
// (pgwire/protocol/walsender_rules.hpp); the changes' encodings live in the
// replication layer (pgwire/replication/).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/api/handlers.hpp"
#include "pgwire/protocol/results.hpp"
#include "pgwire/protocol/session.hpp"
#include "pgwire/replication/change.hpp"

namespace pgwire {

using RelationPtr = std::shared_ptr<const replication::Relation>;

// One committed transaction, as the product publishes it. Tuples hold one
// value per column of the relation, in PostgreSQL's text format.
struct ChangeSet {
  std::uint32_t xid = 0;          // 0: the hub numbers it
  std::int64_t commit_time = 0;   // microseconds since 2000-01-01 UTC; 0: now
  std::optional<replication::Origin> origin;

  struct Change {
    RelationPtr relation;  // the row's table
    replication::RowChange row;
    std::vector<RelationPtr> truncated;  // a TRUNCATE (relation null)
    bool cascade = false, restart_identity = false;
    std::optional<replication::LogicalMessage> message;  // pg_logical_emit_message
  };
  std::vector<Change> changes;

  void insert(RelationPtr relation, replication::Tuple row);
  // `old`: the key columns (OldTuple::key, others null) or the whole row
  // (OldTuple::full), as the relation's replica identity says; OldTuple::none
  // for an UPDATE that kept its key.
  void update(RelationPtr relation, replication::Tuple row, replication::OldTuple old_kind = replication::OldTuple::none,
              replication::Tuple old = {});
  void remove(RelationPtr relation, replication::OldTuple old_kind, replication::Tuple old);
  void truncate(std::vector<RelationPtr> relations, bool cascade = false, bool restart_identity = false);
  void message(std::string prefix, std::string content);
};

struct ReplicationSlot {
  std::string name;
  std::string plugin;    // "test_decoding" or "pgoutput"
  std::string database;  // the database of the session that created it
  bool temporary = false;
  Lsn restart_lsn = 0;
  Lsn confirmed_flush = 0;
  std::int32_t active_pid = 0;  // the session streaming from it; 0: none
};

class ReplicationHub {
 public:
  struct Options {
    // IDENTIFY_SYSTEM's systemid; 0: made from the clock at construction.
    std::uint64_t system_identifier = 0;
    // PostgreSQL's wal_sender_timeout: a keepalive asking for a reply goes
    // out after half of it without a message from the client. 0: never. A
    // session's own setting (options=-c wal_sender_timeout=2s) wins.
    std::chrono::milliseconds wal_sender_timeout{60000};
    // pgoutput's publication_names: the tables a publication holds, as a
    // predicate; nullopt when no publication has that name (the stream then
    // fails with 42704, as PostgreSQL's does).
    std::function<std::optional<std::function<bool(const replication::Relation&)>>(std::string_view name)>
        publication;
    // The schema and name of a user-defined column type (pgoutput's Type).
    std::function<replication::UserType(Oid)> user_type;
    // Whether a role may open a walsender session (PostgreSQL's REPLICATION
    // attribute); null: every role may. Checked by require_replication_role().
    std::function<bool(const ClientInfo&)> may_replicate;
    // Streams, keepalives and sweeps run on a thread of the hub's own.
    // False: nothing runs until run_pending() is called (tests).
    bool own_thread = true;
  };

  explicit ReplicationHub(Options options);
  ReplicationHub();
  ~ReplicationHub();
  ReplicationHub(const ReplicationHub&) = delete;
  ReplicationHub& operator=(const ReplicationHub&) = delete;

  // The product's side ------------------------------------------------------
  // A committed transaction: numbered (xid, LSNs) and streamed to every
  // slot's client. Nothing is kept when there is no slot. Thread-safe.
  // Returns its end LSN.
  Lsn publish(ChangeSet changes);
  // The LSN the next transaction starts at (IDENTIFY_SYSTEM's xlogpos).
  Lsn current_lsn() const;

  // Slots (also what the replication commands do). Throw PgError as
  // PostgreSQL: 42602/42622 for a bad name, 42710 when it exists, 42704 when
  // it does not, 55006 when a session streams from it, 58P01 for a plugin
  // other than test_decoding and pgoutput.
  ReplicationSlot create_slot(const std::string& name, const std::string& plugin, bool temporary = false,
                              const std::string& database = "postgres");
  void drop_slot(std::string_view name);
  std::optional<ReplicationSlot> slot(std::string_view name) const;
  std::vector<ReplicationSlot> slots() const;

  // The sessions' side --------------------------------------------------------
  // The answer to `query` when it is a replication command of a walsender
  // session (ClientInfo::replication); nullopt otherwise: SQL the product
  // runs itself (replication=database), or not a walsender session.
  std::optional<Response> answer(Session& session, std::string_view query);
  // FATAL 42501 "must be superuser or replication role to start walsender"
  // for a walsender session of a role Options::may_replicate refuses.
  void check_role(const ClientInfo& client) const;

  // Runs what is due at `now` (microseconds since 2000-01-01 UTC): streams
  // to clients with queue space, keepalives, temporary slots of ended
  // sessions. The hub's thread calls it; tests without one call it.
  void run_pending(std::int64_t now);
  static std::int64_t now();

  struct State;  // src/api/replication_state.hpp

 private:
  std::shared_ptr<State> state_;
};

// A StartupHandler that authenticates with `inner`, then refuses a
// walsender session of a role without the replication right
// (ReplicationHub::check_role), as PostgreSQL does at login.
std::shared_ptr<StartupHandler> require_replication_role(std::shared_ptr<StartupHandler> inner,
                                                         std::shared_ptr<ReplicationHub> hub);
// The same for a product without a hub (a proxy relaying replication to an
// upstream): `may_replicate` says which roles may open a walsender session.
std::shared_ptr<StartupHandler> require_replication_role(std::shared_ptr<StartupHandler> inner,
                                                         std::function<bool(const ClientInfo&)> may_replicate);

}  // namespace pgwire
