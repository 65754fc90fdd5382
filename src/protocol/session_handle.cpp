#include "pgwire/protocol/session_handle.hpp"

#include <utility>

#include "pgwire/codec/backend.hpp"

namespace pgwire {

std::int32_t SessionHandle::process_id() const noexcept {
  std::lock_guard lock(mutex_);
  return pid_;
}

bool SessionHandle::alive() const noexcept {
  std::lock_guard lock(mutex_);
  return !closed_;
}

void SessionHandle::set_process_id(std::int32_t pid) noexcept {
  std::lock_guard lock(mutex_);
  pid_ = pid;
}

void SessionHandle::set_waker(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
}

bool SessionHandle::push(bool notification, std::string bytes) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || bytes_ + bytes.size() > limit_) return false;
    bytes_ += bytes.size();
    items_.push_back(Item{notification, std::move(bytes)});
    queued_.store(true, std::memory_order_release);
    wake = wake_;
  }
  // Outside the lock: the waker may take other locks (an executor's queue).
  if (wake) wake();
  return true;
}

bool SessionHandle::notify(std::int32_t sender_pid, std::string_view channel, std::string_view payload) {
  Buffer b;
  encode(NotificationResponse{sender_pid, channel, payload}, b);
  return push(true, std::string(b.view()));
}

bool SessionHandle::notice(const ErrorInfo& notice) {
  Buffer b;
  notice.encode(b, true);
  return push(false, std::string(b.view()));
}

bool SessionHandle::parameter_status(std::string_view name, std::string_view value) {
  Buffer b;
  encode(ParameterStatus{name, value}, b);
  return push(false, std::string(b.view()));
}

bool SessionHandle::drain(Buffer& out, bool idle) {
  if (!queued_.load(std::memory_order_acquire)) return false;
  std::lock_guard lock(mutex_);
  bool any = false;
  // Notifications held for the end of a transaction keep their order; the
  // others pass them.
  for (auto it = items_.begin(); it != items_.end();) {
    if (it->notification && !idle) {
      ++it;
      continue;
    }
    out.put_bytes(it->bytes);
    bytes_ -= it->bytes.size();
    it = items_.erase(it);
    any = true;
  }
  queued_.store(!items_.empty(), std::memory_order_release);
  return any;
}

void SessionHandle::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  items_.clear();
  queued_.store(false, std::memory_order_release);
  bytes_ = 0;
  wake_ = nullptr;
}

}  // namespace pgwire
