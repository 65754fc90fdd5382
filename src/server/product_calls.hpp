#pragma once
// Product calls awaited so that a cancellation reaches what they await and
// nothing of the driver's own I/O (the rules: protocol/call_cancellation.hpp).
//
// Product calls run in the connection's own coroutine (no co_spawn per
// call: it cost a third of a prepared SELECT 1, docs/PERFORMANCE.md), whose
// cancellation slot is slot() (start_connection, serve_connection). The
// state a signal leaves behind (Asio then fails every later co_await of
// that coroutine) is reset when the call ends.

#include <exception>
#include <optional>
#include <type_traits>

#include <asio/awaitable.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/this_coro.hpp>

#include "pgwire/protocol/call_cancellation.hpp"

namespace pgwire::detail {

class ProductCalls {
 public:
  asio::cancellation_slot slot() { return signal_.slot(); }

  // A CancelRequest, a shutdown or a close, on the session's thread.
  void cancel() {
    if (rules_.request()) signal_.emit(asio::cancellation_type::all);
  }

  // A product call begins and ends (Connection::pump() awaits it between
  // the two, in its own frame): a cancellation meanwhile aborts what it
  // awaits. After end() returned true, the caller resets its coroutine's
  // cancellation state (co_await asio::this_coro::reset_cancellation_state()).
  protocol::CallCancellation::Call begin() noexcept { return rules_.begin_call(); }
  bool end(protocol::CallCancellation::Call call) noexcept { return call.outermost && rules_.end_call(call); }

  // The driver's own work that a product call started (the nested round of
  // ResponseSink::send), shielded from the call's cancellation.
  template <class T>
  asio::awaitable<T> shielded(asio::awaitable<T> work) {
    auto scope = rules_.begin_shield();
    if (scope.requested) co_await asio::this_coro::reset_cancellation_state();
    std::exception_ptr failure;
    std::optional<Result<T>> result;
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
    if (rules_.end_shield(scope)) signal_.emit(asio::cancellation_type::all);
    if (failure) std::rethrow_exception(failure);
    if constexpr (!std::is_void_v<T>) co_return std::move(*result);
  }

 private:
  template <class T>
  using Result = std::conditional_t<std::is_void_v<T>, bool, T>;

  protocol::CallCancellation rules_;
  asio::cancellation_signal signal_;
};

}  // namespace pgwire::detail
