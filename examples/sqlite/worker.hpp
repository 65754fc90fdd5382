#pragma once
// One SQLite connection, and the strand of jobs that makes every sqlite3_*
// call on it. The jobs run on the pool's threads (worker_pool.hpp).
//
// The io threads never wait for SQLite: a handler posts the work with
// `co_await worker->call<T>(f)` and is resumed on its own executor when
// f(db) has run on a pool thread (its result, or its exception, comes back).
// Jobs run one at a time, in order, so a connection's statements keep their
// order and SQLite sees one thread at a time per connection.
//
// While a call is awaited, its handler (and with it the whole coroutine
// stack of the connection) is owned by the job: `f` may refer to the
// handler's locals. Fire-and-forget cleanup (finalizing statements, undoing
// an unfinished COPY) goes through cleanup(): queued behind the calls, or
// run at once when the worker has stopped.
//
// Cancellation: interrupt() (from Session::on_cancel, or the cancellation
// of the awaiting coroutine) calls sqlite3_interrupt, wakes pg_sleep() and a
// busy wait, and a progress handler stops a statement that started just after.

#include <pthread.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <asio/associated_cancellation_slot.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/bind_allocator.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include <pgwire/codec/error_info.hpp>

#include "column_origins.hpp"
#include "completion_slot.hpp"
#include "session_zone.hpp"
#include "sql_settings.hpp"
#include "worker_pool.hpp"

namespace sqlite_example {

// Thread names (the tests look for them in /proc).
inline constexpr const char* worker_thread_name = WorkerPool::thread_name;
inline constexpr const char* sleeping_thread_name = "pg_sleep";

// What a product attaches to each connection (sqlite_server: its change
// capture): called on the worker, after the connection opened and after
// every job that ran on it. Kept alive until the connection is closed, so
// that SQLite's hooks pointing at it never outlive it.
class ConnectionHooks {
 public:
  virtual ~ConnectionHooks() = default;
  virtual void opened(sqlite3* db) = 0;
  virtual void job_done(sqlite3* db) = 0;
};

class Worker final : public PoolTask, public std::enable_shared_from_this<Worker> {
 public:
  // Its jobs run on `pool`. A queued or running worker is kept alive by the
  // pool: the last reference may go away on any thread.
  static std::shared_ptr<Worker> start(std::string uri, std::shared_ptr<WorkerPool> pool,
                                       std::shared_ptr<ConnectionHooks> hooks = nullptr) {
    return std::shared_ptr<Worker>(new Worker(std::move(uri), std::move(pool), std::move(hooks)));
  }
  ~Worker() override {
    if (sqlite3* db = db_.exchange(nullptr)) sqlite3_close_v2(db);  // (normally closed by stop's last run)
    hooks_.reset();  // (after the close: its implicit rollback may call them)
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Runs f(sqlite3*) -> T on the worker; resumes the caller with its result
  // (T default-constructible: the value beside an exception). Not a
  // coroutine itself: one frame less per statement.
  template <class T, class F>
  asio::awaitable<T> call(F f) {
    auto init = [this, f = std::move(f)](auto handler) mutable {
      auto slot = asio::get_associated_cancellation_slot(handler);
      if (slot.is_connected())
        slot.assign([weak = weak_from_this()](asio::cancellation_type) {
          if (auto self = weak.lock()) self->interrupt();
        });
      auto ex = asio::get_associated_executor(handler);
      using Job = CallJob<T, F, decltype(handler)>;
      enqueue(std::make_unique<Job>(this, std::move(f), std::move(ex), std::move(handler)), true);
    };
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, T)>(std::move(init),
                                                                                            asio::use_awaitable);
  }

  // Fire and forget, in order with the calls (any thread).
  void cleanup(std::function<void()> f) {
    struct Job final : Base {
      std::function<void()> f;
      Worker* worker = nullptr;
      void run(bool) override {
        f();
        worker->job_done();
      }
    };
    auto job = std::make_unique<Job>();
    job->f = std::move(f);
    job->worker = this;
    enqueue(std::move(job), false);
  }

  // cleanup() with the connection: skipped when it never opened or has closed.
  void cleanup_on_db(std::function<void(sqlite3*)> f) {
    cleanup([this, f = std::move(f)] {
      if (sqlite3* db = db_.load()) f(db);
    });
  }

  // Work ahead of a call the caller will make (the next batch of rows),
  // in order with the calls; dropped once the worker stops, and never run
  // inside the calling job (any thread, but not from this worker's jobs).
  void ahead(std::function<void()> f) {
    struct Job final : Base {
      std::function<void()> f;
      Worker* worker = nullptr;
      void run(bool stopping) override {
        if (stopping) return;
        f();
        worker->job_done();
      }
    };
    auto job = std::make_unique<Job>();
    job->f = std::move(f);
    job->worker = this;
    bool schedule = false;
    {
      std::lock_guard lock(mutex_);
      if (exited_ || stop_) return;
      jobs_.push_back(std::move(job));
      schedule = !scheduled_;
      scheduled_ = true;
    }
    if (schedule) pool_->schedule(shared_from_this());
  }

  // A cancel: stops what runs now (any thread).
  void interrupt() {
    {
      std::lock_guard lock(interrupt_mutex_);
      interrupted_ = true;
    }
    interrupt_cv_.notify_all();
    if (sqlite3* db = db_.load()) sqlite3_interrupt(db);
  }
  // A new statement starts: an earlier cancel does not stop it (io thread,
  // before its work is posted).
  void clear_interrupt() {
    std::lock_guard lock(interrupt_mutex_);
    interrupted_ = false;
  }

  // Interrupts the current job, fails the queued calls, runs the queued
  // cleanups and closes the connection, on the pool; with `join`, waits for
  // that (not from one of this worker's own jobs). Idempotent.
  void stop(bool join) {
    bool schedule = false;
    {
      std::lock_guard lock(mutex_);
      if (!stop_) {
        stop_ = true;
        schedule = !scheduled_;  // (a queued or running worker closes when its queue is empty)
        scheduled_ = true;
      }
    }
    interrupt();
    if (schedule) pool_->schedule(shared_from_this());
    if (join && running_here_ != this) {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return exited_; });
    }
  }

  // The session's TimeZone for this job and the ones after it (its jobs
  // only): SQL functions read it through session_zone::current().
  void use_zone(pgwire::TimeZonePtr zone) {
    if (zone == zone_) return;
    zone_ = std::move(zone);
    session_zone::slot() = zone_.get();
  }
  const pgwire::TimeZone& zone() const { return zone_ ? *zone_ : session_zone::current(); }

  // What current_setting() reads in this connection's SQL (its jobs only).
  SqlSettings& sql_settings() noexcept { return sql_settings_; }

  // A transaction block was begun (SQLite's deferred BEGIN) and no statement
  // has run in it yet (its jobs only; see write_transaction.hpp).
  bool fresh_begin = false;

  // Numbers result columns that read a table's column (RowDescription);
  // set before the first job, read by its jobs.
  std::shared_ptr<ColumnOrigins> origins;

  // NOTICEs of the job's statement (skip_notices.hpp), which the io thread
  // sends once the job has ended (Session is not the worker's to touch).
  std::vector<pgwire::ErrorInfo> notices;

  // SQLITE_LOCKED_SHAREDCACHE from a statement of the connection whose job
  // runs on this thread: another connection of the shared in-memory
  // database holds the table, or the one write transaction. SQLite calls no
  // busy handler for that (two sessions writing at once got 55P03 at once,
  // where PostgreSQL makes the second wait), so the caller resets the
  // statement and tries again while this returns true: after a short wait,
  // within the busy handler's limits (5 s), unless cancelled.
  // `attempts` starts at 0 for each statement.
  static bool wait_for_table_lock(sqlite3* db, int rc, int& attempts) {
    // (sqlite3_exec and a legacy step report SQLITE_LOCKED; the connection keeps the extended code)
    if ((rc & 0xff) != SQLITE_LOCKED || sqlite3_extended_errcode(db) != SQLITE_LOCKED_SHAREDCACHE) return false;
    if (running_here_ == nullptr || attempts >= 2500 || running_here_->probe_gives_up()) return false;
    ++attempts;
    return running_here_->wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(2));
  }

  // Parse's probe of a statement's first row (sqlite_server.cpp types
  // expression columns by it) is bounded: a statement that needs more than
  // `probe_steps` thousand VM steps, sleeps or waits for a lock gives up
  // the probe instead of running twice (at Parse and at Execute). On this
  // worker's jobs only. end_probe() is true when the probe gave up (and
  // was not cancelled: a cancel stays the statement's).
  static constexpr int probe_steps = 100;
  void begin_probe() {
    probe_budget_ = probe_steps;
    probe_gave_up_ = false;
  }
  bool end_probe() {
    probe_budget_ = -1;
    return std::exchange(probe_gave_up_, false);
  }

  // The hooks of the connection whose job runs on this thread, if any.
  static ConnectionHooks* running_hooks() { return running_here_ ? running_here_->hooks_.get() : nullptr; }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void run(bool stopping) = 0;
  };

  template <class T, class F, class Handler>
  struct CallJob final : Base {
    Worker* worker;
    F f;
    asio::any_io_executor executor;
    Handler handler;
    CallJob(Worker* w, F&& f_, asio::any_io_executor e, Handler&& h)
        : worker(w), f(std::move(f_)), executor(std::move(e)), handler(std::move(h)) {}
    void run(bool stopping) override {
      std::exception_ptr error;
      T value{};
      try {
        if (stopping) throw pgwire::PgError("57P01", "terminating connection due to administrator command");
        value = f(worker->open_db());
      } catch (...) {
        error = std::current_exception();
      }
      worker->job_done();  // (before the caller resumes: a commit is published before its COMMIT is answered)
      // Resumed on its own executor; the handler is never destroyed here.
      auto resume = [h = std::move(handler), error, value = std::move(value)]() mutable {
        auto slot = asio::get_associated_cancellation_slot(h);
        if (slot.is_connected()) slot.clear();
        std::move(h)(error, std::move(value));
      };
      // To an io_context's executor, in the worker's completion block (an
      // any_io_executor would ignore the allocator).
      if (auto* io = executor.template target<asio::io_context::executor_type>()) {
        asio::post(*io, asio::bind_allocator(SlotAllocator<void>(&worker->completion_), std::move(resume)));
      } else {
        asio::post(executor, std::move(resume));
      }
    }
  };

  void enqueue(std::unique_ptr<Base> job, bool is_call) {
    bool here = running_here_ == this;
    {
      std::unique_lock lock(mutex_);
      if (!exited_ && !(here && !is_call)) {
        jobs_.push_back(std::move(job));
        bool schedule = !scheduled_;
        scheduled_ = true;
        lock.unlock();
        if (schedule) pool_->schedule(shared_from_this());
        return;
      }
    }
    // The worker is gone (a call then fails at once), or a cleanup from one
    // of its own jobs: run it here (inside the job that runs: not done yet).
    if (here) ++nested_;
    job->run(is_call);
    if (here) --nested_;
  }

  void job_done() {
    if (nested_ > 0) return;
    if (sqlite3* db = db_.load(); db && hooks_) hooks_->job_done(db);
  }

  // On a pool thread: a few queued jobs; then, once stopped and drained,
  // the connection closes here (its rollback is blocking work).
  bool run_some() override {
    auto* outer = running_here_;
    auto* outer_zone = session_zone::slot();
    running_here_ = this;
    session_zone::slot() = zone_.get();
    std::unique_lock lock(mutex_);
    for (int ran = 0; ran < jobs_per_turn; ++ran) {
      if (jobs_.empty()) {
        if (stop_ && !closed_) {
          // Jobs queued meanwhile (a statement's finalize) run after the
          // close, here: the close waits for them (sqlite3_close_v2).
          closed_ = true;
          lock.unlock();
          if (sqlite3* db = db_.exchange(nullptr)) sqlite3_close_v2(db);
          lock.lock();
          continue;
        }
        if (stop_ && !exited_) {  // from now on, what comes runs on its caller's thread
          exited_ = true;
          cv_.notify_all();
        }
        scheduled_ = false;
        running_here_ = outer;
        session_zone::slot() = outer_zone;
        return false;
      }
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      bool stopping = stop_;
      lock.unlock();
      job->run(stopping);
      job.reset();
      lock.lock();
    }
    running_here_ = outer;
    session_zone::slot() = outer_zone;
    return true;  // more may wait: behind the other connections
  }

  Worker(std::string uri, std::shared_ptr<WorkerPool> pool, std::shared_ptr<ConnectionHooks> hooks)
      : uri_(std::move(uri)), pool_(std::move(pool)), hooks_(std::move(hooks)) {}

  // The connection, opened by the first job.
  sqlite3* open_db() {
    if (sqlite3* db = db_.load()) return db;
    if (!open_error_.empty()) throw pgwire::PgError("08006", open_error_);
    sqlite3* db = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(uri_.c_str(), &db, flags, nullptr) != SQLITE_OK) {
      open_error_ = std::string("cannot open ") + uri_ + ": " + sqlite3_errmsg(db);
      sqlite3_close_v2(db);
      throw pgwire::PgError("08006", open_error_);
    }
    sqlite3_busy_handler(db, &Worker::busy, this);
    sqlite3_progress_handler(db, 1000, &Worker::progress, this);
    sqlite3_create_function_v2(db, "pg_sleep", 1, SQLITE_UTF8, this, &Worker::pg_sleep, nullptr, nullptr,
                               nullptr);
    sql_settings_.install(db);
    if (hooks_) hooks_->opened(db);
    db_.store(db);
    return db;
  }

  // Waits until `until` or a cancel; false when cancelled.
  bool wait_until(std::chrono::steady_clock::time_point until) {
    pool_->blocking_began();
    bool cancelled = false;
    {
      std::unique_lock lock(interrupt_mutex_);
      cancelled = interrupt_cv_.wait_until(lock, until, [&] { return interrupted_; });
    }
    pool_->blocking_ended();
    return !cancelled;
  }

  // SELECT pg_sleep(seconds): a cancellable wait on this worker.
  static void pg_sleep(sqlite3_context* ctx, int, sqlite3_value** argv) {
    auto* self = static_cast<Worker*>(sqlite3_user_data(ctx));
    if (self->probe_gives_up()) return sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
    double seconds = sqlite3_value_double(argv[0]);
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                     std::chrono::duration<double>(seconds > 0 ? seconds : 0));
    pthread_setname_np(pthread_self(), sleeping_thread_name);
    bool slept = self->wait_until(until);
    pthread_setname_np(pthread_self(), worker_thread_name);
    if (!slept) return sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
    sqlite3_result_null(ctx);
  }

  // A locked database: retry for up to 5 s, unless cancelled.
  static int busy(void* p, int count) {
    auto* self = static_cast<Worker*>(p);
    if (count >= 1000 || self->probe_gives_up()) return 0;
    return self->wait_until(std::chrono::steady_clock::now() + std::chrono::milliseconds(5)) ? 1 : 0;
  }

  static int progress(void* p) {
    auto* self = static_cast<Worker*>(p);
    {
      std::lock_guard lock(self->interrupt_mutex_);
      if (self->interrupted_) return 1;
    }
    if (self->probe_budget_ > 0) --self->probe_budget_;
    return self->probe_budget_ == 0 && self->probe_gives_up() ? 1 : 0;
  }

  // In a probe: it gives up (and says so) rather than wait or run on.
  bool probe_gives_up() {
    if (probe_budget_ < 0) return false;
    probe_gave_up_ = true;
    return true;
  }

  static constexpr int jobs_per_turn = 8;
  static inline thread_local Worker* running_here_ = nullptr;

  std::string uri_;
  std::shared_ptr<WorkerPool> pool_;
  std::shared_ptr<ConnectionHooks> hooks_;
  CompletionSlot completion_;  // for the calls' completions (completion_slot.hpp)
  pgwire::TimeZonePtr zone_;    // the session's TimeZone (use_zone): its jobs only; null: UTC
  SqlSettings sql_settings_;    // current_setting() in SQL (sql_settings.hpp): its jobs only
  int nested_ = 0;  // its jobs only: cleanups running inside a job
  int probe_budget_ = -1;       // its jobs only: progress calls left to Parse's probe; -1: none running
  bool probe_gave_up_ = false;  // its jobs only
  std::string open_error_;  // its jobs only
  std::atomic<sqlite3*> db_{nullptr};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Base>> jobs_;
  bool scheduled_ = false;  // queued on the pool, or running: jobs_ is drained there
  bool stop_ = false, closed_ = false, exited_ = false;
  std::mutex interrupt_mutex_;
  std::condition_variable interrupt_cv_;
  bool interrupted_ = false;
};

}  // namespace sqlite_example
