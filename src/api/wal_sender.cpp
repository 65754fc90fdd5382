// One START_REPLICATION stream: the slot's transactions encoded by its
// output plugin into XLogData, keepalives, and the client's feedback, as
// PostgreSQL 15's walsender sends them (WalSndPrepareWrite: wal_start and
// wal_end both the record's LSN; the commit's is the end of its record).

#include <map>

#include <fmt/format.h>

#include "pgwire/api/copy.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/codec/replication.hpp"
#include "pgwire/replication/pgoutput_options.hpp"
#include "pgwire/replication/pgoutput_stream.hpp"
#include "pgwire/replication/slot_progress.hpp"
#include "pgwire/replication/test_decoding.hpp"
#include "replication_state.hpp"

namespace pgwire {

namespace {

using replication::Relation;

replication::Truncate truncate_of(const ChangeSet::Change& c) {
  replication::Truncate t;
  for (const auto& r : c.truncated) t.relations.push_back(r.get());
  t.cascade = c.cascade;
  t.restart_identity = c.restart_identity;
  return t;
}

replication::LogicalMessage message_at(const ChangeSet::Change& c, Lsn lsn) {
  replication::LogicalMessage m = *c.message;
  m.lsn = lsn;
  return m;
}

class TestDecodingEncoder final : public PluginEncoder {
 public:
  explicit TestDecodingEncoder(const replication::PluginOptions& options)
      : options_(replication::parse_test_decoding_options(options)) {}

  std::vector<std::string> begin(const replication::Transaction& txn) override {
    txn_.emplace(txn, options_);
    return txn_->begin();
  }
  std::vector<std::string> change(const ChangeSet::Change& c, Lsn lsn) override {
    if (c.message) return txn_->message(message_at(c, lsn));
    if (!c.relation) return txn_->truncate(truncate_of(c));
    return txn_->change(*c.relation, c.row);
  }
  std::vector<std::string> commit() override {
    auto out = txn_->commit();
    txn_.reset();
    return out;
  }

 private:
  replication::TestDecodingOptions options_;
  std::optional<replication::TestDecodingTransaction> txn_;
};

class PgOutputEncoder final : public PluginEncoder {
 public:
  PgOutputEncoder(replication::PgOutputOptions options, replication::PgOutputStream::Published published,
                  replication::PgOutputStream::TypeLookup types)
      : stream_(std::move(published), std::move(types), options.messages) {}

  std::vector<std::string> begin(const replication::Transaction& txn) override {
    stream_.begin(txn);
    return {};
  }
  // (The stream decides what goes out: publications, Relation messages
  // again for a changed definition, nothing for a keyless DELETE.)
  std::vector<std::string> change(const ChangeSet::Change& c, Lsn lsn) override {
    if (c.message) return stream_.message(message_at(c, lsn));
    if (!c.relation) return stream_.truncate(truncate_of(c));
    return stream_.change(*c.relation, c.row);
  }
  std::vector<std::string> commit() override { return stream_.commit(); }

 private:
  replication::PgOutputStream stream_;
};

std::unique_ptr<PluginEncoder> make_pgoutput(const replication::PluginOptions& plugin_options,
                                             const ReplicationHub::Options& hub) {
  auto options = replication::parse_pgoutput_options(plugin_options);
  if (options.binary)
    throw PgError(sqlstate::feature_not_supported, "pgoutput's binary option is not supported by this server");
  std::vector<std::function<bool(const Relation&)>> filters;
  for (const auto& name : options.publication_names) {
    auto filter = hub.publication ? hub.publication(name) : std::nullopt;
    if (!filter) throw PgError(sqlstate::undefined_object, fmt::format("publication \"{}\" does not exist", name));
    filters.push_back(std::move(*filter));
  }
  auto published = [filters = std::move(filters)](const Relation& r) {
    for (const auto& f : filters)
      if (f(r)) return true;
    return false;
  };
  auto types = hub.user_type ? hub.user_type : [](Oid oid) { return replication::UserType{oid, "public", "unknown"}; };
  return std::make_unique<PgOutputEncoder>(std::move(options), std::move(published), std::move(types));
}

// A replication message as the payload of one CopyData, encoded into
// `scratch` (reused: the session's queue copies it once).
std::string_view payload_of(const ReplicationMessage& m, Buffer& scratch) {
  scratch.clear();
  encode(m, scratch);
  return scratch.view().substr(5);  // without CopyData's own header
}

}  // namespace

std::unique_ptr<PluginEncoder> make_plugin_encoder(const std::string& plugin, const replication::PluginOptions& options,
                                                   const ReplicationHub::Options& hub_options) {
  if (plugin == "pgoutput") return make_pgoutput(options, hub_options);
  return std::make_unique<TestDecodingEncoder>(options);
}

// Sends what the session's queue takes: the pending payloads, then the
// slot's next transactions one step at a time (so at most one step's
// messages are ever encoded ahead). Caught up, a keepalive tells the client
// where the server's end is (pg_recvlogical stops at --endpos on it); the
// timer's keepalive asks for a reply.
void ReplicationHub::State::pump(WalStream& s, std::int64_t now) {
  if (s.stopped) return;
  auto handle = s.session.lock();
  if (!handle) return stop(s);
  auto send = [&](const ReplicationMessage& m) {
    if (handle->copy_data(payload_of(m, scratch))) return true;
    if (!s.waiting_for_space) {
      s.waiting_for_space = true;
      // Called on the session's thread once its queue drained: the hub's
      // thread resumes (the hub may be gone by then).
      handle->when_copy_space([weak = weak_from_this()] {
        if (auto state = weak.lock()) state->wake();
      });
    }
    return false;
  };
  for (;;) {
    while (!s.pending.empty()) {
      auto& p = s.pending.front();
      if (!send(XLogData{p.lsn, p.lsn, now, p.payload})) return;
      s.waiting_for_space = false;
      s.pending.pop_front();
    }
    if (!log.empty() && s.next_seq < log.front().seq) {
      s.next_seq = log.front().seq;
      s.step = 0;
    }
    if (log.empty() || s.next_seq >= log.front().seq + log.size()) break;
    const LoggedTransaction& t = log[s.next_seq - log.front().seq];
    const auto& changes = t.changes->changes;
    auto queue = [&](std::vector<std::string> payloads, Lsn lsn) {
      for (auto& p : payloads) s.pending.push_back({lsn, std::move(p)});
    };
    if (s.step == 0) {
      if (!replication::sent_from(t.txn, s.start_point)) {
        ++s.next_seq;
        continue;
      }
      queue(s.encoder->begin(t.txn), t.first_lsn);
      s.step = 1;
    } else if (s.step <= changes.size()) {
      queue(s.encoder->change(changes[s.step - 1], t.change_lsn(s.step - 1)), t.change_lsn(s.step - 1));
      ++s.step;
    } else {
      queue(s.encoder->commit(), t.txn.end_lsn);
      s.step = 0;
      ++s.next_seq;
    }
  }
  bool ping = s.timing.due(now) == replication::SenderTiming::Due::ping;
  if (ping || s.reply_requested || s.keepalive_end != next_lsn) {
    if (send(PrimaryKeepalive{next_lsn, now, static_cast<std::uint8_t>(ping ? 1 : 0)})) {
      s.keepalive_end = next_lsn;
      s.reply_requested = false;
    }
  }
}

void stream_feedback(ReplicationHub::State& state, WalStream& stream, std::string_view copy_data) {
  ReplicationMessage m;
  if (decode_replication(copy_data, m))
    throw PgError(sqlstate::protocol_violation,
                  fmt::format("unexpected message type \"{}\"", copy_data.empty() ? ' ' : copy_data[0]));
  bool reply;
  {
    std::lock_guard lock(state.mutex);
    stream.timing.client_message(ReplicationHub::now());
    if (auto* update = std::get_if<StandbyStatusUpdate>(&m)) {
      if (auto it = state.slots.find(stream.slot); it != state.slots.end() && update->flushed) {
        auto& slot = it->second.slot;
        // Never backwards (replication::SlotProgress): an old report cannot
        // make the slot resend what it already confirmed.
        if (update->flushed > slot.confirmed_flush) slot.confirmed_flush = slot.restart_lsn = update->flushed;
      }
      if (update->reply_requested) stream.reply_requested = true;
    } else if (!std::holds_alternative<HotStandbyFeedback>(m)) {
      throw PgError(sqlstate::protocol_violation,
                    fmt::format("unexpected message type \"{}\"", copy_data.empty() ? ' ' : copy_data[0]));
    }
    state.trim();
    reply = stream.reply_requested;
  }
  if (reply) state.wake();
}

namespace {

// The session's side of the copy-both: the client's messages in, and the
// end of the stream (CopyDone, CopyFail, a lost connection) out.
class WalSenderTarget final : public CopyBothTarget {
 public:
  WalSenderTarget(std::shared_ptr<ReplicationHub::State> state, std::shared_ptr<WalStream> stream)
      : state_(std::move(state)), stream_(std::move(stream)) {}
  ~WalSenderTarget() override { end(); }

  asio::awaitable<void> write(Session&, std::string_view data) override {
    stream_feedback(*state_, *stream_, data);
    co_return;
  }
  asio::awaitable<std::uint64_t> finish(Session&) override {
    end();
    co_return 0;
  }
  asio::awaitable<void> abort(Session&, std::string_view) override {
    end();
    co_return;
  }
  std::optional<std::string> command_tag() const override { return "START_REPLICATION"; }

 private:
  void end() {
    std::lock_guard lock(state_->mutex);
    state_->stop(*stream_);
  }
  std::shared_ptr<ReplicationHub::State> state_;
  std::shared_ptr<WalStream> stream_;
};

}  // namespace

std::unique_ptr<CopyInStream> make_wal_sender_target(std::shared_ptr<ReplicationHub::State> state,
                                                     std::shared_ptr<WalStream> stream) {
  return std::make_unique<WalSenderTarget>(std::move(state), std::move(stream));
}

}  // namespace pgwire
