#pragma once
// The whole per-connection protocol as a state machine with no I/O in it.
//
// A driver (the library's Asio one in src/server/, a test, a fuzzer) runs it
// as a loop over next():
//
//   for (;;) switch (Need n = machine.next()) {
//     case Need::read:     read bytes into input() (or on_eof()); break;
//     case Need::write:    write output() and clear it; break;
//     case Need::prepare:  call the product's prepare(statement()), then
//                          done() or fail(std::current_exception()); break;
//     ...
//     case Need::close:    write output(), close; return;
//   }
//
// Every protocol decision is made here, each rule in one place:
// negotiation and framing (Engine), authentication order, the simple-query
// loop (session_machine.cpp), extended query and the statement/portal rules
// (extended_rules.cpp), SQL cursors (cursor_rules.cpp), how a Response goes
// on the wire and row batches (result_stream.cpp), the failure -> ErrorResponse
// mapping (failure.cpp), settings and their transaction rules (Settings,
// settings.cpp). The driver only performs what it is asked.
//
// Two requests nest: while the driver awaits the product's authenticate(),
// each AuthExchange round is begin_auth_round() followed by next() until
// Need::auth_response; while it awaits SimpleQueryHandler::stream(), each
// ResponseSink::send() is begin_response() followed by next() until
// Need::response_sent.

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <span>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "pgwire/codec/backend.hpp"
#include "pgwire/codec/error_info.hpp"
#include "pgwire/protocol/detail/task.hpp"
#include "pgwire/protocol/engine.hpp"
#include "pgwire/protocol/results.hpp"
#include "pgwire/protocol/session.hpp"
#include "pgwire/protocol/statements.hpp"
#include "pgwire/protocol/tls_facts.hpp"

namespace pgwire::protocol {

struct SessionOptions {
  EngineOptions engine;
  // Which handlers the product has: without one, its messages get 0A000.
  bool simple_query = true;
  bool extended_query = true;
  // DECLARE / FETCH / MOVE / CLOSE answered by the session (cursor_grammar.hpp).
  bool sql_cursors = true;
  // Reported as server_version, whatever the startup handler says.
  std::string server_version = default_server_version;
  // PostgreSQL 15's idle_session_timeout and idle_in_transaction_session_timeout
  // (zero: none); a session may change its own with SET (session_limits.cpp).
  std::chrono::milliseconds idle_session_timeout{0};
  std::chrono::milliseconds idle_in_transaction_session_timeout{0};

  friend bool operator==(const SessionOptions&, const SessionOptions&) = default;
};

// What the machine asks of its driver.
enum class Need {
  read,           // append bytes to input(); on_eof() when the peer closed
  write,          // write output() to the peer, then clear it
  start_tls,      // write output(), then the TLS handshake (direct_tls() says which kind);
                  // tls_established(...) on success, else stop (close)
  close,          // write output(), then close the connection: the session is over
  cancel,         // cancel_request() arrived: cancel that backend; then close
  authenticate,   // run the product's authenticate(); then logged_in(...) or fail()
  auth_response,  // nested (begin_auth_round): auth_response() holds the client's 'p' body
  prepare,        // product prepare(statement()); done() or fail()
  bind,           // product bind(portal()); done() or fail()
  execute,        // product execute(portal()); give(Response) or fail()
  sync,           // product sync(); done() or fail()
  simple_query,   // product stream(sql(), sink); done() or fail()
  query_all,      // product query(sql()) (a cursor's query, simple-query products); give(vector) or fail()
  fill,           // rows().fill(writer()) of the product's RowSource; filled(more) or fail()
  response_sent,  // nested (begin_response): the Response went out; response_ok() says go on
  copy_data,      // copy_target() takes copy_data() (one CopyData); done() or fail()
  copy_done,      // copy_target() finishes (CopyDone); copied(rows) or fail()
  copy_fail,      // copy_target() aborts: copy_data() holds the reason; done() or fail()
  copy_fill,      // copy_source() writes CopyData into copy_writer(); filled(more) or fail()
};

const char* to_string(Need n) noexcept;

// Told when a statement or portal goes (Close, Sync, replaced, DEALLOCATE).
class StoreListener {
 public:
  virtual ~StoreListener() = default;
  virtual void closed(const Statement& statement) = 0;
  virtual void closed(const Portal& portal) = 0;
};


// What a connection gets that the server cannot start a session for (far
// beyond max_connections, ServerOptions): FATAL 53300 at once, without
// reading its startup packet, as PostgreSQL's postmaster answers when it
// cannot start a backend (session_limits.cpp).
Buffer refusal_without_session();

class SessionMachine final : public Session {
 public:
  // The options are shared with the other sessions that have equal ones
  // (src/protocol/shared_options.hpp): a session keeps a pointer.
  explicit SessionMachine(SessionOptions options = {}, StoreListener* listener = nullptr);
  // A driver that builds its options once passes them shared itself.
  explicit SessionMachine(std::shared_ptr<const SessionOptions> options, StoreListener* listener = nullptr);
  ~SessionMachine() override;
  SessionMachine(const SessionMachine&) = delete;
  SessionMachine& operator=(const SessionMachine&) = delete;

  // The loop ------------------------------------------------------------------
  Need next();

  // Bytes in and out
  FrameBuffer& input() noexcept { return engine_.input(); }
  void on_input(std::string_view bytes) { engine_.input().append(bytes); }
  void on_eof() noexcept { engine_.on_eof(); }
  Buffer& output() noexcept { return engine_.output(); }

  // Answers to the request in progress
  void done();
  void give(Response response);
  void give(std::vector<Response> responses);
  void filled(bool more);
  void copied(std::uint64_t rows);
  // A handler failed (PgError, any exception, cancellation): mapped once,
  // in failure.cpp, to what PostgreSQL would send.
  void fail(std::exception_ptr error);
  void logged_in(std::int32_t process_id, std::string secret_key,
                 std::vector<std::pair<std::string, std::string>> server_parameters);
  void tls_established(TlsFacts facts);

  // Payloads of the request in progress
  bool direct_tls() const noexcept { return engine_.direct_tls(); }
  const CancelRequest& cancel_request() const noexcept { return engine_.cancel_request(); }
  Statement& statement() noexcept { return *call_statement_; }
  Portal& portal() noexcept { return *call_portal_; }
  std::string_view sql() const noexcept { return call_sql_; }
  RowStream& rows() noexcept { return *call_rows_; }
  RowWriter& writer() noexcept { return *call_writer_; }
  CopyInStream& copy_target() noexcept { return *call_copy_in_; }
  std::string_view copy_data() const noexcept { return call_copy_data_; }
  CopyOutStream& copy_source() noexcept { return *call_copy_out_; }
  CopyWriter& copy_writer() noexcept { return *call_copy_writer_; }
  // Only during authentication.
  std::string_view auth_response() const noexcept;
  bool response_ok() const noexcept { return response_ok_; }

  // Nested requests
  void begin_auth_round(const BackendMessage& request);  // AuthExchange::exchange
  void auth_send(const BackendMessage& message);         // AuthExchange::send
  void begin_response(Response& response);               // ResponseSink::send

  // For the driver
  // The options, shared with the sessions that were given equal ones.
  const SessionOptions& options() const noexcept { return *options_; }
  void set_remote(std::string address) { client_.remote_address = std::move(address); }
  // Need::start_tls with direct_tls(): the ClientHello bytes already read,
  // which belong to the handshake.
  std::string take_tls_initial_bytes();
  // Only during authentication (empty after login).
  const std::string& tls_server_end_point() const noexcept;
  // How long a cancel key this session hands out (protocol 3.0: 4 bytes; 3.2: 32).
  std::size_t cancel_key_length() const noexcept;
  bool authentication_started() const noexcept { return auth_started_; }
  // authentication_timeout expired: the FATAL PostgreSQL would log, sent once
  // authentication began; then close.
  void authentication_timed_out();
  // A statement is running (PostgreSQL ignores a cancel otherwise).
  // Both are safe to call from any thread.
  bool busy() const noexcept { return busy_.load(); }
  // A matching CancelRequest arrived for the running statement.
  void request_cancel() noexcept {
    if (busy_.load()) cancel_requested_.store(true);
  }
  Phase phase() const noexcept { return engine_.phase(); }
  // Syncs sent during copy-in, which PostgreSQL ignores (no ReadyForQuery).
  std::size_t syncs_ignored_in_copy() const noexcept { return engine_.syncs_ignored_in_copy(); }
  // While the session waits for the client between statements (Need::read
  // at the top level, nothing unsent): appends the pushes that may go now
  // to `out`, for the driver to write at once. True when it appended any.
  bool take_pushes_while_reading(Buffer& out);

  // Operations (session_limits.cpp): the decisions; the driver owns the
  // timers and the connection count.
  // The server is full: the startup packet gets FATAL 53300 before any
  // authentication work, as PostgreSQL's ProcessStartupPacket.
  void refuse_too_many_clients() noexcept { too_many_clients_ = true; }
  // The session waits for the client after a ReadyForQuery (not within an
  // extended-query batch, nor a COPY): where PostgreSQL's idle timeouts run.
  bool waiting_at_ready_for_query() const noexcept;
  // How long it may wait there, by transaction status (idle: 
  // idle_session_timeout; in a block or failed one:
  // idle_in_transaction_session_timeout); none when not waiting there or 0.
  std::optional<std::chrono::milliseconds> idle_limit() const;
  // That wait exceeded idle_limit(): FATAL 57P05 or 25P03; then close.
  void idle_limit_expired();
  // The server shuts down: from now on the session ends (57P01) as soon as
  // it waits at ReadyForQuery outside a transaction block.
  void shutdown_requested() noexcept { shutdown_ = true; }
  bool shutdown_ends_wait() const noexcept;
  // Ends the session now: FATAL 57P01 "terminating connection due to
  // administrator command" (once the startup packet came); then close.
  void terminate();

  // Session (what handlers see) -------------------------------------------
  const ClientInfo& client() const noexcept override { return client_; }
  std::int32_t process_id() const noexcept override { return pid_; }
  TransactionStatus transaction_status() const noexcept override { return engine_.transaction_status(); }
  void set_transaction_status(TransactionStatus s) noexcept override { engine_.set_transaction_status(s); }
  bool in_transaction_block() const override;
  bool sync_follows() const noexcept override { return engine_.next_is_sync(); }
  bool batch_failed() const noexcept override { return engine_.error_since_ready(); }
  void send_notice(const ErrorInfo& notice) override {
    if (settings_.client_receives(notice.severity)) notice.encode(engine_.output(), true);
  }
  Settings& settings() noexcept override { return settings_; }
  const Settings& settings() const noexcept override { return settings_; }
  const SqlPrepared* sql_prepared(std::string_view name) const override;
  bool add_sql_prepared(std::string name, SqlPrepared statement) override;
  bool deallocate(std::string_view name) override;
  void deallocate_all() override;
  void close_all_cursors() override;
  bool cancel_requested() const noexcept override { return cancel_requested_.load(); }
  void on_cancel(std::function<void()> hook) override;
  // For the driver, once request_cancel() took: the hook, if any (once).
  std::function<void()> take_cancel_hook();
  // Made at the first call (any thread): a session nobody pushes to has none.
  std::shared_ptr<SessionHandle> handle() const override;
  // For the driver: what the handle calls after each push (SessionHandle::
  // set_waker), kept until the handle exists. Setting it here rather than
  // through handle() leaves a session without one until something asks.
  void set_push_waker(std::function<void()> wake);
  void at_transaction_end(std::function<void(bool committed)> hook) override;

 protected:
  TypedSlot& state_slot() const noexcept override { return state_; }

 private:
  template <class T>
  using Task = detail::Task<T>;
  // co_await ask(n): next() returns n to the driver; the coroutine resumes
  // at the driver's next call of next(), rethrowing what it passed to fail().
  // ask() sets need_ itself, so that the awaiter, which every frame holds
  // one of per co_await, is a pointer: the frame the session keeps while
  // idle is 128 bytes instead of 192.
  struct Ask {
    SessionMachine& m;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) noexcept {
      m.levels_.back().resume_at = h;
      m.levels_.back().waiting = m.need_;
    }
    void await_resume() {
      // The asker's variables give() wrote to are no longer the target.
      m.call_response_ = nullptr;
      m.call_responses_ = nullptr;
      if (m.failure_) std::rethrow_exception(std::exchange(m.failure_, nullptr));
    }
  };
  struct Level {
    Task<void> task;
    std::coroutine_handle<> resume_at;  // where it waits for the driver
    Need on_finish;                     // returned by next() once the task ends
    Need waiting = Need::close;         // what it last asked for
  };
  struct SqlCursor;
  struct Streamed {
    std::uint64_t rows = 0;
    bool more = false;  // the source has rows left
  };
  // What the driver answered.
  // (Responses go straight to the asker's variable: call_response_.)
  using Outcome = std::variant<std::monostate, bool, std::uint64_t>;

  Ask ask(Need need) noexcept {
    need_ = need;
    return Ask{*this};
  }
  // ask() for a product call: the statement counts as running (cancellable).
  Ask call(Need need) noexcept {
    busy_.store(true);
    return ask(need);
  }
  // The asker's variable is set by give(); empty when the driver answered
  // otherwise (a driver bug: XX000 for the statement).
  static Response& given(std::optional<Response>& answer);
  void before_read() noexcept;
  void push_level(Task<void> task, Need on_finish, Need expected);
  // Handler failures to the ERROR PostgreSQL sends (failure.cpp).
  ErrorInfo failure_info(std::exception_ptr error) const;
  // In a failed transaction block only a statement that ends it runs
  // (PostgreSQL's IsAbortedTransactionBlockState checks): throws 25P02.
  void refuse_in_failed_block(std::string_view sql) const;
  void end_statement() noexcept;
  // The transaction ends: settings kept or undone, at_transaction_end hooks run.
  void end_transaction(bool committed);
  void release_transaction_portals();
  // Just before a ReadyForQuery: the pushes that may precede it (session_pushes.cpp).
  void deliver_before_ready();
  // Notifications may go: idle, outside a transaction block and a batch.
  bool notifications_deliverable() const noexcept;

  // session_machine.cpp: the loop, startup, simple query, Sync
  Task<void> run();
  Task<bool> login();
  Task<bool> start_tls();
  Task<bool> authenticate();
  // A Parse/Bind/Describe/Execute/Close failed: its ERROR (the engine then
  // skips until Sync).
  void extended_failed(std::exception_ptr error);
  Task<void> dispatch(const FrontendMessage& m);
  void function_call(const FunctionCall& f);
  Task<void> simple_query(std::string_view sql);
  Task<void> sync();
  Task<void> auth_round();
  Task<void> response_round(Response& r);
  void before_ready_for_query(bool error_since_last);

  // extended_rules.cpp
  Task<void> extended(const FrontendMessage& m);
  Task<void> parse(const Parse& p);
  Task<void> bind(const Bind& b);
  void describe(const Describe& d);
  Task<void> execute(const Execute& e);
  void close(const Close& c);
  void drop_unnamed(bool statement_too);
  void drop_unnamed_statement();

  // cursor_rules.cpp
  Task<void> prepare_cursor(Statement& stmt, CursorCommand command);
  Task<std::unique_ptr<SqlCursor>> open_cursor(const CursorPlan& plan, const Portal* outer);
  Task<void> run_cursor(const CursorPlan& plan, const Portal* outer, std::span<const FormatCode> formats,
                        bool describe);
  Task<void> execute_cursor(SqlCursor& cursor, const Execute& e);
  Task<void> simple_query_with_cursors(std::string_view sql);
  SqlCursor* find_cursor(std::string_view name) noexcept;
  void describe_cursor(const SqlCursor& cursor, Buffer& out) const;
  void close_transaction_cursors();

  // result_stream.cpp
  Task<bool> send_response(Response& r, std::span<const FormatCode> formats, std::uint64_t limit,
                           bool describe);
  Task<Streamed> stream_rows(RowStream& source, const Schema& schema, std::span<const FormatCode> formats,
                             std::uint64_t limit, Buffer& out);
  void apply(TransactionEffect e);

  // copy_rules.cpp
  // Copy-in, or copy-both when `both` (the product's CopyData go out
  // through the SessionHandle meanwhile).
  Task<void> copy_in(CopyInStream& target, bool both = false);
  Task<void> copy_both(CopyInStream& channel) { return copy_in(channel, true); }
  void end_copy_both();
  Task<void> copy_out(CopyOutStream& source);
  Task<void> abort_copy(CopyInStream& target, std::string_view reason);

  std::shared_ptr<const SessionOptions> options_;
  StoreListener* listener_;
  Engine engine_;
  std::vector<Level> levels_;
  // The small members side by side (no padding between them).
  Need need_ = Need::close;
  std::int32_t pid_ = 0;
  bool closed_ = false;
  bool response_ok_ = true;
  bool response_failed_ = false;  // a streamed statement ended with an error
  bool auth_started_ = false;
  bool idle_read_ = false;  // waiting for the client between statements
  bool copying_both_ = false;  // a copy-both runs: the product's CopyData may go
  bool too_many_clients_ = false;
  bool shutdown_ = false;
  Outcome outcome_;
  std::exception_ptr failure_;

  // The request in progress
  Statement* call_statement_ = nullptr;
  Portal* call_portal_ = nullptr;
  std::string_view call_sql_;
  RowStream* call_rows_ = nullptr;
  RowWriter* call_writer_ = nullptr;
  CopyInStream* call_copy_in_ = nullptr;
  std::string_view call_copy_data_;
  CopyOutStream* call_copy_out_ = nullptr;
  CopyWriter* call_copy_writer_ = nullptr;
  // Where give() puts the product's answer to Need::execute / query_all:
  // a variable of the coroutine that asked (an idle session holds two
  // pointers here, not a 96-byte variant).
  std::optional<Response>* call_response_ = nullptr;
  std::optional<std::vector<Response>>* call_responses_ = nullptr;

  // What only the login needs, freed once the session is logged in (an idle
  // session keeps none of it) or ends.
  struct LoginState {
    std::string auth_response;        // the client's 'p' body of the current AuthExchange round
    std::optional<TlsFacts> tls_facts;  // from the driver until start_tls() has read it
    std::string tls_end_point;        // SCRAM-SHA-256-PLUS channel binding
    std::string secret;               // the cancel key, until BackendKeyData (the registry keeps it)
    std::vector<std::pair<std::string, std::string>> server_parameters;  // until the session defaults are built
  };
  std::unique_ptr<LoginState> login_ = std::make_unique<LoginState>();

  ClientInfo client_;
  Settings settings_;
  std::string_view query_text_;  // the simple Query running, if any
  StatementStore store_;
  // PREPARE's statements; allocated by the first (an idle session keeps a pointer).
  std::unique_ptr<std::map<std::string, SqlPrepared, std::less<>>> sql_prepared_;
  // What most sessions never use: allocated at its first use, freed again
  // at a ReadyForQuery that finds it empty (release_occasional()).
  struct Occasional {
    std::map<std::string, std::unique_ptr<SqlCursor>, std::less<>> cursors;  // SQL cursors by name
    std::vector<std::function<void(bool)>> transaction_end_hooks;
  };
  std::unique_ptr<Occasional> occasional_;
  Occasional& occasional();
  void release_occasional() noexcept;
  mutable TypedSlot state_;
  // idle_limit() is asked before every read at ReadyForQuery; reading both
  // timeouts from the settings (case-insensitive lookups, text to
  // milliseconds) each time was 2% of a prepared SELECT 1. Kept until the
  // settings change (Settings::version).
  struct IdleLimits {
    std::uint64_t settings_version = ~std::uint64_t{0};
    std::chrono::milliseconds session{0};
    std::chrono::milliseconds in_transaction{0};
  };
  mutable IdleLimits idle_limits_;
  // The push queue, made by handle() (once, whichever thread asks first);
  // the machine reads it only once handle_ready_ says it exists.
  SessionHandle* pushes() const noexcept {
    return handle_ready_.load(std::memory_order_acquire) ? handle_.get() : nullptr;
  }
  mutable std::shared_ptr<SessionHandle> handle_;
  std::function<void()> push_waker_;  // for the handle, until it exists
  mutable std::once_flag handle_once_;
  mutable std::atomic<bool> handle_ready_{false};
  // Read from other threads: a CancelRequest arrives on another connection,
  // and CPU-bound handlers may poll cancel_requested() off the io thread.
  std::atomic<bool> busy_{false};
  std::atomic<bool> cancel_requested_{false};
  // Set by a handler (maybe off the strand), taken by the driver, dropped at
  // the end of the statement: whoever exchanges the pointer out owns it. A
  // pointer rather than a mutex and a std::function in place (73 bytes per
  // session): few products set one.
  std::atomic<std::function<void()>*> cancel_hook_{nullptr};
};

}  // namespace pgwire::protocol
