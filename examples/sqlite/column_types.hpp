#pragma once
// The side table where sqlite_server keeps each column's PostgreSQL
// declaration (SQLite keeps only its own notion of a type):
//
//   pgwire_column_types(table_name TEXT, column_name TEXT, pg_type TEXT,
//                       pg_default TEXT, PRIMARY KEY(table_name, column_name))
//
// pg_type in format_type's spelling ("integer", "character varying(20)",
// "timestamp with time zone", "numeric(10,2)", "integer[]"), pg_default as
// pg_get_expr shows it ("nextval('t_id_seq'::regclass)", "now()",
// "'x'::text"), NULL when the column has none. Written by the DDL
// translation (ddl.hpp) when CREATE TABLE, ALTER TABLE and DROP TABLE run;
// read to type result columns (rows.hpp) and by a catalog. Clients never
// see it (translate.hpp answers 42P01 for it).

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/types/oid.hpp>

#include "enum_registry.hpp"
#include "errors.hpp"

namespace sqlite_example {

inline constexpr const char* column_types_table = "pgwire_column_types";
// (primary_key_marker, unique_constraint_marker: key_names.hpp)

// The PostgreSQL type of a column as SQLite declared it, for a column the
// side table does not record (a table made outside sqlite_server, as in a
// --db file): PostgreSQL's type names as they read, except INTEGER, which
// in SQLite holds 64 bits (int8); SQLite's own names by its affinity rules;
// else text. Results (values.hpp) and the catalog (catalog.hpp) both ask
// this, so a column has one type in both.
inline pgwire::Oid declared_type(std::string_view decl) {
  std::string d;
  for (char c : decl) {
    if (c == '(' || c == ' ') break;
    d += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  if (d == "INTEGER") return pgwire::oid::int8;
  if (auto e = enum_registry::declared_oid(decl)) return e;  // (enum_types.hpp)
  if (d == "NUMERIC_AS_TEXT") return pgwire::oid::numeric;  // (column_defs.hpp's exact numeric)
  if (auto t = sqlite_example::type_named(decl)) return t;
  if (d == "BLOB") return pgwire::oid::bytea;
  if (d == "DATETIME") return pgwire::oid::timestamp;
  if (d.find("INT") != std::string::npos) return pgwire::oid::int8;
  if (d.find("REAL") != std::string::npos || d.find("FLOA") != std::string::npos || d.find("DOUB") != std::string::npos)
    return pgwire::oid::float8;
  return pgwire::oid::text;
}

// A recorded column: pg_default empty means NULL (no default).
struct ColumnRecord {
  std::string table, column, pg_type, pg_default;
};

namespace column_types {

inline void run(sqlite3* db, const char* sql, const std::vector<std::string>& args) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  for (std::size_t i = 0; rc == SQLITE_OK && i < args.size(); ++i)
    sqlite3_bind_text(s, static_cast<int>(i + 1), args[i].data(), static_cast<int>(args[i].size()), SQLITE_TRANSIENT);
  if (rc == SQLITE_OK) rc = sqlite3_step(s);
  sqlite3_finalize(s);
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) throw pgwire::PgError(sqlite_error(db, rc));
}

inline void ensure_table(sqlite3* db) {
  run(db,
      "CREATE TABLE IF NOT EXISTS pgwire_column_types(table_name TEXT, column_name TEXT, pg_type TEXT,"
      " pg_default TEXT, PRIMARY KEY(table_name, column_name))",
      {});
}

// CREATE TABLE ran: the table's columns (replacing what an earlier table of
// that name left).
inline void record_table(sqlite3* db, const std::string& table, const std::vector<ColumnRecord>& records) {
  ensure_table(db);
  run(db, "DELETE FROM pgwire_column_types WHERE table_name = ?1", {table});
  for (const auto& r : records) {
    if (r.pg_default.empty()) {
      run(db, "INSERT INTO pgwire_column_types VALUES (?1, ?2, ?3, NULL)", {r.table, r.column, r.pg_type});
    } else {
      run(db, "INSERT INTO pgwire_column_types VALUES (?1, ?2, ?3, ?4)", {r.table, r.column, r.pg_type, r.pg_default});
    }
  }
}

inline void forget_table(sqlite3* db, const std::string& table) {
  ensure_table(db);
  run(db, "DELETE FROM pgwire_column_types WHERE table_name = ?1", {table});
}

inline void record_column(sqlite3* db, const ColumnRecord& r) {
  ensure_table(db);
  run(db, "DELETE FROM pgwire_column_types WHERE table_name = ?1 AND column_name = ?2", {r.table, r.column});
  if (r.pg_default.empty()) {
    run(db, "INSERT INTO pgwire_column_types VALUES (?1, ?2, ?3, NULL)", {r.table, r.column, r.pg_type});
  } else {
    run(db, "INSERT INTO pgwire_column_types VALUES (?1, ?2, ?3, ?4)", {r.table, r.column, r.pg_type, r.pg_default});
  }
}

// A recorded column's default as pg_get_expr shows it (empty: none).
inline void set_default(sqlite3* db, const std::string& table, const std::string& column, const std::string& shown) {
  ensure_table(db);
  if (shown.empty()) {
    run(db, "UPDATE pgwire_column_types SET pg_default = NULL WHERE table_name = ?1 AND column_name = ?2",
        {table, column});
  } else {
    run(db, "UPDATE pgwire_column_types SET pg_default = ?3 WHERE table_name = ?1 AND column_name = ?2",
        {table, column, shown});
  }
}

inline void set_type(sqlite3* db, const std::string& table, const std::string& column, const std::string& pg_type) {
  ensure_table(db);
  run(db,
      "UPDATE pgwire_column_types SET pg_type = ?3 WHERE table_name = ?1 COLLATE NOCASE AND column_name = ?2 COLLATE "
      "NOCASE",
      {table, column, pg_type});
  if (sqlite3_changes(db) == 0) run(db, "INSERT INTO pgwire_column_types VALUES (?1, ?2, ?3, NULL)", {table, column, pg_type});
}

inline void forget_column(sqlite3* db, const std::string& table, const std::string& column) {
  ensure_table(db);
  run(db, "DELETE FROM pgwire_column_types WHERE table_name = ?1 AND column_name = ?2", {table, column});
}

inline void rename_table(sqlite3* db, const std::string& from, const std::string& to) {
  ensure_table(db);
  run(db, "UPDATE pgwire_column_types SET table_name = ?2 WHERE table_name = ?1", {from, to});
}

inline void rename_column(sqlite3* db, const std::string& table, const std::string& from, const std::string& to) {
  ensure_table(db);
  run(db, "UPDATE pgwire_column_types SET column_name = ?3 WHERE table_name = ?1 AND column_name = ?2",
      {table, from, to});
}

// format_type's spelling of `type` with its modifier text ("(20)", "(10,2)").
inline std::string format_type(pgwire::Oid type, std::string_view modifier) {
  namespace oid = pgwire::oid;
  pgwire::Oid element = pgwire::element_type_of(type);
  pgwire::Oid base = element ? element : type;
  std::string name;
  std::string mod(modifier);
  switch (base) {
    case oid::int2:
      name = "smallint";
      break;
    case oid::int4:
      name = "integer";
      break;
    case oid::int8:
      name = "bigint";
      break;
    case oid::float4:
      name = "real";
      break;
    case oid::float8:
      name = "double precision";
      break;
    case oid::bool_:
      name = "boolean";
      break;
    case oid::varchar:
      name = "character varying" + mod;
      break;
    case oid::bpchar:
      name = "character" + (mod.empty() ? std::string("(1)") : mod);
      break;
    case oid::numeric:
      name = "numeric" + mod;
      break;
    case oid::timestamptz:
      name = "timestamp" + mod + " with time zone";
      break;
    case oid::timestamp:
      name = "timestamp" + mod + " without time zone";
      break;
    case oid::timetz:
      name = "time" + mod + " with time zone";
      break;
    case oid::time:
      name = "time" + mod + " without time zone";
      break;
    case oid::interval:
      name = "interval" + mod;
      break;
    default: {
      bool array = false;
      if (auto e = enum_registry::registry().find(type, &array)) return array ? e->name + "[]" : e->name;
      name = std::string(pgwire::type_name(base));
      break;
    }
  }
  return element ? name + "[]" : name;
}

// The modifier's text format_type takes, from a type modifier (atttypmod):
// varchar(20)'s 24 is "(20)", numeric(10,2)'s "(10,2)"; empty for none.
inline std::string modifier_text(pgwire::Oid type, std::int32_t typmod) {
  if (typmod >= 4 && (type == pgwire::oid::varchar || type == pgwire::oid::bpchar))
    return "(" + std::to_string(typmod - 4) + ")";
  if (typmod >= 4 && type == pgwire::oid::numeric)
    return "(" + std::to_string((typmod - 4) >> 16) + "," + std::to_string((typmod - 4) & 0xffff) + ")";
  return {};
}

}  // namespace column_types

// A recorded column's type: its OID and type modifier (atttypmod: -1 none;
// varchar(20) 24, numeric(10,2) (10 << 16 | 2) + 4, as PostgreSQL encodes it).
struct RecordedType {
  pgwire::Oid type = 0;
  std::int32_t modifier = -1;
};

inline std::int32_t type_modifier(pgwire::Oid type, std::string_view pg_type) {
  auto open = pg_type.find('(');
  if (open == std::string_view::npos) return -1;
  std::int32_t first = 0, second = -1, *at = &first;
  for (std::size_t i = open + 1; i < pg_type.size() && pg_type[i] != ')'; ++i) {
    char c = pg_type[i];
    if (c == ',') {
      second = 0;
      at = &second;
    } else if (c >= '0' && c <= '9' && *at < 100000) {
      *at = *at * 10 + (c - '0');
    }
  }
  switch (type) {
    case pgwire::oid::varchar:
    case pgwire::oid::bpchar:
      return first + 4;
    case pgwire::oid::numeric:
      return ((first << 16) | (second < 0 ? 0 : second)) + 4;
    case pgwire::oid::timestamp:
    case pgwire::oid::timestamptz:
    case pgwire::oid::time:
    case pgwire::oid::timetz:
      return first;
    default:
      return -1;
  }
}

// What the DDL translation recorded for table.column (type 0: nothing).
inline RecordedType recorded_column(sqlite3* db, std::string_view table, std::string_view column) {
  sqlite3_stmt* s = nullptr;
  RecordedType out;
  if (sqlite3_prepare_v2(db,
                         "SELECT pg_type FROM pgwire_column_types WHERE table_name = ?1 COLLATE NOCASE AND "
                         "column_name = ?2 COLLATE NOCASE",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, column.data(), static_cast<int>(column.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
      std::string_view pg_type(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
      out.type = sqlite_example::type_named(pg_type);
      out.modifier = pgwire::element_type_of(out.type) ? -1 : type_modifier(out.type, pg_type);
    }
  }
  sqlite3_finalize(s);
  return out;
}

// The PostgreSQL type recorded for table.column; 0 when none was recorded.
inline pgwire::Oid recorded_type(sqlite3* db, std::string_view table, std::string_view column) {
  return recorded_column(db, table, column).type;
}

}  // namespace sqlite_example
