// psql 15's own catalog queries (captured with psql -E, data/psql15_queries.sql)
// evaluated by the catalog layer over a described schema; the expected rows
// are PostgreSQL 15's for the same schema, made there with CREATE TABLE.

#include "captured_queries.hpp"

using catalog_test::null;
using catalog_test::Row;
using pgwire::catalog::Builder;
using pgwire::catalog::Catalog;
namespace oid = pgwire::oid;

namespace {

// The schema, described with the Builder.
pgwire::catalog::Description library_schema() {
  return Builder("postgres", "postgres")
      .table("authors")
      .column("id", oid::int4).primary_key()
      .column("name", oid::text).not_null()
      .column("born", oid::date)
      .table("books")
      .column("id", oid::int4).primary_key()
      .column("author_id", oid::int4).not_null().references("authors", "id")
      .column("title", "varchar(200)").not_null()
      .column("price", "numeric(10,2)").default_value("0")
      .check("books_price_check", "price >= 0::numeric")
      .index("books_title_idx", {"title"})
      .view("cheap_books", " SELECT books.id,\n    books.title\n   FROM books\n  WHERE books.price < 10::numeric;")
      .column("id", oid::int4)
      .column("title", "varchar(200)")
      .build();
}

std::map<std::string, std::string> psql_queries() {
  return catalog_test::captured_queries("psql15_queries.sql", "-- psql: ");
}

std::string with(std::string sql, const std::string& oid_value, const std::string& name = "") {
  for (auto [key, value] : {std::pair<std::string, std::string>{"{oid}", oid_value}, {"{name}", name}}) {
    for (auto at = sql.find(key); at != std::string::npos; at = sql.find(key)) sql.replace(at, key.size(), value);
  }
  return sql;
}

}  // namespace

TEST_CASE("psql 15 listing relations (dt, di, dv, d) gives PostgreSQL 15's rows") {
  Catalog catalog(library_schema());
  auto q = psql_queries();

  auto dt = catalog.query(q.at("\\dt 1"));
  REQUIRE(dt.columns.size() == 4);
  CHECK(dt.columns[0].name == "Schema");
  CHECK(dt.columns[0].type == oid::name);
  CHECK(dt.columns[2].name == "Type");
  CHECK(dt.columns[2].type == oid::text);
  CHECK(dt.rows == std::vector<Row>{{"public", "authors", "table", "postgres"}, {"public", "books", "table", "postgres"}});

  auto di = catalog.query(q.at("\\di 1"));
  CHECK(di.rows == std::vector<Row>{{"public", "authors_pkey", "index", "postgres", "authors"},
                                    {"public", "books_pkey", "index", "postgres", "books"},
                                    {"public", "books_title_idx", "index", "postgres", "books"}});
  auto dv = catalog.query(q.at("\\dv 1"));
  CHECK(dv.rows == std::vector<Row>{{"public", "cheap_books", "view", "postgres"}});
  auto d = catalog.query(q.at("\\d 1"));
  CHECK(d.rows == std::vector<Row>{{"public", "authors", "table", "postgres"},
                                   {"public", "books", "table", "postgres"},
                                   {"public", "cheap_books", "view", "postgres"}});
}

TEST_CASE("psql 15 describing a table (d name): each of its queries gives PostgreSQL 15's rows") {
  Catalog catalog(library_schema());
  auto q = psql_queries();

  auto found = catalog.query(with(q.at("\\d_table 1"), "", "books"));
  REQUIRE(found.rows.size() == 1);
  CHECK(found.columns[0].type == oid::oid);
  std::string books = *found.rows[0][0];
  CHECK(found.rows[0][1] == "public");
  CHECK(found.rows[0][2] == "books");
  std::string authors = *catalog.query(with(q.at("\\d_table 1"), "", "authors")).rows.at(0)[0];

  auto info = catalog.query(with(q.at("\\d_table 2"), books));
  REQUIRE(info.rows.size() == 1);
  CHECK(info.rows[0] == Row{"1", "r", "t", "f", "t", "f", "f", "f", "f", "", "0", "", "p", "d", "heap"});
  CHECK(info.columns[1].type == oid::char_);
  CHECK(info.columns[2].type == oid::bool_);

  auto columns = catalog.query(with(q.at("\\d_table 3"), books));
  CHECK(columns.rows == std::vector<Row>{{"id", "integer", null, "t", null, "", ""},
                                         {"author_id", "integer", null, "t", null, "", ""},
                                         {"title", "character varying(200)", null, "t", null, "", ""},
                                         {"price", "numeric(10,2)", "0", "f", null, "", ""}});
  CHECK(columns.columns[1].name == "format_type");

  auto indexes = catalog.query(with(q.at("\\d_table 4"), books));
  CHECK(indexes.rows ==
        std::vector<Row>{{"books_pkey", "t", "t", "f", "t", "CREATE UNIQUE INDEX books_pkey ON public.books USING btree (id)",
                          "PRIMARY KEY (id)", "p", "f", "f", "f", "0"},
                         {"books_title_idx", "f", "f", "f", "t",
                          "CREATE INDEX books_title_idx ON public.books USING btree (title)", null, null, null, null, "f",
                          "0"}});

  auto fks = catalog.query(with(q.at("\\d_table 5"), books));
  CHECK(fks.rows == std::vector<Row>{{"t", "books_author_id_fkey", "FOREIGN KEY (author_id) REFERENCES authors(id)", "books"}});
  CHECK(fks.columns[3].name == "ontable");

  auto checks = catalog.query(with(q.at("\\d_table checks"), books));
  CHECK(checks.rows == std::vector<Row>{{"books_price_check", "CHECK (price >= 0::numeric)"}});
  CHECK(catalog.query(with(q.at("\\d_table checks"), authors)).rows.empty());
  // pg_dump's call (not pretty) and the columns the check names.
  CHECK(catalog.query("SELECT pg_get_constraintdef(oid), conkey FROM pg_constraint WHERE contype = 'c'").rows ==
        std::vector<Row>{{"CHECK ((price >= 0::numeric))", "{4}"}});

  auto referenced = catalog.query(with(q.at("\\d_table 6"), authors));
  CHECK(referenced.rows == std::vector<Row>{{"books_author_id_fkey", "books", "FOREIGN KEY (author_id) REFERENCES authors(id)"}});
  CHECK(catalog.query(with(q.at("\\d_table 6"), books)).rows.empty());

  // Policies, statistics, publications, triggers, inheritance, partitions: none.
  for (int i = 7; i <= 12; ++i) {
    INFO("query " << i);
    CHECK(catalog.query(with(q.at("\\d_table " + std::to_string(i)), books)).rows.empty());
  }
}

TEST_CASE("psql 15 l, dn, du, df, dT give PostgreSQL 15's rows") {
  Catalog catalog(library_schema());
  auto q = psql_queries();
  CHECK(catalog.query(q.at("\\l 1")).rows == std::vector<Row>{{"postgres", "postgres", "UTF8", "C", "C", null, "libc", null}});
  CHECK(catalog.query(q.at("\\dn 1")).rows == std::vector<Row>{{"public", "pg_database_owner"}});
  auto du = catalog.query(q.at("\\du 1"));
  CHECK(du.rows == std::vector<Row>{{"postgres", "t", "t", "t", "t", "t", "-1", null, "{}", "t", "t"}});
  CHECK(du.columns[6].type == oid::int4);
  CHECK(du.columns[8].type == oid::name_array);
  CHECK(catalog.query(q.at("\\df 1")).rows.empty());
  CHECK(catalog.query(q.at("\\dT 1")).rows.empty());
}

TEST_CASE("psql 15 lists and describes sequences, and pg_get_serial_sequence finds a column's") {
  Catalog catalog(Builder("postgres", "postgres")
                      .table("orders")
                      .column("id", oid::int4).not_null().default_value("nextval('orders_id_seq'::regclass)")
                      .primary_key()
                      .sequence("orders_id_seq", oid::int4).owned_by("orders", "id")
                      .sequence("tickets")
                      .build());
  auto q = psql_queries();
  CHECK(catalog.query(q.at("\\d 1")).rows == std::vector<Row>{{"public", "orders", "table", "postgres"},
                                                             {"public", "orders_id_seq", "sequence", "postgres"},
                                                             {"public", "tickets", "sequence", "postgres"}});
  auto found = catalog.query(with(q.at("\\d_table 1"), "", "orders_id_seq"));
  REQUIRE(found.rows.size() == 1);
  std::string seq = *found.rows[0][0];
  CHECK(catalog.query(with(q.at("\\d_table 2"), seq)).rows.at(0).at(1) == "S");
  CHECK(catalog.query(with(q.at("\\d_sequence 1"), seq)).rows ==
        std::vector<Row>{{"integer", "1", "1", "2147483647", "1", "no", "1"}});
  CHECK(catalog.query(with(q.at("\\d_sequence 2"), seq)).rows == std::vector<Row>{{"public.orders.id", "a"}});
  std::string tickets = *catalog.query(with(q.at("\\d_table 1"), "", "tickets")).rows.at(0)[0];
  CHECK(catalog.query(with(q.at("\\d_sequence 1"), tickets)).rows ==
        std::vector<Row>{{"bigint", "1", "1", "9223372036854775807", "1", "no", "1"}});
  CHECK(catalog.query(with(q.at("\\d_sequence 2"), tickets)).rows.empty());

  CHECK(catalog.query("SELECT pg_get_serial_sequence('orders', 'id'), pg_get_serial_sequence('public.orders', 'id'),"
                      " pg_get_serial_sequence('orders', 'other'), 'orders_id_seq'::regclass::oid = " + seq)
            .rows == std::vector<Row>{{"public.orders_id_seq", "public.orders_id_seq", null, "t"}});
}
