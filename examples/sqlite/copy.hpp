#pragma once
// COPY for sqlite_server:
//   COPY table [(columns)] FROM STDIN [options]
//   COPY table [(columns)] TO STDOUT [options]
//   COPY (query) TO STDOUT [options]
// in text, csv and binary (the library's codecs, pgwire/types/copy_format.hpp).
// Values are stored as INSERT parameters are (values.hpp). A COPY FROM runs
// inside a savepoint: an error, a CopyFail or a lost client leaves no row.
// COPY FROM gathers CopyData on the io thread and hands them to the
// connection's worker by 256 KiB (libpq sends a message per row: a trip
// each was most of the cost); COPY TO steps a batch of rows at a time on
// the worker. Memory stays bounded both ways.

#include <sqlite3.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pgwire/api/copy.hpp>
#include <pgwire/protocol/copy_options_sql.hpp>
#include <pgwire/protocol/sql_text.hpp>
#include <pgwire/types/copy_format.hpp>

#include "../sqlite_dialect.hpp"
#include "rows.hpp"
#include "values.hpp"
#include "worker.hpp"

namespace sqlite_example {

struct CopyStatement {
  std::string table;  // or:
  std::string query;  // COPY (query) TO
  std::vector<std::string> columns;
  pgwire::CopyDirection direction = pgwire::CopyDirection::from;
  pgwire::CopyOptions options;
};

// The COPY statement `sql` (its first word is COPY). Throws PgError.
inline CopyStatement parse_copy(std::string_view sql) {
  using sqlite_dialect::is;
  using sqlite_dialect::Kind;
  auto toks = sqlite_dialect::tokenize(sql);
  auto syntax = [&](std::size_t i) {
    std::string near = i < toks.size() ? std::string(toks[i].text) : std::string("end of input");
    return pgwire::PgError(pgwire::sqlstate::syntax_error, "syntax error at or near \"" + near + "\"");
  };
  auto is_name = [&](std::size_t i) {
    return i < toks.size() && (toks[i].kind == Kind::word || toks[i].kind == Kind::quoted_identifier);
  };
  CopyStatement c;
  std::size_t i = 1;
  if (i < toks.size() && is(toks[i], "(")) {
    std::size_t depth = 0, j = i;
    for (; j < toks.size(); ++j) {
      if (is(toks[j], "(")) ++depth;
      if (is(toks[j], ")") && --depth == 0) break;
    }
    if (j >= toks.size()) throw syntax(j);
    c.query = std::string(sql.substr(toks[i].end(), toks[j].offset - toks[i].end()));
    i = j + 1;
  } else {
    if (!is_name(i)) throw syntax(i);
    c.table = sqlite_dialect::unquote(toks[i++]);
    while (i + 1 < toks.size() && is(toks[i], ".") && is_name(i + 1)) {
      c.table = sqlite_dialect::unquote(toks[i + 1]);  // schema.table: SQLite looks in every schema
      i += 2;
    }
    if (i < toks.size() && is(toks[i], "(")) {
      for (++i; i < toks.size() && !is(toks[i], ")"); ++i) {
        if (!is_name(i)) throw syntax(i);
        c.columns.push_back(sqlite_dialect::unquote(toks[i]));
        if (i + 1 < toks.size() && is(toks[i + 1], ",")) ++i;
      }
      if (i >= toks.size()) throw syntax(i);
      ++i;
    }
  }
  if (i < toks.size() && is(toks[i], "from") && c.query.empty()) {
    c.direction = pgwire::CopyDirection::from;
  } else if (i < toks.size() && is(toks[i], "to")) {
    c.direction = pgwire::CopyDirection::to;
  } else {
    throw syntax(i);
  }
  ++i;
  bool from = c.direction == pgwire::CopyDirection::from;
  // (either word in either direction, as PostgreSQL's grammar takes them:
  // PHP's pgsqlCopyToArray sends COPY ... TO STDIN)
  if (i >= toks.size() || !(is(toks[i], "stdin") || is(toks[i], "stdout"))) {
    if (i < toks.size() && (toks[i].kind == Kind::string || is(toks[i], "program")))
      throw pgwire::PgError(pgwire::sqlstate::feature_not_supported,
                            "COPY to or from a file or program is not supported; use STDIN/STDOUT (psql's \\copy)");
    throw syntax(i);
  }
  std::string_view tail = i + 1 < toks.size() ? sql.substr(toks[i + 1].offset) : std::string_view();
  std::string_view where;
  if (auto e = pgwire::parse_copy_options(tail, c.direction, c.options, from ? &where : nullptr))
    throw pgwire::PgError(*e);
  if (!where.empty())
    throw pgwire::PgError(pgwire::sqlstate::feature_not_supported, "COPY FROM ... WHERE is not supported");
  return c;
}

inline std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char ch : name) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  out.push_back('"');
  return out;
}

inline bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// On the worker: the COPY's columns of `table` (all, or those listed) and
// their types. 42P01 for an unknown table, 42703 for an unknown column.
inline void table_columns(sqlite3* db, const std::string& table, std::vector<std::string>& names,
                          std::vector<pgwire::Oid>& types) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1)", -1, &s, nullptr) != SQLITE_OK)
    throw pgwire::PgError(sqlite_error(db, SQLITE_ERROR));
  std::vector<std::pair<std::string, pgwire::Oid>> all;
  sqlite3_bind_text(s, 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
  while (sqlite3_step(s) == SQLITE_ROW)
    all.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)),
                     pg_type(reinterpret_cast<const char*>(sqlite3_column_text(s, 1)), SQLITE_TEXT));
  sqlite3_finalize(s);
  if (all.empty()) throw pgwire::PgError(pgwire::sqlstate::undefined_table, "relation \"" + table + "\" does not exist");
  if (names.empty()) {
    for (auto& [n, t] : all) {
      names.push_back(n);
      types.push_back(t);
    }
    return;
  }
  for (auto& want : names) {
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& col) { return same_name(col.first, want); });
    if (it == all.end())
      throw pgwire::PgError("42703", "column \"" + want + "\" of relation \"" + table + "\" does not exist");
    want = it->first;
    types.push_back(it->second);
  }
}

// COPY ... FROM STDIN: rows decoded and inserted as each CopyData arrives.
class SqliteCopyIn final : public pgwire::CopyInTarget {
 public:
  struct State {
    std::unique_ptr<Stmt> insert;
    std::optional<pgwire::CopyDecoder> decoder;
    std::vector<pgwire::Oid> types;
    pgwire::FormatCode format = pgwire::format_text;
    std::uint64_t rows = 0;
    bool open = false;  // the savepoint
    pgwire::CopyRow row;
    pgwire::Buffer binary, text;

    void rollback(sqlite3* db) {
      if (!open) return;
      open = false;
      insert.reset();
      sqlite3_exec(db, "ROLLBACK TO pgwire_copy; RELEASE pgwire_copy", nullptr, nullptr, nullptr);
    }
    // Inserts the complete rows; on any error undoes the COPY and rethrows.
    void consume(sqlite3* db) {
      try {
        for (;;) {
          auto status = decoder->next(row);
          if (status == pgwire::CopyDecoder::Status::error) throw pgwire::PgError(decoder->error());
          if (status != pgwire::CopyDecoder::Status::row) return;
          insert_row(db);
        }
      } catch (...) {
        rollback(db);
        throw;
      }
    }
    void insert_row(sqlite3* db) {
      const auto& settings = decoder->settings();
      auto context = [&] { return "COPY " + settings.relation + ", line " + std::to_string(row.line()); };
      sqlite3_stmt* s = insert->s;
      for (std::size_t i = 0; i < row.size(); ++i) {
        int idx = static_cast<int>(i) + 1;
        auto value = row[i];
        if (!value) {
          sqlite3_bind_null(s, idx);
          continue;
        }
        try {
          store_value(s, idx, types[i], format, *value, binary, text);
        } catch (const pgwire::PgError& e) {
          auto info = e.info();
          info.where = context() + ", column " + settings.columns[i] + ": \"" +
                       std::string(format == pgwire::format_text ? value->substr(0, 200) : "") + "\"";
          throw pgwire::PgError(std::move(info));
        }
      }
      int rc = step_first(db, s);  // (the first write of a COPY may wait for the other writer)
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
      if (rc != SQLITE_DONE) {
        auto info = sqlite_error(db, rc);
        info.where = context();
        throw pgwire::PgError(std::move(info));
      }
      ++rows;
    }
  };

  SqliteCopyIn(std::shared_ptr<Worker> worker, std::shared_ptr<State> state)
      : worker_(std::move(worker)), state_(std::move(state)) {}
  ~SqliteCopyIn() override {
    // Ended by an error of write(), or the session went away.
    worker_->cleanup([state = state_] {
      // On the worker, or after it stopped: the connection is not in use elsewhere.
      if (state->open && state->insert) state->rollback(sqlite3_db_handle(state->insert->s));
      state->insert.reset();
    });
  }

  // CopyData come as the client cut them: libpq's PQputCopyData is often
  // called once per row (pgbench -i does), and a trip to the worker for
  // each cost two thread wake-ups per row (pgbench -i -s 10, 1M rows:
  // 14 s). They are gathered here, on the io thread, and go to the worker
  // by batch_bytes; a bad row is then reported when its batch runs.
  static constexpr std::size_t batch_bytes = 256 * 1024;

  asio::awaitable<void> write(pgwire::Session&, std::string_view data) override {
    pending_.append(data);
    if (pending_.size() >= batch_bytes) co_await flush();
  }

  asio::awaitable<std::uint64_t> finish(pgwire::Session&) override {
    if (!pending_.empty()) co_await flush();
    worker_->clear_interrupt();
    auto job = [&](sqlite3* db) {
      state_->decoder->finish();
      state_->consume(db);
      state_->insert.reset();
      state_->open = false;
      exec(db, "RELEASE pgwire_copy");
      return state_->rows;
    };
    std::uint64_t rows = co_await worker_->call<std::uint64_t>(std::move(job));
    co_return rows;
  }

  asio::awaitable<void> abort(pgwire::Session&, std::string_view) override {
    pending_.clear();
    auto job = [&](sqlite3* db) {
      state_->rollback(db);
      return true;
    };
    co_await worker_->call<bool>(std::move(job));
  }

 private:
  // The gathered CopyData to the worker (`batch_` keeps its capacity).
  asio::awaitable<void> flush() {
    worker_->clear_interrupt();
    batch_.swap(pending_);
    pending_.clear();
    auto job = [this](sqlite3* db) {
      state_->decoder->feed(batch_);
      state_->consume(db);
      return true;
    };
    co_await worker_->call<bool>(std::move(job));
  }

  std::shared_ptr<Worker> worker_;
  std::shared_ptr<State> state_;
  std::string pending_, batch_;  // on the io thread; batch_ is the worker's during flush()
};

// COPY ... TO STDOUT: a batch of rows stepped on the worker, encoded as COPY
// data there, sent one CopyData per row.
class SqliteCopyOut final : public pgwire::CopyOutSource {
 public:
  struct State {
    Cursor cursor;
    pgwire::CopyEncoder encoder;
    pgwire::Buffer out;  // the batch: CopyData payloads
    // Each CopyData of the batch: its end in `out`, and the rows it completes.
    std::vector<std::pair<std::size_t, std::uint64_t>> messages;
    bool header_pending = true, done = false;
    std::exception_ptr error;
    RowBatch values;

    explicit State(pgwire::CopySettings s) : encoder(std::move(s)) {}

    void fetch(sqlite3* db) {
      out.clear();
      messages.clear();
      bool binary = encoder.settings().format == pgwire::CopyFormat::binary;
      if (header_pending) {
        // As PostgreSQL: a text/csv HEADER line is a message of its own, the
        // binary header goes with the first row (or the trailer).
        encoder.begin(out);
        header_pending = false;
        if (!binary && out.size() > 0) messages.emplace_back(out.size(), 0);
      }
      std::vector<pgwire::FormatCode> formats(cursor.types.size(),
                                              binary ? pgwire::format_binary : pgwire::format_text);
      cursor.fetch(db, formats, values);
      std::vector<std::optional<std::string_view>> fields(cursor.types.size());
      for (std::size_t r = 0; r < values.rows(); ++r) {
        values.values(r, fields);
        encoder.row(fields, out);
        messages.emplace_back(out.size(), 1);
      }
      error = values.error;
      if (!cursor.has_row && !error) {
        encoder.end(out);
        if (out.size() > (messages.empty() ? 0 : messages.back().first)) messages.emplace_back(out.size(), 0);
        done = true;
      }
    }
  };

  SqliteCopyOut(std::shared_ptr<Worker> worker, std::shared_ptr<State> state)
      : worker_(std::move(worker)), state_(std::move(state)) {}
  ~SqliteCopyOut() override {
    worker_->cleanup([state = state_] { state->cursor.stmt.reset(); });
  }

  asio::awaitable<bool> fill(pgwire::Session&, pgwire::CopyWriter& out) override {
    while (out.wants_more()) {
      worker_->clear_interrupt();
      auto state = state_;
      auto job = [state](sqlite3* db) {
        state->fetch(db);
        return true;
      };
      co_await worker_->call<bool>(std::move(job));
      auto& s = *state_;
      std::size_t begin = 0;
      for (auto [end, rows] : s.messages) {
        out.send(s.out.view().substr(begin, end - begin), rows);
        begin = end;
      }
      if (s.error) std::rethrow_exception(s.error);
      if (s.done) co_return false;
    }
    co_return true;
  }

 private:
  std::shared_ptr<Worker> worker_;
  std::shared_ptr<State> state_;
};

// On the worker: the Response of a parsed COPY statement.
inline pgwire::Response start_copy(sqlite3* db, const std::shared_ptr<Worker>& worker, CopyStatement c) {
  std::vector<std::string> names = c.columns;
  std::vector<pgwire::Oid> types;
  auto cursor_stmt = std::make_unique<Stmt>(worker);
  bool has_row = false;
  if (!c.query.empty()) {
    auto rewritten = sqlite_dialect::strip_casts(c.query);
    int rc = sqlite3_prepare_v2(db, rewritten.sql.data(), static_cast<int>(rewritten.sql.size()), &cursor_stmt->s,
                                nullptr);
    if (rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db, rc));
    if (cursor_stmt->s == nullptr || sqlite3_column_count(cursor_stmt->s) == 0)
      throw pgwire::PgError(pgwire::sqlstate::syntax_error, "COPY query must have a RETURNING clause or return rows");
    rc = sqlite3_step(cursor_stmt->s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw pgwire::PgError(sqlite_error(db, rc));
    has_row = rc == SQLITE_ROW;
    auto schema = schema_of(cursor_stmt->s, has_row, rewritten);
    for (const auto& col : *schema) {
      names.push_back(col.name);
      types.push_back(col.type);
    }
  } else {
    table_columns(db, c.table, names, types);
  }
  pgwire::CopySettings settings;
  if (auto e = pgwire::resolve_copy_options(c.options, c.direction, names, c.table, settings))
    throw pgwire::PgError(*e);
  auto format = settings.format;
  std::size_t ncols = names.size();
  std::string column_list;
  for (const auto& n : names) column_list += (column_list.empty() ? "" : ", ") + quote_identifier(n);
  if (c.direction == pgwire::CopyDirection::to) {
    if (c.query.empty()) {
      std::string sql = "SELECT " + column_list + " FROM " + quote_identifier(c.table);
      int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &cursor_stmt->s, nullptr);
      if (rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db, rc));
      rc = sqlite3_step(cursor_stmt->s);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw pgwire::PgError(sqlite_error(db, rc));
      has_row = rc == SQLITE_ROW;
    }
    auto state = std::make_shared<SqliteCopyOut::State>(std::move(settings));
    state->cursor.stmt = std::move(cursor_stmt);
    state->cursor.has_row = has_row;
    state->cursor.types = std::move(types);
    return pgwire::Response::copy_out(std::make_unique<SqliteCopyOut>(worker, std::move(state)), format, ncols);
  }
  auto state = std::make_shared<SqliteCopyIn::State>();
  state->types = std::move(types);
  state->format = format == pgwire::CopyFormat::binary ? pgwire::format_binary : pgwire::format_text;
  state->decoder.emplace(std::move(settings));
  std::string params;
  for (std::size_t i = 1; i <= ncols; ++i) params += (i > 1 ? ", ?" : "?") + std::to_string(i);
  std::string sql = "INSERT INTO " + quote_identifier(c.table) + " (" + column_list + ") VALUES (" + params + ")";
  state->insert = std::make_unique<Stmt>(worker);
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &state->insert->s, nullptr);
  if (rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db, rc));
  exec(db, "SAVEPOINT pgwire_copy");
  state->open = true;
  return pgwire::Response::copy_in(std::make_unique<SqliteCopyIn>(worker, std::move(state)), format, ncols);
}

}  // namespace sqlite_example
