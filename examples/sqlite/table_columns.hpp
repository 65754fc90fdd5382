#pragma once
// A table's column names in declaration order (SQLite's table_info).

#include <sqlite3.h>

#include <string>
#include <vector>

namespace sqlite_example {

inline std::vector<std::string> column_names(sqlite3* db, const std::string& table) {
  std::vector<std::string> out;
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1, &s, nullptr) == SQLITE_OK) {
    sqlite3_bind_text(s, 1, table.c_str(), -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  }
  sqlite3_finalize(s);
  return out;
}

}  // namespace sqlite_example
