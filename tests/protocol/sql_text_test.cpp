// The SQL tokenizer (pgwire/protocol/sql_text.hpp): PostgreSQL's lexical
// rules, statement splitting and the empty-query test built on it.

#include "pgwire/protocol/sql_text.hpp"

#include <string>
#include <vector>

#include "support/catch.hpp"

using namespace pgwire;
using Kind = SqlToken::Kind;

namespace {

// "kind:text" per token, for compact expectations.
std::vector<std::string> lex(std::string_view sql) {
  std::vector<std::string> out;
  for (const auto& t : tokenize(sql)) {
    const char* k = "";
    switch (t.kind) {
      case Kind::word: k = "w"; break;
      case Kind::quoted_identifier: k = "q"; break;
      case Kind::string: k = "s"; break;
      case Kind::number: k = "n"; break;
      case Kind::parameter: k = "p"; break;
      case Kind::punct: k = "o"; break;
    }
    out.push_back(std::string(k) + ":" + std::string(t.text));
  }
  return out;
}

using V = std::vector<std::string>;
using S = std::vector<std::string_view>;

SqlToken only(std::string_view sql) {
  auto t = tokenize(sql);
  REQUIRE(t.size() == 1);
  return t[0];
}

}  // namespace

TEST_CASE("tokenizer: words, numbers, parameters and punctuation", "[sql_text]") {
  CHECK(lex("SELECT a_1, $2 FROM t;") == V{"w:SELECT", "w:a_1", "o:,", "p:$2", "w:FROM", "w:t", "o:;"});
  // '$' continues a word; non-ASCII bytes are word characters.
  CHECK(lex("x$1 caf\xc3\xa9") == V{"w:x$1", "w:caf\xc3\xa9"});
  CHECK(lex("42 3.14 .5 1. 1e10 2.5E-3 1e+2") == V{"n:42", "n:3.14", "n:.5", "n:1.", "n:1e10", "n:2.5E-3", "n:1e+2"});
  // Trailing identifier characters stay in the number (PostgreSQL's
  // "trailing junk"); "1..2" is 1 then "..".
  CHECK(lex("10s 0x1F 1_000") == V{"n:10s", "n:0x1F", "n:1_000"});
  CHECK(lex("1..2") == V{"n:1", "o:..", "n:2"});
  CHECK(lex("a.b") == V{"w:a", "o:.", "w:b"});
  CHECK(lex("x::int4[]") == V{"w:x", "o:::", "w:int4", "o:[", "o:]"});
  CHECK(lex("a<=b a<>b a||b a!=b a:=b a=>b") ==
        V{"w:a", "o:<=", "w:b", "w:a", "o:<>", "w:b", "w:a", "o:||", "w:b", "w:a", "o:!=", "w:b", "w:a", "o::=",
          "w:b", "w:a", "o:=>", "w:b"});
  // A trailing + or - leaves an operator (x=-1 is x = -1) unless it holds
  // one of ~!@#^&|`?% (@- stays whole).
  CHECK(lex("x=-1") == V{"w:x", "o:=", "o:-", "n:1"});
  CHECK(lex("x*-+1") == V{"w:x", "o:*", "o:-", "o:+", "n:1"});
  CHECK(lex("@-1") == V{"o:@-", "n:1"});
  // An operator ends where a comment begins.
  CHECK(lex("a+--c\nb") == V{"w:a", "o:+", "w:b"});
  CHECK(lex("a*/*c*/b") == V{"w:a", "o:*", "w:b"});
  CHECK(lex("$ \\") == V{"o:$", "o:\\"});
}

TEST_CASE("tokenizer: comments are skipped, block comments nest", "[sql_text]") {
  CHECK(lex("a -- one ; two\nb") == V{"w:a", "w:b"});
  CHECK(lex("a --\rb") == V{"w:a", "w:b"});
  CHECK(lex("a /* x /* nested ; */ still ; */ b") == V{"w:a", "w:b"});
  CHECK(lex("a /* unterminated /* */ b") == V{"w:a"});
  CHECK(lex("a - - b") == V{"w:a", "o:-", "o:-", "w:b"});
  CHECK(tokenize("  -- only a comment").empty());
}

TEST_CASE("tokenizer: strings", "[sql_text]") {
  CHECK(lex("'it''s' 'a'") == V{"s:'it''s'", "s:'a'"});
  CHECK(only("'it''s'").value() == "it's");
  CHECK(only("''").value().empty());
  // Standard strings keep backslashes; E'' strings escape with them.
  CHECK(only(R"('a\')").value() == "a\\");
  CHECK(lex(R"(E'a\'b' x)") == V{R"(s:E'a\'b')", "w:x"});
  CHECK(only(R"(e'a\'b''c')").value() == "a'b'c");
  CHECK(only(R"(E'\n\t\\\x41\101\u00e9\U0001F600\q')").value() == "\n\t\\AA\xc3\xa9\xf0\x9f\x98\x80q");
  CHECK(only(R"(E'\uD83D\uDE00')").value() == "\xf0\x9f\x98\x80");
  // The prefix only counts at the start of a word: "typee" is a word.
  CHECK(lex(R"(typee'a\' x)") == V{"w:typee", R"(s:'a\')", "w:x"});
  CHECK(lex("B'101' X'1F' N'n'") == V{"s:B'101'", "s:X'1F'", "s:N'n'"});
  CHECK(only("X'1F'").value() == "1F");
  auto open = only("'abc; def");
  CHECK(open.kind == Kind::string);
  CHECK_FALSE(open.terminated);
  CHECK(open.value() == "abc; def");
  CHECK(only("'abc'").terminated);
}

TEST_CASE("tokenizer: dollar quotes", "[sql_text]") {
  CHECK(lex("$$a'b;$$ x") == V{"s:$$a'b;$$", "w:x"});
  CHECK(only("$$a'b;$$").value() == "a'b;");
  CHECK(only("$fn$ body $$ inner $$ $fn$").value() == " body $$ inner $$ ");
  CHECK(lex("$a$x$b$y$a$") == V{"s:$a$x$b$y$a$"});
  // A tag is an identifier that does not start with a digit: $1 is a parameter.
  CHECK(lex("$1$") == V{"p:$1", "o:$"});
  // Inside a word '$' is a word character, not a quote.
  CHECK(lex("a$b$ c") == V{"w:a$b$", "w:c"});
  auto open = only("$q$ never closed $q");
  CHECK(open.kind == Kind::string);
  CHECK_FALSE(open.terminated);
}

TEST_CASE("tokenizer: quoted identifiers", "[sql_text]") {
  auto t = only(R"("My ""Table""")");
  CHECK(t.kind == Kind::quoted_identifier);
  CHECK(t.value() == R"(My "Table")");
  CHECK(t.is_name());
  CHECK_FALSE(t.is_keyword("my \"table\""));
  // A quoted keyword is a name, not a keyword; words fold to lower case.
  CHECK_FALSE(only("\"select\"").is_keyword("select"));
  CHECK(only("SeLeCt").is_keyword("select"));
  CHECK(only("SeLeCt").value() == "select");
  CHECK_FALSE(only("'select'").is_keyword("select"));
  CHECK_FALSE(only("\"open").terminated);
}

TEST_CASE("tokenizer: offsets and the lexer", "[sql_text]") {
  std::string_view sql = "  SELECT /* c */ 'x' ;";
  auto t = tokenize(sql);
  REQUIRE(t.size() == 3);
  CHECK(t[0].offset == 2);
  CHECK(t[1].offset == 17);
  CHECK(t[1].end() == 20);
  CHECK(sql.substr(t[2].offset, 1) == ";");
  CHECK(tokenize(sql, 2).size() == 2);
  SqlLexer lexer(sql);
  CHECK(lexer.next()->is_keyword("select"));
  CHECK(lexer.offset() == 8);
  CHECK(lexer.next()->kind == Kind::string);
  CHECK(lexer.next()->is_punct(";"));
  CHECK_FALSE(lexer.next());
}

TEST_CASE("split_statements: a semicolon splits only at the top level", "[sql_text]") {
  CHECK(split_statements("SELECT 1; SELECT 2") == S{"SELECT 1", "SELECT 2"});
  CHECK(split_statements("SELECT ';'; SELECT 2") == S{"SELECT ';'", "SELECT 2"});
  CHECK(split_statements("SELECT 'it''s;'; x") == S{"SELECT 'it''s;'", "x"});
  CHECK(split_statements(R"(SELECT E'\';'; x)") == S{R"(SELECT E'\';')", "x"});
  // Without E a backslash does not escape: the string ends at \'.
  CHECK(split_statements(R"(SELECT '\'; x)") == S{R"(SELECT '\')", "x"});
  CHECK(split_statements("SELECT \"a;b\"; x") == S{"SELECT \"a;b\"", "x"});
  CHECK(split_statements("SELECT \"a\"\";b\"; x") == S{"SELECT \"a\"\";b\"", "x"});
  CHECK(split_statements("SELECT $$;$$; x") == S{"SELECT $$;$$", "x"});
  CHECK(split_statements("CREATE FUNCTION f() AS $body$ BEGIN; END; $body$; x") ==
        S{"CREATE FUNCTION f() AS $body$ BEGIN; END; $body$", "x"});
  CHECK(split_statements("SELECT 1 -- no; split\n; x") == S{"SELECT 1 -- no; split", "x"});
  CHECK(split_statements("SELECT /* a; /* b; */ c; */ 1; x") == S{"SELECT /* a; /* b; */ c; */ 1", "x"});
  // A '$' inside a word opens no dollar quote.
  CHECK(split_statements("SELECT a$b$; SELECT 2") == S{"SELECT a$b$", "SELECT 2"});
  // An unclosed quote runs to the end.
  CHECK(split_statements("SELECT 'x; SELECT 2") == S{"SELECT 'x; SELECT 2"});
  CHECK(split_statements("SELECT $q$x; SELECT 2") == S{"SELECT $q$x; SELECT 2"});
}

TEST_CASE("split_statements: trimming and empty statements", "[sql_text]") {
  CHECK(split_statements("  SELECT 1 ;\n\t SELECT 2  ") == S{"SELECT 1", "SELECT 2"});
  CHECK(split_statements(";;SELECT 1;;;") == S{"SELECT 1"});
  CHECK(split_statements("SELECT 1; -- done").size() == 1);
  CHECK(split_statements("SELECT 1; /* a */ ;").size() == 1);
  // Comments around a statement stay with it.
  CHECK(split_statements("-- lead\nSELECT 1") == S{"-- lead\nSELECT 1"});
  CHECK(split_statements("").empty());
  CHECK(split_statements(" ; -- c\n ; /* d */ ").empty());
}

TEST_CASE("is_empty_query", "[sql_text]") {
  CHECK(is_empty_query(""));
  CHECK(is_empty_query("  ;\n; "));
  CHECK(is_empty_query("-- c\n/* d /* e */ */;"));
  CHECK(is_empty_query("/* unterminated; SELECT 1"));
  CHECK_FALSE(is_empty_query("SELECT 1"));
  CHECK_FALSE(is_empty_query("-- c\nx"));
  CHECK_FALSE(is_empty_query("''"));
  CHECK_FALSE(is_empty_query("'-- not a comment'"));
}

TEST_CASE("is_transaction_exit: what a failed block still runs", "[sql]") {
  for (const char* yes : {"ROLLBACK", "rollback to savepoint a", "/* x */ Abort", "COMMIT AND CHAIN", "end",
                          "end transaction", "PREPARE TRANSACTION 'g'", "-- c\n commit work"})
    CHECK(is_transaction_exit(yes));
  for (const char* no : {"select 1", "COMMIT PREPARED 'g'", "ROLLBACK PREPARED 'g'", "PREPARE p AS select 1",
                         "savepoint a", "release a", "\"rollback\"", "", "begin", "close c"})
    CHECK_FALSE(is_transaction_exit(no));
}
