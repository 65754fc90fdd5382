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
LiveSessions::Admitted LiveSessions::admit(std::weak_ptr<LiveSession> session, std::size_t max_connections) {
  Admitted admitted;
  {
    std::lock_guard lock(mutex_);
    std::uint64_t id = next_id_++;
    live_.emplace(id, std::move(session));
    admitted.registration = Registration(*this, id);
    if (max_connections == 0 || slots_taken_ < max_connections) {
      ++slots_taken_;
      admitted.slot = ConnectionSlot(*this);
    }
    admitted.shutting_down = shutting_down_;
  }
  return admitted;
}

std::size_t LiveSessions::count() {
  std::lock_guard lock(mutex_);
  return live_.size();
}

std::size_t LiveSessions::count_waiting_without_frames() {
  std::size_t n = 0;
  for (auto& s : snapshot()) n += s->waits_without_frames() ? 1 : 0;
  return n;
}

void LiveSessions::wake(std::uint64_t id) {
  std::shared_ptr<LiveSession> session;
  {
    std::lock_guard lock(mutex_);
    auto it = live_.find(id);
    if (it == live_.end()) return;
    session = it->second.lock();
  }
  if (session) session->pushed();  // outside the lock: it posts to the session's executor
}

void LiveSessions::forget(std::uint64_t id) noexcept {
  std::lock_guard lock(mutex_);
  live_.erase(id);
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
  for (const auto& [id, weak] : live_)
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
