#pragma once
// The catalog layer: PostgreSQL's catalog for a product that has none.
//
// A product describes its schema (description.hpp); the Catalog builds
// pg_catalog's relations from it (pg_class, pg_attribute, pg_type,
// pg_index, pg_constraint, pg_proc, pg_namespace, pg_database, pg_roles,
// information_schema.tables/columns, ...) in an in-memory SQLite database
// and answers introspection queries by evaluating them there: psql's \d
// family, driver metadata queries. PostgreSQL-only syntax is rewritten and
// the functions those queries call are registered (docs/CATALOG.md lists
// them). The product opts in with one call, next to its session commands:
//
//   auto catalog = std::make_shared<pgwire::catalog::Catalog>(description);
//   pgwire::SessionCommands commands({.catalog = catalog});
//   // commands.answer(...) now answers catalog queries too
//
// and calls update() when its schema changes (after DDL). All methods are
// thread-safe; a query holds the catalog's lock while SQLite evaluates it
// (in memory: no I/O, microseconds for a psql query).
//
// Optional: link pgwire::catalog (built when SQLite3 is found).

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/api/session_commands.hpp"
#include "pgwire/catalog/description.hpp"

namespace pgwire::catalog {

// Where a result column comes from, as RowDescription says it: the table's
// pg_class OID and the column's attnum.
struct ColumnOrigin {
  Oid table_oid = 0;
  std::int16_t column_id = 0;
};

class Catalog final : public StatementAnswerer {
 public:
  explicit Catalog(Description description = {});
  ~Catalog() override;
  Catalog(const Catalog&) = delete;
  Catalog& operator=(const Catalog&) = delete;

  // Replaces the description (the relations are rebuilt). Throws
  // std::runtime_error for a description that contradicts itself (a key
  // on a column that does not exist).
  void update(Description description);
  Description description() const;

  // The table OID and attnum of `table`.`column` (a table or view of the
  // description) for a result column that reads it unchanged, as
  // PostgreSQL's RowDescription tells pgjdbc, Npgsql, node-pg and GUI tools
  // which table a result came from (libpq's PQftable, PQftablecol). A
  // table keeps its OID across update() while it exists. nullopt for a name
  // the description does not have.
  std::optional<ColumnOrigin> column_origin(std::string_view schema, std::string_view table,
                                            std::string_view column) const;

  // True for a statement that reads the catalog: a SELECT / WITH / VALUES
  // naming pg_catalog, information_schema, a pg_catalog relation (pg_class,
  // pg_roles, ...) or a catalog function (format_type, pg_get_*, ...).
  static bool is_catalog_query(std::string_view sql);

  // The result of a catalog query, nullopt for other statements. A catalog
  // query the engine cannot evaluate gives 0A000 (feature_not_supported)
  // with the reason in DETAIL.
  std::optional<Response> answer(Session& session, std::string_view statement) override;
  // Execute: the same, with the portal's parameters and result formats.
  std::optional<Response> answer(Session& session, const Portal& portal) override;
  // Parse: for a catalog query, fills the parameter types it infers and the
  // result columns, and returns true.
  bool describe(Statement& stmt) override;

  // A catalog query outside a session (tests, tools): columns and text values.
  struct Result {
    Schema columns;
    std::vector<std::vector<std::optional<std::string>>> rows;
  };
  // Throws PgError as answer() reports it.
  // `search_path` as the session has it (PostgreSQL's default unless
  // given; '' searches pg_catalog only): it decides which names print
  // unqualified.
  // `settings`: the session's, for current_setting() (else the built-in
  // defaults answer); read only during the call.
  Result query(std::string_view sql, const std::vector<std::optional<std::string>>& parameters = {},
               const std::string& user = "", const std::string& database = "",
               const std::string& search_path = "\"$user\", public", const ParameterMap* settings = nullptr);

 private:
  struct Engine;
  mutable std::mutex mutex_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace pgwire::catalog
