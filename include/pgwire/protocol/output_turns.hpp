#pragma once
// Whose turn it is to write to the client. The session's own output and the
// pushes written while it waits for the client (notifications, copy-both
// CopyData: SessionMachine::take_pushes_while_reading) go to one stream,
// which allows one write at a time (a socket, and Asio's TLS stream). These
// are the decisions; the driver (src/server/connection_io.cpp) performs the
// writes and the wait they ask for.

#include "pgwire/codec/buffer.hpp"

namespace pgwire::protocol {

class SessionMachine;

class OutputTurns {
 public:
  // A push arrived while the session may wait for its client: true when
  // a push write starts now, with `out` holding its bytes. False while
  // another push write runs (it takes the new pushes when it ends), after
  // a failed write, or when nothing may go now (the machine sends it
  // itself at its next message boundary).
  bool start_push(SessionMachine& machine, Buffer& out);
  // The push write of `out` completed: true when more pushes went to `out`
  // (write them too); false: the turn is over.
  bool push_written(SessionMachine& machine, Buffer& out);
  // The push write failed: the stream is dead. Another write on it may
  // never complete (Asio's reactor waits for a writability edge that a
  // reset socket does not raise again), so none is started any more.
  void push_failed(Buffer& out) noexcept;

  enum class Flush {
    now,          // the session's output may be written
    after_push,   // a push is being written: wait for it, then ask again
    closed,       // a write failed: the session ends without writing
  };
  Flush may_flush() const noexcept {
    if (pushing_) return Flush::after_push;
    return failed_ ? Flush::closed : Flush::now;
  }
  bool pushing() const noexcept { return pushing_; }

 private:
  bool pushing_ = false;
  bool failed_ = false;
};

}  // namespace pgwire::protocol
