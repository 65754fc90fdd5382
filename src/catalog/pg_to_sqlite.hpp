#pragma once
// PostgreSQL's catalog SQL in SQLite's dialect: the rewrite that lets the
// catalog's SQLite database evaluate the queries psql and drivers send.
//
//   casts x::regclass, x::text, $1::name[]   -> pgw_to_<typname>(x)
//   OPERATOR(pg_catalog.~), ~, !~, ~*        -> REGEXP, NOT REGEXP (regexp() is registered)
//   x = ANY(array) / x <> ALL(array)         -> x IN (SELECT value FROM json_each(...))
//   ARRAY[...], ARRAY(SELECT ...)            -> pgw_array(...), (SELECT pgw_array_agg(...) ...)
//   a[i]                                     -> pgw_array_get(a, i)
//   set-returning functions in FROM          -> json_each over pgw_srf_<name>(...)
//   pg_catalog. prefixes, COLLATE, E'' strings, IS [NOT] DISTINCT FROM, current_user
// and, from the PostgreSQL text, the result columns as PostgreSQL names and
// types them (psql reads values by position and right-aligns numbers).

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pgwire/types/oid.hpp"

namespace pgwire::catalog_detail {

struct ResultColumn {
  std::string name;
  Oid type = oid::text;  // 0: unknown (a column of a subquery): SQLite's declared type, else text
};

struct Translation {
  std::string sql;                   // for SQLite
  std::vector<ResultColumn> columns;  // of the top-level SELECT (empty: not known)
  std::vector<Oid> parameter_types;  // $1.. as inferred (0: unknown)
  // The result columns of its subqueries, by name: for SELECT * FROM (SELECT ...).
  std::map<std::string, Oid> subquery_columns;
};

// Throws std::runtime_error for SQL it cannot read (an unclosed quote).
Translation translate(std::string_view postgres_sql);

// True when `sql` reads the catalog: a SELECT / WITH / VALUES naming
// pg_catalog, information_schema, a catalog relation or a catalog function.
bool reads_catalog(std::string_view sql);

}  // namespace pgwire::catalog_detail
