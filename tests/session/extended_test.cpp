// The extended query protocol against a real pgwire::Server, scripted with
// the codec: Describe before Bind, formats, row limits and PortalSuspended,
// statement/portal naming rules, Close, Sync and the error discipline.

#include <pgwire/api/auth.hpp>
#include <pgwire/api/extended.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

// "count N": N rows of (int4 i, text "row i"); "echo": one row with the
// int4 parameter + 1; "bad": fails at Parse; "boom": fails at Execute;
// anything else: a command.
class Counting final : public ExtendedQueryHandler {
 public:
  asio::awaitable<void> prepare(Session&, Statement& stmt) override {
    if (stmt.sql == "bad") throw PgError("42601", "syntax error at or near \"bad\"");
    if (stmt.sql.starts_with("count ")) {
      stmt.columns = make_schema({{"i", oid::int4, 4}, {"label", oid::text}});
    } else if (stmt.sql == "echo") {
      stmt.parameter_types.resize(1);
      if (stmt.parameter_types[0] == 0) stmt.parameter_types[0] = oid::int4;
      stmt.columns = make_schema({{"n", oid::int4, 4}});
    }
    co_return;
  }
  asio::awaitable<Response> execute(Session&, Portal& portal) override {
    const std::string& sql = portal.statement->sql;
    if (sql == "boom") throw PgError("22012", "division by zero");
    if (sql == "echo") {
      auto v = portal.parameter<std::int32_t>(0);
      int n = v ? *v + 1 : -1;
      co_return Response::rows(portal.statement->columns, make_row_source([n, done = false](RowWriter& w) mutable {
        if (done) return false;
        w.begin_row();
        w.add(static_cast<std::int32_t>(n));
        w.end_row();
        done = true;
        return false;
      }));
    }
    if (sql.starts_with("count ")) {
      int n = std::stoi(sql.substr(6));
      co_return Response::rows(portal.statement->columns, make_row_source([n, i = 0](RowWriter& w) mutable {
        if (i >= n) return false;
        w.begin_row();
        w.add(static_cast<std::int32_t>(i));
        w.add(std::string_view("row " + std::to_string(i)));
        w.end_row();
        return ++i < n;
      }));
    }
    if (sql == "begin") co_return Response::begin();
    co_return Response::command("DONE");
  }
  asio::awaitable<void> sync(Session&) override {
    ++syncs;
    co_return;
  }
  std::atomic<int> syncs{0};
};

struct Fixture {
  std::shared_ptr<Counting> handler = std::make_shared<Counting>();
  TestServer server{{}, {make_trust_auth(), nullptr, handler}};
  Client c{server.port()};
  Fixture() { c.login(); }
  template <class... M>
  void send(const M&... m) {
    c.send_batch(m...);
  }
  std::string types_until_ready() { return c.until_ready(); }
};

std::string error_code(const BackendMessage& m) {
  auto* e = std::get_if<ErrorResponse>(&m);
  REQUIRE(e != nullptr);
  return std::string(e->get(field::sqlstate));
}

}  // namespace

TEST_CASE("extended: Describe statement before Bind, then binary results") {
  Fixture f;
  f.send(Parse{"s", "echo", {}}, Describe{TargetKind::statement, "s"}, Sync{});
  REQUIRE(std::holds_alternative<ParseComplete>(f.c.recv()));
  auto pd = std::get<ParameterDescription>(f.c.recv());
  CHECK(pd.types == std::vector<Oid>{oid::int4});
  auto rd = std::get<RowDescription>(f.c.recv());
  CHECK(rd.fields.at(0).type_oid == oid::int4);
  CHECK(rd.fields.at(0).format == format_text);
  CHECK(f.c.until_ready() == "Z");
  // Binary parameter in, binary result out.
  f.send(Bind{"", "s", {format_binary}, {std::string_view("\0\0\0\x29", 4)}, {format_binary}},
         Describe{TargetKind::portal, ""}, Execute{"", 0}, Sync{});
  REQUIRE(std::holds_alternative<BindComplete>(f.c.recv()));
  CHECK(std::get<RowDescription>(f.c.recv()).fields.at(0).format == format_binary);
  auto row = std::get<DataRow>(f.c.recv());
  CHECK(*row.values.at(0) == std::string_view("\0\0\0\x2a", 4));
  CHECK(std::get<CommandComplete>(f.c.recv()).tag == "SELECT 1");
  CHECK(f.c.until_ready() == "Z");
  // Text parameter in, text result out.
  f.send(Bind{"", "s", {}, {std::string_view("7")}, {}}, Execute{"", 0}, Sync{});
  REQUIRE(std::holds_alternative<BindComplete>(f.c.recv()));
  CHECK(*std::get<DataRow>(f.c.recv()).values.at(0) == "8");
  CHECK(f.c.until_ready() == "CZ");
}

TEST_CASE("extended: Execute with a row limit suspends and resumes the same portal") {
  Fixture f;
  f.send(Parse{"", "count 5", {}}, Bind{"p", "", {}, {}, {}}, Execute{"p", 2}, Execute{"p", 2},
         Execute{"p", 2}, Execute{"p", 0}, Sync{});
  // The same portal goes on where it stopped, and is exhausted at the end.
  CHECK(f.types_until_ready() == "12DDsDDsDCCZ");
  // A named portal lasts until the end of its transaction: the implicit one
  // ended at Sync (PostgreSQL: 34000).
  f.send(Execute{"p", 0}, Sync{});
  CHECK(error_code(f.c.recv()) == "34000");
  CHECK(f.c.until_ready() == "Z");
}

TEST_CASE("extended: error discards until Sync, Sync drops the unnamed portal only") {
  Fixture f;
  f.send(Parse{"", "bad", {}}, Bind{}, Execute{}, Sync{});
  CHECK(error_code(f.c.recv()) == "42601");
  CHECK(f.c.until_ready() == "Z");
  int syncs = f.handler->syncs.load();
  CHECK(syncs >= 1);
  // In a transaction block (a named portal lasts until its end, as in PostgreSQL).
  f.send(Parse{"", "begin", {}}, Bind{}, Execute{}, Sync{});
  CHECK(f.c.until_ready() == "12CZ");
  f.send(Parse{"", "count 3", {}}, Bind{"", "", {}, {}, {}}, Bind{"named", "", {}, {}, {}}, Sync{});
  CHECK(f.c.until_ready() == "122Z");
  f.send(Execute{"named", 0}, Sync{});
  CHECK(f.c.until_ready() == "DDDCZ");
  f.send(Execute{"", 0}, Sync{});
  CHECK(error_code(f.c.recv()) == "34000");  // unnamed portal gone
  CHECK(f.c.until_ready() == "Z");
}

TEST_CASE("extended: naming rules, Close, and execute errors") {
  Fixture f;
  f.send(Parse{"s1", "count 1", {}}, Parse{"s1", "count 1", {}}, Sync{});
  REQUIRE(std::holds_alternative<ParseComplete>(f.c.recv()));
  CHECK(error_code(f.c.recv()) == "42P05");
  CHECK(f.c.until_ready() == "Z");
  f.send(Bind{"", "missing", {}, {}, {}}, Sync{});
  CHECK(error_code(f.c.recv()) == "26000");
  CHECK(f.c.until_ready() == "Z");
  // Wrong parameter count.
  f.send(Parse{"e", "echo", {}}, Bind{"", "e", {}, {}, {}}, Sync{});
  REQUIRE(std::holds_alternative<ParseComplete>(f.c.recv()));
  CHECK(error_code(f.c.recv()) == "08P01");
  CHECK(f.c.until_ready() == "Z");
  // Close a statement: its portals go too; closing again is fine.
  f.send(Bind{"p1", "s1", {}, {}, {}}, Close{TargetKind::statement, "s1"},
         Close{TargetKind::statement, "s1"}, Execute{"p1", 0}, Sync{});
  REQUIRE(std::holds_alternative<BindComplete>(f.c.recv()));
  REQUIRE(std::holds_alternative<CloseComplete>(f.c.recv()));
  REQUIRE(std::holds_alternative<CloseComplete>(f.c.recv()));
  CHECK(error_code(f.c.recv()) == "34000");
  CHECK(f.c.until_ready() == "Z");
  // The name is free again.
  f.send(Parse{"s1", "count 1", {}}, Sync{});
  CHECK(f.c.until_ready() == "1Z");
  // An error in Execute, then the session goes on.
  f.send(Parse{"", "boom", {}}, Bind{}, Execute{}, Sync{});
  REQUIRE(std::holds_alternative<ParseComplete>(f.c.recv()));
  REQUIRE(std::holds_alternative<BindComplete>(f.c.recv()));
  CHECK(error_code(f.c.recv()) == "22012");
  CHECK(f.c.until_ready() == "Z");
  // Invalid format code.
  f.send(Bind{"", "e", {7}, {std::string_view("1")}, {}}, Sync{});
  CHECK(error_code(f.c.recv()) == "22023");
  CHECK(f.c.until_ready() == "Z");
  // A bad binary parameter fails at Bind, as in PostgreSQL: bytes left over
  // after the int4 are 22P03, too few the message reader's 08P01.
  f.send(Bind{"", "e", {format_binary}, {std::string_view("xxxxx")}, {}}, Execute{}, Sync{});
  CHECK(error_code(f.c.recv()) == "22P03");
  CHECK(f.c.until_ready() == "Z");
  f.send(Bind{"", "e", {format_binary}, {std::string_view("xx")}, {}}, Execute{}, Sync{});
  CHECK(error_code(f.c.recv()) == "08P01");
  CHECK(f.c.until_ready() == "Z");
}

TEST_CASE("extended: Flush sends pending results without ReadyForQuery") {
  Fixture f;
  f.send(Parse{"", "count 1", {}}, Describe{TargetKind::statement, ""}, Flush{});
  REQUIRE(std::holds_alternative<ParseComplete>(f.c.recv()));
  REQUIRE(std::holds_alternative<ParameterDescription>(f.c.recv()));
  REQUIRE(std::holds_alternative<RowDescription>(f.c.recv()));
  f.send(Bind{}, Execute{}, Sync{});
  CHECK(f.c.until_ready() == "2DCZ");
}

TEST_CASE("extended: pipelined batches are answered in order in one go") {
  Fixture f;
  f.send(Parse{"a", "count 2", {}}, Parse{"b", "echo", {}}, Bind{"", "a", {}, {}, {}}, Execute{},
         Bind{"", "b", {}, {std::string_view("1")}, {}}, Execute{}, Sync{});
  CHECK(f.c.until_ready() == "112DDC2DCZ");
}
