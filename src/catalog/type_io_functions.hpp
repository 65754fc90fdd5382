#pragma once
// The input/output functions pg_type names for each type (typinput,
// typoutput, typreceive, typsend) and the pg_proc rows behind them.
//
// Why: drivers tell arrays from other types by these names. pgjdbc's
// TypeInfoCache asks `typinput = 'pg_catalog.array_in'::regproc`, so the
// regproc cast must find array_in in pg_proc, and every array type's
// typinput must be it. The names follow PostgreSQL 15's pg_type.dat; the
// array and record functions keep PostgreSQL's OIDs, the others get OIDs
// of their own (no client compares those).

#include <string>
#include <vector>

#include "catalog_types.hpp"

namespace pgwire::catalog_detail {

struct TypeIoFunctions {
  Oid input = 0, output = 0, receive = 0, send = 0;
};

struct BuiltinProc {
  Oid oid = 0;
  std::string name;
  Oid argument_type = 0;  // the one argument: cstring for input, the type for output, internal for receive
  Oid result_type = 0;
};

// Every I/O function of the built-in types, ordered by OID.
const std::vector<BuiltinProc>& builtin_procs();
// The functions of one built-in type (all 0 for a pseudo-type without them).
TypeIoFunctions type_io_functions(const CatalogType& type);
// For a table's row type, and its array.
TypeIoFunctions record_io_functions();
TypeIoFunctions array_io_functions();
// For an enum type (PostgreSQL's OIDs: enum_in, enum_out, enum_recv, enum_send).
TypeIoFunctions enum_io_functions();

}  // namespace pgwire::catalog_detail
