// The connection's I/O (connection_driver.hpp): the reads the machine asks
// for, the wait for the client between statements (without buffers, under
// the idle limit), its writes, the pushes written while it waits, the TLS
// handshake.

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/experimental/awaitable_operators.hpp>
#include <asio/post.hpp>
#include <asio/use_awaitable.hpp>

#include "connection_driver.hpp"

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

// A push from any thread wakes this session on its strand. The waker
// holds only the weak pointer (16 bytes on the heap: std::function keeps
// only trivially copyable functors in place; with the executor it took 72
// more). Given to the machine, not to its SessionHandle: the handle (about
// 200 bytes) is then made only for a session something pushes to.
void Connection::set_waker() {
  machine_.set_push_waker([weak = weak_from_this()] {
    if (auto self = weak.lock())
      asio::post(self->executor_, [weak] {
        if (auto session = weak.lock()) session->deliver_pushes();
      });
  });
}

// The read the machine asked for between statements (pump(), until_idle).
// While the session waits, it holds neither its read nor its output
// buffer (they go back to its thread's stock, idle_buffers.hpp): the read
// goes to the connection's small idle_read_ buffer, whose bytes are then
// copied to a read buffer taken back. The same one read as before: no
// system call more (a readiness wait would cost an epoll_ctl each time),
// and one more read only for a message longer than idle_read_ that
// arrives at once.
awaitable<void> Connection::wait_for_client() {
  bool wait_continues = idle_.step_begins();
  park_buffers(machine_.input(), machine_.output());
  std::span<char> space(idle_read_);
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
  unpark_buffers(machine_.input(), machine_.output());
  if (ending_.terminating()) co_await end_by_termination();
  if (n != 0) machine_.input().append({idle_read_.data(), n});
  received(n);
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
