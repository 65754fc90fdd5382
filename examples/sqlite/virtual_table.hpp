#pragma once
// The sqlite3_module of an eponymous-only virtual table (a table-valued
// function named as PostgreSQL's: generate_series, unnest, jsonb_each ...):
// Table's static callbacks, no xCreate, so it exists in every connection
// without CREATE VIRTUAL TABLE.

#include <sqlite3.h>

namespace sqlite_example {

template <class Table>
const sqlite3_module* eponymous_module() {
  static const sqlite3_module m = [] {
    sqlite3_module x{};
    x.xConnect = &Table::connect;
    x.xBestIndex = &Table::best_index;
    x.xDisconnect = &Table::disconnect;
    x.xOpen = &Table::open;
    x.xClose = &Table::close;
    x.xFilter = &Table::filter;
    x.xNext = &Table::next;
    x.xEof = &Table::eof;
    x.xColumn = &Table::column;
    x.xRowid = &Table::rowid;
    return x;
  }();
  return &m;
}

}  // namespace sqlite_example
