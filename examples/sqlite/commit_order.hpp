#pragma once
// Publishing in the order SQLite committed. Connections commit one at a
// time (a commit holds the database's write lock), but each publishes on
// its own worker afterwards: two that commit back to back could reach the
// replication hub the other way round, and a subscriber would see an UPDATE
// before the INSERT of its row. So each commit takes a ticket in its commit
// hook, under the write lock, and publishes only when every earlier ticket
// has been published or given up.
//
// A connection waits only after its commit, holding no lock, and only for
// commits that already happened (whose workers are about to publish).

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>

namespace sqlite_example {

class CommitOrder {
 public:
  using Ticket = std::uint64_t;

  // In a commit hook.
  Ticket take() {
    std::lock_guard lock(mutex_);
    return next_ticket_++;
  }

  // Runs `publish` once every earlier ticket is done, then marks this one done.
  void publish_in_turn(Ticket ticket, const std::function<void()>& publish) {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return next_done_ == ticket; });
    lock.unlock();
    try {
      publish();
    } catch (...) {
      finish(ticket);
      throw;
    }
    finish(ticket);
  }

  // Nothing to publish (a commit that failed or captured nothing): done at
  // once, without waiting.
  void give_up(Ticket ticket) { finish(ticket); }

 private:
  void finish(Ticket ticket) {
    {
      std::lock_guard lock(mutex_);
      done_early_.insert(ticket);
      while (done_early_.erase(next_done_)) ++next_done_;
    }
    cv_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  Ticket next_ticket_ = 0, next_done_ = 0;
  std::set<Ticket> done_early_;  // finished, waiting for the earlier ones
};

}  // namespace sqlite_example
