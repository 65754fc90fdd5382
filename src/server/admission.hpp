#pragma once
// Who holds a session and who is asked to leave (internal): the live sessions
// of one server, the slots of ServerOptions::max_connections, and the
// shutdown state a newly accepted session finds. What a session then sends
// (53300, 57P01) is the session machine's (src/protocol/session_limits.cpp);
// how it stops waiting is the driver's (connection_control.cpp).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <map>
#include <utility>
#include <vector>

namespace pgwire::detail {

// What stop() and shutdown() ask of a live session, from any thread; the
// session performs it on its own strand.
class LiveSession {
 public:
  // Server::stop(): closed at once, product calls cancelled.
  virtual void close_now() = 0;
  // Server::shutdown(): the session ends at its next wait for the client
  // outside a transaction block.
  virtual void begin_shutdown() = 0;
  // The grace is over: the session ends now.
  virtual void terminate() = 0;
  // Any thread: it waits for its client without a coroutine frame
  // (idle_sweep.hpp); for tests.
  virtual bool waits_without_frames() const noexcept = 0;
  // Any thread: something was pushed to its SessionHandle (wake()).
  virtual void pushed() = 0;

 protected:
  ~LiveSession() = default;
};

class LiveSessions;

// One slot of max_connections, given back once: by release() as the session
// closes its socket (a client that saw the close then finds the slot free),
// or else when destroyed. An empty slot is a session beyond the limit.
class ConnectionSlot {
 public:
  ConnectionSlot() = default;
  explicit ConnectionSlot(LiveSessions& owner) noexcept : owner_(&owner) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
  ConnectionSlot& operator=(ConnectionSlot&& other) noexcept;
  ~ConnectionSlot() { release(); }

  explicit operator bool() const noexcept { return owner_ != nullptr; }
  void release() noexcept;

 private:
  LiveSessions* owner_ = nullptr;
};

// The live sessions of one server. Every member is thread-safe.
class LiveSessions {
 public:
  // Registers a session for as long as the returned guard lives; the last
  // session to go calls the idle callback (under the lock).
  class Registration;
  // What a session accepted now is given: its registration, a slot if one
  // is free (always with max_connections 0), and whether a shutdown had
  // begun.
  struct Admitted;
  Admitted admit(std::weak_ptr<LiveSession> session, std::size_t max_connections);

  // Server::shutdown(): every later session is told so at its admission,
  // every live one is asked to begin its shutdown. False when none is live
  // (nothing to wait for); otherwise `on_idle` runs when the last one ends.
  bool begin_shutdown(std::function<void()> on_idle);
  // async_stop(): as above without the shutdown; false when none is live.
  bool call_when_idle(std::function<void()> on_idle);
  // No idle callback any more (the server is going away).
  void forget_idle_callback();

  // How many sessions are live now (admitted or beyond the limit).
  std::size_t count();
  // How many of them wait for their client without a coroutine frame.
  std::size_t count_waiting_without_frames();
  // Any thread: tells the session registered as `id` that something was
  // pushed to it, if it is still live. The push waker of a session holds
  // this and the id, which std::function keeps in place (a weak_ptr, not
  // trivially copyable, took 16 bytes on the heap per session).
  void wake(std::uint64_t id);
  // Server::stop(): asks every live session to close; returns how many.
  std::size_t close_all();
  // The grace of a shutdown is over.
  void terminate_all();

 private:
  friend class ConnectionSlot;
  void release_slot() noexcept;
  void forget(std::uint64_t id) noexcept;
  std::vector<std::shared_ptr<LiveSession>> snapshot();

  std::mutex mutex_;
  std::map<std::uint64_t, std::weak_ptr<LiveSession>> live_;  // by registration id
  std::uint64_t next_id_ = 0;
  std::function<void()> on_idle_;
  std::size_t slots_taken_ = 0;
  bool shutting_down_ = false;
};

// Kept by the session (connection.cpp) until it ends: 16 bytes.
class LiveSessions::Registration {
 public:
  Registration() = default;  // none
  Registration(LiveSessions& owner, std::uint64_t id) noexcept : owner_(&owner), id_(id) {}
  Registration(Registration&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), id_(other.id_) {}
  Registration& operator=(Registration&& other) noexcept {
    if (this != &other) {
      reset();
      owner_ = std::exchange(other.owner_, nullptr);
      id_ = other.id_;
    }
    return *this;
  }
  ~Registration() { reset(); }

  // The session ends: it is live no more.
  void reset() noexcept {
    if (auto* owner = std::exchange(owner_, nullptr)) owner->forget(id_);
  }
  LiveSessions& owner() const noexcept { return *owner_; }
  std::uint64_t id() const noexcept { return id_; }

 private:
  LiveSessions* owner_ = nullptr;  // none once moved from or reset
  std::uint64_t id_ = 0;
};

struct LiveSessions::Admitted {
  Registration registration;
  ConnectionSlot slot;
  bool shutting_down = false;
};

}  // namespace pgwire::detail
