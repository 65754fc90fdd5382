#pragma once
// The driver of one connection (internal to connection*.cpp): performs what
// the session machine asks (read, write, TLS, a handler call) and feeds the
// result back. It holds no protocol rule; those are all in src/protocol/
// (see docs/ARCHITECTURE.md). Its steps are defined in
//   connection.cpp          the loop: one case per Need, the product calls
//   connection_io.cpp       reads (the wait between statements, with or without
//                           frames), writes, pushes, TLS
//   connection_control.cpp  the login's race, shutdown, termination, cancel
// Which sessions are live and hold a slot of max_connections, and asking
// them all to leave, is admission.cpp's; what is reported, reporting.cpp's.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <system_error>
#include <variant>
#include <vector>

#include <asio/any_io_executor.hpp>
#include <asio/awaitable.hpp>
#include <asio/steady_timer.hpp>

#include "connection.hpp"
#include "idle_buffers.hpp"
#include "idle_sweep.hpp"
#include "pgwire/protocol/idle_wait.hpp"
#include "pgwire/protocol/output_turns.hpp"
#include "pgwire/protocol/session_ending.hpp"
#include "pgwire/protocol/session_machine.hpp"
#include "product_calls.hpp"
#include "reporting.hpp"
#include "socket_stream.hpp"

namespace pgwire::detail {

// The stream is gone, or the session is over: unwinds a connection quietly.
struct ConnectionClosed {};

class Connection final : public LiveSession,
                         public ReadWaiter,
                         public IdleSweep::Waiter,
                         public protocol::CancelTarget,
                         public AuthExchange,
                         public protocol::StoreListener,
                         public std::enable_shared_from_this<Connection> {
 public:
  Connection(Shared& shared, std::unique_ptr<Stream> stream, asio::any_io_executor executor);
  ~Connection() override;

  // Registered among the live sessions until the session ends; without a
  // slot (beyond ServerOptions::max_connections) the machine refuses the
  // startup.
  void admit(LiveSessions::Admitted admitted) {
    registration_ = std::move(admitted.registration);
    slot_ = std::move(admitted.slot);
    refused_ = !slot_;
    if (refused_) machine_.refuse_too_many_clients();
  }

  // The session's coroutine may end while it waits for the client between
  // statements, once it has waited a while (`sweep`, of the session's io
  // thread: start_connection() on the server's own threads; not
  // serve_connection(), whose caller awaits the coroutine until the
  // session's end).
  void may_end_frames_while_idle(IdleSweep* sweep) noexcept { sweep_ = sweep; }

  asio::cancellation_slot cancel_slot() { return calls_.slot(); }

  // Where the session's coroutine begins: the startup packet, or the end
  // of a wait for the client that held no coroutine (wait_without_frames()).
  enum class Resume : std::uint8_t { login, client_bytes, idle_limit };
  // The session, from the startup packet to the close, or from a wait
  // without frames to the next one; its frame holds the connection. Once
  // the session has waited for the client between statements for a while
  // over one of the library's sockets (idle_sweep.hpp), it holds no
  // coroutine frame at all: the read's handler holds the connection and
  // spawns this again (docs/PERFORMANCE.md, stop 25).
  // `n`: the bytes that wait brought into idle_read_ (client_bytes).
  static asio::awaitable<void> run(std::shared_ptr<Connection> self, Resume from, std::size_t n = 0);
  // run() as a coroutine thread of its own, on the connection's cancellation slot.
  void spawn(std::shared_ptr<Connection> self, Resume from, std::size_t n = 0);

  // LiveSession (admission.hpp), any thread: each is performed on the
  // session's thread.
  void close_now() override;
  // Server::shutdown(): the machine ends the session at its next wait
  // outside a transaction block; now if it waits there already, or has not
  // logged in yet (protocol/session_ending.hpp).
  void begin_shutdown() override;
  // The grace is over: FATAL 57P01 now, the running product call cancelled.
  void terminate() override;
  void pushed() override;
  bool waits_without_frames() const noexcept override {
    return waiting_without_frames_.load(std::memory_order_relaxed);
  }

  // CancelTarget: on the thread of the connection that got the CancelRequest.
  void cancel() override;

  // AuthExchange: each round is a nested request of the session machine.
  const ClientInfo& client() const noexcept override { return machine_.client(); }
  asio::awaitable<std::string> exchange(const BackendMessage& request) override;
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
  // that sends it (ProductCalls::shielded()).
  class Sink final : public ResponseSink {
   public:
    explicit Sink(Connection& c) : c_(c) {}
    asio::awaitable<bool> send(Response& r) override { co_return co_await c_.calls_.shielded(c_.send_response(r)); }

   private:
    Connection& c_;
  };
  asio::awaitable<bool> send_response(Response& r);

  enum class Pump {
    nested,           // until `until`
    until_logged_in,  // the login
    until_idle,       // the session, until it waits for the client between statements
  };
  // Performs the machine's requests until it asks for `until` (the end of a
  // nested round), until the client is logged in, or until the machine
  // waits for the client's next statement with nothing read of it: that
  // read is the caller's (wait_for_client()).
  asio::awaitable<void> pump(std::optional<protocol::Need> until, Pump mode = Pump::nested);
  asio::awaitable<void> perform(protocol::Need n, bool wait_continues);
  asio::awaitable<void> end_session();  // what is left of the output, then the close

  // Product calls (connection.cpp): each answer goes back to the machine.
  using ProductCall = std::variant<std::monostate, asio::awaitable<void>, asio::awaitable<Response>,
                                   asio::awaitable<std::vector<Response>>, asio::awaitable<bool>,
                                   asio::awaitable<std::uint64_t>>;
  using ProductAnswer = std::variant<std::monostate, Response, std::vector<Response>, bool, std::uint64_t>;
  ProductCall product_call(protocol::Need n);
  void hand_over(std::exception_ptr failure, ProductAnswer& answer);
  asio::awaitable<void> authenticate();

  // I/O (connection_io.cpp)
  bool wait_without_frames(bool wait_continues);
  bool waited_long() override;
  void read_done(std::shared_ptr<ReadWaiter> self, std::size_t n) override;
  void idle_timer_done(std::error_code ec);
  bool take_idle_read(std::size_t n);
  void end_of_session();
  asio::awaitable<bool> wait_for_client();
  asio::awaitable<void> read(bool wait_continues);
  void received(std::size_t n);
  asio::awaitable<std::size_t> read_within(std::span<char> space, std::chrono::milliseconds limit,
                                           bool wait_continues);
  asio::steady_timer& wake_timer();
  asio::awaitable<void> idle_limit_expired();
  // Need::write: what the stream takes at once goes without awaiting; true
  // when that was all of the output (mostly), which is then cleared.
  // Otherwise `sent` bytes of it went, and flush(sent) writes the rest.
  bool write_at_once(std::size_t& sent);
  asio::awaitable<void> flush(std::size_t sent = 0);
  asio::awaitable<void> start_tls();
  void set_waker();
  void deliver_pushes();
  static asio::awaitable<void> write_pushes(std::shared_ptr<Connection> self);

  // The session's end (connection_control.cpp)
  asio::awaitable<bool> login();
  asio::awaitable<bool> login_or_false();
  void terminate_now();
  void stop_waits();
  asio::awaitable<void> end_by_termination();

  Shared& shared_;
  std::unique_ptr<Stream> stream_;
  DirectSocket* direct_;  // stream_'s, if it is one of the library's sockets
  asio::any_io_executor executor_;
  protocol::SessionMachine machine_;
  SessionReport report_;
  LiveSessions::Registration registration_;  // until the session ends
  ConnectionSlot slot_;
  bool refused_ = false;  // beyond max_connections
  IdleSweep* sweep_ = nullptr;  // none: the session keeps its coroutine while it waits
  bool leaving_frames_ = false;  // the sweep aborted the coroutine's read
  // A wait without frames (wait_without_frames()): its read and, under an
  // idle limit, its timer are pending; the first of them to complete ends it.
  std::atomic<bool> waiting_without_frames_{false};  // read by tests from any thread
  bool idle_timer_set_ = false;  // that wait races the idle limit
  protocol::SessionEnding ending_;
  // Timers exist only while in use (120 bytes each, per idle connection).
  std::unique_ptr<asio::steady_timer> login_timer_;  // authentication_timeout
  std::unique_ptr<asio::steady_timer> wake_;         // the idle limit while waiting for the client
  protocol::IdleWait idle_;
  std::array<char, idle_read_size> idle_read_;  // wait_for_client()
  std::int32_t pid_ = 0;
  ProductCalls calls_;  // its slot is the connection's coroutine's
  protocol::OutputTurns turns_;
  Buffer push_out_;
  std::unique_ptr<asio::steady_timer> push_written_;  // a flush() waits for a push's write
  Sink sink_{*this};  // ResponseSink of simple queries
};

}  // namespace pgwire::detail
