#pragma once
// What the tests of a client's captured catalog queries share (psql 15:
// psql_queries_test.cpp, pgjdbc 42.5: pgjdbc_queries_test.cpp): reading the
// captures by name, and rows to compare with PostgreSQL 15's.

#include <cstddef>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "pgwire/catalog/catalog.hpp"

namespace catalog_test {

using Row = std::vector<std::optional<std::string>>;
inline const std::optional<std::string> null;

// The queries of data/<file> by name: each follows a line "<marker><name>"
// ("-- psql: \\dt 1") up to the next such line.
inline std::map<std::string, std::string> captured_queries(const std::string& file, std::string_view marker) {
  std::ifstream in(PGWIRE_CATALOG_DATA_DIR "/" + file);
  REQUIRE(in);
  std::map<std::string, std::string> out;
  std::string line, name;
  while (std::getline(in, line)) {
    if (line.starts_with(marker)) {
      name = line.substr(marker.size());
      continue;
    }
    if (!name.empty()) out[name] += line + "\n";
  }
  return out;
}

// The columns a client reads, by position.
inline std::vector<Row> columns_of(const pgwire::catalog::Catalog::Result& r, const std::vector<std::size_t>& positions) {
  std::vector<Row> out;
  for (const auto& row : r.rows) {
    Row picked;
    for (auto p : positions) picked.push_back(row.at(p));
    out.push_back(picked);
  }
  return out;
}

}  // namespace catalog_test
