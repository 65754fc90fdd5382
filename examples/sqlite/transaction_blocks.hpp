#pragma once
// Transaction control as PostgreSQL answers it, where SQLite differs.
//
// Implicit transactions. PostgreSQL runs the statements of one simple
// Query, and the Executes of one extended-query batch (up to its Sync), as
// one transaction when no block is open: an error in one rolls back those
// before it (protocol-flow "Multiple Statements in a Simple Query";
// asyncpg's executemany and JDBC's batches count on it). SQLite commits each
// statement on its own. So a statement that has more of its Query or batch
// behind it opens SQLite's BEGIN before it runs (its job does, no extra trip
// to the worker; deferred, and write_transaction.hpp's fresh_begin makes a
// first write take the write lock first), and the Query's end or the
// batch's Sync commits it, or rolls it back after an error. A lone
// statement, and the last Execute before a Sync the client already sent
// (pgbench, libpq, most drivers), open nothing: autocommit is the same
// transaction there, at no cost.
//
// Inside an implicit transaction, as in PostgreSQL's xact.c:
//   - BEGIN turns it into the client's block (what ran before joins it);
//   - COMMIT / END and ROLLBACK / ABORT end it, with the WARNING they give
//     outside any block;
//   - SAVEPOINT, RELEASE and ROLLBACK TO are 25P01, as outside any block;
//   - VACUUM is 25001 (ddl::vacuum sees SQLite's open transaction).

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/protocol/results.hpp>
#include <pgwire/protocol/session.hpp>
#include <pgwire/protocol/statements.hpp>

#include <asio/awaitable.hpp>

#include "command_tags.hpp"
#include "statement_cache.hpp"
#include "values.hpp"
#include "worker.hpp"

namespace sqlite_example::transaction_blocks {

enum class Control { none, begin, commit, rollback, savepoint, release, rollback_to };

// What a statement whose first word (upper case) is `word` does to the block.
inline Control control_of(std::string_view sql, std::string_view word) {
  if (word == "BEGIN") return Control::begin;
  if (word == "START") return upper_word(sql, 2) == "START TRANSACTION" ? Control::begin : Control::none;
  if (word == "COMMIT" || word == "END") return Control::commit;
  if (word == "SAVEPOINT") return Control::savepoint;
  if (word == "RELEASE") return Control::release;
  if (word == "ROLLBACK" || word == "ABORT") return rolls_back_to_savepoint(sql) ? Control::rollback_to : Control::rollback;
  return Control::none;
}

// PostgreSQL's answer to `control` with no block open (and no implicit
// transaction left to end); nullopt for BEGIN, which opens one. `session`
// gets COMMIT's and ROLLBACK's WARNING.
inline std::optional<pgwire::Response> outside_block(Control control, pgwire::Session& session) {
  auto only_in_block = [](const char* what) {
    return pgwire::Response::error(pgwire::ErrorInfo::error(
        pgwire::sqlstate::no_active_sql_transaction, std::string(what) + " can only be used in transaction blocks"));
  };
  switch (control) {
    case Control::none:
    case Control::begin:
      return std::nullopt;
    case Control::commit:
    case Control::rollback:
      session.send_notice(pgwire::ErrorInfo("WARNING", pgwire::sqlstate::no_active_sql_transaction,
                                            "there is no transaction in progress"));
      return control == Control::commit ? pgwire::Response::commit() : pgwire::Response::rollback();
    case Control::savepoint:
      return only_in_block("SAVEPOINT");
    case Control::release:
      return only_in_block("RELEASE SAVEPOINT");
    case Control::rollback_to:
      return only_in_block("ROLLBACK TO SAVEPOINT");
  }
  return std::nullopt;
}

// On the worker, before the first statement of an implicit transaction.
inline void open(sqlite3* db, Worker& worker) {
  if (!sqlite3_get_autocommit(db)) return;  // (a block is open already)
  exec(db, "BEGIN");
  worker.fresh_begin = true;
}

// On the worker: ends it. A COMMIT that fails (SQLITE_BUSY) rolls back and
// is the error of the Query or batch.
inline void close(sqlite3* db, Worker& worker, bool commit) {
  worker.fresh_begin = false;
  if (sqlite3_get_autocommit(db)) return;
  if (!commit) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return;
  }
  try {
    exec(db, "COMMIT");
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

// The implicit transaction of the Query or batch that runs, as the
// session's io thread keeps it.
struct Implicit {
  bool open = false;             // SQLite's BEGIN was sent for it
  bool query_continues = false;  // more statements of the Query follow the one running

  // Whether a statement about to run on SQLite opens it: none is open yet,
  // no block is, and more of the Query, or of the batch before its Sync,
  // follows the statement.
  bool opens(const pgwire::Session& session, const pgwire::Portal* portal) {
    if (open || session.transaction_status() != pgwire::TransactionStatus::idle) return false;
    if (portal ? session.sync_follows() : !query_continues) return false;
    open = true;
    return true;
  }

  // Ends it: a commit is awaited (its failure is the Query's or the Sync's
  // error); a rollback, after an error or a cancel (which fails every later
  // await of the call), is queued behind the calls, and its DDL's schema
  // generation then moves at the next statement
  // (SchemaGeneration::after_statement). `worker` and `schema` outlive the
  // await (the session's).
  asio::awaitable<void> end(Worker& worker, SchemaGeneration& schema, bool commit) {
    open = false;
    if (!commit) {
      worker.cleanup_on_db([w = &worker](sqlite3* db) { close(db, *w, false); });
      co_return;
    }
    auto job = [&worker, &schema](sqlite3* db) {
      close(db, worker, true);
      schema.after_statement("COMMIT", false);
      return true;
    };
    co_await worker.call<bool>(std::move(job));
  }
};

}  // namespace sqlite_example::transaction_blocks
