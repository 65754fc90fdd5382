// The session machine's loop (next() and the nesting of requests), startup
// and authentication order, the simple-query loop and Sync. The extended
// query rules are in extended_rules.cpp, SQL cursors in cursor_rules.cpp,
// results on the wire in result_stream.cpp, failures in failure.cpp.

#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/protocol/walsender_rules.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "pgwire/protocol/sql_text.hpp"
#include "pgwire/types/encoding.hpp"
#include "shared_options.hpp"
#include "sql_cursor.hpp"

namespace pgwire::protocol {

using EK = EventKind;

namespace {

bool is_extended_query(const FrontendMessage& m) noexcept {
  return std::holds_alternative<Parse>(m) || std::holds_alternative<Bind>(m) ||
         std::holds_alternative<Describe>(m) || std::holds_alternative<Execute>(m) ||
         std::holds_alternative<Close>(m);
}

}  // namespace

const char* to_string(Need n) noexcept {
  switch (n) {
    case Need::read: return "read";
    case Need::write: return "write";
    case Need::start_tls: return "start_tls";
    case Need::close: return "close";
    case Need::cancel: return "cancel";
    case Need::authenticate: return "authenticate";
    case Need::auth_response: return "auth_response";
    case Need::prepare: return "prepare";
    case Need::bind: return "bind";
    case Need::execute: return "execute";
    case Need::sync: return "sync";
    case Need::simple_query: return "simple_query";
    case Need::query_all: return "query_all";
    case Need::fill: return "fill";
    case Need::response_sent: return "response_sent";
    case Need::copy_data: return "copy_data";
    case Need::copy_done: return "copy_done";
    case Need::copy_fail: return "copy_fail";
    case Need::copy_fill: return "copy_fill";
  }
  return "?";
}

SessionMachine::SessionMachine(SessionOptions options, StoreListener* listener)
    : SessionMachine(detail::share_options(std::move(options)), listener) {}

SessionMachine::SessionMachine(std::shared_ptr<const SessionOptions> options, StoreListener* listener)
    : options_(std::move(options)), listener_(listener),
      engine_(std::shared_ptr<const EngineOptions>(options_, &options_->engine)) {
  engine_.on_ready_for_query(
      [](void* machine, bool error) { static_cast<SessionMachine*>(machine)->before_ready_for_query(error); }, this);
  push_level(run(), Need::close, Need::close);
}

SessionMachine::~SessionMachine() {
  if (SessionHandle* h = pushes()) h->close();
  // Innermost first: a nested round refers to what the outer ones hold.
  while (!levels_.empty()) levels_.pop_back();
  delete cancel_hook_.exchange(nullptr);
}

// The loop -----------------------------------------------------------------

Need SessionMachine::next() {
  if (closed_ || levels_.empty()) {
    closed_ = true;
    return Need::close;
  }
  std::coroutine_handle<> at = std::exchange(levels_.back().resume_at, {});
  if (!at) {  // asked again without an answer: nothing to resume
    closed_ = true;
    return Need::close;
  }
  at.resume();
  Level& top = levels_.back();
  if (top.task.done()) {
    Need finish = top.on_finish;
    bool failed = top.task.error() != nullptr;  // a bug, or out of memory: end the session
    levels_.pop_back();
    if (!levels_.empty()) need_ = levels_.back().waiting;
    if (failed || finish == Need::close) {
      closed_ = true;
      return Need::close;
    }
    return finish;
  }
  if (need_ == Need::close) closed_ = true;
  return need_;
}

void SessionMachine::push_level(Task<void> task, Need on_finish, Need expected) {
  // A nested round only makes sense while the driver runs the product call
  // that does the nesting.
  if (!levels_.empty() && (levels_.back().waiting != expected || !levels_.back().resume_at))
    throw std::logic_error(fmt::format("nested request while the session waits for {}",
                                       to_string(levels_.back().waiting)));
  std::coroutine_handle<> start = task.handle();
  levels_.push_back(Level{std::move(task), start, on_finish});
}

void SessionMachine::done() { outcome_ = std::monostate{}; }
void SessionMachine::give(Response response) {
  if (call_response_) {
    call_response_->emplace(std::move(response));
  } else {
    failure_ = std::make_exception_ptr(std::logic_error("give(Response) while no Response was asked for"));
  }
}

void SessionMachine::give(std::vector<Response> responses) {
  if (call_responses_) {
    call_responses_->emplace(std::move(responses));
  } else {
    failure_ = std::make_exception_ptr(std::logic_error("give(std::vector<Response>) while none was asked for"));
  }
}
void SessionMachine::filled(bool more) { outcome_ = more; }
void SessionMachine::copied(std::uint64_t rows) { outcome_ = rows; }
void SessionMachine::fail(std::exception_ptr error) { failure_ = std::move(error); }

void SessionMachine::logged_in(std::int32_t process_id, std::string secret_key,
                               std::vector<std::pair<std::string, std::string>> server_parameters) {
  pid_ = process_id;
  if (SessionHandle* h = pushes()) h->set_process_id(process_id);
  if (!login_) return;  // not during a login: nothing to keep
  login_->secret = std::move(secret_key);
  login_->server_parameters = std::move(server_parameters);
}

void SessionMachine::tls_established(TlsFacts facts) {
  if (login_) login_->tls_facts = std::move(facts);
}

std::string_view SessionMachine::auth_response() const noexcept {
  return login_ ? std::string_view(login_->auth_response) : std::string_view();
}

const std::string& SessionMachine::tls_server_end_point() const noexcept {
  static const std::string none;
  return login_ ? login_->tls_end_point : none;
}

Response& SessionMachine::given(std::optional<Response>& answer) {
  if (!answer) throw std::logic_error("the driver answered Need::execute without give(Response)");
  return *answer;
}

void SessionMachine::before_read() noexcept {
  // About to wait for the client: give back what a huge message took.
  constexpr std::size_t keep = std::size_t{1} << 20;
  engine_.input().shrink_if_idle(keep);
  engine_.output().shrink_if_empty(keep);
}

void SessionMachine::end_statement() noexcept {
  busy_.store(false);
  cancel_requested_.store(false);
  if (cancel_hook_.load()) delete cancel_hook_.exchange(nullptr);
}

void SessionMachine::on_cancel(std::function<void()> hook) {
  auto* fresh = hook ? new std::function<void()>(std::move(hook)) : nullptr;
  delete cancel_hook_.exchange(fresh);
}

std::function<void()> SessionMachine::take_cancel_hook() {
  if (!cancel_requested_.load()) return nullptr;
  std::unique_ptr<std::function<void()>> hook(cancel_hook_.exchange(nullptr));
  if (!hook) return nullptr;
  return std::move(*hook);
}

std::shared_ptr<SessionHandle> SessionMachine::handle() const {
  std::call_once(handle_once_, [this] {
    auto h = std::make_shared<SessionHandle>();
    // Before any handler runs, on the session's thread (the driver's
    // start), or at login: ordered before this call either way.
    h->set_process_id(pid_);
    if (push_waker_) h->set_waker(push_waker_);
    handle_ = std::move(h);
    handle_ready_.store(true, std::memory_order_release);
  });
  return handle_;
}

void SessionMachine::set_push_waker(std::function<void()> wake) {
  if (SessionHandle* h = pushes()) {
    h->set_waker(std::move(wake));
  } else {
    push_waker_ = std::move(wake);
  }
}

SessionMachine::Occasional& SessionMachine::occasional() {
  if (!occasional_) occasional_ = std::make_unique<Occasional>();
  return *occasional_;
}

void SessionMachine::release_occasional() noexcept {
  if (occasional_ && occasional_->cursors.empty() && occasional_->transaction_end_hooks.empty())
    occasional_.reset();
}

void SessionMachine::at_transaction_end(std::function<void(bool committed)> hook) {
  occasional().transaction_end_hooks.push_back(std::move(hook));
}

std::string SessionMachine::take_tls_initial_bytes() {
  if (!engine_.direct_tls()) return {};
  std::string initial(engine_.input().pending());
  engine_.input().consume(initial.size());
  return initial;
}

std::size_t SessionMachine::cancel_key_length() const noexcept {
  // 4 bytes in protocol 3.0; 3.2 allows up to 256 and PostgreSQL 18 uses 32.
  return client_.protocol >= protocol_3_2 ? 32 : 4;
}

void SessionMachine::authentication_timed_out() {
  // PostgreSQL only logs "canceling authentication due to timeout"; we also
  // send it once authentication has begun, so the client learns why instead
  // of seeing a reset (a deliberate difference).
  if (auth_started_ && phase() != Phase::ready) {
    engine_.output().clear();
    ErrorInfo::fatal(sqlstate::query_canceled, "canceling authentication due to timeout")
        .encode(engine_.output());
  }
  closed_ = true;
}

// Startup ------------------------------------------------------------------

// Login, then the query phase, in one frame: it is the frame an idle session
// keeps, so it holds nothing but the loop's own state (an ErrorInfo, 544
// bytes, is built in extended_failed(), on the stack).
SessionMachine::Task<void> SessionMachine::run() {
  if (!co_await login()) co_return;
  for (;;) {
    EK k = engine_.next();
    if (k == EK::need_input) {
      // Between messages: what was pushed meanwhile goes out first.
      if (SessionHandle* h = pushes(); h && h->drain(engine_.output(), notifications_deliverable())) {
        co_await ask(Need::write);
        continue;
      }
      before_read();
      if (shutdown_ends_wait()) {  // session_limits.cpp
        terminate();
        co_return;
      }
      idle_read_ = true;
      co_await ask(Need::read);
      idle_read_ = false;
    } else if (k == EK::write) {
      co_await ask(Need::write);
    } else if (k == EK::message) {
      // (engine_.message() each time rather than a reference to it: a
      // local is a frame member, and this frame stays while idle.)
      if (!is_extended_query(engine_.message())) {
        Task<void> handling = dispatch(engine_.message());
        if (!handling.done()) co_await handling;
        continue;
      }
      // Parse, Bind, Describe, Execute, Close (extended_rules.cpp): a
      // failure is an ERROR, and the engine then skips until Sync.
      try {
        Task<void> handling = extended(engine_.message());
        if (!handling.done()) co_await handling;
      } catch (...) {
        extended_failed(std::current_exception());
        continue;
      }
      end_statement();
    } else {
      co_return;  // Terminate, EOF, or a FATAL already in output()
    }
  }
}

void SessionMachine::extended_failed(std::exception_ptr error) {
  ErrorInfo info = failure_info(std::move(error));  // before end_statement(): a cancel is 57014
  end_statement();
  engine_.error(info);
}

// The query phase ----------------------------------------------------------

// The messages other than the extended-query ones (run() hands those to
// extended()). Not a coroutine itself: it picks the Task that handles the
// message, so a message costs no frame of its own (run() awaits the Task
// at once, so what runs here eagerly runs in the same order). An empty
// Task: nothing left to do.
SessionMachine::Task<void> SessionMachine::dispatch(const FrontendMessage& m) {
  if (auto* q = std::get_if<Query>(&m)) {
    // A simple Query drops the unnamed portal and statement, as PostgreSQL.
    drop_unnamed(true);
    return simple_query(q->query);
  }
  if (std::holds_alternative<Flush>(m)) return {};  // the engine already asked for a write
  if (std::holds_alternative<Sync>(m)) return sync();
  if (auto* f = std::get_if<FunctionCall>(&m)) function_call(*f);
  return {};
}

// Not an extended-query message: its error is followed by ReadyForQuery.
// No function is callable by OID here, so PostgreSQL's answer for an
// unknown one (after its aborted-transaction check) is the answer.
void SessionMachine::function_call(const FunctionCall& f) {
  if (client_.replication != ReplicationMode::none) {
    engine_.error(walsender_function_call_error());
    engine_.ready_for_query();
    return;
  }
  engine_.error(engine_.transaction_status() == TransactionStatus::failed
                    ? ErrorInfo::error("25P02", "current transaction is aborted, commands ignored until end of "
                                                "transaction block")  // as refuse_in_failed_block
                    : ErrorInfo::error("42883", fmt::format("function with OID {} does not exist", f.function)));
  engine_.ready_for_query();
}

// Sends each Response of a simple query as the product produces it (the
// driver's ResponseSink::send).
void SessionMachine::begin_response(Response& response) {
  push_level(response_round(response), Need::response_sent, Need::simple_query);
}

SessionMachine::Task<void> SessionMachine::response_round(Response& r) {
  bool ok = co_await send_response(r, {}, 0, true);
  response_ok_ = ok;
  if (!ok) response_failed_ = true;  // the rest of the query string is skipped
}

SessionMachine::Task<void> SessionMachine::simple_query(std::string_view sql) {
  cancel_requested_.store(false);
  if (!valid_utf8(sql)) {  // read as a string first, as pq_getmsgstring
    engine_.error(invalid_utf8_error(sql));
    engine_.ready_for_query();
    co_return;
  }
  if (is_empty_query(sql)) {
    encode(EmptyQueryResponse{}, engine_.output());
    engine_.ready_for_query();
    co_return;
  }
  query_text_ = sql;
  std::optional<ErrorInfo> failure;
  response_failed_ = false;
  try {
    if (!options_->simple_query)
      throw PgError(sqlstate::feature_not_supported, "simple query protocol is not supported");
    refuse_in_failed_block(sql);
    check_walsender_query(client_.replication, sql);
    bool cursors = false;
    if (options_->sql_cursors)
      for (auto stmt : split_statements(sql))
        if (parse_cursor_command(stmt)) cursors = true;
    if (cursors) {
      co_await simple_query_with_cursors(sql);
    } else {
      call_sql_ = sql;
      co_await call(Need::simple_query);
    }
  } catch (...) {
    // A streamed statement that already ended in an error (sent) ended the
    // query string: a failure of the product call after it (a cancel seen at
    // its next await) is not a second ErrorResponse.
    if (!response_failed_) failure = failure_info(std::current_exception());
  }
  end_statement();
  query_text_ = {};
  if (failure) engine_.error(*failure);
  engine_.ready_for_query();
}

void SessionMachine::refuse_in_failed_block(std::string_view sql) const {
  if (engine_.transaction_status() != TransactionStatus::failed) return;
  auto statements = split_statements(sql);
  if (statements.empty() || is_transaction_exit(statements.front())) return;
  throw PgError("25P02", "current transaction is aborted, commands ignored until end of transaction block");
}

// Sync ends an extended-query batch. It never starts a skip itself: an error
// raised here is followed by ReadyForQuery (the engine does not count Sync as
// an extended message).
SessionMachine::Task<void> SessionMachine::sync() {
  std::optional<ErrorInfo> failure;
  if (options_->extended_query) {
    try {
      co_await call(Need::sync);
    } catch (...) {
      failure = failure_info(std::current_exception());
    }
  }
  drop_unnamed(false);
  end_statement();
  if (failure) engine_.error(*failure);
  engine_.ready_for_query();
}

// Session ------------------------------------------------------------------

bool SessionMachine::in_transaction_block() const {
  if (engine_.transaction_status() != TransactionStatus::idle) return true;
  // exec_simple_query: several statements in one Query are one implicit
  // block. Counted only when asked (SET LOCAL outside BEGIN is rare).
  return !query_text_.empty() && split_statements(query_text_).size() > 1;
}

// The Engine calls this just before each ReadyForQuery: where a transaction
// ends that no COMMIT / ROLLBACK ended (those are apply(), in
// result_stream.cpp), then ParameterStatus for each reported setting whose
// value changed, as PostgreSQL's ReportChangedGUCOptions, then the pushes
// that may go (session_pushes.cpp).
void SessionMachine::before_ready_for_query(bool error_since_last) {
  switch (engine_.transaction_status()) {
    case TransactionStatus::in_transaction:
      break;  // the block goes on
    case TransactionStatus::failed:
      end_transaction(false);  // PostgreSQL aborts the block at the error
      release_transaction_portals();
      break;
    case TransactionStatus::idle:
      // The implicit transaction of the Query, or of the batch up to Sync.
      end_transaction(!error_since_last);
      release_transaction_portals();
      break;
  }
  for (const auto& [name, value] : settings_.take_reports()) encode(ParameterStatus{name, value}, engine_.output());
  deliver_before_ready();
  release_occasional();  // no statement runs now: nothing refers to a cursor
}

void SessionMachine::end_transaction(bool committed) {
  if (committed) {
    settings_.commit();
  } else {
    settings_.rollback();
  }
  if (!occasional_) return;  // the usual case: no hook
  // A hook may register another (a LISTEN at commit): run this round's only.
  auto hooks = std::exchange(occasional_->transaction_end_hooks, {});
  for (auto& hook : hooks) {
    try {
      hook(committed);
    } catch (...) {
      // The transaction has ended either way; a hook's failure cannot undo it.
    }
  }
}

// Portals and cursors live until the end of their transaction; an aborted
// block releases them at once, as PostgreSQL's AtAbort_Portals, so only
// ROLLBACK can follow. Called where none is in use (just before
// ReadyForQuery): the product's row sources are released now, which lets an
// engine finish the statements behind them (SQLite keeps a cancel pending
// while any statement is active, and would refuse the ROLLBACK with it).
void SessionMachine::release_transaction_portals() {
  close_transaction_cursors();
  for (auto& portal : store_.drop_portals())
    if (listener_) listener_->closed(*portal);
}

const Session::SqlPrepared* SessionMachine::sql_prepared(std::string_view name) const {
  if (!sql_prepared_) return nullptr;
  auto it = sql_prepared_->find(name);
  return it == sql_prepared_->end() ? nullptr : &it->second;
}

bool SessionMachine::add_sql_prepared(std::string name, SqlPrepared statement) {
  if (!sql_prepared_) sql_prepared_ = std::make_unique<std::map<std::string, SqlPrepared, std::less<>>>();
  return sql_prepared_->emplace(std::move(name), std::move(statement)).second;
}

bool SessionMachine::deallocate(std::string_view name) {
  bool sql = false;
  if (sql_prepared_)
    if (auto it = sql_prepared_->find(name); it != sql_prepared_->end()) {
      sql_prepared_->erase(it);
      sql = true;
    }
  auto st = store_.deallocate(name);
  if (st && listener_) listener_->closed(*st);
  return sql || st != nullptr;
}

void SessionMachine::deallocate_all() {
  sql_prepared_.reset();
  for (auto& st : store_.deallocate_all())
    if (listener_) listener_->closed(*st);
}

}  // namespace pgwire::protocol
