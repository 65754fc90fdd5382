#pragma once
// The sequence of a serial column: PostgreSQL's CREATE TABLE t (id serial)
// makes a sequence t_id_seq, and applications call it by name
// (nextval('t_id_seq'), setval after a bulk load, currval). sqlite_server
// numbers a serial primary key with SQLite's AUTOINCREMENT and another
// serial column with pgwire_next_serial (column_defs.hpp), so the sequence
// is that counter, found through the column's recorded default
// (nextval('t_id_seq'::regclass), column_types.hpp):
// - AUTOINCREMENT: sqlite_sequence's row of the table. nextval takes one
//   more than both it and the largest id and keeps it there, so the next
//   row skips the number, as PostgreSQL's would; setval sets it (the next
//   id is still above every id stored, where PostgreSQL's would collide);
// - otherwise the largest value + 1, which nextval does not reserve, and
//   setval is 0A000.
// sequences.hpp asks here when no CREATE SEQUENCE made the name.

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include <pgwire/types/oid.hpp>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"

namespace sqlite_example::serial_sequences {

struct Column {
  std::string table, column;
  std::int64_t max = INT32_MAX;  // the column type's: serial, bigserial, smallserial
  bool autoincrement = false;
};

namespace detail {

// The first column of the first row of `sql` bound with `args`; nullopt
// without a row (or on an error, which sqlite3_errmsg then tells).
template <class... Args>
std::optional<std::string> first_value(sqlite3* db, const std::string& sql, const Args&... args) {
  sqlite3_stmt* s = nullptr;
  std::optional<std::string> out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
    int n = 0;
    (sqlite3_bind_text(s, ++n, args.c_str(), -1, SQLITE_TRANSIENT), ...);
    if (sqlite3_step(s) == SQLITE_ROW)
      out = sqlite3_column_text(s, 0) ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : "";
  }
  sqlite3_finalize(s);
  return out;
}

}  // namespace detail

// The serial column whose sequence is `name` (as stored: unquoted, folded).
inline std::optional<Column> find(sqlite3* db, const std::string& name) {
  if (sqlite3_table_column_metadata(db, nullptr, column_types_table, "pg_default", nullptr, nullptr, nullptr, nullptr,
                                    nullptr) != SQLITE_OK)
    return std::nullopt;
  std::string sql = std::string("SELECT table_name || char(1) || column_name || char(1) || pg_type FROM ") +
                    column_types_table + " WHERE pg_default = ?1";
  auto found = detail::first_value(db, sql, "nextval('" + name + "'::regclass)");
  if (!found) return std::nullopt;
  auto first = found->find('\x01'), second = found->find('\x01', first + 1);
  Column c;
  c.table = found->substr(0, first);
  c.column = found->substr(first + 1, second - first - 1);
  std::string type = found->substr(second + 1);
  c.max = type == "bigint" ? INT64_MAX : type == "smallint" ? INT16_MAX : INT32_MAX;
  c.autoincrement = detail::first_value(db,
                                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 "
                                        "AND sql LIKE '%AUTOINCREMENT%'",
                                        c.table)
                        .has_value();
  return c;
}

// sqlite_sequence's value for the table: `last` was the last id given.
inline bool set(sqlite3* db, const Column& c, std::int64_t last, std::string& error) {
  std::string value = std::to_string(last);
  bool ok = detail::first_value(db, "UPDATE sqlite_sequence SET seq = CAST(?2 AS INTEGER) WHERE name = ?1 RETURNING 1", c.table, value)
                .has_value() ||
            detail::first_value(db, "INSERT INTO sqlite_sequence(name, seq) VALUES (?1, CAST(?2 AS INTEGER)) RETURNING 1", c.table,
                                value)
                .has_value();
  if (!ok) error = sqlite3_errmsg(db);
  return ok;
}

// The next value (reserved under AUTOINCREMENT); nullopt with `error` set.
inline std::optional<std::int64_t> next(sqlite3* db, const Column& c, const std::string& name, std::string& code,
                                        std::string& error) {
  std::string table = sqlite_dialect::quote_identifier(c.table), column = sqlite_dialect::quote_identifier(c.column);
  std::string sql = "SELECT max(coalesce((SELECT max(" + column + ") FROM " + table + "), 0)" +
                    (c.autoincrement ? ", coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?1), 0)" : ", 0") +
                    ")";
  auto current = detail::first_value(db, sql, c.table);
  if (!current) {
    code = "XX000";
    error = sqlite3_errmsg(db);
    return std::nullopt;
  }
  std::int64_t last = std::stoll(*current);
  if (last >= c.max) {
    code = "2200H";
    error = "nextval: reached maximum value of sequence \"" + name + "\" (" + std::to_string(c.max) + ")";
    return std::nullopt;
  }
  if (c.autoincrement && !set(db, c, last + 1, error)) {
    code = "XX000";
    return std::nullopt;
  }
  return last + 1;
}

}  // namespace sqlite_example::serial_sequences
