// The whole session driven by bytes alone: protocol::SessionMachine with the
// synchronous fake driver of tests/support/fake_driver.hpp. One section per
// rule the machine owns, and the regression tests of the two hangs that the
// old split between engine and driver had.

#include <fmt/format.h>

#include "support/codec_util.hpp"
#include "support/fake_driver.hpp"

using namespace pgwire;
using test::FakeAuth;
using test::FakeDriver;
using test::FakeProductOptions;
using test::startup_bytes;

namespace {

template <class M>
std::string msg(const M& m) {
  return test::encoded(m);
}

std::string q(std::string_view sql) { return msg(Query{sql}); }

std::string parse(std::string_view sql, std::string_view name = "", std::vector<Oid> types = {}) {
  return msg(Parse{name, sql, std::move(types)});
}

std::string bind(std::vector<Value> params = {}, std::string_view portal = "", std::string_view stmt = "") {
  Bind b;
  b.portal = portal;
  b.statement = stmt;
  b.parameters = std::move(params);
  return msg(b);
}

std::string execute(std::int32_t max_rows = 0, std::string_view portal = "") {
  return msg(Execute{portal, max_rows});
}

std::string sync_msg() { return msg(Sync{}); }

// The backend stream in short form: "Z I" ReadyForQuery, "C SELECT 3",
// "E ERROR 42601", "T n,t", "D 0|row 0", "1" ParseComplete, "2"
// BindComplete, "3" CloseComplete, "s" PortalSuspended, "n" NoData, "t"
// ParameterDescription, "I" EmptyQueryResponse, "S name=value", "K", "R ok"...
std::vector<std::string> summary(std::string_view wire) {
  std::vector<std::string> out;
  while (!wire.empty()) {
    FrameResult r = parse_backend_frame(wire);
    REQUIRE(r.complete());
    BackendMessage m;
    REQUIRE_FALSE(decode_backend(r.frame, m));
    wire.remove_prefix(r.size);
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, ReadyForQuery>) {
            out.push_back(std::string("Z ") + static_cast<char>(v.status));
          } else if constexpr (std::is_same_v<T, CommandComplete>) {
            out.push_back("C " + std::string(v.tag));
          } else if constexpr (std::is_same_v<T, ErrorResponse>) {
            out.push_back("E " + std::string(v.get(field::severity)) + " " + std::string(v.get(field::sqlstate)));
          } else if constexpr (std::is_same_v<T, NoticeResponse>) {
            out.push_back("N " + std::string(v.get(field::sqlstate)));
          } else if constexpr (std::is_same_v<T, RowDescription>) {
            std::string s = "T ";
            for (const auto& f : v.fields) s += std::string(f.name) + (&f == &v.fields.back() ? "" : ",");
            out.push_back(s);
          } else if constexpr (std::is_same_v<T, DataRow>) {
            std::string s = "D ";
            for (std::size_t i = 0; i < v.values.size(); ++i) {
              if (i) s += "|";
              s += v.values[i] ? std::string(*v.values[i]) : "NULL";
            }
            out.push_back(s);
          } else if constexpr (std::is_same_v<T, ParseComplete>) {
            out.push_back("1");
          } else if constexpr (std::is_same_v<T, BindComplete>) {
            out.push_back("2");
          } else if constexpr (std::is_same_v<T, CloseComplete>) {
            out.push_back("3");
          } else if constexpr (std::is_same_v<T, PortalSuspended>) {
            out.push_back("s");
          } else if constexpr (std::is_same_v<T, NoData>) {
            out.push_back("n");
          } else if constexpr (std::is_same_v<T, ParameterDescription>) {
            out.push_back("t");
          } else if constexpr (std::is_same_v<T, EmptyQueryResponse>) {
            out.push_back("I");
          } else if constexpr (std::is_same_v<T, ParameterStatus>) {
            out.push_back("S " + std::string(v.name) + "=" + std::string(v.value));
          } else if constexpr (std::is_same_v<T, BackendKeyData>) {
            out.push_back("K");
          } else if constexpr (std::is_same_v<T, AuthenticationOk>) {
            out.push_back("R ok");
          } else if constexpr (std::is_same_v<T, AuthenticationCleartextPassword>) {
            out.push_back("R cleartext");
          } else if constexpr (std::is_same_v<T, AuthenticationMD5Password>) {
            out.push_back("R md5");
          } else if constexpr (std::is_same_v<T, CopyInResponse> || std::is_same_v<T, CopyOutResponse> ||
                               std::is_same_v<T, CopyBothResponse>) {
            std::string s = std::is_same_v<T, CopyInResponse>    ? "G "
                            : std::is_same_v<T, CopyOutResponse> ? "H "
                                                                 : "W ";
            s += std::to_string(v.format) + ":";
            for (auto f : v.column_formats) s += std::to_string(f);
            out.push_back(s);
          } else if constexpr (std::is_same_v<T, CopyData>) {
            out.push_back("d " + std::string(v.data));
          } else if constexpr (std::is_same_v<T, CopyDone>) {
            out.push_back("c");
          } else if constexpr (std::is_same_v<T, NotificationResponse>) {
            out.push_back("A " + std::string(v.channel) + " " + std::string(v.payload));
          } else {
            out.push_back("?");
          }
        },
        m);
  }
  return out;
}

// A session logged in with trust; returns the driver with its login output
// dropped, so each section sees only what its own messages produced.
struct LoggedIn {
  FakeDriver d;
  explicit LoggedIn(FakeProductOptions product = {}, protocol::SessionOptions options = {})
      : d(std::move(options), std::move(product)) {
    d.send(startup_bytes());
    d.run(false);
    auto s = summary(d.output);
    REQUIRE(!s.empty());
    REQUIRE(s.front() == "R ok");
    REQUIRE(s.back() == "Z I");
    d.output.clear();
  }
  // Sends bytes and returns what the session answered to them.
  std::vector<std::string> exchange(std::string_view bytes) {
    d.send(bytes);
    d.run(false);
    auto s = summary(d.output);
    d.output.clear();
    return s;
  }
};

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("session: startup with trust, a query, Terminate", "[session]") {
  FakeDriver d;
  d.send(startup_bytes() + q("select 2") + msg(Terminate{}));
  d.run();
  auto s = summary(d.output);
  REQUIRE(s.size() > 4);
  CHECK(s.front() == "R ok");
  CHECK(std::find(s.begin(), s.end(), "S server_version=15.0") != s.end());
  CHECK(std::find(s.begin(), s.end(), "K") != s.end());
  V tail(s.end() - 6, s.end());
  CHECK(tail == V{"Z I", "T n,t", "D 0|row 0", "D 1|row 1", "C SELECT 2", "Z I"});
  CHECK(d.finished);
  CHECK(d.machine.client().user == "alice");
  CHECK(d.machine.client().database == "db");
  CHECK(d.machine.process_id() == 4242);
}

TEST_CASE("session: cleartext and md5 authentication", "[session]") {
  for (FakeAuth method : {FakeAuth::cleartext, FakeAuth::md5}) {
    bool md5 = method == FakeAuth::md5;
    FakeProductOptions product;
    product.auth = method;
    SECTION(md5 ? "md5 right password" : "cleartext right password") {
      FakeDriver d({}, product);
      std::string answer = md5 ? auth::md5_salted_response(auth::md5_password_hash("alice", "secret"),
                                                           {'s', 'a', 'l', 't'})
                               : std::string("secret");
      d.send(startup_bytes() + msg(PasswordMessage{answer}) + q("select 1"));
      d.run();
      auto s = summary(d.output);
      CHECK(s.front() == (md5 ? "R md5" : "R cleartext"));
      CHECK(s.at(1) == "R ok");
      CHECK(s.back() == "Z I");
      CHECK(std::find(s.begin(), s.end(), "C SELECT 1") != s.end());
    }
    SECTION(md5 ? "md5 wrong password" : "cleartext wrong password") {
      FakeDriver d({}, product);
      d.send(startup_bytes() + msg(PasswordMessage{md5 ? "md5000" : "wrong"}) + q("select 1"));
      d.run();
      CHECK(summary(d.output) == V{md5 ? "R md5" : "R cleartext", "E FATAL 28P01"});
      CHECK(d.finished);
    }
  }
  SECTION("a message other than a password during authentication is FATAL 08P01") {
    FakeProductOptions product;
    product.auth = FakeAuth::cleartext;
    FakeDriver d({}, product);
    d.send(startup_bytes() + q("select 1"));
    d.run();
    CHECK(summary(d.output) == V{"R cleartext", "E FATAL 08P01"});
    CHECK(d.finished);
  }
  SECTION("the client leaving during authentication ends the session quietly") {
    FakeProductOptions product;
    product.auth = FakeAuth::cleartext;
    FakeDriver d({}, product);
    d.send(startup_bytes());
    d.run();
    CHECK(summary(d.output) == V{"R cleartext"});
    CHECK(d.finished);
  }
}

TEST_CASE("session: simple query loop", "[session]") {
  LoggedIn s;
  SECTION("empty query") {
    CHECK(s.exchange(q(" ; -- nothing\n")) == V{"I", "Z I"});
  }
  SECTION("several statements, each with its tag") {
    CHECK(s.exchange(q("select 1; begin; commit")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "C BEGIN", "C COMMIT", "Z I"});
  }
  SECTION("an error stops the rest of the string") {
    CHECK(s.exchange(q("select 1; fail 42P01; select 2")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "E ERROR 42P01", "Z I"});
  }
  SECTION("a throwing handler is XX000 and the session goes on") {
    CHECK(s.exchange(q("throw")) == V{"E ERROR XX000", "Z I"});
    CHECK(s.exchange(q("pgthrow 42501")) == V{"E ERROR 42501", "Z I"});
    CHECK(s.exchange(q("select 0")) == V{"T n,t", "C SELECT 0", "Z I"});
  }
  SECTION("a source failing mid-result keeps the rows sent before it") {
    CHECK(s.exchange(q("rowsthrow 2; select 1")) == V{"T n,t", "D 0|row 0", "D 1|row 1", "E ERROR 22012", "Z I"});
    CHECK(s.exchange(q("rowsbug 1")) == V{"T n,t", "D 0|row 0", "E ERROR XX000", "Z I"});
  }
}

TEST_CASE("session: transaction status and ParameterStatus", "[session]") {
  LoggedIn s;
  CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
  CHECK(s.exchange(q("fail 22012")) == V{"E ERROR 22012", "Z E"});
  CHECK(s.exchange(q("rollback")) == V{"C ROLLBACK", "Z I"});
  // Reported settings send ParameterStatus, just before ReadyForQuery as
  // PostgreSQL 14+, and only when the value changed; others never do.
  CHECK(s.exchange(q("set application_name psql")) == V{"C SET", "S application_name=psql", "Z I"});
  CHECK(s.exchange(q("set application_name psql")) == V{"C SET", "Z I"});
  CHECK(s.exchange(q("set application_name a; set application_name psql")) == V{"C SET", "C SET", "Z I"});
  CHECK(s.exchange(q("set work_mem 64MB")) == V{"C SET", "Z I"});
  CHECK(s.exchange(q("set application_name psql")) == V{"C SET", "Z I"});
  CHECK(s.exchange(q("set application_name a; set application_name b")) ==
        V{"C SET", "C SET", "S application_name=b", "Z I"});
  CHECK(s.exchange(q("set application_name x; set application_name b")) == V{"C SET", "C SET", "Z I"});
  CHECK(s.exchange(parse("set timezone utc") + bind() + execute() + msg(Flush{})) == V{"1", "2", "C SET"});
  CHECK(s.exchange(sync_msg()) == V{"S TimeZone=utc", "Z I"});
  CHECK(s.d.machine.parameter("work_mem") == "64mb");
}

TEST_CASE("session: client_min_messages decides which notices go out, by bytes", "[session]") {
  LoggedIn s;
  CHECK(s.exchange(q("notice NOTICE")) == V{"N 01000", "C OK", "Z I"});
  CHECK(s.exchange(q("notice LOG")) == V{"C OK", "Z I"});  // (LOG ranks below NOTICE for the client)
  s.exchange(q("set client_min_messages warning"));
  CHECK(s.exchange(q("notice NOTICE")) == V{"C OK", "Z I"});
  CHECK(s.exchange(q("notice WARNING")) == V{"N 01000", "C OK", "Z I"});
  CHECK(s.exchange(q("notice INFO")) == V{"N 01000", "C OK", "Z I"});  // (INFO always)
  s.exchange(q("set client_min_messages error"));
  CHECK(s.exchange(q("notice WARNING")) == V{"C OK", "Z I"});
  s.exchange(q("set client_min_messages debug1"));
  CHECK(s.exchange(q("notice LOG")) == V{"N 01000", "C OK", "Z I"});
}

TEST_CASE("session: a startup TimeZone is canonical, or FATAL 22023, by bytes", "[session]") {
  auto login = [](std::string_view zone) {
    StartupMessage m;
    m.parameters = {{"user", "alice"}, {"database", "db"}, {"TimeZone", zone}};
    FakeDriver d;
    d.send(test::encoded(m));
    d.run(false);
    return std::pair{summary(d.output), d.machine.parameter("TimeZone")};
  };
  auto [known, setting] = login("europe/berlin");
  CHECK(std::find(known.begin(), known.end(), "S TimeZone=Europe/Berlin") != known.end());
  CHECK(setting == "Europe/Berlin");
  CHECK(known.back() == "Z I");
  auto [unknown, ignored] = login("Nowhere/Bogus");
  CHECK(unknown == V{"R ok", "E FATAL 22023"});
}

TEST_CASE("session: settings follow the transaction", "[session]") {
  LoggedIn s;
  // The login had no application_name: its value is the built-in "".
  SECTION("ROLLBACK undoes a SET of its block, and reports the old value") {
    CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
    CHECK(s.exchange(q("set application_name a")) == V{"C SET", "S application_name=a", "Z T"});
    CHECK(s.exchange(q("rollback")) == V{"C ROLLBACK", "S application_name=", "Z I"});
    CHECK(s.d.machine.parameter("application_name") == std::nullopt);
  }
  SECTION("COMMIT keeps it") {
    CHECK(s.exchange(q("begin; set application_name a")) == V{"C BEGIN", "C SET", "S application_name=a", "Z T"});
    CHECK(s.exchange(q("commit")) == V{"C COMMIT", "Z I"});
    CHECK(s.d.machine.parameter("application_name") == "a");
  }
  SECTION("an error in a block undoes it at once") {
    CHECK(s.exchange(q("begin; set application_name a")) == V{"C BEGIN", "C SET", "S application_name=a", "Z T"});
    CHECK(s.exchange(q("fail 22012")) == V{"E ERROR 22012", "S application_name=", "Z E"});
    CHECK(s.exchange(q("rollback")) == V{"C ROLLBACK", "Z I"});
    CHECK(s.d.machine.parameter("application_name") == std::nullopt);
  }
  SECTION("an error ends the implicit transaction of a Query") {
    CHECK(s.exchange(q("set application_name a; fail 22012")) == V{"C SET", "E ERROR 22012", "Z I"});
    CHECK(s.d.machine.parameter("application_name") == std::nullopt);
    CHECK(s.exchange(q("set application_name a; begin; rollback")) == V{"C SET", "C BEGIN", "C ROLLBACK", "Z I"});
    CHECK(s.d.machine.parameter("application_name") == std::nullopt);
  }
  SECTION("an error ends the implicit transaction of an extended batch") {
    auto bytes = parse("set application_name a") + bind() + execute() + parse("badparse") + bind() + execute() +
                 sync_msg();
    CHECK(s.exchange(bytes) == V{"1", "2", "C SET", "E ERROR 42601", "Z I"});
    CHECK(s.d.machine.parameter("application_name") == std::nullopt);
    bytes = parse("set application_name a") + bind() + execute() + sync_msg();
    CHECK(s.exchange(bytes) == V{"1", "2", "C SET", "S application_name=a", "Z I"});
    CHECK(s.d.machine.parameter("application_name") == "a");
  }
  SECTION("an error while Sync runs undoes the batch") {
    FakeProductOptions product;
    product.sync_throws = true;
    LoggedIn t(product);
    auto bytes = parse("set application_name a") + bind() + execute() + sync_msg();
    CHECK(t.exchange(bytes) == V{"1", "2", "C SET", "E ERROR XX000", "Z I"});
    CHECK(t.d.machine.parameter("application_name") == std::nullopt);
  }
}

// Sessions that log in alike share their settings' storage (an idle session
// then holds no copy: src/protocol/shared_parameters.hpp); each one's
// changes stay its own.
TEST_CASE("session: sessions that logged in alike change their settings apart", "[session]") {
  LoggedIn a, b, c;
  REQUIRE(&a.d.machine.settings().values() == &b.d.machine.settings().values());
  CHECK(a.exchange(q("set application_name a; set work_mem 64MB")) == V{"C SET", "C SET", "S application_name=a", "Z I"});
  CHECK(a.d.machine.parameter("application_name") == "a");
  CHECK(b.d.machine.parameter("application_name") == std::nullopt);
  CHECK(b.d.machine.parameter("work_mem") == std::nullopt);
  // The other session still reports its own change, once.
  CHECK(b.exchange(q("set application_name a")) == V{"C SET", "S application_name=a", "Z I"});
  CHECK(c.exchange(q("begin; set timezone utc; rollback")) == V{"C BEGIN", "C SET", "C ROLLBACK", "Z I"});
  CHECK(c.d.machine.parameter("TimeZone") == b.d.machine.parameter("TimeZone"));
  CHECK(a.exchange(q("reset all")) == V{"C RESET", "S application_name=", "Z I"});
  CHECK(a.d.machine.parameter("work_mem") == std::nullopt);
  CHECK(b.d.machine.parameter("application_name") == "a");
  CHECK(c.d.machine.parameter("application_name") == std::nullopt);
}

TEST_CASE("session: SET LOCAL, RESET and the session defaults", "[session]") {
  // The session defaults: the startup parameters over the -c / -- switches
  // of `options` (escaped space, '-' in a name read as '_'), over the
  // product's server parameters (none here).
  StartupMessage m;
  m.version = protocol_3_0;
  m.parameters = {{"user", "alice"},
                  {"options", R"(-c DateStyle=German --search-path=a\ b -B 64 -capplication_name=opts)"},
                  {"application_name", "app"}};
  FakeDriver d;
  d.send(msg(m));
  d.run(false);
  auto login = summary(d.output);
  d.output.clear();
  CHECK(std::find(login.begin(), login.end(), "S application_name=app") != login.end());
  CHECK(std::find(login.begin(), login.end(), "S DateStyle=German") != login.end());
  CHECK(d.machine.parameter("search_path") == "a b");
  CHECK(d.machine.settings().session_default("DateStyle") == "German");
  auto exchange = [&](std::string_view bytes) {
    d.send(bytes);
    d.run(false);
    auto s = summary(d.output);
    d.output.clear();
    return s;
  };
  // SET LOCAL: until the end of the transaction, explicit or implicit.
  CHECK(exchange(q("setlocal datestyle sql")) == V{"C SET", "Z I"});
  CHECK(d.machine.parameter("DateStyle") == "German");
  CHECK(exchange(q("begin; setlocal datestyle sql")) == V{"C BEGIN", "C SET", "S DateStyle=sql", "Z T"});
  CHECK(exchange(q("commit")) == V{"C COMMIT", "S DateStyle=German", "Z I"});
  // RESET: back to the session default, reported only if it differs from
  // what the client last saw.
  CHECK(exchange(q("set datestyle iso; reset datestyle")) == V{"C SET", "C RESET", "Z I"});
  CHECK(exchange(q("set datestyle iso")) == V{"C SET", "S DateStyle=iso", "Z I"});
  CHECK(exchange(q("set application_name x")) == V{"C SET", "S application_name=x", "Z I"});
  CHECK(exchange(q("set work_mem 1mb")) == V{"C SET", "Z I"});
  CHECK(exchange(q("reset all")) == V{"C RESET", "S application_name=app", "S DateStyle=German", "Z I"});
  CHECK(d.machine.parameter("work_mem") == std::nullopt);
  CHECK(d.machine.parameter("search_path") == "a b");
  CHECK(d.machine.parameter("server_version") == "15.0");  // RESET ALL leaves it alone
}

TEST_CASE("session: extended query", "[session]") {
  LoggedIn s;
  SECTION("pipelined batches, each answered") {
    auto one = parse("select 2") + bind() + execute() + sync_msg();
    CHECK(s.exchange(one + one) == V{"1", "2", "D 0|row 0", "D 1|row 1", "C SELECT 2", "Z I",
                                     "1", "2", "D 0|row 0", "D 1|row 1", "C SELECT 2", "Z I"});
  }
  SECTION("Describe of a statement and of a portal") {
    auto bytes = parse("select 1", "s1") + msg(Describe{TargetKind::statement, "s1"}) +
                 parse("begin", "s2") + msg(Describe{TargetKind::statement, "s2"}) + bind({}, "p", "s1") +
                 msg(Describe{TargetKind::portal, "p"}) + sync_msg();
    CHECK(s.exchange(bytes) == V{"1", "t", "T n,t", "1", "t", "n", "2", "T n,t", "Z I"});
  }
  SECTION("an error skips to Sync; the next batch and a Query run") {
    auto bytes = parse("badparse") + bind() + execute() + sync_msg() + q("select 1");
    CHECK(s.exchange(bytes) == V{"E ERROR 42601", "Z I", "T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("a failed Bind leaves no portal") {
    auto bytes = parse("select 1", "s", {oid::text}) + bind({"bad"}, "p", "s") + sync_msg() + execute(0, "p") + sync_msg();
    CHECK(s.exchange(bytes) == V{"1", "E ERROR 22P02", "Z I", "E ERROR 34000", "Z I"});
  }
  SECTION("a row limit suspends the portal; Execute resumes it") {
    auto bytes = parse("select 5") + bind() + execute(2) + execute(2) + execute(2) + sync_msg();
    CHECK(s.exchange(bytes) == V{"1", "2", "D 0|row 0", "D 1|row 1", "s", "D 2|row 2", "D 3|row 3", "s",
                                 "D 4|row 4", "C SELECT 1", "Z I"});
  }
  SECTION("Sync drops the unnamed portal; Close tells the product") {
    auto bytes = parse("select 1", "s") + bind({}, "", "s") + sync_msg() + execute() + sync_msg() +
                 msg(Close{TargetKind::statement, "s"}) + sync_msg();
    CHECK(s.exchange(bytes) == V{"1", "2", "Z I", "E ERROR 34000", "Z I", "3", "Z I"});
    CHECK(s.d.closed_objects == V{"portal ", "statement s"});
  }
  SECTION("an Execute knows whether its batch's Sync already follows it; Sync whether the batch failed") {
    auto run = parse("batchstate") + bind() + execute();
    CHECK(s.exchange(run + bind() + execute() + sync_msg()) == V{"1", "2", "C MORE", "2", "C LAST", "Z I"});
    CHECK(s.exchange(run + msg(Flush{})) == V{"1", "2", "C MORE"});  // (no Sync sent yet)
    CHECK(s.exchange(sync_msg()) == V{"Z I"});
    CHECK(s.exchange(parse("fail 22012") + bind() + execute() + sync_msg()) == V{"1", "2", "E ERROR 22012", "Z I"});
    CHECK(s.exchange(q("select 1; fail 22012")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "E ERROR 22012", "Z I"});
    CHECK(s.d.syncs_failed == std::vector<bool>{false, false, true});
  }
  SECTION("a missing statement is 26000") {
    CHECK(s.exchange(msg(Describe{TargetKind::statement, "nope"}) + sync_msg()) == V{"E ERROR 26000", "Z I"});
  }
  SECTION("an error in a transaction block fails it until ROLLBACK") {
    auto bytes = q("begin") + parse("fail 22012") + bind() + execute() + sync_msg() + q("rollback");
    CHECK(s.exchange(bytes) == V{"C BEGIN", "Z T", "1", "2", "E ERROR 22012", "Z E", "C ROLLBACK", "Z I"});
  }
  SECTION("in a failed block only statements that end it run: 25P02 for the rest (no rows: the product is not asked)") {
    CHECK(s.exchange(q("begin") + q("fail 22012")) == V{"C BEGIN", "Z T", "E ERROR 22012", "Z E"});
    CHECK(s.exchange(q("select 1")) == V{"E ERROR 25P02", "Z E"});
    CHECK(s.exchange(q("select 1; rollback")) == V{"E ERROR 25P02", "Z E"});
    CHECK(s.exchange(q(";")) == V{"I", "Z E"});
    CHECK(s.exchange(parse("select 1") + bind() + execute() + sync_msg()) == V{"E ERROR 25P02", "Z E"});
    CHECK(s.exchange(parse("rollback") + bind() + execute() + sync_msg()) == V{"1", "2", "C ROLLBACK", "Z I"});
    CHECK(s.exchange(q("begin") + q("fail 22012") + q("commit")) ==
          V{"C BEGIN", "Z T", "E ERROR 22012", "Z E", "C ROLLBACK", "Z I"});  // PostgreSQL's tag
  }
  SECTION("ROLLBACK TO a savepoint keeps the block, and a failed one works again") {
    CHECK(s.exchange(q("begin") + q("rollback to s")) == V{"C BEGIN", "Z T", "C ROLLBACK", "Z T"});
    CHECK(s.exchange(q("fail 22012") + q("select 1")) == V{"E ERROR 22012", "Z E", "E ERROR 25P02", "Z E"});
    CHECK(s.exchange(q("rollback to s") + q("select 1")) ==
          V{"C ROLLBACK", "Z T", "T n,t", "D 0|row 0", "C SELECT 1", "Z T"});
    CHECK(s.exchange(q("rollback")) == V{"C ROLLBACK", "Z I"});
  }
}

TEST_CASE("session: the two hangs of the old driver", "[session][regression]") {
  SECTION("a Sync with trailing bytes gets ERROR 08P01 and then ReadyForQuery") {
    LoggedIn s;
    std::string bad_sync("S\0\0\0\x05x", 6);
    CHECK(s.exchange(bad_sync) == V{"E ERROR 08P01", "Z I"});
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("an error while Sync is handled never starts a skip: the next Query runs") {
    FakeProductOptions product;
    product.sync_throws = true;
    LoggedIn s(product);
    CHECK(s.exchange(parse("select 1") + bind() + execute() + sync_msg()) ==
          V{"1", "2", "D 0|row 0", "C SELECT 1", "E ERROR XX000", "Z I"});
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
}

TEST_CASE("session: SQL cursors", "[session]") {
  LoggedIn s;
  CHECK(s.exchange(q("begin; declare c cursor for select 5")) == V{"C BEGIN", "C DECLARE CURSOR", "Z T"});
  CHECK(s.exchange(q("fetch 2 from c")) == V{"T n,t", "D 0|row 0", "D 1|row 1", "C FETCH 2", "Z T"});
  CHECK(s.exchange(q("move 1 in c; fetch all from c")) == V{"C MOVE 1", "T n,t", "D 3|row 3", "D 4|row 4", "C FETCH 2", "Z T"});
  // A cursor is a portal too.
  CHECK(s.exchange(q("declare d cursor for select 3")) == V{"C DECLARE CURSOR", "Z T"});
  CHECK(s.exchange(execute(2, "d") + sync_msg()) == V{"D 0|row 0", "D 1|row 1", "s", "Z T"});
  // The end of the transaction closes cursors without HOLD.
  CHECK(s.exchange(q("commit")) == V{"C COMMIT", "Z I"});
  CHECK(s.exchange(q("fetch 1 from c")) == V{"E ERROR 34000", "Z I"});
  CHECK(s.exchange(q("declare h cursor for select 1")) == V{"E ERROR 25P01", "Z I"});
  CHECK(s.exchange(q("declare h cursor with hold for select 2; fetch backward 1 from h")) ==
        V{"C DECLARE CURSOR", "E ERROR 55000", "Z I"});
}

TEST_CASE("session: FATAL and ERROR", "[session]") {
  LoggedIn s;
  SECTION("FunctionCall is an ERROR followed by ReadyForQuery: no function has that OID") {
    FunctionCall call;
    call.function = 999999;
    CHECK(s.exchange(msg(call)) == V{"E ERROR 42883", "Z I"});
    CHECK(s.exchange(q("begin") + q("fail 22012") + msg(call) + q("rollback")) ==
          V{"C BEGIN", "Z T", "E ERROR 22012", "Z E", "E ERROR 25P02", "Z E", "C ROLLBACK", "Z I"});
  }
  SECTION("an unknown message type is FATAL and closes") {
    CHECK(s.exchange(std::string("\x01\0\0\0\x04", 5)) == V{"E FATAL 08P01"});
    CHECK(s.d.finished);
  }
  SECTION("a password message after login is FATAL") {
    CHECK(s.exchange(msg(PasswordMessage{"x"})) == V{"E FATAL 08P01"});
    CHECK(s.d.finished);
  }
  SECTION("Terminate closes without a reply") {
    CHECK(s.exchange(msg(Terminate{}) + q("select 1")).empty());
    CHECK(s.d.finished);
  }
}

TEST_CASE("session: rows stream in batches (backpressure)", "[session]") {
  protocol::SessionOptions options;
  options.engine.flush_threshold = 4096;
  LoggedIn s({}, options);
  s.d.writes.clear();
  auto out = s.exchange(q("select 20000"));
  REQUIRE(out.size() == 20000 + 3);
  CHECK(out.at(20001) == "C SELECT 20000");
  // Each write is one batch: the threshold plus at most one row over it.
  CHECK(s.d.writes.size() > 50);
  for (std::size_t w : s.d.writes) CHECK(w <= 4096 + 64);
}

TEST_CASE("session: handlers missing give 0A000", "[session]") {
  protocol::SessionOptions options;
  options.simple_query = false;
  options.extended_query = false;
  LoggedIn s({}, options);
  CHECK(s.exchange(q("select 1")) == V{"E ERROR 0A000", "Z I"});
  CHECK(s.exchange(parse("select 1") + sync_msg()) == V{"E ERROR 0A000", "Z I"});
}

TEST_CASE("session: the machine refuses a nested request out of turn", "[session]") {
  LoggedIn s;
  Response r = Response::command("OK");
  CHECK_THROWS_AS(s.d.machine.begin_response(r), std::logic_error);
  CHECK_THROWS_AS(s.d.machine.begin_auth_round(AuthenticationOk{}), std::logic_error);
}

TEST_CASE("session: statement and portal store rules, by bytes", "[session]") {
  LoggedIn s;
  SECTION("a duplicate named statement is 42P05, a duplicate named portal 42P03") {
    CHECK(s.exchange(parse("select 1", "s") + parse("select 2", "s") + sync_msg()) == V{"1", "E ERROR 42P05", "Z I"});
    CHECK(s.exchange(bind({}, "p", "s") + bind({}, "p", "s") + sync_msg()) == V{"2", "E ERROR 42P03", "Z I"});
  }
  SECTION("a parameter-format count that matches neither 0, 1 nor the parameters is 08P01") {
    Bind b;
    b.statement = "s";
    b.parameter_formats = {format_text, format_text};
    b.parameters = {Value("x"), Value("y"), Value("z")};
    CHECK(s.exchange(parse("select 1", "s", {oid::text, oid::text, oid::text}) + msg(b) + sync_msg()) ==
          V{"1", "E ERROR 08P01", "Z I"});
  }
  SECTION("DEALLOCATE drops the statement but leaves its portals") {
    CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
    CHECK(s.exchange(parse("select 2", "s") + bind({}, "p", "s") + sync_msg()) == V{"1", "2", "Z T"});
    CHECK(s.exchange(q("deallocate s")) == V{"C DEALLOCATE", "Z T"});
    CHECK(s.exchange(execute(0, "p") + sync_msg()) == V{"D 0|row 0", "D 1|row 1", "C SELECT 2", "Z T"});
    CHECK(s.exchange(bind({}, "p2", "s") + sync_msg()) == V{"E ERROR 26000", "Z E"});
    CHECK(s.exchange(q("rollback")) == V{"C ROLLBACK", "Z I"});
    CHECK(s.exchange(q("deallocate s")) == V{"E ERROR 26000", "Z I"});
  }
  SECTION("a named portal lasts until the end of its transaction, as in PostgreSQL") {
    // Outside a block the implicit transaction ends at Sync, and the portal with it.
    CHECK(s.exchange(parse("select 2", "s") + bind({}, "p", "s") + sync_msg()) == V{"1", "2", "Z I"});
    CHECK(s.exchange(execute(0, "p") + sync_msg()) == V{"E ERROR 34000", "Z I"});
    // In a block it survives Sync, and goes at COMMIT.
    CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
    CHECK(s.exchange(bind({}, "p", "s") + execute(1, "p") + sync_msg()) == V{"2", "D 0|row 0", "s", "Z T"});
    CHECK(s.exchange(execute(1, "p") + sync_msg()) == V{"D 1|row 1", "C SELECT 1", "Z T"});
    CHECK(s.exchange(q("commit")) == V{"C COMMIT", "Z I"});
    CHECK(s.exchange(execute(0, "p") + sync_msg()) == V{"E ERROR 34000", "Z I"});
    // An error aborts the block and releases its portals at once.
    CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
    CHECK(s.exchange(bind({}, "p", "s") + sync_msg()) == V{"2", "Z T"});
    CHECK(s.exchange(parse("badparse") + sync_msg()) == V{"E ERROR 42601", "Z E"});
    CHECK(s.exchange(q("rollback")) == V{"C ROLLBACK", "Z I"});
    CHECK(s.exchange(execute(0, "p") + sync_msg()) == V{"E ERROR 34000", "Z I"});
  }
  SECTION("a failed Parse still drops the previous unnamed statement") {
    CHECK(s.exchange(parse("select 1") + sync_msg()) == V{"1", "Z I"});
    CHECK(s.exchange(parse("badparse") + sync_msg()) == V{"E ERROR 42601", "Z I"});
    CHECK(s.exchange(bind() + sync_msg()) == V{"E ERROR 26000", "Z I"});
  }
  SECTION("a simple Query drops the unnamed statement; named ones stay") {
    CHECK(s.exchange(parse("select 1") + parse("select 1", "named") + sync_msg()) == V{"1", "1", "Z I"});
    CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
    CHECK(s.exchange(bind() + sync_msg()) == V{"E ERROR 26000", "Z E"});
    CHECK(s.exchange(q("rollback") + bind({}, "", "named") + execute() + sync_msg()) ==
          V{"C ROLLBACK", "Z I", "2", "D 0|row 0", "C SELECT 1", "Z I"});
  }
}

TEST_CASE("session: with sql_cursors off, cursor commands reach the product", "[session]") {
  protocol::SessionOptions options;
  options.sql_cursors = false;
  LoggedIn s({}, options);
  // The fake product answers anything it does not know with "OK".
  CHECK(s.exchange(q("declare c cursor for select 5")) == V{"C OK", "Z I"});
  CHECK(s.exchange(parse("fetch 1 from c") + bind() + execute() + sync_msg()) == V{"1", "2", "C OK", "Z I"});
}

TEST_CASE("session: cancellation is 57014 and does not leak into the next statement", "[session]") {
  protocol::SessionOptions options;
  options.engine.flush_threshold = 1024;
  LoggedIn s({}, options);
  SECTION("a handler failing after a cancel") {
    CHECK(s.exchange(q("cancelme")) == V{"E ERROR 57014", "Z I"});
    CHECK(s.d.cancel_hooks == 1);  // the product's on_cancel hook ran once
    s.d.machine.on_cancel([] { FAIL("a hook set outside a statement must not survive it"); });
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
    s.d.machine.request_cancel();  // idle: ignored, so no hook either
    CHECK_FALSE(s.d.machine.take_cancel_hook());
    CHECK(s.exchange(q("throw")) == V{"E ERROR XX000", "Z I"});  // not 57014: the flag was cleared
    CHECK(s.exchange(parse("cancelme") + bind() + execute() + sync_msg() + q("select 1")) ==
          V{"1", "2", "E ERROR 57014", "Z I", "T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("rows stop at the next batch after a cancel") {
    auto out = s.exchange(q("cancelrows 1000"));
    REQUIRE(out.size() > 3);
    CHECK(out.size() < 1000);
    CHECK(out.at(out.size() - 2) == "E ERROR 57014");
    CHECK(out.back() == "Z I");
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("an idle session ignores a cancel, as PostgreSQL") {
    s.d.machine.request_cancel();
    CHECK_FALSE(s.d.machine.cancel_requested());
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
}

TEST_CASE("session: COPY FROM STDIN by bytes", "[session][copy]") {
  LoggedIn s;
  auto data = [](std::string_view d) { return msg(CopyData{d}); };
  SECTION("simple query: data in any split, CopyDone gives COPY n") {
    // (The fake driver cannot stop for input inside a simple query's nested
    // round, so each script holds the whole COPY; the extended-protocol
    // case below shows CopyInResponse going out before any data is read.)
    CHECK(s.exchange(q("copyin") + data("1\ta\n2\t") + data("b\n") + msg(CopyDone{})) ==
          V{"G 0:00", "C COPY 2", "Z I"});
    REQUIRE(s.d.last_copy_in);
    CHECK(s.d.last_copy_in->received == "1\ta\n2\tb\n");
    CHECK(s.d.last_copy_in->aborted.empty());
    CHECK(s.exchange(q("copyin binary") + msg(CopyDone{})) == V{"G 1:11", "C COPY 0", "Z I"});
  }
  SECTION("CopyFail is 57014 with the client's message, the target is told") {
    CHECK(s.exchange(q("copyin") + data("1\n") + msg(CopyFail{"client gave up"})) ==
          V{"G 0:00", "E ERROR 57014", "Z I"});
    REQUIRE(s.d.last_copy_in);
    CHECK(s.d.last_copy_in->aborted == "client gave up");
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("Flush and Sync are ignored during copy-in, as PostgreSQL") {
    CHECK(s.exchange(q("copyin") + data("1\n") + msg(Flush{}) + sync_msg() + data("2\n") + msg(CopyDone{})) ==
          V{"G 0:00", "C COPY 2", "Z I"});
  }
  SECTION("any other message is ERROR 08P01, then FATAL: synchronization was lost") {
    // As PostgreSQL 15 answers it (checked against a real server by
    // tests/server/test_hostile_messages.py): no ReadyForQuery, the session ends.
    CHECK(s.exchange(q("copyin") + data("1\n") + q("select 1")) ==
          V{"G 0:00", "E ERROR 08P01", "E FATAL 08P01"});
    REQUIRE(s.d.last_copy_in);
    CHECK(s.d.last_copy_in->aborted == "unexpected message type 0x51 during COPY from stdin");
  }
  SECTION("the target's error ends the COPY; the rest of its data is dropped") {
    CHECK(s.exchange(q("copyin") + data("bad\n") + data("2\n") + msg(CopyDone{}) + q("select 1")) ==
          V{"G 0:00", "E ERROR 22P04", "Z I", "T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("a COPY inside a transaction block that fails leaves it failed") {
    CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
    CHECK(s.exchange(q("copyin") + msg(CopyFail{"no"})) == V{"G 0:00", "E ERROR 57014", "Z E"});
  }
  SECTION("the connection lost mid-COPY aborts the target and ends the session") {
    s.d.send(q("copyin") + data("1\n"));
    s.d.run(true);
    CHECK(s.d.finished);
    REQUIRE(s.d.last_copy_in);
    CHECK(s.d.last_copy_in->aborted == "connection lost during COPY");
  }
}

// A whole backend message: type, length, body.
std::string backend_frame(char type, std::string_view body) {
  std::string out(1, type);
  auto n = static_cast<std::uint32_t>(body.size() + 4);
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xff));
  return out.append(body);
}

TEST_CASE("session: the session's own copy-in errors carry the target's CONTEXT line", "[session][copy]") {
  // PostgreSQL 15 (golden capture `copy`) answers CopyFail after one row with
  //   E S=ERROR V=ERROR C=57014 M="COPY from stdin failed: ..." W="COPY items, line 2" F L R
  // (the W from CopyFromErrorCallback); the table and the line are the target's.
  LoggedIn s;
  const std::string copy_in_response = backend_frame('G', std::string("\0\0\x02\0\0\0\0", 7));
  const std::string ready = backend_frame('Z', "I");
  auto error = [](std::string_view code, std::string_view message, std::string_view where) {
    std::string body = "SERROR";
    body += '\0';
    body += "VERROR";
    body += '\0';
    body += fmt::format("C{}", code) + '\0' + fmt::format("M{}", message) + '\0' + fmt::format("W{}", where);
    body += '\0';
    body += '\0';
    return backend_frame('E', body);
  };
  SECTION("CopyFail: 57014 with the line being read") {
    s.d.send(q("copyin") + msg(CopyData{"1\n"}) + msg(CopyFail{"client gave up"}));
    s.d.run(false);
    CHECK(test::to_hex(s.d.output) ==
          test::to_hex(copy_in_response +
                       error("57014", "COPY from stdin failed: client gave up", "COPY fake, line 2") + ready));
  }
  SECTION("a stray message: 08P01, with the context of the moment it came") {
    s.d.send(q("copyin") + msg(CopyData{"1\n2\n"}) + msg(Sync{}) + q("select 1"));
    s.d.run(false);
    // Then PostgreSQL 15 ends the session: it never read the Query's body.
    std::string fatal = "SFATAL";
    fatal += '\0';
    fatal += "VFATAL";
    fatal += '\0';
    fatal += std::string("C08P01") + '\0' +
             "Mterminating connection because protocol synchronization was lost" + '\0' + '\0';
    CHECK(test::to_hex(s.d.output) ==
          test::to_hex(copy_in_response +
                       error("08P01", "unexpected message type 0x51 during COPY from stdin", "COPY fake, line 3") +
                       backend_frame('E', fatal)));
  }
}

TEST_CASE("session: COPY in the extended protocol", "[session][copy]") {
  LoggedIn s;
  auto data = [](std::string_view d) { return msg(CopyData{d}); };
  SECTION("Execute starts copy-in; the client's Sync after CopyDone gives ReadyForQuery") {
    // CopyInResponse is written before the session reads on: the client waits for it.
    CHECK(s.exchange(parse("copyin") + bind() + execute()) == V{"1", "2", "G 0:00"});
    CHECK(s.exchange(data("x\n") + msg(CopyDone{}) + sync_msg()) == V{"C COPY 1", "Z I"});
  }
  SECTION("a failed COPY skips until Sync, as any extended-query error") {
    CHECK(s.exchange(parse("copyin") + bind() + execute() + msg(Flush{})) == V{"1", "2", "G 0:00"});
    CHECK(s.exchange(msg(CopyFail{"stop"}) + parse("select 1") + bind() + execute() + sync_msg() + q("select 1")) ==
          V{"E ERROR 57014", "Z I", "T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("copy-out from Execute") {
    CHECK(s.exchange(parse("copyout 2") + bind() + execute() + sync_msg()) ==
          V{"1", "2", "H 0:0", "d 0\n", "d 1\n", "c", "C COPY 2", "Z I"});
  }
}

TEST_CASE("session: COPY TO STDOUT streams in batches", "[session][copy]") {
  protocol::SessionOptions options;
  options.engine.flush_threshold = 256;
  LoggedIn s({}, options);
  CHECK(s.exchange(q("copyout 3")) == V{"H 0:0", "d 0\n", "d 1\n", "d 2\n", "c", "C COPY 3", "Z I"});
  s.d.writes.clear();
  auto out = s.exchange(q("copyout 500"));
  REQUIRE(out.size() == 504);
  CHECK(out.at(out.size() - 2) == "C COPY 500");
  // Backpressure: the session wrote as batches filled instead of holding all.
  CHECK(s.d.writes.size() > 5);
  for (std::size_t w : s.d.writes) CHECK(w <= 256 + 64);
}

TEST_CASE("session: pushes through the SessionHandle", "[session][push]") {
  LoggedIn s;
  auto h = s.d.machine.handle();
  CHECK(h->process_id() == 4242);
  auto taken_while_reading = [&] {
    Buffer b;
    s.d.machine.take_pushes_while_reading(b);
    return summary(b.view());
  };
  SECTION("while the session waits for the client, the driver sends them at once") {
    REQUIRE(h->notify(7, "ch", "hello"));
    REQUIRE(h->parameter_status("in_hot_standby", "off"));
    CHECK(taken_while_reading() == V{"A ch hello", "S in_hot_standby=off"});
    CHECK(taken_while_reading().empty());
  }
  SECTION("pushed during a statement: sent just before its ReadyForQuery") {
    CHECK(s.exchange(q("notify ch x; select 1")) ==
          V{"C NOTIFY", "T n,t", "D 0|row 0", "C SELECT 1", "A ch x", "Z I"});
  }
  SECTION("a transaction block holds notifications until it ends; notices pass") {
    CHECK(s.exchange(q("begin")) == V{"C BEGIN", "Z T"});
    REQUIRE(h->notify(7, "ch", "held"));
    REQUIRE(h->notice(ErrorInfo::notice("passing")));
    CHECK(taken_while_reading() == V{"N 00000"});
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z T"});
    CHECK(s.exchange(q("commit")) == V{"C COMMIT", "A ch held", "Z I"});
  }
  SECTION("an extended-query batch holds them until its Sync") {
    CHECK(s.exchange(parse("select 1") + bind() + msg(Flush{})) == V{"1", "2"});
    REQUIRE(h->notify(7, "ch", "after sync"));
    CHECK(taken_while_reading().empty());
    CHECK(s.exchange(execute() + sync_msg()) == V{"D 0|row 0", "C SELECT 1", "A ch after sync", "Z I"});
  }
  SECTION("a result's messages are never interleaved: pushes wait for the boundary") {
    CHECK(s.exchange(q("notify ch a; select 2; notify ch b")) ==
          V{"C NOTIFY", "T n,t", "D 0|row 0", "D 1|row 1", "C SELECT 2", "C NOTIFY", "A ch a", "A ch b", "Z I"});
  }
}

TEST_CASE("session: a SessionHandle is bounded and outlives its session", "[session][push]") {
  SessionHandle small(64);
  CHECK(small.notify(1, "c", std::string(20, 'x')));
  CHECK_FALSE(small.notify(1, "c", std::string(60, 'x')));  // over the limit: refused, nothing queued
  Buffer b;
  CHECK(small.drain(b, true));
  CHECK(small.notify(1, "c", std::string(20, 'x')));  // room again
  std::shared_ptr<SessionHandle> kept;
  {
    LoggedIn s;
    kept = s.d.machine.handle();
    CHECK(kept->alive());
  }
  CHECK_FALSE(kept->alive());
  CHECK_FALSE(kept->notify(1, "c", "late"));
}

TEST_CASE("session: what the client sends is verified as UTF-8 where PostgreSQL does", "[session][encoding]") {
  std::string bad = "select '\xff'";
  SECTION("a Query: ERROR 22021, then ReadyForQuery") {
    LoggedIn s;
    CHECK(s.exchange(q(bad) + q("select 1")) == V{"E ERROR 22021", "Z I", "T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
  }
  SECTION("Parse's query and name, Bind's and Execute's names: 22021, skip until Sync") {
    LoggedIn s;
    CHECK(s.exchange(parse(bad) + bind() + execute() + sync_msg()) == V{"E ERROR 22021", "Z I"});
    CHECK(s.exchange(parse("select 1", "s\xfe") + sync_msg()) == V{"E ERROR 22021", "Z I"});
    CHECK(s.exchange(parse("select 1") + bind({}, "p\xc3") + sync_msg()) == V{"1", "E ERROR 22021", "Z I"});
    CHECK(s.exchange(parse("select 1") + bind() + execute(0, "\xed\xa0\x80") + sync_msg()) ==
          V{"1", "2", "E ERROR 22021", "Z I"});
  }
  SECTION("a text parameter: 22021 at Bind, no BindComplete, no portal") {
    LoggedIn s;
    CHECK(s.exchange(parse("select 1", "s", {oid::text}) + bind({std::string_view("a\xff")}, "p", "s") +
                     execute(0, "p") + sync_msg()) == V{"1", "E ERROR 22021", "Z I"});
    CHECK(s.exchange(execute(0, "p") + sync_msg()) == V{"E ERROR 34000", "Z I"});
  }
  SECTION("a startup parameter: FATAL 22021 before authentication (stricter than PostgreSQL 15)") {
    FakeDriver d;
    StartupMessage m;
    m.version = protocol_3_0;
    m.parameters = {{"user", "alice"}, {"search_path", "a\xff" "b"}};
    d.send(test::encoded(m));
    d.run(false);
    CHECK(summary(d.output) == V{"E FATAL 22021"});
    CHECK(d.finished);
  }
  SECTION("application_name is cleaned to printable ASCII, as PostgreSQL 15's check hook does") {
    FakeDriver d;
    StartupMessage m;
    m.version = protocol_3_0;
    m.parameters = {{"user", "alice"}, {"application_name", "a\xff" "b \xc3\xa9t\xc3\xa9"}};
    d.send(test::encoded(m) + q("set application_name caf\xc3\xa9"));
    d.run(false);
    auto s = summary(d.output);
    CHECK(std::find(s.begin(), s.end(), "S application_name=a?b ??t??") != s.end());
    CHECK(d.machine.client().application_name == "a?b ??t??");
    CHECK(s.back() == "Z I");
    CHECK(s.at(s.size() - 2) == "S application_name=caf??");
  }
}

TEST_CASE("session: binary parameters are decoded at Bind", "[session][encoding]") {
  LoggedIn s;
  auto binary_bind = [](std::string_view value) {
    Bind b;
    b.statement = "s";
    b.parameter_formats = {format_binary};
    b.parameters = {value};
    return msg(b);
  };
  std::string prepared = parse("select 1", "s", {oid::int4});
  CHECK(s.exchange(prepared + sync_msg()) == V{"1", "Z I"});
  SECTION("three bytes for an int4: 08P01 (insufficient data), no BindComplete") {
    CHECK(s.exchange(binary_bind("abc") + execute() + sync_msg()) == V{"E ERROR 08P01", "Z I"});
  }
  SECTION("five bytes for an int4: 22P03") {
    CHECK(s.exchange(binary_bind("abcde") + execute() + sync_msg()) == V{"E ERROR 22P03", "Z I"});
  }
  SECTION("four bytes bind") {
    CHECK(s.exchange(binary_bind(std::string_view("\0\0\0\x07", 4)) + sync_msg()) == V{"2", "Z I"});
  }
}

TEST_CASE("session: copy-both by bytes", "[session][copy]") {
  LoggedIn s;
  auto data = [](std::string_view d) { return msg(CopyData{d}); };
  // A copy-both ends as the walsender's: "COPY 0" whatever the target
  // counted, then the stream's own tag if it has one.
  SECTION("the product's pushes wait for CopyBothResponse, interleave with the client's data; CopyDone back") {
    CHECK(s.exchange(q("copyboth 2") + data("echo x") + data("status\n") + msg(CopyDone{}) + q("select 1")) ==
          V{"W 1:", "d out 0", "d out 1", "d x", "c", "C COPY 0", "Z I", "T n,t", "D 0|row 0", "C SELECT 1", "Z I"});
    REQUIRE(s.d.last_copy_in);
    CHECK(s.d.last_copy_in->received == "echo xstatus\n");
  }
  SECTION("the product ends its side first: one CopyDone, the client's data still reach it") {
    CHECK(s.exchange(q("copyboth 1 done") + data("late\n") + msg(CopyDone{})) ==
          V{"W 1:", "d out 0", "c", "C COPY 0", "Z I"});
  }
  // (The fake driver cannot stop for input inside a simple query's nested
  // round; an extended-protocol COPY can, as the Asio driver always can.)
  SECTION("a wait for the client lets the product's data out; pushes after the end are dropped") {
    s.d.eof = false;
    CHECK(s.exchange(parse("copyboth 0") + bind() + execute()) == V{"1", "2", "W 1:"});
    REQUIRE(s.d.machine.handle()->copy_data("streamed"));
    CHECK(s.d.machine.take_pushes_while_reading(s.d.machine.output()));  // what the driver's waker does
    s.d.machine.output().clear();
    CHECK(s.exchange(data("echo y")) == V{"d y"});
    REQUIRE(s.d.machine.handle()->copy_done());
    CHECK_FALSE(s.d.machine.handle()->copy_data("after the product's CopyDone"));
    CHECK(s.exchange(msg(CopyDone{}) + sync_msg()) == V{"c", "C COPY 0", "Z I"});
    REQUIRE(s.d.machine.handle()->copy_data("too late"));  // queued for a next copy-both...
    CHECK(s.exchange(q("select 1")) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I"});  // ...never sent here
  }
  SECTION("anything but CopyData and CopyDone is FATAL 08P01, as the walsender's; the target is told") {
    CHECK(s.exchange(q("copyboth 0") + msg(CopyFail{"stop"})) == V{"W 1:", "E FATAL 08P01"});
    CHECK(s.d.last_copy_in->aborted == "connection lost during COPY");
    CHECK(s.d.finished);
    LoggedIn t;
    CHECK(t.exchange(q("copyboth 0") + sync_msg()) == V{"W 1:", "E FATAL 08P01"});
    CHECK(t.d.finished);
  }
  SECTION("from the extended protocol") {
    CHECK(s.exchange(parse("copyboth 1") + bind() + execute() + msg(CopyDone{}) + sync_msg()) ==
          V{"1", "2", "W 1:", "d out 0", "c", "C COPY 0", "Z I"});
  }
}

TEST_CASE("session: walsender rules by bytes", "[session][replication]") {
  auto walsender = [](std::string mode) {
    StartupMessage m;
    m.version = protocol_3_0;
    m.parameters = {{"user", "alice"}, {"database", "db"}, {"replication", mode}};
    return msg(m);
  };
  SECTION("replication=database: SQL reaches the product; extended query and fast-path are 08P01") {
    FakeDriver d;
    d.send(walsender("database"));
    d.run(false);
    d.output.clear();
    CHECK(d.machine.client().replication == ReplicationMode::logical);
    d.send(q("select 1") + parse("select 1") + bind() + execute() + sync_msg() +
           msg(FunctionCall{16, {}, {}, 0}) + q("select 0"));
    d.run(false);
    CHECK(summary(d.output) == V{"T n,t", "D 0|row 0", "C SELECT 1", "Z I", "E ERROR 08P01", "Z I", "E ERROR 08P01", "Z I",
                                 "T n,t", "C SELECT 0", "Z I"});
  }
  SECTION("replication=true (or any true Boolean): only replication commands") {
    for (std::string mode : {"true", "on", "1", "yes"}) {
      FakeDriver d;
      d.send(walsender(mode));
      d.run(false);
      d.output.clear();
      CHECK(d.machine.client().replication == ReplicationMode::physical);
      d.send(q("select 1") + q("IDENTIFY_SYSTEM"));
      d.run(false);
      CHECK(summary(d.output) == V{"E ERROR 0A000", "Z I", "C OK", "Z I"});
    }
  }
  SECTION("a false Boolean is an ordinary session; anything else is FATAL 22023") {
    FakeDriver d;
    d.send(walsender("off"));
    d.run(false);
    CHECK(d.machine.client().replication == ReplicationMode::none);
    FakeDriver bad;
    bad.send(walsender("maybe"));
    bad.run();
    CHECK(summary(bad.output) == V{"E FATAL 22023"});
    CHECK(bad.finished);
  }
}
