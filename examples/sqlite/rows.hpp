#pragma once
// Results of sqlite_server: rows are stepped on the connection's worker a
// batch at a time (encoded there in the formats the client asked for) and
// handed to the io thread, which writes them out. While it does, the worker
// steps the next batch: at most two are held, so memory stays bounded
// however slowly the client reads.

#include <algorithm>
#include <sqlite3.h>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <pgwire/api/results.hpp>
#include <pgwire/codec/backend.hpp>
#include <pgwire/codec/framing.hpp>
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
struct RowsState;
struct Prepared : Translation {
  std::vector<std::unique_ptr<Stmt>> idle;
  // The state of its last result that ended, cleared, for the next Execute
  // (whose vectors and buffers then allocate nothing). Made on the worker,
  // given back on the io thread: under the mutex.
  std::mutex spare_mutex;
  std::shared_ptr<RowsState> spare_rows;

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

// The display scale of each result column that is a numeric expression
// whose scale the text tells (SelectItem::scale), -1 for the others;
// empty when there is none (most statements: no allocation then).
inline std::vector<std::int32_t> display_scales(const sqlite_dialect::Rewritten& sql, std::size_t ncol) {
  auto scaled = [](const sqlite_dialect::SelectItem& item) {
    return !item.column && item.type == pgwire::oid::numeric && item.scale >= 0;
  };
  if (std::none_of(sql.columns.begin(), sql.columns.end(), scaled)) return {};
  std::vector<std::int32_t> out;
  for (const auto* item : items_by_column(sql.columns, ncol)) out.push_back(item && scaled(*item) ? item->scale : -1);
  return out;
}

// Columns of a statement as PostgreSQL describes them. Type: an
// expression's as PostgreSQL types it (select_list.hpp), else the
// column's PostgreSQL declaration (recorded by the DDL translation, or
// SQLite's declared type), else the type of the first row's value when one
// was stepped. Name: PostgreSQL's for an expression without an alias
// (count, ?column?, int4, ...), else SQLite's.
// `parameter_types`: Parse's, which type a bare $n in the list (SELECT $1
// is what the client declared $1 to be, text when it declared nothing).
// `origins`: the table OID and attnum of a column that reads a table's
// column as it is (0 without).
inline pgwire::SchemaPtr schema_of(sqlite3_stmt* s, bool have_row, const sqlite_dialect::Rewritten& sql,
                                   const std::vector<pgwire::Oid>& parameter_types = {},
                                   ColumnOrigins* origins = nullptr) {
  std::vector<pgwire::Column> cols;
  int ncol = sqlite3_column_count(s) - static_cast<int>(sql.hidden_columns);
  auto items = items_by_column(sql.columns, static_cast<std::size_t>(ncol));
  sqlite3* db = sqlite3_db_handle(s);
  for (int i = 0; i < ncol; ++i) {
    const sqlite_dialect::SelectItem* item = items[static_cast<std::size_t>(i)];
    pgwire::Oid t = item && !item->column ? item->type : 0;
    if (t == 0 && item && item->parameter > 0 && static_cast<std::size_t>(item->parameter) <= parameter_types.size())
      t = parameter_types[static_cast<std::size_t>(item->parameter) - 1];
    if (t == pgwire::oid::unknown) t = pgwire::oid::text;  // (declared unknown: PostgreSQL resolves it to text)
    std::int32_t modifier = -1;
    const char* table = sqlite3_column_table_name(s, i);
    const char* origin = sqlite3_column_origin_name(s, i);
    ColumnOrigins::Origin from;
    // (an expression's column has none: PostgreSQL's neither, whatever SQLite traces through a rewrite)
    if (origins && table && origin && (!item || item->column))
      from = origins->origin(db, sqlite3_column_database_name(s, i), table, origin, sqlite3_sql(s));
    if (t == 0) {
      if (table && origin) {
        auto recorded = recorded_column(db, table, origin);
        t = recorded.type;
        modifier = recorded.modifier;
      }
    }
    if (t == 0 && item) t = item->type;
    // (a `*` over VALUES, generate_series or a subquery's numeric expressions, or a column of them)
    if (t == 0 && (!item || item->column) && !sql.from_columns.empty())
      for (const auto& [name, type] : sql.from_columns)
        if (sqlite3_stricmp(name.c_str(), sqlite3_column_name(s, i)) == 0) {
          t = type;
          break;
        }
    if (t == 0) t = pg_type(sqlite3_column_decltype(s, i), have_row ? sqlite3_column_type(s, i) : SQLITE_TEXT);
    std::string name = sqlite3_column_name(s, i);
    if (item && !item->aliased && !item->column && !item->name.empty()) name = item->name;
    cols.push_back({std::move(name), t, pgwire::type_size(t), modifier, from.table_oid, from.column_id});
  }
  return pgwire::make_schema(std::move(cols));
}

// Rows stepped on the worker, encoded there as whole DataRow messages (in
// the formats the client asked for): the io thread hands them on with one
// copy (RowWriter::add_encoded_rows).
struct RowBatch {
  pgwire::Buffer data;             // DataRow messages, back to back
  std::vector<std::size_t> ends;   // where each row's message ends in `data`
  std::size_t next = 0;            // rows handed over
  std::exception_ptr error;        // after these rows

  std::size_t rows() const noexcept { return ends.size(); }
  // Row r's values (nullopt: NULL), read back from its DataRow; `out` has
  // one entry per column.
  void values(std::size_t r, std::vector<pgwire::Value>& out) const {
    std::size_t from = r == 0 ? 0 : ends[r - 1];
    auto row = pgwire::parse_backend_frame(data.view().substr(from, ends[r] - from));
    pgwire::decode_data_row(row.frame.body, out);  // (encoded here: well formed)
  }
  void clear() {
    data.clear();
    ends.clear();
    next = 0;
    error = nullptr;
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
  std::vector<std::int32_t> display_scales;  // per column, or empty (display_scales())
  pgwire::Buffer scratch;

  // On the worker: up to one batch of rows, each column in formats[i].
  void fetch(sqlite3* db, const std::vector<pgwire::FormatCode>& formats, RowBatch& batch) {
    batch.clear();
    std::size_t n = types.size();
    try {
      while (has_row && batch.rows() < batch_rows && batch.data.size() < batch_bytes) {
        pgwire::DataRowWriter row(batch.data);
        for (std::size_t i = 0; i < n; ++i) {
          std::size_t at = batch.data.size();
          std::int32_t modifier = i < modifiers.size() ? modifiers[i] : -1;
          std::int32_t display = i < display_scales.size() ? display_scales[i] : -1;
          row.begin_value();
          if (encode_stored(stmt->s, static_cast<int>(i), types[i], formats[i], batch.data, scratch, modifier,
                            display)) {
            row.end_value();
          } else {
            batch.data.truncate(at);
            row.add_null();
          }
        }
        row.finish();
        if (batch.data.error()) throw pgwire::PgError("54000", "row is too big");
        batch.ends.push_back(batch.data.size());
        int rc = sqlite3_step(stmt->s);
        if (rc == SQLITE_DONE) {
          has_row = false;
        } else if (rc != SQLITE_ROW) {
          throw pgwire::PgError(sqlite_error(db, rc, stmt->s));
        }
      }
    } catch (...) {
      batch.data.truncate(batch.ends.empty() ? 0 : batch.ends.back());  // (a row cut by the error)
      batch.error = std::current_exception();
      has_row = false;
    }
  }
};

// A result's cursor and batches, shared by the io thread's SqliteRows and
// the worker's jobs.
struct RowsState {
  Cursor cursor;
  RowBatch batch;  // handed to the io thread
  RowBatch ahead;  // stepped on the worker meanwhile
  std::shared_ptr<Prepared> home;
  // On the worker: the compiled statement goes back to its Prepared for
  // the next Execute, or is finalized (its read lock ends either way).
  void release() {
    if (home && cursor.stmt) home->give_back(std::move(cursor.stmt));
    cursor.stmt.reset();
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
             std::shared_ptr<Prepared> home, const std::vector<pgwire::FormatCode>& formats,
             std::vector<std::int32_t> display_scales = {})
      : worker_(std::move(worker)), state_(reuse_state(home.get())) {
    state_->cursor.display_scales = std::move(display_scales);
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
  // The error the first batch ended with before any row (a literal that
  // is no valid input for its column's type): the statement's error, which
  // PostgreSQL reports instead of a RowDescription. Null otherwise.
  std::exception_ptr error_before_rows() {
    auto& batch = state_->batch;
    return batch.rows() == 0 ? std::exchange(batch.error, nullptr) : nullptr;
  }
  ~SqliteRows() override {
    // (Read on the io thread: the worker wrote it in a job that has ended.)
    if (!prefetching_ && !state_->cursor.stmt) {
      keep_state();
      return;
    }
    worker_->cleanup([state = state_] { state->release(); });
  }

  // While the io thread writes one batch out, the worker steps the next
  // (`ahead`): SQLite, the socket and the client work at the same time, and
  // at most two batches are held.
  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    auto& batch = state_->batch;
    for (;;) {
      if (batch.next < batch.rows() && out.wants_more()) {
        // The rows the writer takes: while it wants more, within the limit.
        std::size_t from = batch.next == 0 ? 0 : batch.ends[batch.next - 1];
        std::size_t room = out.bytes_left();
        std::uint64_t allowed = out.rows_left();
        std::size_t last = batch.next;
        while (last < batch.rows() && last - batch.next < allowed &&
               (last == batch.next || batch.ends[last - 1] - from < room))
          ++last;
        out.add_encoded_rows(batch.data.view().substr(from, batch.ends[last - 1] - from));
        batch.next = last;
      }
      if (batch.next < batch.rows()) co_return true;
      if (batch.error) std::rethrow_exception(std::exchange(batch.error, nullptr));
      if (!prefetching_ && !state_->cursor.has_row) co_return false;
      if (!out.wants_more()) co_return true;
      if (prefetching_) {
        // Jobs run in order: once this no-op has run, the batch ahead is done.
        auto barrier = [](sqlite3*) { return true; };
        co_await worker_->call<bool>(std::move(barrier));  // (named: see Worker::call)
        prefetching_ = false;
        std::swap(batch, state_->ahead);
      } else {
        auto formats = formats_of(out);
        worker_->clear_interrupt();
        auto state = state_;
        auto job = [state, &formats](sqlite3* db) {
          state->cursor.fetch(db, formats, state->batch);
          return true;
        };
        co_await worker_->call<bool>(std::move(job));  // (named: see Worker::call)
      }
      if (state_->cursor.has_row) {
        worker_->clear_interrupt();
        prefetching_ = true;
        worker_->ahead([state = state_, formats = formats_of(out)] {
          state->cursor.fetch(sqlite3_db_handle(state->cursor.stmt->s), formats, state->ahead);
        });
      }
    }
  }

 private:
  using State = RowsState;

  // The spare state of the statement's last result, or a new one.
  static std::shared_ptr<State> reuse_state(Prepared* home) {
    if (home) {
      std::lock_guard lock(home->spare_mutex);
      if (home->spare_rows) return std::move(home->spare_rows);
    }
    return std::make_shared<State>();
  }
  // An ended result's state, cleared, goes back to its statement, unless a
  // job still holds it (its reference is being dropped on the worker) or
  // it grew big (a spare is kept for as long as the statement).
  void keep_state() {
    static constexpr std::size_t kept_bytes = 16 * 1024;
    if (!state_->home || state_.use_count() != 1) return;
    std::atomic_thread_fence(std::memory_order_acquire);  // (the worker's last use came before its release)
    State& s = *state_;
    if (s.batch.data.capacity() > kept_bytes || s.ahead.data.capacity() > kept_bytes) return;
    std::shared_ptr<Prepared> home = std::move(s.home);  // (no cycle: the spare holds no Prepared)
    s.batch.clear();
    s.ahead.clear();
    s.cursor.has_row = false;
    s.cursor.types.clear();
    s.cursor.modifiers.clear();
    s.cursor.display_scales.clear();
    std::lock_guard lock(home->spare_mutex);
    home->spare_rows = std::move(state_);
  }

  static std::vector<pgwire::FormatCode> formats_of(const pgwire::RowWriter& out) {
    std::vector<pgwire::FormatCode> formats;
    for (std::size_t i = 0; i < out.schema().size(); ++i) formats.push_back(out.format_of(i));
    return formats;
  }

  std::shared_ptr<Worker> worker_;
  std::shared_ptr<State> state_;
  bool prefetching_ = false;  // io thread: a job is stepping `ahead` (the worker owns the cursor until it ends)
};

}  // namespace sqlite_example
