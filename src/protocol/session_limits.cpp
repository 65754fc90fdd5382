// The operational limits of a session, as PostgreSQL 15 decides them: too
// many clients (53300, after the startup packet, before authentication), the
// idle timeouts at ReadyForQuery (57P05, 25P03), and the end of a session by
// shutdown (57P01). The machine decides what is sent and when; the driver
// (src/server/connection_*.cpp) owns the timers and counts the connections.

#include <cctype>
#include <charconv>

#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::protocol {

namespace {

// A time setting as PostgreSQL reads one whose unit is ms: "5000", "5s",
// "1min", "250ms", "2h", "1d". Nothing for what it cannot read (the
// session's value is then ignored and the server's applies).
std::optional<std::chrono::milliseconds> parse_milliseconds(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return std::nullopt;
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  long long scale = 0;
  if (unit.empty() || unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "min") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  else return std::nullopt;
  if (value > (1LL << 40) / scale) return std::nullopt;
  return std::chrono::milliseconds(value * scale);
}

}  // namespace

Buffer refusal_without_session() {
  Buffer out;
  ErrorInfo::fatal(sqlstate::too_many_connections, "sorry, too many clients already").encode(out);
  return out;
}

bool SessionMachine::waiting_at_ready_for_query() const noexcept {
  return idle_read_ && engine_.phase() == Phase::ready && !engine_.in_extended_batch();
}

std::optional<std::chrono::milliseconds> SessionMachine::idle_limit() const {
  if (!waiting_at_ready_for_query()) return std::nullopt;
  if (idle_limits_.settings_version != settings_.version()) {
    // SET by the session, as in PostgreSQL (0 turns it off); else the server's.
    auto read = [&](const char* name, std::chrono::milliseconds server) {
      if (auto set = settings_.get(name))
        if (auto ms = parse_milliseconds(*set)) return *ms;
      return server;
    };
    idle_limits_ = {settings_.version(), read("idle_session_timeout", options_->idle_session_timeout),
                    read("idle_in_transaction_session_timeout", options_->idle_in_transaction_session_timeout)};
  }
  bool in_block = engine_.transaction_status() != TransactionStatus::idle;
  std::chrono::milliseconds limit = in_block ? idle_limits_.in_transaction : idle_limits_.session;
  if (limit.count() <= 0) return std::nullopt;
  return limit;
}

void SessionMachine::idle_limit_expired() {
  if (engine_.transaction_status() == TransactionStatus::idle) {
    engine_.error(ErrorInfo::fatal("57P05", "terminating connection due to idle-session timeout"));
  } else {
    engine_.error(ErrorInfo::fatal("25P03", "terminating connection due to idle-in-transaction timeout"));
  }
  closed_ = true;
}

bool SessionMachine::shutdown_ends_wait() const noexcept {
  return shutdown_ && engine_.phase() == Phase::ready && !engine_.in_extended_batch() &&
         engine_.transaction_status() == TransactionStatus::idle;
}

void SessionMachine::terminate() {
  // Before the startup packet there is nobody to tell (PostgreSQL's
  // process_startup_packet_die exits silently too).
  if (auth_started_ && engine_.phase() != Phase::closed)
    engine_.error(ErrorInfo::fatal(sqlstate::admin_shutdown, "terminating connection due to administrator command"));
  closed_ = true;
}

}  // namespace pgwire::protocol
