// How one statement's Response goes on the wire: RowDescription, rows pulled
// from the product's RowStream batch by batch (backpressure: the driver
// writes each full batch before the next is asked for), the row limit of an
// Execute, CommandComplete tags, and the transaction effect of a command
// (status, cursors, and the end of the settings' transaction).

#include <algorithm>
#include <charconv>
#include <iterator>

#include "pgwire/protocol/session_machine.hpp"
#include "sql_cursor.hpp"
#include "wire.hpp"

namespace pgwire::protocol {

void encode_row_description(const Schema& schema, std::span<const FormatCode> formats, Buffer& out) {
  RowDescriptionWriter w(out, schema.size());
  for (std::size_t i = 0; i < schema.size(); ++i)
    w.add(schema[i].field(formats.empty() ? format_text : formats.size() == 1 ? formats[0] : formats[i]));
  w.finish();
}

// Built by hand rather than by fmt::format: it runs for every statement
// that returns rows, and formatting was 3% of a prepared SELECT 1.
std::string rows_tag(const std::string& command, std::uint64_t count) {
  static constexpr std::string_view counted[] = {"SELECT", "FETCH", "UPDATE", "DELETE", "MERGE", "MOVE", "COPY"};
  std::string_view prefix;
  if (command == "INSERT") {
    prefix = "INSERT 0";
  } else if (std::find(std::begin(counted), std::end(counted), command) != std::end(counted)) {
    prefix = command;
  } else {
    return command;
  }
  char digits[20];
  auto end = std::to_chars(digits, digits + sizeof digits, count).ptr;
  std::string tag;
  tag.reserve(prefix.size() + 1 + static_cast<std::size_t>(end - digits));
  tag.append(prefix).append(1, ' ').append(digits, end);
  return tag;
}

// Sends one statement's result. Simple query (describe = true): sends
// RowDescription and returns false after an error (stop the batch).
// Extended Execute (describe = false): stops after `limit` rows and returns
// true when rows remain (PortalSuspended); failures propagate to the
// caller's failure mapping.
SessionMachine::Task<bool> SessionMachine::send_response(Response& r, std::span<const FormatCode> formats,
                                                         std::uint64_t limit, bool describe) {
  Buffer& out = engine_.output();
  if (r.kind() == Response::Kind::empty) {
    encode(EmptyQueryResponse{}, out);
    co_return true;
  }
  if (r.kind() == Response::Kind::error) {
    if (!describe) throw PgError(r.error_info());
    engine_.error(r.error_info());
    co_return false;
  }
  if (r.kind() == Response::Kind::command) {
    // COMMIT (or END) of a failed block rolls back, and PostgreSQL's tag
    // says so.
    bool rolls_back = r.effect() == TransactionEffect::commit &&
                      engine_.transaction_status() == TransactionStatus::failed && r.tag() == "COMMIT";
    encode(CommandComplete{rolls_back ? std::string_view("ROLLBACK") : std::string_view(r.tag())}, out);
    apply(r.effect());
    co_return true;
  }
  // Rows or a COPY: one failure path for both (mapped here in a simple
  // query, the caller's in the extended protocol).
  const bool copy = r.kind() == Response::Kind::copy_in || r.kind() == Response::Kind::copy_out ||
                    r.kind() == Response::Kind::copy_both;
  if (describe && !copy) encode_row_description(*r.schema(), formats, out);
  Streamed streamed;
  std::optional<ErrorInfo> failure;
  try {
    if (auto* target = r.copy_in()) {
      co_await copy_in(*target);
    } else if (auto* source = r.copy_out()) {
      co_await copy_out(*source);
    } else if (auto* channel = r.copy_both()) {
      co_await copy_both(*channel);
    } else if (r.source()) {
      streamed = co_await stream_rows(*r.source(), *r.schema(), formats, limit, out);
    }
  } catch (...) {
    if (!describe) throw;
    failure = failure_info(std::current_exception());
  }
  if (failure) {
    engine_.error(*failure);
    co_return false;
  }
  if (copy) co_return describe;  // a COPY is never suspended
  if (!describe && streamed.more) co_return true;  // suspended at the row limit
  std::optional<std::string> tag = r.source() ? r.source()->command_tag() : std::nullopt;
  if (tag) {
    encode(CommandComplete{*tag}, out);
  } else {
    encode(CommandComplete{rows_tag(r.tag(), streamed.rows)}, out);
  }
  co_return describe;
}

// Pulls up to `limit` rows (0: all) from `source` into `out`: the session's
// output, written by the driver as each batch fills, or a scratch buffer for
// rows a cursor skips. Throws what the source throws.
SessionMachine::Task<SessionMachine::Streamed> SessionMachine::stream_rows(
    RowStream& source, const Schema& schema, std::span<const FormatCode> formats, std::uint64_t limit,
    Buffer& out) {
  Streamed s;
  s.more = true;
  const bool to_client = &out == &engine_.output();
  const std::size_t threshold = options_->engine.flush_threshold;
  while (s.more && (limit == 0 || s.rows < limit)) {
    if (cancel_requested_.load()) throw PgError(canceled_error());
    std::size_t budget = threshold > out.size() ? threshold - out.size() : 1;
    RowWriter w(out, schema, formats, budget, limit == 0 ? 0 : limit - s.rows);
    call_rows_ = &source;
    call_writer_ = &w;
    try {
      co_await call(Need::fill);
    } catch (...) {
      w.discard_partial_row();  // the rows before it stay, as in PostgreSQL
      throw;
    }
    s.more = std::get<bool>(outcome_);
    outcome_ = std::monostate{};
    s.rows += w.rows();
    if (out.error()) throw PgError(sqlstate::internal_error, "row does not match its RowDescription");
    if (!to_client) {
      out.clear();
    } else if (out.size() >= threshold) {
      co_await ask(Need::write);  // the driver waits for the socket before more rows
    }
  }
  co_return s;
}

// BEGIN leaves the settings alone: what ran before it in the same implicit
// transaction (earlier statements of the Query or batch) joins the block, as
// in PostgreSQL. COMMIT of a failed block rolls back.
void SessionMachine::apply(TransactionEffect e) {
  if (e == TransactionEffect::begin && engine_.transaction_status() == TransactionStatus::idle) {
    engine_.set_transaction_status(TransactionStatus::in_transaction);
  } else if (e == TransactionEffect::rollback_to_savepoint) {
    if (engine_.transaction_status() == TransactionStatus::failed)
      engine_.set_transaction_status(TransactionStatus::in_transaction);
  } else if (e == TransactionEffect::commit || e == TransactionEffect::rollback) {
    end_transaction(e == TransactionEffect::commit && engine_.transaction_status() != TransactionStatus::failed);
    engine_.set_transaction_status(TransactionStatus::idle);
    close_transaction_cursors();
  }
}

}  // namespace pgwire::protocol
