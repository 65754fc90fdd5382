#pragma once
// PostgreSQL's generate_series(start, stop[, step]) over integers, and over
// dates and timestamps with an interval step (generate_series('2024-01-01'::date,
// '2024-01-31', interval '1 week'): timestamps with time zone for dates, as
// PostgreSQL's overload gives), usable in FROM, as a SQLite eponymous
// virtual table (registered by functions.hpp).

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include <pgwire/types.hpp>

#include "datetime.hpp"
#include "errors.hpp"
#include "virtual_table.hpp"

namespace sqlite_example::series {

// generate_series(start, stop[, step]) over integers, as an eponymous
// virtual table: `SELECT * FROM generate_series(1, 3)` has one column named
// generate_series, declared INT4: PostgreSQL's overload for int4 arguments,
// what nearly every use passes (a series beyond int4 then fails with
// 22003 when read, where PostgreSQL would pick its int8 overload).
struct Series {
  sqlite3_vtab base{};
  struct Cursor {
    sqlite3_vtab_cursor base{};
    std::int64_t value = 0, stop = 0, step = 1, row = 0;
    bool done = true;
    // Over moments: value and stop in microseconds since 2000-01-01, the
    // step an interval, the rows printed as `moment_type`.
    pgwire::Oid moment_type = 0;
    std::int64_t months = 0, days = 0;
    bool forward = true;
    bool past_stop() const { return forward ? value > stop : value < stop; }
  };
  enum Column { value_column, start_column, stop_column, step_column };

  static int connect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char**) {
    int rc = sqlite3_declare_vtab(db, "CREATE TABLE x(generate_series INT4, start HIDDEN, stop HIDDEN, step HIDDEN)");
    if (rc != SQLITE_OK) return rc;
    auto* t = new Series();
    *out = &t->base;
    sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    return SQLITE_OK;
  }
  static int disconnect(sqlite3_vtab* v) {
    delete reinterpret_cast<Series*>(v);
    return SQLITE_OK;
  }
  // The arguments are equality constraints on the hidden columns; idxNum
  // has bit k set when argument k (start, stop, step) is given.
  static int best_index(sqlite3_vtab*, sqlite3_index_info* info) {
    int slot[3] = {-1, -1, -1};
    for (int i = 0; i < info->nConstraint; ++i) {
      const auto& c = info->aConstraint[i];
      if (c.iColumn < start_column || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
      if (!c.usable) return SQLITE_CONSTRAINT;
      slot[c.iColumn - start_column] = i;
    }
    if (slot[0] < 0 || slot[1] < 0) {
      info->idxNum = -1;  // refused in filter() with PostgreSQL's error
      info->estimatedCost = 1e12;
      return SQLITE_OK;
    }
    int arg = 1;
    for (int k = 0; k < 3; ++k) {
      if (slot[k] < 0) continue;
      info->aConstraintUsage[slot[k]].argvIndex = arg++;
      info->aConstraintUsage[slot[k]].omit = 1;
      info->idxNum |= 1 << k;
    }
    info->estimatedCost = 1000;
    return SQLITE_OK;
  }
  static int open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
    *out = &(new Cursor())->base;
    return SQLITE_OK;
  }
  static int close(sqlite3_vtab_cursor* c) {
    delete reinterpret_cast<Cursor*>(c);
    return SQLITE_OK;
  }
  static int fail(sqlite3_vtab_cursor* c, const char* code, const char* message) {
    sqlite3_free(c->pVtab->zErrMsg);
    c->pVtab->zErrMsg = sqlite3_mprintf("%s", function_error(code, message).c_str());
    return SQLITE_ERROR;
  }
  static int filter(sqlite3_vtab_cursor* base, int idx, const char*, int argc, sqlite3_value** argv) {
    auto* c = reinterpret_cast<Cursor*>(base);
    if (idx < 0) return fail(base, "42883", "function generate_series needs a start and a stop");
    for (int i = 0; i < argc; ++i)
      if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {  // strict: no rows
        c->done = true;
        return SQLITE_OK;
      }
    if (sqlite3_value_numeric_type(argv[0]) == SQLITE_TEXT) return filter_moments(base, argc, argv);
    c->moment_type = 0;
    // PostgreSQL's numeric overload (generate_series(1.5, 3) is 1.5, 2.5):
    // refused rather than stepped over integers, which would be wrong rows.
    for (int i = 0; i < argc; ++i)
      if (sqlite3_value_numeric_type(argv[i]) == SQLITE_FLOAT) {
        double d = sqlite3_value_double(argv[i]);
        if (d != static_cast<double>(static_cast<sqlite3_int64>(d)))
          return fail(base, "0A000", "generate_series over fractional numbers is not supported by sqlite_server");
      }
    c->value = sqlite3_value_int64(argv[0]);
    c->stop = sqlite3_value_int64(argv[1]);
    c->step = argc > 2 ? sqlite3_value_int64(argv[2]) : 1;
    if (c->step == 0) return fail(base, "22023", "step size cannot equal zero");
    c->row = 1;
    c->done = c->step > 0 ? c->value > c->stop : c->value < c->stop;
    return SQLITE_OK;
  }
  // generate_series(moment, moment, interval).
  static int filter_moments(sqlite3_vtab_cursor* base, int argc, sqlite3_value** argv) {
    auto* c = reinterpret_cast<Cursor*>(base);
    auto text = [&](int i) {
      return std::string_view(reinterpret_cast<const char*>(sqlite3_value_text(argv[i])),
                              static_cast<std::size_t>(sqlite3_value_bytes(argv[i])));
    };
    if (argc < 3)
      return fail(base, "42883", "function generate_series(timestamp, timestamp) does not exist (a step is needed)");
    auto moment = [&](int i, pgwire::Oid& type, std::int64_t& usecs) {
      type = datetime::form_of(text(i));
      pgwire::Buffer bin;
      if (auto ec = pgwire::convert_format(type, text(i), pgwire::format_text, pgwire::format_binary, bin)) {
        auto info = pgwire::type_error_info(ec, type, text(i), pgwire::format_text);
        fail(base, info.code.c_str(), info.message.c_str());
        return false;
      }
      usecs = type == pgwire::oid::date ? datetime::read_be(bin.view(), 0, 4) * datetime::usecs_per_day
                                        : datetime::read_be(bin.view(), 0, 8);
      return true;
    };
    pgwire::Oid start_type = 0, stop_type = 0;
    if (!moment(0, start_type, c->value) || !moment(1, stop_type, c->stop)) return SQLITE_ERROR;
    pgwire::Buffer interval;
    if (auto ec = pgwire::convert_format(pgwire::oid::interval, text(2), pgwire::format_text, pgwire::format_binary,
                                         interval)) {
      auto info = pgwire::type_error_info(ec, pgwire::oid::interval, text(2), pgwire::format_text);
      return fail(base, info.code.c_str(), info.message.c_str());
    }
    c->step = datetime::read_be(interval.view(), 0, 8);
    c->days = datetime::read_be(interval.view(), 8, 4);
    c->months = datetime::read_be(interval.view(), 12, 4);
    std::int64_t next = datetime::shifted(c->value, c->months, c->days, c->step);
    if (next == c->value) return fail(base, "22023", "step size cannot equal zero");
    c->forward = next > c->value;
    c->moment_type = start_type == pgwire::oid::timestamp && stop_type == pgwire::oid::timestamp
                         ? pgwire::oid::timestamp
                         : pgwire::oid::timestamptz;
    c->row = 1;
    c->done = c->past_stop();
    return SQLITE_OK;
  }
  static int next(sqlite3_vtab_cursor* base) {
    auto* c = reinterpret_cast<Cursor*>(base);
    if (c->moment_type != 0) {
      c->value = datetime::shifted(c->value, c->months, c->days, c->step);
      c->done = c->past_stop();
      ++c->row;
      return SQLITE_OK;
    }
    if (__builtin_add_overflow(c->value, c->step, &c->value)) {
      c->done = true;
    } else {
      c->done = c->step > 0 ? c->value > c->stop : c->value < c->stop;
    }
    ++c->row;
    return SQLITE_OK;
  }
  static int eof(sqlite3_vtab_cursor* base) { return reinterpret_cast<Cursor*>(base)->done ? 1 : 0; }
  static int column(sqlite3_vtab_cursor* base, sqlite3_context* ctx, int i) {
    auto* c = reinterpret_cast<Cursor*>(base);
    if (i != value_column) return SQLITE_OK;
    if (c->moment_type == 0) {
      sqlite3_result_int64(ctx, c->value);
      return SQLITE_OK;
    }
    pgwire::Buffer out;
    if (!datetime::moment_text(c->moment_type, c->value, out)) {
      sqlite3_result_error(ctx, function_error("22008", "timestamp out of range").c_str(), -1);
      return SQLITE_OK;
    }
    sqlite3_result_text(ctx, out.view().data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  static int rowid(sqlite3_vtab_cursor* base, sqlite3_int64* out) {
    *out = reinterpret_cast<Cursor*>(base)->row;
    return SQLITE_OK;
  }

  static const sqlite3_module* module() { return eponymous_module<Series>(); }
};

}  // namespace sqlite_example::series
