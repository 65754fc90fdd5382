#include "pgwire/protocol/cursor_grammar.hpp"

#include <cctype>
#include <charconv>
#include <vector>

namespace pgwire {
namespace {

struct Tok {
  enum Kind { word, quoted, number, other } kind;
  std::string text;  // words lower case; quoted identifiers unquoted
  std::size_t end;   // offset just past the token
};

// Tokens up to `max` (enough for a cursor command's head); stops at the first
// string literal or other punctuation, which cursor syntax never needs.
std::vector<Tok> head_tokens(std::string_view s, std::size_t max) {
  std::vector<Tok> out;
  std::size_t i = 0;
  while (out.size() < max) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size()) break;
    char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80) {
      std::string w;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' || s[i] == '$' ||
                              static_cast<unsigned char>(s[i]) >= 0x80))
        w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i++]))));
      out.push_back({Tok::word, std::move(w), i});
    } else if (c == '"') {
      std::string w;
      ++i;
      for (;;) {
        if (i >= s.size()) return out;  // unterminated: not ours
        if (s[i] == '"') {
          if (i + 1 < s.size() && s[i + 1] == '"') {
            w.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        w.push_back(s[i++]);
      }
      out.push_back({Tok::quoted, std::move(w), i});
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
      std::string w(1, c);
      ++i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) w.push_back(s[i++]);
      out.push_back({Tok::number, std::move(w), i});
    } else {
      out.push_back({Tok::other, std::string(1, c), i + 1});
      break;
    }
  }
  return out;
}

bool only_spaces_or_semicolons(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c)) && c != ';') return false;
  return true;
}

std::optional<std::int64_t> number(const Tok& t) {
  if (t.kind != Tok::number) return std::nullopt;
  std::string_view v = t.text;
  if (!v.empty() && v[0] == '+') v.remove_prefix(1);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc{} || p != v.data() + v.size()) return std::nullopt;
  return n;
}

bool is_name(const Tok& t) { return t.kind == Tok::word || t.kind == Tok::quoted; }

// FETCH/MOVE [direction] [FROM | IN] name
std::optional<CursorCommand> fetch_or_move(std::string_view sql, const std::vector<Tok>& t,
                                          CursorCommand::Kind kind) {
  using M = CursorCommand::Motion;
  CursorCommand c;
  c.kind = kind;
  std::size_t i = 1;
  auto word = [&](std::size_t k, std::string_view w) {
    return k < t.size() && t[k].kind == Tok::word && t[k].text == w;
  };
  auto set_count = [&](std::int64_t n, M forward_motion) {
    if (n < 0) {
      c.motion = M::backward;
    } else {
      c.motion = forward_motion;
      c.count = static_cast<std::uint64_t>(n);
    }
  };
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
  } else if ((word(i, "absolute") || word(i, "relative")) && i + 1 < t.size() && number(t[i + 1])) {
    bool absolute = word(i, "absolute");
    std::int64_t n = *number(t[i + 1]);
    set_count(n, absolute ? M::absolute : M::relative);
    if (absolute && n == 0) c.motion = M::backward;  // before the first row
    i += 2;
  } else if (word(i, "forward") || word(i, "backward")) {
    bool back = word(i, "backward");
    ++i;
    if (word(i, "all")) {
      c.motion = back ? M::backward : M::all;
      ++i;
    } else if (i < t.size() && number(t[i])) {
      std::int64_t n = *number(t[i]);
      set_count(back ? -n : n, M::forward);
      ++i;
    } else if (back) {
      c.motion = M::backward;
    }
  } else if (i < t.size() && number(t[i])) {
    set_count(*number(t[i]), M::forward);
    ++i;
  }
  if (word(i, "from") || word(i, "in")) ++i;
  if (i >= t.size() || !is_name(t[i])) return std::nullopt;
  // A bare FROM/IN without a name is not a name.
  c.name = t[i].text;
  if (!only_spaces_or_semicolons(sql.substr(t[i].end))) return std::nullopt;
  return c;
}

}  // namespace

std::optional<CursorCommand> parse_cursor_command(std::string_view sql) {
  // Enough tokens for the longest head: DECLARE's options up to FOR.
  auto t = head_tokens(sql, 12);
  if (t.empty() || t[0].kind != Tok::word) return std::nullopt;
  const std::string& verb = t[0].text;
  if (verb == "fetch") return fetch_or_move(sql, t, CursorCommand::Kind::fetch);
  if (verb == "move") return fetch_or_move(sql, t, CursorCommand::Kind::move);
  if (verb == "close") {
    if (t.size() < 2 || !is_name(t[1]) || !only_spaces_or_semicolons(sql.substr(t[1].end)))
      return std::nullopt;
    CursorCommand c;
    c.kind = CursorCommand::Kind::close;
    if (!(t[1].kind == Tok::word && t[1].text == "all")) c.name = t[1].text;
    return c;
  }
  if (verb != "declare" || t.size() < 2 || !is_name(t[1])) return std::nullopt;
  // DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR
  //   [{WITH | WITHOUT} HOLD] FOR query
  const auto& d = t;
  CursorCommand c;
  c.kind = CursorCommand::Kind::declare;
  c.name = d[1].text;
  std::size_t i = 2;
  auto word = [&](std::string_view w) { return i < d.size() && d[i].kind == Tok::word && d[i].text == w; };
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
  std::string_view query = sql.substr(d[i].end);
  while (!query.empty() && std::isspace(static_cast<unsigned char>(query.front()))) query.remove_prefix(1);
  while (!query.empty() && (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';'))
    query.remove_suffix(1);
  // The standard's updatability clause "FOR READ ONLY" belongs to the cursor,
  // not to the query (libpqxx appends it): products need not know it.
  std::string_view rest = query;
  bool clause = true;
  for (std::string_view word : {"only", "read", "for"}) {
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.remove_suffix(1);
    std::size_t n = word.size();
    bool match = rest.size() > n && std::isspace(static_cast<unsigned char>(rest[rest.size() - n - 1]));
    for (std::size_t k = 0; match && k < n; ++k)
      match = std::tolower(static_cast<unsigned char>(rest[rest.size() - n + k])) == word[k];
    if (!match) {
      clause = false;
      break;
    }
    rest.remove_suffix(n);
  }
  if (clause) {
    while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back()))) rest.remove_suffix(1);
    query = rest;
  }
  if (query.empty()) return std::nullopt;
  c.query = std::string(query);
  return c;
}

}  // namespace pgwire
