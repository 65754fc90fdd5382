#pragma once
// A connection's translated and compiled statements, by their SQL text, so
// that a statement the client sends again (a simple Query, or the Parse of
// an unnamed statement that drivers repeat for every execution) is neither
// translated nor compiled again, and its Parse needs no trip to the
// worker. PostgreSQL keeps plans the same way (plancache.c).
//
// A translation reads the schema (column types, defaults), so every entry
// carries the schema generation it was made under; DDL anywhere in the
// process moves the generation on (SchemaGeneration) and older entries are
// not used again. Only plain data statements are kept: DDL, transaction
// control and SQLite's own statements (ATTACH, PRAGMA, ...) are translated
// every time.
//
// The map is touched on the session's io thread only (before and after the
// worker calls it awaits); the Prepared objects it holds keep their
// compiled statements on the worker (rows.hpp).

#include <sqlite3.h>

#include <atomic>
#include <charconv>
#include <functional>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <pgwire/api/results.hpp>
#include <pgwire/types.hpp>

#include "rows.hpp"

namespace sqlite_example {

// Moves on when the schema may have changed, for every connection: after a
// statement that may change it ran (committed or not: its own connection
// sees it at once), and when a transaction that ran one ends (the others
// see it then). Read before a translation starts, so a translation that
// raced with DDL is stamped with the generation before it and not reused.
class SchemaGeneration {
 public:
  static std::uint64_t current() noexcept { return counter().load(std::memory_order_acquire); }

  // On the worker, after each statement of the connection: `word` is its
  // first word (upper case), `in_transaction` whether a block is still open.
  void after_statement(std::string_view word, bool in_transaction) noexcept {
    bool ends_block = word == "COMMIT" || word == "END" || word == "ROLLBACK" || word == "ABORT";
    if (may_change_schema(word)) {
      touched_in_block_ = in_transaction;
      bump();
    } else if (touched_in_block_ && (ends_block || !in_transaction)) {
      touched_in_block_ = in_transaction;
      bump();
    }
  }

  // Statements whose translation may be kept (and which change no schema).
  static bool is_data_statement(std::string_view word) noexcept {
    return word == "SELECT" || word == "INSERT" || word == "UPDATE" || word == "DELETE" || word == "WITH" ||
           word == "VALUES" || word == "TABLE";
  }

 private:
  static bool may_change_schema(std::string_view word) noexcept {
    if (is_data_statement(word)) return false;
    for (std::string_view plain : {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE",
                                   "SET", "SHOW", "RESET", "COPY", "TRUNCATE", "LOCK", "DISCARD"})
      if (word == plain) return false;
    return true;  // CREATE, ALTER, DROP, ATTACH, PRAGMA, VACUUM, ... (and anything unknown)
  }
  static void bump() noexcept { counter().fetch_add(1, std::memory_order_acq_rel); }
  static std::atomic<std::uint64_t>& counter() noexcept {
    static std::atomic<std::uint64_t> generation{0};
    return generation;
  }
  bool touched_in_block_ = false;  // worker only
};

class StatementCache {
 public:
  struct Entry {
    std::shared_ptr<Prepared> prepared;
    // What Parse described (extended query only).
    std::vector<pgwire::Oid> parameter_types;
    pgwire::SchemaPtr columns;
    std::uint64_t generation = 0;
  };

  // A simple Query's statement.
  std::shared_ptr<Prepared> simple(std::string_view sql) {
    const Entry* e = find(key(sql, {}, 's'));
    return e ? e->prepared : nullptr;
  }
  void keep_simple(std::string_view sql, std::shared_ptr<Prepared> prepared, std::uint64_t generation) {
    put(key(sql, {}, 's'), {std::move(prepared), {}, nullptr, generation});
  }

  // A Parse: the same text with the same parameter types the client gave.
  const Entry* parsed(std::string_view sql, const std::vector<pgwire::Oid>& client_types) {
    return find(key(sql, client_types, 'p'));
  }
  void keep_parsed(std::string_view sql, const std::vector<pgwire::Oid>& client_types, Entry entry) {
    put(key(sql, client_types, 'p'), std::move(entry));
  }

  std::size_t size() const noexcept { return entries_.size(); }

 private:
  // Enough for the statements a program repeats; a program that sends ever
  // new texts (literals inlined) must not grow a connection without bound.
  static constexpr std::size_t capacity = 32;

  // The lookup key, built in a buffer kept for the next one: a hit
  // allocates nothing.
  std::string_view key(std::string_view sql, const std::vector<pgwire::Oid>& types, char kind) {
    key_.assign(1, kind);
    for (auto t : types) {
      char digits[16];
      auto end = std::to_chars(digits, digits + sizeof digits, t).ptr;
      key_.append(digits, end).push_back(',');
    }
    key_.push_back(':');
    key_.append(sql);
    return key_;
  }
  const Entry* find(std::string_view k) {
    auto it = entries_.find(k);
    if (it == entries_.end()) return nullptr;
    if (it->second.generation != SchemaGeneration::current()) {
      entries_.erase(it);
      return nullptr;
    }
    return &it->second;
  }
  void put(std::string_view k, Entry entry) {
    auto it = entries_.find(k);
    if (it != entries_.end()) {
      it->second = std::move(entry);
      return;
    }
    if (entries_.size() >= capacity) entries_.clear();
    entries_.emplace(std::string(k), std::move(entry));
  }

  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view k) const noexcept { return std::hash<std::string_view>{}(k); }
  };
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;
  std::string key_;
};

}  // namespace sqlite_example
