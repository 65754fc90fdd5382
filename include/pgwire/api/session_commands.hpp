#pragma once
// Statements every PostgreSQL driver sends in passing that a product should
// not have to implement: SET / RESET / SHOW, SELECT version(),
// current_setting(), set_config(), DISCARD ALL, PREPARE / EXECUTE /
// DEALLOCATE, and (opt-in) transaction control. A product calls answer() first and handles the
// statement itself only when it returns nullopt:
//
//   SessionCommands commands;
//   for (auto stmt : split_statements(sql))
//     out.push_back(commands.answer(session, stmt).value_or(my_engine(stmt)));
//
// Settings live in the Session (Session::settings(), settings.hpp), which
// keeps PostgreSQL's rules: SET is undone by ROLLBACK, SET LOCAL and
// set_config(..., true) last until the end of the transaction (SET LOCAL
// outside a block warns 25P01), RESET / RESET ALL / DISCARD ALL restore the
// values of the login, and reported ones (DateStyle, TimeZone,
// application_name, ...) reach the client as ParameterStatus when changed.
//
// Catalog queries go to Options::catalog when the product plugs one in (the
// catalog engine evaluates them, drivers' type probes included). Without
// one, it still answers the pg_type lookups drivers send verbatim, from the
// type layer's built-in rows (builtin_types()):
//   - postgres.js: the array types at connect; psqlODBC: the "lo" type;
//   - asyncpg: the type introspection query (typeinfo_tree, $1::oid[]) it
//     runs for types outside its core codecs (int4[], ...), and its type
//     lookups by OID / by name (set_type_codec);
//   - pgjdbc (TypeInfoCache): type by name (setObject of a PGobject /
//     PGInterval), name / kind / is_array by OID (reading such columns),
//     array type, element type and delimiter lookups.
// The ones with parameters ($1) need the bound portal and the statement:
// use the Statement / Portal overloads in the extended query protocol:
//
//   prepare(session, stmt):  if (commands.describe(stmt)) co_return;
//   execute(session, portal): if (auto r = commands.answer(session, portal)) co_return std::move(*r);

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pgwire/api/results.hpp"
#include "pgwire/protocol/session.hpp"

namespace pgwire {

struct Statement;  // pgwire/api/extended.hpp
struct Portal;

// What SHOW and current_setting() read, from a session's settings
// (Session::parameters(), or a copy taken to another thread, as a product
// evaluating current_setting() in its own engine does): the value, else
// one derived from the others (server_version_num), else PostgreSQL 15's
// default; nullopt for a name PostgreSQL does not know (42704).
std::optional<std::string> setting_value(const ParameterMap& values, std::string_view name);

// Answers whole statements of its own kind; SessionCommands asks it after
// its own commands and driver probes. The catalog layer's Catalog
// (pgwire/catalog/catalog.hpp) is one: it answers catalog queries.
class StatementAnswerer {
 public:
  virtual ~StatementAnswerer() = default;
  virtual std::optional<Response> answer(Session& session, std::string_view statement) = 0;
  virtual std::optional<Response> answer(Session& session, const Portal& portal) = 0;
  // Parse: true when the statement is this answerer's (stmt.columns and
  // stmt.parameter_types filled).
  virtual bool describe(Statement& stmt) = 0;
};

class SessionCommands {
 public:
  struct Options {
    // What SELECT version() says; empty: "PostgreSQL <server_version>
    // (pgwire-cpp)", from the session's server_version (ServerOptions).
    std::string version;
    // Answer BEGIN/START TRANSACTION/COMMIT/END/ROLLBACK/ABORT with the
    // matching transaction status (for products without transactions).
    bool transactions = false;
    // Answers the catalog queries (psql's \d, driver metadata) that the
    // commands above do not: e.g. a pgwire::catalog::Catalog. Null: none.
    std::shared_ptr<StatementAnswerer> catalog;
    // The drivers' pg_type probes (asyncpg, pgjdbc, postgres.js, psqlODBC;
    // see above) are answered from the type layer's built-in rows when no
    // catalog evaluates them: without a catalog, or for a probe the catalog
    // fails on. False: the catalog alone answers (tests prove it can).
    bool type_probe_table = true;
  };

  SessionCommands() = default;
  explicit SessionCommands(Options options) : options_(std::move(options)) {}

  // The result of `statement` (one statement, no trailing ';' needed) when
  // it is one of the session commands, else nullopt. Catalog queries with
  // parameters are not answered here (nullopt): see the Portal overload.
  std::optional<Response> answer(Session& session, std::string_view statement) const;

  // Execute: as above for portal.statement->sql, plus the catalog queries
  // with parameters, which are read from the portal (text or binary, as
  // the statement's parameter types say). Throws PgError (22P02 / 22P03)
  // for a parameter that is not a valid value. The rows honour the portal's
  // result formats.
  std::optional<Response> answer(Session& session, const Portal& portal) const;

  // For Parse (Describe before Bind): true when answer() handles the
  // statement; `columns` receives its result schema (null for commands).
  // False for catalog queries with parameters (use the Statement overload).
  bool describe(std::string_view statement, SchemaPtr& columns) const;

  // Parse: true when answer(session, portal) handles stmt.sql; fills
  // stmt.columns and, for the catalog queries with parameters, the
  // parameter types PostgreSQL infers (oid[] for asyncpg's $1, name for
  // pgjdbc's type name, ...) where the client sent 0 or none.
  bool describe(Statement& stmt) const;

  // PREPARE name [(types)] AS statement is answered above, and so is
  // EXECUTE name(args) of a statement the library answers (pg_dump's
  // catalog queries). For the others, the statement to run instead of the
  // EXECUTE (its arguments in place of $n); nullopt for any other
  // statement. Throws PgError 26000 (no such name) or 42601 (arguments).
  std::optional<std::string> expand_execute(const Session& session, std::string_view statement) const;

 private:
  std::optional<Response> answer_own(Session& session, std::string_view statement) const;
  std::optional<Response> answer_catalog(Session& session, std::string_view sql, const Portal* portal) const;
  bool describe_own(std::string_view statement, SchemaPtr& columns) const;

  Options options_;
};

}  // namespace pgwire
