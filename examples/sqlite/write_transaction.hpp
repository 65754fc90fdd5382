#pragma once
// Two sessions writing in transaction blocks at the same time.
//
// SQLite has one writer at a time. A session's BEGIN is SQLite's deferred
// BEGIN, which locks nothing; its first statement takes read locks, and its
// first write asks for the write lock. Translating a statement reads the
// server's column records, so even `BEGIN; UPDATE ...` held a read lock
// before its write. A block holding read locks that waits for the write lock
// can deadlock with the writer (a --db file: SQLite returns SQLITE_BUSY at
// once rather than call the busy handler; the shared in-memory database:
// SQLITE_LOCKED_SHAREDCACHE, waited for by Worker::wait_for_table_lock, and
// each would wait for the other until the limit). Two pgbench clients running
// TPC-B failed within milliseconds where PostgreSQL makes the second wait.
//
// So a block whose first statement writes (INSERT, UPDATE, DELETE) starts
// as SQLite's BEGIN IMMEDIATE, which takes the write lock before anything
// is read, and waits for it. The deferred BEGIN has locked and read nothing,
// so ending it and beginning again is the same transaction to the client.
//
// A Parse in such a block (pgbench -M prepared parses each statement just
// before its first run) reads the column records and may step a probe, and
// must not hold a read lock for the block afterwards: the block's first
// write could then not wait. Nor may it wait for the write lock itself: a
// client that parses synchronously (pgbench) would stop its other
// connections, among them the lock's holder. So its reads run outside the
// block (ParseOutsideBlock), which has read nothing and is begun again after.
//
// A block that reads first and writes later can still meet a writer: on a
// --db file that is SQLITE_BUSY with a read lock held, the serialization
// failure PostgreSQL's SERIALIZABLE reports, 40001, which clients (pgbench
// --max-tries, ORMs) retry (sqlite_error, errors.hpp).

#include <sqlite3.h>

#include <string_view>

#include <pgwire/codec/error_info.hpp>

#include "errors.hpp"
#include "values.hpp"
#include "worker.hpp"

namespace sqlite_example {

// Before a statement whose first word (upper case) is `word` runs on `db`.
inline void before_statement(sqlite3* db, Worker& worker, std::string_view word) {
  if (!worker.fresh_begin) return;
  worker.fresh_begin = false;
  bool writes = word == "INSERT" || word == "UPDATE" || word == "DELETE";
  if (!writes || sqlite3_get_autocommit(db) || sqlite3_txn_state(db, nullptr) != SQLITE_TXN_NONE) return;
  exec(db, "COMMIT");
  try {
    exec(db, "BEGIN IMMEDIATE");  // (waits for the other writer: exec)
  } catch (...) {
    exec(db, "BEGIN");  // (the client's block goes on, and fails with this statement)
    throw;
  }
}

// For a Parse's reads: see above.
class ParseOutsideBlock {
 public:
  ParseOutsideBlock(sqlite3* db, const Worker& worker) : db_(db) {
    if (!worker.fresh_begin || sqlite3_get_autocommit(db) || sqlite3_txn_state(db, nullptr) != SQLITE_TXN_NONE)
      return;
    ended_ = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~ParseOutsideBlock() {
    if (ended_) sqlite3_exec(db_, "BEGIN", nullptr, nullptr, nullptr);  // (a deferred BEGIN locks nothing)
  }
  ParseOutsideBlock(const ParseOutsideBlock&) = delete;
  ParseOutsideBlock& operator=(const ParseOutsideBlock&) = delete;

 private:
  sqlite3* db_;
  bool ended_ = false;
};

}  // namespace sqlite_example
