// A product's logical replication: the change log with its LSNs, the slots,
// and the thread that streams and pings (replication_state.hpp).

#include <algorithm>
#include <chrono>
#include <random>

#include <fmt/format.h>

#include "pgwire/codec/error_info.hpp"
#include "pgwire/replication/slot_name.hpp"
#include "pgwire/types/values.hpp"
#include "replication_state.hpp"

namespace pgwire {

using replication::OldTuple;
using replication::RowChange;
using replication::Tuple;

void ChangeSet::insert(RelationPtr relation, Tuple row) {
  changes.push_back({std::move(relation), RowChange{replication::ChangeKind::insert, OldTuple::none, {}, std::move(row)}});
}

void ChangeSet::update(RelationPtr relation, Tuple row, OldTuple old_kind, Tuple old) {
  changes.push_back(
      {std::move(relation), RowChange{replication::ChangeKind::update, old_kind, std::move(old), std::move(row)}});
}

void ChangeSet::remove(RelationPtr relation, OldTuple old_kind, Tuple old) {
  changes.push_back({std::move(relation), RowChange{replication::ChangeKind::delete_, old_kind, std::move(old), {}}});
}

void ChangeSet::truncate(std::vector<RelationPtr> relations, bool cascade, bool restart_identity) {
  Change c;
  c.truncated = std::move(relations);
  c.cascade = cascade;
  c.restart_identity = restart_identity;
  changes.push_back(std::move(c));
}

void ChangeSet::message(std::string prefix, std::string content) {
  Change c;
  c.message = replication::LogicalMessage{true, 0, std::move(prefix), std::move(content)};
  changes.push_back(std::move(c));
}

namespace {

// PostgreSQL makes its system identifier from the time of initdb; a hub
// without one configured does the same at construction.
std::uint64_t made_up_system_identifier() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
  std::uint64_t seconds = static_cast<std::uint64_t>(us.count() / 1000000);
  return (seconds << 32) | (static_cast<std::uint64_t>(us.count() % 1000000) << 12) | (std::random_device{}() & 0xFFF);
}

}  // namespace

ReplicationHub::State::State(Options o) : options(std::move(o)) {
  system_identifier = options.system_identifier ? options.system_identifier : made_up_system_identifier();
}

void ReplicationHub::State::wake() {
  {
    std::lock_guard lock(wake_mutex);
    woken = true;
  }
  wake_cv.notify_one();
}

ReplicationHub::ReplicationHub() : ReplicationHub(Options{}) {}

ReplicationHub::ReplicationHub(Options options) : state_(std::make_shared<State>(std::move(options))) {
  if (!state_->options.own_thread) return;
  state_->thread = std::thread([state = state_.get(), this] {
    std::unique_lock lock(state->wake_mutex);
    while (!state->stopping) {
      lock.unlock();
      run_pending(now());
      lock.lock();
      // Keepalives are due at half of wal_sender_timeout at the earliest: a
      // tenth of it (at most a second) is fine enough a tick.
      auto tick = std::clamp(state->options.wal_sender_timeout / 10, std::chrono::milliseconds(10),
                             std::chrono::milliseconds(1000));
      state->wake_cv.wait_for(lock, tick, [state] { return state->woken || state->stopping; });
      state->woken = false;
    }
  });
}

ReplicationHub::~ReplicationHub() {
  if (state_->thread.joinable()) {
    {
      std::lock_guard lock(state_->wake_mutex);
      state_->stopping = true;
    }
    state_->wake_cv.notify_one();
    state_->thread.join();
  }
}

std::int64_t ReplicationHub::now() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch());
  return us.count() - unix_epoch_microseconds;
}

Lsn ReplicationHub::publish(ChangeSet changes) {
  if (changes.changes.empty()) return current_lsn();
  auto shared = std::make_shared<ChangeSet>(std::move(changes));
  Lsn end;
  {
    std::lock_guard lock(state_->mutex);
    State& s = *state_;
    s.sweep();
    LoggedTransaction t;
    t.seq = s.next_seq++;
    t.first_lsn = s.next_lsn;
    t.txn.xid = shared->xid ? shared->xid : s.next_xid++;
    t.txn.commit_lsn = t.change_lsn(shared->changes.size());
    t.txn.end_lsn = t.txn.commit_lsn + 0x30;
    t.txn.commit_time = shared->commit_time ? shared->commit_time : now();
    t.txn.origin = shared->origin;
    t.changes = std::move(shared);
    end = s.next_lsn = t.txn.end_lsn;
    // A transaction no slot will ever send is not kept (PostgreSQL decodes
    // nothing from before a slot's creation either).
    if (!s.slots.empty()) s.log.push_back(std::move(t));
  }
  state_->wake();
  return end;
}

Lsn ReplicationHub::current_lsn() const {
  std::lock_guard lock(state_->mutex);
  return state_->next_lsn;
}

// Slots -----------------------------------------------------------------------

ReplicationHub::State::SlotEntry& ReplicationHub::State::find_slot(std::string_view name) {
  auto it = slots.find(name);
  if (it == slots.end())
    throw PgError(sqlstate::undefined_object, fmt::format("replication slot \"{}\" does not exist", name));
  return it->second;
}

ReplicationSlot ReplicationHub::State::create_slot(const std::string& name, const std::string& plugin, bool temporary,
                                                   const std::string& database,
                                                   const std::shared_ptr<SessionHandle>& owner) {
  replication::validate_slot_name(name);
  sweep();
  if (slots.count(name)) throw PgError("42710", fmt::format("replication slot \"{}\" already exists", name));
  // PostgreSQL loads the plugin when it creates a logical slot.
  if (plugin != "test_decoding" && plugin != "pgoutput")
    throw PgError("58P01", fmt::format("could not access file \"{}\": No such file or directory", plugin));
  ReplicationSlot slot{name, plugin, database, temporary, next_lsn, next_lsn, 0};
  slots.emplace(name, SlotEntry{slot, owner, owner != nullptr});
  return slot;
}

ReplicationSlot ReplicationHub::create_slot(const std::string& name, const std::string& plugin, bool temporary,
                                            const std::string& database) {
  std::lock_guard lock(state_->mutex);
  return state_->create_slot(name, plugin, temporary, database, nullptr);
}

void ReplicationHub::drop_slot(std::string_view name) {
  std::lock_guard lock(state_->mutex);
  State& s = *state_;
  s.sweep();
  auto& entry = s.find_slot(name);
  if (entry.slot.active_pid)
    throw PgError("55006", fmt::format("replication slot \"{}\" is active for PID {}", name, entry.slot.active_pid));
  s.slots.erase(s.slots.find(name));
  s.trim();
}

std::optional<ReplicationSlot> ReplicationHub::slot(std::string_view name) const {
  std::lock_guard lock(state_->mutex);
  state_->sweep();
  auto it = state_->slots.find(name);
  if (it == state_->slots.end()) return std::nullopt;
  return it->second.slot;
}

std::vector<ReplicationSlot> ReplicationHub::slots() const {
  std::lock_guard lock(state_->mutex);
  state_->sweep();
  std::vector<ReplicationSlot> out;
  for (const auto& [name, entry] : state_->slots) out.push_back(entry.slot);
  return out;
}

void ReplicationHub::State::drop_temporary_slots_of(const SessionHandle* owner) {
  for (auto it = slots.begin(); it != slots.end();) {
    auto held_by = it->second.owner.lock();
    if (it->second.slot.temporary && held_by.get() == owner && !it->second.slot.active_pid) {
      it = slots.erase(it);
    } else {
      ++it;
    }
  }
}

// A session that ended stops streaming, and its temporary slots go, as
// PostgreSQL's ReplicationSlotCleanup at backend exit. Run before anything
// looks at the slots, so a client that reconnects never sees them.
void ReplicationHub::State::sweep() {
  for (auto& s : streams) {
    auto handle = s->session.lock();
    if (!handle || !handle->alive()) stop(*s);
  }
  std::erase_if(streams, [](const auto& s) { return s->stopped; });
  bool dropped = false;
  for (auto it = slots.begin(); it != slots.end();) {
    auto owner = it->second.owner.lock();
    // A temporary slot made through create_slot() has no session: kept until dropped.
    bool owner_gone = it->second.owned && (!owner || !owner->alive());
    if (it->second.slot.temporary && owner_gone && !it->second.slot.active_pid) {
      it = slots.erase(it);
      dropped = true;
    } else {
      ++it;
    }
  }
  if (dropped) trim();
}

void ReplicationHub::State::stop(WalStream& s) {
  if (s.stopped) return;
  s.stopped = true;
  if (auto it = slots.find(s.slot); it != slots.end()) it->second.slot.active_pid = 0;
}

// Transactions whose commit lies before every slot's confirmed_flush are
// never sent again (replication::sent_from): the log lets them go, as
// PostgreSQL recycles WAL that no slot needs.
void ReplicationHub::State::trim() {
  if (slots.empty()) {
    log.clear();
    return;
  }
  Lsn needed = ~Lsn{0};
  for (const auto& [name, entry] : slots) needed = std::min(needed, entry.slot.confirmed_flush);
  std::uint64_t in_use = ~std::uint64_t{0};
  for (const auto& s : streams) in_use = std::min(in_use, s->next_seq);
  while (!log.empty() && log.front().txn.commit_lsn < needed && log.front().seq < in_use) log.pop_front();
}

void ReplicationHub::run_pending(std::int64_t now) {
  std::lock_guard lock(state_->mutex);
  State& s = *state_;
  s.sweep();
  for (auto& stream : s.streams) s.pump(*stream, now);
  s.trim();
}

// Roles -----------------------------------------------------------------------

namespace {

void check_walsender_role(const ClientInfo& client, const std::function<bool(const ClientInfo&)>& may_replicate) {
  if (client.replication == ReplicationMode::none || !may_replicate || may_replicate(client)) return;
  throw PgError(ErrorInfo::fatal("42501", "must be superuser or replication role to start walsender"));
}

class ReplicationRoleCheck final : public StartupHandler {
 public:
  ReplicationRoleCheck(std::shared_ptr<StartupHandler> inner, std::function<void(const ClientInfo&)> check)
      : inner_(std::move(inner)), check_(std::move(check)) {}

  asio::awaitable<void> authenticate(AuthExchange& exchange) override {
    co_await inner_->authenticate(exchange);
    try {
      check_(exchange.client());
    } catch (const PgError&) {
      // PostgreSQL refuses the walsender after authentication succeeded
      // (InitPostgres): AuthenticationOk, then the FATAL.
      exchange.send(AuthenticationOk{});
      throw;
    }
  }
  std::vector<std::pair<std::string, std::string>> server_parameters(const ClientInfo& client) override {
    return inner_->server_parameters(client);
  }

 private:
  std::shared_ptr<StartupHandler> inner_;
  std::function<void(const ClientInfo&)> check_;
};

}  // namespace

void ReplicationHub::check_role(const ClientInfo& client) const {
  check_walsender_role(client, state_->options.may_replicate);
}

std::shared_ptr<StartupHandler> require_replication_role(std::shared_ptr<StartupHandler> inner,
                                                         std::shared_ptr<ReplicationHub> hub) {
  return std::make_shared<ReplicationRoleCheck>(std::move(inner),
                                                [hub](const ClientInfo& c) { hub->check_role(c); });
}

std::shared_ptr<StartupHandler> require_replication_role(std::shared_ptr<StartupHandler> inner,
                                                         std::function<bool(const ClientInfo&)> may_replicate) {
  return std::make_shared<ReplicationRoleCheck>(
      std::move(inner), [may = std::move(may_replicate)](const ClientInfo& c) { check_walsender_role(c, may); });
}

}  // namespace pgwire
