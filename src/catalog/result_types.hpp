#pragma once
// The names and types PostgreSQL gives a catalog query's result columns and
// parameters, read from its text: a catalog column's type, a cast's target,
// a function's result type, bool for a comparison, the item of a subquery.
// psql reads values by position but aligns numbers right and reads booleans
// as t/f; drivers decode by type.

#include <map>
#include <string>
#include <vector>

#include "pg_to_sqlite.hpp"
#include "sql_tokens.hpp"

namespace pgwire::catalog_detail {

// $1, $2, ... as PostgreSQL would infer them: a cast's type, or the type of
// the catalog column they are compared with (0: unknown).
std::vector<Oid> infer_parameters(const Toks& query);

// The columns of the first top-level SELECT of `query` (type 0: unknown,
// for the engine to ask SQLite). `star`: set when the list is `*`, which
// gives no columns. `subquery_columns`: types of the columns of the
// query's subqueries, by name, for references to them.
std::vector<ResultColumn> typed_items(const Toks& query, const std::vector<Oid>& params, bool* star = nullptr,
                                      const std::map<std::string, Oid>* subquery_columns = nullptr);

}  // namespace pgwire::catalog_detail
