#pragma once
// libpq_proxy's results: rows streamed from an upstream result set in
// single-row mode, COPY forwarded both ways, and Upstream::make_ready (which
// drains what a suspended or cancelled statement left).

#include "upstream.hpp"

namespace {

class RowStream final : public pgwire::RowSource {
 public:
  RowStream(pgwire::Session& session, Upstream& up, Result first, pgwire::FormatCode upstream_format)
      : session_(session), up_(up), current_(std::move(first)), upstream_format_(upstream_format) {
    up_.busy = this;
    take(current_.get());
  }
  ~RowStream() override {
    if (up_.busy == this) up_.busy = nullptr;
  }

  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    up_.forward_cancel(session_);  // also when a suspended portal resumes
    for (;;) {
      while (!buffered_.empty() && out.wants_more()) {
        write_row(out, buffered_.front().get());
        buffered_.pop_front();
      }
      if (done_ && buffered_.empty()) co_return false;
      if (!out.wants_more()) co_return true;
      Result r = co_await up_.next();
      take_owned(std::move(r));
    }
  }

  // "SELECT n" is left to the library, which counts the rows of each
  // Execute (a portal read in batches reports each batch's count, as
  // PostgreSQL does); other tags (FETCH 5, INSERT 0 1 ... RETURNING) pass.
  std::optional<std::string> command_tag() const override {
    if (tag_ && tag_->starts_with("SELECT")) return std::nullopt;
    return tag_;
  }

  // Reads the rest of the result into memory (another command needs the upstream).
  asio::awaitable<void> drain() {
    while (!done_) {
      Result r = co_await up_.next();
      take_owned(std::move(r));
    }
  }
  bool done() const noexcept { return done_; }
  const std::optional<pgwire::ErrorInfo>& error() const noexcept { return error_; }

 private:
  void take(PGresult* r) {
    if (PQresultStatus(r) == PGRES_SINGLE_TUPLE) {
      buffered_.push_back(std::move(current_));
      current_ = wrap(nullptr);
    } else {
      tag_ = PQcmdStatus(r);  // an empty result set: TUPLES_OK at once
      done_ = true;
      if (up_.busy == this) up_.busy = nullptr;
    }
  }
  // The result set ends with TUPLES_OK (or an error); what follows belongs
  // to the next statement.
  void take_owned(Result r) {
    if (r && PQresultStatus(r.get()) == PGRES_SINGLE_TUPLE) {
      buffered_.push_back(std::move(r));
      return;
    }
    if (r && PQresultStatus(r.get()) == PGRES_TUPLES_OK) {
      tag_ = PQcmdStatus(r.get());
    } else if (r) {
      error_ = error_from(r.get(), up_.conn());
    }
    finish();
  }
  void finish() {
    done_ = true;
    if (up_.busy == this) up_.busy = nullptr;
    if (error_) throw pgwire::PgError(*error_);
  }
  void write_row(pgwire::RowWriter& out, const PGresult* r) {
    out.begin_row();
    for (int i = 0; i < PQnfields(r); ++i) {
      if (PQgetisnull(r, 0, i)) {
        out.add_null();
        continue;
      }
      std::string_view v(PQgetvalue(r, 0, i), static_cast<std::size_t>(PQgetlength(r, 0, i)));
      pgwire::FormatCode want = out.format_of(static_cast<std::size_t>(i));
      if (want == upstream_format_) {
        out.add_encoded(v);
      } else {
        out.begin_value();
        if (auto ec = pgwire::convert_format(PQftype(r, i), v, upstream_format_, want, out.buffer()))
          throw pgwire::PgError("0A000", "cannot convert column " + std::string(PQfname(r, i)) +
                                             " to the requested format: " + ec.message());
        out.end_value();
      }
    }
    out.end_row();
  }

  pgwire::Session& session_;
  Upstream& up_;
  Result current_;
  pgwire::FormatCode upstream_format_;
  std::deque<Result> buffered_;
  std::optional<std::string> tag_;
  std::optional<pgwire::ErrorInfo> error_;
  bool done_ = false;
};

// The final result of an upstream COPY: "COPY n", or its error (SQLSTATE kept).
Result copy_result_ok(Result r, PGconn* conn) {
  if (!r) throw pgwire::PgError(pgwire::sqlstate::internal_error, "upstream COPY ended without a result");
  if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) throw pgwire::PgError(error_from(r.get(), conn));
  return r;
}

// COPY ... FROM STDIN: each CopyData of the client goes upstream
// (PQputCopyData), CopyDone is PQputCopyEnd(NULL), CopyFail is
// PQputCopyEnd(message). The upstream's final result is read here; the
// command's end (null) is the caller's.
class CopyToUpstream final : public pgwire::CopyInTarget {
 public:
  explicit CopyToUpstream(Upstream& up) : up_(up) {}

  asio::awaitable<void> write(pgwire::Session& session, std::string_view data) override {
    up_.forward_cancel(session);
    for (;;) {
      int r = PQputCopyData(up_.conn(), data.data(), static_cast<int>(data.size()));
      if (r == 1) break;
      if (r < 0) throw pgwire::PgError(error_from(nullptr, up_.conn()));
      co_await up_.flush();  // 0: libpq's buffer is full, wait until it drains
    }
    co_await up_.flush();  // backpressure: the next CopyData is read once this one left
  }

  asio::awaitable<std::uint64_t> finish(pgwire::Session& session) override {
    up_.forward_cancel(session);
    co_await end(nullptr);
    Result r = copy_result_ok(co_await up_.next(), up_.conn());
    const char* n = PQcmdTuples(r.get());
    co_return n && *n ? std::stoull(n) : 0;
  }

  asio::awaitable<void> abort(pgwire::Session& session, std::string_view reason) override {
    up_.forward_cancel(session);
    std::string message(reason);
    co_await end(message.c_str());
    Result r = co_await up_.next();  // the upstream's 57014, the client got the library's
    if (r) co_await up_.skip(r.get());
  }

 private:
  asio::awaitable<void> end(const char* error) {
    for (;;) {
      int r = PQputCopyEnd(up_.conn(), error);
      if (r == 1) break;
      if (r < 0) throw pgwire::PgError(error_from(nullptr, up_.conn()));
      co_await up_.flush();
    }
    co_await up_.flush();
  }

  Upstream& up_;
};

// COPY ... TO STDOUT: PQgetCopyData (async) until -1, then the COPY's final
// result, whose tag ("COPY n") is passed to the client.
class CopyFromUpstream final : public pgwire::CopyOutSource {
 public:
  explicit CopyFromUpstream(Upstream& up) : up_(up) {}

  asio::awaitable<bool> fill(pgwire::Session& session, pgwire::CopyWriter& out) override {
    up_.forward_cancel(session);
    while (out.wants_more()) {
      char* buf = nullptr;
      int n = PQgetCopyData(up_.conn(), &buf, 1);
      if (n > 0) {
        std::unique_ptr<char, decltype(&PQfreemem)> owned(buf, &PQfreemem);
        out.send(std::string_view(buf, static_cast<std::size_t>(n)), 1);
        continue;
      }
      if (n == 0) {
        co_await up_.wait_readable();
        continue;
      }
      if (n == -2) throw pgwire::PgError(error_from(nullptr, up_.conn()));
      // -1: the data is complete.
      Result r = copy_result_ok(co_await up_.next(), up_.conn());
      tag_ = PQcmdStatus(r.get());
      co_return false;
    }
    co_return true;
  }

  std::optional<std::string> command_tag() const override { return tag_; }

 private:
  Upstream& up_;
  std::optional<std::string> tag_;
};

asio::awaitable<void> Upstream::make_ready() {
  while (cancels_in_flight_ > 0) {
    cancel_done_->expires_at(asio::steady_timer::time_point::max());
    co_await cancel_done_->async_wait(asio::experimental::as_tuple(asio::use_awaitable));
  }
  check_alive();
  if (busy) {
    RowStream* s = busy;
    try {
      co_await s->drain();
    } catch (const pgwire::PgError&) {
      // The suspended portal's error is its own; this command goes on.
    }
  }
  // The end (null result) of the previous extended-query command, or what
  // a cancelled or failed statement left.
  co_await drain();
  for (auto& name : to_deallocate) {
    std::string sql = "DEALLOCATE " + name;
    if (!PQsendQuery(conn_, sql.c_str())) continue;
    co_await exec_all();
  }
  to_deallocate.clear();
}

}  // namespace
