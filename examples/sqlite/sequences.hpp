#pragma once
// Sequences, as pg_dump writes them and applications call them: SQLite has
// none. They live in a bookkeeping table of the database,
//
//   pgwire_sequences(name TEXT PRIMARY KEY, last_value, start_value,
//                    increment, min_value, max_value, is_called, cycle)
//
// hidden from clients like the column records (translate.hpp), and:
// - CREATE SEQUENCE [IF NOT EXISTS] s [AS type] [INCREMENT [BY] n]
//   [MINVALUE n | NO MINVALUE] [MAXVALUE n | NO MAXVALUE] [START [WITH] n]
//   [CACHE n] [[NO] CYCLE] [OWNED BY ...]: a row (42P07 if s exists);
// - ALTER SEQUENCE s RESTART [WITH n] / INCREMENT BY n / OWNED BY / OWNER TO;
//   DROP SEQUENCE [IF EXISTS] s, ...;
// - nextval('s'), currval('s'), setval('s', n [, is_called]), lastval()
//   (per connection, as PostgreSQL's per session), with PostgreSQL's errors
//   (2200H at the end of the range, 55000 before a nextval, 42P01).
// Unlike PostgreSQL's, a sequence's advance is rolled back with the
// transaction that made it (it is a row of the database).
// A serial column's sequence (t_id_seq) is its own counter:
// serial_sequences.hpp.

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../sqlite_dialect.hpp"
#include "errors.hpp"
#include "serial_sequences.hpp"

namespace sqlite_example::sequences {

inline constexpr const char* table = "pgwire_sequences";

// 's', 'public.s', '"S"' -> the name as stored (unquoted names fold to lower case).
inline std::string normalize(std::string_view name) {
  auto toks = sqlite_dialect::tokenize(name);
  if (toks.size() == 3 && sqlite_dialect::is(toks[1], ".") && toks[2].is_name())
    return sqlite_dialect::identifier(toks[2]);
  if (toks.size() == 1 && toks[0].is_name()) return sqlite_dialect::identifier(toks[0]);
  return std::string(name);
}

inline void ensure_table(sqlite3* db) {
  sqlite3_exec(db,
               "CREATE TABLE IF NOT EXISTS pgwire_sequences(name TEXT PRIMARY KEY, last_value INTEGER, start_value "
               "INTEGER, increment INTEGER, min_value INTEGER, max_value INTEGER, is_called INTEGER, cycle INTEGER)",
               nullptr, nullptr, nullptr);
}

struct Row {
  std::int64_t last = 0, start = 1, increment = 1, min = 1, max = std::numeric_limits<std::int64_t>::max();
  bool called = false, cycle = false;
};

inline std::optional<Row> load(sqlite3* db, const std::string& name) {
  sqlite3_stmt* s = nullptr;
  std::optional<Row> out;
  if (sqlite3_prepare_v2(db,
                         "SELECT last_value, start_value, increment, min_value, max_value, is_called, cycle "
                         "FROM pgwire_sequences WHERE name = ?1",
                         -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
      Row r;
      r.last = sqlite3_column_int64(s, 0);
      r.start = sqlite3_column_int64(s, 1);
      r.increment = sqlite3_column_int64(s, 2);
      r.min = sqlite3_column_int64(s, 3);
      r.max = sqlite3_column_int64(s, 4);
      r.called = sqlite3_column_int(s, 5) != 0;
      r.cycle = sqlite3_column_int(s, 6) != 0;
      out = r;
    }
  }
  sqlite3_finalize(s);
  return out;
}

inline bool exists(sqlite3* db, const std::string& name) {
  ensure_table(db);
  return load(db, name).has_value();
}

// --- the SQL functions ------------------------------------------------------

// What a connection remembers (currval, lastval): per connection, as
// PostgreSQL's per session; freed with the connection.
//
// A serial primary key is SQLite's rowid (serial_sequences.hpp): an INSERT
// numbers it without calling nextval, so the connection's update hook
// notes each table's last inserted rowid, and currval('t_id_seq') and
// lastval() read it when it is newer than the sequence's last nextval, as
// the nextval of PostgreSQL's column default would have left them
// (DBD::Pg's last_insert_id and PHP's lastInsertId() ask so).
struct Session {
  struct Value {
    std::int64_t value = 0;
    std::uint64_t tick = 0;  // when it was taken (newer: larger)
  };
  std::map<std::string, Value> current;
  std::optional<Value> last;
  std::map<std::string, Value, std::less<>> inserted;  // table -> its last inserted rowid
  std::uint64_t ticks = 0;

  void took(const std::string& name, std::int64_t value) {
    current[name] = {value, ++ticks};
    last = Value{value, ticks};
  }
  static void on_change(void* self, int op, const char*, const char* table, sqlite3_int64 rowid) {
    if (op != SQLITE_INSERT) return;
    std::string_view t(table);
    if (t.starts_with("pgwire_") || t.starts_with("sqlite_")) return;  // (the server's own tables)
    auto* session = static_cast<Session*>(self);
    auto it = session->inserted.find(t);
    if (it == session->inserted.end()) it = session->inserted.emplace(std::string(t), Value{}).first;
    it->second = {rowid, ++session->ticks};
  }
};

inline void fail(sqlite3_context* ctx, std::string_view code, const std::string& message) {
  sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
}

inline std::string name_argument(sqlite3_value* v) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
  return normalize(text ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(v))) : "");
}

// Stores the sequence's state; false (the context holds the error) on failure.
inline bool store(sqlite3_context* ctx, const std::string& name, std::int64_t value, bool called) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v2(db, "UPDATE pgwire_sequences SET last_value = ?1, is_called = ?2 WHERE name = ?3", -1,
                              &s, nullptr);
  if (rc == SQLITE_OK) {
    sqlite3_bind_int64(s, 1, value);
    sqlite3_bind_int(s, 2, called ? 1 : 0);
    sqlite3_bind_text(s, 3, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
  }
  sqlite3_finalize(s);
  if (rc != SQLITE_DONE) {
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
    sqlite3_result_error_code(ctx, rc);
    return false;
  }
  return true;
}

// A sequence CREATE SEQUENCE made, else a serial column's; neither: 42P01
// (the context holds it).
struct Found {
  std::optional<Row> row;
  std::optional<serial_sequences::Column> serial;
  explicit operator bool() const { return row || serial; }
};

inline Found find(sqlite3_context* ctx, const std::string& name) {
  sqlite3* db = sqlite3_context_db_handle(ctx);
  Found found;
  if (sqlite3_table_column_metadata(db, nullptr, table, "name", nullptr, nullptr, nullptr, nullptr, nullptr) ==
      SQLITE_OK)
    found.row = load(db, name);
  if (!found.row) found.serial = serial_sequences::find(db, name);
  if (!found) fail(ctx, "42P01", "relation \"" + name + "\" does not exist");
  return found;
}

inline void nextval(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* session = static_cast<Session*>(sqlite3_user_data(ctx));
  std::string name = name_argument(argv[0]);
  auto found = find(ctx, name);
  if (!found) return;
  if (found.serial) {
    std::string code, error;
    auto next = serial_sequences::next(sqlite3_context_db_handle(ctx), *found.serial, name, code, error);
    if (!next) return fail(ctx, code, error);
    session->took(name, *next);
    return sqlite3_result_int64(ctx, *next);
  }
  auto& row = found.row;
  std::int64_t next = row->last;
  if (row->called) {
    bool over = row->increment > 0 ? next > row->max - row->increment : next < row->min - row->increment;
    if (over) {
      if (!row->cycle) {
        bool up = row->increment > 0;
        return fail(ctx, "2200H",
                    "nextval: reached " + std::string(up ? "maximum" : "minimum") + " value of sequence \"" + name +
                        "\" (" + std::to_string(up ? row->max : row->min) + ")");
      }
      next = row->increment > 0 ? row->min : row->max;
    } else {
      next += row->increment;
    }
  }
  if (!store(ctx, name, next, true)) return;
  session->took(name, next);
  sqlite3_result_int64(ctx, next);
}

inline void currval(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* session = static_cast<Session*>(sqlite3_user_data(ctx));
  std::string name = name_argument(argv[0]);
  auto found = find(ctx, name);
  if (!found) return;
  std::optional<Session::Value> value;
  if (auto it = session->current.find(name); it != session->current.end()) value = it->second;
  if (found.serial && found.serial->autoincrement)  // (a row numbered since: its rowid)
    if (auto it = session->inserted.find(found.serial->table);
        it != session->inserted.end() && (!value || it->second.tick > value->tick))
      value = it->second;
  if (!value) return fail(ctx, "55000", "currval of sequence \"" + name + "\" is not yet defined in this session");
  sqlite3_result_int64(ctx, value->value);
}

// The table's serial primary key numbers its rows (AUTOINCREMENT rowid)?
inline bool numbered_by_serial(sqlite3* db, const std::string& table) {
  if (sqlite3_table_column_metadata(db, nullptr, column_types_table, "pg_default", nullptr, nullptr, nullptr, nullptr,
                                    nullptr) != SQLITE_OK)
    return false;
  return serial_sequences::detail::first_value(
             db,
             "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 AND sql LIKE '%AUTOINCREMENT%' AND "
             "EXISTS (SELECT 1 FROM pgwire_column_types WHERE table_name = ?1 AND pg_default LIKE 'nextval(%')",
             table)
      .has_value();
}

inline void lastval(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* session = static_cast<Session*>(sqlite3_user_data(ctx));
  std::optional<Session::Value> value = session->last;
  for (const auto& [table, inserted] : session->inserted)  // (rows numbered since the last nextval)
    if ((!value || inserted.tick > value->tick) && numbered_by_serial(sqlite3_context_db_handle(ctx), table))
      value = inserted;
  if (!value) return fail(ctx, "55000", "lastval is not yet defined in this session");
  sqlite3_result_int64(ctx, value->value);
}

// setval('s', n [, is_called]): n, which the next nextval follows (or is,
// when is_called is false).
inline void setval(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* session = static_cast<Session*>(sqlite3_user_data(ctx));
  std::string name = name_argument(argv[0]);
  auto found = find(ctx, name);
  if (!found) return;
  std::int64_t value = sqlite3_value_int64(argv[1]);
  bool called = argc < 3 || sqlite3_value_int(argv[2]) != 0;
  if (found.serial) {
    const auto& serial = *found.serial;
    if (value < 1 || value > serial.max)
      return fail(ctx, "22003",
                  "setval: value " + std::to_string(value) + " is out of bounds for sequence \"" + name + "\" (1.." +
                      std::to_string(serial.max) + ")");
    if (!serial.autoincrement)
      return fail(ctx, "0A000", "setval on the sequence of a serial column that is not the primary key is not supported");
    std::string error;
    if (!serial_sequences::set(sqlite3_context_db_handle(ctx), serial, called ? value : value - 1, error))
      return fail(ctx, "XX000", error);
    if (called) session->current[name] = {value, ++session->ticks};
    return sqlite3_result_int64(ctx, value);
  }
  auto& row = found.row;
  if (value < row->min || value > row->max)
    return fail(ctx, "22003",
                "setval: value " + std::to_string(value) + " is out of bounds for sequence \"" + name + "\" (" +
                    std::to_string(row->min) + ".." + std::to_string(row->max) + ")");
  if (!store(ctx, name, value, called)) return;
  if (called) session->current[name] = {value, ++session->ticks};
  sqlite3_result_int64(ctx, value);
}

// pg_get_serial_sequence('t', 'col'): the sequence of a serial or identity
// column, schema-qualified ('public.t_col_seq'), from the default the DDL
// recorded; NULL for another column, 42P01 / 42703 for a missing one.
inline void serial_sequence(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL)
    return sqlite3_result_null(ctx);
  sqlite3* db = sqlite3_context_db_handle(ctx);
  std::string table = normalize(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])));
  std::string column(reinterpret_cast<const char*>(sqlite3_value_text(argv[1])));
  if (sqlite3_table_column_metadata(db, nullptr, table.c_str(), nullptr, nullptr, nullptr, nullptr, nullptr,
                                    nullptr) != SQLITE_OK)
    return fail(ctx, "42P01", "relation \"" + table + "\" does not exist");
  if (sqlite3_table_column_metadata(db, nullptr, table.c_str(), column.c_str(), nullptr, nullptr, nullptr, nullptr,
                                    nullptr) != SQLITE_OK)
    return fail(ctx, "42703", "column \"" + column + "\" of relation \"" + table + "\" does not exist");
  std::string sequence;
  if (auto found = serial_sequences::detail::first_value(
          db,
          "SELECT pg_default FROM pgwire_column_types WHERE table_name = ?1 COLLATE NOCASE AND column_name = ?2 "
          "COLLATE NOCASE",
          table, column)) {
    std::string_view d(*found);
    constexpr std::string_view head = "nextval('", tail = "'::regclass)";
    if (d.starts_with(head) && d.ends_with(tail)) sequence = d.substr(head.size(), d.size() - head.size() - tail.size());
  }
  if (sequence.empty()) return sqlite3_result_null(ctx);
  if (sequence.find('.') == std::string::npos) sequence = "public." + sequence;
  sqlite3_result_text(ctx, sequence.c_str(), -1, SQLITE_TRANSIENT);
}

// pgwire_sequence_state('s', 0): its last_value; ('s', 1): is_called as
// 't' or 'f' (sequence_reads.hpp: SELECT ... FROM s).
inline void state(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto row = load(sqlite3_context_db_handle(ctx), name_argument(argv[0]));
  if (!row) return sqlite3_result_null(ctx);
  if (sqlite3_value_int(argv[1]) == 0) return sqlite3_result_int64(ctx, row->last);
  sqlite3_result_text(ctx, row->called ? "t" : "f", 1, SQLITE_STATIC);
}

inline void register_functions(sqlite3* db) {
  auto* session = new Session();
  // (INNOCUOUS, as the other functions a DEFAULT may call: nextval() is the
  // default of a pg_dump'ed serial column.)
  constexpr int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS;
  sqlite3_create_function_v2(db, "nextval", 1, flags, session, &nextval, nullptr, nullptr,
                             [](void* p) { delete static_cast<Session*>(p); });
  sqlite3_update_hook(db, &Session::on_change, session);
  sqlite3_create_function_v2(db, "currval", 1, flags, session, &currval, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "lastval", 0, flags, session, &lastval, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "setval", 2, flags, session, &setval, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "setval", 3, flags, session, &setval, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_sequence_state", 2, flags, nullptr, &state, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pg_get_serial_sequence", 2, flags, nullptr, &serial_sequence, nullptr, nullptr,
                             nullptr);
}

// Does `sql` call a sequence function? (pg_dump writes SELECT
// pg_catalog.setval(...), which is no catalog query.)
inline bool calls_sequence_function(std::string_view sql) {
  // (all four end in "val", in any case: most statements have none, and no tokens then)
  bool maybe = false;
  for (std::size_t i = 0; i + 3 <= sql.size() && !maybe; ++i)
    maybe = (sql[i] | 0x20) == 'v' && (sql[i + 1] | 0x20) == 'a' && (sql[i + 2] | 0x20) == 'l';
  if (!maybe) return false;
  // A call, not a word in a string: pgjdbc's column metadata query has
  // `pg_get_expr(...) LIKE '%nextval(%'`, a catalog query.
  auto toks = sqlite_dialect::tokenize(sql);
  for (std::size_t i = 0; i + 1 < toks.size(); ++i)
    for (std::string_view f : {"nextval", "setval", "currval", "lastval"})
      if (toks[i].is_keyword(f) && toks[i + 1].is_punct("(")) return true;
  return false;
}

// --- the statements ---------------------------------------------------------

namespace detail {

inline std::string quote(std::string_view s) { return sqlite_dialect::quote_literal(std::string(s)); }

// The number at toks[i] (with a sign); advances i.
inline std::int64_t number(const std::vector<sqlite_dialect::Token>& toks, std::size_t& i) {
  bool negative = false;
  if (i < toks.size() && (sqlite_dialect::is(toks[i], "-") || sqlite_dialect::is(toks[i], "+")))
    negative = sqlite_dialect::is(toks[i++], "-");
  if (i >= toks.size() || toks[i].kind != sqlite_dialect::Kind::number)
    throw pgwire::PgError("42601", "syntax error: a number expected");
  std::string digits(toks[i++].text);
  std::int64_t v = 0;
  try {
    v = std::stoll(digits);
  } catch (const std::exception&) {
    throw pgwire::PgError("22003", "value \"" + digits + "\" is out of range for type bigint");
  }
  return negative ? -v : v;
}

}  // namespace detail

// The SQL SQLite runs for CREATE / ALTER / DROP SEQUENCE (a comment when
// nothing is to be done), or nullopt for other statements.
inline std::optional<std::string> translate(sqlite3* db, const std::vector<sqlite_dialect::Token>& toks) {
  using sqlite_dialect::is;
  auto at = [&](std::size_t i, std::string_view w) { return i < toks.size() && is(toks[i], w); };
  std::size_t i = 0;
  bool create = at(0, "create"), alter = at(0, "alter"), drop = at(0, "drop");
  if (create) {
    i = 1;
    while (at(i, "temp") || at(i, "temporary") || at(i, "unlogged")) ++i;
  } else if (alter || drop) {
    i = 1;
  }
  if ((!create && !alter && !drop) || !at(i, "sequence")) return std::nullopt;
  ++i;
  ensure_table(db);
  if (drop) {
    bool if_exists = at(i, "if") && at(i + 1, "exists");
    if (if_exists) i += 2;
    std::vector<std::string> names;
    while (i < toks.size() && toks[i].is_name()) {
      std::string name = sqlite_dialect::identifier(toks[i++]);
      if (at(i, ".") && i + 1 < toks.size() && toks[i + 1].is_name()) name = sqlite_dialect::identifier(toks[i + 1]), i += 2;
      if (!exists(db, name)) {
        if (!if_exists) throw pgwire::PgError("42P01", "sequence \"" + name + "\" does not exist");
        continue;
      }
      names.push_back(name);
      if (!at(i, ",")) break;
      ++i;
    }
    if (names.empty()) return "/* DROP SEQUENCE: none of them exists */";
    std::string sql = "DELETE FROM pgwire_sequences WHERE name IN (";
    for (std::size_t k = 0; k < names.size(); ++k) sql += (k ? ", " : "") + detail::quote(names[k]);
    return sql + ")";
  }
  bool if_not_exists = create && at(i, "if") && at(i + 1, "not") && at(i + 2, "exists");
  if (if_not_exists) i += 3;
  if (i >= toks.size() || !toks[i].is_name()) throw pgwire::PgError("42601", "syntax error: a sequence name expected");
  std::string name = sqlite_dialect::identifier(toks[i++]);
  if (at(i, ".") && i + 1 < toks.size() && toks[i + 1].is_name()) name = sqlite_dialect::identifier(toks[i + 1]), i += 2;
  auto existing = load(db, name);
  if (alter && !existing) throw pgwire::PgError("42P01", "relation \"" + name + "\" does not exist");
  if (create && existing) {
    if (if_not_exists) return "/* CREATE SEQUENCE: it exists */";
    throw pgwire::PgError("42P07", "relation \"" + name + "\" already exists");
  }
  Row r = existing.value_or(Row{});
  std::optional<std::int64_t> start, restart, min, max;
  bool no_min = false, no_max = false, restart_at_start = false;
  std::int64_t type_max = std::numeric_limits<std::int64_t>::max();
  while (i < toks.size() && !is(toks[i], ";")) {
    if (at(i, "as") && i + 1 < toks.size()) {
      std::string type = toks[i + 1].value();
      type_max = type == "smallint" || type == "int2" ? 32767
                 : type == "integer" || type == "int" || type == "int4" ? 2147483647
                                                                          : type_max;
      i += 2;
    } else if (at(i, "increment")) {
      i += at(i + 1, "by") ? 2 : 1;
      r.increment = detail::number(toks, i);
      if (r.increment == 0) throw pgwire::PgError("22023", "INCREMENT must not be zero");
    } else if (at(i, "minvalue")) {
      ++i, min = detail::number(toks, i);
    } else if (at(i, "maxvalue")) {
      ++i, max = detail::number(toks, i);
    } else if (at(i, "no") && (at(i + 1, "minvalue") || at(i + 1, "maxvalue") || at(i + 1, "cycle"))) {
      if (at(i + 1, "minvalue")) no_min = true;
      if (at(i + 1, "maxvalue")) no_max = true;
      if (at(i + 1, "cycle")) r.cycle = false;
      i += 2;
    } else if (at(i, "start")) {
      i += at(i + 1, "with") ? 2 : 1;
      start = detail::number(toks, i);
    } else if (at(i, "restart")) {
      ++i;
      if (at(i, "with")) ++i;
      if (i < toks.size() && (toks[i].kind == sqlite_dialect::Kind::number || is(toks[i], "-")))
        restart = detail::number(toks, i);
      else
        restart_at_start = true;
    } else if (at(i, "cache")) {
      ++i, detail::number(toks, i);
    } else if (at(i, "cycle")) {
      r.cycle = true, ++i;
    } else if (at(i, "owned") && at(i + 1, "by")) {  // (dropping the column does not drop the sequence here)
      i += 2;
      while (i < toks.size() && (toks[i].is_name() || is(toks[i], "."))) ++i;
    } else if (at(i, "owner") && at(i + 1, "to")) {
      i += 3;
    } else {
      throw pgwire::PgError("42601", "syntax error at or near \"" + std::string(toks[i].text) + "\"");
    }
  }
  std::int64_t type_min = type_max == std::numeric_limits<std::int64_t>::max() ? std::numeric_limits<std::int64_t>::min()
                                                                                 : -type_max - 1;
  if (create || min || no_min) r.min = min.value_or(r.increment > 0 ? 1 : type_min);
  if (create || max || no_max) r.max = max.value_or(r.increment > 0 ? type_max : -1);
  if (create) {
    r.start = start.value_or(r.increment > 0 ? r.min : r.max);
    r.last = r.start;
    r.called = false;
  } else if (start) {
    r.start = *start;
  }
  if (restart || restart_at_start) {
    r.last = restart.value_or(r.start);
    r.called = false;
  }
  if (r.start < r.min || r.start > r.max)
    throw pgwire::PgError("22023", "START value (" + std::to_string(r.start) + ") cannot be " +
                                       (r.start < r.min ? "less than MINVALUE (" + std::to_string(r.min)
                                                        : "greater than MAXVALUE (" + std::to_string(r.max)) +
                                       ")");
  return "INSERT OR REPLACE INTO pgwire_sequences VALUES (" + detail::quote(name) + ", " + std::to_string(r.last) +
         ", " + std::to_string(r.start) + ", " + std::to_string(r.increment) + ", " + std::to_string(r.min) + ", " +
         std::to_string(r.max) + ", " + (r.called ? "1" : "0") + ", " + (r.cycle ? "1" : "0") + ")";
}

}  // namespace sqlite_example::sequences
