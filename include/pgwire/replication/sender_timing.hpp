#pragma once
// When a walsender pings its client and when it gives up on it, as
// PostgreSQL 15's WalSndKeepaliveIfNecessary and WalSndCheckTimeOut decide:
// half of wal_sender_timeout without a message from the client sends a
// PrimaryKeepalive that asks for a reply (once, until the client answers);
// the whole timeout ends the session (logged, nothing sent to the client).
// Times are microseconds since 2000-01-01 UTC, as in the messages.

#include <cstdint>
#include <optional>

namespace pgwire::replication {

class SenderTiming {
 public:
  enum class Due { nothing, ping, terminate };

  // timeout_ms <= 0 disables both, as wal_sender_timeout = 0 does.
  SenderTiming(std::int64_t wal_sender_timeout_ms, std::int64_t now);

  // Any message from the client (feedback or not) counts as a reply.
  void client_message(std::int64_t now);
  // What is due at `now`; a ping is reported once until the client answers.
  Due due(std::int64_t now);
  // When due() next has something to report, if ever.
  std::optional<std::int64_t> next_deadline() const;

 private:
  std::int64_t timeout_us_;
  std::int64_t last_reply_;
  bool waiting_for_ping_response_ = false;
};

}  // namespace pgwire::replication
