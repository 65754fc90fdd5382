// The connection's I/O (connection_driver.hpp): the reads the machine asks
// for, the wait for the client between statements (without buffers, under
// the idle limit), its writes, the pushes written while it waits, the TLS
// handshake.

#include <asio/bind_allocator.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "connection_driver.hpp"
#include "exact_allocator.hpp"

namespace pgwire::detail {

using asio::awaitable;
constexpr auto nothrow = asio::experimental::as_tuple(asio::use_awaitable);

// On the session's thread, after a push: what may go now is written at
// once, beside the pending read (whose turn: protocol/output_turns.hpp).
void Connection::deliver_pushes() {
  if (turns_.start_push(machine_, push_out_))
    asio::co_spawn(executor_, write_pushes(shared_from_this()), asio::detached);
}

awaitable<void> Connection::write_pushes(std::shared_ptr<Connection> self) {
  try {
    do {
      std::string_view bytes = self->push_out_.view();
      co_await self->stream_->write(bytes);
      self->report_.written(bytes);
    } while (self->turns_.push_written(self->machine_, self->push_out_));
  } catch (...) {
    self->turns_.push_failed(self->push_out_);
  }
  if (self->push_written_) self->push_written_->cancel();  // wakes a flush() waiting for it
}

// A push from any thread wakes this session on its strand. The waker holds
// the live sessions and this session's id there (LiveSessions::wake()):
// trivially copyable, it stays in std::function's own storage (the weak
// pointer of before took 16 bytes on the heap; with the executor it took 72
// more). Given to the machine, not to its SessionHandle: the handle (about
// 200 bytes) is then made only for a session something pushes to.
void Connection::set_waker() {
  machine_.set_push_waker([live = &registration_.owner(), id = registration_.id()] { live->wake(id); });
}

void Connection::pushed() {
  asio::post(executor_, [weak = weak_from_this()] {
    if (auto session = weak.lock()) session->deliver_pushes();
  });
}

// The read the machine asked for between statements (pump(), until_idle).
// While the session waits, it holds neither its read nor its output
// buffer (they go back to its thread's stock, idle_buffers.hpp): the read
// goes to the connection's small idle_read_ buffer, whose bytes are then
// copied to a read buffer taken back. The same one read as before: no
// system call more (a readiness wait would cost an epoll_ctl each time),
// and one more read only for a message longer than idle_read_ that
// arrives at once. True when the wait went on without frames (the sweep
// found it long, waited_long()): the session's coroutine then ends.
awaitable<bool> Connection::wait_for_client() {
  bool wait_continues = idle_.step_begins();
  park_buffers(machine_.input(), machine_.output());
  std::span<char> space(idle_read_);
  std::optional<std::chrono::milliseconds> limit = protocol::IdleWait::limit(machine_);
  // Listed for the sweep during the read only: also when the idle limit's
  // end throws out of it (the sweep's abort would cut that last write).
  struct Listed {
    IdleSweep* sweep;
    IdleSweep::Waiter& waiter;
    ~Listed() {
      if (sweep) sweep->unlink(waiter);
    }
  } listed{direct_ ? sweep_ : nullptr, *this};
  if (listed.sweep) listed.sweep->link(*this);
  std::size_t n = 0;
  if (limit) {
    n = co_await read_within(space, *limit, wait_continues);
  } else if (!direct_) {
    n = co_await stream_->read_some(space);
  } else {
    try {
      n = co_await direct_->read_some_throwing(space);
    } catch (const std::system_error&) {  // end of stream, reset, cancelled: all end the connection
    }
  }
  if (listed.sweep) listed.sweep->unlink(*this);
  // The sweep's abort may come after the read completed (its bytes count
  // then). An end of stream or an error met by the abort comes back to the
  // new read at once.
  bool swept = std::exchange(leaving_frames_, false);
  if (n == 0 && swept && wait_without_frames(true)) co_return true;
  if (!take_idle_read(n)) co_await end_by_termination();
  co_return false;
}

// The sweep found this session waiting for a while (only sessions with
// one of the library's sockets are listed). Not while a push is being
// written: the abort would end that write too.
bool Connection::waited_long() {
  if (turns_.pushing()) return false;
  leaving_frames_ = true;
  direct_->abort_read();
  return true;
}

// The same wait without a coroutine frame: the read (and, under an idle
// limit, its timer, with the deadline of the wait it continues) get plain
// handlers holding the connection, and the first of them to complete
// spawns the session again (run()). False when the session is being
// terminated: the coroutine ends it.
bool Connection::wait_without_frames(bool wait_continues) {
  if (ending_.terminating()) return false;
  std::optional<std::chrono::milliseconds> limit = protocol::IdleWait::limit(machine_);
  idle_timer_set_ = limit.has_value();
  if (limit) {
    asio::steady_timer& wake = wake_timer();
    wake.expires_at(idle_.deadline(*limit, wait_continues, asio::steady_timer::clock_type::now()));
    wake.async_wait(asio::bind_allocator(ExactAllocator<void>(), [self = shared_from_this()](std::error_code ec) {
      self->idle_timer_done(ec);
    }));
  }
  waiting_without_frames_.store(true, std::memory_order_relaxed);
  direct_->read_some_then(idle_read_, shared_from_this());
  return true;
}

// The wait's read completed (n == 0: end of stream, an error, a close or a
// shutdown's cancel_read()). If the idle limit won already, the session
// is ending and the bytes are not wanted.
void Connection::read_done(std::shared_ptr<ReadWaiter> self, std::size_t n) {
  if (!waiting_without_frames_.exchange(false, std::memory_order_relaxed)) return;
  if (idle_timer_set_) {
    wake_->cancel();
    idle_.read_in_time();
  }
  spawn(std::shared_ptr<Connection>(std::move(self), this), Resume::client_bytes, n);
}

// The idle limit of that wait: the timer cancelled (the read won, or
// stop_waits() expired it and cancelled the read too) does nothing.
void Connection::idle_timer_done(std::error_code ec) {
  if (ec || !waiting_without_frames_.exchange(false, std::memory_order_relaxed)) return;
  unpark_buffers(machine_.input(), machine_.output());
  spawn(shared_from_this(), Resume::idle_limit);
}

// After the wait for the client: the buffers back, the n bytes of
// idle_read_ into the input. False when the session is being terminated.
bool Connection::take_idle_read(std::size_t n) {
  unpark_buffers(machine_.input(), machine_.output());
  if (ending_.terminating()) return false;
  if (n != 0) machine_.input().append({idle_read_.data(), n});
  received(n);
  return true;
}

awaitable<void> Connection::read(bool wait_continues) {
  auto space = machine_.input().prepare(read_size);
  // Only a read under an idle limit races a timer (that costs a little per
  // read); a shutdown ends the others through Stream::cancel_read().
  std::optional<std::chrono::milliseconds> limit = protocol::IdleWait::limit(machine_);
  std::size_t n = 0;
  if (limit) {
    n = co_await read_within(space, *limit, wait_continues);
  } else if (!direct_) {
    n = co_await stream_->read_some(space);
  } else {
    try {
      n = co_await direct_->read_some_throwing(space);
    } catch (const std::system_error&) {  // end of stream, reset, cancelled: all end the connection
    }
  }
  if (ending_.terminating()) co_await end_by_termination();
  machine_.input().commit(n);
  received(n);
}

// n bytes are in the input (committed by the caller): n == 0 is the end
// of the stream.
void Connection::received(std::size_t n) {
  if (n == 0) {
    machine_.on_eof();
  } else {
    report_.read(n);
  }
}

// The wait at ReadyForQuery under the machine's idle limit (ended early by
// a shutdown too). As in PostgreSQL the limit covers the whole wait for
// the next message: a message trickling in byte by byte does not restart it.
awaitable<std::size_t> Connection::read_within(std::span<char> space, std::chrono::milliseconds limit,
                                                bool wait_continues) {
  using namespace asio::experimental::awaitable_operators;
  if (ending_.terminating()) co_await end_by_termination();
  asio::steady_timer& wake = wake_timer();
  wake.expires_at(idle_.deadline(limit, wait_continues, asio::steady_timer::clock_type::now()));
  auto result = co_await (stream_->read_some(space) || wake.async_wait(nothrow));
  if (result.index() == 0) {
    idle_.read_in_time();
    co_return std::get<0>(result);
  }
  co_await idle_limit_expired();
  co_return 0;  // not reached
}

// Made at the first wait under an idle limit (most sessions have none).
asio::steady_timer& Connection::wake_timer() {
  if (!wake_) wake_ = std::make_unique<asio::steady_timer>(executor_);
  return *wake_;
}

// The idle timer won the race: the machine's FATAL, then the end.
awaitable<void> Connection::idle_limit_expired() {
  ending_.idle_limit_won(machine_);
  co_await flush();
  throw ConnectionClosed{};
}

bool Connection::write_at_once(std::size_t& sent) {
  Buffer& out = machine_.output();
  if (out.empty()) return true;
  if (!direct_ || turns_.may_flush() != protocol::OutputTurns::Flush::now) return false;
  try {
    sent = direct_->write_now(out.view());
  } catch (const std::system_error&) {
    report_.connection_lost();
    throw ConnectionClosed{};
  }
  if (sent != out.size()) return false;
  report_.written(out.view());
  out.clear();
  return true;
}

awaitable<void> Connection::flush(std::size_t sent) {
  Buffer& out = machine_.output();
  if (out.empty()) co_return;
  // One write at a time: a push being written goes first.
  auto turn = turns_.may_flush();
  for (; turn == protocol::OutputTurns::Flush::after_push; turn = turns_.may_flush()) {
    if (!push_written_) push_written_ = std::make_unique<asio::steady_timer>(executor_);
    push_written_->expires_at(asio::steady_timer::time_point::max());
    co_await push_written_->async_wait(nothrow);
  }
  if (turn == protocol::OutputTurns::Flush::closed) throw ConnectionClosed{};
  try {
    co_await stream_->write(out.view().substr(sent));
  } catch (const std::system_error&) {
    report_.connection_lost();
    throw ConnectionClosed{};
  }
  report_.written(out.view());
  out.clear();
}

awaitable<void> Connection::start_tls() {
  co_await flush();  // the 'S' of an SSLRequest
  std::string initial = machine_.take_tls_initial_bytes();
  protocol::TlsFacts facts;
  bool ok = co_await stream_->start_tls(initial, facts);
  if (!ok) throw ConnectionClosed{};
  machine_.tls_established(std::move(facts));
}

}  // namespace pgwire::detail
