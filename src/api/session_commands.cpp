// SessionCommands: the statements every driver sends in passing that a
// product should not have to implement (session_commands.hpp): SET / RESET /
// SHOW and the settings they read, SELECT version() / current_setting() /
// set_config() and the other session functions, DISCARD ALL, DEALLOCATE and
// (opt-in) transaction control. Catalog queries go to the catalog engine
// when one is plugged in, and to the driver probe table (catalog_queries.cpp)
// otherwise: answer_catalog() / describe() order them. Statements are read through the SQL tokenizer (sql_text.hpp).

#include "pgwire/api/session_commands.hpp"

#include <cctype>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "catalog_queries.hpp"
#include "sql_prepare.hpp"
#include "time_zone_offsets.hpp"
#include "pgwire/api/extended.hpp"
#include "pgwire/protocol/settings.hpp"
#include "pgwire/protocol/sql_text.hpp"
#include "pgwire/types.hpp"

namespace pgwire {

namespace {

using api_detail::find_catalog_query;

// A statement as the session commands read it: the tokenizer's tokens with
// names taken whole. A name is a word (in lower case), a quoted identifier
// (case kept) or a number, qualified with '.' (pg_catalog.version,
// myapp.setting); strings are unquoted; operators, punctuation and $n
// parameters are punct. Enough for the fixed shapes of the session commands.
struct Term {
  enum Kind { word, string, punct } kind;
  std::string text;
};

// nullopt for a statement with an unclosed quote (not one of ours).
std::optional<std::vector<Term>> terms(std::string_view sql) {
  auto tokens = tokenize(sql);
  std::vector<Term> out;
  out.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const SqlToken& t = tokens[i];
    if (!t.terminated) return std::nullopt;
    switch (t.kind) {
      case SqlToken::Kind::string: out.push_back({Term::string, t.value()}); break;
      case SqlToken::Kind::parameter:
      case SqlToken::Kind::punct: out.push_back({Term::punct, std::string(t.text)}); break;
      default: {
        std::string name = t.value();
        while (i + 2 < tokens.size() && tokens[i + 1].is_punct(".") && tokens[i + 2].is_name() &&
               tokens[i + 2].terminated) {
          name += '.';
          name += tokens[i + 2].value();
          i += 2;
        }
        out.push_back({Term::word, std::move(name)});
      }
    }
  }
  while (!out.empty() && out.back().kind == Term::punct && out.back().text == ";") out.pop_back();
  return out;
}

// The first words of the statements below: anything else is answered
// without reading further than its first token.
bool may_be_command(std::string_view sql, bool transactions) {
  SqlLexer lexer(sql);
  auto first = lexer.next();
  if (!first) return false;
  for (std::string_view verb : {"set", "reset", "show", "select", "discard", "deallocate", "prepare", "execute"})
    if (first->is_keyword(verb)) return true;
  if (transactions)
    for (std::string_view verb : {"begin", "start", "commit", "end", "rollback", "abort"})
      if (first->is_keyword(verb)) return true;
  return false;
}

bool is(const std::vector<Term>& t, std::size_t i, std::string_view w) {
  return i < t.size() && t[i].kind == Term::word && t[i].text == w;
}
bool is_punct(const std::vector<Term>& t, std::size_t i, char p) {
  return i < t.size() && t[i].kind == Term::punct && t[i].text.size() == 1 && t[i].text[0] == p;
}

// Unqualified function name: "pg_catalog.version" -> "version".
std::string_view base(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

Response one_value(std::string column, std::string value, std::string command = "SELECT") {
  return Response::rows(make_schema({{std::move(column), oid::text}}), make_text_rows({{std::move(value)}}),
                        std::move(command));
}

// server_version_num from server_version (one source, ServerOptions):
// "15.0" -> 150000, "16.4" -> 160004, "9.6.2" -> 90602.
std::string version_number(std::string_view version) {
  int part[3] = {0, 0, 0};
  std::size_t n = 0;
  for (char c : version) {
    if (c >= '0' && c <= '9') {
      part[n] = part[n] * 10 + (c - '0');
    } else if (c == '.' && n < 2) {
      ++n;
    } else {
      break;
    }
  }
  int num = part[0] >= 10 ? part[0] * 10000 + part[1] : part[0] * 10000 + part[1] * 100 + part[2];
  return std::to_string(num);
}

// What SHOW and current_setting() read: the session's value, else one
// derived from it, else PostgreSQL 15's default.
std::optional<std::string> setting(const Session& session, std::string_view name) {
  return setting_value(session.parameters(), name);
}

Response unrecognized(std::string_view name) {
  return Response::error(ErrorInfo::error(
      sqlstate::undefined_object, fmt::format("unrecognized configuration parameter \"{}\"", name)));
}

// Values: words, strings and numbers joined with ", " as PostgreSQL shows
// a list setting.
std::optional<std::string> value_list(const std::vector<Term>& t, std::size_t from) {
  std::string v;
  bool expect_value = true;
  for (std::size_t i = from; i < t.size(); ++i) {
    if (expect_value) {
      if (t[i].kind == Term::punct && (t[i].text == "-" || t[i].text == "+") && i + 1 < t.size()) {
        v += t[i].text + t[i + 1].text;
        ++i;
      } else if (t[i].kind == Term::punct) {
        return std::nullopt;
      } else {
        v += t[i].text;
      }
      expect_value = false;
    } else {
      if (!is_punct(t, i, ',')) return std::nullopt;
      v += ", ";
      expect_value = true;
    }
  }
  if (expect_value) return std::nullopt;
  return v;
}

// A boolean argument as PostgreSQL's parse_bool reads it: true / false
// (words or strings), and in strings any unique prefix of true, false, yes,
// no, on, off, or 1 / 0.
std::optional<bool> boolean(const Term& t) {
  if (t.kind == Term::punct) return std::nullopt;
  std::string v = t.text;
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto prefix_of = [&](std::string_view word, std::size_t least) {
    return v.size() >= least && word.starts_with(v);
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || v == "1") return true;
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || v == "0") return false;
  return std::nullopt;
}

// SET [SESSION | LOCAL] name {TO | =} {value[, ...] | DEFAULT}
// SET [SESSION | LOCAL] TIME ZONE {value | LOCAL | DEFAULT}
// SET TRANSACTION <modes> / SET SESSION CHARACTERISTICS AS TRANSACTION
// <modes>: ISOLATION LEVEL ..., READ ONLY | READ WRITE, [NOT] DEFERRABLE
// (pg_dump sends the first). The modes become the settings PostgreSQL
// keeps them in: transaction_isolation and transaction_read_only for this
// transaction, default_transaction_* for the session's next ones.
std::optional<Response> set_transaction(Session& session, const std::vector<Term>& t, std::size_t i, bool session_default) {
  std::string prefix = session_default ? "default_" : "";
  SettingScope scope = session_default ? SettingScope::session : SettingScope::local;
  while (i < t.size()) {
    if (is_punct(t, i, ',')) {
      ++i;
    } else if (is(t, i, "isolation") && is(t, i + 1, "level")) {
      i += 2;
      std::string level;
      if (is(t, i, "serializable")) {
        level = "serializable";
        i += 1;
      } else if (is(t, i, "repeatable") && is(t, i + 1, "read")) {
        level = "repeatable read";
        i += 2;
      } else if (is(t, i, "read") && (is(t, i + 1, "committed") || is(t, i + 1, "uncommitted"))) {
        level = "read " + t[i + 1].text;
        i += 2;
      } else {
        return std::nullopt;
      }
      session.settings().set(prefix + "transaction_isolation", level, scope);
    } else if (is(t, i, "read") && (is(t, i + 1, "only") || is(t, i + 1, "write"))) {
      session.settings().set(prefix + "transaction_read_only", is(t, i + 1, "only") ? "on" : "off", scope);
      i += 2;
    } else if (is(t, i, "not") && is(t, i + 1, "deferrable")) {
      i += 2;
    } else if (is(t, i, "deferrable")) {
      ++i;
    } else {
      return std::nullopt;
    }
  }
  if (!session_default && !session.in_transaction_block())
    session.send_notice(ErrorInfo("WARNING", sqlstate::no_active_sql_transaction,
                                  "SET TRANSACTION can only be used in transaction blocks"));
  return Response::command("SET");
}

std::optional<Response> set_command(Session& session, const std::vector<Term>& t) {
  if (is(t, 1, "transaction")) return set_transaction(session, t, 2, false);
  if (is(t, 1, "session") && is(t, 2, "characteristics") && is(t, 3, "as") && is(t, 4, "transaction"))
    return set_transaction(session, t, 5, true);
  std::size_t i = 1;
  SettingScope scope = SettingScope::session;
  if (is(t, i, "session")) {
    ++i;
  } else if (is(t, i, "local")) {
    scope = SettingScope::local;
    ++i;
  }
  std::string name;
  bool to_default = false;  // RESET
  if (is(t, i, "time") && is(t, i + 1, "zone")) {
    name = "TimeZone";
    i += 2;
    to_default = (is(t, i, "local") || is(t, i, "default")) && i + 1 == t.size();
  } else {
    if (i >= t.size() || t[i].kind != Term::word) return std::nullopt;
    name = t[i].text;
    ++i;
    if (!(is(t, i, "to") || is_punct(t, i, '='))) return std::nullopt;
    ++i;
    to_default = is(t, i, "default") && i + 1 == t.size();
  }
  std::optional<std::string> value;
  if (!to_default && name == "TimeZone" && is(t, i, "interval") && i + 1 < t.size() && t[i + 1].kind == Term::string) {
    // (an offset: time_zone_offsets.hpp; a qualifier, HOUR TO MINUTE, may follow)
    value = api_detail::zone_of_interval(t[i + 1].text);
    if (!value) throw PgError("22007", "invalid input syntax for type interval: \"" + t[i + 1].text + "\"");
  } else if (!to_default) {
    value = value_list(t, i);
    if (!value) return std::nullopt;
    if (name == "TimeZone" && i < t.size() && t[i].kind != Term::string)
      if (auto zone = api_detail::zone_of_hours(*value)) value = std::move(zone);  // SET TIME ZONE -7
  }
  // A zone PostgreSQL knows (time_zone.hpp), under its canonical name
  // (europe/paris is Europe/Paris); else 22023, as check_timezone says.
  if (value && !CaseInsensitiveLess{}(name, "TimeZone") && !CaseInsensitiveLess{}("TimeZone", name)) {
    auto zone = TimeZone::find(*value);
    if (!zone) {
      ErrorInfo e = ErrorInfo::error(sqlstate::invalid_parameter_value,
                                     "invalid value for parameter \"TimeZone\": \"" + *value + "\"");
      char* end = nullptr;
      std::strtod(value->c_str(), &end);  // (a number of hours past a week)
      if (!value->empty() && end == value->c_str() + value->size()) e.detail = "UTC timezone offset is out of range.";
      throw PgError(std::move(e));
    }
    value = zone->name();
  }
  // PostgreSQL warns, then sets anyway: the implicit transaction of the
  // statement ends right after it, which undoes a SET LOCAL.
  if (scope == SettingScope::local && !session.in_transaction_block())
    session.send_notice(ErrorInfo("WARNING", sqlstate::no_active_sql_transaction,
                                  "SET LOCAL can only be used in transaction blocks"));
  if (value) {
    session.settings().set(name, *value, scope);
  } else {
    session.settings().reset(name, scope);
  }
  return Response::command("SET");
}

// RESET name | RESET TIME ZONE | RESET ALL
std::optional<Response> reset_command(Session& session, const std::vector<Term>& t) {
  if (t.size() == 2 && is(t, 1, "all")) {
    session.settings().reset_all();
  } else if (t.size() == 3 && is(t, 1, "time") && is(t, 2, "zone")) {
    session.settings().reset("TimeZone");
  } else if (t.size() == 2 && t[1].kind == Term::word) {
    session.settings().reset(t[1].text);
  } else {
    return std::nullopt;
  }
  return Response::command("RESET");
}

}  // namespace

std::optional<std::string> setting_value(const ParameterMap& values, std::string_view name) {
  if (auto it = values.find(name); it != values.end()) return it->second;
  CaseInsensitiveLess less;
  if (!less(name, "server_version_num") && !less("server_version_num", name)) {
    auto version = values.find(std::string_view("server_version"));
    return version_number(version != values.end() ? version->second : std::string(default_server_version));
  }
  if (auto v = Settings::builtin_default(name)) return std::string(*v);
  return std::nullopt;
}

// Order: the session commands, then the catalog engine, then the driver
// probe table. A catalog, when plugged in, evaluates every catalog query
// itself, the drivers' type probes included; the table (catalog_queries.cpp)
// serves products without one, and the rare probe the engine cannot
// evaluate. Parse (describe) and Execute (answer) decide alike: the engine
// takes what it can evaluate.
std::optional<Response> SessionCommands::answer(Session& session, const Portal& portal) const {
  if (auto r = answer_own(session, portal.statement->sql)) return r;
  return answer_catalog(session, portal.statement->sql, &portal);
}

std::optional<Response> SessionCommands::answer(Session& session, std::string_view statement) const {
  if (auto r = answer_own(session, statement)) return r;
  return answer_catalog(session, statement, nullptr);
}

std::optional<Response> SessionCommands::answer_catalog(Session& session, std::string_view sql,
                                                        const Portal* portal) const {
  const auto* probe = options_.type_probe_table ? find_catalog_query(sql) : nullptr;
  if (options_.catalog) {
    auto r = portal ? options_.catalog->answer(session, *portal) : options_.catalog->answer(session, sql);
    if (r && (r->kind() != Response::Kind::error || !probe)) return r;
  }
  if (!probe) return std::nullopt;
  // Without a portal there are no parameter values: not answered.
  if (!portal && !api_detail::parameter_types(*probe).empty()) return std::nullopt;
  return api_detail::answer(*probe, portal);
}

std::optional<Response> SessionCommands::answer_own(Session& session, std::string_view statement) const {
  if (!may_be_command(statement, options_.transactions)) return std::nullopt;
  auto tokens = terms(statement);
  if (!tokens || tokens->empty()) return std::nullopt;
  const auto& t = *tokens;

  if (is(t, 0, "prepare")) {
    try {
      if (auto r = api_detail::sql_prepare(session, statement)) return r;
    } catch (const PgError& e) {
      return Response::error(e.info());
    }
  }
  if (is(t, 0, "execute")) {
    std::optional<std::string> runs;
    try {
      runs = api_detail::sql_execute_text(session, statement);
    } catch (const PgError& e) {
      return Response::error(e.info());
    }
    // (what the library answers, a catalog query above all; a product runs
    // the rest itself, through expand_execute)
    if (runs) return answer(session, *runs);
  }
  if (is(t, 0, "set")) return set_command(session, t);
  if (is(t, 0, "reset")) return reset_command(session, t);
  // SHOW name | SHOW ALL
  if (is(t, 0, "show") && t.size() >= 2 && t[1].kind == Term::word) {
    std::string name = t[1].text;
    if (is(t, 1, "time") && is(t, 2, "zone")) name = "TimeZone";
    // SQL's spelling of transaction_isolation (SQLAlchemy asks at connect).
    if (is(t, 1, "transaction") && is(t, 2, "isolation") && is(t, 3, "level")) name = "transaction_isolation";
    if (name == "all") {
      std::vector<std::vector<std::optional<std::string>>> rows;
      for (const auto& [k, v] : session.parameters()) rows.push_back({k, v, std::string()});
      return Response::rows(make_schema({{"name", oid::text}, {"setting", oid::text}, {"description", oid::text}}),
                            make_text_rows(std::move(rows)), "SHOW");
    }
    auto v = setting(session, name);
    if (!v) return unrecognized(name);
    // The column is the setting's canonical name, as PostgreSQL's: SHOW
    // timezone answers a "TimeZone" column; names are otherwise lower case.
    std::string column = name;
    if (auto canonical = Settings::reported_name(name)) {
      column = std::string(*canonical);
    } else {
      for (char& c : column) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return one_value(column, *v, "SHOW");
  }
  // SELECT version() | current_setting('x' [, missing_ok]) | set_config('x', 'v', is_local)
  if (is(t, 0, "select") && t.size() >= 4 && t[1].kind == Term::word && is_punct(t, 2, '(')) {
    std::string_view fn = base(t[1].text);
    std::string column(fn);
    // Optional "AS alias" after the call.
    auto close_at = [&](std::size_t i) -> bool {
      if (!is_punct(t, i, ')')) return false;
      if (i + 1 == t.size()) return true;
      if (is(t, i + 1, "as") && i + 3 == t.size() && t[i + 2].kind == Term::word) {
        column = t[i + 2].text;
        return true;
      }
      return false;
    };
    if (fn == "version" && close_at(3)) {
      std::string text = options_.version;
      if (text.empty())
        text = "PostgreSQL " + session.parameter("server_version").value_or(default_server_version) + " (pgwire-cpp)";
      return one_value(column, text);
    }
    if ((fn == "current_database" || fn == "current_schema" || fn == "current_user" ||
         fn == "session_user") &&
        close_at(3)) {
      std::string v = fn == "current_database" ? session.client().database
                      : fn == "current_schema" ? std::string("public")
                                               : session.client().user;
      return one_value(column, v);
    }
    if (fn == "current_setting" && t.size() >= 5 && t[3].kind == Term::string) {
      bool missing_ok = false;
      std::size_t close = 4;
      if (is_punct(t, 4, ',') && t.size() >= 7) {
        missing_ok = is(t, 5, "true") || (t[5].kind == Term::string && t[5].text == "t");
        close = 6;
      }
      if (!close_at(close)) return std::nullopt;
      auto v = setting(session, t[3].text);
      if (!v) {
        if (missing_ok) {
          return Response::rows(make_schema({{column, oid::text}}), make_text_rows({{std::nullopt}}));
        }
        return unrecognized(t[3].text);
      }
      return one_value(column, *v);
    }
    if (fn == "set_config" && t.size() >= 9 && t[3].kind == Term::string && is_punct(t, 4, ',') &&
        t[5].kind == Term::string && is_punct(t, 6, ',') && close_at(8)) {
      // is_local true is SET LOCAL, without its warning outside a block.
      auto local = boolean(t[7]);
      if (!local) return std::nullopt;
      session.settings().set(t[3].text, t[5].text, *local ? SettingScope::local : SettingScope::session);
      return one_value(column, t[5].text);
    }
    return std::nullopt;
  }
  // DISCARD ALL | DEALLOCATE [PREPARE] name | ALL
  if (is(t, 0, "discard") && is(t, 1, "all") && t.size() == 2) {
    // As PostgreSQL: DISCARD ALL includes RESET ALL, CLOSE ALL and DEALLOCATE ALL.
    session.settings().reset_all();
    session.close_all_cursors();
    session.deallocate_all();
    return Response::command("DISCARD ALL");
  }
  if (is(t, 0, "deallocate")) {
    std::size_t i = is(t, 1, "prepare") ? 2 : 1;
    if (i + 1 != t.size() || t[i].kind != Term::word) return std::nullopt;
    if (t[i].text == "all") {
      session.deallocate_all();
      return Response::command("DEALLOCATE ALL");
    } else if (!session.deallocate(t[i].text)) {
      return Response::error(ErrorInfo::error(
          "26000", fmt::format("prepared statement \"{}\" does not exist", t[i].text)));
    }
    return Response::command("DEALLOCATE");
  }
  if (options_.transactions) {
    if (is(t, 0, "begin") || (is(t, 0, "start") && is(t, 1, "transaction")))
      return Response::begin(is(t, 0, "start") ? "START TRANSACTION" : "BEGIN");
    if (is(t, 0, "commit") || is(t, 0, "end")) return Response::commit();
    if (is(t, 0, "rollback") || is(t, 0, "abort")) return Response::rollback();
  }
  return std::nullopt;
}

std::optional<std::string> SessionCommands::expand_execute(const Session& session, std::string_view statement) const {
  return api_detail::sql_execute_text(session, statement);
}

bool SessionCommands::describe(Statement& stmt) const {
  if (describe_own(stmt.sql, stmt.columns)) return true;
  const auto* probe = options_.type_probe_table ? find_catalog_query(stmt.sql) : nullptr;
  if (options_.catalog) {
    auto client_types = stmt.parameter_types;
    try {
      if (options_.catalog->describe(stmt)) return true;
    } catch (const PgError&) {
      if (!probe) throw;
      stmt.parameter_types = std::move(client_types);  // as the client sent them, for the table
    }
  }
  if (!probe) return false;
  const auto& inferred = api_detail::parameter_types(*probe);
  auto& types = stmt.parameter_types;
  if (types.size() < inferred.size()) types.resize(inferred.size(), 0);
  for (std::size_t i = 0; i < inferred.size(); ++i)
    if (types[i] == 0) types[i] = inferred[i];
  stmt.columns = api_detail::result_columns(*probe);
  return true;
}

bool SessionCommands::describe(std::string_view statement, SchemaPtr& columns) const {
  if (describe_own(statement, columns)) return true;
  const auto* probe = options_.type_probe_table ? find_catalog_query(statement) : nullptr;
  if (options_.catalog) {
    Statement stmt;
    stmt.sql = std::string(statement);
    try {
      if (options_.catalog->describe(stmt)) {
        if (!stmt.parameter_types.empty()) return false;  // see describe(Statement&)
        columns = stmt.columns;
        return true;
      }
    } catch (const PgError&) {
      if (!probe) throw;
    }
  }
  if (!probe || !api_detail::parameter_types(*probe).empty()) return false;  // see describe(Statement&)
  columns = api_detail::result_columns(*probe);
  return true;
}

bool SessionCommands::describe_own(std::string_view statement, SchemaPtr& columns) const {
  if (!may_be_command(statement, options_.transactions)) return false;
  auto tokens = terms(statement);
  if (!tokens || tokens->empty()) return false;
  const auto& t = *tokens;
  columns = nullptr;
  if (is(t, 0, "set") || is(t, 0, "reset") || is(t, 0, "discard") || is(t, 0, "deallocate") ||
      (is(t, 0, "prepare") && !is(t, 1, "transaction")))
    return true;
  if (options_.transactions && (is(t, 0, "begin") || is(t, 0, "start") || is(t, 0, "commit") ||
                                is(t, 0, "end") || is(t, 0, "rollback") || is(t, 0, "abort")))
    return true;
  if (is(t, 0, "show") && t.size() >= 2) {
    if (is(t, 1, "all"))
      columns = make_schema({{"name", oid::text}, {"setting", oid::text}, {"description", oid::text}});
    else if (is(t, 1, "transaction") && is(t, 2, "isolation"))
      columns = make_schema({{"transaction_isolation", oid::text}});
    else
      columns = make_schema({{is(t, 1, "time") ? "TimeZone" : t[1].text, oid::text}});
    return true;
  }
  if (is(t, 0, "select") && t.size() >= 4 && t[1].kind == Term::word && is_punct(t, 2, '(')) {
    std::string_view fn = base(t[1].text);
    // Only the whole statement `SELECT fn(literals) [AS name]` is answered
    // here (answer()); `SELECT current_setting('x') || '!', n FROM t` is
    // the product's, and so is its description.
    std::size_t close = 3;
    while (close < t.size() && !is_punct(t, close, ')')) ++close;
    bool whole = close + 1 == t.size() ||
                 (close + 3 == t.size() && is(t, close + 1, "as") && t[close + 2].kind == Term::word);
    if (whole && (fn == "version" || fn == "current_setting" || fn == "set_config" || fn == "current_database" ||
                  fn == "current_schema" || fn == "current_user" || fn == "session_user")) {
      std::string column(fn);
      if (t.size() >= 3 && is(t, t.size() - 2, "as")) column = t.back().text;
      columns = make_schema({{column, oid::text}});
      return true;
    }
  }
  return false;
}

}  // namespace pgwire
