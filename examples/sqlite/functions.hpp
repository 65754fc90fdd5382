#pragma once
// PostgreSQL functions SQLite lacks, registered on every connection
// sqlite_server opens (register_postgresql_functions is an auto extension:
// the worker's connections, and the one main() keeps, get them at open).
// The DDL translation (ddl.hpp) puts some of them into table definitions
// (DEFAULT (now()), the serial counter), so every connection needs them.
//
// - now() / transaction_timestamp() / current_timestamp: the time the
//   transaction started (PostgreSQL's rule); statement by statement outside
//   BEGIN ... COMMIT. statement_timestamp(): the statement's start.
//   clock_timestamp(): the time of the call. Text in
//   PostgreSQL's output form, UTC (the server's TimeZone).
// - pgwire_localtimestamp(), pgwire_current_date(), pgwire_current_time(),
//   pgwire_localtime(): what the SQL keywords mean (the dialect rewrites the
//   keywords to these calls; SQLite's own keywords give UTC text without
//   fractions, and CURRENT_TIME without a zone).
// - pgwire_add_interval() (timestamp +/- interval), pgwire_date_add() and
//   pgwire_date_diff() (date +/- days, date - date; datetime.hpp),
//   pgwire_cast() (casts that change the value: to integers, dates, times),
//   pgwire_valid() (a column's values checked by their type's input rules),
//   gen_random_uuid() (and uuid-ossp's uuid_generate_v4()), pgwire_divisor() (division by zero: 22012),
//   pgwire_next_serial() (serial columns that are not the rowid),
//   generate_series(start, stop[, step]) as a table (series.hpp), and
//   string and date functions (builtins.hpp), regular expressions
//   (regex.hpp).

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "array_editing.hpp"
#include "array_functions.hpp"
#include "json_key_operators.hpp"
#include "json_builders.hpp"
#include "jsonb_functions.hpp"
#include "set_functions.hpp"
#include "size_functions.hpp"
#include "string_functions.hpp"
#include "string_syntax.hpp"
#include "interval_functions.hpp"
#include "time_zones.hpp"
#include "builtins.hpp"
#include "date_parsing.hpp"
#include "math_functions.hpp"
#include "numeric_aggregates.hpp"
#include "scalar_subqueries.hpp"
#include "variance_aggregates.hpp"
#include "numeric_text.hpp"
#include "ordered_aggregates.hpp"
#include "ordered_set_aggregates.hpp"
#include "datetime.hpp"
#include "enum_functions.hpp"
#include "enum_types.hpp"
#include "errors.hpp"
#include "numeric_division.hpp"
#include "regex.hpp"
#include "sequences.hpp"
#include "series.hpp"

namespace sqlite_example {

namespace functions {

// The connection's notion of "the transaction's start": see the top.
struct Clock {
  std::int64_t micros = 0;
  bool stale = true;    // the next now() reads the clock
  bool pinned = false;  // inside BEGIN ... COMMIT: now() keeps its time
  std::int64_t statement_micros = 0;
  bool statement_stale = true;  // a statement started since statement_timestamp() read the clock
};

inline std::int64_t clock_micros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Also told of every statement a connection starts (SQLite's trace hook is
// one per connection): sqlite_server's change capture follows savepoints.
// Set once, before any connection opens.
inline void (*statement_observer)(sqlite3* db, const char* sql) = nullptr;

// A statement starts (SQLite's trace hook): outside an explicit
// transaction now() moves on; inside one it keeps the first statement's time.
inline int on_statement(unsigned, void* clock, void* stmt, void* sql) {
  if (statement_observer)
    statement_observer(sqlite3_db_handle(static_cast<sqlite3_stmt*>(stmt)), static_cast<const char*>(sql));
  auto* c = static_cast<Clock*>(clock);
  if (sqlite3_get_autocommit(sqlite3_db_handle(static_cast<sqlite3_stmt*>(stmt)))) c->pinned = false;
  if (!c->pinned) c->stale = true;
  c->statement_stale = true;
  return 0;
}

inline std::int64_t transaction_micros(sqlite3_context* ctx) {
  auto* c = static_cast<Clock*>(sqlite3_user_data(ctx));
  if (c->stale) {
    c->micros = clock_micros();
    c->stale = false;
    c->pinned = !sqlite3_get_autocommit(sqlite3_context_db_handle(ctx));
  }
  return c->micros;
}

enum class Form { timestamptz, timestamp, date, timetz, time };

// `micros`: since 1970, UTC. A timestamptz is stored in UTC; the other
// forms are the session zone's clock (current_date is the local date).
inline std::string format_micros(std::int64_t micros, Form form) {
  std::int32_t east = form == Form::timestamptz ? 0 : session_zone::offset_at(micros / 1000000);
  micros += std::int64_t{east} * 1000000;
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  int fraction = static_cast<int>(micros % 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  char frac[16] = "";  // (as PostgreSQL prints it: trailing zeros dropped, none for whole seconds)
  if (fraction != 0) {
    std::snprintf(frac, sizeof frac, ".%06d", fraction);
    for (std::size_t n = std::strlen(frac); n > 1 && frac[n - 1] == '0'; --n) frac[n - 1] = '\0';
  }
  char zone[16] = "";
  if (form == Form::timestamptz) {
    std::snprintf(zone, sizeof zone, "+00");
  } else if (form == Form::timetz) {
    int a = east < 0 ? -east : east;
    if (a % 3600 == 0) {
      std::snprintf(zone, sizeof zone, "%c%02d", east < 0 ? '-' : '+', a / 3600);
    } else {
      std::snprintf(zone, sizeof zone, "%c%02d:%02d", east < 0 ? '-' : '+', a / 3600, a / 60 % 60);
    }
  }
  switch (form) {
    case Form::date:
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
      break;
    case Form::time:
    case Form::timetz:
      std::snprintf(buf, sizeof buf, "%02d:%02d:%02d%s%s", tm.tm_hour, tm.tm_min, tm.tm_sec, frac, zone);
      break;
    default:
      std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d%s%s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                    tm.tm_hour, tm.tm_min, tm.tm_sec, frac, zone);
  }
  return buf;
}

// statement_timestamp(): the statement's start, the same for all of it (in
// a block it moves on while now() stays; outside one they agree).
inline void statement_time(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* c = static_cast<Clock*>(sqlite3_user_data(ctx));
  if (!c->pinned) {
    c->statement_micros = transaction_micros(ctx);
  } else if (c->statement_stale) {
    c->statement_micros = clock_micros();
  }
  c->statement_stale = false;
  sqlite3_result_text(ctx, format_micros(c->statement_micros, Form::timestamptz).c_str(), -1, SQLITE_TRANSIENT);
}

template <Form F>
void transaction_time(sqlite3_context* ctx, int, sqlite3_value**) {
  sqlite3_result_text(ctx, format_micros(transaction_micros(ctx), F).c_str(), -1, SQLITE_TRANSIENT);
}

inline void clock_timestamp(sqlite3_context* ctx, int, sqlite3_value**) {
  sqlite3_result_text(ctx, format_micros(clock_micros(), Form::timestamptz).c_str(), -1, SQLITE_TRANSIENT);
}

inline void gen_random_uuid(sqlite3_context* ctx, int, sqlite3_value**) {
  unsigned char b[16];
  sqlite3_randomness(sizeof b, b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);  // version 4
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  sqlite3_result_text(ctx, out, 36, SQLITE_TRANSIENT);
}

// The right operand of / and %, passed through unless it is zero: SQLite
// answers x / 0 with NULL, PostgreSQL with 22012 (for integers, numeric
// and floats alike).
inline void divisor(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_value* v = argv[0];
  int type = sqlite3_value_numeric_type(v);
  bool zero = (type == SQLITE_INTEGER && sqlite3_value_int64(v) == 0) ||
              (type == SQLITE_FLOAT && sqlite3_value_double(v) == 0.0);
  if (zero) return sqlite3_result_error(ctx, function_error("22012", "division by zero").c_str(), -1);
  sqlite3_result_value(ctx, v);
}

// pgwire_real_divisor(x): pgwire_divisor's check, and x as a REAL, so that
// a division with a numeric operand is not an integer division.
inline void real_divisor(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  int type = sqlite3_value_numeric_type(argv[0]);
  if (type != SQLITE_INTEGER || sqlite3_value_int64(argv[0]) == 0) return divisor(ctx, argc, argv);
  sqlite3_result_double(ctx, sqlite3_value_double(argv[0]));
}

// pgwire_cast(value, type): the `::type` casts whose value changes (see
// sqlite_dialect.hpp): integers round half away from zero and check their
// range, a text must be an integer; booleans become 0/1; dates and times
// convert (datetime.hpp); a timestamptz to text is written in the session's
// TimeZone (the dialect casts only a timestamptz so).
inline void cast(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  namespace oid = pgwire::oid;
  sqlite3_value* v = argv[0];
  auto type = static_cast<pgwire::Oid>(sqlite3_value_int64(argv[1]));
  int storage = sqlite3_value_type(v);
  if (storage == SQLITE_NULL) return sqlite3_result_null(ctx);
  auto error = [&](std::string_view code, std::string_view message) {
    sqlite3_result_error(ctx, function_error(code, message).c_str(), -1);
  };
  if (enum_types::check_label(ctx, type, v, true)) return;
  std::string_view text(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                        static_cast<std::size_t>(sqlite3_value_bytes(v)));
  if (type == oid::text || type == oid::varchar) {  // (a timestamptz's text: in the session's TimeZone)
    pgwire::Buffer bin, out;
    if (pgwire::convert_format(oid::timestamptz, text, pgwire::format_text, pgwire::format_binary, bin) ||
        pgwire::convert_format(oid::timestamptz, bin.view(), pgwire::format_binary, pgwire::format_text, out,
                               session_zone::current()))
      return sqlite3_result_value(ctx, v);
    return sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
  }
  if (type == oid::int2 || type == oid::int4 || type == oid::int8) {
    const char* name = type == oid::int2 ? "smallint" : type == oid::int4 ? "integer" : "bigint";
    std::int64_t lo = type == oid::int2 ? INT16_MIN : type == oid::int4 ? INT32_MIN : INT64_MIN;
    std::int64_t hi = type == oid::int2 ? INT16_MAX : type == oid::int4 ? INT32_MAX : INT64_MAX;
    std::int64_t n = 0;
    if (storage == SQLITE_INTEGER) {
      n = sqlite3_value_int64(v);
    } else if (storage == SQLITE_FLOAT) {
      double d = std::round(sqlite3_value_double(v));  // half away from zero, as PostgreSQL
      if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18))
        return error("22003", std::string(name) + " out of range");
      n = static_cast<std::int64_t>(d);
    } else {
      // A number held as text (a numeric column's, numeric_text.hpp) rounds;
      // a text operand (argc 3) must be an integer, as PostgreSQL's int4in.
      bool text_operand = argc == 3 && sqlite3_value_int(argv[2]) != 0;
      std::string rounded;
      std::string_view digits = text;
      if (!text_operand && numeric_text::parse(text).kind == numeric_text::Decimal::finite) {
        rounded = numeric_text::round_to_scale(text, 0);
        digits = rounded;
      }
      pgwire::Buffer bin;
      if (auto ec = pgwire::convert_format(oid::int8, digits, pgwire::format_text, pgwire::format_binary, bin)) {
        if (!rounded.empty()) return error("22003", std::string(name) + " out of range");  // (digits past int8)
        auto info = pgwire::type_error_info(ec, type, text, pgwire::format_text);
        return error(info.code, message_with_hint(info));
      }
      n = datetime::read_be(bin.view(), 0, 8);
      if ((n < lo || n > hi) && rounded.empty())  // (text read by int4in: it names the value)
        return error("22003", "value \"" + std::string(text) + "\" is out of range for type " + name);
    }
    if (n < lo || n > hi) return error("22003", std::string(name) + " out of range");
    return sqlite3_result_int64(ctx, n);
  }
  if (type == oid::bool_) {  // stored as 0/1; a text by boolin's rules ('t', 'yes', 'on', '1', ...)
    if (storage == SQLITE_INTEGER || storage == SQLITE_FLOAT)
      return sqlite3_result_int(ctx, sqlite3_value_double(v) != 0);
    pgwire::Buffer bin;
    if (auto ec = pgwire::convert_format(oid::bool_, text, pgwire::format_text, pgwire::format_binary, bin)) {
      auto info = pgwire::type_error_info(ec, type, text, pgwire::format_text);
      return error(info.code, message_with_hint(info));
    }
    return sqlite3_result_int(ctx, bin.view()[0] != 0);
  }
  std::string out, code, message;
  if (!datetime::cast_moment(text, type, out, code, message)) return error(code, message);
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

// pgwire_typeof(name, x): pg_typeof(x), its type's name from the statement's
// text (sqlite_dialect.hpp), or when that is empty judged by SQLite's value.
inline void type_of(sqlite3_context* ctx, int, sqlite3_value** argv) {
  std::string name(reinterpret_cast<const char*>(sqlite3_value_text(argv[0])),
                   static_cast<std::size_t>(sqlite3_value_bytes(argv[0])));
  if (name.empty()) {
    switch (sqlite3_value_type(argv[1])) {
      case SQLITE_INTEGER: name = "bigint"; break;
      case SQLITE_FLOAT: name = "double precision"; break;
      case SQLITE_BLOB: name = "bytea"; break;
      case SQLITE_NULL: name = "unknown"; break;
      default: name = "text";
    }
  }
  sqlite3_result_text(ctx, name.data(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
}

// pgwire_valid(value, type): true, or the error PostgreSQL's input
// function gives a text that is not a valid `type` (numbers SQLite stored
// as numbers are valid: their affinity made them so).
inline void valid(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_value* v = argv[0];
  int storage = sqlite3_value_type(v);
  if (storage == SQLITE_TEXT) {
    auto type = static_cast<pgwire::Oid>(sqlite3_value_int64(argv[1]));
    if (enum_types::check_label(ctx, type, v, false)) return;
    std::string_view text(reinterpret_cast<const char*>(sqlite3_value_text(v)),
                          static_cast<std::size_t>(sqlite3_value_bytes(v)));
    pgwire::Buffer bin;
    if (auto ec = pgwire::convert_format(type, text, pgwire::format_text, pgwire::format_binary, bin)) {
      auto info = pgwire::type_error_info(ec, type, text, pgwire::format_text);
      return sqlite3_result_error(ctx, function_error(info.code, message_with_hint(info)).c_str(), -1);
    }
  }
  sqlite3_result_int(ctx, 1);
}

// pgwire_next_serial('t', 'c'): the next value of serial column t.c that is
// not the table's rowid (a serial column that is the primary key is the
// rowid, which SQLite numbers itself): one more than the largest so far.
inline void next_serial(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto quote = [](const unsigned char* s) {
    std::string q = "\"";
    for (; s && *s; ++s) {
      if (*s == '"') q.push_back('"');
      q.push_back(static_cast<char>(*s));
    }
    return q + "\"";
  };
  std::string sql = "SELECT coalesce(max(" + quote(sqlite3_value_text(argv[1])) + "), 0) + 1 FROM " +
                    quote(sqlite3_value_text(argv[0]));
  sqlite3* db = sqlite3_context_db_handle(ctx);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
    sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
  } else {
    sqlite3_result_int64(ctx, sqlite3_column_int64(s, 0));
  }
  sqlite3_finalize(s);
}

// The byte order, as memcmp then length (SQLite's BINARY).
inline int binary_collation(void*, int n1, const void* a, int n2, const void* b) {
  int c = std::memcmp(a, b, static_cast<std::size_t>(n1 < n2 ? n1 : n2));
  return c != 0 ? c : n1 - n2;
}

}  // namespace functions

// The auto extension (sqlite3_auto_extension): runs for each new connection.
inline int register_postgresql_functions(sqlite3* db, char**, const sqlite3_api_routines*) {
  using namespace functions;
  auto* clock = new Clock();
  // One Clock per connection, freed with the connection (the destructor of
  // the first function that holds it).
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT, &on_statement, clock);
  constexpr int stable = SQLITE_UTF8 | SQLITE_INNOCUOUS;  // usable in DEFAULT / CHECK
  constexpr int pure = stable | SQLITE_DETERMINISTIC;
  sqlite3_create_function_v2(db, "now", 0, stable, clock, &transaction_time<Form::timestamptz>, nullptr, nullptr,
                             [](void* p) { delete static_cast<Clock*>(p); });
  sqlite3_create_function_v2(db, "transaction_timestamp", 0, stable, clock, &transaction_time<Form::timestamptz>,
                             nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "statement_timestamp", 0, stable, clock, &statement_time, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_localtimestamp", 0, stable, clock, &transaction_time<Form::timestamp>, nullptr,
                             nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_current_date", 0, stable, clock, &transaction_time<Form::date>, nullptr,
                             nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_current_time", 0, stable, clock, &transaction_time<Form::timetz>, nullptr,
                             nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_localtime", 0, stable, clock, &transaction_time<Form::time>, nullptr, nullptr,
                             nullptr);
  sqlite3_create_function_v2(db, "clock_timestamp", 0, stable, nullptr, &clock_timestamp, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "gen_random_uuid", 0, stable, nullptr, &gen_random_uuid, nullptr, nullptr, nullptr);
  // (uuid-ossp's name for it: TypeORM's generated uuid columns default to it)
  sqlite3_create_function_v2(db, "uuid_generate_v4", 0, stable, nullptr, &gen_random_uuid, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_divisor", 1, pure, nullptr, &divisor, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_real_divisor", 1, pure, nullptr, &real_divisor, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_add_interval", 3, pure, nullptr, &datetime::add_interval, nullptr, nullptr,
                             nullptr);
  sqlite3_create_function_v2(db, "pgwire_date_add", 2, pure, nullptr, &datetime::date_add, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_date_diff", 2, pure, nullptr, &datetime::date_diff, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_timestamp_diff", 2, pure, nullptr, &datetime::timestamp_diff, nullptr, nullptr,
                             nullptr);
  sqlite3_create_collation_v2(db, "pgwire_interval", SQLITE_UTF8, nullptr, &datetime::collate_interval, nullptr);
  // PostgreSQL's byte-order collations by name (COLLATE "C", pg_dump's
  // COLLATE pg_catalog."default"): SQLite's BINARY, which compares UTF-8 bytes.
  for (const char* name : {"C", "POSIX", "default", "ucs_basic"})
    sqlite3_create_collation_v2(db, name, SQLITE_UTF8, nullptr, &binary_collation, nullptr);
  sqlite3_create_function_v2(db, "pgwire_cast", 2, pure, nullptr, &cast, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_cast", 3, pure, nullptr, &cast, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_valid", 2, pure, nullptr, &valid, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_typeof", 2, pure, nullptr, &type_of, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pgwire_next_serial", 2, stable, nullptr, &next_serial, nullptr, nullptr, nullptr);
  builtins::register_all(db);
  enum_types::register_all(db);
  enum_functions::register_all(db);
  string_syntax::register_all(db);
  interval_functions::register_all(db);
  numeric_aggregates::register_all(db);
  date_parsing::register_all(db);
  variance_aggregates::register_all(db);
  scalar_subqueries::register_all(db);
  math_functions::register_all(db);
  numeric_text::register_all(db);
  numeric_division::register_all(db);
  sequences::register_functions(db);
  array_functions::register_all(db);
  array_editing::register_all(db);
  json_key_operators::register_all(db);
  jsonb_functions::register_all(db);
  json_builders::register_all(db);
  ordered_aggregates::register_all(db);
  ordered_set_aggregates::register_all(db);
  regex::register_all(db);
  size_functions::register_all(db);
  time_zones::register_all(db);
  string_functions::register_all(db);
  sqlite3_create_module(db, "generate_series", series::Series::module(), nullptr);
  set_functions::register_all(db);
  // PostgreSQL enforces foreign keys; SQLite only when asked, per connection.
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  return SQLITE_OK;
}

// Call once, before any connection opens.
inline void install_postgresql_functions() {
  sqlite3_auto_extension(reinterpret_cast<void (*)()>(&register_postgresql_functions));
}

}  // namespace sqlite_example
