// How the connection's session ends (connection_driver.hpp): the login's
// race with authentication_timeout, a close, a shutdown, a termination, a
// CancelRequest. What each ending sends, and when a shutdown ends a session,
// is decided in protocol/session_ending.hpp and the machine.

#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "connection_driver.hpp"

namespace pgwire::detail {

using asio::awaitable;
constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);

// LiveSession (admission.hpp), any thread: each is performed on the strand.
void Connection::close_now() {
  asio::post(executor_, [self = shared_from_this()] {
    self->report_.stopped_by_server();
    self->calls_.cancel();
    self->stream_->close();
  });
}

// Server::shutdown(), any thread: the machine ends the session at its next
// wait outside a transaction block; now if it waits there already, or has
// not logged in yet.
void Connection::begin_shutdown() {
  asio::post(executor_, [self = shared_from_this()] {
    if (self->ending_.shutdown(self->machine_)) self->stop_waits();
  });
}
// The grace is over: FATAL 57P01 now, the running product call cancelled.
void Connection::terminate() {
  asio::post(executor_, [self = shared_from_this()] { self->terminate_now(); });
}

// CancelTarget: on the thread of the connection that got the CancelRequest.
void Connection::cancel() {
  if (!machine_.busy()) return;  // idle: PostgreSQL ignores it too
  machine_.request_cancel();
  asio::post(executor_, [self = shared_from_this()] {
    if (!self->machine_.busy()) return;
    if (auto hook = self->machine_.take_cancel_hook()) hook();
    self->calls_.cancel();
  });
}

// The login, raced against authentication_timeout: true when the client
// is logged in. The timer exists only meanwhile.
awaitable<bool> Connection::login() {
  using namespace asio::experimental::awaitable_operators;
  // A default timer has expired already: a session terminated before it
  // began ends at once.
  login_timer_ = std::make_unique<asio::steady_timer>(executor_);
  if (ending_.login_limit_applies()) login_timer_->expires_after(shared_.options.authentication_timeout);
  // login_or_false() never throws: Asio's || waits for the first
  // *successful* branch, so a throwing login would wait for the timer.
  auto result = co_await (login_or_false() || login_timer_->async_wait(nothrow));
  login_timer_.reset();
  if (result.index() == 0) co_return std::get<0>(result);
  if (ending_.login_timer_won(machine_) == protocol::SessionEnding::LoginEnd::timed_out_reported)
    report_.authentication_failed(machine_.client(), "authentication_timeout");
  co_await flush();
  co_return false;
}

awaitable<bool> Connection::login_or_false() {
  try {
    co_await pump(std::nullopt, Pump::until_logged_in);
    co_return true;
  } catch (...) {  // ConnectionClosed, socket errors, cancelled by the timer
  }
  co_return false;
}

void Connection::terminate_now() {
  ending_.terminate();
  stop_waits();
}

// Stops whatever waits (the login, the wait for the client, a product
// call); the pump then ends the session with the machine's FATAL.
void Connection::stop_waits() {
  // Expired rather than cancelled: a wait that has not begun yet ends at once too.
  if (login_timer_) login_timer_->expires_at(asio::steady_timer::time_point::min());
  if (wake_) wake_->expires_at(asio::steady_timer::time_point::min());
  stream_->cancel_read();
  calls_.cancel();
}

awaitable<void> Connection::end_by_termination() {
  machine_.terminate();
  co_await flush();
  throw ConnectionClosed{};
}

}  // namespace pgwire::detail
