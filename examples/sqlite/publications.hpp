#pragma once
// sqlite_server's publications (pgoutput's publication_names): CREATE,
// ALTER and DROP PUBLICATION with PostgreSQL's errors, kept in the database
// file in the bookkeeping table
//
//   pgwire_publications(pubname TEXT, relname TEXT, all_tables INTEGER)
//
// (one row per publication with relname NULL, one per table it holds), so
// they follow the transaction they are made in. The replication hub asks
// from its own threads: it reads an in-memory mirror, reloaded from the
// table after every commit that changed it (change_capture.hpp reports
// that). Clients never see the table (translate.hpp answers 42P01).

#include <sqlite3.h>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <pgwire/codec/error_info.hpp>
#include <pgwire/protocol/results.hpp>
#include <pgwire/replication/change.hpp>

#include "catalog.hpp"
#include "column_types.hpp"
#include "sequences.hpp"
#include "tokens.hpp"
#include "values.hpp"

namespace sqlite_example {

inline constexpr const char* publications_table = "pgwire_publications";

class Publications : public std::enable_shared_from_this<Publications> {
 public:
  using Filter = std::function<bool(const pgwire::replication::Relation&)>;

  // ReplicationHub::Options::publication: a publication's tables, looked up
  // when the filter runs (ALTER PUBLICATION ADD TABLE reaches running
  // streams, as in PostgreSQL); nullopt when it does not exist.
  std::optional<Filter> filter(std::string_view name) const {
    std::lock_guard lock(mutex_);
    if (!entries_.count(std::string(name))) return std::nullopt;
    return [self = shared_from_this(), name = std::string(name)](const pgwire::replication::Relation& r) {
      std::lock_guard lock(self->mutex_);
      auto it = self->entries_.find(name);
      if (it == self->entries_.end() || r.schema != "public") return false;
      return it->second.all_tables || it->second.tables.count(r.name) > 0;
    };
  }

  // The mirror, from the table (any connection; at startup and after a commit that changed it).
  void reload(sqlite3* db) {
    std::map<std::string, Entry> loaded;
    if (table_exists(db)) {
      sqlite3_stmt* s = nullptr;
      if (sqlite3_prepare_v2(db, "SELECT pubname, relname, all_tables FROM pgwire_publications", -1, &s, nullptr) ==
          SQLITE_OK) {
        while (sqlite3_step(s) == SQLITE_ROW) {
          auto& e = loaded[text(s, 0)];
          if (sqlite3_column_type(s, 1) == SQLITE_NULL) {
            e.all_tables = sqlite3_column_int(s, 2) != 0;
          } else {
            e.tables.insert(text(s, 1));
          }
        }
      }
      sqlite3_finalize(s);
    }
    std::lock_guard lock(mutex_);
    entries_ = std::move(loaded);
  }

  static bool is_command(std::string_view sql) {
    auto words = upper_word(sql, 2);
    return words == "CREATE PUBLICATION" || words == "ALTER PUBLICATION" || words == "DROP PUBLICATION";
  }

  // On the worker: runs a publication command in the connection's
  // transaction. `notices`: what PostgreSQL would say besides (DROP ... IF
  // EXISTS of a missing one).
  pgwire::Response execute(sqlite3* db, std::string_view sql, std::vector<pgwire::ErrorInfo>& notices) {
    auto toks = sqlite_dialect::tokenize(sql);
    while (!toks.empty() && toks.back().is_punct(";")) toks.pop_back();
    Parser p{toks};
    p.next();  // CREATE / ALTER / DROP
    std::string verb = upper_word(sql);
    p.expect("publication");
    ensure_table(db);
    if (verb == "DROP") {
      bool if_exists = p.accept("if");
      if (if_exists) p.expect("exists");
      std::vector<std::string> names{p.name()};
      while (p.accept(",")) names.push_back(p.name());
      if (!p.accept("cascade")) p.accept("restrict");
      p.end();
      for (const auto& name : names) {
        if (!exists(db, name)) {
          if (!if_exists) throw missing(name);
          notices.push_back(pgwire::ErrorInfo::notice("publication \"" + name + "\" does not exist, skipping"));
          continue;
        }
        run(db, "DELETE FROM pgwire_publications WHERE pubname = ?1", {name});
      }
      return pgwire::Response::command("DROP PUBLICATION");
    }
    std::string name = p.name();
    if (verb == "CREATE") {
      if (exists(db, name))
        throw pgwire::PgError("42710", "publication \"" + name + "\" already exists");
      bool all = false;
      std::vector<std::string> tables;
      if (p.accept("for")) {
        if (p.accept("all")) {
          p.expect("tables");
          all = true;
        } else {
          tables = table_list(db, p);
        }
      }
      refuse_parameters(p);
      p.end();
      run(db, "INSERT INTO pgwire_publications VALUES (?1, NULL, ?2)", {name, all ? "1" : "0"});
      for (const auto& t : tables)
        run(db, "INSERT OR IGNORE INTO pgwire_publications VALUES (?1, ?2, NULL)", {name, t});
      return pgwire::Response::command("CREATE PUBLICATION");
    }
    // ALTER PUBLICATION name ADD | SET | DROP TABLE ... / RENAME TO new
    if (!exists(db, name)) throw missing(name);
    if (p.accept("rename")) {
      p.expect("to");
      std::string to = p.name();
      p.end();
      if (exists(db, to)) throw pgwire::PgError("42710", "publication \"" + to + "\" already exists");
      run(db, "UPDATE pgwire_publications SET pubname = ?2 WHERE pubname = ?1", {name, to});
      return pgwire::Response::command("ALTER PUBLICATION");
    }
    std::string action = p.accept("add") ? "add" : p.accept("set") ? "set" : p.accept("drop") ? "drop" : "";
    if (action.empty())
      throw pgwire::PgError(pgwire::sqlstate::feature_not_supported,
                            "sqlite_server's ALTER PUBLICATION can ADD, SET and DROP TABLE, and RENAME");
    auto tables = table_list(db, p);
    p.end();
    if (all_tables(db, name)) {
      auto e = pgwire::ErrorInfo::error("55000", "publication \"" + name + "\" is defined as FOR ALL TABLES");
      e.detail = "Tables cannot be added to or dropped from FOR ALL TABLES publications.";
      throw pgwire::PgError(std::move(e));
    }
    if (action == "set") run(db, "DELETE FROM pgwire_publications WHERE pubname = ?1 AND relname IS NOT NULL", {name});
    for (const auto& t : tables) {
      bool member = !catalog_detail::rows(db, "SELECT 1 FROM pgwire_publications WHERE pubname = '" + escape(name) +
                                                  "' AND relname = ?1", t).empty();
      if (action == "add" && member)
        throw pgwire::PgError("42710", "relation \"" + t + "\" is already member of publication \"" + name + "\"");
      if (action == "drop" && !member)
        throw pgwire::PgError("42704", "relation \"" + t + "\" is not part of the publication");
      if (action == "drop") {
        run(db, "DELETE FROM pgwire_publications WHERE pubname = ?1 AND relname = ?2", {name, t});
      } else {
        run(db, "INSERT OR IGNORE INTO pgwire_publications VALUES (?1, ?2, NULL)", {name, t});
      }
    }
    return pgwire::Response::command("ALTER PUBLICATION");
  }

 private:
  struct Entry {
    bool all_tables = false;
    std::set<std::string> tables;
  };

  // The statement's tokens, read left to right; a surprise is PostgreSQL's 42601.
  struct Parser {
    const std::vector<sqlite_dialect::Token>& toks;
    std::size_t at = 0;
    const sqlite_dialect::Token* peek() const { return at < toks.size() ? &toks[at] : nullptr; }
    void next() { ++at; }
    bool accept(std::string_view word) {
      if (peek() && sqlite_dialect::is(*peek(), word)) return ++at, true;
      return false;
    }
    void expect(std::string_view word) {
      if (!accept(word)) syntax();
    }
    std::string name() {
      if (!peek() || !peek()->is_name()) syntax();
      return toks[at++].value();
    }
    void end() {
      if (peek()) syntax();
    }
    [[noreturn]] void syntax() const {
      std::string near = peek() ? std::string(peek()->text) : std::string();
      throw pgwire::PgError("42601", near.empty() ? "syntax error at end of input"
                                                  : "syntax error at or near \"" + near + "\"");
    }
  };

  // TABLE [ONLY] a [*], [TABLE] b, ... (PostgreSQL 15's publication objects);
  // each an existing table, by its name in SQLite.
  static std::vector<std::string> table_list(sqlite3* db, Parser& p) {
    std::vector<std::string> out;
    p.expect("table");
    do {
      p.accept("table");
      if (p.accept("tables")) throw unsupported("TABLES IN SCHEMA");
      p.accept("only");
      std::string t = p.name();
      if (p.accept(".")) {
        if (t != "public") throw pgwire::PgError("3F000", "schema \"" + t + "\" does not exist");
        t = p.name();
      }
      p.accept("*");
      if (p.peek() && (sqlite_dialect::is(*p.peek(), "(") || sqlite_dialect::is(*p.peek(), "where")))
        throw unsupported("column lists and row filters");
      auto found = catalog_detail::rows(
          db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", t);
      if (found.empty() || bookkeeping(found[0][0]))
        throw pgwire::PgError("42P01", "relation \"" + t + "\" does not exist");
      out.push_back(found[0][0]);
    } while (p.accept(","));
    return out;
  }

  static void refuse_parameters(Parser& p) {
    if (p.accept("with")) throw unsupported("publication parameters (WITH)");
  }

  static pgwire::PgError unsupported(const std::string& what) {
    return pgwire::PgError(pgwire::sqlstate::feature_not_supported,
                           "sqlite_server's publications do not support " + what);
  }

  static pgwire::PgError missing(const std::string& name) {
    return pgwire::PgError("42704", "publication \"" + name + "\" does not exist");
  }

  static bool bookkeeping(const std::string& table) {
    return table == publications_table || table == column_types_table || table == sequences::table;
  }

  static std::string escape(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\'') out.push_back('\'');
      out.push_back(c);
    }
    return out;
  }

  static std::string text(sqlite3_stmt* s, int i) {
    const auto* t = sqlite3_column_text(s, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

  static bool table_exists(sqlite3* db) {
    return !catalog_detail::rows(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                                 publications_table)
                .empty();
  }
  static void ensure_table(sqlite3* db) {
    if (table_exists(db)) return;
    run(db, "CREATE TABLE pgwire_publications(pubname TEXT NOT NULL, relname TEXT, all_tables INTEGER, "
            "UNIQUE (pubname, relname))", {});
  }
  static bool exists(sqlite3* db, const std::string& name) {
    return !catalog_detail::rows(db, "SELECT 1 FROM pgwire_publications WHERE pubname = ?1 AND relname IS NULL", name)
                .empty();
  }
  static bool all_tables(sqlite3* db, const std::string& name) {
    auto r = catalog_detail::rows(
        db, "SELECT all_tables FROM pgwire_publications WHERE pubname = ?1 AND relname IS NULL", name);
    return !r.empty() && r[0][0] == "1";
  }
  static void run(sqlite3* db, const char* sql, const std::vector<std::string>& args) {
    column_types::run(db, sql, args);
  }

  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// The server's own tables: never replicated, never shown.
inline bool is_bookkeeping_table(std::string_view table) {
  return table == publications_table || table == column_types_table || table == sequences::table;
}

}  // namespace sqlite_example
