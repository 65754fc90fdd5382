#pragma once
// What a product tells the catalog layer about its schema: schemas, tables
// and views with their columns, keys, indexes, and functions. The catalog
// (catalog.hpp) turns it into PostgreSQL's catalog relations (pg_class,
// pg_attribute, pg_constraint, ...), so the introspection queries of psql
// and drivers are answered by evaluating them.
//
// Describe it by hand with the Builder:
//
//   auto d = pgwire::catalog::Builder("mydb")
//       .table("authors").column("id", oid::int4).not_null().primary_key()
//                        .column("name", oid::text).not_null()
//       .table("books").column("id", oid::int4).primary_key()
//                      .column("author_id", oid::int4).references("authors", "id")
//                      .index("books_author_idx", {"author_id"})
//       .build();
//
// or fill the structs from your own metadata (a provider refreshed after DDL).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "pgwire/types/oid.hpp"

namespace pgwire::catalog {

struct ColumnInfo {
  std::string name;
  Oid type = oid::text;
  std::int32_t typmod = -1;  // PostgreSQL's atttypmod: varchar(n) n+4, numeric(p,s) ((p<<16)|s)+4
  bool not_null = false;
  std::optional<std::string> default_expr;  // as pg_get_expr prints it: "0", "now()"
  std::string comment;
};

struct IndexInfo {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
};

struct UniqueInfo {
  std::string name;  // empty: <table>_<columns>_key, as PostgreSQL names it
  std::vector<std::string> columns;
};

struct ForeignKeyInfo {
  std::string name;  // empty: <table>_<columns>_fkey
  std::vector<std::string> columns;
  std::string ref_schema;  // empty: the table's schema
  std::string ref_table;
  std::vector<std::string> ref_columns;
  char on_update = 'a';  // pg_constraint.confupdtype: a no action, r restrict, c cascade, n set null, d set default
  char on_delete = 'a';
};

// A CHECK constraint: pg_get_constraintdef prints CHECK (expression).
struct CheckInfo {
  std::string name;
  std::string expression;  // as PostgreSQL prints it: age >= 0
};

struct TableInfo {
  enum class Kind { table, view };
  std::string schema = "public";
  std::string name;
  Kind kind = Kind::table;
  std::vector<ColumnInfo> columns;
  std::vector<std::string> primary_key;  // column names; empty: none
  std::string primary_key_name;          // empty: <table>_pkey
  std::vector<UniqueInfo> uniques;
  std::vector<ForeignKeyInfo> foreign_keys;
  std::vector<CheckInfo> checks;
  std::vector<IndexInfo> indexes;  // besides those of the primary key and unique constraints
  std::string view_definition;     // for views: what pg_get_viewdef prints
  std::string comment;
};

// A sequence (pg_class relkind 'S', pg_sequence). One owned by a column
// (a serial column's t_c_seq) is what pg_get_serial_sequence finds, and
// psql's \d prints "Owned by: public.t.c".
struct SequenceInfo {
  std::string schema = "public";
  std::string name;
  Oid type = oid::int8;  // int2, int4 or int8
  std::int64_t start = 1, min = 1, max = INT64_MAX, increment = 1, cache = 1;
  bool cycle = false;
  std::string owner_table, owner_column;  // empty: owned by nothing; the table is in the sequence's schema
};

// An enum type (CREATE TYPE name AS ENUM): pg_type (typtype 'e') with its
// array type, and a pg_enum row per label. The product chooses both OIDs,
// since its RowDescriptions carry them; the catalog numbers its other
// objects around them.
struct EnumInfo {
  std::string schema = "public";
  std::string name;
  Oid oid = 0;        // the type's
  Oid array_oid = 0;  // its array type's (name[])
  std::vector<std::string> labels;  // in sort order
  std::vector<float> sort_orders;   // pg_enum.enumsortorder per label; empty: 1, 2, 3, ...
};

struct FunctionInfo {
  std::string schema = "public";
  std::string name;
  std::vector<Oid> argument_types;
  std::vector<std::string> argument_names;  // empty or one per argument
  Oid result_type = oid::void_;
  char kind = 'f';  // pg_proc.prokind: f function, a aggregate, w window, p procedure
  std::string comment;
};

struct Description {
  std::string database = "postgres";
  std::string owner = "postgres";  // owns the database and every object
  std::vector<std::string> schemas{"public"};  // besides pg_catalog and information_schema
  std::vector<TableInfo> tables;
  std::vector<SequenceInfo> sequences;
  std::vector<EnumInfo> enums;
  std::vector<FunctionInfo> functions;
};

// A Description in a few lines: each call adds to the table (or column)
// added last.
class Builder {
 public:
  explicit Builder(std::string database = "postgres", std::string owner = "postgres");
  Builder& schema(std::string name);
  Builder& table(std::string name, std::string schema = "public");
  Builder& view(std::string name, std::string definition, std::string schema = "public");
  Builder& column(std::string name, Oid type, std::int32_t typmod = -1);
  // A column declared as SQL spells its type: "varchar(20)", "numeric(10,2)", "int[]".
  Builder& column(std::string name, std::string_view sql_type);
  Builder& not_null();
  Builder& default_value(std::string expression);
  Builder& primary_key();  // the last column (call again for a composite key)
  Builder& unique();       // a one-column unique constraint on the last column
  Builder& references(std::string table, std::string column);
  Builder& check(std::string name, std::string expression);  // on the last table
  Builder& index(std::string name, std::vector<std::string> columns, bool unique = false);
  Builder& comment(std::string text);  // on the last column, else the last table
  // A sequence of `type` counting 1, 2, ... up to the type's maximum.
  Builder& sequence(std::string name, Oid type = oid::int8, std::string schema = "public");
  Builder& owned_by(std::string table, std::string column);  // the last sequence's owner
  Builder& function(std::string name, std::vector<Oid> arguments, Oid result, std::string schema = "public");
  // An enum type with its labels, in order; columns of it are column(name, oid).
  Builder& enum_type(std::string name, std::vector<std::string> labels, Oid oid, Oid array_oid,
                     std::string schema = "public");
  Description build() const { return d_; }

 private:
  TableInfo& last_table();
  ColumnInfo& last_column();
  Description d_;
};

// The type modifier PostgreSQL stores for "varchar(20)", "numeric(10,2)",
// "timestamp(3)"; -1 when `sql_type` has none.
std::int32_t typmod_from_sql_name(std::string_view sql_type) noexcept;

}  // namespace pgwire::catalog
