#pragma once
// What the files registering SQL functions share: a table of scalar
// functions registered in one loop, and the NULL-in-NULL-out test.

#include <sqlite3.h>

#include <cstddef>

namespace sqlite_example {

struct ScalarFunction {
  const char* name;
  int args;  // -1: any number
  void (*f)(sqlite3_context*, int, sqlite3_value**);
};

// Pure (deterministic, innocuous) functions, as most of PostgreSQL's are.
template <std::size_t N>
void register_scalars(sqlite3* db, const ScalarFunction (&functions)[N]) {
  constexpr int pure = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC;
  for (const ScalarFunction& f : functions)
    sqlite3_create_function_v2(db, f.name, f.args, pure, nullptr, f.f, nullptr, nullptr, nullptr);
}

// A strict function's arguments: any NULL makes the result NULL.
inline bool any_null(int argc, sqlite3_value** argv) {
  for (int i = 0; i < argc; ++i)
    if (sqlite3_value_type(argv[i]) == SQLITE_NULL) return true;
  return false;
}

}  // namespace sqlite_example
