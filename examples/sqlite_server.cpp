// SQLite behind the PostgreSQL protocol: a real database anyone can try with
// psql. Each client gets its own SQLite connection to the same database (a
// file, or a shared in-memory database; writers wait for each other:
// sqlite/write_transaction.hpp), whose jobs run one at a time on a
// shared pool of threads (sqlite/worker.hpp, sqlite/worker_pool.hpp): a slow
// statement never stalls the io threads or other clients. Results stream in
// batches of rows (sqlite/rows.hpp); COPY
// FROM STDIN / TO STDOUT in text, csv and binary (sqlite/copy.hpp); a
// CancelRequest interrupts the running statement (pg_sleep() included).
// Logical replication: what the clients commit streams to pg_recvlogical,
// pgoutput subscribers and other replication clients through the library's
// ReplicationHub (sqlite/change_capture.hpp, sqlite/replication_feed.hpp);
// CREATE PUBLICATION and friends are kept in the database file
// (sqlite/publications.hpp).

// sqlite3.h declares the preupdate hook (sqlite/change_capture.hpp) only
// when asked; Debian's libsqlite3 is built with it.
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include <pthread.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>

#include <sqlite3.h>

#include <pgwire/api/extended.hpp>
#include <pgwire/api/handlers.hpp>
#include <pgwire/api/notifications.hpp>
#include <pgwire/api/replication.hpp>
#include <pgwire/api/session_commands.hpp>
#include <pgwire/types.hpp>

#include "common.hpp"
#include "sqlite/catalog.hpp"
#include "sqlite/change_capture.hpp"
#include "sqlite/command_tags.hpp"
#include "sqlite/copy.hpp"
#include "sqlite/demo_table.hpp"
#include "sqlite/do_blocks.hpp"
#include "sqlite/error_positions.hpp"
#include "sqlite/explain.hpp"
#include "sqlite/functions.hpp"
#include "sqlite/parameters.hpp"
#include "sqlite/publications.hpp"
#include "sqlite/replication_feed.hpp"
#include "sqlite/rows.hpp"
#include "sqlite/statement_execution.hpp"
#include "sqlite/statement_forms.hpp"
#include "sqlite/statement_cache.hpp"
#include "sqlite/table_lists.hpp"
#include "sqlite/transaction_blocks.hpp"
#include "sqlite/translate.hpp"
#include "sqlite/values.hpp"
#include "sqlite/worker.hpp"
#include "sqlite/write_transaction.hpp"
#include "sqlite_dialect.hpp"

namespace {

using namespace sqlite_example;

// What the connections' change capture publishes to, shared with them (a
// connection may outlive the handler by a little: its worker closes last).
struct Replication {
  Replication(std::shared_ptr<pgwire::ReplicationHub> h, std::shared_ptr<Publications> p,
              std::shared_ptr<CatalogRefresher> c)
      : hub(std::move(h)), publications(std::move(p)), catalog(std::move(c)), feed(*catalog) {}
  std::shared_ptr<pgwire::ReplicationHub> hub;
  std::shared_ptr<Publications> publications;
  std::shared_ptr<CatalogRefresher> catalog;  // (what `feed` reads)
  ReplicationFeed feed;

  // On a worker, after a commit.
  void committed(sqlite3* db, std::vector<CapturedChange> changes, bool bookkeeping_changed) {
    if (bookkeeping_changed) publications->reload(db);
    if (!changes.empty()) hub->publish(feed.change_set(db, changes));
  }
};

class SqliteHandler final : public pgwire::SimpleQueryHandler, public pgwire::ExtendedQueryHandler {
 public:
  SqliteHandler(std::string uri, std::shared_ptr<pgwire::ReplicationHub> hub,
                std::shared_ptr<Publications> publications)
      : uri_(std::move(uri)),
        replication_(std::make_shared<Replication>(std::move(hub), std::move(publications), catalog_)) {}

  // One statement at a time: each is sent (its rows or COPY data to the
  // end) before the next runs. A walsender session's replication commands
  // (IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT, START_REPLICATION, ...) are
  // the hub's: cheap, answered here on the io thread.
  asio::awaitable<void> stream(pgwire::Session& session, std::string_view sql, pgwire::ResponseSink& out) override {
    if (auto r = replication_->hub->answer(session, sql)) {
      co_await out.send(*r);
      co_return;
    }
    Owner& o = owner(session);
    auto w = o.worker;
    auto statements = pgwire::split_statements(sql);
    bool failed = false;
    for (std::size_t i = 0; i < statements.size() && !failed; ++i) {
      o.implicit.query_continues = i + 1 < statements.size();  // (its implicit transaction: transaction_blocks.hpp)
      auto running = start(session, o, w, statements[i], nullptr);  // (named: GCC 12 and temporaries in co_await)
      pgwire::Response r = error_positions::with_position(co_await std::move(running), sql, statements[i]);
      failed = !co_await out.send(r);
    }
    o.implicit.query_continues = false;
    if (!o.implicit.open) co_return;
    std::optional<pgwire::ErrorInfo> commit_failed;
    try {
      co_await end_implicit(o, !failed);
    } catch (const pgwire::PgError& e) {
      commit_failed = e.info();
    }
    if (commit_failed) {
      pgwire::Response r = pgwire::Response::error(std::move(*commit_failed));
      co_await out.send(r);
    }
  }

  // Sync ends the batch's implicit transaction, if one of its Executes opened it.
  asio::awaitable<void> sync(pgwire::Session& session) override {
    auto* o = session.state<Owner>();
    if (o && o->implicit.open) co_await end_implicit(*o, !session.batch_failed());
  }

  asio::awaitable<void> prepare(pgwire::Session& session, pgwire::Statement& stmt) override {
    Owner& o = owner(session);
    // A text Parsed before with the same parameter types (drivers Parse the
    // unnamed statement again for every execution): no trip to the worker,
    // and none of the checks below (they read the text alone, and this one
    // went past them to SQLite).
    auto client_types = stmt.parameter_types;
    if (const auto* known = o.cache.parsed(stmt.sql, client_types)) {
      stmt.parameter_types = known->parameter_types;
      stmt.columns = known->columns;
      stmt.set_handle(known->prepared);
      co_return;
    }
    // EXECUTE name(args): described as the statement it runs, which run()
    // then runs as a Query's (PREPARE's statements take no Bind parameters).
    // SELECT ... INTO t and TABLE t: described as what they become (statement_forms.hpp).
    auto runs = commands_.expand_execute(session, stmt.sql);
    if (!runs) runs = statement_forms::rewrite(stmt.sql);
    if (runs) {
      pgwire::Statement inner;
      inner.sql = std::move(*runs);
      co_await prepare(session, inner);
      stmt.columns = inner.columns;
      co_return;
    }
    if (pgwire::catalog::Catalog::is_catalog_query(stmt.sql) &&
        !sequences::calls_sequence_function(stmt.sql)) {  // the catalog's, with SQLite's schema
      auto w = worker(session);
      auto describe = [&](sqlite3* db) {
        catalog_->refresh(db);
        return commands_.describe(stmt);
      };
      if (co_await w->call<bool>(std::move(describe))) co_return;
    }
    // (a call of a sequence function is SQLite's, pg_catalog. and ::regclass notwithstanding: sequences.hpp)
    bool sequence_call = sequences::calls_sequence_function(stmt.sql);
    if ((!sequence_call && commands_.describe(stmt)) || pgwire::is_empty_query(stmt.sql)) co_return;
    if (notifications_.describe(stmt.sql, stmt.columns)) co_return;
    // No columns (NoData); they run at Execute.
    if (upper_word(stmt.sql) == "COPY" || Publications::is_command(stmt.sql)) co_return;
    auto w = o.worker;
    starting(session, w);
    const auto& who = identity(session);
    auto generation = SchemaGeneration::current();
    auto job = [&](sqlite3* db) {
      try {
        prepare_statement(db, w, stmt, who);
      } catch (const pgwire::PgError& e) {  // (with its place in the text, as a Query's: error_positions.hpp)
        pgwire::ErrorInfo info = e.info();
        if (!error_positions::place(info, stmt.sql, stmt.sql)) throw;
        throw pgwire::PgError(std::move(info));
      }
      return true;
    };
    co_await w->call<bool>(std::move(job));
    auto prepared = stmt.shared_handle<Prepared>();
    if (prepared && !prepared->after && SchemaGeneration::is_data_statement(upper_word(stmt.sql)))
      o.cache.keep_parsed(stmt.sql, client_types, {prepared, stmt.parameter_types, stmt.columns, generation});
  }

  asio::awaitable<pgwire::Response> execute(pgwire::Session& session, pgwire::Portal& portal) override {
    Owner& o = owner(session);
    return start(session, o, o.worker, portal.statement->sql, &portal);
  }

  // Ends every connection's work (after the server stopped): a statement
  // still running is interrupted, so that the process exits promptly.
  void stop_workers() {
    std::lock_guard lock(mutex_);
    for (auto& weak : workers_)
      if (auto w = weak.lock()) w->stop(true);
    workers_.clear();
    pool_->shutdown();
  }

 private:
  // The session's worker, stopped when the session ends (the objects that
  // still refer to it then clean up on their own thread).
  struct Owner {
    std::shared_ptr<Worker> worker;
    std::shared_ptr<ChangeCapture> capture;  // the worker's connection's
    StatementCache cache;     // io thread
    SchemaGeneration schema;  // worker
    std::optional<sqlite_dialect::Identity> who;  // io thread
    pgwire::TimeZonePtr zone;                      // io thread: the TimeZone setting's (zone_of)
    transaction_blocks::Implicit implicit;        // io thread: of the Query or batch running
    std::uint64_t zone_settings = ~std::uint64_t{0};  // the settings' version it was read at
    ~Owner() {
      if (worker) worker->stop(false);
    }
  };
  Owner& owner(pgwire::Session& session) {
    auto* owner = session.state<Owner>();
    if (owner == nullptr) {
      auto capture = std::make_shared<ChangeCapture>(
          [replication = replication_](sqlite3* db, std::vector<CapturedChange> changes, bool bookkeeping) {
            replication->committed(db, std::move(changes), bookkeeping);
          },
          [hub = replication_->hub] { return !hub->slots().empty(); }, &is_bookkeeping_table, commit_order_);
      auto created = Worker::start(uri_, pool_, capture);
      created->origins = catalog_;  // (RowDescription's table OIDs: column_origins.hpp)
      std::lock_guard lock(mutex_);
      std::erase_if(workers_, [](const auto& weak) { return weak.expired(); });
      workers_.push_back(created);
      auto o = std::make_shared<Owner>();
      o->worker = std::move(created);
      o->capture = std::move(capture);
      owner = &session.set_state(std::move(o));
    }
    return *owner;
  }
  std::shared_ptr<Worker> worker(pgwire::Session& session) { return owner(session).worker; }

  // What current_user, current_database() and version() say in SQL: fixed
  // at login, so kept with the session's worker.
  const sqlite_dialect::Identity& identity(pgwire::Session& session) {
    Owner& o = owner(session);
    if (!o.who) o.who = make_identity(session);
    return *o.who;
  }
  static sqlite_dialect::Identity make_identity(const pgwire::Session& session) {
    auto version = session.parameter("server_version");
    return {session.client().user, session.client().database,
            "PostgreSQL " + version.value_or(pgwire::default_server_version) + " (pgwire-cpp)", session.process_id()};
  }

  // The zone the session's TimeZone setting names, read again only when a
  // setting changed (Settings::version()). A setting no zone reads as UTC
  // (a startup TimeZone the library did not check).
  static pgwire::TimeZonePtr zone_of(pgwire::Session& session, Owner& o) {
    auto version = session.settings().version();
    if (version != o.zone_settings) {
      o.zone_settings = version;
      auto name = session.parameter("TimeZone");
      o.zone = name ? pgwire::TimeZone::find(*name) : nullptr;
      if (!o.zone) o.zone = pgwire::TimeZone::utc();
    }
    return o.zone;
  }

  static asio::awaitable<void> end_implicit(Owner& o, bool commit) {
    return o.implicit.end(*o.worker, o.schema, commit);
  }

  // A statement starts on `w`: a CancelRequest for it interrupts SQLite.
  // (The session's Owner keeps the worker while a statement runs, and the
  // hook is forgotten when it ends: a plain pointer, stored in place.)
  static void starting(pgwire::Session& session, const std::shared_ptr<Worker>& w) {
    w->clear_interrupt();
    session.on_cancel([worker = w.get()] { worker->interrupt(); });
  }

  // A data statement's job on the worker: it runs the statement and keeps
  // the change capture and the schema generation in step with it. A
  // statement that fails inside a transaction block is undone by SQLite
  // alone: its captured rows go too. ALTER TABLE's own rewrite of the rows
  // (DROP COLUMN) is no change PostgreSQL would decode.
  struct StatementJob {
    Owner* o;
    std::shared_ptr<Worker> w;
    std::string_view sql;
    std::string word;  // the first, upper case
    const pgwire::Portal* portal;
    std::shared_ptr<Prepared> home;
    const sqlite_dialect::Identity* who;
    std::shared_ptr<Prepared>* learned;  // (nullptr: not learning)
    std::shared_ptr<const pgwire::ParameterMap> settings;  // for current_setting() (sql_settings.hpp)
    pgwire::TimeZonePtr zone;  // the session's TimeZone (session_zone.hpp)
    bool opens_implicit = false;  // SQLite's BEGIN first (transaction_blocks.hpp)

    pgwire::Response operator()(sqlite3* db) {
      if (settings) w->sql_settings().use(std::move(settings));
      w->use_zone(std::move(zone));
      if (opens_implicit) transaction_blocks::open(db, *w);
      ChangeCapture& capture = *o->capture;
      auto mark = capture.mark();
      struct SchemaCheck {  // (also when the statement throws)
        Owner& o;
        const std::string& word;
        sqlite3* db;
        ~SchemaCheck() { o.schema.after_statement(word, !sqlite3_get_autocommit(db)); }
      } schema_check{*o, word, db};
      try {
        if (word == "DROP" || word == "TRUNCATE")
          if (auto parts = ddl::per_table_statements(sql, sqlite_dialect::tokenize(sql)))
            return run_each_table(db, word, *parts, capture, [&](const std::string& part) {
              return execute_statement(db, w, part, word, nullptr, nullptr, *who);
            });
        if (word == "DO")
          if (auto block = do_blocks::parse(sql)) {
            auto r = do_blocks::run(db, *block, [&](const std::string& statement) {
              return execute_statement(db, w, statement, upper_word(statement), nullptr, nullptr, *who);
            });
            if (r.kind() == pgwire::Response::Kind::error) capture.undo_to(mark);
            return r;
          }
        if (word == "ALTER")
          if (auto parts = ddl::per_action_statements(sql, sqlite_dialect::tokenize(sql))) {
            auto r = run_each_table(db, word, *parts, capture, [&](const std::string& part) {
              return execute_statement(db, w, part, word, nullptr, nullptr, *who);
            });
            capture.undo_to(mark);  // (as for one action: below)
            return r;
          }
        auto r = execute_statement(db, w, sql, word, portal, home, *who, learned);
        // (a portal's error placed in its statement's text; a Query's is placed in stream())
        if (portal) r = error_positions::with_position(std::move(r), sql, sql);
        if (r.kind() == pgwire::Response::Kind::error || word == "ALTER") {
          capture.undo_to(mark);
        } else if (word == "TRUNCATE") {
          capture.truncated(mark, truncated_table(db, sql));
        }
        return r;
      } catch (...) {
        capture.undo_to(mark);
        throw;
      }
    }
  };

  // One statement (of a Query, or a portal's). One whose translation is
  // known (Parse'd, or a Query text found in the session's cache) needs
  // none of run()'s checks but the failed block's COMMIT: it goes straight
  // to the worker, without run()'s coroutine frame. That frame is about
  // 1.8 KiB, which Asio's frame cache does not keep for long (its smaller
  // frames take the block): an allocation per statement. Not a coroutine.
  asio::awaitable<pgwire::Response> start(pgwire::Session& session, Owner& o, std::shared_ptr<Worker> w,
                                          std::string_view sql, const pgwire::Portal* portal) {
    auto home = portal ? portal->statement->shared_handle<Prepared>() : o.cache.simple(sql);
    if (!home) return run(session, std::move(w), sql, portal);
    auto first = upper_word(sql);
    // (run() also sends the NOTICEs a DROP or CREATE may have, and answers transaction control)
    if (ends_failed_block(session, first) || first == "DROP" || first == "CREATE" ||
        transaction_blocks::control_of(sql, first) != transaction_blocks::Control::none)
      return run(session, std::move(w), sql, portal);
    starting(session, w);
    bool opens = o.implicit.opens(session, portal);
    StatementJob job{&o, w, sql, std::move(first), portal, std::move(home), &identity(session), nullptr,
                     settings_for(session, sql), zone_of(session, o), opens};
    return w->call<pgwire::Response>([job = std::move(job)](sqlite3* db) mutable {
      try {
        return job(db);
      } catch (const pgwire::PgError& e) {
        return pgwire::Response::error(e.info());
      }
    });
  }

  // The session's settings, copied for the worker, when the statement's SQL
  // may read them (current_setting()).
  static std::shared_ptr<const pgwire::ParameterMap> settings_for(const pgwire::Session& session,
                                                                  std::string_view sql) {
    if (!names_current_setting(sql)) return nullptr;
    return std::make_shared<const pgwire::ParameterMap>(session.parameters());
  }

  // COMMIT (or END) of a failed transaction block is a rollback in
  // PostgreSQL: the statements that succeeded before the error go too.
  static bool ends_failed_block(const pgwire::Session& session, const std::string& first) {
    return (first == "COMMIT" || first == "END") && session.transaction_status() == pgwire::TransactionStatus::failed;
  }

  // Runs one statement: what the library answers (SET, SHOW, ...) here,
  // the rest on the worker. A PgError becomes the statement's error. (One
  // coroutine for all of it: each frame costs an allocation per statement.)
  asio::awaitable<pgwire::Response> run(pgwire::Session& session, std::shared_ptr<Worker> w, std::string_view sql,
                                        const pgwire::Portal* portal) {
    try {
      // A statement compiled at Parse is SQLite's (prepare() asked the
      // commands first); otherwise what drivers send in passing (SET, SHOW,
      // version(), ...) is the library's, and SQLite gets the rest.
      // A simple Query's text that ran here before went past every check
      // below to SQLite as a data statement: its translation and compiled
      // statement are the cache's (statement_cache.hpp), and the checks,
      // which read the text alone, are skipped.
      // EXECUTE name(args): what PREPARE kept, with the arguments in place
      // (in a Query, or a portal's: Parse described it but compiled nothing)
      std::string executed;
      if (auto e = commands_.expand_execute(session, sql)) sql = executed = std::move(*e);
      std::string reformed;  // SELECT ... INTO t, TABLE t (statement_forms.hpp)
      if (auto f = statement_forms::rewrite(sql)) sql = reformed = std::move(*f);
      Owner& o = owner(session);
      auto generation = SchemaGeneration::current();
      std::shared_ptr<Prepared> home = portal ? portal->statement->shared_handle<Prepared>() : o.cache.simple(sql);
      if (!home && pgwire::catalog::Catalog::is_catalog_query(sql) && !sequences::calls_sequence_function(sql)) {
        // Catalog queries (psql's \d, driver metadata): the library's catalog,
        // refreshed from SQLite's schema first, on the worker.
        auto answer = [&](sqlite3* db) {
          catalog_->refresh(db);
          return portal ? commands_.answer(session, *portal) : commands_.answer(session, sql);
        };
        if (auto r = co_await w->call<std::optional<pgwire::Response>>(std::move(answer))) co_return std::move(*r);
      }
      if (!home) {
        if (sequences::calls_sequence_function(sql)) {
        } else if (auto r = portal ? commands_.answer(session, *portal) : commands_.answer(session, sql)) {
          co_return std::move(*r);
        }
        if (auto r = notifications_.answer(session, sql)) co_return std::move(*r);
        if (pgwire::is_empty_query(sql)) co_return pgwire::Response::empty();
      }
      starting(session, w);
      if (!home && Publications::is_command(sql)) {
        std::vector<pgwire::ErrorInfo> notices;
        auto job = [&](sqlite3* db) { return replication_->publications->execute(db, sql, notices); };
        pgwire::Response r = co_await w->call<pgwire::Response>(std::move(job));
        for (const auto& n : notices) session.send_notice(n);
        co_return r;
      }
      auto first = upper_word(sql);
      if (first == "ABORT") {  // (PostgreSQL's other spelling; SQLite has none)
        sql = "ROLLBACK";
        first = "ROLLBACK";
      }
      auto control = transaction_blocks::control_of(sql, first);
      bool outside_block = session.transaction_status() == pgwire::TransactionStatus::idle;
      if (control != transaction_blocks::Control::none && outside_block) {
        if (o.implicit.open && control == transaction_blocks::Control::begin) {
          o.implicit.open = false;  // SQLite's transaction is the client's block now, with what ran before it
          co_return pgwire::Response::begin(first == "BEGIN" ? "BEGIN" : "START TRANSACTION");
        }
        bool ends = control == transaction_blocks::Control::commit || control == transaction_blocks::Control::rollback;
        if (o.implicit.open && ends) co_await end_implicit(o, control == transaction_blocks::Control::commit);
        if (auto r = transaction_blocks::outside_block(control, session)) co_return std::move(*r);
      }
      if (ends_failed_block(session, first)) {
        auto job = [&o](sqlite3* db) {
          if (!sqlite3_get_autocommit(db)) exec(db, "ROLLBACK");
          o.schema.after_statement("ROLLBACK", false);
          return pgwire::Response::commit();  // (tagged ROLLBACK by the session)
        };
        pgwire::Response r = co_await w->call<pgwire::Response>(std::move(job));
        co_return r;
      }
      if (!home && first == "COPY") {
        auto copy = parse_copy(sql);
        auto job = [&, zone = zone_of(session, o)](sqlite3* db) mutable {
          w->use_zone(std::move(zone));  // (COPY's timestamptz text: the session zone's, as its rows' jobs read it)
          return start_copy(db, w, std::move(copy));
        };
        pgwire::Response r = co_await w->call<pgwire::Response>(std::move(job));
        co_return r;
      }
      std::shared_ptr<Prepared> learned;
      bool learn = !home && !portal;
      bool opens = control == transaction_blocks::Control::none && o.implicit.opens(session, portal);
      StatementJob job{&o, w, sql, std::move(first), portal, home, &identity(session),
                       learn ? &learned : nullptr, settings_for(session, sql), zone_of(session, o), opens};
      pgwire::Response r = co_await w->call<pgwire::Response>(std::move(job));
      if (learned) o.cache.keep_simple(sql, std::move(learned), generation);
      for (const auto& notice : std::exchange(w->notices, {})) session.send_notice(notice);
      co_return r;
    } catch (const pgwire::PgError& e) {
      for (const auto& notice : std::exchange(w->notices, {})) session.send_notice(notice);
      co_return pgwire::Response::error(e.info());
    }
  }

  std::string uri_;
  // Every connection's jobs run on these threads (as many as cores, and
  // more while statements wait or run long).
  std::shared_ptr<WorkerPool> pool_ = std::make_shared<WorkerPool>(std::max(2u, std::thread::hardware_concurrency()));
  // psql's \d and the drivers' metadata queries: SQLite's schema as PostgreSQL's catalog.
  std::shared_ptr<CatalogRefresher> catalog_ =
      std::make_shared<CatalogRefresher>(std::make_shared<pgwire::catalog::Catalog>());
  std::shared_ptr<Replication> replication_;
  std::shared_ptr<CommitOrder> commit_order_ = std::make_shared<CommitOrder>();  // every connection's
  pgwire::SessionCommands commands_{{.catalog = catalog_->catalog()}};  // SET, SHOW, version(), DEALLOCATE, ...
  pgwire::NotificationHub notifications_;  // LISTEN, UNLISTEN, NOTIFY, pg_notify(), for every session
  std::mutex mutex_;
  std::vector<std::weak_ptr<Worker>> workers_;
};

}  // namespace

int main(int argc, char** argv) {
  // No allocation statistics: with them every SQLite allocation takes a
  // process-wide mutex (nine per SELECT 1), which every connection's thread
  // contends for. Must precede SQLite's initialisation.
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  auto flags = example::parse(argc, argv,
                              "SQLite behind the PostgreSQL protocol (table `demo` is created on first start).",
                              {"--db", "--replication-roles"},
                              "  --db FILE              SQLite database file (default: in memory)\n"
                              "  --replication-roles A,B  the roles that may open replication connections\n"
                              "                         (default: every role)\n");
  std::string file = example::extra(flags, "--db");
  // Every session opens its own connection; an in-memory database is shared
  // through SQLite's shared cache and kept alive by `keeper`. (Not a WAL
  // file: every SQLite connection to one holds its lock as long as it is
  // open, so SQLite keeps the file descriptors of closed ones, as many as
  // ever were at once. Not memdb: an open write there blocks every reader.)
  std::string uri = file.empty() ? "file:pgwire_demo?mode=memory&cache=shared" : "file:" + file;
  install_postgresql_functions();  // now(), generate_series, ... on every connection
  functions::statement_observer = &ChangeCapture::statement_started;
  sqlite3* keeper = nullptr;
  int flags_open = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI;
  if (sqlite3_open_v2(uri.c_str(), &keeper, flags_open, nullptr) != SQLITE_OK) {
    std::cerr << "cannot open " << uri << ": " << sqlite3_errmsg(keeper) << "\n";
    return 1;
  }
  auto publications = std::make_shared<Publications>();
  try {
    create_demo(keeper);
    publications->reload(keeper);
    enum_types::reload(keeper);  // (the enum types of a --db file)
  } catch (const std::exception& e) {
    std::cerr << "creating the demo table: " << e.what() << "\n";
    return 1;
  }
  pgwire::ReplicationHub::Options replication;
  replication.publication = [publications](std::string_view name) { return publications->filter(name); };
  bool restricted = std::any_of(flags.extra.begin(), flags.extra.end(),
                                [](const auto& kv) { return kv.first == "--replication-roles"; });
  if (restricted) {
    std::set<std::string> roles;
    std::string list = example::extra(flags, "--replication-roles");
    for (std::size_t at = 0; at <= list.size();) {
      auto comma = std::min(list.find(',', at), list.size());
      if (comma > at) roles.insert(list.substr(at, comma - at));
      at = comma + 1;
    }
    replication.may_replicate = [roles](const pgwire::ClientInfo& client) { return roles.count(client.user) > 0; };
  }
  int status = 0;
  {
    // The hub's thread starts now: it must not take the signals serve() waits for.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stop_signals, sig);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    auto hub = std::make_shared<pgwire::ReplicationHub>(std::move(replication));
    auto handler = std::make_shared<SqliteHandler>(uri, hub, publications);
    auto startup = pgwire::require_replication_role(example::auth_handler(flags), hub);
    pgwire::Server server(example::server_options(flags), {startup, handler, handler});
    status = example::serve(server, flags);
    handler->stop_workers();
  }
  sqlite3_close_v2(keeper);
  return status;
}
