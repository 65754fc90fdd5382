#include "admission.hpp"

namespace pgwire::detail {

ConnectionSlot& ConnectionSlot::operator=(ConnectionSlot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
  }
  return *this;
}

void ConnectionSlot::release() noexcept {
  if (auto* owner = std::exchange(owner_, nullptr)) owner->release_slot();
}

void LiveSessions::release_slot() noexcept {
  std::lock_guard lock(mutex_);
  --slots_taken_;
}

// Registration, the slot and the shutdown state under one lock: a session
// is either seen by a shutdown that has begun, or sees it at its admission.
LiveSessions::Registration LiveSessions::admit(std::weak_ptr<LiveSession> session, std::size_t max_connections) {
  Admitted admitted;
  {
    std::lock_guard lock(mutex_);
    live_.insert(session);
    if (max_connections == 0 || slots_taken_ < max_connections) {
      ++slots_taken_;
      admitted.slot = ConnectionSlot(*this);
    }
    admitted.shutting_down = shutting_down_;
  }
  return Registration(*this, std::move(session), std::move(admitted));
}

std::size_t LiveSessions::count() {
  std::lock_guard lock(mutex_);
  return live_.size();
}

void LiveSessions::forget(const std::weak_ptr<LiveSession>& session) {
  std::lock_guard lock(mutex_);
  live_.erase(session);
  if (live_.empty() && on_idle_) on_idle_();
}

bool LiveSessions::begin_shutdown(std::function<void()> on_idle) {
  {
    std::lock_guard lock(mutex_);
    shutting_down_ = true;
    if (live_.empty()) return false;
    on_idle_ = std::move(on_idle);
  }
  for (auto& s : snapshot()) s->begin_shutdown();
  return true;
}

bool LiveSessions::call_when_idle(std::function<void()> on_idle) {
  std::lock_guard lock(mutex_);
  if (live_.empty()) return false;
  on_idle_ = std::move(on_idle);
  return true;
}

void LiveSessions::forget_idle_callback() {
  std::lock_guard lock(mutex_);
  on_idle_ = nullptr;
}

std::vector<std::shared_ptr<LiveSession>> LiveSessions::snapshot() {
  std::vector<std::shared_ptr<LiveSession>> open;
  std::lock_guard lock(mutex_);
  for (const auto& weak : live_)
    if (auto s = weak.lock()) open.push_back(std::move(s));
  return open;
}

std::size_t LiveSessions::close_all() {
  auto open = snapshot();
  for (auto& s : open) s->close_now();
  return open.size();
}

void LiveSessions::terminate_all() {
  for (auto& s : snapshot()) s->terminate();
}

}  // namespace pgwire::detail
