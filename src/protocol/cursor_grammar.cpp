// The grammar of the SQL cursor commands (DECLARE / FETCH / MOVE / CLOSE),
// read through the SQL tokenizer (sql_text.hpp); what the session does with
// them is cursor_rules.cpp.

#include "pgwire/protocol/cursor_grammar.hpp"

#include <cctype>
#include <charconv>
#include <vector>

#include "pgwire/protocol/sql_text.hpp"

namespace pgwire {
namespace {

using Kind = SqlToken::Kind;

// A FETCH/MOVE count: [+ | -] integer, as an int64 (nullopt for anything
// else, or on overflow). `used` receives the number of tokens it took.
std::optional<std::int64_t> count_at(const std::vector<SqlToken>& t, std::size_t i, std::size_t& used) {
  std::string digits;
  used = 0;
  if (i < t.size() && (t[i].is_punct("-") || t[i].is_punct("+"))) {
    if (t[i].is_punct("-")) digits = "-";
    ++used;
  }
  if (i + used >= t.size() || t[i + used].kind != Kind::number) return std::nullopt;
  digits += t[i + used].text;
  ++used;
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || p != digits.data() + digits.size()) return std::nullopt;
  return n;
}

// A cursor name: an identifier, folded to lower case unless quoted.
bool is_name(const std::vector<SqlToken>& t, std::size_t i) {
  return i < t.size() && t[i].is_name() && t[i].terminated;
}

// Nothing but ';' after token i.
bool ends_after(std::string_view sql, const SqlToken& t) { return is_empty_query(sql.substr(t.end())); }

// FETCH/MOVE [direction] [FROM | IN] name
std::optional<CursorCommand> fetch_or_move(std::string_view sql, const std::vector<SqlToken>& t,
                                          CursorCommand::Kind kind) {
  using M = CursorCommand::Motion;
  CursorCommand c;
  c.kind = kind;
  std::size_t i = 1;
  auto word = [&](std::size_t k, std::string_view w) { return k < t.size() && t[k].is_keyword(w); };
  auto set_count = [&](std::int64_t n, M forward_motion) {
    if (n < 0) {
      c.motion = M::backward;
    } else {
      c.motion = forward_motion;
      c.count = static_cast<std::uint64_t>(n);
    }
  };
  std::size_t used = 0;
  if (word(i, "next")) {
    ++i;
  } else if (word(i, "prior") || word(i, "last")) {
    c.motion = M::backward;
    ++i;
  } else if (word(i, "first")) {
    c.motion = M::absolute;
    ++i;
  } else if (word(i, "all")) {
    c.motion = M::all;
    ++i;
  } else if ((word(i, "absolute") || word(i, "relative")) && count_at(t, i + 1, used)) {
    bool absolute = word(i, "absolute");
    std::int64_t n = *count_at(t, i + 1, used);
    set_count(n, absolute ? M::absolute : M::relative);
    if (absolute && n == 0) c.motion = M::backward;  // before the first row
    i += 1 + used;
  } else if (word(i, "forward") || word(i, "backward")) {
    bool back = word(i, "backward");
    ++i;
    if (word(i, "all")) {
      c.motion = back ? M::backward : M::all;
      ++i;
    } else if (auto n = count_at(t, i, used)) {
      set_count(back ? -*n : *n, M::forward);
      i += used;
    } else if (back) {
      c.motion = M::backward;
    }
  } else if (auto n = count_at(t, i, used)) {
    set_count(*n, M::forward);
    i += used;
  }
  if (word(i, "from") || word(i, "in")) ++i;
  // A bare FROM/IN without a name is not a name.
  if (!is_name(t, i)) return std::nullopt;
  c.name = t[i].value();
  if (!ends_after(sql, t[i])) return std::nullopt;
  return c;
}

}  // namespace

std::optional<CursorCommand> parse_cursor_command(std::string_view sql) {
  // Most statements are not cursor commands: one token tells.
  SqlLexer lexer(sql);
  auto verb = lexer.next();
  if (!verb || !(verb->is_keyword("fetch") || verb->is_keyword("move") || verb->is_keyword("close") ||
                 verb->is_keyword("declare")))
    return std::nullopt;
  // Enough tokens for the longest head: DECLARE's options up to FOR.
  auto t = tokenize(sql, 12);
  if (verb->is_keyword("fetch")) return fetch_or_move(sql, t, CursorCommand::Kind::fetch);
  if (verb->is_keyword("move")) return fetch_or_move(sql, t, CursorCommand::Kind::move);
  if (verb->is_keyword("close")) {
    if (!is_name(t, 1) || !ends_after(sql, t[1])) return std::nullopt;
    CursorCommand c;
    c.kind = CursorCommand::Kind::close;
    if (!t[1].is_keyword("all")) c.name = t[1].value();
    return c;
  }
  if (!is_name(t, 1)) return std::nullopt;
  // DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR
  //   [{WITH | WITHOUT} HOLD] FOR query
  CursorCommand c;
  c.kind = CursorCommand::Kind::declare;
  c.name = t[1].value();
  std::size_t i = 2;
  auto word = [&](std::string_view w) { return i < t.size() && t[i].is_keyword(w); };
  for (;;) {
    if (word("binary")) {
      c.binary = true;
    } else if (word("asensitive") || word("insensitive") || word("scroll") || word("no")) {
      // NO SCROLL / SCROLL: every cursor here is forward-only.
    } else {
      break;
    }
    ++i;
  }
  if (!word("cursor")) return std::nullopt;
  ++i;
  if (word("with") || word("without")) {
    c.hold = word("with");
    ++i;
    if (!word("hold")) return std::nullopt;
    ++i;
  }
  if (!word("for")) return std::nullopt;
  // The query: from its first character (leading comments stay) to its last
  // token, without the trailing ';'.
  std::string_view rest = sql.substr(t[i].end());
  auto q = tokenize(rest);
  while (!q.empty() && q.back().is_punct(";")) q.pop_back();
  if (q.empty()) return std::nullopt;
  std::size_t end = q.back().end();
  // The standard's updatability clause "FOR READ ONLY" belongs to the cursor,
  // not to the query (libpqxx appends it): products need not know it.
  std::size_t n = q.size();
  if (n > 3 && q[n - 3].is_keyword("for") && q[n - 2].is_keyword("read") && q[n - 1].is_keyword("only"))
    end = q[n - 4].end();
  std::size_t begin = 0;
  while (begin < end && std::isspace(static_cast<unsigned char>(rest[begin]))) ++begin;
  c.query = std::string(rest.substr(begin, end - begin));
  return c;
}

}  // namespace pgwire
