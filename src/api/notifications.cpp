// LISTEN / UNLISTEN / NOTIFY with PostgreSQL's transaction rules
// (notifications.hpp). Each session's actions of one transaction wait in a
// Pending owned by its at_transaction_end hook: committed, they are applied
// to the hub's listener table and the notifications pushed through each
// listener's SessionHandle; rolled back (or the session gone), they vanish
// with the hook.

#include "pgwire/api/notifications.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "pgwire/protocol/sql_text.hpp"
#include "pgwire/types/oid.hpp"

namespace pgwire {

namespace {

constexpr const char* invalid_parameter_value = "22023";
constexpr std::size_t max_channel_bytes = 63;     // NAMEDATALEN - 1
constexpr std::size_t max_payload_bytes = 7999;  // NOTIFY_PAYLOAD_MAX_LENGTH - 1

struct Pending {
  std::vector<std::pair<std::string, std::string>> notes;  // in order, folded
  std::vector<std::pair<bool, std::string>> actions;       // LISTEN (true) / UNLISTEN, "*" = all
};

void check_channel(std::string_view channel) {
  if (channel.empty()) throw PgError(invalid_parameter_value, "channel name cannot be empty");
  if (channel.size() > max_channel_bytes) throw PgError(invalid_parameter_value, "channel name too long");
}

// What a statement asks, once parsed.
struct Command {
  enum class Kind { listen, unlisten, notify, pg_notify } kind;
  std::string channel;
  std::string payload;
};

bool is_string(const SqlToken& t) { return t.kind == SqlToken::Kind::string; }

std::optional<Command> parse(std::string_view statement) {
  std::vector<SqlToken> t = tokenize(statement, 10);
  while (!t.empty() && t.back().is_punct(";")) t.pop_back();
  if (t.size() == 2 && t[0].is_keyword("listen") && t[1].is_name())
    return Command{Command::Kind::listen, t[1].value(), {}};
  if (t.size() == 2 && t[0].is_keyword("unlisten") && (t[1].is_name() || t[1].is_punct("*")))
    return Command{Command::Kind::unlisten, t[1].is_punct("*") ? "*" : t[1].value(), {}};
  if (!t.empty() && t[0].is_keyword("notify")) {
    if (t.size() == 2 && t[1].is_name()) return Command{Command::Kind::notify, t[1].value(), {}};
    if (t.size() == 4 && t[1].is_name() && t[2].is_punct(",") && is_string(t[3]))
      return Command{Command::Kind::notify, t[1].value(), t[3].value()};
    return std::nullopt;
  }
  // SELECT pg_notify('channel', 'payload') with constants (NULL = empty).
  if (t.size() == 7 && t[0].is_keyword("select") && t[1].is_keyword("pg_notify") && t[2].is_punct("(") &&
      t[4].is_punct(",") && t[6].is_punct(")")) {
    auto arg = [](const SqlToken& a) -> std::optional<std::string> {
      if (is_string(a)) return a.value();
      if (a.is_keyword("null")) return std::string();
      return std::nullopt;
    };
    auto channel = arg(t[3]);
    auto payload = arg(t[5]);
    if (channel && payload) return Command{Command::Kind::pg_notify, *channel, *payload};
  }
  return std::nullopt;
}

SchemaPtr pg_notify_schema() {
  static SchemaPtr s = make_schema({Column{"pg_notify", oid::void_}});
  return s;
}

}  // namespace

struct NotificationHub::State {
  struct Listener {
    std::weak_ptr<SessionHandle> handle;
    std::set<std::string, std::less<>> channels;
  };

  mutable std::mutex mutex;
  std::map<std::int32_t, Listener> listeners;           // by process id
  std::map<std::int32_t, std::weak_ptr<Pending>> open;  // each session's open transaction
  std::size_t swept_size = 0;                            // open.size() after the last sweep

  // The session's transaction commits: its LISTENs count from now on, then
  // its notifications go to every listener (itself included).
  void commit(std::int32_t pid, const std::weak_ptr<SessionHandle>& handle, const Pending& p) {
    std::lock_guard lock(mutex);
    for (const auto& [listen, channel] : p.actions) {
      auto& l = listeners[pid];
      l.handle = handle;
      if (listen) {
        l.channels.insert(channel);
      } else if (channel == "*") {
        l.channels.clear();
      } else {
        l.channels.erase(channel);
      }
      if (l.channels.empty()) listeners.erase(pid);
    }
    for (const auto& [channel, payload] : p.notes) {
      for (auto it = listeners.begin(); it != listeners.end();) {
        auto target = it->second.handle.lock();
        if (!target || !target->alive()) {  // the session has ended
          it = listeners.erase(it);
          continue;
        }
        if (it->second.channels.count(channel)) target->notify(pid, channel, payload);
        ++it;
      }
    }
  }

  // The Pending of the session's current transaction, made (with its hook)
  // by the first action in it.
  std::shared_ptr<Pending> pending(Session& session, const std::shared_ptr<State>& self) {
    std::int32_t pid = session.process_id();
    {
      std::lock_guard lock(mutex);
      if (auto p = open[pid].lock()) return p;
    }
    auto p = std::make_shared<Pending>();
    {
      std::lock_guard lock(mutex);
      // A session that closed inside a transaction leaves an expired entry
      // (its hook, which owned the Pending, never ran): swept as the map grows.
      if (open.size() >= 2 * swept_size + 16) {
        std::erase_if(open, [](const auto& e) { return e.second.expired(); });
        swept_size = open.size();
      }
      open[pid] = p;
    }
    std::weak_ptr<SessionHandle> handle = session.handle();
    session.at_transaction_end([self, p, pid, handle](bool committed) {
      {
        std::lock_guard lock(self->mutex);
        auto it = self->open.find(pid);
        if (it != self->open.end() && it->second.lock() == p) self->open.erase(it);
      }
      if (committed) self->commit(pid, handle, *p);
    });
    return p;
  }
};

NotificationHub::NotificationHub() : state_(std::make_shared<State>()) {}
NotificationHub::~NotificationHub() = default;

void NotificationHub::listen(Session& session, std::string_view channel) {
  check_channel(channel);
  state_->pending(session, state_)->actions.emplace_back(true, std::string(channel));
}

void NotificationHub::unlisten(Session& session, std::string_view channel) {
  if (channel != "*") check_channel(channel);
  state_->pending(session, state_)->actions.emplace_back(false, std::string(channel));
}

void NotificationHub::notify(Session& session, std::string_view channel, std::string_view payload) {
  check_channel(channel);
  if (payload.size() > max_payload_bytes) throw PgError(invalid_parameter_value, "payload string too long");
  auto p = state_->pending(session, state_);
  std::pair<std::string, std::string> note(channel, payload);
  // PostgreSQL folds duplicates within a transaction.
  if (std::find(p->notes.begin(), p->notes.end(), note) == p->notes.end()) p->notes.push_back(std::move(note));
}

std::size_t NotificationHub::listeners(std::string_view channel) const {
  std::lock_guard lock(state_->mutex);
  std::size_t n = 0;
  for (const auto& [pid, l] : state_->listeners) {
    auto h = l.handle.lock();
    if (h && h->alive() && l.channels.count(channel)) ++n;
  }
  return n;
}

std::optional<Response> NotificationHub::answer(Session& session, std::string_view statement) {
  auto command = parse(statement);
  if (!command) return std::nullopt;
  if (session.transaction_status() == TransactionStatus::failed)
    return Response::error(ErrorInfo::error(sqlstate::in_failed_transaction,
                                            "current transaction is aborted, commands ignored until end of "
                                            "transaction block"));
  try {
    switch (command->kind) {
      case Command::Kind::listen:
        listen(session, command->channel);
        return Response::command("LISTEN");
      case Command::Kind::unlisten:
        unlisten(session, command->channel);
        return Response::command("UNLISTEN");
      case Command::Kind::notify:
        notify(session, command->channel, command->payload);
        return Response::command("NOTIFY");
      case Command::Kind::pg_notify:
        notify(session, command->channel, command->payload);
        return Response::rows(pg_notify_schema(), make_text_rows({{std::string()}}));
    }
  } catch (const PgError& e) {
    return Response::error(e.info());
  }
  return std::nullopt;
}

bool NotificationHub::describe(std::string_view statement, SchemaPtr& columns) const {
  auto command = parse(statement);
  if (!command) return false;
  columns = command->kind == Command::Kind::pg_notify ? pg_notify_schema() : nullptr;
  return true;
}

}  // namespace pgwire
