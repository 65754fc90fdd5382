#pragma once
// The catalog queries drivers send verbatim (internal to src/api/): found
// by catalog_queries.cpp, answered for SessionCommands (session_commands.cpp).

#include <string_view>
#include <vector>

#include "pgwire/api/extended.hpp"
#include "pgwire/api/results.hpp"

namespace pgwire::api_detail {

struct CatalogQuery;  // one driver's query: catalog_queries.cpp

// The catalog query `sql` is, or null.
const CatalogQuery* find_catalog_query(std::string_view sql);
// The types PostgreSQL infers for its $1, $2, ... (empty: no parameters).
const std::vector<Oid>& parameter_types(const CatalogQuery& q);
// Its result columns.
const SchemaPtr& result_columns(const CatalogQuery& q);
// Its rows, for the parameters bound in `portal` (null: a query without
// parameters). Throws PgError (22P02 / 22P03) for a parameter that is not
// a valid value.
Response answer(const CatalogQuery& q, const Portal* portal);

}  // namespace pgwire::api_detail
