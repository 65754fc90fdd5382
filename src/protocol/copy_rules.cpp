// The COPY sub-protocol (PostgreSQL's protocol-flow "COPY Operations"):
//   copy-in:  CopyInResponse; the client's CopyData go to the target one at
//             a time (the next message is read only after the target took
//             the last one, so memory stays bounded by one message whatever
//             the client sends); CopyDone -> CommandComplete "COPY n";
//             CopyFail -> ERROR 57014; any other message -> ERROR 08P01
//             (the engine's copy_violation); EOF -> the session ends.
//   copy-out: CopyOutResponse; CopyData batches pulled from the source while
//             the socket drains (backpressure); CopyDone; "COPY n".
//   copy-both: CopyBothResponse; the client's side as copy-in, while the
//             product's CopyData (SessionHandle::copy_data, from any
//             thread) go out between the client's messages and while the
//             session waits for it. The client's CopyDone ends it: CopyDone
//             back unless the product sent one, then CommandComplete; what
//             the product pushes after that is dropped.
// Errors propagate to send_response's caller, which reports them as for any
// statement: in a simple query, ERROR + ReadyForQuery; in the extended
// protocol, ERROR and skip until Sync (the COPY's own messages do not change
// that, see Engine::enter_copy_in). Leftover CopyData/CopyDone/CopyFail after
// a failed COPY are dropped by the engine, as PostgreSQL drops them.

#include <fmt/format.h>

#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/types/copy_format.hpp"
#include "wire.hpp"

namespace pgwire::protocol {

using EK = EventKind;

namespace {

template <class Response>
Response copy_response(const CopyStream& s) {
  Response m;
  m.format = s.format() == CopyFormat::binary ? 1 : 0;
  m.column_formats.assign(s.columns(), m.format);
  return m;
}

// An error the session raises during copy-in, with the target's CONTEXT
// line (CopyInStream::error_context).
PgError copy_in_error(const CopyInStream& target, ErrorInfo info) {
  if (info.where.empty())
    if (auto context = target.error_context()) info.where = std::move(*context);
  return PgError(std::move(info));
}

}  // namespace

// The target learns that no CopyDone will come (CopyFail, a protocol
// violation, the connection lost). Its own failure to abort is not the
// client's business: the original reason is what gets reported.
SessionMachine::Task<void> SessionMachine::abort_copy(CopyInStream& target, std::string_view reason) {
  engine_.leave_copy_in();
  call_copy_in_ = &target;
  call_copy_data_ = reason;
  try {
    co_await call(Need::copy_fail);
  } catch (...) {
  }
}

SessionMachine::Task<void> SessionMachine::copy_in(CopyInStream& target, bool both) {
  if (both) {
    encode(copy_response<CopyBothResponse>(target), engine_.output());
  } else {
    encode(copy_response<CopyInResponse>(target), engine_.output());
  }
  engine_.enter_copy_in(both);
  copying_both_ = both;
  // The client sends nothing until it has seen Copy{In,Both}Response.
  co_await ask(Need::write);
  try {
    for (;;) {
      // Copy-both: the product's CopyData go out between the client's
      // messages, so a client that keeps sending does not starve them.
      if (SessionHandle* h = pushes(); both && h) h->drain(engine_.output(), false, true);
      EK k = engine_.next();
      if (k == EK::need_input) {
        if (!engine_.output().empty()) {
          co_await ask(Need::write);
          continue;
        }
        before_read();
        idle_read_ = both;  // the driver writes the product's pushes beside the read
        co_await ask(Need::read);
        idle_read_ = false;
      } else if (k == EK::write) {
        co_await ask(Need::write);
      } else if (k == EK::copy_violation) {
        std::string reason = engine_.copy_violation();
        auto error = copy_in_error(target, ErrorInfo::error(sqlstate::protocol_violation, reason));
        co_await abort_copy(target, reason);
        throw error;
      } else if (k == EK::close) {
        // EOF or Terminate in the middle of a COPY: nobody is left to answer.
        co_await abort_copy(target, "connection lost during COPY");
        co_await ask(Need::close);
      } else if (auto* data = std::get_if<CopyData>(&engine_.message())) {
        if (cancel_requested_.load()) throw copy_in_error(target, canceled_error());
        call_copy_in_ = &target;
        call_copy_data_ = data->data;
        co_await call(Need::copy_data);
      } else if (std::holds_alternative<CopyDone>(engine_.message())) {
        engine_.leave_copy_in();
        bool answered = both && pushes() && pushes()->copy_done_sent();
        end_copy_both();
        call_copy_in_ = &target;
        co_await call(Need::copy_done);
        auto rows = std::get<std::uint64_t>(outcome_);
        outcome_ = std::monostate{};
        if (both && !answered) encode(CopyDone{}, engine_.output());
        std::optional<std::string> tag = target.command_tag();
        if (both) {
          // The walsender leaves COPY mode with "COPY 0", then completes
          // its command (START_REPLICATION) in a CommandComplete of its own.
          encode(CommandComplete{"COPY 0"}, engine_.output());
          if (tag) encode(CommandComplete{*tag}, engine_.output());
        } else {
          encode(CommandComplete{tag ? *tag : fmt::format("COPY {}", rows)}, engine_.output());
        }
        co_return;
      } else if (auto* fail = std::get_if<CopyFail>(&engine_.message())) {
        std::string reason(fail->message);
        auto error = copy_in_error(
            target, ErrorInfo::error(sqlstate::query_canceled, fmt::format("COPY from stdin failed: {}", reason)));
        co_await abort_copy(target, reason);
        throw error;
      }
    }
  } catch (...) {
    // The target failed (or the COPY did): what the client still sends of
    // this COPY is dropped by the engine in the ready phase.
    engine_.leave_copy_in();
    end_copy_both();
    throw;
  }
}

void SessionMachine::end_copy_both() {
  if (!copying_both_) return;
  copying_both_ = false;
  idle_read_ = false;
  if (SessionHandle* h = pushes()) h->end_copy();
}

SessionMachine::Task<void> SessionMachine::copy_out(CopyOutStream& source) {
  Buffer& out = engine_.output();
  encode(copy_response<CopyOutResponse>(source), out);
  const std::size_t threshold = options_->engine.flush_threshold;
  std::uint64_t rows = 0;
  for (bool more = true; more;) {
    if (cancel_requested_.load()) throw PgError(canceled_error());
    CopyWriter w(out, threshold > out.size() ? threshold - out.size() : 1);
    call_copy_out_ = &source;
    call_copy_writer_ = &w;
    co_await call(Need::copy_fill);
    more = std::get<bool>(outcome_);
    outcome_ = std::monostate{};
    rows += w.rows();
    if (out.size() >= threshold) co_await ask(Need::write);  // wait for the socket
  }
  encode(CopyDone{}, out);
  std::optional<std::string> tag = source.command_tag();
  encode(CommandComplete{tag ? *tag : fmt::format("COPY {}", rows)}, out);
}

}  // namespace pgwire::protocol
