// The connection's loop (connection_driver.hpp): one case per request of
// the session machine, the product calls, and the start of a session.

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "connection_driver.hpp"
#include "pgwire/api/copy.hpp"

namespace pgwire::detail {

using asio::awaitable;
using asio::use_awaitable;
using protocol::Need;

namespace {

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

void hand_over(protocol::SessionMachine& m, Response r) { m.give(std::move(r)); }
void hand_over(protocol::SessionMachine& m, std::vector<Response> r) { m.give(std::move(r)); }
void hand_over(protocol::SessionMachine& m, bool more) { m.filled(more); }            // RowSource, CopyOutSource
void hand_over(protocol::SessionMachine& m, std::uint64_t rows) { m.copied(rows); }  // CopyInTarget::finish

// What the machine holds as a protocol-level stream is the product's object.
template <class Product, class Stream>
Product& product(Stream& s) {
  auto* p = dynamic_cast<Product*>(&s);
  if (!p) throw PgError(sqlstate::internal_error, "a result's stream is not of the pgwire/api type its kind needs");
  return *p;
}

CopyInTarget& copy_target(protocol::SessionMachine& m) { return product<CopyInTarget>(m.copy_target()); }

}  // namespace

Connection::Connection(Shared& shared, std::unique_ptr<Stream> stream, asio::any_io_executor executor)
    : shared_(shared), stream_(std::move(stream)), immediate_(dynamic_cast<ImmediateWrites*>(stream_.get())),
      executor_(std::move(executor)),
      machine_(session_options(shared), this), report_(shared, stream_->remote_address()) {
  machine_.set_remote(stream_->remote_address());
  unpark_buffers(machine_.input(), machine_.output());  // for the startup packet
}

Connection::~Connection() {
  if (pid_ != 0) shared_.registry.remove(pid_);
  slot_.release();
  report_.closed(machine_.client(), pid_);
}

awaitable<void> Connection::run(std::shared_ptr<Connection> self,
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

awaitable<std::string> Connection::exchange(const BackendMessage& request) {
  machine_.begin_auth_round(request);
  co_await pump(Need::auth_response);
  co_return std::string(machine_.auth_response());
}

awaitable<bool> Connection::send_response(Response& r) {
  machine_.begin_response(r);
  co_await pump(Need::response_sent);
  co_return machine_.response_ok();
}

// Performs the machine's requests until it asks for `until` (the end of a
// nested round), until the client is logged in, or until the machine
// waits for the client's next statement with nothing read of it: that
// read is the caller's (wait_for_client()).
awaitable<void> Connection::pump(std::optional<Need> until, Pump mode) {
  for (;;) {
    if (mode == Pump::until_logged_in && machine_.phase() == protocol::Phase::ready) co_return;
    Need n = machine_.next();
    if (n == until) co_return;
    if (mode == Pump::until_idle && n == Need::read && protocol::IdleWait::between_statements(machine_))
      co_return;
    // Reads at ReadyForQuery with nothing in between are one wait for one message.
    bool wait_continues = idle_.step_begins();
    // Two requests are mostly performed without awaiting: a CancelRequest,
    // and a write the stream takes at once (docs/PERFORMANCE.md, stop 24).
    if (n == Need::cancel) {
      shared_.registry.cancel(machine_.cancel_request());
    } else if (n == Need::write) {
      std::size_t sent = 0;
      if (!write_at_once(sent)) co_await flush(sent);
    } else {
      co_await perform(n, wait_continues);
    }
    if (ending_.terminating()) co_await end_by_termination();
  }
}

// Makes a product call (make_call() may throw: a source of the wrong
// type), awaits it so that a cancellation aborts what it awaits
// (ProductCalls), and hands its result or failure to the machine. The call
// is awaited here, not through a coroutine of ProductCalls: one frame less
// per request (docs/PERFORMANCE.md, stop 24).
template <class MakeCall>
awaitable<void> Connection::answer(MakeCall make_call) {
  using T = typename std::invoke_result_t<MakeCall&>::value_type;
  std::optional<std::conditional_t<std::is_void_v<T>, bool, T>> result;
  std::exception_ptr failure;
  try {
    auto call = make_call();
    auto scope = calls_.begin();
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
    if (calls_.end(scope)) co_await asio::this_coro::reset_cancellation_state();
  } catch (...) {
    failure = std::current_exception();
  }
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const ConnectionClosed&) {
      throw;
    } catch (...) {
      machine_.fail(failure);
    }
  } else if constexpr (std::is_void_v<T>) {
    machine_.done();
  } else {
    hand_over(machine_, std::move(*result));
  }
}

// Not a coroutine: it returns what pump() awaits (one coroutine frame less
// per request, docs/PERFORMANCE.md, stop 24).
awaitable<void> Connection::perform(Need n, bool wait_continues) {
  switch (n) {
    case Need::read:
      return read(wait_continues);
    case Need::write:
      return flush();
    case Need::start_tls:
      return start_tls();
    case Need::authenticate:
      return authenticate();
    // Each product call is made inside answer(), which hands its result
    // or failure to the machine. The lambdas capture only `this` (GCC 12
    // mishandles non-trivial temporaries in a co_await expression).
    case Need::prepare:
      return answer([this] { return shared_.handlers.extended_query->prepare(machine_, machine_.statement()); });
    case Need::bind:
      return answer([this] { return shared_.handlers.extended_query->bind(machine_, machine_.portal()); });
    case Need::execute:
      return answer([this] { return shared_.handlers.extended_query->execute(machine_, machine_.portal()); });
    case Need::sync:
      return answer([this] { return shared_.handlers.extended_query->sync(machine_); });
    case Need::simple_query:
      return answer([this] { return shared_.handlers.simple_query->stream(machine_, machine_.sql(), sink_); });
    case Need::query_all:
      return answer([this] { return shared_.handlers.simple_query->query(machine_, machine_.sql()); });
    case Need::fill:
      return answer([this] { return product<RowSource>(machine_.rows()).fill(machine_.writer()); });
    case Need::copy_data:
      return answer([this] { return copy_target(machine_).write(machine_, machine_.copy_data()); });
    case Need::copy_done:
      return answer([this] { return copy_target(machine_).finish(machine_); });
    case Need::copy_fail:  // copy_data() holds the reason
      return answer([this] { return copy_target(machine_).abort(machine_, machine_.copy_data()); });
    case Need::copy_fill:
      return answer([this] {
        return product<CopyOutSource>(machine_.copy_source()).fill(machine_, machine_.copy_writer());
      });
    case Need::close:
    case Need::auth_response:  // only ever the end of a nested pump
    case Need::response_sent:
    case Need::cancel:  // performed by pump()
      break;
  }
  return end_session();
}

awaitable<void> Connection::end_session() {
  co_await flush();
  throw ConnectionClosed{};
}

awaitable<void> Connection::authenticate() {
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
// connection holds (ProductCalls).
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

