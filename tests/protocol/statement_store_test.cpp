// StatementStore's portals (src/protocol/statements.cpp): a closed portal is
// kept and reused for the next Bind, which must see nothing of the one before.

#include "support/codec_util.hpp"
#include "pgwire/protocol/statements.hpp"

using namespace pgwire;

namespace {

std::shared_ptr<Statement> statement(std::string name, std::vector<Oid> parameters, std::size_t columns) {
  auto s = std::make_shared<Statement>();
  s->name = std::move(name);
  s->sql = "select";
  s->parameter_types = std::move(parameters);
  std::vector<Column> cols(columns, Column{"c", oid::int4});
  if (columns) s->columns = make_schema(std::move(cols));
  return s;
}

}  // namespace

TEST_CASE("statement store: a reused portal shows nothing of the closed one") {
  StatementStore store;
  store.add_statement(statement("with", {oid::int4, oid::text}, 2));
  store.add_statement(statement("without", {}, 0));

  Portal& first = store.bind(Bind{"", "with", {1, 0}, {std::string_view("\0\0\0\7", 4), std::nullopt}, {1}});
  CHECK(first.parameter_count() == 2);
  CHECK(first.result_formats == std::vector<FormatCode>{1, 1});
  auto closed = store.drop_unnamed_portal();
  REQUIRE(closed);
  store.recycle(std::move(closed));
  CHECK(store.portal_count() == 0);

  Portal& second = store.bind(Bind{"named", "without", {}, {}, {}});
  CHECK(second.name == "named");
  CHECK(second.statement->name == "without");
  CHECK(second.parameter_count() == 0);
  CHECK(second.parameter_formats.empty());
  CHECK(second.result_formats.empty());
  CHECK(store.portal("named") == &second);
  CHECK_FALSE(store.portal(""));
}

TEST_CASE("statement store: a failed Bind leaves no portal, and the next one binds") {
  StatementStore store;
  store.add_statement(statement("s", {oid::int4}, 1));
  // A binary int4 of 3 bytes: 08P01 at Bind, no portal.
  CHECK_THROWS_AS(store.bind(Bind{"p", "s", {1}, {std::string_view("\0\0\7", 3)}, {}}), PgError);
  CHECK(store.portal_count() == 0);
  Portal& p = store.bind(Bind{"p", "s", {0}, {std::string_view("7")}, {}});
  CHECK(p.parameters.at(0) == std::optional<std::string_view>("7"));
  CHECK(p.parameter_formats == std::vector<FormatCode>{0});
  CHECK(store.portal_count() == 1);
}

TEST_CASE("statement store: holds nothing until a statement, and again once none is left at a transaction's end") {
  StatementStore store;
  CHECK_FALSE(store.allocated());
  // Lookups in a store that holds nothing answer as in an empty one.
  CHECK_THROWS_AS(store.statement(""), PgError);
  CHECK_THROWS_AS(store.bind(Bind{"", "", {}, {}, {}}), PgError);
  CHECK_FALSE(store.portal(""));
  CHECK_FALSE(store.close_portal("x"));
  CHECK(store.close_statement("x").empty());
  CHECK_FALSE(store.deallocate("x"));
  CHECK(store.deallocate_all().empty());
  CHECK_FALSE(store.drop_unnamed_statement());
  CHECK(store.drop_portals().empty());
  CHECK_FALSE(store.allocated());

  store.add_statement(statement("", {oid::int4}, 1));
  store.add_statement(statement("named", {}, 0));
  CHECK(store.allocated());
  store.bind(Bind{"p", "", {}, {std::string_view("1")}, {}});
  // A transaction's end with statements left keeps them.
  CHECK(store.drop_portals().size() == 1);
  CHECK(store.allocated());
  CHECK(store.statement_count() == 2);
  store.drop_unnamed_statement();
  CHECK(store.drop_portals().empty());
  CHECK(store.allocated());  // "named" is left
  CHECK(store.deallocate("named"));
  CHECK(store.drop_portals().empty());
  CHECK_FALSE(store.allocated());  // nothing left: freed
  CHECK(store.statement_count() == 0);

  // The next Parse starts from scratch and binds as before.
  store.add_statement(statement("", {oid::int4}, 1));
  Portal& p = store.bind(Bind{"", "", {}, {std::string_view("8")}, {1}});
  CHECK(p.parameters.at(0) == std::optional<std::string_view>("8"));
  CHECK(p.result_formats == std::vector<FormatCode>{1});
  CHECK(store.portal("") == &p);
}
