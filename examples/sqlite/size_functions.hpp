#pragma once
// pg_size_pretty(bytes): a size as PostgreSQL prints it for people (what
// psql's \l+ and \dt+ show, and monitoring queries select): bytes below
// 10 kB, then kB, MB, GB, TB, PB, each while below 20 of the next unit,
// rounded half away from zero. pg_database_size(name or oid): the database
// file's pages in bytes (what \l+ and monitoring dashboards show).

#include <sqlite3.h>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace sqlite_example::size_functions {

inline void pretty(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  std::int64_t size = sqlite3_value_int64(argv[0]);
  constexpr std::int64_t limit = 10 * 1024, limit2 = limit * 2 - 1;
  auto half_rounded = [](std::int64_t x) { return (x + (x < 0 ? -1 : 1)) / 2; };
  std::string out;
  if (std::llabs(size) < limit) {
    out = std::to_string(size) + " bytes";
  } else {
    size /= 512;  // (one extra bit kept for the rounding; division, so negative sizes round alike)
    const char* units[] = {"kB", "MB", "GB", "TB", "PB"};
    std::size_t unit = 0;
    while (unit + 1 < std::size(units) && std::llabs(size) >= limit2) {
      size /= 1024;
      ++unit;
    }
    out = std::to_string(half_rounded(size)) + " " + units[unit];
  }
  sqlite3_result_text(ctx, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

inline void database_size(sqlite3_context* ctx, int, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
  sqlite3_stmt* s = nullptr;
  std::int64_t bytes = 0;
  if (sqlite3_prepare_v2(sqlite3_context_db_handle(ctx),
                         "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", -1, &s,
                         nullptr) == SQLITE_OK &&
      sqlite3_step(s) == SQLITE_ROW)
    bytes = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_result_int64(ctx, bytes);
}

inline void register_all(sqlite3* db) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  sqlite3_create_function_v2(db, "pg_size_pretty", 1, pure, nullptr, &pretty, nullptr, nullptr, nullptr);
  sqlite3_create_function_v2(db, "pg_database_size", 1, SQLITE_UTF8, nullptr, &database_size, nullptr, nullptr,
                             nullptr);
}

}  // namespace sqlite_example::size_functions
