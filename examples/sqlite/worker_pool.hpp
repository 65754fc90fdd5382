#pragma once
// The threads that run every SQLite connection's jobs (worker.hpp).
//
// Why a pool and not a thread per connection: with a thread each, every
// statement woke a sleeping thread (a futex wake and two context switches)
// even when the server was busy. Here a thread that finishes a job takes
// the next ready connection without sleeping.
//
// Waking a thread costs more than most jobs (a prepared SELECT 1 runs in
// about 2 µs; a wake is a futex call, an IPI and two context switches, more
// under a hypervisor). So a job queued while another thread runs a young
// job waits for that thread instead of waking a second one: pgbench SELECT 1
// at c=8 ran at 50k TPS with every idle thread woken, 70k with this rule
// (2 vCPUs). Parallelism comes back for slow jobs: a job that has run for
// `slow_job` lets the next one wake an idle thread, and a thread that ends a
// slow job with more queued wakes one.
//
// A connection is a strand: its jobs run one at a time and in order, on
// whichever pool thread picks it up (SQLite's NOMUTEX connections allow any
// thread, one at a time). A thread runs a few of its jobs, then puts it back
// at the end of the queue if more are waiting, so one busy connection cannot
// hold a thread against the others.
//
// A statement may run for long, or wait (pg_sleep, a locked database). A
// job that waits in Worker::wait_until says so (blocking_began): queued
// jobs go to an idle thread at once. So that no statement stalls the
// others, a monitor looks every 10 ms while work is queued: when no job
// started since its last look, it wakes an idle thread, or adds one when
// none is idle. Threads beyond the core count end after two idle seconds.
// The monitor sleeps for good after a second without work; a job queued
// with no thread called for it wakes the monitor.

#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace sqlite_example {

// A connection with jobs, as the pool sees it.
class PoolTask {
 public:
  virtual ~PoolTask() = default;
  // Runs some of its jobs; true when it has more (the pool queues it again).
  virtual bool run_some() = 0;
};

class WorkerPool {
 public:
  static constexpr const char* thread_name = "sqlite-worker";
  static constexpr auto monitor_period = std::chrono::milliseconds(10);
  static constexpr auto surplus_idle = std::chrono::seconds(2);
  // A job that takes less than a wake is cheap; one that has run this long
  // is slow whatever the typical job.
  static constexpr auto cheap_job = std::chrono::microseconds(10);
  static constexpr auto slow_job = std::chrono::microseconds(50);

  explicit WorkerPool(unsigned core_threads) : core_(core_threads == 0 ? 1 : core_threads) {
    std::lock_guard lock(mutex_);
    for (unsigned i = 0; i < core_; ++i) add_thread();
    monitor_ = std::thread([this] { monitor(); });
  }
  ~WorkerPool() { shutdown(); }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a connection that has jobs (it is not queued already). After
  // shutdown(), its jobs run on the calling thread.
  void schedule(std::shared_ptr<PoolTask> task) {
    std::unique_lock lock(mutex_);
    if (exiting_) {
      lock.unlock();
      while (task->run_some()) {
      }
      return;
    }
    ready_.push_back(std::move(task));
    if (idle_ > 0 && waking_ == 0 && !soon_free()) {
      ++waking_;
      lock.unlock();
      work_cv_.notify_one();
    } else if (monitor_asleep_) {
      monitor_asleep_ = false;
      lock.unlock();
      monitor_cv_.notify_one();
    }
  }

  // A job waits (a lock, pg_sleep) on the calling pool thread: while it
  // does, the thread is not about to be free, and queued jobs go to an idle
  // thread at once. Calls pair with blocking_ended().
  void blocking_began() {
    std::lock_guard lock(mutex_);
    --busy_;
    if (!ready_.empty() && idle_ > waking_) wake_one();
  }
  void blocking_ended() {
    std::lock_guard lock(mutex_);
    ++busy_;
  }

  // Runs what is queued, then ends the threads and waits for them (not on a
  // pool thread). Idempotent.
  void shutdown() {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      if (exiting_ && threads_.empty() && !monitor_.joinable()) return;
      exiting_ = true;
      threads.swap(threads_);
    }
    work_cv_.notify_all();
    monitor_cv_.notify_all();
    for (auto& t : threads) join_or_detach(t);
    join_or_detach(monitor_);
    std::lock_guard lock(mutex_);
    for (auto& t : ended_) join_or_detach(t);
    ended_.clear();
  }

 private:
  static void join_or_detach(std::thread& t) {
    if (!t.joinable()) return;
    if (t.get_id() == std::this_thread::get_id())
      t.detach();
    else
      t.join();
  }

  // (mutex_ held)
  void add_thread() {
    ++running_threads_;
    threads_.emplace_back([this] { work(); });
  }

  void work() {
    pthread_setname_np(pthread_self(), thread_name);
    std::unique_lock lock(mutex_);
    for (;;) {
      while (ready_.empty() && !exiting_) {
        ++idle_;
        bool surplus = running_threads_ > core_;
        auto called = [this] { return waking_ > 0 || exiting_; };
        bool woken = surplus ? work_cv_.wait_for(lock, surplus_idle, called) : (work_cv_.wait(lock, called), true);
        --idle_;
        if (waking_ > 0) --waking_;
        if (!woken && ready_.empty() && running_threads_ > core_ && !exiting_) return retire();
      }
      if (ready_.empty()) break;  // exiting, and nothing left
      auto task = std::move(ready_.front());
      ready_.pop_front();
      ++started_;
      ++busy_;
      auto started = std::chrono::steady_clock::now();
      last_start_ = started;
      lock.unlock();
      bool more = task->run_some();
      auto took = std::chrono::steady_clock::now() - started;
      bool slow = took >= slow_job;
      lock.lock();
      --busy_;
      typical_job_ += (took - typical_job_) / 8;
      if (more) ready_.push_back(std::move(task));
      task.reset();
      if (slow && idle_ > waking_ && !ready_.empty()) wake_one();  // share the queue
    }
    --running_threads_;
  }

  // A surplus thread ends (mutex_ held): its std::thread is joined later.
  void retire() {
    --running_threads_;
    auto self = std::this_thread::get_id();
    for (auto it = threads_.begin(); it != threads_.end(); ++it) {
      if (it->get_id() != self) continue;
      ended_.push_back(std::move(*it));
      threads_.erase(it);
      break;
    }
    // Threads retired earlier have returned by now, or are about to: join
    // all but this one.
    for (auto it = ended_.begin(); it != ended_.end();) {
      if (it->get_id() == self) {
        ++it;
        continue;
      }
      it->join();
      it = ended_.erase(it);
    }
  }

  // (mutex_ held) Calls an idle thread: one call per thread woken, so that
  // jobs queued while it wakes up do not wake another.
  void wake_one() {
    ++waking_;
    work_cv_.notify_one();
  }

  // (mutex_ held) A running thread started its job just now: it will take
  // the next one sooner than a woken thread would.
  bool soon_free() const {
    return busy_ > 0 && typical_job_ < cheap_job && std::chrono::steady_clock::now() - last_start_ < slow_job;
  }

  void monitor() {
    pthread_setname_np(pthread_self(), "sqlite-monitor");
    std::unique_lock lock(mutex_);
    std::uint64_t seen = started_;
    int quiet_looks = 0;
    while (!exiting_) {
      if (quiet_looks >= 100) {  // a second without work: sleep until a job comes
        monitor_asleep_ = true;
        monitor_cv_.wait(lock, [&] { return !monitor_asleep_ || exiting_; });
        quiet_looks = 0;
        seen = started_;
        continue;
      }
      monitor_cv_.wait_for(lock, monitor_period);
      if (exiting_) break;
      bool stuck = !ready_.empty() && started_ == seen;
      if (stuck && idle_ > waking_)
        wake_one();  // (queued behind a job that turned slow)
      else if (stuck && idle_ == 0)
        add_thread();
      quiet_looks = ready_.empty() && idle_ == running_threads_ ? quiet_looks + 1 : 0;
      seen = started_;
    }
  }

  const unsigned core_;
  std::mutex mutex_;
  std::condition_variable work_cv_, monitor_cv_;
  std::deque<std::shared_ptr<PoolTask>> ready_;
  std::vector<std::thread> threads_, ended_;
  std::thread monitor_;
  unsigned running_threads_ = 0, idle_ = 0;
  int busy_ = 0;  // threads running a job and not waiting in it (signed: a job run by shutdown() may wait)
  unsigned waking_ = 0;  // idle threads called and not yet up
  std::chrono::steady_clock::time_point last_start_;  // of the newest job
  std::chrono::steady_clock::duration typical_job_{};  // a moving average of the jobs' times
  std::uint64_t started_ = 0;  // jobs picked up so far: progress, for the monitor
  bool exiting_ = false, monitor_asleep_ = false;
};

}  // namespace sqlite_example
