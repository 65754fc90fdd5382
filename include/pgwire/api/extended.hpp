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

#include <deque>

#include "pgwire/api/cursors.hpp"
#include "pgwire/api/results.hpp"
#include "pgwire/api/session.hpp"
#include "pgwire/codec/frontend.hpp"
#include "pgwire/types/field.hpp"

namespace pgwire {

struct Statement {
  std::string name;  // empty: the unnamed statement
  std::string sql;
  // On entry to prepare(): the types the client sent in Parse, 0 = "infer"
  // (missing trailing ones are 0 too). prepare() replaces every 0 it can
  // infer and adds entries for parameters the client did not type.
  std::vector<Oid> parameter_types;
  // Result columns; null or empty for a statement without rows (NoData).
  SchemaPtr columns;
  // The product's compiled form (plan, sqlite3_stmt, upstream name, ...).
  std::shared_ptr<void> handle;

  template <class T>
  T* handle_as() const noexcept {
    return static_cast<T*>(handle.get());
  }

  // Set by the library for DECLARE/FETCH/MOVE/CLOSE (ServerOptions::sql_cursors):
  // such statements never reach prepare()/execute() themselves.
  std::shared_ptr<const CursorPlan> cursor;
};

struct Portal {
  std::string name;  // empty: the unnamed portal
  std::shared_ptr<const Statement> statement;
  // One format per parameter and one per result column (the Bind shorthand
  // of zero or one code is expanded).
  std::vector<FormatCode> parameter_formats;
  std::vector<std::optional<std::string_view>> parameters;  // NULL = nullopt
  std::vector<FormatCode> result_formats;

  std::size_t parameter_count() const noexcept { return parameters.size(); }
  bool is_null(std::size_t i) const noexcept { return !parameters.at(i).has_value(); }
  // The parameter decoded from its text or binary form through the type
  // layer; nullopt for NULL. Throws PgError 22P02 when the bytes are not a
  // valid value of T.
  template <class T>
  std::optional<T> parameter(std::size_t i) const;

  // Library state: the result of an Execute that stopped at its row limit,
  // and whether the portal already ran to completion.
  std::optional<Response> suspended;
  bool completed = false;
  std::string storage;  // owns the parameter bytes
  mutable std::deque<std::string> scratch;  // decoded values that need storage (bytea, numeric, jsonb)

 private:
  [[noreturn]] void bad_parameter(std::size_t i) const;
};

template <class T>
std::optional<T> Portal::parameter(std::size_t i) const {
  const auto& p = parameters.at(i);
  if (!p) return std::nullopt;
  T out{};
  std::error_code ec;
  // Types whose decoders need storage (bytea from hex, numeric) take a
  // string that lives as long as the portal.
  if constexpr (requires(std::string& s) {
                  decode_text(*p, out, s);
                  decode_binary(*p, out, s);
                }) {
    ec = decode_value(*p, parameter_formats.at(i), out, scratch.emplace_back());
  } else {
    ec = decode_value(*p, parameter_formats.at(i), out);
  }
  if (ec) bad_parameter(i);
  return out;
}

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

// Statements and portals of one session. Used by the connection; public so
// that products and tests can reason about the same rules.
class StatementStore {
 public:
  // Parse: error 42P05 if a named statement already exists.
  void add_statement(std::shared_ptr<Statement> stmt);
  std::shared_ptr<const Statement> statement(std::string_view name) const;  // 26000 if missing
  // Bind: validates counts and formats against the statement (08P01 / 22023
  // as PostgreSQL) and stores the portal (42P03 if a named one exists).
  Portal& bind(const Bind& bind);
  Portal* portal(std::string_view name);  // null if missing
  // Close: both succeed silently when the object does not exist. Closing a
  // statement drops the portals made from it. The dropped objects are
  // returned so the handler can be told.
  std::vector<std::shared_ptr<const Statement>> close_statement(std::string_view name);
  std::vector<std::unique_ptr<Portal>> close_portal(std::string_view name);
  // Sync / simple Query: the unnamed portal goes (and the unnamed statement
  // with a simple Query).
  std::unique_ptr<Portal> drop_unnamed_portal();
  std::shared_ptr<const Statement> drop_unnamed_statement();
  // SQL DEALLOCATE: named statements only. Portals stay (they hold their
  // statement), as in PostgreSQL, so a portal running the DEALLOCATE is safe.
  std::shared_ptr<const Statement> deallocate(std::string_view name);
  std::vector<std::shared_ptr<const Statement>> deallocate_all();

  std::size_t statement_count() const noexcept { return statements_.size(); }
  std::size_t portal_count() const noexcept { return portals_.size(); }

 private:
  std::map<std::string, std::shared_ptr<const Statement>, std::less<>> statements_;
  std::map<std::string, std::unique_ptr<Portal>, std::less<>> portals_;
};

}  // namespace pgwire
