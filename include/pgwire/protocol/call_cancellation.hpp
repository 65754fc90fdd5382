#pragma once
// What a cancellation (a CancelRequest, a shutdown, a close) may abort while
// the driver awaits the product. It reaches what a product call awaits, and
// nothing of the driver's own work that such a call started (the nested
// round of ResponseSink::send): a socket write aborted half-way would leave
// the client a truncated message, a nested round of the machine unfinished.
// A cancellation the call got before that work is held during it and
// signalled again when it returns; one that comes during it is not
// signalled (the machine sees a CancelRequest through its own flag: 57014
// at the next batch of rows; a close ends the stream anyway).
//
// These are the decisions; the driver (src/server/product_calls.hpp) owns
// the signal and the coroutine state a signal leaves behind, which it
// resets when told to.

#include <utility>

namespace pgwire::protocol {

class CallCancellation {
 public:
  // A cancellation for the session: true when it must be signalled now (a
  // product call runs, outside the driver's work); with none running there
  // is nothing to cancel.
  bool request() noexcept {
    if (!in_call_) return false;
    requested_ = true;
    return !in_driver_work_;
  }

  struct Call {
    bool outermost;          // false: inside another product call, which covers it
    bool outer_driver_work;  // it runs inside the driver's work
  };
  // A product call begins.
  Call begin_call() noexcept {
    if (in_call_) return {false, false};
    in_call_ = true;
    return {true, std::exchange(in_driver_work_, false)};
  }
  // The outermost product call ended: true when a cancellation was
  // requested during it (the driver resets the state the signal left; every
  // later co_await of its coroutine would fail otherwise). Inside the
  // driver's work the request stays for the product call outside it.
  bool end_call(Call call) noexcept {
    in_call_ = false;
    in_driver_work_ = call.outer_driver_work;
    bool requested = requested_;
    if (!call.outer_driver_work) requested_ = false;
    return requested;
  }

  struct Shield {
    bool outer_call;
    bool outer_driver_work;
    bool requested;  // a cancellation the product call got already: reset it before the driver's I/O
  };
  // The driver's own work begins (product calls inside it are cancellable
  // again).
  Shield begin_shield() noexcept {
    return {std::exchange(in_call_, false), std::exchange(in_driver_work_, true), std::exchange(requested_, false)};
  }
  // It ended: true when the held cancellation must be signalled now.
  bool end_shield(Shield shield) noexcept {
    in_driver_work_ = shield.outer_driver_work;
    in_call_ = shield.outer_call;
    requested_ = requested_ || shield.requested;
    return requested_ && in_call_ && !in_driver_work_;
  }

 private:
  bool in_call_ = false;        // a product call runs: cancellation reaches what it awaits
  bool in_driver_work_ = false;  // the driver's work inside a product call
  bool requested_ = false;       // since the outermost product call began
};

}  // namespace pgwire::protocol
