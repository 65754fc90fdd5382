// SQL cursors (SessionOptions::sql_cursors): DECLARE / FETCH / MOVE / CLOSE
// over the product's ordinary handlers, forward-only, closed at the end of
// their transaction unless WITH HOLD; a cursor is also a protocol portal.
// The grammar is cursor_grammar.cpp.

#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/protocol/sql_text.hpp"
#include "sql_cursor.hpp"
#include "wire.hpp"

namespace pgwire::protocol {


namespace {

PgError no_cursor(const std::string& name) {
  return PgError("34000", fmt::format("cursor \"{}\" does not exist", name));
}

PgError forward_only() {
  return PgError(ErrorInfo::error("55000", "cursor can only scan forward")
                     .with_hint("Declare it with SCROLL option to enable backward scan."));
}

}  // namespace

SessionMachine::SqlCursor* SessionMachine::find_cursor(std::string_view name) noexcept {
  if (!occasional_) return nullptr;
  auto& cursors = occasional_->cursors;
  auto it = cursors.find(name);
  return it == cursors.end() ? nullptr : it->second.get();
}

void SessionMachine::describe_cursor(const SqlCursor& cursor, Buffer& out) const {
  std::vector<FormatCode> formats(1, cursor.binary ? format_binary : format_text);
  encode_row_description(*cursor.schema, formats, out);
}

// Parse of a cursor command: DECLARE prepares only its query with the product.
SessionMachine::Task<void> SessionMachine::prepare_cursor(Statement& stmt, CursorCommand command) {
  auto plan = std::make_shared<CursorPlan>();
  plan->command = std::move(command);
  if (plan->command.kind == CursorCommand::Kind::declare) {
    plan->query = std::make_shared<Statement>();
    plan->query->sql = plan->command.query;
    plan->query->parameter_types = stmt.parameter_types;
    if (options_->extended_query) {
      call_statement_ = plan->query.get();
      co_await call(Need::prepare);
    }
    stmt.parameter_types = plan->query->parameter_types;
  } else if (plan->command.kind == CursorCommand::Kind::fetch) {
    if (SqlCursor* c = find_cursor(plan->command.name)) stmt.columns = c->schema;
  }
  stmt.cursor_ = std::move(plan);
}

// The query of a DECLARE, run through the product: prepared at Parse
// (plan.query) and bound with the DECLARE's parameters, or prepared now,
// or (simple-query-only products) through the simple query handler.
SessionMachine::Task<std::unique_ptr<SessionMachine::SqlCursor>> SessionMachine::open_cursor(
    const CursorPlan& plan, const Portal* outer) {
  const CursorCommand& c = plan.command;
  auto cursor = std::make_unique<SqlCursor>();
  cursor->binary = c.binary;
  cursor->hold = c.hold;
  Response r = Response::empty();
  if (options_->extended_query) {
    std::shared_ptr<Statement> stmt = plan.query;
    if (!stmt) {
      stmt = std::make_shared<Statement>();
      stmt->sql = c.query;
      call_statement_ = stmt.get();
      co_await call(Need::prepare);
    }
    auto portal = std::make_unique<Portal>();
    portal->statement = stmt;
    std::size_t n = outer ? outer->parameter_count() : 0;
    if (n < stmt->parameter_types.size())
      throw PgError("42P02", fmt::format("there is no parameter ${}", n + 1));
    if (n > 0) {
      std::vector<FormatCode> formats(outer->parameter_formats.begin(), outer->parameter_formats.begin() + n);
      portal->assign_parameters(std::move(formats), outer->parameters);
    }
    if (c.binary) portal->result_formats.assign(stmt->columns ? stmt->columns->size() : 0, format_binary);
    call_portal_ = portal.get();
    std::optional<Response> answer;
    call_response_ = &answer;
    co_await call(Need::execute);
    r = std::move(given(answer));
    cursor->portal = std::move(portal);
  } else if (options_->simple_query) {
    call_sql_ = c.query;
    std::optional<std::vector<Response>> answer;
    call_responses_ = &answer;
    co_await call(Need::query_all);
    if (!answer) throw std::logic_error("the driver answered Need::query_all without give(std::vector<Response>)");
    auto results = std::move(*answer);
    if (results.size() != 1) throw PgError("42P11", "DECLARE CURSOR needs exactly one query");
    r = std::move(results.front());
  }
  if (r.kind() == Response::Kind::error) throw PgError(r.error_info());
  if (r.kind() != Response::Kind::rows)
    throw PgError("42P11", fmt::format("cannot open query as cursor: {}", c.query.substr(0, 60)));
  cursor->schema = r.schema();
  cursor->result.emplace(std::move(r));
  co_return cursor;
}

// Runs DECLARE/FETCH/MOVE/CLOSE. `describe`: send a RowDescription before
// FETCH's rows (simple query); `formats`: FETCH's result formats (the
// portal's in the extended protocol; the cursor's BINARY flag otherwise).
SessionMachine::Task<void> SessionMachine::run_cursor(const CursorPlan& plan, const Portal* outer,
                                                      std::span<const FormatCode> formats, bool describe) {
  const CursorCommand& c = plan.command;
  Buffer& out = engine_.output();
  if (engine_.transaction_status() == TransactionStatus::failed && c.kind != CursorCommand::Kind::close)
    throw PgError("25P02", "current transaction is aborted, commands ignored until end of transaction block");
  if (c.kind == CursorCommand::Kind::declare) {
    if (find_cursor(c.name)) throw PgError("42P03", fmt::format("cursor \"{}\" already exists", c.name));
    if (!c.hold && engine_.transaction_status() != TransactionStatus::in_transaction)
      throw PgError("25P01", "DECLARE CURSOR can only be used in transaction blocks");
    auto cursor = co_await open_cursor(plan, outer);
    occasional().cursors.emplace(c.name, std::move(cursor));
    encode(CommandComplete{"DECLARE CURSOR"}, out);
    co_return;
  }
  if (c.kind == CursorCommand::Kind::close) {
    if (c.name.empty()) {
      close_all_cursors();
    } else if (!occasional_ || !occasional_->cursors.erase(c.name)) {
      throw no_cursor(c.name);
    }
    encode(CommandComplete{"CLOSE CURSOR"}, out);
    co_return;
  }
  SqlCursor* found = find_cursor(c.name);
  if (!found) throw no_cursor(c.name);
  SqlCursor& cur = *found;
  // Forward-only: how many rows to skip, then how many to return (0: all).
  using M = CursorCommand::Motion;
  std::uint64_t skip = 0, take = c.count;
  bool all = c.motion == M::all;
  if (c.motion == M::backward) throw forward_only();
  if (c.motion == M::absolute || c.motion == M::relative) {
    std::uint64_t target = c.motion == M::absolute ? c.count : cur.position + c.count;
    if (target > cur.position) {
      skip = target - cur.position - 1;
      take = 1;
    } else if (c.motion == M::absolute) {
      throw forward_only();
    }  // RELATIVE 0: the current row (take 0)
  }
  // FETCH 0 / RELATIVE 0 re-read the current row: none before the first
  // (libpqxx asks that to learn the columns); after it, a forward-only
  // cursor no longer has it.
  bool is_fetch = c.kind == CursorCommand::Kind::fetch;
  if (is_fetch && !all && take == 0 && cur.position > 0)
    throw PgError(sqlstate::feature_not_supported, "FETCH of the current row again is not supported");
  std::vector<FormatCode> cursor_formats;
  if (describe && cur.binary) cursor_formats.assign(1, format_binary);
  if (describe) formats = cursor_formats;
  if (describe && is_fetch) encode_row_description(*cur.schema, formats, out);
  std::uint64_t moved = 0;
  if (cur.result && cur.result->source()) {
    RowStream& source = *cur.result->source();
    Buffer scratch;
    Streamed s{0, true};
    if (skip > 0) {
      s = co_await stream_rows(source, *cur.schema, formats, skip, scratch);
      moved += s.rows;
    }
    if (s.more && (all || take > 0)) {
      Buffer& target = is_fetch ? out : scratch;
      s = co_await stream_rows(source, *cur.schema, formats, all ? 0 : take, target);
      moved += s.rows;
    }
    cur.position += moved;
    if (!s.more) cur.result.reset();  // read to the end: release the product's rows
  }
  if (is_fetch && skip > 0) moved = moved > skip ? moved - skip : 0;
  encode(CommandComplete{fmt::format("{} {}", is_fetch ? "FETCH" : "MOVE", moved)}, out);
}

// Execute of a cursor's portal: its rows, suspended at the row limit like
// any portal.
SessionMachine::Task<void> SessionMachine::execute_cursor(SqlCursor& cur, const Execute& e) {
  std::vector<FormatCode> formats(1, cur.binary ? format_binary : format_text);
  std::uint64_t limit = e.max_rows > 0 ? static_cast<std::uint64_t>(e.max_rows) : 0;
  Streamed s;
  if (cur.result && cur.result->source())
    s = co_await stream_rows(*cur.result->source(), *cur.schema, formats, limit, engine_.output());
  cur.position += s.rows;
  if (s.more && limit != 0) {
    encode(PortalSuspended{}, engine_.output());
  } else {
    cur.result.reset();
    encode(CommandComplete{fmt::format("SELECT {}", s.rows)}, engine_.output());
  }
}

// A query string with cursor commands runs statement by statement: the
// library's cursor commands, the product's statements one at a time.
SessionMachine::Task<void> SessionMachine::simple_query_with_cursors(std::string_view sql) {
  for (auto stmt : split_statements(sql)) {
    auto command = parse_cursor_command(stmt);
    if (command) {
      CursorPlan plan;
      plan.command = std::move(*command);
      co_await run_cursor(plan, nullptr, {}, true);
      continue;
    }
    call_sql_ = stmt;
    co_await call(Need::simple_query);
    if (response_failed_) co_return;
  }
}

// The end of a transaction closes its cursors, except WITH HOLD ones.
void SessionMachine::close_transaction_cursors() {
  if (!occasional_) return;
  auto& cursors = occasional_->cursors;
  for (auto it = cursors.begin(); it != cursors.end();) {
    if (it->second->hold) {
      ++it;
    } else {
      it = cursors.erase(it);
    }
  }
}

void SessionMachine::close_all_cursors() {
  if (occasional_) occasional_->cursors.clear();
}

}  // namespace pgwire::protocol
