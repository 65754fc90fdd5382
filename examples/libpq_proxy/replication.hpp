#pragma once
// libpq_proxy's copy-both: START_REPLICATION relayed to the upstream
// walsender (a replication=database/true client has a replication upstream).
//
// Two coroutines share the upstream connection, on the session's strand:
// - the relay (`relay()`, spawned when the client is answered with
//   CopyBothResponse) reads the upstream's CopyData (XLogData, keepalives)
//   and pushes each to the client through the SessionHandle. When the
//   handle's queue is full it stops reading the upstream until
//   when_copy_space: a slow client stalls the walsender, not our memory.
// - the client's side (ReplicationStream, the session's copy-both target):
//   its CopyData (standby status updates, feedback) go upstream with
//   PQputCopyData; its CopyDone ends the upstream's copy and reads what the
//   walsender answers (CopyDone, "COPY 0", then START_REPLICATION, which the
//   caller relays as the next result). A client that abandons the stream
//   (CopyFail, another message, gone) ends the upstream connection, as a
//   walsender ends its own.
// The relay waits on the upstream's socket, or on a timer while the queue
// is full: nothing spins. The client's side cancels the socket wait to stop
// it (finish, abort, a failure) or to make it look again (a flush that read
// the upstream's input); the handle's when_copy_space cancels the timer.

#include "upstream.hpp"

namespace {

// What the relay and the client's side share (the relay outlives neither
// the session nor the Upstream: it holds them weakly).
struct CopyBothRelay {
  CopyBothRelay(const asio::any_io_executor& executor, std::weak_ptr<Upstream> up)
      : wake(executor), upstream(std::move(up)) {}
  // Cancelled when the session's queue has room again.
  asio::steady_timer wake;
  std::weak_ptr<Upstream> upstream;
  bool stopped = false;        // the client's side took over the upstream
  bool upstream_done = false;  // the upstream ended its copy (CopyDone, an error, lost)
  bool space = false;          // when_copy_space called back

  // The relay looks again (stopped, or input read into libpq by the
  // client's side). Only the relay waits on the socket then: cancelling
  // the socket's waits is cancelling its wait. (Not a parallel wait on the
  // socket and a timer: the group's cancellation of the socket wait would
  // reach a descriptor that drop() may have destroyed.)
  void poke() {
    wake.cancel();
    if (auto up = upstream.lock()) up->cancel_waits();
  }
  void stop() {
    stopped = true;
    poke();
  }
};

// Reads the upstream's CopyData and pushes them to the client until the
// upstream's copy ends or the client's side stops it.
asio::awaitable<void> relay(std::shared_ptr<CopyBothRelay> shared, std::shared_ptr<pgwire::SessionHandle> handle) {
  using asio::experimental::as_tuple;
  CopyBothRelay& st = *shared;
  std::weak_ptr<Upstream> weak = st.upstream;
  std::unique_ptr<char, decltype(&PQfreemem)> pending(nullptr, &PQfreemem);
  std::size_t pending_size = 0;
  auto upstream_ended = [&] {
    st.upstream_done = true;
    handle->copy_done();  // the client sees the stream end, as from a walsender
  };
  try {
    for (;;) {
      if (st.stopped) co_return;
      auto up = weak.lock();
      if (!up) co_return;
      if (pending) {
        if (handle->copy_data(std::string_view(pending.get(), pending_size))) {
          pending.reset();
          continue;
        }
        if (!handle->alive()) co_return;
        // The queue is full: leave the upstream unread until it drains.
        st.space = false;
        handle->when_copy_space([weak_st = std::weak_ptr<CopyBothRelay>(shared)] {
          if (auto s = weak_st.lock()) {
            s->space = true;
            s->wake.cancel();
          }
        });
        if (st.space) {
          // Room at once and yet refused: the copy-both is over for pushes.
          if (!handle->copy_data(std::string_view(pending.get(), pending_size))) co_return;
          pending.reset();
          continue;
        }
        up.reset();
        st.wake.expires_at(asio::steady_timer::time_point::max());
        co_await st.wake.async_wait(as_tuple(asio::use_awaitable));
        continue;
      }
      char* buf = nullptr;
      int n = PQgetCopyData(up->conn(), &buf, 1);
      if (n > 0) {
        pending.reset(buf);
        pending_size = static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0) {  // -1: CopyDone or an error (read by the client's side); -2: failure
        upstream_ended();
        co_return;
      }
      Descriptor* sock = up->socket();
      if (sock == nullptr) {
        upstream_ended();
        co_return;
      }
      up.reset();  // the session's end destroys the Upstream, which cancels this wait
      co_await sock->async_wait(Descriptor::wait_read, as_tuple(asio::use_awaitable));
      if (st.stopped) co_return;
      up = weak.lock();
      if (!up) co_return;
      if (!PQconsumeInput(up->conn())) {
        up->mark_lost();
        upstream_ended();
        co_return;
      }
    }
  } catch (...) {
    // Nothing here throws by design; if something does, the stream ends.
    if (!st.stopped && handle->alive()) upstream_ended();
  }
}

// The client's side of START_REPLICATION's copy-both.
class ReplicationStream final : public pgwire::CopyBothTarget {
 public:
  ReplicationStream(Upstream& up, pgwire::Session& session)
      : up_(up), relay_(std::make_shared<CopyBothRelay>(up.executor_, up.weak_from_this())) {
    asio::co_spawn(up.executor_, relay(relay_, session.handle()), asio::detached);
  }
  ~ReplicationStream() override { relay_->stop(); }

  // A standby status update or hot standby feedback: upstream as it came.
  asio::awaitable<void> write(pgwire::Session&, std::string_view data) override {
    try {
      if (relay_->upstream_done) {
        co_await settle();
        if (error_) throw pgwire::PgError(*error_);
        if (!upstream_copy_in_) co_return;  // the upstream's command is over: nobody reads it
      }
      for (;;) {
        int r = PQputCopyData(up_.conn(), data.data(), static_cast<int>(data.size()));
        if (r == 1) break;
        if (r < 0) throw pgwire::PgError(error_from(nullptr, up_.conn()));
        co_await up_.flush();  // 0: libpq's buffer is full
      }
      co_await up_.flush();
      // flush() may have read the upstream's input into libpq: the relay,
      // waiting for the socket, would not see it.
      relay_->poke();
    } catch (...) {
      relay_->stop();  // the copy-both ends with this error: no more pushes
      throw;
    }
  }

  // The client's CopyDone: end the upstream's copy too, and take its
  // CommandComplete ("COPY 0") as this copy's tag.
  asio::awaitable<std::uint64_t> finish(pgwire::Session&) override {
    relay_->stop();
    co_await end_upstream();
    if (error_) throw pgwire::PgError(*error_);
    co_return 0;
  }

  // No CopyDone will come (CopyFail, a protocol violation, the client went
  // away). A walsender ends the connection then (FATAL 08P01 for anything
  // but CopyData and CopyDone): so does the proxy with its upstream, at
  // once, rather than read what the walsender still sends of its current
  // transaction (all of it, however large) only to drop it.
  asio::awaitable<void> abort(pgwire::Session&, std::string_view) override {
    relay_->stop();
    up_.drop();
    co_return;
  }

  std::optional<std::string> command_tag() const override { return tag_; }

 private:
  // The upstream ended its side: learn how (its CopyDone leaves libpq in
  // COPY_IN; an error is the command's result).
  asio::awaitable<void> settle() {
    if (settled_) co_return;
    settled_ = true;
    Result r = co_await up_.next();
    if (!r) co_return;
    take(r.get());
  }

  void take(const PGresult* r) {
    switch (PQresultStatus(r)) {
      case PGRES_COPY_IN: upstream_copy_in_ = true; break;
      case PGRES_COMMAND_OK: {
        // The library ends every copy-both with "COPY 0" itself (as the
        // walsender does); another tag follows it.
        std::string tag = PQcmdStatus(const_cast<PGresult*>(r));
        if (tag != "COPY 0") tag_ = std::move(tag);
        break;
      }
      default: error_ = error_from(r, up_.conn()); break;
    }
  }

  asio::awaitable<void> put_copy_end() {
    for (;;) {
      int e = PQputCopyEnd(up_.conn(), nullptr);
      if (e == 1) break;
      if (e < 0) throw pgwire::PgError(error_from(nullptr, up_.conn()));
      co_await up_.flush();
    }
    co_await up_.flush();
  }

  // CopyDone upstream, the rest of its CopyData dropped, and its first
  // result after the copy read (the caller reads the others).
  asio::awaitable<void> end_upstream() {
    up_.check_alive();
    if (!relay_->upstream_done) {
      co_await put_copy_end();
      for (;;) {  // what the walsender sent before it read our CopyDone
        char* buf = nullptr;
        int n = PQgetCopyData(up_.conn(), &buf, 1);
        if (buf) PQfreemem(buf);
        if (n > 0) continue;
        if (n == 0) {
          co_await up_.wait_readable();
          continue;
        }
        break;
      }
      relay_->upstream_done = true;
    }
    co_await settle();
    if (upstream_copy_in_) {
      upstream_copy_in_ = false;
      co_await put_copy_end();
      Result r = co_await up_.next();
      if (r) take(r.get());
    }
  }

  Upstream& up_;
  std::shared_ptr<CopyBothRelay> relay_;
  bool settled_ = false;
  bool upstream_copy_in_ = false;  // the upstream sent CopyDone, ours is due
  std::optional<std::string> tag_;
  std::optional<pgwire::ErrorInfo> error_;
};

}  // namespace
