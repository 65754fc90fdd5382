#pragma once
// The catalog layer's view of SQL text: the library's tokens (sql_text.hpp)
// as a vector it can rewrite, and the few structures the rewrite
// (pg_to_sqlite.cpp) and the result typing (result_types.cpp) both read:
// parenthesised groups, select lists, type names after "::".

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pgwire/protocol/sql_text.hpp"
#include "pgwire/types/oid.hpp"

namespace pgwire::catalog_detail {

using Kind = SqlToken::Kind;

struct Tok {
  Kind kind = Kind::punct;
  std::string text;  // as SQLite reads it
  std::string low;   // words: lower case; others: text

  bool is(std::string_view keyword) const { return kind == Kind::word && low == keyword; }
  bool p(std::string_view punct) const { return kind == Kind::punct && text == punct; }
  bool name() const { return kind == Kind::word || kind == Kind::quoted_identifier; }
};
using Toks = std::vector<Tok>;

Tok word(std::string text);
Tok punct(std::string text);

// The tokens of `sql`, strings re-quoted for SQLite (E'', $$ decoded), a
// trailing ';' dropped. Throws std::runtime_error for an unclosed quote.
Toks lex(std::string_view sql);
// SQLite's text for `toks` (tokens separated by spaces).
std::string render(const Toks& toks);

// The matching ')' or ']' of the bracket at `open`, and back.
std::size_t match_forward(const Toks& t, std::size_t open);
std::size_t match_backward(const Toks& t, std::size_t close);
Toks slice(const Toks& in, std::size_t from, std::size_t to);
void append(Toks& out, std::initializer_list<const char*> items);
void append(Toks& out, const Toks& more);

// A type name after "::" at `i`: its OID (0 when unknown) and where it ends.
std::pair<Oid, std::size_t> read_type(const Toks& in, std::size_t i);
// A word that ends a FROM clause (WHERE, GROUP, ORDER, ON, ...).
bool clause_end(const Tok& t);
// A word that can be a table alias after a FROM item.
bool alias_word(const Tok& t);
// A comparison or boolean operator (the result of the expression is a bool).
bool bool_operator(const Tok& t);
bool starts_query(const Toks& t);
// The first of a comma-separated list at depth 0 (a call's first argument,
// an ARRAY[...]'s first element): all of `list` when it has one item.
Toks first_argument(const Toks& list);
// The items of the first top-level SELECT list of `q`.
std::vector<Toks> select_items(const Toks& q);

}  // namespace pgwire::catalog_detail
