#pragma once
// The sessions of one io thread that wait for their client inside their
// coroutine (internal). A session waiting there holds about 2 KiB of
// coroutine frames; one that waits without frames (a plain handler on its
// read) holds none, but leaving and re-entering the coroutine costs about
// 1.7k instructions, too much for every statement of a busy connection
// (docs/PERFORMANCE.md, stop 25). So a session waits in its coroutine
// first, listed here, and the sweep asks it to wait without frames once it
// has waited for one to two periods: a busy connection only links and
// unlinks itself, an idle one costs no frame after the period.
//
// One sweep per io_context run by one thread (the server's own): every
// call is on that thread.

#include <chrono>
#include <cstdint>
#include <optional>

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>

namespace pgwire::detail {

class IdleSweep {
 public:
  // A session in the list: waited_long() is called on the sweep's thread
  // once it has waited long enough (it is unlinked then); false: not now,
  // it stays listed for the next period.
  class Waiter {
   public:
    virtual bool waited_long() = 0;

   protected:
    ~Waiter() = default;

   private:
    friend class IdleSweep;
    Waiter* prev_ = nullptr;  // null: not listed
    Waiter* next_ = nullptr;
    std::uint32_t since_ = 0;  // the sweep's tick when it began to wait
  };

  IdleSweep(asio::io_context& io, std::chrono::milliseconds period);
  IdleSweep(const IdleSweep&) = delete;
  IdleSweep& operator=(const IdleSweep&) = delete;

  // The waiter begins and ends a wait in its coroutine.
  void link(Waiter& w);
  void unlink(Waiter& w) noexcept {
    if (!w.prev_) return;
    w.prev_->next_ = w.next_;
    w.next_->prev_ = w.prev_;
    w.prev_ = w.next_ = nullptr;
  }

  // Before the io_context goes (the server's destructor): no more ticks;
  // waiters may still unlink.
  void stop() noexcept { timer_.reset(); }

 private:
  // A sentinel: the list is circular through it, oldest first.
  struct Head final : Waiter {
    bool waited_long() override { return true; }
  };
  bool empty() const noexcept { return head_.next_ == &head_; }
  void arm();
  void tick();

  Head head_;
  std::optional<asio::steady_timer> timer_;
  std::chrono::milliseconds period_;
  std::uint32_t tick_ = 0;
  bool armed_ = false;
};

}  // namespace pgwire::detail
