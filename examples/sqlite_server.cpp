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

namespace {

namespace oid {
constexpr pgwire::Oid bool_ = 16, bytea = 17, int8 = 20, int4 = 23, text = 25, float8 = 701,
                      numeric = 1700, date = 1082, timestamp = 1114;
}

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
pgwire::Oid pg_type(const char* decl, int first_value_type) {
  if (decl != nullptr) {
    std::string d = upper_word(decl);
    if (d.find("INT") != std::string::npos) return oid::int8;
    if (d.find("CHAR") != std::string::npos || d.find("CLOB") != std::string::npos ||
        d.find("TEXT") != std::string::npos)
      return oid::text;
    if (d.find("BLOB") != std::string::npos) return oid::bytea;
    if (d.find("REAL") != std::string::npos || d.find("FLOA") != std::string::npos ||
        d.find("DOUB") != std::string::npos)
      return oid::float8;
    if (d == "BOOLEAN" || d == "BOOL") return oid::bool_;
    if (d == "DATE") return oid::date;
    if (d == "DATETIME" || d == "TIMESTAMP") return oid::timestamp;
    if (d == "NUMERIC" || d == "DECIMAL") return oid::numeric;
  }
  switch (first_value_type) {  // an expression: judge by the value
    case SQLITE_INTEGER: return oid::int8;
    case SQLITE_FLOAT: return oid::float8;
    case SQLITE_BLOB: return oid::bytea;
    default: return oid::text;
  }
}

std::int16_t type_size(pgwire::Oid t) {
  switch (t) {
    case oid::bool_: return 1;
    case oid::int8: case oid::float8: case oid::timestamp: return 8;
    case oid::int4: case oid::date: return 4;
    default: return -1;
  }
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
void encode_column(pgwire::RowWriter& out, sqlite3_stmt* s, int i, pgwire::Oid type) {
  if (sqlite3_column_type(s, i) == SQLITE_NULL) {
    out.add_null();
    return;
  }
  auto text = [&] {
    return std::string_view(reinterpret_cast<const char*>(sqlite3_column_text(s, i)),
                            static_cast<std::size_t>(sqlite3_column_bytes(s, i)));
  };
  auto decoded = [&](auto value) {
    if (pgwire::decode_text(text(), value))
      throw pgwire::PgError("22007", "stored value \"" + std::string(text()) + "\" is not a valid " +
                                         std::string(pgwire::type_name(type)));
    out.add(value);
  };
  switch (type) {
    case oid::int8: out.add(static_cast<std::int64_t>(sqlite3_column_int64(s, i))); return;
    case oid::float8: out.add(sqlite3_column_double(s, i)); return;
    case oid::bool_: {
      // A boolean bound as text ('true', 't', 'on', ...) is kept as text by SQLite.
      if (sqlite3_column_type(s, i) == SQLITE_TEXT) {
        decoded(false);
        return;
      }
      out.add(sqlite3_column_int64(s, i) != 0);
      return;
    }
    case oid::bytea: {
      auto p = static_cast<const char*>(sqlite3_column_blob(s, i));
      out.add(pgwire::Bytea{std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)))});
      return;
    }
    case oid::date: decoded(pgwire::Date{}); return;
    case oid::timestamp: decoded(pgwire::Timestamp{}); return;
    case oid::numeric: out.add(pgwire::Numeric{text()}); return;
    default: out.add(text()); return;
  }
}

// Streams rows straight from sqlite3_step; the first row was stepped already
// (to learn the types of expression columns).
class SqliteRows final : public pgwire::RowSource {
 public:
  SqliteRows(std::shared_ptr<Db> db, std::unique_ptr<Stmt> stmt, bool has_row, pgwire::SchemaPtr schema)
      : db_(std::move(db)), stmt_(std::move(stmt)), has_row_(has_row), schema_(std::move(schema)) {}

  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    sqlite3_stmt* s = stmt_->s;
    while (has_row_ && out.wants_more()) {
      out.begin_row();
      for (std::size_t i = 0; i < schema_->size(); ++i)
        encode_column(out, s, static_cast<int>(i), (*schema_)[i].type);
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
};

// Columns of a prepared statement: declared types, or (for expressions) the
// type of the first row's value when one was stepped.
pgwire::SchemaPtr schema_of(sqlite3_stmt* s, bool have_row) {
  std::vector<pgwire::Column> cols;
  int ncol = sqlite3_column_count(s);
  for (int i = 0; i < ncol; ++i) {
    pgwire::Oid t = pg_type(sqlite3_column_decltype(s, i), have_row ? sqlite3_column_type(s, i) : SQLITE_TEXT);
    cols.push_back({sqlite3_column_name(s, i), t, type_size(t)});
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

// The PostgreSQL text form of a binary parameter (dates, timestamps,
// numerics, uuids, ...), which is what SQLite stores for them.
std::string binary_to_text(const pgwire::Portal& portal, std::size_t i, pgwire::Oid type) {
  pgwire::Buffer out;
  auto as_text = [&](auto v) { pgwire::encode_text(*v, out); };
  switch (type) {
    case oid::date: as_text(portal.parameter<pgwire::Date>(i)); break;
    case oid::timestamp: as_text(portal.parameter<pgwire::Timestamp>(i)); break;
    case 1184: as_text(portal.parameter<pgwire::TimestampTz>(i)); break;
    case 1083: as_text(portal.parameter<pgwire::Time>(i)); break;
    case 1186: as_text(portal.parameter<pgwire::Interval>(i)); break;
    case oid::numeric: as_text(portal.parameter<pgwire::Numeric>(i)); break;
    case 2950: as_text(portal.parameter<pgwire::Uuid>(i)); break;
    case 3802: as_text(portal.parameter<pgwire::Jsonb>(i)); break;
    default:
      throw pgwire::PgError(pgwire::sqlstate::feature_not_supported,
                            "binary parameters of type " + std::to_string(type) + " are not supported");
  }
  return std::string(out.view());
}

// Binds portal parameters through the type layer: integers and floats as
// numbers, bytea as blobs, everything else as its text form.
void bind_parameters(sqlite3_stmt* s, const pgwire::Portal& portal) {
  auto slots = parameter_slots(s);
  const auto& types = portal.statement->parameter_types;
  for (std::size_t i = 0; i < portal.parameter_count() && i < slots.size(); ++i) {
    int idx = slots[i];
    if (idx == 0) continue;
    if (portal.is_null(i)) {
      sqlite3_bind_null(s, idx);
      continue;
    }
    pgwire::Oid t = i < types.size() ? types[i] : oid::text;
    bool binary = portal.parameter_formats[i] == pgwire::format_binary;
    switch (t) {
      case 21: sqlite3_bind_int64(s, idx, *portal.parameter<std::int16_t>(i)); break;
      case 23: sqlite3_bind_int64(s, idx, *portal.parameter<std::int32_t>(i)); break;
      case oid::int8: sqlite3_bind_int64(s, idx, *portal.parameter<std::int64_t>(i)); break;
      case 700: sqlite3_bind_double(s, idx, *portal.parameter<float>(i)); break;
      case oid::float8: sqlite3_bind_double(s, idx, *portal.parameter<double>(i)); break;
      case oid::bool_: sqlite3_bind_int(s, idx, *portal.parameter<bool>(i) ? 1 : 0); break;
      case oid::bytea: {
        auto b = *portal.parameter<pgwire::Bytea>(i);
        sqlite3_bind_blob(s, idx, b.data.data(), static_cast<int>(b.data.size()), SQLITE_TRANSIENT);
        break;
      }
      default: {
        std::string text;
        if (binary && t != oid::text && t != 1043 && t != 19 && t != 1042 && t != 0 && t != 705) {
          // A binary value of another type: store its PostgreSQL text form.
          text = binary_to_text(portal, i, t);
        } else {
          text = std::string(*portal.parameters[i]);
        }
        sqlite3_bind_text(s, idx, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
      }
    }
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

  // Parse: compile once to learn parameters and columns (Describe before Bind).
  asio::awaitable<void> prepare(pgwire::Session& session, pgwire::Statement& stmt) override {
    if (commands_.describe(stmt.sql, stmt.columns) || pgwire::is_empty_query(stmt.sql)) co_return;
    auto db = connection(session);
    Stmt s;
    int rc = sqlite3_prepare_v2(db->db, stmt.sql.data(), static_cast<int>(stmt.sql.size()), &s.s, nullptr);
    if (rc != SQLITE_OK) throw pgwire::PgError(sqlite_error(db->db, rc));
    if (s.s == nullptr) co_return;
    // SQLite cannot infer parameter types: keep the client's, else text.
    auto slots = parameter_slots(s.s);
    if (stmt.parameter_types.size() < slots.size()) stmt.parameter_types.resize(slots.size(), 0);
    for (auto& t : stmt.parameter_types)
      if (t == 0) t = oid::text;
    if (sqlite3_column_count(s.s) > 0) {
      // Expression columns have no declared type: a read-only statement
      // without parameters is stepped once to learn them (SELECT 1 + 1 is
      // int8, not text), then reset.
      bool probe = slots.empty() && sqlite3_stmt_readonly(s.s) && sqlite3_step(s.s) == SQLITE_ROW;
      stmt.columns = schema_of(s.s, probe);
      sqlite3_reset(s.s);
    }
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

  // Runs one statement; with a portal, binds its parameters and keeps the
  // schema reported at Parse.
  pgwire::Response run(pgwire::Session& session, const std::shared_ptr<Db>& db, std::string_view sql,
                       const pgwire::Portal* portal) {
    std::string word = upper_word(sql);
    // What drivers send in passing (SET, SHOW, version(), ...) is the
    // library's; SQLite gets the rest.
    if (auto r = commands_.answer(session, sql)) return std::move(*r);
    if (pgwire::is_empty_query(sql)) return pgwire::Response::empty();
    auto stmt = std::make_unique<Stmt>();
    int rc = sqlite3_prepare_v2(db->db, sql.data(), static_cast<int>(sql.size()), &stmt->s, nullptr);
    if (rc != SQLITE_OK) return pgwire::Response::error(sqlite_error(db->db, rc));
    if (stmt->s == nullptr) return pgwire::Response::empty();
    if (portal) bind_parameters(stmt->s, *portal);
    rc = sqlite3_step(stmt->s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return pgwire::Response::error(sqlite_error(db->db, rc));
    if (sqlite3_column_count(stmt->s) > 0) {
      pgwire::SchemaPtr schema = portal && portal->statement->columns ? portal->statement->columns
                                                                       : schema_of(stmt->s, rc == SQLITE_ROW);
      auto rows = std::make_unique<SqliteRows>(db, std::move(stmt), rc == SQLITE_ROW, schema);
      return pgwire::Response::rows(schema, std::move(rows));
    }
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
  server.start();
  example::announce(server, flags);
  server.run();
}
