// SQL cursors (ServerOptions::sql_cursors): the DECLARE/FETCH/MOVE/CLOSE
// grammar, and whole sessions where the library runs cursors over a
// product's handlers, by simple query and by the extended protocol.

#include <pgwire/api/auth.hpp>
#include <pgwire/protocol/cursor_grammar.hpp>
#include <pgwire/api/extended.hpp>
#include <pgwire/api/session_commands.hpp>

#include "session/client.hpp"
#include "support/catch.hpp"

using namespace pgwire;
using test::Client;
using test::TestServer;

namespace {

// "count N": N rows (int4 i); "count $1": as many as the parameter says;
// begin/commit/rollback with their transaction effects.
class Product final : public SimpleQueryHandler, public ExtendedQueryHandler {
 public:
  static SchemaPtr schema() { return make_schema({{"i", oid::int4, 4}}); }
  static Response rows(int n) {
    return Response::rows(schema(), make_row_source([n, i = 0](RowWriter& w) mutable {
      if (i >= n) return false;
      w.begin_row();
      w.add(static_cast<std::int32_t>(i + 1));
      w.end_row();
      return ++i < n;
    }));
  }
  static Response answer(std::string_view sql, std::optional<int> parameter) {
    if (sql == "begin") return Response::begin();
    if (sql == "commit") return Response::commit();
    if (sql == "rollback") return Response::rollback();
    if (sql == "count $1") return rows(parameter.value_or(0));
    if (sql.starts_with("count ")) return rows(std::stoi(std::string(sql.substr(6))));
    if (sql == "fail") return Response::error(ErrorInfo::error("22012", "division by zero"));
    return Response::command("DONE");
  }
  asio::awaitable<std::vector<Response>> query(Session& session, std::string_view sql) override {
    std::vector<Response> out;
    for (auto stmt : split_statements(sql)) {
      if (auto r = commands.answer(session, stmt)) {
        out.push_back(std::move(*r));
      } else {
        out.push_back(answer(stmt, std::nullopt));
      }
    }
    co_return out;
  }
  SessionCommands commands;
  asio::awaitable<void> prepare(Session&, Statement& stmt) override {
    if (stmt.sql.starts_with("count")) stmt.columns = schema();
    if (stmt.sql == "count $1") stmt.parameter_types.resize(1, oid::int4);
    co_return;
  }
  asio::awaitable<Response> execute(Session&, Portal& portal) override {
    std::optional<int> p;
    if (portal.parameter_count() == 1) p = *portal.parameter<std::int32_t>(0);
    co_return answer(portal.statement->sql, p);
  }
};

struct Fixture {
  std::shared_ptr<Product> product = std::make_shared<Product>();
  TestServer server{{}, {make_trust_auth(), product, product}};
  Client c{server.port()};
  Fixture() { c.login(); }
  template <class... M>
  void send(const M&... m) {
    c.send_batch(m...);
  }
  // Values of the DataRows up to ReadyForQuery, and the last CommandComplete tag.
  std::vector<std::string> rows(std::string* tag = nullptr, std::string* error = nullptr) {
    std::vector<std::string> out;
    for (;;) {
      BackendMessage m = c.recv();
      if (auto* d = std::get_if<DataRow>(&m)) out.emplace_back(d->values.at(0).value_or("NULL"));
      if (auto* cc = std::get_if<CommandComplete>(&m); cc && tag) *tag = std::string(cc->tag);
      if (auto* e = std::get_if<ErrorResponse>(&m); e && error) *error = std::string(e->get(field::sqlstate));
      if (std::holds_alternative<ReadyForQuery>(m)) return out;
    }
  }
};

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("cursors: the grammar") {
  using K = CursorCommand::Kind;
  using M = CursorCommand::Motion;
  auto d = parse_cursor_command("DECLARE \"My Cur\" BINARY NO SCROLL CURSOR WITH HOLD FOR SELECT 1;  ");
  REQUIRE(d);
  CHECK(d->kind == K::declare);
  CHECK(d->name == "My Cur");
  CHECK(d->binary);
  CHECK(d->hold);
  CHECK(d->query == "SELECT 1");
  d = parse_cursor_command("declare _psql_cursor no scroll cursor for\n select * from t");
  REQUIRE(d);
  CHECK(d->name == "_psql_cursor");
  CHECK_FALSE(d->hold);
  CHECK(d->query == "select * from t");
  d = parse_cursor_command("DECLARE \"cc\" CURSOR FOR SELECT id FROM demo FOR READ  ONLY");
  CHECK(d->query == "SELECT id FROM demo");  // libpqxx's updatability clause is the cursor's
  CHECK(parse_cursor_command("DECLARE c CURSOR FOR SELECT only FROM t")->query == "SELECT only FROM t");
  CHECK(parse_cursor_command("DECLARE c CURSOR FOR SELECT read only")->query == "SELECT read only");
  auto f = parse_cursor_command("FETCH FORWARD 1000 FROM _psql_cursor");
  REQUIRE(f);
  CHECK((f->kind == K::fetch && f->motion == M::forward && f->count == 1000 && f->name == "_psql_cursor"));
  f = parse_cursor_command("fetch 50 in SQL_CUR0x1");
  REQUIRE(f);
  CHECK((f->count == 50 && f->name == "sql_cur0x1"));
  f = parse_cursor_command("FETCH c");
  REQUIRE(f);
  CHECK((f->motion == M::forward && f->count == 1));
  CHECK(parse_cursor_command("FETCH ALL FROM c")->motion == M::all);
  CHECK(parse_cursor_command("FETCH FORWARD ALL IN c")->motion == M::all);
  CHECK(parse_cursor_command("FETCH PRIOR FROM c")->motion == M::backward);
  CHECK(parse_cursor_command("FETCH BACKWARD 2 FROM c")->motion == M::backward);
  CHECK(parse_cursor_command("FETCH -1 FROM c")->motion == M::backward);
  CHECK(parse_cursor_command("FETCH LAST FROM c")->motion == M::backward);
  auto a = parse_cursor_command("FETCH ABSOLUTE 5 FROM c");
  CHECK((a->motion == M::absolute && a->count == 5));
  auto first = parse_cursor_command("FETCH FIRST FROM c");
  CHECK((first->motion == M::absolute && first->count == 1));
  auto r = parse_cursor_command("MOVE RELATIVE 3 IN c");
  CHECK((r->kind == K::move && r->motion == M::relative && r->count == 3));
  auto cl = parse_cursor_command("CLOSE \"x\"");
  CHECK((cl->kind == K::close && cl->name == "x"));
  CHECK(parse_cursor_command("close all")->name.empty());
  // Not cursor commands (or not well formed): left to the product.
  CHECK_FALSE(parse_cursor_command("SELECT 1"));
  CHECK_FALSE(parse_cursor_command("DECLARE c CURSOR"));
  CHECK_FALSE(parse_cursor_command("DECLARE c CURSOR FOR"));
  CHECK_FALSE(parse_cursor_command("DECLARE c TABLE (x int)"));
  CHECK_FALSE(parse_cursor_command("FETCH"));
  CHECK_FALSE(parse_cursor_command("FETCH 5 FROM c extra"));
  CHECK_FALSE(parse_cursor_command("CLOSE"));
  CHECK_FALSE(parse_cursor_command("closed_orders"));
  CHECK_FALSE(parse_cursor_command("FETCH 99999999999999999999 FROM c"));
  CHECK_FALSE(parse_cursor_command("FETCH 1.5 FROM c"));
  CHECK_FALSE(parse_cursor_command("CLOSE \"open"));
  CHECK_FALSE(parse_cursor_command("\"fetch\" c"));  // a quoted keyword is a name
}

TEST_CASE("cursors: the grammar reads SQL through the tokenizer") {
  using M = CursorCommand::Motion;
  // Comments before, inside and after a command.
  auto f = parse_cursor_command("-- psql\nFETCH /* n */ 7 IN \"Cur\" -- done\n;");
  REQUIRE(f);
  CHECK((f->count == 7 && f->name == "Cur"));
  CHECK(parse_cursor_command("CLOSE c /* x */ ;")->name == "c");
  CHECK(parse_cursor_command("FETCH - 2 FROM c")->motion == M::backward);
  auto r = parse_cursor_command("MOVE RELATIVE +4 c");
  CHECK((r->motion == M::relative && r->count == 4));
  // The query ends at its last token: quoted text that looks like the
  // updatability clause or a ';' stays.
  auto d = parse_cursor_command("DECLARE c CURSOR FOR SELECT 'for read only';");
  REQUIRE(d);
  CHECK(d->query == "SELECT 'for read only'");
  d = parse_cursor_command("DECLARE c CURSOR FOR SELECT \"for\" read only");
  CHECK(d->query == "SELECT \"for\" read only");
  d = parse_cursor_command("DECLARE c CURSOR FOR SELECT $$;$$ FOR /* c */ READ ONLY ; ");
  CHECK(d->query == "SELECT $$;$$");
  d = parse_cursor_command("DECLARE c CURSOR FOR /*+ hint */ SELECT 1; -- end");
  CHECK(d->query == "/*+ hint */ SELECT 1");
}

TEST_CASE("cursors: DECLARE/FETCH/MOVE/CLOSE by simple query, in a transaction") {
  Fixture f;
  std::string tag, error;
  f.c.send(Query{"DECLARE c CURSOR FOR count 3"});
  CHECK(f.rows(&tag, &error).empty());
  CHECK(error == "25P01");  // outside a transaction block, as PostgreSQL
  f.c.send(Query{"begin; DECLARE c CURSOR FOR count 10; FETCH 2 FROM c"});
  CHECK(f.rows(&tag) == Strings{"1", "2"});
  CHECK(tag == "FETCH 2");
  f.c.send(Query{"MOVE 3 IN c"});
  CHECK(f.rows(&tag).empty());
  CHECK(tag == "MOVE 3");
  f.c.send(Query{"FETCH RELATIVE 2 FROM c"});  // skips row 6, returns 7
  CHECK(f.rows(&tag) == Strings{"7"});
  f.c.send(Query{"FETCH ALL FROM c"});
  CHECK(f.rows(&tag) == Strings{"8", "9", "10"});
  CHECK(tag == "FETCH 3");
  f.c.send(Query{"FETCH NEXT FROM c"});
  CHECK(f.rows(&tag).empty());
  CHECK(tag == "FETCH 0");
  error.clear();
  f.c.send(Query{"DECLARE c CURSOR FOR count 1"});
  f.rows(&tag, &error);
  CHECK(error == "42P03");  // already exists; the transaction is failed now
  error.clear();
  f.c.send(Query{"FETCH 1 FROM c"});
  f.rows(&tag, &error);
  CHECK(error == "25P02");
  f.c.send(Query{"rollback"});
  f.rows();
  error.clear();
  f.c.send(Query{"FETCH 1 FROM c"});  // closed with its transaction
  f.rows(&tag, &error);
  CHECK(error == "34000");
}

TEST_CASE("cursors: backward motion fails with 55000, WITH HOLD outlives COMMIT, CLOSE") {
  Fixture f;
  std::string tag, error;
  f.c.send(Query{"begin; DECLARE h CURSOR WITH HOLD FOR count 4; DECLARE n CURSOR FOR count 4; commit"});
  f.rows();
  f.c.send(Query{"FETCH 1 FROM h"});
  CHECK(f.rows(&tag) == Strings{"1"});
  f.c.send(Query{"FETCH 1 FROM n"});
  f.rows(&tag, &error);
  CHECK(error == "34000");
  error.clear();
  f.c.send(Query{"FETCH BACKWARD 1 FROM h"});
  f.rows(&tag, &error);
  CHECK(error == "55000");
  error.clear();
  f.c.send(Query{"FETCH ABSOLUTE 3 FROM h; CLOSE h"});
  CHECK(f.rows(&tag) == Strings{"3"});
  CHECK(tag == "CLOSE CURSOR");
  f.c.send(Query{"CLOSE h"});
  f.rows(&tag, &error);
  CHECK(error == "34000");
  // DISCARD ALL closes cursors, WITH HOLD ones too (as CLOSE ALL).
  f.c.send(Query{"begin; DECLARE h2 CURSOR WITH HOLD FOR count 2; commit; DISCARD ALL"});
  f.rows(&tag);
  CHECK(tag == "DISCARD ALL");
  error.clear();
  f.c.send(Query{"FETCH 1 FROM h2"});
  f.rows(&tag, &error);
  CHECK(error == "34000");
}

TEST_CASE("cursors: extended protocol, parameters, Describe/Execute of the cursor's portal") {
  Fixture f;
  std::string tag;
  f.c.send(Query{"begin"});
  f.rows();
  // DECLARE with a parameter: the query's parameter types are the DECLARE's.
  f.send(Parse{"", "DECLARE pc CURSOR FOR count $1", {}}, Describe{TargetKind::statement, ""}, Sync{});
  REQUIRE(std::holds_alternative<ParseComplete>(f.c.recv()));
  CHECK(std::get<ParameterDescription>(f.c.recv()).types == std::vector<Oid>{oid::int4});
  CHECK(std::holds_alternative<NoData>(f.c.recv()));
  f.rows();
  f.send(Bind{"", "", {}, {std::string_view("5")}, {}}, Execute{"", 0}, Sync{});
  f.rows(&tag);
  CHECK(tag == "DECLARE CURSOR");
  // psycopg 3: Describe the cursor's portal, then FETCH by SQL with binary results.
  f.send(Describe{TargetKind::portal, "pc"}, Sync{});
  auto rd = std::get<RowDescription>(f.c.recv());
  CHECK(rd.fields.at(0).type_oid == oid::int4);
  f.rows();
  f.send(Parse{"", "FETCH FORWARD 2 FROM pc", {}}, Describe{TargetKind::statement, ""},
         Bind{"", "", {}, {}, {format_binary}}, Execute{"", 0}, Sync{});
  REQUIRE(std::holds_alternative<ParseComplete>(f.c.recv()));
  CHECK(std::holds_alternative<ParameterDescription>(f.c.recv()));
  CHECK(std::get<RowDescription>(f.c.recv()).fields.at(0).type_oid == oid::int4);
  CHECK(std::holds_alternative<BindComplete>(f.c.recv()));
  CHECK(*std::get<DataRow>(f.c.recv()).values.at(0) == std::string_view("\0\0\0\1", 4));
  CHECK(*std::get<DataRow>(f.c.recv()).values.at(0) == std::string_view("\0\0\0\2", 4));
  CHECK(std::get<CommandComplete>(f.c.recv()).tag == "FETCH 2");
  f.rows();
  // Execute of the cursor's portal by the protocol, with a row limit.
  f.send(Execute{"pc", 2}, Sync{});
  CHECK(f.c.until_ready() == "DDsZ");
  f.send(Execute{"pc", 0}, Sync{});
  CHECK(f.rows(&tag) == Strings{"5"});
  f.c.send(Query{"commit"});
  f.rows();
  f.send(Describe{TargetKind::portal, "pc"}, Sync{});
  std::string error;
  f.rows(nullptr, &error);
  CHECK(error == "34000");
}
