#pragma once
// Results of sqlite_server: rows are stepped on the connection's worker a
// batch at a time (encoded there in the formats the client asked for) and
// handed to the io thread, which writes them out; the next batch is fetched
// only when the client took this one, so memory stays bounded.

#include <sqlite3.h>

#include <exception>
#include <functional>
#include <memory>
#include <vector>

#include <pgwire/api/results.hpp>
#include <pgwire/types.hpp>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"
#include "translate.hpp"
#include "values.hpp"
#include "worker.hpp"

namespace sqlite_example {

// A Parse'd statement (or one the connection's StatementCache keeps): its
// translation (the SQL SQLite runs, PostgreSQL casts removed; for DDL what
// to record once it ran) and compiled statements kept for the next
// Execute, so a prepared statement is compiled once, not per Execute (one
// per portal running at the same time). The translation is fixed once
// made; `idle` is touched on the worker only.
struct Prepared : Translation {
  std::vector<std::unique_ptr<Stmt>> idle;

  void give_back(std::unique_ptr<Stmt> s) {
    if (idle.size() >= 4) return;
    sqlite3_reset(s->s);
    sqlite3_clear_bindings(s->s);
    idle.push_back(std::move(s));
  }
};

// Result column i -> the item of the statement's result list it comes
// from (nullptr: not known, e.g. a column of a `*`).
inline std::vector<const sqlite_dialect::SelectItem*> items_by_column(
    const std::vector<sqlite_dialect::SelectItem>& items, std::size_t ncol) {
  std::vector<const sqlite_dialect::SelectItem*> of(ncol, nullptr);
  std::size_t stars = 0, star_at = 0;
  for (std::size_t k = 0; k < items.size(); ++k)
    if (items[k].star) ++stars, star_at = k;
  if (stars == 0 && items.size() == ncol) {
    for (std::size_t k = 0; k < ncol; ++k) of[k] = &items[k];
  } else if (stars == 1 && items.size() - 1 <= ncol) {
    std::size_t expanded = ncol - (items.size() - 1);
    for (std::size_t k = 0; k < star_at; ++k) of[k] = &items[k];
    for (std::size_t k = star_at + 1; k < items.size(); ++k) of[k - 1 + expanded] = &items[k];
  }
  return of;
}

// Columns of a statement as PostgreSQL describes them. Type: an
// expression's as PostgreSQL types it (select_list.hpp), else the
// column's PostgreSQL declaration (recorded by the DDL translation, or
// SQLite's declared type), else the type of the first row's value when one
// was stepped. Name: PostgreSQL's for an expression without an alias
// (count, ?column?, int4, ...), else SQLite's.
inline pgwire::SchemaPtr schema_of(sqlite3_stmt* s, bool have_row, const sqlite_dialect::Rewritten& sql) {
  std::vector<pgwire::Column> cols;
  int ncol = sqlite3_column_count(s);
  auto items = items_by_column(sql.columns, static_cast<std::size_t>(ncol));
  sqlite3* db = sqlite3_db_handle(s);
  for (int i = 0; i < ncol; ++i) {
    const sqlite_dialect::SelectItem* item = items[static_cast<std::size_t>(i)];
    pgwire::Oid t = item && !item->column ? item->type : 0;
    std::int32_t modifier = -1;
    if (t == 0) {
      const char* table = sqlite3_column_table_name(s, i);
      const char* origin = sqlite3_column_origin_name(s, i);
      if (table && origin) {
        auto recorded = recorded_column(db, table, origin);
        t = recorded.type;
        modifier = recorded.modifier;
      }
    }
    if (t == 0 && item) t = item->type;
    if (t == 0) t = pg_type(sqlite3_column_decltype(s, i), have_row ? sqlite3_column_type(s, i) : SQLITE_TEXT);
    std::string name = sqlite3_column_name(s, i);
    if (item && !item->aliased && !item->column && !item->name.empty()) name = item->name;
    cols.push_back({std::move(name), t, pgwire::type_size(t), modifier});
  }
  return pgwire::make_schema(std::move(cols));
}

// Encoded rows stepped on the worker: `columns` fields per row.
struct RowBatch {
  struct Field {
    std::size_t offset;
    std::ptrdiff_t length;  // -1: NULL
  };
  pgwire::Buffer data;
  std::vector<Field> fields;
  std::size_t rows = 0, next = 0;  // stepped, handed over
  std::exception_ptr error;        // after these rows

  void clear() {
    data.clear();
    fields.clear();
    rows = next = 0;
    error = nullptr;
  }
  std::string_view value(const Field& f) const {
    return data.view().substr(f.offset, static_cast<std::size_t>(f.length));
  }
};

inline constexpr std::size_t batch_rows = 1024;
inline constexpr std::size_t batch_bytes = 256 * 1024;

// A running statement whose first row (if any) was stepped.
struct Cursor {
  std::unique_ptr<Stmt> stmt;
  bool has_row = false;
  std::vector<pgwire::Oid> types;
  std::vector<std::int32_t> modifiers;  // per column, or empty (none)
  pgwire::Buffer scratch;

  // On the worker: up to one batch of rows, each column in formats[i].
  void fetch(sqlite3* db, const std::vector<pgwire::FormatCode>& formats, RowBatch& batch) {
    batch.clear();
    std::size_t n = types.size();
    try {
      while (has_row && batch.rows < batch_rows && batch.data.size() < batch_bytes) {
        for (std::size_t i = 0; i < n; ++i) {
          std::size_t at = batch.data.size();
          std::int32_t modifier = i < modifiers.size() ? modifiers[i] : -1;
          bool value =
              encode_stored(stmt->s, static_cast<int>(i), types[i], formats[i], batch.data, scratch, modifier);
          batch.fields.push_back({at, value ? static_cast<std::ptrdiff_t>(batch.data.size() - at) : -1});
        }
        ++batch.rows;
        int rc = sqlite3_step(stmt->s);
        if (rc == SQLITE_DONE) {
          has_row = false;
        } else if (rc != SQLITE_ROW) {
          throw pgwire::PgError(sqlite_error(db, rc));
        }
      }
    } catch (...) {
      batch.fields.resize(batch.rows * n);
      batch.error = std::current_exception();
      has_row = false;
    }
  }
};

class SqliteRows final : public pgwire::RowSource {
 public:
  // On the worker, in the job that stepped the first row: the first batch
  // is stepped there too, in `formats` (one per column), and a statement
  // that ended is released there. A short result (SELECT 1, a lookup by
  // key) then costs one trip to the worker instead of three: its rows need
  // no second job and its end no cleanup job.
  SqliteRows(std::shared_ptr<Worker> worker, std::unique_ptr<Stmt> stmt, bool has_row, pgwire::SchemaPtr schema,
             std::shared_ptr<Prepared> home, const std::vector<pgwire::FormatCode>& formats)
      : worker_(std::move(worker)), state_(std::make_shared<State>()) {
    state_->cursor.stmt = std::move(stmt);
    state_->cursor.has_row = has_row;
    for (const auto& c : *schema) {
      state_->cursor.types.push_back(c.type);
      state_->cursor.modifiers.push_back(c.type_modifier);
    }
    state_->home = std::move(home);
    state_->cursor.fetch(sqlite3_db_handle(state_->cursor.stmt->s), formats, state_->batch);
    if (!state_->cursor.has_row) state_->release();
  }
  ~SqliteRows() override {
    // (Read on the io thread: the worker wrote it in a job that has ended.)
    if (!state_->cursor.stmt) return;
    worker_->cleanup([state = state_] { state->release(); });
  }

  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    auto& batch = state_->batch;
    for (;;) {
      while (batch.next < batch.rows && out.wants_more()) {
        out.begin_row();
        std::size_t n = state_->cursor.types.size();
        for (std::size_t i = 0; i < n; ++i) {
          const auto& f = batch.fields[batch.next * n + i];
          if (f.length < 0) {
            out.add_null();
          } else {
            out.add_encoded(batch.value(f));
          }
        }
        out.end_row();
        ++batch.next;
      }
      if (batch.next < batch.rows) co_return true;
      if (batch.error) std::rethrow_exception(std::exchange(batch.error, nullptr));
      if (!state_->cursor.has_row) co_return false;
      if (!out.wants_more()) co_return true;
      std::vector<pgwire::FormatCode> formats;
      for (std::size_t i = 0; i < state_->cursor.types.size(); ++i) formats.push_back(out.format_of(i));
      worker_->clear_interrupt();
      auto state = state_;
      auto job = [state, &formats](sqlite3* db) {
        state->cursor.fetch(db, formats, state->batch);
        return true;
      };
      co_await worker_->call<bool>(std::move(job));  // (named: see Worker::call)
    }
  }

 private:
  struct State {
    Cursor cursor;
    RowBatch batch;
    std::shared_ptr<Prepared> home;
    // On the worker: the compiled statement goes back to its Prepared for
    // the next Execute, or is finalized (its read lock ends either way).
    void release() {
      if (home && cursor.stmt) home->give_back(std::move(cursor.stmt));
      cursor.stmt.reset();
    }
  };
  std::shared_ptr<Worker> worker_;
  std::shared_ptr<State> state_;
};

}  // namespace sqlite_example
