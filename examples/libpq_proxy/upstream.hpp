#pragma once
// libpq_proxy's upstream: one libpq connection per client session, driven
// asynchronously on the session's executor (socket readiness, never a
// loop), with the conversions of upstream results and errors.


#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>
#include <libpq-fe.h>

#include <pgwire/api/copy.hpp>
#include <pgwire/api/extended.hpp>
#include <pgwire/api/handlers.hpp>
#include <pgwire/api/session_commands.hpp>
#include <pgwire/types.hpp>
#include <pgwire/types/copy_format.hpp>

namespace {

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;
Result wrap(PGresult* r) { return Result(r, &PQclear); }

pgwire::ErrorInfo error_from(const PGresult* r, PGconn* conn) {
  auto f = [r](int code) {
    const char* v = r ? PQresultErrorField(r, code) : nullptr;
    return std::string(v ? v : "");
  };
  pgwire::ErrorInfo e;
  e.severity = f(PG_DIAG_SEVERITY_NONLOCALIZED);
  if (e.severity.empty()) e.severity = f(PG_DIAG_SEVERITY);
  if (e.severity.empty()) e.severity = "ERROR";
  e.code = f(PG_DIAG_SQLSTATE);
  if (e.code.empty())  // libpq's own errors have none
    e.code = PQstatus(conn) == CONNECTION_BAD ? "08006" : pgwire::sqlstate::connection_exception;
  e.message = f(PG_DIAG_MESSAGE_PRIMARY);
  if (e.message.empty()) e.message = PQerrorMessage(conn);
  e.detail = f(PG_DIAG_MESSAGE_DETAIL);
  e.hint = f(PG_DIAG_MESSAGE_HINT);
  e.position = f(PG_DIAG_STATEMENT_POSITION);
  e.internal_position = f(PG_DIAG_INTERNAL_POSITION);
  e.internal_query = f(PG_DIAG_INTERNAL_QUERY);
  e.where = f(PG_DIAG_CONTEXT);
  e.schema_name = f(PG_DIAG_SCHEMA_NAME);
  e.table_name = f(PG_DIAG_TABLE_NAME);
  e.column_name = f(PG_DIAG_COLUMN_NAME);
  e.data_type_name = f(PG_DIAG_DATATYPE_NAME);
  e.constraint_name = f(PG_DIAG_CONSTRAINT_NAME);
  e.file = f(PG_DIAG_SOURCE_FILE);
  e.line = f(PG_DIAG_SOURCE_LINE);
  e.routine = f(PG_DIAG_SOURCE_FUNCTION);
  // An upstream FATAL ends the upstream, not necessarily this session.
  if (e.severity == "FATAL" || e.severity == "PANIC") e.severity = "ERROR";
  return e;
}

pgwire::SchemaPtr schema_of(const PGresult* r) {
  std::vector<pgwire::Column> cols;
  for (int i = 0; i < PQnfields(r); ++i) {
    pgwire::Column c;
    c.name = PQfname(r, i);
    c.type = PQftype(r, i);
    c.type_size = static_cast<std::int16_t>(PQfsize(r, i));
    c.type_modifier = PQfmod(r, i);
    c.table_oid = PQftable(r, i);
    c.column_id = static_cast<std::int16_t>(PQftablecol(r, i));
    cols.push_back(std::move(c));
  }
  return pgwire::make_schema(std::move(cols));
}

// Mirrors the upstream transaction status into the session (ReadyForQuery).
// While a command's rows are still coming libpq says ACTIVE: the status is
// not known yet, and is mirrored again at Sync.
void mirror_status(pgwire::Session& session, PGconn* c) {
  switch (PQtransactionStatus(c)) {
    case PQTRANS_IDLE: session.set_transaction_status(pgwire::TransactionStatus::idle); break;
    case PQTRANS_INTRANS: session.set_transaction_status(pgwire::TransactionStatus::in_transaction); break;
    case PQTRANS_INERROR: session.set_transaction_status(pgwire::TransactionStatus::failed); break;
    default: break;
  }
}

class RowStream;

using Descriptor = asio::posix::stream_descriptor;

// One upstream connection, driven asynchronously on the session's executor.
//
// Every wait is an async wait on the upstream socket (never a loop on
// PQisBusy). The socket has one reader at a time: while a command runs
// (`in_command_`, from a PQsend* until PQgetResult returns null) the
// statement's own coroutines wait on it; while none runs, the idle watcher
// (watch()) does, so that notifications reach an idle client. Starting a
// command cancels the watcher's wait, ending one wakes it.
class Upstream : public std::enable_shared_from_this<Upstream> {
 public:
  Upstream() = default;
  Upstream(const Upstream&) = delete;
  Upstream& operator=(const Upstream&) = delete;
  ~Upstream() {
    {
      // A PQcancel thread still running must not touch the executor (nor
      // keep it: it may outlive the io_context).
      std::lock_guard lock(link_->mutex);
      link_->executor.reset();
    }
    sock_.reset();  // our duplicate of libpq's socket; cancels the watcher's wait
    if (conn_) PQfinish(conn_);
  }

  asio::awaitable<void> connect(const std::string& conninfo, pgwire::Session& session) {
    // The client's application_name (already cleaned to ASCII by the
    // session) is the upstream session's, so SHOW and pg_stat_activity tell
    // the truth.
    const std::string& app = session.client().application_name;
    std::vector<const char*> keywords = {"dbname", "application_name"};
    std::vector<const char*> values = {conninfo.c_str(), app.c_str()};
    // A replication connection (replication=database or true) is one
    // upstream too, so the walsender answers its commands and streams.
    std::optional<std::string> replication = session.client().startup_parameter("replication");
    // Its -c settings (wal_sender_timeout, ...) are the walsender's.
    std::optional<std::string> options = session.client().startup_parameter("options");
    if (replication) {
      keywords.push_back("replication");
      values.push_back(replication->c_str());
      if (options) {
        keywords.push_back("options");
        values.push_back(options->c_str());
      }
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    conn_ = PQconnectStartParams(keywords.data(), values.data(), /*expand_dbname=*/1);
    if (conn_ == nullptr) throw pgwire::PgError("08006", "out of memory connecting upstream");
    for (;;) {
      PostgresPollingStatusType st = PQconnectPoll(conn_);
      if (st == PGRES_POLLING_OK) break;
      if (st == PGRES_POLLING_FAILED)
        throw pgwire::PgError(pgwire::ErrorInfo::error("08006", std::string("upstream: ") + PQerrorMessage(conn_)));
      attach();
      co_await sock_->async_wait(st == PGRES_POLLING_READING ? Descriptor::wait_read : Descriptor::wait_write,
                                 asio::use_awaitable);
    }
    attach();
    PQsetnonblocking(conn_, 1);
    PQsetNoticeReceiver(conn_, &Upstream::on_notice, this);
    session_ = &session;
    handle_ = session.handle();
    cancel_ = std::shared_ptr<PGcancel>(PQgetCancel(conn_), &PQfreeCancel);
    idle_timer_ = std::make_unique<asio::steady_timer>(executor_);
    cancel_done_ = std::make_unique<asio::steady_timer>(executor_);
    link_->executor = executor_;
  }

  // The idle watcher: started once the Upstream is owned by the session.
  void start_watching() { asio::co_spawn(executor_, watch(weak_from_this()), asio::detached); }

  PGconn* conn() const noexcept { return conn_; }
  // The socket to wait on (copy-both's relay waits on it beside the
  // statement's coroutine); null once the connection is lost.
  Descriptor* socket() const noexcept { return lost_ ? nullptr : sock_.get(); }
  // Ends the waits on the socket (they complete with operation_aborted).
  void cancel_waits() {
    if (sock_) sock_->cancel();
  }
  // The relay found the connection lost.
  void mark_lost() noexcept {
    lost_ = true;
    watching_ = false;
  }

  // A CancelRequest for the client's running statement goes upstream too.
  // PQcancel blocks (it connects to the upstream and waits until the
  // upstream has processed the request), so it runs on a thread of its own,
  // never on the io thread. Until it returns, no new command is sent
  // (make_ready): a late cancel must not hit the client's next statement.
  void forward_cancel(pgwire::Session& session) {
    if (!cancel_) return;
    session.on_cancel([weak = weak_from_this()] {  // on the session's executor
      auto self = weak.lock();
      if (!self) return;
      ++self->cancels_in_flight_;
      std::thread([cancel = self->cancel_, link = self->link_, weak] {
        char err[256];
        PQcancel(cancel.get(), err, sizeof err);
        std::lock_guard lock(link->mutex);
        if (!link->executor) return;  // the session (and maybe the server) is gone
        asio::post(*link->executor, [weak] {
          if (auto self = weak.lock()) {
            --self->cancels_in_flight_;
            self->cancel_done_->cancel();
          }
        });
      }).detach();
    });
  }

  // Fails this client's statement when the upstream is gone.
  void check_alive() const {
    if (conn_ == nullptr)
      throw pgwire::PgError("08006", "upstream connection closed: this session abandoned a replication stream");
    if (lost_ || PQstatus(conn_) == CONNECTION_BAD)
      throw pgwire::PgError("08006", std::string("upstream connection lost: ") + PQerrorMessage(conn_));
  }

  // Closes the upstream connection for good (the client abandoned a
  // replication stream, which a walsender answers by ending the connection).
  // libpq's functions take the null connection as "nothing": the command's
  // end reads as complete, later statements fail with 08006.
  void drop() {
    lost_ = true;
    watching_ = false;
    sock_.reset();  // cancels the waits on it
    PQfinish(conn_);
    conn_ = nullptr;
  }

  // Call after each successful PQsend*: the socket is the statement's now.
  void command_started() {
    in_command_ = true;
    if (watching_ && sock_) {
      watching_ = false;
      sock_->cancel();  // only the watcher waits on it now
    }
  }

  // Waits until the socket is readable and reads what arrived.
  asio::awaitable<void> wait_readable() {
    check_alive();
    co_await sock_->async_wait(Descriptor::wait_read, asio::use_awaitable);
    if (!PQconsumeInput(conn_)) lose();
  }

  // Sends what libpq has queued. While the upstream's send buffer is full,
  // what the upstream sends (notices) is read too, as libpq asks.
  asio::awaitable<void> flush() {
    using namespace asio::experimental::awaitable_operators;
    for (;;) {
      check_alive();
      int r = PQflush(conn_);
      if (r == 0) co_return;
      if (r < 0) lose();
      co_await (sock_->async_wait(Descriptor::wait_write, asio::use_awaitable) ||
                sock_->async_wait(Descriptor::wait_read, asio::use_awaitable));
      if (!PQconsumeInput(conn_)) lose();
    }
  }

  // Next result of the running command, or null when it is complete. A
  // COPY state result (PGRES_COPY_IN/OUT/BOTH) must be handled by the caller
  // (or passed to skip()): PQgetResult returns it again until the COPY ends.
  asio::awaitable<Result> next() {
    while (PQisBusy(conn_)) co_await wait_readable();
    Result r = wrap(PQgetResult(conn_));
    if (!r) command_ended();
    co_return r;
  }

  // Ends a COPY nobody is going to finish, reading what it still sends.
  asio::awaitable<void> skip(const PGresult* r) {
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COPY_IN || st == PGRES_COPY_BOTH) {
      // A walsender takes only CopyDone (a CopyFail is FATAL there).
      const char* reason = st == PGRES_COPY_BOTH ? nullptr : "COPY abandoned by the client";
      for (;;) {
        int e = PQputCopyEnd(conn_, reason);
        if (e == 1) break;
        if (e < 0) lose();
        co_await flush();  // 0: libpq's buffer is full
      }
      co_await flush();
    }
    if (st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
      for (;;) {
        char* buf = nullptr;
        int n = PQgetCopyData(conn_, &buf, 1);
        if (buf) PQfreemem(buf);
        if (n > 0) continue;
        if (n == 0) {
          co_await wait_readable();
          continue;
        }
        if (n == -2) lose();
        break;  // -1: the COPY's final result comes next
      }
    }
  }

  // Reads whatever is left of the previous command (a statement that was
  // cancelled or failed half-way, a COPY that did not end) until the
  // upstream is idle.
  asio::awaitable<void> drain() {
    while (in_command_) {
      Result r = co_await next();
      if (r) co_await skip(r.get());
    }
  }

  // Runs a command to completion and returns its last result (PQexec, async).
  asio::awaitable<Result> exec_all() {
    command_started();
    co_await flush();
    Result last = wrap(nullptr);
    for (;;) {
      Result r = co_await next();
      if (!r) break;
      co_await skip(r.get());
      last = std::move(r);
    }
    co_return last;
  }

  // A streaming result still holding the upstream (suspended portal).
  RowStream* busy = nullptr;
  // Statements closed by the client, deallocated before the next command.
  std::vector<std::string> to_deallocate;
  std::uint64_t next_statement = 0;

  // Makes the upstream free for a new command.
  asio::awaitable<void> make_ready();

  asio::any_io_executor executor_;

 private:
  // Asio waits on a duplicate of libpq's socket: libpq closes its own when
  // the connection fails (or tries another address while connecting), and a
  // descriptor number Asio still held could by then name another socket.
  void attach() {
    sock_.reset();
    int fd = ::fcntl(PQsocket(conn_), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) throw pgwire::PgError("08006", std::string("upstream: dup: ") + std::strerror(errno));
    sock_ = std::make_unique<Descriptor>(executor_, fd);
  }

  // The upstream connection failed.
  [[noreturn]] void lose() {
    lost_ = true;
    watching_ = false;
    throw pgwire::PgError("08006", std::string("upstream connection lost: ") + PQerrorMessage(conn_));
  }

  void command_ended() {
    in_command_ = false;
    relay_notifications();
    if (idle_timer_) idle_timer_->cancel();  // wakes the watcher
  }

  void relay_notifications() {
    while (PGnotify* n = PQnotifies(conn_)) {
      if (handle_) handle_->notify(n->be_pid, n->relname, n->extra ? n->extra : "");
      PQfreemem(n);
    }
  }

  // While no command runs: wait readable, read, relay notifications (and
  // notices). While one runs: park until it ends. Holds the Upstream only
  // between waits, so the session's end destroys it (which cancels the wait).
  static asio::awaitable<void> watch(std::weak_ptr<Upstream> weak) {
    using asio::experimental::as_tuple;
    for (;;) {
      Descriptor* sock = nullptr;
      asio::steady_timer* timer = nullptr;
      {
        auto self = weak.lock();
        if (!self || self->lost_ || !self->sock_) co_return;
        if (!self->in_command_) {
          if (!PQconsumeInput(self->conn_)) {
            self->lost_ = true;
            co_return;
          }
          self->relay_notifications();
          self->watching_ = true;
          sock = self->sock_.get();
        } else {
          timer = self->idle_timer_.get();
          timer->expires_at(asio::steady_timer::time_point::max());
        }
      }
      if (sock) {
        co_await sock->async_wait(Descriptor::wait_read, as_tuple(asio::use_awaitable));
        auto self = weak.lock();
        if (!self) co_return;
        if (self->watching_) self->watching_ = false;
      } else {
        co_await timer->async_wait(as_tuple(asio::use_awaitable));
      }
    }
  }

  static void on_notice(void* self, const PGresult* r) {
    auto* u = static_cast<Upstream*>(self);
    if (!u->session_) return;
    pgwire::ErrorInfo n = error_from(r, u->conn_);
    // An error the upstream sent outside any command (the FATAL before it
    // goes away) is news for the client, not its statement's failure.
    if (n.severity == "ERROR") n.severity = "WARNING";
    // In a statement: in order with its results. While idle: pushed.
    if (u->in_command_)
      u->session_->send_notice(n);
    else if (u->handle_)
      u->handle_->notice(n);
  }

  PGconn* conn_ = nullptr;
  std::unique_ptr<Descriptor> sock_;
  std::unique_ptr<asio::steady_timer> idle_timer_;
  std::unique_ptr<asio::steady_timer> cancel_done_;  // wakes make_ready after a PQcancel
  int cancels_in_flight_ = 0;
  // How a PQcancel thread reaches this session's executor, while it exists.
  struct CancelLink {
    std::mutex mutex;
    std::optional<asio::any_io_executor> executor;
  };
  std::shared_ptr<CancelLink> link_ = std::make_shared<CancelLink>();
  pgwire::Session* session_ = nullptr;
  std::shared_ptr<pgwire::SessionHandle> handle_;
  std::shared_ptr<PGcancel> cancel_;
  bool in_command_ = false;
  bool watching_ = false;  // the watcher waits on the socket
  bool lost_ = false;
};

// Rows of one upstream result set in single-row mode. The first row (or the
// empty TUPLES_OK) was already received to build the schema.

}  // namespace
