// A PostgreSQL front built on the library: clients talk to pgwire, and every
// statement is forwarded to an upstream PostgreSQL through libpq. It shows a
// product developer the whole API on real PostgreSQL semantics, and lets any
// driver's behaviour be tested through the library.
//
//   libpq_proxy --listen 127.0.0.1:6432 --upstream "host=/var/run/postgresql dbname=postgres"
//
// - Simple query: PQsendQuery in single-row mode; rows stream through as the
//   upstream produces them (never buffered whole); each statement's result
//   and tag passes through.
// - Extended query: Parse -> PQsendPrepare + PQsendDescribePrepared (so
//   Describe works before Bind), Execute -> PQsendQueryPrepared with the
//   client's parameter formats. libpq asks for one result format for all
//   columns: a mixed request is fetched as text and the binary columns are
//   converted through the type layer.
// - Every error and notice field passes through; the transaction status
//   mirrors the upstream's.
// - One upstream connection per client session. While an Execute is
//   suspended (row limit), a new statement on the same session first drains
//   the suspended result into memory: libpq runs one query at a time.
// - SQL cursors (DECLARE/FETCH/MOVE/CLOSE) are the library's
//   (ServerOptions::sql_cursors): their query runs upstream as an ordinary
//   prepared statement streamed in single-row mode, and FETCH pulls from it,
//   so psycopg's named cursors (which Describe the cursor's portal) work.
//   Forward-only, unlike PostgreSQL's SCROLL cursors.
// - COPY FROM STDIN and COPY TO STDOUT pass through (simple and extended
//   query): CopyData goes upstream with PQputCopyData as it arrives, and
//   comes back with PQgetCopyData; the upstream's "COPY n" tag and errors
//   (their SQLSTATE) pass through; a CopyFail ends the upstream COPY too.
// - A CancelRequest for a running statement is forwarded upstream (PQcancel
//   on a thread of its own); what the cancelled command still sends is read
//   before the session's next statement.
// - Notifications (LISTEN/NOTIFY) of the upstream reach the client, also
//   while it is idle: the upstream socket is watched between statements.
// - Nothing ever spins: every wait on the upstream is an async wait on its
//   socket, and an upstream state the proxy does not handle (COPY BOTH) is
//   an ERROR for that client.

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

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

#include "common.hpp"

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
    conn_ = PQconnectStart(conninfo.c_str());
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
    if (lost_ || PQstatus(conn_) == CONNECTION_BAD)
      throw pgwire::PgError("08006", std::string("upstream connection lost: ") + PQerrorMessage(conn_));
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
      for (;;) {
        int e = PQputCopyEnd(conn_, "COPY abandoned by the client");
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
class RowStream final : public pgwire::RowSource {
 public:
  RowStream(pgwire::Session& session, Upstream& up, Result first, pgwire::FormatCode upstream_format)
      : session_(session), up_(up), current_(std::move(first)), upstream_format_(upstream_format) {
    up_.busy = this;
    take(current_.get());
  }
  ~RowStream() override {
    if (up_.busy == this) up_.busy = nullptr;
  }

  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    up_.forward_cancel(session_);  // also when a suspended portal resumes
    for (;;) {
      while (!buffered_.empty() && out.wants_more()) {
        write_row(out, buffered_.front().get());
        buffered_.pop_front();
      }
      if (done_ && buffered_.empty()) co_return false;
      if (!out.wants_more()) co_return true;
      Result r = co_await up_.next();
      take_owned(std::move(r));
    }
  }

  // "SELECT n" is left to the library, which counts the rows of each
  // Execute (a portal read in batches reports each batch's count, as
  // PostgreSQL does); other tags (FETCH 5, INSERT 0 1 ... RETURNING) pass.
  std::optional<std::string> command_tag() const override {
    if (tag_ && tag_->starts_with("SELECT")) return std::nullopt;
    return tag_;
  }

  // Reads the rest of the result into memory (another command needs the upstream).
  asio::awaitable<void> drain() {
    while (!done_) {
      Result r = co_await up_.next();
      take_owned(std::move(r));
    }
  }
  bool done() const noexcept { return done_; }
  const std::optional<pgwire::ErrorInfo>& error() const noexcept { return error_; }

 private:
  void take(PGresult* r) {
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
      buffered_.push_back(std::move(current_));
      current_ = wrap(nullptr);
    } else {
      tag_ = PQcmdStatus(r);  // an empty result set: TUPLES_OK at once
      done_ = true;
      if (up_.busy == this) up_.busy = nullptr;
    }
  }
  // The result set ends with TUPLES_OK (or an error); what follows belongs
  // to the next statement.
  void take_owned(Result r) {
    if (r && PQresultStatus(r.get()) == PGRES_SINGLE_TUPLE) {
      buffered_.push_back(std::move(r));
      return;
    }
    if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) {
      tag_ = PQcmdStatus(r.get());
    } else if (r) {
      error_ = error_from(r.get(), up_.conn());
    }
    finish();
  }
  void finish() {
    done_ = true;
    if (up_.busy == this) up_.busy = nullptr;
    if (error_) throw pgwire::PgError(*error_);
  }
  void write_row(pgwire::RowWriter& out, const PGresult* r) {
    out.begin_row();
    for (int i = 0; i < PQnfields(r); ++i) {
      if (PQgetisnull(r, 0, i)) {
        out.add_null();
        continue;
      }
      std::string_view v(PQgetvalue(r, 0, i), static_cast<std::size_t>(PQgetlength(r, 0, i)));
      pgwire::FormatCode want = out.format_of(static_cast<std::size_t>(i));
      if (want == upstream_format_) {
        out.add_encoded(v);
      } else {
        out.begin_value();
        if (auto ec = pgwire::convert_format(PQftype(r, i), v, upstream_format_, want, out.buffer()))
          throw pgwire::PgError("0A000", "cannot convert column " + std::string(PQfname(r, i)) +
                                             " to the requested format: " + ec.message());
        out.end_value();
      }
    }
    out.end_row();
  }

  pgwire::Session& session_;
  Upstream& up_;
  Result current_;
  pgwire::FormatCode upstream_format_;
  std::deque<Result> buffered_;
  std::optional<std::string> tag_;
  std::optional<pgwire::ErrorInfo> error_;
  bool done_ = false;
};

// The final result of an upstream COPY: "COPY n", or its error (SQLSTATE kept).
Result copy_result_ok(Result r, PGconn* conn) {
  if (!r) throw pgwire::PgError(pgwire::sqlstate::internal_error, "upstream COPY ended without a result");
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw pgwire::PgError(error_from(r.get(), conn));
  return r;
}

// COPY ... FROM STDIN: each CopyData of the client goes upstream
// (PQputCopyData), CopyDone is PQputCopyEnd(NULL), CopyFail is
// PQputCopyEnd(message). The upstream's final result is read here; the
// command's end (null) is the caller's.
class CopyToUpstream final : public pgwire::CopyInTarget {
 public:
  explicit CopyToUpstream(Upstream& up) : up_(up) {}

  asio::awaitable<void> write(pgwire::Session& session, std::string_view data) override {
    up_.forward_cancel(session);
    for (;;) {
      int r = PQputCopyData(up_.conn(), data.data(), static_cast<int>(data.size()));
      if (r == 1) break;
      if (r < 0) throw pgwire::PgError(error_from(nullptr, up_.conn()));
      co_await up_.flush();  // 0: libpq's buffer is full, wait until it drains
    }
    co_await up_.flush();  // backpressure: the next CopyData is read once this one left
  }

  asio::awaitable<std::uint64_t> finish(pgwire::Session& session) override {
    up_.forward_cancel(session);
    co_await end(nullptr);
    Result r = copy_result_ok(co_await up_.next(), up_.conn());
    const char* n = PQcmdTuples(r.get());
    co_return n && *n ? std::stoull(n) : 0;
  }

  asio::awaitable<void> abort(pgwire::Session& session, std::string_view reason) override {
    up_.forward_cancel(session);
    std::string message(reason);
    co_await end(message.c_str());
    Result r = co_await up_.next();  // the upstream's 57014, the client got the library's
    if (r) co_await up_.skip(r.get());
  }

 private:
  asio::awaitable<void> end(const char* error) {
    for (;;) {
      int r = PQputCopyEnd(up_.conn(), error);
      if (r == 1) break;
      if (r < 0) throw pgwire::PgError(error_from(nullptr, up_.conn()));
      co_await up_.flush();
    }
    co_await up_.flush();
  }

  Upstream& up_;
};

// COPY ... TO STDOUT: PQgetCopyData (async) until -1, then the COPY's final
// result, whose tag ("COPY n") is passed to the client.
class CopyFromUpstream final : public pgwire::CopyOutSource {
 public:
  explicit CopyFromUpstream(Upstream& up) : up_(up) {}

  asio::awaitable<bool> fill(pgwire::Session& session, pgwire::CopyWriter& out) override {
    up_.forward_cancel(session);
    while (out.wants_more()) {
      char* buf = nullptr;
      int n = PQgetCopyData(up_.conn(), &buf, 1);
      if (n > 0) {
        std::unique_ptr<char, decltype(&PQfreemem)> owned(buf, &PQfreemem);
        out.send(std::string_view(buf, static_cast<std::size_t>(n)), 1);
        continue;
      }
      if (n == 0) {
        co_await up_.wait_readable();
        continue;
      }
      if (n == -2) throw pgwire::PgError(error_from(nullptr, up_.conn()));
      // -1: the data is complete.
      Result r = copy_result_ok(co_await up_.next(), up_.conn());
      tag_ = PQcmdStatus(r.get());
      co_return false;
    }
    co_return true;
  }

  std::optional<std::string> command_tag() const override { return tag_; }

 private:
  Upstream& up_;
  std::optional<std::string> tag_;
};

asio::awaitable<void> Upstream::make_ready() {
  while (cancels_in_flight_ > 0) {
    cancel_done_->expires_at(asio::steady_timer::time_point::max());
    co_await cancel_done_->async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
  check_alive();
  if (busy) {
    RowStream* s = busy;
    try {
      co_await s->drain();
    } catch (const pgwire::PgError&) {
      // The suspended portal's error is its own; this command goes on.
    }
  }
  // The end (null result) of the previous extended-query command, or what
  // a cancelled or failed statement left.
  co_await drain();
  for (auto& name : to_deallocate) {
    std::string sql = "DEALLOCATE " + name;
    if (!PQsendQuery(conn_, sql.c_str())) continue;
    co_await exec_all();
  }
  to_deallocate.clear();
}

struct UpstreamStatement {
  std::string name;
};

class Proxy final : public pgwire::SimpleQueryHandler, public pgwire::ExtendedQueryHandler {
 public:
  explicit Proxy(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  asio::awaitable<void> stream(pgwire::Session& session, std::string_view sql,
                               pgwire::ResponseSink& out) override {
    // Client statement names exist only here (upstream ones are pgwire_N):
    // DEALLOCATE is the library's, which tells closed() to free upstream.
    if (auto local = deallocate(session, sql)) {
      co_await out.send(*local);
      co_return;
    }
    Upstream& up = *co_await upstream(session);
    up.forward_cancel(session);
    co_await up.make_ready();
    std::string q(sql);
    if (!PQsendQuery(up.conn(), q.c_str()) || !PQsetSingleRowMode(up.conn()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    up.command_started();
    co_await up.flush();
    bool failed = false;
    for (;;) {
      Result r = co_await up.next();
      if (!r) break;
      // After a failure, or a COPY the client did not complete: read the
      // rest (a COPY state result comes back until the COPY ends).
      if (failed) {
        co_await up.skip(r.get());
        continue;
      }
      pgwire::Response resp = response_for(session, up, std::move(r));
      bool ok = co_await out.send(resp);
      if (!ok) failed = true;
    }
    mirror_status(session, up.conn());
  }

  asio::awaitable<void> prepare(pgwire::Session& session, pgwire::Statement& stmt) override {
    if (is_deallocate(stmt.sql)) co_return;  // answered locally at Execute
    Upstream& up = *co_await upstream(session);
    up.forward_cancel(session);
    co_await up.make_ready();
    auto handle = std::make_shared<UpstreamStatement>();
    handle->name = "pgwire_" + std::to_string(++up.next_statement);
    const auto& types = stmt.parameter_types;
    if (!PQsendPrepare(up.conn(), handle->name.c_str(), stmt.sql.c_str(), static_cast<int>(types.size()),
                       types.empty() ? nullptr : types.data()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    Result r = co_await up.exec_all();
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw pgwire::PgError(error_from(r.get(), up.conn()));
    if (!PQsendDescribePrepared(up.conn(), handle->name.c_str()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    Result d = co_await up.exec_all();
    if (!d || PQresultStatus(d.get()) != PGRES_COMMAND_OK) throw pgwire::PgError(error_from(d.get(), up.conn()));
    stmt.parameter_types.clear();
    for (int i = 0; i < PQnparams(d.get()); ++i) stmt.parameter_types.push_back(PQparamtype(d.get(), i));
    if (PQnfields(d.get()) > 0) stmt.columns = schema_of(d.get());
    stmt.set_handle(handle);
    mirror_status(session, up.conn());
  }

  asio::awaitable<pgwire::Response> execute(pgwire::Session& session, pgwire::Portal& portal) override {
    if (auto local = deallocate(session, portal.statement->sql)) co_return std::move(*local);
    Upstream& up = *co_await upstream(session);
    up.forward_cancel(session);
    co_await up.make_ready();
    std::size_t n = portal.parameter_count();
    std::vector<const char*> values(n);
    std::vector<int> lengths(n), formats(n);
    // libpq reads text parameters up to a NUL, ignoring the lengths.
    std::vector<std::string> text(n);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& p = portal.parameters[i];
      if (p && portal.parameter_formats[i] == pgwire::format_text) {
        text[i] = std::string(*p);
        values[i] = text[i].c_str();
      } else {
        values[i] = p ? p->data() : nullptr;
      }
      lengths[i] = p ? static_cast<int>(p->size()) : 0;
      formats[i] = portal.parameter_formats[i];
    }
    // libpq has one result format for all columns: a mixed request is
    // fetched as text and converted per column.
    const auto& rf = portal.result_formats;
    bool all_binary = !rf.empty() && std::all_of(rf.begin(), rf.end(), [](auto f) { return f == pgwire::format_binary; });
    int result_format = all_binary ? 1 : 0;
    const auto* handle = portal.statement->handle_as<UpstreamStatement>();
    if (!PQsendQueryPrepared(up.conn(), handle->name.c_str(), static_cast<int>(n), values.data(),
                             lengths.data(), formats.data(), result_format) ||
        !PQsetSingleRowMode(up.conn()))
      throw pgwire::PgError(error_from(nullptr, up.conn()));
    up.command_started();
    co_await up.flush();
    Result r = co_await up.next();
    if (!r) co_return pgwire::Response::empty();
    pgwire::Response resp = response_for(session, up, std::move(r), result_format, portal.statement->columns);
    auto kind = resp.kind();
    // Rows and COPY still read from the upstream; the command's end (null
    // result) is read at Sync (make_ready). Otherwise consume it now.
    if (kind != pgwire::Response::Kind::rows && kind != pgwire::Response::Kind::copy_in &&
        kind != pgwire::Response::Kind::copy_out)
      co_await up.drain();
    mirror_status(session, up.conn());
    co_return resp;
  }

  // Sync: the last Execute's rows have been read by now (unless its portal
  // is suspended): finish that command upstream and mirror the status it left.
  asio::awaitable<void> sync(pgwire::Session& session) override {
    auto* up = session.state<Upstream>();
    if (up == nullptr || up->busy) co_return;
    up->forward_cancel(session);
    co_await up->make_ready();
    mirror_status(session, up->conn());
  }

  void closed(pgwire::Session& session, const pgwire::Statement& stmt) override {
    auto* h = stmt.handle_as<UpstreamStatement>();
    auto* up = session.state<Upstream>();
    if (h && up) up->to_deallocate.push_back(h->name);
  }
  using pgwire::ExtendedQueryHandler::closed;

 private:
  asio::awaitable<Upstream*> upstream(pgwire::Session& session) {
    if (auto* up = session.state<Upstream>()) co_return up;
    auto up = std::make_shared<Upstream>();
    up->executor_ = co_await asio::this_coro::executor;
    co_await up->connect(conninfo_, session);
    auto& owned = session.set_state(std::move(up));
    owned.start_watching();
    co_return &owned;
  }

  pgwire::Response response_for(pgwire::Session& session, Upstream& up, Result r, int upstream_format = 0,
                                const pgwire::SchemaPtr& schema = nullptr) {
    switch (PQresultStatus(r.get())) {
      case PGRES_SINGLE_TUPLE:
      case PGRES_TUPLES_OK: {
        auto s = schema ? schema : schema_of(r.get());
        return pgwire::Response::rows(s, std::make_unique<RowStream>(session, up, std::move(r),
                                                                     static_cast<pgwire::FormatCode>(upstream_format)));
      }
      case PGRES_COMMAND_OK: {
        std::string tag = PQcmdStatus(r.get());
        return pgwire::Response::command(tag);
      }
      case PGRES_EMPTY_QUERY: return pgwire::Response::empty();
      case PGRES_COPY_IN:
        return pgwire::Response::copy_in(std::make_unique<CopyToUpstream>(up), copy_format(r.get()),
                                         static_cast<std::size_t>(PQnfields(r.get())));
      case PGRES_COPY_OUT:
        return pgwire::Response::copy_out(std::make_unique<CopyFromUpstream>(up), copy_format(r.get()),
                                          static_cast<std::size_t>(PQnfields(r.get())));
      case PGRES_COPY_BOTH:  // replication; ended by the caller (Upstream::skip)
        return pgwire::Response::error(pgwire::ErrorInfo::error(
            "0A000", "COPY BOTH (replication) is not supported through libpq_proxy"));
      case PGRES_BAD_RESPONSE:
      case PGRES_NONFATAL_ERROR:
      case PGRES_FATAL_ERROR: return pgwire::Response::error(error_from(r.get(), up.conn()));
      default:
        return pgwire::Response::error(pgwire::ErrorInfo::error(
            "XX000", std::string("libpq_proxy cannot forward an upstream result of status ") +
                         PQresStatus(PQresultStatus(r.get()))));
    }
  }

  // Only binary or not matters for the Copy*Response (csv is announced as text).
  static pgwire::CopyFormat copy_format(const PGresult* r) {
    return PQbinaryTuples(r) ? pgwire::CopyFormat::binary : pgwire::CopyFormat::text;
  }

  static bool is_deallocate(std::string_view sql) {
    auto stmts = pgwire::split_statements(sql);
    if (stmts.size() != 1 || stmts[0].size() < 10) return false;
    std::string head(stmts[0].substr(0, 10));
    for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return head == "deallocate";
  }
  std::optional<pgwire::Response> deallocate(pgwire::Session& session, std::string_view sql) {
    if (!is_deallocate(sql)) return std::nullopt;
    return commands_.answer(session, pgwire::split_statements(sql)[0]);
  }

  std::string conninfo_;
  pgwire::SessionCommands commands_;
};

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Forwards every statement to an upstream PostgreSQL through libpq.",
                              {"--upstream"},
                              "  --upstream CONNINFO    libpq connection string of the upstream PostgreSQL\n");
  std::string upstream = example::extra(flags, "--upstream");
  if (upstream.empty()) {
    std::cerr << "libpq_proxy needs --upstream \"host=... dbname=... user=...\"\n";
    return 2;
  }
  auto proxy = std::make_shared<Proxy>(upstream);
  pgwire::Server server(example::server_options(flags), {example::auth_handler(flags), proxy, proxy});
  return example::serve(server, flags);
}
