// The "hello world" of a product: fixed results for any query (see
// fixed_results.hpp), with any of the auth methods, and a catalog described
// in a few lines (pgwire/catalog) so that psql's \d, \dt, \d items work.

#include <algorithm>

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

// Catalog queries are the catalog's; every other statement gets its fixed result.
class FixedResultsWithCatalog final : public pgwire::SimpleQueryHandler {
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

 private:
  pgwire::catalog::Catalog catalog_{describe()};
  example::FixedResults fixed_;
};

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv, "Fixed results for any query: a minimal pgwire product.");
  pgwire::Server server(example::server_options(flags),
                        {example::auth_handler(flags), std::make_shared<FixedResultsWithCatalog>()});
  return example::serve(server, flags);
}
