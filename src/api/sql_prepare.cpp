// SQL-level PREPARE / EXECUTE (sql_prepare.hpp).

#include "sql_prepare.hpp"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "pgwire/protocol/sql_text.hpp"

namespace pgwire::api_detail {

namespace {

// Whether the statement's first word is `verb` (a look at one token: every
// statement a product runs may come here).
bool starts_with(std::string_view sql, std::string_view verb) {
  SqlLexer lexer(sql);
  auto first = lexer.next();
  return first && first->is_keyword(verb);
}

std::vector<SqlToken> tokens_of(std::string_view sql) {
  std::vector<SqlToken> out = tokenize(sql);
  while (!out.empty() && out.back().is_punct(";")) out.pop_back();
  return out;
}

// The index of the ')' closing the '(' at `open`; toks.size() when none.
std::size_t closing(const std::vector<SqlToken>& toks, std::size_t open) {
  int depth = 0;
  for (std::size_t i = open; i < toks.size(); ++i) {
    if (toks[i].is_punct("(") || toks[i].is_punct("[")) ++depth;
    if ((toks[i].is_punct(")") || toks[i].is_punct("]")) && --depth == 0) return i;
  }
  return toks.size();
}

// The texts of a parenthesised list's items, split at its top-level commas.
std::vector<std::string> items(std::string_view sql, const std::vector<SqlToken>& toks, std::size_t open,
                               std::size_t close) {
  std::vector<std::string> out;
  std::size_t first = open + 1;
  int depth = 0;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (i < close && (toks[i].is_punct("(") || toks[i].is_punct("["))) ++depth;
    if (i < close && (toks[i].is_punct(")") || toks[i].is_punct("]"))) --depth;
    if (i == close || (depth == 0 && toks[i].is_punct(","))) {
      if (i > first) out.emplace_back(sql.substr(toks[first].offset, toks[i - 1].end() - toks[first].offset));
      first = i + 1;
    }
  }
  return out;
}

// At `at` of the statement: PostgreSQL's position (1-based, in characters).
PgError syntax_error(std::string_view statement, const SqlToken& at) {
  auto info = ErrorInfo::error("42601", fmt::format("syntax error at or near \"{}\"", at.text));
  std::size_t characters = 1;
  for (std::size_t i = 0; i < at.offset && i < statement.size(); ++i)
    if ((static_cast<unsigned char>(statement[i]) & 0xC0) != 0x80) ++characters;
  info.position = std::to_string(characters);
  return PgError(std::move(info));
}

PgError end_of_input() { return PgError("42601", "syntax error at end of input"); }

// The highest $n of a statement (0: none).
std::size_t highest_parameter(const std::vector<SqlToken>& toks) {
  std::size_t n = 0;
  for (const auto& t : toks)
    if (t.kind == SqlToken::Kind::parameter) {
      std::size_t k = 0;
      std::from_chars(t.text.data() + 1, t.text.data() + t.text.size(), k);
      n = std::max(n, k);
    }
  return n;
}

}  // namespace

std::optional<Response> sql_prepare(Session& session, std::string_view statement) {
  if (!starts_with(statement, "prepare")) return std::nullopt;
  auto toks = tokens_of(statement);
  if (toks.size() < 2 || toks[1].is_keyword("transaction")) return std::nullopt;
  if (!toks[1].is_name()) throw syntax_error(statement, toks[1]);
  std::string name = toks[1].value();
  Session::SqlPrepared prepared;
  std::size_t i = 2;
  if (i < toks.size() && toks[i].is_punct("(")) {
    std::size_t close = closing(toks, i);
    if (close == toks.size()) throw end_of_input();
    prepared.parameter_types = items(statement, toks, i, close);
    i = close + 1;
  }
  if (i >= toks.size()) throw end_of_input();
  if (!toks[i].is_keyword("as")) throw syntax_error(statement, toks[i]);
  if (i + 1 >= toks.size()) throw end_of_input();
  // (PostgreSQL prepares SELECT, INSERT, UPDATE, DELETE, MERGE and VALUES only)
  const SqlToken& verb = toks[i + 1];
  if (!(verb.is_keyword("select") || verb.is_keyword("insert") || verb.is_keyword("update") ||
        verb.is_keyword("delete") || verb.is_keyword("values") || verb.is_keyword("with") ||
        verb.is_keyword("merge") || verb.is_keyword("table") || verb.is_punct("(")))
    throw syntax_error(statement, verb);
  prepared.sql = std::string(statement.substr(verb.offset, toks.back().end() - verb.offset));
  if (!session.add_sql_prepared(name, std::move(prepared)))
    return Response::error(ErrorInfo::error("42P05", fmt::format("prepared statement \"{}\" already exists", name)));
  return Response::command("PREPARE");
}

std::optional<std::string> sql_execute_text(const Session& session, std::string_view statement) {
  if (!starts_with(statement, "execute")) return std::nullopt;
  auto toks = tokens_of(statement);
  if (toks.size() < 2 || !toks[1].is_name()) return std::nullopt;
  std::string name = toks[1].value();
  const Session::SqlPrepared* prepared = session.sql_prepared(name);
  if (prepared == nullptr) throw PgError("26000", fmt::format("prepared statement \"{}\" does not exist", name));
  std::vector<std::string> arguments;
  if (toks.size() > 2) {
    if (!toks[2].is_punct("(")) throw syntax_error(statement, toks[2]);
    std::size_t close = closing(toks, 2);
    if (close == toks.size()) throw end_of_input();
    if (close + 1 != toks.size()) throw syntax_error(statement, toks[close + 1]);
    arguments = items(statement, toks, 2, close);
  }
  auto body = tokenize(prepared->sql);
  std::size_t expected = std::max(prepared->parameter_types.size(), highest_parameter(body));
  if (arguments.size() != expected)
    throw PgError(ErrorInfo::error("42601", fmt::format("wrong number of parameters for prepared statement \"{}\"", name))
                      .with_detail(fmt::format("Expected {} parameters but got {}.", expected, arguments.size())));
  std::string out;
  std::size_t copied = 0;
  for (const auto& t : body) {
    if (t.kind != SqlToken::Kind::parameter) continue;
    std::size_t k = 0;
    std::from_chars(t.text.data() + 1, t.text.data() + t.text.size(), k);
    if (k == 0 || k > arguments.size()) continue;  // (none: counted above)
    out.append(prepared->sql, copied, t.offset - copied);
    out += "(" + arguments[k - 1] + ")";
    if (k <= prepared->parameter_types.size()) out += "::" + prepared->parameter_types[k - 1];
    copied = t.end();
  }
  out.append(prepared->sql, copied);
  return out;
}

}  // namespace pgwire::api_detail
