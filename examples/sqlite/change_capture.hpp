#pragma once
// The row changes one SQLite connection commits, for logical replication.
//
// SQLite's preupdate hook sees every row an INSERT, UPDATE or DELETE
// touches, with its old and new values; the commit and rollback hooks say
// how the transaction ends. A ChangeCapture attached to a connection
// (worker.hpp's ConnectionHooks) keeps the changes of the open transaction
// and hands them over on the worker once the commit really happened (the
// connection is back in autocommit), before the client hears COMMIT.
//
// SQLite undoes more than whole transactions, silently: ROLLBACK TO a
// savepoint (COPY's own included), and a statement that fails inside a
// transaction block. Savepoints are followed through the statements SQLite
// starts (statement_started(), told by functions.hpp's trace hook); a failed
// statement is undone by its caller with mark() / undo_to().
//
// Changes to SQLite's own tables and to the server's bookkeeping tables
// are not captured; that a bookkeeping table changed is reported with the
// commit (its in-memory mirror is reloaded then). Commits are handed over
// in the order SQLite made them (commit_order.hpp).

#include <sqlite3.h>
#ifndef SQLITE_ENABLE_PREUPDATE_HOOK
#error "define SQLITE_ENABLE_PREUPDATE_HOOK before the first #include <sqlite3.h> (a libsqlite3 built with it)"
#endif

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "commit_order.hpp"
#include "values.hpp"
#include "worker.hpp"

namespace sqlite_example {

// A value a hook saw, copied out of SQLite's row (valid after the hook).
struct ValueCopy {
  struct Free {
    void operator()(sqlite3_value* v) const { sqlite3_value_free(v); }
  };
  std::unique_ptr<sqlite3_value, Free> value;
};

struct CapturedChange {
  static constexpr int truncate = 0;  // TRUNCATE of `table` (PostgreSQL decodes it as one change)
  int op = SQLITE_INSERT;  // SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE, truncate
  std::string table;
  std::vector<ValueCopy> old_row, new_row;  // every column, in table order
};

class ChangeCapture final : public ConnectionHooks {
 public:
  // `committed`: on the worker, after a commit, with its changes (possibly
  // none) and whether a bookkeeping table changed. `wanted`: asked once per
  // transaction, at its first change: false captures nothing (no slot).
  // `bookkeeping`: the server's own tables. `order`: shared by every connection.
  using Committed = std::function<void(sqlite3*, std::vector<CapturedChange>, bool bookkeeping_changed)>;
  ChangeCapture(Committed committed, std::function<bool()> wanted, std::function<bool(std::string_view)> bookkeeping,
                std::shared_ptr<CommitOrder> order)
      : committed_(std::move(committed)),
        wanted_(std::move(wanted)),
        bookkeeping_(std::move(bookkeeping)),
        order_(std::move(order)) {}

  void opened(sqlite3* db) override {
    sqlite3_preupdate_hook(db, &ChangeCapture::preupdate, this);
    sqlite3_commit_hook(db, &ChangeCapture::on_commit, this);
    sqlite3_rollback_hook(db, &ChangeCapture::on_rollback, this);
    db_ = db;
  }
  ~ChangeCapture() override { give_up_ticket(); }

  void job_done(sqlite3* db) override {
    if (!committing_) return;
    committing_ = false;
    if (!sqlite3_get_autocommit(db)) {  // the commit failed (busy): the transaction goes on
      give_up_ticket();
      return;
    }
    auto changes = std::move(pending_);
    bool bookkeeping = bookkeeping_changed_;
    forget();
    auto publish = [&] {
      try {
        committed_(db, std::move(changes), bookkeeping);
      } catch (const std::exception&) {
        // (the commit stands; a replication client misses what could not be described)
      }
    };
    if (changes.empty() || !ticket_) {
      give_up_ticket();
      publish();
      return;
    }
    auto ticket = *ticket_;
    ticket_.reset();
    order_->publish_in_turn(ticket, publish);
  }

  // A statement's own undo, for its caller: the changes captured since
  // mark() are dropped (the statement failed, SQLite rolled it back).
  std::size_t mark() const { return pending_.size(); }
  void undo_to(std::size_t mark) {
    if (mark < pending_.size()) pending_.resize(mark);
  }
  // TRUNCATE ran (as a DELETE of every row, since `mark`): one change.
  void truncated(std::size_t mark, std::string table) {
    undo_to(mark);
    if (!ask()) return;
    CapturedChange c;
    c.op = CapturedChange::truncate;
    c.table = std::move(table);
    pending_.push_back(std::move(c));
  }

 private:
  // Whether this transaction is captured (asked at its first change).
  bool ask() {
    if (!asked_) {
      asked_ = true;
      capturing_ = wanted_();
    }
    return capturing_;
  }

  void forget() {
    pending_.clear();
    savepoints_.clear();
    bookkeeping_changed_ = false;
    asked_ = false;
    capturing_ = false;
  }

  static void preupdate(void* self_ptr, sqlite3* db, int op, const char* schema, const char* table, sqlite3_int64,
                        sqlite3_int64) {
    auto* self = static_cast<ChangeCapture*>(self_ptr);
    if (std::strcmp(schema, "main") != 0) return;  // temporary tables are not replicated (PostgreSQL's neither)
    if (sqlite3_strnicmp(table, "sqlite_", 7) == 0) return;
    if (self->bookkeeping_(table)) {
      self->bookkeeping_changed_ = true;
      return;
    }
    if (!self->ask()) return;
    CapturedChange c;
    c.op = op;
    c.table = table;
    int n = sqlite3_preupdate_count(db);
    auto copy_row = [&](auto read, std::vector<ValueCopy>& row) {
      row.reserve(static_cast<std::size_t>(n));
      for (int i = 0; i < n; ++i) {
        sqlite3_value* v = nullptr;
        read(db, i, &v);
        row.push_back({std::unique_ptr<sqlite3_value, ValueCopy::Free>(v ? sqlite3_value_dup(v) : nullptr)});
      }
    };
    if (op != SQLITE_INSERT) copy_row(sqlite3_preupdate_old, c.old_row);
    if (op != SQLITE_DELETE) copy_row(sqlite3_preupdate_new, c.new_row);
    self->pending_.push_back(std::move(c));
  }

  // Under SQLite's write lock: tickets follow the commits. (A second commit
  // before job_done, a statement's own bookkeeping, shares the first's.)
  static int on_commit(void* self_ptr) {
    auto* self = static_cast<ChangeCapture*>(self_ptr);
    self->committing_ = true;
    if (!self->ticket_) self->ticket_ = self->order_->take();
    return 0;
  }

  static void on_rollback(void* self_ptr) {
    auto* self = static_cast<ChangeCapture*>(self_ptr);
    self->committing_ = false;
    self->give_up_ticket();
    self->forget();
  }

  void give_up_ticket() {
    if (ticket_) order_->give_up(*ticket_);
    ticket_.reset();
  }

  // SAVEPOINT / RELEASE / ROLLBACK TO, as SQLite starts them (its names
  // compare without case).
 public:
  static void statement_started(sqlite3* db, const char* sql) {
    if (sql == nullptr) return;
    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r') ++sql;
    // (SELECT starts with S too: look at the first word before copying any)
    auto starts_with = [sql](std::string_view word) {
      for (std::size_t i = 0; i < word.size(); ++i)
        if (sql[i] == 0 || static_cast<char>(sql[i] & ~0x20) != word[i]) return false;
      return true;
    };
    if (!starts_with("SAVEPOINT") && !starts_with("RELEASE") && !starts_with("ROLLBACK")) return;
    // (the hooks of the connection whose job runs on this pool thread)
    auto* self = dynamic_cast<ChangeCapture*>(Worker::running_hooks());
    if (self == nullptr || self->db_ != db) return;
    std::string words = upper_word(sql, 5);
    if (!words.starts_with("SAVEPOINT ") && !words.starts_with("RELEASE ") && !words.starts_with("ROLLBACK "))
      return;
    auto name_after = [&](std::string_view prefix) -> std::optional<std::string> {
      if (!words.starts_with(prefix)) return std::nullopt;
      std::string rest = words.substr(prefix.size());
      if (rest.starts_with("SAVEPOINT ")) rest = rest.substr(10);
      return rest.substr(0, rest.find(' '));
    };
    auto find = [&](const std::string& name) {
      for (std::size_t i = self->savepoints_.size(); i-- > 0;)
        if (self->savepoints_[i].first == name) return i;
      return self->savepoints_.size();
    };
    if (words.starts_with("SAVEPOINT ")) {
      self->savepoints_.emplace_back(words.substr(10, words.find(' ', 10) - 10), self->pending_.size());
    } else if (auto released = name_after("RELEASE ")) {
      if (auto i = find(*released); i < self->savepoints_.size()) self->savepoints_.resize(i);
    } else if (auto undone = name_after(words.starts_with("ROLLBACK TRANSACTION") ? "ROLLBACK TRANSACTION TO "
                                                                                  : "ROLLBACK TO ")) {
      if (auto i = find(*undone); i < self->savepoints_.size()) {
        self->undo_to(self->savepoints_[i].second);
        self->savepoints_.resize(i + 1);  // ROLLBACK TO keeps the savepoint
      }
    }
  }

 private:
  sqlite3* db_ = nullptr;

  Committed committed_;
  std::function<bool()> wanted_;
  std::function<bool(std::string_view)> bookkeeping_;
  std::shared_ptr<CommitOrder> order_;
  // The worker's own (the hooks run on it):
  std::optional<CommitOrder::Ticket> ticket_;
  std::vector<CapturedChange> pending_;
  std::vector<std::pair<std::string, std::size_t>> savepoints_;  // name, mark
  bool committing_ = false, bookkeeping_changed_ = false, asked_ = false, capturing_ = false;
};

}  // namespace sqlite_example
