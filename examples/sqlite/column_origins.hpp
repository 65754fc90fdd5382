#pragma once
// Where a result column comes from, for RowDescription's table OID and
// attnum. PostgreSQL fills them for a column that reads a table's column
// unchanged, and clients build on them: libpq's PQftable/PQftablecol,
// pgjdbc's ResultSetMetaData (base table and column, nullability), Npgsql's
// schema table, node-pg's tableID/columnID, and the GUI tools that let a
// result be edited in place. SQLite traces the same columns
// (sqlite3_column_table_name, through views and subqueries); the product's
// catalog numbers them (sqlite_server: CatalogRefresher, catalog.hpp).

#include <cstdint>
#include <string_view>

#include <sqlite3.h>

#include <pgwire/types/oid.hpp>

namespace sqlite_example {

class ColumnOrigins {
 public:
  struct Origin {
    pgwire::Oid table_oid = 0;
    std::int16_t column_id = 0;
  };
  virtual ~ColumnOrigins() = default;
  // On the connection's worker: `database` as SQLite names it ("main",
  // "temp", ...), `table` and `column` as SQLite traced them, `statement`
  // the SQL SQLite ran. {0, 0} when unknown.
  virtual Origin origin(sqlite3* db, const char* database, const char* table, const char* column,
                        std::string_view statement) = 0;
};

}  // namespace sqlite_example
