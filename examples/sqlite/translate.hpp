#pragma once
// From a PostgreSQL statement to what SQLite runs, in one place: DDL
// (ddl.hpp), DEFAULT in VALUES (insert_defaults.hpp), expressions and
// result columns (../sqlite_dialect.hpp), and the statements SQLite has no
// counterpart for, refused with 0A000 and a hint. Runs on the connection's
// worker (it reads the schema).

#include <sqlite3.h>

#include <functional>
#include <string>
#include <string_view>

#include "../sqlite_dialect.hpp"
#include "column_types.hpp"
#include "created_as_types.hpp"
#include "ddl.hpp"
#include "enum_ddl.hpp"
#include "enum_functions.hpp"
#include "distinct_on.hpp"
#include "grouping_sets.hpp"
#include "errors.hpp"
#include "insert_defaults.hpp"
#include "numeric_assignments.hpp"
#include "sequence_reads.hpp"
#include "sequences.hpp"
#include "values.hpp"

namespace sqlite_example {

struct Translation : sqlite_dialect::Rewritten {
  // Runs after the statement succeeded (DDL: the column records).
  std::function<void(sqlite3*)> after;
};

// The PostgreSQL type of table.column: recorded by the DDL translation, or
// judged from SQLite's declared type; 0 when there is no such column.
inline pgwire::Oid column_type(sqlite3* db, std::string_view table, std::string_view column) {
  if (auto t = recorded_type(db, table, column)) return t;
  const char* decl = nullptr;
  std::string tb(table), col(column);
  if (sqlite3_table_column_metadata(db, nullptr, tb.c_str(), col.c_str(), &decl, nullptr, nullptr, nullptr, nullptr) !=
      SQLITE_OK)
    return 0;
  return pg_type(decl, SQLITE_TEXT);
}

namespace translate_detail {

using sqlite_dialect::is;

// Statements PostgreSQL has and SQLite does not: (first words, hint).
inline void refuse_unsupported(const std::vector<sqlite_dialect::Token>& toks) {
  if (toks.empty()) return;
  auto w = [&](std::size_t i) { return i < toks.size() ? toks[i].value() : std::string(); };
  std::string first = w(0), second = w(1);
  if (first == "create") {
    std::size_t k = 1;
    if (w(k) == "or" && w(k + 1) == "replace") k += 2;
    std::string kind = w(k);
    for (std::string_view unsupported :
         {"schema",     "type",      "extension",   "function",     "procedure", "database", "role",
          "user",       "domain",       "policy",    "subscription", "aggregate", "operator", "rule",
          "tablespace", "materialized", "collation", "server",      "event",        "language",  "cast"})
      if (kind == unsupported) {
        std::string what = "CREATE " + kind + (kind == "materialized" ? " view" : "");
        for (char& c : what) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        throw not_supported(what,
                            "sqlite_server keeps tables, views, indexes, triggers and sequences in one SQLite "
                            "database; it has no schemas, types, functions or roles of its own.");
      }
  }
  if (first == "grant" || first == "revoke")
    throw not_supported(first == "grant" ? "GRANT" : "REVOKE",
                        "sqlite_server has no privileges: every user may do everything.");
  if (first == "comment" && second == "on" && w(2) != "table" && w(2) != "view" && w(2) != "column")
    throw not_supported("COMMENT ON " + w(2), "sqlite_server keeps comments on tables, views and columns only.");
  if (first == "alter" && (second == "schema" || second == "type" || second == "role" ||
                           second == "user" || second == "database" || second == "system"))
    throw not_supported("ALTER " + second, "sqlite_server has no such objects.");
}

}  // namespace translate_detail

// The columns `generate_series(a, b[, step]) [AS] alias [(name)]` puts in
// a FROM list: (alias, column name, type). The type is PostgreSQL's
// overload for the arguments: numeric when one is a decimal literal, int8
// when one is an integer literal beyond int4 or a cast to bigint, else
// int4. An expression over such a column (`i * 2`, `i * $1::int4`) is then
// typed as on PostgreSQL instead of by its first value (or as text when a
// statement is described before it runs).
struct SeriesColumn {
  std::string alias, name;
  pgwire::Oid type;
};

// The column of a set-returning function whose call ends at toks[close]:
// named by its alias (AS x, AS t(x)), else by the function (WITH
// ORDINALITY between them: set_function_calls.hpp's with_ordinality).
inline SeriesColumn series_column(const std::vector<sqlite_dialect::Token>& toks, std::size_t close,
                                  std::string function, pgwire::Oid type) {
  std::size_t k = close + 1;
  if (k + 1 < toks.size() && toks[k].is_keyword("with") && toks[k + 1].is_keyword("ordinality")) k += 2;
  if (k < toks.size() && toks[k].is_keyword("as")) ++k;
  if (k >= toks.size() || !sqlite_dialect::is_alias(toks[k])) return {function, function, type};
  std::string alias = sqlite_dialect::identifier(toks[k]);
  std::string name = alias;
  if (k + 2 < toks.size() && sqlite_dialect::is(toks[k + 1], "(") && toks[k + 2].is_name())
    name = sqlite_dialect::identifier(toks[k + 2]);
  return {std::move(alias), std::move(name), type};
}

// unnest(x)'s element type as the argument's text tells it: a cast's
// (::int[]), or an ARRAY[...] of integers, decimals or strings; 0 if not told.
inline pgwire::Oid unnest_element_type(const std::vector<sqlite_dialect::Token>& toks, std::size_t from,
                                       std::size_t close) {
  using sqlite_dialect::is;
  using sqlite_dialect::Kind;
  for (std::size_t k = from; k + 1 < close; ++k)
    if (is(toks[k], "::") && toks[k + 1].is_name()) return sqlite_example::type_named(toks[k + 1].value());
  if (from + 1 >= close || !toks[from].is_keyword("array") || !is(toks[from + 1], "[")) return 0;
  pgwire::Oid type = 0;
  for (std::size_t k = from + 2; k < close; ++k) {
    const auto& t = toks[k];
    if (t.kind == Kind::string) return oid::text;
    if (t.kind != Kind::number) continue;
    if (t.text.find_first_of(".eE") != std::string_view::npos) type = oid::numeric;
    else if (type != oid::numeric && (t.text.size() > 10 || (t.text.size() == 10 && t.text > "2147483647"))) type = oid::int8;
    else if (type == 0) type = oid::int4;
  }
  return type;
}
inline std::vector<SeriesColumn> series_columns(const std::vector<sqlite_dialect::Token>& toks) {
  using sqlite_dialect::is;
  std::vector<SeriesColumn> out;
  for (std::size_t i = 1; i + 1 < toks.size(); ++i) {
    bool unnest = toks[i].is_keyword("unnest");
    if (!(unnest || toks[i].is_keyword("generate_series")) || !is(toks[i + 1], "(") || is(toks[i - 1], ".")) continue;
    if (!sqlite_dialect::in_from_clause(toks, i)) continue;
    std::size_t close = sqlite_dialect::matching_paren(toks, i + 1);
    if (close >= toks.size()) break;
    if (unnest) {
      if (auto type = unnest_element_type(toks, i + 2, close)) out.push_back(series_column(toks, close, "unnest", type));
      continue;
    }
    pgwire::Oid type = oid::int4;
    // Over moments (an interval step): timestamps, with time zone unless
    // both ends are timestamps without (series.hpp).
    bool interval = false, zoned = false, plain = false;
    for (std::size_t k = i + 2; k < close; ++k) {
      interval = interval || toks[k].is_keyword("interval");
      zoned = zoned || toks[k].is_keyword("date") || toks[k].is_keyword("timestamptz") || toks[k].is_keyword("zone");
      plain = plain || toks[k].is_keyword("timestamp");
    }
    for (std::size_t k = interval ? close : i + 2; k < close; ++k) {
      const auto& t = toks[k];
      if (t.kind == sqlite_dialect::Kind::number) {
        if (t.text.find_first_of(".eE") != std::string_view::npos) {
          type = oid::numeric;
        } else if (type == oid::int4 && (t.text.size() > 10 || (t.text.size() == 10 && t.text > "2147483647"))) {
          type = oid::int8;
        }
      } else if (type == oid::int4 && (t.is_keyword("bigint") || t.is_keyword("int8"))) {
        type = oid::int8;
      }
    }
    if (interval) type = plain && !zoned ? oid::timestamp : oid::timestamptz;
    out.push_back(series_column(toks, close, "generate_series", type));
  }
  return out;
}

// The columns `(VALUES (...), ...) [AS] alias (c1, c2, ...)` puts in a
// FROM list, typed as the VALUES list's columns are (select_list.hpp): so
// `SELECT * FROM (VALUES (1, 'a')) v(id, name)` has an int4 id, as on
// PostgreSQL, not one typed by its value.
inline std::vector<SeriesColumn> values_columns(std::string_view sql, const std::vector<sqlite_dialect::Token>& toks) {
  using sqlite_dialect::is;
  std::vector<SeriesColumn> out;
  for (std::size_t i = 0; i + 2 < toks.size(); ++i) {
    if (!is(toks[i], "(") || !is(toks[i + 1], "values") || !sqlite_dialect::in_from_clause(toks, i)) continue;
    std::size_t close = sqlite_dialect::matching_paren(toks, i);
    if (close >= toks.size()) break;
    std::size_t k = close + 1;
    if (k < toks.size() && toks[k].is_keyword("as")) ++k;
    if (k + 1 >= toks.size() || !sqlite_dialect::is_alias(toks[k]) || !is(toks[k + 1], "(")) continue;
    std::vector<sqlite_dialect::Token> inner(toks.begin() + static_cast<std::ptrdiff_t>(i + 1),
                                             toks.begin() + static_cast<std::ptrdiff_t>(close));
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    std::vector<pgwire::Oid> types;
    for (const auto& c : sqlite_dialect::find_casts(sql, inner)) {
      ranges.emplace_back(c.at, c.last);
      types.push_back(c.type);
    }
    auto items = sqlite_dialect::select_items(inner, ranges, types, {});
    std::string alias = sqlite_dialect::identifier(toks[k]);
    std::size_t names_close = sqlite_dialect::matching_paren(toks, k + 1);
    std::size_t n = 0;
    for (std::size_t m = k + 2; m < names_close && m < toks.size(); ++m)
      if (toks[m].is_name()) {
        if (n < items.size() && items[n].type != 0) out.push_back({alias, sqlite_dialect::identifier(toks[m]), items[n].type});
        ++n;
      }
    i = close;
  }
  return out;
}

// `sql` (one statement) as SQLite runs it, for the session `who`.
inline Translation translate(sqlite3* db, std::string_view sql, const sqlite_dialect::Identity& who) {
  auto toks = sqlite_dialect::tokenize(sql);
  for (const auto& t : toks) {
    if (!t.is_name()) continue;
    auto name = sqlite_dialect::identifier(t);
    // The server's bookkeeping (column_types.hpp, publications.hpp).
    if (name == column_types_table || name == "pgwire_publications" || name == sequences::table ||
        name == comments::table || name == enum_types::table)
      throw pgwire::PgError("42P01", "relation \"" + name + "\" does not exist");
  }
  Translation out;
  enum_types::ensure_collations(db);
  if (auto enum_statement = enum_ddl::translate(db, toks)) {  // (before the refusal of other CREATE TYPEs)
    out.sql = std::move(enum_statement->sql);
    out.after = std::move(enum_statement->after);
    return out;
  }
  translate_detail::refuse_unsupported(toks);
  if (auto ddl = translate_ddl(db, sql, toks, who)) {
    out.sql = std::move(ddl->sql);
    out.after = std::move(ddl->after);
    return out;
  }
  std::string expanded, typed_calls;
  if (auto with_types = enum_functions::pass_type(sql, toks)) {  // enum_range(NULL::mood): the type as an argument
    typed_calls = std::move(*with_types);
    sql = typed_calls;
    toks = sqlite_dialect::tokenize(sql);
  }
  if (auto reads = sequence_reads::rewrite(db, sql, toks)) {  // SELECT ... FROM a sequence
    expanded = std::move(*reads);
    sql = expanded;
  } else if (auto with_defaults = expand_insert_defaults(db, sql, toks)) {
    expanded = std::move(*with_defaults);
    sql = expanded;
  } else if (auto rounded = numeric_assignments::round_update(db, sql, toks)) {
    expanded = std::move(*rounded);
    sql = expanded;
  }
  // DISTINCT ON runs as a window (distinct_on.hpp), ROLLUP / CUBE /
  // GROUPING SETS as a UNION ALL (grouping_sets.hpp); the result is still
  // named and typed by the statement's own list.
  std::string_view typed_by;
  std::string reshaped;
  std::size_t hidden = 0;
  {
    auto tokens = expanded.empty() ? toks : sqlite_dialect::tokenize(sql);
    auto shaped = distinct_on::rewrite(sql, tokens);
    if (shaped) hidden = distinct_on::hidden_columns;
    if (!shaped) shaped = grouping_sets::rewrite(sql, tokens);
    if (shaped) {
      reshaped = std::move(*shaped);
      typed_by = sql;
      sql = reshaped;
    }
  }
  auto tables = sqlite_dialect::infer_parameters(sql).tables;
  auto series = series_columns(sqlite_dialect::tokenize(sql));
  for (auto& v : values_columns(sql, sqlite_dialect::tokenize(sql))) series.push_back(std::move(v));
  auto resolve = [db, &tables, &series](std::string_view qualifier, std::string_view column) -> pgwire::Oid {
    for (const auto& s : series)
      if (s.name == column && (qualifier.empty() || qualifier == s.alias)) return s.type;
    for (const auto& table : tables)
      if (auto t = column_type(db, table, column)) return t;
    return 0;
  };
  auto scale_of = [db, &tables](std::string_view, std::string_view column) -> std::int32_t {
    for (const auto& table : tables) {
      auto recorded = recorded_column(db, table, column);
      if (recorded.type != 0)
        return recorded.type == pgwire::oid::numeric && recorded.modifier >= 4 ? (recorded.modifier - 4) & 0xffff : -1;
    }
    return -1;
  };
  auto primary_key = [db](const std::string& table) { return ddl::primary_key_columns(db, table); };
  static_cast<sqlite_dialect::Rewritten&>(out) = sqlite_dialect::rewrite(sql, who, resolve, scale_of, primary_key);
  if (!typed_by.empty()) {
    out.columns = sqlite_dialect::rewrite(typed_by, who, resolve, scale_of).columns;
    out.hidden_columns = hidden;
  }
  for (const auto& s : series) out.from_columns.emplace_back(s.name, s.type);
  std::string created;
  std::string_view select;
  if (!out.after && created_as_types::read(db, sql, created, select)) {  // (CREATE TABLE t AS: t's PostgreSQL types)
    auto typed = sqlite_dialect::rewrite(select, who, resolve, scale_of);
    out.after = created_as_types::recorder(std::move(created), std::move(typed.sql), std::move(typed.columns),
                                           out.from_columns);
  }
  return out;
}

}  // namespace sqlite_example
