// The "hello world" of a product: fixed results for any query (see
// fixed_results.hpp), in simple and extended query (so drivers and
// pgbench -M extended/prepared work), with any of the auth methods, and a
// catalog described in a few lines (pgwire/catalog) so that psql's \d, \dt,
// \d items work.

#include <algorithm>
#include <optional>

#include <pgwire/api/extended.hpp>

#include <pgwire/catalog/catalog.hpp>

#include "common.hpp"
#include "fixed_results.hpp"

namespace {

// The tables this product pretends to have.
pgwire::catalog::Description describe() {
  using pgwire::oid::int4;
  using pgwire::oid::text;
  return pgwire::catalog::Builder()
      .table("items").comment("What the fixed results are made of")
      .column("id", int4).primary_key()
      .column("name", text).not_null()
      .column("price", "numeric(10,2)").default_value("0")
      .table("orders")
      .column("id", int4).primary_key()
      .column("item_id", int4).not_null().references("items", "id")
      .column("quantity", int4).not_null().default_value("1")
      .index("orders_item_id_idx", {"item_id"})
      .build();
}

// The columns of the fixed result of a SELECT (fixed_results.hpp).
const pgwire::SchemaPtr& statement_schema() {
  static const auto schema =
      pgwire::make_schema({{"statement", pgwire::oid::text}, {"length", pgwire::oid::int4, 4}});
  return schema;
}

// Takes the one Response that FixedResults sends for one statement.
class Capture final : public pgwire::ResponseSink {
 public:
  asio::awaitable<bool> send(pgwire::Response& r) override {
    response = std::move(r);
    co_return true;
  }
  std::optional<pgwire::Response> response;
};

// Marks a statement whose result is (statement, length), written typed at
// Execute so that binary result formats work.
struct EchoStatement {};

// Catalog queries are the catalog's; every other statement gets its fixed result.
class FixedResultsWithCatalog final : public pgwire::SimpleQueryHandler, public pgwire::ExtendedQueryHandler {
 public:
  asio::awaitable<void> stream(pgwire::Session& session, std::string_view sql, pgwire::ResponseSink& out) override {
    auto statements = pgwire::split_statements(sql);
    if (std::none_of(statements.begin(), statements.end(), pgwire::catalog::Catalog::is_catalog_query)) {
      co_await fixed_.stream(session, sql, out);
      co_return;
    }
    for (auto stmt : statements) {
      if (auto r = catalog_.answer(session, stmt)) {
        if (!co_await out.send(*r)) break;
        continue;
      }
      co_await fixed_.stream(session, stmt, out);
    }
  }

  // Parse: the same answers as simple query, described before they run
  // (an "error" statement is refused here, as PostgreSQL refuses bad SQL at Parse).
  asio::awaitable<void> prepare(pgwire::Session&, pgwire::Statement& stmt) override {
    if (catalog_.describe(stmt) || pgwire::is_empty_query(stmt.sql)) co_return;
    std::string_view sql = stmt.sql;
    for (std::string_view word : {"BEGIN", "COMMIT", "ROLLBACK"})
      if (example::starts_with_word(sql, word)) co_return;  // no rows (NoData)
    if (sql.find("pg_sleep(") != std::string_view::npos) {
      stmt.columns = pgwire::make_schema({{"pg_sleep", pgwire::oid::void_, 4}});
      co_return;
    }
    if (sql.find("error") != std::string_view::npos)
      throw pgwire::PgError(pgwire::ErrorInfo::error(pgwire::sqlstate::syntax_error, "you asked for an error")
                                .with_detail("The statement contained the word \"error\".")
                                .with_hint("Leave it out."));
    stmt.columns = statement_schema();
    stmt.set_handle(std::make_shared<EchoStatement>());
  }

  asio::awaitable<pgwire::Response> execute(pgwire::Session& session, pgwire::Portal& portal) override {
    if (auto r = catalog_.answer(session, portal)) co_return std::move(*r);
    const auto& sql = portal.statement->sql;
    if (pgwire::is_empty_query(sql)) co_return pgwire::Response::empty();
    if (portal.statement->handle_as<EchoStatement>() != nullptr) {
      auto statement = std::string(pgwire::split_statements(sql).front());
      auto row = [statement](pgwire::RowWriter& out) {  // the one row, then no more
        out.begin_row();
        out.add(std::string_view(statement));
        out.add(static_cast<std::int32_t>(statement.size()));
        out.end_row();
        return false;
      };
      co_return pgwire::Response::rows(statement_schema(), pgwire::make_row_source(std::move(row)));
    }
    Capture capture;  // BEGIN/COMMIT/ROLLBACK, pg_sleep: FixedResults' own answer
    co_await fixed_.stream(session, sql, capture);
    co_return capture.response ? std::move(*capture.response) : pgwire::Response::empty();
  }

 private:
  pgwire::catalog::Catalog catalog_{describe()};
  example::FixedResults fixed_;
};

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Fixed results for any query: a minimal pgwire product.");
  auto handler = std::make_shared<FixedResultsWithCatalog>();
  pgwire::Server server(example::server_options(flags), {example::auth_handler(flags), handler, handler});
  return example::serve(server, flags);
}
