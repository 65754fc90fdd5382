// The extended query protocol: Parse, Bind, Describe, Execute, Close, with
// PostgreSQL's statement/portal rules (the store is statements.cpp), the
// Describe answers, and portal suspension at a row limit with resume.

#include <fmt/format.h>

#include "pgwire/protocol/session_machine.hpp"
#include "pgwire/protocol/walsender_rules.hpp"
#include "wire.hpp"

namespace pgwire::protocol {

namespace {

PgError no_portal(std::string_view name) {
  return PgError("34000", fmt::format("portal \"{}\" does not exist", name));
}

}  // namespace

// The rules every extended-query message passes, then its own. Not a
// coroutine: it returns the Task of a message that waits for the product
// (Parse, Bind, Execute) and answers Describe and Close at once; run()
// awaits it and turns its failure into the ERROR, after which the engine
// skips until Sync. A frame less per message than a Task that awaits
// another.
SessionMachine::Task<void> SessionMachine::extended(const FrontendMessage& m) {
  check_walsender_extended(client_.replication);  // walsender_rules.cpp
  if (!options_->extended_query)
    throw PgError(sqlstate::feature_not_supported, "extended query protocol is not supported by this server");
  if (auto* p = std::get_if<Parse>(&m)) {
    require_utf8({p->statement, p->query});
    return parse(*p);
  }
  if (auto* b = std::get_if<Bind>(&m)) {
    require_utf8({b->portal, b->statement});
    return bind(*b);
  }
  if (auto* e = std::get_if<Execute>(&m)) {
    require_utf8({e->portal});
    return execute(*e);
  }
  if (auto* d = std::get_if<Describe>(&m)) {
    require_utf8({d->name});
    describe(*d);
  } else if (auto* c = std::get_if<Close>(&m)) {
    require_utf8({c->name});
    close(*c);
  }
  return {};
}

SessionMachine::Task<void> SessionMachine::parse(const Parse& p) {
  auto stmt = std::make_shared<Statement>();
  stmt->name = std::string(p.statement);
  stmt->sql = std::string(p.query);
  stmt->parameter_types = p.parameter_types;
  // The unnamed statement is replaced even if the new Parse fails.
  if (stmt->name.empty()) drop_unnamed_statement();
  refuse_in_failed_block(stmt->sql);
  auto command = options_->sql_cursors ? parse_cursor_command(stmt->sql) : std::nullopt;
  if (command) {
    co_await prepare_cursor(*stmt, std::move(*command));
  } else {
    call_statement_ = stmt.get();
    co_await call(Need::prepare);
  }
  store_.add_statement(std::move(stmt));
  encode(ParseComplete{}, engine_.output());
}

SessionMachine::Task<void> SessionMachine::bind(const Bind& b) {
  if (b.portal.empty()) drop_unnamed(false);
  // A missing statement is 26000 before the failed block's 25P02; outside a
  // failed block store_.bind looks the statement up (and refuses) itself.
  if (engine_.transaction_status() == TransactionStatus::failed)
    refuse_in_failed_block(store_.statement(b.statement)->sql);
  Portal& portal = store_.bind(b);
  if (portal.statement->cursor_) {  // the library's own: nothing to bind
    encode(BindComplete{}, engine_.output());
    co_return;
  }
  bool bound = false;
  try {
    call_portal_ = &portal;
    co_await call(Need::bind);
    bound = true;
  } catch (...) {
    // The portal does not exist after a failed Bind, as in PostgreSQL (the
    // product never saw it bound, so it is not told).
    store_.recycle(store_.close_portal(b.portal));
    throw;
  }
  if (bound) encode(BindComplete{}, engine_.output());
}

void SessionMachine::describe(const Describe& d) {
  Buffer& out = engine_.output();
  if (d.target == TargetKind::statement) {
    auto stmt = store_.statement(d.name);
    encode(ParameterDescription{stmt->parameter_types}, out);
    if (stmt->columns && !stmt->columns->empty()) {
      encode_row_description(*stmt->columns, {}, out);
    } else {
      encode(NoData{}, out);
    }
    return;
  }
  Portal* p = store_.portal(d.name);
  if (!p) {
    // A cursor is a portal too (psycopg 3 describes its named cursors).
    SqlCursor* c = find_cursor(d.name);
    if (!c) throw no_portal(d.name);
    describe_cursor(*c, out);
    return;
  }
  const auto& cols = p->statement->columns;
  if (cols && !cols->empty()) {
    encode_row_description(*cols, p->result_formats, out);
  } else {
    encode(NoData{}, out);
  }
}

SessionMachine::Task<void> SessionMachine::execute(const Execute& e) {
  Portal* p = store_.portal(e.portal);
  if (!p) {
    // Execute of a cursor's portal: its rows by the protocol.
    SqlCursor* c = find_cursor(e.portal);
    if (!c) throw no_portal(e.portal);
    co_await execute_cursor(*c, e);
    co_return;
  }
  refuse_in_failed_block(p->statement->sql);
  Buffer& out = engine_.output();
  if (p->statement->cursor_) {
    co_await run_cursor(*p->statement->cursor_, p, p->result_formats, false);
    co_return;
  }
  if (p->completed_ && !p->suspended_) {
    // Ran to completion already: nothing more to return.
    const auto& cols = p->statement->columns;
    encode(CommandComplete{cols && !cols->empty() ? "SELECT 0" : "EXECUTE"}, out);
    co_return;
  }
  if (!p->suspended_) {
    call_portal_ = p;
    call_response_ = &p->suspended_;
    co_await call(Need::execute);
    given(p->suspended_);  // throws unless the driver gave one
  }
  Response& r = *p->suspended_;
  if (r.kind() != Response::Kind::rows) {
    p->completed_ = true;
    Response done = std::move(r);
    p->suspended_.reset();
    co_await send_response(done, {}, 0, false);
    co_return;
  }
  std::uint64_t limit = e.max_rows > 0 ? static_cast<std::uint64_t>(e.max_rows) : 0;
  bool more = co_await send_response(r, p->result_formats, limit, false);
  if (more) {
    encode(PortalSuspended{}, out);
  } else {
    p->completed_ = true;
    p->suspended_.reset();
  }
}

void SessionMachine::close(const Close& c) {
  if (c.target == TargetKind::statement) {
    for (auto& s : store_.close_statement(c.name))
      if (listener_) listener_->closed(*s);
  } else {
    auto p = store_.close_portal(c.name);
    if (p && listener_) listener_->closed(*p);
    store_.recycle(std::move(p));
  }
  encode(CloseComplete{}, engine_.output());
}

void SessionMachine::drop_unnamed(bool statement_too) {
  auto p = store_.drop_unnamed_portal();
  if (p && listener_) listener_->closed(*p);
  store_.recycle(std::move(p));
  if (statement_too) drop_unnamed_statement();
}

void SessionMachine::drop_unnamed_statement() {
  auto s = store_.drop_unnamed_statement();
  if (s && listener_) listener_->closed(*s);
}

}  // namespace pgwire::protocol
