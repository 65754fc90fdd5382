// The connection's loop (connection_driver.hpp): one case per request of
// the session machine, the product calls, and the start of a session.

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/post.hpp>
#include <asio/this_coro.hpp>
#include <asio/use_awaitable.hpp>

#include "connection_driver.hpp"
#include "pgwire/api/copy.hpp"

namespace pgwire::detail {

using asio::awaitable;
using asio::use_awaitable;
using protocol::Need;

namespace {

protocol::SessionOptions session_options(const Shared& s, bool tls_available) {
  protocol::SessionOptions o;
  o.engine.limits = s.options.limits;
  o.engine.tls_available = tls_available;
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

// What the machine holds as a protocol-level stream is the product's object.
template <class Product, class Stream>
Product& product(Stream& s) {
  auto* p = dynamic_cast<Product*>(&s);
  if (!p) throw PgError(sqlstate::internal_error, "a result's stream is not of the pgwire/api type its kind needs");
  return *p;
}

CopyInTarget& copy_target(protocol::SessionMachine& m) { return product<CopyInTarget>(m.copy_target()); }

}  // namespace

void prepare_session_options(Shared& shared) {
  for (bool tls : {false, true})
    shared.session_options[tls] = std::make_shared<const protocol::SessionOptions>(session_options(shared, tls));
}

Connection::Connection(Shared& shared, std::unique_ptr<Stream> stream, asio::any_io_executor executor)
    : shared_(shared), stream_(std::move(stream)), direct_(dynamic_cast<DirectSocket*>(stream_.get())),
      executor_(std::move(executor)),
      machine_(shared.session_options[shared.current_tls() != nullptr], this),
      report_(shared) {
  machine_.set_remote(stream_->remote_address());
  report_.accepted(machine_.client());
  unpark_buffers(machine_.input(), machine_.output());  // for the startup packet
}

Connection::~Connection() {
  if (sweep_) sweep_->unlink(*this);
  if (pid_ != 0) shared_.registry.remove(pid_);
  slot_.release();
  report_.closed(machine_.client(), pid_);
}

awaitable<void> Connection::run(std::shared_ptr<Connection> self, Resume from, std::size_t n) {
  Connection& c = *self;
  try {
    bool serving = true;
    if (from == Resume::login) {
      c.set_waker();
      serving = co_await c.login();
    } else if (from == Resume::idle_limit) {
      co_await c.idle_limit_expired();  // throws
    } else if (!c.take_idle_read(n)) {
      co_await c.end_by_termination();  // throws
    }
    while (serving) {
      co_await c.pump(std::nullopt, Pump::until_idle);
      // The wait went on without frames: its handler spawns this again.
      if (co_await c.wait_for_client()) co_return;
    }
  } catch (const ConnectionClosed&) {
  } catch (const std::system_error&) {
  }
  c.end_of_session();
}

// The cancellation state co_spawn installs in the connection's slot
// outlives the coroutine: a session that went on waiting without frames
// frees it (64 bytes while idle), later than the coroutine's end (posted)
// and only if no new coroutine took the slot meanwhile.
void Connection::spawn(std::shared_ptr<Connection> self, Resume from, std::size_t n) {
  auto ended = [weak = weak_from_this()](std::exception_ptr) {
    if (auto c = weak.lock(); c && c->waits_without_frames())
      asio::post(c->executor_, [weak] {
        if (auto c = weak.lock(); c && c->waits_without_frames()) c->calls_.slot().clear();
      });
  };
  asio::co_spawn(executor_, run(std::move(self), from, n), asio::bind_cancellation_slot(calls_.slot(), std::move(ended)));
}

void Connection::end_of_session() {
  // Before the close, so that a client that saw it finds the slot free.
  slot_.release();
  if (refused_ && machine_.authentication_started()) report_.refused_too_many(machine_.client());
  report_.closed(machine_.client(), pid_);
  stream_->close();
  registration_.reset();
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
      // A product call is awaited here, in pump()'s own frame: a frame less
      // per call than a coroutine of its own (docs/PERFORMANCE.md, stop 24).
      ProductCall call;
      std::exception_ptr failure;
      try {
        call = product_call(n);
      } catch (...) {  // a source of the wrong type
        failure = std::current_exception();
      }
      if (call.index() == 0 && !failure) {
        co_await perform(n, wait_continues);
      } else {
        ProductAnswer answer;
        if (!failure) {
          // A cancellation meanwhile aborts what the call awaits (ProductCalls).
          auto scope = calls_.begin();
          try {
            switch (call.index()) {
              case 1:
                co_await std::move(std::get<1>(call));
                break;
              case 2: {
                Response r = co_await std::move(std::get<2>(call));
                answer.emplace<1>(std::move(r));
                break;
              }
              case 3: {
                std::vector<Response> r = co_await std::move(std::get<3>(call));
                answer.emplace<2>(std::move(r));
                break;
              }
              case 4: {
                bool more = co_await std::move(std::get<4>(call));
                answer.emplace<3>(more);
                break;
              }
              case 5: {
                std::uint64_t rows = co_await std::move(std::get<5>(call));
                answer.emplace<4>(rows);
                break;
              }
            }
          } catch (...) {
            failure = std::current_exception();
          }
          if (calls_.end(scope)) co_await asio::this_coro::reset_cancellation_state();
        }
        hand_over(failure, answer);
      }
    }
    if (ending_.terminating()) co_await end_by_termination();
  }
}

// The product call the machine asks for; none (index 0) for the other
// requests. The lambdas of before (stop 23) are gone: nothing here is a
// coroutine, so no temporary outlives a co_await (GCC 12).
Connection::ProductCall Connection::product_call(Need n) {
  auto& extended = shared_.handlers.extended_query;
  switch (n) {
    case Need::prepare:
      return extended->prepare(machine_, machine_.statement());
    case Need::bind:
      return extended->bind(machine_, machine_.portal());
    case Need::execute:
      return extended->execute(machine_, machine_.portal());
    case Need::sync:
      return extended->sync(machine_);
    case Need::simple_query:
      return shared_.handlers.simple_query->stream(machine_, machine_.sql(), sink_);
    case Need::query_all:
      return shared_.handlers.simple_query->query(machine_, machine_.sql());
    case Need::fill:
      return product<RowSource>(machine_.rows()).fill(machine_.writer());
    case Need::copy_data:
      return copy_target(machine_).write(machine_, machine_.copy_data());
    case Need::copy_done:
      return copy_target(machine_).finish(machine_);
    case Need::copy_fail:  // copy_data() holds the reason
      return copy_target(machine_).abort(machine_, machine_.copy_data());
    case Need::copy_fill:
      return product<CopyOutSource>(machine_.copy_source()).fill(machine_, machine_.copy_writer());
    default:
      return {};
  }
}

// A product call's answer, or its failure, goes to the machine; a closed
// connection unwinds the session.
void Connection::hand_over(std::exception_ptr failure, ProductAnswer& answer) {
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const ConnectionClosed&) {
      throw;
    } catch (...) {
      machine_.fail(failure);
    }
    return;
  }
  switch (answer.index()) {
    case 0:
      machine_.done();
      break;
    case 1:
      machine_.give(std::move(std::get<1>(answer)));
      break;
    case 2:
      machine_.give(std::move(std::get<2>(answer)));
      break;
    case 3:
      machine_.filled(std::get<3>(answer));  // RowSource, CopyOutSource
      break;
    case 4:
      machine_.copied(std::get<4>(answer));  // CopyInTarget::finish
      break;
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
    case Need::close:
    case Need::auth_response:  // only ever the end of a nested pump
    case Need::response_sent:
    default:  // a CancelRequest and the product calls: pump()'s
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
std::shared_ptr<Connection> admit(Shared& shared, std::unique_ptr<Stream> stream,
                                  const asio::any_io_executor& executor) {
  auto conn = std::make_shared<Connection>(shared, std::move(stream), executor);
  auto admitted = shared.live.admit(conn, shared.options.max_connections);
  bool shutting_down = admitted.shutting_down;
  conn->admit(std::move(admitted));
  if (shutting_down) conn->begin_shutdown();
  return conn;
}

}  // namespace

// Each session runs as its own coroutine thread, whose cancellation slot the
// connection holds (ProductCalls); between statements it may have none.
void start_connection(Shared& shared, std::unique_ptr<Stream> stream, const asio::any_io_executor& executor,
                      IdleSweep* sweep) {
  auto conn = admit(shared, std::move(stream), executor);
  conn->may_end_frames_while_idle(sweep);
  Connection& c = *conn;
  c.spawn(std::move(conn), Connection::Resume::login);
}

awaitable<void> serve_connection(Shared& shared, std::unique_ptr<Stream> stream) {
  auto executor = co_await asio::this_coro::executor;
  auto conn = admit(shared, std::move(stream), executor);
  auto slot = conn->cancel_slot();
  auto session = Connection::run(std::move(conn), Connection::Resume::login);
  co_await asio::co_spawn(executor, std::move(session), asio::bind_cancellation_slot(slot, use_awaitable));
}

}  // namespace pgwire::detail
