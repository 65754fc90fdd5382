#pragma once
// One statement on its connection's worker (worker.hpp), as sqlite_server's
// handler hands it over: Parse (prepare_statement: compiled once to learn
// the parameters and columns) and a run (execute_statement: BEGIN's
// options, EXPLAIN, the IF [NOT] EXISTS notices, the translation or the
// compiled statement kept from Parse or the statement cache, the first
// step, and the response: rows streamed by SqliteRows, or the command tag).

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <pgwire/api/extended.hpp>
#include <pgwire/api/results.hpp>

#include "command_tags.hpp"
#include "explain.hpp"
#include "parameters.hpp"
#include "rows.hpp"
#include "skip_notices.hpp"
#include "statement_cache.hpp"
#include "translate.hpp"
#include "values.hpp"
#include "worker.hpp"
#include "write_transaction.hpp"

namespace sqlite_example {

// On the worker: Parse. Compile once to learn parameters and columns
// (Describe before Bind). Parameter types: the client's, else a cast
// ($1::int4), else inferred from the column they meet, else text.
inline void prepare_statement(sqlite3* db, const std::shared_ptr<Worker>& worker, pgwire::Statement& stmt,
                       const sqlite_dialect::Identity& who) {
  // Statements run as several (each part, when it runs): nothing to prepare.
  auto first = upper_word(stmt.sql);
  if ((first == "DROP" || first == "TRUNCATE") && ddl::per_table_statements(stmt.sql, sqlite_dialect::tokenize(stmt.sql)))
    return;  // (one statement per table: run_each_table)
  if (first == "ALTER" && ddl::per_action_statements(stmt.sql, sqlite_dialect::tokenize(stmt.sql))) return;
  if (first == "DO") return;  // (its statements: do_blocks.hpp)
  ParseOutsideBlock outside(db, *worker);  // (its reads, in a block not yet used: write_transaction.hpp)
  auto prepared = std::make_shared<Prepared>();
  static_cast<Translation&>(*prepared) = translate(db, stmt.sql, who);
  const Translation& rewritten = *prepared;
  auto s = std::make_unique<Stmt>(worker);
  int rc = prepare_waiting(db, prepared->sql, &s->s);
  if (rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db, rc));
  if (s->s == nullptr) return;
  auto slots = parameter_slots(s->s);
  if (stmt.parameter_types.size() < slots.size()) stmt.parameter_types.resize(slots.size(), 0);
  auto inferred = infer_parameter_types(db, prepared->sql, stmt.parameter_types.size());
  for (std::size_t i = 0; i < stmt.parameter_types.size(); ++i) {
    auto& t = stmt.parameter_types[i];
    if (t == 0 && i < rewritten.casts.size()) t = rewritten.casts[i];
    if (t == 0) t = inferred[i];
    if (t == 0) t = oid::text;
  }
  if (sqlite3_column_count(s->s) > 0 && first != "ALTER") {  // (see execute_statement)
    // Expression columns have no declared type: a read-only statement
    // without parameters is stepped once to learn them (SELECT 1 + 1 is
    // int8, not text), then reset. The probe is bounded (Worker::begin_probe):
    // a costly statement (an aggregate over a big table, pg_sleep) is typed
    // from its text alone rather than run twice.
    int step = SQLITE_DONE;
    if (slots.empty() && sqlite3_stmt_readonly(s->s)) {
      worker->begin_probe();
      step = step_first(db, s->s);
      if (worker->end_probe()) {
        sqlite3_reset(s->s);
        step = SQLITE_DONE;
      }
    }
    // A cancel that hit the probe is the statement's cancel: swallowing it
    // would let the Execute run its full time.
    if ((step & 0xff) == SQLITE_INTERRUPT) throw pgwire::PgError(sqlite_error(db, step));
    bool probe = step == SQLITE_ROW;
    stmt.columns = schema_of(s->s, probe, rewritten, stmt.parameter_types, worker->origins.get());
  }
  prepared->give_back(std::move(s));
  stmt.set_handle(std::move(prepared));
}

// On the worker: runs one statement; with a portal, binds its parameters
// and keeps the schema reported at Parse (`home`: its translation and
// compiled statements, from Parse or from the connection's StatementCache).
// Without `home`, a data statement's translation is handed out in `learned`
// for the cache. `word`: the statement's first word, upper case.
inline pgwire::Response execute_statement(sqlite3* db, const std::shared_ptr<Worker>& worker, std::string_view sql,
                                   std::string_view word, const pgwire::Portal* portal, std::shared_ptr<Prepared> home,
                                   const sqlite_dialect::Identity& who, std::shared_ptr<Prepared>* learned = nullptr) {
  // PostgreSQL's BEGIN options (ISOLATION LEVEL, READ ONLY, ...) and START
  // TRANSACTION are not SQLite syntax; SQLite's transactions are serializable.
  if (word == "BEGIN" || (word == "START" && upper_word(sql, 2) == "START TRANSACTION")) {
    exec(db, "BEGIN");
    worker->fresh_begin = true;
    return pgwire::Response::begin(word == "BEGIN" ? "BEGIN" : "START TRANSACTION");
  }
  before_statement(db, *worker, word);  // (a block that starts by writing: write_transaction.hpp)
  if (word == "EXPLAIN" && !portal && !home)  // (a simple Query: explain.hpp)
    if (auto plan = explain::run(db, sql, who)) return std::move(*plan);
  if (word == "DROP" || word == "CREATE" || word == "ALTER") {
    if (auto notice = skip_notices::before(db, sql)) worker->notices.push_back(std::move(*notice));
    for (auto& notice : enum_ddl::skip_notices(db, sql)) worker->notices.push_back(std::move(notice));
  }
  std::unique_ptr<Stmt> stmt;
  Translation translated;  // simple query: the SQL SQLite runs, its result columns, what DDL records
  if (home && !home->idle.empty()) {
    stmt = std::move(home->idle.back());
    home->idle.pop_back();
  } else {
    if (!home) translated = translate(db, sql, who);
    if (!home && learned && SchemaGeneration::is_data_statement(word) && !translated.after) {
      home = std::make_shared<Prepared>();
      static_cast<Translation&>(*home) = std::move(translated);
      *learned = home;
    }
    const std::string& text = home ? home->sql : translated.sql;
    stmt = std::make_unique<Stmt>(worker);
    int rc = prepare_waiting(db, text, &stmt->s);
    if (rc != SQLITE_OK) {
      if (learned) learned->reset();  // (an error is no translation worth keeping)
      return pgwire::Response::error(sqlite_error(db, rc));
    }
    if (stmt->s == nullptr) {
      if (word == "VACUUM") return pgwire::Response::command("VACUUM");  // (nothing to do: ddl::vacuum)
      // (a DDL statement that leaves SQLite nothing to do, or that its hook
      // does: OWNER TO, an existing sequence under IF NOT EXISTS, ...)
      if (word == "ALTER" || word == "CREATE" || word == "DROP" || word == "COMMENT") {
        if (translated.after) translated.after(db);
        return command_response(sql, word, 0);
      }
      if (word != "LOCK") return pgwire::Response::empty();
      // (translated to nothing: SQLite has no table locks; see ddl::lock_table)
      if (sqlite3_get_autocommit(db))
        return pgwire::Response::error(
            pgwire::PgError("25P01", "LOCK TABLE can only be used in transaction blocks").info());
      return pgwire::Response::command("LOCK TABLE");
    }
  }
  const Translation& rewritten = home ? *home : translated;
  if (portal) bind_parameters(stmt->s, *portal);
  int rc = step_first(db, stmt->s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    auto error = pgwire::Response::error(sqlite_error(db, rc, stmt->s));
    if (home) home->give_back(std::move(stmt));
    return error;
  }
  // (ALTER TABLE ADD COLUMN with a CHECK compiles SQLite's own check query,
  // whose column is no result of the statement.)
  if (sqlite3_column_count(stmt->s) > 0 && word != "ALTER") {
    pgwire::SchemaPtr schema = portal && portal->statement->columns ? portal->statement->columns
                                                                     : schema_of(stmt->s, rc == SQLITE_ROW, rewritten, {}, worker->origins.get());
    std::vector<pgwire::FormatCode> formats(schema->size(), pgwire::format_text);
    if (portal && !portal->result_formats.empty())
      for (std::size_t i = 0; i < formats.size(); ++i)
        formats[i] = portal->result_formats.size() == 1 ? portal->result_formats[0]
                     : i < portal->result_formats.size() ? portal->result_formats[i]
                                                         : pgwire::format_text;
    auto scales = display_scales(rewritten, schema->size());
    auto rows = std::make_unique<SqliteRows>(worker, std::move(stmt), rc == SQLITE_ROW, schema, home, formats,
                                             std::move(scales));
    if (auto early = rows->error_before_rows()) {
      rows.reset();
      try {
        std::rethrow_exception(early);
      } catch (const pgwire::PgError& e) {
        return pgwire::Response::error(e.info());
      }
    }
    // INSERT/UPDATE/DELETE ... RETURNING: tagged "INSERT 0 n" / "UPDATE n", as PostgreSQL does.
    bool returning = word == "INSERT" || word == "UPDATE" || word == "DELETE";
    return pgwire::Response::rows(schema, std::move(rows), returning ? std::string(word) : "SELECT");
  }
  if (home) home->give_back(std::move(stmt));
  auto changes = sqlite3_changes64(db);
  if (rewritten.after) rewritten.after(db);
  bool if_not_exists = false;
  if (word == "CREATE")  // CREATE TABLE ... AS: "SELECT n", the rows it wrote
    if (auto table = created_as_table(sql, if_not_exists); !table.empty()) {
      // (IF NOT EXISTS on a table that exists wrote nothing: skip_notices.hpp said so)
      if (if_not_exists && !worker->notices.empty()) return pgwire::Response::command("CREATE TABLE AS");
      sqlite3_stmt* count = nullptr;
      std::int64_t rows = 0;
      if (sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &count, nullptr) == SQLITE_OK &&
          sqlite3_step(count) == SQLITE_ROW)
        rows = sqlite3_column_int64(count, 0);
      sqlite3_finalize(count);
      return pgwire::Response::command("SELECT " + std::to_string(rows));
    }
  return command_response(sql, word, changes);
}

}  // namespace sqlite_example
