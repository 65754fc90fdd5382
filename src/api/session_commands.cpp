#include "pgwire/api/session_commands.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include <fmt/format.h>

#include "pgwire/types.hpp"

namespace pgwire {

namespace {

// A small tokenizer: words (lower-cased), quoted strings (unquoted), and
// punctuation. Enough for the fixed shapes of the session commands.
struct Token {
  enum Kind { word, string, punct } kind;
  std::string text;
};

std::optional<std::vector<Token>> tokenize(std::string_view s) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (std::isalnum(c) || c == '_' || c == '.' || c >= 0x80) {
      std::string w;
      while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_' ||
                              s[i] == '.' || static_cast<unsigned char>(s[i]) >= 0x80))
        w.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i++]))));
      out.push_back({Token::word, std::move(w)});
    } else if (c == '\'' || c == '"') {
      char q = s[i++];
      std::string v;
      for (;;) {
        if (i >= s.size()) return std::nullopt;
        if (s[i] == q) {
          if (i + 1 < s.size() && s[i + 1] == q) {
            v.push_back(q);
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        v.push_back(s[i++]);
      }
      // A quoted identifier is a word with its case kept.
      out.push_back({q == '"' ? Token::word : Token::string, std::move(v)});
    } else {
      out.push_back({Token::punct, std::string(1, static_cast<char>(c))});
      ++i;
    }
  }
  while (!out.empty() && out.back().kind == Token::punct && out.back().text == ";") out.pop_back();
  return out;
}

bool is(const std::vector<Token>& t, std::size_t i, std::string_view w) {
  return i < t.size() && t[i].kind == Token::word && t[i].text == w;
}
bool is_punct(const std::vector<Token>& t, std::size_t i, char p) {
  return i < t.size() && t[i].kind == Token::punct && t[i].text[0] == p;
}

// Unqualified function name: "pg_catalog.version" -> "version".
std::string_view base(std::string_view name) {
  auto dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

Response one_value(std::string column, std::string value, std::string command = "SELECT") {
  return Response::rows(make_schema({{std::move(column), 25}}), make_text_rows({{std::move(value)}}),
                        std::move(command));
}

std::string canonical_name(std::string_view name) {
  // SET TIME ZONE is TimeZone; other names are kept as written (case
  // does not matter for lookups).
  return std::string(name);
}

// Settings drivers SHOW or current_setting() at connect that a session does
// not carry itself: PostgreSQL 15's defaults.
std::optional<std::string> builtin_default(std::string_view name) {
  static const std::pair<const char*, const char*> defaults[] = {
      {"transaction_isolation", "read committed"},
      {"default_transaction_isolation", "read committed"},
      {"transaction_read_only", "off"},
      {"default_transaction_read_only", "off"},
      {"max_identifier_length", "63"},
      {"server_version_num", "150000"},
      {"lc_collate", "C.UTF-8"},
      {"lc_ctype", "C.UTF-8"},
      {"lc_messages", "C"},
      {"search_path", "\"$user\", public"},
      {"extra_float_digits", "1"},
      {"statement_timeout", "0"},
      {"bytea_output", "hex"},
      {"datestyle", "ISO, MDY"},
      {"intervalstyle", "postgres"},
      {"timezone", "UTC"},
      {"client_min_messages", "notice"},
      {"max_connections", "100"},
      {"block_size", "8192"},
  };
  CaseInsensitiveLess less;
  for (const auto& [k, v] : defaults)
    if (!less(name, k) && !less(k, name)) return std::string(v);
  return std::nullopt;
}

std::optional<std::string> setting(const Session& session, std::string_view name) {
  if (auto v = session.parameter(name)) return v;
  return builtin_default(name);
}

Response unrecognized(std::string_view name) {
  return Response::error(ErrorInfo::error(
      sqlstate::undefined_object, fmt::format("unrecognized configuration parameter \"{}\"", name)));
}

// Values: words, strings and numbers joined with ", " as PostgreSQL shows
// a list setting.
std::optional<std::string> value_list(const std::vector<Token>& t, std::size_t from) {
  std::string v;
  bool expect_value = true;
  for (std::size_t i = from; i < t.size(); ++i) {
    if (expect_value) {
      if (t[i].kind == Token::punct && (t[i].text == "-" || t[i].text == "+") && i + 1 < t.size()) {
        v += t[i].text + t[i + 1].text;
        ++i;
      } else if (t[i].kind == Token::punct) {
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

// Catalog queries drivers send verbatim at connect, answered from the type
// layer's built-in pg_type rows. Matched on normalised text (lower case,
// single spaces, no trailing ';').
std::string normalise(std::string_view sql) {
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  while (!out.empty() && (out.back() == ';' || out.back() == ' ')) out.pop_back();
  return out;
}

struct CatalogQuery {
  const char* sql;  // normalised
  SchemaPtr (*schema)();
  Response (*answer)();
};

SchemaPtr array_types_schema() { return make_schema({{"oid", oid::oid, 4}, {"typarray", oid::oid, 4}}); }
SchemaPtr lo_schema() { return make_schema({{"oid", oid::oid, 4}, {"typbasetype", oid::oid, 4}}); }

const CatalogQuery catalog_queries[] = {
    // postgres.js fetchArrayTypes: element types and their array types.
    {"select b.oid, b.typarray from pg_catalog.pg_type a left join pg_catalog.pg_type b on "
     "b.oid = a.typelem where a.typcategory = 'a' group by b.oid, b.typarray order by b.oid",
     array_types_schema,
     [] {
       std::vector<std::pair<Oid, Oid>> pairs;
       for (const auto& t : builtin_types())
         if (t.category == 'A' && t.element != 0) pairs.emplace_back(t.element, t.oid);
       std::sort(pairs.begin(), pairs.end());
       pairs.erase(std::unique(pairs.begin(), pairs.end(),
                               [](auto& a, auto& b) { return a.first == b.first; }),
                   pairs.end());
       std::size_t i = 0;
       return Response::rows(array_types_schema(), make_row_source([pairs, i](RowWriter& w) mutable {
         if (i >= pairs.size()) return false;
         w.begin_row();
         w.add(OidValue{pairs[i].first});
         w.add(OidValue{pairs[i].second});
         w.end_row();
         return ++i < pairs.size();
       }));
     }},
    // psqlODBC at connect: is there a large-object type "lo"? (No.)
    {"select oid, typbasetype from pg_type where typname = 'lo'", lo_schema,
     [] { return Response::rows(lo_schema(), make_text_rows({})); }},
};

const CatalogQuery* find_catalog_query(std::string_view sql) {
  std::string n = normalise(sql);
  for (const auto& q : catalog_queries)
    if (n == q.sql) return &q;
  return nullptr;
}

}  // namespace

std::optional<Response> SessionCommands::answer(Session& session, std::string_view statement) const {
  if (const auto* q = find_catalog_query(statement)) return q->answer();
  auto tokens = tokenize(statement);
  if (!tokens || tokens->empty()) return std::nullopt;
  const auto& t = *tokens;

  // SET [SESSION | LOCAL] name {TO | =} value[, ...]  |  SET TIME ZONE value
  if (is(t, 0, "set")) {
    std::size_t i = 1;
    if (is(t, i, "session") || is(t, i, "local")) ++i;
    if (is(t, i, "time") && is(t, i + 1, "zone")) {
      auto v = value_list(t, i + 2);
      if (!v) return std::nullopt;
      session.set_parameter("TimeZone", *v);
      return Response::command("SET");
    }
    if (i >= t.size() || t[i].kind != Token::word) return std::nullopt;
    std::string name = canonical_name(t[i].text);
    ++i;
    if (!(is(t, i, "to") || is_punct(t, i, '='))) return std::nullopt;
    ++i;
    if (is(t, i, "default") && i + 1 == t.size()) {
      session.set_parameter(name, "");
      return Response::command("SET");
    }
    auto v = value_list(t, i);
    if (!v) return std::nullopt;
    session.set_parameter(name, *v);
    return Response::command("SET");
  }
  // RESET name | RESET ALL
  if (is(t, 0, "reset") && t.size() == 2 && t[1].kind == Token::word) {
    if (t[1].text != "all") session.set_parameter(t[1].text, "");
    return Response::command("RESET");
  }
  // SHOW name | SHOW ALL
  if (is(t, 0, "show") && t.size() >= 2 && t[1].kind == Token::word) {
    std::string name = t[1].text;
    if (is(t, 1, "time") && is(t, 2, "zone")) name = "TimeZone";
    if (name == "all") {
      std::vector<std::vector<std::optional<std::string>>> rows;
      for (const auto& [k, v] : session.parameters()) rows.push_back({k, v, std::string()});
      return Response::rows(make_schema({{"name", 25}, {"setting", 25}, {"description", 25}}),
                            make_text_rows(std::move(rows)), "SHOW");
    }
    auto v = setting(session, name);
    if (!v) return unrecognized(name);
    return one_value(name, *v, "SHOW");
  }
  // SELECT version() | current_setting('x' [, missing_ok]) | set_config('x', 'v', is_local)
  if (is(t, 0, "select") && t.size() >= 4 && t[1].kind == Token::word && is_punct(t, 2, '(')) {
    std::string_view fn = base(t[1].text);
    std::string column(fn);
    // Optional "AS alias" after the call.
    auto close_at = [&](std::size_t i) -> bool {
      if (!is_punct(t, i, ')')) return false;
      if (i + 1 == t.size()) return true;
      if (is(t, i + 1, "as") && i + 3 == t.size() && t[i + 2].kind == Token::word) {
        column = t[i + 2].text;
        return true;
      }
      return false;
    };
    if (fn == "version" && close_at(3)) return one_value(column, options_.version);
    if ((fn == "current_database" || fn == "current_schema" || fn == "current_user" ||
         fn == "session_user") &&
        close_at(3)) {
      std::string v = fn == "current_database" ? session.client().database
                      : fn == "current_schema" ? std::string("public")
                                               : session.client().user;
      return one_value(column, v);
    }
    if (fn == "current_setting" && t.size() >= 5 && t[3].kind == Token::string) {
      bool missing_ok = false;
      std::size_t close = 4;
      if (is_punct(t, 4, ',') && t.size() >= 7) {
        missing_ok = is(t, 5, "true") || (t[5].kind == Token::string && t[5].text == "t");
        close = 6;
      }
      if (!close_at(close)) return std::nullopt;
      auto v = setting(session, t[3].text);
      if (!v) {
        if (missing_ok) {
          return Response::rows(make_schema({{column, 25}}), make_text_rows({{std::nullopt}}));
        }
        return unrecognized(t[3].text);
      }
      return one_value(column, *v);
    }
    if (fn == "set_config" && t.size() >= 9 && t[3].kind == Token::string && is_punct(t, 4, ',') &&
        t[5].kind == Token::string && is_punct(t, 6, ',') && close_at(8)) {
      session.set_parameter(t[3].text, t[5].text);
      return one_value(column, t[5].text);
    }
    return std::nullopt;
  }
  // DISCARD ALL | DEALLOCATE [PREPARE] name | ALL
  if (is(t, 0, "discard") && is(t, 1, "all") && t.size() == 2) {
    session.deallocate_all();
    return Response::command("DISCARD ALL");
  }
  if (is(t, 0, "deallocate")) {
    std::size_t i = is(t, 1, "prepare") ? 2 : 1;
    if (i + 1 != t.size() || t[i].kind != Token::word) return std::nullopt;
    if (t[i].text == "all") {
      session.deallocate_all();
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

bool SessionCommands::describe(std::string_view statement, SchemaPtr& columns) const {
  if (const auto* q = find_catalog_query(statement)) {
    columns = q->schema();
    return true;
  }
  auto tokens = tokenize(statement);
  if (!tokens || tokens->empty()) return false;
  const auto& t = *tokens;
  columns = nullptr;
  if (is(t, 0, "set") || is(t, 0, "reset") || is(t, 0, "discard") || is(t, 0, "deallocate"))
    return true;
  if (options_.transactions && (is(t, 0, "begin") || is(t, 0, "start") || is(t, 0, "commit") ||
                                is(t, 0, "end") || is(t, 0, "rollback") || is(t, 0, "abort")))
    return true;
  if (is(t, 0, "show") && t.size() >= 2) {
    if (is(t, 1, "all"))
      columns = make_schema({{"name", 25}, {"setting", 25}, {"description", 25}});
    else
      columns = make_schema({{is(t, 1, "time") ? "TimeZone" : t[1].text, 25}});
    return true;
  }
  if (is(t, 0, "select") && t.size() >= 4 && t[1].kind == Token::word && is_punct(t, 2, '(')) {
    std::string_view fn = base(t[1].text);
    if (fn == "version" || fn == "current_setting" || fn == "set_config" || fn == "current_database" ||
        fn == "current_schema" || fn == "current_user" || fn == "session_user") {
      std::string column(fn);
      if (t.size() >= 3 && is(t, t.size() - 2, "as")) column = t.back().text;
      columns = make_schema({{column, 25}});
      return true;
    }
  }
  return false;
}

}  // namespace pgwire
