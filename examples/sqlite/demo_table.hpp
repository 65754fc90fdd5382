#pragma once
// The `demo` table sqlite_server makes on its first start (three fruits), so
// that a newcomer's first `SELECT * FROM demo` in psql has rows to show.

#include <sqlite3.h>

#include "ddl.hpp"
#include "values.hpp"

namespace sqlite_example {

// The demo table, made as if a client had sent its CREATE TABLE: its
// PostgreSQL column types are recorded (id is an integer, as PostgreSQL
// reads INTEGER, not SQLite's 64-bit int8), so psql's \d demo and its
// results agree with PostgreSQL's.
inline void create_demo(sqlite3* db) {
  bool existed = ddl::table_exists(db, "demo");
  const char* sql =
      "CREATE TABLE IF NOT EXISTS demo (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
      " price REAL, created DATE);"
      "INSERT INTO demo (id, name, price, created) SELECT 1, 'apple', 0.5, '2024-01-01'"
      " WHERE NOT EXISTS (SELECT 1 FROM demo);"
      "INSERT INTO demo (id, name, price, created) SELECT 2, 'banana', 0.25, '2024-02-29'"
      " WHERE (SELECT count(*) FROM demo) = 1;"
      "INSERT INTO demo (id, name, price, created) SELECT 3, 'cherry', NULL, '2024-03-15'"
      " WHERE (SELECT count(*) FROM demo) = 2;";
  exec(db, sql);
  if (!existed)
    column_types::record_table(db, "demo", {{"demo", "id", "integer", ""}, {"demo", "name", "text", ""},
                                            {"demo", "price", "real", ""}, {"demo", "created", "date", ""}});
}

}  // namespace sqlite_example
