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

bool SessionHandle::push(Kind kind, Buffer bytes, bool ends_copy) {
  std::function<void()> wake;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || bytes_ + bytes.size() > limit_) return false;
    if (kind == Kind::copy && copy_done_queued_) return false;
    bytes_ += bytes.size();
    items_.push_back(Item{kind, ends_copy, std::move(bytes)});
    if (ends_copy) copy_done_queued_ = true;
    queued_.store(true, std::memory_order_release);
    wake = wake_;
  }
  // Outside the lock: the waker may take other locks (an executor's queue).
  if (wake) wake();
  return true;
}

namespace {

// A queued push holds no more memory than the bytes the queue limit counts
// (a Buffer grows by doubling, from 256 bytes): small messages of unknown
// size are encoded, then kept in a buffer of their exact size.
Buffer exact_size(const Buffer& encoded) {
  Buffer exact(encoded.size());
  exact.put_bytes(encoded.view());
  return exact;
}

}  // namespace

bool SessionHandle::notify(std::int32_t sender_pid, std::string_view channel, std::string_view payload) {
  Buffer b;
  encode(NotificationResponse{sender_pid, channel, payload}, b);
  return push(Kind::notification, exact_size(b));
}

bool SessionHandle::notice(const ErrorInfo& notice) {
  Buffer b;
  notice.encode(b, true);
  return push(Kind::message, exact_size(b));
}

bool SessionHandle::parameter_status(std::string_view name, std::string_view value) {
  Buffer b;
  encode(ParameterStatus{name, value}, b);
  return push(Kind::message, exact_size(b));
}

// Copy-both streams many of these: the message (type, length, data) is
// encoded straight into the queued buffer, reserved at its size.
bool SessionHandle::copy_data(std::string_view data) {
  Buffer b(5 + data.size());
  encode(CopyData{data}, b);
  return push(Kind::copy, std::move(b));
}

bool SessionHandle::copy_done() {
  Buffer b(5);
  encode(CopyDone{}, b);
  return push(Kind::copy, std::move(b), true);
}

void SessionHandle::when_copy_space(std::function<void()> ready) {
  {
    std::lock_guard lock(mutex_);
    if (bytes_ > limit_ / 2) {
      copy_space_ = std::move(ready);
      return;
    }
  }
  ready();
}

bool SessionHandle::drain(Buffer& out, bool idle, bool copying) {
  if (!queued_.load(std::memory_order_acquire)) return false;
  std::function<void()> space;
  bool any = false;
  {
    std::lock_guard lock(mutex_);
    // Notifications held for the end of a transaction, and copy data held
    // for its copy-both, keep their order; the others pass them.
    for (auto it = items_.begin(); it != items_.end();) {
      if ((it->kind == Kind::notification && !idle) || (it->kind == Kind::copy && !copying)) {
        ++it;
        continue;
      }
      if (it->ends_copy) copy_done_sent_ = true;
      out.put_bytes(it->bytes.view());
      bytes_ -= it->bytes.size();
      it = items_.erase(it);
      any = true;
    }
    queued_.store(!items_.empty(), std::memory_order_release);
    if (copy_space_ && bytes_ <= limit_ / 2) {
      space = std::move(copy_space_);
      copy_space_ = nullptr;
    }
  }
  if (space) space();
  return any;
}

bool SessionHandle::copy_done_sent() const noexcept {
  std::lock_guard lock(mutex_);
  return copy_done_sent_;
}

void SessionHandle::end_copy() {
  std::function<void()> space;
  {
    std::lock_guard lock(mutex_);
    for (auto it = items_.begin(); it != items_.end();) {
      if (it->kind == Kind::copy) {
        bytes_ -= it->bytes.size();
        it = items_.erase(it);
      } else {
        ++it;
      }
    }
    queued_.store(!items_.empty(), std::memory_order_release);
    copy_done_queued_ = false;
    copy_done_sent_ = false;
    space = std::move(copy_space_);
    copy_space_ = nullptr;
  }
  if (space) space();  // nothing more will be sent: don't leave the product waiting
}

void SessionHandle::close() {
  std::function<void()> space;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    items_.clear();
    queued_.store(false, std::memory_order_release);
    bytes_ = 0;
    wake_ = nullptr;
    space = std::move(copy_space_);
    copy_space_ = nullptr;
  }
  if (space) space();  // a product waiting to send learns (copy_data fails) that it is over
}

}  // namespace pgwire
