#pragma once
// Where in the client's statement an error is, as PostgreSQL reports it
// (ErrorResponse's position: psql prints `LINE 1: ...` with a caret under
// it, pgjdbc "Position: n"). PostgreSQL knows the place from its parse
// tree. SQLite's messages (errors.hpp) name the thing instead, so the
// position is that thing's first place in the text:
// - a literal that is not valid input for its type (22P02, 22007, 22008,
//   22003: `...: "V"`, `value "V" is out of range`): the string 'V' (or an
//   array literal holding V);
// - a relation that does not exist (42P01): its name, or its schema's;
// - a column that does not exist (42703), or that must be grouped
//   (42803): the reference (`t.x` from t);
// - a function that does not exist (42883): its name;
// - a syntax error (42601): the token it names, or the end of the input;
// - an aggregate where none is allowed (42803): the call, and the clause named.
// Nothing when the text does not hold it: a value read from a table has
// no place, in PostgreSQL either.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include <pgwire/api/results.hpp>
#include <pgwire/protocol/sql_text.hpp>

#include "grouping_check.hpp"

namespace sqlite_example::error_positions {

// PostgreSQL's position: 1-based, in characters (UTF-8), not bytes.
inline std::size_t characters_to(std::string_view text, std::size_t offset) {
  std::size_t chars = 1;
  for (char c : text.substr(0, offset)) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return chars;
}

namespace detail {

// V of `...: "V"` (the whole rest of the message), `value "V" is out of
// range ...` or `"V" is out of range ...`.
inline std::optional<std::string> input_value(std::string_view message) {
  if (message.starts_with("\"")) {  // "1e400" is out of range for type double precision
    auto end = message.find("\" is out of range");
    if (end != std::string_view::npos) return std::string(message.substr(1, end - 1));
  }
  if (message.starts_with("value \"")) {
    auto end = message.find("\" is out of range");
    if (end != std::string_view::npos) return std::string(message.substr(7, end - 7));
  }
  auto at = message.find(": \"");
  if (at == std::string_view::npos || !message.ends_with("\"") || message.size() < at + 4) return std::nullopt;
  return std::string(message.substr(at + 3, message.size() - at - 4));
}

// "x" of `<word> "x" ...`, or the unquoted `t.x` of `column t.x does not exist`.
inline std::optional<std::string> named(std::string_view message, std::string_view word) {
  if (!message.starts_with(word)) return std::nullopt;
  message.remove_prefix(word.size());
  if (message.starts_with("\"")) {
    auto end = message.find('"', 1);
    if (end == std::string_view::npos) return std::nullopt;
    return std::string(message.substr(1, end - 1));
  }
  auto end = message.find(' ');
  return std::string(message.substr(0, end));
}

// The first name token equal to the last part of `reference` (a.b.c: c,
// preceded by a and b), from its first part on.
inline std::optional<std::size_t> find_reference(const std::vector<pgwire::SqlToken>& toks, std::string_view reference,
                                                 bool call) {
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    auto dot = reference.find('.', from);
    parts.emplace_back(reference.substr(from, dot == std::string_view::npos ? std::string_view::npos : dot - from));
    if (dot == std::string_view::npos) break;
    from = dot + 1;
  }
  std::size_t n = parts.size();
  // (SQLite names a table as written, Nope where PostgreSQL folds it to
  // nope: an unquoted word matches in any case)
  auto same = [](const pgwire::SqlToken& t, const std::string& part) {
    if (t.kind == pgwire::SqlToken::Kind::quoted_identifier) return t.value() == part;
    return t.kind == pgwire::SqlToken::Kind::word && t.text.size() == part.size() &&
           sqlite3_strnicmp(t.text.data(), part.data(), static_cast<int>(part.size())) == 0;
  };
  for (std::size_t i = 0; i + 2 * (n - 1) < toks.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < n && match; ++k)
      match = same(toks[i + 2 * k], parts[k]) && (k + 1 == n || toks[i + 2 * k + 1].is_punct("."));
    std::size_t last = i + 2 * (n - 1);
    if (!match || call != (last + 1 < toks.size() && toks[last + 1].is_punct("("))) continue;
    std::size_t first = i;
    // (a qualified name found by its last part: from its qualifier, as PostgreSQL)
    if (n == 1 && first >= 2 && toks[first - 1].is_punct(".") && toks[first - 2].is_name()) first -= 2;
    return toks[first].offset;
  }
  return std::nullopt;
}

inline std::optional<std::size_t> find_literal(const std::vector<pgwire::SqlToken>& toks, const std::string& value) {
  for (std::size_t k = 0; k < toks.size(); ++k) {
    const auto& t = toks[k];
    if (t.kind != pgwire::SqlToken::Kind::string || t.value() != value) continue;
    // (read at run time by to_date/to_timestamp, not when parsing: no position)
    if (k >= 2 && toks[k - 1].is_punct("(") && (toks[k - 2].is_keyword("to_date") || toks[k - 2].is_keyword("to_timestamp")))
      return std::nullopt;
    return t.offset;
  }
  for (const auto& t : toks) {  // (an element of an array literal: '{1,x}'::int[] is "x")
    if (t.kind != pgwire::SqlToken::Kind::string) continue;
    std::string v = t.value();
    if (v.starts_with("{") && v.find(value) != std::string::npos) return t.offset;
  }
  return std::nullopt;
}

// The types PostgreSQL names for the arguments of the call opening at
// toks[open] ("integer, unknown"), when each is a literal, NULL, a boolean
// or a literal cast to a common type; nullopt otherwise.
inline std::optional<std::string> argument_types(const std::vector<pgwire::SqlToken>& toks, std::size_t open) {
  using Kind = pgwire::SqlToken::Kind;
  std::string out;
  std::size_t i = open + 1;
  if (i < toks.size() && toks[i].is_punct(")")) return out;
  for (;;) {
    if (i < toks.size() && (toks[i].is_punct("-") || toks[i].is_punct("+"))) ++i;
    if (i >= toks.size()) return std::nullopt;
    const auto& t = toks[i++];
    std::string type;
    if (t.kind == Kind::number) {
      std::string v = t.value();
      if (v.find_first_of(".eE") != std::string::npos) type = "numeric";
      else type = v.size() < 10 || (v.size() == 10 && v <= "2147483647") ? "integer"
                  : v.size() < 19 || (v.size() == 19 && v <= "9223372036854775807") ? "bigint" : "numeric";
    } else if (t.kind == Kind::string || t.is_keyword("null")) {
      type = "unknown";
    } else if (t.is_keyword("true") || t.is_keyword("false")) {
      type = "boolean";
    } else {
      return std::nullopt;
    }
    if (i + 1 < toks.size() && toks[i].is_punct("::")) {
      std::string cast = toks[i + 1].value();
      i += 2;
      if (cast == "int" || cast == "int4" || cast == "integer") type = "integer";
      else if (cast == "int8" || cast == "bigint") type = "bigint";
      else if (cast == "int2" || cast == "smallint") type = "smallint";
      else if (cast == "text" || cast == "numeric" || cast == "date" || cast == "boolean") type = cast;
      else if (cast == "bool") type = "boolean";
      else return std::nullopt;
    }
    out += (out.empty() ? "" : ", ") + type;
    if (i < toks.size() && toks[i].is_punct(",")) { ++i; continue; }
    if (i < toks.size() && toks[i].is_punct(")")) return out;
    return std::nullopt;
  }
}

// INSERT INTO t (a, b) VALUES (1): the first target column without an
// expression, or the first expression without a column (a column list is
// needed: without one the table's width would be).
inline std::optional<std::size_t> insert_mismatch(const std::vector<pgwire::SqlToken>& toks, bool more_targets) {
  std::size_t k = 0;
  if (toks.size() < 4 || !toks[0].is_keyword("insert") || !toks[1].is_keyword("into")) return std::nullopt;
  k = 3;
  if (k + 1 < toks.size() && toks[k].is_punct(".")) k += 2;
  if (k >= toks.size() || !toks[k].is_punct("(")) return std::nullopt;
  // The starts of the items of the list opening at toks[open], and the index past its ")".
  auto items = [&](std::size_t open, std::vector<std::size_t>& starts) -> std::size_t {
    int depth = 0;
    for (std::size_t j = open; j < toks.size(); ++j) {
      if (toks[j].is_punct("(")) {
        if (++depth == 1 && j + 1 < toks.size() && !toks[j + 1].is_punct(")")) starts.push_back(toks[j + 1].offset);
      } else if (toks[j].is_punct(")")) {
        if (--depth == 0) return j + 1;
      } else if (depth == 1 && toks[j].is_punct(",") && j + 1 < toks.size()) {
        starts.push_back(toks[j + 1].offset);
      }
    }
    return toks.size();
  };
  std::vector<std::size_t> targets, values;
  k = items(k, targets);
  if (k + 1 >= toks.size() || !toks[k].is_keyword("values") || !toks[k + 1].is_punct("(")) return std::nullopt;
  items(k + 1, values);
  if (more_targets && values.size() < targets.size()) return targets[values.size()];
  if (!more_targets && targets.size() < values.size()) return values[targets.size()];
  return std::nullopt;
}

// A syntax error (42601): "at end of input" is past the last token; "at or
// near "X"" is the first token written X (SQLite names the token where
// its parse failed, in the statement as translated: an earlier X that
// parsed is a guess this cannot tell from it).
inline std::optional<std::size_t> syntax_error_at(const std::vector<pgwire::SqlToken>& toks, std::string_view message) {
  if (message == "syntax error at end of input") {
    if (toks.empty()) return std::nullopt;
    return toks.back().is_punct(";") && toks.size() > 1 ? toks[toks.size() - 2].end() : toks.back().end();
  }
  constexpr std::string_view prefix = "syntax error at or near \"";
  if (!message.starts_with(prefix) || !message.ends_with("\"")) return std::nullopt;
  std::string_view near = message.substr(prefix.size(), message.size() - prefix.size() - 1);
  auto same = [&](const pgwire::SqlToken& t) {  // (SQLite may spell a keyword in another case)
    if (t.text == near) return true;
    return t.kind == pgwire::SqlToken::Kind::word && t.text.size() == near.size() &&
           std::equal(near.begin(), near.end(), t.text.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
           });
  };
  // An occurrence nothing may precede so is the one that failed: the
  // token doubled (AND AND, FROM FROM), or a clause word after a comma.
  std::optional<std::size_t> first;
  for (std::size_t k = 0; k < toks.size(); ++k) {
    if (!same(toks[k])) continue;
    if (!first) first = toks[k].offset;
    if (k > 0 && (same(toks[k - 1]) || (toks[k - 1].is_punct(",") && toks[k].kind == pgwire::SqlToken::Kind::word)))
      return toks[k].offset;
  }
  return first;
}

// An aggregate call where PostgreSQL allows none (SQLite's "misuse of
// aggregate"): the first such call, and PostgreSQL's message naming the
// clause (in WHERE, in GROUP BY, in JOIN conditions, in UPDATE, in VALUES)
// or the nesting (an aggregate inside another's arguments).
inline std::optional<std::pair<std::size_t, std::string>> misplaced_aggregate(
    const std::vector<pgwire::SqlToken>& toks) {
  // Per parenthesis depth: the clause word last seen there, and whether
  // the parenthesis opens an aggregate call's arguments.
  struct Level {
    std::string clause;
    bool aggregate_arguments = false;
  };
  std::vector<Level> levels(1);
  for (std::size_t k = 0; k < toks.size(); ++k) {
    const auto& t = toks[k];
    if (t.is_punct("(")) {
      bool call = k > 0 && sqlite_dialect::grouping_detail::is_aggregate_name(toks[k - 1]);
      levels.push_back({levels.back().clause, call});
      continue;
    }
    if (t.is_punct(")")) {
      if (levels.size() > 1) levels.pop_back();
      continue;
    }
    for (std::string_view w : {"select", "where", "group", "having", "order", "on", "set", "values", "returning",
                               "from", "window", "limit"})
      if (t.is_keyword(w)) levels.back().clause = std::string(w);
    if (!sqlite_dialect::grouping_detail::is_aggregate_name(t) || k + 1 >= toks.size() || !toks[k + 1].is_punct("("))
      continue;
    std::size_t close = sqlite_dialect::matching_paren(toks, k + 1);
    if (close + 1 < toks.size() && toks[close + 1].is_keyword("over")) continue;  // (a window function)
    for (const Level& l : levels)
      if (l.aggregate_arguments) return std::pair{t.offset, std::string("aggregate function calls cannot be nested")};
    const std::string& c = levels.back().clause;
    std::string where = c == "where"    ? "WHERE"
                        : c == "group"  ? "GROUP BY"
                        : c == "on"     ? "JOIN conditions"
                        : c == "set"    ? "UPDATE"
                        : c == "values" ? "VALUES"
                                        : "";
    if (!where.empty()) return std::pair{t.offset, "aggregate functions are not allowed in " + where};
  }
  return std::nullopt;
}

}  // namespace detail

// The byte offset in `statement` (tokenized as `toks`) of what `error` is
// about, when it has none yet.
inline std::optional<std::size_t> locate(const pgwire::ErrorInfo& error, std::string_view statement,
                                         const std::vector<pgwire::SqlToken>& toks) {
  if (!error.position.empty() || statement.empty()) return std::nullopt;
  const std::string& code = error.code;
  std::string_view message = error.message;
  bool input = code == "22P02" || code == "22007" || code == "22008" || code == "22003";
  if (code == "42601" && (message == "INSERT has more target columns than expressions" ||
                          message == "INSERT has more expressions than target columns"))
    return detail::insert_mismatch(toks, message.find("target columns than") != std::string_view::npos);
  if (code == "42601") return detail::syntax_error_at(toks, message);
  if (code == "42803" && message == "aggregate functions are not allowed here") {
    auto misplaced = detail::misplaced_aggregate(toks);
    return misplaced ? std::optional(misplaced->first) : std::nullopt;
  }
  if (!input && code != "42P01" && code != "42703" && code != "42803" && code != "42883") return std::nullopt;
  if (input) {
    auto value = detail::input_value(message);
    return value ? detail::find_literal(toks, *value) : std::nullopt;
  }
  if (code == "42P01") {
    auto name = detail::named(message, "relation ");
    return name ? detail::find_reference(toks, *name, false) : std::nullopt;
  }
  if (code == "42703" || code == "42803") {  // (42803 names t.x where the text may say x)
    auto name = detail::named(message, "column ");
    if (!name) return std::nullopt;
    if (auto at = detail::find_reference(toks, *name, false)) return at;
    auto dot = name->rfind('.');
    return dot == std::string::npos ? std::nullopt : detail::find_reference(toks, name->substr(dot + 1), false);
  }
  auto name = detail::named(message, "function ");  // 42883: function f(integer) does not exist
  if (!name) return std::nullopt;
  return detail::find_reference(toks, name->substr(0, name->find('(')), true);
}

// Gives `error` its position in `text` (the whole Query string, which
// holds `statement`; or `statement` alone), when it has none and the text
// tells. A relation written unquoted is named in lower case, as PostgreSQL
// folds it (SQLite's message has it as written). True when placed.
inline bool place(pgwire::ErrorInfo& error, std::string_view text, std::string_view statement) {
  if (!error.position.empty() || statement.empty()) return false;
  auto toks = pgwire::tokenize(statement);
  auto at = locate(error, statement, toks);
  if (!at) return false;
  bool inside = statement.data() >= text.data() && statement.data() + statement.size() <= text.data() + text.size();
  error.position = inside ? std::to_string(characters_to(text, static_cast<std::size_t>(statement.data() - text.data()) + *at))
                          : std::to_string(characters_to(statement, *at));
  // The message names what the text names, as PostgreSQL's does.
  if (error.code == "42803" && error.message == "aggregate functions are not allowed here")
    if (auto misplaced = detail::misplaced_aggregate(toks)) error.message = misplaced->second;
  if (error.code == "42601" && error.message == "syntax error at end of input" && inside) {
    // (the statement was split off before its ';': PostgreSQL's parser meets the ';')
    std::size_t after = static_cast<std::size_t>(statement.data() - text.data()) + statement.size();
    while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after]))) ++after;
    if (after < text.size() && text[after] == ';') {
      error.message = "syntax error at or near \";\"";
      error.position = std::to_string(characters_to(text, after));
    }
  }
  std::size_t k = 0;
  while (k < toks.size() && toks[k].offset < *at) ++k;
  if (k >= toks.size()) return true;
  if (error.code == "42883" && k + 1 < toks.size() && toks[k + 1].is_punct("(")) {
    // function f(integer, unknown): the argument types, when the text tells them all
    if (auto types = detail::argument_types(toks, k + 1))
      error.message = "function " + toks[k].value() + "(" + *types + ") does not exist";
  } else if (error.code == "42P01" && toks[k].is_name()) {
    // (folded unless quoted, qualified as written: relation "public.nope")
    std::string name = toks[k].value();
    for (std::size_t j = k + 1; j + 1 < toks.size() && toks[j].is_punct(".") && toks[j + 1].is_name(); j += 2)
      name += "." + toks[j + 1].value();
    error.message = "relation \"" + name + "\" does not exist";
  } else if (error.code == "42703" && k > 0 && k + 1 < toks.size() && toks[k + 1].is_punct("=") &&
             (toks[k - 1].is_keyword("set") || toks[k - 1].is_punct(",")) && !toks.empty() &&
             toks[0].is_keyword("update") && toks.size() > 1 && toks[1].is_name()) {
    // UPDATE t SET x = ...: the column of the relation updated
    if (auto name = detail::named(error.message, "column "))
      error.message = "column \"" + *name + "\" of relation \"" + toks[1].value() + "\" does not exist";
  }
  return true;
}

// `r` with the position of its error (place()).
inline pgwire::Response with_position(pgwire::Response r, std::string_view text, std::string_view statement) {
  if (r.kind() != pgwire::Response::Kind::error || !r.error_info().position.empty()) return r;
  pgwire::ErrorInfo info = r.error_info();
  if (!place(info, text, statement)) return r;
  return pgwire::Response::error(std::move(info));
}

}  // namespace sqlite_example::error_positions
