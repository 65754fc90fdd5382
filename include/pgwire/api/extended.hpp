#pragma once
// The extended query protocol: Parse, Bind, Describe, Execute, Close, Sync.
//
// The library keeps the statements and portals of each session with
// PostgreSQL's rules (names are per session; the unnamed statement is
// replaced by the next unnamed Parse; Sync drops the unnamed portal; named
// ones live until Close or the end of the session) and answers Describe from
// what the product reported at Parse time, so drivers that Describe before
// Bind (JDBC, asyncpg, pgx, rust-postgres) work. The product implements
// ExtendedQueryHandler: prepare() is its query parser, execute() runs a
// bound portal and returns rows that are pulled lazily: an Execute with a row
// limit stops after that many rows (PortalSuspended) and the next Execute on
// the portal resumes the same RowSource.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <asio/awaitable.hpp>

#include "pgwire/api/results.hpp"
#include "pgwire/protocol/session.hpp"
#include "pgwire/protocol/statements.hpp"

namespace pgwire {

class ExtendedQueryHandler {
 public:
  virtual ~ExtendedQueryHandler() = default;

  // Parse: the query parser. Fill stmt.parameter_types, stmt.columns and
  // stmt.handle. Throw PgError for SQL the product rejects (reported at
  // Parse, as PostgreSQL does).
  virtual asio::awaitable<void> prepare(Session& session, Statement& stmt) = 0;

  // Execute: run the portal and return one Response (rows, command, empty or
  // error). For rows, the RowSource must honour portal.result_formats (see
  // RowWriter::format()); the schema is the statement's.
  virtual asio::awaitable<Response> execute(Session& session, Portal& portal) = 0;

  // Bind: a chance to reject parameters early (the default accepts).
  virtual asio::awaitable<void> bind(Session& session, Portal& portal);
  // Sync: the end of an implicit transaction (the default does nothing).
  virtual asio::awaitable<void> sync(Session& session);
  // Close of a statement or portal, and their implicit drops.
  virtual void closed(Session& session, const Statement& stmt);
  virtual void closed(Session& session, const Portal& portal);
};

}  // namespace pgwire
