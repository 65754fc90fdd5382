// pgjdbc 42.5's DatabaseMetaData queries (captured from PostgreSQL 15's log,
// data/pgjdbc42_queries.sql) evaluated by the catalog layer; the expected
// rows are PostgreSQL 15's for the same schema.

#include "captured_queries.hpp"

using catalog_test::columns_of;
using catalog_test::null;
using catalog_test::Row;
using pgwire::catalog::Builder;
using pgwire::catalog::Catalog;
namespace oid = pgwire::oid;

namespace {

pgwire::catalog::Description library() {
  return Builder()
      .table("authors")
      .column("id", oid::int4).primary_key()
      .column("name", oid::text).not_null()
      .table("books")
      .column("id", oid::int4).primary_key()
      .column("author_id", oid::int4).not_null().references("authors", "id")
      .column("title", "varchar(200)").not_null()
      .column("price", "numeric(10,2)").default_value("0")
      .index("books_title_idx", {"title"})
      .build();
}

std::map<std::string, std::string> pgjdbc_queries() {
  return catalog_test::captured_queries("pgjdbc42_queries.sql", "-- pgjdbc: ");
}

}  // namespace

TEST_CASE("pgjdbc 42.5 DatabaseMetaData queries give PostgreSQL 15's rows") {
  Catalog catalog(library());
  auto q = pgjdbc_queries();

  auto tables = catalog.query(q.at("getTables"));
  CHECK(columns_of(tables, {1, 2, 3}) == std::vector<Row>{{"public", "authors", "TABLE"}, {"public", "books", "TABLE"}});

  auto keys = catalog.query(q.at("getPrimaryKeys"));
  CHECK(keys.rows == std::vector<Row>{{null, "public", "books", "id", "1", "books_pkey"}});

  auto imported = catalog.query(q.at("getImportedKeys"));
  CHECK(imported.rows == std::vector<Row>{{null, "public", "authors", "id", null, "public", "books", "author_id", "1", "3",
                                           "3", "books_author_id_fkey", "authors_pkey", "7"}});
  CHECK(catalog.query(q.at("getExportedKeys")).rows == imported.rows);

  auto indexes = catalog.query(q.at("getIndexInfo"));
  CHECK(indexes.rows == std::vector<Row>{{null, "public", "books", "f", null, "books_pkey", "3", "1", "id", "A", "0", "1", null},
                                         {null, "public", "books", "t", null, "books_title_idx", "3", "1", "title", "A", "0", "1", null}});
  CHECK(indexes.columns[3].type == oid::bool_);

  CHECK(catalog.query(q.at("max_index_keys")).rows == std::vector<Row>{{"32"}});
  CHECK(columns_of(catalog.query(q.at("getSchemas")), {0}) ==
        std::vector<Row>{{"information_schema"}, {"pg_catalog"}, {"public"}});
}

TEST_CASE("pgjdbc 42.5 getColumns: types, sizes, nullability and defaults as on PostgreSQL 15") {
  Catalog catalog(library());
  auto q = pgjdbc_queries();
  auto columns = catalog.query(q.at("getColumns"));
  // nspname, relname, attname, atttypid, attnotnull, atttypmod, ..., attnum, adsrc (pgjdbc computes the rest)
  REQUIRE(columns.rows.size() == 4);
  auto names = columns_of(columns, {2, 3, 4, 5});
  CHECK(names == std::vector<Row>{{"id", "23", "t", "-1"},
                                  {"author_id", "23", "t", "-1"},
                                  {"title", "1043", "t", "204"},
                                  {"price", "1700", "f", "655366"}});
}
