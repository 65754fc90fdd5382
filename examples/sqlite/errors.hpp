#pragma once
// SQLite's errors as PostgreSQL reports them: the one place where a SQLite
// result code or message becomes a SQLSTATE and PostgreSQL's wording. A
// client never sees XX000 with a raw SQLite message: what is not mapped
// here is something SQLite cannot do, 0A000 with a hint.
//
// The functions of functions.hpp raise their errors as
// "pgwire:<SQLSTATE>:<message>" (SQLite carries only a message from a
// function); that prefix is decoded here.

#include <sqlite3.h>

#include <cctype>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>

#include "foreign_key_errors.hpp"
#include "inserted_rows.hpp"
#include "key_names.hpp"

namespace sqlite_example {

// What a registered function reports (sqlite3_result_error) for `code`;
// a detail follows the message after a \x1f, a hint after a \x1e (bytes
// no message has).
inline std::string function_error(std::string_view code, std::string_view message, std::string_view detail = {}) {
  std::string out = "pgwire:" + std::string(code) + ":" + std::string(message);
  if (!detail.empty()) out += "\x1f" + std::string(detail);
  return out;
}

// A library error's message for function_error, its hint carried along
// (the DateStyle hint of a month 13).
inline std::string message_with_hint(const pgwire::ErrorInfo& info) {
  return info.hint.empty() ? info.message : info.message + "\x1e" + info.hint;
}

namespace detail {

// "prefix<name>rest" -> name (up to the first of `stops`, or the end).
inline std::string after(std::string_view msg, std::string_view prefix, std::string_view stops = "") {
  std::string_view rest = msg.substr(prefix.size());
  std::size_t end = stops.empty() ? rest.size() : rest.find_first_of(stops);
  return std::string(rest.substr(0, end == std::string_view::npos ? rest.size() : end));
}

// "main.t" -> "t", "\"t\"" -> "t": PostgreSQL names relations without
// SQLite's schema, and SQLite repeats a name as it was written.
inline std::string relation(std::string name) {
  for (std::string_view schema : {"main.", "temp."})
    if (name.starts_with(schema)) name = name.substr(schema.size());
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return name;
}

// "t.a, t.b" (SQLite's list of the columns of a failed constraint) -> {t, "a_b"}.
inline std::pair<std::string, std::string> constraint_columns(std::string_view list) {
  std::string table, columns;
  while (!list.empty()) {
    std::size_t comma = list.find(", ");
    std::string_view one = list.substr(0, comma);
    std::size_t dot = one.find('.');
    if (dot != std::string_view::npos) {
      table = std::string(one.substr(0, dot));
      one = one.substr(dot + 1);
    }
    if (!columns.empty()) columns += "_";
    columns += one;
    if (comma == std::string_view::npos) break;
    list = list.substr(comma + 2);
  }
  return {table, columns};
}

inline pgwire::ErrorInfo make(const char* code, std::string message, std::string hint = {}) {
  auto e = pgwire::ErrorInfo::error(code, std::move(message));
  if (!hint.empty()) e.with_hint(std::move(hint));
  return e;
}

}  // namespace detail

// A SQLite message with its (extended) result code -> PostgreSQL's error.
inline pgwire::ErrorInfo translate_sqlite_error(int rc, int extended, std::string_view msg) {
  using detail::after;
  using detail::make;
  int primary = rc & 0xff;
  if (primary == SQLITE_INTERRUPT) return make("57014", "canceling statement due to user request");
  if (msg.starts_with("pgwire:") && msg.size() > 13 && msg[12] == ':') {
    std::string_view text = msg.substr(13);
    auto detail_at = text.find('\x1f'), hint_at = text.find('\x1e');
    auto e = make(std::string(msg.substr(7, 5)).c_str(), std::string(text.substr(0, std::min(detail_at, hint_at))));
    if (detail_at != std::string_view::npos)
      e.with_detail(std::string(text.substr(detail_at + 1, hint_at > detail_at ? hint_at - detail_at - 1 : std::string_view::npos)));
    if (hint_at != std::string_view::npos)
      e.with_hint(std::string(text.substr(hint_at + 1, detail_at > hint_at ? detail_at - hint_at - 1 : std::string_view::npos)));
    return e;
  }

  // Constraints, named as PostgreSQL names them (t_pkey, t_a_key, ...).
  if (primary == SQLITE_CONSTRAINT) {
    std::string_view failed = msg.substr(0, msg.find(':'));
    std::string_view what = msg.find(": ") == std::string_view::npos ? "" : msg.substr(msg.find(": ") + 2);
    if (extended == SQLITE_CONSTRAINT_PRIMARYKEY || extended == SQLITE_CONSTRAINT_UNIQUE) {
      auto [table, columns] = detail::constraint_columns(what);
      std::string name = extended == SQLITE_CONSTRAINT_PRIMARYKEY ? table + "_pkey" : table + "_" + columns + "_key";
      return make("23505", "duplicate key value violates unique constraint \"" + name + "\"");
    }
    if (extended == SQLITE_CONSTRAINT_NOTNULL) {
      auto [table, column] = detail::constraint_columns(what);
      return make("23502",
                  "null value in column \"" + column + "\" of relation \"" + table + "\" violates not-null constraint");
    }
    if (extended == SQLITE_CONSTRAINT_FOREIGNKEY)
      return make("23503", "insert or update on table violates foreign key constraint",
                  "SQLite does not say which key; the row refers to a missing row, or is still referenced.");
    if (extended == SQLITE_CONSTRAINT_CHECK) {
      std::string name(what);
      // varchar(n) / char(n) are enforced by named CHECKs (ddl.hpp).
      if (name.starts_with("pgwire_length_")) {
        std::string type = name.substr(std::string_view("pgwire_length_").size());
        for (char& c : type)
          if (c == '_') c = ' ';
        // "character varying 20" -> "character varying(20)"
        auto sp = type.rfind(' ');
        if (sp != std::string::npos) type = type.substr(0, sp) + "(" + type.substr(sp + 1) + ")";
        return make("22001", "value too long for type " + type);
      }
      return make("23514", "new row violates check constraint \"" + name + "\"");
    }
    return make("23000", std::string(failed));
  }

  if (msg.starts_with("no such table: "))
    return make("42P01", "relation \"" + detail::relation(after(msg, "no such table: ")) + "\" does not exist");
  if (msg.starts_with("no such column: ")) {
    // (t.x: PostgreSQL prints a qualified reference unquoted, "column t.x does not exist")
    std::string column = after(msg, "no such column: ");
    if (column.find('.') != std::string::npos) return make("42703", "column " + column + " does not exist");
    return make("42703", "column \"" + column + "\" does not exist");
  }
  if (msg.starts_with("table ") && msg.find(" has no column named ") != std::string_view::npos) {
    auto at = msg.find(" has no column named ");
    return make("42703", "column \"" + std::string(msg.substr(at + 21)) + "\" of relation \"" +
                             detail::relation(std::string(msg.substr(6, at - 6))) + "\" does not exist");
  }
  if (msg.starts_with("table ") && msg.ends_with(" has more than one primary key"))
    return make("42P16", "multiple primary keys for table \"" + detail::relation(after(msg, "table ", " ")) +
                             "\" are not allowed");
  if (msg.starts_with("near \"") && msg.ends_with("\": syntax error"))
    return make("42601", "syntax error at or near \"" + after(msg, "near \"", "\"") + "\"");
  if (msg.starts_with("unrecognized token: "))
    return make("42601", "syntax error at or near " + after(msg, "unrecognized token: "));
  if (msg == "incomplete input") return make("42601", "syntax error at end of input");
  if (msg.ends_with("syntax error")) return make("42601", "syntax error");
  if (msg.starts_with("table ") && msg.ends_with(" already exists"))
    return make("42P07", "relation \"" + detail::relation(after(msg, "table ", " ")) + "\" already exists");
  if (msg.starts_with("index ") && msg.ends_with(" already exists"))
    return make("42P07", "relation \"" + detail::relation(after(msg, "index ", " ")) + "\" already exists");
  if (msg.starts_with("view ") && msg.ends_with(" already exists"))
    return make("42P07", "relation \"" + detail::relation(after(msg, "view ", " ")) + "\" already exists");
  if (msg.starts_with("no such index: "))
    return make("42704", "index \"" + after(msg, "no such index: ") + "\" does not exist");
  if (msg.starts_with("no such view: "))
    return make("42P01", "view \"" + after(msg, "no such view: ") + "\" does not exist");
  if (msg.starts_with("no such savepoint: "))
    return make("3B001", "savepoint \"" + after(msg, "no such savepoint: ") + "\" does not exist");
  if (msg.starts_with("no such function: "))
    return make("42883", "function " + after(msg, "no such function: ") + "() does not exist",
                "No function matches the given name and argument types. You might need to add explicit type casts.");
  if (msg.starts_with("wrong number of arguments to function "))
    return make("42883",
                "function " + after(msg, "wrong number of arguments to function ", "(") +
                    " does not exist with these arguments",
                "No function matches the given name and argument types. You might need to add explicit type casts.");
  if (msg.starts_with("ambiguous column name: "))
    return make("42702", "column reference \"" + after(msg, "ambiguous column name: ") + "\" is ambiguous");
  if (msg.starts_with("misuse of aggregate") || msg.starts_with("aggregate functions are not allowed"))
    return make("42803", "aggregate functions are not allowed here");
  if (msg.starts_with("table pgwire_") && msg.find(" values for 1 columns") != std::string_view::npos)  // (their CTEs)
    return make("42601", msg.starts_with("table pgwire_q") ? "subquery has too many columns"  // quantified_subquery
                                                          : "subquery must return only one column");  // scalar_subqueries.hpp
  // "table t has 2 columns but 3 values were supplied", "3 values for 2 columns"
  if (msg.find(" values for ") != std::string_view::npos ||
      msg.find("values were supplied") != std::string_view::npos) {
    long numbers[2] = {0, 0};
    int found = 0;
    for (std::size_t i = 0; i < msg.size() && found < 2; ++i)
      if (std::isdigit(static_cast<unsigned char>(msg[i])) && (i == 0 || msg[i - 1] == ' ')) {
        numbers[found++] = std::strtol(std::string(msg.substr(i, 12)).c_str(), nullptr, 10);
        while (i < msg.size() && std::isdigit(static_cast<unsigned char>(msg[i]))) ++i;
      }
    bool supplied_form = msg.find("values were supplied") != std::string_view::npos;  // columns first
    long columns = supplied_form ? numbers[0] : numbers[1], values = supplied_form ? numbers[1] : numbers[0];
    return make("42601", values > columns ? "INSERT has more expressions than target columns"
                                          : "INSERT has more target columns than expressions");
  }
  if (msg.starts_with("cannot start a transaction within a transaction"))
    return make("25001", "there is already a transaction in progress");
  if (msg.starts_with("cannot commit - no transaction") || msg.starts_with("cannot rollback - no transaction"))
    return make("25P01", "there is no transaction in progress");
  if (msg == "integer overflow") return make("22003", "bigint out of range");

  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make("55P03", "could not obtain lock: " + std::string(msg));
    case SQLITE_READONLY:
      return make("25006", "cannot execute this statement: " + std::string(msg));
    case SQLITE_NOMEM:
      return make("53200", "out of memory");
    case SQLITE_FULL:
      return make("53100", "could not extend file: disk full");
    case SQLITE_TOOBIG:
      return make("54000", std::string(msg));
    case SQLITE_MISMATCH:
      return make("42804", "datatype mismatch");
    case SQLITE_RANGE:
      return make("08P01", "bind message supplies the wrong number of parameters");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return make("XX001", std::string(msg));
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return make("58030", "could not access the database file: " + std::string(msg));
    default:
      break;
  }
  // Everything else: a PostgreSQL statement SQLite cannot run as written.
  return make("0A000", std::string(msg),
              "sqlite_server runs statements on SQLite " + std::string(sqlite3_libversion()) +
                  ", which does not support this.");
}

// `failed`: the statement that failed, when known (a foreign key error
// names its constraint from it: foreign_key_errors.hpp).
namespace detail {

// The quoted name after `marker` in `message` ("" when absent).
inline std::string quoted_after(const std::string& message, std::string_view marker, bool last = false) {
  auto at = last ? message.rfind(marker) : message.find(marker);
  if (at == std::string::npos) return {};
  auto from = at + marker.size();
  auto end = message.find('"', from);
  return end == std::string::npos ? std::string() : message.substr(from, end - from);
}

// PostgreSQL's fields of an integrity error (schema, table, column,
// constraint), read back from its message: Go's pgx code tests
// ConstraintName, node-pg and psycopg expose them, Ecto maps them to
// changeset errors.
inline pgwire::ErrorInfo with_fields(pgwire::ErrorInfo info, std::string_view sqlite_message) {
  const std::string& m = info.message;
  if (info.code == "23505") {
    info.constraint_name = quoted_after(m, "unique constraint \"");
    if (auto colon = sqlite_message.find(": "); colon != std::string_view::npos)
      info.table_name = constraint_columns(sqlite_message.substr(colon + 2)).first;
  } else if (info.code == "23502") {
    info.column_name = quoted_after(m, "null value in column \"");
    info.table_name = quoted_after(m, "of relation \"");
  } else if (info.code == "23514") {
    info.table_name = quoted_after(m, "new row for relation \"");
    info.constraint_name = quoted_after(m, "check constraint \"");
  } else if (info.code == "23503") {
    info.table_name = quoted_after(m, " on table \"", true);  // (the referencing table, in both forms)
    info.constraint_name = quoted_after(m, "foreign key constraint \"");
  } else {
    return info;
  }
  if (!info.table_name.empty()) info.schema_name = "public";
  return info;
}

}  // namespace detail

inline pgwire::ErrorInfo sqlite_error(sqlite3* db, int rc, sqlite3_stmt* failed = nullptr);

inline pgwire::ErrorInfo sqlite_error_of(sqlite3* db, int rc, sqlite3_stmt* failed) {
  // SQLITE_BUSY in a transaction block that holds a read lock: SQLite did
  // not wait, as waiting could deadlock (write_transaction.hpp); the block
  // cannot go on, as PostgreSQL's SERIALIZABLE says.
  if ((rc & 0xff) == SQLITE_BUSY && !sqlite3_get_autocommit(db) &&
      sqlite3_txn_state(db, nullptr) == SQLITE_TXN_READ)
    return detail::make("40001", "could not serialize access due to concurrent update",
                        "Retry the transaction: another one wrote since this one first read.");
  auto info = translate_sqlite_error(rc, sqlite3_extended_errcode(db), sqlite3_errmsg(db));
  if (info.code == "23503") return foreign_key_errors::named(db, failed, std::move(info));
  if (info.code == "23502") {  // (the first row with NULL in the column)
    std::string column = detail::quoted_after(info.message, "null value in column \"");
    info.detail = inserted_rows::failing_row_detail(db, failed, [&](const inserted_rows::Row& row, const auto& names) {
      for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == column) return !row[i].has_value();
      return false;
    });
  }
  // A key's name as the client gave it (key_names.hpp), in place of the default.
  if (info.code == "23505") {
    int extended = sqlite3_extended_errcode(db);
    std::string msg = sqlite3_errmsg(db);  // (a copy: the lookups below replace SQLite's)
    if (auto colon = msg.find(": "); colon != std::string::npos) {
      auto [table, columns] = detail::constraint_columns(std::string_view(msg).substr(colon + 2));
      std::string name = key_names::declared(db, table, extended == SQLITE_CONSTRAINT_PRIMARYKEY, columns);
      if (!name.empty()) info.message = "duplicate key value violates unique constraint \"" + name + "\"";
      // DETAIL: the key the row repeats, when the statement tells (inserted_rows.hpp).
      std::vector<std::string> key;
      std::string_view list = std::string_view(msg).substr(colon + 2);
      for (std::size_t from = 0; from <= list.size();) {
        auto comma = list.find(", ", from);
        std::string_view one = list.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
        if (auto dot = one.find('.'); dot != std::string_view::npos) one.remove_prefix(dot + 1);
        key.emplace_back(one);
        if (comma == std::string_view::npos) break;
        from = comma + 2;
      }
      if (auto row = inserted_rows::duplicate_key(db, failed, key)) {
        std::string names, values;
        for (std::size_t i = 0; i < key.size(); ++i) {
          names += (i ? ", " : "") + key[i];
          values += (i ? ", " : "") + *(*row)[i];
        }
        info.detail = "Key (" + names + ")=(" + values + ") already exists.";
      }
    }
  }
  // PostgreSQL names the relation of a failed CHECK; SQLite names only the
  // constraint, whose table its schema tells when the name is one table's.
  constexpr std::string_view prefix = "new row violates check constraint \"";
  if (info.code == "23514" && info.message.starts_with(prefix) && info.message.ends_with("\"")) {
    std::string name = info.message.substr(prefix.size(), info.message.size() - prefix.size() - 1);
    sqlite3_stmt* s = nullptr;
    std::vector<std::string> tables;
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_schema WHERE type = 'table' AND (instr(sql, 'CONSTRAINT \"' || ?1 "
                           "|| '\"') > 0 OR instr(sql, 'CONSTRAINT ' || ?1 || ' ') > 0)",
                           -1, &s, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
      while (sqlite3_step(s) == SQLITE_ROW) tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
    }
    sqlite3_finalize(s);
    if (tables.size() == 1)
      info.message = "new row for relation \"" + tables[0] + "\" violates check constraint \"" + name + "\"";
    // (which row broke the CHECK, only a one-row VALUES tells)
    info.detail = inserted_rows::failing_row_detail(db, failed, [](const auto&, const auto&) { return true; }, true);
  }
  return info;
}

inline pgwire::ErrorInfo sqlite_error(sqlite3* db, int rc, sqlite3_stmt* failed) {
  std::string said = sqlite3_errmsg(db);  // (before the lookups below replace it)
  return detail::with_fields(sqlite_error_of(db, rc, failed), said);
}

// A statement kind SQLite has no counterpart for.
inline pgwire::PgError not_supported(std::string what, std::string hint) {
  return pgwire::PgError(detail::make("0A000", std::move(what) + " is not supported", std::move(hint)));
}

}  // namespace sqlite_example
