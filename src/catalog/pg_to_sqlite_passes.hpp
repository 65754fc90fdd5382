#pragma once
// The passes of the PostgreSQL -> SQLite rewrite (pg_to_sqlite.hpp), one
// file each, run by translate() in this order on the library's tokens:
//
//   rewrite_spellings             token-level spellings: OPERATOR(~), ~ and
//                                 ~~ families, COLLATE, pg_catalog. prefixes,
//                                 IS [NOT] DISTINCT FROM, current_user,
//                                 reserved aliases, boolean literals, LIKE's
//                                 backslash escape (pg_to_sqlite_spellings.cpp)
//   inline_lateral_rows           CROSS JOIN LATERAL (SELECT expr) AS o(n):
//                                 o.n becomes (expr) (pg_to_sqlite_lateral.cpp)
//   resolve_system_columns        tableoid (pg_to_sqlite_system_columns.cpp)
//   rewrite_structures            what needs its operand or its group: casts,
//                                 ARRAY, ANY/ALL, subscripts, trim FROM,
//                                 set-returning functions in FROM
//                                 (pg_to_sqlite_structures.cpp); it first runs
//   expand_select_list_functions  set-returning functions in a select list
//                                 (pg_to_sqlite_select_lists.cpp)

#include "sql_tokens.hpp"

namespace pgwire::catalog_detail {

Toks rewrite_spellings(const Toks& in);
Toks inline_lateral_rows(const Toks& in);
Toks resolve_system_columns(const Toks& in);
Toks expand_select_list_functions(const Toks& in);
// Throws std::runtime_error for what it cannot rewrite (a cast without an
// operand, ARRAY() without SELECT, an unsupported ANY/ALL comparison).
Toks rewrite_structures(const Toks& in);

}  // namespace pgwire::catalog_detail
