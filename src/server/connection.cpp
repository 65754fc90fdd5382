// The driver loop: performs what the session machine asks (read, write,
// TLS, a handler call) and feeds the result back. It holds no protocol rule;
// those are all in src/protocol/ (see docs/ARCHITECTURE.md).
// Which sessions are live and hold a slot of max_connections, and asking
// them all to leave, is admission.cpp's; what is reported, reporting.cpp's.

#include "connection.hpp"

#include <array>
#include <optional>
#include <utility>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "pgwire/api/copy.hpp"
#include "pgwire/protocol/session_machine.hpp"
#include "idle_buffers.hpp"
#include "reporting.hpp"

namespace pgwire::detail {

using asio::awaitable;
using asio::use_awaitable;
using protocol::Need;
constexpr auto nothrow = asio::experimental::as_tuple(use_awaitable);

namespace {

// The stream is gone, or the session is over: unwinds a connection quietly.
struct ConnectionClosed {};

protocol::SessionOptions session_options(const Shared& s) {
  protocol::SessionOptions o;
  o.engine.limits = s.options.limits;
  o.engine.tls_available = s.current_tls() != nullptr;
  o.engine.direct_tls = s.options.direct_tls;
  o.engine.flush_threshold = s.options.flush_threshold;
  o.simple_query = s.handlers.simple_query != nullptr;
  o.extended_query = s.handlers.extended_query != nullptr;
  o.sql_cursors = s.options.sql_cursors;
  o.server_version = s.options.server_version;
  o.idle_session_timeout = s.options.idle_session_timeout;
  o.idle_in_transaction_session_timeout = s.options.idle_in_transaction_session_timeout;
  return o;
}

}  // namespace

class Connection final : public LiveSession,
                         public protocol::CancelTarget,
                         public AuthExchange,
                         public protocol::StoreListener,
                         public std::enable_shared_from_this<Connection> {
 public:
  Connection(Shared& shared, std::unique_ptr<Stream> stream, asio::any_io_executor executor)
      : shared_(shared), stream_(std::move(stream)), executor_(std::move(executor)),
        machine_(session_options(shared), this), report_(shared, stream_->remote_address()) {
    machine_.set_remote(stream_->remote_address());
    unpark_buffers(machine_.input(), machine_.output());  // for the startup packet
  }

  ~Connection() override {
    if (pid_ != 0) shared_.registry.remove(pid_);
    slot_.release();
    report_.closed(machine_.client(), pid_);
  }

  // Without a slot (beyond ServerOptions::max_connections) the machine
  // refuses the startup.
  void admit(ConnectionSlot slot) {
    refused_ = !slot;
    slot_ = std::move(slot);
    if (refused_) machine_.refuse_too_many_clients();
  }

  asio::cancellation_slot cancel_slot() { return cancel_signal_.slot(); }

  // The session, from the startup packet to the close; its frame holds the
  // connection and its registration among the live sessions. While the
  // session waits for its client between statements, this frame and
  // wait_for_client()'s are all it holds of coroutines (an idle connection
  // costs their size: docs/PERFORMANCE.md, stop 23).
  static awaitable<void> run(std::shared_ptr<Connection> self,
                             [[maybe_unused]] LiveSessions::Registration registration) {
    Connection& c = *self;
    c.set_waker();
    try {
      if (co_await c.login()) {
        for (;;) {
          co_await c.pump(std::nullopt, Pump::until_idle);
          co_await c.wait_for_client();
        }
      }
    } catch (const ConnectionClosed&) {
    } catch (const std::system_error&) {
    }
    // Before the close, so that a client that saw it finds the slot free.
    c.slot_.release();
    if (c.refused_ && c.machine_.authentication_started()) c.report_.refused_too_many();
    c.report_.closed(c.machine_.client(), c.pid_);
    c.stream_->close();
  }

  // LiveSession (admission.hpp), any thread: each is performed on the strand.
  void close_now() override {
    asio::post(executor_, [self = shared_from_this()] {
      self->report_.stopped_by_server();
      self->cancel_product_call();
      self->stream_->close();
    });
  }

  // Server::shutdown(), any thread: the machine ends the session at its next
  // wait outside a transaction block; now if it waits there already, or has
  // not logged in yet.
  void begin_shutdown() override {
    asio::post(executor_, [self = shared_from_this()] {
      auto& m = self->machine_;
      m.shutdown_requested();
      bool logging_in = m.phase() == protocol::Phase::startup || m.phase() == protocol::Phase::authenticating;
      if (logging_in || (m.waiting_at_ready_for_query() && m.shutdown_ends_wait())) self->terminate_now();
    });
  }
  // The grace is over: FATAL 57P01 now, the running product call cancelled.
  void terminate() override {
    asio::post(executor_, [self = shared_from_this()] { self->terminate_now(); });
  }

  // On the strand, after a push: while the session waits for the client,
  // what may go now is written at once (beside the pending read: a socket,
  // and Asio's TLS stream, allow one read and one write at a time). Other
  // times the machine sends it itself at its next message boundary.
  void deliver_pushes() {
    if (push_writing_ || write_failed_ || !machine_.take_pushes_while_reading(push_out_)) return;
    push_writing_ = true;
    asio::co_spawn(executor_, write_pushes(shared_from_this()), asio::detached);
  }

  static awaitable<void> write_pushes(std::shared_ptr<Connection> self) {
    try {
      do {
        std::string_view bytes = self->push_out_.view();
        co_await self->stream_->write(bytes);
        self->report_.written(bytes);
        self->push_out_.clear();
      } while (self->machine_.take_pushes_while_reading(self->push_out_));
    } catch (...) {
      self->push_out_.clear();  // the read fails too and ends the session
      self->write_failed_ = true;
    }
    self->push_writing_ = false;
    if (self->push_written_) self->push_written_->cancel();  // wakes a flush() waiting for it
  }

  // CancelTarget: on the thread of the connection that got the CancelRequest.
  void cancel() override {
    if (!machine_.busy()) return;  // idle: PostgreSQL ignores it too
    machine_.request_cancel();
    asio::post(executor_, [self = shared_from_this()] {
      if (!self->machine_.busy()) return;
      if (auto hook = self->machine_.take_cancel_hook()) hook();
      self->cancel_product_call();
    });
  }

  // AuthExchange: each round is a nested request of the session machine.
  const ClientInfo& client() const noexcept override { return machine_.client(); }
  awaitable<std::string> exchange(const BackendMessage& request) override {
    machine_.begin_auth_round(request);
    co_await pump(Need::auth_response);
    co_return std::string(machine_.auth_response());
  }
  void send(const BackendMessage& message) override { machine_.auth_send(message); }
  std::string_view tls_server_end_point() const noexcept override { return machine_.tls_server_end_point(); }

  // StoreListener
  void closed(const Statement& statement) override {
    if (auto& h = shared_.handlers.extended_query) h->closed(machine_, statement);
  }
  void closed(const Portal& portal) override {
    if (auto& h = shared_.handlers.extended_query) h->closed(machine_, portal);
  }

 private:
  // Sends each Response of a simple query through the session machine. The
  // nested round runs shielded from the cancellation of the product call
  // that sends it (see shielded()).
  class Sink final : public ResponseSink {
   public:
    explicit Sink(Connection& c) : c_(c) {}
    awaitable<bool> send(Response& r) override { co_return co_await c_.shielded(c_.send_response(r)); }

   private:
    Connection& c_;
  };

  awaitable<bool> send_response(Response& r) {
    machine_.begin_response(r);
    co_await pump(Need::response_sent);
    co_return machine_.response_ok();
  }

  // A push from any thread wakes this session on its strand. The waker
  // holds only the weak pointer: it fits std::function's own storage (with
  // the executor it took 72 bytes more per session).
  void set_waker() {
    machine_.handle()->set_waker([weak = weak_from_this()] {
      if (auto self = weak.lock())
        asio::post(self->executor_, [weak] {
          if (auto session = weak.lock()) session->deliver_pushes();
        });
    });
  }

  // The login, raced against authentication_timeout: true when the client
  // is logged in. The timer exists only meanwhile.
  awaitable<bool> login() {
    using namespace asio::experimental::awaitable_operators;
    // A default timer has expired already: a session terminated before it
    // began ends at once.
    login_timer_ = std::make_unique<asio::steady_timer>(executor_);
    if (!terminating_) login_timer_->expires_after(shared_.options.authentication_timeout);
    // login_or_false() never throws: Asio's || waits for the first
    // *successful* branch, so a throwing login would wait for the timer.
    auto result = co_await (login_or_false() || login_timer_->async_wait(nothrow));
    login_timer_.reset();
    if (result.index() == 0) co_return std::get<0>(result);
    if (terminating_) {
      machine_.terminate();
    } else {
      if (machine_.authentication_started())
        report_.authentication_failed(machine_.client(), "authentication_timeout");
      machine_.authentication_timed_out();
    }
    co_await flush();
    co_return false;
  }

  awaitable<bool> login_or_false() {
    try {
      co_await pump(std::nullopt, Pump::until_logged_in);
      co_return true;
    } catch (...) {  // ConnectionClosed, socket errors, cancelled by the timer
    }
    co_return false;
  }

  enum class Pump {
    nested,           // until `until`
    until_logged_in,  // the login
    until_idle,       // the session, until it waits for the client between statements
  };

  // Performs the machine's requests until it asks for `until` (the end of a
  // nested round), until the client is logged in, or until the machine
  // waits for the client's next statement with nothing read of it: that
  // read is the caller's (wait_for_client()).
  awaitable<void> pump(std::optional<Need> until, Pump mode = Pump::nested) {
    for (;;) {
      if (mode == Pump::until_logged_in && machine_.phase() == protocol::Phase::ready) co_return;
      Need n = machine_.next();
      if (n == until) co_return;
      if (mode == Pump::until_idle && n == Need::read && idle_between_statements()) co_return;
      co_await perform(n);
      if (terminating_) co_await end_by_termination();
    }
  }

  bool idle_between_statements() {
    return machine_.waiting_at_ready_for_query() && machine_.input().pending().empty();
  }

  // Stops whatever waits (the login, the wait for the client, a product
  // call); the pump then ends the session with the machine's FATAL.
  void terminate_now() {
    terminating_ = true;
    // Expired rather than cancelled: a wait that has not begun yet ends at once too.
    if (login_timer_) login_timer_->expires_at(asio::steady_timer::time_point::min());
    if (wake_) wake_->expires_at(asio::steady_timer::time_point::min());
    stream_->cancel_read();
    cancel_product_call();
  }

  awaitable<void> end_by_termination() {
    machine_.terminate();
    co_await flush();
    throw ConnectionClosed{};
  }

  awaitable<void> perform(Need n) {
    // Reads at ReadyForQuery with nothing in between are one wait for one message.
    bool wait_continues = std::exchange(idle_wait_continues_, false);
    switch (n) {
      case Need::read:
        co_await read(wait_continues);
        break;
      case Need::write:
        co_await flush();
        break;
      case Need::start_tls:
        co_await start_tls();
        break;
      case Need::cancel:
        shared_.registry.cancel(machine_.cancel_request());
        break;
      case Need::authenticate:
        co_await authenticate();
        break;
      // Each product call is made inside answer(), which hands its result
      // or failure to the machine. The lambdas capture only `this` (GCC 12
      // mishandles non-trivial temporaries in a co_await expression).
      case Need::prepare:
        co_await answer([this] { return extended().prepare(machine_, machine_.statement()); });
        break;
      case Need::bind:
        co_await answer([this] { return extended().bind(machine_, machine_.portal()); });
        break;
      case Need::execute:
        co_await answer([this] { return extended().execute(machine_, machine_.portal()); });
        break;
      case Need::sync:
        co_await answer([this] { return extended().sync(machine_); });
        break;
      case Need::simple_query:
        co_await answer([this] { return shared_.handlers.simple_query->stream(machine_, machine_.sql(), sink_); });
        break;
      case Need::query_all:
        co_await answer([this] { return shared_.handlers.simple_query->query(machine_, machine_.sql()); });
        break;
      case Need::fill:
        co_await answer([this] { return product<RowSource>(machine_.rows()).fill(machine_.writer()); });
        break;
      case Need::copy_data:
        co_await answer([this] { return copy_target().write(machine_, machine_.copy_data()); });
        break;
      case Need::copy_done:
        co_await answer([this] { return copy_target().finish(machine_); });
        break;
      case Need::copy_fail:  // copy_data() holds the reason
        co_await answer([this] { return copy_target().abort(machine_, machine_.copy_data()); });
        break;
      case Need::copy_fill:
        co_await answer([this] {
          return product<CopyOutSource>(machine_.copy_source()).fill(machine_, machine_.copy_writer());
        });
        break;
      case Need::close:
      case Need::auth_response:  // only ever the end of a nested pump
      case Need::response_sent:
        co_await flush();
        throw ConnectionClosed{};
    }
  }

  // I/O ------------------------------------------------------------------------

  // The read the machine asked for between statements (pump(), until_idle).
  // While the session waits, it holds neither its read nor its output
  // buffer (they go back to its thread's stock, idle_buffers.hpp): the read
  // goes to the connection's small idle_read_ buffer, whose bytes are then
  // copied to a read buffer taken back. The same one read as before: no
  // system call more (a readiness wait would cost an epoll_ctl each time),
  // and one more read only for a message longer than idle_read_ that
  // arrives at once.
  awaitable<void> wait_for_client() {
    bool wait_continues = std::exchange(idle_wait_continues_, false);
    park_buffers(machine_.input(), machine_.output());
    std::span<char> space(idle_read_);
    std::optional<std::chrono::milliseconds> limit = machine_.idle_limit();
    std::size_t n = limit ? co_await read_within(space, *limit, wait_continues) : co_await stream_->read_some(space);
    unpark_buffers(machine_.input(), machine_.output());
    if (terminating_) co_await end_by_termination();
    if (n != 0) machine_.input().append({idle_read_.data(), n});
    received(n);
  }

  awaitable<void> read(bool wait_continues = false) {
    auto space = machine_.input().prepare(read_size);
    // Only a read under an idle limit races a timer (that costs a little per
    // read); a shutdown ends the others through Stream::cancel_read().
    std::optional<std::chrono::milliseconds> limit;
    if (machine_.waiting_at_ready_for_query()) limit = machine_.idle_limit();
    std::size_t n = limit ? co_await read_within(space, *limit, wait_continues) : co_await stream_->read_some(space);
    if (terminating_) co_await end_by_termination();
    machine_.input().commit(n);
    received(n);
  }

  // n bytes are in the input (committed by the caller): n == 0 is the end
  // of the stream.
  void received(std::size_t n) {
    if (n == 0) {
      machine_.on_eof();
    } else {
      report_.read(n);
    }
  }

  // The wait at ReadyForQuery under the machine's idle limit (ended early by
  // a shutdown too). As in PostgreSQL the limit covers the whole wait for
  // the next message: a message trickling in byte by byte does not restart it.
  awaitable<std::size_t> read_within(std::span<char> space, std::chrono::milliseconds limit, bool wait_continues) {
    using namespace asio::experimental::awaitable_operators;
    if (terminating_) co_await end_by_termination();
    if (!wait_continues) idle_deadline_ = asio::steady_timer::clock_type::now() + limit;
    asio::steady_timer& wake = wake_timer();
    wake.expires_at(idle_deadline_);
    auto result = co_await (stream_->read_some(space) || wake.async_wait(nothrow));
    if (result.index() == 0) {
      idle_wait_continues_ = true;
      co_return std::get<0>(result);
    }
    co_await idle_limit_expired();
    co_return 0;  // not reached
  }

  // Made at the first wait under an idle limit (most sessions have none).
  asio::steady_timer& wake_timer() {
    if (!wake_) wake_ = std::make_unique<asio::steady_timer>(executor_);
    return *wake_;
  }

  // The idle timer won the race: the machine's FATAL, then the end.
  awaitable<void> idle_limit_expired() {
    if (terminating_) co_await end_by_termination();
    machine_.idle_limit_expired();
    co_await flush();
    throw ConnectionClosed{};
  }

  awaitable<void> flush() {
    Buffer& out = machine_.output();
    if (out.empty()) co_return;
    // One write at a time: a push being written goes first.
    while (push_writing_) {
      if (!push_written_) push_written_ = std::make_unique<asio::steady_timer>(executor_);
      push_written_->expires_at(asio::steady_timer::time_point::max());
      co_await push_written_->async_wait(asio::experimental::as_tuple(use_awaitable));
    }
    if (write_failed_) throw ConnectionClosed{};
    try {
      co_await stream_->write(out.view());
    } catch (const std::system_error&) {
      report_.connection_lost();
      throw ConnectionClosed{};
    }
    report_.written(out.view());
    out.clear();
  }

  awaitable<void> start_tls() {
    co_await flush();  // the 'S' of an SSLRequest
    std::string initial = machine_.take_tls_initial_bytes();
    protocol::TlsFacts facts;
    bool ok = co_await stream_->start_tls(initial, facts);
    if (!ok) throw ConnectionClosed{};
    machine_.tls_established(std::move(facts));
  }

  // Handler calls: each answer goes back to the machine -------------------------

  // Product calls run in the connection's own coroutine (no co_spawn per
  // call: it cost a third of a prepared SELECT 1, docs/PERFORMANCE.md), whose
  // cancellation slot is the connection's (serve_connection). A CancelRequest,
  // a shutdown or a close emits on it only while a product call runs outside
  // the driver's own I/O, so it reaches what the product awaits and nothing
  // of the driver's. The state a cancellation leaves behind (Asio then fails
  // every later co_await of the thread) is reset when the call ends.
  void cancel_product_call() {
    if (!in_product_call_) return;
    cancel_emitted_ = true;
    if (!in_driver_work_) cancel_signal_.emit(asio::cancellation_type::all);
  }

  // Awaits a product call so that a cancellation aborts what it awaits. A
  // call inside another product call just awaits (the outer one covers it).
  template <class T>
  awaitable<T> cancellable(awaitable<T> call) {
    if (in_product_call_) co_return co_await std::move(call);
    in_product_call_ = true;
    bool outer_driver_work = std::exchange(in_driver_work_, false);  // inside a shielded round
    std::exception_ptr failure;
    std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> result;
    try {
      if constexpr (std::is_void_v<T>) {
        co_await std::move(call);
        result = true;
      } else {
        result = co_await std::move(call);
      }
    } catch (...) {
      failure = std::current_exception();
    }
    in_product_call_ = false;
    in_driver_work_ = outer_driver_work;
    bool emitted = cancel_emitted_;
    // Inside a shielded round the flag stays for the outer call (shielded()).
    if (!outer_driver_work) cancel_emitted_ = false;
    if (emitted) co_await asio::this_coro::reset_cancellation_state();
    if (failure) std::rethrow_exception(failure);
    if constexpr (!std::is_void_v<T>) co_return std::move(*result);
  }

  // The driver's own work that a product call started (the nested round of
  // ResponseSink::send): a CancelRequest must not abort a socket write
  // half-way (the client would get a truncated message) nor leave a nested
  // round of the machine unfinished. Cancellation waits while it runs
  // (product calls inside it, a RowSource pulled while a streamed Response
  // is sent, are cancellable again); the product call sees it once this
  // returns, at its next co_await. The machine sees the cancel through its
  // flag (57014 at the next batch of rows).
  template <class T>
  awaitable<T> shielded(awaitable<T> work) {
    bool outer_call = std::exchange(in_product_call_, false);
    bool outer_driver_work = std::exchange(in_driver_work_, true);
    bool emitted = std::exchange(cancel_emitted_, false);
    // A cancellation the product call already got would fail the driver's I/O.
    if (emitted) co_await asio::this_coro::reset_cancellation_state();
    std::exception_ptr failure;
    std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> result;
    try {
      if constexpr (std::is_void_v<T>) {
        co_await std::move(work);
        result = true;
      } else {
        result = co_await std::move(work);
      }
    } catch (...) {
      failure = std::current_exception();
    }
    in_driver_work_ = outer_driver_work;
    in_product_call_ = outer_call;
    cancel_emitted_ = cancel_emitted_ || emitted;
    if (cancel_emitted_ && in_product_call_ && !in_driver_work_) cancel_signal_.emit(asio::cancellation_type::all);
    if (failure) std::rethrow_exception(failure);
    if constexpr (!std::is_void_v<T>) co_return std::move(*result);
  }

  // Makes a product call (make_call() may throw: a source of the wrong
  // type), awaits it, and hands its result or failure to the machine.
  template <class MakeCall>
  awaitable<void> answer(MakeCall make_call) {
    try {
      auto call = make_call();
      using T = typename decltype(call)::value_type;
      if constexpr (std::is_void_v<T>) {
        co_await cancellable(std::move(call));
        machine_.done();
      } else {
        T result = co_await cancellable(std::move(call));
        hand_over(std::move(result));
      }
    } catch (const ConnectionClosed&) {
      throw;
    } catch (...) {
      machine_.fail(std::current_exception());
    }
  }
  void hand_over(Response r) { machine_.give(std::move(r)); }
  void hand_over(std::vector<Response> r) { machine_.give(std::move(r)); }
  void hand_over(bool more) { machine_.filled(more); }            // RowSource, CopyOutSource
  void hand_over(std::uint64_t rows) { machine_.copied(rows); }  // CopyInTarget::finish

  ExtendedQueryHandler& extended() { return *shared_.handlers.extended_query; }
  CopyInTarget& copy_target() { return product<CopyInTarget>(machine_.copy_target()); }
  // What the machine holds as a protocol-level stream is the product's object.
  template <class Product, class Stream>
  static Product& product(Stream& s) {
    auto* p = dynamic_cast<Product*>(&s);
    if (!p) throw PgError(sqlstate::internal_error, "a result's stream is not of the pgwire/api type its kind needs");
    return *p;
  }

  awaitable<void> authenticate() {
    try {
      if (!shared_.handlers.startup) throw PgError(sqlstate::internal_error, "no startup handler");
      auto call = shared_.handlers.startup->authenticate(*this);
      co_await std::move(call);
      auto registered = shared_.registry.add(weak_from_this(), machine_.cancel_key_length());
      pid_ = registered.first;
      auto parameters = shared_.handlers.startup->server_parameters(machine_.client());
      machine_.logged_in(registered.first, std::move(registered.second), std::move(parameters));
      report_.authenticated(machine_.client(), pid_);
    } catch (const ConnectionClosed&) {
      throw;
    } catch (...) {
      report_.authentication_failed(machine_.client(), failure_summary(std::current_exception()));
      machine_.fail(std::current_exception());
    }
  }

  Shared& shared_;
  std::unique_ptr<Stream> stream_;
  asio::any_io_executor executor_;
  protocol::SessionMachine machine_;
  SessionReport report_;
  ConnectionSlot slot_;
  bool refused_ = false;  // beyond max_connections
  bool terminating_ = false;          // shutdown: the session ends at the next step
  // Timers exist only while in use (120 bytes each, per idle connection).
  std::unique_ptr<asio::steady_timer> login_timer_;  // authentication_timeout
  std::unique_ptr<asio::steady_timer> wake_;         // the idle limit while waiting for the client
  asio::steady_timer::time_point idle_deadline_{};
  bool idle_wait_continues_ = false;
  std::array<char, idle_read_size> idle_read_;  // wait_for_client()
  std::int32_t pid_ = 0;
  bool in_product_call_ = false;   // cancellation reaches what it awaits
  bool in_driver_work_ = false;    // a shielded round inside a product call
  bool cancel_emitted_ = false;    // since the outermost product call began
  asio::cancellation_signal cancel_signal_;  // the slot of the connection's coroutine
  Buffer push_out_;
  bool push_writing_ = false;
  // A write to the client failed: the socket is dead, and another write on
  // it may never complete (Asio's reactor then waits for a writability edge
  // that a reset socket does not raise again), so none is started.
  bool write_failed_ = false;
  std::unique_ptr<asio::steady_timer> push_written_;  // a flush() waits for a push's write
  Sink sink_{*this};  // ResponseSink of simple queries
};

namespace {

// A session registered among the live sessions (until it ends), with or
// without a slot of max_connections.
struct Admitted {
  std::shared_ptr<Connection> connection;
  LiveSessions::Registration registration;
};

Admitted admit(Shared& shared, std::unique_ptr<Stream> stream, const asio::any_io_executor& executor) {
  auto conn = std::make_shared<Connection>(shared, std::move(stream), executor);
  auto registration = shared.live.admit(conn, shared.options.max_connections);
  conn->admit(registration.take_slot());
  if (registration.shutting_down()) conn->begin_shutdown();
  return {std::move(conn), std::move(registration)};
}

}  // namespace

// Each session runs as its own coroutine thread, whose cancellation slot the
// connection holds (cancel_product_call).
void start_connection(Shared& shared, std::unique_ptr<Stream> stream, const asio::any_io_executor& executor) {
  auto admitted = admit(shared, std::move(stream), executor);
  auto slot = admitted.connection->cancel_slot();
  asio::co_spawn(executor, Connection::run(std::move(admitted.connection), std::move(admitted.registration)),
                 asio::bind_cancellation_slot(slot, asio::detached));
}

awaitable<void> serve_connection(Shared& shared, std::unique_ptr<Stream> stream) {
  auto executor = co_await asio::this_coro::executor;
  auto admitted = admit(shared, std::move(stream), executor);
  auto slot = admitted.connection->cancel_slot();
  auto session = Connection::run(std::move(admitted.connection), std::move(admitted.registration));
  co_await asio::co_spawn(executor, std::move(session), asio::bind_cancellation_slot(slot, use_awaitable));
}

}  // namespace pgwire::detail
