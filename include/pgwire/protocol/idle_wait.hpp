#pragma once
// The wait for the client at ReadyForQuery under the machine's idle limit
// (idle_session_timeout, idle_in_transaction_session_timeout). As in
// PostgreSQL the limit covers the whole wait for the next message: a message
// trickling in byte by byte does not restart it. The driver
// (src/server/connection_io.cpp) races each such read against a timer set to
// the deadline given here.

#include <chrono>
#include <optional>
#include <utility>

#include "pgwire/protocol/session_machine.hpp"

namespace pgwire::protocol {

class IdleWait {
 public:
  using Clock = std::chrono::steady_clock;

  // The machine waits for the client's next statement with nothing read of
  // it: the driver may wait there without its buffers (idle_buffers.hpp).
  static bool between_statements(SessionMachine& machine) {
    return machine.waiting_at_ready_for_query() && machine.input().pending().empty();
  }

  // How long the read the machine asks for may wait; none: no race.
  static std::optional<std::chrono::milliseconds> limit(const SessionMachine& machine) {
    if (!machine.waiting_at_ready_for_query()) return std::nullopt;
    return machine.idle_limit();
  }

  // Each step the driver performs begins here: true when it is a read that
  // continues the wait of the read before it (which brought part of a
  // message under the limit, and nothing was performed since).
  bool step_begins() noexcept { return std::exchange(continues_, false); }

  // The deadline of a read under `limit`: a read that continues the wait
  // keeps the deadline of the wait's first read.
  Clock::time_point deadline(std::chrono::milliseconds limit, bool continues, Clock::time_point now) noexcept {
    if (!continues) deadline_ = now + limit;
    return deadline_;
  }
  // That read brought bytes before the deadline.
  void read_in_time() noexcept { continues_ = true; }

 private:
  Clock::time_point deadline_{};
  bool continues_ = false;
};

}  // namespace pgwire::protocol
