// The catalog engine on PostgreSQL constructs one by one: reg* casts, arrays,
// ANY, set-returning functions, regular expressions, parameters, routing,
// errors, updates.

#include <catch2/catch.hpp>

#include "pgwire/catalog/catalog.hpp"

using pgwire::catalog::Builder;
using pgwire::catalog::Catalog;
namespace oid = pgwire::oid;
using Row = std::vector<std::optional<std::string>>;
using Rows = std::vector<Row>;

namespace {

Catalog make() {
  return Catalog(Builder()
                     .schema("sales")
                     .table("books")
                     .column("id", oid::int4).primary_key()
                     .table("orders", "sales")
                     .column("id", oid::int8).primary_key()
                     .column("book_id", oid::int4).references("books", "id")
                     .build());
}

std::string sqlstate_of(Catalog& c, const std::string& sql) {
  try {
    c.query(sql);
  } catch (const pgwire::PgError& e) {
    return e.info().code;
  }
  return "";
}

}  // namespace

TEST_CASE("reg* casts look names up and print names, ::text of a regclass is its name") {
  Catalog c = make();
  auto oid_of_books = c.query("SELECT oid FROM pg_class WHERE relname = 'books'").rows.at(0).at(0);
  CHECK(c.query("SELECT 'books'::regclass::oid").rows == Rows{{oid_of_books}});
  auto r = c.query("SELECT 'books'::pg_catalog.regclass, 'sales.orders'::regclass, 'int4'::regtype, 'sales'::regnamespace");
  CHECK(r.rows == Rows{{"books", "sales.orders", "integer", "sales"}});  // sales is not on the search path
  CHECK(r.columns[0].type == 2205);
  CHECK(c.query("SELECT c.oid::regclass::text FROM pg_class c WHERE c.relname = 'orders'").rows == Rows{{"sales.orders"}});
  CHECK(sqlstate_of(c, "SELECT 'nope'::regclass") == "42P01");
}

TEST_CASE("arrays, ANY, ARRAY(subquery), subscripts, set-returning functions") {
  Catalog c = make();
  CHECK(c.query("SELECT ARRAY[1, 2, 3], array_to_string(ARRAY['a', 'b c'], '-'), 2 = ANY(ARRAY[1, 2])").rows ==
        Rows{{"{1,2,3}", "a-b c", "t"}});
  CHECK(c.query("SELECT ARRAY(SELECT relname FROM pg_class WHERE relname IN ('books', 'orders') ORDER BY 1)").rows ==
        Rows{{"{books,orders}"}});
  CHECK(c.query("SELECT ARRAY(SELECT relname FROM pg_class WHERE false)").rows == Rows{{"{}"}});
  CHECK(c.query("SELECT x FROM generate_series(1, 3) x").rows == Rows{{"1"}, {"2"}, {"3"}});
  CHECK(c.query("SELECT a.v, a.n FROM unnest(ARRAY['p', 'q']) WITH ORDINALITY AS a(v, n)").rows ==
        Rows{{"p", "1"}, {"q", "2"}});
  // unnest of several arrays advances them together; beside the item it
  // reads (no LATERAL in SQLite), as Django's index query sends it.
  CHECK(c.query("SELECT * FROM unnest(ARRAY[1, 2, 3], ARRAY['a', 'b']) AS u(n, s)").rows ==
        Rows{{"1", "a"}, {"2", "b"}, {"3", std::nullopt}});
  CHECK(c.query("SELECT c.relname, idx.key, idx.option, idx.arridx FROM (SELECT * FROM pg_index i, "
                "unnest(i.indkey, i.indoption) WITH ORDINALITY koi(key, option, arridx)) idx "
                "JOIN pg_class c ON c.oid = idx.indexrelid WHERE c.relname = 'books_pkey'")
            .rows == Rows{{"books_pkey", "1", "0", "1"}});
  CHECK(c.query("SELECT i.indexrelid::regclass::text, koi.arridx FROM pg_index i, unnest(i.indkey) WITH ORDINALITY "
                "koi(key, arridx) WHERE koi.key = 1 ORDER BY 1")
            .rows == Rows{{"books_pkey", "1"}, {"sales.orders_pkey", "1"}});
  // int2vector counts from 0, arrays from 1.
  CHECK(c.query("SELECT i.indkey[0], con.conkey[1] FROM pg_index i, pg_constraint con "
                "WHERE con.conindid = i.indexrelid AND con.contype = 'p' AND con.conname = 'books_pkey'")
            .rows == Rows{{"1", "1"}});
}

TEST_CASE("regular expressions, E strings, LIKE escapes, COLLATE, OPERATOR()") {
  Catalog c = make();
  CHECK(c.query("SELECT relname FROM pg_class WHERE relname OPERATOR(pg_catalog.~) '^(books)$' COLLATE pg_catalog.default")
            .rows == Rows{{"books"}});
  CHECK(c.query("SELECT relname FROM pg_class WHERE relname ~* '^BOOKS$'").rows == Rows{{"books"}});
  CHECK(c.query("SELECT count(*) FROM pg_class WHERE relname !~ '^pg_' AND relnamespace = 2200").rows == Rows{{"2"}});
  CHECK(c.query("SELECT E'a\\nb', 'it''s'").rows == Rows{{"a\nb", "it's"}});
  CHECK(c.query("SELECT relname FROM pg_class WHERE relname LIKE 'books\\_%'").rows == Rows{{"books_pkey"}});
}

TEST_CASE("parameters are bound and typed from the column they meet") {
  Catalog c = make();
  auto r = c.query("SELECT relname FROM pg_catalog.pg_class WHERE relname = $1 AND relkind = $2", {"orders", "r"});
  CHECK(r.rows == Rows{{"orders"}});
  CHECK(r.columns[0].type == oid::name);
}

TEST_CASE("only catalog queries are the catalog's") {
  CHECK(Catalog::is_catalog_query("SELECT * FROM pg_catalog.pg_class"));
  CHECK(Catalog::is_catalog_query("select relname from pg_class"));
  CHECK(Catalog::is_catalog_query("SELECT format_type(23, -1)"));
  CHECK(Catalog::is_catalog_query("WITH x AS (SELECT 1) SELECT * FROM information_schema.tables"));
  CHECK_FALSE(Catalog::is_catalog_query("SELECT * FROM books"));
  CHECK_FALSE(Catalog::is_catalog_query("SELECT 1"));
  CHECK_FALSE(Catalog::is_catalog_query("INSERT INTO pg_class VALUES (1)"));
  CHECK_FALSE(Catalog::is_catalog_query("SELECT 'pg_class'"));
}

TEST_CASE("what the engine cannot evaluate is 0A000, and update() replaces the description") {
  Catalog c = make();
  CHECK(sqlstate_of(c, "SELECT pg_catalog.no_such_function(1) FROM pg_class") == "0A000");
  CHECK(c.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").rows == Rows{{"1"}});
  c.update(Builder().table("a").column("x", oid::text).table("b").column("y", "varchar(3)").build());
  CHECK(c.query("SELECT table_name, data_type, character_maximum_length FROM information_schema.columns "
                "WHERE table_schema = 'public' ORDER BY 1")
            .rows == Rows{{"a", "text", std::nullopt}, {"b", "character varying", "3"}});
  CHECK(c.query("SELECT count(*) FROM pg_class WHERE relname = 'books'").rows == Rows{{"0"}});
}

TEST_CASE("a table keeps its OID across update(), and column_origin numbers its columns as pg_attribute") {
  Catalog c = make();
  auto oid_of = [&](const std::string& name) {
    auto rows = c.query("SELECT oid FROM pg_class WHERE relname = '" + name + "'").rows;
    REQUIRE(rows.size() == 1);
    return std::stoul(*rows[0][0]);
  };
  auto books = oid_of("books");
  auto origin = c.column_origin("public", "books", "id");
  REQUIRE(origin);
  CHECK(origin->table_oid == books);
  CHECK(origin->column_id == 1);
  CHECK(c.column_origin("sales", "orders", "book_id")->column_id == 2);
  CHECK(c.column_origin("sales", "orders", "book_id")->table_oid == oid_of("orders"));
  CHECK_FALSE(c.column_origin("public", "books", "nope"));
  CHECK_FALSE(c.column_origin("public", "orders", "id"));  // (orders is sales')

  // A table created before books (first in the description) and a column
  // added: books keeps its OID, the new table gets one no relation had.
  auto orders = oid_of("orders");
  c.update(Builder()
               .table("authors").column("id", oid::int4)
               .table("books").column("id", oid::int4).primary_key().column("title", oid::text)
               .build());
  CHECK(oid_of("books") == books);
  auto authors = oid_of("authors");
  CHECK(authors != books);
  CHECK(authors != orders);
  CHECK(c.column_origin("public", "books", "title")->column_id == 2);
  CHECK(c.query("SELECT attname FROM pg_attribute WHERE attrelid = " + std::to_string(books) + " AND attnum = 2")
            .rows == Rows{{"title"}});
  CHECK_FALSE(c.column_origin("sales", "orders", "id"));
  // Dropped and created again: a new OID, as PostgreSQL gives.
  c.update(Builder().table("authors").column("id", oid::int4).build());
  c.update(Builder().table("authors").column("id", oid::int4).table("books").column("id", oid::int4).build());
  CHECK(oid_of("authors") == authors);
  CHECK(oid_of("books") != books);
  CHECK(oid_of("books") != orders);
}

TEST_CASE("pg_dump 15's catalog reads: tableoid bare or qualified, quote_literal, pg_options_to_table, pg_seclabels") {
  Catalog c = make();
  CHECK(c.query("SELECT tableoid, typname FROM pg_type WHERE typname = 'int4'").rows == Rows{{"1247", "int4"}});
  CHECK(c.query("SELECT t.tableoid AS tableoid FROM pg_catalog.pg_class t WHERE t.relname = 'books'").rows ==
        Rows{{"1259"}});
  CHECK(c.query("SELECT tableoid, oid FROM pg_catalog.pg_publication_namespace").rows.empty());
  CHECK(c.query("SELECT quote_literal('it''s'), quote_literal(E'a\\\\b'), quote_literal(NULL)").rows ==
        Rows{{"'it''s'", "E'a\\\\b'", std::nullopt}});
  CHECK(c.query("SELECT array_to_string(ARRAY(SELECT quote_ident(option_name) || ' ' || quote_literal(option_value)"
                " FROM pg_catalog.pg_options_to_table(attfdwoptions) ORDER BY option_name), ', ')"
                " FROM pg_attribute WHERE attname = 'book_id'")
            .rows == Rows{{""}});
  CHECK(c.query("SELECT label, provider FROM pg_catalog.pg_seclabels").rows.empty());
  // A name subscripted is its character (pg_dump's test for array types).
  CHECK(c.query("SELECT typname[0] = '_' AND typelem != 0 AND (SELECT typarray FROM pg_type te WHERE oid ="
                " pg_type.typelem) = oid FROM pg_type WHERE typname = '_books'")
            .rows == Rows{{"t"}});
  CHECK(c.query("SELECT partrelid FROM pg_partitioned_table WHERE 1 = ANY(partclass)").rows.empty());
}

TEST_CASE("the session's search_path decides which names print qualified, as in PostgreSQL") {
  Catalog c = make();
  const std::string books_oid = *c.query("SELECT oid FROM pg_class WHERE relname = 'books'").rows.at(0).at(0);
  auto with_path = [&](const std::string& path, const std::string& sql) {
    return c.query(sql, {}, "", "", path).rows;
  };
  // PostgreSQL's default: "$user", public.
  CHECK(c.query("SELECT current_schema(), current_schemas(false), current_schemas(true)").rows ==
        Rows{{"public", "{public}", "{pg_catalog,public}"}});
  // pg_dump's empty path: nothing but pg_catalog, so every relation is qualified.
  CHECK(with_path("", "SELECT current_schema(), current_schemas(false), current_schemas(true)") ==
        Rows{{std::nullopt, "{}", "{pg_catalog}"}});
  CHECK(with_path("", "SELECT " + books_oid + "::regclass::text") == Rows{{"public.books"}});
  CHECK(with_path("", "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'") ==
        Rows{{"FOREIGN KEY (book_id) REFERENCES public.books(id)"}});
  CHECK(with_path("", "SELECT pg_table_is_visible(" + books_oid + ")") == Rows{{"f"}});
  // Another schema first: its names print bare, public's qualified; quoted and
  // upper-case names as PostgreSQL folds them; unknown schemas are skipped.
  CHECK(with_path("nosuch, SALES", "SELECT 'orders'::regclass::text, " + books_oid + "::regclass::text, current_schemas(false)") ==
        Rows{{"orders", "public.books", "{sales}"}});
  CHECK(with_path("\"sales\", public", "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f'") ==
        Rows{{"FOREIGN KEY (book_id) REFERENCES books(id)"}});
  // pg_catalog listed later is searched there, not first.
  CHECK(with_path("public, pg_catalog", "SELECT current_schemas(true)") == Rows{{"{public,pg_catalog}"}});
}

TEST_CASE("an enum type: pg_type with its array type, pg_enum in sort order, format_type, columns of it") {
  Catalog c(Builder()
                .enum_type("mood", {"sad", "ok", "happy"}, 100000, 100001)
                .table("person")
                .column("name", oid::text)
                .column("current_mood", 100000)
                .build());
  auto types = c.query("SELECT t.typname, t.typtype, t.typcategory, t.typlen, a.typname, a.typelem::int4 "
                       "FROM pg_type t JOIN pg_type a ON a.oid = t.typarray WHERE t.oid = 100000");
  CHECK(types.rows == Rows{{"mood", "e", "E", "4", "_mood", "100000"}});
  CHECK(c.query("SELECT enumlabel FROM pg_enum WHERE enumtypid = 100000 ORDER BY enumsortorder").rows ==
        Rows{{"sad"}, {"ok"}, {"happy"}});
  CHECK(c.query("SELECT format_type(100000, NULL), format_type(100001, NULL), 100000::regtype::text").rows ==
        Rows{{"mood", "mood[]", "mood"}});
  CHECK(c.query("SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid "
                "WHERE r.relname = 'person' AND a.attname = 'current_mood'")
            .rows == Rows{{"mood"}});
  CHECK(c.query("SELECT data_type, udt_schema, udt_name FROM information_schema.columns "
                "WHERE table_name = 'person' AND column_name = 'current_mood'")
            .rows == Rows{{"USER-DEFINED", "public", "mood"}});
  // The catalog's own OIDs go around the product's: no pg_class row takes 100000.
  CHECK(c.query("SELECT count(*) FROM pg_class WHERE oid IN (100000, 100001)").rows == Rows{{"0"}});
  CHECK(c.query("SELECT typinput::regproc::text, typoutput::regproc::text FROM pg_type WHERE oid = 100000").rows ==
        Rows{{"enum_in", "enum_out"}});
}

TEST_CASE("information_schema's constraint views, and a CASE named after its ELSE column") {
  Catalog c = make();
  CHECK(c.query("SELECT constraint_name, table_schema, table_name, constraint_type FROM "
                "information_schema.table_constraints WHERE constraint_name NOT LIKE '%_not_null' ORDER BY 1")
            .rows == Rows{{"books_pkey", "public", "books", "PRIMARY KEY"},
                          {"orders_book_id_fkey", "sales", "orders", "FOREIGN KEY"},
                          {"orders_pkey", "sales", "orders", "PRIMARY KEY"}});
  // (NOT NULL columns are CHECKs, as in PostgreSQL)
  CHECK(c.query("SELECT count(*) FROM information_schema.table_constraints WHERE constraint_name LIKE '%_not_null'")
            .rows == Rows{{c.query("SELECT count(*) FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid "
                                   "WHERE a.attnotnull AND a.attnum > 0 AND r.relkind IN ('r', 'p')").rows.at(0).at(0)}});
  CHECK(c.query("SELECT constraint_name, column_name, ordinal_position, position_in_unique_constraint FROM "
                "information_schema.key_column_usage ORDER BY 1")
            .rows == Rows{{"books_pkey", "id", "1", std::nullopt},
                          {"orders_book_id_fkey", "book_id", "1", "1"},
                          {"orders_pkey", "id", "1", std::nullopt}});
  CHECK(c.query("SELECT table_schema, table_name, column_name FROM information_schema.constraint_column_usage "
                "WHERE constraint_name = 'orders_book_id_fkey'")
            .rows == Rows{{"public", "books", "id"}});
  CHECK(c.query("SELECT unique_constraint_name, match_option, update_rule, delete_rule FROM "
                "information_schema.referential_constraints")
            .rows == Rows{{"books_pkey", "NONE", "NO ACTION", "NO ACTION"}});
  auto r = c.query("SELECT CASE WHEN false THEN 'x' ELSE relname END, CASE WHEN true THEN relname END "
                   "FROM pg_class WHERE relname = 'books'");
  CHECK(r.columns.at(0).name == "relname");
  CHECK(r.columns.at(1).name == "case");
}
