#pragma once
// A live session as the rest of the product sees it. Keep the handle
// (Session::handle()) in a LISTEN registry, a broker, a timer... and push
// NotificationResponse, NoticeResponse or ParameterStatus to the client at
// any time, from any thread. The session machine decides when each may go
// out (session_pushes.cpp):
//   - notices and ParameterStatus at the next message boundary;
//   - notifications only while the session is idle outside a transaction
//     block: just before its ReadyForQuery 'I', or at once while it waits
//     for the client (the driver wakes up for it), as PostgreSQL delivers
//     them. One pushed during a transaction block waits for its end.
//   - CopyData and CopyDone (copy_data / copy_done) only while the session
//     runs a copy-both (Response::copy_both), at once, as the walsender
//     streams; pushed earlier, they wait for its CopyBothResponse; what is
//     still queued when the copy-both ends is dropped.
// A push never interleaves with a result's messages.

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>

#include "pgwire/codec/buffer.hpp"
#include "pgwire/codec/error_info.hpp"

namespace pgwire {

class SessionHandle {
 public:
  // Bytes of queued, unsent pushes a session holds at most: a client that
  // never reads cannot make the server hold more (PostgreSQL's own queue is
  // bounded too: "too many notifications in the NOTIFY queue").
  static constexpr std::size_t default_queue_limit = 8 << 20;

  explicit SessionHandle(std::size_t queue_limit = default_queue_limit) : limit_(queue_limit) {}
  SessionHandle(const SessionHandle&) = delete;
  SessionHandle& operator=(const SessionHandle&) = delete;

  // The backend process id the client knows this session by (0 before login).
  std::int32_t process_id() const noexcept;
  // False once the session has ended: drop the handle.
  bool alive() const noexcept;

  // Each returns false, and queues nothing, when the session has ended or
  // its queue is full.
  bool notify(std::int32_t sender_pid, std::string_view channel, std::string_view payload);
  bool notice(const ErrorInfo& notice);
  bool parameter_status(std::string_view name, std::string_view value);
  // Copy-both only. False too once copy_done() was pushed (nothing may
  // follow the server's CopyDone) or when the queue is full: then wait for
  // `when_copy_space`.
  bool copy_data(std::string_view data);
  bool copy_done();
  // Calls `ready` once (on the session's thread, outside the lock) when a
  // drain has left the queue at most half full; at once if it already is.
  void when_copy_space(std::function<void()> ready);

  // For the session machine and its driver ---------------------------------
  void set_process_id(std::int32_t pid) noexcept;
  // Called after each push, on the pushing thread, outside the lock (the
  // Asio driver posts a wake-up to the session's strand).
  void set_waker(std::function<void()> wake);
  // Appends what may go now to `out`: notices and ParameterStatus always,
  // notifications too when `idle`, CopyData/CopyDone when `copying` (a
  // copy-both runs). True when it appended anything.
  bool drain(Buffer& out, bool idle, bool copying = false);
  // Whether the product's CopyDone was drained (the session then sends none).
  bool copy_done_sent() const noexcept;
  // The copy-both ended: its queued CopyData are dropped, copy pushes are
  // accepted again (for the next one).
  void end_copy();
  // The session ended: later pushes fail, the waker is dropped.
  void close();

 private:
  enum class Kind : std::uint8_t { message, notification, copy };
  bool push(Kind kind, Buffer bytes, bool ends_copy = false);

  mutable std::mutex mutex_;
  struct Item {
    Kind kind;
    bool ends_copy;     // the product's CopyDone
    Buffer bytes;  // the encoded message, queued as it was encoded
  };
  // A list, not a deque: an empty one allocates nothing (every idle session
  // has a handle; libstdc++'s deque allocates 576 bytes at construction).
  std::list<Item> items_;
  // items_ is not empty. drain() runs before every ReadyForQuery and read:
  // without pushes it costs one atomic load, not a lock.
  std::atomic<bool> queued_{false};
  std::size_t bytes_ = 0;
  std::size_t limit_;
  bool closed_ = false;
  std::int32_t pid_ = 0;
  std::function<void()> wake_;
  std::function<void()> copy_space_;
  bool copy_done_queued_ = false;  // copy_done() pushed: no more copy data
  bool copy_done_sent_ = false;
};

}  // namespace pgwire
