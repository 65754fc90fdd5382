#pragma once
// What a ReplicationHub shares between its files: the change log, the
// slots, and the streams of the sessions that run START_REPLICATION.
//   replication_hub.cpp      publishing, slots, the hub's thread
//   replication_answers.cpp  the replication commands' results and errors
//   wal_sender.cpp           one client's stream: encoding, keepalives, feedback

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pgwire/api/replication.hpp"
#include "pgwire/codec/buffer.hpp"
#include "pgwire/replication/plugin_option.hpp"
#include "pgwire/replication/sender_timing.hpp"

namespace pgwire {

// A published transaction with the LSNs the hub gave it: the first change
// at first_lsn, change i at change_lsn(i), the commit record at commit_lsn,
// which ends at txn.end_lsn.
struct LoggedTransaction {
  std::uint64_t seq = 0;
  replication::Transaction txn;
  Lsn first_lsn = 0;
  std::shared_ptr<const ChangeSet> changes;
  static constexpr Lsn change_size = 0x40;  // each change's share of the "WAL"
  Lsn change_lsn(std::size_t i) const { return first_lsn + change_size * i; }
};

// One output plugin's encoding for one client: XLogData payloads.
class PluginEncoder {
 public:
  virtual ~PluginEncoder() = default;
  virtual std::vector<std::string> begin(const replication::Transaction& txn) = 0;
  virtual std::vector<std::string> change(const ChangeSet::Change& change, Lsn lsn) = 0;
  virtual std::vector<std::string> commit() = 0;
};
// Throws the plugin's PgError for a bad option (22023, 42601, ...), 42704 for
// a publication that does not exist, 0A000 for what is not encoded (pgoutput
// binary tuples).
std::unique_ptr<PluginEncoder> make_plugin_encoder(const std::string& plugin, const replication::PluginOptions& options,
                                                   const ReplicationHub::Options& hub_options);

// A START_REPLICATION in progress (wal_sender.cpp).
struct WalStream {
  std::string slot;
  std::weak_ptr<SessionHandle> session;
  std::unique_ptr<PluginEncoder> encoder;
  Lsn start_point = 0;
  std::uint64_t next_seq = 0;  // the next transaction to look at
  std::size_t step = 0;        // in it: 0 begin, 1..n change n-1, n+1 commit
  struct Pending {
    Lsn lsn;
    std::string payload;
  };
  std::deque<Pending> pending;  // encoded, not yet queued in the session
  replication::SenderTiming timing;
  Lsn keepalive_end = 0;   // wal_end of the last keepalive (0: none yet)
  bool waiting_for_space = false;
  bool reply_requested = false;  // the client asked for a keepalive
  bool stopped = false;

  WalStream(std::int64_t timeout_ms, std::int64_t now) : timing(timeout_ms, now) {}
};

struct ReplicationHub::State : std::enable_shared_from_this<ReplicationHub::State> {
  explicit State(Options o);

  Options options;
  std::uint64_t system_identifier = 0;

  mutable std::mutex mutex;  // everything below, up to the thread's part
  Lsn next_lsn = 0x1000000;
  std::uint32_t next_xid = 1000;
  std::uint64_t next_seq = 0;
  std::deque<LoggedTransaction> log;
  struct SlotEntry {
    ReplicationSlot slot;
    std::weak_ptr<SessionHandle> owner;  // temporary slots: the creating session
    bool owned = false;                  // made by a session (not by create_slot())
  };
  std::map<std::string, SlotEntry, std::less<>> slots;
  std::vector<std::shared_ptr<WalStream>> streams;
  Buffer scratch;  // pump()'s encoding space for one message

  // Under `mutex`:
  void sweep();   // streams of ended sessions, their temporary slots
  void trim();    // transactions every slot has confirmed
  void pump(WalStream& s, std::int64_t now);  // wal_sender.cpp
  void stop(WalStream& s);
  SlotEntry& find_slot(std::string_view name);  // 42704
  ReplicationSlot create_slot(const std::string& name, const std::string& plugin, bool temporary,
                              const std::string& database, const std::shared_ptr<SessionHandle>& owner);
  void drop_temporary_slots_of(const SessionHandle* owner);

  // The hub's thread: woken by publish(), feedback and queue space.
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool woken = false;
  bool stopping = false;
  std::thread thread;
  void wake();
};

// Client CopyData of a stream (StandbyStatusUpdate, HotStandbyFeedback):
// wal_sender.cpp; the session's CopyBothTarget calls it.
void stream_feedback(ReplicationHub::State& state, WalStream& stream, std::string_view copy_data);
std::unique_ptr<CopyInStream> make_wal_sender_target(std::shared_ptr<ReplicationHub::State> state,
                                                     std::shared_ptr<WalStream> stream);

}  // namespace pgwire
