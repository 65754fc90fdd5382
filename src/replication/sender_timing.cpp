#include "pgwire/replication/sender_timing.hpp"

namespace pgwire::replication {

SenderTiming::SenderTiming(std::int64_t wal_sender_timeout_ms, std::int64_t now)
    : timeout_us_(wal_sender_timeout_ms > 0 ? wal_sender_timeout_ms * 1000 : 0), last_reply_(now) {}

void SenderTiming::client_message(std::int64_t now) {
  last_reply_ = now;
  waiting_for_ping_response_ = false;
}

SenderTiming::Due SenderTiming::due(std::int64_t now) {
  if (timeout_us_ == 0) return Due::nothing;
  // The timeout is checked before the ping, as in WalSndLoop.
  if (now >= last_reply_ + timeout_us_) return Due::terminate;
  if (!waiting_for_ping_response_ && now >= last_reply_ + timeout_us_ / 2) {
    waiting_for_ping_response_ = true;
    return Due::ping;
  }
  return Due::nothing;
}

std::optional<std::int64_t> SenderTiming::next_deadline() const {
  if (timeout_us_ == 0) return std::nullopt;
  return waiting_for_ping_response_ ? last_reply_ + timeout_us_ : last_reply_ + timeout_us_ / 2;
}

}  // namespace pgwire::replication
