#include "idle_sweep.hpp"

#include <system_error>

namespace pgwire::detail {

IdleSweep::IdleSweep(asio::io_context& io, std::chrono::milliseconds period) : timer_(std::in_place, io), period_(period) {
  head_.prev_ = head_.next_ = &head_;
}

void IdleSweep::link(Waiter& w) {
  w.since_ = tick_;
  w.prev_ = head_.prev_;
  w.next_ = &head_;
  head_.prev_->next_ = &w;
  head_.prev_ = &w;
  if (!armed_) arm();
}

// At most once a period, and only while someone waits: a busy thread pays
// one timer per period, an idle one (all its sessions without frames) none.
void IdleSweep::arm() {
  if (!timer_) return;
  armed_ = true;
  timer_->expires_after(period_);
  timer_->async_wait([this](std::error_code ec) {
    if (ec) return;  // stop(): the sweep may be gone
    armed_ = false;
    tick();
  });
}

// Waiters listed before the previous tick have waited a whole period at
// least: they leave the list and wait without frames (or, if they cannot
// now, are listed again as if they began to wait now).
void IdleSweep::tick() {
  ++tick_;
  while (!empty() && tick_ - head_.next_->since_ >= 2) {
    Waiter& w = *head_.next_;
    unlink(w);
    if (!w.waited_long()) link(w);
  }
  if (!empty()) arm();
}

}  // namespace pgwire::detail
