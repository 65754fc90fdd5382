// SQLite behind the PostgreSQL protocol: a real database anyone can try with
// psql. Each client gets its own SQLite connection to the same database (a
// file, or a shared in-memory database); results stream row by row from
// sqlite3_step, so a large SELECT never sits in memory.

#include <charconv>
#include <cstring>
#include <mutex>

#include <sqlite3.h>

#include <pgwire/api/handlers.hpp>

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

// Streams rows straight from sqlite3_step; the first row was stepped already
// (to learn the types of expression columns).
class SqliteRows final : public pgwire::RowSource {
 public:
  SqliteRows(std::shared_ptr<Db> db, std::unique_ptr<Stmt> stmt, bool has_row)
      : db_(std::move(db)), stmt_(std::move(stmt)), has_row_(has_row) {}

  asio::awaitable<bool> fill(pgwire::RowWriter& out) override {
    sqlite3_stmt* s = stmt_->s;
    while (has_row_ && out.wants_more()) {
      out.begin_row();
      int n = sqlite3_column_count(s);
      for (int i = 0; i < n; ++i) encode(out, s, i);
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
  static void encode(pgwire::RowWriter& out, sqlite3_stmt* s, int i) {
    switch (sqlite3_column_type(s, i)) {
      case SQLITE_NULL:
        out.add_null();
        return;
      case SQLITE_INTEGER: {
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, sqlite3_column_int64(s, i));
        out.add_encoded(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
        return;
      }
      case SQLITE_FLOAT: {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, sqlite3_column_double(s, i));
        out.add_encoded(std::string_view(buf, static_cast<std::size_t>(r.ptr - buf)));
        return;
      }
      case SQLITE_BLOB: {
        // bytea text output: \x followed by hex.
        auto p = static_cast<const unsigned char*>(sqlite3_column_blob(s, i));
        int len = sqlite3_column_bytes(s, i);
        out.begin_value();
        static const char* hex = "0123456789abcdef";
        char* w = out.buffer().extend(2 + 2 * static_cast<std::size_t>(len));
        *w++ = '\\';
        *w++ = 'x';
        for (int k = 0; k < len; ++k) {
          *w++ = hex[p[k] >> 4];
          *w++ = hex[p[k] & 15];
        }
        out.end_value();
        return;
      }
      default: {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
        out.add_encoded(std::string_view(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))));
        return;
      }
    }
  }

  std::shared_ptr<Db> db_;
  std::unique_ptr<Stmt> stmt_;
  bool has_row_;
};

class SqliteHandler final : public pgwire::SimpleQueryHandler {
 public:
  explicit SqliteHandler(std::string uri) : uri_(std::move(uri)) {}

  asio::awaitable<std::vector<pgwire::Response>> query(pgwire::Session& session,
                                                       std::string_view sql) override {
    auto* db = session.state<std::shared_ptr<Db>>();
    if (db == nullptr) db = &session.set_state(std::make_shared<std::shared_ptr<Db>>(std::make_shared<Db>(uri_)));
    std::vector<pgwire::Response> out;
    for (auto stmt : pgwire::split_statements(sql)) {
      out.push_back(run(session, *db, stmt));
      if (out.back().kind() == pgwire::Response::Kind::error) break;
    }
    co_return out;
  }

 private:
  pgwire::Response run(pgwire::Session& session, const std::shared_ptr<Db>& db, std::string_view sql) {
    std::string word = upper_word(sql);
    // Settings live in the session, as PostgreSQL GUCs do.
    if (word == "SET") return set(session, sql);
    if (word == "SHOW") return show(session, sql);
    auto stmt = std::make_unique<Stmt>();
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v2(db->db, sql.data(), static_cast<int>(sql.size()), &stmt->s, &tail);
    if (rc != SQLITE_OK) return pgwire::Response::error(sqlite_error(db->db, rc));
    if (stmt->s == nullptr) return pgwire::Response::empty();
    rc = sqlite3_step(stmt->s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return pgwire::Response::error(sqlite_error(db->db, rc));
    int ncol = sqlite3_column_count(stmt->s);
    if (ncol > 0) {
      std::vector<pgwire::Column> cols;
      for (int i = 0; i < ncol; ++i) {
        pgwire::Oid t = pg_type(sqlite3_column_decltype(stmt->s, i),
                                rc == SQLITE_ROW ? sqlite3_column_type(stmt->s, i) : SQLITE_TEXT);
        cols.push_back({sqlite3_column_name(stmt->s, i), t, type_size(t)});
      }
      return pgwire::Response::rows(pgwire::make_schema(std::move(cols)),
                                    std::make_unique<SqliteRows>(db, std::move(stmt), rc == SQLITE_ROW),
                                    word == "PRAGMA" ? "SELECT" : "SELECT");
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

  static pgwire::Response set(pgwire::Session& session, std::string_view sql) {
    // SET [SESSION|LOCAL] name {TO|=} value
    std::string s(sql.substr(3));
    auto eq = s.find('=');
    std::size_t to = std::string::npos;
    std::string up = s;
    for (auto& c : up) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (eq == std::string::npos) to = up.find(" TO ");
    std::size_t split = eq != std::string::npos ? eq : to;
    if (split == std::string::npos)
      return pgwire::Response::error(pgwire::ErrorInfo::error(pgwire::sqlstate::syntax_error, "syntax error in SET"));
    auto trim = [](std::string v) {
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.erase(0, 1);
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.pop_back();
      if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
      return v;
    };
    std::string name = trim(s.substr(0, split));
    for (const char* scope : {"SESSION ", "LOCAL "})
      if (upper_word(name) + " " == scope) name = trim(name.substr(std::strlen(scope)));
    session.set_parameter(name, trim(s.substr(split + (eq != std::string::npos ? 1 : 4))));
    return pgwire::Response::command("SET");
  }

  static pgwire::Response show(pgwire::Session& session, std::string_view sql) {
    std::string name(sql.substr(4));
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.front()))) name.erase(0, 1);
    while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
    auto v = session.parameter(name);
    if (!v) {
      for (const auto& [k, val] : session.parameters())
        if (upper_word(k) == upper_word(name)) v = val;
    }
    if (!v)
      return pgwire::Response::error(pgwire::ErrorInfo::error(
          pgwire::sqlstate::undefined_object, "unrecognized configuration parameter \"" + name + "\""));
    return pgwire::Response::rows(pgwire::make_schema({{name, oid::text}}),
                                  pgwire::make_text_rows({{*v}}), "SHOW");
  }

  std::string uri_;
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
  pgwire::Server server(example::server_options(flags),
                        {example::auth_handler(flags), std::make_shared<SqliteHandler>(uri)});
  server.start();
  example::announce(server, flags);
  server.run();
}
