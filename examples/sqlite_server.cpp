// SQLite behind the PostgreSQL protocol: a real database anyone can try with
// psql. Each client gets its own SQLite connection to the same database (a
// file, or a shared in-memory database); results stream row by row from
// sqlite3_step, so a large SELECT never sits in memory.

#include <charconv>
#include <cstring>
#include <mutex>

#include <sqlite3.h>

#include <pgwire/api/extended.hpp>
#include <pgwire/api/handlers.hpp>
#include <pgwire/api/session_commands.hpp>
#include <pgwire/types.hpp>

#include "common.hpp"
#include "sqlite_dialect.hpp"

namespace {

namespace oid = pgwire::oid;

std::string upper_word(std::string_view s, std::size_t n = 1) {
  std::string out;
  std::size_t i = 0;
  for (std::size_t w = 0; w < n; ++w) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (w > 0 && i < s.size()) out.push_back(' ');
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_'))
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(s[i++]))));
  }
  return out;
}

// SQLite's declared column type -> the PostgreSQL type clients will see.
// PostgreSQL's names mean what they mean there (SMALLINT, REAL, NUMERIC(10,2),
// TIMESTAMPTZ, UUID, JSONB, INET, _INT4, ...), except INTEGER: SQLite's
// INTEGER (PRIMARY KEY) is the 64-bit rowid, so it is int8. Other names
// follow SQLite's affinity rules; expressions are judged by their value.
pgwire::Oid pg_type(const char* decl, int first_value_type) {
  if (decl != nullptr && *decl != 0) {
    std::string d = upper_word(decl);
    if (d == "INTEGER") return oid::int8;
    if (auto t = pgwire::type_from_sql_name(decl)) return t;
    if (d == "BLOB") return oid::bytea;
    if (d == "DATETIME") return oid::timestamp;
    if (d.find("INT") != std::string::npos) return oid::int8;
    if (d.find("REAL") != std::string::npos || d.find("FLOA") != std::string::npos ||
        d.find("DOUB") != std::string::npos)
      return oid::float8;
    return oid::text;
  }
  switch (first_value_type) {
    case SQLITE_INTEGER: return oid::int8;
    case SQLITE_FLOAT: return oid::float8;
    case SQLITE_BLOB: return oid::bytea;
    default: return oid::text;
  }
}

// Types SQLite stores natively (as integers, reals, blobs); every other type
// is stored as its PostgreSQL text form.
bool is_string_type(pgwire::Oid t) {
  return t == oid::text || t == oid::varchar || t == oid::bpchar || t == oid::name || t == oid::json ||
         t == oid::unknown;
}

// The error PostgreSQL's input (or receive) function would raise for the
// value: its SQLSTATE (22P02, 22007, 22008, ...) and its wording.
pgwire::PgError invalid_value(pgwire::Oid type, std::string_view value, std::error_code ec,
                              pgwire::FormatCode format = pgwire::format_text) {
  return pgwire::PgError(pgwire::type_error_info(ec, type, value, format));
}

// SQLite result codes -> SQLSTATE, so clients see familiar errors.
pgwire::ErrorInfo sqlite_error(sqlite3* db, int rc) {
  std::string msg = sqlite3_errmsg(db);
  const char* code = pgwire::sqlstate::internal_error;
  int ext = sqlite3_extended_errcode(db);
  if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) code = "23505";
  else if (ext == SQLITE_CONSTRAINT_NOTNULL) code = "23502";
  else if (ext == SQLITE_CONSTRAINT_FOREIGNKEY) code = "23503";
  else if (ext == SQLITE_CONSTRAINT_CHECK) code = "23514";
  else if ((rc & 0xff) == SQLITE_CONSTRAINT) code = "23000";
  else if (msg.starts_with("no such table")) code = pgwire::sqlstate::undefined_table;
  else if (msg.starts_with("no such column")) code = "42703";
  else if (msg.find("syntax error") != std::string::npos || msg.starts_with("incomplete input"))
    code = pgwire::sqlstate::syntax_error;
  else if (msg.find("already exists") != std::string::npos) code = "42P07";
  else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) code = "55P03";
  return pgwire::ErrorInfo::error(code, msg);
}

struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::string& uri) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(uri.c_str(), &db, flags, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("cannot open ") + uri + ": " + sqlite3_errmsg(db));
    sqlite3_busy_timeout(db, 5000);
  }
  ~Db() { sqlite3_close_v2(db); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
};

struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

// One value of column i, as the declared PostgreSQL type, in the format the
// client asked for (text for simple queries; per column after Bind).
// `binary`, `text`: scratch buffers reused across values.
void encode_column(pgwire::RowWriter& out, sqlite3_stmt* s, int i, pgwire::Oid type, pgwire::Buffer& binary,
                   pgwire::Buffer& text) {
  int storage = sqlite3_column_type(s, i);
  if (storage == SQLITE_NULL) {
    out.add_null();
    return;
  }
  auto stored = [&] {
    return std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(s, i)),
                            static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
  };
  switch (type) {
    case oid::int8:
      if (storage == SQLITE_INTEGER) return out.add(static_cast<std::int64_t>(sqlite3_column_int64(s, i)));
      break;
    case oid::float8:
      if (storage != SQLITE_TEXT) return out.add(sqlite3_column_double(s, i));
      break;
    case oid::float4:
      if (storage != SQLITE_TEXT) return out.add(static_cast<float>(sqlite3_column_double(s, i)));
      break;
    case oid::bool_:
      if (storage == SQLITE_INTEGER) return out.add(sqlite3_column_int64(s, i) != 0);
      break;  // a boolean stored as text ('true', 't', 'on', ...)
    case oid::bytea:
      if (storage == SQLITE_BLOB) {
        auto p = static_cast<const char*>(sqlite3_column_blob(s, i));
        return out.add(pgwire::Bytea{std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)))});
      }
      break;  // '\x...' text, e.g. from a client-side interpolated literal
    default:
      if (is_string_type(type)) return out.add(stored());
  }
  // A value SQLite holds as text, sent through the type layer: validated,
  // and canonical in either format (what PostgreSQL's output function prints).
  std::string_view value = stored();
  binary.clear();
  if (auto ec = pgwire::convert_format(type, value, pgwire::format_text, pgwire::format_binary, binary))
    throw invalid_value(type, value, ec);
  if (out.format() == pgwire::format_binary) return out.add_encoded(binary.view());
  text.clear();
  if (auto ec = pgwire::convert_format(type, binary.view(), pgwire::format_binary, pgwire::format_text, text))
    throw invalid_value(type, value, ec);
  out.add_encoded(text.view());
}

// A Parse'd statement: the SQL SQLite runs (PostgreSQL casts removed) and
// compiled statements kept for the next Execute, so a prepared statement is
// compiled once, not per Execute (one per portal running at the same time).
struct Prepared {
  std::string sql;
  std::vector<std::unique_ptr<Stmt>> idle;

  void give_back(std::unique_ptr<Stmt> s) {
    if (idle.size() >= 4) return;
    sqlite3_reset(s->s);
    sqlite3_clear_bindings(s->s);
    idle.push_back(std::move(s));
  }
};

// Streams rows straight from sqlite3_step; the first row was stepped already
// (to learn the types of expression columns).
class SqliteRows final : public pgwire::RowSource {
 public:
  SqliteRows(std::shared_ptr<Db> db, std::unique_ptr<Stmt> stmt, bool has_row, pgwire::SchemaPtr schema,
             std::shared_ptr<Prepared> home)
      : db_(std::move(db)), stmt_(std::move(stmt)), has_row_(has_row), schema_(std::move(schema)),
        home_(std::move(home)) {}
  ~SqliteRows() override {
    if (home_) home_->give_back(std::move(stmt_));
  }

  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    sqlite3_stmt* s = stmt_->s;
    while (has_row_ && out.wants_more()) {
      out.begin_row();
      for (std::size_t i = 0; i < schema_->size(); ++i)
        encode_column(out, s, static_cast<int>(i), (*schema_)[i].type, binary_, text_);
      out.end_row();
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) {
        has_row_ = false;
      } else if (rc != SQLITE_ROW) {
        throw pgwire::PgError(sqlite_error(db_->db, rc));
      }
    }
    co_return has_row_;
  }

 private:
  std::shared_ptr<Db> db_;
  std::unique_ptr<Stmt> stmt_;
  bool has_row_;
  pgwire::SchemaPtr schema_;
  std::shared_ptr<Prepared> home_;
  pgwire::Buffer binary_, text_;  // encode_column's scratch
};

// Columns of a prepared statement: declared types, or (for expressions) the
// type of the first row's value when one was stepped.
pgwire::SchemaPtr schema_of(sqlite3_stmt* s, bool have_row, const sqlite_dialect::Rewritten& sql) {
  std::vector<pgwire::Column> cols;
  int ncol = sqlite3_column_count(s);
  for (int i = 0; i < ncol; ++i) {
    auto at = static_cast<std::size_t>(i);
    // SELECT x::type: PostgreSQL reports the cast's type (and names the column after it).
    bool cast = at < sql.column_casts.size() && sql.column_casts[at] != 0;
    pgwire::Oid t = cast ? sql.column_casts[at]
                         : pg_type(sqlite3_column_decltype(s, i), have_row ? sqlite3_column_type(s, i) : SQLITE_TEXT);
    std::string name = cast && !sql.column_names[at].empty() ? sql.column_names[at] : sqlite3_column_name(s, i);
    cols.push_back({std::move(name), t, pgwire::type_size(t)});
  }
  return pgwire::make_schema(std::move(cols));
}

// Positions of $1..$n in SQLite's own numbering (SQLite treats "$1" as a
// named parameter, numbered in order of appearance).
std::vector<int> parameter_slots(sqlite3_stmt* s) {
  std::vector<int> slots;
  int n = sqlite3_bind_parameter_count(s);
  for (int idx = 1; idx <= n; ++idx) {
    const char* name = sqlite3_bind_parameter_name(s, idx);
    if (name == nullptr || (name[0] != '$' && name[0] != '?')) continue;
    int num = std::atoi(name + 1);
    if (num <= 0) continue;
    if (static_cast<std::size_t>(num) > slots.size()) slots.resize(static_cast<std::size_t>(num), 0);
    slots[static_cast<std::size_t>(num) - 1] = idx;
  }
  return slots;
}

// Binds portal parameters through the type layer: integers and floats as
// numbers, bytea as blobs, strings as they are, every other type as its
// canonical PostgreSQL text (so '2024-2-29' and a binary date are stored
// alike, and a value that is not valid for its type is refused with the
// error PostgreSQL gives it: 22P02, 22007 and 22008 for dates, ...).
void bind_parameters(sqlite3_stmt* s, const pgwire::Portal& portal) {
  auto slots = parameter_slots(s);
  const auto& types = portal.statement->parameter_types;
  pgwire::Buffer binary, text;
  for (std::size_t i = 0; i < portal.parameter_count() && i < slots.size(); ++i) {
    int idx = slots[i];
    if (idx == 0) continue;
    if (portal.is_null(i)) {
      sqlite3_bind_null(s, idx);
      continue;
    }
    pgwire::Oid t = i < types.size() ? types[i] : oid::text;
    switch (t) {
      case oid::int2: sqlite3_bind_int64(s, idx, *portal.parameter<std::int16_t>(i)); continue;
      case oid::int4: sqlite3_bind_int64(s, idx, *portal.parameter<std::int32_t>(i)); continue;
      case oid::int8: sqlite3_bind_int64(s, idx, *portal.parameter<std::int64_t>(i)); continue;
      case oid::oid: sqlite3_bind_int64(s, idx, portal.parameter<pgwire::OidValue>(i)->value); continue;
      case oid::float4: sqlite3_bind_double(s, idx, *portal.parameter<float>(i)); continue;
      case oid::float8: sqlite3_bind_double(s, idx, *portal.parameter<double>(i)); continue;
      case oid::bool_: sqlite3_bind_int(s, idx, *portal.parameter<bool>(i) ? 1 : 0); continue;
      case oid::bytea: {
        auto b = *portal.parameter<pgwire::Bytea>(i);
        sqlite3_bind_blob(s, idx, b.data.data(), static_cast<int>(b.data.size()), SQLITE_TRANSIENT);
        continue;
      }
      default: break;
    }
    std::string_view value = *portal.parameters[i];
    if (!is_string_type(t)) {
      if (!pgwire::can_convert_format(t))
        throw pgwire::PgError(pgwire::sqlstate::feature_not_supported,
                              "parameters of type " + std::to_string(t) + " are not supported");
      binary.clear();
      text.clear();
      if (portal.parameter_formats[i] == pgwire::format_binary) {
        binary.put_bytes(value);
      } else if (auto ec = pgwire::convert_format(t, value, pgwire::format_text, pgwire::format_binary, binary)) {
        throw invalid_value(t, value, ec);
      }
      if (auto ec = pgwire::convert_format(t, binary.view(), pgwire::format_binary, pgwire::format_text, text))
        throw invalid_value(t, value, ec, portal.parameter_formats[i]);
      value = text.view();
    }
    sqlite3_bind_text(s, idx, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
}

class SqliteHandler final : public pgwire::SimpleQueryHandler, public pgwire::ExtendedQueryHandler {
 public:
  explicit SqliteHandler(std::string uri) : uri_(std::move(uri)) {}

  asio::awaitable<std::vector<pgwire::Response>> query(pgwire::Session& session,
                                                       std::string_view sql) override {
    auto db = connection(session);
    std::vector<pgwire::Response> out;
    for (auto stmt : pgwire::split_statements(sql)) {
      out.push_back(run(session, db, stmt, nullptr));
      if (out.back().kind() == pgwire::Response::Kind::error) break;
    }
    co_return out;
  }

  // Parse: compile once to learn parameters and columns (Describe before
  // Bind). Parameter types: the client's, else a cast ($1::int4), else
  // inferred from the column they meet, else text.
  asio::awaitable<void> prepare(pgwire::Session& session, pgwire::Statement& stmt) override {
    if (commands_.describe(stmt) || pgwire::is_empty_query(stmt.sql)) co_return;
    auto db = connection(session);
    auto rewritten = sqlite_dialect::strip_casts(stmt.sql);
    auto prepared = std::make_shared<Prepared>();
    prepared->sql = std::move(rewritten.sql);
    auto s = std::make_unique<Stmt>();
    int rc = sqlite3_prepare_v2(db->db, prepared->sql.data(), static_cast<int>(prepared->sql.size()), &s->s,
                                nullptr);
    if (rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db->db, rc));
    if (s->s == nullptr) co_return;
    auto slots = parameter_slots(s->s);
    if (stmt.parameter_types.size() < slots.size()) stmt.parameter_types.resize(slots.size(), 0);
    auto inferred = infer_parameter_types(db->db, prepared->sql, stmt.parameter_types.size());
    for (std::size_t i = 0; i < stmt.parameter_types.size(); ++i) {
      auto& t = stmt.parameter_types[i];
      if (t == 0 && i < rewritten.casts.size()) t = rewritten.casts[i];
      if (t == 0) t = inferred[i];
      if (t == 0) t = oid::text;
    }
    if (sqlite3_column_count(s->s) > 0) {
      // Expression columns have no declared type: a read-only statement
      // without parameters is stepped once to learn them (SELECT 1 + 1 is
      // int8, not text), then reset.
      bool probe = slots.empty() && sqlite3_stmt_readonly(s->s) && sqlite3_step(s->s) == SQLITE_ROW;
      stmt.columns = schema_of(s->s, probe, rewritten);
    }
    prepared->give_back(std::move(s));
    stmt.set_handle(std::move(prepared));
    co_return;
  }

  asio::awaitable<pgwire::Response> execute(pgwire::Session& session, pgwire::Portal& portal) override {
    co_return run(session, connection(session), portal.statement->sql, &portal);
  }

 private:
  std::shared_ptr<Db> connection(pgwire::Session& session) {
    auto* db = session.state<std::shared_ptr<Db>>();
    if (db == nullptr)
      db = &session.set_state(std::make_shared<std::shared_ptr<Db>>(std::make_shared<Db>(uri_)));
    return *db;
  }

  // The declared type of the column each parameter meets (INSERT column
  // lists, comparisons, LIMIT), looked up in the tables the statement names.
  static std::vector<pgwire::Oid> infer_parameter_types(sqlite3* db, std::string_view sql, std::size_t n) {
    std::vector<pgwire::Oid> out(n, 0);
    auto inf = sqlite_dialect::infer_parameters(sql);
    auto column_type = [&](const std::string& column) -> pgwire::Oid {
      for (const auto& table : inf.tables) {
        const char* decl = nullptr;
        if (sqlite3_table_column_metadata(db, nullptr, table.c_str(), column.c_str(), &decl, nullptr, nullptr,
                                          nullptr, nullptr) == SQLITE_OK)
          return pg_type(decl, SQLITE_TEXT);
      }
      return 0;
    };
    for (std::size_t i = 0; i < n && i < inf.params.size(); ++i)
      out[i] = inf.params[i].type != 0 ? inf.params[i].type : column_type(inf.params[i].column);
    if (!inf.positional.empty() && !inf.tables.empty()) {  // INSERT INTO t VALUES ($1, ...)
      Stmt info;
      std::string q = "SELECT type FROM pragma_table_info(?1)";
      if (sqlite3_prepare_v2(db, q.c_str(), -1, &info.s, nullptr) == SQLITE_OK) {
        sqlite3_bind_text(info.s, 1, inf.tables.front().c_str(), -1, SQLITE_TRANSIENT);
        std::vector<pgwire::Oid> cols;
        while (sqlite3_step(info.s) == SQLITE_ROW)
          cols.push_back(pg_type(reinterpret_cast<const char*>(sqlite3_column_text(info.s, 0)), SQLITE_TEXT));
        for (std::size_t i = 0; i < n && i < inf.positional.size(); ++i)
          if (out[i] == 0 && inf.positional[i] > 0 && inf.positional[i] <= cols.size())
            out[i] = cols[inf.positional[i] - 1];
      }
    }
    return out;
  }

  // Runs one statement; with a portal, binds its parameters and keeps the
  // schema reported at Parse.
  pgwire::Response run(pgwire::Session& session, const std::shared_ptr<Db>& db, std::string_view sql,
                       const pgwire::Portal* portal) {
    std::string word = upper_word(sql);
    // A statement compiled at Parse is SQLite's (prepare() asked the
    // commands first); otherwise what drivers send in passing (SET, SHOW,
    // version(), ...) is the library's, and SQLite gets the rest.
    std::shared_ptr<Prepared> home;
    if (portal) home = portal->statement->shared_handle<Prepared>();
    if (!home) {
      if (auto r = portal ? commands_.answer(session, *portal) : commands_.answer(session, sql)) return std::move(*r);
      if (pgwire::is_empty_query(sql)) return pgwire::Response::empty();
    }
    // PostgreSQL's BEGIN options (ISOLATION LEVEL, READ ONLY, ...) and START
    // TRANSACTION are not SQLite syntax; SQLite's transactions are serializable.
    if (word == "BEGIN" || (word == "START" && upper_word(sql, 2) == "START TRANSACTION")) {
      char* err = nullptr;
      if (sqlite3_exec(db->db, "BEGIN", nullptr, nullptr, &err) != SQLITE_OK) {
        sqlite3_free(err);
        return pgwire::Response::error(sqlite_error(db->db, SQLITE_ERROR));
      }
      return pgwire::Response::begin(word == "BEGIN" ? "BEGIN" : "START TRANSACTION");
    }
    std::unique_ptr<Stmt> stmt;
    sqlite_dialect::Rewritten rewritten;  // simple query: the SQL SQLite runs, and column casts
    if (home && !home->idle.empty()) {
      stmt = std::move(home->idle.back());
      home->idle.pop_back();
    } else {
      if (!home) rewritten = sqlite_dialect::strip_casts(sql);
      const std::string& text = home ? home->sql : rewritten.sql;
      stmt = std::make_unique<Stmt>();
      int rc = sqlite3_prepare_v2(db->db, text.data(), static_cast<int>(text.size()), &stmt->s, nullptr);
      if (rc != SQLITE_OK) return pgwire::Response::error(sqlite_error(db->db, rc));
      if (stmt->s == nullptr) return pgwire::Response::empty();
    }
    if (portal) bind_parameters(stmt->s, *portal);
    int rc = sqlite3_step(stmt->s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      auto error = pgwire::Response::error(sqlite_error(db->db, rc));
      if (home) home->give_back(std::move(stmt));
      return error;
    }
    if (sqlite3_column_count(stmt->s) > 0) {
      pgwire::SchemaPtr schema = portal && portal->statement->columns ? portal->statement->columns
                                                                       : schema_of(stmt->s, rc == SQLITE_ROW, rewritten);
      auto rows = std::make_unique<SqliteRows>(db, std::move(stmt), rc == SQLITE_ROW, schema, home);
      return pgwire::Response::rows(schema, std::move(rows));
    }
    if (home) home->give_back(std::move(stmt));
    auto changes = sqlite3_changes64(db->db);
    if (word == "INSERT") return pgwire::Response::command("INSERT 0 " + std::to_string(changes));
    if (word == "UPDATE" || word == "DELETE") return pgwire::Response::command(word + " " + std::to_string(changes));
    if (word == "BEGIN" || word == "START") return pgwire::Response::begin();
    if (word == "COMMIT" || word == "END") return pgwire::Response::commit();
    if (word == "ROLLBACK") return pgwire::Response::rollback();
    if (word == "CREATE" || word == "DROP" || word == "ALTER") return pgwire::Response::command(upper_word(sql, 2));
    return pgwire::Response::command(word);
  }

  std::string uri_;
  pgwire::SessionCommands commands_;  // SET, SHOW, version(), DEALLOCATE, ...
};

void create_demo(const std::string& uri) {
  Db db(uri);
  const char* sql =
      "CREATE TABLE IF NOT EXISTS demo (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
      " price REAL, created DATE);"
      "INSERT INTO demo (id, name, price, created) SELECT 1, 'apple', 0.5, '2024-01-01'"
      " WHERE NOT EXISTS (SELECT 1 FROM demo);"
      "INSERT INTO demo (id, name, price, created) SELECT 2, 'banana', 0.25, '2024-02-29'"
      " WHERE (SELECT count(*) FROM demo) = 1;"
      "INSERT INTO demo (id, name, price, created) SELECT 3, 'cherry', NULL, '2024-03-15'"
      " WHERE (SELECT count(*) FROM demo) = 2;";
  char* err = nullptr;
  if (sqlite3_exec(db.db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string e = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error("creating the demo table: " + e);
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto flags = example::parse(argc, argv,
                              "SQLite behind the PostgreSQL protocol (table `demo` is created on first start).",
                              {"--db"}, "  --db FILE              SQLite database file (default: in memory)\n");
  std::string file = example::extra(flags, "--db");
  // Every session opens its own connection; an in-memory database is shared
  // through SQLite's shared cache and kept alive by `keeper`.
  std::string uri = file.empty() ? "file:pgwire_demo?mode=memory&cache=shared" : "file:" + file;
  Db keeper(uri);
  create_demo(uri);
  auto handler = std::make_shared<SqliteHandler>(uri);
  pgwire::Server server(example::server_options(flags), {example::auth_handler(flags), handler, handler});
  return example::serve(server, flags);
}
