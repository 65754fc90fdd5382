// libpqxx 6.4 driver program of the compat suite (tests/compat/compat.py).
// Prints one JSON line per feature. libpqxx sends exec_params() parameters as
// untyped text (binarystring as binary bytea); exec() uses the simple
// protocol; icursorstream is DECLARE/FETCH.
//
// Type round trips (type_<name>, one per entry of COMPAT_TYPES, types.json):
// libpqxx 6.4 is text-only, so the canonical text goes in as an (untyped)
// exec_params parameter and comes back through a prepared statement as a
// string that must equal "text" byte for byte, with result::column_type the
// type's OID.

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <thread>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <pqxx/pqxx>

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::string json(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

struct Check : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string query;  // the SQL in flight
const std::string& sql(std::string s) {
  query = std::move(s);
  return query;
}

// detail: the formats proven ("t/t"), reported with a pass.
void run(const std::string& feature, const std::function<void()>& fn, const std::string& detail = "") {
  query.clear();
  std::string error;
  const std::string skip = "," + env("COMPAT_SKIP") + ",";
  try {
    if (skip.find("," + feature + ",") != std::string::npos)
      throw Check("not run: listed in expected_gaps.txt with skip: (see its reason)");
    fn();
  } catch (const pqxx::sql_error& e) {
    error = "[" + e.sqlstate() + "] pqxx::sql_error: " + e.what();
  } catch (const Check& e) {
    error = e.what();
  } catch (const std::exception& e) {
    error = std::string("exception: ") + e.what();
  }
  while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
  std::cout << "{\"feature\": " << json(feature) << ", \"ok\": " << (error.empty() ? "true" : "false");
  if (error.empty() && !detail.empty()) std::cout << ", \"detail\": " << json(detail);
  if (!error.empty()) {
    std::cout << ", \"error\": " << json(error);
    if (!query.empty()) std::cout << ", \"query\": " << json(query);
  }
  std::cout << "}" << std::endl;
}

void check(bool cond, const std::string& what) {
  if (!cond) throw Check(what);
}

template <typename T>
std::string show(const T& v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

std::unique_ptr<pqxx::connection> conn;
std::string connect_error = "not attempted";
const std::string table = env("COMPAT_TABLE");

pqxx::connection& c() {
  if (!conn) throw Check("no connection (connect_trust failed: " + connect_error + ")");
  return *conn;
}

pqxx::result exec(const std::string& text) {
  pqxx::nontransaction tx(c());
  return tx.exec(sql(text));
}

long count_id(int id) {
  return exec("SELECT count(*) FROM " + table + " WHERE id = " + std::to_string(id))[0][0].as<long>();
}

template <typename T, typename Check>
void param(const std::string& col, int id, const T& value, Check&& ok) {
  pqxx::nontransaction tx(c());
  tx.exec_params(sql("INSERT INTO " + table + " (id, " + col + ") VALUES ($1, $2)"), id, value);
  auto r = tx.exec_params(sql("SELECT " + col + " FROM " + table + " WHERE id = $1"), id);
  check(r.size() == 1, "got " + std::to_string(r.size()) + " rows, want 1");
  ok(r[0][0]);
}

// (Re)creates a test table; the error ("" if none) that its features report.
std::string make_table(const std::string& name, const std::string& create) {
  try {
    exec("DROP TABLE IF EXISTS " + name);
    exec(create);
    return "";
  } catch (const std::exception& e) {
    return std::string("creating the test table failed: ") + e.what() + " (query: " + query + ")";
  }
}

// A feature that needs a test table: fails with table_error if it could not be made.
void run_on_table(const std::string& table_error, const std::string& feature,
                  const std::function<void()>& fn, const std::string& detail = "") {
  run(feature, [&] {
    if (!table_error.empty()) throw Check(table_error);
    fn();
  }, detail);
}

// types.json: one type object per line, {"key": "string" or integer, ...}
// (strings with JSON escapes).
// A small reader for exactly that; anything else throws.
struct TypeCase {
  std::string name, text;
  unsigned long oid = 0;
};

std::string json_string(const std::string& line, size_t& i) {
  if (line[i] != '"') throw std::runtime_error("'\"' expected");
  std::string out;
  static const std::string plain = "\"\\/bfnrt", decoded = "\"\\/\b\f\n\r\t";
  for (++i; i < line.size() && line[i] != '"'; ++i) {
    if (static_cast<unsigned char>(line[i]) < 0x20) throw std::runtime_error("control character in a string");
    if (line[i] != '\\') {
      out += line[i];
      continue;
    }
    char e = ++i < line.size() ? line[i] : 0;
    if (e && plain.find(e) != std::string::npos) {
      out += decoded[plain.find(e)];
    } else if (e == 'u' && i + 4 < line.size() &&
               line.find_first_not_of("0123456789abcdefABCDEF", i + 1) >= i + 5) {
      unsigned long c = std::stoul(line.substr(i + 1, 4), nullptr, 16);
      if (c >= 0xd800 && c < 0xe000) throw std::runtime_error("surrogate \\u escapes not supported");
      if (c < 0x80) {
        out += static_cast<char>(c);
      } else if (c < 0x800) {
        out += static_cast<char>(0xc0 | c >> 6);
        out += static_cast<char>(0x80 | (c & 0x3f));
      } else {
        out += static_cast<char>(0xe0 | c >> 12);
        out += static_cast<char>(0x80 | (c >> 6 & 0x3f));
        out += static_cast<char>(0x80 | (c & 0x3f));
      }
      i += 4;
    } else {
      throw std::runtime_error("bad escape");
    }
  }
  if (i >= line.size()) throw std::runtime_error("unterminated string");
  ++i;
  return out;
}

TypeCase parse_type_line(const std::string& line) {
  TypeCase t;
  bool have_text = false;
  size_t i = line.find('{') + 1;
  auto ws = [&] { while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i; };
  for (;;) {
    ws();
    std::string key = json_string(line, i);
    ws();
    if (i >= line.size() || line[i++] != ':') throw std::runtime_error("':' expected");
    ws();
    if (i < line.size() && line[i] == '"') {
      std::string value = json_string(line, i);
      if (key == "name") t.name = value;
      if (key == "text") t.text = value, have_text = true;
    } else {
      size_t used = 0;
      long n = std::stol(line.substr(i), &used);  // throws when there is no number
      if (key == "oid") t.oid = static_cast<unsigned long>(n);
      i += used;
    }
    ws();
    if (i < line.size() && line[i] == '}') break;
    if (i >= line.size() || line[i++] != ',') throw std::runtime_error("',' or '}' expected");
  }
  size_t rest = line.find_first_not_of(" \t\r,", i + 1);
  if (rest != std::string::npos) throw std::runtime_error("text after the object");
  if (t.name.empty() || !have_text || t.oid == 0) throw std::runtime_error("name, text or oid missing");
  return t;
}

std::vector<TypeCase> load_types(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open COMPAT_TYPES '" + path + "'");
  std::vector<TypeCase> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const size_t b = line.find_first_not_of(" \t");
    const size_t q = b == std::string::npos ? b : line.find_first_not_of(" \t", b + 1);
    if (q == std::string::npos || line[b] != '{' || line[q] != '"') continue;  // not a type object
    try {
      out.push_back(parse_type_line(line));
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(n) + ": " + e.what() + ": " + line);
    }
  }
  if (out.empty()) throw std::runtime_error(path + ": no type objects found");
  return out;
}

// Canonical text in (untyped exec_params parameter), text out (prepared statement).
void type_round_trip(const std::string& types_table, const TypeCase& t, int id) {
  const std::string col = "v_" + t.name, stmt = "compat_type_" + t.name;
  pqxx::nontransaction tx(c());
  tx.exec_params(sql("INSERT INTO " + types_table + " (id, " + col + ") VALUES ($1, $2)"), id, t.text);
  c().prepare(stmt, sql("SELECT " + col + " FROM " + types_table + " WHERE id = $1"));
  auto r = tx.exec_prepared(stmt, id);
  const std::string what = "row " + std::to_string(id) + " (text parameter '" + t.text + "'), text result: ";
  check(r.size() == 1, what + std::to_string(r.size()) + " rows, want 1");
  check(!r[0][0].is_null(), what + "NULL, want '" + t.text + "'");
  const std::string got(r[0][0].c_str(), r[0][0].size());
  check(got == t.text, what + "got '" + got + "' (" + std::to_string(got.size()) + " bytes), want '" + t.text +
                           "' (" + std::to_string(t.text.size()) + " bytes)");
  check(r.column_type(0) == t.oid, what + "value right, but column_type " + std::to_string(r.column_type(0)) +
                                       ", want " + std::to_string(t.oid));
}

}  // namespace

// COPY, cancel, LISTEN/NOTIFY (features copy_in, copy_out, cancel, notify).
// Row n of the COPY data (compat.py, COPY_ROWS): id n, s NULL when n % 100
// == 0, else "r<n>" TAB BACKSLASH LF " ü✓". Connections of their own.
const std::string copy_table = env("COMPAT_COPY_TABLE");
int copy_rows() { return std::atoi(env("COMPAT_COPY_ROWS").c_str()); }
std::string copy_value(int n) { return "r" + std::to_string(n) + "\t\\\n \xc3\xbc\xe2\x9c\x93"; }
std::string copy_line(int n) {
  if (n % 100 == 0) return std::to_string(n) + "\t\\N";
  return std::to_string(n) + "\tr" + std::to_string(n) + "\\t\\\\\\n \xc3\xbc\xe2\x9c\x93";
}
double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void recreate_copy_table(pqxx::connection& k) {
  pqxx::nontransaction tx(k);
  tx.exec(sql("DROP TABLE IF EXISTS " + copy_table));
  tx.exec(sql(env("COMPAT_SQL_CREATE_COPY")));
}

void copy_in() {
  // pqxx::stream_to (COPY ... FROM STDIN, text), in a transaction.
  pqxx::connection k(env("COMPAT_TRUST_DSN"));
  recreate_copy_table(k);
  {
    pqxx::work tx(k);
    sql("stream_to(" + copy_table + ", {id, s}) (COPY " + copy_table + " (id, s) FROM STDIN)");
    pqxx::stream_to out(tx, copy_table, std::vector<std::string>{"id", "s"});
    for (int n = 1; n <= copy_rows(); ++n) {
      std::string v = copy_value(n);
      out << std::make_tuple(static_cast<long>(n), n % 100 == 0 ? static_cast<const char*>(nullptr) : v.c_str());
    }
    out.complete();
    tx.commit();
  }
  pqxx::nontransaction tx(k);
  auto r = tx.exec(sql("SELECT id, s FROM " + copy_table + " ORDER BY id"));
  check(static_cast<int>(r.size()) == copy_rows(), std::to_string(r.size()) + " rows, want " + std::to_string(copy_rows()));
  for (int i = 0; i < static_cast<int>(r.size()); ++i) {
    int n = i + 1;
    bool null = r[i][1].is_null();
    check(r[i][0].as<long>() == n && null == (n % 100 == 0) && (null || r[i][1].as<std::string>() == copy_value(n)),
          "row " + std::to_string(n) + ": got " + r[i][0].c_str() + ", " + (null ? "NULL" : r[i][1].c_str()));
  }
}

void copy_out() {
  // pqxx::stream_from (COPY ... TO STDOUT), its raw lines compared.
  pqxx::connection k(env("COMPAT_TRUST_DSN"));
  recreate_copy_table(k);
  {
    pqxx::nontransaction tx(k);
    tx.exec(sql(env("COMPAT_SQL_COPY_SEED")));
  }
  pqxx::work tx(k);
  sql("stream_from(" + copy_table + ", {id, s}) (COPY " + copy_table + " (id, s) TO STDOUT)");
  pqxx::stream_from in(tx, copy_table, std::vector<std::string>{"id", "s"});
  std::vector<std::string> lines;
  std::string line;
  while (in.get_raw_line(line)) {
    if (!line.empty() && line.back() == '\n') line.pop_back();
    lines.push_back(line);
  }
  in.complete();
  tx.commit();
  check(static_cast<int>(lines.size()) == copy_rows(), std::to_string(lines.size()) + " lines, want " + std::to_string(copy_rows()));
  std::stable_sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
    return std::atol(a.c_str()) < std::atol(b.c_str());
  });
  for (int i = 0; i < static_cast<int>(lines.size()); ++i)
    check(lines[i] == copy_line(i + 1), "line " + json(lines[i]) + ", want " + json(copy_line(i + 1)));
}

void cancel() {
  // connection::cancel_query() from another thread every 100 ms (a cancel
  // before the query started is lost) until the query ends.
  pqxx::connection k(env("COMPAT_TRUST_DSN"));
  const double within = std::atof(env("COMPAT_CANCEL_WITHIN").c_str());
  std::atomic<bool> done{false};
  std::string cancel_error;
  std::thread canceller([&] {
    auto wait = std::chrono::milliseconds(50);
    while (!done) {
      auto until = std::chrono::steady_clock::now() + wait;
      while (!done && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      if (done) break;
      wait = std::chrono::milliseconds(100);
      try {
        k.cancel_query();
      } catch (const std::exception& e) {
        cancel_error = e.what();
        return;
      }
    }
  });
  auto started = std::chrono::steady_clock::now();
  std::string state, message;
  try {
    pqxx::nontransaction tx(k);
    tx.exec(sql("SELECT pg_sleep(10)"));
  } catch (const pqxx::sql_error& e) {
    state = e.sqlstate();
    message = e.what();
  }
  double elapsed = seconds_since(started);
  done = true;
  canceller.join();
  check(cancel_error.empty(), "cancel_query: " + cancel_error);
  check(!state.empty(), "pg_sleep(10) was not cancelled (it ended after " + std::to_string(elapsed) + " s)");
  check(state == "57014", "SQLSTATE " + state + " (" + message + "), want 57014");
  check(elapsed < within, "cancelled after " + std::to_string(elapsed) + " s, want < " + std::to_string(within));
  pqxx::nontransaction tx(k);
  check(tx.exec(sql("SELECT 1"))[0][0].as<int>() == 1, "SELECT 1 after the cancel");
}

struct Receiver : pqxx::notification_receiver {
  std::vector<std::string> payloads;
  Receiver(pqxx::connection_base& k, const std::string& channel) : pqxx::notification_receiver(k, channel) {}
  void operator()(const std::string& payload, int) override { payloads.push_back(payload); }
};

void notify() {
  // notification_receiver + connection::await_notification(sec, usec); NOTIFY
  // from another connection, once while the listener is idle, once while it waits.
  pqxx::connection listener(env("COMPAT_TRUST_DSN"));
  pqxx::connection sender(env("COMPAT_TRUST_DSN"));
  const std::string channel = env("COMPAT_CHANNEL");
  const double within = std::atof(env("COMPAT_NOTIFY_WITHIN").c_str());
  sql("LISTEN " + channel + " (notification_receiver)");
  Receiver receiver(listener, channel);
  for (int k = 1; k <= 2; ++k) {
    const std::string payload = "payload \xc3\xbc " + std::to_string(k);
    auto started = std::chrono::steady_clock::now();
    std::string wait_error;
    auto wait = [&] {
      try {
        while (receiver.payloads.empty()) {
          double left = within - seconds_since(started);
          if (left <= 0) return;
          listener.await_notification(static_cast<long>(left), static_cast<long>((left - static_cast<long>(left)) * 1e6));
        }
      } catch (const std::exception& e) {
        wait_error = e.what();
      }
    };
    auto send = [&] {
      pqxx::nontransaction tx(sender);
      tx.exec(sql("NOTIFY " + channel + ", '" + payload + "'"));
    };
    std::string what;
    if (k == 1) {
      what = "round 1 (listener idle when NOTIFY was sent)";
      send();
      wait();
    } else {
      what = "round 2 (listener waiting when NOTIFY was sent)";
      std::thread t(wait);
      try {
        send();
      } catch (...) {
        t.join();
        throw;
      }
      t.join();
    }
    check(wait_error.empty(), what + ": " + wait_error);
    check(!receiver.payloads.empty(), what + ": no notification within " + std::to_string(within) + " s");
    check(receiver.payloads[0] == payload, what + ": payload " + json(receiver.payloads[0]) + ", want " + json(payload));
    receiver.payloads.clear();
  }
}

int main() {
  const std::string rows_sql = env("COMPAT_SQL_ROWS");
  const long rows = std::atol(env("COMPAT_ROWS").c_str());

  run("connect_trust", [] {
    sql("(connect)");
    try {
      conn = std::make_unique<pqxx::connection>(env("COMPAT_TRUST_DSN"));
    } catch (const std::exception& e) {
      connect_error = e.what();
      throw;
    }
    check(exec("SELECT 1")[0][0].as<int>() == 1, "SELECT 1");
  });
  run("connect_scram", [] {
    sql("(connect with SCRAM)");
    pqxx::connection s(env("COMPAT_SCRAM_DSN"));
    pqxx::nontransaction tx(s);
    check(tx.exec(sql("SELECT 1"))[0][0].as<int>() == 1, "SELECT 1");
  });
  run("connect_tls", [] {
    // libpqxx 6.4 does not expose the PGconn: only sslmode=require tells
    // libpq to refuse an unencrypted connection.
    sql("(connect with sslmode=require)");
    pqxx::connection s(env("COMPAT_TLS_DSN"));
    pqxx::nontransaction tx(s);
    check(tx.exec(sql("SELECT 1"))[0][0].as<int>() == 1, "SELECT 1");
  });
  // auth_*: libpqxx's broken_connection carries libpq's message, no SQLSTATE:
  // PostgreSQL's text of the refusal is checked.
  auto auth = [](const std::string& dsn, const std::string& refused_dsn, const std::string& message) {
    sql("(log in) " + dsn);
    {
      pqxx::connection s(dsn);
      pqxx::nontransaction tx(s);
      check(tx.exec(sql("SELECT 1"))[0][0].as<int>() == 1, "SELECT 1");
    }
    sql("(log in, to be refused) " + refused_dsn);
    try {
      pqxx::connection s(refused_dsn);
    } catch (const pqxx::broken_connection& e) {
      check(std::string(e.what()).find(message) != std::string::npos,
            "want '" + message + "' in the error, got: " + e.what());
      return;
    }
    check(false, "the login succeeded; want it refused (" + message + ")");
  };
  run("auth_md5", [&] {
    auth(env("COMPAT_MD5_DSN"), env("COMPAT_MD5_WRONG_DSN"),
         "password authentication failed for user \"" + std::string(env("COMPAT_MD5_USER")) + "\"");
  });
  run("auth_cleartext", [&] {
    auth(env("COMPAT_CLEAR_DSN"), env("COMPAT_CLEAR_WRONG_DSN"),
         "password authentication failed for user \"" + std::string(env("COMPAT_CLEAR_USER")) + "\"");
  });
  run("auth_cert", [&] {
    auth(env("COMPAT_CERT_DSN"), env("COMPAT_CERT_NOCERT_DSN"), "connection requires a valid client certificate");
  });
  run("simple_query", [] { check(exec("SELECT 1 AS one")[0][0].as<int>() == 1, "SELECT 1"); });
  run("expr_type", [] {
    pqxx::nontransaction tx(c());
    auto r = tx.exec_params(sql("SELECT 1 + 1 AS two"));  // PQexecParams: extended protocol
    auto oid = r.column_type(0);
    check(oid == 20 || oid == 21 || oid == 23, "column type oid " + std::to_string(oid) +
                                                   ", want an integer type (value '" +
                                                   r[0][0].c_str() + "')");
    check(r[0][0].as<int>() == 2, "value");
  });

  const std::string table_error = make_table(table, env("COMPAT_SQL_CREATE"));
  auto with_table = [&](const std::string& feature, const std::function<void()>& fn) {
    run_on_table(table_error, feature, fn);
  };
  with_table("param_int", [] {
    param("i", 1, 1234567890123LL, [](const pqxx::field& f) {
      check(f.as<long long>() == 1234567890123LL, std::string("got ") + f.c_str());
      check(f.type() == 20, "column type " + std::to_string(f.type()));
    });
  });
  with_table("param_text", [] {
    param("s", 2, std::string("it's ünïcode ✓"), [](const pqxx::field& f) {
      check(f.as<std::string>() == "it's ünïcode ✓", std::string("got ") + f.c_str());
    });
  });
  with_table("param_null", [] {
    param("s", 3, static_cast<const char*>(nullptr),
          [](const pqxx::field& f) { check(f.is_null(), std::string("got ") + f.c_str()); });
  });
  with_table("param_float", [] {
    param("f", 4, 3.25, [](const pqxx::field& f) {
      check(f.as<double>() == 3.25, std::string("got ") + f.c_str());
    });
  });
  with_table("param_bool", [] {
    param("b", 5, true, [](const pqxx::field& f) {
      check(!f.is_null() && f.as<bool>() == true, std::string("got ") + f.c_str());
    });
  });
  with_table("param_bytea", [] {
    const std::string bytes("\x00\x01\xfe\xff", 4);
    param("bin", 6, pqxx::binarystring(bytes), [&](const pqxx::field& f) {
      pqxx::binarystring got(f);
      check(got.str() == bytes, std::string("got ") + f.c_str());
    });
  });
  with_table("param_date", [] {
    param("d", 7, std::string("2024-02-29"), [](const pqxx::field& f) {
      check(f.as<std::string>() == "2024-02-29", std::string("got ") + f.c_str());
      check(f.type() == 1082, "column type " + std::to_string(f.type()));
    });
  });
  with_table("param_timestamp", [] {
    param("ts", 8, std::string("2024-02-29 12:34:56.789"), [](const pqxx::field& f) {
      check(f.as<std::string>() == "2024-02-29 12:34:56.789", std::string("got ") + f.c_str());
      check(f.type() == 1114, "column type " + std::to_string(f.type()));
    });
  });
  run("error_sqlstate", [] {
    bool raised = false;
    try {
      exec("SELECT * FROM compat_no_such_table");
    } catch (const pqxx::sql_error& e) {
      raised = true;
      check(e.sqlstate() == "42P01", "SQLSTATE " + e.sqlstate() + ", want 42P01");
    }
    check(raised, "no error for a missing table");
    check(exec("SELECT 1")[0][0].as<int>() == 1, "SELECT 1 after the error");
  });
  run("multi_statement", [] {
    auto r = exec("SELECT 1; SELECT 2");  // PQexec keeps the last result
    check(r[0][0].as<int>() == 2, std::string("got ") + r[0][0].c_str());
  });
  with_table("transaction", [] {
    {
      pqxx::work tx(c());
      tx.exec(sql("INSERT INTO " + table + " (id, s) VALUES (100, 'rolled back')"));
      tx.abort();
    }
    {
      pqxx::work tx(c());
      tx.exec(sql("INSERT INTO " + table + " (id, s) VALUES (101, 'committed')"));
      tx.commit();
    }
    {
      pqxx::work tx(c());
      try {
        tx.exec(sql("SELECT * FROM compat_no_such_table"));
        throw Check("no error for a missing table");
      } catch (const pqxx::sql_error&) {
      }
    }  // aborted
    check(count_id(100) == 0, "rolled-back row present");
    check(count_id(101) == 1, "committed row missing");
  });
  run("rows_100k", [&] {
    auto r = exec(rows_sql);
    check(static_cast<long>(r.size()) == rows, "got " + std::to_string(r.size()) + " rows");
    check(r[r.size() - 1][0].as<long>() == rows, "last value");
  });
  run("stream_100k", [&] {
    pqxx::work tx(c());
    pqxx::icursorstream cursor(tx, sql(rows_sql), "compat_cursor", 1000);
    long n = 0, last = 0;
    pqxx::result r;
    while (cursor >> r) {
      n += static_cast<long>(r.size());
      if (!r.empty()) last = r[r.size() - 1][0].as<long>();
    }
    tx.commit();
    check(n == rows && last == rows, "got " + std::to_string(n) + " rows, last " + std::to_string(last));
  });
  with_table("prepared", [] {
    c().prepare("compat_prepared", sql("SELECT s FROM " + table + " WHERE id = $1"));
    for (int i = 0; i < 3; ++i) {
      pqxx::nontransaction tx(c());
      auto r = tx.exec_prepared("compat_prepared", 2);
      check(r.size() == 1 && r[0][0].as<std::string>() == "it's ünïcode ✓", "wrong result");
    }
  });

  // A types.json that cannot be read ends the program with an error: its
  // type features then fail with this message.
  std::vector<TypeCase> types;
  try {
    types = load_types(env("COMPAT_TYPES"));
  } catch (const std::exception& e) {
    std::cerr << "libpqxx_compat: reading the type list failed: " << e.what() << std::endl;
    return 3;
  }
  const std::string types_table = env("COMPAT_TYPES_TABLE");
  const std::string types_error = make_table(types_table, env("COMPAT_SQL_CREATE_TYPES"));
  for (size_t i = 0; i < types.size(); ++i)
    run_on_table(types_error, "type_" + types[i].name,
                 [&] { type_round_trip(types_table, types[i], static_cast<int>(i) + 1); }, "t/t");
  run("copy_in", copy_in);
  run("copy_out", copy_out);
  run("cancel", cancel);
  run("notify", notify);
  return 0;
}
