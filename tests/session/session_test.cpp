// Whole sessions against a real pgwire::Server over loopback, scripted byte
// for byte with the codec: every auth method (success and failure), protocol
// 3.0 and 3.2 cancel keys, _pq_ echo, results, errors and transaction status.

#include <map>

#include <pgwire/api/auth.hpp>
#include <pgwire/api/session_commands.hpp>
#include <pgwire/auth/md5.hpp>
#include <pgwire/auth/scram.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

class Echo final : public SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      if (stmt == "begin") {
        out.push_back(Response::begin());
      } else if (stmt == "commit") {
        out.push_back(Response::commit());
      } else if (stmt == "fail") {
        out.push_back(Response::error(ErrorInfo::error("22012", "division by zero").with_hint("h")));
        break;
      } else if (stmt == "throw") {
        throw std::runtime_error("handler blew up");
      } else if (stmt == "notice") {
        session.send_notice(ErrorInfo::notice("careful"));
        out.push_back(Response::command("DO"));
      } else if (stmt == "set") {
        session.set_parameter("application_name", "changed");
        out.push_back(Response::command("SET"));
      } else if (stmt == "bad row") {
        // Throws in the middle of its second row.
        int i = 0;
        out.push_back(Response::rows(make_schema({{"a", 23, 4}, {"b", 23, 4}}),
                                     make_row_source([i](RowWriter& w) mutable {
                                       w.begin_row();
                                       w.add_encoded("1");
                                       if (i++ == 1) throw PgError("22P02", "bad value in row 2");
                                       w.add_encoded("2");
                                       w.end_row();
                                       return true;
                                     })));
      } else if (stmt.starts_with("rows ")) {
        int n = std::stoi(std::string(stmt.substr(5)));
        int i = 0;
        out.push_back(Response::rows(make_schema({{"n", 23, 4}}), make_row_source([i, n](RowWriter& w) mutable {
          if (i >= n) return false;
          w.begin_row();
          w.add_encoded(std::to_string(i));
          w.end_row();
          return ++i < n;
        })));
      } else {
        out.push_back(Response::rows(make_schema({{"echo", 25}}), make_text_rows({{std::string(stmt)}})));
      }
    }
    co_return out;
  }
};

Handlers handlers(std::shared_ptr<StartupHandler> auth) {
  return {std::move(auth), std::make_shared<Echo>()};
}

std::shared_ptr<StaticAuthSource> users(std::string password = "pw") {
  auto s = std::make_shared<StaticAuthSource>();
  s->add("alice", std::move(password));
  return s;
}

void start(Client& c, ProtocolVersion v = protocol_3_0, std::string user = "alice",
           std::vector<StartupParameter> options = {}) {
  StartupMessage m;
  m.version = v;
  m.parameters = {{"user", user}, {"database", "db"}, {"application_name", "tests"}};
  m.protocol_options = std::move(options);
  c.send(m);
}

// After AuthenticationOk: ParameterStatus*, BackendKeyData, ReadyForQuery.
// The ParameterStatus are PostgreSQL 15's set, with the values of
// StartupHandler::server_parameters for the client of start() (alice).
BackendKeyData finish_login(Client& c) {
  BackendKeyData key;
  std::string key_bytes;
  std::map<std::string, std::string> params;
  for (;;) {
    BackendMessage m = c.recv();
    if (auto* ps = std::get_if<ParameterStatus>(&m)) {
      CHECK(params.count(std::string(ps->name)) == 0);  // each once
      params[std::string(ps->name)] = std::string(ps->value);
    }
    if (auto* k = std::get_if<BackendKeyData>(&m)) {
      key_bytes = std::string(k->secret_key);
      key.process_id = k->process_id;
    }
    if (auto* z = std::get_if<ReadyForQuery>(&m)) {
      CHECK(z->status == TransactionStatus::idle);
      break;
    }
  }
  CHECK(params == std::map<std::string, std::string>{{"application_name", "tests"},
                                                     {"client_encoding", "UTF8"},
                                                     {"DateStyle", "ISO, MDY"},
                                                     {"default_transaction_read_only", "off"},
                                                     {"in_hot_standby", "off"},
                                                     {"integer_datetimes", "on"},
                                                     {"IntervalStyle", "postgres"},
                                                     {"is_superuser", "off"},
                                                     {"server_encoding", "UTF8"},
                                                     {"server_version", "15.0"},
                                                     {"session_authorization", "alice"},
                                                     {"standard_conforming_strings", "on"},
                                                     {"TimeZone", "UTC"}});
  static thread_local std::string storage;
  storage = key_bytes;
  key.secret_key = storage;
  return key;
}

std::string error_code(const BackendMessage& m) {
  auto* e = std::get_if<ErrorResponse>(&m);
  REQUIRE(e != nullptr);
  return std::string(e->get(field::sqlstate));
}

}  // namespace

TEST_CASE("trust login, query, Terminate") {
  TestServer server({}, handlers(make_trust_auth()));
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  finish_login(c);
  c.send(Query{"hello; world"});
  CHECK(c.until_ready() == "TDCTDCZ");
  c.send(Terminate{});
  CHECK(c.closed_by_server());
}

TEST_CASE("cleartext password, right and wrong") {
  TestServer server({}, handlers(make_cleartext_auth(users())));
  {
    Client c(server.port());
    start(c);
    REQUIRE(std::holds_alternative<AuthenticationCleartextPassword>(c.recv()));
    c.send(PasswordMessage{"pw"});
    REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
    finish_login(c);
  }
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationCleartextPassword>(c.recv()));
  c.send(PasswordMessage{"nope"});
  BackendMessage m = c.recv();
  CHECK(error_code(m) == "28P01");
  CHECK(std::get<ErrorResponse>(m).get(field::severity) == "FATAL");
  CHECK(std::get<ErrorResponse>(m).get(field::message) ==
        "password authentication failed for user \"alice\"");
  CHECK(c.closed_by_server());
}

TEST_CASE("MD5 with plaintext and with a stored hash") {
  for (std::string stored : {std::string("pw"), auth::md5_password_hash("alice", "pw")}) {
    TestServer server({}, handlers(make_md5_auth(users(stored))));
    Client c(server.port());
    start(c);
    auto req = std::get<AuthenticationMD5Password>(c.recv());
    c.send(PasswordMessage{auth::md5_salted_response(auth::md5_password_hash("alice", "pw"), req.salt)});
    REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
    finish_login(c);

    Client bad(server.port());
    start(bad);
    req = std::get<AuthenticationMD5Password>(bad.recv());
    bad.send(PasswordMessage{auth::md5_salted_response(auth::md5_password_hash("alice", "x"), req.salt)});
    CHECK(error_code(bad.recv()) == "28P01");
    CHECK(bad.closed_by_server());
  }
}

TEST_CASE("SCRAM-SHA-256 with a stored secret, wrong password, unknown user") {
  auto secret = auth::ScramSecret::generate("pw", 4096).to_string();
  TestServer server({}, handlers(make_scram_auth(users(secret))));
  auto exchange = [&](std::string user, std::string password) -> BackendMessage {
    Client c(server.port());
    start(c, protocol_3_0, user);
    auto sasl = std::get<AuthenticationSASL>(c.recv());
    REQUIRE(sasl.mechanisms == std::vector<std::string_view>{"SCRAM-SHA-256"});  // no TLS: no PLUS
    auth::ScramClient client(password);
    std::string first = client.client_first_message();
    c.send(SASLInitialResponse{client.mechanism(), first});
    auto cont = std::get<AuthenticationSASLContinue>(c.recv());
    auto step = client.handle_server_first(cont.data);
    REQUIRE(step);
    c.send(SASLResponse{step.message});
    BackendMessage m = c.recv();
    if (auto* fin = std::get_if<AuthenticationSASLFinal>(&m)) {
      CHECK_FALSE(client.verify_server_final(fin->data));
      CHECK(std::holds_alternative<AuthenticationOk>(c.recv()));
      finish_login(c);
      return AuthenticationOk{};
    }
    CHECK(c.closed_by_server());
    return ErrorResponse{std::get<ErrorResponse>(m)};
  };
  CHECK(std::holds_alternative<AuthenticationOk>(exchange("alice", "pw")));
  // ErrorResponse views die with the client; compare codes inside.
  {
    Client c(server.port());
    start(c, protocol_3_0, "nobody");
    auto sasl = std::get<AuthenticationSASL>(c.recv());
    CHECK(sasl.mechanisms.size() == 1);  // unknown users see the same exchange
  }
}

TEST_CASE("SCRAM failure codes") {
  auto secret = auth::ScramSecret::generate("pw", 4096).to_string();
  TestServer server({}, handlers(make_scram_auth(users(secret))));
  for (std::string user : {"alice", "nobody"}) {
    Client c(server.port());
    start(c, protocol_3_0, user);
    REQUIRE(std::holds_alternative<AuthenticationSASL>(c.recv()));
    auth::ScramClient client("wrong");
    c.send(SASLInitialResponse{client.mechanism(), client.client_first_message()});
    auto cont = std::get<AuthenticationSASLContinue>(c.recv());
    auto step = client.handle_server_first(cont.data);
    REQUIRE(step);
    c.send(SASLResponse{step.message});
    BackendMessage m = c.recv();
    INFO(user);
    CHECK(error_code(m) == "28P01");
    CHECK(std::get<ErrorResponse>(m).get(field::message) ==
          "password authentication failed for user \"" + user + "\"");
    CHECK(c.closed_by_server());
  }
  // Not a 'p' message during authentication.
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationSASL>(c.recv()));
  c.send(Query{"select 1"});
  CHECK(error_code(c.recv()) == "08P01");
  CHECK(c.closed_by_server());
}

TEST_CASE("cancel key is 4 bytes on 3.0 and 32 on 3.2") {
  TestServer server({}, handlers(make_trust_auth()));
  Client c30(server.port());
  start(c30);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c30.recv()));
  CHECK(finish_login(c30).secret_key.size() == 4);
  Client c32(server.port());
  start(c32, protocol_3_2);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c32.recv()));
  CHECK(finish_login(c32).secret_key.size() == 32);
}

TEST_CASE("NegotiateProtocolVersion names 3.2 and every unknown option") {
  TestServer server({}, handlers(make_trust_auth()));
  Client c(server.port());
  start(c, {3, 7}, "alice", {{"_pq_.one", "1"}, {"_pq_.two", "2"}});
  auto npv = std::get<NegotiateProtocolVersion>(c.recv());
  CHECK(npv.newest == protocol_3_2);
  CHECK(npv.unrecognized_options == std::vector<std::string_view>{"_pq_.one", "_pq_.two"});
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  CHECK(finish_login(c).secret_key.size() == 32);
}

TEST_CASE("errors, handler exceptions, notices, transaction status") {
  TestServer server({}, handlers(make_trust_auth()));
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  finish_login(c);
  TransactionStatus st;
  c.send(Query{"begin; a"});
  CHECK(c.until_ready(&st) == "CTDCZ");
  CHECK(st == TransactionStatus::in_transaction);
  c.send(Query{"b; fail; never"});
  CHECK(c.until_ready(&st) == "TDCEZ");
  CHECK(st == TransactionStatus::failed);
  c.send(Query{"commit"});
  CHECK(c.until_ready(&st) == "CZ");
  CHECK(st == TransactionStatus::idle);
  c.send(Query{"throw"});
  BackendMessage e = c.recv();
  CHECK(error_code(e) == "XX000");
  CHECK(std::get<ErrorResponse>(e).get(field::message) == "handler blew up");
  CHECK(c.until_ready() == "Z");
  c.send(Query{"notice"});
  CHECK(c.until_ready() == "NCZ");
  c.send(Query{"set"});
  CHECK(c.until_ready() == "CSZ");  // ParameterStatus before ReadyForQuery, as PostgreSQL
  c.send(Query{" ; -- nothing\n ;"});
  CHECK(c.until_ready() == "IZ");
}

TEST_CASE("a source that throws in the middle of a row: whole rows, then the error") {
  TestServer server({}, handlers(make_trust_auth()));
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  finish_login(c);
  c.send(Query{"bad row"});
  CHECK(std::holds_alternative<RowDescription>(c.recv()));
  BackendMessage row = c.recv();
  REQUIRE(std::holds_alternative<DataRow>(row));
  CHECK(std::get<DataRow>(row).values.size() == 2);
  BackendMessage e = c.recv();
  CHECK(error_code(e) == "22P02");
  CHECK(c.until_ready() == "Z");
  c.send(Query{"still here"});
  CHECK(c.until_ready() == "TDCZ");
}

TEST_CASE("a large result streams and is counted in the tag") {
  ServerOptions o;
  o.flush_threshold = 4096;
  TestServer server(o, handlers(make_trust_auth()));
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  finish_login(c);
  c.send(Query{"rows 100000"});
  std::size_t rows = 0;
  std::vector<std::string> tags;
  for (;;) {
    BackendMessage m = c.recv();
    if (std::holds_alternative<DataRow>(m)) ++rows;
    if (auto* cc = std::get_if<CommandComplete>(&m)) tags.emplace_back(cc->tag);
    if (std::holds_alternative<ReadyForQuery>(m)) break;
  }
  CHECK(rows == 100000);
  CHECK(tags == std::vector<std::string>{"SELECT 100000"});
}

TEST_CASE("unknown message type is FATAL 08P01, other sessions keep working") {
  TestServer server({}, handlers(make_trust_auth()));
  Client good(server.port());
  start(good);
  REQUIRE(std::holds_alternative<AuthenticationOk>(good.recv()));
  finish_login(good);
  Client bad(server.port());
  start(bad);
  REQUIRE(std::holds_alternative<AuthenticationOk>(bad.recv()));
  finish_login(bad);
  bad.send_raw(std::string("Y\0\0\0\4", 5));
  CHECK(error_code(bad.recv()) == "08P01");
  CHECK(bad.closed_by_server());
  good.send(Query{"still here"});
  CHECK(good.until_ready() == "TDCZ");
}

namespace {
class WithCommands final : public SimpleQueryHandler {
 public:
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      auto r = commands.answer(session, stmt);
      out.push_back(r ? std::move(*r) : Response::command("OTHER"));
    }
    co_return out;
  }
  SessionCommands commands{SessionCommands::Options{"PostgreSQL 15.0 (test)", true}};
};
}  // namespace

TEST_CASE("SessionCommands: SET reports ParameterStatus, SHOW/current_setting read it back") {
  TestServer server({}, {make_trust_auth(), std::make_shared<WithCommands>()});
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  finish_login(c);
  c.send(Query{"SET DateStyle TO 'ISO, DMY'; show datestyle; select current_setting('DATESTYLE')"});
  CHECK(std::get<CommandComplete>(c.recv()).tag == "SET");
  REQUIRE(std::holds_alternative<RowDescription>(c.recv()));
  CHECK(*std::get<DataRow>(c.recv()).values.at(0) == "ISO, DMY");
  CHECK(std::get<CommandComplete>(c.recv()).tag == "SHOW");
  REQUIRE(std::holds_alternative<RowDescription>(c.recv()));
  CHECK(*std::get<DataRow>(c.recv()).values.at(0) == "ISO, DMY");
  CHECK(std::get<CommandComplete>(c.recv()).tag == "SELECT 1");
  // The changed setting is reported once the Query is done, as PostgreSQL.
  BackendMessage m = c.recv();
  auto& ps = std::get<ParameterStatus>(m);
  CHECK(ps.name == "DateStyle");
  CHECK(ps.value == "ISO, DMY");
  CHECK(c.until_ready() == "Z");
  TransactionStatus st;
  c.send(Query{"begin; select version(); show nosuch"});
  CHECK(c.until_ready(&st) == "CTDCEZ");
  CHECK(st == TransactionStatus::failed);
  c.send(Query{"rollback; deallocate all; discard all; something else"});
  CHECK(c.until_ready(&st) == "CCCCZ");
  CHECK(st == TransactionStatus::idle);
}

namespace {
// Per statement of a simple query: "tag" or "tag=first value of the first row".
std::vector<std::string> answers(Client& c, std::string_view sql) {
  c.send(Query{sql});
  std::vector<std::string> out;
  std::string value;
  for (;;) {
    BackendMessage m = c.recv();
    if (auto* dr = std::get_if<DataRow>(&m)) {
      if (value.empty()) value = "=" + (dr->values.at(0) ? std::string(*dr->values.at(0)) : std::string("NULL"));
    } else if (auto* cc = std::get_if<CommandComplete>(&m)) {
      out.push_back(std::string(cc->tag) + value);
      value.clear();
    } else if (std::holds_alternative<ErrorResponse>(m)) {
      out.push_back("error");
    } else if (std::holds_alternative<ReadyForQuery>(m)) {
      return out;
    }
  }
}
}  // namespace

TEST_CASE("SessionCommands: statements read through the SQL tokenizer") {
  TestServer server({}, {make_trust_auth(), std::make_shared<WithCommands>()});
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  finish_login(c);
  using V = std::vector<std::string>;
  // Comments anywhere, qualified setting names, a dollar quote holding ';'.
  CHECK(answers(c, "SET /* why */ myapp.flag = on -- trailing\n; SHOW myapp . flag") == V{"SET", "SHOW=on"});
  CHECK(answers(c, "SET myapp.s TO $$x;y$$; SHOW myapp.s") == V{"SET", "SHOW=x;y"});
  CHECK(answers(c, "SET myapp.e = E'it\\'s'; SELECT pg_catalog.current_setting('myapp.e') AS v") ==
        V{"SET", "SELECT 1=it's"});
  CHECK(answers(c, "SET myapp.l = -1e-3, 'b', \"Q\"; SHOW myapp.l") == V{"SET", "SHOW=-1e-3, b, Q"});
  CHECK(answers(c, "SET search_path = pg_catalog.english; SHOW search_path") == V{"SET", "SHOW=pg_catalog.english"});
  // Not session commands: a parameter as value, a quoted keyword, an
  // unclosed quote, a statement with more after it.
  CHECK(answers(c, "SET myapp.p = $1") == V{"OTHER"});
  CHECK(answers(c, "\"set\" myapp.p = 1") == V{"OTHER"});
  CHECK(answers(c, "SET myapp.p = 'open") == V{"OTHER"});
  CHECK(answers(c, "SELECT version() FROM t") == V{"OTHER"});
  CHECK(answers(c, "SELECT pg_catalog.version()") == V{"SELECT 1=PostgreSQL 15.0 (test)"});
}

TEST_CASE("FunctionCall of an unknown OID is 42883 and the session is ready again") {
  TestServer server({}, handlers(make_trust_auth()));
  Client c(server.port());
  start(c);
  REQUIRE(std::holds_alternative<AuthenticationOk>(c.recv()));
  finish_login(c);
  c.send(FunctionCall{764, {}, {}, 0});
  CHECK(error_code(c.recv()) == "42883");
  CHECK(c.until_ready() == "Z");
  c.send(Query{"x"});
  CHECK(c.until_ready() == "TDCZ");
}
